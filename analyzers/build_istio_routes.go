package analyzers

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/nohealthy/nohealthy/internal/editdist"
	"github.com/nohealthy/nohealthy/kinds"
)

// indexGatewayPods finds the pods each Istio Gateway applies to, as pilot
// merges gateways for a gateway proxy (pilot/pkg/model/push_context.go
// mergeGateways): a Gateway without a selector applies to every gateway
// proxy; a selector matches gateway pods in any namespace, or only in the
// Gateway's own when istiod runs with PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true
// (pilot/pkg/features/pilot.go).
func (b *builder) indexGatewayPods() {
	b.gwPods = map[string][]*corev1.Pod{}
	gateways := kinds.IstioGateways.In(b.s)
	var gatewayRole []*corev1.Pod
	for _, p := range b.ix.pods {
		if podTerminal(p) {
			continue
		}
		if w := b.workloadByRef[b.ix.owner[p]]; (w != nil && w.Role == "gateway") || roleOf(p.Namespace, p.Name, p.Labels) == "gateway" {
			gatewayRole = append(gatewayRole, p)
		}
	}
	for _, k := range sortedKeys(gateways) {
		g := gateways[k]
		scoped := b.mesh.scopeGatewayToNamespace
		var pods []*corev1.Pod
		switch {
		case len(g.Spec.Selector) == 0:
			for _, p := range gatewayRole {
				if !scoped || p.Namespace == g.Namespace {
					pods = append(pods, p)
				}
			}
		case scoped:
			pods = b.ix.selectPods(g.Namespace, g.Spec.Selector)
		default:
			for _, ns := range sortedKeys(b.ix.podsByNS) {
				pods = append(pods, b.ix.selectPods(ns, g.Spec.Selector)...)
			}
		}
		b.gwPods[k] = pods
	}
}

// gatewayRefKey turns a VirtualService's gateway reference into "ns/name"
// as pilot resolves it (pilot/pkg/model/config.go resolveGatewayName):
// "ns/name", "./name" (the VirtualService's namespace), a short name (the
// same), or the legacy FQDN form name.ns[.svc.cluster.local]. "mesh" is "".
func gatewayRefKey(ref, vsNS string) string {
	if ref == "mesh" {
		return ""
	}
	if ns, name, ok := strings.Cut(ref, "/"); ok {
		if ns == "." {
			return vsNS + "/" + name
		}
		return ref
	}
	name, rest, ok := strings.Cut(ref, ".")
	if !ok {
		return vsNS + "/" + ref
	}
	ns, _, _ := strings.Cut(rest, ".")
	return ns + "/" + name
}

// gatewayHostsFor lists the server hosts of Gateway g that a
// VirtualService of namespace vsNS may bind to: "./host" is the Gateway's
// namespace, "*/host" any, "ns/host" that namespace only, an unqualified
// host any (pilot/pkg/model/gateway.go sanitizeServerHostNamespace,
// pkg/config/host/names.go NamesForNamespace).
func gatewayHostsFor(g *kinds.IstioGateway, vsNS string) []string {
	var out []string
	for _, srv := range g.Spec.Servers {
		out = append(out, serverHostsFor(g.Namespace, srv.Hosts, vsNS)...)
	}
	return out
}

// serverHostsFor is gatewayHostsFor for the hosts of one server of a
// Gateway in namespace gwNS.
func serverHostsFor(gwNS string, hosts []string, vsNS string) []string {
	var out []string
	for _, h := range hosts {
		ns, name, qualified := strings.Cut(h, "/")
		if !qualified {
			out = append(out, h)
			continue
		}
		if ns == "." {
			ns = gwNS
		}
		if ns == "*" || ns == vsNS {
			out = append(out, name)
		}
	}
	return out
}

// vsMatchesGateway: some host of the VirtualService overlaps some server
// host the Gateway offers its namespace (pkg/config/analysis/analyzers/
// virtualservice/gateways.go vsHostInGateway; pilot builds virtual hosts
// from the same intersection, pilot/pkg/networking/core/gateway.go).
func vsMatchesGateway(g *kinds.IstioGateway, vs *kinds.VirtualService) bool {
	for _, gh := range gatewayHostsFor(g, vs.Namespace) {
		for _, vh := range vs.Spec.Hosts {
			if hostsOverlap(gh, vh) {
				return true
			}
		}
	}
	return false
}

