package analyzers

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nohealthy/nohealthy/report"
)

// DefaultMaxChanges is how many changes ChangesBefore returns unless told.
const DefaultMaxChanges = 10

// maxPodChanges caps the changes of pods among them (readiness,
// restarts, creations): thirty pods turning ready after a rollout must
// not push the rollout itself, or a configuration change, out of the list.
// Pod changes fill the places nothing else takes.
const maxPodChanges = 4

// changeHorizon is how far back changes are looked for: what changed a
// month before a symptom does not explain it. When nothing changed in the
// horizon, the last change before it is given, so the reader learns how
// long things had been still.
const changeHorizon = 24 * 60 * 60

// maxReporters bounds the symptoms whose reporting pods and workloads
// count as involved: a cause seen by thousands of sidecars is about its
// object, not about every client.
const maxReporters = 20

// namespaceConfigKinds are the kinds whose changes count for every root
// cause involving their namespace: the mesh and traffic configuration a
// change of which breaks a Service without touching it.
var namespaceConfigKinds = map[string]bool{
	"PeerAuthentication": true, "DestinationRule": true, "VirtualService": true, "Gateway": true,
	"ServiceEntry": true, "Sidecar": true, "NetworkPolicy": true, "Ingress": true,
	"HTTPRoute": true, "GRPCRoute": true, "TCPRoute": true, "TLSRoute": true, "ReferenceGrant": true,
}

// ChangeQuery is what a root cause involves.
type ChangeQuery struct {
	// Objects are the root cause's object and the objects of its chain.
	Objects []Ref
	// Symptoms are the symptoms it explains, most lines first; the first
	// seen of them is the instant the changes precede.
	Symptoms []*SymptomFact
	// Max caps the changes returned (0 = DefaultMaxChanges).
	Max int
}

// timelineIndex finds a query's objects without scanning the timeline.
type timelineIndex struct {
	byRef     map[Ref]int32
	byOwner   map[Ref][]int32
	configNS  map[string][]int32
	eventsFor map[Ref][]int32
	services  map[Ref]*ServiceFact
	drs       map[Ref]*DestinationRuleFact
	routes    map[Ref][]*RouteFact
	policies  map[Ref]*NetworkPolicyFact
}

// ChangeFinder answers ChangesBefore for one analysis. It indexes the
// timeline on its first query and keeps the index to itself, so the
// facts stay read-only and concurrent analyses of one snapshot need no lock.
type ChangeFinder struct {
	f  *Facts
	ix *timelineIndex
}

// ChangeFinder returns a finder over f's timeline.
func (f *Facts) ChangeFinder() *ChangeFinder { return &ChangeFinder{f: f} }

func (f *Facts) buildTimelineIndex() *timelineIndex {
	t := f.Timeline
	ix := &timelineIndex{
		byRef: make(map[Ref]int32, len(t.objs)), byOwner: map[Ref][]int32{}, configNS: map[string][]int32{},
		eventsFor: map[Ref][]int32{}, services: map[Ref]*ServiceFact{}, drs: map[Ref]*DestinationRuleFact{},
		routes: map[Ref][]*RouteFact{}, policies: map[Ref]*NetworkPolicyFact{},
	}
	for i := range t.objs {
		o := &t.objs[i]
		ix.byRef[o.ref] = int32(i)
		if o.owner >= 0 {
			ow := t.owners[o.owner]
			ix.byOwner[ow] = append(ix.byOwner[ow], int32(i))
		}
		if namespaceConfigKinds[o.ref.Kind] {
			ix.configNS[o.ref.Namespace] = append(ix.configNS[o.ref.Namespace], int32(i))
		}
	}
	for i, ref := range t.eventFor {
		ix.eventsFor[ref] = append(ix.eventsFor[ref], int32(i))
	}
	for _, s := range f.Services {
		ix.services[s.Ref] = s
	}
	for _, d := range f.DestinationRules {
		ix.drs[d.Ref] = d
	}
	for _, r := range f.Routes {
		ix.routes[r.VirtualService] = append(ix.routes[r.VirtualService], r)
	}
	for _, n := range f.NetworkPolicies {
		ix.policies[n.Ref] = n
	}
	return ix
}

