package reportdiff

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/nohealthy/nohealthy/internal/visible"
	"github.com/nohealthy/nohealthy/report"
)

// Formats are the -o values a diff renders in.
var Formats = []string{"table", "markdown", "json"}

// Render writes d in format ("md" is markdown).
func Render(w io.Writer, d *Diff, format string) error {
	switch format {
	case "json":
		return jsonv2.MarshalWrite(w, d, jsontext.WithIndent("  "), jsonv2.Deterministic(true))
	case "markdown", "md":
		return writeMarkdown(w, d)
	case "table", "":
		return writeTable(w, d)
	}
	return fmt.Errorf("unknown format %q", format)
}

// v makes a string from an input visible.
func v(s string) string { return visible.Line(s) }

func refText(r report.Ref) string {
	if r.Kind == "" && r.Name == "" {
		return "-"
	}
	return strings.TrimSpace(r.String())
}

func rootCauseText(cause string, obj report.Ref, detail string) string {
	s := cause + " — " + refText(obj)
	if detail != "" {
		s += " (" + detail + ")"
	}
	return v(s)
}

func symptomText(kind string, where report.Ref, upstream string) string {
	s := kind
	if w := refText(where); w != "-" {
		s += " seen by " + w
	}
	if upstream != "" {
		s += " on " + upstream
	}
	return v(s)
}

func itemText(it *Item) string {
	s := it.Domain
	if o := refText(it.Object); o != "-" {
		s = o
	}
	if it.Detail != "" {
		s += " (" + it.Detail + ")"
	}
	return v(s)
}

func sideText(s SideInfo) string {
	src := strings.Join(s.Sources, " ")
	if s.FromReport {
		src += " (report)"
	}
	if s.CollectedAt != nil {
		src += ", collected " + *s.CollectedAt
	}
	if len(s.RulePacks) > 0 {
		src += ", rules + " + strings.Join(s.RulePacks, " ")
	}
	return v(src)
}

// beyond are the findings not already shown as root causes (a root cause
// is a finding too: the people's formats show it once).
func beyond(fs []report.Finding, rcs []report.RootCause) []report.Finding {
	shown := map[string]bool{}
	for _, rc := range rcs {
		shown[rc.Rule+"|"+refKey(rc.Object)+"|"+rc.Detail] = true
	}
	var out []report.Finding
	for _, f := range fs {
		if !shown[findingKey(f)] {
			out = append(out, f)
		}
	}
	return out
}

// Summary is the verdict line: what changed, and whether it is worse.
func Summary(d *Diff) string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(len(d.RootCauses.Resolved), "root cause(s) resolved")
	add(len(d.RootCauses.Appeared), "root cause(s) appeared")
	add(len(d.Symptoms.Stopped), "symptom(s) stopped")
	add(len(d.Symptoms.Started), "symptom(s) started")
	add(len(beyond(d.Findings.Resolved, d.RootCauses.Resolved)), "other finding(s) resolved")
	add(len(beyond(d.Findings.Appeared, d.RootCauses.Appeared)), "other finding(s) appeared")
	if d.Objects.Compared {
		add(len(d.Objects.Changed)+len(d.Objects.Added)+len(d.Objects.Removed), "object fact(s) changed")
	}
	s := "No difference."
	if len(parts) > 0 {
		s = strings.Join(parts, ", ") + "."
	}
	switch {
	case d.FailOn == "none":
	case len(d.Worse) > 0:
		s += fmt.Sprintf(" Worse: %d new finding(s) reach --fail-on %s.", len(d.Worse), d.FailOn)
	default:
		s += fmt.Sprintf(" Nothing worse appeared (--fail-on %s).", d.FailOn)
	}
	return s
}

func writeTable(w io.Writer, d *Diff) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "BEFORE:\t%s\n", sideText(d.Before))
	fmt.Fprintf(tw, "AFTER:\t%s\n\n", sideText(d.After))
	fmt.Fprintf(tw, "%s\n", Summary(d))
	section := func(title string, empty bool) bool {
		if empty {
			return false
		}
		fmt.Fprintf(tw, "\n%s\n", title)
		return true
	}
	rc := d.RootCauses
	if section("ROOT CAUSES", len(rc.Appeared)+len(rc.Resolved)+len(rc.Persisting) == 0) {
		for _, x := range rc.Resolved {
			fmt.Fprintf(tw, "  RESOLVED\t%s\t[%s]\n", rootCauseText(x.Cause, x.Object, x.Detail), v(x.Severity))
		}
		for _, x := range rc.Appeared {
			fmt.Fprintf(tw, "  NEW\t%s\t[%s]\n", rootCauseText(x.Cause, x.Object, x.Detail), v(x.Severity))
		}
		for _, x := range rc.Persisting {
			fmt.Fprintf(tw, "  STILL\t%s\t[%s]  rank %d → %d\n", rootCauseText(x.Cause, x.Object, x.Detail), v(x.SeverityAfter), x.RankBefore, x.RankAfter)
		}
	}
	sy := d.Symptoms
	if section("SYMPTOMS", len(sy.Started)+len(sy.Stopped)+len(sy.Continuing) == 0) {
		for _, x := range sy.Stopped {
			fmt.Fprintf(tw, "  STOPPED\t%s\t×%d → 0\n", symptomText(x.Kind, x.Where, x.Upstream), x.Count)
		}
		for _, x := range sy.Started {
			fmt.Fprintf(tw, "  STARTED\t%s\t0 → ×%d\n", symptomText(x.Kind, x.Where, x.Upstream), x.Count)
		}
		for _, x := range sy.Continuing {
			fmt.Fprintf(tw, "  GOING ON\t%s\t×%d → ×%d\n", symptomText(x.Kind, x.Where, x.Upstream), x.CountBefore, x.CountAfter)
		}
	}
	resolved, appeared := beyond(d.Findings.Resolved, rc.Resolved), beyond(d.Findings.Appeared, rc.Appeared)
	if section("OTHER FINDINGS", len(appeared)+len(resolved) == 0) {
		for _, f := range resolved {
			fmt.Fprintf(tw, "  RESOLVED\t%s\t[%s]\n", findingText(f), v(f.Severity))
		}
		for _, f := range appeared {
			fmt.Fprintf(tw, "  NEW\t%s\t[%s]\n", findingText(f), v(f.Severity))
		}
	}
	od := d.Objects
	if !od.Compared {
		fmt.Fprintf(tw, "\nOBJECTS: not compared: %s.\n", od.Why)
	} else if section("OBJECTS (the facts the rules read)", len(od.Added)+len(od.Removed)+len(od.Changed) == 0) {
		for _, it := range od.Removed {
			fmt.Fprintf(tw, "  REMOVED\t%s\t%s\n", it.Domain, itemText(it))
		}
		for _, it := range od.Added {
			fmt.Fprintf(tw, "  ADDED\t%s\t%s\n", it.Domain, itemText(it))
		}
		for _, c := range od.Changed {
			fmt.Fprintf(tw, "  CHANGED\t%s\t%s\n", c.Domain, itemText(c.Item))
			for _, f := range c.Fields {
				fmt.Fprintf(tw, "  \t\t  %s: %s → %s\n", v(f.Field), orDash(f.Before), orDash(f.After))
			}
		}
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "(none)"
	}
	return v(s)
}

