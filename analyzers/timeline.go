package analyzers

import (
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nohealthy/nohealthy/kinds"
	"github.com/nohealthy/nohealthy/report"
)

// The timeline is what the objects record of when they changed: creation,
// updates by field managers (metadata.managedFields), ReplicaSet
// revisions, workload conditions, pod readiness transitions and container
// terminations, node condition transitions, and events. BuildFacts
// records it for every object in a compact form (numbers, and strings
// the decoded objects already hold); ChangesBefore (changes.go) reads it
// after ranking, for the few objects a root cause involves, and only then
// writes sentences.

// Change types, the vocabulary of report.Change.Type.
const (
	ChangeCreated       = "created"        // the object was created
	ChangeUpdated       = "updated"        // a field manager wrote it (managedFields)
	ChangeRollout       = "rollout"        // a new ReplicaSet revision, a workload condition transition
	ChangeScaled        = "scaled"         // a ScalingReplicaSet or rescale event
	ChangeReadiness     = "readiness"      // a pod's Ready condition transition
	ChangeRestart       = "restart"        // a container terminated (and restarted)
	ChangeNodeCondition = "node-condition" // a node condition transition
	ChangeEvent         = "event"          // any other event on the object
)

// ChangeTypes lists the change types in the order the HTML legend shows them.
var ChangeTypes = []string{ChangeCreated, ChangeUpdated, ChangeRollout, ChangeScaled,
	ChangeReadiness, ChangeRestart, ChangeNodeCondition, ChangeEvent}

// what a tlChange records; its detail fields mean, per kind:
const (
	tcCreated     uint8 = iota // a: the manager that created it, b: a gist ("mtls STRICT")
	tcUpdated                  // a: manager, b: operation
	tcRevision                 // ReplicaSet created: n: revision, a: its Deployment
	tcWorkloadCnd              // a: condition type, b: status, c: reason
	tcReady                    // b: status, c: reason
	tcTerminated               // a: container, c: reason, n: exit code; restart when last state
	tcRestarted                // as tcTerminated, the container's last state (it runs again)
	tcNodeCnd                  // a: condition type, b: status, c: reason
	tcEvent                    // a: reason, c: message, n: count, at..until: first..last time
)

// tlChange is one recorded change of objs[obj]: at is its time (Unix
// seconds); until, for an event, the last time it was seen.
type tlChange struct {
	at, until int64
	obj       int32
	n         int32
	kind      uint8
	a, b, c   string
}

// tlObject is one object the timeline has changes of: changes[first:
// first+count]. owner is, for a Pod, the index in owners of its workload
// and, for a ReplicaSet, of its Deployment (-1 when none); node is a
// Pod's node.
type tlObject struct {
	ref   Ref
	owner int32
	node  string
	first int32
	count int32
}

// Timeline is the objects' changes, recorded by BuildFacts.
type Timeline struct {
	objs    []tlObject
	changes []tlChange
	owners  []Ref
	// events are changes whose object is the event's involved object,
	// which may be any kind (and need not be in the bundle).
	events   []tlChange
	eventFor []Ref // eventFor[i] is the involved object of events[i]
	// rootNS is the Istio root namespace, whose PeerAuthentications
	// apply to the whole mesh.
	rootNS string
}

// timelineRecorder builds a Timeline.
type timelineRecorder struct {
	t        *Timeline
	ownerIdx map[Ref]int32
}

func (r *timelineRecorder) owner(ref Ref) int32 {
	if ref.Name == "" {
		return -1
	}
	if i, ok := r.ownerIdx[ref]; ok {
		return i
	}
	i := int32(len(r.t.owners))
	r.t.owners = append(r.t.owners, ref)
	r.ownerIdx[ref] = i
	return i
}

// object starts the changes of ref; add appends to it.
func (r *timelineRecorder) object(ref Ref, owner int32, node string) {
	r.t.objs = append(r.t.objs, tlObject{ref: ref, owner: owner, node: node, first: int32(len(r.t.changes))})
}

func (r *timelineRecorder) add(c tlChange) {
	if c.at == 0 {
		return
	}
	o := &r.t.objs[len(r.t.objs)-1]
	c.obj = int32(len(r.t.objs) - 1)
	r.t.changes = append(r.t.changes, c)
	o.count++
}

