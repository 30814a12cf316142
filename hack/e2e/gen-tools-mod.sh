#!/usr/bin/env bash
# Regenerates the scratch modules under hack/e2e/tools/ from versions.env.
# Run this only when a version changes; the results (go.mod + go.sum) are
# committed so that builds are reproducible. These modules are NOT part of
# the main module (each has its own go.mod).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
export GOFLAGS=-mod=mod

# --- kube: kube-apiserver + kubectl from k8s.io/kubernetes -----------------
# k8s.io/kubernetes replaces every staging module k8s.io/* with a local
# directory; a dependant must pin each one to the matching published v0.X.Y.
kd="$here/tools/kube"
mkdir -p "$kd"
kmod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
staging_ver="v0${K8S_VERSION#v1}"
{
  echo "module nohealthy.local/e2e/tools/kube"
  echo
  echo "go 1.26.0"
  echo
  echo "tool ("
  echo "	k8s.io/kubernetes/cmd/kube-apiserver"
  echo "	k8s.io/kubernetes/cmd/kubectl"
  echo ")"
  echo
  echo "require k8s.io/kubernetes $K8S_VERSION"
  echo
  echo "replace ("
  for m in $(grep -E '^\s*k8s.io/\S+ => ./staging' "$kmod" | awk '{print $1}'); do
    # Some staging modules (sample-*) are not published; they are not
    # needed by the two binaries, so skip what does not resolve.
    if go list -m "$m@$staging_ver" >/dev/null 2>&1; then
      echo "	$m => $m $staging_ver"
    else
      echo "skip $m@$staging_ver (does not resolve)" >&2
    fi
  done
  echo ")"
} >"$kd/go.mod"
(cd "$kd" && go mod tidy)

# --- etcd: a main wrapping etcdmain.Main ------------------------------------
ed="$here/tools/etcd"
mkdir -p "$ed"
cat >"$ed/main.go" <<'GO'
// Command etcd runs etcd's own main; built here so the e2e tests need no
// prebuilt download.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
printf 'module nohealthy.local/e2e/tools/etcd\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$ed/go.mod"
(cd "$ed" && go mod tidy)

# --- kwok: the fake kubelet --------------------------------------------------
wd="$here/tools/kwok"
mkdir -p "$wd"
printf 'module nohealthy.local/e2e/tools/kwok\n\ngo 1.26.0\n\ntool sigs.k8s.io/kwok/cmd/kwok\n\nrequire (\n\tsigs.k8s.io/kwok %s\n\tistio.io/api %s\n)\n' "$KWOK_VERSION" "$ISTIO_API_VERSION" >"$wd/go.mod"
cat >"$wd/crds.go" <<'GO'
// Package kwok pins istio.io/api so that its CRD file is in the module cache.
package kwok

import _ "istio.io/api/networking/v1alpha3"
GO
(cd "$wd" && go mod tidy)
# --- troubleshoot: the support-bundle command, to analyze what it writes ---
# troubleshoot's own go.mod replaces two Windows-only modules; a dependant
# must repeat its replace directives.
td="$here/tools/troubleshoot"
mkdir -p "$td"
tmod=$(go mod download -json "github.com/replicatedhq/troubleshoot@$TROUBLESHOOT_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
{
  printf 'module nohealthy.local/e2e/tools/troubleshoot\n\ngo 1.26.5\n\ntool github.com/replicatedhq/troubleshoot/cmd/troubleshoot\n\nrequire github.com/replicatedhq/troubleshoot %s\n\n' "$TROUBLESHOOT_VERSION"
  sed -n '/^replace (/,/^)/p' "$tmod"
} >"$td/go.mod"
(cd "$td" && go mod tidy)

echo "regenerated tools modules" >&2
