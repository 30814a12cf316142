package collect

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/nohealthy/nohealthy/bundle"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
)

// A 503 seen by a client of namespace NS is answered by a proxy that
// usually lives elsewhere: the ingress gateway in istio-system, the
// ingress-nginx controller, a Gateway API gateway in its own namespace,
// pointed at NS by routes that may live in a third. Its logs hold the
// symptom; the control plane that programs it (istiod, ztunnel) and DNS
// explain the rest. So a run limited to some namespaces also collects the
// namespaces that serve them, and records why each came along
// (bundle.Manifest.Serving). What serves is read from the routing
// objects themselves, as the proxies read them:
//
//   - Istio: VirtualServices in NS, or anywhere with a destination host in
//     NS, name Gateways ("ns/name", or "name" in the VirtualService's
//     namespace; "mesh" is the sidecars); a Gateway's selector picks its
//     pods in any namespace.
//   - Gateway API: HTTPRoutes, GRPCRoutes, TLSRoutes, TCPRoutes and
//     UDPRoutes in NS, or anywhere with a backendRef into NS, name their
//     Gateways as parentRefs (group gateway.networking.k8s.io and kind
//     Gateway by default, namespace the route's by default). Istio, NGINX
//     Gateway Fabric and kgateway label a Gateway's pods
//     gateway.networking.k8s.io/gateway-name in its namespace; Envoy
//     Gateway labels them gateway.envoyproxy.io/owning-gateway-name and
//     -namespace in its own namespace.
//   - Ingress: an Ingress of NS names its class by spec.ingressClassName,
//     else the kubernetes.io/ingress.class annotation, else the class
//     annotated ingressclass.kubernetes.io/is-default-class; the class's
//     spec.controller says who implements it (ingressControllers).
//   - Ambient: a namespace labelled istio.io/use-waypoint sends its traffic
//     through that waypoint (in istio.io/use-waypoint-namespace, or its
//     own).
//   - Always: istiod, ztunnel and CoreDNS pods.
//
// Reading cluster-wide may be forbidden to someone who may read NS: each
// such read falls back to the namespaces where the answer usually is, and
// the fallback is recorded.

// servingSelectors are the pods that serve every namespace.
var servingSelectors = []struct {
	selector, reason, fallbackNS string
}{
	{"app=istiod", "the Istio control plane (istiod)", "istio-system"},
	{"app=ztunnel", "the ambient data plane (ztunnel)", "istio-system"},
	{"k8s-app=kube-dns", "cluster DNS (CoreDNS)", "kube-system"},
}

// ingressController is how to find the pods implementing an IngressClass
// controller.
type ingressController struct {
	selector, fallbackNS string
	// keep, when set, drops pods the selector matches that serve another
	// controller name or are not the controller itself.
	keep func(pod *unstructured.Unstructured, controller string) bool
}

// ingressControllers maps IngressClass spec.controller values to their
// pods. ingress-nginx's controller pods run with --controller-class (the
// default being k8s.io/ingress-nginx); Istio implements Ingresses with the
// gateway its meshConfig.ingressSelector names, istio=ingressgateway by
// default.
var ingressControllers = map[string]ingressController{
	"k8s.io/ingress-nginx":        {selector: "app.kubernetes.io/name=ingress-nginx", fallbackNS: "ingress-nginx", keep: nginxControllerClass},
	"istio.io/ingress-controller": {selector: "istio=ingressgateway", fallbackNS: "istio-system"},
}

// legacyIngressClasses are the controllers behind the class names of the
// kubernetes.io/ingress.class annotation when no IngressClass object of
// that name exists.
var legacyIngressClasses = map[string]string{"nginx": "k8s.io/ingress-nginx", "istio": "istio.io/ingress-controller"}

func nginxControllerClass(pod *unstructured.Unstructured, controller string) bool {
	if c, ok := pod.GetLabels()["app.kubernetes.io/component"]; ok && c != "controller" {
		return false // the admission webhook's jobs carry the same name label
	}
	containers, _, _ := unstructured.NestedSlice(pod.Object, "spec", "containers")
	class := "k8s.io/ingress-nginx"
	for _, c := range containers {
		cm, _ := c.(map[string]any)
		args, _, _ := unstructured.NestedStringSlice(cm, "args")
		for _, a := range args {
			if v, ok := strings.CutPrefix(a, "--controller-class="); ok {
				class = v
			}
		}
	}
	return class == controller
}

