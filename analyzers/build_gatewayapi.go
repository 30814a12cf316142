package analyzers

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nohealthy/nohealthy/kinds"
)

// gatewayImplementation is one Gateway API implementation: the
// controllerName its GatewayClasses carry and where it runs the proxy of
// a Gateway. It is the one table of implementations (the names their
// proxies give routes and upstreams are in gatewayapi_symptoms.go).
type gatewayImplementation struct {
	name, title string
	controllers []string
	// proxy returns the namespace ("" = any) and labels of the pods that
	// serve gw alone; shared, when set, labels pods that serve every
	// Gateway of the class (any namespace), which must run a container
	// named sharedContainer when that is set.
	proxy           func(gw *kinds.Gateway) (string, map[string]string)
	shared          []map[string]string
	sharedContainer string
	// backendKind says whether the controller resolves a backendRef of
	// group/kind (group "" is the core group): kindResolves,
	// kindInvalid (it writes ResolvedRefs=False InvalidKind), or
	// kindUnknown (an extension may add kinds). nil: only the
	// specification's rule (kindBySpec).
	backendKind func(group, kind string) kindVerdict
}

// kindVerdict is what an implementation makes of a backendRef's kind.
type kindVerdict int

const (
	kindUnknown kindVerdict = iota
	kindResolves
	kindInvalid
)

// kindBySpec judges a backendRef kind by the specification alone: a core
// Service resolves; another core-group kind is invalid, as the core group
// has no other kind a route forwards to (BackendObjectReference), unless a
// known implementation resolves it there (coreKindsTakenBySome); any
// other group may be an implementation's own kind.
func kindBySpec(group, kind string) kindVerdict {
	switch {
	case group == "" && kind == "Service":
		return kindResolves
	case group == "" && slices.Contains(coreKindsTakenBySome, kind):
		return kindUnknown
	case group == "":
		return kindInvalid
	}
	return kindUnknown
}

// coreKindsTakenBySome are kinds some implementation resolves with the
// group omitted: Envoy Gateway matches Backend and ServiceImport by kind
// alone (envoyGatewayBackendKind).
var coreKindsTakenBySome = []string{"Backend", "ServiceImport"}

// envoyGatewayBackendKind follows Envoy Gateway's validateBackendRefGroup
// and validateBackendRefKind (internal/gatewayapi/validate.go): groups
// "", multicluster.x-k8s.io and gateway.envoyproxy.io, kinds Service,
// ServiceImport and Backend, in any pairing; a kind its extension manager
// registers (backendResources, internal/gatewayapi/route.go
// isCustomBackendResource) also resolves, and the input does not hold
// that configuration, so other non-core kinds are unknown.
func envoyGatewayBackendKind(group, kind string) kindVerdict {
	groupOK := group == "" || group == "multicluster.x-k8s.io" || group == "gateway.envoyproxy.io"
	kindOK := kind == "Service" || kind == "ServiceImport" || kind == "Backend"
	switch {
	case groupOK && kindOK:
		return kindResolves
	case group == "":
		return kindInvalid
	}
	return kindUnknown
}

// istioBackendKind follows istiod's buildDestination
// (pilot/pkg/config/kube/gateway/conversion.go): Service,
// networking.istio.io Hostname, ServiceImport (of the MCS_API_GROUP,
// multicluster.x-k8s.io by default), gateway.networking.x-k8s.io XBackend
// and inference.networking.k8s.io InferencePool (the last two behind
// feature flags); any other kind is "referencing unsupported backendRef",
// InvalidKind.
func istioBackendKind(group, kind string) kindVerdict {
	switch {
	case group == "" && kind == "Service",
		group == "networking.istio.io" && kind == "Hostname",
		group != "" && kind == "ServiceImport",
		group == "gateway.networking.x-k8s.io" && kind == "XBackend",
		group == "inference.networking.k8s.io" && kind == "InferencePool":
		return kindResolves
	}
	return kindInvalid
}

const gatewayNameLabel = "gateway.networking.k8s.io/gateway-name"

// perGatewayDeployment: the proxy is a Deployment in the Gateway's
// namespace whose pods carry gateway.networking.k8s.io/gateway-name.
func perGatewayDeployment(gw *kinds.Gateway) (string, map[string]string) {
	return gw.Namespace, map[string]string{gatewayNameLabel: gw.Name}
}

var gatewayImplementations = []gatewayImplementation{
	{
		// One proxy Deployment per Gateway, in envoy-gateway-system by
		// default (or the Gateway's namespace), labelled with its owner:
		// envoyproxy/gateway internal/gatewayapi/translator.go
		// (OwningGatewayNameLabel, OwningGatewayNamespaceLabel),
		// internal/infrastructure/kubernetes/proxy/resource.go.
		name: "envoy-gateway", title: "Envoy Gateway",
		controllers: []string{"gateway.envoyproxy.io/gatewayclass-controller"},
		backendKind: envoyGatewayBackendKind,
		proxy: func(gw *kinds.Gateway) (string, map[string]string) {
			return "", map[string]string{
				"gateway.envoyproxy.io/owning-gateway-name":      gw.Name,
				"gateway.envoyproxy.io/owning-gateway-namespace": gw.Namespace,
			}
		},
	},
	{
		// <gateway>-istio Deployment in the Gateway's namespace:
		// istio/istio pilot/pkg/config/kube/gateway/templates/deployment.yaml.
		name: "istio", title: "Istio",
		controllers: []string{"istio.io/gateway-controller"},
		proxy:       perGatewayDeployment,
		backendKind: istioBackendKind,
	},
	{
		// A Deployment named after the Gateway, in its namespace:
		// kgateway-dev/kgateway internal/kgateway/helm/*/templates/_helpers.tpl.
		name: "kgateway", title: "kgateway",
		controllers: []string{"kgateway.dev/kgateway", "solo.io/gloo-gateway"},
		proxy:       perGatewayDeployment,
	},
	{
		// NGINX Gateway Fabric 2.x provisions an nginx Deployment per
		// Gateway (internal/controller/provisioner/objects.go); 1.x ran
		// one shared nginx next to the controller.
		name: "nginx-gateway-fabric", title: "NGINX Gateway Fabric",
		controllers:     []string{"gateway.nginx.org/nginx-gateway-controller"},
		proxy:           perGatewayDeployment,
		shared:          []map[string]string{{"app.kubernetes.io/name": "nginx-gateway"}},
		sharedContainer: "nginx", // 1.x; 2.x's control plane pod has the same label and no nginx
	},
	{
		// Cilium runs Envoy for every Gateway in the cilium-envoy
		// DaemonSet, or inside the cilium agent.
		name: "cilium", title: "Cilium",
		controllers: []string{"io.cilium/gateway-controller"},
		shared:      []map[string]string{{"k8s-app": "cilium-envoy"}, {"k8s-app": "cilium"}},
	},
}

