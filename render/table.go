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

// The table's own escape sequences: the only ones its output may hold, and
// only with Options.Color (FuzzHumanRenderers holds it to that).
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

func (p painter) with(code string) func(string) string {
	return func(s string) string { return p.paint(code, s) }
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
// first (headline + summary of root cause #1, or the findings that fail
// the run), then each root cause with its chain, evidence and remediation,
// the findings that reach --fail-on outside any chain, the symptoms and
// the input warnings. With opts.Width every line fits that many columns.
func renderTable(w io.Writer, r *report.Report, opts Options) error {
	r, hidden := humanView(r, opts.MaxSymptoms)
	ew := &errWriter{w: w}
	p := painter(opts.Color)
	lw := &lineWriter{ew: ew, p: p, width: opts.Width}
	ix := newIndex(r)
	failing, others := splitOtherFindings(r, opts.failLevel())

	for _, line := range scopeLines(r) {
		lw.text("", 0, line, p.with(ansiDim))
	}
	switch {
	case len(r.RootCauses) == 0 && len(failing) > 0:
		lw.text("", 0, failingHeadline(len(failing), opts.failOn()), p.with(ansiBold+ansiRed))
	case len(r.RootCauses) == 0:
		lw.text("", 0, noRootCauseLine(r, len(r.Symptoms)+hidden), p.with(ansiBold+ansiGreen))
	}
	for i, rc := range r.RootCauses {
		if i > 0 {
			ew.printf("\n")
		}
		rank := rc.Rank
		if rank == 0 {
			rank = i + 1
		}
		lw.heading(fmt.Sprintf("ROOT CAUSE #%d: %s", rank, headline(rc)), p.severity(rc.Severity), rc.Severity)
		if rc.Summary != "" {
			lw.text("  ", 2, rc.Summary, nil)
		}

		ew.printf("\n  %s\n", p.paint(ansiBold, "Chain (symptom → root cause):"))
		if !ix.hasSymptom(rc) {
			lw.text("    ", 4, noSymptomNote, p.with(ansiDim))
		}
		for j, st := range ix.chainSteps(rc) {
			arrow := "  "
			if j > 0 {
				arrow = "→ "
			}
			prefix := fmt.Sprintf("    %s%-4s ", arrow, st.ID)
			lw.text(prefix, textWidth(prefix), st.Text, nil)
		}
		writeChangesTable(lw, ix, rc, p)
		lw.evidence(rc.Evidence, 2)
		lw.remediation(rc.Remediation, 2)
	}

	if len(failing) > 0 {
		ew.printf("\n%s\n", p.paint(ansiBold, failingSectionTitle(opts.failOn())))
		for k, f := range failing {
			if k > 0 {
				ew.printf("\n")
			}
			lw.heading(fmt.Sprintf("  %s  %s", f.ID, findingHeadline(f)), p.severity(f.Severity), f.Severity)
			if f.Summary != "" {
				lw.text("    ", 4, f.Summary, nil)
			}
			lw.evidence(f.Evidence, 4)
			lw.remediation(f.Remediation, 4)
		}
	}

	if syms := r.Symptoms; len(syms) > 0 {
		ew.printf("\n%s\n", p.paint(ansiBold, "SYMPTOMS"))
		if ew.err == nil {
			ew.err = symptomTable(ew, lw, syms, ix, opts.Width)
		}
		if hidden > 0 {
			lw.text("", 0, hiddenSymptomsNote(hidden), p.with(ansiDim))
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
				label := s.ID + " sample:"
				lw.text("  "+p.paint(ansiDim, label)+" ", 4, line, nil)
			}
		}
	}

	if n := len(others); n > 0 {
		ew.printf("\n")
		lw.text("", 0, fmt.Sprintf("%s not shown (intermediate facts outside the chains above): use -o markdown or -o json to see all.",
			plural(int64(n), "more finding", "more findings")), p.with(ansiDim))
	}

	if len(r.Input.Warnings) > 0 {
		ew.printf("\n%s\n", p.paint(ansiBold+ansiYellow, "INPUT WARNINGS"))
		for _, wn := range r.Input.Warnings {
			lw.text("  • ", 4, wn, nil)
		}
	}

	ew.printf("\n")
	lw.text("", 0, inputLine(r), p.with(ansiDim))
	return ew.err
}

// renderWide is the table with every value whole on its line, whatever
// the terminal's width (kubectl's -o wide habit): for copying an upstream
// name or a log line out of a narrow terminal.
func renderWide(w io.Writer, r *report.Report, opts Options) error {
	opts.Width = 0
	return renderTable(w, r, opts)
}

// heading writes a bold title and its severity tag, wrapped with a
// hanging indent of two past the title's own; the tag goes on the last
// line when it fits there.
func (lw *lineWriter) heading(title, paintedSeverity, severity string) {
	indent := len(title) - len(strings.TrimLeft(title, " "))
	tag := "  [" + severity + "]"
	width := 0
	if lw.width > 0 {
		width = max(lw.width, minWrapWidth) - indent
	}
	lines := wrapFirst(strings.TrimLeft(title, " "), width, width-2, width > 0)
	last := lines[len(lines)-1]
	fitsLast := width == 0 || textWidth(last)+textWidth(tag) <= width
	pad := strings.Repeat(" ", indent)
	for i, l := range lines {
		if i > 0 {
			l = "  " + l
		}
		if i == len(lines)-1 && fitsLast {
			lw.ew.printf("%s%s  [%s]\n", pad, lw.p.paint(ansiBold, l), paintedSeverity)
			return
		}
		lw.ew.printf("%s%s\n", pad, lw.p.paint(ansiBold, l))
	}
	lw.ew.printf("%s  [%s]\n", pad, paintedSeverity)
}

