package analyzers

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nohealthy/nohealthy/kinds"
)

// The Gateway API's own semantics, as kubernetes-sigs/gateway-api states
// them: the defaults the API server fills in (config/crd/standard/*.yaml),
// how a parentRef selects listeners, which routes a listener admits, how
// hostnames intersect, and what a ReferenceGrant permits. The fact builder
// (build_gatewayapi.go) applies them to manifests that carry no status.

const gatewayAPIGroup = "gateway.networking.k8s.io"

// Route kinds (the report's object kinds).
const (
	kindHTTPRoute = "HTTPRoute"
	kindGRPCRoute = "GRPCRoute"
	kindTLSRoute  = "TLSRoute"
	kindTCPRoute  = "TCPRoute"
)

// Reasons a route does not attach or a backendRef is not used: the
// specification's (apis/v1/shared_types.go RouteReason*) and Envoy
// Gateway's PortNotFound (internal/gatewayapi/status/error.go), plus
// ParentNotFound, which no controller writes: a parent that does not
// exist gets no status at all.
const (
	reasonNoMatchingParent       = "NoMatchingParent"
	reasonNotAllowedByListeners  = "NotAllowedByListeners"
	reasonNoMatchingListenerHost = "NoMatchingListenerHostname"
	reasonParentNotFound         = "ParentNotFound"
	reasonPending                = "Pending"
	reasonRefNotPermitted        = "RefNotPermitted"
	reasonInvalidKind            = "InvalidKind"
	reasonBackendNotFound        = "BackendNotFound"
	reasonPortNotFound           = "PortNotFound"
)

// parentRef is a route's parentRef with the CRD defaults applied: group
// gateway.networking.k8s.io, kind Gateway, the route's namespace.
type parentRef struct {
	group, kind, namespace, name string
	section                      string // "" = any listener
	port                         int32  // 0 = any port
}

func defaultParentRef(p kinds.GatewayParentRef, routeNS string) parentRef {
	r := parentRef{group: gatewayAPIGroup, kind: "Gateway", namespace: routeNS, name: p.Name}
	if p.Group != nil {
		r.group = *p.Group
	}
	if p.Kind != nil {
		r.kind = *p.Kind
	}
	if p.Namespace != nil && *p.Namespace != "" {
		r.namespace = *p.Namespace
	}
	if p.SectionName != nil {
		r.section = *p.SectionName
	}
	if p.Port != nil {
		r.port = *p.Port
	}
	return r
}

// String names the parent as a person reads it: "Gateway infra/public
// section https port 443".
func (p parentRef) String() string {
	s := p.kind + " " + p.namespace + "/" + p.name
	if p.section != "" {
		s += " section " + p.section
	}
	if p.port != 0 {
		s += fmt.Sprintf(" port %d", p.port)
	}
	return s
}

// backendRef is a backendRef with the defaults applied: group "" (core),
// kind Service, the route's namespace, weight 1.
type backendRef struct {
	group, kind, namespace, name string
	port                         int32 // 0 = unset
	weight                       int32
}

func defaultBackendRef(b kinds.GatewayBackendRef, routeNS string) backendRef {
	r := backendRef{kind: "Service", namespace: routeNS, name: b.Name, weight: 1}
	if b.Group != nil {
		r.group = *b.Group
	}
	if b.Kind != nil {
		r.kind = *b.Kind
	}
	if b.Namespace != nil && *b.Namespace != "" {
		r.namespace = *b.Namespace
	}
	if b.Port != nil {
		r.port = *b.Port
	}
	if b.Weight != nil {
		r.weight = *b.Weight
	}
	return r
}

// isService reports whether the ref names a core Service.
func (b backendRef) isService() bool { return b.group == "" && b.kind == "Service" }

func (b backendRef) String() string {
	s := b.kind
	if b.group != "" {
		s += "." + b.group
	}
	s += " " + b.namespace + "/" + b.name
	if b.port != 0 {
		s += fmt.Sprintf(":%d", b.port)
	}
	return s
}

// hostnamesIntersect reports whether a listener hostname and a route
// hostname intersect (HTTPRouteSpec.Hostnames): equal, or one is a
// wildcard "*.suffix" and the other ends in ".suffix" — a wildcard matches
// one or more labels, never the bare suffix ("*.example.com" matches
// "foo.bar.example.com", not "example.com"). Two wildcards intersect when
// one's suffix ends in the other's.
func hostnamesIntersect(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	if a == b {
		return true
	}
	if strings.HasPrefix(a, "*.") && len(b) > len(a)-1 && strings.HasSuffix(b, a[1:]) {
		return true
	}
	return strings.HasPrefix(b, "*.") && len(a) > len(b)-1 && strings.HasSuffix(a, b[1:])
}

