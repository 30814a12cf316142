package pipeline

import (
	"path/filepath"
	"strings"
	"testing"
)

// A corpus case reads and is judged as analyze does: its expected rank-1
// cause, the tool version the caller gave.
func TestAnalyzeCorpusCase(t *testing.T) {
	e, err := Engine(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Analyze(e, []string{filepath.Join("..", "testdata", "bundles", "21-subset-no-pods", "bundle")}, Options{ToolVersion: "v9.9.9"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.RootCauses) == 0 || r.RootCauses[0].Cause != "subset-no-pods" {
		t.Errorf("root causes %+v", r.RootCauses)
	}
	if r.Tool.Version != "v9.9.9" {
		t.Errorf("tool version %q", r.Tool.Version)
	}
}

func TestEngineErrorsNameTheirSource(t *testing.T) {
	if _, err := Engine([]string{"no/such/pack"}, nil, nil); err == nil || !strings.Contains(err.Error(), "--rules no/such/pack") {
		t.Errorf("missing pack: %v", err)
	}
	if _, err := Engine(nil, []string{"no-such-rule"}, nil); err == nil || !strings.HasPrefix(err.Error(), "rules: ") {
		t.Errorf("unknown rule: %v", err)
	}
	e, err := Engine(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Analyze(e, []string{"no/such/bundle.tar.zst"}, Options{}); err == nil {
		t.Error("a missing input analyzed")
	}
}
