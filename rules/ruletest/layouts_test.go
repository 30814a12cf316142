package ruletest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nohealthy/nohealthy/internal/testgen/layouts"
	"github.com/nohealthy/nohealthy/report"
)

// layoutCase is one other tool's layout of a corpus incident, and the
// incidents it cannot show: what the tool does not collect, as its source
// says (docs/inputs.md).
type layoutCase struct {
	name    string
	write   func(bundleDir, outDir string) error
	root    string // the directory the tool writes, archived on top
	blind   map[string]string
	archive func(dir, out string, mtime time.Time) error
	ext     string
}

var layoutCases = []layoutCase{
	{
		name: "istioctl bug-report", write: layouts.BugReport, root: "bug-report", archive: layouts.TarGz, ext: ".tar.gz",
		blind: map[string]string{
			"18-port-mismatch-refused":         "the connect-refused lines are in the ingress-nginx log; bug-report fetches istio-proxy logs only",
			"29-active-hc-haproxy":             "the HAProxy log is not an istio-proxy log; bug-report fetches those only",
			"41-rbac-endpointslices-forbidden": "kubectl may not list endpointslices, so bug-report's one `kubectl get` of the namespaced resources fails and writes no k8s-resources",
			"44-rollout-minute-before-uh":      "the scaling that precedes the symptom is an event, and bug-report stores events as `kubectl get events -o wide` text",
			"59-strict-workload-port-envoy":    "the resets are in the standalone Envoy's log (container envoy); bug-report fetches istio-proxy logs only",
			"gwapi-14-ngf-port-refused":        "the connect-refused lines are in NGINX Gateway Fabric's nginx log; bug-report fetches istio-proxy logs only",
		},
	},
	{
		name: "must-gather", write: layouts.MustGather, root: layouts.MustGatherRoot, archive: layouts.TarGz, ext: ".tar.gz",
		blind: map[string]string{
			"27-outlier-ejected": "the ejected hosts are in Envoy's /clusters output, which must-gather does not fetch",
			"28-active-hc-envoy": "the failing health checks are in Envoy's /clusters output, which must-gather does not fetch",
		},
	},
	{
		name: "support-bundle", write: layouts.SupportBundle, root: layouts.SupportBundleRoot, archive: layouts.Zip, ext: ".zip",
		blind: map[string]string{
			"27-outlier-ejected": "the ejected hosts are in Envoy's /clusters output, which a support bundle does not fetch",
			"28-active-hc-envoy": "the failing health checks are in Envoy's /clusters output, which a support bundle does not fetch",
		},
	},
}

// TestLayoutsSameVerdict: every corpus incident written in each other
// tool's layout, as a directory and as the tool's archive, gives the same
// rank-1 cause as the incident in gather's own format, unless the tool
// does not collect what the cause is seen in (layoutCase.blind).
func TestLayoutsSameVerdict(t *testing.T) {
	cases := gatherCases(t)
	analyze := builtinAnalyzer(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			want, err := analyze(c.Input())
			if err != nil {
				t.Fatal(err)
			}
			for i, lc := range layoutCases {
				if why, ok := lc.blind[c.Name]; ok {
					t.Logf("%s: not compared: %s", lc.name, why)
					continue
				}
				out := filepath.Join(t.TempDir(), "out")
				if err := lc.write(c.Input(), out); err != nil {
					t.Fatal(err)
				}
				inputs := []string{out}
				// The archives too, for every third incident: each layout's
				// archive is then read for a dozen incidents.
				if (len(c.Name)+i)%3 == 0 {
					arc := filepath.Join(t.TempDir(), "incident"+lc.ext)
					if err := lc.archive(filepath.Join(out, lc.root), arc, time.Date(2024, 12, 2, 10, 47, 0, 0, time.UTC)); err != nil {
						t.Fatal(err)
					}
					inputs = append(inputs, arc)
				}
				for _, in := range inputs {
					got, err := analyze(in)
					if err != nil {
						t.Errorf("%s %s: %v", lc.name, filepath.Base(in), err)
						continue
					}
					if ok, why := Check(c.Expected, got); !ok {
						t.Errorf("%s %s: %s", lc.name, filepath.Base(in), why)
					}
					if rank1(got) != rank1(want) {
						t.Errorf("%s %s: rank 1 %q, gather's format %q", lc.name, filepath.Base(in), rank1(got), rank1(want))
					}
					if !hasLayout(got, lc.name) {
						t.Errorf("%s %s: input.scope.sources do not name the layout: %+v", lc.name, filepath.Base(in), got.Input.Scope.Sources)
					}
				}
			}
		})
	}
}

