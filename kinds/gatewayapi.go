package kinds

// Gateway API resources (gateway.networking.k8s.io, and the experimental
// gateway.networking.x-k8s.io) are read into these small structs instead
// of importing sigs.k8s.io/gateway-api: the facts need a handful of fields
// (parents, hostnames, listeners, backendRefs, grants and the status the
// controllers write), and reading them from JSON keeps every served
// version alike (HTTPRoute v1/v1beta1, GRPCRoute v1/v1alpha2, TLSRoute
// v1/v1alpha3/v1alpha2, TCPRoute v1/v1alpha2, ReferenceGrant
// v1/v1beta1/v1alpha2, BackendTLSPolicy v1/v1alpha3/v1alpha2, ListenerSet
// v1 and XListenerSet v1alpha1). Field names and their defaults follow
// kubernetes-sigs/gateway-api apis/v1/*.go; the defaults the API server
// fills in are not applied here: a manifest from Git does not carry them,
// so the fact builders apply them (analyzers/build_gatewayapi.go).

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// GatewayParentRef is a route's parentRef (ParentReference,
// apis/v1/shared_types.go). Nil group, kind and namespace are unset: the
// defaults are gateway.networking.k8s.io, Gateway and the route's
// namespace; an explicit "" group is the core group (a Service parent).
type GatewayParentRef struct {
	Group       *string `json:"group"`
	Kind        *string `json:"kind"`
	Namespace   *string `json:"namespace"`
	Name        string  `json:"name"`
	SectionName *string `json:"sectionName"`
	Port        *int32  `json:"port"`
}

// GatewayBackendRef is one backendRef of a route rule (BackendRef): unset
// group is core, unset kind Service, unset weight 1.
type GatewayBackendRef struct {
	Group     *string `json:"group"`
	Kind      *string `json:"kind"`
	Name      string  `json:"name"`
	Namespace *string `json:"namespace"`
	Port      *int32  `json:"port"`
	Weight    *int32  `json:"weight"`
}

// GatewayRouteRule is one rule of any route kind: its name (experimental
// in v1.2+, standard later) and where it forwards to. Matches are not
// read: a rule without them matches every request of its hostnames.
type GatewayRouteRule struct {
	Name        *string             `json:"name"`
	BackendRefs []GatewayBackendRef `json:"backendRefs"`
}

// RouteParentStatus is what one controller wrote about one parent of a
// route (RouteParentStatus).
type RouteParentStatus struct {
	ParentRef      GatewayParentRef   `json:"parentRef"`
	ControllerName string             `json:"controllerName"`
	Conditions     []metav1.Condition `json:"conditions"`
}

// GatewayRoute is the shape every route kind shares: parents, hostnames
// (absent on TCPRoute), rules and the per-parent status.
type GatewayRoute struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		ParentRefs []GatewayParentRef `json:"parentRefs"`
		Hostnames  []string           `json:"hostnames"`
		Rules      []GatewayRouteRule `json:"rules"`
	} `json:"spec"`
	Status struct {
		Parents []RouteParentStatus `json:"parents"`
	} `json:"status"`
}

// HTTPRoute, GRPCRoute, TLSRoute and TCPRoute are GatewayRoute under
// their own names, so that each kind has its own table (two routes of
// different kinds may share a namespace and name).
type (
	HTTPRoute GatewayRoute
	GRPCRoute GatewayRoute
	TLSRoute  GatewayRoute
	TCPRoute  GatewayRoute
)

// RouteNamespaces is a listener's allowedRoutes.namespaces (default from:
// Same).
type RouteNamespaces struct {
	From     *string               `json:"from"`
	Selector *metav1.LabelSelector `json:"selector"`
}

// RouteGroupKind names a route kind a listener admits (group unset =
// gateway.networking.k8s.io).
type RouteGroupKind struct {
	Group *string `json:"group"`
	Kind  string  `json:"kind"`
}

