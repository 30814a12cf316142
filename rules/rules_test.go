package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/causes"
)

func TestBuiltinPackLintsClean(t *testing.T) {
	p, err := BuiltinPack()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rules) < 20 {
		t.Fatalf("built-in pack has %d rules", len(p.Rules))
	}
	for _, prob := range LintRules(p.Rules) {
		t.Errorf("%s", prob)
	}
}

// undetectedCauses are causes of the catalog no built-in rule reports
// yet, with the reason. The test below fails when one gains a rule, so
// the list only shrinks.
var undetectedCauses = map[string]string{}

// Every cause of the catalog has a built-in rule, but those listed above.
func TestBuiltinPackCoversTaxonomy(t *testing.T) {
	p, err := BuiltinPack()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, r := range p.Rules {
		have[r.Cause] = true
	}
	for _, c := range causes.All() {
		why, gap := undetectedCauses[c.ID]
		switch {
		case !have[c.ID] && !gap:
			t.Errorf("no built-in rule for cause %s", c.ID)
		case have[c.ID] && gap:
			t.Errorf("cause %s has a rule now: drop it from undetectedCauses (%s)", c.ID, why)
		}
	}
	for id := range undetectedCauses {
		if _, ok := causes.Lookup(id); !ok {
			t.Errorf("undetectedCauses: %s is not in the catalog", id)
		}
	}
}

