package ruletest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nohealthy/nohealthy/load"
	"github.com/nohealthy/nohealthy/report"
	"github.com/nohealthy/nohealthy/rules"
)

// The Gateway API's own conformance manifests and examples
// (testdata/upstream/gateway-api, see its README), analyzed as loose
// manifests from Git: no status, no pods, no logs. What a conformance
// test asserts about a route's Accepted and ResolvedRefs conditions
// decides what the report must name; everything it accepts must get no
// root cause at all.

const upstreamGatewayAPI = "../../testdata/upstream/gateway-api"

// conformanceWants lists, per conformance test manifest
// (conformance/tests/<name>.yaml, analyzed with conformance/base/manifests.yaml),
// the root causes it must name as "cause Kind ns/name", from the
// condition the test's .go sibling asserts. A test not listed here must
// get no root cause.
var conformanceWants = map[string][]string{
	// http-route-not-accepted: Accepted=False NoMatchingListenerHostname;
	// http-route-4: ResolvedRefs=False (its backend does-not-exist). The
	// Selector on kubernetes.io/metadata.name admits routes 1 to 4.
	"gateway-with-attached-routes": {
		"route-missing HTTPRoute gateway-conformance-infra/http-route-not-accepted",
		"destination-host-unknown HTTPRoute gateway-conformance-infra/http-route-4",
	},
	// The test asserts listener conditions only; its route's parentRef
	// names Gateway client-validation-invalid, which the manifests do not
	// define (the Gateway is gateway-with-invalid-client-cert-validation),
	// so the route attaches nowhere.
	"gateway-with-invalid-clientcertificate-validation": {
		"route-missing HTTPRoute gateway-conformance-infra/misconfigured-client-certificate-validation-https-test",
	},
	"httproute-disallowed-kind":                     {"route-missing HTTPRoute gateway-conformance-infra/disallowed-kind"},
	"httproute-hostname-intersection":               {"route-missing HTTPRoute gateway-conformance-infra/no-intersecting-hosts"},
	"httproute-invalid-cross-namespace-backend-ref": {"backend-ref-not-permitted HTTPRoute gateway-conformance-infra/invalid-cross-namespace-backend-ref"},
	"httproute-invalid-cross-namespace-parent-ref":  {"route-missing HTTPRoute gateway-conformance-web-backend/invalid-cross-namespace-parent-ref"},
	"httproute-invalid-nonexistent-backendref":      {"destination-host-unknown HTTPRoute gateway-conformance-infra/invalid-nonexistent-backend-ref"},
	"httproute-invalid-parentref-not-matching-listener-port": {
		"route-missing HTTPRoute gateway-conformance-infra/httproute-listener-not-matching-route-port",
	},
	"httproute-invalid-parentref-not-matching-section-name": {
		"route-missing HTTPRoute gateway-conformance-infra/httproute-listener-not-matching-section-name",
	},
	"httproute-invalid-parentref-section-name-not-matching-port": {
		"route-missing HTTPRoute gateway-conformance-infra/httproute-listener-section-name-not-matching-port",
	},
	"httproute-invalid-reference-grant": {"backend-ref-not-permitted HTTPRoute gateway-conformance-infra/reference-grant"},
	"httproute-partially-invalid-via-invalid-reference-grant": {
		"backend-ref-not-permitted HTTPRoute gateway-conformance-infra/invalid-reference-grant",
	},
	// route-in-gateway-namespace: Accepted=False NotAllowedByListeners
	// (the cross-namespace ListenerSet's listener admits Same only).
	"listenerset-allowed-routes-namespaces": {"route-missing HTTPRoute gateway-conformance-infra/route-in-gateway-namespace"},
	// Its Gateway parentRef names the ListenerSet's sectionName:
	// NoMatchingParent there (it attaches through the ListenerSet).
	"listenerset-dual-parentref-independence":           {"route-missing HTTPRoute gateway-conformance-infra/route-dual-parentref-one"},
	"listenerset-gateway-parent-section-name-not-found": {"route-missing HTTPRoute gateway-conformance-infra/route-via-gateway"},
}