func implementationOf(controller string) *gatewayImplementation {
	for i := range gatewayImplementations {
		if slices.Contains(gatewayImplementations[i].controllers, controller) {
			return &gatewayImplementations[i]
		}
	}
	return nil
}

// gwRoute is one route of any kind, indexed for the builders and the
// symptom resolution.
type gwRoute struct {
	kind string
	obj  *kinds.GatewayRoute
	// mesh: every parentRef is a Service (a GAMMA route), so its
	// backendRefs reach other namespaces without a ReferenceGrant
	// (GEP-1294: "Unlike Gateway bound routes, this is allowed without a
	// ReferenceGrant"; conformance mesh/mesh-consumer-route).
	mesh bool
	// ruleServices are, per rule, the Services its valid backendRefs of
	// non-zero weight name: what the proxy forwards the rule's requests to.
	ruleServices [][]*corev1.Service
}

func (r *gwRoute) ref() Ref { return Ref{Kind: r.kind, Namespace: r.obj.Namespace, Name: r.obj.Name} }

func (r *gwRoute) key() string { return r.kind + "/" + r.obj.Namespace + "/" + r.obj.Name }

// gatewayAPIIndex is built before the symptoms, which it resolves; while
// their facts are derived (concurrently) it is only read.
type gatewayAPIIndex struct {
	routes   []*gwRoute          // in kind, then key order
	byKey    map[string]*gwRoute // "HTTPRoute/ns/name"
	grants   map[string][]*kinds.ReferenceGrant
	services map[string]*corev1.Service
	// tlsPolicies: "ns/service" -> the BackendTLSPolicies targeting it.
	tlsPolicies map[string][]*kinds.BackendTLSPolicy
	// controllers: see statusControllers (built on first use).
	controllers map[string]string
}

// routeTable is the routes of one kind, in key order.
type routeTable struct {
	kind string
	objs []*kinds.GatewayRoute
}

// routeTables lists the routes of every kind, in the order facts come
// out. The kinds share GatewayRoute's layout (kinds/gatewayapi.go).
func routeTables(s *kinds.Store) []routeTable {
	var http, grpc, tls, tcp []*kinds.GatewayRoute
	for _, r := range inKeyOrder(kinds.HTTPRoutes.In(s)) {
		http = append(http, (*kinds.GatewayRoute)(r))
	}
	for _, r := range inKeyOrder(kinds.GRPCRoutes.In(s)) {
		grpc = append(grpc, (*kinds.GatewayRoute)(r))
	}
	for _, r := range inKeyOrder(kinds.TLSRoutes.In(s)) {
		tls = append(tls, (*kinds.GatewayRoute)(r))
	}
	for _, r := range inKeyOrder(kinds.TCPRoutes.In(s)) {
		tcp = append(tcp, (*kinds.GatewayRoute)(r))
	}
	return []routeTable{{kindHTTPRoute, http}, {kindGRPCRoute, grpc}, {kindTLSRoute, tls}, {kindTCPRoute, tcp}}
}

// indexGatewayAPI indexes the routes and the Services their rules
// forward to. It leaves b.gwapi nil when the input holds no route, so a
// bundle without the Gateway API pays nothing.
func (b *builder) indexGatewayAPI() {
	tables := routeTables(b.s)
	n := 0
	for _, t := range tables {
		n += len(t.objs)
	}
	if n == 0 {
		return
	}
	g := &gatewayAPIIndex{byKey: map[string]*gwRoute{}, grants: map[string][]*kinds.ReferenceGrant{},
		services: kinds.Services.In(b.s)}
	for _, rg := range inKeyOrder(kinds.ReferenceGrants.In(b.s)) {
		g.grants[rg.Namespace] = append(g.grants[rg.Namespace], rg)
	}
	g.tlsPolicies = map[string][]*kinds.BackendTLSPolicy{}
	for _, p := range inKeyOrder(kinds.BackendTLSPolicies.In(b.s)) {
		targets := p.Spec.TargetRefs
		if p.Spec.TargetRef != nil {
			targets = append(targets, *p.Spec.TargetRef)
		}
		for _, t := range targets {
			if t.Group == "" && t.Kind == "Service" {
				k := key(p.Namespace, t.Name)
				g.tlsPolicies[k] = append(g.tlsPolicies[k], p)
			}
		}
	}
	for _, t := range tables {
		for _, obj := range t.objs {
			r := &gwRoute{kind: t.kind, obj: obj, mesh: len(obj.Spec.ParentRefs) > 0}
			for _, spr := range obj.Spec.ParentRefs {
				if p := defaultParentRef(spr, obj.Namespace); p.group != "" || p.kind != "Service" {
					r.mesh = false
				}
			}
			for _, rule := range obj.Spec.Rules {
				var svcs []*corev1.Service
				for _, br := range rule.BackendRefs {
					ref := defaultBackendRef(br, obj.Namespace)
					if !ref.isService() || ref.weight == 0 || !g.permitted(r, ref) {
						continue
					}
					if svc := g.services[key(ref.namespace, ref.name)]; svc != nil {
						svcs = append(svcs, svc)
					}
				}
				r.ruleServices = append(r.ruleServices, svcs)
			}
			g.routes = append(g.routes, r)
			g.byKey[r.key()] = r
		}
	}
	b.gwapi = g
}

// statusControllers maps each Gateway ("ns/name") to the controller that
// wrote a route's status about it, from every route once.
func (g *gatewayAPIIndex) statusControllers() map[string]string {
	if g.controllers != nil {
		return g.controllers
	}
	g.controllers = map[string]string{}
	for _, r := range g.routes {
		for _, ps := range r.obj.Status.Parents {
			p := defaultParentRef(ps.ParentRef, r.obj.Namespace)
			if p.kind == "Gateway" && p.group == gatewayAPIGroup && ps.ControllerName != "" {
				g.controllers[key(p.namespace, p.name)] = ps.ControllerName
			}
		}
	}
	return g.controllers
}

// permitted reports whether route r may refer to ref: same namespace, or
// a ReferenceGrant in ref's namespace admits it (and the grant that does).
func (g *gatewayAPIIndex) permitted(r *gwRoute, ref backendRef) bool {
	_, ok := g.grantFor(r, ref)
	return ok
}

func (g *gatewayAPIIndex) grantFor(r *gwRoute, ref backendRef) (*kinds.ReferenceGrant, bool) {
	if ref.namespace == r.obj.Namespace || r.mesh {
		return nil, true
	}
	for _, rg := range g.grants[ref.namespace] {
		if grantPermits(rg, gatewayAPIGroup, r.kind, r.obj.Namespace, ref) {
			return rg, true
		}
	}
	return nil, false
}

