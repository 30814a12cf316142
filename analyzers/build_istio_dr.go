package analyzers

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/nohealthy/nohealthy/kinds"
)

// instance is one server a host's traffic reaches: a pod, or, when the
// input holds no pod of the host, the pod template of a workload that will
// make them (manifests from Git).
type instance struct {
	pod  *corev1.Pod // nil for a template
	tmpl podTemplate
	ns   string
	// labels are the pod's (or the template's) own labels.
	labels map[string]string
	inMesh bool
	// meshKnown is false when the input cannot tell whether it takes
	// part in the mesh (see templateMesh); inMesh is false then.
	meshKnown bool
	how       string // how it takes part in the mesh, or why not
}

func (x instance) String() string {
	if x.pod != nil {
		return "Pod " + x.pod.Namespace + "/" + x.pod.Name
	}
	return "the pod template of " + x.tmpl.ref.String()
}

// hostInstances lists the servers behind Service svc: its pods, or the
// pod templates of the workloads its selector matches when the input has
// no pod of it (fromTemplates).
func (b *builder) hostInstances(svc *corev1.Service, pods []*corev1.Pod) (out []instance, fromTemplates bool) {
	for _, p := range pods {
		in, known, how := b.podMesh(p)
		out = append(out, instance{pod: p, ns: p.Namespace, labels: p.Labels, inMesh: in, meshKnown: known, how: how})
	}
	if len(out) > 0 || svc == nil {
		return out, false
	}
	sf := b.serviceByKey[key(svc.Namespace, svc.Name)]
	if sf == nil {
		return nil, false
	}
	for _, r := range sf.TemplateWorkloads {
		t, ok := b.templateOf(r)
		if !ok {
			continue
		}
		in, known, how := b.templateMesh(r.Namespace, t.labels, t.annotations)
		out = append(out, instance{tmpl: t, ns: r.Namespace, labels: t.labels, inMesh: in, meshKnown: known, how: how})
	}
	return out, len(out) > 0
}

// templateOf returns the pod template of workload r.
func (b *builder) templateOf(r Ref) (podTemplate, bool) {
	if b.templateByRef == nil {
		b.templateByRef = map[Ref]podTemplate{}
		for _, ts := range b.templates {
			for _, t := range ts {
				b.templateByRef[t.ref] = t
			}
		}
	}
	t, ok := b.templateByRef[r]
	return t, ok
}

// matches reports whether the endpoint of x carries sel; for a template,
// only the labels a template can tell count (ok false: sel needs a label
// pilot takes from where a pod runs).
func (b *builder) instanceMatches(sel map[string]string, x instance) (match, ok bool) {
	if x.pod != nil {
		return b.endpointLabelsMatch(sel, x.pod), true
	}
	for k := range sel {
		if isTopologyLabel(k) {
			if _, own := x.labels[k]; !own {
				return false, false
			}
		}
	}
	return labelsMatch(sel, x.labels), true
}

