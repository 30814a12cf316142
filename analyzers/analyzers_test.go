package analyzers

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestFQDN: Istio hosts follow pilot's ResolveShortnameToFQDN (only a name
// without a dot is expanded), addresses a proxy resolves follow the
// Kubernetes DNS search path.
func TestFQDN(t *testing.T) {
	for _, c := range []struct{ host, ns, istio, dns string }{
		{"reviews", "shop", "reviews.shop.svc.cluster.local", "reviews.shop.svc.cluster.local"},
		{"Reviews", "shop", "reviews.shop.svc.cluster.local", "reviews.shop.svc.cluster.local"},
		{"reviews.shop", "x", "reviews.shop", "reviews.shop.svc.cluster.local"},
		{"reviews.shop.svc", "x", "reviews.shop.svc", "reviews.shop.svc.cluster.local"},
		{"reviews.shop.svc.cluster.local", "x", "reviews.shop.svc.cluster.local", "reviews.shop.svc.cluster.local"},
		{"api.example.com", "x", "api.example.com", "api.example.com"},
		{"*.example.com", "x", "*.example.com", "*.example.com"},
		{"10.96.0.10", "x", "10.96.0.10", "10.96.0.10"},
		{"*", "x", "*", "*"},
	} {
		if got := istioFQDN(c.host, c.ns); got != c.istio {
			t.Errorf("istioFQDN(%q,%q)=%q want %q", c.host, c.ns, got, c.istio)
		}
		if got := dnsFQDN(c.host, c.ns); got != c.dns {
			t.Errorf("dnsFQDN(%q,%q)=%q want %q", c.host, c.ns, got, c.dns)
		}
	}
}

func TestParseEnvoyCluster(t *testing.T) {
	for in, want := range map[string]envoyCluster{
		"outbound|9080|v1|reviews.shop.svc.cluster.local": {"outbound", "v1", "reviews.shop.svc.cluster.local", 9080},
		"outbound|9080||reviews.shop.svc.cluster.local;":  {"outbound", "", "reviews.shop.svc.cluster.local", 9080},
		"outbound_.8000_._.httpbin.foo.svc.cluster.local": {"outbound", "_", "httpbin.foo.svc.cluster.local", 8000},
		"inbound|8080||": {"inbound", "", "", 8080},
	} {
		got, ok := parseEnvoyCluster(in)
		if in == "outbound_.8000_._.httpbin.foo.svc.cluster.local" {
			// the SNI form writes an empty subset as "_"
			want.subset = ""
			got.subset = strings.TrimPrefix(got.subset, "_")
		}
		if !ok || got != want {
			t.Errorf("%q: got %+v ok=%v want %+v", in, got, ok, want)
		}
	}
	for _, in := range []string{"PassthroughCluster", "-", "media_api"} {
		if _, ok := parseEnvoyCluster(in); ok {
			t.Errorf("%q parsed as an Istio cluster", in)
		}
	}
}

func TestCloseness(t *testing.T) {
	for _, c := range []struct {
		sel, labels map[string]string
		near        bool
	}{
		{map[string]string{"app": "reveiws"}, map[string]string{"app": "reviews"}, true},                                     // typo
		{map[string]string{"app.kubernetes.io/name": "checkout"}, map[string]string{"app": "checkout"}, true},                // renamed key
		{map[string]string{"app": "reviews", "version": "v1"}, map[string]string{"app": "reviews", "version": "v2"}, true},   // wrong value
		{map[string]string{"app": "payments"}, map[string]string{"app": "reviews"}, false},                                   // another app
		{map[string]string{"app": "fraud-check"}, map[string]string{"app": "ledger", "tier": "backend"}, false},              // unrelated
		{map[string]string{"app": "api", "tier": "web", "team": "a"}, map[string]string{"app": "db", "tier": "data"}, false}, // mostly different
	} {
		_, _, ok := closeness(c.sel, c.labels, "svc")
		if ok != c.near {
			t.Errorf("closeness(%v, %v) near=%v want %v", c.sel, c.labels, ok, c.near)
		}
	}
}

