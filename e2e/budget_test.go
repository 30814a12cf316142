//go:build e2e

package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nohealthy/nohealthy/bundle"
	corev1 "k8s.io/api/core/v1"
)

// dump runs kubectl cluster-info dump -A of c into a fresh directory.
func (c *Cluster) dump(t *testing.T) result {
	t.Helper()
	return run(t, 10*time.Minute, nil, filepath.Join(toolsBin, "kubectl"), "--kubeconfig", c.Kubeconfig,
		"cluster-info", "dump", "-A", "--output-directory", filepath.Join(t.TempDir(), "dump"))
}

// TestAdminPortsRefusing: on a small cluster where no proxy's admin port
// answers (as behind a NetworkPolicy), gather gives the admin ports up
// after a few refusals, records it, says it once, and is no slower than
// kubectl cluster-info dump -A of the same cluster.
func TestAdminPortsRefusing(t *testing.T) {
	c := newCluster(t)
	c.node(t, "worker-1")
	c.node(t, "worker-2")
	var pods []*corev1.Pod
	for i, ns := range []string{"alpha", "beta", "gamma"} {
		c.namespace(t, ns)
		for _, app := range []string{"web", "api"} {
			w := c.workload(t, workload{ns: ns, name: app, labels: map[string]string{"app": app}, replicas: 8, node: fmt.Sprintf("worker-%d", i%2+1), sidecar: true})
			pods = append(pods, w.pods...)
		}
	}
	c.namespace(t, "istio-system")
	gw := c.workload(t, workload{ns: "istio-system", name: "istio-ingressgateway", labels: map[string]string{"istio": "ingressgateway", "app": "istio-ingressgateway"}, replicas: 2, node: "worker-1", sidecar: true})
	istiod := c.workload(t, workload{ns: "istio-system", name: "istiod", labels: map[string]string{"app": "istiod"}, replicas: 1, node: "worker-2"})
	pods = append(append(pods, gw.pods...), istiod.pods...)
	c.waitRunning(t, pods)

	// Best of two each, alternating: the machine is shared.
	var g, d result
	for i := range 2 {
		out := filepath.Join(t.TempDir(), "refusing.tar.zst")
		gi := c.gather(t, "-A", "-o", out)
		if gi.code != 0 {
			t.Fatalf("gather exit %d\n%s", gi.code, gi.stderr)
		}
		di := c.dump(t)
		if i == 0 || gi.elapsed < g.elapsed {
			g = gi
			files := unpack(t, out)
			status := map[string]bundle.CollectorStatus{}
			for _, s := range index(t, files).Collectors {
				status[s.Name] = s
			}
			if s := status["proxy-admin"]; s.Status != bundle.StatusFailed || !strings.Contains(s.Message, "gave up after 3 in a row were refused by the pod") {
				t.Errorf("proxy-admin: %+v, want failed, given up after 3 refusals", s)
			}
			if s := status["istiod-debug"]; s.Status != bundle.StatusFailed {
				t.Errorf("istiod-debug: %+v, want failed", s)
			}
		}
		if i == 0 || di.elapsed < d.elapsed {
			d = di
		}
	}
	t.Logf("%d pods, no admin port answering: gather -A %s, kubectl cluster-info dump -A %s", len(pods), g.elapsed.Round(time.Millisecond), d.elapsed.Round(time.Millisecond))
	if g.elapsed > d.elapsed {
		t.Errorf("gather took %s, kubectl cluster-info dump -A %s: gather must not be slower", g.elapsed, d.elapsed)
	}
	var lines []string
	for _, l := range strings.Split(g.stderr, "\n") {
		if strings.HasPrefix(l, "gather: proxy-admin") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "To do:") || !strings.Contains(lines[0], "--no-proxy-admin") {
		t.Errorf("want one stderr line for proxy-admin, with what to do; got %q\n%s", lines, g.stderr)
	}
}

// apiProxy stands in front of c's API server (authenticating as its
// admin) and lets policy answer some requests itself. It returns a
// kubeconfig that reaches the API server through it.
func (c *Cluster) apiProxy(t *testing.T, policy func(w http.ResponseWriter, r *http.Request) bool) string {
	t.Helper()
	pki := c.Env["PKI"]
	cert, err := tls.LoadX509KeyPair(filepath.Join(pki, "admin.crt"), filepath.Join(pki, "admin.key"))
	if err != nil {
		t.Fatal(err)
	}
	ca, err := os.ReadFile(filepath.Join(pki, "ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	upstream, _ := url.Parse(c.Env["API_SERVER"])
	rp := httputil.NewSingleHostReverseProxy(upstream)
	rp.Transport = &http.Transport{TLSClientConfig: &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: pool}, ForceAttemptHTTP2: false}
	rp.FlushInterval = -1
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if policy(w, r) {
			return
		}
		rp.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: proxied, cluster: {server: "http://%s"}}]
users: [{name: anyone, user: {}}]
contexts: [{name: proxied, context: {cluster: proxied, user: anyone}}]
current-context: proxied
`, ln.Addr())
	path := filepath.Join(t.TempDir(), "proxied.kubeconfig")
	if err := os.WriteFile(path, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func tooManyRequests(w http.ResponseWriter, retryAfter bool) {
	if retryAfter {
		w.Header().Set("Retry-After", "1")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusTooManyRequests)
	fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","code":429}`)
}

