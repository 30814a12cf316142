#!/usr/bin/env bash
# Starts (up) or stops (down) a real control plane on 127.0.0.1 for the e2e
# tests: etcd, kube-apiserver (RBAC, service-account keys, client-cert
# admin) and kwok as the kubelet of fake nodes (node/pod status, pod logs
# from CRI-format files via ClusterLogs, port-forward via ClusterPortForward).
#
#   cluster.sh up DIR     start; writes DIR/env (PIDs, ports, paths) and
#                         DIR/admin.kubeconfig; prints DIR/env on success
#   cluster.sh down DIR   kill what DIR/env lists, by PID
#
# Ports are random free ones. Everything started is killed by PID if `up`
# fails; `down` is idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:-}; dir=${2:-}
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 up|down DIR" >&2; exit 2; }
log() { echo "[e2e-cluster $(date -u +%H:%M:%S)] $*" >&2; }

down() {
  [[ -f "$dir/pids" ]] || return 0
  local pid
  # Reverse start order: kwok, apiserver, etcd.
  for pid in $(tac "$dir/pids"); do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $(tac "$dir/pids"); do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -f "$dir/pids"
}

if [[ "$cmd" == down ]]; then
  down
  exit 0
fi
[[ "$cmd" == up ]] || { echo "unknown command $cmd" >&2; exit 2; }

for tool in openssl curl; do
  command -v "$tool" >/dev/null || { echo "cluster.sh: $tool is required (apt-get install $tool)" >&2; exit 1; }
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
trap 'rc=$?; if [[ $rc -ne 0 ]]; then log "up failed ($rc); stopping"; down; fi' EXIT

bin=${E2E_BIN:-$("$here/build.sh")}
cache=$(dirname "$bin")
export PATH="$bin:$PATH"

freeport() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && ! grep -qx "$p" "$dir/ports" 2>/dev/null; then
      echo "$p" >>"$dir/ports"
      echo "$p"; return
    fi
  done
  echo "no free port" >&2; return 1
}
: >"$dir/ports"
ETCD_PORT=$(freeport); ETCD_PEER_PORT=$(freeport); API_PORT=$(freeport); KWOK_PORT=$(freeport)

# --- certificates ------------------------------------------------------------
pki="$dir/pki"; mkdir -p "$pki"
ossl() { openssl "$@" 2>/dev/null; }
ossl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -out "$pki/ca.crt" -days 2 -subj "/CN=nohealthy-e2e-ca"
cert() { # name subject [san]
  local name=$1 subj=$2 san=${3:-}
  ossl req -newkey rsa:2048 -nodes -keyout "$pki/$name.key" -out "$pki/$name.csr" -subj "$subj"
  if [[ -n "$san" ]]; then
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san" >"$pki/$name.ext"
  else
    printf 'extendedKeyUsage=clientAuth\n' >"$pki/$name.ext"
  fi
  ossl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -out "$pki/$name.crt" -days 2 -extfile "$pki/$name.ext"
}
cert apiserver "/CN=kube-apiserver" "IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1"
cert admin "/O=system:masters/CN=e2e-admin"
cert kwok "/O=system:masters/CN=kwok"
cert kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
cert kwok-serving "/CN=kwok-kubelet" "IP:127.0.0.1,DNS:localhost"
ossl genrsa -out "$pki/sa.key" 2048
ossl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub"

kubeconfig() { # file user
  cat >"$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority: $pki/ca.crt
users:
- name: $2
  user:
    client-certificate: $pki/$2.crt
    client-key: $pki/$2.key
contexts:
- name: e2e
  context: {cluster: e2e, user: $2}
current-context: e2e
KC
}
kubeconfig "$dir/admin.kubeconfig" admin
kubeconfig "$dir/kwok.kubeconfig" kwok

: >"$dir/pids"
start() { # name cmd...
  local name=$1; shift
  "$@" >"$dir/$name.log" 2>&1 &
  echo $! >>"$dir/pids"
  log "$name started (pid $!)"
}