func unix(t metav1.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// meta records what every object's metadata says: its creation (by the
// manager whose entry has the creation time, when managedFields were
// kept) and each manager's last write of the object itself; writes to the
// status subresource are the controllers' bookkeeping, not changes.
func (r *timelineRecorder) meta(m *metav1.ObjectMeta, gist string) {
	created := unix(m.CreationTimestamp)
	creator := ""
	for _, mf := range m.ManagedFields {
		if mf.Time == nil || mf.Subresource != "" {
			continue
		}
		if at := mf.Time.Unix(); at <= created+1 {
			if creator == "" {
				creator = mf.Manager
			}
		} else {
			r.add(tlChange{at: at, kind: tcUpdated, a: mf.Manager, b: string(mf.Operation)})
		}
	}
	r.add(tlChange{at: created, kind: tcCreated, a: creator, b: gist})
}

// buildTimeline records the changes of every object in the store.
func (b *builder) buildTimeline() *Timeline {
	s := b.s
	t := &Timeline{rootNS: "istio-system"}
	if b.cluster.IstiodFound && b.cluster.IstiodWorkload.Namespace != "" {
		t.rootNS = b.cluster.IstiodWorkload.Namespace
	}
	// Sized up front: 50,000 pods make hundreds of thousands of changes,
	// and growing the slices by doubling left several times their size in
	// garbage just before the store is dropped, when the heap peaks.
	rss, deps, sts, dss, nodes := kinds.ReplicaSets.In(s), kinds.Deployments.In(s), kinds.StatefulSets.In(s), kinds.DaemonSets.In(s), kinds.Nodes.In(s)
	configs := len(kinds.Services.In(s)) + len(kinds.Ingresses.In(s)) + len(kinds.NetworkPolicies.In(s)) +
		len(kinds.VirtualServices.In(s)) + len(kinds.DestinationRules.In(s)) + len(kinds.IstioGateways.In(s)) +
		len(kinds.ServiceEntries.In(s)) + len(kinds.PeerAuthentications.In(s)) + len(kinds.Sidecars.In(s))
	workloads := len(deps) + len(sts) + len(dss)
	t.objs = make([]tlObject, 0, len(b.ix.pods)+len(rss)+workloads+len(nodes)+configs)
	t.changes = make([]tlChange, 0, 2*len(b.ix.pods)+len(rss)+4*(workloads+len(nodes))+configs)
	r := &timelineRecorder{t: t, ownerIdx: make(map[Ref]int32, workloads+len(rss))}

	for _, p := range b.ix.pods {
		r.object(Ref{Kind: "Pod", Namespace: p.Namespace, Name: p.Name}, r.owner(b.ix.owner[p]), p.Spec.NodeName)
		r.add(tlChange{at: unix(p.CreationTimestamp), kind: tcCreated})
		if c := podCondition(p, corev1.PodReady); c != nil {
			r.add(tlChange{at: unix(c.LastTransitionTime), kind: tcReady, b: string(c.Status), c: c.Reason})
		}
		for ci, list := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
			for i := range list {
				cs := &list[i]
				if tm := cs.LastTerminationState.Terminated; tm != nil {
					r.add(tlChange{at: unix(tm.FinishedAt), kind: tcRestarted, a: cs.Name, c: tm.Reason, n: tm.ExitCode})
				}
				// An init container that completed did its job.
				if tm := cs.State.Terminated; tm != nil && (ci == 1 || tm.ExitCode != 0) {
					r.add(tlChange{at: unix(tm.FinishedAt), kind: tcTerminated, a: cs.Name, c: tm.Reason, n: tm.ExitCode})
				}
			}
		}
	}
	for _, rs := range inKeyOrder(rss) {
		owner := int32(-1)
		dep := ""
		if d := controllerOf(rs.OwnerReferences); d != nil && d.Kind == "Deployment" {
			owner = r.owner(Ref{Kind: "Deployment", Namespace: rs.Namespace, Name: d.Name})
			dep = d.Name
		}
		r.object(Ref{Kind: "ReplicaSet", Namespace: rs.Namespace, Name: rs.Name}, owner, "")
		rev, _ := strconv.ParseInt(rs.Annotations["deployment.kubernetes.io/revision"], 10, 32)
		r.add(tlChange{at: unix(rs.CreationTimestamp), kind: tcRevision, n: int32(rev), a: dep})
	}
	workload := func(kind string, m *metav1.ObjectMeta, conds []workloadCondition) {
		r.object(Ref{Kind: kind, Namespace: m.Namespace, Name: m.Name}, -1, "")
		r.meta(m, "")
		for _, c := range conds {
			r.add(tlChange{at: unix(c.at), kind: tcWorkloadCnd, a: c.typ, b: c.status, c: c.reason})
		}
	}
	for _, d := range inKeyOrder(deps) {
		var conds []workloadCondition
		for _, c := range d.Status.Conditions {
			at := c.LastTransitionTime
			// Progressing stays True through a rollout; its reason
			// (NewReplicaSetCreated, ReplicaSetUpdated,
			// NewReplicaSetAvailable) and lastUpdateTime move.
			if c.Type == appsv1.DeploymentProgressing && c.LastUpdateTime.After(at.Time) {
				at = c.LastUpdateTime
			}
			conds = append(conds, workloadCondition{string(c.Type), string(c.Status), c.Reason, at})
		}
		workload("Deployment", &d.ObjectMeta, conds)
	}
	for _, st := range inKeyOrder(sts) {
		workload("StatefulSet", &st.ObjectMeta, statefulSetConditions(st))
	}
	for _, ds := range inKeyOrder(dss) {
		workload("DaemonSet", &ds.ObjectMeta, daemonSetConditions(ds))
	}
	for _, n := range inKeyOrder(nodes) {
		r.object(Ref{Kind: "Node", Name: n.Name}, -1, "")
		r.add(tlChange{at: unix(n.CreationTimestamp), kind: tcCreated})
		for _, c := range n.Status.Conditions {
			// Ready always; the pressure and network conditions only
			// when raised: a healthy node's went False when it booted.
			if c.Type == corev1.NodeReady || c.Status != corev1.ConditionFalse {
				r.add(tlChange{at: unix(c.LastTransitionTime), kind: tcNodeCnd, a: string(c.Type), b: string(c.Status), c: c.Reason})
			}
		}
	}
	config := func(kind string, m *metav1.ObjectMeta, gist string) {
		r.object(Ref{Kind: kind, Namespace: m.Namespace, Name: m.Name}, -1, "")
		r.meta(m, gist)
	}
	for _, o := range inKeyOrder(kinds.Services.In(s)) {
		config("Service", &o.ObjectMeta, "")
	}
	for _, o := range inKeyOrder(kinds.Ingresses.In(s)) {
		config("Ingress", &o.ObjectMeta, "")
	}
	for _, o := range inKeyOrder(kinds.NetworkPolicies.In(s)) {
		config("NetworkPolicy", &o.ObjectMeta, "")
	}
	for _, o := range inKeyOrder(kinds.VirtualServices.In(s)) {
		config("VirtualService", &o.ObjectMeta, "")
	}
	for _, dr := range inKeyOrder(kinds.DestinationRules.In(s)) {
		gist := ""
		if tp := dr.Spec.TrafficPolicy; tp != nil && tp.TLS != nil && tp.TLS.Mode != "" {
			gist = "tls " + tp.TLS.Mode
		}
		config("DestinationRule", &dr.ObjectMeta, gist)
	}
	for _, o := range inKeyOrder(kinds.IstioGateways.In(s)) {
		config("Gateway", &o.ObjectMeta, "")
	}
	for _, o := range inKeyOrder(kinds.ServiceEntries.In(s)) {
		config("ServiceEntry", &o.ObjectMeta, "")
	}
	for _, o := range inKeyOrder(kinds.Sidecars.In(s)) {
		config("Sidecar", &o.ObjectMeta, "")
	}
	for _, pa := range inKeyOrder(kinds.PeerAuthentications.In(s)) {
		gist := ""
		if pa.Spec.MTLS != nil && pa.Spec.MTLS.Mode != "" {
			gist = "mtls " + pa.Spec.MTLS.Mode
		}
		config("PeerAuthentication", &pa.ObjectMeta, gist)
	}
	events := kinds.Events.In(s)
	t.events = make([]tlChange, 0, len(events))
	t.eventFor = make([]Ref, 0, len(events))
	for _, e := range inKeyOrder(events) {
		io := e.InvolvedObject
		ns := io.Namespace
		if ns == "" && io.Kind != "Node" {
			ns = e.Namespace
		}
		// A core Event says firstTimestamp..lastTimestamp and count; one
		// written through events.k8s.io says eventTime, and
		// series.lastObservedTime and count when it repeated.
		first, last, count := unix(e.FirstTimestamp), unix(e.LastTimestamp), e.Count
		if first == 0 && !e.EventTime.IsZero() {
			first = e.EventTime.Unix()
		}
		if first == 0 {
			first = unix(e.CreationTimestamp)
		}
		if se := e.Series; se != nil {
			if !se.LastObservedTime.IsZero() {
				last = max(last, se.LastObservedTime.Unix())
			}
			count = max(count, se.Count)
		}
		if first == 0 {
			continue
		}
		last = max(last, first)
		t.events = append(t.events, tlChange{at: first, until: last, kind: tcEvent, a: e.Reason, c: e.Message, n: max(count, 1)})
		t.eventFor = append(t.eventFor, Ref{Kind: io.Kind, Namespace: ns, Name: io.Name})
	}
	return t
}