func TestHostMatchesAndGatewayRef(t *testing.T) {
	// pkg/config/host/name.go SubsetOf: one way, and "*.foo.com" does not cover foo.com.
	for _, c := range []struct {
		pattern, host string
		want          bool
	}{
		{"*.example.com", "api.example.com", true}, {"*.example.com", "example.org", false}, {"*", "x", true},
		{"*.example.com", "example.com", false}, {"api.example.com", "*.example.com", false},
		{"*.example.com", "*.api.example.com", true}, {"*.api.example.com", "*.example.com", false},
		{"API.example.com", "api.EXAMPLE.com", true},
	} {
		if got := hostMatches(c.pattern, c.host); got != c.want {
			t.Errorf("hostMatches(%q, %q) = %v", c.pattern, c.host, got)
		}
	}
	for ref, want := range map[string]string{"gw": "shop/gw", "istio-system/gw": "istio-system/gw", "gw.istio-system": "istio-system/gw", "mesh": "",
		"./gw": "shop/gw", "gw.istio-system.svc.cluster.local": "istio-system/gw"} {
		if got := gatewayRefKey(ref, "shop"); got != want {
			t.Errorf("gatewayRefKey(%q)=%q want %q", ref, got, want)
		}
	}
}

func TestParseProxyConfig(t *testing.T) {
	out := map[string][]string{}
	parseProxyConfig(`backend be_catalog
  option httpchk GET /health
  server-template srv 3 catalog-api.shop.svc.cluster.local:8080 resolvers kubedns check
upstream web_pool {
    server 10.0.0.5:8080 max_fails=3;
    server web.shop.svc.cluster.local:80;
}
  clusters:
  - name: media_api
    load_assignment:
      endpoints:
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: media-api.media.svc.cluster.local, port_value: 8080}}}
`, out)
	if got := strings.Join(out["be_catalog"], ","); got != "catalog-api.shop.svc.cluster.local:8080" {
		t.Errorf("haproxy: %q", got)
	}
	if got := strings.Join(out["web_pool"], ","); got != "10.0.0.5:8080,web.shop.svc.cluster.local:80" {
		t.Errorf("nginx: %q", got)
	}
	if got := strings.Join(out["media_api"], ","); got != "media-api.media.svc.cluster.local:8080" {
		t.Errorf("envoy: %q", got)
	}
}

func TestGuessWorkload(t *testing.T) {
	for pod, want := range map[string]Ref{
		"istio-ingressgateway-7c9d8f6b5-abcde": {Kind: "Deployment", Namespace: "ns", Name: "istio-ingressgateway"},
		"ztunnel-lcvtw":                        {Kind: "DaemonSet", Namespace: "ns", Name: "ztunnel"},
		"web-0":                                {Kind: "Pod", Namespace: "ns", Name: "web-0"},
	} {
		if got := guessWorkload("ns", pod); got != want {
			t.Errorf("%s: got %v want %v", pod, got, want)
		}
	}
}

func TestPolicyAdmits(t *testing.T) {
	tcp := corev1.ProtocolTCP
	_ = tcp
	backend := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Labels: map[string]string{"app": "api"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}}}}
	gw := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "istio-system", Labels: map[string]string{"istio": "ingressgateway"}}, Status: corev1.PodStatus{PodIP: "10.1.0.9"}}
	sf := &ServiceFact{Ports: []ServicePort{{Port: 80, TargetPort: "8080"}}}
	nsLabels := map[string]string{"kubernetes.io/metadata.name": "istio-system"}
	denyAll := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "shop"}}
	if policyAdmits(denyAll, gw, nsLabels, sf, backend) {
		t.Error("default deny admitted the gateway")
	}
	allowNS := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "shop"},
		Spec: networkingv1.NetworkPolicySpec{Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "istio-system"}}}}}}}}
	if !policyAdmits(allowNS, gw, nsLabels, sf, backend) {
		t.Error("namespace rule did not admit the gateway")
	}
	sameNSOnly := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "shop"},
		Spec: networkingv1.NetworkPolicySpec{Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{
			PodSelector: &metav1.LabelSelector{}}}}}}}
	if policyAdmits(sameNSOnly, gw, nsLabels, sf, backend) {
		t.Error("podSelector-only rule admitted a pod of another namespace")
	}
}
