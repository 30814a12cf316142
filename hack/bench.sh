#!/usr/bin/env bash
# Runs every Go benchmark and prints one table row per benchmark.
# Usage: hack/bench.sh [go test packages...]   (default ./...)
# BENCHTIME tunes -benchtime (default 1s, as go test).
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT

status=0
go test -run='^$' -bench=. -benchmem -benchtime="${BENCHTIME:-1s}" "${pkgs[@]}" >"$raw" 2>&1 || status=$?

awk '
	/^pkg: / { pkg = $2; sub(/^github.com\/nohealthy\/nohealthy\//, "", pkg) }
	/^Benchmark/ {
		ns = bop = allocs = mbs = "-"
		for (i = 3; i < NF; i++) {
			if ($(i+1) == "ns/op") ns = $i
			if ($(i+1) == "B/op") bop = $i
			if ($(i+1) == "allocs/op") allocs = $i
			if ($(i+1) == "MB/s") mbs = $i
		}
		rows[n++] = sprintf("%-28s %-44s %14s %10s %12s %10s", pkg, $1, ns, mbs, bop, allocs)
	}
	END {
		if (n == 0) { print "no benchmarks found"; exit }
		printf "%-28s %-44s %14s %10s %12s %10s\n", "PACKAGE", "BENCHMARK", "NS/OP", "MB/S", "B/OP", "ALLOCS/OP"
		for (i = 0; i < n; i++) print rows[i]
	}
' "$raw"

if [ "$status" -ne 0 ]; then
	echo
	echo "go test failed (exit $status):"
	grep -v '^Benchmark' "$raw" | grep -Ev '^(goos|goarch|pkg|cpu): ' || true
	exit "$status"
fi
