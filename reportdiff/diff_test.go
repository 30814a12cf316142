package reportdiff

import (
	"bytes"
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/kinds"
	"github.com/nohealthy/nohealthy/load"
	"github.com/nohealthy/nohealthy/report"
	"github.com/nohealthy/nohealthy/rules"
)

func ref(kind, ns, name string) report.Ref { return report.Ref{Kind: kind, Namespace: ns, Name: name} }

// TestCompare: root causes by cause + object + detail, symptoms by kind +
// reporter + upstream with counts, findings by rule + object + detail,
// and what counts as worse.
func TestCompare(t *testing.T) {
	dr, dep := ref("DestinationRule", "shop", "reviews"), ref("Deployment", "shop", "ratings")
	gw := ref("Pod", "istio-system", "gw-1")
	before := &report.Report{
		RootCauses: []report.RootCause{
			{Rank: 1, Cause: "subset-no-pods", Object: dr, Detail: "subset v1", Severity: "critical"},
			{Rank: 2, Cause: "crash-loop", Object: dep, Severity: "critical"},
		},
		Symptoms: []report.Symptom{
			{Kind: "UH", Where: gw, Upstream: "outbound|9080|v1|reviews", Count: 412},
			{Kind: "UF", Where: gw, Upstream: "outbound|9080||ratings", Count: 5},
		},
		Findings: []report.Finding{
			{Rule: "subset-no-pods", Object: dr, Detail: "subset v1", Severity: "critical"},
			{Rule: "crash-loop", Object: dep, Severity: "critical"},
			{Rule: "restarts", Object: dep, Severity: "info"},
		},
	}
	after := &report.Report{
		RootCauses: []report.RootCause{
			{Rank: 1, Cause: "crash-loop", Object: dep, Severity: "critical"},
			{Rank: 2, Cause: "subset-no-pods", Object: dr, Detail: "subset v2", Severity: "critical"},
		},
		Symptoms: []report.Symptom{
			{Kind: "UF", Where: gw, Upstream: "outbound|9080||ratings", Count: 9},
			{Kind: "UH", Where: gw, Upstream: "outbound|9080|v2|reviews", Count: 3},
		},
		Findings: []report.Finding{
			{Rule: "crash-loop", Object: dep, Severity: "critical"},
			{Rule: "subset-no-pods", Object: dr, Detail: "subset v2", Severity: "critical"},
			{Rule: "restarts", Object: dep, Severity: "warning"},
		},
	}
	d := Compare(Side{Report: before}, Side{Report: after}, "critical", report.Tool{})
	if len(d.RootCauses.Resolved) != 1 || d.RootCauses.Resolved[0].Detail != "subset v1" ||
		len(d.RootCauses.Appeared) != 1 || d.RootCauses.Appeared[0].Detail != "subset v2" ||
		len(d.RootCauses.Persisting) != 1 || d.RootCauses.Persisting[0].RankBefore != 2 || d.RootCauses.Persisting[0].RankAfter != 1 {
		t.Errorf("root causes: %+v", d.RootCauses)
	}
	if len(d.Symptoms.Stopped) != 1 || d.Symptoms.Stopped[0].Upstream != "outbound|9080|v1|reviews" ||
		len(d.Symptoms.Started) != 1 || d.Symptoms.Started[0].Count != 3 ||
		len(d.Symptoms.Continuing) != 1 || d.Symptoms.Continuing[0].CountBefore != 5 || d.Symptoms.Continuing[0].CountAfter != 9 {
		t.Errorf("symptoms: %+v", d.Symptoms)
	}
	if len(d.Findings.Appeared) != 1 || len(d.Findings.Resolved) != 1 {
		t.Errorf("findings: %+v", d.Findings)
	}
	// A new critical finding (subset v2) is worse at critical; the
	// restarts finding rose from info to warning: worse at warning.
	if len(d.Worse) != 1 || d.Worse[0].Detail != "subset v2" {
		t.Errorf("worse at critical: %+v", d.Worse)
	}
	if d := Compare(Side{Report: before}, Side{Report: after}, "warning", report.Tool{}); len(d.Worse) != 2 {
		t.Errorf("worse at warning: %+v", d.Worse)
	}
	if d := Compare(Side{Report: before}, Side{Report: after}, "none", report.Tool{}); len(d.Worse) != 0 {
		t.Errorf("--fail-on none: %+v", d.Worse)
	}
	if d := Compare(Side{Report: after}, Side{Report: after}, "info", report.Tool{}); len(d.Worse) != 0 || Summary(d) != "No difference. Nothing worse appeared (--fail-on info)." {
		t.Errorf("same report: %q %+v", Summary(d), d.Worse)
	}
}

