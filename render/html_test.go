package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/nohealthy/nohealthy/report"
)

// timelineReport is the sample incident with what the timeline draws:
// symptoms with their rates, root causes with the changes before their
// first symptom, and a third root cause in another namespace (payments)
// for the namespace filter.
func timelineReport() *report.Report {
	r := sampleReport()
	// S1: the gateway's UH on reviews v1, from 10:00:01 for 15 minutes,
	// in 30-second buckets: a burst, then a steady rate.
	counts := make([]int64, 30)
	for i := range counts {
		counts[i] = 12 + int64(i%4)
	}
	counts[0], counts[1], counts[2] = 3, 31, 22
	r.Symptoms[0].Rate = &report.Rate{Start: "2025-03-01T10:00:00Z", StepSeconds: 30, Counts: counts}
	r.Symptoms = append(r.Symptoms, report.Symptom{
		ID: "S3", Kind: "UH", Count: 57,
		Where:    report.Ref{Kind: "Pod", Namespace: "payments", Name: "checkout-6c8f7-q2x9z"},
		Upstream: "outbound|8080||ledger.payments.svc.cluster.local",
		First:    strp("2025-03-01T10:06:12Z"), Last: strp("2025-03-01T10:14:40Z"),
		Samples: []string{`[2025-03-01T10:06:12.480Z] "POST /v1/ledger HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "checkout/2" "y" "ledger:8080" "-" outbound|8080||ledger.payments.svc.cluster.local - 10.96.3.4:8080 10.1.2.3:4444 - -`},
		Rate: &report.Rate{Start: "2025-03-01T10:06:00Z", StepSeconds: 60,
			Counts: []int64{4, 9, 0, 0, 11, 8, 0, 14, 11}},
	})
	r.RootCauses[0].Changes = []report.Change{
		{Time: "2025-03-01T09:59:58Z", Type: "updated", Object: report.Ref{Kind: "VirtualService", Namespace: "shop", Name: "reviews"},
			What: "updated by kubectl-client-side-apply (Update)", SecondsBefore: 3},
		{Time: "2025-03-01T09:59:30Z", Type: "event", Object: report.Ref{Kind: "Deployment", Namespace: "shop", Name: "reviews-v1"},
			What: "ScalingReplicaSet: Scaled down replica set reviews-v1-77b5c to 0", SecondsBefore: 31},
		{Time: "2025-03-01T09:58:41Z", Type: "readiness", Object: report.Ref{Kind: "Pod", Namespace: "shop", Name: "reviews-v2-5d9f-xyz"},
			What: "Ready → True", SecondsBefore: 80},
		{Time: "2025-03-01T09:58:02Z", Type: "rollout", Object: report.Ref{Kind: "ReplicaSet", Namespace: "shop", Name: "reviews-v2-5d9f"},
			What: "created: revision 4 of Deployment reviews-v2", SecondsBefore: 119},
	}
	r.RootCauses = append(r.RootCauses, report.RootCause{
		ID: "R3", Rank: 3, Cause: "crash-loop", Severity: "critical",
		Object: report.Ref{Kind: "Deployment", Namespace: "payments", Name: "ledger"},
		Rule:   "core.crash-loop", Explains: []string{"S3"}, Chain: []string{"S3", "F5"},
		Summary:     "Deployment payments/ledger: 2 of 2 pods in CrashLoopBackOff (OOMKilled, exit 137).",
		Evidence:    []report.Evidence{{Kind: "ContainerStatus", Ref: "Pod payments/ledger-7f9-abcde", Text: "last state: terminated OOMKilled (exit 137), 6 restarts"}},
		Remediation: "Raise the memory limit of ledger or fix its heap size.\nVerify: kubectl -n payments get pods -l app=ledger",
		Changes: []report.Change{
			{Time: "2025-03-01T10:06:02Z", Type: "restart", Object: report.Ref{Kind: "Pod", Namespace: "payments", Name: "ledger-7f9-abcde"},
				What: "container ledger restarted: OOMKilled (exit 137)", SecondsBefore: 10},
			{Time: "2025-03-01T10:05:47Z", Type: "readiness", Object: report.Ref{Kind: "Pod", Namespace: "payments", Name: "ledger-7f9-abcde"},
				What: "Ready → False (ContainersNotReady)", SecondsBefore: 25},
			{Time: "2025-03-01T10:04:10Z", Type: "updated", Object: report.Ref{Kind: "Deployment", Namespace: "payments", Name: "ledger"},
				What: "updated by helm (Update)", SecondsBefore: 122},
		},
	})
	r.Findings = append(r.Findings, report.Finding{ID: "F5", Rule: "core.crash-loop", Cause: "crash-loop", Severity: "critical",
		Object:  report.Ref{Kind: "Deployment", Namespace: "payments", Name: "ledger"},
		Summary: "Deployment payments/ledger crash-loops"})
	return r
}

func TestHTMLGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    *report.Report
	}{{"timeline", timelineReport()}, {"healthy", healthyReport()}} {
		var b bytes.Buffer
		if err := renderHTML(&b, tc.r, Options{}); err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name+".html", b.Bytes())
	}
}

// parseHTML parses a rendered page as a browser would.
func parseHTML(t *testing.T, page []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// walk calls f on every element of the tree.
func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

// TestHTMLSelfContained: the page names nothing to fetch: no element
// with a source, no link but to a fragment of itself, no url() or @import
// in its style. Its policy forbids fetching anyway, and allows only its
// own script, by hash.
func TestHTMLSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := renderHTML(&b, timelineReport(), Options{}); err != nil {
		t.Fatal(err)
	}
	var csp string
	var scripts, styles []string
	walk(parseHTML(t, b.Bytes()), func(n *html.Node) {
		for _, a := range n.Attr {
			switch {
			case a.Key == "src" || a.Key == "srcset" || a.Key == "action" || a.Key == "poster" || a.Key == "data":
				t.Errorf("<%s %s=%q>: the page must load nothing", n.Data, a.Key, a.Val)
			case a.Key == "href" && !strings.HasPrefix(a.Val, "#"):
				t.Errorf("<%s href=%q>: links may only reach the page itself", n.Data, a.Val)
			case a.Key == "style" && strings.Contains(a.Val, "url("):
				t.Errorf("<%s style=%q> fetches", n.Data, a.Val)
			case a.Key == "content" && n.Data == "meta":
				if strings.Contains(a.Val, "default-src") {
					csp = a.Val
				}
			}
		}
		switch n.Data {
		case "link", "iframe", "object", "embed", "img", "image", "use":
			t.Errorf("<%s> in the page", n.Data)
		case "script":
			if n.FirstChild != nil {
				scripts = append(scripts, n.FirstChild.Data)
			}
		case "style":
			css := n.FirstChild.Data
			styles = append(styles, css)
			if strings.Contains(css, "url(") || strings.Contains(css, "@import") {
				t.Error("the stylesheet fetches")
			}
		}
	})
	if !strings.HasPrefix(csp, "default-src 'none';") {
		t.Errorf("Content-Security-Policy %q does not forbid fetching", csp)
	}
	sum := sha256.Sum256([]byte(strings.Join(scripts, "")))
	if len(scripts) != 1 || !strings.Contains(csp, "script-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
		t.Errorf("%d scripts; the policy %q does not allow the page's own by its hash", len(scripts), csp)
	}
	sum = sha256.Sum256([]byte(strings.Join(styles, "")))
	if len(styles) != 1 || !strings.Contains(csp, "style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
		t.Errorf("%d stylesheets; the policy %q does not allow the page's own by its hash", len(styles), csp)
	}
}

// TestHTMLEscapesInput: strings from the input (names, IDs, log lines,
// summaries, change types) cannot open an element, add an attribute or
// run a script: parsed as a browser parses it, the page has only the
// elements and attributes of the template.
func TestHTMLEscapesInput(t *testing.T) {
	r := timelineReport()
	evil := `"><script>alert(1)</script><img src=x onerror=alert(2)>`
	r.Symptoms[0].Samples = []string{evil}
	r.Symptoms[0].Where.Namespace = `ns" onmouseover="alert(3)`
	r.Symptoms[0].ID = `S1' onfocus='alert(6)`
	r.RootCauses[0].Summary = evil
	r.RootCauses[0].Detail = evil
	r.RootCauses[0].ID = `R1" onclick="alert(4)`
	r.RootCauses[0].Explains = []string{r.Symptoms[0].ID}
	r.RootCauses[0].Changes[0].What = evil
	r.RootCauses[0].Changes[0].Type = `x" onload="alert(5)`
	r.RootCauses[0].Evidence[0].Ref = "</code></td></tr></table>" + evil
	r.Input.Warnings = []string{evil}
	r.Input.Sources = []string{"javascript:alert(7)"}
	var b bytes.Buffer
	if err := renderHTML(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	scripts := 0
	walk(parseHTML(t, b.Bytes()), func(n *html.Node) {
		switch n.Data {
		case "script":
			scripts++
		case "img":
			t.Errorf("an <img> from the input reached the page")
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") || strings.HasPrefix(a.Val, "javascript:") {
				t.Errorf("<%s %s=%q> from the input", n.Data, a.Key, a.Val)
			}
		}
	})
	if scripts != 1 {
		t.Errorf("%d <script> elements, want only the page's own", scripts)
	}
	// The hostile text is still there, as text, for the reader.
	if !bytes.Contains(b.Bytes(), []byte("&lt;script&gt;alert(1)&lt;/script&gt;")) {
		t.Error("the input's text was dropped instead of escaped")
	}
}

