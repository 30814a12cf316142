//go:build e2e

package e2e

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestBenchGather (make bench-gather) loads a private API server with
// 10,000 pods and 2,000 services (+ EndpointSlices and events) and times
// gather against `kubectl cluster-info dump -A` of the same server in the
// same run, best of BENCH_ROUNDS each. Acceptance: gather >= 3x faster,
// bundle <= 1/10 of the dump's bytes.
func TestBenchGather(t *testing.T) {
	if os.Getenv("E2E_BENCH") == "" {
		t.Skip("set E2E_BENCH=1 (make bench-gather)")
	}
	nPods, nSvcs := envInt("BENCH_PODS", 10000), envInt("BENCH_SERVICES", 2000)
	nNS, nNodes := 50, 20
	c := newCluster(t)
	t0 := time.Now()
	for i := 0; i < nNodes; i++ {
		c.node(t, fmt.Sprintf("bench-node-%02d", i))
	}
	for i := 0; i < nNS; i++ {
		c.namespace(t, fmt.Sprintf("bench-%02d", i))
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 48)
	var created atomic.Int64
	do := func(f func()) {
		sem <- struct{}{}
		wg.Go(func() { defer func() { <-sem }(); f(); created.Add(1) })
	}
	podsPerSvc := nPods / nSvcs
	for s := 0; s < nSvcs; s++ {
		ns := fmt.Sprintf("bench-%02d", s%nNS)
		app := fmt.Sprintf("svc-%04d", s)
		do(func() { c.service(t, ns, app, map[string]string{"app": app}, 8080) })
		do(func() {
			var eps []discoveryv1.Endpoint
			for p := 0; p < podsPerSvc; p++ {
				yes := true
				eps = append(eps, discoveryv1.Endpoint{Addresses: []string{fmt.Sprintf("10.%d.%d.%d", 100+s/250, s%250, p+1)}, Conditions: discoveryv1.EndpointConditions{Ready: &yes}})
			}
			name, port := "http", int32(8080)
			_, err := c.Client.DiscoveryV1().EndpointSlices(ns).Create(bg, &discoveryv1.EndpointSlice{
				ObjectMeta:  metav1.ObjectMeta{Name: app + "-x1", Labels: map[string]string{discoveryv1.LabelServiceName: app}},
				AddressType: discoveryv1.AddressTypeIPv4, Endpoints: eps, Ports: []discoveryv1.EndpointPort{{Name: &name, Port: &port}},
			}, metav1.CreateOptions{})
			must(t, err)
		})
		for p := 0; p < podsPerSvc; p++ {
			node := fmt.Sprintf("bench-node-%02d", (s*podsPerSvc+p)%nNodes)
			do(func() {
				pod, err := c.Client.CoreV1().Pods(ns).Create(bg, benchPod(app, p, node), metav1.CreateOptions{})
				must(t, err)
				if p == 0 {
					c.event(t, pod, "Normal", "Scheduled", "Successfully assigned "+ns+"/"+pod.Name+" to "+node, "default-scheduler", 1)
					c.event(t, pod, "Normal", "Pulled", `Container image "example.com/`+app+`:1.4.2" already present on machine`, "kubelet", 1)
				}
			})
		}
	}
	wg.Wait()
	t.Logf("loaded %d objects in %s", created.Load(), time.Since(t0).Round(time.Second))
	// Let kwok (the kubelet) mark the pods Running, as on a real cluster.
	deadline := time.Now().Add(10 * time.Minute)
	for {
		running := 0
		for i := 0; i < nNS; i++ {
			l, err := c.Client.CoreV1().Pods(fmt.Sprintf("bench-%02d", i)).List(bg, metav1.ListOptions{FieldSelector: "status.phase=Running"})
			must(t, err)
			running += len(l.Items)
		}
		if running >= nPods || time.Now().After(deadline) {
			t.Logf("%d/%d pods Running after %s", running, nPods, time.Since(t0).Round(time.Second))
			break
		}
		time.Sleep(2 * time.Second)
	}

	// Alternating, best of BENCH_ROUNDS (default 2) each: the machine is
	// shared, and the first round meets kwok still settling the pods.
	// BENCH_BASELINE=/path/to/an/older/nohealthy-gather times it too, in
	// the same rounds.
	dir := t.TempDir()
	out := filepath.Join(dir, "bench.tar.zst")
	dumpDir := filepath.Join(dir, "dump")
	baseline := os.Getenv("BENCH_BASELINE")
	var g, d, b result
	for i := range envInt("BENCH_ROUNDS", 2) {
		gi := c.gather(t, "-A", "--progress", "none", "-o", out)
		if gi.code != 0 {
			t.Fatalf("gather exit %d\n%s", gi.code, gi.stderr)
		}
		os.RemoveAll(dumpDir)
		di := run(t, 30*time.Minute, nil, filepath.Join(toolsBin, "kubectl"), "--kubeconfig", c.Kubeconfig,
			"cluster-info", "dump", "-A", "--output-directory", dumpDir)
		if di.code != 0 {
			t.Logf("kubectl cluster-info dump exit %d: %s", di.code, lastLine(di.stderr))
		}
		t.Logf("round %d: gather %s, dump %s", i+1, gi.elapsed.Round(10*time.Millisecond), di.elapsed.Round(10*time.Millisecond))
		if i == 0 || gi.elapsed < g.elapsed {
			g = gi
		}
		if i == 0 || di.elapsed < d.elapsed {
			d = di
		}
		if baseline != "" {
			bi := run(t, 30*time.Minute, nil, baseline, "--kubeconfig", c.Kubeconfig, "-A", "--progress", "none", "-o", filepath.Join(dir, "baseline.tar.zst"))
			t.Logf("round %d: baseline %s: %s (exit %d)", i+1, baseline, bi.elapsed.Round(10*time.Millisecond), bi.code)
			if i == 0 || bi.elapsed < b.elapsed {
				b = bi
			}
		}
	}
	st, _ := os.Stat(out)
	var dumpBytes int64
	filepath.WalkDir(dumpDir, func(_ string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if fi, err := e.Info(); err == nil {
				dumpBytes += fi.Size()
			}
		}
		return nil
	})
	speed := d.elapsed.Seconds() / g.elapsed.Seconds()
	size := float64(dumpBytes) / float64(st.Size())
	summary := fmt.Sprintf("bench-gather: %d pods, %d services\n"+
		"  gather -A:                   %8.2fs  %12d bytes (.tar.zst)\n"+
		"  kubectl cluster-info dump -A: %7.2fs  %12d bytes (directory)\n"+
		"  ratio: gather %.1fx faster, bundle 1/%.0f of the dump\n",
		nPods, nSvcs, g.elapsed.Seconds(), st.Size(), d.elapsed.Seconds(), dumpBytes, speed, size)
	if baseline != "" {
		summary += fmt.Sprintf("  baseline %s: %.2fs\n", baseline, b.elapsed.Seconds())
	}
	fmt.Fprint(os.Stderr, summary)
	t.Log(summary)
	if speed < 3 {
		t.Errorf("gather is %.1fx faster than kubectl cluster-info dump, want >= 3x", speed)
	}
	if size < 10 {
		t.Errorf("bundle is 1/%.1f of the dump, want <= 1/10", size)
	}
}

func benchPod(app string, i int, node string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-7d9f8b6c5-%05d", app, i),
			Labels:      map[string]string{"app": app, "version": "v1", "pod-template-hash": "7d9f8b6c5"},
			Annotations: map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "9090"}},
		Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{
			Name: app, Image: "example.com/" + app + ":1.4.2",
			Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9090}},
			Env: []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}, {Name: "PORT", Value: "8080"},
				{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}},
			ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/ready", Port: intstr.FromString("http")}}, PeriodSeconds: 10},
			LivenessProbe:  &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/live", Port: intstr.FromString("http")}}, PeriodSeconds: 20},
		}}},
	}
}
