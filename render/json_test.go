package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/report"
)

// wholeEncoding is the reference renderJSON must match byte for byte: one
// indented Encode of the whole report, its contract arrays made non-nil.
func wholeEncoding(t *testing.T, r *report.Report) string {
	t.Helper()
	c := *r
	if c.SchemaVersion == 0 {
		c.SchemaVersion = report.SchemaVersion
	}
	c.Input = contractInput(c.Input)
	c.Symptoms = contractAll(c.Symptoms, contractSymptom)
	c.RootCauses = contractAll(c.RootCauses, contractRootCause)
	c.Findings = contractAll(c.Findings, contractFinding)
	var b bytes.Buffer
	if err := newJSONEncoder(&b, "").Encode(&c); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func contractAll[T any](s []T, contract func(T) T) []T {
	out := make([]T, len(s))
	for i, v := range s {
		out[i] = contract(v)
	}
	return out
}

// TestRenderJSONStreamsSameBytes: writing the lists element by element
// gives exactly the bytes of one encoding of the whole report, whatever
// the strings hold, with lists empty, nil or full.
func TestRenderJSONStreamsSameBytes(t *testing.T) {
	odd := &report.Report{Input: report.Input{Warnings: []string{"x\n  \"symptoms\": []", "<&>", "\b\f\x00\xff\u2028"}}}
	for i := 1; i <= 3; i++ {
		odd.Symptoms = append(odd.Symptoms, report.Symptom{ID: fmt.Sprintf("S%d", i), Kind: "UH", Count: int64(i),
			Samples: []string{"GET /a?b=1&c=<2> \"symptoms\": []\n  ]"}})
	}
	odd.RootCauses = []report.RootCause{{ID: "R1", Rank: 1, Explains: []string{"S1"}}}
	for name, r := range map[string]*report.Report{
		"zero": {}, "odd": odd, "incident": sampleReport(), "healthy": healthyReport(), "big": bigReport(50),
		"empty lists": {Symptoms: []report.Symptom{}, RootCauses: []report.RootCause{}, Findings: []report.Finding{}},
	} {
		var got bytes.Buffer
		if err := renderJSON(&got, r, Options{}); err != nil {
			t.Fatal(err)
		}
		if want := wholeEncoding(t, r); got.String() != want {
			t.Errorf("%s: streamed JSON differs:\n%s\nwant\n%s", name, got.String(), want)
		}
	}
}

// TestJSONArraysNeverNull guards the contract: a list is [] when empty,
// never null, whichever model field holds it. It builds entries with every
// slice nil, then (to reach nested types) with every slice of structs
// holding one zero element, and accepts null only where the model has a
// pointer (an unknown time): a new slice field the contract* functions
// forget fails here, named.
func TestJSONArraysNeverNull(t *testing.T) {
	nullable := map[string]bool{}
	pointerKeys(reflect.TypeFor[report.Report](), nullable, map[reflect.Type]bool{})
	for _, depth := range []int{0, 1} {
		r := &report.Report{}
		fill(reflect.ValueOf(r).Elem(), depth)
		// The top-level lists always get one entry, so their fields are seen.
		r.Symptoms = append(r.Symptoms[:0:0], report.Symptom{})
		r.RootCauses = append(r.RootCauses[:0:0], report.RootCause{})
		r.Findings = append(r.Findings[:0:0], report.Finding{})
		if depth > 0 {
			for _, l := range []reflect.Value{reflect.ValueOf(r.Symptoms), reflect.ValueOf(r.RootCauses), reflect.ValueOf(r.Findings)} {
				fill(l.Index(0), depth)
			}
		}
		var b bytes.Buffer
		if err := renderJSON(&b, r, Options{}); err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		walkJSON(doc, "", func(path, key string, v any) {
			if v == nil && !nullable[key] {
				t.Errorf("depth %d: %s is null, want [] (add it to a contract* function in json.go)", depth, path)
			}
		})
	}
	for _, r := range []*report.Report{nil, {}} {
		var b bytes.Buffer
		if err := renderJSON(&b, r, Options{}); err != nil || !strings.Contains(b.String(), `"symptoms": []`) {
			t.Errorf("%v: %v\n%s", r, err, b.String())
		}
	}
}

// fill sets, in v, every slice of structs to one zero element (depth > 0,
// recursively) and leaves every other slice nil.
func fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), depth)
		}
	case reflect.Slice:
		if depth > 0 && v.Type().Elem().Kind() == reflect.Struct {
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			fill(v.Index(0), depth-1)
		}
	}
}

