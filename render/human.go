package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/nohealthy/nohealthy/report"
)

// refString renders a reference the way kubectl users read it ("Kind
// ns/name", "Kind name" for cluster-scoped objects), "-" for none.
func refString(o report.Ref) string {
	if o.Kind == "" && o.Name == "" {
		return "-"
	}
	return strings.TrimSpace(o.String())
}

// index resolves the IDs used in chains (S1, F3, R1) to their entries.
type index struct {
	symptoms map[string]*report.Symptom
	findings map[string]*report.Finding
	// rootOf maps a symptom ID to the ranks of the root causes explaining it.
	rootOf map[string][]int
}

func newIndex(r *report.Report) *index {
	ix := &index{
		symptoms: map[string]*report.Symptom{},
		findings: map[string]*report.Finding{},
		rootOf:   map[string][]int{},
	}
	for i := range r.Symptoms {
		ix.symptoms[r.Symptoms[i].ID] = &r.Symptoms[i]
	}
	for i := range r.Findings {
		ix.findings[r.Findings[i].ID] = &r.Findings[i]
	}
	for _, rc := range r.RootCauses {
		for _, id := range rc.Explains {
			ix.rootOf[id] = append(ix.rootOf[id], rc.Rank)
		}
	}
	return ix
}

// headline is the one line a support engineer reads first:
// "subset-no-pods — DestinationRule shop/reviews (subset v1)".
func headline(rc report.RootCause) string {
	s := rc.Cause + " — " + refString(rc.Object)
	if rc.Detail != "" {
		s += " (" + rc.Detail + ")"
	}
	return s
}

// symptomText describes a symptom in one line for chains.
func symptomText(s *report.Symptom) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s ×%d", s.Kind, s.Count)
	if w := refString(s.Where); w != "-" {
		b.WriteString(" seen by " + w)
	}
	if s.Upstream != "" {
		b.WriteString(" on " + s.Upstream)
	}
	return b.String()
}

// chainStep is one rendered step of a root cause's chain.
type chainStep struct {
	ID   string
	Text string
}

// chainSteps resolves rc.Chain into text, symptom first. When the chain
// does not end in the root cause itself (or is empty because no symptom was
// seen), the root cause's own summary closes it so the reader always sees
// where the chain leads.
func (ix *index) chainSteps(rc report.RootCause) []chainStep {
	var steps []chainStep
	endsAtCause := false
	for i, id := range rc.Chain {
		switch {
		case ix.symptoms[id] != nil:
			steps = append(steps, chainStep{id, symptomText(ix.symptoms[id])})
		case ix.findings[id] != nil:
			f := ix.findings[id]
			text := f.Summary
			if text == "" {
				text = refString(f.Object)
			}
			steps = append(steps, chainStep{id, text})
			if i == len(rc.Chain)-1 && f.Cause == rc.Cause && f.Object == rc.Object {
				endsAtCause = true
			}
		default:
			steps = append(steps, chainStep{id, "(not in report)"})
		}
	}
	if !endsAtCause {
		steps = append(steps, chainStep{rc.ID, rc.Summary})
	}
	return steps
}

