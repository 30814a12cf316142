package analyzers

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/nohealthy/nohealthy/kinds"
)

// Sidecar resources as pilot applies them (pilot/pkg/model/sidecar.go,
// push_context.go initSidecarScopes and getSidecarScope): which Sidecar
// scopes a sidecar proxy, and whether its egress listeners give the proxy
// a cluster for a route's destination. Gateways never take a Sidecar
// (context.go SetSidecarScope: routers get the default scope), so only the
// sidecars that run mesh routes are judged here.

// sidecarScope is one Sidecar converted for the proxies of one namespace:
// "./host" is that namespace, which for a Sidecar of the root namespace is
// the proxy's, not the Sidecar's.
type sidecarScope struct {
	sc        *kinds.Sidecar
	ref       Ref
	listeners []egressListener
}

// egressListener is one spec.egress entry (IstioEgressListenerWrapper).
type egressListener struct {
	// port restricts the services the listener imports to those exposing
	// it (needsPortMatch: a port other than 0, unless protocol HTTP_PROXY).
	port  int
	hosts map[string]*egressHosts // by namespace; "*" is any namespace
	text  string                  // the listener as written, for reports
}

// egressHosts are the dnsNames one namespace imports (hostClassification).
type egressHosts struct {
	names    []string
	excluded []string // "~ns/name" entries
}

// newEgressListener parses an egress entry as convertIstioListenerToWrapper
// does: each host is "namespace/dnsName" ("." the config namespace, "*"
// any); an entry without exactly one "/" is dropped (pilot logs it as
// illegal). A "~" before the namespace excludes the name ("~/name" from
// every namespace); a namespace named "~" alone, as in "~/*", therefore
// excludes everything, which is also what older pilots made of it (a
// namespace no service lives in).
func newEgressListener(e kinds.SidecarEgress, configNS string) egressListener {
	l := egressListener{hosts: map[string]*egressHosts{}}
	if e.Port != nil && e.Port.Number != 0 && !strings.EqualFold(e.Port.Protocol, "HTTP_PROXY") {
		l.port = e.Port.Number
	}
	for _, h := range e.Hosts {
		if strings.Count(h, "/") != 1 {
			continue
		}
		ns, name, _ := strings.Cut(h, "/")
		name = strings.ToLower(name)
		excluded := strings.HasPrefix(ns, "~")
		if excluded {
			if ns = ns[1:]; ns == "" {
				ns = "*"
			}
		}
		if ns == "." {
			ns = configNS
		}
		eh := l.hosts[ns]
		if eh == nil {
			eh = &egressHosts{}
			l.hosts[ns] = eh
		}
		if excluded {
			eh.excluded = append(eh.excluded, name)
		} else {
			eh.names = append(eh.names, name)
		}
	}
	l.text = "[" + strings.Join(e.Hosts, ", ") + "]"
	if e.Port != nil && e.Port.Number != 0 {
		l.text += " on port " + strconv.Itoa(e.Port.Number)
	}
	return l
}

// covers: some imported name covers h (hostClassification.Matches: h is
// the name or a subset of its wildcard).
func (eh *egressHosts) covers(h string) bool {
	if eh == nil {
		return false
	}
	for _, n := range eh.names {
		if hostMatches(n, h) {
			return true
		}
	}
	return false
}

// overlaps: some imported name and the VirtualService host h overlap
// either way (VSMatches without gateway semantics, the rule for
// networking.istio.io VirtualServices: hosts.Matches).
func (eh *egressHosts) overlaps(h string) bool {
	if eh == nil {
		return false
	}
	for _, n := range eh.names {
		if hostsOverlap(n, h) {
			return true
		}
	}
	return false
}

// excludes: a "~" entry covers h (hostClassification.Excluded).
func (eh *egressHosts) excludes(h string) bool {
	if eh == nil {
		return false
	}
	for _, n := range eh.excluded {
		if hostMatches(n, h) {
			return true
		}
	}
	return false
}

