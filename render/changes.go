package render

import (
	"fmt"
	"time"

	"github.com/nohealthy/nohealthy/report"
)

// firstSymptom is the symptom a root cause's changes are measured from:
// the one it explains that was seen first. nil when none carries a time.
func (ix *index) firstSymptom(rc report.RootCause) *report.Symptom {
	var first *report.Symptom
	var at time.Time
	for _, id := range rc.Explains {
		s := ix.symptoms[id]
		if s == nil || s.First == nil {
			continue
		}
		t, err := time.Parse(time.RFC3339, *s.First)
		if err != nil {
			continue
		}
		if first == nil || t.Before(at) {
			first, at = s, t
		}
	}
	return first
}

// changesHeading introduces a root cause's changes: "Changed just before
// S1 (first seen 2025-03-01T10:00:01Z):".
func (ix *index) changesHeading(rc report.RootCause) string {
	if s := ix.firstSymptom(rc); s != nil {
		return fmt.Sprintf("Changed just before %s (first seen %s)", s.ID, *s.First)
	}
	return "Changed just before the first symptom"
}

// ago renders a number of seconds for a person: "0 s", "3 s", "4 min
// 10 s", "2 h 5 min", "3 d 4 h".
func ago(secs int64) string {
	secs = max(secs, 0)
	d := time.Duration(secs) * time.Second
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", secs)
	case d < time.Hour:
		return trimZero(fmt.Sprintf("%d min %d s", secs/60, secs%60))
	case d < 24*time.Hour:
		return trimZero(fmt.Sprintf("%d h %d min", secs/3600, secs%3600/60))
	}
	return trimZero(fmt.Sprintf("%d d %d h", secs/86400, secs%86400/3600))
}

// trimZero drops a trailing " 0 unit" ("4 min 0 s" → "4 min").
func trimZero(s string) string {
	for i := len(s) - 1; i > 0; i-- {
		if s[i] == ' ' {
			if j := i - 2; j >= 0 && s[j:i] == " 0" {
				return s[:j]
			}
			return s
		}
	}
	return s
}

// writeChangesTable writes a root cause's changes in the table format,
// one line each, closest first.
func writeChangesTable(lw *lineWriter, ix *index, rc report.RootCause, p painter) {
	if len(rc.Changes) == 0 {
		return
	}
	lw.ew.printf("\n  %s\n", p.paint(ansiBold, ix.changesHeading(rc)+":"))
	width := 0
	for _, c := range rc.Changes {
		width = max(width, len(ago(c.SecondsBefore)))
	}
	for _, c := range rc.Changes {
		prefix := fmt.Sprintf("    • %*s before  ", width, ago(c.SecondsBefore))
		lw.text(prefix, textWidth(prefix), refString(c.Object)+": "+c.What+" ("+c.Time+")", nil)
	}
}

// writeChangesMarkdown writes a root cause's changes as a Markdown table.
func writeChangesMarkdown(ew *errWriter, ix *index, rc report.RootCause) {
	if len(rc.Changes) == 0 {
		return
	}
	ew.printf("\n**%s:**\n\n| Before | Object | Change | Time |\n|---:|---|---|---|\n", ix.changesHeading(rc))
	for _, c := range rc.Changes {
		ew.printf("| %s | %s | %s | %s |\n", ago(c.SecondsBefore), mdCode(refString(c.Object)), mdCell(c.What), c.Time)
	}
}