// buildGatewayAPI derives the Gateway, route and backend facts. It runs
// after the Services, workloads and symptoms, whose facts it links to.
func (b *builder) buildGatewayAPI() {
	gateways := kinds.Gateways.In(b.s)
	if b.gwapi == nil && len(gateways) == 0 {
		return
	}
	counts := b.gatewayAPISymptomCounts()
	var nrAuthorities []string // the request hosts of NR lines, once
	for _, sf := range b.facts.Symptoms {
		if sf.Kind == "NR" && sf.Authority != "" {
			nrAuthorities = append(nrAuthorities, strings.ToLower(stripPort(sf.Authority)))
		}
	}
	gwFacts := map[string]*GatewayAPIGatewayFact{}
	for _, k := range sortedKeys(gateways) {
		f := b.gatewayFact(gateways[k])
		gwFacts[k] = f
		b.facts.GatewayAPIGateways = append(b.facts.GatewayAPIGateways, f)
	}
	if b.gwapi != nil {
		for _, r := range b.gwapi.routes {
			accepted := false
			for _, rf := range b.routeFacts(r, gwFacts, counts, nrAuthorities) {
				accepted = accepted || rf.Accepted || !rf.Judged
				b.facts.GatewayAPIRoutes = append(b.facts.GatewayAPIRoutes, rf)
			}
			b.backendFacts(r, accepted, b.parentImplementations(r, gwFacts), counts)
		}
	}
	// What the routes and the proxies' lines tell of each Gateway.
	for _, rf := range b.facts.GatewayAPIRoutes {
		g := gwFacts[key(rf.Parent.Namespace, rf.Parent.Name)]
		if g != nil && rf.Parent.Kind == "Gateway" && rf.Accepted && !slices.Contains(g.AttachedRoutes, rf.Ref.String()) {
			g.AttachedRoutes = append(g.AttachedRoutes, rf.Ref.String())
		}
	}
	for _, g := range b.facts.GatewayAPIGateways {
		for _, k := range g.Keys {
			if strings.HasPrefix(k, "pod:") {
				g.SymptomCount += counts[k]
			}
		}
	}
}

// gatewayAPISymptomCounts sums the failure lines per route, rule and
// proxy pod key.
func (b *builder) gatewayAPISymptomCounts() map[string]int64 {
	out := map[string]int64{}
	if b.gwapi == nil && len(kinds.Gateways.In(b.s)) == 0 {
		return out
	}
	for _, sf := range b.facts.Symptoms {
		for _, k := range sf.Keys {
			if strings.HasPrefix(k, "route:") || strings.HasPrefix(k, "rule:") || strings.HasPrefix(k, "pod:") {
				out[k] += sf.Count
			}
		}
	}
	return out
}

// gatewayFact derives one Gateway's fact: class, controller, status and
// proxy pods.
func (b *builder) gatewayFact(gw *kinds.Gateway) *GatewayAPIGatewayFact {
	f := &GatewayAPIGatewayFact{Ref: Ref{Kind: "Gateway", Namespace: gw.Namespace, Name: gw.Name}, Class: gw.Spec.GatewayClassName,
		Listeners: []string{}, AttachedRoutes: []string{}, ProxyWorkloads: []Ref{}}
	f.Keys = []string{"gateway:" + key(gw.Namespace, gw.Name)}
	var classCond *metav1.Condition
	if gc, ok := kinds.GatewayClasses.In(b.s)[gw.Spec.GatewayClassName]; ok {
		f.ClassFound = true
		f.Controller = gc.Spec.ControllerName
		if c := condition(gc.Status.Conditions, "Accepted"); c != nil && c.Status != metav1.ConditionTrue {
			classCond = c
		}
	} else if b.gwapi != nil {
		// Without the class, the controller that wrote a route's status
		// about this Gateway names the implementation.
		f.Controller = b.gwapi.statusControllers()[key(gw.Namespace, gw.Name)]
	}
	impl := implementationOf(f.Controller)
	if impl != nil {
		f.Implementation = impl.name
	}
	classText := "class " + orNone(f.Class)
	switch {
	case f.ClassFound && impl != nil:
		classText += " (controller " + f.Controller + ", " + impl.title + ")"
	case f.ClassFound:
		classText += " (controller " + orNone(f.Controller) + ")"
	case f.Controller != "":
		classText += " (not in the input; routes' status names controller " + f.Controller + ")"
	default:
		classText += " (not in the input)"
	}
	for _, l := range gw.Spec.Listeners {
		t := fmt.Sprintf("%s %d/%s", l.Name, l.Port, l.Protocol)
		if l.Hostname != nil && *l.Hostname != "" {
			t += " " + *l.Hostname
			if !strings.HasPrefix(*l.Hostname, "*") {
				f.Keys = append(f.Keys, "authority:"+strings.ToLower(*l.Hostname))
			}
		}
		f.Listeners = append(f.Listeners, t)
	}
	f.Evidence = append(f.Evidence, Evidence{Kind: "Object", Ref: f.Ref.String(),
		Text: classText + "; listeners " + orNone(strings.Join(f.Listeners, ", "))})
	if classCond != nil {
		f.Evidence = append(f.Evidence, Evidence{Kind: "Condition", Ref: "GatewayClass " + f.Class, Text: conditionText(classCond)})
	}
	acc, prog := condition(gw.Status.Conditions, "Accepted"), condition(gw.Status.Conditions, "Programmed")
	for _, c := range []*metav1.Condition{acc, prog} {
		if c == nil {
			continue
		}
		if !pendingDefault(c) {
			f.StatusWritten = true
		}
	}
	if acc != nil {
		f.Accepted, f.AcceptedReason = string(acc.Status), acc.Reason
	}
	if prog != nil {
		f.Programmed, f.ProgrammedReason = string(prog.Status), prog.Reason
	}
	writer := "the controller"
	if f.Controller != "" {
		writer = f.Controller
	}
	for _, c := range []*metav1.Condition{acc, prog} {
		if c == nil || c.Status == metav1.ConditionTrue {
			continue
		}
		by := "status written by " + writer
		if pendingDefault(c) {
			by = "status as the API server defaults it, no controller has written one"
		}
		f.Evidence = append(f.Evidence, Evidence{Kind: "Condition", Ref: f.Ref.String(), Text: by + ": " + conditionText(c)})
	}
	b.gatewayProxy(f, gw, impl)
	return f
}

