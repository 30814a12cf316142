package render

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nohealthy/nohealthy/internal/headless"
)

// chromiumPath finds the browser: $CHROMIUM, Debian's /usr/bin/chromium
// (hack/chromium.sh installs it for `make test`), or a chromium on PATH.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return "/usr/bin/chromium"
}

// startChromium starts the browser, or ends the test: under CI=true a
// browser that cannot start is a failure (the HTML report would ship
// untested), elsewhere a skip that says how to get one.
func startChromium(t *testing.T, ctx context.Context) *headless.Browser {
	t.Helper()
	path := chromiumPath()
	b, err := headless.Start(ctx, path, t.TempDir())
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and Chromium cannot be started, so the HTML report is untested: %v", err)
		}
		t.Skipf("Chromium cannot be started (%v): run hack/chromium.sh (make test does) or set CHROMIUM=/path/to/chromium", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// artifactDir is where the screenshots are kept: $NOHEALTHY_ARTIFACTS
// when set (make test sets it), else the test's artifact directory (kept
// with go test -artifacts -outputdir DIR).
func artifactDir(t *testing.T) string {
	if d := os.Getenv("NOHEALTHY_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.ArtifactDir()
}

// TestHTMLInChromium opens the HTML report from a file in a real headless
// Chromium and checks what a support engineer would: it loads with no
// console error and no network request, each root cause's timeline draws
// the rates of the symptoms it explains and a marker per change, and the
// namespace filter hides the root causes of other namespaces. Screenshots
// of the page, whole and filtered, are kept for a person to look at.
func TestHTMLInChromium(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	r := timelineReport()
	var page bytes.Buffer
	if err := renderHTML(&page, r, Options{}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + file

	b := startChromium(t, ctx)
	const width, height = 1280, 900
	p, err := b.NewPage(ctx, width, height)
	if err != nil {
		t.Fatalf("%v\n%s", err, b.Output())
	}
	if err := p.Navigate(ctx, url); err != nil {
		t.Fatalf("%v\n%s", err, b.Output())
	}
	// The script ran: with no namespace chosen, nothing is hidden.
	var hidden int
	if err := p.Eval(ctx, `document.querySelectorAll("[hidden]").length`, &hidden); err != nil {
		t.Fatal(err)
	}
	if hidden != 0 {
		t.Errorf("%d elements hidden before any filter", hidden)
	}

	// Each root cause with a time has its timeline, drawn: one series
	// per explained symptom with a real extent, a marker per change.
	type drawn struct {
		ID      string   `json:"id"`
		Series  []string `json:"series"`
		Width   float64  `json:"width"`
		Markers int      `json:"markers"`
	}
	var timelines []drawn
	err = p.Eval(ctx, `Array.from(document.querySelectorAll("article.rootcause")).filter(a => a.querySelector("svg.timeline")).map(a => {
		const svg = a.querySelector("svg.timeline");
		const series = Array.from(svg.querySelectorAll("g.series"));
		return {
			id: a.id,
			series: series.map(g => g.dataset.symptom),
			width: Math.min(...series.map(g => g.querySelector("path.line").getBBox().width)),
			markers: svg.querySelectorAll("g.marker circle").length,
		};
	})`, &timelines)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]drawn{}
	for _, rc := range r.RootCauses {
		if len(rc.Changes) > 0 {
			want[rc.ID] = drawn{ID: rc.ID, Series: rc.Explains, Markers: len(rc.Changes)}
		}
	}
	if len(timelines) != len(want) {
		t.Errorf("%d timelines drawn, want %d (%v)", len(timelines), len(want), timelines)
	}
	for _, got := range timelines {
		w, ok := want[got.ID]
		switch {
		case !ok:
			t.Errorf("timeline for %s, which has no change", got.ID)
		case !slices.Equal(got.Series, w.Series):
			t.Errorf("%s: series %v, want %v", got.ID, got.Series, w.Series)
		case got.Markers != w.Markers:
			t.Errorf("%s: %d change markers, want %d", got.ID, got.Markers, w.Markers)
		case got.Width < 100:
			t.Errorf("%s: a series is %.0f units wide: not drawn", got.ID, got.Width)
		}
	}
	keep(t, p, "report.png", width, height)

	// The filter: payments shows its own root cause only, and the
	// symptoms of payments.
	var visible struct {
		Causes   []string `json:"causes"`
		Symptoms []string `json:"symptoms"`
		Count    string   `json:"count"`
	}
	err = p.Eval(ctx, `(() => {
		const sel = document.getElementById("ns-filter");
		sel.value = "payments";
		sel.dispatchEvent(new Event("change"));
		const shown = el => el.offsetParent !== null;
		return {
			causes: Array.from(document.querySelectorAll("article.rootcause")).filter(shown).map(a => a.id),
			symptoms: Array.from(document.querySelectorAll("table.symptoms tr[id]")).filter(shown).map(tr => tr.id),
			count: document.getElementById("ns-count").textContent,
		};
	})()`, &visible)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(visible.Causes, []string{"R3"}) || !slices.Equal(visible.Symptoms, []string{"S3"}) {
		t.Errorf("filtered on payments: root causes %v, symptoms %v; want [R3] and [S3]", visible.Causes, visible.Symptoms)
	}
	if visible.Count != "1 of 3 root causes involve payments" {
		t.Errorf("filter count says %q", visible.Count)
	}
	keep(t, p, "report-payments.png", width, height)

	if probs := p.Problems(); len(probs) > 0 {
		t.Errorf("the page reported problems:\n%s", strings.Join(probs, "\n"))
	}
	if reqs := p.Requests(); !slices.Equal(reqs, []string{url}) {
		t.Errorf("network requests %v, want only the page itself", reqs)
	}
}

// keep writes a screenshot of the whole page into the artifact directory
// and names it in the test log.
func keep(t *testing.T, p *headless.Page, name string, width, height int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	png, err := p.Screenshot(ctx, width, height)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(artifactDir(t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}
