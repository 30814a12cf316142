// Package ruletest runs rule packs against a corpus of known incidents:
// directories of cases, each a captured input (`<case>/bundle/`) and the
// answer a support engineer expects (`<case>/expected.yaml`). It backs
// `analyze test` and lets Go tests assert the same thing.
package ruletest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/nohealthy/nohealthy/causes"
	"github.com/nohealthy/nohealthy/report"
)

// Files of a case directory.
const (
	BundleDir    = "bundle"
	ExpectedFile = "expected.yaml"
)

// Expected is a case's expected.yaml.
type Expected struct {
	Description string `json:"description,omitempty"`
	// Source names the specification section, upstream document or
	// upstream behaviour the case follows.
	Source string `json:"source,omitempty"`
	// RootCauses are best first; empty means the input is healthy.
	RootCauses []ExpectedCause `json:"rootCauses"`
	// Absent lists causes that must not be reported at all.
	Absent []string `json:"absent,omitempty"`
}

// ExpectedCause is one expected root cause.
type ExpectedCause struct {
	Cause  string     `json:"cause"`
	Object report.Ref `json:"object"`
	// Detail must match when given (e.g. "subset v1").
	Detail string `json:"detail,omitempty"`
	// Changes must each be among the root cause's changes.
	Changes []ExpectedChange `json:"changes,omitempty"`
}

// ExpectedChange is a change a root cause must cite: of this type, on
// this object, at most Within seconds before its first symptom.
type ExpectedChange struct {
	Type   string     `json:"type"`
	Object report.Ref `json:"object"`
	Within int64      `json:"within"`
}

func (e ExpectedChange) String() string {
	return fmt.Sprintf("%s %s within %d s", e.Type, e.Object, e.Within)
}

// cites reports whether rc cites the change.
func (e ExpectedChange) cites(rc report.RootCause) bool {
	for _, c := range rc.Changes {
		if c.Type == e.Type && c.Object == e.Object && c.SecondsBefore <= e.Within {
			return true
		}
	}
	return false
}

func (e ExpectedCause) String() string { return causeString(e.Cause, e.Object, e.Detail) }

func causeString(cause string, o report.Ref, detail string) string {
	s := cause + " " + o.Kind + " "
	if o.Namespace != "" {
		s += o.Namespace + "/"
	}
	s += o.Name
	if detail != "" {
		s += " (" + detail + ")"
	}
	return s
}

// Case is one incident of a corpus.
type Case struct {
	// Name is the case directory relative to its corpus (or its base name
	// when given directly).
	Name string
	// Dir is the case directory; its input is Dir/bundle.
	Dir      string
	Expected Expected
}

// Input is the path analyze reads for the case.
func (c Case) Input() string { return filepath.Join(c.Dir, BundleDir) }

// ReadExpected parses an expected.yaml strictly: a misspelt key would
// silently weaken the test, so it is an error.
func ReadExpected(path string) (Expected, error) {
	var e Expected
	data, err := os.ReadFile(path)
	if err != nil {
		return e, err
	}
	if err := yaml.UnmarshalStrict(data, &e); err != nil {
		return e, fmt.Errorf("%s: %w", path, err)
	}
	for i, rc := range e.RootCauses {
		if rc.Cause == "" || rc.Object.Kind == "" || rc.Object.Name == "" {
			return e, fmt.Errorf("%s: rootCauses[%d]: cause, object.kind and object.name are required", path, i)
		}
		for j, c := range rc.Changes {
			if c.Type == "" || c.Object.Kind == "" || c.Object.Name == "" || c.Within <= 0 {
				return e, fmt.Errorf("%s: rootCauses[%d].changes[%d]: type, object.kind, object.name and within (> 0 seconds) are required", path, i, j)
			}
		}
		// A case expecting what the catalog rules out could never pass
		// against rules that follow the catalog.
		c, ok := causes.Lookup(rc.Cause)
		if !ok {
			return e, fmt.Errorf("%s: rootCauses[%d]: %w", path, i, causes.Check(rc.Cause))
		}
		if !c.NamesKind(rc.Object.Kind) {
			return e, fmt.Errorf("%s: rootCauses[%d]: cause %s names a %s, not a %s (docs/causes.md)",
				path, i, rc.Cause, strings.Join(c.Names, " or "), rc.Object.Kind)
		}
	}
	for i, a := range e.Absent {
		if err := causes.Check(a); err != nil {
			return e, fmt.Errorf("%s: absent[%d]: %w", path, i, err)
		}
	}
	return e, nil
}

// Discover finds the cases under each path. A path is either a case
// itself (it holds expected.yaml) or a corpus: every directory below it
// holding expected.yaml is a case (nested groups are fine). Cases come back
// sorted by name within each path. A directory with a bundle/ but no
// expected.yaml is an error, not a silent skip.
func Discover(paths ...string) ([]Case, error) {
	var cases []Case
	for _, root := range paths {
		st, err := os.Stat(root)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("%s: not a directory (want a corpus or a case directory)", root)
		}
		var found []Case
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				return nil
			}
			exp := filepath.Join(path, ExpectedFile)
			if _, err := os.Stat(exp); err != nil {
				if !errors.Is(err, fs.ErrNotExist) {
					return err
				}
				if fi, err := os.Stat(filepath.Join(path, BundleDir)); err == nil && fi.IsDir() {
					return fmt.Errorf("%s: has %s/ but no %s", path, BundleDir, ExpectedFile)
				}
				return nil
			}
			e, err := ReadExpected(exp)
			if err != nil {
				return err
			}
			name, _ := filepath.Rel(root, path)
			if name == "." {
				name = filepath.Base(filepath.Clean(path))
			}
			found = append(found, Case{Name: filepath.ToSlash(name), Dir: path, Expected: e})
			return filepath.SkipDir // a case's bundle is not a corpus
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no cases found (want <case>/%s and <case>/%s)", root, BundleDir, ExpectedFile)
		}
		sort.Slice(found, func(i, j int) bool { return found[i].Name < found[j].Name })
		cases = append(cases, found...)
	}
	return cases, nil
}