func (b *builder) buildDestinationRules() {
	s := b.s
	for _, dr := range inKeyOrder(kinds.DestinationRules.In(s)) {
		fq := istioFQDN(dr.Spec.Host, dr.Namespace)
		svc := b.ix.serviceByFQDN(fq)
		f := &DestinationRuleFact{
			Ref:  Ref{Kind: "DestinationRule", Namespace: dr.Namespace, Name: dr.Name},
			Host: dr.Spec.Host, FQDN: fq,
			StrictConflicts: []string{}, PlainServerConflicts: []string{},
		}
		b.drByFQDN[fq] = append(b.drByFQDN[fq], dr)
		f.Keys = []string{"host:" + fq}
		var pods []*corev1.Pod
		if svc != nil {
			f.Service = Ref{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name}
			f.ServiceFound = true
			f.Keys = append(f.Keys, "svc:"+key(svc.Namespace, svc.Name))
			if sf := b.serviceByKey[key(svc.Namespace, svc.Name)]; sf != nil {
				f.ReadyBackends = sf.ReadyBackends
			}
			pods = b.ix.selectPods(svc.Namespace, svc.Spec.Selector)
		}
		if tp := dr.Spec.TrafficPolicy; tp != nil {
			if tp.TLS != nil {
				f.TLSMode = tp.TLS.Mode
			}
			if od := tp.OutlierDetection; od != nil {
				f.OutlierDetection = true
				f.MaxEjectionPercent = od.MaxEjectionPercent
				switch {
				case od.Consecutive5xxErrors != nil:
					f.Consecutive5xx = *od.Consecutive5xxErrors
				case od.ConsecutiveGatewayErrors != nil:
					f.Consecutive5xx = *od.ConsecutiveGatewayErrors
				default:
					f.Consecutive5xx = od.ConsecutiveErrors
				}
			}
			if cp := tp.ConnectionPool; cp != nil {
				var parts []string
				lim := 0
				note := func(name string, v int) {
					if v > 0 {
						parts = append(parts, fmt.Sprintf("%s: %d", name, v))
						if lim == 0 || v < lim {
							lim = v
						}
					}
				}
				if cp.TCP != nil {
					note("tcp.maxConnections", cp.TCP.MaxConnections)
				}
				if cp.HTTP != nil {
					note("http.http1MaxPendingRequests", cp.HTTP.HTTP1MaxPendingRequests)
					note("http.http2MaxRequests", cp.HTTP.HTTP2MaxRequests)
				}
				f.ConnectionLimit = lim
				f.PoolText = strings.Join(parts, ", ")
			}
		}
		insts, fromTemplates := b.hostInstances(svc, pods)
		for _, x := range insts {
			if x.pod == nil {
				continue
			}
			f.ServerPods++
			if hasSidecar(x.pod) {
				f.ServerSidecars++
			}
		}
		for _, x := range insts {
			if x.inMesh {
				v := b.peerAuthFor(x.ns, x.labels, 0)
				if v.policy != nil {
					f.PeerAuthMode, f.PeerAuth = v.mode, v.policyRef()
				}
				break
			}
		}
		if svc != nil {
			b.tlsConflicts(f, dr, svc, insts, fromTemplates)
		}
		for _, sub := range dr.Spec.Subsets {
			if svc != nil {
				f.Keys = append(f.Keys, "subset:"+key(svc.Namespace, svc.Name)+"/"+sub.Name)
			}
		}
		b.drFacts[fq] = append(b.drFacts[fq], f)
		b.facts.DestinationRules = append(b.facts.DestinationRules, f)
		b.buildSubsets(dr, f, svc, pods, insts, fromTemplates)
	}
}