func TestTimelineGeometry(t *testing.T) {
	r := timelineReport()
	ix := newIndex(r)
	rc := r.RootCauses[0]
	tl := buildTimeline(tlInput{symptoms: []*report.Symptom{ix.symptoms["S1"]}, changes: rc.Changes, first: ix.firstSymptom(rc)})
	if tl == nil {
		t.Fatal("no timeline")
	}
	if len(tl.Series) != 1 || tl.Series[0].ID != "S1" || tl.Series[0].Average {
		t.Fatalf("series = %+v", tl.Series)
	}
	// 31 lines in a 30 s bucket is the peak: 62 per minute, shown up to 100.
	if tl.YMax != "100/min" {
		t.Errorf("YMax = %s, want 100/min", tl.YMax)
	}
	var marks []tlMarker
	for _, l := range tl.Lanes {
		marks = append(marks, l.Markers...)
	}
	if len(marks) != len(rc.Changes) {
		t.Fatalf("%d markers for %d changes", len(marks), len(rc.Changes))
	}
	// Markers follow time: change 4 (the earliest) is leftmost, change 1
	// rightmost but left of the first symptom.
	xOf := map[int]float64{}
	for _, m := range marks {
		xOf[m.Num] = m.X
	}
	if !(xOf[4] < xOf[3] && xOf[3] < xOf[2] && xOf[2] < xOf[1] && xOf[1] < tl.First.X) {
		t.Errorf("marker x %v, first symptom at %.1f", xOf, tl.First.X)
	}
	if tl.First.Label != "first S1" {
		t.Errorf("first label %q", tl.First.Label)
	}
	// Readiness goes to the pods lane, the rest to the changes lane.
	if got := len(tl.Lanes[1].Markers); got != 1 || tl.Lanes[1].Markers[0].Num != 3 {
		t.Errorf("pods lane = %+v", tl.Lanes[1].Markers)
	}
	if buildTimeline(tlInput{symptoms: []*report.Symptom{{ID: "S9", Count: 3}}}) != nil {
		t.Error("a timeline drawn for a symptom without time")
	}
}

func TestTimeTicks(t *testing.T) {
	lo := time.Date(2025, 3, 1, 9, 58, 0, 0, time.UTC)
	ticks := timeTicks(lo, lo.Add(17*time.Minute), func(t time.Time) float64 { return float64(t.Sub(lo) / time.Second) })
	var labels []string
	for _, tk := range ticks {
		labels = append(labels, tk.Label)
	}
	if got := strings.Join(labels, " "); got != "10:00 10:05 10:10 10:15" {
		t.Errorf("ticks %s", got)
	}
}

func TestNiceCeil(t *testing.T) {
	for in, want := range map[float64]float64{0: 0, 0.3: 0.5, 1: 1, 1.01: 2, 62: 100, 99: 100, 101: 200, 4500: 5000} {
		if got := niceCeil(in); got != want {
			t.Errorf("niceCeil(%v) = %v, want %v", in, got, want)
		}
	}
}

func TestAgo(t *testing.T) {
	for in, want := range map[int64]string{-2: "0 s", 0: "0 s", 3: "3 s", 60: "1 min", 61: "1 min 1 s", 3600: "1 h", 3660: "1 h 1 min", 90000: "1 d 1 h", 86400: "1 d"} {
		if got := ago(in); got != want {
			t.Errorf("ago(%d) = %q, want %q", in, got, want)
		}
	}
}

// TestChangesGolden: table and markdown show each root cause's changes
// under "Changed just before", closest first.
func TestChangesGolden(t *testing.T) {
	for _, out := range []struct{ format, golden string }{{"table", "table"}, {"markdown", "md"}} {
		rd, _ := Lookup(out.format)
		var b bytes.Buffer
		if err := rd.Render(&b, timelineReport(), Options{}); err != nil {
			t.Fatal(err)
		}
		golden(t, "timeline."+out.golden, b.Bytes())
		if !strings.Contains(b.String(), "Changed just before S1 (first seen 2025-03-01T10:00:01Z)") {
			t.Errorf("%s: no changes section for R1", out.format)
		}
	}
}