// gatewayProxy finds the pods that serve gw, and whether their absence
// means that nothing does.
func (b *builder) gatewayProxy(f *GatewayAPIGatewayFact, gw *kinds.Gateway, impl *gatewayImplementation) {
	var pods []*corev1.Pod
	var where []string
	// look finds the pods of sel in ns ("" = every namespace) and reports
	// whether the input holds every pod there could be (a loose input
	// holds only the namespaces it holds).
	look := func(ns string, sel map[string]string) (known bool) {
		if ns != "" {
			where = append(where, selectorText(sel)+" in "+ns)
			pods = append(pods, b.ix.selectPods(ns, sel)...)
			return b.coverageIn("Pod", ns) == "ok"
		}
		where = append(where, selectorText(sel)+" in any namespace")
		for _, n := range sortedKeys(b.ix.podsByNS) {
			pods = append(pods, b.ix.selectPods(n, sel)...)
		}
		return b.facts.Coverage["Pod"] == "ok" && b.facts.Coverage["Pod@*"] != "inferred"
	}
	var sels []map[string]string
	switch {
	case impl != nil:
		// The per-Gateway layout decides; a shared proxy (an older
		// layout, or Cilium's, which may run embedded where this cannot
		// see it) counts only when found.
		known := false
		if impl.proxy != nil {
			ns, sel := impl.proxy(gw)
			known = look(ns, sel)
			sels = append(sels, sel)
		}
		if len(pods) == 0 {
			for _, sel := range impl.shared {
				look("", sel)
			}
			if impl.sharedContainer != "" {
				pods = slices.DeleteFunc(pods, func(p *corev1.Pod) bool {
					return !slices.ContainsFunc(p.Spec.Containers, func(c corev1.Container) bool { return c.Name == impl.sharedContainer })
				})
			}
		}
		f.ProxyKnown = known || len(pods) > 0
	default:
		// Unknown implementation: the two layouts in use; absence says nothing.
		ns, sel := perGatewayDeployment(gw)
		look(ns, sel)
		if len(pods) == 0 {
			look(gatewayImplementations[0].proxy(gw))
		}
		f.ProxyKnown = len(pods) > 0
	}
	wls := map[Ref]bool{}
	for _, p := range pods {
		f.ProxyPods++
		if podReady(p) {
			f.ReadyProxyPods++
		}
		f.Keys = append(f.Keys, "pod:"+key(p.Namespace, p.Name))
		wls[b.ix.owner[p]] = true
	}
	// Proxy workloads with no pod (scaled to 0): their template labels.
	for _, w := range b.facts.Workloads {
		for _, sel := range sels {
			if len(sel) > 0 && labelsMatch(sel, w.Labels) && w.Kind != "Pod" && w.Kind != "ReplicaSet" {
				wls[w.Ref] = true
			}
		}
	}
	f.ProxyWorkloads = sortedRefs(wls)
	for _, r := range f.ProxyWorkloads {
		f.Keys = append(f.Keys, "wl:"+r.Kind+"/"+r.Namespace+"/"+r.Name)
	}
	f.ProxyText = fmt.Sprintf("proxy pods (%s): %d, %d ready", strings.Join(where, "; "), f.ProxyPods, f.ReadyProxyPods)
	if len(f.ProxyWorkloads) > 0 {
		var ws []string
		for _, r := range f.ProxyWorkloads {
			t := r.String()
			if w := b.workloadByRef[r]; w != nil {
				t += fmt.Sprintf(" (%d desired)", w.Desired)
			}
			ws = append(ws, t)
		}
		f.ProxyText += "; workloads " + strings.Join(ws, ", ")
	}
	f.Evidence = append(f.Evidence, Evidence{Kind: "Object", Ref: f.Ref.String(), Text: f.ProxyText})
	acc := condition(gw.Status.Conditions, "Accepted")
	switch {
	case f.ProxyKnown && f.ReadyProxyPods == 0:
		f.NoProxy, f.NoProxyText = true, "no ready proxy pod serves it ("+f.ProxyText+")"
		if pendingDefault(acc) {
			f.NoProxyText += "; no controller has written its status (Accepted=Unknown Pending, waiting for " + orNone(f.Controller) + ")"
		}
	case !f.ClassFound && f.Class != "" && b.gatewayClassesListed():
		f.NoProxy, f.NoProxyText = true, "GatewayClass "+f.Class+" does not exist, so no controller programs it"
	case f.ClassFound && impl == nil && pendingDefault(acc) && len(pods) == 0 && b.coverageIn("Pod", gw.Namespace) == "ok":
		f.NoProxy, f.NoProxyText = true, "no controller has accepted it (Accepted=Unknown Pending, waiting for controller "+orNone(f.Controller)+") and no proxy pod serves it"
	}
}

// gatewayClassesListed reports whether the input holds the cluster's
// GatewayClasses, so that a class missing from it does not exist: the kind
// was listed (gather, or loose output of a cluster-scoped kind, which is
// whole) and every GatewayClass read came from the API server, which sets
// metadata.resourceVersion on each object it serves. A GatewayClass
// manifest from Git has none: it is one class being applied, not the
// cluster's list, and classes are mostly installed with their controller,
// apart from the Gateways that name them.
func (b *builder) gatewayClassesListed() bool {
	if b.facts.Coverage["GatewayClass"] != "ok" {
		return false
	}
	for _, gc := range kinds.GatewayClasses.In(b.s) {
		if gc.ResourceVersion == "" {
			return false
		}
	}
	return true
}

// gwStatusFor returns the status a controller wrote about parent p of r,
// nil when there is none.
func gwStatusFor(r *gwRoute, p parentRef) *kinds.RouteParentStatus {
	for i := range r.obj.Status.Parents {
		ps := &r.obj.Status.Parents[i]
		if defaultParentRef(ps.ParentRef, r.obj.Namespace) == p {
			return ps
		}
	}
	return nil
}

// fresh reports whether a route condition describes the route's current
// generation (a condition of an older one says nothing of the spec read).
func fresh(c *metav1.Condition, obj *kinds.GatewayRoute) bool {
	return c.ObservedGeneration == 0 || obj.Generation == 0 || c.ObservedGeneration >= obj.Generation
}

