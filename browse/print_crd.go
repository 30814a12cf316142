package browse

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The custom resources print the columns their definitions declare
// (additionalPrinterColumns), as the API server's table conversion for
// custom resources does: a string value as it is, any other value (a
// list, a number) as compact JSON, nothing when the path is absent; of a
// path that selects several values, the first. Sources: Istio's API
// definitions (the +cue-gen printerColumn and shortNames markers of
// istio/api) and the Gateway API's (the +kubebuilder:printcolumn and
// shortName markers of sigs.k8s.io/gateway-api/apis).

// crdColumn is one printer column: its header and the value it shows.
type crdColumn struct {
	name  string
	wide  bool // priority 1
	value func(u *unstructured.Unstructured) string
}

// at shows the value at a field path.
func at(path ...string) func(*unstructured.Unstructured) string {
	return func(u *unstructured.Unstructured) string {
		v, ok, err := unstructured.NestedFieldNoCopy(u.Object, path...)
		if !ok || err != nil || v == nil {
			return ""
		}
		return jsonCell(v)
	}
}

// conditionStatus shows .status.conditions[?(@.type==t)].status.
func conditionStatus(t string) func(*unstructured.Unstructured) string {
	return func(u *unstructured.Unstructured) string {
		list, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
		for _, c := range list {
			if m, ok := c.(map[string]any); ok && m["type"] == t {
				if s, ok := m["status"]; ok {
					return jsonCell(s)
				}
			}
		}
		return ""
	}
}

// firstOf shows the first item's field of a list (.status.addresses[*].value).
func firstOf(field string, path ...string) func(*unstructured.Unstructured) string {
	return func(u *unstructured.Unstructured) string {
		list, _, _ := unstructured.NestedSlice(u.Object, path...)
		for _, c := range list {
			if m, ok := c.(map[string]any); ok {
				if v, ok := m[field]; ok && v != nil {
					return jsonCell(v)
				}
			}
		}
		return ""
	}
}

func jsonCell(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// crd is a custom resource with its printer columns (AGE is added where
// the definition puts it: last, before any priority-1 column).
func crd(group, kind, plural string, short []string, printer ...crdColumn) *resource {
	r := &resource{group: group, kind: kind, plural: plural, short: short, columns: []column{nameCol()}}
	var normal, wide []crdColumn
	for _, c := range printer {
		if c.wide {
			wide = append(wide, c)
		} else {
			normal = append(normal, c)
		}
	}
	for _, c := range normal {
		r.columns = append(r.columns, col(c.name))
	}
	r.columns = append(r.columns, col("AGE"))
	for _, c := range wide {
		r.columns = append(r.columns, wideCol(c.name))
	}
	r.row = func(v any, isWide bool) []cell {
		u := v.(*unstructured.Unstructured)
		out := []cell{str(u.GetName())}
		for _, c := range normal {
			out = append(out, str(c.value(u)))
		}
		out = append(out, age(u.GetCreationTimestamp()))
		if isWide {
			for _, c := range wide {
				out = append(out, str(c.value(u)))
			}
		}
		return out
	}
	return r
}

func crdResources() []*resource {
	const gwapi, istioNet, istioSec = "gateway.networking.k8s.io", "networking.istio.io", "security.istio.io"
	return []*resource{
		// Gateway API (gateway.networking.k8s.io sorts before the Istio
		// groups: "gateway" names its Gateway).
		crd(gwapi, "GatewayClass", "gatewayclasses", []string{"gc"},
			crdColumn{name: "CONTROLLER", value: at("spec", "controllerName")},
			crdColumn{name: "ACCEPTED", value: conditionStatus("Accepted")},
			crdColumn{name: "DESCRIPTION", wide: true, value: at("spec", "description")}),
		crd(gwapi, "Gateway", "gateways", []string{"gtw"},
			crdColumn{name: "CLASS", value: at("spec", "gatewayClassName")},
			crdColumn{name: "ADDRESS", value: firstOf("value", "status", "addresses")},
			crdColumn{name: "PROGRAMMED", value: conditionStatus("Programmed")}),
		crd(gwapi, "HTTPRoute", "httproutes", nil, crdColumn{name: "HOSTNAMES", value: at("spec", "hostnames")}),
		crd(gwapi, "GRPCRoute", "grpcroutes", nil, crdColumn{name: "HOSTNAMES", value: at("spec", "hostnames")}),
		crd(gwapi, "TLSRoute", "tlsroutes", nil, crdColumn{name: "HOSTNAMES", value: at("spec", "hostnames")}),
		crd(gwapi, "TCPRoute", "tcproutes", nil),
		crd(gwapi, "UDPRoute", "udproutes", nil),
		crd(gwapi, "ReferenceGrant", "referencegrants", []string{"refgrant"}),
		crd(gwapi, "BackendTLSPolicy", "backendtlspolicies", []string{"btlspolicy"}),
		// Istio.
		crd(istioNet, "VirtualService", "", []string{"vs"},
			crdColumn{name: "GATEWAYS", value: at("spec", "gateways")},
			crdColumn{name: "HOSTS", value: at("spec", "hosts")}),
		crd(istioNet, "DestinationRule", "", []string{"dr"}, crdColumn{name: "HOST", value: at("spec", "host")}),
		crd(istioNet, "Gateway", "", []string{"gw"}),
		crd(istioNet, "ServiceEntry", "", []string{"se"},
			crdColumn{name: "HOSTS", value: at("spec", "hosts")},
			crdColumn{name: "LOCATION", value: at("spec", "location")},
			crdColumn{name: "RESOLUTION", value: at("spec", "resolution")}),
		crd(istioNet, "Sidecar", "", nil),
		crd(istioNet, "WorkloadEntry", "workloadentries", []string{"we"}),
		crd(istioNet, "WorkloadGroup", "workloadgroups", []string{"wg"}),
		crd(istioSec, "PeerAuthentication", "", []string{"pa"}, crdColumn{name: "MODE", value: at("spec", "mtls", "mode")}),
		crd(istioSec, "AuthorizationPolicy", "", []string{"ap"}, crdColumn{name: "ACTION", value: at("spec", "action")}),
		crd(istioSec, "RequestAuthentication", "requestauthentications", []string{"ra"}),
	}
}
