package render

import (
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/report"
)

func TestScopeLines(t *testing.T) {
	first, last := "2024-12-02T10:40:00Z", "2024-12-02T10:46:00Z"
	r := &report.Report{Input: report.Input{
		Scope: report.Scope{
			Sources:             []report.Source{{Path: "b.tar.zst", Layouts: []string{"nohealthy gather"}}},
			Clusters:            []report.Cluster{{ID: "uid-1"}},
			CollectedNamespaces: []string{"istio-system", "shop"},
			CameAlong:           []report.NamespaceReason{{Namespace: "istio-system", Reasons: []string{"the gateway serving shop"}}},
			Logs:                report.LogScope{First: &first, Last: &last},
			NotSeen:             []string{"proxy logs: none"},
		},
		Skipped: []report.Skipped{
			{Path: "a", Reason: "unknown layout: x"}, {Path: "b", Reason: "unknown layout: y"},
			{Path: "c", Reason: "parse error at line 3: bad"}, {Path: "d", Reason: "no line in a known proxy log format (2 lines)"},
		},
		SkippedCount: 4,
	}}
	got := strings.Join(scopeLines(r), "\n")
	want := "Scope: read b.tar.zst (nohealthy gather); cluster uid-1; namespaces istio-system, shop only (came along: istio-system: the gateway serving shop); " +
		"logs 2024-12-02T10:40:00Z – 2024-12-02T10:46:00Z; 4 files skipped (2 unknown layout, 1 no line in a known proxy log format, 1 parse error; -o json lists them)\n" +
		"Not seen: proxy logs: none"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if l := scopeLines(&report.Report{}); l != nil {
		t.Errorf("a report without a scope: %q", l)
	}
}
