package rules

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/report"
)

// gatewayFacts are the facts of benchStore's 200 Services (app-0 and
// app-100 have no ready pod) and a gateway log of 503s to each of them,
// built as the loader builds them: sample lines still pending. Two calls
// build equal facts.
func gatewayFacts(t *testing.T) *analyzers.Facts {
	var log strings.Builder
	for i := range 200 {
		for j := range 3 {
			fmt.Fprintf(&log, `[2025-03-01T10:00:0%d.000Z] "GET / HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.42.0.1" "curl/8" "id-%d" "app" "-" outbound|80||app-%d.ns-%d.svc.cluster.local - 10.96.0.1:80 10.42.0.1:6000 - default`+"\n", j, i, i, i%40)
		}
	}
	a := logscan.NewAggregator(logscan.Options{})
	a.ScanBytes(logscan.Origin{Namespace: "istio-system", Pod: "istio-ingressgateway-7c9d8f6b5-abcde", Container: "istio-proxy"}, "gw.log", []byte(log.String()))
	groups, samples := a.TakeGroups()
	if samples == nil {
		t.Fatal("no pending samples: the test would not see a FillSamples")
	}
	return analyzers.BuildFacts(benchStore(t, 200), analyzers.BuildInput{Symptoms: groups, Samples: samples,
		Coverage: map[string]string{"Pod": "ok", "Service": "ok", "EndpointSlice": "ok"}})
}

// TestAnalyzeLeavesFactsAlone: Analyze only reads its facts. Two calls at
// once on the same facts (go test -race sees any write) give the same
// report, and the facts stay equal to a twin that was never analyzed,
// down to the pending sample lines.
func TestAnalyzeLeavesFactsAlone(t *testing.T) {
	p, err := BuiltinPack()
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine([]*Pack{p}, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	facts, twin := gatewayFacts(t), gatewayFacts(t)
	if !reflect.DeepEqual(facts, twin) {
		t.Fatal("gatewayFacts is not deterministic: the comparison below would prove nothing")
	}
	snap := &analyzers.Snapshot{Facts: facts, Sources: []string{"gw"}}
	var reports [2]*report.Report
	var wg sync.WaitGroup
	for i := range reports {
		wg.Go(func() { reports[i] = e.Analyze(snap) })
	}
	wg.Wait()

	if !reflect.DeepEqual(facts, twin) {
		t.Error("Analyze modified the facts it was given")
	}
	if !reflect.DeepEqual(reports[0], reports[1]) {
		t.Error("two Analyze calls on the same facts disagree")
	}
	if r := reports[0]; len(r.RootCauses) < 2 || len(r.Symptoms) != 200 || r.RootCauses[0].Explains == nil {
		t.Errorf("the facts exercise too little: %d root causes, %d symptoms", len(r.RootCauses), len(r.Symptoms))
	}
}

// TestAnalyzeFillsInput: the engine writes the report's input, the
// snapshot's warnings first and the rules' errors after, each once.
func TestAnalyzeFillsInput(t *testing.T) {
	dir := t.TempDir()
	writeRule(t, dir, "r.yaml", `id: port-five
title: fails on every Service
severity: info
for: services
when: svc.ports[5].port == 1
summary: never
`)
	pack, err := LoadPackDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine([]*Pack{pack}, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 1, 11, 15, 0, 0, time.FixedZone("CET", 3600))
	snap := &analyzers.Snapshot{
		Sources: []string{"a.tar.zst", "b/"}, ObjectCount: 7, LogLines: 9, CollectedAt: &at,
		Warnings: []string{"b/x.yaml: no kind", "b/x.yaml: no kind", "a.tar.zst: cut"},
		Facts: &analyzers.Facts{Services: []*analyzers.ServiceFact{
			{Ref: analyzers.Ref{Kind: "Service", Namespace: "a", Name: "one"}},
			{Ref: analyzers.Ref{Kind: "Service", Namespace: "a", Name: "two"}},
		}},
	}
	in := e.Analyze(snap).Input
	if in.Objects != 7 || in.LogLines != 9 || strings.Join(in.Sources, ",") != "a.tar.zst,b/" ||
		in.CollectedAt == nil || *in.CollectedAt != "2025-03-01T10:15:00Z" {
		t.Errorf("input %+v", in)
	}
	if len(in.Warnings) != 3 || in.Warnings[0] != "b/x.yaml: no kind" || in.Warnings[1] != "a.tar.zst: cut" ||
		!strings.HasPrefix(in.Warnings[2], "rule port-five: ") {
		t.Errorf("warnings %q", in.Warnings)
	}
	in.Sources[0] = "changed"
	if snap.Sources[0] != "a.tar.zst" {
		t.Error("the report shares the snapshot's sources")
	}
}

// TestRuleRefAndEvidenceReachReport: refs and evidence a rule builds, under
// the names rule packs use, are the report's values.
func TestRuleRefAndEvidenceReachReport(t *testing.T) {
	dir := t.TempDir()
	writeRule(t, dir, "r.yaml", `id: upstream-named
title: names an upstream
cause: no-workload
severity: warning
for: services
when: "true"
object: "analyzers.Ref{kind: 'Upstream', name: svc.name}"
summary: "{{refText(svc.ref)}}"
remediation: none
evidence:
  - "analyzers.Evidence{kind: 'Object', ref: refText(svc.ref), text: 'built'}"
  - "svc.evidence"
`)
	pack, err := LoadPackDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine([]*Pack{pack}, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	fact := report.Evidence{Kind: "Condition", Ref: "Service a/one", Text: "from the fact"}
	r := e.Analyze(&analyzers.Snapshot{Facts: &analyzers.Facts{Services: []*analyzers.ServiceFact{
		{Ref: analyzers.Ref{Kind: "Service", Namespace: "a", Name: "one"}, Name: "one", Evidence: []analyzers.Evidence{fact}},
	}}})
	if len(r.Input.Warnings) > 0 || len(r.RootCauses) != 1 {
		t.Fatalf("warnings %q, root causes %+v", r.Input.Warnings, r.RootCauses)
	}
	rc := r.RootCauses[0]
	want := []report.Evidence{{Kind: "Object", Ref: "Service a/one", Text: "built"}, fact}
	if rc.Object != (report.Ref{Kind: "Upstream", Name: "one"}) || rc.Summary != "Service a/one" || !reflect.DeepEqual(rc.Evidence, want) {
		t.Errorf("root cause %+v", rc)
	}
}