type workloadCondition struct {
	typ, status, reason string
	at                  metav1.Time
}

func statefulSetConditions(st *appsv1.StatefulSet) []workloadCondition {
	var out []workloadCondition
	for _, c := range st.Status.Conditions {
		out = append(out, workloadCondition{string(c.Type), string(c.Status), c.Reason, c.LastTransitionTime})
	}
	return out
}

func daemonSetConditions(ds *appsv1.DaemonSet) []workloadCondition {
	var out []workloadCondition
	for _, c := range ds.Status.Conditions {
		out = append(out, workloadCondition{string(c.Type), string(c.Status), c.Reason, c.LastTransitionTime})
	}
	return out
}

// unixTime is the time of a recorded change.
func unixTime(s int64) time.Time { return time.Unix(s, 0).UTC() }

// ReportRate is the symptom's rate as the report writes it: the buckets
// from the first with a line to the last. nil when its lines carry no
// time.
func (s *SymptomFact) ReportRate() *report.Rate {
	start, counts := s.rate.Span()
	if counts == nil {
		return nil
	}
	r := &report.Rate{Start: unixTime(start).Format(time.RFC3339), StepSeconds: s.rate.Step(), Counts: make([]int64, len(counts))}
	for i, c := range counts {
		r.Counts[i] = int64(c)
	}
	return r
}
