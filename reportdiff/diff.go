// Package reportdiff compares two analyses of the same system: "did my fix
// work?" (two bundles) and "what did the new rule pack change?" (one input,
// two sets of rules). It matches root causes by cause, object and detail,
// symptoms by kind, reporter and upstream, findings by rule, object and
// detail, and the objects by the facts the rules read, and says what
// appeared, what was resolved and whether anything worse appeared. It
// renders the result as a table, Markdown or JSON.
package reportdiff

import (
	"cmp"
	"slices"
	"strings"

	"github.com/nohealthy/nohealthy/report"
)

// SchemaVersion of the JSON diff.
const SchemaVersion = 1

// Side is one side of a comparison as the caller read it.
type Side struct {
	// Sources are the inputs (or the JSON report) as the user named them.
	Sources []string
	// RulePacks are the rule packs beside the built-in one.
	RulePacks []string
	// FromReport: the side is a JSON report written by analyze -o json;
	// its objects are not known.
	FromReport bool
	Report     *report.Report
	// Objects are the side's objects as the rules read them; nil when
	// unknown (a report).
	Objects Objects
}

// Diff is the comparison. Its JSON is the contract of `analyze diff -o
// json`; fields may be added without a new SchemaVersion, and every list
// encodes as [] when empty.
type Diff struct {
	SchemaVersion int         `json:"schemaVersion"`
	Tool          report.Tool `json:"tool"`
	Before        SideInfo    `json:"before"`
	After         SideInfo    `json:"after"`
	RootCauses    RootCauses  `json:"rootCauses"`
	Symptoms      Symptoms    `json:"symptoms"`
	Findings      Findings    `json:"findings"`
	Objects       ObjectDiff  `json:"objects"`
	// FailOn is the --fail-on level; Worse lists the AFTER findings that
	// reach it and did not in BEFORE (new, or more severe than before).
	FailOn string           `json:"failOn"`
	Worse  []report.Finding `json:"worse"`
}

// SideInfo says what one side was.
type SideInfo struct {
	Sources     []string `json:"sources"`
	RulePacks   []string `json:"rulePacks"`
	FromReport  bool     `json:"fromReport"`
	CollectedAt *string  `json:"collectedAt"`
	Objects     int      `json:"objects"`
	LogLines    int64    `json:"logLines"`
}

// RootCauses are the root causes that appeared, were resolved, or are in
// both (with their ranks on each side).
type RootCauses struct {
	Appeared   []report.RootCause `json:"appeared"`
	Resolved   []report.RootCause `json:"resolved"`
	Persisting []Persisting       `json:"persisting"`
}

// Persisting is a root cause found on both sides.
type Persisting struct {
	Cause          string     `json:"cause"`
	Object         report.Ref `json:"object"`
	Detail         string     `json:"detail"`
	RankBefore     int        `json:"rankBefore"`
	RankAfter      int        `json:"rankAfter"`
	SeverityBefore string     `json:"severityBefore"`
	SeverityAfter  string     `json:"severityAfter"`
}

// Symptoms are the symptoms that started, stopped, or went on (with their
// counts on each side).
type Symptoms struct {
	Started    []report.Symptom `json:"started"`
	Stopped    []report.Symptom `json:"stopped"`
	Continuing []Continuing     `json:"continuing"`
}

// Continuing is a symptom seen on both sides.
type Continuing struct {
	Kind        string     `json:"kind"`
	Where       report.Ref `json:"where"`
	Upstream    string     `json:"upstream"`
	CountBefore int64      `json:"countBefore"`
	CountAfter  int64      `json:"countAfter"`
}

// Findings are every rule hit (root causes and intermediate facts) that
// appeared or was resolved.
type Findings struct {
	Appeared []report.Finding `json:"appeared"`
	Resolved []report.Finding `json:"resolved"`
}

// ObjectDiff is how the objects differ in the facts the rules read.
// Compared is false when a side's objects are unknown (a JSON report), or
// when both sides are one input.
type ObjectDiff struct {
	Compared bool            `json:"compared"`
	Why      string          `json:"why,omitempty"`
	Added    []*Item         `json:"added"`
	Removed  []*Item         `json:"removed"`
	Changed  []ObjectChanged `json:"changed"`
}

// ObjectChanged is one item whose fields differ.
type ObjectChanged struct {
	*Item
	Fields []FieldChange `json:"fields"`
}

// FieldChange is one field's value on each side.
type FieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Compare compares two sides. failOn is the severity a new finding must
// reach to make the diff worse ("none": never).
func Compare(before, after Side, failOn string, tool report.Tool) *Diff {
	d := &Diff{SchemaVersion: SchemaVersion, Tool: tool, FailOn: failOn,
		Before: info(before), After: info(after), Worse: []report.Finding{}}
	b, a := orEmpty(before.Report), orEmpty(after.Report)
	d.RootCauses = compareRootCauses(b.RootCauses, a.RootCauses)
	d.Symptoms = compareSymptoms(b.Symptoms, a.Symptoms)
	d.Findings = compareFindings(b.Findings, a.Findings)
	d.Objects = compareObjects(before, after)
	level := report.SeverityLevel(failOn)
	if failOn != "none" && level >= 0 {
		was := map[string]int{}
		for _, f := range b.Findings {
			was[findingKey(f)] = max(was[findingKey(f)], report.SeverityLevel(f.Severity))
		}
		for _, f := range a.Findings {
			prev, ok := was[findingKey(f)]
			if now := report.SeverityLevel(f.Severity); now >= level && (!ok || prev < level) {
				d.Worse = append(d.Worse, f)
			}
		}
	}
	return d
}