// GatewayListener is a Gateway's or a ListenerSet's listener.
type GatewayListener struct {
	Name          string  `json:"name"`
	Hostname      *string `json:"hostname"`
	Port          int32   `json:"port"`
	Protocol      string  `json:"protocol"`
	AllowedRoutes *struct {
		Namespaces *RouteNamespaces `json:"namespaces"`
		Kinds      []RouteGroupKind `json:"kinds"`
	} `json:"allowedRoutes"`
}

// ListenerStatus is the status a controller wrote for one listener.
type ListenerStatus struct {
	Name           string             `json:"name"`
	AttachedRoutes int32              `json:"attachedRoutes"`
	SupportedKinds []RouteGroupKind   `json:"supportedKinds"`
	Conditions     []metav1.Condition `json:"conditions"`
}

// Gateway is gateway.networking.k8s.io Gateway (v1, v1beta1); the Istio
// kind of the same name is IstioGateway.
type Gateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		GatewayClassName string            `json:"gatewayClassName"`
		Listeners        []GatewayListener `json:"listeners"`
		// AllowedListeners says which ListenerSets may attach (unset:
		// none).
		AllowedListeners *struct {
			Namespaces *RouteNamespaces `json:"namespaces"`
		} `json:"allowedListeners"`
	} `json:"spec"`
	Status struct {
		Addresses []struct {
			Type  *string `json:"type"`
			Value string  `json:"value"`
		} `json:"addresses"`
		Conditions []metav1.Condition `json:"conditions"`
		Listeners  []ListenerStatus   `json:"listeners"`
	} `json:"status"`
}

// GatewayClass is gateway.networking.k8s.io GatewayClass: the controller
// that implements the Gateways of the class.
type GatewayClass struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		ControllerName string `json:"controllerName"`
	} `json:"spec"`
	Status struct {
		Conditions []metav1.Condition `json:"conditions"`
	} `json:"status"`
}

// ListenerSet is gateway.networking.k8s.io ListenerSet (v1, standard
// from Gateway API v1.5) and gateway.networking.x-k8s.io XListenerSet
// (v1alpha1, experimental before): listeners added to a parent Gateway.
type ListenerSet struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		ParentRef struct {
			Group     *string `json:"group"`
			Kind      *string `json:"kind"`
			Name      string  `json:"name"`
			Namespace *string `json:"namespace"`
		} `json:"parentRef"`
		Listeners []GatewayListener `json:"listeners"`
	} `json:"spec"`
	Status struct {
		Conditions []metav1.Condition `json:"conditions"`
		Listeners  []ListenerStatus   `json:"listeners"`
	} `json:"status"`
}

// ReferenceGrant is gateway.networking.k8s.io ReferenceGrant: which
// objects of other namespaces may refer to objects of its own.
type ReferenceGrant struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		From []struct {
			Group     string `json:"group"`
			Kind      string `json:"kind"`
			Namespace string `json:"namespace"`
		} `json:"from"`
		To []struct {
			Group string  `json:"group"`
			Kind  string  `json:"kind"`
			Name  *string `json:"name"`
		} `json:"to"`
	} `json:"spec"`
}

// PolicyTargetRef is a policy's target (LocalPolicyTargetReference with
// an optional sectionName).
type PolicyTargetRef struct {
	Group       string  `json:"group"`
	Kind        string  `json:"kind"`
	Name        string  `json:"name"`
	SectionName *string `json:"sectionName"`
}

// BackendTLSPolicy is gateway.networking.k8s.io BackendTLSPolicy: TLS
// from the gateway to the Services it targets. v1alpha2 had a single
// targetRef; later versions a list.
type BackendTLSPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		TargetRefs []PolicyTargetRef `json:"targetRefs"`
		TargetRef  *PolicyTargetRef  `json:"targetRef"`
		Validation struct {
			Hostname string `json:"hostname"`
		} `json:"validation"`
	} `json:"spec"`
	Status struct {
		Ancestors []struct {
			AncestorRef    GatewayParentRef   `json:"ancestorRef"`
			ControllerName string             `json:"controllerName"`
			Conditions     []metav1.Condition `json:"conditions"`
		} `json:"ancestors"`
	} `json:"status"`
}
