package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/report"
)

// TestHumanOutputListsTopSymptoms: with thousands of symptoms the table and
// markdown list the top ones, always those in a chain, and say how many
// more there are; the JSON keeps them all.
func TestHumanOutputListsTopSymptoms(t *testing.T) {
	r := &report.Report{SchemaVersion: report.SchemaVersion}
	for i := 1; i <= 30; i++ {
		r.Symptoms = append(r.Symptoms, report.Symptom{ID: fmt.Sprintf("S%d", i), Kind: "UH", Count: int64(100 - i),
			Where: report.Ref{Kind: "Pod", Namespace: "istio-system", Name: fmt.Sprintf("gw-%d", i)}, Samples: []string{fmt.Sprintf("line of S%d", i)}})
	}
	r.RootCauses = []report.RootCause{{ID: "R1", Rank: 1, Cause: "subset-no-pods", Severity: "critical",
		Object: report.Ref{Kind: "DestinationRule", Namespace: "shop", Name: "reviews"}, Chain: []string{"S28", "F1"}, Explains: []string{"S28"}}}
	r.Findings = []report.Finding{{ID: "F1", Rule: "subset-no-pods", Cause: "subset-no-pods", Severity: "critical",
		Object: report.Ref{Kind: "DestinationRule", Namespace: "shop", Name: "reviews"}}}

	var tb, md, js bytes.Buffer
	if err := renderTable(&tb, r, Options{MaxSymptoms: 5}); err != nil {
		t.Fatal(err)
	}
	if err := renderMarkdown(&md, r, Options{MaxSymptoms: 5}); err != nil {
		t.Fatal(err)
	}
	if err := renderJSON(&js, r, Options{}); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"table": tb.String(), "markdown": md.String()} {
		for _, want := range []string{"S1 ", "S4 ", "S28 ", "25 more symptoms not listed"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: missing %q", name, want)
			}
		}
		for _, absent := range []string{"S5 ", "S27 ", "S30 ", "line of S30"} {
			if strings.Contains(out, absent) {
				t.Errorf("%s: lists %q beyond the limit", name, absent)
			}
		}
	}
	if !strings.Contains(js.String(), `"S30"`) {
		t.Error("json lost symptoms")
	}
	var all bytes.Buffer
	if err := renderTable(&all, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(all.String(), "S30 ") || strings.Contains(all.String(), "not listed") {
		t.Error("MaxSymptoms 0 must list all")
	}
}
