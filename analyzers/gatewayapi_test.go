package analyzers

import (
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/kinds"
)

// storeOf decodes multi-document YAML into a store, as the loader keeps
// objects (kinds table, no slimming).
func storeOf(t *testing.T, docs string) *kinds.Store {
	t.Helper()
	s := kinds.NewStore()
	for _, doc := range strings.Split(docs, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name, Namespace string
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
			t.Fatalf("%v in\n%s", err, doc)
		}
		k := kinds.Lookup(kinds.GroupOf(head.APIVersion), head.Kind)
		if k == nil || !k.Stored() {
			t.Fatalf("kind %s %s not stored", head.APIVersion, head.Kind)
		}
		v := k.New()
		if err := yaml.Unmarshal([]byte(doc), v); err != nil {
			t.Fatalf("%v in\n%s", err, doc)
		}
		s.Put(k, head.Metadata.Namespace, head.Metadata.Name, v)
		s.Saw(head.Kind)
	}
	return s
}

// gathered is the coverage of a gather bundle that listed everything.
var gathered = map[string]string{"Pod": "ok", "Service": "ok", "Gateway": "ok", "Gateway." + gatewayAPIGroup: "ok",
	"GatewayClass": "ok", "HTTPRoute": "ok", "ReferenceGrant": "ok", "Namespace": "ok", "EndpointSlice": "ok"}

const infraGateway = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: eg}
spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: infra}
spec:
  gatewayClassName: eg
  listeners:
  - {name: http, port: 80, protocol: HTTP}
  - name: https
    port: 443
    protocol: HTTPS
    hostname: "*.example.com"
    allowedRoutes: {namespaces: {from: All}}
  - name: team
    port: 8080
    protocol: HTTP
    allowedRoutes:
      namespaces: {from: Selector, selector: {matchLabels: {team: shop}}}
  - name: grpc-only
    port: 9090
    protocol: HTTP
    allowedRoutes: {namespaces: {from: All}, kinds: [{kind: GRPCRoute}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop, kubernetes.io/metadata.name: shop}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 8080}]}
