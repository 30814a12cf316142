package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestHumanOutputListsTopSymptoms: with thousands of symptoms the table and
// markdown list the top ones, always those in a chain, and say how many
// more there are; the JSON keeps them all.
func TestHumanOutputListsTopSymptoms(t *testing.T) {
	r := &Report{SchemaVersion: SchemaVersion}
	for i := 1; i <= 30; i++ {
		r.Symptoms = append(r.Symptoms, Symptom{ID: fmt.Sprintf("S%d", i), Kind: "UH", Count: int64(100 - i),
			Where: ObjectRef{Kind: "Pod", Namespace: "istio-system", Name: fmt.Sprintf("gw-%d", i)}, Samples: []string{fmt.Sprintf("line of S%d", i)}})
	}
	r.RootCauses = []RootCause{{ID: "R1", Rank: 1, Cause: "subset-no-pods", Severity: "critical",
		Object: ObjectRef{Kind: "DestinationRule", Namespace: "shop", Name: "reviews"}, Chain: []string{"S28", "F1"}, Explains: []string{"S28"}}}
	r.Findings = []Finding{{ID: "F1", Rule: "subset-no-pods", Cause: "subset-no-pods", Severity: "critical",
		Object: ObjectRef{Kind: "DestinationRule", Namespace: "shop", Name: "reviews"}}}

	var tb, md, js bytes.Buffer
	if err := WriteTable(&tb, r, TableOptions{MaxSymptoms: 5}); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdownLimited(&md, r, 5); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, r); err != nil {
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
	if err := WriteTable(&all, r, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(all.String(), "S30 ") || strings.Contains(all.String(), "not listed") {
		t.Error("MaxSymptoms 0 must list all")
	}
}

// TestWriteJSONStreamsSameBytes: streaming the symptoms writes exactly what
// one indented encode of the whole report writes, whatever the strings hold.
func TestWriteJSONStreamsSameBytes(t *testing.T) {
	r := &Report{SchemaVersion: SchemaVersion, Input: Input{Warnings: []string{"x\n  \"symptoms\": []", "<&>"}}}
	for i := 1; i <= 3; i++ {
		r.Symptoms = append(r.Symptoms, Symptom{ID: fmt.Sprintf("S%d", i), Kind: "UH", Count: int64(i),
			Samples: []string{"GET /a?b=1&c=<2> \"symptoms\": []\n  ]"}})
	}
	r.RootCauses = []RootCause{{ID: "R1", Rank: 1, Explains: []string{"S1"}}}
	var got bytes.Buffer
	if err := WriteJSON(&got, r); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := newJSONEncoder(&want, "").Encode(normalized(r)); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Fatalf("streamed JSON differs:\n%s\nwant\n%s", got.String(), want.String())
	}
	var empty bytes.Buffer
	if err := WriteJSON(&empty, &Report{}); err != nil || !strings.Contains(empty.String(), `"symptoms": []`) {
		t.Fatalf("empty report: %v %s", err, empty.String())
	}
}
