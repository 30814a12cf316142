package browse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nohealthy/nohealthy/kinds"
)

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, paths []string, o GetOptions) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := Get(&out, &errOut, Inputs{Paths: paths}, o)
	return out.String(), errOut.String(), err
}

// TestRegistry: every resource has a plural, short names are unique, and
// a kind the kinds registry lists takes its plural and scope from there
// (one home for a kind's identity).
func TestRegistry(t *testing.T) {
	short := map[string]string{}
	for _, r := range registry {
		if r.plural == "" || r.kind == "" || r.decode == nil || r.row == nil || len(r.columns) == 0 {
			t.Errorf("%s/%s: incomplete resource", r.group, r.kind)
		}
		if k := kinds.Lookup(r.group, r.kind); k != nil && (k.Resource != r.plural || k.Namespaced == r.cluster) {
			t.Errorf("%s/%s: plural %q or scope differs from the kinds registry's %q", r.group, r.kind, r.plural, k.Resource)
		}
		for _, s := range r.short {
			if other, dup := short[s]; dup {
				t.Errorf("short name %q of both %s and %s", s, other, r.kind)
			}
			short[s] = r.kind
		}
	}
	for _, tc := range []struct{ name, group, kind string }{
		{"po", "", "Pod"}, {"pods", "", "Pod"}, {"pod", "", "Pod"}, {"deploy", "", "Deployment"},
		{"deployments", "apps", "Deployment"}, {"vs", "", "VirtualService"}, {"gw", "", "Gateway"},
		{"gtw", "", "Gateway"}, {"httproute", "", "HTTPRoute"}, {"pa", "", "PeerAuthentication"},
		{"endpointslices", "discovery.k8s.io", "EndpointSlice"}, {"ev", "", "Event"},
	} {
		r := lookup(tc.name, tc.group)
		if r == nil || r.kind != tc.kind {
			t.Errorf("lookup(%q, %q) = %v, want kind %s", tc.name, tc.group, r, tc.kind)
		}
	}
	if r := lookup("gw", ""); r.group != "networking.istio.io" {
		t.Errorf("gw is Istio's Gateway, got %s", r.group)
	}
	if rs := lookupAll("gateways", ""); len(rs) != 2 || rs[0].group != "gateway.networking.k8s.io" {
		t.Errorf(`"gateways" names the Gateway API's and Istio's Gateway, in that order; got %d`, len(rs))
	}
}

// podWith is a pod of one container in the given state.
func podWith(mutate func(p *corev1.Pod)) *corev1.Pod {
	p := &corev1.Pod{}
	p.Spec.Containers = []corev1.Container{{Name: "app"}}
	p.Status.Phase = corev1.PodRunning
	mutate(p)
	return p
}