`

func routeYAML(spec string) string {
	return "\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: shop}\nspec:\n" + spec
}

// TestAttachFromSpec: a route without status attaches, or not, as the
// specification says (listener selection, allowedRoutes, hostnames), and
// the reason is the one a controller would write.
func TestAttachFromSpec(t *testing.T) {
	for _, c := range []struct {
		name, spec string
		accepted   bool
		reason     string
	}{
		{"default Same refuses another namespace (conformance httproute-invalid-cross-namespace-parent-ref)",
			"  parentRefs: [{name: public, namespace: infra, sectionName: http}]\n", false, reasonNotAllowedByListeners},
		{"from All, hostname under the listener's wildcard",
			"  parentRefs: [{name: public, namespace: infra, sectionName: https}]\n  hostnames: [shop.example.com]\n", true, ""},
		{"from All, hostname outside the wildcard",
			"  parentRefs: [{name: public, namespace: infra, sectionName: https}]\n  hostnames: [example.com, shop.example.net]\n", false, reasonNoMatchingListenerHost},
		{"any listener: the https one takes it",
			"  parentRefs: [{name: public, namespace: infra}]\n  hostnames: [a.b.example.com]\n", true, ""},
		{"Selector matching the namespace labels",
			"  parentRefs: [{name: public, namespace: infra, port: 8080}]\n", true, ""},
		{"sectionName of no listener (conformance httproute-invalid-parentref-not-matching-section-name)",
			"  parentRefs: [{name: public, namespace: infra, sectionName: http1}]\n", false, reasonNoMatchingParent},
		{"sectionName and port of different listeners",
			"  parentRefs: [{name: public, namespace: infra, sectionName: https, port: 80}]\n", false, reasonNoMatchingParent},
		{"a listener for GRPCRoutes only",
			"  parentRefs: [{name: public, namespace: infra, sectionName: grpc-only}]\n", false, reasonNotAllowedByListeners},
		{"a Gateway that does not exist",
			"  parentRefs: [{name: private, namespace: infra}]\n", false, reasonParentNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := BuildFacts(storeOf(t, infraGateway+routeYAML(c.spec+"  rules: [{backendRefs: [{name: web, port: 8080}]}]\n")), BuildInput{Coverage: gathered})
			if len(f.GatewayAPIRoutes) != 1 {
				t.Fatalf("%d route facts", len(f.GatewayAPIRoutes))
			}
			r := f.GatewayAPIRoutes[0]
			if !r.Judged || r.JudgedBy != "spec" || r.Accepted != c.accepted || r.Reason != c.reason {
				t.Errorf("judged=%v by %q accepted=%v reason=%q, want accepted=%v reason=%q; evidence %v",
					r.Judged, r.JudgedBy, r.Accepted, r.Reason, c.accepted, c.reason, r.Evidence)
			}
		})
	}
}

// TestAttachUnknownParent: a missing Gateway is judged only when the input
// says Gateways were collected.
func TestAttachUnknownParent(t *testing.T) {
	in := `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {ports: [{port: 8080}]}` + routeYAML("  parentRefs: [{name: public, namespace: infra}]\n  rules: [{backendRefs: [{name: web, port: 8080}]}]\n")
	f := BuildFacts(storeOf(t, in), BuildInput{Coverage: map[string]string{"HTTPRoute": "ok", "HTTPRoute@*": "inferred", "Service": "ok"}})
	if r := f.GatewayAPIRoutes[0]; r.Judged {
		t.Errorf("judged a parent the input does not hold: %+v", r)
	}
	f = BuildFacts(storeOf(t, in), BuildInput{Coverage: gathered})
	if r := f.GatewayAPIRoutes[0]; !r.Judged || r.Reason != reasonParentNotFound {
		t.Errorf("gathered Gateways: %+v", r)
	}
}

// TestAttachStatusWins: the controller's Accepted condition decides over
// the spec (here the spec refuses the route: another namespace, from
// Same), and a Pending one decides nothing, so the spec does.
func TestAttachStatusWins(t *testing.T) {
	spec := "  parentRefs: [{name: public, namespace: infra, sectionName: http}]\n  rules: [{backendRefs: [{name: web, port: 8080}]}]\n"
	for _, c := range []struct {
		status   string
		by       string
		accepted bool
	}{
		{"\"True\"\n        reason: Accepted", "status", true},
		{"Unknown\n        reason: Pending", "spec", false},
	} {
		st := "status:\n  parents:\n  - parentRef: {name: public, namespace: infra, sectionName: http}\n    controllerName: gateway.envoyproxy.io/gatewayclass-controller\n    conditions:\n      - type: Accepted\n        status: " + c.status + "\n"
		f := BuildFacts(storeOf(t, infraGateway+routeYAML(spec)+st), BuildInput{Coverage: gathered})
		r := f.GatewayAPIRoutes[0]
		if !r.Judged || r.JudgedBy != c.by || r.Accepted != c.accepted || r.Controller != "gateway.envoyproxy.io/gatewayclass-controller" {
			t.Errorf("status %q: %+v", c.status, r)
		}
	}
}

// TestHostnamesIntersect follows conformance httproute-hostname-intersection.
func TestHostnamesIntersect(t *testing.T) {
	for _, c := range []struct {
		listener, route string
		want            bool
	}{
		{"very.specific.com", "very.specific.com", true},
		{"very.specific.com", "*.specific.com", true},
		{"*.wildcard.io", "foo.wildcard.io", true},
		{"*.wildcard.io", "foo.bar.wildcard.io", true},
		{"*.wildcard.io", "wildcard.io", false},
		{"*.anotherwildcard.io", "*.anotherwildcard.io", true},
		{"*.example.com", "*.foo.example.com", true},
		{"very.specific.com", "non.matching.com", false},
		{"*.wildcard.io", "*.nonmatchingwildcard.io", false},
		{"Very.Specific.com", "very.specific.COM", true},
	} {
		if got := hostnamesIntersect(c.listener, c.route); got != c.want {
			t.Errorf("hostnamesIntersect(%q, %q) = %v", c.listener, c.route, got)
		}
		if got := hostnamesIntersect(c.route, c.listener); got != c.want {
			t.Errorf("hostnamesIntersect(%q, %q) = %v (reversed)", c.route, c.listener, got)
		}
	}
}

// TestReferenceGrants follows conformance httproute-invalid-reference-grant:
// each grant gets one field wrong and admits nothing; the right one admits.
func TestReferenceGrants(t *testing.T) {
	grant := func(name, fromGroup, fromKind, fromNS, toGroup, toKind, toName string) string {
		return "\n---\napiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: " + name + ", namespace: pay}\nspec:\n" +
			"  from: [{group: \"" + fromGroup + "\", kind: " + fromKind + ", namespace: " + fromNS + "}]\n" +
			"  to: [{group: \"" + toGroup + "\", kind: " + toKind + ", name: " + toName + "}]\n"
	}
	base := infraGateway + `