func orDash(p *string) string {
	if p == nil || *p == "" {
		return "-"
	}
	return *p
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// noRootCauseLine is the healthy (or unexplained) verdict; symptoms
// counts them all, listed or not.
func noRootCauseLine(r *report.Report, symptoms int) string {
	read := fmt.Sprintf("%s, %s read", plural(int64(r.Input.Objects), "object", "objects"),
		plural(r.Input.LogLines, "log line", "log lines"))
	if symptoms == 0 {
		return "No root cause found: " + read + "; no symptom of a 503."
	}
	return fmt.Sprintf("No root cause found: %s; %s of a 503 seen but not explained (see SYMPTOMS).",
		read, plural(int64(symptoms), "symptom", "symptoms"))
}

// humanView is what a format for people prints of r: r with its symptoms
// cut to those listed (shownSymptoms), made visible (visibleReport);
// hidden counts the symptoms left out. Cutting first keeps the cost of
// escaping to what is printed: an outage seen by every sidecar has tens
// of thousands of symptoms and a person reads 25.
func humanView(r *report.Report, maxSymptoms int) (view *report.Report, hidden int) {
	if r == nil {
		r = &report.Report{}
	}
	shown, hidden := shownSymptoms(r, maxSymptoms)
	if hidden > 0 {
		cut := *r
		cut.Symptoms = shown
		r = &cut
	}
	return visibleReport(r), hidden
}

const noSymptomNote = "(no symptom observed in the logs: found in the objects alone — a 503 waiting to happen)"

// hasSymptom reports whether rc's chain starts from an observed symptom.
func (ix *index) hasSymptom(rc report.RootCause) bool {
	for _, id := range rc.Chain {
		if ix.symptoms[id] != nil {
			return true
		}
	}
	return false
}

// isRootCauseFinding reports whether f is the finding behind one of the
// root causes (same cause and object), already shown in its section.
func isRootCauseFinding(r *report.Report, f report.Finding) bool {
	if f.Cause == "" {
		return false
	}
	for _, rc := range r.RootCauses {
		if rc.Cause == f.Cause && rc.Object == f.Object && rc.Detail == f.Detail {
			return true
		}
	}
	return false
}

// splitOtherFindings sorts the findings no root cause section shows (in
// no chain, not a root cause's own) into those that reach the --fail-on
// level, which every format for people shows in full because they decide
// the exit status, and the others, which the table only counts.
func splitOtherFindings(r *report.Report, level int) (failing, others []report.Finding) {
	inChain := map[string]bool{}
	for _, rc := range r.RootCauses {
		for _, id := range rc.Chain {
			inChain[id] = true
		}
	}
	for _, f := range r.Findings {
		switch {
		case inChain[f.ID] || isRootCauseFinding(r, f):
		case report.ReachesLevel(f.Severity, level):
			failing = append(failing, f)
		default:
			others = append(others, f)
		}
	}
	return failing, others
}

// failingHeadline is the first line when findings fail the run but no
// root cause was ranked: it must not read as a clean bill of health.
func failingHeadline(n int, failOn string) string {
	return fmt.Sprintf("%s --fail-on %s (exit status 1); no rule traced %s to a root cause.",
		plural(int64(n), "finding reaches", "findings reach"), failOn, pick(n, "it", "them"))
}

// failingSectionTitle heads the findings that reach --fail-on outside
// any root cause's chain.
func failingSectionTitle(failOn string) string {
	return "FINDINGS REACHING --fail-on " + failOn
}

// findingHeadline names a finding's rule and object: "rule — Kind ns/name (detail)".
func findingHeadline(f report.Finding) string {
	s := f.Rule + " — " + refString(f.Object)
	if f.Detail != "" {
		s += " (" + f.Detail + ")"
	}
	return s
}

func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// shownSymptoms is what a human rendering lists: the symptoms in a root
// cause's chain, then the others in report order (most lines first), up
// to max in all (0 = all); hidden counts the rest.
func shownSymptoms(r *report.Report, max int) (shown []report.Symptom, hidden int) {
	if max <= 0 || len(r.Symptoms) <= max {
		return r.Symptoms, 0
	}
	inChain := map[string]bool{}
	for _, rc := range r.RootCauses {
		for _, id := range rc.Chain {
			inChain[id] = true
		}
	}
	room := max
	for _, s := range r.Symptoms {
		if inChain[s.ID] {
			room--
		}
	}
	for _, s := range r.Symptoms {
		switch {
		case inChain[s.ID]:
			shown = append(shown, s)
		case room > 0:
			shown = append(shown, s)
			room--
		}
	}
	return shown, len(r.Symptoms) - len(shown)
}

// hiddenSymptomsNote tells how to see the symptoms a rendering left out.
func hiddenSymptomsNote(hidden int) string {
	return fmt.Sprintf("%s not listed (fewer lines each): --max-symptoms 0 lists all; -o json always has all.",
		plural(int64(hidden), "more symptom", "more symptoms"))
}

// errWriter keeps the first write error so rendering code stays linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err != nil {
		return
	}
	_, e.err = fmt.Fprintf(e.w, format, a...)
}
