//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// TestSupportBundle runs troubleshoot's own support-bundle (built from its
// Go module by hack/e2e/build.sh) against the cluster, and analyze on the
// archive it writes: the same root cause as gather's bundle of the same
// namespace, with the layout named in the report's scope.
func TestSupportBundle(t *testing.T) {
	bin := filepath.Join(toolsBin, "support-bundle")
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("support-bundle was not built: %v", err)
		}
		t.Skipf("support-bundle was not built (E2E_SKIP_TROUBLESHOOT?): %v", err)
	}
	c := shared
	c.node(t, "worker-1")
	ns := "sb-shop"
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
	}
	var lines []string
	for i := 0; i < 5; i++ {
		lines = append(lines, envoyLine(503, "UH", "no_healthy_upstream", "outbound|8080||catalog.sb-shop.svc.cluster.local", "catalog.sb-shop:8080"))
	}
	gatewayPod(t, c, ns, lines...)

	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(`apiVersion: troubleshoot.sh/v1beta2
kind: SupportBundle
metadata:
  name: nohealthy-e2e
spec:
  collectors:
    - clusterResources:
        namespaces: [`+ns+`]
    - logs:
        name: gateway-logs
        namespace: `+ns+`
        selector: [app=istio-ingressgateway]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "bundle")
	r := run(t, 10*time.Minute, []string{"HOME=" + dir}, bin,
		"--kubeconfig", c.Kubeconfig, "--interactive=false", "--auto-update=false", "--load-cluster-specs=false", "-o", out, spec)
	if r.code != 0 {
		t.Fatalf("support-bundle exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	t.Logf("support-bundle %s: %s", ns, r.elapsed.Round(time.Millisecond))
	archive := out + ".tar.gz"
	if _, err := os.Stat(archive); err != nil {
		t.Fatalf("no archive at %s: %v\n%s", archive, err, r.stdout)
	}

	bin = filepath.Join(binDir, "nohealthy-analyze")
	a := run(t, 5*time.Minute, nil, bin, "-o", "json", archive)
	if a.code > 1 {
		t.Fatalf("analyze %s: exit %d\n%s", archive, a.code, a.stderr)
	}
	var rep struct {
		report
		Input struct {
			Scope struct {
				Sources []struct {
					Path    string   `json:"path"`
					Layouts []string `json:"layouts"`
				} `json:"sources"`
				Kinds []struct {
					Kind, Status string
					Namespaces   []string
				} `json:"kinds"`
			} `json:"scope"`
			Skipped []struct{ Path, Reason string } `json:"skipped"`
		} `json:"input"`
		Symptoms []struct{ Kind string } `json:"symptoms"`
	}
	if err := json.Unmarshal([]byte(a.stdout), &rep); err != nil {
		t.Fatalf("analyze -o json: %v\n%s", err, a.stdout)
	}
	if len(rep.RootCauses) == 0 {
		t.Fatalf("no root cause from the support bundle; skipped %+v", rep.Input.Skipped)
	}
	got := rep.RootCauses[0]
	if got.Cause != "readiness-probe-failing" || got.Object.Kind != "Deployment" || got.Object.Name != "catalog" {
		t.Errorf("rootCauses[0] = %s %s/%s, want readiness-probe-failing Deployment catalog", got.Cause, got.Object.Kind, got.Object.Name)
	}
	layouts := ""
	for _, s := range rep.Input.Scope.Sources {
		layouts += strings.Join(s.Layouts, ",")
	}
	if !strings.Contains(layouts, "support-bundle") {
		t.Errorf("scope does not name the support-bundle layout: %+v", rep.Input.Scope.Sources)
	}
	if len(rep.Symptoms) == 0 {
		t.Errorf("the gateway's UH lines (logs collector) were not read")
	}

	// gather -n of the same namespace ranks the same cause first.
	gb := filepath.Join(dir, "gather.tar.zst")
	if g := c.gather(t, "-n", ns, "-o", gb); g.code != 0 {
		t.Fatalf("gather exit %d\n%s", g.code, g.stderr)
	}
	want := analyze(t, gb)
	if len(want.RootCauses) == 0 || want.RootCauses[0].Cause != got.Cause || want.RootCauses[0].Object != got.Object {
		t.Errorf("gather's bundle ranks %+v first, the support bundle %+v", want.RootCauses, got)
	}
}