// importsService reports whether the listener imports host fq of a
// service in svcNS exposing ports (selectServices, matchingService): not
// excluded by its namespace's or the wildcard namespace's "~" entries,
// named by either, and exposing the listener's port when it has one.
func (l egressListener) importsService(fq, svcNS string, ports []int) bool {
	own, wild := l.hosts[svcNS], l.hosts["*"]
	if own.excludes(fq) || wild.excludes(fq) {
		return false
	}
	if !own.covers(fq) && !wild.covers(fq) {
		return false
	}
	return l.port == 0 || slices.Contains(ports, l.port)
}

// importsVirtualService reports whether the listener selects a
// VirtualService of namespace vsNS with these (resolved) hosts
// (SelectVirtualServices): one host matches the names imported from vsNS
// or from any namespace and no "~" entry excludes it.
func (l egressListener) importsVirtualService(vsNS string, hosts []string) bool {
	own, wild := l.hosts[vsNS], l.hosts["*"]
	for _, h := range hosts {
		if (own.overlaps(h) || wild.overlaps(h)) && !own.excludes(h) && !wild.excludes(h) {
			return true
		}
	}
	return false
}

// routeReach is what a Sidecar scope makes of one route destination.
type routeReach int

const (
	reachNotRun    routeReach = iota // the scope imports no listener that takes the VirtualService: its proxies lack the route
	reachImported                    // a cluster exists for the destination
	reachNoCluster                   // the route exists but no cluster for its host: NC
)

// reach decides whether proxies under scope s get a cluster for the
// service named name (its registry host: a ServiceEntry's wildcard, not
// the route's host under it) of svcNS with ports that a route of a
// VirtualService of vsNS with vsHosts sends to. With no egress the scope imports "*/*" (initSidecarScopeInternalIndexes).
// Pilot adds the destinations of every VirtualService a listener selects
// to the proxy's clusters (collectImportedServices), port-matched to that
// listener when it names a port, unless infer is false (pilots before
// Istio 1.5, which imported the hosts listed and nothing else).
func (s *sidecarScope) reach(vsNS string, vsHosts []string, name, svcNS string, ports []int, infer bool) routeReach {
	run := false
	for _, l := range s.listeners {
		if l.importsService(name, svcNS, ports) {
			return reachImported
		}
		if l.importsVirtualService(vsNS, vsHosts) {
			run = true
			if infer && (l.port == 0 || slices.Contains(ports, l.port)) {
				return reachImported
			}
		}
	}
	if !run {
		return reachNotRun
	}
	return reachNoCluster
}

// sidecarIndex holds the Sidecars of the input as pilot orders them:
// per namespace, those with a workload selector first, each group by
// creation time (initSidecarScopes).
type sidecarIndex struct {
	byNS map[string][]*kinds.Sidecar
	// root is the first Sidecar without selector of the root namespace:
	// it scopes every namespace that has none of its own.
	root *kinds.Sidecar
	// scopes caches the conversion per Sidecar and config namespace,
	// proxies the scopes of each namespace's sidecars (every route of a
	// namespace asks for them).
	scopes  map[string]*sidecarScope
	proxies map[string]nsProxies
}

// nsProxies are the Sidecar scopes of one namespace's sidecar proxies,
// the pods under each, and how many sidecar pods it has.
type nsProxies struct {
	scopes []*sidecarScope
	pods   map[*sidecarScope][]*corev1.Pod
	total  int
}

