package rules

import (
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/report"
)

// Engine holds the compiled, selected rules. It is safe for concurrent
// Analyze calls: programs are immutable after compilation.
type Engine struct {
	rules []*compiled
}

// NewEngine compiles the rules of packs (later packs override earlier
// rules with the same id) and keeps those sel selects. An id in sel that
// names no rule is an error, so a typo in --only does not silently run nothing.
func NewEngine(packs []*Pack, sel Selection) (*Engine, error) {
	byID := map[string]int{}
	var all []*Rule
	for _, p := range packs {
		for _, r := range p.Rules {
			if i, ok := byID[r.ID]; ok {
				all[i] = r
				continue
			}
			byID[r.ID] = len(all)
			all = append(all, r)
		}
	}
	for _, id := range append(append([]string{}, sel.Only...), sel.Disable...) {
		if _, ok := byID[id]; !ok {
			return nil, fmt.Errorf("no rule with id %q (see 'analyze rules')", id)
		}
	}
	only := toSet(sel.Only)
	disable := toSet(sel.Disable)
	e := &Engine{}
	for _, r := range all {
		if (len(only) > 0 && !only[r.ID]) || disable[r.ID] {
			continue
		}
		c, err := compile(r)
		if err != nil {
			return nil, fmt.Errorf("%s: rule %s: %w", r.File, r.ID, err)
		}
		e.rules = append(e.rules, c)
	}
	return e, nil
}

func toSet(s []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range s {
		m[v] = true
	}
	return m
}

// Rules lists the selected rules in evaluation order.
func (e *Engine) Rules() []*Rule {
	out := make([]*Rule, len(e.rules))
	for i, c := range e.rules {
		out[i] = c.rule
	}
	return out
}

// node is a finding (or a symptom) in the explanation graph.
type node struct {
	id        string
	h         *hit // nil for symptoms
	sym       *analyzers.SymptomFact
	explains  []*node
	explained []*node
}

// result is one rule's verdict on one item: a hit, or an error.
type result struct {
	h   *hit
	err error
}

