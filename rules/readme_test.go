package rules

import (
	"github.com/nohealthy/nohealthy/internal/golden"
	"os"
	"strings"
	"testing"
)

const refMarker = "## Fact reference (generated: `go test ./rules -run TestReadme -update`)\n\n"

// TestReadmeFieldReference keeps the field reference of rules/README.md in
// step with the fact types rules can read.
func TestReadmeFieldReference(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i := strings.Index(s, refMarker)
	if i < 0 {
		t.Fatal("README.md lacks the fact reference heading")
	}
	want := s[:i+len(refMarker)] + FieldReference()
	if golden.Updating() {
		if err := os.WriteFile("README.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if s != want {
		t.Fatal("rules/README.md field reference is stale: run go test ./rules -run TestReadme -update")
	}
}