// vsMatchesKubeGateway: a VirtualService may name a Gateway API Gateway in
// spec.gateways; it is routed there when some host of it matches a
// listener's hostname, and a listener without hostname takes every host
// (pkg/config/analysis/analyzers/virtualservice/gateways.go
// vsHostInKubernetesGateway). It returns the listener hostnames.
func vsMatchesKubeGateway(g *kinds.Gateway, vs *kinds.VirtualService) ([]string, bool) {
	var hosts []string
	for _, l := range g.Spec.Listeners {
		if l.Hostname == nil || *l.Hostname == "" {
			return nil, true
		}
		hosts = append(hosts, *l.Hostname)
		for _, vh := range vs.Spec.Hosts {
			if hostsOverlap(*l.Hostname, vh) {
				return nil, true
			}
		}
	}
	return hosts, false
}

// vsExport is the VirtualService's exportTo, or the mesh default.
func (b *builder) vsExport(vs *kinds.VirtualService) exportSet {
	if len(vs.Spec.ExportTo) > 0 {
		return parseExportTo(vs.Spec.ExportTo, "exportTo "+exportText(vs.Spec.ExportTo))
	}
	return parseExportTo(b.mesh.virtualServiceExportTo, "mesh default defaultVirtualServiceExportTo "+exportText(b.mesh.virtualServiceExportTo))
}

// podNamespaces lists the namespaces of pods, sorted.
func podNamespaces(pods []*corev1.Pod) []string {
	set := map[string]bool{}
	for _, p := range pods {
		set[p.Namespace] = true
	}
	return sortedSet(set)
}

// routeNamespaces are the namespaces of the proxies that run a
// VirtualService's routes: the namespaces of the pods of the Gateways it
// binds to, and its own for the sidecars of the mesh (bound to "mesh" or
// to no gateway). DestinationRules are looked up from there.
func (b *builder) routeNamespaces(vs *kinds.VirtualService) []string {
	set := map[string]bool{}
	mesh := len(vs.Spec.Gateways) == 0
	for _, g := range vs.Spec.Gateways {
		if g == "mesh" {
			mesh = true
			continue
		}
		for _, ns := range podNamespaces(b.gwPods[gatewayRefKey(g, vs.Namespace)]) {
			set[ns] = true
		}
	}
	if mesh || len(set) == 0 {
		set[vs.Namespace] = true
	}
	return sortedSet(set)
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
		// The namespaces a destination host must be visible from: those
		// whose proxies take the VirtualService, its own when it sets no
		// exportTo, else the namespaces it is exported to ("." its own,
		// "*" any: its own stands for them) (pkg/config/analysis/analyzers/
		// util/service_lookup.go GetDestinationHost).
		from := []string{}
		for _, e := range vs.Spec.ExportTo {
			switch e {
			case "~":
			case ".", "*":
				if !slices.Contains(from, vs.Namespace) {
					from = append(from, vs.Namespace)
				}
			default:
				if !slices.Contains(from, e) {
					from = append(from, e)
				}
			}
		}
		if len(from) == 0 {
			from = []string{vs.Namespace}
		}
		proxies := b.routeNamespaces(vs)
		// The sidecars of those namespaces run its mesh routes; a Sidecar
		// can keep them from a destination, never a gateway.
		mesh := len(vs.Spec.Gateways) == 0 || slices.Contains(vs.Spec.Gateways, "mesh")
		seen := map[string]bool{}
		for _, d := range dests {
			h, sub, port := d.Destination.Host, d.Destination.Subset, d.Destination.Port.Number
			id := fmt.Sprintf("%s|%s|%d", h, sub, port)
			if h == "" || seen[id] {
				continue
			}
			seen[id] = true
			fq := istioFQDN(h, vs.Namespace)
			f := &RouteFact{VirtualService: vref, Host: h, FQDN: fq, Subset: sub, Port: port, Gateways: vs.Spec.Gateways}
			if f.Gateways == nil {
				f.Gateways = []string{}
			}
			f.Keys = []string{"host:" + fq}
			visible, hidden := b.hostIndex().lookup(fq, from)
			var svc *corev1.Service
			sidecarHidden := false
			if visible != nil {
				svc = visible.svc
				f.ServiceEntryFound = visible.svc == nil
				if sc, why := b.sidecarHides(vs, from, visible, fq, mesh); why != "" {
					sidecarHidden = true
					f.Sidecar = sc
					f.HostHidden = true
					f.VisibilityText = why
				}
			} else if len(hidden) > 0 {
				f.HostHidden = true
				f.VisibilityText = hiddenText(hidden, from)
				svc = hidden[0].svc
			}
			if svc != nil {
				f.Service = Ref{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name}
				f.ServiceFound = visible != nil
				f.Keys = append(f.Keys, "svc:"+key(svc.Namespace, svc.Name))
				if sub != "" {
					f.Keys = append(f.Keys, "subset:"+key(svc.Namespace, svc.Name)+"/"+sub)
				}
			} else if sub != "" {
				f.Keys = append(f.Keys, "subset:?/"+fq+"/"+sub)
			}
			f.HostKnown = visible != nil && !sidecarHidden
			f.ServicePorts = []int{}
			if svc != nil && f.ServiceFound {
				for _, sp := range svc.Spec.Ports {
					f.ServicePorts = append(f.ServicePorts, int(sp.Port))
				}
				f.PortMissing = port != 0 && !slices.Contains(f.ServicePorts, int(port))
			}
			svcNS := ""
			if svc != nil {
				svcNS = svc.Namespace
			}
			b.routeSubsets(f, fq, svcNS, proxies)
			if !f.HostKnown && !f.HostHidden {
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
			if !f.HostKnown || !f.SubsetDefined || f.PortMissing {
				// Envoy logs no cluster for NC: the request's host is what
				// ties it to this VirtualService's routes.
				f.Keys = append(f.Keys, b.noClusterSymptoms(vs)...)
			}
			f.Evidence = []Evidence{{Kind: "Object", Ref: vref.String(), Text: routeText(f)}}
			b.facts.Routes = append(b.facts.Routes, f)
		}
	}
}

