package analyzers

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/kinds"
)

// How Gateway API proxies name what a log line was about, so the line
// joins the route, rule and Service facts:
//
//	Envoy Gateway  route_name        httproute/<ns>/<name>/rule/<i>/match/<j>/<host>
//	               upstream_cluster  httproute/<ns>/<name>/rule/<i>  (grpcroute/, tlsroute/, tcproute/ likewise)
//	                                 service/<ns>/<name>/<port>[/<proto>]  (merged backends, v1.9+)
//	               (internal/gatewayapi/helpers.go irRouteName, irRouteDestinationName, irBackendClusterName)
//	Istio          ROUTE_NAME        <ns>.<name>.<rule index>  (pilot/pkg/config/kube/gateway/conversion.go)
//	kgateway       upstream_cluster  kube_<ns>_<name>_<port>  (internal/kgateway/ir/upstream.go ClusterName)
//	NGINX Gateway  upstream          <ns>_<name>_<port>  (internal/controller/state/graph/backend_refs.go)
//	  Fabric
//	Cilium         upstream_cluster  <ns>:<name>:<port>
//
// Each is resolved once per symptom group, never per line.

// gatewayRouteRef is a route (and rule, -1 when unknown) a proxy named.
type gatewayRouteRef struct {
	kind, ns, name string
	rule           int
}

// routeKinds maps Envoy Gateway's lower-case route prefixes to kinds.
var routeKinds = map[string]string{"httproute": kindHTTPRoute, "grpcroute": kindGRPCRoute, "tlsroute": kindTLSRoute, "tcproute": kindTCPRoute}

// parseEnvoyGatewayRoute reads <kind>/<ns>/<name>[/rule/<i>[/...]].
func parseEnvoyGatewayRoute(s string) (gatewayRouteRef, bool) {
	prefix, rest, ok := strings.Cut(s, "/")
	kind := routeKinds[prefix]
	if !ok || kind == "" {
		return gatewayRouteRef{}, false
	}
	ns, rest, ok := strings.Cut(rest, "/")
	if !ok || ns == "" {
		return gatewayRouteRef{}, false
	}
	name, rest, _ := strings.Cut(rest, "/")
	if name == "" {
		return gatewayRouteRef{}, false
	}
	r := gatewayRouteRef{kind: kind, ns: ns, name: name, rule: -1}
	if after, ok := strings.CutPrefix(rest, "rule/"); ok {
		idx, _, _ := strings.Cut(after, "/")
		if n, err := strconv.Atoi(idx); err == nil && n >= 0 {
			r.rule = n
		}
	}
	return r, true
}

// parseIstioGatewayRoute reads Istio's <ns>.<name>.<rule> and keeps it
// only when such an HTTPRoute or GRPCRoute is in the input: the shape is
// too plain to trust alone. A namespace has no dot; a route name may.
func (g *gatewayAPIIndex) parseIstioGatewayRoute(s string) (gatewayRouteRef, bool) {
	ns, rest, ok := strings.Cut(s, ".")
	i := strings.LastIndexByte(rest, '.')
	if !ok || i <= 0 {
		return gatewayRouteRef{}, false
	}
	n, err := strconv.Atoi(rest[i+1:])
	if err != nil || n < 0 {
		return gatewayRouteRef{}, false
	}
	for _, kind := range []string{kindHTTPRoute, kindGRPCRoute} {
		if _, ok := g.byKey[kind+"/"+ns+"/"+rest[:i]]; ok {
			return gatewayRouteRef{kind: kind, ns: ns, name: rest[:i], rule: n}, true
		}
	}
	return gatewayRouteRef{}, false
}