func (b *builder) sidecars() *sidecarIndex {
	if b.sidecarIx != nil {
		return b.sidecarIx
	}
	ix := &sidecarIndex{byNS: map[string][]*kinds.Sidecar{}, scopes: map[string]*sidecarScope{}, proxies: map[string]nsProxies{}}
	all := inKeyOrder(kinds.Sidecars.In(b.s))
	sort.SliceStable(all, func(i, j int) bool {
		si, sj := all[i].Spec.WorkloadSelector != nil, all[j].Spec.WorkloadSelector != nil
		if si != sj {
			return si
		}
		return all[i].CreationTimestamp.Before(&all[j].CreationTimestamp)
	})
	for _, sc := range all {
		ix.byNS[sc.Namespace] = append(ix.byNS[sc.Namespace], sc)
		if ix.root == nil && sc.Namespace == b.mesh.rootNamespace && sc.Spec.WorkloadSelector == nil {
			ix.root = sc
		}
	}
	b.sidecarIx = ix
	return ix
}

// scopeFor returns the Sidecar scope of a sidecar proxy in ns with these
// pod labels (doGetSidecarScope): the first Sidecar of ns whose selector
// the labels satisfy or that has none, else the root namespace's; nil
// when none applies (the default scope imports everything).
func (b *builder) scopeFor(ns string, labels map[string]string) *sidecarScope {
	ix := b.sidecars()
	var pick *kinds.Sidecar
	for _, sc := range ix.byNS[ns] {
		if sel := sc.Spec.WorkloadSelector; sel != nil && !labelsMatch(sel.Labels, labels) {
			continue
		}
		pick = sc
		break
	}
	if pick == nil {
		pick = ix.root
	}
	if pick == nil {
		return nil
	}
	k := pick.Namespace + "/" + pick.Name + "|" + ns
	if s := ix.scopes[k]; s != nil {
		return s
	}
	s := &sidecarScope{sc: pick, ref: Ref{Kind: "Sidecar", Namespace: pick.Namespace, Name: pick.Name}}
	egress := pick.Spec.Egress
	if len(egress) == 0 {
		egress = []kinds.SidecarEgress{{Hosts: []string{"*/*"}}}
	}
	for _, e := range egress {
		s.listeners = append(s.listeners, newEgressListener(e, ns))
	}
	ix.scopes[k] = s
	return s
}

// proxyScopes lists the Sidecar scopes of the sidecar proxies of ns with
// the pods each applies to. Without sidecar pods in the input (manifests),
// the scope a pod without labels would get stands for the namespace.
func (b *builder) proxyScopes(ns string) (scopes []*sidecarScope, pods map[*sidecarScope][]*corev1.Pod, total int) {
	ix := b.sidecars()
	if len(ix.byNS) == 0 {
		return nil, nil, 0
	}
	if c, ok := ix.proxies[ns]; ok {
		return c.scopes, c.pods, c.total
	}
	defer func() { ix.proxies[ns] = nsProxies{scopes, pods, total} }()
	pods = map[*sidecarScope][]*corev1.Pod{}
	for _, p := range b.ix.podsByNS[ns] {
		if podTerminal(p) || !hasSidecar(p) {
			continue
		}
		total++
		s := b.scopeFor(ns, p.Labels)
		if s == nil {
			continue
		}
		if pods[s] == nil {
			scopes = append(scopes, s)
		}
		pods[s] = append(pods[s], p)
	}
	if total == 0 {
		if s := b.scopeFor(ns, nil); s != nil {
			scopes = append(scopes, s)
		}
	}
	return scopes, pods, total
}

// pilotInfersDestinations reports whether the control plane adds the
// destinations of the VirtualServices a Sidecar imports to the proxy's
// clusters: every pilot since Istio 1.5 (istio/istio #20408). It is false
// only when the image tag of an istiod (pilot) pod says an older version;
// without its pods (manifests; the loader keeps no template images) the
// version is taken to be current.
func (b *builder) pilotInfersDestinations() bool {
	infers := func(ctrs []corev1.Container) (bool, bool) {
		for _, c := range ctrs {
			if major, minor, ok := imageMinor(c.Image); ok {
				return major > 1 || minor >= 5, true
			}
		}
		return false, false
	}
	for _, p := range b.ix.pods {
		w := b.workloadByRef[b.ix.owner[p]]
		if (w == nil || w.Role != "istiod") && roleOf(p.Namespace, p.Name, p.Labels) != "istiod" {
			continue
		}
		if v, ok := infers(p.Spec.Containers); ok {
			return v
		}
	}
	return true
}