// gatherCases are the corpus cases in gather's own layout: the layout
// writers turn that into other tools' layouts. The cases written as
// loose files, dumps or manifests from Git already are another layout.
func gatherCases(t *testing.T) []Case {
	t.Helper()
	all, err := Discover("../../testdata/bundles")
	if err != nil {
		t.Fatal(err)
	}
	var cases []Case
	for _, c := range all {
		if _, err := os.Stat(filepath.Join(c.Input(), "manifest.json")); err == nil {
			cases = append(cases, c)
		}
	}
	if len(cases) < 40 {
		t.Fatalf("%d corpus cases in gather's layout, want the corpus's 40 or more", len(cases))
	}
	return cases
}

func rank1(r *report.Report) string {
	if len(r.RootCauses) == 0 {
		return "none"
	}
	rc := r.RootCauses[0]
	return rc.Cause + " " + rc.Object.String() + " " + rc.Detail
}

func hasLayout(r *report.Report, layout string) bool {
	for _, s := range r.Input.Scope.Sources {
		for _, l := range s.Layouts {
			if l == layout {
				return true
			}
		}
	}
	return false
}

// TestLayoutSkipsAreNamed: what a layout holds and analyze does not read
// is listed with its reason, never dropped in silence.
func TestLayoutSkipsAreNamed(t *testing.T) {
	analyze := builtinAnalyzer(t)
	in := "../../testdata/bundles/21-subset-no-pods/bundle"
	for _, tc := range []struct {
		lc   layoutCase
		want map[string]string // path suffix → reason fragment
	}{
		{layoutCases[0], map[string]string{
			"cluster/events":  "not objects",
			"cluster/secrets": "secrets are never read",
			"/netstat":        "not used by analyze",
			"bug-report.log":  "not used by analyze",
		}},
		{layoutCases[1], map[string]string{
			"/timestamp":         "not used by analyze",
			"/event-filter.html": "not used by analyze",
		}},
		{layoutCases[2], map[string]string{
			"auth-cani-list/default.json": "not used by analyze",
			"cluster_version.json":        "not used by analyze",
		}},
	} {
		out := filepath.Join(t.TempDir(), "out")
		if err := tc.lc.write(in, out); err != nil {
			t.Fatal(err)
		}
		r, err := analyze(out)
		if err != nil {
			t.Fatal(err)
		}
		for suffix, reason := range tc.want {
			found := false
			for _, s := range r.Input.Skipped {
				if strings.HasSuffix(s.Path, suffix) && strings.Contains(s.Reason, reason) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: %s not skipped with %q: %+v", tc.lc.name, suffix, reason, r.Input.Skipped)
			}
		}
		if r.Input.SkippedCount != len(r.Input.Skipped) {
			t.Errorf("%s: skippedCount %d, %d listed", tc.lc.name, r.Input.SkippedCount, len(r.Input.Skipped))
		}
	}
	// The support bundle's log links are refused, and say so.
	out := filepath.Join(t.TempDir(), "out")
	if err := layouts.SupportBundle(in, out); err != nil {
		t.Fatal(err)
	}
	r, err := analyze(out)
	if err != nil {
		t.Fatal(err)
	}
	links := 0
	for _, s := range r.Input.Skipped {
		if strings.Contains(s.Path, "/app-logs/") && strings.Contains(s.Reason, "symlink") {
			links++
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(out, layouts.SupportBundleRoot, "app-logs")); links == 0 || len(entries) == 0 {
		t.Errorf("support-bundle log links: %d skipped as symlinks", links)
	}
}
