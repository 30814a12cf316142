package sarif

import "testing"

func TestFileURI(t *testing.T) {
	for in, want := range map[string]string{
		"rules/r.yaml":         "rules/r.yaml",
		"my rules/r#1.yaml":    "my%20rules/r%231.yaml",
		"a:b/x.yaml":           "./a:b/x.yaml",
		"/abs/my rules/r.yaml": "file:///abs/my%20rules/r.yaml",
		"../up/r.yaml":         "../up/r.yaml",
	} {
		if got := FileURI(in); got != want {
			t.Errorf("FileURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSeverityLevel(t *testing.T) {
	for in, want := range map[string]string{"critical": "error", "warning": "warning", "info": "note", "": "note"} {
		if got := SeverityLevel(in); got != want {
			t.Errorf("SeverityLevel(%q) = %q", in, got)
		}
	}
}