// routeResources are the Gateway API route kinds whose parents serve
// their backends.
var routeResources = []string{"httproutes", "grpcroutes", "tlsroutes", "tcproutes", "udproutes"}

var gatewayAPIGroups = []string{"gateway.networking.k8s.io", "gateway.networking.x-k8s.io"}

// lister lists one resource in namespace ns ("" = every namespace, or a
// cluster-scoped resource).
type lister func(ctx context.Context, t Target, ns string, opts metav1.ListOptions) ([]unstructured.Unstructured, error)

// servingResolver finds the namespaces and pods that serve the requested
// namespaces.
type servingResolver struct {
	ctx       context.Context
	list      lister
	targets   map[string]Target // by Name()
	requested map[string]bool
	order     []string // requested, in the order given
	exclude   map[string]bool

	found    map[string]*servingNS
	pods     map[string]bool // "ns/name"
	problems []string
	denied   bool
}

type servingNS struct {
	reasons []string
	pods    []string
}

// maxReasons caps the reasons kept per namespace: the first ones say
// enough.
const maxReasons = 8

func newServingResolver(ctx context.Context, list lister, targets []Target, requested, exclude []string) *servingResolver {
	s := &servingResolver{ctx: ctx, list: list, targets: map[string]Target{}, requested: map[string]bool{}, exclude: map[string]bool{},
		found: map[string]*servingNS{}, pods: map[string]bool{}}
	for _, t := range targets {
		s.targets[t.Name()] = t
	}
	for _, ns := range requested {
		if !s.requested[ns] {
			s.order = append(s.order, ns)
		}
		s.requested[ns] = true
	}
	for _, ns := range exclude {
		s.exclude[ns] = true
	}
	return s
}

// resolve runs every rule; the result is in found and pods.
func (s *servingResolver) resolve() {
	for _, sp := range servingSelectors {
		s.addPods(s.listPods(sp.selector, "", sp.fallbackNS, sp.reason), sp.reason)
	}
	s.istio()
	s.gatewayAPI()
	s.ingresses()
	s.waypoints()
}

// result returns the serving namespaces, sorted, with their reasons.
func (s *servingResolver) result() []bundle.ServingNamespace {
	var out []bundle.ServingNamespace
	for _, ns := range slices.Sorted(maps.Keys(s.found)) {
		f := s.found[ns]
		reasons := f.reasons
		if len(reasons) > maxReasons {
			reasons = append(reasons[:maxReasons:maxReasons], fmt.Sprintf("and %d more", len(f.reasons)-maxReasons))
		}
		pods := slices.Clone(f.pods)
		slices.Sort(pods)
		out = append(out, bundle.ServingNamespace{Namespace: ns, Reasons: reasons, Pods: pods})
	}
	return out
}

func (s *servingResolver) add(ns, reason string) {
	if ns == "" || s.requested[ns] || s.exclude[ns] {
		return
	}
	f := s.found[ns]
	if f == nil {
		f = &servingNS{}
		s.found[ns] = f
	}
	if !slices.Contains(f.reasons, reason) {
		f.reasons = append(f.reasons, reason)
	}
}

// addPods records pods as serving, and their namespaces with reason.
func (s *servingResolver) addPods(pods []unstructured.Unstructured, reason string) {
	for i := range pods {
		ns, name := pods[i].GetNamespace(), pods[i].GetName()
		if s.exclude[ns] {
			continue
		}
		s.pods[ns+"/"+name] = true
		s.add(ns, reason)
		if f := s.found[ns]; f != nil && !slices.Contains(f.pods, name) {
			f.pods = append(f.pods, name)
		}
	}
}

