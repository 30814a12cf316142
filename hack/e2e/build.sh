#!/usr/bin/env bash
# Builds the real components the e2e tests run (etcd, kube-apiserver, kubectl,
# kwok, and troubleshoot's support-bundle) from Go modules and caches them by
# version, so that later runs start in seconds. Prints the bin directory on
# stdout.
#
#   NOHEALTHY_CACHE   cache root (default ~/.cache/nohealthy/e2e)
#   E2E_BUILD_P       go build -p (default 1 on a shared dev machine, 2 in CI)
#   E2E_BUILD_NICE    nice level (default 19)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"

gover=$(go env GOVERSION)
key="k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}_${gover}"
root="${NOHEALTHY_CACHE:-$HOME/.cache/nohealthy/e2e}/$key"
bin="$root/bin"
mkdir -p "$bin"

default_p=1
[[ "${CI:-}" == true ]] && default_p=2
export GOFLAGS="-p=${E2E_BUILD_P:-$default_p} -mod=readonly -trimpath"
export CGO_ENABLED=0
nice_cmd=(nice -n "${E2E_BUILD_NICE:-19}")
log() { echo "[e2e-build $(date -u +%H:%M:%S)] $*" >&2; }

build() { # name moduledir pkg [ldflags]
  local name=$1 dir=$2 pkg=$3 ldflags=${4:-}
  if [[ -x "$bin/$name" ]]; then
    log "$name: cached"
    return
  fi
  local t0=$SECONDS tmp
  tmp=$(mktemp "$bin/.$name.XXXXXX")
  log "$name: building $pkg"
  (cd "$here/tools/$dir" && "${nice_cmd[@]}" go build -ldflags "-s -w $ldflags" -o "$tmp" "$pkg")
  chmod +x "$tmp"
  mv -f "$tmp" "$bin/$name"
  log "$name: built in $((SECONDS - t0))s"
}

kv="k8s.io/component-base/version"
minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
kflags="-X $kv.gitVersion=$K8S_VERSION -X $kv.gitMajor=1 -X $kv.gitMinor=$minor -X $kv.gitTreeState=clean"
kflags="$kflags -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"

t0=$SECONDS
build etcd etcd nohealthy.local/e2e/tools/etcd
build kwok kwok sigs.k8s.io/kwok/cmd/kwok "-X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION"
build kube-apiserver kube k8s.io/kubernetes/cmd/kube-apiserver "$kflags"
build kubectl kube k8s.io/kubernetes/cmd/kubectl "$kflags"

# troubleshoot's support-bundle, whose bundles analyze reads (e2e
# TestSupportBundle). Its version is not in the cache key, so that a new
# one does not rebuild the cluster's binaries: a stamp beside it says which
# it is. E2E_SKIP_TROUBLESHOOT=1 leaves it out (the test then skips, and
# fails under CI=true).
if [[ "${E2E_SKIP_TROUBLESHOOT:-}" != 1 ]]; then
  if [[ "$(cat "$bin/support-bundle.version" 2>/dev/null)" != "$TROUBLESHOOT_VERSION" ]]; then
    rm -f "$bin/support-bundle"
  fi
  build support-bundle troubleshoot github.com/replicatedhq/troubleshoot/cmd/troubleshoot
  echo "$TROUBLESHOOT_VERSION" >"$bin/support-bundle.version"
fi

# Istio CRDs from istio.io/api (the module is pinned by tools/kwok).
if [[ ! -s "$root/istio-crds.yaml" ]]; then
  dir=$(cd "$here/tools/kwok" && go list -m -f '{{.Dir}}' istio.io/api)
  if [[ -z "$dir" || ! -d "$dir" ]]; then
    (cd "$here/tools/kwok" && go mod download istio.io/api)
    dir=$(cd "$here/tools/kwok" && go list -m -f '{{.Dir}}' istio.io/api)
  fi
  cp "$dir/kubernetes/customresourcedefinitions.gen.yaml" "$root/.istio-crds.tmp"
  mv -f "$root/.istio-crds.tmp" "$root/istio-crds.yaml"
fi
log "all binaries ready in $((SECONDS - t0))s: $bin"
echo "$bin"
