package rules

import (
	"maps"
	"reflect"
	"slices"

	"github.com/nohealthy/nohealthy/analyzers"
)

// domain is one thing a rule can iterate: the variable it binds, its Go
// type, how to list its items, the default object and keys of an item, and
// the sentence FieldReference documents it with.
type domain struct {
	varName string
	typ     reflect.Type
	items   func(f *analyzers.Facts) []any
	ref     func(item any) analyzers.Ref
	keys    func(item any) []string
	doc     string
}

// domainOf builds the domain of fact type T from typed accessors: the
// facts' list of T, and an item's default object and keys. Every item the
// domain hands out is a *T, so the untyped accessors' assertions hold.
func domainOf[T any](varName, doc string, items func(*analyzers.Facts) []*T,
	ref func(*T) analyzers.Ref, keys func(*T) []string) *domain {
	return &domain{
		varName: varName,
		typ:     reflect.TypeFor[T](),
		doc:     doc,
		items: func(f *analyzers.Facts) []any {
			list := items(f)
			out := make([]any, len(list))
			for i, v := range list {
				out[i] = v
			}
			return out
		},
		ref:  func(item any) analyzers.Ref { return ref(item.(*T)) },
		keys: func(item any) []string { return keys(item.(*T)) },
	}
}

// domains is the registry of iterable facts. Adding a domain is adding an
// entry here and a fact type in analyzers; rules then reach it by name.
var domains = map[string]*domain{
	"services": domainOf("svc", "every Service with the pods its selector matches, its endpoints and ports",
		func(f *analyzers.Facts) []*analyzers.ServiceFact { return f.Services },
		func(x *analyzers.ServiceFact) analyzers.Ref { return x.Ref },
		func(x *analyzers.ServiceFact) []string { return x.Keys }),
	"workloads": domainOf("wl", "Deployments, StatefulSets, DaemonSets, bare ReplicaSets and Pods with the state of their pods",
		func(f *analyzers.Facts) []*analyzers.WorkloadFact { return f.Workloads },
		func(x *analyzers.WorkloadFact) analyzers.Ref { return x.Ref },
		func(x *analyzers.WorkloadFact) []string { return x.Keys }),
	"subsets": domainOf("subset", "every subset of every DestinationRule with the pods it selects",
		func(f *analyzers.Facts) []*analyzers.SubsetFact { return f.Subsets },
		func(x *analyzers.SubsetFact) analyzers.Ref { return x.DestinationRule },
		func(x *analyzers.SubsetFact) []string { return x.Keys }),
	"routes": domainOf("route", "every destination of every VirtualService route, resolved to Services, ServiceEntries and subsets",
		func(f *analyzers.Facts) []*analyzers.RouteFact { return f.Routes },
		func(x *analyzers.RouteFact) analyzers.Ref { return x.VirtualService },
		func(x *analyzers.RouteFact) []string { return x.Keys }),
	"virtualServices": domainOf("vs", "every VirtualService and its gateway bindings",
		func(f *analyzers.Facts) []*analyzers.VirtualServiceFact { return f.VirtualServices },
		func(x *analyzers.VirtualServiceFact) analyzers.Ref { return x.Ref },
		func(x *analyzers.VirtualServiceFact) []string { return x.Keys }),
	"gateways": domainOf("gw", "every Istio Gateway with the pods its selector matches and the routes bound to it",
		func(f *analyzers.Facts) []*analyzers.GatewayFact { return f.Gateways },
		func(x *analyzers.GatewayFact) analyzers.Ref { return x.Ref },
		func(x *analyzers.GatewayFact) []string { return x.Keys }),
	"destinationRules": domainOf("dr", "every DestinationRule with its TLS, outlier and pool settings and the symptoms of its host",
		func(f *analyzers.Facts) []*analyzers.DestinationRuleFact { return f.DestinationRules },
		func(x *analyzers.DestinationRuleFact) analyzers.Ref { return x.Ref },
		func(x *analyzers.DestinationRuleFact) []string { return x.Keys }),
	"peerAuthentications": domainOf("pa", "every PeerAuthentication with the clients outside the mesh it locks out",
		func(f *analyzers.Facts) []*analyzers.PeerAuthenticationFact { return f.PeerAuthentications },
		func(x *analyzers.PeerAuthenticationFact) analyzers.Ref { return x.Ref },
		func(x *analyzers.PeerAuthenticationFact) []string { return x.Keys }),
	"networkPolicies": domainOf("np", "every NetworkPolicy with the proxies it keeps from their backends",
		func(f *analyzers.Facts) []*analyzers.NetworkPolicyFact { return f.NetworkPolicies },
		func(x *analyzers.NetworkPolicyFact) analyzers.Ref { return x.Ref },
		func(x *analyzers.NetworkPolicyFact) []string { return x.Keys }),
	"nodes": domainOf("node", "every Node with its readiness, taints and the Services stranded on it",
		func(f *analyzers.Facts) []*analyzers.NodeFact { return f.Nodes },
		func(x *analyzers.NodeFact) analyzers.Ref { return x.Ref },
		func(x *analyzers.NodeFact) []string { return x.Keys }),
	"upstreams": domainOf("up", "every outbound Envoy cluster of every proxy's /clusters dump, with host health",
		func(f *analyzers.Facts) []*analyzers.UpstreamFact { return f.Upstreams },
		func(x *analyzers.UpstreamFact) analyzers.Ref { return x.Service },
		func(x *analyzers.UpstreamFact) []string { return x.Keys }),
	"symptoms": domainOf("sym", "every aggregated group of failure log lines",
		func(f *analyzers.Facts) []*analyzers.SymptomFact { return f.Symptoms },
		func(x *analyzers.SymptomFact) analyzers.Ref { return x.Reporter },
		func(x *analyzers.SymptomFact) []string { return x.Keys }),
	"dockerServices": domainOf("ds", "every Docker service (Swarm or Compose) and lone container, with the state of its tasks or containers and the proxy symptoms sent to it",
		func(f *analyzers.Facts) []*analyzers.DockerServiceFact { return f.DockerServices },
		func(x *analyzers.DockerServiceFact) analyzers.Ref { return x.Ref },
		func(x *analyzers.DockerServiceFact) []string { return x.Keys }),
	"gatewayAPIGateways": domainOf("gateway", "every Gateway API Gateway with its class, controller, status and the proxy pods that serve it",
		func(f *analyzers.Facts) []*analyzers.GatewayAPIGatewayFact { return f.GatewayAPIGateways },
		func(x *analyzers.GatewayAPIGatewayFact) analyzers.Ref { return x.Ref },
		func(x *analyzers.GatewayAPIGatewayFact) []string { return x.Keys }),
	"gatewayAPIRoutes": domainOf("gwRoute", "every parentRef of every Gateway API route (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute): attached or not, judged from the controller's status or computed from the spec",
		func(f *analyzers.Facts) []*analyzers.GatewayAPIRouteFact { return f.GatewayAPIRoutes },
		func(x *analyzers.GatewayAPIRouteFact) analyzers.Ref { return x.Ref },
		func(x *analyzers.GatewayAPIRouteFact) []string { return x.Keys }),
	"gatewayAPIBackends": domainOf("backend", "every backendRef of every Gateway API route: the Service it resolves to, ReferenceGrants, and why a controller would not use it",
		func(f *analyzers.Facts) []*analyzers.GatewayAPIBackendFact { return f.GatewayAPIBackends },
		func(x *analyzers.GatewayAPIBackendFact) analyzers.Ref { return x.Route },
		func(x *analyzers.GatewayAPIBackendFact) []string { return x.Keys }),
	"cluster": domainOf("cluster", "one item: cluster-wide facts (DNS, the Istio control plane)",
		func(f *analyzers.Facts) []*analyzers.ClusterFact { return f.Cluster },
		func(_ *analyzers.ClusterFact) analyzers.Ref { return analyzers.Ref{} },
		func(x *analyzers.ClusterFact) []string { return x.Keys }),
}

// DomainNames lists the domains in order.
func DomainNames() []string {
	return slices.Sorted(maps.Keys(domains))
}
