//go:build e2e

package e2e

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/bundle"
)

// TestProxyAdmin: gather port-forwards (through the API server and kwok,
// as it would through a kubelet) to the Envoy admin port of a gateway pod
// and stores clusters, config_dump and server_info, redacted.
func TestProxyAdmin(t *testing.T) {
	c := shared
	c.node(t, "worker-1")
	ns := "meshadmin"
	c.namespace(t, ns)
	const leak = "PlantedAdminKey-6c6c6c"
	mux := http.NewServeMux()
	mux.HandleFunc("/clusters", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("format") != "json" {
			http.Error(w, "want format=json", 400)
			return
		}
		fmt.Fprint(w, `{"cluster_statuses":[{"name":"outbound|9080|v1|reviews.bookinfo.svc.cluster.local","host_statuses":[{"address":{"socket_address":{"address":"10.244.0.7","port_value":9080}},"health_status":{"failed_outlier_check":true,"eds_health_status":"HEALTHY"}}]}]}`)
	})
	mux.HandleFunc("/config_dump", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.URL.Query()["include_eds"]; !ok {
			http.Error(w, "want include_eds", 400)
			return
		}
		fmt.Fprintf(w, `{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.SecretsConfigDump","dynamic_active_secrets":[{"name":"default","secret":{"tls_certificate":{"private_key":{"inline_string":"-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----"}}}}]}]}`, leak)
	})
	mux.HandleFunc("/server_info", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"version":"e2e/1.28.0/Clean/RELEASE/BoringSSL","state":"LIVE"}`)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(mux)
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	port := ln.Addr().(*net.TCPAddr).Port

	// The forward is declared first so kwok knows it before the pod runs.
	c.apply(t, fmt.Sprintf(`apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterPortForward
metadata: {name: meshadmin-envoy}
spec:
  selector: {matchNamespaces: [%s]}
  forwards:
  - ports: [15000]
    target: {port: %d, address: 127.0.0.1}
`, ns, port))
	gw := c.workload(t, workload{ns: ns, name: "ingressgateway", labels: map[string]string{"istio": "ingressgateway"}, replicas: 1, node: "worker-1", sidecar: true})
	pods := c.waitRunning(t, gw.pods)

	out := filepath.Join(t.TempDir(), "admin.tar.zst")
	r := c.gather(t, "-n", ns, "-o", out)
	if r.code != 0 {
		t.Fatalf("gather exit %d\n%s", r.code, r.stderr)
	}
	files := unpack(t, out)
	for _, name := range []string{"clusters.json", "config_dump.json", "server_info.json"} {
		p := bundle.ProxyPath(ns, pods[0].Name, name)
		if files[p] == nil {
			t.Errorf("bundle lacks %s\n%s", p, r.stderr)
		}
	}
	if b := files[bundle.ProxyPath(ns, pods[0].Name, "clusters.json")]; !strings.Contains(string(b), "failed_outlier_check") {
		t.Errorf("clusters.json lost the health flags: %s", b)
	}
	for name, b := range files {
		if strings.Contains(string(b), leak) {
			t.Errorf("private key from config_dump leaked into %s", name)
		}
	}
	for _, s := range index(t, files).Collectors {
		if s.Name == "proxy-admin" && (s.Status != bundle.StatusOK || s.Count != 3) {
			t.Errorf("proxy-admin collector: %+v", s)
		}
	}
}
