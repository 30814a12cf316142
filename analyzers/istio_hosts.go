package analyzers

import (
	"net"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/nohealthy/nohealthy/kinds"
)

// Hosts and visibility as pilot resolves them: the names Istio
// configuration uses for services, who may see a service or a
// configuration object (exportTo), and which DestinationRule a proxy
// applies to a host.

// clusterDomain is the Kubernetes cluster domain pilot appends to short
// names (its --domain, cluster.local unless a cluster is set up otherwise).
const clusterDomain = "cluster.local"

// istioFQDN resolves a host of Istio configuration as pilot does
// (pilot/pkg/model/config.go ResolveShortnameToFQDN): a name without a dot
// is a Service in ns, name.ns.svc.cluster.local; anything with a dot, an
// IP or "*" is taken as written. So "reviews" in shop is
// reviews.shop.svc.cluster.local, but "reviews.shop" stays "reviews.shop",
// which no Service is called (the Kubernetes DNS search path does not
// apply to Istio hosts).
func istioFQDN(host, ns string) string {
	host = strings.ToLower(host)
	if host == "" || ns == "" || strings.Contains(host, ".") || strings.HasPrefix(host, "*") || net.ParseIP(host) != nil {
		return host
	}
	return host + "." + ns + ".svc." + clusterDomain
}

// dnsFQDN expands a name the way the Kubernetes DNS search path of a pod
// in ns does: "reviews" is reviews.ns.svc.cluster.local, "reviews.shop"
// and "reviews.shop.svc" are completed likewise. It is for addresses a
// proxy outside the mesh resolves (nginx, HAProxy configurations).
func dnsFQDN(host, ns string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" || strings.HasPrefix(host, "*") {
		return host
	}
	switch dots := strings.Count(host, "."); {
	case dots == 0 && ns != "":
		return host + "." + ns + ".svc." + clusterDomain
	case dots == 1:
		return host + ".svc." + clusterDomain
	case dots == 2 && strings.HasSuffix(host, ".svc"):
		return host + "." + clusterDomain
	}
	return host
}

// hostMatches reports whether pattern covers host, one way: host is the
// pattern or a subdomain of its "*." wildcard; "*" covers everything
// (pkg/config/host/name.go SubsetOf). "*.foo.com" does not cover foo.com.
func hostMatches(pattern, host string) bool {
	pattern = strings.ToLower(pattern)
	host = strings.ToLower(host)
	if pattern == host || pattern == "*" {
		return true
	}
	if strings.HasPrefix(pattern, "*") {
		if strings.HasPrefix(host, "*") { // both wildcards: host no wider than pattern
			return len(host) >= len(pattern) && strings.HasSuffix(host[1:], pattern[1:])
		}
		return strings.HasSuffix(host, pattern[1:])
	}
	return false
}

// hostsOverlap reports whether two (possibly wildcard) names overlap, either
// covering the other (pkg/config/host/name.go Matches).
func hostsOverlap(a, b string) bool { return hostMatches(a, b) || hostMatches(b, a) }

// exportSet is a parsed exportTo list (pkg/config/visibility): "*" every
// namespace, "." the owner's, "~" none, else namespace names.
type exportSet struct {
	all, private, none bool
	ns                 map[string]bool
	// text is how the report shows it: the list and where it came from.
	text string
}

func parseExportTo(list []string, text string) exportSet {
	e := exportSet{text: text}
	for _, x := range list {
		switch x = strings.TrimSpace(x); x {
		case "*":
			e.all = true
		case ".":
			e.private = true
		case "~":
			e.none = true
		case "":
		default:
			if e.ns == nil {
				e.ns = map[string]bool{}
			}
			e.ns[x] = true
		}
	}
	return e
}

// visible reports whether an object of namespace owner exported as e can
// be seen from namespace ns (pilot/pkg/model/push_context.go
// IsServiceVisible: "*" wins, then "~" hides, then "." and names).
func (e exportSet) visible(owner, ns string) bool {
	if e.all {
		return true
	}
	if e.none {
		return false
	}
	return (e.private && owner == ns) || e.ns[ns]
}

// privateOnly: seen from its own namespace alone.
func (e exportSet) privateOnly(owner string) bool {
	if e.all || e.none {
		return false
	}
	for n := range e.ns {
		if n != owner {
			return false
		}
	}
	return e.private || e.ns[owner]
}

func exportText(list []string) string { return "[" + strings.Join(list, ", ") + "]" }

// exportToAnnotation is the Service annotation pilot reads for a
// Service's exportTo (istio.io/api annotation networking.istio.io/exportTo).
const exportToAnnotation = "networking.istio.io/exportTo"