// routeFacts judges each parentRef of r.
func (b *builder) routeFacts(r *gwRoute, gwFacts map[string]*GatewayAPIGatewayFact, counts map[string]int64, nrAuthorities []string) []*GatewayAPIRouteFact {
	obj := r.obj
	var zero []string
	for i, rule := range obj.Spec.Rules {
		if len(rule.BackendRefs) == 0 {
			continue
		}
		all := true
		for _, br := range rule.BackendRefs {
			if defaultBackendRef(br, obj.Namespace).weight != 0 {
				all = false
			}
		}
		if all {
			zero = append(zero, ruleName(rule, i))
		}
	}
	var out []*GatewayAPIRouteFact
	for _, spr := range obj.Spec.ParentRefs {
		p := defaultParentRef(spr, obj.Namespace)
		f := &GatewayAPIRouteFact{Ref: r.ref(), Kind: r.kind, Parent: Ref{Kind: p.kind, Namespace: p.namespace, Name: p.name},
			ParentText: p.String(), Hostnames: slices.Clone(obj.Spec.Hostnames), ZeroWeightRules: zero}
		if f.Hostnames == nil {
			f.Hostnames = []string{}
		}
		if f.ZeroWeightRules == nil {
			f.ZeroWeightRules = []string{}
		}
		rk := "route:" + r.key()
		f.Keys = []string{rk}
		f.SymptomCount = counts[rk]
		if p.kind == "Gateway" && p.group == gatewayAPIGroup {
			f.Keys = append(f.Keys, "gateway:"+key(p.namespace, p.name))
		}
		for _, h := range obj.Spec.Hostnames {
			if !strings.HasPrefix(h, "*") {
				f.Keys = append(f.Keys, "authority:"+strings.ToLower(h))
			}
		}
		st := gwStatusFor(r, p)
		if st != nil {
			f.Controller = st.ControllerName
			if c := condition(st.Conditions, "ResolvedRefs"); c != nil && fresh(c, obj) {
				f.ResolvedRefs, f.ResolvedRefsReason = string(c.Status), c.Reason
			}
		}
		acc := statusAccepted(st, obj)
		if acc != nil {
			f.Evidence = append(f.Evidence, Evidence{Kind: "Condition", Ref: f.Ref.String(),
				Text: "parentRef " + f.ParentText + ": status written by " + orNone(st.ControllerName) + ": " + conditionText(acc)})
		}
		if acc != nil && acc.Status != metav1.ConditionUnknown {
			f.Judged, f.JudgedBy = true, "status"
			f.Accepted = acc.Status == metav1.ConditionTrue
			if !f.Accepted {
				f.Reason = acc.Reason
			}
		} else {
			// No status, or Pending (the controller has not decided):
			// what the spec says.
			why := "no status for this parent in the input"
			if acc != nil {
				why = "the controller has not decided"
			}
			ok, reason, text, judged := b.attach(r, p)
			if reason == reasonParentNotFound && st != nil && b.facts.Coverage["Gateway."+gatewayAPIGroup] != "ok" {
				// A controller wrote status for this parent, so it existed
				// (controllers write none for a parent that does not): the
				// given manifests lack it, and with it the listeners to
				// judge by. Gateways gather listed outrank a status that
				// may outlive its parent.
				ok, reason, judged = false, "", false
				text = "the parent is not in the input, but " + orNone(st.ControllerName) + " wrote status for it, so it exists"
			}
			f.Judged, f.JudgedBy, f.Accepted, f.Reason = judged, "spec", ok, reason
			f.Evidence = append(f.Evidence, Evidence{Kind: "Object", Ref: f.Ref.String(),
				Text: "parentRef " + f.ParentText + ": computed from the spec (" + why + "): " + text})
		}
		f.ParentFound = st != nil || b.parentInInput(p)
		if !f.Accepted && len(obj.Spec.Hostnames) == 0 {
			// No hostname: any request at the parent's proxies may have
			// been meant for it.
			if g := gwFacts[key(p.namespace, p.name)]; g != nil && p.kind == "Gateway" {
				for _, k := range g.Keys {
					if strings.HasPrefix(k, "pod:") {
						f.Keys = append(f.Keys, k)
					}
				}
			}
		}
		addWildcardAuthorities(f, obj.Spec.Hostnames, nrAuthorities)
		out = append(out, f)
	}
	return out
}

// statusAccepted returns the Accepted condition a controller wrote for a
// parent, nil without a fresh one.
func statusAccepted(st *kinds.RouteParentStatus, obj *kinds.GatewayRoute) *metav1.Condition {
	if st == nil {
		return nil
	}
	if c := condition(st.Conditions, "Accepted"); c != nil && fresh(c, obj) {
		return c
	}
	return nil
}

// addWildcardAuthorities keys a route with wildcard hostnames with the
// request hosts of NR lines they cover, so a route that failed to attach
// explains them.
func addWildcardAuthorities(f *GatewayAPIRouteFact, hostnames, nrAuthorities []string) {
	for _, h := range hostnames {
		if !strings.HasPrefix(h, "*.") {
			continue
		}
		for _, a := range nrAuthorities {
			if hostnamesIntersect(h, a) && !slices.Contains(f.Keys, "authority:"+a) {
				f.Keys = append(f.Keys, "authority:"+a)
			}
		}
	}
}

func ruleName(rule kinds.GatewayRouteRule, i int) string {
	if rule.Name != nil && *rule.Name != "" {
		return fmt.Sprintf("rule %d (%s)", i, *rule.Name)
	}
	return fmt.Sprintf("rule %d", i)
}

// attach computes from the spec whether route r attaches to parent p, as
// a controller would (Gateway.Listeners, AllowedRoutes,
// HTTPRouteSpec.Hostnames): the parentRef's sectionName and port select
// listeners (none: NoMatchingParent), their allowedRoutes must admit the
// route's kind and namespace (none: NotAllowedByListeners), and one of
// them must share a hostname with the route (none:
// NoMatchingListenerHostname). judged is false when the input cannot tell
// (the parent kind is not collected, a mesh parent).
func (b *builder) attach(r *gwRoute, p parentRef) (ok bool, reason, text string, judged bool) {
	var listeners []kinds.GatewayListener
	var ownerNS string
	switch {
	case p.group == gatewayAPIGroup && p.kind == "Gateway":
		gw, found := kinds.Gateways.In(b.s)[key(p.namespace, p.name)]
		if !found {
			if !b.gatewaysKnown(p.namespace) {
				return false, "", "the Gateway is not in the input", false
			}
			return false, reasonParentNotFound, "no Gateway " + p.namespace + "/" + p.name + " exists; controllers write no status for a parent that does not exist", true
		}
		listeners, ownerNS = gw.Spec.Listeners, gw.Namespace
	case (p.group == gatewayAPIGroup && p.kind == "ListenerSet") || (p.group == "gateway.networking.x-k8s.io" && p.kind == "XListenerSet"):
		ls, found := kinds.ListenerSets.In(b.s)[key(p.namespace, p.name)]
		if !found {
			if !b.listenerSetsKnown(p.namespace) {
				return false, "", "the ListenerSet is not in the input", false
			}
			return false, reasonParentNotFound, "no " + p.kind + " " + p.namespace + "/" + p.name + " exists", true
		}
		if why := b.listenerSetRefused(ls); why != "" {
			return false, reasonNotAllowedByListeners, why, true
		}
		listeners, ownerNS = ls.Spec.Listeners, ls.Namespace
	default:
		return true, "", "a " + p.kind + " parent (mesh or implementation-specific): not judged", false
	}
	var selected []*kinds.GatewayListener
	for i := range listeners {
		l := &listeners[i]
		if (p.section == "" || l.Name == p.section) && (p.port == 0 || l.Port == p.port) {
			selected = append(selected, l)
		}
	}
	if len(selected) == 0 {
		var names []string
		for _, l := range listeners {
			names = append(names, fmt.Sprintf("%s (port %d)", l.Name, l.Port))
		}
		return false, reasonNoMatchingParent, "no listener matches sectionName/port; listeners: " + orNone(strings.Join(names, ", ")), true
	}
	nsLabels, nsKnown := b.namespaceLabels(r.obj.Namespace), b.namespaceKnown(r.obj.Namespace)
	var admitted []*kinds.GatewayListener
	var refusals []string
	undecided := false // a selector over labels the input does not hold
	for _, l := range selected {
		ks := listenerKinds(l)
		var rn *kinds.RouteNamespaces
		if l.AllowedRoutes != nil {
			rn = l.AllowedRoutes.Namespaces
		}
		from, sel := namespacesFrom(rn, "Same")
		switch {
		case protocolReserved(l.Protocol):
			refusals = append(refusals, fmt.Sprintf("listener %s has protocol %q, which is no core protocol (HTTP, HTTPS, TLS, TCP, UDP) "+
				"nor an implementation's domain-prefixed one, so no implementation accepts the listener (Accepted=False UnsupportedProtocol)", l.Name, l.Protocol))
		case ks != nil && !ks[r.kind]:
			refusals = append(refusals, fmt.Sprintf("listener %s admits kinds %s, not %s", l.Name, orNone(strings.Join(sortedSet(ks), ", ")), r.kind))
		case from == "Selector" && !nsKnown && !namespaceAdmitted(from, sel, ownerNS, r.obj.Namespace, nsLabels):
			undecided = true
		case !namespaceAdmitted(from, sel, ownerNS, r.obj.Namespace, nsLabels):
			t := fmt.Sprintf("listener %s admits routes from ", l.Name)
			switch from {
			case "Same":
				t += "namespace " + ownerNS + " only (allowedRoutes.namespaces.from: Same"
				if rn == nil || rn.From == nil {
					t += ", the default"
				}
				t += ")"
			case "Selector":
				t += "namespaces selected by " + metav1.FormatLabelSelector(sel) + "; namespace " + r.obj.Namespace + " has labels " + orNone(selectorText(nsLabels))
			default:
				t += "no namespace (from: " + from + ")"
			}
			refusals = append(refusals, t)
		default:
			admitted = append(admitted, l)
		}
	}
	if len(admitted) == 0 && undecided {
		return false, "", "a listener selects namespaces by labels, and namespace " + r.obj.Namespace + " is not in the input", false
	}
	if len(admitted) == 0 {
		return false, reasonNotAllowedByListeners, strings.Join(refusals, "; "), true
	}
	if r.kind == kindTCPRoute {
		return true, "", fmt.Sprintf("attaches to listener %s", admitted[0].Name), true
	}
	var hosts []string
	for _, l := range admitted {
		if routeHostnamesMatch(l.Hostname, r.obj.Spec.Hostnames) {
			return true, "", fmt.Sprintf("attaches to listener %s", l.Name), true
		}
		if l.Hostname != nil {
			hosts = append(hosts, l.Name+" "+*l.Hostname)
		}
	}
	return false, reasonNoMatchingListenerHost, "route hostnames " + strings.Join(r.obj.Spec.Hostnames, ", ") +
		" intersect no listener hostname (" + strings.Join(hosts, "; ") + ")", true
}

