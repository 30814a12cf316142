package rules

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintProblemLines: every lint problem names the line of what is
// wrong, in multi-document files and rules: lists, and for files that
// do not parse.
func TestLintProblemLines(t *testing.T) {
	dir := t.TempDir()
	writeRule(t, dir, "multi.yaml", goodRule+ // lines 1-9: clean
		"---\n"+ // 10
		strings.Replace(strings.Replace(goodRule, "my-rule", "second", 1), "critical", "urgent", 1)+ // 11-19, severity on 14
		"---\n"+ // 20
		"# a list\n"+ // 21
		"rules:\n"+ // 22
		"- id: third\n"+ // 23
		"  title: Third\n"+
		"  severity: info\n"+
		"  for: services\n"+
		"  when: svc.matchedPods == 0\n"+
		"  summary: x\n"+ // 28; no remediation: the rule's line, 23
		"- id: fourth\n"+ // 29
		"  title: Fourth\n"+
		"  severity: info\n"+
		"  for: services\n"+
		"  when: svc.nope\n"+ // 33
		"  summary: x\n"+
		"  remediation: y\n")
	writeRule(t, dir, "syntax.yaml", "id: a\ntitle: b\nwhen: [\n")
	writeRule(t, dir, "typo.yaml", strings.Replace(goodRule, "when:", "wehn:", 1))
	writeRule(t, dir, "type.yaml", strings.Replace(goodRule, "severity: critical", "severity: [a, b]", 1))
	probs, err := Lint(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, p := range probs {
		got[fmt.Sprintf("%s:%d %s", filepath.Base(p.File), p.Line, p.Rule)] = true
	}
	for _, want := range []string{
		"multi.yaml:14 second",
		"multi.yaml:23 third",
		"multi.yaml:33 fourth",
		"syntax.yaml:3 ", // the unclosed flow sequence
		"typo.yaml:6 ",
		"type.yaml:4 ",
	} {
		if !got[want] {
			t.Errorf("no problem at %q; got %v", want, probs)
		}
	}
	if len(probs) != 6 {
		t.Errorf("%d problems, want 6: %v", len(probs), probs)
	}
	for _, p := range probs {
		if strings.Contains(p.Message, "error converting") || strings.Contains(p.Message, "yaml: line") {
			t.Errorf("message keeps the parser's wrapper or a document-relative line: %q", p.Message)
		}
	}
}

// TestRuleLines: loaded rules know their file and the line of their id.
func TestRuleLines(t *testing.T) {
	p, err := BuiltinPack()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range p.Rules {
		if r.Line < 1 || !strings.HasPrefix(r.File, "builtin/") || strings.HasPrefix(r.File, "builtin/builtin/") {
			t.Errorf("%s: %s line %d", r.ID, r.File, r.Line)
		}
	}
}