// meshHost is one name of the service registry: a Kubernetes Service or a
// ServiceEntry host.
type meshHost struct {
	name   string // FQDN, or a "*." wildcard
	owner  string // namespace of the defining object
	ref    Ref
	svc    *corev1.Service // nil for a ServiceEntry
	export exportSet
	// ports are the port numbers the Service or ServiceEntry exposes: a
	// Sidecar egress listener with a port imports it only on that port.
	ports []int
}

// hostIndex is the service registry with its visibility.
type hostIndex struct {
	exact map[string][]*meshHost
	wild  []*meshHost
}

// hostIndex returns the service registry, built on first use (only routes
// of VirtualServices look hosts up).
func (b *builder) hostIndex() *hostIndex {
	if b.hosts == nil {
		b.buildHostIndex()
	}
	return b.hosts
}

// buildHostIndex lists every Service (name.ns.svc.cluster.local, exportTo
// from its annotation, else the mesh default) and every ServiceEntry host
// (short names in the entry's namespace; spec.exportTo, else the mesh
// default), as pilot's service registries do.
func (b *builder) buildHostIndex() {
	hi := &hostIndex{exact: map[string][]*meshHost{}}
	add := func(h *meshHost) {
		if strings.HasPrefix(h.name, "*") {
			hi.wild = append(hi.wild, h)
			return
		}
		hi.exact[h.name] = append(hi.exact[h.name], h)
	}
	def := b.mesh.serviceExportTo
	defText := "mesh default defaultServiceExportTo " + exportText(def)
	if b.mesh.source != "" {
		defText += " (" + b.mesh.source + ")"
	}
	for _, svc := range inKeyOrder(kinds.Services.In(b.s)) {
		e := parseExportTo(def, defText)
		if a, ok := svc.Annotations[exportToAnnotation]; ok && strings.TrimSpace(a) != "" {
			e = parseExportTo(strings.Split(a, ","), exportToAnnotation+": "+a)
		}
		ports := make([]int, len(svc.Spec.Ports))
		for i, sp := range svc.Spec.Ports {
			ports[i] = int(sp.Port)
		}
		add(&meshHost{name: svc.Name + "." + svc.Namespace + ".svc." + clusterDomain, owner: svc.Namespace,
			ref: Ref{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name}, svc: svc, export: e, ports: ports})
	}
	for _, se := range inKeyOrder(kinds.ServiceEntries.In(b.s)) {
		e := parseExportTo(def, defText)
		if len(se.Spec.ExportTo) > 0 {
			e = parseExportTo(se.Spec.ExportTo, "exportTo "+exportText(se.Spec.ExportTo))
		}
		ports := make([]int, len(se.Spec.Ports))
		for i, sp := range se.Spec.Ports {
			ports[i] = sp.Number
		}
		for _, h := range se.Spec.Hosts {
			add(&meshHost{name: istioFQDN(h, se.Namespace), owner: se.Namespace,
				ref: Ref{Kind: "ServiceEntry", Namespace: se.Namespace, Name: se.Name}, export: e, ports: ports})
		}
	}
	b.hosts = hi
}

// lookup finds the registry entries for fq seen from any of the
// namespaces from: the first visible one (exact names before wildcards,
// the longest wildcard first), and the entries that exist but none of
// those namespaces may see.
func (hi *hostIndex) lookup(fq string, from []string) (visible *meshHost, hidden []*meshHost) {
	seen := func(h *meshHost) bool {
		for _, ns := range from {
			if h.export.visible(h.owner, ns) {
				return true
			}
		}
		return false
	}
	for _, h := range hi.exact[fq] {
		if seen(h) {
			if visible == nil {
				visible = h
			}
		} else {
			hidden = append(hidden, h)
		}
	}
	if visible != nil {
		return visible, nil
	}
	var wild []*meshHost
	for _, h := range hi.wild {
		if hostMatches(h.name, fq) {
			wild = append(wild, h)
		}
	}
	sort.SliceStable(wild, func(i, j int) bool { return len(wild[i].name) > len(wild[j].name) })
	for _, h := range wild {
		if seen(h) {
			return h, nil
		}
		hidden = append(hidden, h)
	}
	return nil, hidden
}

// hiddenText says why entries exist but cannot be seen from ns.
func hiddenText(hidden []*meshHost, from []string) string {
	var parts []string
	for _, h := range hidden {
		parts = append(parts, h.ref.String()+" ("+h.name+") is exported with "+h.export.text)
	}
	return strings.Join(parts, "; ") + ", not to namespace " + strings.Join(from, ", ")
}

