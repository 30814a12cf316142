package render

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/nohealthy/nohealthy/report"
)

// renderMarkdown writes the report for pasting into a ticket or chat:
// the verdict first, then one section per root cause, the findings that
// reach --fail-on outside any chain, the symptoms as a table with their
// sample log lines fenced, and what was read. No text of the input can
// add markup: prose is escaped (mdText), identifiers are code spans
// (mdCode), log lines are fenced (fence).
func renderMarkdown(w io.Writer, r *report.Report, opts Options) error {
	r, hidden := humanView(r, opts.MaxSymptoms)
	ew := &errWriter{w: w}
	ix := newIndex(r)
	failing, others := splitOtherFindings(r, opts.failLevel())

	ew.printf("# 503 no healthy upstream: root-cause report\n\n")
	for _, line := range scopeLines(r) {
		ew.printf("_%s_\n\n", mdText(line))
	}
	switch {
	case len(r.RootCauses) > 0:
		rc := r.RootCauses[0]
		head := fmt.Sprintf("Root cause #1: %s — %s", mdCode(rc.Cause), mdText(refString(rc.Object)))
		if rc.Detail != "" {
			head += " (" + mdText(rc.Detail) + ")"
		}
		ew.printf("**%s**\n\n> %s\n", head, mdLine(rc.Summary))
	case len(failing) > 0:
		ew.printf("**%s**\n", mdText(failingHeadline(len(failing), opts.failOn())))
	default:
		ew.printf("**%s**\n", mdText(noRootCauseLine(r, len(r.Symptoms)+hidden)))
	}

	if len(r.RootCauses) > 0 {
		ew.printf("\n## Root causes\n")
	}
	for i, rc := range r.RootCauses {
		rank := rc.Rank
		if rank == 0 {
			rank = i + 1
		}
		ew.printf("\n### #%d %s — %s", rank, mdCode(rc.Cause), mdText(refString(rc.Object)))
		if rc.Detail != "" {
			ew.printf(" (%s)", mdText(rc.Detail))
		}
		ew.printf("\n\n")
		ew.printf("- **Severity:** %s\n- **Rule:** %s\n", mdText(rc.Severity), mdCode(rc.Rule))
		if len(rc.Explains) > 0 {
			ew.printf("- **Explains:** %s\n", mdText(strings.Join(rc.Explains, ", ")))
		}
		if rc.Summary != "" {
			ew.printf("\n%s\n", mdLine(rc.Summary))
		}
		ew.printf("\n**Chain (symptom → root cause):**\n\n")
		if !ix.hasSymptom(rc) {
			ew.printf("_%s_\n\n", mdText(noSymptomNote))
		}
		for j, st := range ix.chainSteps(rc) {
			ew.printf("%d. **%s** %s\n", j+1, mdText(st.ID), mdText(st.Text))
		}
		writeChangesMarkdown(ew, ix, rc)
		mdEvidence(ew, rc.Evidence)
		mdRemediation(ew, rc.Remediation)
	}

	if len(failing) > 0 {
		ew.printf("\n## Findings reaching `--fail-on %s`\n\n", opts.failOn())
		ew.printf("_In no root cause's chain, but at least %s: they make the exit status 1._\n", opts.failOn())
		for _, f := range failing {
			ew.printf("\n### %s %s — %s", mdText(f.ID), mdCode(f.Rule), mdText(refString(f.Object)))
			if f.Detail != "" {
				ew.printf(" (%s)", mdText(f.Detail))
			}
			ew.printf("\n\n- **Severity:** %s\n", mdText(f.Severity))
			if f.Summary != "" {
				ew.printf("\n%s\n", mdLine(f.Summary))
			}
			mdEvidence(ew, f.Evidence)
			mdRemediation(ew, f.Remediation)
		}
	}

	if syms := r.Symptoms; len(syms) > 0 {
		ew.printf("\n## Symptoms\n\n| ID | Kind | Count | Where | Upstream | First | Last | Explained by |\n|---|---|---:|---|---|---|---|---|\n")
		for _, s := range syms {
			var by []string
			for _, rank := range ix.rootOf[s.ID] {
				by = append(by, "#"+strconv.Itoa(rank))
			}
			ew.printf("| %s | %s | %d | %s | %s | %s | %s | %s |\n", mdCell(s.ID), mdCode(s.Kind), s.Count,
				mdCell(refString(s.Where)), mdCode(s.Upstream), mdCell(orDash(s.First)), mdCell(orDash(s.Last)),
				mdCell(strings.Join(by, ", ")))
		}
		if hidden > 0 {
			ew.printf("\n_%s_\n", mdText(hiddenSymptomsNote(hidden)))
		}
		for _, s := range syms {
			if len(s.Samples) == 0 {
				continue
			}
			ew.printf("\n%s sample log lines:\n\n%s\n", mdLine(s.ID), fence(s.Samples))
		}
	}

	if len(others) > 0 {
		ew.printf("\n## Other findings\n\n| ID | Severity | Cause | Object | Summary |\n|---|---|---|---|---|\n")
		for _, f := range others {
			ew.printf("| %s | %s | %s | %s | %s |\n", mdCell(f.ID), mdCell(f.Severity), mdCode(f.Cause), mdCell(refString(f.Object)), mdCell(f.Summary))
		}
	}

	ew.printf("\n## Input\n\n")
	ew.printf("- **Sources:** %s\n", dashIfEmpty(mdCodeList(r.Input.Sources)))
	ew.printf("- **Objects:** %d, **log lines:** %d\n", r.Input.Objects, r.Input.LogLines)
	ew.printf("- **Collected at:** %s\n", mdText(orDash(r.Input.CollectedAt)))
	if r.Tool.Name != "" {
		ew.printf("- **Tool:** %s %s\n", mdText(r.Tool.Name), mdText(r.Tool.Version))
	}
	if len(r.Input.Warnings) > 0 {
		ew.printf("\n### Input warnings\n\n")
		for _, wn := range r.Input.Warnings {
			ew.printf("- %s\n", mdLine(wn))
		}
	}
	return ew.err
}