// parentInInput reports whether the Gateway or ListenerSet p names is in
// the input.
func (b *builder) parentInInput(p parentRef) bool {
	switch {
	case p.group == gatewayAPIGroup && p.kind == "Gateway":
		_, ok := kinds.Gateways.In(b.s)[key(p.namespace, p.name)]
		return ok
	case (p.group == gatewayAPIGroup && p.kind == "ListenerSet") || (p.group == "gateway.networking.x-k8s.io" && p.kind == "XListenerSet"):
		_, ok := kinds.ListenerSets.In(b.s)[key(p.namespace, p.name)]
		return ok
	}
	return false
}

// gatewaysKnown reports whether a Gateway API Gateway missing from
// namespace ns is missing from the cluster, not only from the input:
// gather listed the kind there, or the input holds other Gateways of
// that namespace (its manifests given as a whole). A shared Gateway of
// another namespace is often kept apart from the routes that name it (a
// platform team's repository), so Gateways elsewhere tell nothing of ns.
func (b *builder) gatewaysKnown(ns string) bool {
	if CoverageHas(b.facts.Coverage, "Gateway."+gatewayAPIGroup, ns) {
		return true
	}
	for _, gw := range kinds.Gateways.In(b.s) {
		if gw.Namespace == ns {
			return true
		}
	}
	return false
}

// listenerSetsKnown is gatewaysKnown for ListenerSets.
func (b *builder) listenerSetsKnown(ns string) bool {
	if CoverageHas(b.facts.Coverage, "ListenerSet."+gatewayAPIGroup, ns) {
		return true
	}
	for _, ls := range kinds.ListenerSets.In(b.s) {
		if ls.Namespace == ns {
			return true
		}
	}
	return false
}

// listenerSetRefused says why a ListenerSet's parent Gateway does not
// take its listeners ("" when it does): its status, or the Gateway's
// allowedListeners (default: none).
func (b *builder) listenerSetRefused(ls *kinds.ListenerSet) string {
	if c := condition(ls.Status.Conditions, "Accepted"); c != nil && !pendingDefault(c) {
		if c.Status == metav1.ConditionTrue {
			return ""
		}
		return "ListenerSet " + ls.Namespace + "/" + ls.Name + " status: " + conditionText(c)
	}
	ns := ls.Namespace
	if ls.Spec.ParentRef.Namespace != nil && *ls.Spec.ParentRef.Namespace != "" {
		ns = *ls.Spec.ParentRef.Namespace
	}
	gw, ok := kinds.Gateways.In(b.s)[key(ns, ls.Spec.ParentRef.Name)]
	if !ok {
		return "its parent Gateway " + ns + "/" + ls.Spec.ParentRef.Name + " does not exist"
	}
	var rn *kinds.RouteNamespaces
	if gw.Spec.AllowedListeners != nil {
		rn = gw.Spec.AllowedListeners.Namespaces
	}
	from, sel := namespacesFrom(rn, "None")
	if from == "Selector" && !b.namespaceKnown(ls.Namespace) {
		return "" // labels the input does not hold: not refused on a guess
	}
	if !namespaceAdmitted(from, sel, gw.Namespace, ls.Namespace, b.namespaceLabels(ls.Namespace)) {
		return "Gateway " + gw.Namespace + "/" + gw.Name + " does not allow ListenerSets from namespace " + ls.Namespace +
			" (allowedListeners.namespaces.from: " + from + ")"
	}
	return ""
}

// namespaceKnown reports whether ns's labels are known: the Namespace is
// in the input, or the input holds the cluster's list of Namespaces, so
// ns does not exist and has none: gather listed them, or every Namespace
// read came from the API server (it sets metadata.resourceVersion). A
// Namespace manifest from Git creates one namespace and lists none of the
// others (gatewayClassesListed).
func (b *builder) namespaceKnown(ns string) bool {
	nss := kinds.Namespaces.In(b.s)
	if _, ok := nss[ns]; ok {
		return true
	}
	if b.facts.Coverage["Namespace"] != "ok" || b.facts.Coverage["Namespace@*"] == "inferred" {
		return false
	}
	for _, n := range nss {
		if n.ResourceVersion == "" {
			return false
		}
	}
	return true
}