---
apiVersion: v1
kind: Service
metadata: {name: ledger, namespace: pay}
spec: {ports: [{port: 80}]}` + routeYAML("  parentRefs: [{name: public, namespace: infra, sectionName: https}]\n  rules: [{backendRefs: [{name: ledger, namespace: pay, port: 80}]}]\n")
	wrong := grant("wrong-from-group", "not-the-group", "HTTPRoute", "shop", "", "Service", "ledger") +
		grant("wrong-from-kind", gatewayAPIGroup, "Gateway", "shop", "", "Service", "ledger") +
		grant("wrong-from-ns", gatewayAPIGroup, "HTTPRoute", "other", "", "Service", "ledger") +
		grant("wrong-to-group", gatewayAPIGroup, "HTTPRoute", "shop", "not-the-group", "Service", "ledger") +
		grant("wrong-to-kind", gatewayAPIGroup, "HTTPRoute", "shop", "", "Secret", "ledger") +
		grant("wrong-to-name", gatewayAPIGroup, "HTTPRoute", "shop", "", "Service", "not-ledger")
	f := BuildFacts(storeOf(t, base+wrong), BuildInput{Coverage: gathered})
	if b := f.GatewayAPIBackends[0]; b.Permitted || !slices.Equal(b.Defects, []string{reasonRefNotPermitted}) || len(b.Grants) != 6 {
		t.Errorf("wrong grants: %+v", b)
	}
	f = BuildFacts(storeOf(t, base+wrong+grant("right", gatewayAPIGroup, "HTTPRoute", "shop", "", "Service", "ledger")), BuildInput{Coverage: gathered})
	if b := f.GatewayAPIBackends[0]; !b.Permitted || len(b.Defects) != 0 || b.Grant.Name != "right" || !slices.Contains(b.Keys, "svc:pay/ledger") {
		t.Errorf("right grant: %+v", b)
	}
}

// TestBackendDefects: not found, port not found, a core kind that is no
// Service, zero weights; a controller's ResolvedRefs=True clears the
// spec's verdict.
func TestBackendDefects(t *testing.T) {
	spec := `  parentRefs: [{name: public, namespace: infra, sectionName: https}]
  rules:
  - backendRefs: [{name: nonexistent, port: 8080}, {name: web, port: 9090}, {name: web, kind: Servce, port: 8080}]
  - backendRefs: [{name: web, port: 8080, weight: 0}]
