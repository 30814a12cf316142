package rules

import (
	"sort"

	"github.com/nohealthy/nohealthy/report"
)

// link adds the explanation edges: finding A explains B (a finding or a
// symptom) when B's rule ID or symptom kind is in A's rule's explains
// list and the two share a key. Edges are added in finding order, then
// explains order, findings before symptoms, so the chains reachSymptoms
// picks do not depend on map order.
func link(hits, syms []*node) {
	byRule := map[string][]*node{}
	for _, n := range hits {
		byRule[n.h.c.rule.ID] = append(byRule[n.h.c.rule.ID], n)
	}
	byKind := map[string][]*node{}
	for _, n := range syms {
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

// rootCause is a finding whose rule names a cause, with what it explains.
type rootCause struct {
	n       *node
	syms    []*node // the symptoms it reaches, most lines first
	lines   int64   // their lines in all
	biggest int64   // the lines of the largest of them
	// chain is what the report shows: symptom -> ... -> n for the first
	// of syms, else the intermediate finding n explains and n, else n.
	// Never empty.
	chain []*node
}

// rank returns the root causes best first: those that explain an
// observed symptom before those found in the objects alone, then by lines
// explained, by the largest single stream of failures, by rule priority,
// by severity, by amount of evidence and by object name. The sort is
// stable, so causes equal on all of these keep finding order.
func rank(hits []*node) []*rootCause {
	var roots []*rootCause
	for _, n := range hits {
		if n.h.c.rule.Cause == "" {
			continue
		}
		syms, paths := reachSymptoms(n)
		rc := &rootCause{n: n, syms: syms}
		for _, sn := range syms {
			rc.lines += sn.sym.Count
			rc.biggest = max(rc.biggest, sn.sym.Count)
		}
		if len(syms) > 0 {
			rc.chain = paths[syms[0]]
		} else {
			rc.chain = firstIntermediatePath(n)
		}
		roots = append(roots, rc)
	}
	sort.SliceStable(roots, func(i, j int) bool {
		a, b := roots[i], roots[j]
		if (len(a.syms) > 0) != (len(b.syms) > 0) {
			return len(a.syms) > 0
		}
		if a.lines != b.lines {
			return a.lines > b.lines
		}
		if a.biggest != b.biggest {
			return a.biggest > b.biggest
		}
		if pa, pb := a.n.h.c.rule.Priority, b.n.h.c.rule.Priority; pa != pb {
			return pa > pb
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
	return roots
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