// evaluate runs every rule over its domain's items, the rules spread over
// GOMAXPROCS goroutines (compiled CEL programs are safe for concurrent
// use; facts are only read). Results come back per rule in item order, so
// what follows is as deterministic as a sequential run.
func (e *Engine) evaluate(f *analyzers.Facts) [][]result {
	out := make([][]result, len(e.rules))
	// Each domain's items once, however many rules walk it (tens of
	// thousands of symptoms on a big bundle).
	items := map[*domain][]any{}
	for _, c := range e.rules {
		if _, ok := items[c.dom]; !ok {
			items[c.dom] = c.dom.items(f)
		}
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(e.rules)) {
		wg.Go(func() {
			for i := range next {
				c := e.rules[i]
				act := &activation{varName: c.dom.varName, coverage: f.Coverage}
				for _, item := range items[c.dom] {
					act.item = item
					h, err := c.eval(act)
					if err != nil || h != nil {
						out[i] = append(out[i], result{h, err})
					}
				}
			}
		})
	}
	for i := range e.rules {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// Analyze evaluates every rule over the snapshot's facts, links findings
// into chains (symptom -> intermediate facts -> root cause) and ranks the
// root causes by the symptoms they explain.
func (e *Engine) Analyze(s *analyzers.Snapshot) *report.Report {
	f := s.Facts
	if f == nil {
		f = &analyzers.Facts{}
	}
	f.FillSamples()
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "nohealthy"},
		Input: report.Input{Sources: s.Sources, Objects: s.ObjectCount, LogLines: s.LogLines,
			Warnings: append([]string{}, s.Warnings...)},
		Symptoms: []report.Symptom{}, RootCauses: []report.RootCause{}, Findings: []report.Finding{},
	}
	if s.CollectedAt != nil {
		t := s.CollectedAt.UTC().Format(time.RFC3339)
		rep.Input.CollectedAt = &t
	}
	if rep.Input.Sources == nil {
		rep.Input.Sources = []string{}
	}

	// Symptoms are nodes too, so rules can explain them.
	// Sized up front: a big incident has tens of thousands, and growing
	// the slices by appending left copies of megabytes behind.
	symNodes := make([]*node, len(f.Symptoms))
	nodes := make([]node, len(f.Symptoms))
	rep.Symptoms = make([]report.Symptom, len(f.Symptoms))
	for i, sf := range f.Symptoms {
		nodes[i] = node{id: sf.ID, sym: sf}
		symNodes[i] = &nodes[i]
		rep.Symptoms[i] = toReportSymptom(sf)
	}

	// Evaluate and merge hits with the same rule, object and detail.
	var hits []*node
	merged := map[string]*node{}
	for i, res := range e.evaluate(f) {
		c := e.rules[i]
		for _, r := range res {
			if r.err != nil {
				rep.Input.Warnings = append(rep.Input.Warnings, fmt.Sprintf("rule %s: %v", c.rule.ID, r.err))
				continue
			}
			h := r.h
			k := c.rule.ID + "|" + h.object.String() + "|" + h.detail
			if n, ok := merged[k]; ok {
				for kk := range h.keys {
					n.h.keys[kk] = true
				}
				n.h.evidence = appendEvidence(n.h.evidence, h.evidence)
				continue
			}
			n := &node{h: h}
			merged[k] = n
			hits = append(hits, n)
		}
	}

	// Link: A explains B when B's rule id or symptom kind is in A's
	// explains list and the two share a key.
	byRule := map[string][]*node{}
	for _, n := range hits {
		byRule[n.h.c.rule.ID] = append(byRule[n.h.c.rule.ID], n)
	}
	byKind := map[string][]*node{}
	for _, n := range symNodes {
		byKind[n.sym.Kind] = append(byKind[n.sym.Kind], n)
	}
	for _, a := range hits {
		for _, target := range a.h.c.rule.Explains {
			for _, b := range append(byRule[target], byKind[target]...) {
				if b == a || !sharesKey(a, b) {
					continue
				}
				a.explains = append(a.explains, b)
				b.explained = append(b.explained, a)
			}
		}
	}

	// Score root causes by the symptoms they explain, directly or through
	// intermediate findings.
	type scored struct {
		n        *node
		syms     []*node
		lines    int64
		biggest  int64
		chain    []*node
		priority int
	}
	var roots []*scored
	for _, n := range hits {
		if n.h.c.rule.Cause == "" {
			continue
		}
		syms, paths := reachSymptoms(n)
		sc := &scored{n: n, syms: syms, priority: n.h.c.rule.Priority}
		for _, sn := range syms {
			sc.lines += sn.sym.Count
			sc.biggest = max(sc.biggest, sn.sym.Count)
		}
		if len(syms) > 0 {
			sc.chain = paths[syms[0]]
		} else {
			sc.chain = firstIntermediatePath(n)
		}
		roots = append(roots, sc)
	}
	sort.SliceStable(roots, func(i, j int) bool {
		a, b := roots[i], roots[j]
		if (len(a.syms) > 0) != (len(b.syms) > 0) {
			return len(a.syms) > 0
		}
		if a.lines != b.lines {
			return a.lines > b.lines
		}
		if a.biggest != b.biggest { // the largest single stream of failures
			return a.biggest > b.biggest
		}
		if a.priority != b.priority {
			return a.priority > b.priority
		}
		la, lb := report.SeverityLevel(a.n.h.c.rule.Severity), report.SeverityLevel(b.n.h.c.rule.Severity)
		if la != lb {
			return la > lb
		}
		if len(a.n.h.evidence) != len(b.n.h.evidence) {
			return len(a.n.h.evidence) > len(b.n.h.evidence)
		}
		return a.n.h.object.String() < b.n.h.object.String()
	})

	// Number findings: root causes first in rank order, then the rest.
	ordered := make([]*node, 0, len(hits))
	for _, r := range roots {
		ordered = append(ordered, r.n)
	}
	for _, n := range hits {
		if n.h.c.rule.Cause == "" {
			ordered = append(ordered, n)
		}
	}
	for i, n := range ordered {
		n.id = "F" + strconv.Itoa(i+1)
	}
	for _, n := range ordered {
		rep.Findings = append(rep.Findings, toFinding(n))
	}
	for i, r := range roots {
		h := r.n.h
		rc := report.RootCause{
			ID: "R" + strconv.Itoa(i+1), Rank: i + 1, Cause: h.c.rule.Cause, Severity: h.c.rule.Severity,
			Object: h.object, Detail: h.detail, Rule: h.c.rule.ID, Summary: h.summary,
			Explains: ids(r.syms), Chain: ids(r.chain), Evidence: nonNilEvidence(h.evidence), Remediation: h.remediation,
		}
		if len(rc.Chain) == 0 {
			rc.Chain = []string{r.n.id}
		}
		rep.RootCauses = append(rep.RootCauses, rc)
	}
	return rep
}

