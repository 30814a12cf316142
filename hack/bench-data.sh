#!/usr/bin/env bash
# Builds the benchmark inputs with internal/testgen/bench, only if missing:
#   $BENCH_DIR/<ver>/<size>.tar.zst (+ .expected.yaml)   for each size in BENCH_SIZES
#   $BENCH_DIR/<ver>/<x10>-x10.tar.zst                   same objects, 10x the log lines (RSS growth check)
#   $BENCH_DIR/<ver>/<dump>.dump/                        the <dump> incident as a kubectl cluster-info dump tree
# <ver> hashes every source the output depends on (the generator, the
# kubenames helpers it draws names, IDs and randomness from, the bundle
# writer and its log frames), so a change to any of them builds a fresh set;
# older sets (directories holding the .benchgen marker) are deleted unless
# BENCH_KEEP_OLD=1.
#
# Knobs: BENCH_DIR (default /tmp/nohealthy-bench), BENCH_SIZES (default
# "small medium large"), BENCH_X10 (default medium when listed, else the
# largest), BENCH_DUMP (default: the largest of BENCH_SIZES); "none" skips. Prints the data directory on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DIR=${BENCH_DIR:-/tmp/nohealthy-bench}
BENCH_SIZES=${BENCH_SIZES:-small medium large}
largest=${BENCH_SIZES##* }
# 10x the logs of medium is already 7 GB; of large it would be 70 GB.
x10default=$largest
case " $BENCH_SIZES " in *" medium "*) x10default=medium ;; esac
BENCH_X10=${BENCH_X10:-$x10default}
BENCH_DUMP=${BENCH_DUMP:-$largest}
GO=${GO:-go}

ver=$(cat $(ls internal/testgen/bench/*.go internal/testgen/kubenames/*.go | grep -v '_test\.go$') bundle/writer.go bundle/frames.go | sha256sum | cut -c1-12)
dir=$BENCH_DIR/$ver
mkdir -p "$dir"
if [ "${BENCH_KEEP_OLD:-0}" != 1 ]; then
	for old in "$BENCH_DIR"/*/; do
		old=${old%/}
		case ${old##*/} in
		"$ver") ;;
		[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f])
			[ -f "$old/.benchgen" ] && { echo "bench-data: removing old set $old" >&2; rm -rf "$old"; } ;;
		esac
	done
fi
touch "$dir/.benchgen"

gen=$dir/bench
[ -x "$gen" ] || $GO build -o "$gen" ./internal/testgen/bench

timed() { # label, command...: runs it niced, records wall/CPU/RSS in $dir/gen-times.txt
	local label=$1 t e u s m
	shift
	t=$(mktemp)
	/usr/bin/time -f '%e %U %S %M' -o "$t" nice "$@"
	read -r e u s m <"$t"
	rm -f "$t"
	printf '%-12s wall %7.1fs  cpu %7.1fs  rss %5d MiB\n' "$label" "$e" "$(awk "BEGIN{print $u+$s}")" $((m / 1024)) | tee -a "$dir/gen-times.txt" >&2
}

for s in $BENCH_SIZES; do
	out=$dir/$s.tar.zst
	if [ "$s" = "$BENCH_DUMP" ]; then
		if [ -f "$out" ] && [ -f "$dir/$s.dump.done" ]; then continue; fi
		rm -rf "$dir/$s.dump" "$dir/$s.dump.done"
		echo "bench-data: generating $s (+ cluster-info dump tree)" >&2
		timed "$s+dump" "$gen" -size "$s" -out "$out" -dump-dir "$dir/$s.dump"
		touch "$dir/$s.dump.done"
	elif [ ! -f "$out" ]; then
		echo "bench-data: generating $s" >&2
		timed "$s" "$gen" -size "$s" -out "$out"
	fi
done
if [ "$BENCH_X10" != none ] && [ ! -f "$dir/$BENCH_X10-x10.tar.zst" ]; then
	echo "bench-data: generating $BENCH_X10 with 10x the log lines" >&2
	timed "$BENCH_X10-x10" "$gen" -size "$BENCH_X10" -log-factor 10 -out "$dir/$BENCH_X10-x10.tar.zst"
fi
echo "$dir"