// gatewayAPISymptom adds to a symptom's keys the Gateway API route and
// rule its proxy named, and returns the Service the line concerns: svc
// when resolveUpstream found one, else the Service of the rule or of an
// implementation's cluster name.
func (b *builder) gatewayAPISymptom(s *logscan.Symptom, svc *corev1.Service, keys *symptomKeys) *corev1.Service {
	up := strings.TrimSuffix(s.Upstream, ";")
	var rr gatewayRouteRef
	found := false
	if r, ok := parseEnvoyGatewayRoute(s.Route); ok {
		rr, found = r, true
	} else if r, ok := parseEnvoyGatewayRoute(up); ok {
		rr, found = r, true
	} else if b.gwapi != nil && s.Route != "" {
		rr, found = b.gwapi.parseIstioGatewayRoute(s.Route)
	}
	if found {
		keys.add("route:", rr.kind, "/", rr.ns, "/", rr.name)
		if rr.rule >= 0 {
			keys.add("rule:", rr.kind, "/", rr.ns, "/", rr.name, "/", strconv.Itoa(rr.rule))
		}
		if b.gwapi != nil && rr.rule >= 0 {
			if r := b.gwapi.byKey[rr.kind+"/"+rr.ns+"/"+rr.name]; r != nil && rr.rule < len(r.ruleServices) {
				for i, rs := range r.ruleServices[rr.rule] {
					if svc == nil && i == 0 {
						svc = rs
						continue
					}
					keys.add("svc:", rs.Namespace, "/", rs.Name)
				}
			}
		}
	}
	if svc == nil && up != "" {
		svc = serviceOfClusterName(kinds.Services.In(b.s), up)
	}
	return svc
}

// serviceOfClusterName resolves the upstream names Gateway API proxies
// give a Service (see the table above); nil when name is none of them or
// names no Service in the input.
func serviceOfClusterName(services map[string]*corev1.Service, name string) *corev1.Service {
	// nginx logs the upstream as a URL: http://<upstream>/<path>.
	if i := strings.Index(name, "://"); i >= 0 {
		name = name[i+3:]
		if j := strings.IndexByte(name, '/'); j >= 0 {
			name = name[:j]
		}
	}
	var ns, svc, port string
	switch {
	case strings.HasPrefix(name, "service/"):
		parts := strings.Split(name, "/")
		if len(parts) < 4 {
			return nil
		}
		ns, svc, port = parts[1], parts[2], parts[3]
	case strings.HasPrefix(name, "kube_"):
		parts := strings.Split(name, "_")
		if len(parts) != 4 {
			return nil
		}
		ns, svc, port = parts[1], parts[2], parts[3]
	case strings.Count(name, "_") == 2:
		ns, svc, port = splitThree(name, '_')
	case strings.Count(name, ":") == 2:
		ns, svc, port = splitThree(name, ':')
	default:
		return nil
	}
	if _, err := strconv.Atoi(port); err != nil || ns == "" || svc == "" {
		return nil
	}
	s := services[key(ns, svc)]
	if s == nil {
		return nil
	}
	for _, p := range s.Spec.Ports {
		if strconv.Itoa(int(p.Port)) == port {
			return s
		}
	}
	return nil
}

func splitThree(s string, sep byte) (a, b, c string) {
	i := strings.IndexByte(s, sep)
	j := strings.LastIndexByte(s, sep)
	return s[:i], s[i+1 : j], s[j+1:]
}

// configuredOutsideMesh reports whether the proxy that logged a line is
// an Envoy whose configuration does not come from Istio's control plane
// (an Envoy Gateway or kgateway proxy), so that istiod's state explains
// none of its lines (they lack the key global:mesh).
func (b *builder) configuredOutsideMesh(o logscan.Origin) bool {
	return len(b.outsideMesh) > 0 && o.Pod != "" && b.outsideMesh[key(o.Namespace, o.Pod)]
}

// indexOutsideMesh finds the pods configuredOutsideMesh names, once.
func (b *builder) indexOutsideMesh() {
	for _, p := range b.ix.pods {
		outside := p.Labels["gateway.envoyproxy.io/owning-gateway-name"] != ""
		for _, c := range p.Spec.Containers {
			outside = outside || c.Name == "kgateway-proxy"
		}
		if outside {
			if b.outsideMesh == nil {
				b.outsideMesh = map[string]bool{}
			}
			b.outsideMesh[key(p.Namespace, p.Name)] = true
		}
	}
}
