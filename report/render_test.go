package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func strp(s string) *string { return &s }

// sampleReport is a hand-built report of the classic "v1 is not deployed"
// incident plus a second, symptom-less cause.
func sampleReport() *Report {
	return &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "nohealthy", Version: "test"},
		Input: Input{
			Sources:     []string{"incident.tar.zst"},
			Objects:     1234,
			LogLines:    56789,
			CollectedAt: strp("2025-03-01T10:15:00Z"),
			Warnings:    []string{"logs/shop/broken/app.log: line 12 longer than 1 MiB, cut"},
		},
		Symptoms: []Symptom{{
			ID: "S1", Kind: "UH", Count: 412,
			Where:    ObjectRef{Kind: "Pod", Namespace: "istio-system", Name: "istio-ingressgateway-7c9d8-abcde"},
			Upstream: "outbound|9080|v1|reviews.shop.svc.cluster.local",
			First:    strp("2025-03-01T10:00:01Z"), Last: strp("2025-03-01T10:14:59Z"),
			Samples: []string{`[2025-03-01T10:00:01.000Z] "GET /reviews/0 HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.0.0.1" "curl/8" "x" "reviews:9080" "-" outbound|9080|v1|reviews.shop.svc.cluster.local - 10.96.0.10:9080 10.0.0.1:5555 - -`},
		}, {
			ID: "S2", Kind: "haproxy-nosrv", Count: 3,
			Where: ObjectRef{Kind: "Pod", Namespace: "edge", Name: "haproxy-0"},
			Samples: []string{"edge~ web/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"",
				"line with ``` backticks"},
		}},
		RootCauses: []RootCause{{
			ID: "R1", Rank: 1, Cause: "subset-no-pods", Severity: "critical",
			Object: ObjectRef{Kind: "DestinationRule", Namespace: "shop", Name: "reviews"},
			Detail: "subset v1", Rule: "istio.subset-no-pods",
			Summary:  "DestinationRule shop/reviews subset v1 selects version=v1, but no ready pod of reviews.shop carries that label.",
			Explains: []string{"S1"},
			Chain:    []string{"S1", "F1", "F2"},
			Evidence: []Evidence{
				{Kind: "Object", Ref: "DestinationRule shop/reviews", Text: "subset v1 labels {version: v1}"},
				{Kind: "Object", Ref: "Pod shop/reviews-v2-5d9f-xyz", Text: "labels {app: reviews, version: v2} (ready)"},
			},
			Remediation: "Deploy reviews v1 or remove subset v1 from the routes.\nVerify: kubectl -n shop get pods -l app=reviews,version=v1",
		}, {
			ID: "R2", Rank: 2, Cause: "scaled-to-zero", Severity: "warning",
			Object:   ObjectRef{Kind: "Deployment", Namespace: "shop", Name: "ratings"},
			Rule:     "core.scaled-to-zero",
			Summary:  "Deployment shop/ratings has spec.replicas: 0.",
			Evidence: []Evidence{{Kind: "Object", Ref: "Deployment shop/ratings", Text: "spec.replicas: 0"}},
		}},
		Findings: []Finding{
			{ID: "F1", Rule: "istio.subset-endpoints", Severity: "info",
				Object:  ObjectRef{Kind: "Service", Namespace: "shop", Name: "reviews"},
				Summary: "Service shop/reviews has 2 ready endpoints, none labelled version=v1", ExplainedBy: []string{"F2"}},
			{ID: "F2", Rule: "istio.subset-no-pods", Cause: "subset-no-pods", Severity: "critical",
				Object: ObjectRef{Kind: "DestinationRule", Namespace: "shop", Name: "reviews"}, Detail: "subset v1",
				Summary: "DestinationRule shop/reviews subset v1 matches no ready pod"},
			{ID: "F3", Rule: "core.scaled-to-zero", Cause: "scaled-to-zero", Severity: "warning",
				Object:  ObjectRef{Kind: "Deployment", Namespace: "shop", Name: "ratings"},
				Summary: "Deployment shop/ratings has spec.replicas: 0."},
			{ID: "F4", Rule: "node.pressure", Severity: "info",
				Object: ObjectRef{Kind: "Node", Name: "node-1"}, Summary: "Node node-1 reports MemoryPressure | high"},
		},
	}
}

func healthyReport() *Report {
	return &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "nohealthy", Version: "test"},
		Input:         Input{Sources: []string{"dump/"}, Objects: 87, LogLines: 1500},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (go test ./report -update to accept)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    *Report
	}{{"incident", sampleReport()}, {"healthy", healthyReport()}} {
		t.Run(tc.name, func(t *testing.T) {
			var j, tab, col, md bytes.Buffer
			if err := WriteJSON(&j, tc.r); err != nil {
				t.Fatal(err)
			}
			if err := WriteTable(&tab, tc.r, TableOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := WriteTable(&col, tc.r, TableOptions{Color: true}); err != nil {
				t.Fatal(err)
			}
			if err := WriteMarkdown(&md, tc.r); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+".json", j.Bytes())
			golden(t, tc.name+".table", tab.Bytes())
			golden(t, tc.name+".color", col.Bytes())
			golden(t, tc.name+".md", md.Bytes())
			if bytes.Contains(tab.Bytes(), []byte("\x1b[")) {
				t.Error("table without Color contains ANSI escapes")
			}
		})
	}
}