func sharesKey(a, b *node) bool {
	if b.sym != nil {
		for _, k := range b.sym.Keys {
			if a.h.keys[k] {
				return true
			}
		}
		return false
	}
	for k := range b.h.keys {
		if a.h.keys[k] {
			return true
		}
	}
	return false
}

// reachSymptoms walks what n explains, breadth first, and returns the
// symptoms reached (most lines first) with the chain symptom -> ... -> n.
func reachSymptoms(n *node) ([]*node, map[*node][]*node) {
	parent := map[*node]*node{n: nil}
	queue := []*node{n}
	var syms []*node
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, nx := range cur.explains {
			if _, seen := parent[nx]; seen {
				continue
			}
			parent[nx] = cur
			if nx.sym != nil {
				syms = append(syms, nx)
			} else {
				queue = append(queue, nx)
			}
		}
	}
	sort.SliceStable(syms, func(i, j int) bool { return syms[i].sym.Count > syms[j].sym.Count })
	paths := map[*node][]*node{}
	for _, s := range syms {
		var chain []*node
		for x := s; x != nil; x = parent[x] {
			chain = append(chain, x)
		}
		paths[s] = chain
	}
	return syms, paths
}

// firstIntermediatePath is the chain of a root cause that explains no
// symptom: the intermediate fact it explains (a 503 waiting to happen), then itself.
func firstIntermediatePath(n *node) []*node {
	for _, x := range n.explains {
		if x.h != nil {
			return []*node{x, n}
		}
	}
	return []*node{n}
}

func ids(ns []*node) []string {
	out := make([]string, 0, len(ns))
	for _, n := range ns {
		out = append(out, n.id)
	}
	return out
}

func toFinding(n *node) report.Finding {
	h := n.h
	f := report.Finding{
		ID: n.id, Rule: h.c.rule.ID, Cause: h.c.rule.Cause, Severity: h.c.rule.Severity,
		Object: h.object, Detail: h.detail, Summary: h.summary,
		ExplainedBy: ids(n.explained), Evidence: nonNilEvidence(h.evidence), Explains: ids(n.explains),
		Remediation: h.remediation,
	}
	return f
}

func nonNilEvidence(e []report.Evidence) []report.Evidence {
	if e == nil {
		return []report.Evidence{}
	}
	return e
}

// appendEvidence adds b to a without duplicates, capped so a rule that
// matches thousands of items stays readable.
func appendEvidence(a, b []report.Evidence) []report.Evidence {
	const maxEvidence = 12
	seen := map[string]bool{}
	for _, e := range a {
		seen[e.Kind+"|"+e.Ref+"|"+e.Text] = true
	}
	for _, e := range b {
		if len(a) >= maxEvidence {
			break
		}
		if k := e.Kind + "|" + e.Ref + "|" + e.Text; !seen[k] {
			seen[k] = true
			a = append(a, e)
		}
	}
	return a
}

func toReportSymptom(sf *analyzers.SymptomFact) report.Symptom {
	s := report.Symptom{ID: sf.ID, Kind: sf.Kind, Count: sf.Count, Upstream: sf.Upstream, Samples: sf.Samples}
	if sf.Reporter.Name != "" {
		s.Where = sf.Reporter
	} else {
		s.Where = report.Ref{Kind: "Log", Name: "unknown origin"}
	}
	if sf.First != "" {
		first, last := sf.First, sf.Last
		s.First, s.Last = &first, &last
	}
	if s.Samples == nil {
		s.Samples = []string{}
	}
	return s
}