// routeSubsets decides whether the route's subset is defined where it
// runs: for each proxy namespace, the DestinationRules pilot applies there
// (destinationRulesFor) must define it. A subset defined only by a rule
// those proxies do not see, or hidden by a more specific rule of their
// own namespace, is undefined for them: Envoy has no cluster for it (NC).
func (b *builder) routeSubsets(f *RouteFact, fq, svcNS string, proxies []string) {
	defines := func(drs []*drEntry, subset string) bool {
		for _, e := range drs {
			for _, ss := range e.dr.Spec.Subsets {
				if ss.Name == subset {
					return true
				}
			}
		}
		return false
	}
	var missing []string
	var where map[string][]string // message -> proxy namespaces
	for i, pns := range proxies {
		drs := b.destinationRulesFor(fq, pns, svcNS)
		if i == 0 {
			if len(drs) > 0 {
				f.DestinationRule = Ref{Kind: "DestinationRule", Namespace: drs[0].dr.Namespace, Name: drs[0].dr.Name}
				f.DRFound = true
			}
			f.DefinedSubsets = subsetNames(drs)
		}
		if f.Subset == "" || defines(drs, f.Subset) {
			continue
		}
		// Undefined here: say which rules the proxies apply, or why none.
		var msg string
		switch {
		case len(drs) == 0 && (defines(b.drsByHost[fq], f.Subset) || defines(b.wildDRsFor(fq), f.Subset)):
			msg = fmt.Sprintf("apply no DestinationRule for %s: the rules defining subset %s are not exported to them", fq, f.Subset)
		case len(drs) == 0:
			msg = fmt.Sprintf("apply no DestinationRule for %s", fq)
		default:
			names := make([]string, len(drs))
			for j, e := range drs {
				names[j] = e.dr.Namespace + "/" + e.dr.Name
			}
			msg = fmt.Sprintf("apply DestinationRule %s, which defines [%s]", strings.Join(names, ", "), strings.Join(subsetNames(drs), ", "))
		}
		if where == nil {
			where = map[string][]string{}
		}
		if where[msg] == nil {
			missing = append(missing, msg)
		}
		where[msg] = append(where[msg], pns)
	}
	for i, msg := range missing {
		missing[i] = "proxies in " + strings.Join(where[msg], ", ") + " " + msg
	}
	f.SubsetDefined = len(missing) == 0
	f.SubsetText = strings.Join(missing, "; ")
}