// Result is the verdict on one case.
type Result struct {
	Case        string          `json:"case"`
	Dir         string          `json:"dir"`
	Description string          `json:"description,omitempty"`
	Pass        bool            `json:"pass"`
	Reason      string          `json:"reason"`
	Expected    []ExpectedCause `json:"expected"`
	// Got is the top of the report's ranking (at most 3), as
	// "cause Kind ns/name (detail)".
	Got []string `json:"got"`
	// Error is set when the input could not be analyzed at all.
	Error string `json:"error,omitempty"`
	// Seconds is how long loading and analyzing the case took.
	Seconds float64 `json:"seconds"`
}

// Analyzer turns a case input into a report.
type Analyzer func(input string) (*report.Report, error)

// Run analyzes every case and checks it.
func Run(cases []Case, analyze Analyzer) []Result {
	out := make([]Result, 0, len(cases))
	for _, c := range cases {
		res := Result{Case: c.Name, Dir: c.Dir, Description: c.Expected.Description,
			Expected: nonNil(c.Expected.RootCauses), Got: []string{}}
		start := time.Now()
		r, err := safeAnalyze(analyze, c.Input())
		res.Seconds = time.Since(start).Seconds()
		if err != nil {
			res.Error = err.Error()
			res.Reason = "analyze failed: " + err.Error()
			out = append(out, res)
			continue
		}
		res.Got = top(r, 3)
		res.Pass, res.Reason = Check(c.Expected, r)
		out = append(out, res)
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func top(r *report.Report, n int) []string {
	got := []string{}
	for i, rc := range r.RootCauses {
		if i == n {
			break
		}
		got = append(got, causeString(rc.Cause, rc.Object, rc.Detail))
	}
	return got
}

// Matches tells whether a reported root cause is the expected one.
// Detail is compared only when the expectation gives one.
func (e ExpectedCause) Matches(rc report.RootCause) bool {
	if rc.Cause != e.Cause || rc.Object.Kind != e.Object.Kind ||
		rc.Object.Namespace != e.Object.Namespace || rc.Object.Name != e.Object.Name {
		return false
	}
	return e.Detail == "" || strings.TrimSpace(rc.Detail) == strings.TrimSpace(e.Detail)
}

// Check applies the pass rule: healthy → no root causes; otherwise rank 1
// matches the first expected cause, every other expected cause is reported
// at some rank, and no absent cause is reported (as a root cause or any
// finding). The reason says why, in words fit for a table cell.
func Check(exp Expected, r *report.Report) (bool, string) {
	if r == nil {
		r = &report.Report{}
	}
	gotTop := strings.Join(top(r, 3), "; ")
	if gotTop == "" {
		gotTop = "no root cause"
	}
	if len(exp.RootCauses) == 0 {
		if len(r.RootCauses) > 0 {
			return false, "want healthy (no root cause), got " + gotTop
		}
	} else {
		first := exp.RootCauses[0]
		if len(r.RootCauses) == 0 || !first.Matches(r.RootCauses[0]) {
			return false, fmt.Sprintf("rank 1: want %s, got %s", first, gotTop)
		}
		for i, e := range exp.RootCauses {
			var got *report.RootCause
			for k, rc := range r.RootCauses {
				if e.Matches(rc) && (i > 0 || k == 0) {
					got = &r.RootCauses[k]
					break
				}
			}
			if got == nil {
				return false, fmt.Sprintf("want %s reported at any rank, got %s", e, gotTop)
			}
			for _, c := range e.Changes {
				if !c.cites(*got) {
					return false, fmt.Sprintf("%s: want the change %s before its first symptom, got %s", e, c, changesString(got.Changes))
				}
			}
		}
	}
	for _, a := range exp.Absent {
		for _, rc := range r.RootCauses {
			if rc.Cause == a {
				return false, fmt.Sprintf("%s must be absent, got it at rank %d (%s)", a, rc.Rank, causeString(rc.Cause, rc.Object, rc.Detail))
			}
		}
		for _, f := range r.Findings {
			if f.Cause == a {
				return false, fmt.Sprintf("%s must be absent, got finding %s (%s)", a, f.ID, causeString(f.Cause, f.Object, f.Detail))
			}
		}
	}
	if len(exp.RootCauses) == 0 {
		return true, "healthy: no root cause"
	}
	return true, "rank 1: " + exp.RootCauses[0].String()
}

// changesString lists a root cause's changes in a table cell.
func changesString(changes []report.Change) string {
	if len(changes) == 0 {
		return "no change"
	}
	var out []string
	for _, c := range changes {
		out = append(out, fmt.Sprintf("%s %s %d s before", c.Type, c.Object, c.SecondsBefore))
	}
	return strings.Join(out, "; ")
}

// Summary counts results.
func Summary(results []Result) (passed, failed int) {
	for _, r := range results {
		if r.Pass {
			passed++
		} else {
			failed++
		}
	}
	return passed, failed
}

// safeAnalyze turns a panic in one case into that case's failure, so one
// broken rule does not hide the verdict on the rest of the corpus.
func safeAnalyze(analyze Analyzer, input string) (r *report.Report, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("panic: %v", p)
		}
	}()
	return analyze(input)
}
