package rules

import (
	"strconv"
	"time"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/report"
)

// buildReport writes the analysis as the report model. It numbers the
// findings F1..Fn, the root causes first in rank order (R1 is F1) and then
// the others in finding order, before any finding refers to another by
// ID. Every list of the model is non-nil. The report shares the facts'
// strings and sample slices and copies nothing else of them.
func buildReport(s *analyzers.Snapshot, syms, hits []*node, roots []*rootCause, ruleWarnings []string) *report.Report {
	ordered := make([]*node, 0, len(hits))
	for _, r := range roots {
		ordered = append(ordered, r.n)
	}
	for _, n := range hits {
		if n.h.c.rule.Cause == "" {
			ordered = append(ordered, n)
		}
	}
	for i, n := range ordered {
		n.id = "F" + strconv.Itoa(i+1)
	}

	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: report.ToolName},
		Input:         reportInput(s, ruleWarnings),
		Symptoms:      make([]report.Symptom, len(syms)),
		RootCauses:    make([]report.RootCause, len(roots)),
		Findings:      make([]report.Finding, len(ordered)),
	}
	for i, n := range syms {
		rep.Symptoms[i] = toSymptom(n.sym)
	}
	for i, n := range ordered {
		rep.Findings[i] = toFinding(n)
	}
	for i, r := range roots {
		rep.RootCauses[i] = toRootCause(i+1, r)
	}
	return rep
}

// reportInput is the report's account of what was read, the one place it
// is written: the snapshot's sources and counts, then its warnings
// followed by the rules' errors, each message once (a rule that fails on
// a thousand items fails the same way a thousand times). The command adds
// only the tool version.
func reportInput(s *analyzers.Snapshot, ruleWarnings []string) report.Input {
	in := report.Input{
		Sources:      append([]string{}, s.Sources...),
		Objects:      s.ObjectCount,
		LogLines:     s.LogLines,
		Warnings:     unique(s.Warnings, ruleWarnings),
		Scope:        s.Scope,
		Skipped:      append([]report.Skipped{}, s.Skipped...),
		SkippedCount: s.SkippedCount,
	}
	if s.CollectedAt != nil {
		t := s.CollectedAt.UTC().Format(time.RFC3339)
		in.CollectedAt = &t
	}
	return in
}

// unique concatenates lists, keeping the first of equal strings; never nil.
func unique(lists ...[]string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, l := range lists {
		for _, s := range l {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

func toSymptom(sf *analyzers.SymptomFact) report.Symptom {
	s := report.Symptom{ID: sf.ID, Kind: sf.Kind, Count: sf.Count, Where: sf.Reporter, Upstream: sf.Upstream, Samples: sf.Samples}
	if sf.Reporter.Name == "" {
		s.Where = report.Ref{Kind: "Log", Name: "unknown origin"}
	}
	if sf.First != "" {
		first, last := sf.First, sf.Last
		s.First, s.Last = &first, &last
		s.Rate = sf.ReportRate()
	}
	if s.Samples == nil {
		s.Samples = []string{}
	}
	return s
}

func toFinding(n *node) report.Finding {
	h := n.h
	return report.Finding{
		ID: n.id, Rule: h.c.rule.ID, Cause: h.c.rule.Cause, Severity: h.c.rule.Severity,
		Object: h.object, Detail: h.detail, Summary: h.summary,
		ExplainedBy: ids(n.explained), Evidence: nonNilEvidence(h.evidence), Explains: ids(n.explains),
		Remediation: h.remediation,
	}
}

func toRootCause(rank int, r *rootCause) report.RootCause {
	h := r.n.h
	return report.RootCause{
		ID: "R" + strconv.Itoa(rank), Rank: rank, Cause: h.c.rule.Cause, Severity: h.c.rule.Severity,
		Object: h.object, Detail: h.detail, Rule: h.c.rule.ID, Summary: h.summary,
		Explains: ids(r.syms), Chain: ids(r.chain), Evidence: nonNilEvidence(h.evidence), Remediation: h.remediation,
	}
}

func ids(ns []*node) []string {
	out := make([]string, 0, len(ns))
	for _, n := range ns {
		out = append(out, n.id)
	}
	return out
}

func nonNilEvidence(e []report.Evidence) []report.Evidence {
	if e == nil {
		return []report.Evidence{}
	}
	return e
}
