package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/internal/sarif/sariftest"
	"github.com/nohealthy/nohealthy/internal/visible"
	"github.com/nohealthy/nohealthy/load"
)

// manifestsOnly writes a Service, its Deployment and its one pod, not
// ready for no reason the objects tell, and no log: the built-in rules
// find the Service with no ready backend (critical) and rank no root
// cause. (Without the pod, the pods were not collected, and nothing may
// be concluded of them.)
func manifestsOnly(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "objs.yaml")
	const objs = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: ratings, namespace: shop}
  spec:
    selector: {app: ratings}
    ports: [{name: http, port: 9080, targetPort: 9080}]
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: ratings, namespace: shop}
  spec:
    replicas: 1
    selector: {matchLabels: {app: ratings}}
    template:
      metadata: {labels: {app: ratings}}
      spec: {containers: [{name: app, image: ratings:1}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: ratings-7d9f8-abcde, namespace: shop, labels: {app: ratings}}
  spec: {containers: [{name: app, image: ratings:1}]}
  status:
    phase: Running
    conditions: [{type: Ready, status: "False"}]
    containerStatuses: [{name: app, ready: false, started: true, restartCount: 0, image: ratings:1, imageID: "", state: {running: {}}}]
`
	if err := os.WriteFile(p, []byte(objs), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestHeadlineAgreesWithExitStatus: manifests only, no pods: the run
// fails on a critical finding no chain holds, and the report says so
// first and shows the finding.
func TestHeadlineAgreesWithExitStatus(t *testing.T) {
	in := manifestsOnly(t)
	for _, format := range []string{"table", "markdown"} {
		r := run(t, hooks{}, false, in, "-o", format)
		if r.code != exitFailing {
			t.Fatalf("%s: exit %d, want 1: %s", format, r.code, r.stderr)
		}
		head := strings.Join(strings.SplitN(withoutScope(r.stdout), "\n", 4)[:3], "\n")
		if strings.Contains(head, "No root cause found") || !strings.Contains(head, "1 finding reaches --fail-on critical (exit status 1)") {
			t.Errorf("%s: the report opens with\n%s", format, head)
		}
		if !strings.Contains(r.stdout, "Service shop/ratings has no ready backend") || strings.Contains(r.stdout, "more finding not shown") {
			t.Errorf("%s: the failing finding is not shown:\n%s", format, r.stdout)
		}

		r = run(t, hooks{}, false, in, "-o", format, "--fail-on", "none")
		if r.code != exitOK || !strings.Contains(r.stdout, "No root cause found") {
			t.Errorf("%s --fail-on none: exit %d\n%s", format, r.code, r.stdout)
		}
	}
}

// withoutScope drops the lines that say what the report saw (its Scope
// and Not seen lines, which open it), so a test reads the verdict as the
// first line after them.
func withoutScope(out string) string {
	var keep []string
	dropBlank := false
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimPrefix(l, "_")
		if strings.HasPrefix(t, "Scope: ") || strings.HasPrefix(t, "Not seen: ") {
			dropBlank = true // Markdown sets each apart with a blank line
			continue
		}
		if dropBlank && l == "" {
			dropBlank = false
			continue
		}
		dropBlank = false
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

func TestOutputWidth(t *testing.T) {
	size := func(w int, err error) func() (int, error) { return func() (int, error) { return w, err } }
	for _, tc := range []struct {
		columns string
		tty     bool
		size    func() (int, error)
		want    int
	}{
		{"", true, size(132, nil), 132},
		{"", false, size(132, nil), 0}, // a pipe: no limit
		{"100", true, size(132, nil), 100},
		{"100", false, nil, 100}, // asked for by hand
		{" 90 ", false, nil, 90},
		{"0", true, size(80, nil), 80},
		{"wide", true, size(80, nil), 80},
		{"-5", false, nil, 0},
		{"", true, size(0, errors.New("not a terminal")), 0},
	} {
		if got := outputWidth(tc.columns, tc.tty, tc.size); got != tc.want {
			t.Errorf("outputWidth(%q, %v) = %d, want %d", tc.columns, tc.tty, got, tc.want)
		}
	}
}

// TestTableFitsStreamWidth: a corpus case rendered for an 80-column
// terminal fits it; a pipe gets the upstream whole.
func TestTableFitsStreamWidth(t *testing.T) {
	in := filepath.Join("..", "..", "testdata", "bundles", "21-subset-no-pods", "bundle")
	for _, width := range []int{80, 120} {
		var out, errOut strings.Builder
		code := execute([]string{in, "--fail-on", "none"}, IOStreams{Out: &out, ErrOut: &errOut, Width: width}, hooks{})
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		for i, line := range strings.Split(out.String(), "\n") {
			if w := runewidth.StringWidth(line); w > width {
				t.Errorf("width %d: line %d is %d wide: %q", width, i+1, w, line)
			}
		}
	}
	r := run(t, hooks{}, false, in, "--fail-on", "none")
	if !strings.Contains(r.stdout, " outbound|9080|v1|reviews.shop.svc.cluster.local ") {
		t.Errorf("a pipe must get the upstream whole:\n%s", r.stdout)
	}
	if wide := run(t, hooks{}, false, in, "-o", "wide", "--fail-on", "none"); wide.stdout != r.stdout {
		t.Error("-o wide differs from the table in a pipe")
	}
}

// TestStderrIsMadeVisible: warnings and errors quote the input; they
// reach stderr with its control characters escaped.
func TestStderrIsMadeVisible(t *testing.T) {
	const evil = "logs/x/\x1b]0;owned\x07\x1b[2J.log: line 3\rforged"
	h := fakeHooks("")
	h.load = func(in []string, opts load.Options) (*analyzers.Snapshot, error) {
		opts.Warn(evil)
		return &analyzers.Snapshot{Sources: in}, nil
	}
	r := run(t, h, false, inputFile(t))
	if !strings.Contains(r.stderr, `warning: logs/x/\x1b]0;owned\x07\x1b[2J.log: line 3\rforged`) {
		t.Errorf("warning not shown escaped: %q", r.stderr)
	}

	h.load = func([]string, load.Options) (*analyzers.Snapshot, error) {
		return nil, errors.New(evil)
	}
	r = run(t, h, false, inputFile(t))
	if r.code != exitUsage || !strings.Contains(r.stderr, `\x1b]0;owned`) {
		t.Errorf("exit %d, error not shown escaped: %q", r.code, r.stderr)
	}
	for _, out := range []string{r.stderr, run(t, h, false, filepath.Join(t.TempDir(), "no\x1b[31mne")).stderr} {
		for _, line := range strings.Split(out, "\n") {
			if !visible.Safe(line, false) {
				t.Errorf("stderr carries a control character: %q", line)
			}
		}
	}
}

// TestAnalyzeSARIF: a corpus incident as SARIF is valid 2.1.0, describes
// the rules that ran, and puts the rank-1 root cause at its object.
func TestAnalyzeSARIF(t *testing.T) {
	in := filepath.Join("..", "..", "testdata", "bundles", "21-subset-no-pods", "bundle")
	r := run(t, hooks{}, false, in, "-o", "sarif")
	if r.code != exitFailing {
		t.Fatalf("exit %d (want 1: a critical root cause): %s", r.code, r.stderr)
	}
	sariftest.Validate(t, []byte(r.stdout))
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string } `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					LogicalLocations []struct{ FullyQualifiedName string } `json:"logicalLocations"`
				} `json:"locations"`
				Properties map[string]any `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatal(err)
	}
	e, err := newEngine(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(log.Runs[0].Tool.Driver.Rules), len(e.Rules()); got != want {
		t.Errorf("%d rules described, %d ran", got, want)
	}
	found := false
	for _, res := range log.Runs[0].Results {
		if res.Properties["rank"] == float64(1) {
			found = true
			if res.Properties["cause"] != "subset-no-pods" || res.Locations[0].LogicalLocations[0].FullyQualifiedName != "DestinationRule shop/reviews" {
				t.Errorf("rank 1: %+v", res)
			}
		}
	}
	if !found {
		t.Errorf("no rank-1 result:\n%s", r.stdout)
	}
}
