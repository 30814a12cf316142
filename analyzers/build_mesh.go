package analyzers

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/nohealthy/nohealthy/analyzers/envoyadmin"
	"github.com/nohealthy/nohealthy/kinds"
)

// istioRootNamespace holds mesh-wide policies.
const istioRootNamespace = "istio-system"

func hasSidecar(p *corev1.Pod) bool {
	for _, c := range p.Spec.Containers {
		if c.Name == sidecarName {
			return true
		}
	}
	for _, c := range p.Spec.InitContainers { // native sidecars (restartPolicy Always)
		if c.Name == sidecarName {
			return true
		}
	}
	return false
}

// hostMatches reports whether a (possibly wildcard) pattern covers host.
func hostMatches(pattern, host string) bool {
	pattern = strings.ToLower(pattern)
	host = strings.ToLower(host)
	if pattern == host || pattern == "*" {
		return true
	}
	if strings.HasPrefix(pattern, "*.") {
		return strings.HasSuffix(host, pattern[1:])
	}
	return false
}

func (b *builder) buildDestinationRules() {
	s := b.s
	for _, dr := range inKeyOrder(kinds.DestinationRules.In(s)) {
		svc, fq := b.ix.serviceForHost(dr.Spec.Host, dr.Namespace)
		f := &DestinationRuleFact{
			Ref:  Ref{Kind: "DestinationRule", Namespace: dr.Namespace, Name: dr.Name},
			Host: dr.Spec.Host, FQDN: fq,
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
		for _, p := range pods {
			f.ServerPods++
			if hasSidecar(p) {
				f.ServerSidecars++
			}
		}
		if len(pods) > 0 {
			f.PeerAuthMode, f.PeerAuth = b.peerAuthFor(pods[0])
		}
		for _, sub := range dr.Spec.Subsets {
			if svc != nil {
				f.Keys = append(f.Keys, "subset:"+key(svc.Namespace, svc.Name)+"/"+sub.Name)
			}
		}
		b.drFacts[fq] = append(b.drFacts[fq], f)
		b.facts.DestinationRules = append(b.facts.DestinationRules, f)
		b.buildSubsets(dr, f, svc, pods)
	}
}

// peerAuthFor returns the mTLS mode Istio enforces on pod: workload-level
// policy, else namespace-level, else mesh-wide in the root namespace.
func (b *builder) peerAuthFor(p *corev1.Pod) (string, Ref) {
	var nsMode, meshMode string
	var nsRef, meshRef Ref
	for _, pa := range inKeyOrder(kinds.PeerAuthentications.In(b.s)) {
		mode := ""
		if pa.Spec.MTLS != nil {
			mode = pa.Spec.MTLS.Mode
		}
		ref := Ref{Kind: "PeerAuthentication", Namespace: pa.Namespace, Name: pa.Name}
		sel := pa.Spec.Selector
		switch {
		case pa.Namespace == p.Namespace && sel != nil && len(sel.MatchLabels) > 0:
			if labelsMatch(sel.MatchLabels, p.Labels) && mode != "" && mode != "UNSET" {
				return mode, ref
			}
		case pa.Namespace == p.Namespace:
			if mode != "" && mode != "UNSET" {
				nsMode, nsRef = mode, ref
			}
		case pa.Namespace == istioRootNamespace && (sel == nil || len(sel.MatchLabels) == 0):
			if mode != "" && mode != "UNSET" {
				meshMode, meshRef = mode, ref
			}
		}
	}
	if nsMode != "" {
		return nsMode, nsRef
	}
	return meshMode, meshRef
}

func (b *builder) buildSubsets(dr *kinds.DestinationRule, drf *DestinationRuleFact, svc *corev1.Service, pods []*corev1.Pod) {
	for _, sub := range dr.Spec.Subsets {
		f := &SubsetFact{
			DestinationRule: drf.Ref, Name: sub.Name, Host: dr.Spec.Host, FQDN: drf.FQDN,
			Service: drf.Service, ServiceFound: drf.ServiceFound,
			Labels: sub.Labels, LabelsText: selectorText(sub.Labels),
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
			if labelsMatch(sub.Labels, p.Labels) {
				f.MatchingPods++
				if r {
					f.ReadyMatchingPods++
				}
			}
			for k := range sub.Labels {
				if v, ok := p.Labels[k]; ok {
					present[k+"="+v] = true
				}
			}
		}
		f.PresentLabels = sortedSet(present)
		if f.MatchingPods > 0 && f.ReadyMatchingPods == 0 && svc != nil {
			sk := "subset:" + key(svc.Namespace, svc.Name) + "/" + sub.Name
			marked := map[Ref]bool{}
			for _, p := range pods {
				if !labelsMatch(sub.Labels, p.Labels) {
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
		f.Evidence = []Evidence{{Kind: "Object", Ref: drf.Ref.String(),
			Text: fmt.Sprintf("subset %s selects %s: %d of the host's %d pod(s) match, %d ready; pods carry %s",
				sub.Name, orNone(f.LabelsText), f.MatchingPods, f.HostPods, f.ReadyMatchingPods, orNone(strings.Join(f.PresentLabels, ", ")))}}
		b.subsetFacts = append(b.subsetFacts, f)
		b.subsetByName[f.FQDN+"|"+f.Name] = f
		b.facts.Subsets = append(b.facts.Subsets, f)
	}
}

func (b *builder) serviceEntryCovers(host string) bool {
	for _, se := range kinds.ServiceEntries.In(b.s) {
		for _, h := range se.Spec.Hosts {
			if hostMatches(h, host) {
				return true
			}
		}
	}
	return false
}

func (b *builder) buildRoutes() {
	s := b.s
	for _, vs := range inKeyOrder(kinds.VirtualServices.In(s)) {
		vref := Ref{Kind: "VirtualService", Namespace: vs.Namespace, Name: vs.Name}
		var dests []kinds.RouteDestination
		for _, h := range vs.Spec.HTTP {
			dests = append(dests, h.Route...)
		}
		for _, t := range vs.Spec.TCP {
			dests = append(dests, t.Route...)
		}
		for _, t := range vs.Spec.TLS {
			dests = append(dests, t.Route...)
		}
		seen := map[string]bool{}
		for _, d := range dests {
			h, sub, port := d.Destination.Host, d.Destination.Subset, d.Destination.Port.Number
			id := fmt.Sprintf("%s|%s|%d", h, sub, port)
			if h == "" || seen[id] {
				continue
			}
			seen[id] = true
			svc, fq := b.ix.serviceForHost(h, vs.Namespace)
			f := &RouteFact{VirtualService: vref, Host: h, FQDN: fq, Subset: sub, Port: port, Gateways: vs.Spec.Gateways}
			if f.Gateways == nil {
				f.Gateways = []string{}
			}
			f.Keys = []string{"host:" + fq}
			if svc != nil {
				f.Service = Ref{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name}
				f.ServiceFound = true
				f.Keys = append(f.Keys, "svc:"+key(svc.Namespace, svc.Name))
				if sub != "" {
					f.Keys = append(f.Keys, "subset:"+key(svc.Namespace, svc.Name)+"/"+sub)
				}
			} else if sub != "" {
				f.Keys = append(f.Keys, "subset:?/"+fq+"/"+sub)
			}
			f.ServiceEntryFound = b.serviceEntryCovers(fq) || b.serviceEntryCovers(h)
			f.HostKnown = f.ServiceFound || f.ServiceEntryFound
			defined := map[string]bool{}
			for _, dr := range b.drByFQDN[fq] {
				if !f.DRFound {
					f.DestinationRule = Ref{Kind: "DestinationRule", Namespace: dr.Namespace, Name: dr.Name}
					f.DRFound = true
				}
				for _, ss := range dr.Spec.Subsets {
					defined[ss.Name] = true
				}
			}
			f.DefinedSubsets = sortedSet(defined)
			f.SubsetDefined = sub == "" || defined[sub]
			if !f.HostKnown {
				f.NearestService = b.nearestService(h, vs.Namespace)
			}
			for _, sf := range b.symsByFQDN[fq] {
				if sub == "" || sf.Subset == sub {
					f.SymptomCount += sf.Count
				}
			}
			if sb := b.subsetByName[fq+"|"+sub]; sb != nil {
				sb.Routed = true
			}
			f.Evidence = []Evidence{{Kind: "Object", Ref: vref.String(), Text: routeText(f)}}
			b.facts.Routes = append(b.facts.Routes, f)
		}
	}
}

func routeText(f *RouteFact) string {
	t := "routes to host " + f.Host
	if f.Subset != "" {
		t += " subset " + f.Subset
	}
	if f.Port != 0 {
		t += fmt.Sprintf(" port %d", f.Port)
	}
	switch {
	case !f.HostKnown:
		t += "; no Service or ServiceEntry has this host"
	case !f.SubsetDefined:
		t += "; DestinationRules for the host define subsets: " + orNone(strings.Join(f.DefinedSubsets, ", "))
	}
	return t
}

// nearestService names a Service whose short name is close to host's first label.
func (b *builder) nearestService(host, ns string) string {
	short := strings.SplitN(host, ".", 2)[0]
	best, bestD := "", 3
	for _, svc := range inKeyOrder(kinds.Services.In(b.s)) {
		if d := editDistance(short, svc.Name); d < bestD && d <= 2 {
			best, bestD = svc.Name+"."+svc.Namespace, d
		}
	}
	return best
}

func (b *builder) buildGateways() {
	s := b.s
	gwPods := map[string][]*corev1.Pod{}
	gateways, virtualServices := kinds.IstioGateways.In(s), kinds.VirtualServices.In(s)
	for _, k := range sortedKeys(gateways) {
		g := gateways[k]
		f := &GatewayFact{Ref: Ref{Kind: "Gateway", Namespace: g.Namespace, Name: g.Name},
			Selector: g.Spec.Selector, SelectorText: selectorText(g.Spec.Selector)}
		if f.Selector == nil {
			f.Selector = map[string]string{}
		}
		f.Keys = []string{"gw:" + k}
		var pods []*corev1.Pod
		if len(g.Spec.Selector) > 0 {
			for _, ns := range sortedKeys(b.ix.podsByNS) {
				pods = append(pods, b.ix.selectPods(ns, g.Spec.Selector)...)
			}
		}
		for _, p := range pods {
			f.MatchingPods++
			if podReady(p) {
				f.ReadyPods++
			}
			f.Keys = append(f.Keys, "pod:"+key(p.Namespace, p.Name))
		}
		gwPods[k] = pods
		if f.MatchingPods == 0 {
			var near []string
			for _, p := range b.ix.pods {
				if roleOf(p.Namespace, p.Name, p.Labels) == "gateway" && !podTerminal(p) {
					near = append(near, p.Namespace+"/"+p.Name+" ("+selectorText(p.Labels)+")")
					if len(near) == 3 {
						break
					}
				}
			}
			f.NearMissPods = strings.Join(near, "; ")
		}
		hosts := map[string]bool{}
		for _, srv := range g.Spec.Servers {
			for _, h := range srv.Hosts {
				if i := strings.IndexByte(h, '/'); i >= 0 {
					h = h[i+1:]
				}
				hosts[h] = true
			}
		}
		f.Hosts = sortedSet(hosts)
		var bound []*kinds.VirtualService
		for _, vk := range sortedKeys(virtualServices) {
			vs := virtualServices[vk]
			for _, gname := range vs.Spec.Gateways {
				if gatewayRefKey(gname, vs.Namespace) == k {
					bound = append(bound, vs)
					f.BoundVirtualServices = append(f.BoundVirtualServices, vk)
					break
				}
			}
		}
		for _, h := range f.Hosts {
			covered := false
			for _, vs := range bound {
				for _, vh := range vs.Spec.Hosts {
					if hostMatches(h, vh) || hostMatches(vh, h) {
						covered = true
					}
				}
			}
			if !covered {
				f.UnroutedHosts = append(f.UnroutedHosts, h)
			}
			if h != "*" {
				f.Keys = append(f.Keys, "authority:"+h)
			}
		}
		auth := map[string]bool{}
		for _, sf := range b.facts.Symptoms {
			if sf.Kind != "NR" || sf.Reporter.Name == "" {
				continue
			}
			for _, p := range pods {
				if p.Namespace == sf.Reporter.Namespace && p.Name == sf.Reporter.Name {
					f.NRCount += sf.Count
					if sf.Authority != "" {
						auth[sf.Authority] = true
					}
				}
			}
		}
		f.NRAuthorities = sortedSet(auth)
		f.Evidence = []Evidence{{Kind: "Object", Ref: f.Ref.String(), Text: fmt.Sprintf("selector %s matches %d pod(s) (%d ready); hosts %s; bound VirtualServices: %s",
			orNone(f.SelectorText), f.MatchingPods, f.ReadyPods, strings.Join(f.Hosts, ", "), orNone(strings.Join(f.BoundVirtualServices, ", ")))}}
		b.facts.Gateways = append(b.facts.Gateways, f)
	}
	b.gatewayPods = gwPods
}

// gatewayRefKey turns a VirtualService's gateway reference into "ns/name".
func gatewayRefKey(ref, vsNS string) string {
	if ref == "mesh" {
		return ""
	}
	if i := strings.IndexByte(ref, '/'); i >= 0 {
		return ref
	}
	if i := strings.IndexByte(ref, '.'); i >= 0 { // name.namespace form (deprecated)
		return ref[i+1:] + "/" + ref[:i]
	}
	return vsNS + "/" + ref
}

func (b *builder) buildVirtualServices() {
	s := b.s
	gatewaysKnown := b.facts.Coverage["Gateway"] == "ok"
	// NR symptoms are matched against every VirtualService's hosts: filter
	// them once, not once per VirtualService.
	var nr []*SymptomFact
	for _, sf := range b.facts.Symptoms {
		if sf.Kind == "NR" && sf.Authority != "" {
			nr = append(nr, sf)
		}
	}
	virtualServices, gateways := kinds.VirtualServices.In(s), kinds.IstioGateways.In(s)
	for _, k := range sortedKeys(virtualServices) {
		vs := virtualServices[k]
		f := &VirtualServiceFact{Ref: Ref{Kind: "VirtualService", Namespace: vs.Namespace, Name: vs.Name},
			Hosts: vs.Spec.Hosts, Gateways: vs.Spec.Gateways, GatewaysKnown: gatewaysKnown}
		if f.Hosts == nil {
			f.Hosts = []string{}
		}
		if f.Gateways == nil {
			f.Gateways = []string{}
		}
		f.BoundToMesh = len(vs.Spec.Gateways) == 0
		f.Keys = []string{"vs:" + k}
		for _, g := range vs.Spec.Gateways {
			if g == "mesh" {
				f.BoundToMesh = true
				continue
			}
			gk := gatewayRefKey(g, vs.Namespace)
			if _, ok := gateways[gk]; !ok {
				f.MissingGateways = append(f.MissingGateways, g)
			}
		}
		for _, h := range vs.Spec.Hosts {
			if !strings.HasPrefix(h, "*") {
				f.Keys = append(f.Keys, "authority:"+h)
			}
		}
		for _, sf := range nr {
			for _, h := range vs.Spec.Hosts {
				if hostMatches(h, stripPort(sf.Authority)) {
					f.NRCount += sf.Count
				}
			}
		}
		f.Evidence = []Evidence{{Kind: "Object", Ref: f.Ref.String(), Text: fmt.Sprintf("hosts %s; gateways %s", strings.Join(f.Hosts, ", "), orNone(strings.Join(f.Gateways, ", ")))}}
		b.facts.VirtualServices = append(b.facts.VirtualServices, f)
	}
}

func (b *builder) buildNodes() {
	stranded := map[string][]*ServiceFact{}
	for _, sf := range b.facts.Services {
		if sf.NoReadyBackends && sf.AllPodsOnNotReadyNodes {
			for _, nn := range sf.NotReadyNodes {
				stranded[nn] = append(stranded[nn], sf)
			}
		}
	}
	podsOn := map[string]int{}
	for _, p := range kinds.Pods.In(b.s) {
		if !podTerminal(p) && p.Spec.NodeName != "" {
			podsOn[p.Spec.NodeName]++
		}
	}
	nodes := kinds.Nodes.In(b.s)
	for _, name := range sortedKeys(nodes) {
		n := nodes[name]
		f := &NodeFact{Ref: Ref{Kind: "Node", Name: name}, Ready: nodeReady(n), Taints: []string{}, StrandedServices: []Ref{}}
		for _, t := range n.Spec.Taints {
			f.Taints = append(f.Taints, t.Key+":"+string(t.Effect))
		}
		f.Keys = []string{"node:" + name}
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady {
				f.Evidence = append(f.Evidence, Evidence{Kind: "Condition", Ref: "Node " + name,
					Text: fmt.Sprintf("Ready=%s %s: %s (since %s)", c.Status, c.Reason, c.Message, c.LastTransitionTime.UTC().Format("2006-01-02T15:04:05Z"))})
			}
		}
		if len(f.Taints) > 0 {
			f.Evidence = append(f.Evidence, Evidence{Kind: "Object", Ref: "Node " + name, Text: "taints: " + strings.Join(f.Taints, ", ")})
		}
		for _, sf := range stranded[name] {
			f.StrandedServices = append(f.StrandedServices, sf.Ref)
			f.Keys = append(f.Keys, "svc:"+key(sf.Namespace, sf.Name))
		}
		f.Pods = podsOn[name]
		b.facts.Nodes = append(b.facts.Nodes, f)
	}
}

func (b *builder) buildUpstreams(admin map[Ref][]envoyadmin.Cluster) {
	proxies := make([]Ref, 0, len(admin))
	for r := range admin {
		proxies = append(proxies, r)
	}
	sort.Slice(proxies, func(i, j int) bool { return proxies[i].String() < proxies[j].String() })
	for _, pr := range proxies {
		for _, c := range admin[pr] {
			ec, istio := parseEnvoyCluster(c.Name)
			if istio && ec.direction != "outbound" {
				continue
			}
			f := &UpstreamFact{Proxy: pr, Name: c.Name, Subset: ec.subset, Hosts: len(c.Hosts)}
			// The proxy's own failure lines often do not name the cluster
			// (Envoy's default format has none), so the proxy is a key too.
			f.Keys = []string{"pod:" + pr.Namespace + "/" + pr.Name}
			var svc *corev1.Service
			var fq string
			if istio {
				svc, fq = b.ix.serviceForHost(ec.host, pr.Namespace)
			} else if svc = b.upstreamNames[c.Name]; svc != nil {
				fq = svc.Name + "." + svc.Namespace + ".svc.cluster.local"
			}
			f.FQDN = fq
			if fq != "" {
				f.Keys = append(f.Keys, "host:"+fq)
			}
			if svc != nil {
				f.Service = Ref{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name}
				f.ServiceFound = true
				f.Keys = append(f.Keys, "svc:"+key(svc.Namespace, svc.Name))
				if ec.subset != "" {
					f.Keys = append(f.Keys, "subset:"+key(svc.Namespace, svc.Name)+"/"+ec.subset)
				}
			}
			var ej, hc []string
			for _, h := range c.Hosts {
				if h.Healthy() {
					f.Healthy++
				}
				if h.FailedOutlierCheck {
					f.OutlierEjected++
					ej = append(ej, h.Address)
				}
				if h.FailedActiveHC || h.ActiveHCTimeout {
					f.ActiveHCFailed++
					hc = append(hc, h.Address)
				}
				if h.FailedEDSHealth {
					f.EDSUnhealthy++
				}
			}
			if drs := b.drByFQDN[fq]; len(drs) > 0 {
				f.DestinationRule = Ref{Kind: "DestinationRule", Namespace: drs[0].Namespace, Name: drs[0].Name}
			}
			ref := "proxy/" + pr.Namespace + "/" + pr.Name + "/clusters"
			if len(ej) > 0 {
				f.Evidence = append(f.Evidence, Evidence{Kind: "ProxyAdmin", Ref: ref, Text: fmt.Sprintf("%s: %d of %d host(s) /failed_outlier_check: %s", c.Name, len(ej), len(c.Hosts), strings.Join(firstN(ej, 5), ", "))})
			}
			if len(hc) > 0 {
				f.Evidence = append(f.Evidence, Evidence{Kind: "ProxyAdmin", Ref: ref, Text: fmt.Sprintf("%s: %d of %d host(s) /failed_active_hc: %s", c.Name, len(hc), len(c.Hosts), strings.Join(firstN(hc, 5), ", "))})
			}
			if len(ej) == 0 && len(hc) == 0 {
				f.Evidence = append(f.Evidence, Evidence{Kind: "ProxyAdmin", Ref: ref, Text: fmt.Sprintf("%s: %d host(s), %d healthy", c.Name, len(c.Hosts), f.Healthy)})
			}
			for _, d := range b.drFacts[fq] {
				d.AdminHosts += f.Hosts
				d.AdminEjectedHosts += f.OutlierEjected
				d.AdminActiveHCFailed += f.ActiveHCFailed
				d.Evidence = append(d.Evidence, f.Evidence...)
			}
			b.facts.Upstreams = append(b.facts.Upstreams, f)
		}
	}
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// indexAdminClusters names non-Istio Envoy clusters after the Service their
// hosts belong to (by address or hostname), so access lines that name such
// a cluster resolve to it.
func (b *builder) indexAdminClusters(admin map[Ref][]envoyadmin.Cluster) {
	for _, cs := range admin {
		for _, c := range cs {
			if _, istio := parseEnvoyCluster(c.Name); istio {
				continue
			}
			if _, known := b.upstreamNames[c.Name]; known {
				continue
			}
			for _, h := range c.Hosts {
				svc := b.serviceForAddress(h.Address)
				if svc == nil && h.Hostname != "" {
					svc = b.serviceForAddress(h.Hostname)
				}
				if svc != nil {
					b.upstreamNames[c.Name] = svc
					break
				}
			}
		}
	}
}