`
	f := BuildFacts(storeOf(t, infraGateway+routeYAML(spec)), BuildInput{Coverage: gathered})
	got := map[string][]string{}
	for _, b := range f.GatewayAPIBackends {
		got[b.Text] = b.Defects
	}
	want := map[string][]string{
		"Service shop/nonexistent:8080": {reasonBackendNotFound},
		"Service shop/web:9090":         {reasonPortNotFound},
		"Servce shop/web:8080":          {reasonInvalidKind},
		"Service shop/web:8080":         {},
	}
	for k, w := range want {
		if !slices.Equal(got[k], w) {
			t.Errorf("%s: defects %v, want %v", k, got[k], w)
		}
	}
	if r := f.GatewayAPIRoutes[0]; !slices.Equal(r.ZeroWeightRules, []string{"rule 1"}) {
		t.Errorf("zero-weight rules %v", r.ZeroWeightRules)
	}
	st := "status:\n  parents:\n  - parentRef: {name: public, namespace: infra, sectionName: https}\n    controllerName: istio.io/gateway-controller\n    conditions:\n      - {type: Accepted, status: \"True\", reason: Accepted}\n      - {type: ResolvedRefs, status: \"True\", reason: ResolvedRefs}\n"
	f = BuildFacts(storeOf(t, infraGateway+routeYAML(spec)+st), BuildInput{Coverage: gathered})
	for _, b := range f.GatewayAPIBackends {
		if len(b.Defects) != 0 || b.JudgedBy != "status" {
			t.Errorf("%s: defects %v judged by %s though the controller resolved every ref", b.Text, b.Defects, b.JudgedBy)
		}
	}
	// A route-wide RefNotPermitted is about some other ref: a ref in the
	// route's own namespace is always permitted, and the spec says so.
	st = strings.ReplaceAll(st, `{type: ResolvedRefs, status: "True", reason: ResolvedRefs}`, `{type: ResolvedRefs, status: "False", reason: RefNotPermitted}`)
	f = BuildFacts(storeOf(t, infraGateway+routeYAML(spec)+st), BuildInput{Coverage: gathered})
	for _, b := range f.GatewayAPIBackends {
		if slices.Contains(b.Defects, reasonRefNotPermitted) {
			t.Errorf("%s: RefNotPermitted from the status, though it is in the route's namespace", b.Text)
		}
	}
}

// TestGatewayProxy: Envoy Gateway's proxy pods are found by their owner
// labels in any namespace; none ready means no proxy.
func TestGatewayProxy(t *testing.T) {
	pod := func(name string, ready string) string {
		return "\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n  namespace: envoy-gateway-system\n  labels:\n" +
			"    gateway.envoyproxy.io/owning-gateway-name: public\n    gateway.envoyproxy.io/owning-gateway-namespace: infra\n" +
			"status:\n  phase: Running\n  conditions: [{type: Ready, status: \"" + ready + "\"}]\n"
	}
	f := BuildFacts(storeOf(t, infraGateway+pod("envoy-infra-public-1a2b3c4d-6d9f7-abcde", "False")), BuildInput{Coverage: gathered})
	g := f.GatewayAPIGateways[0]
	if g.Implementation != "envoy-gateway" || !g.ProxyKnown || g.ProxyPods != 1 || g.ReadyProxyPods != 0 || !g.NoProxy {
		t.Errorf("unready proxy: %+v", g)
	}
	f = BuildFacts(storeOf(t, infraGateway+pod("envoy-infra-public-1a2b3c4d-6d9f7-abcde", "True")), BuildInput{Coverage: gathered})
	if g := f.GatewayAPIGateways[0]; g.NoProxy || g.ReadyProxyPods != 1 || !slices.Contains(g.Keys, "pod:envoy-gateway-system/envoy-infra-public-1a2b3c4d-6d9f7-abcde") {
		t.Errorf("ready proxy: %+v", g)
	}
	// Pods of a loose input say nothing of envoy-gateway-system.
	f = BuildFacts(storeOf(t, infraGateway), BuildInput{Coverage: map[string]string{"Pod": "ok", "Pod@*": "inferred"}})
	if g := f.GatewayAPIGateways[0]; g.ProxyKnown || g.NoProxy {
		t.Errorf("loose input: %+v", g)
	}
}

// TestGatewayAPISymptomNames: the route and cluster names of each
// implementation resolve to the route, rule and Service.
func TestGatewayAPISymptomNames(t *testing.T) {
	in := infraGateway + routeYAML("  parentRefs: [{name: public, namespace: infra}]\n  rules:\n  - backendRefs: [{name: web, port: 8080}]\n")
	for _, c := range []struct {
		sym  logscan.Symptom
		keys []string
	}{
		{logscan.Symptom{Kind: logscan.KindDirectResponse5xx, Route: "httproute/shop/r/rule/0/match/0/shop_example_com"},
			[]string{"route:HTTPRoute/shop/r", "rule:HTTPRoute/shop/r/0", "svc:shop/web"}},
		{logscan.Symptom{Kind: "UH", Upstream: "httproute/shop/r/rule/0"}, []string{"route:HTTPRoute/shop/r", "rule:HTTPRoute/shop/r/0", "svc:shop/web"}},
		{logscan.Symptom{Kind: "NC", Route: "shop.r.0"}, []string{"route:HTTPRoute/shop/r", "rule:HTTPRoute/shop/r/0", "svc:shop/web"}},
		{logscan.Symptom{Kind: "NC", Route: "other.r.0"}, nil},
		{logscan.Symptom{Kind: "UH", Upstream: "kube_shop_web_8080"}, []string{"svc:shop/web"}},
		{logscan.Symptom{Kind: "UH", Upstream: "service/shop/web/8080/http"}, []string{"svc:shop/web"}},
		{logscan.Symptom{Kind: logscan.KindNginxNoLiveUpstreams, Upstream: "http://shop_web_8080/cart"}, []string{"svc:shop/web"}},
		{logscan.Symptom{Kind: "UH", Upstream: "shop:web:8080"}, []string{"svc:shop/web"}},
		{logscan.Symptom{Kind: "UH", Upstream: "kube_shop_web_9999"}, nil},
	} {
		s := c.sym
		s.Count = 1
		f := BuildFacts(storeOf(t, in), BuildInput{Coverage: gathered, Symptoms: []*logscan.Symptom{&s}})
		sf := f.Symptoms[0]
		for _, k := range c.keys {
			if !slices.Contains(sf.Keys, k) {
				t.Errorf("%+v: keys %v lack %s", c.sym, sf.Keys, k)
			}
		}
		if c.keys == nil && (sf.ServiceFound || slices.ContainsFunc(sf.Keys, func(k string) bool { return strings.HasPrefix(k, "route:") })) {
			t.Errorf("%+v: resolved to %v %v", c.sym, sf.Service, sf.Keys)
		}
	}
}

// TestBackendTLSPolicy: a BackendTLSPolicy targeting the backend's
// Service is evidence, with the condition its controller set False.
func TestBackendTLSPolicy(t *testing.T) {
	policy := `
---
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: web-tls, namespace: shop}
spec:
  targetRefs: [{group: "", kind: Service, name: web}]
  validation: {hostname: web.shop.svc, caCertificateRefs: [{group: "", kind: ConfigMap, name: ca}]}
status:
  ancestors:
  - ancestorRef: {name: public, namespace: infra}
    controllerName: gateway.envoyproxy.io/gatewayclass-controller
    conditions:
    - {type: Accepted, status: "False", reason: Invalid, message: "Failed to process the settings associated with the TLS validation"}
