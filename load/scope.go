package load

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/kinds"
	"github.com/nohealthy/nohealthy/report"
)

// scope is the report's account of what the inputs let analyze see
// (report.Scope). It runs once the facts are built: what it could not see
// that matters for a 503 (NotSeen) is judged against them.
func (l *loader) scope(store *kinds.Store, facts *analyzers.Facts) report.Scope {
	cov := l.coverage
	sc := report.Scope{
		Clusters: []report.Cluster{}, Sources: []report.Source{}, CollectedNamespaces: []string{},
		Namespaces: []string{}, CameAlong: []report.NamespaceReason{}, Kinds: []report.KindScope{},
		Collectors: []report.CollectorScope{}, NotSeen: []string{},
	}
	indexed := false
	var first, last time.Time
	for _, s := range l.srcs.ordered(l.inputs) {
		if s.collectors != nil || s.manifest != nil {
			indexed = true
		}
		rs := report.Source{
			Path: s.name, Layouts: slices.Sorted(maps.Keys(s.layouts)), Objects: s.objects, LogFiles: s.logFiles,
			LogLines: s.logLines, Skipped: s.nSkipped, First: timePtr(s.first), Last: timePtr(s.last),
		}
		if s.archive != "" {
			rs.In = s.input
		}
		if p, ok := strings.CutPrefix(s.input, "--log "); ok {
			rs.Path, rs.Layouts = p, []string{"log given with --log"}
		}
		sc.Sources = append(sc.Sources, rs)
		sc.Logs.Files += s.logFiles
		sc.Logs.Lines += s.logLines
		sc.Logs.Parsed += s.parsed
		if !s.first.IsZero() && (first.IsZero() || s.first.Before(first)) {
			first = s.first
		}
		if s.last.After(last) {
			last = s.last
		}
		for _, c := range s.collectors {
			if c.Status != bundle.StatusOK {
				sc.Collectors = append(sc.Collectors, report.CollectorScope{Name: c.Name, Kind: c.Kind, Namespace: c.Namespace, Status: c.Status, Message: c.Message, Source: s.name})
			}
		}
		for _, f := range s.failed {
			sc.Collectors = append(sc.Collectors, report.CollectorScope{Name: f.Collector, Namespace: f.Namespace, Status: f.Status, Message: f.Message, Source: s.name})
		}
		if s.manifest != nil {
			for _, sv := range s.manifest.Serving {
				sc.CameAlong = append(sc.CameAlong, report.NamespaceReason{Namespace: sv.Namespace, Reasons: append([]string{}, sv.Reasons...)})
			}
		}
	}
	sc.Logs.First, sc.Logs.Last = timePtr(first), timePtr(last)
	sc.Inferred = !indexed
	sc.Clusters = l.clusters()

	seen := map[string]bool{}
	for k := range l.objects.nsKinds {
		if _, ns, ok := strings.Cut(k, "@"); ok {
			seen[ns] = true
		}
	}
	for ns := range l.srcs.logNS {
		seen[ns] = true
	}
	sc.Namespaces = slices.Sorted(maps.Keys(seen))

	byKind := map[string][]string{} // kind → namespaces it is known in
	for key, st := range cov {
		if kind, ns, ok := strings.Cut(key, "@"); ok && ns != "*" && st == bundle.StatusOK {
			byKind[kind] = append(byKind[kind], ns)
		}
	}
	kindSet := map[string]bool{}
	for key := range cov {
		kind, _, _ := strings.Cut(key, "@")
		kindSet[kind] = true
	}
	for _, k := range store.Kinds() {
		kindSet[k] = true
	}
	for _, kind := range slices.Sorted(maps.Keys(kindSet)) {
		if !isKindName(kind) {
			continue
		}
		ks := report.KindScope{Kind: kind, Objects: store.CountOf(kind), Status: cov[kind], Namespaces: []string{}}
		if mode := cov[kind+"@*"]; mode != "" {
			ks.Status = mode
			ks.Namespaces = append(ks.Namespaces, byKind[kind]...)
			sort.Strings(ks.Namespaces)
		}
		sc.Kinds = append(sc.Kinds, ks)
	}
	// Which namespaces were collected is known when every one was, or when
	// a gather run names those it was restricted to; what loose files
	// hold says only which were seen.
	sc.AllNamespaces = cov["Pod"] == bundle.StatusOK && cov["Pod@*"] == ""
	if cov["Pod@*"] == analyzers.CoveragePartial {
		sc.CollectedNamespaces = append(sc.CollectedNamespaces, byKind["Pod"]...)
		sort.Strings(sc.CollectedNamespaces)
	}
	sc.NotSeen = notSeen(cov, store, facts, sc)
	return sc
}

