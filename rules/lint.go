package rules

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/causes"
	"github.com/nohealthy/nohealthy/report"
)

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// compileKeyRE finds the rule key a compile error starts with ("when:",
// "evidence[2]:").
var compileKeyRE = regexp.MustCompile(`^(\w+)(\[\d+\])?: `)

var builtinIDs struct {
	once sync.Once
	ids  map[string]bool
}

// Lint checks a rule pack directory: files parse with no unknown field,
// ids are well-formed and unique, domains exist, every expression
// compiles with the right type, causes are taxonomy IDs, severities are
// known, remediation is present for causes, explains names known kinds or
// rules (of this pack or the built-in one).
func Lint(dir string) ([]LintProblem, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", dir)
	}
	var probs []LintProblem
	var rules []*Rule
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			probs = append(probs, LintProblem{File: path, Key: LintParse, Message: err.Error()})
			return nil
		}
		rs, err := ParseRules(path, data)
		if err != nil {
			p := LintProblem{File: path, Key: LintParse, Message: err.Error()}
			var pe *ParseError
			if errors.As(err, &pe) {
				p.Line, p.Message = pe.Line, pe.Err.Error()
			}
			probs = append(probs, p)
			return nil
		}
		rules = append(rules, rs...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(rules) == 0 && len(probs) == 0 {
		probs = append(probs, LintProblem{File: dir, Key: LintParse, Message: "no rule files (*.yaml) found"})
	}
	return append(probs, LintRules(rules)...), nil
}

// LintRules checks loaded rules (see Lint).
func LintRules(rules []*Rule) []LintProblem {
	var probs []LintProblem
	ids := map[string]string{}
	builtinIDs.once.Do(func() {
		builtinIDs.ids = map[string]bool{}
		if p, err := BuiltinPack(); err == nil {
			for _, r := range p.Rules {
				builtinIDs.ids[r.ID] = true
			}
		}
	})
	for _, r := range rules {
		ids[r.ID] = r.File
	}
	seen := map[string]string{}
	for _, r := range rules {
		// bad reports a problem at the line of key (of the rule when
		// the key is absent).
		bad := func(key, format string, args ...any) {
			probs = append(probs, LintProblem{File: r.File, Line: r.keyLine(key), Rule: r.ID, Key: key, Message: fmt.Sprintf(format, args...)})
		}
		switch {
		case r.ID == "":
			bad("id", "missing id")
		case !idRE.MatchString(r.ID):
			bad("id", "id %q: use lower-case letters, digits and '-'", r.ID)
		}
		if f, dup := seen[r.ID]; dup && r.ID != "" {
			bad("id", "duplicate id (also in %s)", f)
		}
		seen[r.ID] = r.Where()
		if r.Title == "" {
			bad("title", "missing title")
		}
		if r.Cause != "" {
			if err := causes.Check(r.Cause); err != nil {
				bad("cause", "%v", err)
			}
		}
		if report.SeverityLevel(r.Severity) < 0 {
			bad("severity", "severity %q: want info, warning or critical", r.Severity)
		}
		if strings.TrimSpace(r.Summary) == "" {
			bad("summary", "missing summary")
		}
		if strings.TrimSpace(r.Remediation) == "" {
			bad("remediation", "missing remediation text")
		}
		for _, x := range r.Explains {
			if _, kind := logscan.LookupKind(x); !kind && ids[x] == "" && !builtinIDs.ids[x] {
				bad("explains", "explains %q: neither a symptom kind (docs/logs.md) nor a rule id", x)
			}
		}
		if _, err := compile(r); err != nil {
			// compile names the key it failed on first: "when: ...".
			key := "rule"
			if m := compileKeyRE.FindStringSubmatch(err.Error()); m != nil {
				key = m[1]
			}
			bad(key, "%v", err)
		}
	}
	return probs
}
