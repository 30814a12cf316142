package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/nohealthy/nohealthy/report"
)

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiGreen  = "\x1b[32m"
)

type painter bool

func (p painter) paint(code, s string) string {
	if !p || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (p painter) severity(sev string) string {
	switch sev {
	case "critical":
		return p.paint(ansiBold+ansiRed, sev)
	case "warning":
		return p.paint(ansiYellow, sev)
	case "info":
		return p.paint(ansiCyan, sev)
	}
	return sev
}

// renderTable writes the report for a person at a terminal: the answer
// first (headline + summary of root cause #1), then each root cause with
// its chain, evidence and remediation, then the symptoms table and input
// warnings.
func renderTable(w io.Writer, r *report.Report, opts Options) error {
	if r == nil {
		r = &report.Report{}
	}
	ew := &errWriter{w: w}
	p := painter(opts.Color)
	ix := newIndex(r)

	for _, line := range scopeLines(r) {
		ew.printf("%s\n", p.paint(ansiDim, line))
	}
	if len(r.RootCauses) == 0 {
		ew.printf("%s\n", p.paint(ansiBold+ansiGreen, noRootCauseLine(r)))
	}
	for i, rc := range r.RootCauses {
		if i > 0 {
			ew.printf("\n")
		}
		rank := rc.Rank
		if rank == 0 {
			rank = i + 1
		}
		ew.printf("%s  [%s]\n", p.paint(ansiBold, fmt.Sprintf("ROOT CAUSE #%d: %s", rank, headline(rc))), p.severity(rc.Severity))
		if rc.Summary != "" {
			ew.printf("  %s\n", rc.Summary)
		}

		ew.printf("\n  %s\n", p.paint(ansiBold, "Chain (symptom → root cause):"))
		if !ix.hasSymptom(rc) {
			ew.printf("    %s\n", p.paint(ansiDim, noSymptomNote))
		}
		for j, st := range ix.chainSteps(rc) {
			arrow := "  "
			if j > 0 {
				arrow = "→ "
			}
			ew.printf("    %s%-4s %s\n", arrow, st.ID, st.Text)
		}

		if len(rc.Evidence) > 0 {
			ew.printf("\n  %s\n", p.paint(ansiBold, "Evidence:"))
			for _, e := range rc.Evidence {
				ew.printf("    • %s %s\n", p.paint(ansiDim, "["+e.Kind+"]"), evidenceText(e))
			}
		}
		if rc.Remediation != "" {
			ew.printf("\n  %s\n", p.paint(ansiBold, "Remediation:"))
			for _, line := range strings.Split(strings.TrimRight(rc.Remediation, "\n"), "\n") {
				ew.printf("    %s\n", line)
			}
		}
	}

	if len(r.Symptoms) > 0 {
		syms, hidden := shownSymptoms(r, opts.MaxSymptoms)
		ew.printf("\n%s\n", p.paint(ansiBold, "SYMPTOMS"))
		if ew.err == nil {
			ew.err = symptomTable(ew, syms, ix)
		}
		if hidden > 0 {
			ew.printf("%s\n", p.paint(ansiDim, hiddenSymptomsNote(hidden)))
		}
		maxS := opts.MaxSamples
		if maxS <= 0 {
			maxS = 1
		}
		for _, s := range syms {
			for k, line := range s.Samples {
				if k >= maxS {
					break
				}
				ew.printf("  %s %s\n", p.paint(ansiDim, s.ID+" sample:"), line)
			}
		}
	}

	if n := otherFindings(r); n > 0 {
		ew.printf("\n%s\n", p.paint(ansiDim, fmt.Sprintf("%s not shown (intermediate facts outside the chains above): use -o markdown or -o json to see all.",
			plural(int64(n), "more finding", "more findings"))))
	}

	if len(r.Input.Warnings) > 0 {
		ew.printf("\n%s\n", p.paint(ansiBold+ansiYellow, "INPUT WARNINGS"))
		for _, wn := range r.Input.Warnings {
			ew.printf("  • %s\n", wn)
		}
	}

	ew.printf("\n%s\n", p.paint(ansiDim, inputLine(r)))
	return ew.err
}

func evidenceText(e report.Evidence) string {
	switch {
	case e.Ref != "" && e.Text != "":
		return e.Ref + ": " + e.Text
	case e.Text != "":
		return e.Text
	}
	return e.Ref
}

// otherFindings counts findings the table does not show in any chain.
func otherFindings(r *report.Report) int {
	shown := map[string]bool{}
	for _, rc := range r.RootCauses {
		for _, id := range rc.Chain {
			shown[id] = true
		}
	}
	n := 0
	for _, f := range r.Findings {
		if !shown[f.ID] && !isRootCauseFinding(r, f) {
			n++
		}
	}
	return n
}

func inputLine(r *report.Report) string {
	in := r.Input
	s := fmt.Sprintf("Read %s: %s, %s", plural(int64(len(in.Sources)), "input", "inputs"),
		plural(int64(in.Objects), "object", "objects"), plural(in.LogLines, "log line", "log lines"))
	if in.CollectedAt != nil && *in.CollectedAt != "" {
		s += "; collected at " + *in.CollectedAt
	}
	if len(in.Sources) > 0 {
		s += " (" + strings.Join(in.Sources, ", ") + ")"
	}
	return s + "."
}

func symptomTable(w io.Writer, syms []report.Symptom, ix *index) error {
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleLight)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		// Upstream cluster names are long but must stay copy-pasteable:
		// never wrap or truncate them.
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
	t.Header("ID", "KIND", "COUNT", "WHERE", "UPSTREAM", "FIRST", "LAST", "EXPLAINED BY")
	for _, s := range syms {
		var by []string
		for _, rank := range ix.rootOf[s.ID] {
			by = append(by, "#"+strconv.Itoa(rank))
		}
		explained := strings.Join(by, ",")
		if explained == "" {
			explained = "-"
		}
		up := s.Upstream
		if up == "" {
			up = "-"
		}
		if err := t.Append(s.ID, s.Kind, strconv.FormatInt(s.Count, 10), refString(s.Where), up,
			orDash(s.First), orDash(s.Last), explained); err != nil {
			return err
		}
	}
	return t.Render()
}
