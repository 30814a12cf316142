package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/nohealthy/nohealthy/internal/junit/junittest"
	"github.com/nohealthy/nohealthy/report"
)

// validateJSON checks out against docs/schemas/NAME.schema.json, the
// documented shape of a command's -o json.
func validateJSON(t *testing.T, name, out string) {
	t.Helper()
	path := filepath.Join("..", "..", "docs", "schemas", name+".schema.json")
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	s, err := c.Compile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("%s output is not JSON: %v\n%s", name, err, out)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("%s output does not follow %s: %v\n%s", name, path, err, out)
	}
}

func TestJSONOutputsFollowTheirSchemas(t *testing.T) {
	r := run(t, hooks{}, false, "version", "-o", "json")
	if r.code != 0 {
		t.Fatalf("version: exit %d %s", r.code, r.stderr)
	}
	validateJSON(t, "version", r.stdout)

	r = run(t, hooks{}, false, "rules", "-o", "json")
	if r.code != 0 {
		t.Fatalf("rules: exit %d %s", r.code, r.stderr)
	}
	validateJSON(t, "rules", r.stdout)
	if !strings.Contains(r.stdout, `"file": "builtin/subset-no-pods.yaml"`) {
		t.Errorf("rules -o json lacks the rule file:\n%.600s", r.stdout)
	}

	r = run(t, hooks{}, false, "lint", "-o", "json", badPack(t))
	validateJSON(t, "lint", r.stdout)

	corpus := testCorpus(t)
	for _, args := range [][]string{{"test", "-o", "json", corpus}, {"test", "--json", corpus}} {
		r = run(t, corpusHooks(), false, args...)
		if r.code != exitFailing {
			t.Errorf("%v: exit %d", args, r.code)
		}
		validateJSON(t, "test", r.stdout)
	}

	// The schemas are live: they reject a wrong document.
	c := jsonschema.NewCompiler()
	s, err := c.Compile(filepath.Join("..", "..", "docs", "schemas", "version.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version": "x", "reportSchemaVersion": "1", "go": "go1"}`))
	if s.Validate(inst) == nil {
		t.Error("version schema accepts a string schema version")
	}
}

// testCorpus is a corpus of three cases: one passes, one expects another
// cause than the one reported, one cannot be analyzed.
func testCorpus(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for name, expected := range map[string]string{
		"healthy": "rootCauses: []\n",
		"wrong":   "description: expects a crash loop\nrootCauses:\n- cause: crash-loop\n  object: {kind: Deployment, namespace: shop, name: ratings}\n",
		"broken":  "rootCauses: []\n",
	} {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Join(dir, "bundle"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "expected.yaml"), []byte(expected), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func corpusHooks() hooks {
	return hooks{analyzer: func(input string) (*report.Report, error) {
		switch filepath.Base(filepath.Dir(input)) {
		case "wrong":
			return fakeHooks("critical").analyze(nil), nil
		case "broken":
			return nil, os.ErrInvalid
		}
		return &report.Report{}, nil
	}}
}

// TestJUnit: --junit writes one testcase per case, the failure with what
// was expected and what was reported, valid against the Jenkins JUnit
// schema; the text output is unchanged beside it.
func TestJUnit(t *testing.T) {
	corpus := testCorpus(t)
	file := filepath.Join(t.TempDir(), "corpus.xml")
	r := run(t, corpusHooks(), false, "test", "--junit", file, corpus)
	if r.code != exitFailing || !strings.Contains(r.stdout, "1 passed, 2 failed") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	junittest.Validate(t, data)
	out := string(data)
	suite := filepath.ToSlash(corpus)
	for _, want := range []string{
		`tests="3" failures="1" errors="1"`,
		`<testsuite name="` + suite + `" tests="3" failures="1" errors="1" skipped="0"`,
		`<testcase name="healthy" classname="` + suite + `"`,
		`<failure message="rank 1: want crash-loop Deployment shop/ratings, got no-workload Service shop/ratings" type="root-cause-mismatch">`,
		`expected (best first):&#xA;  1. crash-loop Deployment shop/ratings&#xA;reported (top 3):&#xA;  1. no-workload Service shop/ratings`,
		`<error message="analyze failed: invalid argument" type="analyze-error">invalid argument</error>`,
		`<system-out>expects a crash loop&#xA;input: `,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Count(out, "<testcase ") != 3 {
		t.Errorf("want 3 testcases:\n%s", out)
	}

	// An unwritable FILE is an input error naming it.
	bad := filepath.Join(t.TempDir(), "no", "such", "dir", "x.xml")
	if r := run(t, corpusHooks(), false, "test", "--junit", bad, corpus); r.code != exitUsage || !strings.Contains(r.stderr, "--junit "+bad) {
		t.Errorf("unwritable: exit %d %q", r.code, r.stderr)
	}
}

// TestJUnitOnTheCorpus: the real corpus as JUnit, every case passing.
func TestJUnitOnTheCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole corpus")
	}
	file := filepath.Join(t.TempDir(), "corpus.xml")
	r := run(t, hooks{}, false, "test", "--junit", file, filepath.Join("..", "..", "testdata", "bundles"))
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	junittest.Validate(t, data)
	if strings.Contains(string(data), "<failure") || strings.Count(string(data), "<testcase ") < 40 {
		t.Errorf("unexpected JUnit for a passing corpus:\n%.2000s", data)
	}
}