func TestTableAnswerFirst(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, sampleReport(), TableOptions{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(b.String(), "\n", 3)
	if !strings.HasPrefix(lines[0], "ROOT CAUSE #1: subset-no-pods — DestinationRule shop/reviews (subset v1)") {
		t.Errorf("first line = %q", lines[0])
	}
	if !strings.Contains(lines[1], "no ready pod of reviews.shop") {
		t.Errorf("second line should be the summary, got %q", lines[1])
	}

	b.Reset()
	if err := WriteTable(&b, healthyReport(), TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if first := strings.SplitN(b.String(), "\n", 2)[0]; first != "No root cause found: 87 objects, 1500 log lines read; no symptom of a 503." {
		t.Errorf("healthy first line = %q", first)
	}
}

// TestJSONArraysNeverNull guards the contract: list keys are [] not null,
// even for a zero report and for entries built without slices.
func TestJSONArraysNeverNull(t *testing.T) {
	r := &Report{
		Symptoms:   []Symptom{{ID: "S1", Kind: "UH"}},
		RootCauses: []RootCause{{ID: "R1", Rank: 1, Cause: "no-workload"}},
		Findings:   []Finding{{ID: "F1"}},
	}
	for _, in := range []*Report{nil, {}, r} {
		var b bytes.Buffer
		if err := WriteJSON(&b, in); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b.Bytes(), []byte("null")) && !bytes.Contains(b.Bytes(), []byte(`"collectedAt": null`)) {
			t.Errorf("null array in:\n%s", b.String())
		}
		var m map[string]any
		if err := json.Unmarshal(b.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"symptoms", "rootCauses", "findings"} {
			if _, ok := m[k].([]any); !ok {
				t.Errorf("%s is %T, want array", k, m[k])
			}
		}
		in := m["input"].(map[string]any)
		for _, k := range []string{"sources", "warnings"} {
			if _, ok := in[k].([]any); !ok {
				t.Errorf("input.%s is %T, want array", k, in[k])
			}
		}
	}
	// The caller's report must not be modified.
	if r.RootCauses[0].Chain != nil || r.Symptoms[0].Samples != nil {
		t.Error("WriteJSON modified its input")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	var b bytes.Buffer
	in := sampleReport()
	if err := WriteJSON(&b, in); err != nil {
		t.Fatal(err)
	}
	var out Report
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

func TestMarkdownFenceSurvivesBackticks(t *testing.T) {
	got := fence([]string{"a ``` b"})
	if !strings.HasPrefix(got, "````text\n") || !strings.HasSuffix(got, "\n````") {
		t.Errorf("fence = %q", got)
	}
}

func BenchmarkWriteJSON(b *testing.B) {
	r := sampleReport()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteJSON(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteTable(b *testing.B) {
	r := sampleReport()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteTable(io.Discard, r, TableOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// bigReport is the shape of a large outage: n symptoms (every sidecar that
// logged a 503), each with three sample lines, a handful of root causes
// and a few hundred findings.
func bigReport(n int) *Report {
	r := sampleReport()
	r.Symptoms = make([]Symptom, n)
	line := `[2025-03-01T10:00:01.000Z] "GET /api/v1/items?id=42&x=<y> HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.0.0.1" "curl/8" "0f4e" "reviews:9080" "-" outbound|9080|v1|reviews.shop.svc.cluster.local - 10.96.0.10:9080 10.0.0.1:5555 - -`
	for i := range r.Symptoms {
		r.Symptoms[i] = Symptom{ID: "S" + strconv.Itoa(i+1), Kind: "UH", Count: int64(n - i),
			Where:    ObjectRef{Kind: "Pod", Namespace: "ns-" + strconv.Itoa(i%40), Name: "app-" + strconv.Itoa(i) + "-5d9c7b8f4-abcde"},
			Upstream: "outbound|9080|v1|reviews-" + strconv.Itoa(i) + ".shop.svc.cluster.local",
			First:    strp("2025-03-01T10:00:01Z"), Last: strp("2025-03-01T10:14:59Z"),
			Samples: []string{line, line, line}}
	}
	for i := 0; i < 300; i++ {
		r.Findings = append(r.Findings, Finding{ID: "F" + strconv.Itoa(i+5), Rule: "core.service-no-ready-backends", Severity: "info",
			Object: ObjectRef{Kind: "Service", Namespace: "shop", Name: "svc-" + strconv.Itoa(i)}, Summary: "no ready endpoints",
			ExplainedBy: []string{"F1"}, Evidence: []Evidence{{Kind: "Object", Ref: "Service shop/x", Text: "0 ready"}}})
	}
	return r
}

// BenchmarkWriteJSONLarge: 26,000 symptoms, the size of the medium-x10
// bundle of `make bench`.
func BenchmarkWriteJSONLarge(b *testing.B) {
	r := bigReport(26000)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteJSON(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
