package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixedCopy copies a corpus case's bundle and applies a fix: every
// VirtualService route to subset v1 goes to v2, the DestinationRules lose
// their subset v1, and the gateway's log loses its UH lines (no more 503s
// after the fix).
func fixedCopy(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "after")
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(filepath.Base(rel), "virtualservices."):
			data = []byte(strings.ReplaceAll(string(data), `"subset": "v1"`, `"subset": "v2"`))
		case strings.HasPrefix(filepath.Base(rel), "destinationrules."):
			if data, err = withoutSubset(data, "v1"); err != nil {
				return err
			}
		case strings.HasSuffix(rel, ".log"):
			var kept []string
			for _, l := range strings.SplitAfter(string(data), "\n") {
				if !strings.Contains(l, " UH ") {
					kept = append(kept, l)
				}
			}
			data = []byte(strings.Join(kept, ""))
		}
		dst := filepath.Join(out, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// withoutSubset removes a subset from every DestinationRule of a List.
func withoutSubset(data []byte, name string) ([]byte, error) {
	var list struct {
		APIVersion string           `json:"apiVersion"`
		Kind       string           `json:"kind"`
		Items      []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, err
	}
	for _, it := range list.Items {
		spec, _ := it["spec"].(map[string]any)
		subsets, _ := spec["subsets"].([]any)
		var kept []any
		for _, s := range subsets {
			if m, _ := s.(map[string]any); m["name"] != name {
				kept = append(kept, s)
			}
		}
		if spec != nil {
			spec["subsets"] = kept
		}
	}
	return json.MarshalIndent(list, "", "    ")
}

// TestDiffFixWorked: "did my fix work?" on a corpus incident and the same
// cluster after the fix, in every output format, and with AFTER in each
// input form.
func TestDiffFixWorked(t *testing.T) {
	before := filepath.Join("..", "..", "testdata", "bundles", "21-subset-no-pods", "bundle")
	after := fixedCopy(t, before)
	norm := func(s string) string {
		return strings.NewReplacer(before, "BEFORE", after, "AFTER").Replace(s)
	}
	for _, format := range []string{"table", "markdown", "json"} {
		r := run(t, hooks{}, false, "diff", "-o", format, before, after)
		if r.code != exitOK {
			t.Fatalf("-o %s: exit %d: %s", format, r.code, r.stderr)
		}
		checkGolden(t, filepath.Join("diff", "fix-worked."+format+".golden"), norm(r.stdout))
	}
	var d struct {
		RootCauses struct{ Resolved []struct{ Cause string } }
		Symptoms   struct{ Stopped []struct{ Kind string } }
		Objects    struct {
			Compared bool
			Changed  []struct{ Domain string }
		}
	}
	r := run(t, hooks{}, false, "diff", "-o", "json", before, after)
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.RootCauses.Resolved) != 1 || d.RootCauses.Resolved[0].Cause != "subset-no-pods" ||
		len(d.Symptoms.Stopped) != 1 || d.Symptoms.Stopped[0].Kind != "UH" || !d.Objects.Compared || len(d.Objects.Changed) == 0 {
		t.Errorf("the fix: %+v", d)
	}
	// The same comparison whatever form AFTER takes.
	want := run(t, hooks{}, false, "diff", "-o", "json", before, after).stdout
	for form, in := range inputForms(t, after) {
		if form == "dir" {
			continue
		}
		got := run(t, hooks{}, false, "diff", "-o", "json", before, in)
		var a, b struct {
			RootCauses, Symptoms, Findings any
		}
		json.Unmarshal([]byte(want), &a)
		json.Unmarshal([]byte(got.stdout), &b)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if got.code != exitOK || string(ja) != string(jb) {
			t.Errorf("AFTER as %s: exit %d, root causes, symptoms or findings differ:\n%s\n%s", form, got.code, ja, jb)
		}
	}
}

// TestDiffRulePack: "what does the new rule pack change?" on one input,
// read once, analyzed with and without the pack.
func TestDiffRulePack(t *testing.T) {
	in := filepath.Join("..", "..", "testdata", "bundles", "10-crash-loop", "bundle")
	pack := filepath.Join("testdata", "diffpack")
	r := run(t, hooks{}, false, "diff", "--after-rules", pack, "--fail-on", "warning", in)
	if r.code != exitFailing || !strings.Contains(r.stdout, "NEW  test-restarting-workload — Deployment payments/ledger  [warning]") ||
		!strings.Contains(r.stdout, "both sides read the same input") {
		t.Errorf("a new warning with --fail-on warning: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	checkGolden(t, filepath.Join("diff", "rule-pack.table.golden"), strings.ReplaceAll(r.stdout, in, "INPUT"))
	if r := run(t, hooks{}, false, "diff", "--after-rules", pack, in); r.code != exitOK {
		t.Errorf("a new warning with --fail-on critical: exit %d, want 0", r.code)
	}
	// The pack on both sides, or on BEFORE only: resolved, never worse.
	if r := run(t, hooks{}, false, "diff", "--before-rules", pack, "--fail-on", "info", in); r.code != exitOK || !strings.Contains(r.stdout, "RESOLVED  test-restarting-workload") {
		t.Errorf("--before-rules: exit %d\n%s", r.code, r.stdout)
	}
}

// TestDiffReportSide: a side may be a JSON report written by analyze -o
// json; its objects are not compared.
func TestDiffReportSide(t *testing.T) {
	in := filepath.Join("..", "..", "testdata", "bundles", "21-subset-no-pods", "bundle")
	r := run(t, hooks{}, false, in, "-o", "json", "--fail-on", "none")
	if r.code != exitOK {
		t.Fatalf("analyze -o json: exit %d: %s", r.code, r.stderr)
	}
	saved := filepath.Join(t.TempDir(), "before.json")
	if err := os.WriteFile(saved, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	same := run(t, hooks{}, false, "diff", saved, in)
	if same.code != exitOK || !strings.Contains(same.stdout, "No difference.") || !strings.Contains(same.stdout, "a side is a JSON report") {
		t.Errorf("report vs its own input: exit %d\n%s%s", same.code, same.stdout, same.stderr)
	}
	fixed := run(t, hooks{}, false, "diff", saved, fixedCopy(t, in))
	if fixed.code != exitOK || !strings.Contains(fixed.stdout, "RESOLVED  subset-no-pods") {
		t.Errorf("report vs the fixed input: exit %d\n%s", fixed.code, fixed.stdout)
	}
	if r := run(t, hooks{}, false, "diff", "--before-rules", "testdata/diffpack", saved, in); r.code != exitUsage || !strings.Contains(r.stderr, "takes no rules") {
		t.Errorf("rules for a report side: exit %d: %s", r.code, r.stderr)
	}
}

func TestDiffUsage(t *testing.T) {
	in := filepath.Join("..", "..", "testdata", "bundles", "10-crash-loop", "bundle")
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"diff"}, "no input given"},
		{[]string{"diff", in}, "one input and the same rules"},
		{[]string{"diff", in, in, in}, "too many inputs"},
		{[]string{"diff", "-o", "yaml", in, in}, `invalid --output "yaml"`},
		{[]string{"diff", "--fail-on", "fatal", in, in}, `invalid --fail-on "fatal"`},
		{[]string{"diff", in, "missing.tar.zst"}, "missing.tar.zst: no such file or directory"},
		{[]string{"diff", "--after-rules", "missing-pack", in}, "missing-pack"},
	} {
		r := run(t, hooks{}, false, tc.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, r.code, r.stderr, tc.stderr)
		}
	}
}