// TestPodStatus: kubectl's STATUS, READY and RESTARTS for the states a
// 503 investigation meets (the API server's printPod).
func TestPodStatus(t *testing.T) {
	always := corev1.ContainerRestartPolicyAlways
	t0 := time.Date(2025, 4, 3, 11, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name          string
		pod           *corev1.Pod
		ready, total  int
		reason        string
		restarts      int
		lastRestartAt time.Time
	}{
		{"running ready", podWith(func(p *corev1.Pod) {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", Ready: true, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
		}), 1, 1, "Running", 0, time.Time{}},
		{"crash loop", podWith(func(p *corev1.Pod) {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", RestartCount: 7,
				State:                corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
				LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1, FinishedAt: metaTime(t0)}}}}
		}), 0, 1, "CrashLoopBackOff", 7, t0},
		{"oom killed", podWith(func(p *corev1.Pod) {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "OOMKilled", ExitCode: 137}}}}
		}), 0, 1, "OOMKilled", 0, time.Time{}},
		{"exit code without reason", podWith(func(p *corev1.Pod) {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 2}}}}
		}), 0, 1, "ExitCode:2", 0, time.Time{}},
		{"init container failing", podWith(func(p *corev1.Pod) {
			p.Spec.InitContainers = []corev1.Container{{Name: "init"}}
			p.Status.Phase = corev1.PodPending
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "init", RestartCount: 3,
				State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}}}}
		}), 0, 1, "Init:CrashLoopBackOff", 3, time.Time{}},
		{"init container running", podWith(func(p *corev1.Pod) {
			p.Spec.InitContainers = []corev1.Container{{Name: "a"}, {Name: "b"}}
			p.Status.Phase = corev1.PodPending
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{
				{Name: "a", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0}}},
				{Name: "b", State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
		}), 0, 1, "Init:1/2", 0, time.Time{}},
		{"sidecar counted", podWith(func(p *corev1.Pod) {
			p.Spec.InitContainers = []corev1.Container{{Name: "proxy", RestartPolicy: &always}}
			started := true
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodInitialized, Status: corev1.ConditionTrue}}
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "proxy", Ready: true, Started: &started, RestartCount: 2,
				State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", Ready: true, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
		}), 2, 2, "Running", 2, time.Time{}},
		{"terminating", podWith(func(p *corev1.Pod) {
			p.DeletionTimestamp = ptrTime(t0)
		}), 0, 1, "Terminating", 0, time.Time{}},
		{"node lost", podWith(func(p *corev1.Pod) {
			p.DeletionTimestamp = ptrTime(t0)
			p.Status.Reason = "NodeLost"
		}), 0, 1, "Unknown", 0, time.Time{}},
		{"completed with a container still running", podWith(func(p *corev1.Pod) {
			p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: "side"})
			p.Status.ContainerStatuses = []corev1.ContainerStatus{
				{Name: "app", Ready: true, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}},
				{Name: "side", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "Completed"}}}}
		}), 1, 2, "NotReady", 0, time.Time{}},
		{"evicted", podWith(func(p *corev1.Pod) {
			p.Status.Phase, p.Status.Reason = corev1.PodFailed, "Evicted"
		}), 0, 1, "Evicted", 0, time.Time{}},
		{"scheduling gated", podWith(func(p *corev1.Pod) {
			p.Status.Phase = corev1.PodPending
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Reason: corev1.PodReasonSchedulingGated}}
		}), 0, 1, "SchedulingGated", 0, time.Time{}},
	} {
		ready, total, reason, n, last := podStatus(tc.pod)
		if ready != tc.ready || total != tc.total || reason != tc.reason || n != tc.restarts || !last.Equal(tc.lastRestartAt) {
			t.Errorf("%s: %d/%d %s %d (%v), want %d/%d %s %d (%v)", tc.name, ready, total, reason, n, last, tc.ready, tc.total, tc.reason, tc.restarts, tc.lastRestartAt)
		}
	}
	if got := restarts(7, t0).render(t0.Add(3 * time.Minute)); got != "7 (3m ago)" {
		t.Errorf("RESTARTS = %q, want 7 (3m ago)", got)
	}
}