// listWide lists a resource in every namespace, or, when that is
// forbidden, in each of fallback (the requested namespaces if nil).
func (s *servingResolver) listWide(name string, opts metav1.ListOptions, fallback []string) []unstructured.Unstructured {
	t, ok := s.targets[name]
	if !ok {
		return nil
	}
	items, err := s.list(s.ctx, t, "", opts)
	if err == nil {
		return items
	}
	if !apierrors.IsForbidden(err) {
		s.problem(fmt.Sprintf("%s: %v", name, err))
		return nil
	}
	if fallback == nil {
		fallback = s.order
	}
	s.denied = true
	s.problem(fmt.Sprintf("%s may not be listed in every namespace; looked in %s only", name, strings.Join(fallback, ", ")))
	for _, ns := range fallback {
		more, err := s.list(s.ctx, t, ns, opts)
		if err != nil {
			if apierrors.IsForbidden(err) {
				s.denied = true
			}
			s.problem(fmt.Sprintf("%s in %s: %v", name, ns, err))
			continue
		}
		items = append(items, more...)
	}
	return items
}

func (s *servingResolver) problem(msg string) {
	if !slices.Contains(s.problems, msg) {
		s.problems = append(s.problems, msg)
	}
}

// listPods lists the pods matching selector in ns ("" = all namespaces,
// falling back to fallbackNS when that is forbidden).
func (s *servingResolver) listPods(selector, ns, fallbackNS, why string) []unstructured.Unstructured {
	opts := metav1.ListOptions{LabelSelector: selector}
	if ns != "" {
		t := s.targets["pods"]
		items, err := s.list(s.ctx, t, ns, opts)
		if err != nil {
			if apierrors.IsForbidden(err) {
				s.denied = true
			}
			s.problem(fmt.Sprintf("pods of %s (%s) in %s: %v", why, selector, ns, err))
		}
		return items
	}
	return s.listWide("pods", opts, []string{fallbackNS})
}

type objKey struct{ ns, name string }

func (k objKey) String() string { return k.ns + "/" + k.name }

// refs sorts the names of referrers for a reason: "A" or "A (and 3 more)".
func refs(names []string) string {
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 1 {
		return names[0]
	}
	return fmt.Sprintf("%s (and %d more)", names[0], len(names)-1)
}

// hostNamespace is the namespace of a Kubernetes service host as Istio
// destinations name it: "svc" (a short name, in the referrer's
// namespace), "svc.ns", "svc.ns.svc" or "svc.ns.svc.<domain>", and
// wildcards of those. "" for other hosts (ServiceEntries, outside names).
func hostNamespace(host, referrerNS string) string {
	if host == "" {
		return ""
	}
	parts := strings.Split(host, ".")
	switch {
	case len(parts) == 1:
		return referrerNS
	case len(parts) == 2:
		return parts[1]
	case parts[2] == "svc":
		return parts[1]
	}
	return ""
}

