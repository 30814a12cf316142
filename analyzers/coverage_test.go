package analyzers

import "testing"

func TestCoverageHas(t *testing.T) {
	cov := map[string]string{
		"Node": "ok",
		// gather -n shop: Pods collected in shop (and istio-system, which came along) only.
		"Pod": CoveragePartial, "Pod@*": CoveragePartial, "Pod@shop": "ok", "Pod@istio-system": "ok",
		// loose files: EndpointSlices seen in shop.
		"EndpointSlice": "ok", "EndpointSlice@*": CoverageInferred, "EndpointSlice@shop": "ok",
		// RBAC: Services forbidden in one namespace of an otherwise whole run.
		"Service": "forbidden", "Service@web": "forbidden",
		"Event": "ok",
	}
	for _, tc := range []struct {
		kind, ns string
		want     bool
	}{
		{"Node", "", true},
		{"Pod", "", false}, // not every namespace
		{"Pod", "shop", true},
		{"Pod", "istio-system", true},
		{"Pod", "payments", false},
		{"EndpointSlice", "", true}, // loose output answers for the kind, as it always has
		{"EndpointSlice", "shop", true},
		{"EndpointSlice", "payments", false},
		{"Service", "", false},
		{"Service", "web", false},
		{"Event", "shop", true},
		{"ConfigMap", "shop", false}, // nothing says
	} {
		if got := CoverageHas(cov, tc.kind, tc.ns); got != tc.want {
			t.Errorf("has(%s, %q) = %v (status %s)", tc.kind, tc.ns, got, CoverageStatus(cov, tc.kind, tc.ns))
		}
	}
}