`
	f := BuildFacts(storeOf(t, infraGateway+policy+routeYAML("  parentRefs: [{name: public, namespace: infra, sectionName: https}]\n  rules: [{backendRefs: [{name: web, port: 8080}]}]\n")), BuildInput{Coverage: gathered})
	b := f.GatewayAPIBackends[0]
	if b.TLSPolicy.Name != "web-tls" || !strings.Contains(b.TLSPolicyProblem, "Accepted=False Invalid") {
		t.Errorf("tls policy %v problem %q", b.TLSPolicy, b.TLSPolicyProblem)
	}
}

// TestUnattachedRouteKeys: a route that does not attach is keyed with
// the request hosts of NR lines its wildcard hostname covers, so it
// explains them.
func TestUnattachedRouteKeys(t *testing.T) {
	nr := &logscan.Symptom{Kind: "NR", Authority: "a.shop.example.net:443", Count: 7}
	f := BuildFacts(storeOf(t, infraGateway+routeYAML("  parentRefs: [{name: public, namespace: infra, sectionName: https}]\n  hostnames: [\"*.shop.example.net\"]\n  rules: [{backendRefs: [{name: web, port: 8080}]}]\n")),
		BuildInput{Coverage: gathered, Symptoms: []*logscan.Symptom{nr}})
	r := f.GatewayAPIRoutes[0]
	if r.Accepted || !slices.Contains(r.Keys, "authority:a.shop.example.net") {
		t.Errorf("accepted=%v keys %v", r.Accepted, r.Keys)
	}
}

// TestGatewayProxyOutsideMesh: an Envoy Gateway proxy's lines do not
// carry global:mesh (istiod does not configure it); a sidecar's do.
func TestGatewayProxyOutsideMesh(t *testing.T) {
	pods := `
---
apiVersion: v1
kind: Pod
metadata:
  name: envoy-infra-public-1a2b3c4d-6d9f7-abcde
  namespace: envoy-gateway-system
  labels: {gateway.envoyproxy.io/owning-gateway-name: public, gateway.envoyproxy.io/owning-gateway-namespace: infra}
spec: {containers: [{name: envoy}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: shop}
spec: {containers: [{name: web}, {name: istio-proxy}]}
`
	eg := &logscan.Symptom{Kind: "UH", Format: logscan.FormatEnvoyJSON, Count: 1, Origin: logscan.Origin{Namespace: "envoy-gateway-system", Pod: "envoy-infra-public-1a2b3c4d-6d9f7-abcde"}}
	side := &logscan.Symptom{Kind: "UH", Format: logscan.FormatEnvoyText, Count: 1, Origin: logscan.Origin{Namespace: "shop", Pod: "web-1"}}
	f := BuildFacts(storeOf(t, infraGateway+pods), BuildInput{Coverage: gathered, Symptoms: []*logscan.Symptom{eg, side}})
	for _, sf := range f.Symptoms {
		mesh := slices.Contains(sf.Keys, "global:mesh")
		if mesh != (sf.Reporter.Name == "web-1") {
			t.Errorf("%s: global:mesh %v", sf.Reporter, mesh)
		}
	}
}

// TestNGFSharedProxy: NGINX Gateway Fabric 1.x's shared pod (containers
// nginx-gateway and nginx) serves every Gateway; 2.x's control plane pod,
// labelled alike, runs no nginx and serves none.
func TestNGFSharedProxy(t *testing.T) {
	gw := `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: nginx}