// ChangesBefore returns the recorded changes of the objects q involves
// closest before its first symptom, closest first: the objects
// themselves, what they lead to (a DestinationRule's or a route's
// Service, a Service's workloads), the workloads' ReplicaSets and pods,
// the pods' nodes, the reporting pods and their workloads, the mesh
// configuration of the namespaces involved and the mesh-wide
// PeerAuthentications of the Istio root namespace, and the events of all
// of these, within changeHorizon. nil when no symptom carries a time or
// nothing changed before.
func (cf *ChangeFinder) ChangesBefore(q ChangeQuery) []report.Change {
	t := cf.f.Timeline
	if t == nil {
		return nil
	}
	var ref time.Time
	for _, s := range q.Symptoms {
		if s.First == "" {
			continue
		}
		if at, err := time.Parse(time.RFC3339, s.First); err == nil && (ref.IsZero() || at.Before(ref)) {
			ref = at
		}
	}
	if ref.IsZero() {
		return nil
	}
	if cf.ix == nil {
		cf.ix = cf.f.buildTimelineIndex()
	}
	ix := cf.ix
	involved := involvedRefs(ix, q)

	// The objects, then the pods and ReplicaSets of involved workloads,
	// then the nodes of the pods, then the namespaces' configuration.
	picked := map[int32]bool{}
	namespaces := map[string]bool{}
	var order []int32
	pick := func(i int32) {
		if !picked[i] {
			picked[i] = true
			order = append(order, i)
		}
	}
	for _, r := range involved {
		if i, ok := ix.byRef[r]; ok {
			pick(i)
		}
		for _, i := range ix.byOwner[r] {
			pick(i)
		}
		if r.Namespace != "" {
			namespaces[r.Namespace] = true
		}
	}
	for _, i := range order {
		if o := &t.objs[i]; o.ref.Kind == "Pod" && o.node != "" {
			if n, ok := ix.byRef[Ref{Kind: "Node", Name: o.node}]; ok {
				pick(n)
			}
		}
	}
	for _, ns := range sortedKeys(namespaces) {
		for _, i := range ix.configNS[ns] {
			pick(i)
		}
	}
	if len(namespaces) > 0 { // workloads are involved: mesh-wide policy applies to them
		for _, i := range ix.configNS[t.rootNS] {
			if t.objs[i].ref.Kind == "PeerAuthentication" {
				pick(i)
			}
		}
	}

	refUnix := ref.Unix()
	var cands []candidate
	seenEvents := map[Ref]bool{}
	events := func(r Ref) {
		if seenEvents[r] {
			return
		}
		seenEvents[r] = true
		for _, e := range ix.eventsFor[r] {
			c := t.events[e]
			at := c.until
			if at > refUnix {
				at = c.at // it went on past the symptom: when it began
			}
			if at <= refUnix {
				cands = append(cands, candidate{c: c, at: at, ref: r})
			}
		}
	}
	for _, i := range order {
		o := &t.objs[i]
		for _, c := range t.changes[o.first : o.first+o.count] {
			if c.at <= refUnix {
				cands = append(cands, candidate{c: c, at: c.at, ref: o.ref})
			}
		}
		events(o.ref)
	}
	for _, r := range involved { // events of objects the bundle lacks
		events(r)
	}

	limit := cmp.Or(q.Max, DefaultMaxChanges)
	slices.SortStableFunc(cands, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(b.at, a.at), cmp.Compare(a.ref.Kind, b.ref.Kind),
			cmp.Compare(a.ref.Namespace, b.ref.Namespace), cmp.Compare(a.ref.Name, b.ref.Name))
	})
	if len(cands) > 0 {
		// cands is closest first: cut at the horizon, keeping one.
		cut := 1 + sort.Search(len(cands)-1, func(i int) bool { return cands[i+1].at < refUnix-changeHorizon })
		cands = cands[:cut]
	}
	var out []report.Change
	pods := 0
	var skipped []candidate
	seen := map[string]bool{}
	for _, c := range cands {
		ch := c.change(t, refUnix)
		k := ch.Time + "|" + ch.Type + "|" + ch.Object.String() + "|" + ch.What
		if seen[k] {
			continue
		}
		seen[k] = true
		if c.ref.Kind == "Pod" {
			if pods == maxPodChanges {
				skipped = append(skipped, c)
				continue
			}
			pods++
		}
		out = append(out, ch)
		if len(out) == limit {
			break
		}
	}
	// Pod changes fill what is left.
	for _, c := range skipped {
		if len(out) == limit {
			break
		}
		out = append(out, c.change(t, refUnix))
	}
	slices.SortStableFunc(out, func(a, b report.Change) int { return cmp.Compare(a.SecondsBefore, b.SecondsBefore) })
	return out
}

