package rules

import (
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
			probs = append(probs, LintProblem{File: path, Message: err.Error()})
			return nil
		}
		rs, err := ParseRules(path, data)
		if err != nil {
			probs = append(probs, LintProblem{File: path, Message: err.Error()})
			return nil
		}
		rules = append(rules, rs...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(rules) == 0 && len(probs) == 0 {
		probs = append(probs, LintProblem{File: dir, Message: "no rule files (*.yaml) found"})
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
		bad := func(format string, args ...any) {
			probs = append(probs, LintProblem{File: r.File, Rule: r.ID, Message: fmt.Sprintf(format, args...)})
		}
		switch {
		case r.ID == "":
			bad("missing id")
		case !idRE.MatchString(r.ID):
			bad("id %q: use lower-case letters, digits and '-'", r.ID)
		}
		if f, dup := seen[r.ID]; dup && r.ID != "" {
			bad("duplicate id (also in %s)", f)
		}
		seen[r.ID] = r.File
		if r.Title == "" {
			bad("missing title")
		}
		if r.Cause != "" {
			if err := causes.Check(r.Cause); err != nil {
				bad("%v", err)
			}
		}
		if report.SeverityLevel(r.Severity) < 0 {
			bad("severity %q: want info, warning or critical", r.Severity)
		}
		if strings.TrimSpace(r.Summary) == "" {
			bad("missing summary")
		}
		if strings.TrimSpace(r.Remediation) == "" {
			bad("missing remediation text")
		}
		for _, x := range r.Explains {
			if _, kind := logscan.LookupKind(x); !kind && ids[x] == "" && !builtinIDs.ids[x] {
				bad("explains %q: neither a symptom kind (docs/logs.md) nor a rule id", x)
			}
		}
		if _, err := compile(r); err != nil {
			bad("%v", err)
		}
	}
	return probs
}
