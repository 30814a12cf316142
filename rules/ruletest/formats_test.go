package ruletest

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/internal/testgen/dumpconv"
	"github.com/nohealthy/nohealthy/report"
)

// TestCorpusAcrossFormats is the user's promise that the input format does
// not change the answer: every corpus incident, read as its directory, as a
// .tar.zst made by the bundle writer, and as a `kubectl cluster-info dump`
// tree, passes its expectations and yields the same findings.
func TestCorpusAcrossFormats(t *testing.T) {
	cases, err := Discover("../../testdata/bundles")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Skip("no corpus cases")
	}
	analyze := builtinAnalyzer(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			tmp := t.TempDir()
			tarball := filepath.Join(tmp, "bundle.tar.zst")
			packDir(t, c.Input(), tarball, nil)
			// As gather may write it: objects first, then logs, then more
			// objects (events), so both passes of a file read have work.
			mixed := filepath.Join(tmp, "mixed.tar.zst")
			packDir(t, c.Input(), mixed, objectsLogsEvents)
			inputs := []string{c.Input(), tarball, mixed}
			// A cluster-info dump holds Kubernetes objects: not for a
			// case of pasted files (a Docker host), which has no manifest.
			if _, err := os.Stat(filepath.Join(c.Input(), bundle.ManifestPath)); err == nil {
				dump := filepath.Join(tmp, "dump")
				if err := dumpconv.ToClusterInfoDump(c.Input(), dump); err != nil {
					t.Fatalf("dumpconv: %v", err)
				}
				inputs = append(inputs, dump)
			}
			var want string
			for _, in := range inputs {
				r, err := analyze(in)
				if err != nil {
					t.Fatalf("%s: %v", in, err)
				}
				if ok, why := Check(c.Expected, r); !ok {
					t.Errorf("%s: %s (got %v)", in, why, top(r, 3))
				}
				got := findingsKey(t, r)
				if want == "" {
					want = got
				} else if got != want {
					t.Errorf("%s: findings differ from the directory's:\n got %s\nwant %s", in, got, want)
				}
			}
		})
	}
}

// findingsKey is the comparable part of a report: root causes and findings
// without IDs of inputs.
func findingsKey(t *testing.T, r *report.Report) string {
	type rc struct {
		Rank                int
		Cause, Detail, Rule string
		Object              report.Ref
		Explains, Chain     []string
		EvidenceCount       int
	}
	var out []rc
	for _, x := range r.RootCauses {
		out = append(out, rc{x.Rank, x.Cause, x.Detail, x.Rule, x.Object, x.Explains, x.Chain, len(x.Evidence)})
	}
	var fs []string
	for _, f := range r.Findings {
		fs = append(fs, f.ID+" "+f.Rule+" "+f.Object.Kind+"/"+f.Object.Namespace+"/"+f.Object.Name+" "+strings.Join(f.ExplainedBy, ","))
	}
	b, err := json.Marshal(struct {
		R []rc
		F []string
		S int
	}{out, fs, len(r.Symptoms)})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// objectsLogsEvents orders entries: resources except events, logs,
// events, the rest.
func objectsLogsEvents(paths []string) []string {
	rank := func(p string) int {
		switch {
		case strings.HasPrefix(p, "resources/") && !strings.HasSuffix(p, "/events.json"):
			return 0
		case strings.HasPrefix(p, "logs/"):
			return 1
		case strings.HasPrefix(p, "resources/"):
			return 2
		}
		return 3
	}
	out := append([]string(nil), paths...)
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	return out
}

// packDir writes an unpacked bundle directory as a .tar.zst with the
// bundle writer (manifest first, index last, as gather would), its files in
// lexical order or as order arranges them.
func packDir(t *testing.T, dir, out string, order func([]string) []string) {
	t.Helper()
	var m bundle.Manifest
	if data, err := os.ReadFile(filepath.Join(dir, bundle.ManifestPath)); err == nil {
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
	}
	w, err := bundle.Create(out, m)
	if err != nil {
		t.Fatal(err)
	}
	var idx bundle.Index
	var paths []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		paths = append(paths, filepath.ToSlash(rel))
		return nil
	})
	if order != nil {
		paths = order(paths)
	}
	for _, rel := range paths {
		if err != nil {
			break
		}
		var data []byte
		data, err = os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		switch {
		case err != nil || rel == bundle.ManifestPath:
		case rel == bundle.IndexPath:
			err = json.Unmarshal(data, &idx)
		default:
			err = w.WriteFile(rel, data)
		}
	}
	if err != nil {
		w.Abort()
		t.Fatal(err)
	}
	for _, c := range idx.Collectors {
		w.AddCollector(c)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