// throttleFixture is a namespace of pods whose logs gather wants (not
// ready, so troubled) and can read.
func throttleFixture(t *testing.T, c *Cluster, ns string, n int) {
	t.Helper()
	c.node(t, "worker-1")
	c.namespace(t, ns)
	w := c.workload(t, workload{ns: ns, name: "slow", labels: map[string]string{"app": "slow"}, replicas: n, node: "worker-1"})
	pods := c.waitRunning(t, w.pods)
	c.setNotReady(t, pods, "slow")
	for _, p := range pods {
		c.logs(t, p, "slow", "starting", "waiting for the database")
	}
	c.service(t, ns, "slow", map[string]string{"app": "slow"}, 8080)
	c.endpointSlice(t, ns, "slow", pods, false)
}

// TestThrottlingAPIServer: an API server that answers half of the
// requests with 429 (with and without Retry-After) still yields a whole
// bundle: every collector ok, nothing dropped.
func TestThrottlingAPIServer(t *testing.T) {
	c := shared
	const ns = "throttled"
	throttleFixture(t, c, ns, 4)
	var n, throttled atomic.Int64
	kc := c.apiProxy(t, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("Upgrade") != "" || r.Method != http.MethodGet {
			return false
		}
		switch n.Add(1) % 4 {
		case 1:
			throttled.Add(1)
			tooManyRequests(w, true)
			return true
		case 3:
			throttled.Add(1)
			tooManyRequests(w, false)
			return true
		}
		return false
	})
	out := filepath.Join(t.TempDir(), "throttled.tar.zst")
	r := runGather(t, "--kubeconfig", kc, "--progress", "plain", "-n", ns, "--no-proxy-admin", "-o", out)
	t.Logf("gather through a throttling proxy: %s, %d of %d GETs answered 429", r.elapsed.Round(time.Millisecond), throttled.Load(), n.Load())
	if r.code != 0 {
		t.Fatalf("gather exit %d\n%s", r.code, r.stderr)
	}
	if throttled.Load() < 10 {
		t.Fatalf("only %d requests throttled: the proxy did not sit in the path", throttled.Load())
	}
	files := unpack(t, out)
	for _, s := range index(t, files).Collectors {
		if s.Status == bundle.StatusFailed || s.Status == bundle.StatusForbidden || (s.Message != "" && s.Status == bundle.StatusOK) {
			t.Errorf("collector %s: %s %s", s.Name, s.Status, s.Message)
		}
		if s.Name == "logs" && s.Count < 4 {
			t.Errorf("logs: %d collected, want the 4 of %s", s.Count, ns)
		}
	}
	if files[bundle.ResourcePath(ns, "pods")] == nil {
		t.Errorf("no pods of %s", ns)
	}
	if strings.Contains(r.stderr, "gather: ") && strings.Contains(r.stderr, "To do") {
		t.Errorf("problems reported although every request finally succeeded:\n%s", r.stderr)
	}
}

// TestTimeoutHolds: a list that never answers and logs that never come
// cost --timeout and --request-timeout, not more; what was collected is
// written and the rest recorded as not collected.
func TestTimeoutHolds(t *testing.T) {
	c := shared
	const ns = "hanging"
	throttleFixture(t, c, ns, 6)
	hang := func(w http.ResponseWriter, r *http.Request, suffix string) bool {
		if !strings.HasSuffix(r.URL.Path, suffix) {
			return false
		}
		<-r.Context().Done() // until gather gives up
		return true
	}

	// The run's budget: events never answer.
	kc := c.apiProxy(t, func(w http.ResponseWriter, r *http.Request) bool { return hang(w, r, "/events") })
	out := filepath.Join(t.TempDir(), "budget.tar.zst")
	r := runGather(t, "--kubeconfig", kc, "--progress", "plain", "-n", ns, "--no-proxy-admin", "--timeout", "6s", "-o", out)
	t.Logf("--timeout 6s with events hanging: %s", r.elapsed.Round(time.Millisecond))
	if r.code != 0 {
		t.Fatalf("gather exit %d, want a bundle of what it had\n%s", r.code, r.stderr)
	}
	if r.elapsed > 12*time.Second {
		t.Errorf("gather took %s with --timeout 6s", r.elapsed)
	}
	if !strings.Contains(r.stderr, "--timeout 6s ran out") {
		t.Errorf("stderr does not say the timeout ran out:\n%s", r.stderr)
	}
	files := unpack(t, out)
	st := map[string]bundle.CollectorStatus{}
	for _, s := range index(t, files).Collectors {
		st[s.Name] = s
	}
	if s := st["events"]; s.Status != bundle.StatusFailed || !strings.Contains(s.Message, "not collected: gather's --timeout (6s) ran out") {
		t.Errorf("events: %+v", s)
	}
	if s := st["pods"]; s.Status != bundle.StatusOK || files[bundle.ResourcePath(ns, "pods")] == nil {
		t.Errorf("pods were not kept: %+v", s)
	}

	// Per-call deadlines: logs never come; gather gives them up after
	// three timeouts in a row instead of waiting for each.
	kc = c.apiProxy(t, func(w http.ResponseWriter, r *http.Request) bool { return hang(w, r, "/log") })
	out = filepath.Join(t.TempDir(), "logs.tar.zst")
	r = runGather(t, "--kubeconfig", kc, "--progress", "plain", "-n", ns, "--no-proxy-admin", "--request-timeout", "1s", "--concurrency", "2", "-o", out)
	t.Logf("6 logs hanging, --request-timeout 1s, --concurrency 2: %s", r.elapsed.Round(time.Millisecond))
	if r.code != 0 {
		t.Fatalf("gather exit %d\n%s", r.code, r.stderr)
	}
	for _, s := range index(t, unpack(t, out)).Collectors {
		if s.Name == "logs" && (s.Status != bundle.StatusFailed || !strings.Contains(s.Message, "gave up after 3 in a row timed out")) {
			t.Errorf("logs: %+v", s)
		}
	}
	if r.elapsed > 8*time.Second {
		t.Errorf("gather took %s: the hanging logs were each waited for", r.elapsed)
	}
}