// TestJSONListsNeverNull: every list of the JSON diff is [] when empty.
func TestJSONListsNeverNull(t *testing.T) {
	var b bytes.Buffer
	if err := Render(&b, Compare(Side{}, Side{}, "critical", report.Tool{Name: report.ToolName}), "json"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ReplaceAll(b.String(), `"collectedAt": null`, ""), "null") {
		t.Errorf("null in the JSON diff:\n%s", b.String())
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil || m["schemaVersion"] != float64(SchemaVersion) {
		t.Errorf("not a diff document: %v\n%s", err, b.String())
	}
}

// corpusSides loads every corpus case as diff does, with the facts of
// its objects alone.
func corpusCases(t *testing.T) []string {
	cases, err := filepath.Glob("../testdata/bundles/*/bundle")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	return cases
}

// TestIdentitiesAreUnique: on every corpus case, no two items of a
// domain share an identity (else a comparison would lose one): a domain
// whose items share their first object needs an entry in identity.
func TestIdentitiesAreUnique(t *testing.T) {
	for _, c := range corpusCases(t) {
		var list []*Item
		_, err := load.Inputs([]string{c}, load.Options{Objects: func(s *kinds.Store, cov map[string]string) {
			list = items(analyzers.BuildFacts(s, analyzers.BuildInput{Coverage: maps.Clone(cov)}))
		}})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, it := range list {
			if seen[it.key()] {
				t.Errorf("%s: two %s items are %s", c, it.Domain, it.key())
			}
			seen[it.key()] = true
		}
		if len(list) == 0 {
			t.Errorf("%s: no object facts", c)
		}
	}
}

// TestObjectsHookLeavesTheAnalysisAlone: deriving the objects' facts in
// load.Options.Objects does not change the report.
func TestObjectsHookLeavesTheAnalysisAlone(t *testing.T) {
	pack, err := rules.BuiltinPack()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := rules.NewEngine([]*rules.Pack{pack}, rules.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range corpusCases(t) {
		plain, err := load.Inputs([]string{c}, load.Options{})
		if err != nil {
			t.Fatal(err)
		}
		hooked, err := load.Inputs([]string{c}, load.Options{Objects: func(s *kinds.Store, cov map[string]string) {
			ObjectsOf(analyzers.BuildFacts(s, analyzers.BuildInput{Coverage: maps.Clone(cov)}))
		}})
		if err != nil {
			t.Fatal(err)
		}
		a, b := eng.Analyze(plain), eng.Analyze(hooked)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if !bytes.Equal(ja, jb) {
			t.Errorf("%s: the report changed when the objects' facts were derived first", c)
		}
	}
}

// TestDomainsAreRuleDomains: the domains compared are those rules
// iterate (one vocabulary).
func TestDomainsAreRuleDomains(t *testing.T) {
	f := &analyzers.Facts{}
	got := map[string]bool{}
	for _, it := range items(populated(f)) {
		got[it.Domain] = true
	}
	names := rules.DomainNames()
	for d := range got {
		if !slices.Contains(names, d) {
			t.Errorf("domain %q is not a rule domain (%v)", d, names)
		}
	}
}

// populated gives every domain of f one empty item.
func populated(f *analyzers.Facts) *analyzers.Facts {
	f.Services = []*analyzers.ServiceFact{{}}
	f.Workloads = []*analyzers.WorkloadFact{{}}
	f.Subsets = []*analyzers.SubsetFact{{}}
	f.Routes = []*analyzers.RouteFact{{}}
	f.VirtualServices = []*analyzers.VirtualServiceFact{{}}
	f.Gateways = []*analyzers.GatewayFact{{}}
	f.DestinationRules = []*analyzers.DestinationRuleFact{{}}
	f.NetworkPolicies = []*analyzers.NetworkPolicyFact{{}}
	f.Nodes = []*analyzers.NodeFact{{}}
	f.Upstreams = []*analyzers.UpstreamFact{{}}
	f.Cluster = []*analyzers.ClusterFact{{}}
	return f
}

// TestRenderTerminalSafe: strings from the inputs (names, upstreams,
// field values) reach the people's formats made visible.
func TestRenderTerminalSafe(t *testing.T) {
	const evil = "\x1b]0;pwned\x07\r\u009b2J\u202e"
	obj := ref("Service", "shop"+evil, "web"+evil)
	before := &report.Report{
		RootCauses: []report.RootCause{{Cause: "no-workload", Object: obj, Detail: evil, Severity: "critical"}},
		Symptoms:   []report.Symptom{{Kind: "UH", Where: obj, Upstream: "up" + evil, Count: 1}},
		Findings:   []report.Finding{{Rule: "r" + evil, Object: obj, Severity: "info"}},
	}
	items := Objects{"x": {Domain: "services", Object: obj, Detail: evil, Fields: map[string]string{"selector": "app=" + evil}}}
	changed := Objects{"x": {Domain: "services", Object: obj, Detail: evil, Fields: map[string]string{"selector": "app=b" + evil}}}
	d := Compare(Side{Sources: []string{"a" + evil}, Report: before, Objects: items}, Side{Sources: []string{"b"}, Report: &report.Report{}, Objects: changed}, "info", report.Tool{})
	for _, format := range []string{"table", "markdown"} {
		var b bytes.Buffer
		if err := Render(&b, d, format); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(b.String(), "\n") {
			if strings.ContainsAny(line, "\x1b\r\x07") || strings.Contains(line, "\u009b") || strings.Contains(line, "\u202e") {
				t.Errorf("%s: a control character reaches the output: %q", format, line)
			}
		}
	}
}
