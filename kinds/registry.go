package kinds

import (
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

var (
	v1                    = []string{"v1"}
	istioVersions         = []string{"v1", "v1beta1", "v1alpha3"}
	istioSecurityVersions = []string{"v1", "v1beta1"}
	gatewayAPIGroup       = "gateway.networking.k8s.io"
	gatewayAPIFacts       = "gatewayAPIGateways gatewayAPIRoutes gatewayAPIBackends"
)

// meshConfigMaps are the ConfigMaps gather keeps: the Istio mesh and
// injector configuration, CoreDNS's Corefile and ingress-nginx's settings.
// No other ConfigMap is stored; no Secret is ever read.
var meshConfigMaps = []string{
	"istio", "istio-sidecar-injector", "istio-gateway-status-leader", "istio-namespace-controller-election",
	"coredns", "ingress-nginx-controller", "nginx-configuration",
}

// MeshConfigMap reports whether gather keeps the ConfigMap name.
func MeshConfigMap(_, name string) bool {
	if slices.Contains(meshConfigMaps, name) {
		return true
	}
	// Revisioned installs: istio-<rev>, istio-sidecar-injector-<rev>.
	return strings.HasPrefix(name, "istio-") && !strings.HasSuffix(name, "-ca-root-cert") && !strings.Contains(name, "leader")
}

// The table, one line per kind. A kind the loader keeps is declared with
// the Go type its table holds (stored); the same kind under a second group
// shares that table (also); a kind only counted has no table (counted).
// Rows are in the order gather lists them (it lists them concurrently; the
// order is for the reader). The small variables the rows use are declared
// above them, so that package initialization runs the rows in this order.
var (
	Nodes           = stored[corev1.Node](Kind{Kind: "Node", Resource: "nodes", Versions: v1, Gather: Required, Decode: Projected, Projection: nodeProjection{}, Facts: "nodes services workloads"})
	Namespaces      = stored[corev1.Namespace](Kind{Kind: "Namespace", Resource: "namespaces", Versions: v1, Gather: Required, Decode: Full, Facts: "networkPolicies"})
	Services        = stored[corev1.Service](Kind{Kind: "Service", Resource: "services", Versions: v1, Namespaced: true, Gather: Required, Decode: Full, Facts: "services upstreams routes symptoms"})
	Endpoints       = stored[corev1.Endpoints](Kind{Kind: "Endpoints", Resource: "endpoints", Versions: v1, Namespaced: true, Gather: Required, Decode: Full, Facts: "services"})
	Pods            = stored[corev1.Pod](Kind{Kind: "Pod", Resource: "pods", Versions: v1, Namespaced: true, Gather: Required, Decode: Projected, Projection: podProjection{}, Facts: "services workloads subsets gateways nodes symptoms cluster"})
	Events          = stored[corev1.Event](Kind{Kind: "Event", Resource: "events", Versions: v1, Namespaced: true, Gather: Required, Decode: KeptOnly, Facts: "services workloads nodes"})
	_               = also(Events, Kind{Group: "events.k8s.io", Kind: "Event", Resource: "events", Versions: v1, Namespaced: true, Gather: NotGathered, Decode: AsCoreEvent, Facts: "services workloads nodes"})
	ConfigMaps      = stored[corev1.ConfigMap](Kind{Kind: "ConfigMap", Resource: "configmaps", Versions: v1, Namespaced: true, Gather: Required, GatherOnly: MeshConfigMap, Decode: Full, Facts: "upstreams"})
	EndpointSlices  = stored[discoveryv1.EndpointSlice](Kind{Group: "discovery.k8s.io", Kind: "EndpointSlice", Resource: "endpointslices", Versions: v1, Namespaced: true, Gather: Required, Decode: Full, Facts: "services"})
	Deployments     = stored[appsv1.Deployment](Kind{Group: "apps", Kind: "Deployment", Resource: "deployments", Versions: v1, Namespaced: true, Gather: Required, Decode: Projected, Projection: deploymentProjection{}, Facts: "workloads services"})
	ReplicaSets     = stored[appsv1.ReplicaSet](Kind{Group: "apps", Kind: "ReplicaSet", Resource: "replicasets", Versions: v1, Namespaced: true, Gather: Required, Decode: Projected, Projection: replicaSetProjection{}, Facts: "workloads"})
	StatefulSets    = stored[appsv1.StatefulSet](Kind{Group: "apps", Kind: "StatefulSet", Resource: "statefulsets", Versions: v1, Namespaced: true, Gather: Required, Decode: Projected, Projection: statefulSetProjection{}, Facts: "workloads services"})
	DaemonSets      = stored[appsv1.DaemonSet](Kind{Group: "apps", Kind: "DaemonSet", Resource: "daemonsets", Versions: v1, Namespaced: true, Gather: Required, Decode: Projected, Projection: daemonSetProjection{}, Facts: "workloads services"})
	Jobs            = stored[batchv1.Job](Kind{Group: "batch", Kind: "Job", Resource: "jobs", Versions: v1, Namespaced: true, Gather: Required, Decode: Full, Facts: "workloads services"})
	CronJobs        = stored[batchv1.CronJob](Kind{Group: "batch", Kind: "CronJob", Resource: "cronjobs", Versions: v1, Namespaced: true, Gather: Required, Decode: Full, Facts: "services"})
	Rollouts        = stored[Rollout](Kind{Group: "argoproj.io", Kind: "Rollout", Resource: "rollouts", Versions: []string{"v1alpha1"}, Namespaced: true, Gather: Optional, Decode: Full, Facts: "workloads services"})
	_               = counted(Kind{Group: "autoscaling", Kind: "HorizontalPodAutoscaler", Resource: "horizontalpodautoscalers", Versions: []string{"v2", "v1"}, Namespaced: true, Gather: Required})
	_               = counted(Kind{Group: "policy", Kind: "PodDisruptionBudget", Resource: "poddisruptionbudgets", Versions: v1, Namespaced: true, Gather: Required})
	NetworkPolicies = stored[networkingv1.NetworkPolicy](Kind{Group: "networking.k8s.io", Kind: "NetworkPolicy", Resource: "networkpolicies", Versions: v1, Namespaced: true, Gather: Required, Decode: Full, Facts: "networkPolicies"})
	Ingresses       = stored[networkingv1.Ingress](Kind{Group: "networking.k8s.io", Kind: "Ingress", Resource: "ingresses", Versions: v1, Namespaced: true, Gather: Required, Decode: Full, Facts: "services upstreams"})
	_               = also(Ingresses, Kind{Group: "extensions", Kind: "Ingress", Resource: "ingresses", Versions: []string{"v1beta1"}, Namespaced: true, Gather: NotGathered, Decode: Full, Facts: "services upstreams"})
	_               = counted(Kind{Group: "networking.k8s.io", Kind: "IngressClass", Resource: "ingressclasses", Versions: v1, Gather: Optional})

	VirtualServices     = stored[VirtualService](Kind{Group: "networking.istio.io", Kind: "VirtualService", Resource: "virtualservices", Versions: istioVersions, Namespaced: true, Gather: WithGroup, Decode: Full, Facts: "virtualServices routes gateways subsets"})
	DestinationRules    = stored[DestinationRule](Kind{Group: "networking.istio.io", Kind: "DestinationRule", Resource: "destinationrules", Versions: istioVersions, Namespaced: true, Gather: WithGroup, Decode: Full, Facts: "destinationRules subsets routes"})
	IstioGateways       = stored[IstioGateway](Kind{Group: "networking.istio.io", Kind: "Gateway", Resource: "gateways", Versions: istioVersions, Namespaced: true, Gather: WithGroup, Decode: Full, Facts: "gateways virtualServices"})
	ServiceEntries      = stored[ServiceEntry](Kind{Group: "networking.istio.io", Kind: "ServiceEntry", Resource: "serviceentries", Versions: istioVersions, Namespaced: true, Gather: WithGroup, Decode: Full, Facts: "routes"})
	Sidecars            = stored[Sidecar](Kind{Group: "networking.istio.io", Kind: "Sidecar", Resource: "sidecars", Versions: istioVersions, Namespaced: true, Gather: WithGroup, Decode: Full, Facts: "routes"})
	PeerAuthentications = stored[PeerAuthentication](Kind{Group: "security.istio.io", Kind: "PeerAuthentication", Resource: "peerauthentications", Versions: istioSecurityVersions, Namespaced: true, Gather: WithGroup, Decode: Full, Facts: "destinationRules"})
	_                   = counted(Kind{Group: "security.istio.io", Kind: "AuthorizationPolicy", Resource: "authorizationpolicies", Versions: istioSecurityVersions, Namespaced: true, Gather: WithGroup})

	// The Gateway API, standard channel and the experimental kinds met in
	// real clusters (gatewayapi.go).
	GatewayClasses     = stored[GatewayClass](Kind{Group: gatewayAPIGroup, Kind: "GatewayClass", Resource: "gatewayclasses", Versions: []string{"v1", "v1beta1"}, Gather: WithGroup, Decode: Full, Facts: "gatewayAPIGateways"})
	Gateways           = stored[Gateway](Kind{Group: gatewayAPIGroup, Kind: "Gateway", Resource: "gateways", Versions: []string{"v1", "v1beta1"}, Namespaced: true, Gather: WithGroup, Decode: Full, Facts: gatewayAPIFacts})
	ListenerSets       = stored[ListenerSet](Kind{Group: gatewayAPIGroup, Kind: "ListenerSet", Resource: "listenersets", Versions: v1, Namespaced: true, Gather: WithGroup, Decode: Full, Facts: gatewayAPIFacts})
	_                  = also(ListenerSets, Kind{Group: "gateway.networking.x-k8s.io", Kind: "XListenerSet", Resource: "xlistenersets", Versions: []string{"v1alpha1"}, Namespaced: true, Gather: WithGroup, Decode: Full, Facts: gatewayAPIFacts})
	HTTPRoutes         = stored[HTTPRoute](Kind{Group: gatewayAPIGroup, Kind: "HTTPRoute", Resource: "httproutes", Versions: []string{"v1", "v1beta1"}, Namespaced: true, Gather: WithGroup, Decode: Full, Facts: gatewayAPIFacts})
	GRPCRoutes         = stored[GRPCRoute](Kind{Group: gatewayAPIGroup, Kind: "GRPCRoute", Resource: "grpcroutes", Versions: []string{"v1", "v1alpha2"}, Namespaced: true, Gather: WithGroup, Decode: Full, Facts: gatewayAPIFacts})
	TLSRoutes          = stored[TLSRoute](Kind{Group: gatewayAPIGroup, Kind: "TLSRoute", Resource: "tlsroutes", Versions: []string{"v1", "v1alpha3", "v1alpha2"}, Namespaced: true, Gather: WithGroup, Decode: Full, Facts: gatewayAPIFacts})
	TCPRoutes          = stored[TCPRoute](Kind{Group: gatewayAPIGroup, Kind: "TCPRoute", Resource: "tcproutes", Versions: []string{"v1", "v1alpha2"}, Namespaced: true, Gather: WithGroup, Decode: Full, Facts: gatewayAPIFacts})
	_                  = counted(Kind{Group: gatewayAPIGroup, Kind: "UDPRoute", Resource: "udproutes", Versions: []string{"v1", "v1alpha2"}, Namespaced: true, Gather: WithGroup})
	ReferenceGrants    = stored[ReferenceGrant](Kind{Group: gatewayAPIGroup, Kind: "ReferenceGrant", Resource: "referencegrants", Versions: []string{"v1", "v1beta1", "v1alpha2"}, Namespaced: true, Gather: WithGroup, Decode: Full, Facts: "gatewayAPIBackends"})
	BackendTLSPolicies = stored[BackendTLSPolicy](Kind{Group: gatewayAPIGroup, Kind: "BackendTLSPolicy", Resource: "backendtlspolicies", Versions: []string{"v1", "v1alpha3", "v1alpha2"}, Namespaced: true, Gather: WithGroup, Decode: Full, Facts: "gatewayAPIBackends"})
)

// Groups are the groups gather lists every resource of, after the kinds
// it lists by name: the Istio and Gateway API configuration, whatever
// kinds and versions the cluster serves.
var Groups = []GroupRule{
	{Group: "networking.istio.io"},
	{Group: "security.istio.io"},
	{Group: "telemetry.istio.io"},
	{Group: "extensions.istio.io"},
	{Group: "gateway.networking.k8s.io"},
	{Group: "gateway.networking.x-k8s.io"},
}