// closedKindsWants are causes the manifests decide only with the
// implementation known and its set of backend kinds closed (istiod's): an
// unknown kind is InvalidKind for every conformant implementation, but an
// unknown implementation, or one that extensions extend (Envoy Gateway),
// may resolve an implementation-specific kind the input cannot tell from
// an unknown one (examples/standard/default-match-http.yaml forwards to
// an acme.io CustomBackend).
var closedKindsWants = map[string][]string{
	"httproute-invalid-backendref-unknown-kind": {"destination-host-unknown HTTPRoute gateway-conformance-infra/invalid-backend-ref-unknown-kind"},
}

// conformanceRuns are the ways the conformance manifests are analyzed:
// as given, with no GatewayClass (what a repository holds), and as the
// suite runs them against an implementation, whose GatewayClass the
// suite requires to exist ({GATEWAY_CLASS_NAME}, with its controller).
var conformanceRuns = []struct {
	name, controller string
	closedKinds      bool
}{
	{name: "from Git"},
	{name: "Envoy Gateway", controller: "gateway.envoyproxy.io/gatewayclass-controller"},
	{name: "istiod", controller: "istio.io/gateway-controller", closedKinds: true},
}

// outsideTheContract are conformance tests whose defect no cause of
// /work/shared/CAUSES.md names: route causes name HTTPRoute and GRPCRoute
// only, and listener certificates, BackendTLSPolicy validation and
// listener protocols have no cause. They must name nothing.
var outsideTheContract = map[string]string{
	"tcproute-invalid-backendref-nonexistent":                        "TCPRoute",
	"tcproute-invalid-cross-namespace-backend-ref":                   "TCPRoute",
	"tcproute-invalid-non-tcp-listener":                              "TCPRoute",
	"tcproute-reference-grant":                                       "TCPRoute",
	"tlsroute-invalid-backendref-nonexistent":                        "TLSRoute",
	"tlsroute-invalid-backendref-unknown-kind":                       "TLSRoute",
	"tlsroute-invalid-no-matching-listener-hostname":                 "TLSRoute",
	"tlsroute-invalid-no-matching-listener":                          "TLSRoute",
	"tlsroute-invalid-reference-grant":                               "TLSRoute",
	"udproute-invalid-backendref-nonexistent":                        "UDPRoute",
	"udproute-invalid-cross-namespace-backend-ref":                   "UDPRoute",
	"udproute-not-allowed-by-listeners":                              "UDPRoute",
	"udproute-reference-grant":                                       "UDPRoute",
	"backendtlspolicy-invalid-ca-certificate-ref":                    "BackendTLSPolicy validation",
	"backendtlspolicy-invalid-kind":                                  "BackendTLSPolicy validation",
	"gateway-secret-invalid-reference-grant":                         "listener certificate",
	"gateway-secret-missing-reference-grant":                         "listener certificate",
	"gateway-invalid-tls-configuration":                              "listener certificate",
	"gateway-invalid-listeners-unsupported-protocol":                 "listener protocol",
	"gateway-invalid-route-kind":                                     "listener allowedRoutes kinds (no route)",
	"listenerset-allowed-routes-supported-kinds":                     "listener allowedRoutes kinds (no route)",
	"gateway-invalid-default-frontend-client-certificate-validation": "listener client certificate validation",
}

// gatewayAPIUpstreamCase is one fixture: the files analyzed together and the root
// causes the report must name, no more.
type gatewayAPIUpstreamCase struct {
	name   string
	inputs []string
	want   []string
}

func conformanceCases(t *testing.T) []gatewayAPIUpstreamCase {
	t.Helper()
	dir := filepath.Join(upstreamGatewayAPI, "conformance")
	files, err := filepath.Glob(filepath.Join(dir, "tests", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no conformance manifests under %s: %v", dir, err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		seen[strings.TrimSuffix(filepath.Base(f), ".yaml")] = true
	}
	for _, table := range []map[string][]string{conformanceWants, closedKindsWants} {
		for name := range table {
			if !seen[name] {
				t.Errorf("%s is not a manifest under %s", name, dir)
			}
		}
	}
	for name := range outsideTheContract {
		if !seen[name] || conformanceWants[name] != nil || closedKindsWants[name] != nil {
			t.Errorf("outsideTheContract names %s: not a manifest, or also expected to be named", name)
		}
	}
	var out []gatewayAPIUpstreamCase
	for _, run := range conformanceRuns {
		inputs := []string{filepath.Join(dir, "base", "manifests.yaml")}
		if run.controller != "" {
			class := filepath.Join(t.TempDir(), "gatewayclass.yaml")
			doc := "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: \"{GATEWAY_CLASS_NAME}\"}\nspec: {controllerName: " + run.controller + "}\n"
			if err := os.WriteFile(class, []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, class)
		}
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".yaml")
			want := slices.Clone(conformanceWants[name])
			if run.closedKinds {
				want = append(want, closedKindsWants[name]...)
			}
			out = append(out, gatewayAPIUpstreamCase{name: "conformance/" + name + " (" + run.name + ")",
				inputs: append(slices.Clone(inputs), f), want: want})
		}
	}
	return out
}

