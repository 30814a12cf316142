package main

import (
	"strings"
	"testing"
)

// --version prints what the version command prints; -v is left free for
// kubectl's meaning.
func TestVersionFlag(t *testing.T) {
	a, b := run(t, hooks{}, false, "version"), run(t, hooks{}, false, "--version")
	if a.code != 0 || b.code != 0 || a.stdout != b.stdout || strings.Count(b.stdout, "\n") != 1 {
		t.Errorf("version %q (%d), --version %q (%d)", a.stdout, a.code, b.stdout, b.code)
	}
	if r := run(t, hooks{}, false, "-v"); r.code != exitUsage {
		t.Errorf("-v: exit %d, want a usage error (it is not --version)", r.code)
	}
}

// Flag values and cause IDs complete from the registries.
func TestCompletion(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"-o", ""}, []string{"json\n", "markdown\n", "table\n", ":4\n"}},
		{[]string{"--fail-on", ""}, []string{"critical\n", "none\n"}},
		{[]string{"causes", "subset-no"}, []string{"subset-no-pods\n"}},
		{[]string{"causes", "-o", ""}, []string{"json\n", "table\n"}},
		{[]string{"--rules", ""}, []string{":16\n"}},
	} {
		r := run(t, hooks{}, false, append([]string{"__complete"}, c.args...)...)
		if r.code != 0 {
			t.Fatalf("__complete %v: exit %d %s", c.args, r.code, r.stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("__complete %v: %q lacks %q", c.args, r.stdout, w)
			}
		}
	}
	rulesOut := run(t, hooks{}, false, "rules").stdout
	r := run(t, hooks{}, false, "__complete", "--disable", "")
	first := strings.Fields(strings.Split(strings.TrimSpace(rulesOut), "\n")[1])[0] // the first rule's ID under the header
	if !strings.Contains(r.stdout, first+"\n") {
		t.Errorf("--disable completion %q lacks rule %s", r.stdout, first)
	}
	r = run(t, hooks{}, false, "__complete", "--only", "a,"+first[:3])
	if !strings.Contains(r.stdout, "a,"+first+"\n") {
		t.Errorf("comma list completion: %q", r.stdout)
	}
	r = run(t, hooks{}, false, "completion", "zsh")
	if r.code != 0 || !strings.Contains(r.stdout, "nohealthy-analyze") {
		t.Errorf("completion zsh: exit %d, script does not complete nohealthy-analyze", r.code)
	}
}
