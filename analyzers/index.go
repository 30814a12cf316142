package analyzers

import (
	"maps"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nohealthy/nohealthy/kinds"
)

// index holds the relations a diagnosis walks, built once from a Store.
type index struct {
	s *kinds.Store
	// podsByLabel: namespace -> "k=v" -> pods carrying that label.
	podsByLabel map[string]map[string][]*corev1.Pod
	podsByNS    map[string][]*corev1.Pod
	// pods is every pod in key order, sorted once for all the walks that
	// need a stable order.
	pods     []*corev1.Pod
	podsByIP map[string]*corev1.Pod
	svcByIP  map[string]*corev1.Service
	// slicesBySvc: "ns/svc" -> its EndpointSlices.
	slicesBySvc map[string][]*discoveryv1.EndpointSlice
	// events by involved object "Kind/ns/name".
	events       map[string][]*corev1.Event
	notReadyNode map[string]bool
	owner        map[*corev1.Pod]Ref
}

// podReady reports the pod's Ready condition. A pod with no status at
// all (no phase, no condition) is a manifest: the API server sets
// status.phase when it creates a pod, so no cluster ever showed this one,
// and its readiness is unknown. It is judged by its spec alone, like a
// workload's pod template, and counts as ready so that no cause rests on a
// state the input does not hold (istioctl analyze reads such pods the same
// way: upstream fixtures declare pods without status as running ones).
func podReady(p *corev1.Pod) bool {
	if podDeclared(p) {
		return true
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// podDeclared: the pod has no status, so it is a manifest (see podReady).
func podDeclared(p *corev1.Pod) bool {
	return p.Status.Phase == "" && len(p.Status.Conditions) == 0 && len(p.Status.ContainerStatuses) == 0
}

func podTerminal(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
}

func podCondition(p *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

// nodeReady is the status of the node's Ready condition, or "" when the
// node has no condition at all: the kubelet posts Ready when it registers
// the node and the node lifecycle controller turns it Unknown when the
// kubelet falls silent, so a Node without conditions is a manifest or a
// listing stripped of status, which says nothing of its health.
func nodeReady(n *corev1.Node) string {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return string(c.Status)
		}
	}
	if len(n.Status.Conditions) == 0 {
		return ""
	}
	return "Unknown"
}

func newIndex(s *kinds.Store) *index {
	ix := &index{
		s:            s,
		podsByLabel:  map[string]map[string][]*corev1.Pod{},
		podsByNS:     map[string][]*corev1.Pod{},
		podsByIP:     map[string]*corev1.Pod{},
		svcByIP:      map[string]*corev1.Service{},
		slicesBySvc:  map[string][]*discoveryv1.EndpointSlice{},
		events:       map[string][]*corev1.Event{},
		notReadyNode: map[string]bool{},
		owner:        map[*corev1.Pod]Ref{},
	}
	for _, p := range inKeyOrder(kinds.Pods.In(s)) {
		ix.pods = append(ix.pods, p)
		ns := p.Namespace
		ix.podsByNS[ns] = append(ix.podsByNS[ns], p)
		m := ix.podsByLabel[ns]
		if m == nil {
			m = map[string][]*corev1.Pod{}
			ix.podsByLabel[ns] = m
		}
		for lk, lv := range p.Labels {
			m[lk+"="+lv] = append(m[lk+"="+lv], p)
		}
		if p.Status.PodIP != "" && !podTerminal(p) && !p.Spec.HostNetwork {
			ix.podsByIP[p.Status.PodIP] = p
		}
		ix.owner[p] = ix.resolveOwner(p)
	}
	for _, svc := range inKeyOrder(kinds.Services.In(s)) {
		for _, ip := range append([]string{svc.Spec.ClusterIP}, svc.Spec.ClusterIPs...) {
			if ip != "" && ip != "None" {
				ix.svcByIP[ip] = svc
			}
		}
	}
	for _, es := range inKeyOrder(kinds.EndpointSlices.In(s)) {
		name := es.Labels[discoveryv1.LabelServiceName]
		if name == "" {
			continue
		}
		sk := key(es.Namespace, name)
		ix.slicesBySvc[sk] = append(ix.slicesBySvc[sk], es)
	}
	for _, e := range inKeyOrder(kinds.Events.In(s)) {
		io := e.InvolvedObject
		ns := io.Namespace
		if ns == "" {
			ns = e.Namespace
		}
		ek := io.Kind + "/" + ns + "/" + io.Name
		if io.Kind == "Node" {
			ek = "Node//" + io.Name
		}
		ix.events[ek] = append(ix.events[ek], e)
	}
	for _, evs := range ix.events {
		sort.SliceStable(evs, func(i, j int) bool { return eventTime(evs[i]).After(eventTime(evs[j]).Time) })
	}
	for name, n := range kinds.Nodes.In(s) {
		if r := nodeReady(n); r != "True" && r != "" {
			ix.notReadyNode[name] = true
		}
	}
	return ix
}

// selectPods returns the non-terminal pods of ns matching every pair of sel,
// starting from the smallest posting list instead of scanning the namespace.
func (ix *index) selectPods(ns string, sel map[string]string) []*corev1.Pod {
	if len(sel) == 0 {
		return nil
	}
	m := ix.podsByLabel[ns]
	var best []*corev1.Pod
	first := true
	for k, v := range sel {
		l := m[k+"="+v]
		if len(l) == 0 {
			return nil
		}
		if first || len(l) < len(best) {
			best, first = l, false
		}
	}
	var out []*corev1.Pod
	for _, p := range best {
		if !podTerminal(p) && labelsMatch(sel, p.Labels) {
			out = append(out, p)
		}
	}
	return out
}

func labelsMatch(sel, labels map[string]string) bool {
	for k, v := range sel {
		if lv, ok := labels[k]; !ok || lv != v {
			return false
		}
	}
	return true
}

// resolveOwner walks controller ownerReferences: Pod -> ReplicaSet ->
// Deployment, or StatefulSet/DaemonSet/Job; a pod without one is its own workload.
func (ix *index) resolveOwner(p *corev1.Pod) Ref {
	ref := controllerOf(p.OwnerReferences)
	if ref == nil {
		return Ref{Kind: "Pod", Namespace: p.Namespace, Name: p.Name}
	}
	if ref.Kind == "ReplicaSet" {
		if rs, ok := kinds.ReplicaSets.In(ix.s)[key(p.Namespace, ref.Name)]; ok {
			if d := controllerOf(rs.OwnerReferences); d != nil {
				return Ref{Kind: d.Kind, Namespace: p.Namespace, Name: d.Name}
			}
			return Ref{Kind: "ReplicaSet", Namespace: p.Namespace, Name: ref.Name}
		}
		// ReplicaSet not in the bundle: its name is <deployment>-<pod-template-hash>.
		if h := p.Labels["pod-template-hash"]; h != "" && strings.HasSuffix(ref.Name, "-"+h) {
			return Ref{Kind: "Deployment", Namespace: p.Namespace, Name: strings.TrimSuffix(ref.Name, "-"+h)}
		}
	}
	return Ref{Kind: ref.Kind, Namespace: p.Namespace, Name: ref.Name}
}

func controllerOf(refs []metav1.OwnerReference) *metav1.OwnerReference {
	for i := range refs {
		if refs[i].Controller != nil && *refs[i].Controller {
			return &refs[i]
		}
	}
	if len(refs) == 1 {
		return &refs[0]
	}
	return nil
}

func (ix *index) podEvents(p *corev1.Pod) []*corev1.Event {
	return ix.events["Pod/"+p.Namespace+"/"+p.Name]
}

// serviceByFQDN finds the Service a cluster-local FQDN
// (name.ns.svc.cluster.local) names; nil for any other host.
func (ix *index) serviceByFQDN(fq string) *corev1.Service {
	name, rest, _ := strings.Cut(fq, ".")
	namespace, rest, ok := strings.Cut(rest, ".")
	if ok && (rest == "svc" || strings.HasPrefix(rest, "svc.")) {
		if svc, ok := kinds.Services.In(ix.s)[key(namespace, name)]; ok {
			return svc
		}
	}
	return nil
}

func eventTime(e *corev1.Event) (t metav1.Time) {
	switch {
	case !e.LastTimestamp.IsZero():
		return e.LastTimestamp
	case !e.EventTime.IsZero():
		return metav1.Time{Time: e.EventTime.Time}
	case !e.FirstTimestamp.IsZero():
		return e.FirstTimestamp
	}
	return e.CreationTimestamp
}

// key is the key of a namespaced object in the maps of facts and indexes,
// the same as its kinds table key.
func key(ns, name string) string { return ns + "/" + name }

// sortedKeys returns the keys of m in order, so facts come out stable.
func sortedKeys[T any](m map[string]T) []string { return slices.Sorted(maps.Keys(m)) }

// inKeyOrder returns the objects of a kinds table in key order.
func inKeyOrder[T any](m map[string]*T) []*T {
	out := make([]*T, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, m[k])
	}
	return out
}