# --- etcd ----------------------------------------------------------------------
start etcd etcd --name default --data-dir "$dir/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "default=http://127.0.0.1:$ETCD_PEER_PORT" \
  --quota-backend-bytes 8589934592 --unsafe-no-fsync --log-level warn
for i in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$ETCD_PORT/health" >/dev/null 2>&1 && break
  [[ $i -eq 100 ]] && { log "etcd not healthy"; tail -20 "$dir/etcd.log" >&2; exit 1; }
  sleep 0.2
done

# --- kube-apiserver ------------------------------------------------------------
start kube-apiserver kube-apiserver \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-account-issuer https://kubernetes.default.svc --api-audiences https://kubernetes.default.svc \
  --authorization-mode RBAC \
  --service-cluster-ip-range 10.96.0.0/16 \
  --kubelet-client-certificate "$pki/kubelet-client.crt" --kubelet-client-key "$pki/kubelet-client.key" \
  --kubelet-preferred-address-types InternalIP \
  --disable-admission-plugins ServiceAccount \
  --max-requests-inflight 1000 --max-mutating-requests-inflight 500 \
  --allow-privileged --v 1
for i in $(seq 1 300); do
  curl -fsS --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    "https://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1 && break
  [[ $i -eq 300 ]] && { log "kube-apiserver not ready"; tail -30 "$dir/kube-apiserver.log" >&2; exit 1; }
  sleep 0.2
done
log "kube-apiserver ready on 127.0.0.1:$API_PORT"
kc=(kubectl --kubeconfig "$dir/admin.kubeconfig")
for i in $(seq 1 100); do
  "${kc[@]}" get namespace default >/dev/null 2>&1 && break
  [[ $i -eq 100 ]] && { log "default namespace never appeared"; exit 1; }
  sleep 0.2
done

# --- CRDs: kwok's (logs, port-forward) and Istio's -----------------------------
kwokdir=$(cd "$here/tools/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
for c in clusterlogs logs clusterportforwards portforwards; do
  "${kc[@]}" create -f "$kwokdir/kustomize/crd/bases/kwok.x-k8s.io_$c.yaml" >/dev/null
done
"${kc[@]}" create -f "$cache/istio-crds.yaml" >/dev/null
"${kc[@]}" wait --for condition=Established --timeout 60s crd --all >/dev/null

# --- kwok: fake kubelet ----------------------------------------------------------
{
  for f in node/fast/node-initialize node/heartbeat/node-heartbeat pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    cat "$kwokdir/kustomize/stage/$f.yaml"; echo "---"
  done
} >"$dir/kwok.yaml"
start kwok kwok --kubeconfig "$dir/kwok.kubeconfig" -c "$dir/kwok.yaml" \
  --manage-all-nodes --node-ip 127.0.0.1 --node-port "$KWOK_PORT" --server-address "127.0.0.1:$KWOK_PORT" \
  --tls-cert-file "$pki/kwok-serving.crt" --tls-private-key-file "$pki/kwok-serving.key" \
  --cidr 10.244.0.0/16 --enable-crds ClusterLogs,Logs,ClusterPortForward,PortForward
for i in $(seq 1 150); do
  (exec 3<>/dev/tcp/127.0.0.1/$KWOK_PORT) 2>/dev/null && break
  kill -0 "$(tail -1 "$dir/pids")" 2>/dev/null || { log "kwok exited"; tail -30 "$dir/kwok.log" >&2; exit 1; }
  [[ $i -eq 150 ]] && { log "kwok server not listening"; tail -30 "$dir/kwok.log" >&2; exit 1; }
  sleep 0.2
done

cat >"$dir/env" <<ENV
E2E_DIR=$dir
E2E_BIN=$bin
KUBECONFIG=$dir/admin.kubeconfig
API_SERVER=https://127.0.0.1:$API_PORT
API_PORT=$API_PORT
ETCD_PORT=$ETCD_PORT
KWOK_PORT=$KWOK_PORT
PKI=$pki
ETCD_PID=$(sed -n 1p "$dir/pids")
APISERVER_PID=$(sed -n 2p "$dir/pids")
KWOK_PID=$(sed -n 3p "$dir/pids")
ENV
log "cluster up: $dir/env"
echo "$dir/env"