// DestinationRules as a proxy applies them.

// drEntry is one DestinationRule with its resolved host and visibility.
type drEntry struct {
	dr     *kinds.DestinationRule
	host   string // FQDN or wildcard, resolved in the rule's namespace
	export exportSet
	// private: pilot keeps it for proxies of its own namespace only
	// (exportTo "." or its own name, a workloadSelector, or no exportTo
	// while the mesh default is ".").
	private bool
}

func (b *builder) indexDestinationRules() {
	b.drsByNS = map[string][]*drEntry{}
	b.drsByHost = map[string][]*drEntry{}
	def := b.mesh.destinationRuleExportTo
	defPrivate := false
	for _, x := range def {
		defPrivate = defPrivate || x == "."
	}
	for _, dr := range inKeyOrder(kinds.DestinationRules.In(b.s)) {
		e := &drEntry{dr: dr, host: istioFQDN(dr.Spec.Host, dr.Namespace)}
		switch {
		case dr.Spec.WorkloadSelector != nil:
			e.export = parseExportTo([]string{"."}, "a workloadSelector (never exported)")
		case len(dr.Spec.ExportTo) > 0:
			e.export = parseExportTo(dr.Spec.ExportTo, "exportTo "+exportText(dr.Spec.ExportTo))
		default:
			e.export = parseExportTo([]string{"*"}, "no exportTo")
		}
		e.private = e.export.privateOnly(dr.Namespace) || (len(dr.Spec.ExportTo) == 0 && dr.Spec.WorkloadSelector == nil && defPrivate)
		if len(dr.Spec.ExportTo) == 0 && defPrivate {
			e.export.text = "no exportTo, mesh default defaultDestinationRuleExportTo " + exportText(def)
		}
		b.drsByNS[dr.Namespace] = append(b.drsByNS[dr.Namespace], e)
		if strings.HasPrefix(e.host, "*") {
			b.drsWild = append(b.drsWild, e)
		} else {
			b.drsByHost[e.host] = append(b.drsByHost[e.host], e)
		}
	}
}

// destinationRulesFor returns the DestinationRules a proxy in proxyNS
// applies to host fq of a Service in svcNS, as pilot picks them
// (pilot/pkg/model/push_context.go destinationRule): those of the proxy's
// own namespace (for a proxy in the root namespace, its private ones),
// else those svcNS exports to the proxy, else those the root namespace
// exports to it; in each, the most specific host wins (exact, then the
// longest wildcard), and rules of one namespace for that host merge.
func (b *builder) destinationRulesFor(fq, proxyNS, svcNS string) []*drEntry {
	root := b.mesh.rootNamespace
	local := func(e *drEntry) bool {
		if e.dr.Namespace != proxyNS {
			return false
		}
		if proxyNS == root {
			return e.private
		}
		return e.export.all || e.export.private || e.export.ns[proxyNS]
	}
	if m := b.mostSpecific(fq, local); len(m) > 0 {
		return m
	}
	exportedFrom := func(ns string) func(*drEntry) bool {
		return func(e *drEntry) bool {
			return e.dr.Namespace == ns && !e.private && (e.export.all || e.export.ns[proxyNS])
		}
	}
	if svcNS != "" {
		if m := b.mostSpecific(fq, exportedFrom(svcNS)); len(m) > 0 {
			return m
		}
	}
	return b.mostSpecific(fq, exportedFrom(root))
}

// wildDRsFor lists the rules whose wildcard host covers fq.
func (b *builder) wildDRsFor(fq string) []*drEntry {
	var out []*drEntry
	for _, e := range b.drsWild {
		if hostMatches(e.host, fq) {
			out = append(out, e)
		}
	}
	return out
}

// mostSpecific returns the rules keep accepts whose host is fq, else
// those of the longest wildcard covering fq (pilot/pkg/model/config.go
// MostSpecificHostMatch). Rules are looked up by host, so a call costs
// the rules of that host and the wildcard ones, not the namespace's.
func (b *builder) mostSpecific(fq string, keep func(*drEntry) bool) []*drEntry {
	var out []*drEntry
	for _, e := range b.drsByHost[fq] {
		if keep(e) {
			out = append(out, e)
		}
	}
	if len(out) > 0 {
		return out
	}
	best := ""
	for _, e := range b.drsWild {
		if !hostMatches(e.host, fq) || !keep(e) {
			continue
		}
		switch {
		case len(e.host) > len(best):
			best, out = e.host, append(out[:0], e)
		case e.host == best:
			out = append(out, e)
		}
	}
	return out
}
