package load

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/bundle"
)

// packObjectsFirst writes a corpus case as a bundle, objects before logs,
// so the Writer records a log frame trailer.
func packObjectsFirst(t *testing.T, dir, out string) {
	packObjectsFirstCopies(t, dir, out, 0)
}

// packObjectsFirstCopies is packObjectsFirst with each log also written
// again under copies other pod names, for more log bytes and frames.
func packObjectsFirstCopies(t *testing.T, dir, out string, copies int) {
	t.Helper()
	var objects, logs []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case rel == bundle.ManifestPath || rel == bundle.IndexPath:
		case strings.HasPrefix(rel, "logs/"):
			logs = append(logs, rel)
		default:
			objects = append(objects, rel)
		}
		return nil
	})
	sort.Strings(objects)
	sort.Strings(logs)
	w, err := bundle.Create(out, bundle.Manifest{Tool: "test"})
	if err != nil {
		t.Fatal(err)
	}
	write := func(rel, as string) {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err == nil {
			err = w.WriteFile(as, data)
		}
		if err != nil {
			w.Abort()
			t.Fatal(err)
		}
	}
	for _, rel := range objects {
		write(rel, rel)
	}
	for c := 0; c <= copies; c++ {
		for _, rel := range logs {
			as := rel
			if c > 0 { // logs/<ns>/<pod>/<container>.log
				parts := strings.Split(rel, "/")
				parts[2] += "-copy" + strconv.Itoa(c)
				as = strings.Join(parts, "/")
			}
			write(rel, as)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestLogFrameSplitAndTamperedTrailers: a bundle read through its log
// frames, by four passes at once, gives the facts the plain read gives;
// a trailer naming a wrong entry number or a wrong path, for the first
// frame or a later one, is caught, and the bundle is read again without
// it, with the same facts and a warning saying so.
func TestLogFrameSplitAndTamperedTrailers(t *testing.T) {
	defer func(n int64) { bundle.LogFrameBytes = n }(bundle.LogFrameBytes)
	bundle.LogFrameBytes = 64 << 10
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	tmp := t.TempDir()
	p := filepath.Join(tmp, "b.tar.zst")
	packObjectsFirstCopies(t, filepath.Join("..", "testdata", "bundles", "05-selector-typo", "bundle"), p, 5)
	frames, ok := bundle.ReadLogFrames(p)
	if !ok || frames[0].Entry < 3 || len(frames) < 6 {
		t.Fatalf("no usable log frames: %+v %v", frames, ok)
	}
	summary := func(s *analyzers.Snapshot) string {
		return strconv.Itoa(s.ObjectCount) + " objects, " + strconv.FormatInt(s.LogLines, 10) + " lines, " +
			strconv.Itoa(len(s.Facts.Symptoms)) + " symptoms, " + strconv.Itoa(len(s.Facts.Services)) + " services"
	}
	plain, err := load([]string{p}, Options{}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := summary(plain)
	if len(plain.Facts.Symptoms) == 0 {
		t.Fatal("case has no symptoms: the test would prove nothing")
	}
	split, err := Inputs([]string{p}, Options{})
	if err != nil || summary(split) != want || len(split.Warnings) != len(plain.Warnings) {
		t.Fatalf("through the log frames: %s, warnings %v (err %v); plain read: %s", summary(split), split.Warnings, err, want)
	}
	data, _ := os.ReadFile(p)
	// nth replaces the n-th match of re in data.
	nth := func(re string, n int, repl func(m string) string) []byte {
		locs := regexp.MustCompile(re).FindAllIndex(data, -1)
		m := locs[n]
		return append(append(append([]byte{}, data[:m[0]]...), repl(string(data[m[0]:m[1]]))...), data[m[1]:]...)
	}
	otherPath := func(m string) string { // same length, or the trailer's framing breaks
		i := strings.LastIndex(m, ".log") - 1
		return m[:i] + map[bool]string{true: "y", false: "x"}[m[i] == 'x'] + m[i+1:]
	}
	for name, tampered := range map[string][]byte{
		"first entry number": nth(`"entry":\d+`, 0, func(string) string { return `"entry":` + strconv.Itoa(frames[0].Entry-1) }),
		"first path":         nth(`"path":"[^"]*"`, 0, otherPath),
		"later path":         nth(`"path":"[^"]*"`, len(frames)/2, otherPath),
		"last path":          nth(`"path":"[^"]*"`, len(frames)-1, otherPath),
	} {
		q := filepath.Join(tmp, "tampered.tar.zst")
		if err := os.WriteFile(q, tampered, 0o644); err != nil {
			t.Fatal(err)
		}
		if got, ok := bundle.ReadLogFrames(q); !ok || reflect.DeepEqual(got, frames) {
			t.Fatalf("%s: tampering did not take: %+v %v", name, got, ok)
		}
		s, err := Inputs([]string{q}, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if summary(s) != want {
			t.Errorf("%s: %s, want %s", name, summary(s), want)
		}
		found := false
		for _, w := range s.Warnings {
			found = found || strings.Contains(w, "log frame index")
		}
		if !found {
			t.Errorf("%s: no warning about the trailer: %v", name, s.Warnings)
		}
	}
}