func findingText(f report.Finding) string {
	s := f.Rule + " — " + refText(f.Object)
	if f.Detail != "" {
		s += " (" + f.Detail + ")"
	}
	return v(s)
}

// md escapes text for a Markdown table cell or list item: made visible,
// and the characters Markdown would act on backslash-escaped.
func md(s string) string {
	s = v(s)
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|#", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func writeMarkdown(w io.Writer, d *Diff) error {
	var b strings.Builder
	b.WriteString("# What changed\n\n")
	fmt.Fprintf(&b, "- **Before:** %s\n- **After:** %s\n\n**%s**\n", md(sideText(d.Before)), md(sideText(d.After)), md(Summary(d)))
	list := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n## %s\n\n", title)
		for _, it := range items {
			b.WriteString("- " + it + "\n")
		}
	}
	var rcs []string
	for _, x := range d.RootCauses.Resolved {
		rcs = append(rcs, "**Resolved** "+md(rootCauseText(x.Cause, x.Object, x.Detail))+" ["+md(x.Severity)+"]")
	}
	for _, x := range d.RootCauses.Appeared {
		rcs = append(rcs, "**New** "+md(rootCauseText(x.Cause, x.Object, x.Detail))+" ["+md(x.Severity)+"]")
	}
	for _, x := range d.RootCauses.Persisting {
		rcs = append(rcs, fmt.Sprintf("**Still** %s [%s], rank %d → %d", md(rootCauseText(x.Cause, x.Object, x.Detail)), md(x.SeverityAfter), x.RankBefore, x.RankAfter))
	}
	list("Root causes", rcs)
	var sys []string
	for _, x := range d.Symptoms.Stopped {
		sys = append(sys, fmt.Sprintf("**Stopped** %s (×%d → 0)", md(symptomText(x.Kind, x.Where, x.Upstream)), x.Count))
	}
	for _, x := range d.Symptoms.Started {
		sys = append(sys, fmt.Sprintf("**Started** %s (0 → ×%d)", md(symptomText(x.Kind, x.Where, x.Upstream)), x.Count))
	}
	for _, x := range d.Symptoms.Continuing {
		sys = append(sys, fmt.Sprintf("**Going on** %s (×%d → ×%d)", md(symptomText(x.Kind, x.Where, x.Upstream)), x.CountBefore, x.CountAfter))
	}
	list("Symptoms", sys)
	var fs []string
	for _, f := range beyond(d.Findings.Resolved, d.RootCauses.Resolved) {
		fs = append(fs, "**Resolved** "+md(findingText(f))+" ["+md(f.Severity)+"]")
	}
	for _, f := range beyond(d.Findings.Appeared, d.RootCauses.Appeared) {
		fs = append(fs, "**New** "+md(findingText(f))+" ["+md(f.Severity)+"]")
	}
	list("Other findings", fs)
	od := d.Objects
	if !od.Compared {
		fmt.Fprintf(&b, "\n## Objects\n\nNot compared: %s.\n", md(od.Why))
	} else if len(od.Added)+len(od.Removed)+len(od.Changed) > 0 {
		b.WriteString("\n## Objects (the facts the rules read)\n\n| change | object | domain | field | before | after |\n|---|---|---|---|---|---|\n")
		for _, it := range od.Removed {
			fmt.Fprintf(&b, "| removed | %s | %s | | | |\n", md(itemText(it)), md(it.Domain))
		}
		for _, it := range od.Added {
			fmt.Fprintf(&b, "| added | %s | %s | | | |\n", md(itemText(it)), md(it.Domain))
		}
		for _, c := range od.Changed {
			for i, f := range c.Fields {
				obj, dom := md(itemText(c.Item)), md(c.Domain)
				if i > 0 {
					obj, dom = "", ""
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", pick(i == 0, "changed", ""), obj, dom, md(f.Field), md(orDash(f.Before)), md(orDash(f.After)))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func pick(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}
