package render

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/nohealthy/nohealthy/report"
)

// scopeLines says, in at most two lines for the top of the formats for
// people, what the report stands on (input.scope and input.skipped): what
// was read and from where, which namespaces and what time, how many files
// were skipped and why; then what it could not see that matters for a
// 503. A report without a scope (built by hand, or by an older producer)
// has none.
func scopeLines(r *report.Report) []string {
	in, sc := r.Input, r.Input.Scope
	if len(sc.Sources) == 0 && in.SkippedCount == 0 && len(sc.NotSeen) == 0 {
		return nil
	}
	var parts []string
	var srcs []string
	for _, s := range sc.Sources {
		t := s.Path
		if len(s.Layouts) > 0 {
			t += " (" + strings.Join(s.Layouts, ", ") + ")"
		}
		srcs = append(srcs, t)
	}
	if len(srcs) > 0 {
		parts = append(parts, "read "+listShort(srcs, 3))
	}
	for _, c := range sc.Clusters {
		switch {
		case c.ID != "":
			parts = append(parts, "cluster "+c.ID)
		case c.Server != "":
			parts = append(parts, "cluster "+c.Server)
		}
	}
	switch {
	case sc.AllNamespaces:
		parts = append(parts, "all namespaces")
	case len(sc.CollectedNamespaces) > 0:
		t := "namespaces " + listShort(sc.CollectedNamespaces, 6) + " only"
		var along []string
		for _, c := range sc.CameAlong {
			a := c.Namespace
			if len(c.Reasons) > 0 {
				a += ": " + c.Reasons[0]
			}
			along = append(along, a)
		}
		if len(along) > 0 {
			t += " (came along: " + listShort(along, 3) + ")"
		}
		parts = append(parts, t)
	case len(sc.Namespaces) > 0:
		parts = append(parts, "namespaces seen: "+listShort(sc.Namespaces, 6))
	}
	if sc.Logs.First != nil && sc.Logs.Last != nil {
		parts = append(parts, fmt.Sprintf("logs %s – %s", *sc.Logs.First, *sc.Logs.Last))
	}
	if in.SkippedCount > 0 {
		parts = append(parts, fmt.Sprintf("%s skipped (%s)", plural(int64(in.SkippedCount), "file", "files"), skippedReasons(in.Skipped)))
	}
	var lines []string
	if len(parts) > 0 {
		lines = append(lines, "Scope: "+strings.Join(parts, "; "))
	}
	if len(sc.NotSeen) > 0 {
		lines = append(lines, "Not seen: "+strings.Join(sc.NotSeen, "; "))
	}
	return lines
}

// skippedReasons counts the skipped files by the kind of reason: a
// reason's words before its first colon or parenthesis, without line
// numbers ("parse error at line 3: ..." counts as "parse error").
func skippedReasons(sk []report.Skipped) string {
	counts := map[string]int{}
	for _, s := range sk {
		kind, _, _ := strings.Cut(s.Reason, ":")
		kind, _, _ = strings.Cut(kind, " (")
		if i := strings.Index(kind, " at line "); i >= 0 {
			kind = kind[:i]
		}
		kind = strings.TrimRightFunc(kind, func(r rune) bool { return unicode.IsSpace(r) || r == '(' })
		if kind == "" {
			kind = "other"
		}
		counts[kind]++
	}
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if counts[kinds[i]] != counts[kinds[j]] {
			return counts[kinds[i]] > counts[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	var out []string
	for _, k := range kinds {
		out = append(out, fmt.Sprintf("%d %s", counts[k], k))
	}
	if len(sk) == 0 {
		return "see -o json"
	}
	return strings.Join(out, ", ") + "; -o json lists them"
}

// listShort joins up to n items and says how many more there are.
func listShort(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}
