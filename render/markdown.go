package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nohealthy/nohealthy/report"
)

// renderMarkdown writes the report for pasting into a ticket or chat:
// the verdict first, then one section per root cause, the symptoms as a
// table with their sample log lines fenced, and what was read.
func renderMarkdown(w io.Writer, r *report.Report, opts Options) error {
	if r == nil {
		r = &report.Report{}
	}
	ew := &errWriter{w: w}
	ix := newIndex(r)

	ew.printf("# 503 no healthy upstream: root-cause report\n\n")
	for _, line := range scopeLines(r) {
		ew.printf("_%s_\n\n", mdInline(line))
	}
	if len(r.RootCauses) == 0 {
		ew.printf("**%s**\n", noRootCauseLine(r))
	} else {
		rc := r.RootCauses[0]
		head := fmt.Sprintf("Root cause #1: `%s` — %s", rc.Cause, mdInline(refString(rc.Object)))
		if rc.Detail != "" {
			head += " (" + mdInline(rc.Detail) + ")"
		}
		ew.printf("**%s**\n\n> %s\n", head, mdInline(rc.Summary))
	}

	if len(r.RootCauses) > 0 {
		ew.printf("\n## Root causes\n")
	}
	for i, rc := range r.RootCauses {
		rank := rc.Rank
		if rank == 0 {
			rank = i + 1
		}
		ew.printf("\n### #%d `%s` — %s", rank, rc.Cause, mdInline(refString(rc.Object)))
		if rc.Detail != "" {
			ew.printf(" (%s)", mdInline(rc.Detail))
		}
		ew.printf("\n\n")
		ew.printf("- **Severity:** %s\n- **Rule:** `%s`\n", rc.Severity, rc.Rule)
		if len(rc.Explains) > 0 {
			ew.printf("- **Explains:** %s\n", strings.Join(rc.Explains, ", "))
		}
		if rc.Summary != "" {
			ew.printf("\n%s\n", mdInline(rc.Summary))
		}
		ew.printf("\n**Chain (symptom → root cause):**\n\n")
		if !ix.hasSymptom(rc) {
			ew.printf("_%s_\n\n", noSymptomNote)
		}
		for j, st := range ix.chainSteps(rc) {
			ew.printf("%d. **%s** %s\n", j+1, st.ID, mdInline(st.Text))
		}
		if len(rc.Evidence) > 0 {
			ew.printf("\n**Evidence:**\n\n| Kind | Ref | Text |\n|---|---|---|\n")
			for _, e := range rc.Evidence {
				ew.printf("| %s | %s | %s |\n", mdCell(e.Kind), mdCode(e.Ref), mdCell(e.Text))
			}
		}
		if rc.Remediation != "" {
			ew.printf("\n**Remediation:**\n\n%s\n", strings.TrimRight(rc.Remediation, "\n"))
		}
	}

	if len(r.Symptoms) > 0 {
		syms, hidden := shownSymptoms(r, opts.MaxSymptoms)
		ew.printf("\n## Symptoms\n\n| ID | Kind | Count | Where | Upstream | First | Last | Explained by |\n|---|---|---:|---|---|---|---|---|\n")
		for _, s := range syms {
			var by []string
			for _, rank := range ix.rootOf[s.ID] {
				by = append(by, "#"+strconv.Itoa(rank))
			}
			ew.printf("| %s | %s | %d | %s | %s | %s | %s | %s |\n", s.ID, mdCode(s.Kind), s.Count,
				mdCell(refString(s.Where)), mdCode(s.Upstream), mdCell(orDash(s.First)), mdCell(orDash(s.Last)),
				dashIfEmpty(strings.Join(by, ", ")))
		}
		if hidden > 0 {
			ew.printf("\n_%s_\n", hiddenSymptomsNote(hidden))
		}
		for _, s := range syms {
			if len(s.Samples) == 0 {
				continue
			}
			ew.printf("\n%s sample log lines:\n\n%s\n", s.ID, fence(s.Samples))
		}
	}

	var others []report.Finding
	shown := map[string]bool{}
	for _, rc := range r.RootCauses {
		for _, id := range rc.Chain {
			shown[id] = true
		}
	}
	for _, f := range r.Findings {
		if !shown[f.ID] && !isRootCauseFinding(r, f) {
			others = append(others, f)
		}
	}
	if len(others) > 0 {
		ew.printf("\n## Other findings\n\n| ID | Severity | Cause | Object | Summary |\n|---|---|---|---|---|\n")
		for _, f := range others {
			ew.printf("| %s | %s | %s | %s | %s |\n", f.ID, f.Severity, mdCode(f.Cause), mdCell(refString(f.Object)), mdCell(f.Summary))
		}
	}

	ew.printf("\n## Input\n\n")
	ew.printf("- **Sources:** %s\n", dashIfEmpty(mdCodeList(r.Input.Sources)))
	ew.printf("- **Objects:** %d, **log lines:** %d\n", r.Input.Objects, r.Input.LogLines)
	ew.printf("- **Collected at:** %s\n", orDash(r.Input.CollectedAt))
	if r.Tool.Name != "" {
		ew.printf("- **Tool:** %s %s\n", r.Tool.Name, r.Tool.Version)
	}
	if len(r.Input.Warnings) > 0 {
		ew.printf("\n### Input warnings\n\n")
		for _, wn := range r.Input.Warnings {
			ew.printf("- %s\n", mdInline(wn))
		}
	}
	return ew.err
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// mdInline keeps free text on one line so it cannot break list or quote
// structure.
func mdInline(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\r", "")), " ")
}

// mdCell escapes what would end a table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\r", "")
	s = strings.ReplaceAll(s, "\n", "<br>")
	if s == "" {
		return "-"
	}
	return s
}

// mdCode puts identifiers (upstream clusters with '|', refs) in code spans
// so Markdown does not mangle them; the pipe still needs escaping inside a
// table.
func mdCode(s string) string {
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
	return ticks + pad + mdCell(s) + pad + ticks
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