// istio follows VirtualServices into the requested namespaces to their
// Gateways and the gateways' pods.
func (s *servingResolver) istio() {
	const vsName, gwName = "virtualservices.networking.istio.io", "gateways.networking.istio.io"
	bound := map[objKey][]string{}
	for _, vs := range s.listWide(vsName, metav1.ListOptions{}, nil) {
		ns := vs.GetNamespace()
		self := "VirtualService " + ns + "/" + vs.GetName()
		into := ""
		if s.requested[ns] {
			into = ns
		}
		for _, h := range vsDestinationHosts(vs.Object) {
			if hns := hostNamespace(h, ns); s.requested[hns] && into == "" {
				into = hns
			}
		}
		if into == "" {
			continue
		}
		s.add(ns, self+" routes into "+into)
		for _, g := range vsGateways(vs.Object) {
			if g == "mesh" {
				continue
			}
			k := objKey{ns, g}
			if gns, name, ok := strings.Cut(g, "/"); ok {
				k = objKey{gns, name}
			}
			bound[k] = append(bound[k], self)
		}
	}
	if len(bound) == 0 {
		return
	}
	gateways := map[objKey]*unstructured.Unstructured{}
	if _, ok := s.targets[gwName]; ok {
		var nss []string
		for k := range bound {
			nss = append(nss, k.ns)
		}
		slices.Sort(nss)
		items := s.listWide(gwName, metav1.ListOptions{}, slices.Compact(nss))
		for i := range items {
			gateways[objKey{items[i].GetNamespace(), items[i].GetName()}] = &items[i]
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(bound), func(a, b objKey) int { return strings.Compare(a.String(), b.String()) }) {
		reason := "Istio Gateway " + k.String() + ", bound by " + refs(bound[k])
		gw := gateways[k]
		if gw == nil {
			s.add(k.ns, reason+" (the Gateway was not found)")
			continue
		}
		s.add(k.ns, reason)
		sel, _, _ := unstructured.NestedStringMap(gw.Object, "spec", "selector")
		if len(sel) == 0 {
			continue
		}
		selector := labels.SelectorFromSet(sel).String()
		s.addPods(s.listPods(selector, "", k.ns, "Istio Gateway "+k.String()), "pods of Istio Gateway "+k.String()+" (selector "+selector+")")
	}
}

// vsDestinationHosts are the hosts a VirtualService sends traffic to.
func vsDestinationHosts(obj map[string]any) []string {
	var hosts []string
	for _, proto := range []string{"http", "tcp", "tls"} {
		routes, _, _ := unstructured.NestedSlice(obj, "spec", proto)
		for _, r := range routes {
			rm, _ := r.(map[string]any)
			dests, _, _ := unstructured.NestedSlice(rm, "route")
			for _, d := range dests {
				dm, _ := d.(map[string]any)
				if h, _, _ := unstructured.NestedString(dm, "destination", "host"); h != "" {
					hosts = append(hosts, h)
				}
			}
			if h, _, _ := unstructured.NestedString(rm, "mirror", "host"); h != "" {
				hosts = append(hosts, h)
			}
			mirrors, _, _ := unstructured.NestedSlice(rm, "mirrors")
			for _, m := range mirrors {
				mm, _ := m.(map[string]any)
				if h, _, _ := unstructured.NestedString(mm, "destination", "host"); h != "" {
					hosts = append(hosts, h)
				}
			}
		}
	}
	return hosts
}

// vsGateways are the gateways a VirtualService binds: spec.gateways and
// those its routes' matches name.
func vsGateways(obj map[string]any) []string {
	gws, _, _ := unstructured.NestedStringSlice(obj, "spec", "gateways")
	for _, proto := range []string{"http", "tcp", "tls"} {
		routes, _, _ := unstructured.NestedSlice(obj, "spec", proto)
		for _, r := range routes {
			rm, _ := r.(map[string]any)
			matches, _, _ := unstructured.NestedSlice(rm, "match")
			for _, m := range matches {
				mm, _ := m.(map[string]any)
				more, _, _ := unstructured.NestedStringSlice(mm, "gateways")
				gws = append(gws, more...)
			}
		}
	}
	slices.Sort(gws)
	return slices.Compact(gws)
}

// gatewayAPI follows routes into the requested namespaces to their parent
// Gateways and the gateways' pods.
func (s *servingResolver) gatewayAPI() {
	parents := map[objKey][]string{}
	for _, group := range gatewayAPIGroups {
		for _, res := range routeResources {
			for _, rt := range s.listWide(res+"."+group, metav1.ListOptions{}, nil) {
				ns := rt.GetNamespace()
				self := rt.GetKind() + " " + ns + "/" + rt.GetName()
				into := ""
				if s.requested[ns] {
					into = ns
				}
				for _, bns := range routeBackendNamespaces(rt.Object, ns) {
					if s.requested[bns] && into == "" {
						into = bns
					}
				}
				if into == "" {
					continue
				}
				s.add(ns, self+" routes into "+into)
				for _, k := range routeParentGateways(rt.Object, ns) {
					parents[k] = append(parents[k], self)
				}
			}
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(parents), func(a, b objKey) int { return strings.Compare(a.String(), b.String()) }) {
		reason := "Gateway " + k.String() + ", parent of " + refs(parents[k])
		s.add(k.ns, reason)
		if len(validation.IsValidLabelValue(k.name)) > 0 || len(validation.IsValidLabelValue(k.ns)) > 0 {
			continue // not a label value: no pod can carry it
		}
		s.addPods(s.listPods("gateway.networking.k8s.io/gateway-name="+k.name, k.ns, "", "Gateway "+k.String()), "pods of Gateway "+k.String())
		eg := "gateway.envoyproxy.io/owning-gateway-name=" + k.name + ",gateway.envoyproxy.io/owning-gateway-namespace=" + k.ns
		s.addPods(s.listPods(eg, "", "envoy-gateway-system", "Gateway "+k.String()), "Envoy Gateway pods of Gateway "+k.String())
	}
}

// routeBackendNamespaces are the namespaces of a route's Service
// backends (rules[].backendRefs and request mirror filters; a backend's
// namespace defaults to the route's).
func routeBackendNamespaces(obj map[string]any, routeNS string) []string {
	var out []string
	ref := func(m map[string]any) {
		if g, _, _ := unstructured.NestedString(m, "group"); g != "" {
			return
		}
		if k, _, _ := unstructured.NestedString(m, "kind"); k != "" && k != "Service" {
			return
		}
		ns, _, _ := unstructured.NestedString(m, "namespace")
		if ns == "" {
			ns = routeNS
		}
		out = append(out, ns)
	}
	rules, _, _ := unstructured.NestedSlice(obj, "spec", "rules")
	for _, r := range rules {
		rm, _ := r.(map[string]any)
		brs, _, _ := unstructured.NestedSlice(rm, "backendRefs")
		for _, b := range brs {
			bm, _ := b.(map[string]any)
			ref(bm)
		}
		filters, _, _ := unstructured.NestedSlice(rm, "filters")
		for _, f := range filters {
			fm, _ := f.(map[string]any)
			if m, ok, _ := unstructured.NestedMap(fm, "requestMirror", "backendRef"); ok {
				ref(m)
			}
		}
	}
	return out
}

// routeParentGateways are a route's parentRefs that name Gateways.
func routeParentGateways(obj map[string]any, routeNS string) []objKey {
	var out []objKey
	prs, _, _ := unstructured.NestedSlice(obj, "spec", "parentRefs")
	for _, p := range prs {
		pm, _ := p.(map[string]any)
		group, ok, _ := unstructured.NestedString(pm, "group")
		if !ok {
			group = "gateway.networking.k8s.io"
		}
		kind, ok, _ := unstructured.NestedString(pm, "kind")
		if !ok {
			kind = "Gateway"
		}
		if group != "gateway.networking.k8s.io" || kind != "Gateway" {
			continue
		}
		name, _, _ := unstructured.NestedString(pm, "name")
		ns, _, _ := unstructured.NestedString(pm, "namespace")
		if ns == "" {
			ns = routeNS
		}
		if name != "" {
			out = append(out, objKey{ns, name})
		}
	}
	return out
}

// ingresses follows the requested namespaces' Ingresses to their classes'
// controllers.
func (s *servingResolver) ingresses() {
	const ingName, className = "ingresses.networking.k8s.io", "ingressclasses.networking.k8s.io"
	t, ok := s.targets[ingName]
	if !ok {
		return
	}
	users := map[string][]string{} // class -> Ingresses
	for _, ns := range s.order {
		items, err := s.list(s.ctx, t, ns, metav1.ListOptions{})
		if err != nil {
			if apierrors.IsForbidden(err) {
				s.denied = true
			}
			s.problem(fmt.Sprintf("%s in %s: %v", ingName, ns, err))
			continue
		}
		for _, ing := range items {
			class, _, _ := unstructured.NestedString(ing.Object, "spec", "ingressClassName")
			if class == "" {
				class = ing.GetAnnotations()["kubernetes.io/ingress.class"]
			}
			users[class] = append(users[class], "Ingress "+ns+"/"+ing.GetName())
		}
	}
	if len(users) == 0 {
		return
	}
	controllers := map[string]string{} // class -> controller
	defaultClass := ""
	if ct, ok := s.targets[className]; ok {
		classes, err := s.list(s.ctx, ct, "", metav1.ListOptions{})
		if err != nil {
			if apierrors.IsForbidden(err) {
				s.denied = true
			}
			s.problem(fmt.Sprintf("%s: %v", className, err))
		}
		for _, c := range classes {
			ctrl, _, _ := unstructured.NestedString(c.Object, "spec", "controller")
			controllers[c.GetName()] = ctrl
			if c.GetAnnotations()["ingressclass.kubernetes.io/is-default-class"] == "true" {
				defaultClass = c.GetName()
			}
		}
	}
	for _, class := range slices.Sorted(maps.Keys(users)) {
		name := class
		if name == "" {
			name = defaultClass
		}
		ctrl, ok := controllers[name]
		if !ok {
			ctrl = legacyIngressClasses[name]
		}
		ic, known := ingressControllers[ctrl]
		if name == "" || !known {
			if name != "" {
				s.problem(fmt.Sprintf("IngressClass %s (controller %q, used by %s): gather does not know that controller's pods", name, ctrl, refs(users[class])))
			}
			continue
		}
		why := fmt.Sprintf("IngressClass %s (%s)", name, ctrl)
		pods := s.listPods(ic.selector, "", ic.fallbackNS, why)
		if ic.keep != nil {
			pods = slices.DeleteFunc(pods, func(p unstructured.Unstructured) bool { return !ic.keep(&p, ctrl) })
		}
		s.addPods(pods, fmt.Sprintf("controller of %s, used by %s", why, refs(users[class])))
	}
}

// waypoints follows istio.io/use-waypoint on the requested namespaces to
// the waypoint's pods.
func (s *servingResolver) waypoints() {
	t, ok := s.targets["namespaces"]
	if !ok {
		return
	}
	for _, ns := range s.order {
		items, err := s.list(s.ctx, t, "", metav1.ListOptions{FieldSelector: "metadata.name=" + ns})
		if err != nil || len(items) == 0 {
			continue // reading one's own namespace is often not granted; the rest still stands
		}
		l := items[0].GetLabels()
		name := l["istio.io/use-waypoint"]
		if name == "" || name == "none" || len(validation.IsValidLabelValue(name)) > 0 {
			continue
		}
		wns := l["istio.io/use-waypoint-namespace"]
		if wns == "" {
			wns = ns
		}
		reason := "waypoint " + wns + "/" + name + ", used by namespace " + ns
		s.add(wns, reason)
		s.addPods(s.listPods("gateway.networking.k8s.io/gateway-name="+name, wns, "", "waypoint "+wns+"/"+name), reason)
	}
}

// resolveServing fills r.serving, r.servingNS, r.servingPods and adds the
// serving namespaces to r.namespaces.
func (r *run) resolveServing() {
	s := newServingResolver(r.ctx, r.listObjects, r.targets, r.namespaces, r.cfg.ExcludeNamespaces)
	s.resolve()
	r.serving = s.result()
	r.servingPods = s.pods
	for _, sn := range r.serving {
		r.servingNS[sn.Namespace] = true
		r.namespaces = append(r.namespaces, sn.Namespace)
	}
	r.servingProblems, r.servingDenied = s.problems, s.denied
}

// servingStatus is the "serving-namespaces" collector: how many
// namespaces came along, and what could not be looked at.
func (r *run) servingStatus() (bundle.CollectorStatus, string, bool) {
	if len(r.cfg.Namespaces) == 0 || r.cfg.NoServing {
		return bundle.CollectorStatus{}, "", false
	}
	st := bundle.CollectorStatus{Name: "serving-namespaces", Status: bundle.StatusOK, Count: len(r.serving)}
	advice := ""
	if len(r.servingProblems) > 0 {
		st.Message = strings.Join(r.servingProblems, "; ")
		if r.servingDenied {
			advice = "grant get and list on them in every namespace (deploy/rbac.yaml) to find every gateway serving these namespaces, or name their namespaces with -n"
		}
	}
	return st, advice, true
}

// listObjects is the lister of a live run: paged, retried, bounded by the
// per-call deadline.
func (r *run) listObjects(ctx context.Context, t Target, ns string, opts metav1.ListOptions) ([]unstructured.Unstructured, error) {
	ri := r.dyn.Resource(t.GVR)
	var out []unstructured.Unstructured
	opts.Limit = r.cfg.PageSize
	for {
		var page *unstructured.UnstructuredList
		err := r.cfg.Retry.Do(ctx, func(ctx context.Context) error {
			var e error
			if t.Namespaced && ns != "" {
				page, e = ri.Namespace(ns).List(ctx, opts)
			} else {
				page, e = ri.List(ctx, opts)
			}
			return e
		})
		if err != nil {
			return out, err
		}
		out = append(out, page.Items...)
		if opts.Continue = page.GetContinue(); opts.Continue == "" {
			return out, nil
		}
	}
}