func mdEvidence(ew *errWriter, ev []report.Evidence) {
	if len(ev) == 0 {
		return
	}
	ew.printf("\n**Evidence:**\n\n| Kind | Ref | Text |\n|---|---|---|\n")
	for _, e := range ev {
		ew.printf("| %s | %s | %s |\n", mdCell(e.Kind), mdCode(e.Ref), mdCell(e.Text))
	}
}

// mdRemediation writes remediation text as a paragraph, its lines kept.
func mdRemediation(ew *errWriter, text string) {
	if text == "" {
		return
	}
	ew.printf("\n**Remediation:**\n\n")
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		ew.printf("%s\n", mdLine(line))
	}
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// mdPunct are the characters that may start or end Markdown markup
// anywhere in a line: code spans, emphasis and strikethrough, links and
// images (a '!' is markup only before '['), raw HTML and autolinks (both
// open with '<'), table cells, and the backslash itself. CommonMark lets
// any ASCII punctuation be backslash-escaped, and an escaped character
// prints as itself. '_' and '&' are markup only in some places (see
// mdText); '>', '#', '-', '+', '=' only at the start of a line (mdLine).
const mdPunct = "\\`*[]<|~"

// mdText makes input text literal Markdown prose on one line, inside a
// line: every markup character escaped, line breaks and runs of spaces
// folded to one space (a line feed could start a heading, a list, a quote
// or a fence). A '_' between two letters or digits is left alone (it can
// neither open nor close emphasis there, and snake_case names stay
// readable), and so is a '&' that starts no entity.
func mdText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte(mdPunct, c) >= 0,
			c == '_' && !(i > 0 && isAlnum(s[i-1]) && i+1 < len(s) && isAlnum(s[i+1])),
			c == '&' && entityRE.MatchString(s[i:]):
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// entityRE matches what CommonMark reads as an entity or a numeric
// character reference: "&amp;", "&#60;", "&#x3c;".
var entityRE = regexp.MustCompile(`^&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});`)

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// mdLine is mdText for text that starts a line or a list item, where a
// leading #, >, -, +, = or a number and "." or ")" would open a block.
func mdLine(s string) string {
	s = mdText(s)
	switch {
	case s == "":
	case strings.ContainsRune("#>-+=", rune(s[0])):
		return "\\" + s
	default:
		if n := leadingDigits(s); n > 0 && n < len(s) && (s[n] == '.' || s[n] == ')') {
			return s[:n] + "\\" + s[n:]
		}
	}
	return s
}

func leadingDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// mdCell is mdText for a table cell ("-" when empty): the pipe, escaped
// by mdText, is what would end the cell.
func mdCell(s string) string {
	return dashIfEmpty(mdText(s))
}

// mdCode puts an identifier (an upstream cluster with '|', a ref, an ID)
// in a code span, where Markdown reads nothing as markup: fenced with more
// backticks than any run inside it, its pipes escaped for the table a
// span may sit in (GitHub-flavoured Markdown splits cells before it reads
// spans).
func mdCode(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "-"
	}
	ticks := "`"
	for strings.Contains(s, ticks) {
		ticks += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return ticks + pad + strings.ReplaceAll(s, "|", `\|`) + pad + ticks
}

func mdCodeList(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = mdCode(s)
	}
	return strings.Join(out, ", ")
}

// fence wraps raw log lines in a code fence longer than any backtick run
// inside them, so a hostile or odd log line cannot close it early.
func fence(lines []string) string {
	longest := 2
	for _, l := range lines {
		run := 0
		for _, c := range l {
			if c == '`' {
				run++
				longest = max(longest, run)
			} else {
				run = 0
			}
		}
	}
	f := strings.Repeat("`", longest+1)
	return fmt.Sprintf("%stext\n%s\n%s", f, strings.Join(lines, "\n"), f)
}