// namespaceLabels are a namespace's labels as the API server keeps them:
// with kubernetes.io/metadata.name set to its name, which the API server
// adds to every Namespace and keeps immutable (Kubernetes 1.22+,
// corev1.LabelMetadataName), even when the manifest read does not carry
// it. Selectors over it (allowedRoutes, allowedListeners, NetworkPolicy
// namespaceSelector) are the documented way to name one namespace.
func (b *builder) namespaceLabels(ns string) map[string]string {
	n, ok := kinds.Namespaces.In(b.s)[ns]
	if !ok || len(n.Labels) == 0 {
		return map[string]string{corev1.LabelMetadataName: ns}
	}
	if n.Labels[corev1.LabelMetadataName] == ns {
		return n.Labels
	}
	out := make(map[string]string, len(n.Labels)+1)
	for k, v := range n.Labels {
		out[k] = v
	}
	out[corev1.LabelMetadataName] = ns
	return out
}

// parentImplementations are the implementations of the Gateways r's
// parentRefs name (through a ListenerSet, its Gateway's), nil for a
// parent whose implementation is unknown.
func (b *builder) parentImplementations(r *gwRoute, gwFacts map[string]*GatewayAPIGatewayFact) []*gatewayImplementation {
	var out []*gatewayImplementation
	for _, spr := range r.obj.Spec.ParentRefs {
		p := defaultParentRef(spr, r.obj.Namespace)
		gwKey := ""
		switch {
		case p.group == gatewayAPIGroup && p.kind == "Gateway":
			gwKey = key(p.namespace, p.name)
		case (p.group == gatewayAPIGroup && p.kind == "ListenerSet") || (p.group == "gateway.networking.x-k8s.io" && p.kind == "XListenerSet"):
			if ls, ok := kinds.ListenerSets.In(b.s)[key(p.namespace, p.name)]; ok {
				ns := ls.Namespace
				if ls.Spec.ParentRef.Namespace != nil && *ls.Spec.ParentRef.Namespace != "" {
					ns = *ls.Spec.ParentRef.Namespace
				}
				gwKey = key(ns, ls.Spec.ParentRef.Name)
			}
		}
		var impl *gatewayImplementation
		if g := gwFacts[gwKey]; g != nil {
			impl = implementationOf(g.Controller)
		}
		out = append(out, impl)
	}
	return out
}

// backendKindVerdict judges a backendRef's group and kind for the
// implementations serving the route: invalid only when every one of them
// refuses it (through another parent the ref still resolves), resolved
// when one resolves it.
func backendKindVerdict(ref backendRef, impls []*gatewayImplementation) kindVerdict {
	if len(impls) == 0 {
		return kindBySpec(ref.group, ref.kind)
	}
	out := kindInvalid
	for _, impl := range impls {
		v := kindBySpec(ref.group, ref.kind)
		if impl != nil && impl.backendKind != nil {
			v = impl.backendKind(ref.group, ref.kind)
		}
		switch v {
		case kindResolves:
			return kindResolves
		case kindUnknown:
			out = kindUnknown
		}
	}
	return out
}

// backendFacts derives one fact per distinct backendRef of r.
func (b *builder) backendFacts(r *gwRoute, routeAccepted bool, impls []*gatewayImplementation, counts map[string]int64) {
	obj := r.obj
	// The route's ResolvedRefs verdict from a fresh status, any parent.
	var resolved *metav1.Condition
	var controller string
	for _, ps := range obj.Status.Parents {
		if c := condition(ps.Conditions, "ResolvedRefs"); c != nil && fresh(c, obj) && c.Status != metav1.ConditionUnknown {
			if resolved == nil || c.Status == metav1.ConditionFalse {
				resolved, controller = c, ps.ControllerName
			}
		}
	}
	byRef := map[backendRef]*GatewayAPIBackendFact{}
	var order []backendRef
	for i, rule := range obj.Spec.Rules {
		for _, br := range rule.BackendRefs {
			ref := defaultBackendRef(br, obj.Namespace)
			k := ref
			k.weight = 0
			f := byRef[k]
			if f == nil {
				f = b.backendFact(r, ref, routeAccepted, backendKindVerdict(ref, impls), resolved, controller)
				byRef[k] = f
				order = append(order, k)
			}
			f.Rules = append(f.Rules, ruleName(rule, i))
			f.Weight = max(f.Weight, int(ref.weight))
			rk := "rule:" + r.key() + "/" + strconv.Itoa(i)
			f.Keys = append(f.Keys, rk)
			f.SymptomCount += counts[rk]
		}
	}
	for _, k := range order {
		f := byRef[k]
		f.Evidence = append([]Evidence{{Kind: "Object", Ref: r.ref().String(),
			Text: "backendRef " + f.Text + " in " + strings.Join(f.Rules, ", ") + ": " + b.backendText(f)}}, f.Evidence...)
		b.facts.GatewayAPIBackends = append(b.facts.GatewayAPIBackends, f)
	}
}