// evidence writes an evidence list indented by indent.
func (lw *lineWriter) evidence(ev []report.Evidence, indent int) {
	if len(ev) == 0 {
		return
	}
	pad := strings.Repeat(" ", indent)
	lw.ew.printf("\n%s%s\n", pad, lw.p.paint(ansiBold, "Evidence:"))
	for _, e := range ev {
		kind := "[" + e.Kind + "]"
		prefix := pad + "  • " + lw.p.paint(ansiDim, kind) + " "
		lw.text(prefix, indent+4, evidenceText(e), nil)
	}
}

// remediation writes remediation text, each of its lines indented.
func (lw *lineWriter) remediation(text string, indent int) {
	if text == "" {
		return
	}
	pad := strings.Repeat(" ", indent)
	lw.ew.printf("\n%s%s\n", pad, lw.p.paint(ansiBold, "Remediation:"))
	lw.text(pad+"  ", indent+2, strings.TrimRight(text, "\n"), nil)
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

// symptomColumn is a column of the symptoms table: its header, the
// narrowest it may be wrapped to (0: never wrapped), and whether it goes
// straight to that minimum before other columns narrow.
type symptomColumn struct {
	header       string
	min          int
	squeezeFirst bool
}

var symptomColumns = []symptomColumn{
	{"ID", 0, false}, {"KIND", 12, false}, {"COUNT", 0, false}, {"WHERE", 16, false}, {"UPSTREAM", 16, false},
	{"FIRST", 10, true}, {"LAST", 10, true}, {"EXPLAINED BY", 9, false},
}

// symptomTable writes the symptoms as a box table, whole when width is 0
// or the table fits, its long columns wrapped at their separators when
// that makes it fit, and as one block per symptom when even that is too
// wide (a terminal narrower than about 105 columns).
func symptomTable(w io.Writer, lw *lineWriter, syms []report.Symptom, ix *index, width int) error {
	rows := make([][]string, len(syms))
	for i, s := range syms {
		var by []string
		for _, rank := range ix.rootOf[s.ID] {
			by = append(by, "#"+strconv.Itoa(rank))
		}
		rows[i] = []string{s.ID, s.Kind, strconv.FormatInt(s.Count, 10), refString(s.Where), dashIfEmpty(s.Upstream),
			orDash(s.First), orDash(s.Last), dashIfEmpty(strings.Join(by, ","))}
	}
	headers := make([]string, len(symptomColumns))
	for c, col := range symptomColumns {
		headers[c] = col.header
	}
	if width > 0 {
		widths, ok := fitColumns(headers, rows, width)
		if !ok {
			symptomBlocks(lw, syms, rows)
			return nil
		}
		headers = wrapRow(headers, widths)
		for i := range rows {
			rows[i] = wrapRow(rows[i], widths)
		}
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleLight)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		// Cells are wrapped above, to the terminal, or not at all (-o
		// wide, a pipe): upstream names stay whole to be copied.
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
	t.Header(toAny(headers)...)
	for _, row := range rows {
		if err := t.Append(toAny(row)...); err != nil {
			return err
		}
	}
	return t.Render()
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// tableOverhead is what the box borders and cell padding add to the
// widths of n columns: "│ " before each cell, " " after, "│" at the end.
func tableOverhead(n int) int { return 3*n + 1 }

// fitColumns gives each column of the symptoms table a width so the whole
// table fits in width: the natural width when all fit; else the time
// columns go to their minimum first (a date over a time reads as well as
// one line), then the widest wrappable columns narrow, never below their
// minimum. ok is false when the minimums do not fit.
func fitColumns(headers []string, rows [][]string, width int) ([]int, bool) {
	widths := make([]int, len(headers))
	total := tableOverhead(len(widths))
	for c, h := range headers {
		widths[c] = textWidth(h)
		for _, row := range rows {
			widths[c] = max(widths[c], textWidth(row[c]))
		}
		total += widths[c]
	}
	for c, col := range symptomColumns {
		if total > width && col.squeezeFirst && widths[c] > col.min {
			total -= widths[c] - col.min
			widths[c] = col.min
		}
	}
	for total > width {
		widest := -1
		for c, col := range symptomColumns {
			if col.min > 0 && widths[c] > col.min && (widest < 0 || widths[c] > widths[widest]) {
				widest = c
			}
		}
		if widest < 0 {
			return nil, false
		}
		widths[widest]--
		total--
	}
	return widths, true
}

// wrapRow wraps every cell of a row to its column's width, as lines of
// one multi-line cell.
func wrapRow(row []string, widths []int) []string {
	out := make([]string, len(row))
	for c, cell := range row {
		out[c] = strings.Join(wrap(cell, widths[c]), "\n")
	}
	return out
}

// symptomBlocks is the symptoms table for a narrow terminal: per symptom
// a title line, then each long value on its own wrapped line.
func symptomBlocks(lw *lineWriter, syms []report.Symptom, rows [][]string) {
	for i, s := range syms {
		row := rows[i]
		title := fmt.Sprintf("%s  %s ×%s", row[0], row[1], row[2])
		if row[7] != "-" {
			title += "  explained by " + row[7]
		}
		lw.text("", 4, title, lw.p.with(ansiBold))
		lw.text("    where     ", 14, row[3], nil)
		if s.Upstream != "" {
			lw.text("    upstream  ", 14, row[4], nil)
		}
		if s.First != nil || s.Last != nil {
			lw.text("    seen      ", 14, row[5]+" – "+row[6], nil)
		}
	}
}