spec: {controllerName: gateway.nginx.org/nginx-gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: web}
spec:
  gatewayClassName: nginx
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: v1
kind: Pod
metadata: {name: ngf-abc, namespace: nginx-gateway, labels: {app.kubernetes.io/name: nginx-gateway}}
spec: {containers: [{name: nginx-gateway}` + "%s" + `]}
status: {phase: Running, conditions: [{type: Ready, status: "True"}]}
`
	for _, c := range []struct {
		extra   string
		noProxy bool
	}{{"", true}, {", {name: nginx}", false}} {
		f := BuildFacts(storeOf(t, strings.Replace(gw, "%s", c.extra, 1)), BuildInput{Coverage: gathered})
		if g := f.GatewayAPIGateways[0]; g.NoProxy != c.noProxy {
			t.Errorf("containers nginx-gateway%s: noProxy %v (%s)", c.extra, g.NoProxy, g.ProxyText)
		}
	}
}

// TestAttachSelectorUnknownNamespace: a listener selecting namespaces by
// label cannot refuse a route whose Namespace the input does not hold.
func TestAttachSelectorUnknownNamespace(t *testing.T) {
	in := strings.Replace(infraGateway, "kind: Namespace\nmetadata: {name: shop, labels: {team: shop, kubernetes.io/metadata.name: shop}}", "kind: Namespace\nmetadata: {name: other}", 1)
	in += routeYAML("  parentRefs: [{name: public, namespace: infra, sectionName: team}]\n  rules: [{backendRefs: [{name: web, port: 8080}]}]\n")
	loose := map[string]string{"HTTPRoute": "ok", "HTTPRoute@*": "inferred", "Namespace": "ok", "Namespace@*": "inferred", "Service": "ok", "Gateway": "ok"}
	if r := BuildFacts(storeOf(t, in), BuildInput{Coverage: loose}).GatewayAPIRoutes[0]; r.Judged {
		t.Errorf("judged without the namespace's labels: %+v", r)
	}
	// The Namespaces the API server listed (each with a resourceVersion),
	// without shop: shop does not exist, so has no team label.
	listed := strings.Replace(in, "metadata: {name: other}", "metadata: {name: other, resourceVersion: \"7\"}", 1)
	if r := BuildFacts(storeOf(t, listed), BuildInput{Coverage: gathered}).GatewayAPIRoutes[0]; !r.Judged || r.Reason != reasonNotAllowedByListeners {
		t.Errorf("gathered namespaces (shop has no team label): %+v", r)
	}
	// A Namespace manifest from Git lists no other namespace: shop's
	// labels stay unknown, whatever the coverage says.
	if r := BuildFacts(storeOf(t, in), BuildInput{Coverage: gathered}).GatewayAPIRoutes[0]; r.Judged {
		t.Errorf("beside a Namespace manifest: %+v", r)
	}
}

// TestAttachSelectorByNamespaceName: the API server labels every Namespace
// with kubernetes.io/metadata.name, so a listener selecting on it admits
// the namespace's routes though the manifest read lists other labels only
// (conformance gateway-with-attached-routes).
func TestAttachSelectorByNamespaceName(t *testing.T) {
	in := strings.Replace(infraGateway, "{team: shop, kubernetes.io/metadata.name: shop}", "{team: shop}", 1)
	in = strings.Replace(in, "selector: {matchLabels: {team: shop}}", "selector: {matchLabels: {kubernetes.io/metadata.name: shop}}", 1)
	if in == infraGateway {
		t.Fatal("fixture not rewritten")
	}
	in += routeYAML("  parentRefs: [{name: public, namespace: infra, sectionName: team}]\n  rules: [{backendRefs: [{name: web, port: 8080}]}]\n")
	if r := BuildFacts(storeOf(t, in), BuildInput{Coverage: gathered}).GatewayAPIRoutes[0]; !r.Judged || !r.Accepted {
		t.Errorf("selector on the namespace's name: %+v", r)
	}
	other := strings.Replace(in, "kubernetes.io/metadata.name: shop}}", "kubernetes.io/metadata.name: infra}}", 1)
	if r := BuildFacts(storeOf(t, other), BuildInput{Coverage: gathered}).GatewayAPIRoutes[0]; !r.Judged || r.Accepted || r.Reason != reasonNotAllowedByListeners {
		t.Errorf("selector on another namespace's name: %+v", r)
	}
}

// TestGatewayClassMissing: a Gateway whose class is not among the
// GatewayClasses the API server listed has no controller; next to a
// GatewayClass manifest from Git (no resourceVersion) its class may
// still be installed (conformance gatewayclass-observed-generation-bump).
func TestGatewayClassMissing(t *testing.T) {
	in := strings.Replace(infraGateway, "gatewayClassName: eg", "gatewayClassName: other", 1)
	if g := BuildFacts(storeOf(t, in), BuildInput{Coverage: gathered}).GatewayAPIGateways[0]; g.NoProxy {
		t.Errorf("class missing beside a GatewayClass manifest: %s", g.NoProxyText)
	}
	listed := strings.Replace(in, "metadata: {name: eg}", "metadata: {name: eg, resourceVersion: \"4711\"}", 1)
	if g := BuildFacts(storeOf(t, listed), BuildInput{Coverage: gathered}).GatewayAPIGateways[0]; !g.NoProxy || !strings.Contains(g.NoProxyText, "GatewayClass other does not exist") {
		t.Errorf("class missing from the API server's list: %+v", g)
	}
}

// TestAttachListenerProtocol: a listener whose protocol is an un-prefixed
// name other than the core ones is accepted by no implementation, so no
// route attaches through it (ProtocolType; Envoy Gateway testdata
// gateway-with-listener-with-unsupported-protocol); a domain-prefixed
// protocol is the implementation's own and not judged.
func TestAttachListenerProtocol(t *testing.T) {
	for _, c := range []struct {
		protocol string
		accepted bool
	}{
		{"HTTP", true},
		{"GRPC", false},
		{"INVALID", false},
		{"http", false},
		{"example.com/custom", true},
	} {
		in := strings.Replace(infraGateway, "  - {name: http, port: 80, protocol: HTTP}", "  - {name: http, port: 80, protocol: \""+c.protocol+"\", allowedRoutes: {namespaces: {from: All}}}", 1)
		in += routeYAML("  parentRefs: [{name: public, namespace: infra, sectionName: http}]\n  rules: [{backendRefs: [{name: web, port: 8080}]}]\n")
		r := BuildFacts(storeOf(t, in), BuildInput{Coverage: gathered}).GatewayAPIRoutes[0]
		if !r.Judged || r.Accepted != c.accepted || (!c.accepted && r.Reason != reasonNotAllowedByListeners) {
			t.Errorf("protocol %q: accepted=%v reason %q, want accepted=%v; evidence %v", c.protocol, r.Accepted, r.Reason, c.accepted, r.Evidence)
		}
	}
}

// TestBackendKindByImplementation: whether a backendRef's kind resolves
// depends on the implementation of the route's Gateway: Envoy Gateway
// takes Backend with the group omitted (Envoy Gateway testdata
// backendtrafficpolicy-dns-lookup-family) and may take extension kinds;
// istiod resolves a closed set of kinds (conformance
// httproute-invalid-backendref-unknown-kind); an unknown implementation
// is judged by the specification's core-group rule only.
func TestBackendKindByImplementation(t *testing.T) {
	spec := `  parentRefs: [{name: public, namespace: infra, sectionName: https}]
  rules:
  - backendRefs: [{name: b, kind: Backend, port: 8080}, {name: b, group: unknownkind.example.com, kind: NonExistent, port: 8080}, {name: web, kind: Servce, port: 8080}, {name: h, group: networking.istio.io, kind: Hostname, port: 80}]