// routeHostnamesMatch reports whether a route with hostnames attaches to
// a listener with hostname: an unset hostname on either side matches all.
func routeHostnamesMatch(listener *string, route []string) bool {
	if listener == nil || *listener == "" || len(route) == 0 {
		return true
	}
	for _, h := range route {
		if hostnamesIntersect(*listener, h) {
			return true
		}
	}
	return false
}

// listenerKinds are the route kinds a listener admits: its
// allowedRoutes.kinds, or when unset the kinds its protocol carries
// (Listener.AllowedRoutes: "When unspecified or empty, the kinds of Routes
// selected are determined using the Listener protocol"). GRPCRoute rides
// on HTTP and HTTPS listeners in every implementation that supports it;
// TCPRoute on TLS listeners that terminate TLS. nil means any kind (an
// implementation-specific protocol). A listener whose protocol no
// implementation supports (protocolReserved) admits none.
func listenerKinds(l *kinds.GatewayListener) map[string]bool {
	if protocolReserved(l.Protocol) {
		return map[string]bool{}
	}
	if l.AllowedRoutes != nil && len(l.AllowedRoutes.Kinds) > 0 {
		out := map[string]bool{}
		for _, k := range l.AllowedRoutes.Kinds {
			if k.Group == nil || *k.Group == gatewayAPIGroup {
				out[k.Kind] = true
			}
		}
		return out
	}
	switch l.Protocol {
	case "HTTP", "HTTPS":
		return map[string]bool{kindHTTPRoute: true, kindGRPCRoute: true}
	case "TLS":
		return map[string]bool{kindTLSRoute: true, kindTCPRoute: true}
	case "TCP":
		return map[string]bool{kindTCPRoute: true}
	case "UDP":
		return map[string]bool{"UDPRoute": true}
	}
	return nil
}

// protocolReserved reports whether a listener protocol is an un-prefixed
// name other than the core ones (ProtocolType: "Un-prefixed names are
// reserved for core protocols", HTTP, HTTPS, TLS, TCP, UDP, compared as
// written; an implementation's own protocol is domain-prefixed,
// "example.com/bar"). No implementation accepts such a listener: each
// sets Accepted=False UnsupportedProtocol on it, and no route attaches.
func protocolReserved(p string) bool {
	switch p {
	case "HTTP", "HTTPS", "TLS", "TCP", "UDP":
		return false
	}
	return !strings.Contains(p, "/")
}

// namespacesFrom is allowedRoutes.namespaces.from with its default (Same).
func namespacesFrom(n *kinds.RouteNamespaces, def string) (from string, sel *metav1.LabelSelector) {
	if n == nil || n.From == nil || *n.From == "" {
		return def, nil
	}
	return *n.From, n.Selector
}

// namespaceAdmitted reports whether a route in routeNS may attach to a
// listener of an owner in ownerNS allowing from (Same, All, Selector,
// None) with selector sel over the route namespace's labels.
func namespaceAdmitted(from string, sel *metav1.LabelSelector, ownerNS, routeNS string, nsLabels map[string]string) bool {
	switch from {
	case "All":
		return true
	case "Same":
		return ownerNS == routeNS
	case "Selector":
		return sel != nil && selectorMatches(sel, nsLabels)
	}
	return false // None, or a value the API server rejects
}

// grantPermits reports whether grant (in the target's namespace) lets a
// from-kind object in fromNS refer to the target (ReferenceGrantSpec:
// a from entry matches group, kind and namespace; a to entry group and
// kind, and name when it sets one).
func grantPermits(g *kinds.ReferenceGrant, fromGroup, fromKind, fromNS string, to backendRef) bool {
	fromOK := false
	for _, f := range g.Spec.From {
		if f.Group == fromGroup && f.Kind == fromKind && f.Namespace == fromNS {
			fromOK = true
			break
		}
	}
	if !fromOK {
		return false
	}
	for _, t := range g.Spec.To {
		if t.Group == to.group && t.Kind == to.kind && (t.Name == nil || *t.Name == "" || *t.Name == to.name) {
			return true
		}
	}
	return false
}

// condition returns the condition of type t, nil when absent.
func condition(cs []metav1.Condition, t string) *metav1.Condition {
	for i := range cs {
		if cs[i].Type == t {
			return &cs[i]
		}
	}
	return nil
}

// conditionText renders a condition as evidence: "Accepted=False
// NotAllowedByListeners: message".
func conditionText(c *metav1.Condition) string {
	s := c.Type + "=" + string(c.Status)
	if c.Reason != "" {
		s += " " + c.Reason
	}
	if c.Message != "" {
		s += ": " + c.Message
	}
	return s
}

// pendingDefault reports whether c is the condition the API server fills
// in before any controller looked (Gateway and GatewayClass CRD defaults:
// status Unknown, reason Pending, "Waiting for controller").
func pendingDefault(c *metav1.Condition) bool {
	return c != nil && c.Status == metav1.ConditionUnknown && c.Reason == reasonPending
}
