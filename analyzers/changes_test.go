package analyzers

import (
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nohealthy/nohealthy/kinds"
)

// incidentAt is the first symptom of the test incident.
var incidentAt = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

func before(secs int) metav1.Time {
	return metav1.NewTime(incidentAt.Add(-time.Duration(secs) * time.Second))
}
func agoPtr(secs int) *metav1.Time {
	t := before(secs)
	return &t
}

func meta(ns, name string, created int, fields ...metav1.ManagedFieldsEntry) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: ns, Name: name, CreationTimestamp: before(created), ManagedFields: fields}
}

func managedBy(manager string, op metav1.ManagedFieldsOperationType, secs int, sub string) metav1.ManagedFieldsEntry {
	return metav1.ManagedFieldsEntry{Manager: manager, Operation: op, Time: agoPtr(secs), Subresource: sub}
}

// changeStore is a rollout of reviews that began 65 s before the first
// UH, its new pod failing, a mesh-wide PeerAuthentication STRICT created
// 3 s before, and changes elsewhere that must not be cited.
func changeStore() *kinds.Store {
	s := kinds.NewStore()
	ctrl := true
	kinds.Services.In(s)["shop/reviews"] = &corev1.Service{ObjectMeta: meta("shop", "reviews", 86400*30),
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "reviews"}, Ports: []corev1.ServicePort{{Port: 9080}}}}
	kinds.Deployments.In(s)["shop/reviews"] = &appsv1.Deployment{
		ObjectMeta: meta("shop", "reviews", 86400*30,
			managedBy("kubectl-client-side-apply", metav1.ManagedFieldsOperationUpdate, 86400*30, ""),
			managedBy("kubectl-edit", metav1.ManagedFieldsOperationUpdate, 70, ""),
			managedBy("kube-controller-manager", metav1.ManagedFieldsOperationUpdate, 5, "status")),
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "reviews"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "reviews"}}}},
	}
	owner := func(kind, name string) []metav1.OwnerReference {
		return []metav1.OwnerReference{{Kind: kind, Name: name, Controller: &ctrl}}
	}
	old := &appsv1.ReplicaSet{ObjectMeta: meta("shop", "reviews-6d8f", 86400*30)}
	old.OwnerReferences = owner("Deployment", "reviews")
	old.Annotations = map[string]string{"deployment.kubernetes.io/revision": "2"}
	kinds.ReplicaSets.In(s)["shop/reviews-6d8f"] = old
	cur := &appsv1.ReplicaSet{ObjectMeta: meta("shop", "reviews-7c9d", 65)}
	cur.OwnerReferences = owner("Deployment", "reviews")
	cur.Annotations = map[string]string{"deployment.kubernetes.io/revision": "3"}
	kinds.ReplicaSets.In(s)["shop/reviews-7c9d"] = cur
	pod := &corev1.Pod{ObjectMeta: meta("shop", "reviews-7c9d-x2x9z", 64), Spec: corev1.PodSpec{NodeName: "node-1"},
		Status: corev1.PodStatus{Phase: corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady", LastTransitionTime: before(40)}},
			InitContainerStatuses: []corev1.ContainerStatus{{Name: "istio-init",
				State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "Completed", FinishedAt: before(62)}}}},
			ContainerStatuses: []corev1.ContainerStatus{{Name: "reviews", RestartCount: 2,
				LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "OOMKilled", ExitCode: 137, FinishedAt: before(20)}}}}}}
	pod.Labels = map[string]string{"app": "reviews", "pod-template-hash": "7c9d"}
	pod.OwnerReferences = owner("ReplicaSet", "reviews-7c9d")
	kinds.Pods.In(s)["shop/reviews-7c9d-x2x9z"] = pod
	kinds.Nodes.In(s)["node-1"] = &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1", CreationTimestamp: before(86400 * 90)},
		Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{
			{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady", LastTransitionTime: before(86400 * 2)},
			{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse, LastTransitionTime: before(86400 * 2)}}}}
	kinds.Events.In(s)["shop/reviews.1"] = &corev1.Event{ObjectMeta: meta("shop", "reviews.1", 65),
		InvolvedObject: corev1.ObjectReference{Kind: "Deployment", Namespace: "shop", Name: "reviews"},
		Reason:         "ScalingReplicaSet", Message: "Scaled up replica set reviews-7c9d from 0 to 1", Type: "Normal",
		FirstTimestamp: before(65), LastTimestamp: before(65), Count: 1}
	// An event that began before the symptom and went on after it.
	kinds.Events.In(s)["shop/reviews-7c9d-x2x9z.2"] = &corev1.Event{ObjectMeta: meta("shop", "reviews-7c9d-x2x9z.2", 30),
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: "shop", Name: "reviews-7c9d-x2x9z"},
		Reason:         "BackOff", Message: "Back-off restarting failed container reviews", Type: "Warning",
		FirstTimestamp: before(30), LastTimestamp: before(-120), Count: 9}
	pa := &kinds.PeerAuthentication{ObjectMeta: meta("istio-system", "default", 3,
		managedBy("kubectl-client-side-apply", metav1.ManagedFieldsOperationUpdate, 3, ""))}
	pa.Spec.MTLS = &struct {
		Mode string `json:"mode"`
	}{Mode: "STRICT"}
	kinds.PeerAuthentications.In(s)["istio-system/default"] = pa
	// Elsewhere, or after the symptom: not cited.
	kinds.PeerAuthentications.In(s)["other/strict"] = &kinds.PeerAuthentication{ObjectMeta: meta("other", "strict", 2)}
	kinds.Pods.In(s)["other/web-1"] = &corev1.Pod{ObjectMeta: meta("other", "web-1", 1)}
	kinds.VirtualServices.In(s)["shop/reviews"] = &kinds.VirtualService{ObjectMeta: meta("shop", "reviews", -30)}
	return s
}

