package collect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/bundle"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestClassify(t *testing.T) {
	gr := schema.GroupResource{Resource: "pods"}
	kubelet := apierrors.NewInternalError(errors.New(`Get "https://10.0.0.7:10250/containerLogs/a/b/c": dial tcp 10.0.0.7:10250: connect: connection refused`))
	for _, c := range []struct {
		err  error
		want failClass
	}{
		{&forwardError{msg: "error forwarding port 15000 to pod x, uid : exit status 1: connect: connection refused"}, failRefused},
		{fmt.Errorf("wrapped: %w", &forwardError{msg: "x"}), failRefused},
		{apierrors.NewForbidden(gr, "x", errors.New("no")), failForbidden},
		{apierrors.NewUnauthorized("who"), failForbidden},
		{apierrors.NewTooManyRequests("slow down", 1), failThrottled},
		{fmt.Errorf("port-forward: %w", context.DeadlineExceeded), failTimeout},
		{kubelet, failKubelet},
		{apierrors.NewInternalError(errors.New("etcdserver: leader changed")), failOther},
		{apierrors.NewBadRequest(`no logs found for container "app" in pod "a/b"`), failOther},
		{apierrors.NewNotFound(gr, "gone"), failOther},
		{errors.New("stream reset"), failOther},
	} {
		if got := classify(c.err); got != c.want {
			t.Errorf("classify(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

func pod(ns, name, node string) podInfo { return podInfo{Namespace: ns, Name: name, Node: node} }

// Three refusals in a row close the collector for every pod; a success
// in between restarts the count.
func TestBreakerCollectorWide(t *testing.T) {
	b := newBreaker(3)
	refused := &forwardError{msg: "connection refused"}
	b.done(pod("a", "1", "n1"), refused)
	b.done(pod("a", "2", "n1"), refused)
	b.done(pod("b", "3", "n2"), nil) // resets the streak
	b.done(pod("a", "4", "n1"), refused)
	b.done(pod("a", "5", "n1"), refused)
	if _, ok := b.allow(pod("z", "6", "n9")); !ok {
		t.Fatal("gave up after a success broke the streak")
	}
	b.done(pod("a", "6", "n1"), refused)
	tr, ok := b.allow(pod("z", "7", "n9"))
	if ok || tr.class != failRefused || tr.pod != "a/6" {
		t.Fatalf("after 3 refusals in a row: allow = %v, trip %+v", ok, tr)
	}
	trips, skipped := b.trips()
	if len(trips) != 1 || skipped != 1 {
		t.Errorf("trips %+v, skipped %d", trips, skipped)
	}
	// Other kinds of failure never trip it.
	b2 := newBreaker(3)
	for i := range 10 {
		b2.done(pod("a", fmt.Sprint(i), "n1"), apierrors.NewNotFound(schema.GroupResource{Resource: "pods"}, "x"))
	}
	if _, ok := b2.allow(pod("a", "x", "n1")); !ok {
		t.Error("per-pod failures closed the collector")
	}
}

// RBAC is per namespace and a kubelet per node: giving up there leaves the
// other namespaces and nodes alone.
func TestBreakerScopes(t *testing.T) {
	b := newBreaker(3)
	forbidden := apierrors.NewForbidden(schema.GroupResource{Resource: "pods/log"}, "x", errors.New("no"))
	kubelet := apierrors.NewInternalError(errors.New("error dialing backend: dial tcp 10.0.0.9:10250: i/o timeout"))
	for i := range 3 {
		b.done(pod("locked", fmt.Sprint(i), fmt.Sprintf("n%d", i)), forbidden)
		b.done(pod(fmt.Sprintf("ns%d", i), "p", "dead"), kubelet)
	}
	for _, c := range []struct {
		p    podInfo
		want bool
	}{
		{pod("locked", "9", "n5"), false},
		{pod("open", "9", "n5"), true},
		{pod("open", "9", "dead"), false},
		{pod("open", "9", "alive"), true},
	} {
		if _, ok := b.allow(c.p); ok != c.want {
			t.Errorf("allow(%+v) = %v, want %v", c.p, ok, c.want)
		}
	}
	trips, _ := b.trips()
	if len(trips) != 2 || trips[0].scope != "namespace locked" || trips[1].scope != "node dead" {
		t.Errorf("trips %+v", trips)
	}
}

// A pod call is retried when the API server asks for it, not when the
// pod's side failed.
func TestRetryPodCall(t *testing.T) {
	for err, want := range map[error]bool{
		apierrors.NewTooManyRequests("x", 1):                                 true,
		apierrors.NewServiceUnavailable("x"):                                 true,
		&forwardError{msg: "refused"}:                                        false,
		fmt.Errorf("x: %w", context.DeadlineExceeded):                        false,
		apierrors.NewInternalError(errors.New("dial tcp: i/o timeout")):      false,
		apierrors.NewForbidden(schema.GroupResource{}, "", errors.New("no")): false,
	} {
		if got := retryPodCall(err); got != want {
			t.Errorf("retryPodCall(%v) = %v, want %v", err, got, want)
		}
	}
}

type sinkRecorder struct{ statuses []bundle.CollectorStatus }

func (s *sinkRecorder) WriteFile(string, []byte) error         { return nil }
func (s *sinkRecorder) AddCollector(st bundle.CollectorStatus) { s.statuses = append(s.statuses, st) }

// A collector that gave a namespace up for RBAC records it for that
// namespace in the bundle, and says it once, with what to do.
func TestPodCollectorStatusGaveUp(t *testing.T) {
	sink := &sinkRecorder{}
	r := &run{sink: sink, ctx: context.Background()}
	b := newBreaker(3)
	forbidden := apierrors.NewForbidden(schema.GroupResource{Resource: "pods/log"}, "x", errors.New("no"))
	for i := range 3 {
		b.done(pod("locked", fmt.Sprint(i), "n1"), forbidden)
	}
	b.allow(pod("locked", "9", "n1"))
	b.allow(pod("locked", "10", "n1"))
	st, advice := podCollectorStatus("logs", 7, 5, 2, 3, 0, forbidden, b, r)
	if st.Status != bundle.StatusOK || st.Count != 2 {
		t.Errorf("status %+v: 2 logs were read", st)
	}
	for _, want := range []string{"errors on 3 of 7", "gave up in namespace locked after 3 in a row were forbidden", "2 not tried after giving up"} {
		if !strings.Contains(st.Message, want) {
			t.Errorf("message %q lacks %q", st.Message, want)
		}
	}
	if !strings.Contains(advice, "grant get on pods/log") {
		t.Errorf("advice %q", advice)
	}
	if len(sink.statuses) != 1 || sink.statuses[0].Namespace != "locked" || sink.statuses[0].Status != bundle.StatusForbidden {
		t.Errorf("per-namespace record %+v", sink.statuses)
	}
	if len(r.res.Problems) != 0 {
		t.Errorf("the per-namespace record became a problem of its own: %+v", r.res.Problems)
	}
}
