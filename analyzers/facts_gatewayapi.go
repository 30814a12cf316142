package analyzers

// The Gateway API facts (build_gatewayapi.go). Their keys:
//
//	gateway:<ns>/<name>               a Gateway API Gateway
//	route:<Kind>/<ns>/<name>          a Gateway API route (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute)
//	rule:<Kind>/<ns>/<name>/<index>   one rule of a route
//
// A proxy's log line carries the route and rule keys when its route name
// or upstream cluster names them (Envoy Gateway's
// httproute/<ns>/<name>/rule/<i>, Istio's <ns>.<name>.<i>), and the
// svc:/host: keys of the rule's Services, so the Service chain (endpoints,
// pods, probes, nodes) explains Gateway API symptoms as it does Istio's.

// GatewayAPIGatewayFact is one Gateway API Gateway: its class and the
// controller implementing it, the conditions that controller wrote, and
// the proxy pods that serve it.
type GatewayAPIGatewayFact struct {
	Ref Ref `cel:"ref"`
	// Class is spec.gatewayClassName; ClassFound whether that
	// GatewayClass is in the input.
	Class      string `cel:"class"`
	ClassFound bool   `cel:"classFound"`
	// Controller is the class's controllerName (or, without the class,
	// the controllerName of route statuses about this Gateway);
	// Implementation the project behind it: envoy-gateway, istio,
	// kgateway, cilium, nginx-gateway-fabric, or "" when unknown.
	Controller     string `cel:"controller"`
	Implementation string `cel:"implementation"`
	// Accepted and Programmed are the Gateway's conditions ("True",
	// "False", "Unknown"; "" when absent) with their reasons.
	// StatusWritten: a controller wrote them (not only the API server's
	// default "Pending, Waiting for controller").
	Accepted         string `cel:"accepted"`
	AcceptedReason   string `cel:"acceptedReason"`
	Programmed       string `cel:"programmed"`
	ProgrammedReason string `cel:"programmedReason"`
	StatusWritten    bool   `cel:"statusWritten"`
	// Listeners: "name port/PROTOCOL hostname" per listener.
	Listeners []string `cel:"listeners"`
	// AttachedRoutes are the routes attached to it ("HTTPRoute ns/name").
	AttachedRoutes []string `cel:"attachedRoutes"`
	// ProxyKnown: the implementation's proxy layout is known and pods
	// were collected, so ProxyPods == 0 means no proxy runs.
	ProxyKnown     bool   `cel:"proxyKnown"`
	ProxyPods      int    `cel:"proxyPods"`
	ReadyProxyPods int    `cel:"readyProxyPods"`
	ProxyWorkloads []Ref  `cel:"proxyWorkloads"`
	ProxyText      string `cel:"proxyText"`
	// NoProxy: nothing serves the Gateway (no ready proxy pod, or no
	// controller for its class); NoProxyText says why.
	NoProxy      bool       `cel:"noProxy"`
	NoProxyText  string     `cel:"noProxyText"`
	SymptomCount int64      `cel:"symptomCount"`
	Evidence     []Evidence `cel:"evidence"`
	Keys         []string   `cel:"keys"`
}

// GatewayAPIRouteFact is one parentRef of one Gateway API route: whether
// the route attaches to that parent, judged from the status its
// controller wrote or, without one, computed from the spec as the
// specification says (apis/v1/shared_types.go, httproute_types.go).
type GatewayAPIRouteFact struct {
	Ref  Ref    `cel:"ref"`
	Kind string `cel:"kind"`
	// Parent is the Gateway (or ListenerSet, or Service for mesh routes);
	// ParentText names it with sectionName and port.
	Parent      Ref      `cel:"parent"`
	ParentText  string   `cel:"parentText"`
	ParentFound bool     `cel:"parentFound"`
	Hostnames   []string `cel:"hostnames"`
	// Judged: a verdict was possible. JudgedBy is "status" (a
	// controller's status for this parent was read) or "spec" (computed,
	// no status in the input); Controller wrote the status.
	Judged     bool   `cel:"judged"`
	JudgedBy   string `cel:"judgedBy"`
	Controller string `cel:"controller"`
	// Accepted: the route attaches to the parent. Reason, when it does
	// not: NoMatchingParent, NotAllowedByListeners,
	// NoMatchingListenerHostname, UnsupportedValue, ... or ParentNotFound
	// (no such parent; controllers then write no status at all).
	Accepted bool   `cel:"accepted"`
	Reason   string `cel:"reason"`
	// ResolvedRefs is the status's condition ("" without one) and its reason.
	ResolvedRefs       string `cel:"resolvedRefs"`
	ResolvedRefsReason string `cel:"resolvedRefsReason"`
	// ZeroWeightRules are rules whose every backendRef has weight 0
	// ("rule 1"): the spec says their requests fail (500).
	ZeroWeightRules []string   `cel:"zeroWeightRules"`
	SymptomCount    int64      `cel:"symptomCount"`
	Evidence        []Evidence `cel:"evidence"`
	Keys            []string   `cel:"keys"`
}

// GatewayAPIBackendFact is one backendRef of a Gateway API route (the
// same target in several rules is one fact): what it resolves to, and
// whether a controller may use it.
type GatewayAPIBackendFact struct {
	Route Ref `cel:"route"`
	// Rules that forward to it ("rule 0", or the rule's name).
	Rules []string `cel:"rules"`
	// The reference with the defaults applied (group "", kind Service,
	// the route's namespace); Text as "Service ns/name:port".
	Group     string `cel:"group"`
	Kind      string `cel:"kind"`
	Namespace string `cel:"namespace"`
	Name      string `cel:"name"`
	Port      int    `cel:"port"`
	Weight    int    `cel:"weight"`
	Text      string `cel:"text"`
	// CrossNamespace refs need a ReferenceGrant in the target namespace;
	// Grant is the one admitting it, Grants every grant there.
	CrossNamespace bool     `cel:"crossNamespace"`
	Permitted      bool     `cel:"permitted"`
	Grant          Ref      `cel:"grant"`
	Grants         []string `cel:"grants"`
	// Service is what a Service ref resolves to.
	Service         Ref      `cel:"service"`
	ServiceFound    bool     `cel:"serviceFound"`
	ServicePorts    []string `cel:"servicePorts"`
	ReadyBackends   int      `cel:"readyBackends"`
	NoReadyBackends bool     `cel:"noReadyBackends"`
	// TLSPolicy is the BackendTLSPolicy that makes the gateway speak TLS
	// to the Service (zero when none); TLSPolicyProblem a condition its
	// controller set False on it ("" when none did).
	TLSPolicy        Ref    `cel:"tlsPolicy"`
	TLSPolicyProblem string `cel:"tlsPolicyProblem"`
	// Defects are the reasons a controller gives (or would give) for
	// not using the ref: RefNotPermitted, InvalidKind, BackendNotFound,
	// PortNotFound. JudgedBy: "spec" or "status" (see the route fact).
	Defects  []string `cel:"defects"`
	JudgedBy string   `cel:"judgedBy"`
	// RouteAccepted: the route attaches to at least one parent, so its
	// backends receive traffic.
	RouteAccepted bool       `cel:"routeAccepted"`
	SymptomCount  int64      `cel:"symptomCount"`
	Evidence      []Evidence `cel:"evidence"`
	Keys          []string   `cel:"keys"`
}
