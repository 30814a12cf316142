package rules

import (
	"reflect"
	"sort"

	"github.com/nohealthy/nohealthy/analyzers"
)

// domain is one thing a rule can iterate: the variable it binds, its Go
// type, how to list its items, and the default object and keys of an item.
type domain struct {
	name    string
	varName string
	typ     reflect.Type
	items   func(f *analyzers.Facts) []any
	ref     func(item any) analyzers.Ref
	keys    func(item any) []string
	doc     string
}

func listOf[T any](s []*T) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// domains is the registry of iterable facts. Adding a domain is adding a
// line here and a fact type in analyzers; rules then reach it by name.
var domains = map[string]*domain{
	"services": {name: "services", varName: "svc", typ: reflect.TypeOf(analyzers.ServiceFact{}),
		items: func(f *analyzers.Facts) []any { return listOf(f.Services) },
		ref:   func(i any) analyzers.Ref { return i.(*analyzers.ServiceFact).Ref },
		keys:  func(i any) []string { return i.(*analyzers.ServiceFact).Keys },
		doc:   "every Service with the pods its selector matches, its endpoints and ports"},
	"workloads": {name: "workloads", varName: "wl", typ: reflect.TypeOf(analyzers.WorkloadFact{}),
		items: func(f *analyzers.Facts) []any { return listOf(f.Workloads) },
		ref:   func(i any) analyzers.Ref { return i.(*analyzers.WorkloadFact).Ref },
		keys:  func(i any) []string { return i.(*analyzers.WorkloadFact).Keys },
		doc:   "Deployments, StatefulSets, DaemonSets, bare ReplicaSets and Pods with the state of their pods"},
	"subsets": {name: "subsets", varName: "subset", typ: reflect.TypeOf(analyzers.SubsetFact{}),
		items: func(f *analyzers.Facts) []any { return listOf(f.Subsets) },
		ref:   func(i any) analyzers.Ref { return i.(*analyzers.SubsetFact).DestinationRule },
		keys:  func(i any) []string { return i.(*analyzers.SubsetFact).Keys },
		doc:   "every subset of every DestinationRule with the pods it selects"},
	"routes": {name: "routes", varName: "route", typ: reflect.TypeOf(analyzers.RouteFact{}),
		items: func(f *analyzers.Facts) []any { return listOf(f.Routes) },
		ref:   func(i any) analyzers.Ref { return i.(*analyzers.RouteFact).VirtualService },
		keys:  func(i any) []string { return i.(*analyzers.RouteFact).Keys },
		doc:   "every destination of every VirtualService route, resolved to Services, ServiceEntries and subsets"},
	"virtualServices": {name: "virtualServices", varName: "vs", typ: reflect.TypeOf(analyzers.VirtualServiceFact{}),
		items: func(f *analyzers.Facts) []any { return listOf(f.VirtualServices) },
		ref:   func(i any) analyzers.Ref { return i.(*analyzers.VirtualServiceFact).Ref },
		keys:  func(i any) []string { return i.(*analyzers.VirtualServiceFact).Keys },
		doc:   "every VirtualService and its gateway bindings"},
	"gateways": {name: "gateways", varName: "gw", typ: reflect.TypeOf(analyzers.GatewayFact{}),
		items: func(f *analyzers.Facts) []any { return listOf(f.Gateways) },
		ref:   func(i any) analyzers.Ref { return i.(*analyzers.GatewayFact).Ref },
		keys:  func(i any) []string { return i.(*analyzers.GatewayFact).Keys },
		doc:   "every Istio Gateway with the pods its selector matches and the routes bound to it"},
	"destinationRules": {name: "destinationRules", varName: "dr", typ: reflect.TypeOf(analyzers.DestinationRuleFact{}),
		items: func(f *analyzers.Facts) []any { return listOf(f.DestinationRules) },
		ref:   func(i any) analyzers.Ref { return i.(*analyzers.DestinationRuleFact).Ref },
		keys:  func(i any) []string { return i.(*analyzers.DestinationRuleFact).Keys },
		doc:   "every DestinationRule with its TLS, outlier and pool settings and the symptoms of its host"},
	"networkPolicies": {name: "networkPolicies", varName: "np", typ: reflect.TypeOf(analyzers.NetworkPolicyFact{}),
		items: func(f *analyzers.Facts) []any { return listOf(f.NetworkPolicies) },
		ref:   func(i any) analyzers.Ref { return i.(*analyzers.NetworkPolicyFact).Ref },
		keys:  func(i any) []string { return i.(*analyzers.NetworkPolicyFact).Keys },
		doc:   "every NetworkPolicy with the proxies it keeps from their backends"},
	"nodes": {name: "nodes", varName: "node", typ: reflect.TypeOf(analyzers.NodeFact{}),
		items: func(f *analyzers.Facts) []any { return listOf(f.Nodes) },
		ref:   func(i any) analyzers.Ref { return i.(*analyzers.NodeFact).Ref },
		keys:  func(i any) []string { return i.(*analyzers.NodeFact).Keys },
		doc:   "every Node with its readiness, taints and the Services stranded on it"},
	"upstreams": {name: "upstreams", varName: "up", typ: reflect.TypeOf(analyzers.UpstreamFact{}),
		items: func(f *analyzers.Facts) []any { return listOf(f.Upstreams) },
		ref:   func(i any) analyzers.Ref { return i.(*analyzers.UpstreamFact).Service },
		keys:  func(i any) []string { return i.(*analyzers.UpstreamFact).Keys },
		doc:   "every outbound Envoy cluster of every proxy's /clusters dump, with host health"},
	"symptoms": {name: "symptoms", varName: "sym", typ: reflect.TypeOf(analyzers.SymptomFact{}),
		items: func(f *analyzers.Facts) []any { return listOf(f.Symptoms) },
		ref:   func(i any) analyzers.Ref { return i.(*analyzers.SymptomFact).Reporter },
		keys:  func(i any) []string { return i.(*analyzers.SymptomFact).Keys },
		doc:   "every aggregated group of failure log lines"},
	"cluster": {name: "cluster", varName: "cluster", typ: reflect.TypeOf(analyzers.ClusterFact{}),
		items: func(f *analyzers.Facts) []any { return listOf(f.Cluster) },
		ref:   func(i any) analyzers.Ref { return analyzers.Ref{} },
		keys:  func(i any) []string { return i.(*analyzers.ClusterFact).Keys },
		doc:   "one item: cluster-wide facts (DNS, the Istio control plane)"},
}

// DomainNames lists the domains in order.
func DomainNames() []string {
	out := make([]string, 0, len(domains))
	for n := range domains {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
