package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/load"
	"github.com/nohealthy/nohealthy/report"
	"github.com/nohealthy/nohealthy/rules"
	"github.com/nohealthy/nohealthy/rules/ruletest"
)

func analyze(t *testing.T, input string) *report.Report {
	t.Helper()
	snap, err := load.Inputs([]string{input}, load.Options{})
	if err != nil {
		t.Fatalf("load %s: %v", input, err)
	}
	return analyzeSnapshot(t, snap)
}

func analyzeSnapshot(t *testing.T, snap *analyzers.Snapshot) *report.Report {
	t.Helper()
	pack, err := rules.BuiltinPack()
	if err != nil {
		t.Fatal(err)
	}
	e, err := rules.NewEngine([]*rules.Pack{pack}, rules.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	return e.Analyze(snap)
}

// TestTinyBundleReadsBack generates a tiny bundle and its dump tree and
// checks that analyze reads every object and line back and ranks the three
// planted causes 1..3, rank 1 as expected.
func TestTinyBundleReadsBack(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "tiny.tar.zst")
	dump := filepath.Join(dir, "tiny.dump")
	cfg := Sizes["tiny"]
	if err := run(cfg, "tiny", out, dump, 2); err != nil {
		t.Fatal(err)
	}
	exp, err := ruletest.ReadExpected(expectedPath(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(exp.RootCauses) != 3 {
		t.Fatalf("expected.yaml lists %d causes, want 3", len(exp.RootCauses))
	}
	if exp.RootCauses[0].Cause != "subset-no-pods" {
		t.Errorf("rank 1 expected %s, want subset-no-pods (most UH lines)", exp.RootCauses[0].Cause)
	}
	for _, input := range []string{out, dump} {
		r := analyze(t, input)
		if r.Input.LogLines != cfg.LogLines {
			t.Errorf("%s: %d log lines read, want %d", input, r.Input.LogLines, cfg.LogLines)
		}
		if len(r.Input.Warnings) > 0 {
			t.Errorf("%s: warnings: %q", input, r.Input.Warnings)
		}
		if pass, reason := ruletest.Check(exp, r); !pass {
			t.Errorf("%s: %s", input, reason)
		}
		if len(r.RootCauses) < 3 {
			t.Fatalf("%s: %d root causes, want >= 3", input, len(r.RootCauses))
		}
		for i := 0; i < 3; i++ {
			found := false
			for _, e := range exp.RootCauses {
				if e.Matches(r.RootCauses[i]) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: rank %d is %s %s/%s, not a planted cause", input, i+1, r.RootCauses[i].Cause, r.RootCauses[i].Object.Namespace, r.RootCauses[i].Object.Name)
			}
		}
	}
}

// indexFiles returns the index's file list (path, size, sha256): the
// archive itself differs between runs only by the index's completedAt.
func indexFiles(t *testing.T, path string) []bundle.FileInfo {
	t.Helper()
	var idx bundle.Index
	err := bundle.Walk(path, bundle.Limits{}, nil, func(e *bundle.Entry) error {
		if e.Type == bundle.EntryIndex {
			return json.NewDecoder(e.Body).Decode(&idx)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return idx.Files
}

// TestDeterministic: the same seed gives the same entries, byte for byte.
func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	cfg := Sizes["tiny"]
	cfg.LogLines = 3000
	var got [2][]bundle.FileInfo
	for i := range got {
		out := filepath.Join(dir, "b"+string(rune('0'+i))+".tar.zst")
		if err := run(cfg, "tiny", out, "", 2); err != nil {
			t.Fatal(err)
		}
		got[i] = indexFiles(t, out)
	}
	if len(got[0]) < 50 || !reflect.DeepEqual(got[0], got[1]) {
		t.Error("two runs with the same seed differ")
	}
}

// TestProfileAnalyze profiles load.Inputs + the rule engine on a bundle:
//
//	BENCHGEN_PROFILE=/tmp/b/large.tar.zst go test -run TestProfileAnalyze -v ./internal/testgen/bench
//	go tool pprof -top /tmp/b/large.tar.zst.cpu.pprof
//
// It writes INPUT.cpu.pprof, INPUT.mem.pprof (allocations) and
// INPUT.heap.pprof (live heap once loaded) next to the input.
func TestProfileAnalyze(t *testing.T) {
	input := os.Getenv("BENCHGEN_PROFILE")
	if input == "" {
		t.Skip("set BENCHGEN_PROFILE=INPUT to profile analyze on INPUT")
	}
	f, err := os.Create(input + ".cpu.pprof")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	snap, err := load.Inputs([]string{input}, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	loaded := time.Since(start)
	// What stays live after loading: the facts and what they point to.
	h, err := os.Create(input + ".heap.pprof")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(h, 0); err != nil {
		t.Fatal(err)
	}
	r := analyzeSnapshot(t, snap)
	pprof.StopCPUProfile()
	t.Logf("load %v", loaded)
	t.Logf("%s: %v, %d objects, %d log lines, %d root causes", input, time.Since(start), r.Input.Objects, r.Input.LogLines, len(r.RootCauses))
	m, err := os.Create(input + ".mem.pprof")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(m, 0); err != nil {
		t.Fatal(err)
	}
}
