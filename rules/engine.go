package rules

import (
	"fmt"
	"maps"
	"runtime"
	"sync"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/report"
)

// Engine holds the compiled, selected rules. It is safe for concurrent
// Analyze calls: programs are immutable after compilation, and Analyze
// only reads the facts it is given.
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

// Analyze evaluates every rule over the snapshot's facts and returns the
// report: findings linked into chains (symptom -> intermediate facts ->
// root cause) and root causes ranked by the symptoms they explain. It
// reads s and its facts and writes neither, so the facts must arrive
// whole, sample lines included (Load fills them), and concurrent calls on
// one snapshot are safe.
//
// The stages, each a function below:
//
//	evaluate  every rule on every item of its domain
//	merge     one finding per rule, object and detail
//	link      A explains B: A's rule names B's rule or symptom kind, and they share a key
//	rank      root causes best first, with the chain each is shown with
//	build     the model: numbered findings, symptoms, root causes, input
//	changes   each root cause's changes before its first symptom
func (e *Engine) Analyze(s *analyzers.Snapshot) *report.Report {
	f := s.Facts
	if f == nil {
		f = &analyzers.Facts{}
	}
	syms := symptomNodes(f.Symptoms)
	hits, ruleWarnings := e.merge(e.evaluate(f))
	link(hits, syms)
	roots := rank(hits)
	rep := buildReport(s, syms, hits, roots, ruleWarnings)
	addChanges(f, roots, rep)
	return rep
}

// node is a finding (or a symptom) in the explanation graph.
type node struct {
	id        string // F1.. once numbered (buildReport); the fact's S1.. for a symptom
	h         *hit   // nil for symptoms
	sym       *analyzers.SymptomFact
	explains  []*node
	explained []*node
}

// symptomNodes makes a node of each symptom fact, in fact order, so rules
// can explain symptoms. One backing array: a big incident has tens of
// thousands of symptoms.
func symptomNodes(facts []*analyzers.SymptomFact) []*node {
	nodes := make([]node, len(facts))
	out := make([]*node, len(facts))
	for i, sf := range facts {
		nodes[i] = node{id: sf.ID, sym: sf}
		out[i] = &nodes[i]
	}
	return out
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

// merge makes the findings of the evaluation: the hits of one rule on the
// same object with the same detail are one finding, their keys united and
// their evidence appended without duplicates (capped). Findings come in
// rule order, then in the order of their first hit, and each rule error
// becomes a warning "rule ID: error" in the same order, so a run is as
// deterministic as the evaluation.
func (e *Engine) merge(results [][]result) (hits []*node, warnings []string) {
	merged := map[string]*node{}
	for i, res := range results {
		c := e.rules[i]
		for _, r := range res {
			if r.err != nil {
				warnings = append(warnings, fmt.Sprintf("rule %s: %v", c.rule.ID, r.err))
				continue
			}
			h := r.h
			k := c.rule.ID + "|" + h.object.String() + "|" + h.detail
			if n, ok := merged[k]; ok {
				maps.Copy(n.h.keys, h.keys)
				n.h.evidence = appendEvidence(n.h.evidence, h.evidence)
				continue
			}
			n := &node{h: h}
			merged[k] = n
			hits = append(hits, n)
		}
	}
	return hits, warnings
}

// appendEvidence adds b to a without duplicates, capped so a rule that
// matches thousands of items stays readable.
func appendEvidence(a, b []report.Evidence) []report.Evidence {
	const maxEvidence = 12
	seen := map[report.Evidence]bool{}
	for _, e := range a {
		seen[e] = true
	}
	for _, e := range b {
		if len(a) >= maxEvidence {
			break
		}
		if !seen[e] {
			seen[e] = true
			a = append(a, e)
		}
	}
	return a
}