// adminServer answers as an Envoy admin port; it returns its port.
func adminServer(t *testing.T) int {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/clusters", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"cluster_statuses":[{"name":"outbound|9080||reviews.store.svc.cluster.local","host_statuses":[]}]}`)
	})
	mux.HandleFunc("/config_dump", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"configs":[]}`) })
	mux.HandleFunc("/server_info", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"state":"LIVE"}`) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

// TestJobRBAC: the ServiceAccount and ClusterRole of deploy/rbac.yaml, as
// the in-cluster Job runs, may read all that gather needs: no collector
// is forbidden, and the admin port is reached through a port-forward.
func TestJobRBAC(t *testing.T) {
	c := shared
	c.node(t, "worker-1")
	c.kubectl(t, "", "apply", "-f", filepath.Join(repoRoot(), "deploy", "rbac.yaml"))
	kc := c.saKubeconfig(t, "nohealthy", "nohealthy-gather")

	const ns = "rbacjob"
	c.namespace(t, ns)
	c.apply(t, fmt.Sprintf(`apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterPortForward
metadata: {name: rbacjob-envoy}
spec:
  selector: {matchNamespaces: [%s]}
  forwards:
  - ports: [15000]
    target: {port: %d, address: 127.0.0.1}
`, ns, adminServer(t)))
	gw := c.workload(t, workload{ns: ns, name: "gateway", labels: map[string]string{"istio": "rbacjob-gateway", "app": "istio-ingressgateway"}, replicas: 1, node: "worker-1", sidecar: true})
	pods := c.waitRunning(t, gw.pods)
	c.logs(t, pods[0], "istio-proxy", envoyLine(503, "UH", "no_healthy_upstream", "outbound|9080||reviews.store.svc.cluster.local", "reviews"))

	for _, args := range [][]string{{"-A"}, {"-n", ns}} {
		out := filepath.Join(t.TempDir(), "job.tar.zst")
		r := runGather(t, append([]string{"--kubeconfig", kc, "--progress", "plain", "-o", out}, args...)...)
		if r.code != 0 {
			t.Fatalf("gather %v as the Job's ServiceAccount: exit %d\n%s", args, r.code, r.stderr)
		}
		if strings.Contains(strings.ToLower(r.stderr), "forbidden") {
			t.Errorf("gather %v as the Job's ServiceAccount: forbidden on stderr\n%s", args, r.stderr)
		}
		files := unpack(t, out)
		for _, s := range index(t, files).Collectors {
			if s.Status == bundle.StatusForbidden || strings.Contains(s.Message, "forbidden") {
				t.Errorf("gather %v: collector %s: %s %s", args, s.Name, s.Status, s.Message)
			}
		}
		if files[bundle.LogPath(ns, pods[0].Name, "istio-proxy", false)] == nil {
			t.Errorf("gather %v: the gateway's log is missing", args)
		}
		if args[0] == "-n" {
			if files[bundle.ProxyPath(ns, pods[0].Name, "clusters.json")] == nil {
				t.Errorf("the admin port was not reached through a port-forward\n%s", r.stderr)
			}
		}
	}
}

// saKubeconfig returns a kubeconfig authenticating as an existing
// ServiceAccount with a fresh token.
func (c *Cluster) saKubeconfig(t *testing.T, ns, name string) string {
	t.Helper()
	tok := c.kubectl(t, "", "-n", ns, "create", "token", name, "--duration", "1h")
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: e2e, cluster: {server: %s, certificate-authority: %s}}]
users: [{name: %s, user: {token: %s}}]
contexts: [{name: e2e, context: {cluster: e2e, user: %s}}]
current-context: e2e
`, c.Env["API_SERVER"], filepath.Join(c.Env["PKI"], "ca.crt"), name, strings.TrimSpace(tok), name)
	path := filepath.Join(t.TempDir(), name+".kubeconfig")
	if err := os.WriteFile(path, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
