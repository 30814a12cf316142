package analyzers

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/bundle"
)

// packObjectsFirst writes a corpus case as a bundle, objects before logs,
// so the Writer records a log frame trailer.
func packObjectsFirst(t *testing.T, dir, out string) {
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
	for _, rel := range append(objects, logs...) {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err == nil {
			err = w.WriteFile(rel, data)
		}
		if err != nil {
			w.Abort()
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestLogFrameSplitAndTamperedTrailers: a bundle read through its log
// frame gives the facts the plain read gives; a trailer naming the wrong
// entry number or a wrong path is caught, and the bundle is read again
// without it, with the same facts and a warning saying so.
func TestLogFrameSplitAndTamperedTrailers(t *testing.T) {
	tmp := t.TempDir()
	p := filepath.Join(tmp, "b.tar.zst")
	packObjectsFirst(t, filepath.Join("..", "testdata", "bundles", "05-selector-typo", "bundle"), p)
	lf, ok := bundle.ReadLogFrame(p)
	if !ok || lf.Entry < 3 {
		t.Fatalf("no usable log frame: %+v %v", lf, ok)
	}
	summary := func(s *Snapshot) string {
		return strconv.Itoa(s.ObjectCount) + " objects, " + strconv.FormatInt(s.LogLines, 10) + " lines, " +
			strconv.Itoa(len(s.Facts.Symptoms)) + " symptoms, " + strconv.Itoa(len(s.Facts.Services)) + " services"
	}
	plain, err := load([]string{p}, LoadOptions{}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := summary(plain)
	if len(plain.Facts.Symptoms) == 0 {
		t.Fatal("case has no symptoms: the test would prove nothing")
	}
	split, err := Load([]string{p}, LoadOptions{})
	if err != nil || summary(split) != want || len(split.Warnings) != len(plain.Warnings) {
		t.Fatalf("through the log frame: %s, warnings %v (err %v); plain read: %s", summary(split), split.Warnings, err, want)
	}
	data, _ := os.ReadFile(p)
	entry := regexp.MustCompile(`"entry":\d+`)
	for name, tampered := range map[string][]byte{
		"entry number": entry.ReplaceAll(data, []byte(`"entry":`+strconv.Itoa(lf.Entry-1))),
		"path":         bytes.Replace(data, []byte(`"path":"`+lf.Path), []byte(`"path":"`+lf.Path[:len(lf.Path)-5]+"x.log"), 1),
	} {
		q := filepath.Join(tmp, "tampered.tar.zst")
		if err := os.WriteFile(q, tampered, 0o644); err != nil {
			t.Fatal(err)
		}
		if got, ok := bundle.ReadLogFrame(q); !ok || got == lf {
			t.Fatalf("%s: tampering did not take: %+v %v", name, got, ok)
		}
		s, err := Load([]string{q}, LoadOptions{})
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