// subsetNames lists the subsets the rules define, sorted, once each.
func subsetNames(drs []*drEntry) []string {
	out := []string{}
	for _, e := range drs {
		for _, ss := range e.dr.Spec.Subsets {
			out = append(out, ss.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// noClusterSymptoms are the keys (symptom:<id>) of the NC failures whose
// request host is one of the VirtualService's: a route to a host or subset
// that has no cluster ends there, and the line names no cluster.
func (b *builder) noClusterSymptoms(vs *kinds.VirtualService) []string {
	if b.noCluster == nil {
		b.noCluster = []*SymptomFact{}
		for _, sf := range b.facts.Symptoms {
			if sf.Kind == "NC" && sf.Authority != "" {
				b.noCluster = append(b.noCluster, sf)
			}
		}
	}
	var out []string
	for _, sf := range b.noCluster {
		host := stripPort(sf.Authority)
		for _, h := range vs.Spec.Hosts {
			if hostMatches(h, host) || (!strings.HasPrefix(h, "*") && istioFQDN(h, vs.Namespace) == dnsFQDN(host, sf.Reporter.Namespace)) {
				out = append(out, "symptom:"+sf.ID)
				break
			}
		}
	}
	return out
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
	case f.HostHidden:
		t += "; " + f.VisibilityText
	case !f.HostKnown:
		t += "; no Service or ServiceEntry has this host"
	case f.PortMissing:
		t += fmt.Sprintf("; Service %s/%s exposes port(s) %v, not %d", f.Service.Namespace, f.Service.Name, f.ServicePorts, f.Port)
	case !f.SubsetDefined:
		t += "; " + f.SubsetText
	}
	return t
}

// nearestService names a Service whose short name is close to an unknown host's first label.
func (b *builder) nearestService(host, ns string) string {
	short := strings.SplitN(host, ".", 2)[0]
	best, bestD := "", 3
	for _, svc := range inKeyOrder(kinds.Services.In(b.s)) {
		if d := editdist.Levenshtein(short, svc.Name); d < bestD && d <= 2 {
			best, bestD = svc.Name+"."+svc.Namespace, d
		}
	}
	return best
}

func (b *builder) buildGateways() {
	s := b.s
	gateways, virtualServices := kinds.IstioGateways.In(s), kinds.VirtualServices.In(s)
	for _, k := range sortedKeys(gateways) {
		g := gateways[k]
		f := &GatewayFact{Ref: Ref{Kind: "Gateway", Namespace: g.Namespace, Name: g.Name},
			Selector: g.Spec.Selector, SelectorText: selectorText(g.Spec.Selector)}
		if f.Selector == nil {
			f.Selector = map[string]string{}
		}
		f.Keys = []string{"gw:" + k}
		pods := b.gwPods[k]
		for _, p := range pods {
			f.MatchingPods++
			if podReady(p) {
				f.ReadyPods++
			}
			f.Keys = append(f.Keys, "pod:"+key(p.Namespace, p.Name))
		}
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
		// A server host is routed when a VirtualService bound to the
		// Gateway, from a namespace the host admits, covers it.
		for _, srv := range g.Spec.Servers {
			for _, h := range srv.Hosts {
				name := h
				if i := strings.IndexByte(h, '/'); i >= 0 {
					name = h[i+1:]
				}
				covered := false
				for _, vs := range bound {
					for _, gh := range serverHostsFor(g.Namespace, []string{h}, vs.Namespace) {
						for _, vh := range vs.Spec.Hosts {
							covered = covered || hostsOverlap(gh, vh)
						}
					}
				}
				if !covered && !slices.Contains(f.UnroutedHosts, name) {
					f.UnroutedHosts = append(f.UnroutedHosts, name)
				}
			}
		}
		for _, h := range f.Hosts {
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
		sort.Strings(f.UnroutedHosts)
		scope := ""
		if b.mesh.scopeGatewayToNamespace {
			scope = fmt.Sprintf(" in namespace %s (istiod runs with %s=true)", g.Namespace, kinds.EnvScopeGatewayToNamespace)
		}
		f.Evidence = []Evidence{{Kind: "Object", Ref: f.Ref.String(), Text: fmt.Sprintf("selector %s matches %d pod(s)%s (%d ready); hosts %s; bound VirtualServices: %s",
			orNone(f.SelectorText), f.MatchingPods, scope, f.ReadyPods, strings.Join(f.Hosts, ", "), orNone(strings.Join(f.BoundVirtualServices, ", ")))}}
		b.facts.Gateways = append(b.facts.Gateways, f)
	}
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
	virtualServices, gateways, kubeGateways := kinds.VirtualServices.In(s), kinds.IstioGateways.In(s), kinds.Gateways.In(s)
	for _, k := range sortedKeys(virtualServices) {
		vs := virtualServices[k]
		f := &VirtualServiceFact{Ref: Ref{Kind: "VirtualService", Namespace: vs.Namespace, Name: vs.Name},
			Hosts: vs.Spec.Hosts, Gateways: vs.Spec.Gateways, GatewaysKnown: gatewaysKnown, UnboundGateways: []string{}}
		if f.Hosts == nil {
			f.Hosts = []string{}
		}
		if f.Gateways == nil {
			f.Gateways = []string{}
		}
		f.BoundToMesh = len(vs.Spec.Gateways) == 0
		f.Keys = []string{"vs:" + k}
		export := b.vsExport(vs)
		for _, g := range vs.Spec.Gateways {
			if g == "mesh" {
				f.BoundToMesh = true
				continue
			}
			gk := gatewayRefKey(g, vs.Namespace)
			gw, ok := gateways[gk]
			if !ok {
				if kg, ok := kubeGateways[gk]; ok {
					if hosts, ok := vsMatchesKubeGateway(kg, vs); !ok {
						f.UnboundGateways = append(f.UnboundGateways, fmt.Sprintf("Gateway API Gateway %s takes none of its hosts [%s]: its listener hostnames are [%s]",
							gk, strings.Join(vs.Spec.Hosts, ", "), strings.Join(hosts, ", ")))
						f.Keys = append(f.Keys, "gw:"+gk)
					}
					continue
				}
				f.MissingGateways = append(f.MissingGateways, g)
				continue
			}
			if !vsMatchesGateway(gw, vs) {
				var all []string
				for _, srv := range gw.Spec.Servers {
					all = append(all, srv.Hosts...)
				}
				f.UnboundGateways = append(f.UnboundGateways, fmt.Sprintf("Gateway %s takes none of its hosts [%s] from namespace %s: its server hosts are [%s]",
					gk, strings.Join(vs.Spec.Hosts, ", "), vs.Namespace, strings.Join(all, ", ")))
				f.Keys = append(f.Keys, "gw:"+gk)
				continue
			}
			// The Gateway's proxies see the VirtualService only if it is
			// exported to their namespace (push_context.go
			// VirtualServicesForGateway).
			var hidden []string
			pns := podNamespaces(b.gwPods[gk])
			for _, ns := range pns {
				if !export.visible(vs.Namespace, ns) {
					hidden = append(hidden, ns)
				}
			}
			if len(pns) > 0 && len(hidden) == len(pns) {
				f.UnboundGateways = append(f.UnboundGateways, fmt.Sprintf("the pods of Gateway %s run in %s, to which it is not exported (%s)",
					gk, strings.Join(hidden, ", "), export.text))
				f.Keys = append(f.Keys, "gw:"+gk)
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
		for _, u := range f.UnboundGateways {
			f.Evidence = append(f.Evidence, Evidence{Kind: "Object", Ref: f.Ref.String(), Text: u})
		}
		b.facts.VirtualServices = append(b.facts.VirtualServices, f)
	}
}