// TestJSONAsKubectl: -o json writes what encoding/json's MarshalIndent
// with four spaces writes (kubectl's JSON printer), for plain text.
func TestJSONAsKubectl(t *testing.T) {
	raw := []byte(`{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a<b>&c","labels":{"z":"1","a":"2"}},"spec":{"x":[1,2.5,-3e2,true,null,{}],"y":[]},"n":12345678901234567890}`)
	got, err := appendJSON(nil, raw, 0)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	want, _ := json.MarshalIndent(v, "", "    ")
	if string(got) != string(want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestSecretNeverShown: a Secret's values and its last-applied annotation
// are replaced by their sizes, whatever the encoding.
func TestSecretNeverShown(t *testing.T) {
	raw := []byte(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"k\":\"c2VjcmV0\"}}","keep":"yes"}},"data":{"k":"c2VjcmV0","bad":"not base64!"},"stringData":{"t":"hunter2"}}`)
	out, ok := redactSecret(raw)
	if !ok {
		t.Fatal("redactSecret refused a valid Secret")
	}
	s := string(out)
	for _, leak := range []string{"c2VjcmV0", "hunter2", "not base64"} {
		if strings.Contains(s, leak) {
			t.Errorf("value %q shown: %s", leak, s)
		}
	}
	for _, want := range []string{`"k":"<redacted: 6 bytes>"`, `"bad":"<redacted: 11 bytes>"`, `"t":"<redacted: 7 bytes>"`, `"keep":"yes"`} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %s in %s", want, s)
		}
	}
	if _, ok := redactSecret([]byte(`{"data":"not a map"}`)); ok {
		t.Error("an unreadable Secret must not be shown at all")
	}
}

// TestNewerCopyWins: an object in two inputs shows once, at its newer
// resourceVersion, whichever input comes first.
func TestNewerCopyWins(t *testing.T) {
	dir := t.TempDir()
	pod := func(rv, phase string) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p", "namespace": "default", "resourceVersion": rv},
			"spec": map[string]any{"containers": []any{map[string]any{"name": "c"}}}, "status": map[string]any{"phase": phase}}
	}
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	writeJSON(t, a, pod("10", "Pending"))
	writeJSON(t, b, pod("9", "Failed"))
	for _, order := range [][]string{{a, b}, {b, a}} {
		out, _, err := get(t, order, GetOptions{Resource: "pods"})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(out, "\np ") != 1 || !strings.Contains(out, "Pending") {
			t.Errorf("%v: want one row at resourceVersion 10 (Pending):\n%s", order, out)
		}
	}
}

// TestUnknownKind: a kind browse has no entry for answers to its plural
// or singular, with NAME and AGE; events.k8s.io events read as core ones.
func TestUnknownKind(t *testing.T) {
	dir := t.TempDir()
	writeJSON(t, filepath.Join(dir, "objs.json"), map[string]any{"apiVersion": "v1", "kind": "List", "items": []any{
		map[string]any{"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": map[string]any{"name": "web", "namespace": "shop", "creationTimestamp": "2025-01-01T00:00:00Z"}},
		map[string]any{"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": map[string]any{"name": "e1", "namespace": "shop"},
			"regarding": map[string]any{"kind": "Pod", "name": "web-1"}, "note": "probe failed", "reason": "Unhealthy", "type": "Warning",
			"deprecatedLastTimestamp": "2025-01-01T01:00:00Z", "deprecatedCount": 4},
	}})
	for _, name := range []string{"scaledobjects", "scaledobject", "scaledobjects.keda.sh"} {
		out, _, err := get(t, []string{dir}, GetOptions{Resource: name, Namespace: "shop"})
		if err != nil || !strings.Contains(out, "NAME   AGE\nweb    60m\n") {
			t.Errorf("get %s: %v\n%s", name, err, out)
		}
	}
	out, _, err := get(t, []string{dir}, GetOptions{Resource: "events", Namespace: "shop", Output: "wide"})
	if err != nil || !strings.Contains(out, "pod/web-1") || !strings.Contains(out, "probe failed") || !strings.Contains(out, "   4   ") {
		t.Errorf("events.k8s.io event: %v\n%s", err, out)
	}
}

// TestGetStreams: get over many pods keeps rows, not pods: the heap after
// listing 20,000 pods of 6 KB each is far below what holding them
// decoded would take.
func TestGetStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 120 MB input")
	}
	dir := t.TempDir()
	const n, files = 20000, 50
	pad := strings.Repeat("x", 5000)
	for k := range files {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("pods-%d.json", k)))
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(`{"apiVersion":"v1","kind":"PodList","items":[`)
		for i := k; i < n; i += files {
			if i > k {
				f.WriteString(",")
			}
			fmt.Fprintf(f, `{"metadata":{"name":"pod-%d","namespace":"ns-%d","annotations":{"pad":"%s"}},"spec":{"containers":[{"name":"c","image":"i"}]},"status":{"phase":"Running"}}`, i, k, pad)
		}
		f.WriteString(`]}`)
		f.Close()
	}
	var peak uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			default:
			}
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			time.Sleep(5 * time.Millisecond)
		}
	}()
	out, _, err := get(t, []string{dir}, GetOptions{Resource: "pods", AllNamespaces: true})
	close(done)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(out, "\n"); lines != n+1 {
		t.Fatalf("%d lines, want %d", lines, n+1)
	}
	// The input is 100 MB; the pods decoded would hold more. Rows are a
	// few hundred bytes each, and the walker buffers entries of 64 MiB
	// at most per core.
	t.Logf("peak heap %d MiB listing %d pods (input %d MiB)", peak>>20, n, n*5200>>20)
	if limit := uint64(64<<20)*uint64(runtime.GOMAXPROCS(0)+1) + 40<<20; peak > limit {
		t.Errorf("peak heap %d MiB for %d pods, want under %d MiB", peak>>20, n, limit>>20)
	}
}

func metaTime(t time.Time) metav1.Time { return metav1.Time{Time: t} }

func ptrTime(t time.Time) *metav1.Time { m := metaTime(t); return &m }

// TestErrorsAreTyped: what the command maps to exit codes.
func TestErrorsAreTyped(t *testing.T) {
	dir := t.TempDir()
	writeJSON(t, filepath.Join(dir, "o.json"), map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "s", "namespace": "default"}})
	var nf *NotFoundError
	var ue *UsageError
	if _, _, err := get(t, []string{dir}, GetOptions{Resource: "svc/other"}); !errors.As(err, &nf) {
		t.Errorf("named object missing: %v, want NotFoundError", err)
	}
	if _, _, err := get(t, []string{dir}, GetOptions{Resource: "svc,po/x"}); !errors.As(err, &ue) {
		t.Errorf("a name with a list: %v, want UsageError", err)
	}
	if _, errOut, err := get(t, []string{dir}, GetOptions{Resource: "nodes"}); err != nil || errOut != "No resources found.\n" {
		t.Errorf("cluster-scoped empty list: %v %q", err, errOut)
	}
}

// TestHPA: TARGETS of an autoscaling/v2 HPA, and of a v1 one read as the
// API server would serve it as v2.
func TestHPA(t *testing.T) {
	dir := t.TempDir()
	writeJSON(t, filepath.Join(dir, "hpa.json"), map[string]any{"apiVersion": "v1", "kind": "List", "items": []any{
		map[string]any{"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": map[string]any{"name": "old", "namespace": "default"},
			"spec":   map[string]any{"scaleTargetRef": map[string]any{"kind": "Deployment", "name": "web"}, "minReplicas": 1, "maxReplicas": 5, "targetCPUUtilizationPercentage": 80},
			"status": map[string]any{"currentReplicas": 2, "currentCPUUtilizationPercentage": 41}},
		map[string]any{"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": map[string]any{"name": "new", "namespace": "default"},
			"spec": map[string]any{"scaleTargetRef": map[string]any{"kind": "Deployment", "name": "api"}, "maxReplicas": 9, "metrics": []any{
				map[string]any{"type": "Resource", "resource": map[string]any{"name": "memory", "target": map[string]any{"type": "AverageValue", "averageValue": "500Mi"}}},
				map[string]any{"type": "Pods", "pods": map[string]any{"metric": map[string]any{"name": "rps"}, "target": map[string]any{"type": "AverageValue", "averageValue": "10"}}},
				map[string]any{"type": "Resource", "resource": map[string]any{"name": "cpu", "target": map[string]any{"type": "Utilization", "averageUtilization": 70}}},
			}}},
	}})
	out, _, err := get(t, []string{dir}, GetOptions{Resource: "hpa"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Deployment/api   memory: <unknown>/500Mi, <unknown>/10 + 1 more...   <unset>   9", "Deployment/web   cpu: 41%/80%"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}
