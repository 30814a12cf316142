package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/internal/sarif/sariftest"
	"github.com/nohealthy/nohealthy/report"
)

type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID               string                           `json:"id"`
					ShortDescription *struct{ Text string }           `json:"shortDescription"`
					FullDescription  *struct{ Text, Markdown string } `json:"fullDescription"`
					Help             *struct{ Text, Markdown string } `json:"help"`
					Properties       map[string]any                   `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Message struct{ Text string } `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string                `json:"ruleId"`
			RuleIndex *int                  `json:"ruleIndex"`
			Level     string                `json:"level"`
			Message   struct{ Text string } `json:"message"`
			Locations []struct {
				LogicalLocations []struct{ Name, FullyQualifiedName, Kind string } `json:"logicalLocations"`
			} `json:"locations"`
			Properties map[string]any `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

func renderSARIFLog(t *testing.T, r *report.Report, opts Options) (sarifLog, []byte) {
	t.Helper()
	rd, ok := Lookup("sarif")
	if !ok {
		t.Fatal("sarif is not registered")
	}
	var b bytes.Buffer
	if err := rd.Render(&b, r, opts); err != nil {
		t.Fatal(err)
	}
	sariftest.Validate(t, b.Bytes())
	var log sarifLog
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	return log, b.Bytes()
}

// TestSARIFValidates: every sample report, hostile strings included, is
// a SARIF 2.1.0 log the official schema accepts.
func TestSARIFValidates(t *testing.T) {
	for name, r := range map[string]*report.Report{
		"incident": sampleReport(), "healthy": healthyReport(), "manifests-only": manifestsOnlyReport(),
		"hostile": hostileReport(hostile), "nil": nil, "empty": {},
	} {
		t.Run(name, func(t *testing.T) {
			renderSARIFLog(t, r, Options{})
		})
	}
}

func TestSARIFContent(t *testing.T) {
	rules := []RuleInfo{
		{ID: "istio.subset-no-pods", Title: "A subset selects no pod", Cause: "subset-no-pods", Severity: "critical", File: "builtin/subset-no-pods.yaml"},
		{ID: "istio.subset-endpoints", Title: "Subset endpoints", Severity: "info"},
		{ID: "unused.rule", Title: "Listed though nothing fired", Severity: "warning"},
	}
	in := sampleReport()
	in.Findings[3].Summary += " <pod> & co"
	log, raw := renderSARIFLog(t, in, Options{Rules: rules})
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "nohealthy" || run.Tool.Driver.Version != "test" {
		t.Errorf("driver %+v", run.Tool.Driver)
	}
	ruleIDs := []string{}
	for _, r := range run.Tool.Driver.Rules {
		ruleIDs = append(ruleIDs, r.ID)
	}
	// The listed rules first, in order, then those only the findings name.
	if got := strings.Join(ruleIDs, ","); got != "istio.subset-no-pods,istio.subset-endpoints,unused.rule,core.scaled-to-zero,node.pressure" {
		t.Errorf("rules %s", got)
	}
	r0 := run.Tool.Driver.Rules[0]
	if r0.ShortDescription == nil || r0.ShortDescription.Text != "A subset selects no pod" ||
		r0.FullDescription == nil || !strings.Contains(r0.FullDescription.Text, "subset") ||
		r0.Help == nil || r0.Help.Text == "" || r0.Properties["cause"] != "subset-no-pods" {
		t.Errorf("rule metadata from the pack and the catalog missing: %+v", r0)
	}
	if len(run.Results) != len(sampleReport().Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(sampleReport().Findings))
	}
	byID := map[string]int{}
	for i, res := range run.Results {
		byID[res.Properties["findingId"].(string)] = i
		if res.RuleIndex == nil || run.Tool.Driver.Rules[*res.RuleIndex].ID != res.RuleID {
			t.Errorf("%s: ruleIndex does not point at %s", res.RuleID, res.RuleID)
		}
	}
	root := run.Results[byID["F2"]]
	loc := root.Locations[0].LogicalLocations[0]
	if root.Level != "error" || root.Properties["rank"] != float64(1) || root.Properties["cause"] != "subset-no-pods" ||
		root.Properties["rootCause"] != "R1" || loc.Name != "reviews" || loc.FullyQualifiedName != "DestinationRule shop/reviews" || loc.Kind != "resource" {
		t.Errorf("root cause result: %+v", root)
	}
	if chain, _ := root.Properties["chain"].([]any); len(chain) != 3 {
		t.Errorf("root cause chain %v", root.Properties["chain"])
	}
	if second := run.Results[byID["F3"]]; second.Level != "warning" || second.Properties["rank"] != float64(2) {
		t.Errorf("rank 2: %+v", second)
	}
	if fact := run.Results[byID["F1"]]; fact.Level != "note" || fact.Properties["rank"] != nil || fact.Properties["cause"] != nil {
		t.Errorf("an intermediate fact is ranked: %+v", fact)
	}
	if n := run.Invocations[0].ToolExecutionNotifications; len(n) != 1 || !strings.Contains(n[0].Message.Text, "longer than 1 MiB") {
		t.Errorf("input warnings not notified: %+v", run.Invocations)
	}
	if !strings.Contains(string(raw), "<pod> & co") {
		t.Error("SARIF escapes < as HTML")
	}

	// Control characters of the input are escaped as JSON escapes them.
	_, raw = renderSARIFLog(t, hostileReport(hostile), Options{})
	for _, c := range raw {
		if c < 0x20 && c != '\n' {
			t.Fatalf("raw control byte %#x in SARIF", c)
		}
	}
}
