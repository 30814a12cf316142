//go:build e2e

package e2e

import (
	"archive/tar"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/nohealthy/nohealthy/bundle"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// unpack reads every entry of a .tar.zst bundle.
func unpack(t testing.TB, path string) map[string][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := zstd.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out[h.Name] = b
	}
}

func index(t testing.TB, files map[string][]byte) bundle.Index {
	t.Helper()
	var idx bundle.Index
	if err := json.Unmarshal(files[bundle.IndexPath], &idx); err != nil {
		t.Fatalf("index.json: %v", err)
	}
	return idx
}

type report struct {
	RootCauses []struct {
		Cause  string `json:"cause"`
		Object struct {
			Kind, Namespace, Name string
		} `json:"object"`
		Detail string `json:"detail"`
	} `json:"rootCauses"`
}

// analyze runs `go run ./cmd/analyze -o json BUNDLE` (the built binary).
func analyze(t testing.TB, bundlePath string) report {
	t.Helper()
	bin := filepath.Join(binDir, "nohealthy-analyze")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("cmd/analyze is not built (does ./cmd/analyze exist?): %v", err)
	}
	r := run(t, 5*time.Minute, nil, bin, "-o", "json", bundlePath)
	if r.code > 1 {
		t.Fatalf("analyze exit %d\n%s", r.code, r.stderr)
	}
	var rep report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("analyze -o json: %v\n%s", err, r.stdout)
	}
	return rep
}

func gatewayPod(t *testing.T, c *Cluster, ns string, accessLog ...string) {
	t.Helper()
	gw := c.workload(t, workload{ns: ns, name: "ingressgateway", labels: map[string]string{"istio": "ingressgateway", "app": "istio-ingressgateway"}, replicas: 1, node: "worker-1", sidecar: true})
	pods := c.waitRunning(t, gw.pods)
	c.deploymentStatus(t, gw.deploy, 1, 1)
	c.logs(t, pods[0], "istio-proxy", accessLog...)
}

func envoyLine(code int, flags, details, cluster, authority string) string {
	return `[` + time.Now().UTC().Format("2006-01-02T15:04:05.000Z") + `] "GET / HTTP/1.1" ` +
		itoa(code) + ` ` + flags + ` ` + details + ` - "-" 0 19 0 - "10.244.9.9" "curl/8.5.0" "6d1c7f3e-1b7a-4f5e-9d3c-2a7b8c9d0e1f" "` +
		authority + `" "-" ` + cluster + ` - 10.244.0.5:8080 10.244.9.9:51234 - -`
}

func itoa(i int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10)))
}

// TestScenarios loads three broken scenarios into the real API server, runs
// gather on each namespace and analyze on the bundle, and checks the root
// cause analyze ranks first.
func TestScenarios(t *testing.T) {
	c := shared
	c.node(t, "worker-1")
	c.node(t, "gpu-1", corev1.Taint{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule})

	// 1. subset-no-pods: the DestinationRule's subset v1 matches no pod
	// (only v2 is deployed) and the VirtualService routes to v1.
	{
		ns := "bookinfo"
		c.namespace(t, ns)
		w := c.workload(t, workload{ns: ns, name: "reviews-v2", labels: map[string]string{"app": "reviews", "version": "v2"}, replicas: 2, node: "worker-1", sidecar: true})
		pods := c.waitRunning(t, w.pods)
		c.deploymentStatus(t, w.deploy, 2, 2)
		c.service(t, ns, "reviews", map[string]string{"app": "reviews"}, 9080)
		c.endpointSlice(t, ns, "reviews", pods, true)
		c.apply(t, `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: bookinfo}
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: bookinfo}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
`)
		var lines []string
		for i := 0; i < 5; i++ {
			lines = append(lines, envoyLine(503, "UH", "no_healthy_upstream", "outbound|9080|v1|reviews.bookinfo.svc.cluster.local", "reviews:9080"))
		}
		gatewayPod(t, c, ns, lines...)
	}

	// 2. readiness-probe-failing: pods run, but their readiness probe fails.
	{
		ns := "shop"
		c.namespace(t, ns)
		probe := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/ready", Port: intstr.FromInt32(8080)}}, PeriodSeconds: 10, FailureThreshold: 3}
		w := c.workload(t, workload{ns: ns, name: "catalog", labels: map[string]string{"app": "catalog"}, replicas: 2, node: "worker-1", probe: probe})
		pods := c.waitRunning(t, w.pods)
		c.setNotReady(t, pods, "catalog")
		c.deploymentStatus(t, w.deploy, 2, 0)
		c.service(t, ns, "catalog", map[string]string{"app": "catalog"}, 8080)
		c.endpointSlice(t, ns, "catalog", pods, false)
		for _, p := range pods {
			c.event(t, p, "Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", "kubelet", 120)
			c.logs(t, p, "catalog",
				`{"level":"warn","msg":"not ready","check":"search-index","error":"index \"products-v7\" not found"}`,
				`{"level":"warn","msg":"not ready","check":"search-index","error":"index \"products-v7\" not found"}`)
		}
		var lines []string
		for i := 0; i < 5; i++ {
			lines = append(lines, envoyLine(503, "UH", "no_healthy_upstream", "outbound|8080||catalog.shop.svc.cluster.local", "catalog.shop:8080"))
		}
		gatewayPod(t, c, ns, lines...)
	}

	// 3. unschedulable: pods stay Pending, the only node is tainted.
	{
		ns := "payments"
		c.namespace(t, ns)
		w := c.workload(t, workload{ns: ns, name: "payments", labels: map[string]string{"app": "payments"}, replicas: 2})
		msg := "0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
		c.setUnschedulable(t, w.pods, msg)
		c.deploymentStatus(t, w.deploy, 2, 0)
		c.service(t, ns, "payments", map[string]string{"app": "payments"}, 8080)
		c.endpointSlice(t, ns, "payments", nil, false)
		for _, p := range w.pods {
			c.event(t, p, "Warning", "FailedScheduling", msg, "default-scheduler", 30)
		}
	}

	cases := []struct {
		ns, cause, kind, name string
	}{
		{"bookinfo", "subset-no-pods", "DestinationRule", "reviews"},
		{"shop", "readiness-probe-failing", "Deployment", "catalog"},
		{"payments", "unschedulable", "Deployment", "payments"},
	}
	for _, tc := range cases {
		t.Run(tc.cause, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), tc.ns+".tar.zst")
			r := c.gather(t, "-n", tc.ns, "-o", out)
			if r.code != 0 {
				t.Fatalf("gather exit %d\n%s", r.code, r.stderr)
			}
			t.Logf("gather %s: %s", tc.ns, r.elapsed.Round(time.Millisecond))
			files := unpack(t, out)
			for _, want := range []string{"manifest.json", "index.json", bundle.ResourcePath(tc.ns, "pods"), bundle.ResourcePath("", "nodes")} {
				if files[want] == nil {
					t.Errorf("bundle lacks %s", want)
				}
			}
			rep := analyze(t, out)
			if len(rep.RootCauses) == 0 {
				t.Fatalf("analyze found no root cause for %s", tc.ns)
			}
			got := rep.RootCauses[0]
			if got.Cause != tc.cause || got.Object.Kind != tc.kind || got.Object.Name != tc.name {
				t.Fatalf("rootCauses[0] = %s %s/%s, want %s %s/%s (all: %+v)", got.Cause, got.Object.Kind, got.Object.Name, tc.cause, tc.kind, tc.name, rep.RootCauses)
			}
		})
	}
}
