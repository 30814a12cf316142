package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/load"
	"github.com/nohealthy/nohealthy/report"
	"github.com/nohealthy/nohealthy/rules"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, h hooks, tty bool, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := execute(args, IOStreams{Out: &out, ErrOut: &errOut, OutTTY: tty, ErrTTY: tty}, h)
	return result{code, out.String(), errOut.String()}
}

// fakeHooks stand in for the loader and the rules: the snapshot carries
// one warning, as the loader reports it and keeps it, and the report of
// an engine without rules gets one root cause of the given severity.
func fakeHooks(severity string) hooks {
	return hooks{
		load: func(in []string, opts load.Options) (*analyzers.Snapshot, error) {
			const warning = "objs.yaml: document 3: no kind, skipped"
			if opts.Warn != nil {
				opts.Warn(warning)
			}
			return &analyzers.Snapshot{Sources: in, ObjectCount: 12, LogLines: 34, Warnings: []string{warning}}, nil
		},
		analyze: func(snap *analyzers.Snapshot) *report.Report {
			if snap == nil {
				snap = &analyzers.Snapshot{}
			}
			e, err := rules.NewEngine(nil, rules.Selection{})
			if err != nil {
				panic(err)
			}
			r := e.Analyze(snap)
			if severity != "" {
				r.RootCauses = []report.RootCause{{ID: "R1", Rank: 1, Cause: "no-workload", Severity: severity,
					Object: report.Ref{Kind: "Service", Namespace: "shop", Name: "ratings"}, Summary: "nothing carries app=ratings"}}
				r.Findings = []report.Finding{{ID: "F1", Cause: "no-workload", Severity: severity,
					Object: report.Ref{Kind: "Service", Namespace: "shop", Name: "ratings"}}}
			}
			return r
		},
	}
}

func inputFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "objs.yaml")
	if err := os.WriteFile(p, []byte("apiVersion: v1\nkind: List\nitems: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUsageErrors(t *testing.T) {
	in := inputFile(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--bogus", in}, "unknown flag: --bogus"},
		{"no input", nil, "no INPUT given"},
		{"bad output", []string{"-o", "yaml", in}, `invalid --output "yaml"`},
		{"bad fail-on", []string{"--fail-on", "fatal", in}, `invalid --fail-on "fatal"`},
		{"bad size", []string{"--max-expanded-bytes", "lots", in}, `invalid argument "lots" for "--max-expanded-bytes" flag: want a byte count`},
		{"bad log", []string{"--log", "ns/pod=x.log", in}, "NAMESPACE/POD/CONTAINER=FILE"},
		{"unknown subcommand flag", []string{"test", "--nope"}, "unknown flag: --nope"},
		{"test without corpus", []string{"test"}, "no CORPUS given"},
		{"lint without dir", []string{"lint"}, "no DIR given"},
		{"rules with args", []string{"rules", "x"}, "unknown command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, fakeHooks(""), false, tc.args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want 2; stderr: %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr %q does not contain %q", r.stderr, tc.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout should be empty on a usage error, got %q", r.stdout)
			}
		})
	}
}

func TestMissingInputNamed(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "incident.tar.zst")
	for _, args := range [][]string{
		{missing},
		{inputFile(t), "--log", missing},
		{"test", missing},
		{"lint", missing},
		{"rules", "--rules", missing},
	} {
		r := run(t, fakeHooks(""), false, args...)
		if r.code != exitUsage {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
		if !strings.Contains(r.stderr, missing+": no such file or directory") {
			t.Errorf("%v: stderr %q does not name the file and reason", args, r.stderr)
		}
	}
}

