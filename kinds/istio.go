package kinds

// Istio resources are read into these small structs instead of importing
// istio.io/client-go: the analyzer needs a handful of fields, and reading
// them from JSON keeps every served version (v1alpha3, v1beta1, v1) alike.

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// VirtualService is networking.istio.io VirtualService (any version).
type VirtualService struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Hosts    []string                  `json:"hosts"`
		Gateways []string                  `json:"gateways"`
		HTTP     []VirtualServiceHTTPRoute `json:"http"`
		TCP      []struct {
			Route []RouteDestination `json:"route"`
		} `json:"tcp"`
		TLS []struct {
			Route []RouteDestination `json:"route"`
		} `json:"tls"`
		ExportTo []string `json:"exportTo"`
	} `json:"spec"`
}

// VirtualServiceHTTPRoute is one http route of a VirtualService (Istio's
// HTTPRoute; the name HTTPRoute is left to the Gateway API kind).
type VirtualServiceHTTPRoute struct {
	Name  string `json:"name"`
	Match []struct {
		URI      map[string]string `json:"uri"`
		Gateways []string          `json:"gateways"`
	} `json:"match"`
	Route    []RouteDestination `json:"route"`
	Redirect *struct{}          `json:"redirect"`
}

// RouteDestination is a weighted destination.
type RouteDestination struct {
	Destination struct {
		Host   string `json:"host"`
		Subset string `json:"subset"`
		Port   struct {
			Number int `json:"number"`
		} `json:"port"`
	} `json:"destination"`
	Weight int `json:"weight"`
}

// TrafficPolicy is the part of a DestinationRule traffic policy we read.
type TrafficPolicy struct {
	TLS *struct {
		Mode string `json:"mode"`
	} `json:"tls"`
	ConnectionPool *struct {
		TCP *struct {
			MaxConnections int `json:"maxConnections"`
		} `json:"tcp"`
		HTTP *struct {
			HTTP1MaxPendingRequests  int `json:"http1MaxPendingRequests"`
			HTTP2MaxRequests         int `json:"http2MaxRequests"`
			MaxRequestsPerConnection int `json:"maxRequestsPerConnection"`
			MaxRetries               int `json:"maxRetries"`
		} `json:"http"`
	} `json:"connectionPool"`
	OutlierDetection *struct {
		ConsecutiveErrors        int    `json:"consecutiveErrors"`
		Consecutive5xxErrors     *int   `json:"consecutive5xxErrors"`
		ConsecutiveGatewayErrors *int   `json:"consecutiveGatewayErrors"`
		Interval                 string `json:"interval"`
		BaseEjectionTime         string `json:"baseEjectionTime"`
		MaxEjectionPercent       int    `json:"maxEjectionPercent"`
	} `json:"outlierDetection"`
	PortLevelSettings []struct {
		Port struct {
			Number int `json:"number"`
		} `json:"port"`
		TLS *struct {
			Mode string `json:"mode"`
		} `json:"tls"`
	} `json:"portLevelSettings"`
}

// DestinationRule is networking.istio.io DestinationRule (any version).
type DestinationRule struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Host          string         `json:"host"`
		TrafficPolicy *TrafficPolicy `json:"trafficPolicy"`
		Subsets       []struct {
			Name          string            `json:"name"`
			Labels        map[string]string `json:"labels"`
			TrafficPolicy *TrafficPolicy    `json:"trafficPolicy"`
		} `json:"subsets"`
		ExportTo []string `json:"exportTo"`
		// WorkloadSelector limits the rule to the selected client
		// workloads of its own namespace; pilot never exports such a rule
		// (pilot/pkg/model/push_context.go, setDestinationRules).
		WorkloadSelector *struct {
			MatchLabels map[string]string `json:"matchLabels"`
		} `json:"workloadSelector"`
	} `json:"spec"`
}

// IstioGateway is networking.istio.io Gateway (any version); Gateway is
// left to the Gateway API kind.
type IstioGateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Selector map[string]string `json:"selector"`
		Servers  []struct {
			Port struct {
				Number   int    `json:"number"`
				Name     string `json:"name"`
				Protocol string `json:"protocol"`
			} `json:"port"`
			Hosts []string `json:"hosts"`
		} `json:"servers"`
	} `json:"spec"`
}

// ServiceEntry is networking.istio.io ServiceEntry (any version).
type ServiceEntry struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Hosts      []string `json:"hosts"`
		Resolution string   `json:"resolution"`
		Location   string   `json:"location"`
		ExportTo   []string `json:"exportTo"`
		Ports      []struct {
			Number     int    `json:"number"`
			Name       string `json:"name"`
			Protocol   string `json:"protocol"`
			TargetPort int    `json:"targetPort"`
		} `json:"ports"`
		WorkloadSelector *struct {
			Labels map[string]string `json:"labels"`
		} `json:"workloadSelector"`
	} `json:"spec"`
}

// PeerAuthentication is security.istio.io PeerAuthentication.
type PeerAuthentication struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Selector *struct {
			MatchLabels map[string]string `json:"matchLabels"`
		} `json:"selector"`
		MTLS *struct {
			Mode string `json:"mode"`
		} `json:"mtls"`
		PortLevelMTLS map[string]struct {
			Mode string `json:"mode"`
		} `json:"portLevelMtls"`
	} `json:"spec"`
}

// Sidecar is networking.istio.io Sidecar (any version): which hosts the
// sidecar proxies it applies to import (istio.io/api networking/v1
// sidecar.proto). Only the fields that decide reachability are read.
type Sidecar struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		// WorkloadSelector limits it to the pods of its namespace that
		// carry all these labels; without one it applies to the namespace.
		WorkloadSelector *struct {
			Labels map[string]string `json:"labels"`
		} `json:"workloadSelector"`
		// Egress is read; outboundTrafficPolicy is not: it decides what an
		// unrouted call meets (passthrough or BlackHoleCluster), never a
		// route's cluster.
		Egress []SidecarEgress `json:"egress"`
	} `json:"spec"`
}

// SidecarEgress is one egress listener of a Sidecar: the hosts it imports
// ("namespace/dnsName"), on its port only when it names one.
type SidecarEgress struct {
	Port *struct {
		Number   int    `json:"number"`
		Protocol string `json:"protocol"`
		Name     string `json:"name"`
	} `json:"port"`
	Hosts []string `json:"hosts"`
}
