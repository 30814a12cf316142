package render

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/report"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func strp(s string) *string { return &s }

// sampleReport is a hand-built report of the classic "v1 is not deployed"
// incident plus a second, symptom-less cause.
func sampleReport() *report.Report {
	return &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "nohealthy", Version: "test"},
		Input: report.Input{
			Sources:     []string{"incident.tar.zst"},
			Objects:     1234,
			LogLines:    56789,
			CollectedAt: strp("2025-03-01T10:15:00Z"),
			Warnings:    []string{"logs/shop/broken/app.log: line 12 longer than 1 MiB, cut"},
		},
		Symptoms: []report.Symptom{{
			ID: "S1", Kind: "UH", Count: 412,
			Where:    report.Ref{Kind: "Pod", Namespace: "istio-system", Name: "istio-ingressgateway-7c9d8-abcde"},
			Upstream: "outbound|9080|v1|reviews.shop.svc.cluster.local",
			First:    strp("2025-03-01T10:00:01Z"), Last: strp("2025-03-01T10:14:59Z"),
			Samples: []string{`[2025-03-01T10:00:01.000Z] "GET /reviews/0 HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.0.0.1" "curl/8" "x" "reviews:9080" "-" outbound|9080|v1|reviews.shop.svc.cluster.local - 10.96.0.10:9080 10.0.0.1:5555 - -`},
		}, {
			ID: "S2", Kind: "haproxy-nosrv", Count: 3,
			Where: report.Ref{Kind: "Pod", Namespace: "edge", Name: "haproxy-0"},
			Samples: []string{"edge~ web/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"",
				"line with ``` backticks"},
		}},
		RootCauses: []report.RootCause{{
			ID: "R1", Rank: 1, Cause: "subset-no-pods", Severity: "critical",
			Object: report.Ref{Kind: "DestinationRule", Namespace: "shop", Name: "reviews"},
			Detail: "subset v1", Rule: "istio.subset-no-pods",
			Summary:  "DestinationRule shop/reviews subset v1 selects version=v1, but no ready pod of reviews.shop carries that label.",
			Explains: []string{"S1"},
			Chain:    []string{"S1", "F1", "F2"},
			Evidence: []report.Evidence{
				{Kind: "Object", Ref: "DestinationRule shop/reviews", Text: "subset v1 labels {version: v1}"},
				{Kind: "Object", Ref: "Pod shop/reviews-v2-5d9f-xyz", Text: "labels {app: reviews, version: v2} (ready)"},
			},
			Remediation: "Deploy reviews v1 or remove subset v1 from the routes.\nVerify: kubectl -n shop get pods -l app=reviews,version=v1",
		}, {
			ID: "R2", Rank: 2, Cause: "scaled-to-zero", Severity: "warning",
			Object:   report.Ref{Kind: "Deployment", Namespace: "shop", Name: "ratings"},
			Rule:     "core.scaled-to-zero",
			Summary:  "Deployment shop/ratings has spec.replicas: 0.",
			Evidence: []report.Evidence{{Kind: "Object", Ref: "Deployment shop/ratings", Text: "spec.replicas: 0"}},
		}},
		Findings: []report.Finding{
			{ID: "F1", Rule: "istio.subset-endpoints", Severity: "info",
				Object:  report.Ref{Kind: "Service", Namespace: "shop", Name: "reviews"},
				Summary: "Service shop/reviews has 2 ready endpoints, none labelled version=v1", ExplainedBy: []string{"F2"}},
			{ID: "F2", Rule: "istio.subset-no-pods", Cause: "subset-no-pods", Severity: "critical",
				Object: report.Ref{Kind: "DestinationRule", Namespace: "shop", Name: "reviews"}, Detail: "subset v1",
				Summary: "DestinationRule shop/reviews subset v1 matches no ready pod"},
			{ID: "F3", Rule: "core.scaled-to-zero", Cause: "scaled-to-zero", Severity: "warning",
				Object:  report.Ref{Kind: "Deployment", Namespace: "shop", Name: "ratings"},
				Summary: "Deployment shop/ratings has spec.replicas: 0."},
			{ID: "F4", Rule: "node.pressure", Severity: "info",
				Object: report.Ref{Kind: "Node", Name: "node-1"}, Summary: "Node node-1 reports MemoryPressure | high"},
		},
	}
}