func changeLines(t *testing.T, q ChangeQuery) []string {
	t.Helper()
	facts := BuildFacts(changeStore(), BuildInput{})
	var out []string
	for _, c := range facts.ChangeFinder().ChangesBefore(q) {
		out = append(out, fmt.Sprintf("%d %s %s: %s", c.SecondsBefore, c.Type, c.Object, c.What))
	}
	return out
}

func uhSymptom() *SymptomFact {
	return &SymptomFact{ID: "S1", Kind: "UH", Count: 40, First: incidentAt.Format(time.RFC3339),
		Service: Ref{Kind: "Service", Namespace: "shop", Name: "reviews"}, ServiceFound: true,
		Reporter: Ref{Kind: "Pod", Namespace: "istio-system", Name: "istio-ingressgateway-5b6c-abcde"}}
}

func TestChangesBefore(t *testing.T) {
	got := changeLines(t, ChangeQuery{
		Objects:  []Ref{{Kind: "Service", Namespace: "shop", Name: "reviews"}},
		Symptoms: []*SymptomFact{uhSymptom()},
	})
	want := []string{
		"3 created PeerAuthentication istio-system/default: created by kubectl-client-side-apply: mtls STRICT",
		"20 restart Pod shop/reviews-7c9d-x2x9z: container reviews restarted: OOMKilled (exit 137)",
		"30 event Pod shop/reviews-7c9d-x2x9z: BackOff: Back-off restarting failed container reviews (×9 until 2025-03-01T10:02:00Z)",
		"40 readiness Pod shop/reviews-7c9d-x2x9z: Ready → False (ContainersNotReady)",
		"64 created Pod shop/reviews-7c9d-x2x9z: created",
		"65 scaled Deployment shop/reviews: ScalingReplicaSet: Scaled up replica set reviews-7c9d from 0 to 1",
		"65 rollout ReplicaSet shop/reviews-7c9d: created: revision 3 of Deployment reviews",
		"70 updated Deployment shop/reviews: updated by kubectl-edit (Update)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestChangesBeforeHorizon: nothing older than a day is cited, but for
// the last change before it, when nothing changed in the day.
func TestChangesBeforeHorizon(t *testing.T) {
	s := &SymptomFact{ID: "S1", Kind: "UH", Count: 1, First: incidentAt.Format(time.RFC3339)}
	got := changeLines(t, ChangeQuery{Objects: []Ref{{Kind: "Node", Name: "node-1"}}, Symptoms: []*SymptomFact{s}})
	if want := "172800 node-condition Node node-1: Ready → True (KubeletReady)"; strings.Join(got, "\n") != want {
		t.Errorf("changes %q, want only %q", got, want)
	}
}

func TestChangesBeforeNeedsATime(t *testing.T) {
	s := uhSymptom()
	s.First = ""
	if got := changeLines(t, ChangeQuery{Objects: []Ref{s.Service}, Symptoms: []*SymptomFact{s}}); len(got) != 0 {
		t.Errorf("changes without a symptom time: %v", got)
	}
	if got := changeLines(t, ChangeQuery{Objects: []Ref{s.Service}}); len(got) != 0 {
		t.Errorf("changes without a symptom: %v", got)
	}
	var f Facts
	if f.ChangeFinder().ChangesBefore(ChangeQuery{Symptoms: []*SymptomFact{uhSymptom()}}) != nil {
		t.Error("changes without a timeline")
	}
}

// TestChangesBeforePodQuota: pods changing in numbers take at most
// maxPodChanges places, so the change that caused it stays in the list.
func TestChangesBeforePodQuota(t *testing.T) {
	st := changeStore()
	for i := range 12 {
		p := kinds.Pods.In(st)["shop/reviews-7c9d-x2x9z"].DeepCopy()
		p.Name = fmt.Sprintf("reviews-7c9d-%02d", i)
		p.CreationTimestamp = before(10)
		kinds.Pods.In(st)["shop/"+p.Name] = p
	}
	facts := BuildFacts(st, BuildInput{})
	got := facts.ChangeFinder().ChangesBefore(ChangeQuery{Objects: []Ref{{Kind: "Service", Namespace: "shop", Name: "reviews"}},
		Symptoms: []*SymptomFact{uhSymptom()}, Max: 7})
	pods := 0
	var rollout bool
	for _, c := range got {
		if c.Object.Kind == "Pod" {
			pods++
		}
		rollout = rollout || c.Type == ChangeRollout
	}
	if len(got) != 7 || pods != maxPodChanges || !rollout {
		t.Errorf("%d changes, %d of pods, rollout cited %v: %+v", len(got), pods, rollout, got)
	}
}
