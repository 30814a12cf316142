// Package golden compares test output with files kept in the tree and
// rewrites them when the test binary runs with -update. Only tests import
// it: importing it registers the -update flag.
package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden and generated files from the current output")

// Updating reports whether the test binary runs with -update.
func Updating() bool { return *update }

// Check compares got with the file at path, or writes got there under
// -update. regen is the command a person runs to accept the new output
// (e.g. "go test ./render -update"); a difference names the file, that
// command and the first line that differs.
func Check(t testing.TB, path string, got []byte, regen string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run %s to create it)", err, regen)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the code generates (run %s to accept):\n%s", path, regen, FirstDiff(string(want), string(got)))
	}
}

// FirstDiff shows the first line where got differs from want.
func FirstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b || i >= len(w) || i >= len(g) {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, a, b)
		}
	}
	return "(same lines; the files differ in their last newline)"
}