func healthyReport() *report.Report {
	return &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "nohealthy", Version: "test"},
		Input:         report.Input{Sources: []string{"dump/"}, Objects: 87, LogLines: 1500},
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
		t.Fatalf("%v (run go test ./render -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (go test ./render -update to accept)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// TestGolden renders the sample reports through the registry, as
// `analyze -o NAME` does.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    *report.Report
	}{{"incident", sampleReport()}, {"healthy", healthyReport()}, {"manifests-only", manifestsOnlyReport()}} {
		t.Run(tc.name, func(t *testing.T) {
			for _, out := range []struct {
				format, golden string
				opts           Options
			}{
				{"json", "json", Options{}},
				{"table", "table", Options{}},
				{"table", "color", Options{Color: true}},
				{"table", "table80", Options{Width: 80}},
				{"table", "table120", Options{Width: 120}},
				{"wide", "table", Options{Width: 80}},
				{"markdown", "md", Options{}},
			} {
				rd, ok := Lookup(out.format)
				if !ok {
					t.Fatalf("format %s not registered", out.format)
				}
				var b bytes.Buffer
				if err := rd.Render(&b, tc.r, out.opts); err != nil {
					t.Fatal(err)
				}
				golden(t, tc.name+"."+out.golden, b.Bytes())
				if !out.opts.Color && bytes.Contains(b.Bytes(), []byte("\x1b[")) {
					t.Errorf("%s without Color contains ANSI escapes", out.format)
				}
			}
		})
	}
}

func TestRegistry(t *testing.T) {
	if got := strings.Join(Names(), ","); got != "html,json,markdown,sarif,table,wide" {
		t.Errorf("Names() = %s", got)
	}
	md, ok := Lookup("md")
	if !ok {
		t.Fatal("alias md not found")
	}
	var a, b bytes.Buffer
	markdown, _ := Lookup("markdown")
	if err := md.Render(&a, sampleReport(), Options{}); err != nil {
		t.Fatal(err)
	}
	if err := markdown.Render(&b, sampleReport(), Options{}); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() || !strings.HasPrefix(a.String(), "# 503") {
		t.Error("md is not the markdown format")
	}
	for _, bad := range []string{"", "yaml", "MD", "Table"} {
		if _, ok := Lookup(bad); ok {
			t.Errorf("Lookup(%q) found a format", bad)
		}
	}
}

// TestNilReport: every format renders a nil report as an empty one.
func TestNilReport(t *testing.T) {
	for _, name := range Names() {
		rd, _ := Lookup(name)
		var b bytes.Buffer
		if err := rd.Render(&b, nil, Options{}); err != nil || b.Len() == 0 {
			t.Errorf("%s: %v, %d bytes", name, err, b.Len())
		}
	}
}

func TestTableAnswerFirst(t *testing.T) {
	var b bytes.Buffer
	if err := renderTable(&b, sampleReport(), Options{}); err != nil {
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
	if err := renderTable(&b, healthyReport(), Options{}); err != nil {
		t.Fatal(err)
	}
	if first := strings.SplitN(b.String(), "\n", 2)[0]; first != "No root cause found: 87 objects, 1500 log lines read; no symptom of a 503." {
		t.Errorf("healthy first line = %q", first)
	}
}

func TestMarkdownFenceSurvivesBackticks(t *testing.T) {
	got := fence([]string{"a ``` b"})
	if !strings.HasPrefix(got, "````text\n") || !strings.HasSuffix(got, "\n````") {
		t.Errorf("fence = %q", got)
	}
}

func BenchmarkRenderTable(b *testing.B) {
	r := sampleReport()
	b.ReportAllocs()
	for b.Loop() {
		if err := renderTable(io.Discard, r, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