// meshCases are the mesh (GAMMA) conformance manifests
// (conformance/tests/mesh/*.yaml with conformance/mesh/manifests.yaml):
// the suite asserts no failing condition on any, so none may be named.
func meshCases(t *testing.T) []gatewayAPIUpstreamCase {
	t.Helper()
	dir := filepath.Join(upstreamGatewayAPI, "conformance")
	files, err := filepath.Glob(filepath.Join(dir, "tests", "mesh", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no mesh conformance manifests under %s: %v", dir, err)
	}
	var out []gatewayAPIUpstreamCase
	for _, f := range files {
		out = append(out, gatewayAPIUpstreamCase{name: "conformance/mesh/" + strings.TrimSuffix(filepath.Base(f), ".yaml"),
			inputs: []string{filepath.Join(dir, "mesh", "manifests.yaml"), f}})
	}
	return out
}

// exampleCases are the examples of examples/standard: each top-level
// file, and each directory as a whole, with the namespaces the examples
// share (0-namespaces.yaml). Every one is a valid configuration.
func exampleCases(t *testing.T) []gatewayAPIUpstreamCase {
	t.Helper()
	dir := filepath.Join(upstreamGatewayAPI, "examples", "standard")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	nss := filepath.Join(dir, "0-namespaces.yaml")
	var out []gatewayAPIUpstreamCase
	for _, e := range entries {
		if e.Name() == "0-namespaces.yaml" || (!e.IsDir() && !strings.HasSuffix(e.Name(), ".yaml")) {
			continue
		}
		out = append(out, gatewayAPIUpstreamCase{name: "examples/standard/" + e.Name(), inputs: []string{nss, filepath.Join(dir, e.Name())}})
	}
	return out
}

var upstreamEngine = sync.OnceValues(func() (*rules.Engine, error) {
	pack, err := rules.BuiltinPack()
	if err != nil {
		return nil, err
	}
	return rules.NewEngine([]*rules.Pack{pack}, rules.Selection{})
})

// causesNamed lists a report's root causes as "cause Kind ns/name", once
// each (a route with two failing parents is one object to fix).
func causesNamed(r *report.Report) []string {
	var out []string
	for _, rc := range r.RootCauses {
		s := rc.Cause + " " + rc.Object.String()
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// TestUpstreamGatewayAPI runs analyze on every upstream fixture and
// compares the causes named with the table. It logs how many matched.
func TestUpstreamGatewayAPI(t *testing.T) {
	eng, err := upstreamEngine()
	if err != nil {
		t.Fatal(err)
	}
	cases := slices.Concat(conformanceCases(t), meshCases(t), exampleCases(t))
	matched := 0
	for _, c := range cases {
		snap, err := load.Inputs(c.inputs, load.Options{})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		got := causesNamed(eng.Analyze(snap))
		want := slices.Clone(c.want)
		slices.Sort(want)
		if slices.Equal(got, want) {
			matched++
			continue
		}
		var missing, extra []string
		for _, w := range want {
			if !slices.Contains(got, w) {
				missing = append(missing, w)
			}
		}
		for _, g := range got {
			if !slices.Contains(want, g) {
				extra = append(extra, g)
			}
		}
		t.Errorf("%s:\n  not named: %q\n  named but valid upstream: %q", c.name, missing, extra)
	}
	t.Logf("%d of %d upstream Gateway API fixtures matched", matched, len(cases))
}