func orEmpty(r *report.Report) *report.Report {
	if r == nil {
		return &report.Report{}
	}
	return r
}

func info(s Side) SideInfo {
	r := orEmpty(s.Report)
	return SideInfo{Sources: nonNil(s.Sources), RulePacks: nonNil(s.RulePacks), FromReport: s.FromReport,
		CollectedAt: r.Input.CollectedAt, Objects: r.Input.Objects, LogLines: r.Input.LogLines}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func refKey(r report.Ref) string { return r.Kind + "/" + r.Namespace + "/" + r.Name }

func rootCauseKey(rc report.RootCause) string {
	return rc.Cause + "|" + refKey(rc.Object) + "|" + rc.Detail
}

func findingKey(f report.Finding) string { return f.Rule + "|" + refKey(f.Object) + "|" + f.Detail }

func symptomKey(s report.Symptom) string { return s.Kind + "|" + refKey(s.Where) + "|" + s.Upstream }

func compareRootCauses(before, after []report.RootCause) RootCauses {
	out := RootCauses{Appeared: []report.RootCause{}, Resolved: []report.RootCause{}, Persisting: []Persisting{}}
	was := map[string]report.RootCause{}
	for _, rc := range before {
		was[rootCauseKey(rc)] = rc
	}
	now := map[string]bool{}
	for _, rc := range after {
		k := rootCauseKey(rc)
		now[k] = true
		if old, ok := was[k]; ok {
			out.Persisting = append(out.Persisting, Persisting{Cause: rc.Cause, Object: rc.Object, Detail: rc.Detail,
				RankBefore: old.Rank, RankAfter: rc.Rank, SeverityBefore: old.Severity, SeverityAfter: rc.Severity})
		} else {
			out.Appeared = append(out.Appeared, rc)
		}
	}
	for _, rc := range before {
		if !now[rootCauseKey(rc)] {
			out.Resolved = append(out.Resolved, rc)
		}
	}
	return out
}

func compareSymptoms(before, after []report.Symptom) Symptoms {
	out := Symptoms{Started: []report.Symptom{}, Stopped: []report.Symptom{}, Continuing: []Continuing{}}
	was := map[string]int64{}
	for _, s := range before {
		was[symptomKey(s)] += s.Count
	}
	now := map[string]int64{}
	for _, s := range after {
		now[symptomKey(s)] += s.Count
	}
	seen := map[string]bool{}
	for _, s := range after {
		k := symptomKey(s)
		if seen[k] {
			continue
		}
		seen[k] = true
		if c, ok := was[k]; ok {
			out.Continuing = append(out.Continuing, Continuing{Kind: s.Kind, Where: s.Where, Upstream: s.Upstream, CountBefore: c, CountAfter: now[k]})
		} else {
			out.Started = append(out.Started, s)
		}
	}
	for _, s := range before {
		if _, ok := now[symptomKey(s)]; !ok && !seen["-"+symptomKey(s)] {
			seen["-"+symptomKey(s)] = true
			out.Stopped = append(out.Stopped, s)
		}
	}
	return out
}

func compareFindings(before, after []report.Finding) Findings {
	out := Findings{Appeared: []report.Finding{}, Resolved: []report.Finding{}}
	was, now := map[string]bool{}, map[string]bool{}
	for _, f := range before {
		was[findingKey(f)] = true
	}
	for _, f := range after {
		now[findingKey(f)] = true
		if !was[findingKey(f)] {
			out.Appeared = append(out.Appeared, f)
		}
	}
	for _, f := range before {
		if !now[findingKey(f)] {
			out.Resolved = append(out.Resolved, f)
		}
	}
	return out
}

func compareObjects(before, after Side) ObjectDiff {
	out := ObjectDiff{Added: []*Item{}, Removed: []*Item{}, Changed: []ObjectChanged{}}
	switch {
	case before.FromReport || after.FromReport:
		out.Why = "a side is a JSON report: its objects are not known"
		return out
	case slices.Equal(before.Sources, after.Sources):
		out.Why = "both sides read the same input"
		return out
	case before.Objects == nil || after.Objects == nil:
		out.Why = "the objects were not read"
		return out
	}
	out.Compared = true
	for k, it := range after.Objects {
		old, ok := before.Objects[k]
		if !ok {
			out.Added = append(out.Added, it)
			continue
		}
		var changes []FieldChange
		for _, f := range slices.Sorted(keysOf(it.Fields, old.Fields)) {
			if old.Fields[f] != it.Fields[f] {
				changes = append(changes, FieldChange{Field: f, Before: old.Fields[f], After: it.Fields[f]})
			}
		}
		if len(changes) > 0 {
			out.Changed = append(out.Changed, ObjectChanged{Item: it, Fields: changes})
		}
	}
	for k, it := range before.Objects {
		if _, ok := after.Objects[k]; !ok {
			out.Removed = append(out.Removed, it)
		}
	}
	byItem := func(a, b *Item) int {
		return cmp.Or(strings.Compare(a.Domain, b.Domain), strings.Compare(refKey(a.Object), refKey(b.Object)), strings.Compare(a.Detail, b.Detail))
	}
	slices.SortFunc(out.Added, byItem)
	slices.SortFunc(out.Removed, byItem)
	slices.SortFunc(out.Changed, func(a, b ObjectChanged) int { return byItem(a.Item, b.Item) })
	return out
}

// keysOf yields the keys of both maps, once each.
func keysOf(a, b map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range a {
			if !yield(k) {
				return
			}
		}
		for k := range b {
			if _, ok := a[k]; ok {
				continue
			}
			if !yield(k) {
				return
			}
		}
	}
}