// tlsConflicts finds where the rule's client TLS contradicts its servers:
// tls.mode DISABLE or SIMPLE (plaintext, or TLS without the mesh
// certificate) towards pods that enforce STRICT mTLS on that port, and
// ISTIO_MUTUAL towards pods with no proxy to terminate it. The TLS of a
// cluster (a Service port, a subset) follows pilot's merging
// (pilot/pkg/networking/util/util.go MergeSubsetTrafficPolicy): a
// port-level setting replaces the rule's policy wholesale for its port, a
// subset's policy overrides it, and a subset's port-level setting replaces
// the subset's; an unset mode is Istio's auto mTLS, which follows the
// server.
func (b *builder) tlsConflicts(f *DestinationRuleFact, dr *kinds.DestinationRule, svc *corev1.Service, insts []instance, fromTemplates bool) {
	tlsAt := func(tp *kinds.TrafficPolicy, port int) (mode string, set bool) {
		for _, pl := range tp.PortLevelSettings {
			if pl.Port.Number == port {
				if pl.TLS != nil {
					return strings.ToUpper(pl.TLS.Mode), true
				}
				return "", true
			}
		}
		if tp.TLS != nil {
			return strings.ToUpper(tp.TLS.Mode), true
		}
		return "", false
	}
	tlsOf := func(sub *kinds.TrafficPolicy, port int) string {
		mode := ""
		if top := dr.Spec.TrafficPolicy; top != nil {
			mode, _ = tlsAt(top, port)
		}
		if sub != nil {
			if m, set := tlsAt(sub, port); set {
				mode = m
			}
		}
		return mode
	}
	type cluster struct {
		subset string
		labels map[string]string
		tp     *kinds.TrafficPolicy
	}
	clusters := []cluster{{}}
	for _, sub := range dr.Spec.Subsets {
		clusters = append(clusters, cluster{subset: sub.Name, labels: sub.Labels, tp: sub.TrafficPolicy})
	}
	// Conflicts are grouped by cluster and verdict, so that one line
	// names every pod in the same situation.
	type group struct {
		list  *[]string
		head  string // "tls.mode DISABLE for port 8080 of h"
		tail  string // "enforce STRICT on port 8080 (...)"
		insts []string
	}
	var groups []*group
	var byKey map[string]*group
	note := func(list *[]string, head, tail string, x instance) {
		k := head + "|" + tail
		if byKey == nil {
			byKey = map[string]*group{}
		}
		g := byKey[k]
		if g == nil {
			g = &group{list: list, head: head, tail: tail}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.insts = append(g.insts, x.String())
	}
	judged := ""
	if fromTemplates {
		judged = "; judged from the pod templates, no pods of " + svc.Name + "." + svc.Namespace + " in the input"
	}
	for _, sp := range svc.Spec.Ports {
		port := int(sp.Port)
		for _, c := range clusters {
			mode := tlsOf(c.tp, port)
			if mode != "DISABLE" && mode != "SIMPLE" && mode != "ISTIO_MUTUAL" {
				continue // auto mTLS (unset) follows the server; MUTUAL sends its own certificate
			}
			where := fmt.Sprintf("port %d", port)
			if c.subset != "" {
				where = "subset " + c.subset + " " + where
			}
			head := fmt.Sprintf("tls.mode %s for %s of %s", mode, where, f.FQDN)
			for _, x := range insts {
				if c.subset != "" {
					if m, ok := b.instanceMatches(c.labels, x); !ok || !m {
						continue
					}
				}
				switch mode {
				case "DISABLE", "SIMPLE":
					if !x.inMesh {
						continue
					}
					tp := targetPort(sp, x.pod)
					v := b.peerAuthFor(x.ns, x.labels, tp)
					if v.mode != "STRICT" || !portCaptured(x.pod, tp) {
						continue
					}
					if f.StrictClientMode == "" {
						f.StrictClientMode, f.StrictPeerAuth = mode, v.policyRef()
					}
					portText := ""
					if tp != 0 {
						portText = fmt.Sprintf(" on port %d", tp)
					}
					note(&f.StrictConflicts, head, "require mTLS"+portText+": "+v.text(), x)
					f.Keys = append(f.Keys, b.filterChainRejects(x.pod)...)
				case "ISTIO_MUTUAL":
					if x.inMesh || !x.meshKnown {
						continue
					}
					note(&f.PlainServerConflicts, head, "have "+x.how+": nothing terminates the mesh's mTLS", x)
				}
			}
		}
	}
	for _, g := range groups {
		who := g.insts[0]
		if n := len(g.insts); n > 1 {
			who += fmt.Sprintf(" and %d more", n-1)
		}
		*g.list = append(*g.list, g.head+", but "+who+" "+g.tail+judged)
	}
	for _, t := range append(append([]string{}, f.StrictConflicts...), f.PlainServerConflicts...) {
		if len(f.Evidence) >= 6 {
			break
		}
		f.Evidence = append(f.Evidence, Evidence{Kind: "Object", Ref: f.Ref.String(), Text: t})
	}
}

func (b *builder) buildSubsets(dr *kinds.DestinationRule, drf *DestinationRuleFact, svc *corev1.Service, pods []*corev1.Pod, insts []instance, fromTemplates bool) {
	for _, sub := range dr.Spec.Subsets {
		f := &SubsetFact{
			DestinationRule: drf.Ref, Name: sub.Name, Host: dr.Spec.Host, FQDN: drf.FQDN,
			Service: drf.Service, ServiceFound: drf.ServiceFound,
			Labels: sub.Labels, LabelsText: selectorText(sub.Labels),
			HostTemplates: []Ref{}, MatchingTemplates: []Ref{},
		}
		if f.Labels == nil {
			f.Labels = map[string]string{}
		}
		present := map[string]bool{}
		for _, p := range pods {
			f.HostPods++
			r := podReady(p)
			if r {
				f.ReadyHostPods++
			}
			if b.endpointLabelsMatch(sub.Labels, p) {
				f.MatchingPods++
				if r {
					f.ReadyMatchingPods++
				}
			}
			for k := range sub.Labels {
				if v, ok := b.endpointLabel(p, k); ok {
					present[k+"="+v] = true
				}
			}
		}
		if fromTemplates {
			f.TemplatesJudged = true
			for _, x := range insts {
				f.HostTemplates = append(f.HostTemplates, x.tmpl.ref)
				m, ok := b.instanceMatches(sub.Labels, x)
				if !ok {
					f.TemplatesJudged = false
				}
				if m {
					f.MatchingTemplates = append(f.MatchingTemplates, x.tmpl.ref)
				}
				for k := range sub.Labels {
					if v, ok := x.labels[k]; ok {
						present[k+"="+v] = true
					}
				}
			}
		}
		f.PresentLabels = sortedSet(present)
		if f.MatchingPods > 0 && f.ReadyMatchingPods == 0 && svc != nil {
			sk := "subset:" + key(svc.Namespace, svc.Name) + "/" + sub.Name
			marked := map[Ref]bool{}
			for _, p := range pods {
				if !b.endpointLabelsMatch(sub.Labels, p) {
					continue
				}
				if w := b.workloadByRef[b.ix.owner[p]]; w != nil && !marked[w.Ref] {
					marked[w.Ref] = true
					w.UnreadySubsets = append(w.UnreadySubsets, svc.Name+"/"+sub.Name)
					w.Outage = true
					w.Keys = append(w.Keys, sk)
				}
			}
		}
		if svc != nil {
			f.Keys = []string{"subset:" + key(svc.Namespace, svc.Name) + "/" + sub.Name}
		} else {
			f.Keys = []string{"subset:?/" + drf.FQDN + "/" + sub.Name}
		}
		text := fmt.Sprintf("subset %s selects %s: %d of the host's %d pod(s) match, %d ready; pods carry %s",
			sub.Name, orNone(f.LabelsText), f.MatchingPods, f.HostPods, f.ReadyMatchingPods, orNone(strings.Join(f.PresentLabels, ", ")))
		if fromTemplates {
			text = fmt.Sprintf("subset %s selects %s; judged from the pod template(s) of %s, no pods of %s in the input: %d match; templates carry %s",
				sub.Name, orNone(f.LabelsText), refsText(f.HostTemplates), drf.FQDN, len(f.MatchingTemplates), orNone(strings.Join(f.PresentLabels, ", ")))
			if !f.TemplatesJudged {
				text += " (it selects a label Istio takes from the node a pod runs on: no template can tell)"
			}
		}
		f.Evidence = []Evidence{{Kind: "Object", Ref: drf.Ref.String(), Text: text}}
		b.subsetFacts = append(b.subsetFacts, f)
		b.subsetByName[f.FQDN+"|"+f.Name] = f
		b.facts.Subsets = append(b.facts.Subsets, f)
	}
}

func refsText(refs []Ref) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = r.String()
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