// backendFact judges one backendRef from the spec, then reconciles the
// verdict with a controller's ResolvedRefs condition: the spec decides
// what the input lets it decide, and the status the rest; a controller
// that says the refs resolve outranks a verdict from the spec, so a
// configuration the controller accepts is never called broken.
func (b *builder) backendFact(r *gwRoute, ref backendRef, routeAccepted bool, kind kindVerdict, resolved *metav1.Condition, controller string) *GatewayAPIBackendFact {
	f := &GatewayAPIBackendFact{Route: r.ref(), Group: ref.group, Kind: ref.kind, Namespace: ref.namespace, Name: ref.name,
		Port: int(ref.port), Text: ref.String(), CrossNamespace: ref.namespace != r.obj.Namespace, RouteAccepted: routeAccepted,
		Grants: []string{}, ServicePorts: []string{}, Defects: []string{}, JudgedBy: "spec"}
	// Keyed by its rules (backendFacts), not by its route: a proxy names
	// the rule whose request failed, and another rule's failure is not
	// this backend's.
	f.Keys = []string{}
	judged := map[string]bool{} // the defects the spec could decide
	// ReferenceGrant: decidable when gather listed grants, or the input
	// is the whole of given manifests holding the target's namespace.
	loose := b.facts.Coverage[r.kind+"@*"] == "inferred"
	grantsKnown := b.coverageIn("ReferenceGrant", ref.namespace) == "ok" ||
		(loose && b.coverageIn("Service", ref.namespace) == "ok")
	for _, rg := range b.gwapi.grants[ref.namespace] {
		f.Grants = append(f.Grants, rg.Namespace+"/"+rg.Name)
	}
	if g, ok := b.gwapi.grantFor(r, ref); ok {
		judged[reasonRefNotPermitted] = true
		f.Permitted = true
		if g != nil {
			f.Grant = Ref{Kind: "ReferenceGrant", Namespace: g.Namespace, Name: g.Name}
		}
	} else if grantsKnown {
		judged[reasonRefNotPermitted] = true
		f.Defects = append(f.Defects, reasonRefNotPermitted)
	}
	switch {
	case ref.isService():
		judged[reasonInvalidKind] = true
		svcKnown := b.coverageIn("Service", ref.namespace) == "ok"
		svc := b.gwapi.services[key(ref.namespace, ref.name)]
		if svc == nil {
			if svcKnown {
				judged[reasonBackendNotFound] = true
				f.Defects = append(f.Defects, reasonBackendNotFound)
			}
			break
		}
		f.ServiceFound = true
		f.Service = Ref{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name}
		portFound := false
		for _, sp := range svc.Spec.Ports {
			f.ServicePorts = append(f.ServicePorts, strconv.Itoa(int(sp.Port)))
			if sp.Port == ref.port {
				portFound = true
			}
		}
		judged[reasonBackendNotFound], judged[reasonPortNotFound] = true, true
		if !portFound && ref.port != 0 {
			f.Defects = append(f.Defects, reasonPortNotFound)
		}
		if sf := b.serviceByKey[key(svc.Namespace, svc.Name)]; sf != nil {
			f.ReadyBackends, f.NoReadyBackends = sf.ReadyBackends, sf.NoReadyBackends
		}
		b.backendTLS(f, svc, ref)
		if f.Permitted && !slices.Contains(f.Defects, reasonPortNotFound) {
			// A valid ref: the Service's own chain explains its symptoms.
			f.Keys = append(f.Keys, "svc:"+key(svc.Namespace, svc.Name), "host:"+svc.Name+"."+svc.Namespace+".svc.cluster.local")
		}
	case kind == kindInvalid:
		judged[reasonInvalidKind] = true
		f.Defects = append(f.Defects, reasonInvalidKind)
	case kind == kindResolves:
		judged[reasonInvalidKind] = true
	}
	if resolved == nil {
		return f
	}
	f.Evidence = append(f.Evidence, Evidence{Kind: "Condition", Ref: r.ref().String(),
		Text: "status written by " + orNone(controller) + ": " + conditionText(resolved)})
	switch {
	case resolved.Status == metav1.ConditionTrue:
		if len(f.Defects) > 0 {
			f.Evidence = append(f.Evidence, Evidence{Kind: "Object", Ref: r.ref().String(),
				Text: "the spec suggests " + strings.Join(f.Defects, ", ") + ", but the controller resolved every reference: not a defect"})
		}
		f.Defects, f.JudgedBy = []string{}, "status"
	case !judged[resolved.Reason] && isRefReason(resolved.Reason) && !slices.Contains(f.Defects, resolved.Reason):
		// The input cannot decide it (the target namespace was not
		// collected): the controller's word stands.
		f.Defects, f.JudgedBy = append(f.Defects, resolved.Reason), "status"
	}
	return f
}

func isRefReason(r string) bool {
	switch r {
	case reasonRefNotPermitted, reasonBackendNotFound, reasonInvalidKind, reasonPortNotFound:
		return true
	}
	return false
}

// backendText says what the spec and the input tell of a backendRef.
func (b *builder) backendText(f *GatewayAPIBackendFact) string {
	var parts []string
	if f.CrossNamespace {
		switch {
		case f.Permitted && f.Grant.Name == "":
			parts = append(parts, "cross-namespace from a mesh route (its parents are Services), which needs no ReferenceGrant")
		case f.Permitted:
			parts = append(parts, "cross-namespace, admitted by ReferenceGrant "+f.Grant.Namespace+"/"+f.Grant.Name)
		case slices.Contains(f.Defects, reasonRefNotPermitted):
			parts = append(parts, fmt.Sprintf("cross-namespace from %s %s: no ReferenceGrant in %s admits it (grants there: %s)",
				f.Route.Kind, f.Route.Namespace, f.Namespace, orNone(strings.Join(f.Grants, ", "))))
		default:
			parts = append(parts, "cross-namespace; ReferenceGrants of "+f.Namespace+" not in the input")
		}
	}
	switch {
	case f.ServiceFound:
		t := "Service found, ports " + orNone(strings.Join(f.ServicePorts, ", "))
		if slices.Contains(f.Defects, reasonPortNotFound) {
			t += fmt.Sprintf("; no port %d", f.Port)
		}
		t += fmt.Sprintf("; %d ready backend(s)", f.ReadyBackends)
		parts = append(parts, t)
	case slices.Contains(f.Defects, reasonBackendNotFound):
		parts = append(parts, "no Service "+f.Namespace+"/"+f.Name+" exists")
	case slices.Contains(f.Defects, reasonInvalidKind) && f.Group == "":
		parts = append(parts, "kind "+f.Kind+" of the core group is not a backend a route can use")
	case slices.Contains(f.Defects, reasonInvalidKind):
		parts = append(parts, "kind "+f.Kind+" of group "+f.Group+" is no backend the implementation of the route's Gateways resolves")
	case f.Kind == "Service" && f.Group == "":
		parts = append(parts, "Services of "+f.Namespace+" not in the input")
	default:
		parts = append(parts, "an implementation-specific backend kind: not judged")
	}
	if f.Weight == 0 {
		parts = append(parts, "weight 0")
	}
	return strings.Join(parts, "; ")
}

// backendTLS notes the BackendTLSPolicy that targets the backend's
// Service (and, when it names a sectionName, the port of that name), with
// any condition a controller set False on it.
func (b *builder) backendTLS(f *GatewayAPIBackendFact, svc *corev1.Service, ref backendRef) {
	for _, p := range b.gwapi.tlsPolicies[key(svc.Namespace, svc.Name)] {
		applies := false
		for _, t := range append(slices.Clone(p.Spec.TargetRefs), derefTarget(p.Spec.TargetRef)...) {
			if t.Name != svc.Name || t.Kind != "Service" {
				continue
			}
			if t.SectionName == nil || *t.SectionName == "" {
				applies = true
				continue
			}
			for _, sp := range svc.Spec.Ports {
				if sp.Name == *t.SectionName && sp.Port == ref.port {
					applies = true
				}
			}
		}
		if !applies {
			continue
		}
		f.TLSPolicy = Ref{Kind: "BackendTLSPolicy", Namespace: p.Namespace, Name: p.Name}
		text := "BackendTLSPolicy " + p.Namespace + "/" + p.Name + " makes the gateway speak TLS to it (validation hostname " + orNone(p.Spec.Validation.Hostname) + ")"
		for _, a := range p.Status.Ancestors {
			for i := range a.Conditions {
				if c := &a.Conditions[i]; c.Status == metav1.ConditionFalse && f.TLSPolicyProblem == "" {
					f.TLSPolicyProblem = conditionText(c)
					text += "; status written by " + orNone(a.ControllerName) + ": " + f.TLSPolicyProblem
				}
			}
		}
		f.Evidence = append(f.Evidence, Evidence{Kind: "Object", Ref: f.Route.String(), Text: text})
		return
	}
}

func derefTarget(t *kinds.PolicyTargetRef) []kinds.PolicyTargetRef {
	if t == nil {
		return nil
	}
	return []kinds.PolicyTargetRef{*t}
}