// A pack that names a cause outside the catalog does not load, and the
// error names the file, the rule and the closest ID.
func TestLoadRejectsUnknownCause(t *testing.T) {
	dir := t.TempDir()
	writeRule(t, dir, "r.yaml", strings.Replace(goodRule, "no-workload", "no-workloads", 1))
	_, err := LoadPackDir(dir)
	if err == nil {
		t.Fatal("loaded a rule with an unknown cause")
	}
	for _, want := range []string{"r.yaml", "rule my-rule", `"no-workloads"`, "closest: no-workload;"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func writeRule(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

const goodRule = `id: my-rule
title: A rule
cause: no-workload
severity: critical
for: services
when: svc.matchedPods == 0
summary: "{{svc.name}} has no pods"
remediation: deploy it
explains: [service-no-ready-backends]
`

func TestLintFindsProblems(t *testing.T) {
	cases := map[string]struct{ body, want string }{
		"bad cel":        {strings.Replace(goodRule, "svc.matchedPods == 0", "svc.matchedPods ==", 1), "when:"},
		"not bool":       {strings.Replace(goodRule, "svc.matchedPods == 0", "svc.matchedPods", 1), "want bool"},
		"unknown field":  {strings.Replace(goodRule, "svc.matchedPods == 0", "svc.nope == 0", 1), "nope"},
		"other domain":   {strings.Replace(goodRule, "svc.matchedPods == 0", "wl.pods == 0", 1), "wl"},
		"unknown cause":  {strings.Replace(goodRule, "no-workload", "cosmic-rays", 1), "closest: "},
		"no remediation": {strings.Replace(goodRule, "remediation: deploy it\n", "", 1), "missing remediation"},
		"bad severity":   {strings.Replace(goodRule, "critical", "urgent", 1), "severity"},
		"unknown domain": {strings.Replace(goodRule, "for: services", "for: planets", 1), "unknown domain"},
		"typo field":     {strings.Replace(goodRule, "when:", "wehn:", 1), "unknown field"},
		"bad explains":   {strings.Replace(goodRule, "service-no-ready-backends", "XYZ", 1), "explains"},
		"policy flag":    {strings.Replace(goodRule, "service-no-ready-backends", "UAEX", 1), "docs/logs.md"},
		"bad template":   {strings.Replace(goodRule, "{{svc.name}}", "{{svc.name +}}", 1), "summary"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeRule(t, dir, "r.yaml", tc.body)
			probs, err := Lint(dir)
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for _, p := range probs {
				all = append(all, p.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Fatalf("want a problem mentioning %q, got %q", tc.want, all)
			}
		})
	}
	t.Run("duplicate id", func(t *testing.T) {
		dir := t.TempDir()
		writeRule(t, dir, "a.yaml", goodRule)
		writeRule(t, dir, "b.yaml", goodRule)
		probs, _ := Lint(dir)
		if len(probs) == 0 || !strings.Contains(probs[0].Message, "duplicate id") {
			t.Fatalf("got %v", probs)
		}
	})
	t.Run("clean", func(t *testing.T) {
		dir := t.TempDir()
		writeRule(t, dir, "a.yaml", strings.Replace(goodRule, "[service-no-ready-backends]", "[service-no-ready-backends, UH, LH, ztunnel-error, haproxy-nosrv]", 1))
		if probs, _ := Lint(dir); len(probs) != 0 {
			t.Fatalf("got %v", probs)
		}
	})
}

func TestNewEngineRejectsUnknownSelection(t *testing.T) {
	p, _ := BuiltinPack()
	if _, err := NewEngine([]*Pack{p}, Selection{Only: []string{"no-such-rule"}}); err == nil {
		t.Fatal("want error for unknown --only id")
	}
	e, err := NewEngine([]*Pack{p}, Selection{Only: []string{"crash-loop"}})
	if err != nil || len(e.Rules()) != 1 {
		t.Fatalf("only: %v %d", err, len(e.Rules()))
	}
	e, err = NewEngine([]*Pack{p}, Selection{Disable: []string{"crash-loop"}})
	if err != nil || len(e.Rules()) != len(p.Rules)-1 {
		t.Fatalf("disable: %v", err)
	}
}

// A pack from --rules overrides a built-in rule with the same id and adds new ones.
func TestExtraPackOverridesAndChains(t *testing.T) {
	dir := t.TempDir()
	writeRule(t, dir, "r.yaml", goodRule)
	extra, err := LoadPackDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := BuiltinPack()
	e, err := NewEngine([]*Pack{p, extra}, Selection{Only: []string{"my-rule", "service-no-ready-backends"}})
	if err != nil {
		t.Fatal(err)
	}
	f := &analyzers.Facts{
		Services: []*analyzers.ServiceFact{{
			Ref:  analyzers.Ref{Kind: "Service", Namespace: "shop", Name: "cart"},
			Name: "cart", Namespace: "shop", HasSelector: true, NoReadyBackends: true, EndpointsKnown: true,
			Keys: []string{"svc:shop/cart"},
		}},
		Symptoms: []*analyzers.SymptomFact{{ID: "S1", Kind: "UH", Count: 7, Keys: []string{"svc:shop/cart"}}},
	}
	r := e.Analyze(&analyzers.Snapshot{Facts: f})
	if len(r.RootCauses) != 1 {
		t.Fatalf("root causes: %+v", r.RootCauses)
	}
	rc := r.RootCauses[0]
	if rc.Cause != "no-workload" || rc.Summary != "cart has no pods" || rc.Object.Name != "cart" {
		t.Fatalf("root cause: %+v", rc)
	}
	if strings.Join(rc.Chain, ",") != "S1,F2,F1" || strings.Join(rc.Explains, ",") != "S1" {
		t.Fatalf("chain %v explains %v", rc.Chain, rc.Explains)
	}
}

func TestParseRulesErrorsNameTheFile(t *testing.T) {
	_, err := ParseRules("pack/x.yaml", []byte("id: [unclosed"))
	if err == nil || !strings.HasPrefix(err.Error(), "pack/x.yaml") {
		t.Fatalf("got %v", err)
	}
	_, err = ParseRules("pack/big.yaml", make([]byte, maxRuleFile+1))
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("got %v", err)
	}
}

// FuzzParseRules: the rule loader never panics on hostile YAML, and what
// it accepts compiles or fails with an error.
func FuzzParseRules(f *testing.F) {
	f.Add([]byte(goodRule))
	f.Add([]byte("rules:\n- id: a\n  for: services\n  when: 'true'\n---\nid: b\n"))
	f.Add([]byte("id: x\nfor: workloads\nwhen: wl.pods > 0 && size(wl.services) == 0\nsummary: '{{wl.name}}'"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := ParseRules("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, r := range rs {
			_, _ = compile(r)
		}
	})
}