// clusters groups the sources by the cluster they say they come from.
func (l *loader) clusters() []report.Cluster {
	var out []report.Cluster
	var owners [][]*source
	for _, s := range l.srcs.ordered(l.inputs) {
		if !s.clusterKnown() {
			continue
		}
		placed := false
		for i, group := range owners {
			if sameCluster(group[0], s) {
				owners[i] = append(owners[i], s)
				placed = true
				break
			}
		}
		if !placed {
			owners = append(owners, []*source{s})
		}
	}
	for _, group := range owners {
		c := report.Cluster{Sources: []string{}}
		for _, s := range group {
			c.ID = orDefault(c.ID, s.clusterID)
			c.Server = orDefault(c.Server, s.server)
			c.Context = orDefault(c.Context, s.context)
			c.Sources = append(c.Sources, s.name)
		}
		out = append(out, c)
	}
	if out == nil {
		out = []report.Cluster{}
	}
	return out
}

// notSeen lists what the input could not show that matters for a 503,
// most telling first: the proxies' own logs (the 503s themselves), the
// endpoints (which pods back a Service), the namespaces left out (where
// the gateway may run), and the collectors that could not collect.
func notSeen(cov map[string]string, store *kinds.Store, facts *analyzers.Facts, sc report.Scope) []string {
	out := []string{}
	strict := func(kind string) bool { return cov[kind] == bundle.StatusOK && cov[kind+"@*"] == "" }
	if sc.Logs.Parsed == 0 {
		switch st := cov["logs"]; st {
		case bundle.StatusSkipped, bundle.StatusForbidden, bundle.StatusFailed:
			out = append(out, "proxy logs: not collected (the logs collector was "+st+"), so the 503s themselves and the upstream each hit are not in the input")
		default:
			out = append(out, "proxy logs: no line of a known proxy log format was read, so the 503s themselves and the upstream each hit are not in the input")
		}
	}
	if !strict("EndpointSlice") && !strict("Endpoints") {
		st := cov["EndpointSlice"]
		switch {
		case st == bundle.StatusForbidden || st == bundle.StatusFailed || st == bundle.StatusSkipped:
			out = append(out, "EndpointSlices: not collected ("+st+"), so which pods back each Service is judged from the pods alone")
		case store.CountOf("EndpointSlice")+store.CountOf("Endpoints") == 0:
			out = append(out, "EndpointSlices: none read, so which pods back each Service is judged from the pods alone")
		default:
			var unknown []string
			for _, svc := range facts.Services {
				if !svc.EndpointsKnown {
					unknown = append(unknown, svc.Namespace+"/"+svc.Name)
				}
			}
			if len(unknown) > 0 {
				out = append(out, fmt.Sprintf("EndpointSlices: none read for %d Service(s) (%s), judged from their pods alone", len(unknown), listSome(unknown, 3)))
			}
		}
	}
	if cov["Pod@*"] == analyzers.CoveragePartial {
		out = append(out, "namespaces: only "+strings.Join(sc.CollectedNamespaces, ", ")+" were collected; what runs elsewhere (a gateway, an ingress controller, the mesh control plane) is unknown, not absent")
	}
	if !strict("Pod") {
		for _, g := range facts.Gateways {
			if g.MatchingPods == 0 {
				out = append(out, fmt.Sprintf("the pods of Gateway %s/%s (selector %s) are not in the input: Pods were not collected in every namespace", g.Ref.Namespace, g.Ref.Name, g.SelectorText))
			}
		}
		edge := false
		for _, w := range facts.Workloads {
			if w.Role == "gateway" || w.Role == "ingress-nginx" {
				edge = true
				break
			}
		}
		if !edge && len(facts.Gateways) == 0 {
			out = append(out, "no ingress gateway or ingress controller is in the input: the namespace it runs in may not have been collected")
		}
	}
	var lost []string
	for _, c := range sc.Collectors {
		if c.Status == bundle.StatusForbidden || c.Status == bundle.StatusFailed {
			name := c.Name
			if c.Namespace != "" {
				name += " in " + c.Namespace
			}
			lost = append(lost, name+" ("+c.Status+")")
		}
	}
	if len(lost) > 0 {
		out = append(out, fmt.Sprintf("collectors: %d could not collect: %s", len(lost), listSome(lost, 4)))
	}
	return out
}

// listSome lists up to n items and says how many more there are.
func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

// isKindName tells an object kind ("Pod") from the other coverage keys
// (a collector such as "logs", a kind with its group "Gateway.networking.istio.io").
func isKindName(s string) bool {
	return s != "" && unicode.IsUpper(rune(s[0])) && !strings.Contains(s, ".")
}

func timePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func orDefault(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
