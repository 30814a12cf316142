#!/usr/bin/env bash
# Builds versitygw, the S3-compatible gateway (POSIX backend) the S3 input
# tests run against, from its Go module, and caches it by version, so that
# later runs start in a second. Prints the binary's path on stdout.
#
#   NOHEALTHY_CACHE   cache root (default ~/.cache/nohealthy)
#   S3_BUILD_P        go build -p (default 1 on a shared dev machine, 2 in CI)
#   S3_BUILD_NICE     nice level (default 19)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"

gover=$(go env GOVERSION)
bin="${NOHEALTHY_CACHE:-$HOME/.cache/nohealthy}/s3/versitygw-${VERSITYGW_VERSION}_${gover}/bin"
mkdir -p "$bin"
log() { echo "[s3-build $(date -u +%H:%M:%S)] $*" >&2; }

if [[ -x "$bin/versitygw" ]]; then
  log "versitygw: cached"
  echo "$bin/versitygw"
  exit 0
fi

default_p=1
[[ "${CI:-}" == true ]] && default_p=2
t0=$SECONDS
tmp=$(mktemp -d "$bin/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "versitygw: building github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
# go install pkg@version builds with the module's own go.mod, outside the
# main module: the gateway's dependencies never enter nohealthy's go.sum.
GOBIN="$tmp" GOFLAGS="-p=${S3_BUILD_P:-$default_p} -trimpath" CGO_ENABLED=0 \
  nice -n "${S3_BUILD_NICE:-19}" \
  go install -ldflags "-s -w" "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
mv -f "$tmp/versitygw" "$bin/versitygw"
log "versitygw: built in $((SECONDS - t0))s"
echo "$bin/versitygw"