// involvedRefs lists the objects q involves before the timeline is read:
// its objects, what they lead to, and the reporters of its first symptoms.
func involvedRefs(ix *timelineIndex, q ChangeQuery) []Ref {
	var out []Ref
	seen := map[Ref]bool{}
	add := func(r Ref) {
		if r.Name != "" && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	for _, r := range q.Objects {
		add(r)
	}
	for i, s := range q.Symptoms {
		if i == maxReporters {
			break
		}
		if s.ServiceFound {
			add(s.Service)
		}
		if s.Reporter.Kind == "Pod" {
			add(s.Reporter)
			add(s.ReporterWorkload)
		}
	}
	// What the objects lead to, followed to the end: a VirtualService to
	// its DestinationRules and Services, a DestinationRule to its Service
	// and the PeerAuthentication enforced on it, a NetworkPolicy to the
	// Services it cuts off, a Service to its workloads.
	for i := 0; i < len(out); i++ {
		r := out[i]
		switch r.Kind {
		case "Service":
			if s := ix.services[r]; s != nil {
				for _, w := range s.Workloads {
					add(w)
				}
				for _, w := range s.TemplateWorkloads {
					add(w)
				}
			}
		case "DestinationRule":
			if d := ix.drs[r]; d != nil {
				if d.ServiceFound {
					add(d.Service)
				}
				add(d.PeerAuth)
			}
		case "VirtualService":
			for _, rt := range ix.routes[r] {
				if rt.ServiceFound {
					add(rt.Service)
				}
				if rt.DRFound {
					add(rt.DestinationRule)
				}
			}
		case "NetworkPolicy":
			if n := ix.policies[r]; n != nil {
				for _, s := range n.Services {
					add(s)
				}
			}
		}
	}
	return out
}

// candidate is a recorded change of ref at at (for an event, the moment
// of it closest before the symptom).
type candidate struct {
	c   tlChange
	at  int64
	ref Ref
}

// change writes the candidate as the report says it.
func (c candidate) change(t *Timeline, refUnix int64) report.Change {
	typ, what := describe(t, c.c)
	return report.Change{
		Time:   unixTime(c.at).Format(time.RFC3339),
		Type:   typ,
		Object: c.ref, What: what,
		SecondsBefore: refUnix - c.at,
	}
}

// scalingReasons are event reasons that record a change of replicas.
var scalingReasons = map[string]bool{
	"ScalingReplicaSet": true, "SuccessfulRescale": true, "KEDAScaleTargetDeactivated": true,
	"KEDAScaleTargetActivated": true, "SuccessfulCreate": true, "SuccessfulDelete": true,
}

// maxChangeMessage caps an event's message in a change.
const maxChangeMessage = 240

// describe returns the type and the sentence of a recorded change.
func describe(t *Timeline, c tlChange) (typ, what string) {
	switch c.kind {
	case tcCreated:
		what = "created"
		if c.a != "" {
			what += " by " + c.a
		}
		if c.b != "" {
			what += ": " + c.b
		}
		return ChangeCreated, what
	case tcUpdated:
		return ChangeUpdated, fmt.Sprintf("updated by %s (%s)", c.a, c.b)
	case tcRevision:
		switch {
		case c.a != "" && c.n > 0:
			return ChangeRollout, fmt.Sprintf("created: revision %d of Deployment %s", c.n, c.a)
		case c.a != "":
			return ChangeRollout, "created for Deployment " + c.a
		}
		return ChangeCreated, "created"
	case tcWorkloadCnd:
		return ChangeRollout, transition(c.a, c.b, c.c)
	case tcReady:
		return ChangeReadiness, transition("Ready", c.b, c.c)
	case tcRestarted, tcTerminated:
		verb := "restarted"
		if c.kind == tcTerminated {
			verb = "terminated"
		}
		what = "container " + c.a + " " + verb
		if c.c != "" {
			what += ": " + c.c
		}
		return ChangeRestart, what + fmt.Sprintf(" (exit %d)", c.n)
	case tcNodeCnd:
		return ChangeNodeCondition, transition(c.a, c.b, c.c)
	case tcEvent:
		what = c.a
		if msg := strings.Join(strings.Fields(c.c), " "); msg != "" {
			if len(msg) > maxChangeMessage {
				msg = msg[:maxChangeMessage] + "…"
			}
			what += ": " + msg
		}
		if c.n > 1 {
			what += fmt.Sprintf(" (×%d until %s)", c.n, unixTime(c.until).Format(time.RFC3339))
		}
		if scalingReasons[c.a] {
			return ChangeScaled, what
		}
		return ChangeEvent, what
	}
	return ChangeEvent, "changed"
}

// transition is "Ready → False (ContainersNotReady)".
func transition(cond, status, reason string) string {
	s := cond + " → " + status
	if reason != "" {
		s += " (" + reason + ")"
	}
	return s
}
