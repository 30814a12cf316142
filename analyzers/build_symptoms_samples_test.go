package analyzers

import (
	"testing"

	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/kinds"
)

// TestFillSamplesAfterTheFacts: the DNS evidence is read while the facts
// are built, before the lines are filled in, one group at a time; the
// symptoms get their lines at FillSamples, once.
func TestFillSamplesAfterTheFacts(t *testing.T) {
	const line = `2024/01/02 03:04:05 [error] 7#7: *1 backend.default.svc.cluster.local could not be resolved (3: Host not found), client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", host: "x"`
	a := logscan.NewAggregator(logscan.Options{})
	a.ScanBytes(logscan.Origin{Namespace: "ingress-nginx", Pod: "ctl", Container: "controller"}, "ctl.log", []byte(line+"\n"))
	groups, samples := a.TakeGroups()
	f := BuildFacts(kinds.NewStore(), BuildInput{Symptoms: groups, Samples: samples})
	if ev := f.Cluster[0].DNSEvidence; len(ev) != 1 || ev[0].Text != line {
		t.Errorf("DNS evidence %+v, want the log line", ev)
	}
	if len(f.Symptoms) != 1 || f.Symptoms[0].Samples != nil {
		t.Fatalf("before FillSamples: %d symptoms, samples %q", len(f.Symptoms), f.Symptoms[0].Samples)
	}
	f.FillSamples()
	f.FillSamples() // a second call changes nothing
	if got := f.Symptoms[0].Samples; len(got) != 1 || got[0] != line {
		t.Errorf("after FillSamples: %q", got)
	}
}