func TestLoadErrorNamesInput(t *testing.T) {
	in := inputFile(t)
	h := fakeHooks("")
	h.load = func([]string, load.Options) (*analyzers.Snapshot, error) {
		return nil, errors.New("zstd: invalid header")
	}
	r := run(t, h, false, in)
	if r.code != exitUsage || !strings.Contains(r.stderr, in+": zstd: invalid header") {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
}

func TestFailOn(t *testing.T) {
	in := inputFile(t)
	for _, tc := range []struct {
		severity, failOn string
		want             int
	}{
		{"critical", "", 1},
		{"critical", "none", 0},
		{"warning", "", 0},
		{"warning", "warning", 1},
		{"info", "warning", 0},
		{"info", "info", 1},
		{"", "info", 0}, // healthy
	} {
		args := []string{in, "-o", "json"}
		if tc.failOn != "" {
			args = append(args, "--fail-on", tc.failOn)
		}
		if r := run(t, fakeHooks(tc.severity), false, args...); r.code != tc.want {
			t.Errorf("severity %q --fail-on %q: exit %d, want %d (stderr %s)", tc.severity, tc.failOn, r.code, tc.want, r.stderr)
		}
	}
}

func TestJSONOutput(t *testing.T) {
	in := inputFile(t)
	r := run(t, fakeHooks("critical"), false, in, "-o", "json", "--fail-on", "none")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if rep.SchemaVersion != 1 || rep.Tool.Name != "nohealthy" || rep.Tool.Version != version {
		t.Errorf("tool/schema not filled: %+v", rep.Tool)
	}
	if rep.Input.Objects != 12 || rep.Input.LogLines != 34 || len(rep.Input.Sources) != 1 {
		t.Errorf("input not filled: %+v", rep.Input)
	}
	if len(rep.Input.Warnings) != 1 {
		t.Errorf("want the load warning once in the report: %q", rep.Input.Warnings)
	}
	if r.stderr != "" {
		t.Errorf("json mode must keep stderr clean, got %q", r.stderr)
	}
}

func TestTableOutput(t *testing.T) {
	in := inputFile(t)
	r := run(t, fakeHooks("critical"), false, in)
	if r.code != 1 {
		t.Errorf("exit %d, want 1 (critical root cause, default --fail-on)", r.code)
	}
	if !strings.HasPrefix(r.stdout, "ROOT CAUSE #1: no-workload — Service shop/ratings") {
		t.Errorf("answer not first:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("color in a pipe")
	}
	if !strings.Contains(r.stderr, "warning: objs.yaml: document 3") {
		t.Errorf("table mode shows warnings on stderr, got %q", r.stderr)
	}

	// A terminal gets color and progress lines.
	r = run(t, fakeHooks("critical"), true, in, "--fail-on", "none")
	if !strings.Contains(r.stdout, "\x1b[") && os.Getenv("NO_COLOR") == "" {
		t.Error("no color on a terminal")
	}
	if !strings.Contains(r.stderr, "Reading 1 input(s)") {
		t.Errorf("no progress on a terminal stderr: %q", r.stderr)
	}

	r = run(t, fakeHooks(""), false, in, "-o", "markdown")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "# 503 no healthy upstream") {
		t.Errorf("markdown: exit %d\n%s", r.code, r.stdout)
	}
	r = run(t, fakeHooks("critical"), true, in, "-o", "html", "--fail-on", "none")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "<!DOCTYPE html>") || strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("html: exit %d\n%.200s", r.code, r.stdout)
	}
}

func TestQuiet(t *testing.T) {
	in := inputFile(t)
	r := run(t, fakeHooks("critical"), true, in, "-q")
	if r.code != 1 || r.stdout != "" || r.stderr != "" {
		t.Errorf("quiet: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	r := run(t, hooks{}, false, "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "analyze "+version) {
		t.Errorf("version: %d %q", r.code, r.stdout)
	}
}

func TestHelpTeaches(t *testing.T) {
	r := run(t, hooks{}, false, "--help")
	if r.code != 0 {
		t.Fatalf("help exit %d", r.code)
	}
	for _, want := range []string{".tar.zst", "cluster-info dump", "-o yaml", "--log", "Exit status", "docs/causes.md", "analyze causes", "analyze test"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}

func TestTestCommand(t *testing.T) {
	root := t.TempDir()
	mk := func(name, expected string) {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Join(dir, "bundle"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "expected.yaml"), []byte(expected), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mk("healthy", "rootCauses: []\n")
	mk("ratings", "rootCauses:\n- cause: no-workload\n  object: {kind: Service, namespace: shop, name: ratings}\n")
	h := hooks{analyzer: func(input string) (*report.Report, error) {
		if strings.Contains(input, "ratings") {
			return fakeHooks("critical").analyze(nil), nil
		}
		return &report.Report{}, nil
	}}
	r := run(t, h, false, "test", root)
	if r.code != 0 || !strings.HasSuffix(r.stdout, "\n2 passed, 0 failed\n") || !hasRow(r.stdout, "PASS", "healthy") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	mk("wrong", "rootCauses:\n- cause: crash-loop\n  object: {kind: Deployment, namespace: shop, name: ratings}\n")
	h.analyzer = func(string) (*report.Report, error) { return fakeHooks("critical").analyze(nil), nil }
	r = run(t, h, false, "test", root)
	if r.code != 1 || !strings.Contains(r.stdout, "\n1 passed, 2 failed\n") {
		t.Errorf("exit %d\n%s", r.code, r.stdout)
	}
	if !hasRow(r.stdout, "FAIL", "wrong") || !strings.Contains(r.stdout, "want crash-loop Deployment shop/ratings, got no-workload Service shop/ratings") {
		t.Errorf("failure reason missing:\n%s", r.stdout)
	}

	r = run(t, h, false, "test", "--json", filepath.Join(root, "wrong"))
	var out struct {
		Passed, Failed int
		Results        []map[string]any
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Failed != 1 || r.code != 1 {
		t.Errorf("--json: exit %d err %v\n%s", r.code, err, r.stdout)
	}
}

func hasRow(out, verdict, name string) bool {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == verdict && f[1] == name {
			return true
		}
	}
	return false
}