// pointerKeys collects the JSON keys of the pointer fields of t and the
// types it holds: the values the contract lets be null.
func pointerKeys(t reflect.Type, out map[string]bool, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Slice || t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return
	}
	seen[t] = true
	for _, f := range reflect.VisibleFields(t) {
		if f.Type.Kind() == reflect.Pointer {
			out[strings.Split(f.Tag.Get("json"), ",")[0]] = true
		}
		pointerKeys(f.Type, out, seen)
	}
}

func walkJSON(v any, path string, visit func(path, key string, v any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			visit(path+"."+k, k, e)
			walkJSON(e, path+"."+k, visit)
		}
	case []any:
		for i, e := range x {
			walkJSON(e, path+"["+strconv.Itoa(i)+"]", visit)
		}
	}
}

func TestRenderJSONLeavesInputAlone(t *testing.T) {
	r := &report.Report{
		Symptoms:   []report.Symptom{{ID: "S1", Kind: "UH"}},
		RootCauses: []report.RootCause{{ID: "R1", Rank: 1, Cause: "no-workload"}},
		Findings:   []report.Finding{{ID: "F1"}},
	}
	if err := renderJSON(io.Discard, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if r.SchemaVersion != 0 || r.RootCauses[0].Chain != nil || r.Symptoms[0].Samples != nil || r.Findings[0].Evidence != nil {
		t.Error("renderJSON modified its input")
	}
}
func TestJSONRoundTrip(t *testing.T) {
	var b bytes.Buffer
	in := sampleReport()
	if err := renderJSON(&b, in, Options{}); err != nil {
		t.Fatal(err)
	}
	var out report.Report
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if out.RootCauses[0].Detail != "subset v1" || out.Symptoms[0].Count != 412 || out.Input.LogLines != 56789 {
		t.Errorf("round trip lost data: %+v", out)
	}
	if !strings.Contains(b.String(), "<NOSRV>") {
		t.Error("HTML escaping should be off: samples must stay readable")
	}
	if !strings.HasPrefix(b.String(), "{\n  \"schemaVersion\": 1,\n") {
		t.Errorf("want 2-space indent, got %q", b.String()[:40])
	}
}

// bigReport is the shape of a large outage: n symptoms (every sidecar that
// logged a 503), each with three sample lines, a handful of root causes
// and a few hundred findings.
func bigReport(n int) *report.Report {
	r := sampleReport()
	r.Symptoms = make([]report.Symptom, n)
	line := `[2025-03-01T10:00:01.000Z] "GET /api/v1/items?id=42&x=<y> HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.0.0.1" "curl/8" "0f4e" "reviews:9080" "-" outbound|9080|v1|reviews.shop.svc.cluster.local - 10.96.0.10:9080 10.0.0.1:5555 - -`
	for i := range r.Symptoms {
		r.Symptoms[i] = report.Symptom{ID: "S" + strconv.Itoa(i+1), Kind: "UH", Count: int64(n - i),
			Where:    report.Ref{Kind: "Pod", Namespace: "ns-" + strconv.Itoa(i%40), Name: "app-" + strconv.Itoa(i) + "-5d9c7b8f4-abcde"},
			Upstream: "outbound|9080|v1|reviews-" + strconv.Itoa(i) + ".shop.svc.cluster.local",
			First:    strp("2025-03-01T10:00:01Z"), Last: strp("2025-03-01T10:14:59Z"),
			Samples: []string{line, line, line}}
	}
	for i := 0; i < 300; i++ {
		r.Findings = append(r.Findings, report.Finding{ID: "F" + strconv.Itoa(i+5), Rule: "core.service-no-ready-backends", Severity: "info",
			Object: report.Ref{Kind: "Service", Namespace: "shop", Name: "svc-" + strconv.Itoa(i)}, Summary: "no ready endpoints",
			ExplainedBy: []string{"F1"}, Evidence: []report.Evidence{{Kind: "Object", Ref: "Service shop/x", Text: "0 ready"}}})
	}
	return r
}

// BenchmarkRenderJSONLarge: 26,000 symptoms, the size of the medium-x10
// bundle of `make bench`.
func BenchmarkRenderJSONLarge(b *testing.B) {
	r := bigReport(26000)
	b.ReportAllocs()
	for b.Loop() {
		if err := renderJSON(io.Discard, r, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderTableLarge: the table of the same 26,000-symptom report,
// listing the top 25 as analyze does by default.
func BenchmarkRenderTableLarge(b *testing.B) {
	r := bigReport(26000)
	b.ReportAllocs()
	for b.Loop() {
		if err := renderTable(io.Discard, r, Options{MaxSymptoms: 25}); err != nil {
			b.Fatal(err)
		}
	}
}