// imageMinor reads "major.minor" from an image tag such as
// docker.io/istio/pilot:1.4.10 or pilot:1.22.3-distroless.
func imageMinor(image string) (major, minor int, ok bool) {
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image = image[:i]
	}
	i := strings.LastIndexByte(image, ':')
	if i < 0 || strings.Contains(image[i:], "/") {
		return 0, 0, false
	}
	parts := strings.SplitN(image[i+1:], ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(strings.SplitN(parts[1], "-", 2)[0])
	return major, minor, err1 == nil && err2 == nil
}

// sidecarHides decides whether a Sidecar keeps the sidecar proxies that
// run a mesh route of vs (mesh: it binds to the mesh; proxyNS: the
// namespaces whose sidecars take it) from the route's
// destination h: the route reaches them but no cluster for h does, and
// Envoy answers NC. A scope that applies to only some of a namespace's
// sidecars counts when it is all the namespace's, or when one of its
// pods reported NC for a host of vs (the workloads that call it). It
// returns the first such Sidecar and the reasons, "" when none hides h.
func (b *builder) sidecarHides(vs *kinds.VirtualService, proxyNS []string, h *meshHost, fq string, mesh bool) (Ref, string) {
	if !mesh || h == nil || len(b.sidecars().byNS) == 0 {
		return Ref{}, ""
	}
	vsHosts := make([]string, len(vs.Spec.Hosts))
	for i, x := range vs.Spec.Hosts {
		vsHosts[i] = istioFQDN(x, vs.Namespace)
	}
	if b.inferDests == 0 {
		b.inferDests = 2
		if b.pilotInfersDestinations() {
			b.inferDests = 1
		}
	}
	infer := b.inferDests == 1
	var first Ref
	var reasons []string
	for _, ns := range proxyNS {
		scopes, pods, total := b.proxyScopes(ns)
		for _, s := range scopes {
			if s.reach(vs.Namespace, vsHosts, h.name, h.owner, h.ports, infer) != reachNoCluster {
				continue
			}
			n := len(pods[s])
			if n > 0 && n < total && !b.reportedNoCluster(vs, pods[s]) {
				continue
			}
			var hosts []string
			for _, l := range s.listeners {
				hosts = append(hosts, l.text)
			}
			where := "the sidecars of namespace " + ns
			if n > 0 && n < total {
				where = fmt.Sprintf("%d of the %d sidecars of namespace %s", n, total, ns)
			}
			r := fmt.Sprintf("Sidecar %s/%s egress hosts %s do not include %s (%s %s), so %s have no cluster for it",
				s.ref.Namespace, s.ref.Name, strings.Join(hosts, "; "), fq, h.ref.Kind, h.ref.Namespace+"/"+h.ref.Name, where)
			if !infer {
				r += " (Istio before 1.5 imports no VirtualService destination the egress does not list)"
			}
			if len(reasons) == 0 {
				first = s.ref
			}
			reasons = append(reasons, r)
		}
	}
	return first, strings.Join(reasons, "; ")
}

// reportedNoCluster: one of pods logged an NC failure for a host of vs.
func (b *builder) reportedNoCluster(vs *kinds.VirtualService, pods []*corev1.Pod) bool {
	keys := b.noClusterSymptoms(vs)
	if len(keys) == 0 {
		return false
	}
	ids := map[string]bool{}
	for _, k := range keys {
		ids[strings.TrimPrefix(k, "symptom:")] = true
	}
	for _, sf := range b.noCluster {
		if !ids[sf.ID] {
			continue
		}
		for _, p := range pods {
			if sf.Reporter.Namespace == p.Namespace && sf.Reporter.Name == p.Name {
				return true
			}
		}
	}
	return false
}