`
	for _, c := range []struct {
		controller string
		want       map[string][]string
	}{
		{"gateway.envoyproxy.io/gatewayclass-controller", map[string][]string{
			"Backend shop/b:8080": {}, "NonExistent.unknownkind.example.com shop/b:8080": {}, "Servce shop/web:8080": {reasonInvalidKind},
			"Hostname.networking.istio.io shop/h:80": {}}},
		{"istio.io/gateway-controller", map[string][]string{
			"Backend shop/b:8080": {reasonInvalidKind}, "NonExistent.unknownkind.example.com shop/b:8080": {reasonInvalidKind},
			"Servce shop/web:8080": {reasonInvalidKind}, "Hostname.networking.istio.io shop/h:80": {}}},
		{"example.net/unknown-controller", map[string][]string{
			"Backend shop/b:8080": {}, "NonExistent.unknownkind.example.com shop/b:8080": {}, "Servce shop/web:8080": {reasonInvalidKind},
			"Hostname.networking.istio.io shop/h:80": {}}},
	} {
		in := strings.Replace(infraGateway, "gateway.envoyproxy.io/gatewayclass-controller", c.controller, 1)
		f := BuildFacts(storeOf(t, in+routeYAML(spec)), BuildInput{Coverage: gathered})
		for _, b := range f.GatewayAPIBackends {
			w, ok := c.want[b.Text]
			if !ok || !slices.Equal(b.Defects, w) {
				t.Errorf("%s: %s: defects %v, want %v", c.controller, b.Text, b.Defects, w)
			}
		}
	}
}

// TestAttachParentWithForeignStatus: a parent missing from the input is
// not called missing when a controller wrote status for it (istio
// pilot/pkg/config/kube/gateway/testdata/status.yaml: a route with a
// parent of another implementation, whose status has no Accepted
// condition).
func TestAttachParentWithForeignStatus(t *testing.T) {
	in := infraGateway + routeYAML("  parentRefs: [{name: other, namespace: infra}]\n  rules: [{backendRefs: [{name: web, port: 8080}]}]\n")
	if r := BuildFacts(storeOf(t, in), BuildInput{Coverage: gathered}).GatewayAPIRoutes[0]; !r.Judged || r.Reason != reasonParentNotFound {
		t.Fatalf("no status: %+v", r)
	}
	in += "status:\n  parents:\n  - parentRef: {name: other, namespace: infra}\n    controllerName: example.com/other\n    conditions: [{type: Dummy, status: \"True\", reason: Dummy}]\n"
	loose := map[string]string{"Gateway": "ok", "Gateway@*": "inferred", "HTTPRoute": "ok", "HTTPRoute@*": "inferred", "Service": "ok"}
	if r := BuildFacts(storeOf(t, in), BuildInput{Coverage: loose}).GatewayAPIRoutes[0]; r.Judged || r.Accepted || !r.ParentFound {
		t.Errorf("status by another controller: %+v", r)
	}
	// Gateways gather listed: the status outlived its parent.
	if r := BuildFacts(storeOf(t, in), BuildInput{Coverage: gathered}).GatewayAPIRoutes[0]; !r.Judged || r.Reason != reasonParentNotFound {
		t.Errorf("gathered, status by another controller: %+v", r)
	}
}

// TestMeshRouteNeedsNoGrant: a route whose parents are all Services (a
// GAMMA route) forwards to other namespaces without a ReferenceGrant
// (GEP-1294; conformance mesh/mesh-consumer-route); one with a Gateway
// parent still needs one.
func TestMeshRouteNeedsNoGrant(t *testing.T) {
	backend := "\n---\napiVersion: v1\nkind: Service\nmetadata: {name: echo, namespace: other}\nspec: {ports: [{port: 80}]}\n"
	for _, c := range []struct {
		parents string
		want    []string
	}{
		{"[{group: \"\", kind: Service, name: echo, namespace: other}]", []string{}},
		{"[{group: \"\", kind: Service, name: echo, namespace: other}, {name: public, namespace: infra, sectionName: https}]", []string{reasonRefNotPermitted}},
	} {
		in := infraGateway + backend + routeYAML("  parentRefs: "+c.parents+"\n  rules: [{backendRefs: [{name: echo, namespace: other, port: 80}]}]\n")
		f := BuildFacts(storeOf(t, in), BuildInput{Coverage: gathered})
		if b := f.GatewayAPIBackends[0]; !slices.Equal(b.Defects, c.want) {
			t.Errorf("parents %s: defects %v, want %v", c.parents, b.Defects, c.want)
		}
	}
}

// TestCoreKindsTakenBySome: every kind an implementation of the table
// resolves with the group omitted is one the specification's rule leaves
// undecided for an unknown implementation.
func TestCoreKindsTakenBySome(t *testing.T) {
	probe := []string{"Backend", "ServiceImport", "Hostname", "XBackend", "InferencePool", "ServiceEntry", "Endpoints", "Pod"}
	for _, impl := range gatewayImplementations {
		if impl.backendKind == nil {
			continue
		}
		for _, k := range probe {
			if impl.backendKind("", k) == kindResolves && kindBySpec("", k) == kindInvalid {
				t.Errorf("%s resolves core-group %s, which kindBySpec calls invalid: add it to coreKindsTakenBySome", impl.name, k)
			}
		}
	}
}

// TestAttachParentInOtherNamespace: loose manifests holding Gateways of
// one namespace say nothing of another's, where a shared Gateway may
// live apart from the routes naming it; a missing Gateway is missing only
// where the input holds that namespace's Gateways, or gather listed them.
func TestAttachParentInOtherNamespace(t *testing.T) {
	loose := map[string]string{"Gateway": "ok", "Gateway@*": "inferred", "Gateway@infra": "ok", "HTTPRoute": "ok", "HTTPRoute@*": "inferred"}
	for _, c := range []struct {
		parent string
		cov    map[string]string
		judged bool
	}{
		{"{name: shared, namespace: platform}", loose, false},
		{"{name: other, namespace: infra}", loose, true},
		{"{name: shared, namespace: platform}", gathered, true},
	} {
		in := infraGateway + routeYAML("  parentRefs: ["+c.parent+"]\n  rules: [{backendRefs: [{name: web, port: 8080}]}]\n")
		r := BuildFacts(storeOf(t, in), BuildInput{Coverage: c.cov}).GatewayAPIRoutes[0]
		if r.Judged != c.judged || (c.judged && r.Reason != reasonParentNotFound) {
			t.Errorf("parent %s: judged=%v reason %q, want judged=%v", c.parent, r.Judged, r.Reason, c.judged)
		}
	}
}

// TestGrantsOfAnotherNamespace: a ReferenceGrant given for one namespace
// says nothing of another's grants; loose manifests decide a
// cross-namespace ref only when they hold the target namespace.
func TestGrantsOfAnotherNamespace(t *testing.T) {
	in := infraGateway + `
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: unrelated, namespace: infra}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: shop}]
  to: [{group: "", kind: Service}]
` + routeYAML("  parentRefs: [{name: public, namespace: infra, sectionName: https}]\n  rules: [{backendRefs: [{name: echo, namespace: other, port: 80}]}]\n")
	loose := map[string]string{"HTTPRoute": "ok", "HTTPRoute@*": "inferred", "ReferenceGrant": "ok", "ReferenceGrant@*": "inferred",
		"ReferenceGrant@infra": "ok", "Service": "ok", "Service@*": "inferred", "Service@shop": "ok", "Gateway": "ok"}
	if b := BuildFacts(storeOf(t, in), BuildInput{Coverage: loose}).GatewayAPIBackends[0]; len(b.Defects) != 0 {
		t.Errorf("namespace other not in the input: defects %v", b.Defects)
	}
	loose["Service@other"] = "ok"
	in += "\n---\napiVersion: v1\nkind: Service\nmetadata: {name: echo, namespace: other}\nspec: {ports: [{port: 80}]}\n"
	if b := BuildFacts(storeOf(t, in), BuildInput{Coverage: loose}).GatewayAPIBackends[0]; !slices.Equal(b.Defects, []string{reasonRefNotPermitted}) {
		t.Errorf("namespace other in the input, no grant there: defects %v", b.Defects)
	}
}
