package rules

import (
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/load"
	"github.com/nohealthy/nohealthy/report"
)

// engineOf compiles the rules given as id -> YAML body into an engine.
func engineOf(t *testing.T, rules map[string]string) *Engine {
	t.Helper()
	dir := t.TempDir()
	for id, body := range rules {
		writeRule(t, dir, id+".yaml", "id: "+id+"\n"+body)
	}
	pack, err := LoadPackDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine([]*Pack{pack}, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// chainText is a root cause's chain as rule ids and symptom ids.
func chainText(r *report.Report, rc report.RootCause) string {
	rule := map[string]string{}
	for _, f := range r.Findings {
		rule[f.ID] = f.Rule
	}
	var parts []string
	for _, id := range rc.Chain {
		if x, ok := rule[id]; ok {
			id = x
		}
		parts = append(parts, id)
	}
	return strings.Join(parts, " > ")
}

// meshRules: an istiod-down cause that explains every Envoy failure
// (global:mesh) and the sidecars that never got ready; a sidecar cause,
// of much higher priority, that explains its Service having no ready
// backend; and that intermediate fact, which explains the UH.
var meshRules = map[string]string{
	"istiod-down": `title: istiod down
cause: control-plane-down
severity: critical
priority: 10
for: cluster
when: "true"
object: cluster.istiodWorkload
keys: "['global:mesh']"
summary: istiod down
remediation: bring it back
explains: [UH, sidecar-stuck]
`,
	"sidecar-stuck": `title: sidecar stuck
cause: sidecar-not-ready
severity: critical
priority: 90
for: workloads
when: "true"
keys: "wl.keys + ['global:mesh']"
summary: sidecar stuck
remediation: look at the sidecar
explains: [no-backend]
`,
	"no-backend": `title: no ready backend
severity: critical
for: services
when: "true"
summary: nothing ready
explains: [UH]
`,
}

func meshFacts() *analyzers.Facts {
	istiod := analyzers.Ref{Kind: "Deployment", Namespace: "istio-system", Name: "istiod"}
	return &analyzers.Facts{
		Cluster: []*analyzers.ClusterFact{{IstiodWorkload: istiod, Keys: []string{"global:mesh"}}},
		Workloads: []*analyzers.WorkloadFact{{Ref: analyzers.Ref{Kind: "Deployment", Namespace: "shop", Name: "cart"},
			Keys: []string{"wl:Deployment/shop/cart", "svc:shop/cart"}}},
		Services: []*analyzers.ServiceFact{{Ref: analyzers.Ref{Kind: "Service", Namespace: "shop", Name: "cart"},
			Keys: []string{"svc:shop/cart"}}},
		Symptoms: []*analyzers.SymptomFact{{ID: "S1", Kind: "UH", Count: 40, Keys: []string{"global:mesh", "svc:shop/cart"}}},
	}
}

// TestExplainingRootCauseRanksFirst: a root cause that another root cause
// explains ranks below it although its priority is higher, and the
// explaining cause's chain goes through it rather than straight to the
// symptom both reach.
func TestExplainingRootCauseRanksFirst(t *testing.T) {
	e := engineOf(t, meshRules)
	r := e.Analyze(&analyzers.Snapshot{Facts: meshFacts()})
	if len(r.RootCauses) != 2 {
		t.Fatalf("root causes %+v", r.RootCauses)
	}
	if r.RootCauses[0].Cause != "control-plane-down" || r.RootCauses[1].Cause != "sidecar-not-ready" {
		t.Errorf("order %s, %s: the explaining cause must come first", r.RootCauses[0].Cause, r.RootCauses[1].Cause)
	}
	if got, want := chainText(r, r.RootCauses[0]), "S1 > no-backend > sidecar-stuck > istiod-down"; got != want {
		t.Errorf("chain of the explaining cause %q, want %q", got, want)
	}
	if got, want := chainText(r, r.RootCauses[1]), "S1 > no-backend > sidecar-stuck"; got != want {
		t.Errorf("chain of the explained cause %q, want %q", got, want)
	}
}

// TestUnrelatedRootCausesKeepTheirOrder: without an explanation between
// them, priority decides as before.
func TestUnrelatedRootCausesKeepTheirOrder(t *testing.T) {
	rules := map[string]string{}
	for k, v := range meshRules {
		rules[k] = v
	}
	rules["istiod-down"] = strings.Replace(rules["istiod-down"], "explains: [UH, sidecar-stuck]", "explains: [UH]", 1)
	r := engineOf(t, rules).Analyze(&analyzers.Snapshot{Facts: meshFacts()})
	if len(r.RootCauses) != 2 || r.RootCauses[0].Cause != "sidecar-not-ready" {
		t.Fatalf("root causes %+v: equal lines, so the higher priority must rank first", r.RootCauses)
	}
	if got := chainText(r, r.RootCauses[1]); got != "S1 > istiod-down" {
		t.Errorf("chain %q", got)
	}
}

// TestMutualExplanationTerminates: two root causes that explain each
// other constrain nothing and do not loop.
func TestMutualExplanationTerminates(t *testing.T) {
	rules := map[string]string{
		"a": "title: a\ncause: no-workload\nseverity: critical\npriority: 5\nfor: services\nwhen: \"true\"\nsummary: a\nremediation: x\nexplains: [b, UH]\n",
		"b": "title: b\ncause: scaled-to-zero\nseverity: critical\npriority: 9\nfor: services\nwhen: \"true\"\nsummary: b\nremediation: x\nexplains: [a]\n",
	}
	r := engineOf(t, rules).Analyze(&analyzers.Snapshot{Facts: meshFacts()})
	if len(r.RootCauses) != 2 || r.RootCauses[0].Cause != "scaled-to-zero" {
		t.Fatalf("root causes %+v: equal lines, so the higher priority must rank first", r.RootCauses)
	}
	if got := chainText(r, r.RootCauses[0]); got != "S1 > a > b" {
		t.Errorf("chain of b %q", got)
	}
	if got := chainText(r, r.RootCauses[1]); got != "S1 > a" {
		t.Errorf("chain of a %q", got)
	}
}

// TestSymptomKeys: a key symptom:<id> links a finding to that symptom
// only, not to another group that shares its Service.
func TestSymptomKeys(t *testing.T) {
	rules := map[string]string{
		"exact": "title: exact\ncause: mtls-mismatch\nseverity: critical\nfor: services\nwhen: \"true\"\nkeys: \"['symptom:S2']\"\nsummary: s\nremediation: x\nexplains: [UC]\n",
	}
	f := meshFacts()
	f.Symptoms = []*analyzers.SymptomFact{
		{ID: "S1", Kind: "UC", Count: 9, Keys: []string{"svc:shop/cart", "pod:shop/sidecar-client"}},
		{ID: "S2", Kind: "UC", Count: 3, Keys: []string{"svc:shop/cart", "pod:edge/nginx"}},
	}
	r := engineOf(t, rules).Analyze(&analyzers.Snapshot{Facts: f})
	if len(r.RootCauses) != 1 || strings.Join(r.RootCauses[0].Explains, ",") != "S2" {
		t.Fatalf("root causes %+v: want one explaining S2 alone", r.RootCauses)
	}
}

// TestEveryDefectOfOneObject: three rules naming the same object with the
// same cause and different details are three root causes, none merged
// away; hits of one rule with the same detail are one finding.
func TestEveryDefectOfOneObject(t *testing.T) {
	rules := map[string]string{
		"host":   "title: h\ncause: destination-host-unknown\nseverity: critical\nfor: routes\nwhen: \"!route.hostKnown\"\ndetail: \"host {{route.host}}\"\nsummary: s\nremediation: x\n",
		"subset": "title: s\ncause: subset-undefined\nseverity: critical\nfor: routes\nwhen: \"route.hostKnown && !route.subsetDefined\"\ndetail: \"subset {{route.subset}}\"\nsummary: s\nremediation: x\n",
	}
	vs := analyzers.Ref{Kind: "VirtualService", Namespace: "shop", Name: "front"}
	f := &analyzers.Facts{Routes: []*analyzers.RouteFact{
		{VirtualService: vs, Host: "ratings", HostKnown: false, SubsetDefined: true},
		{VirtualService: vs, Host: "reviews", Subset: "v1", HostKnown: true, SubsetDefined: false},
		{VirtualService: vs, Host: "reviews", Subset: "v1", Port: 9080, HostKnown: true, SubsetDefined: false},
		{VirtualService: vs, Host: "details", HostKnown: false, SubsetDefined: true},
	}}
	r := engineOf(t, rules).Analyze(&analyzers.Snapshot{Facts: f})
	var got []string
	for _, rc := range r.RootCauses {
		if rc.Object != vs {
			t.Errorf("object %v", rc.Object)
		}
		got = append(got, rc.Cause+" "+rc.Detail)
	}
	want := "destination-host-unknown host ratings, destination-host-unknown host details, subset-undefined subset v1"
	if strings.Join(got, ", ") != want {
		t.Errorf("root causes %q, want %q", strings.Join(got, ", "), want)
	}
}

// TestScaledToZeroNamesEachWorkload: a Service whose pods two Deployments
// would make, both at 0 replicas, gets one scaled-to-zero root cause per
// Deployment, not one for the first of them.
func TestScaledToZeroNamesEachWorkload(t *testing.T) {
	s := load.NewObjects()
	for _, o := range []bundle.Object{
		{APIVersion: "v1", Kind: "Service", Namespace: "shop", Name: "cart", Raw: []byte(`{"metadata":{"name":"cart","namespace":"shop"},"spec":{"selector":{"app":"cart"},"ports":[{"port":80}]}}`)},
		{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "cart-blue", Raw: []byte(`{"metadata":{"name":"cart-blue","namespace":"shop"},"spec":{"replicas":0,"template":{"metadata":{"labels":{"app":"cart","slot":"blue"}}}}}`)},
		{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "cart-green", Raw: []byte(`{"metadata":{"name":"cart-green","namespace":"shop"},"spec":{"replicas":0,"template":{"metadata":{"labels":{"app":"cart","slot":"green"}}}}}`)},
	} {
		if _, err := s.Add(o); err != nil {
			t.Fatal(err)
		}
	}
	f := analyzers.BuildFacts(s.Store(), analyzers.BuildInput{Coverage: map[string]string{"Pod": "ok", "Service": "ok", "Deployment": "ok"}})
	p, err := BuiltinPack()
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine([]*Pack{p}, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rc := range e.Analyze(&analyzers.Snapshot{Facts: f}).RootCauses {
		got = append(got, rc.Cause+" "+rc.Object.Name)
	}
	if strings.Join(got, ", ") != "scaled-to-zero cart-blue, scaled-to-zero cart-green" {
		t.Errorf("root causes %v", got)
	}
}
