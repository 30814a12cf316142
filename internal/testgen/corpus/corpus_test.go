package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/nohealthy/nohealthy/causes"
	"github.com/nohealthy/nohealthy/rules/ruletest"
)

const committed = "../../../testdata/bundles"

func TestCorpusUpToDate(t *testing.T) {
	dir := t.TempDir()
	if err := generate(dir, ""); err != nil {
		t.Fatal(err)
	}
	want := readTree(t, dir)
	got := readTree(t, committed)
	for p, b := range want {
		g, ok := got[p]
		if !ok {
			t.Errorf("%s: missing from testdata/bundles (run go run ./internal/testgen/corpus -out testdata/bundles)", p)
			continue
		}
		if !bytes.Equal(b, g) {
			t.Errorf("%s: differs from the generator's output (edit the generator, then regenerate)", p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: in testdata/bundles but not produced by the generator", p)
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if err := generate(d, ""); err != nil {
			t.Fatal(err)
		}
	}
	ta, tb := readTree(t, a), readTree(t, b)
	if len(ta) != len(tb) {
		t.Fatalf("runs produced %d and %d files", len(ta), len(tb))
	}
	for p := range ta {
		if !bytes.Equal(ta[p], tb[p]) {
			t.Errorf("%s differs between two runs", p)
		}
	}
}

func TestFilesParse(t *testing.T) {
	tree := readTree(t, committed)
	cases := map[string]bool{}
	for p, b := range tree {
		cases[strings.SplitN(p, "/", 2)[0]] = true
		switch {
		case strings.HasSuffix(p, ".json"):
			if !json.Valid(b) {
				t.Errorf("%s: invalid JSON", p)
			}
		case strings.HasSuffix(p, ".yaml") && strings.Contains(p, "/resources/"):
			for i, doc := range strings.Split(string(b), "\n---\n") {
				var m map[string]any
				if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
					t.Errorf("%s doc %d: %v", p, i, err)
				} else if m["kind"] == nil || m["apiVersion"] == nil {
					t.Errorf("%s doc %d: no kind/apiVersion", p, i)
				}
			}
		case strings.HasSuffix(p, ".log"):
			if len(bytes.TrimSpace(b)) == 0 {
				t.Errorf("%s: empty log", p)
			}
		}
	}
	for name := range cases {
		for _, f := range []string{"bundle/manifest.json", "bundle/index.json", "expected.yaml"} {
			if _, ok := tree[name+"/"+f]; !ok {
				t.Errorf("%s: no %s", name, f)
			}
		}
	}
	if len(cases) < 32 {
		t.Errorf("only %d cases", len(cases))
	}
}

// uncoveredCauses are causes of the catalog no corpus case shows yet,
// with the reason; TestExpectedCauses fails when one gains a case.
var uncoveredCauses = map[string]string{
	"backend-ref-not-permitted": "no Gateway API case until the facts read routes and ReferenceGrants",
}

// causeIDs are the root-cause IDs of the catalog (causes/catalog.yaml).
func causeIDs() map[string]bool {
	ids := map[string]bool{}
	for _, c := range causes.All() {
		ids[c.ID] = true
	}
	return ids
}

func TestExpectedCauses(t *testing.T) {
	ids := causeIDs()
	covered := map[string]bool{}
	healthy := 0
	tree := readTree(t, committed)
	for p, b := range tree {
		if !strings.HasSuffix(p, "/expected.yaml") {
			continue
		}
		var e ruletest.Expected
		if err := yaml.UnmarshalStrict(b, &e); err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if strings.TrimSpace(e.Description) == "" {
			t.Errorf("%s: no description", p)
		}
		if len(e.RootCauses) == 0 {
			healthy++
		}
		for _, rc := range e.RootCauses {
			if !ids[rc.Cause] {
				t.Errorf("%s: cause %q is not in the catalog", p, rc.Cause)
			} else if c, _ := causes.Lookup(rc.Cause); !c.NamesKind(rc.Object.Kind) {
				t.Errorf("%s: cause %s names %v, not %s", p, rc.Cause, c.Names, rc.Object.Kind)
			}
			covered[rc.Cause] = true
			if rc.Object.Kind == "" || rc.Object.Name == "" {
				t.Errorf("%s: cause %s names no object", p, rc.Cause)
			}
			if rc.Object.Kind != "Node" && rc.Object.Namespace == "" {
				t.Errorf("%s: cause %s: namespaced object without namespace", p, rc.Cause)
			}
		}
		for _, a := range e.Absent {
			if !ids[a] {
				t.Errorf("%s: absent cause %q is not in the catalog", p, a)
			}
			for _, rc := range e.RootCauses {
				if rc.Cause == a {
					t.Errorf("%s: %s is both expected and absent", p, a)
				}
			}
		}
	}
	var missing []string
	for id := range ids {
		why, gap := uncoveredCauses[id]
		if !covered[id] && !gap {
			missing = append(missing, id)
		}
		if covered[id] && gap {
			t.Errorf("cause %s has a case now: drop it from uncoveredCauses (%s)", id, why)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("causes without a case: %v", missing)
	}
	if healthy < 3 {
		t.Errorf("only %d healthy cases", healthy)
	}
}

func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
