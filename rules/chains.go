package rules

import (
	"container/heap"
	"slices"
	"sort"

	"github.com/nohealthy/nohealthy/report"
)

// symptomKeyPrefix marks a key naming one symptom group by its ID
// ("symptom:S12"): a fact that computed exactly which groups it accounts
// for (a client without sidecar and the Service it failed to reach) links
// to those and to no other group that merely shares a Service or a pod.
const symptomKeyPrefix = "symptom:"

// link adds the explanation edges: finding A explains B (a finding or a
// symptom) when B's rule ID or symptom kind is in A's rule's explains
// list and the two share a key (for a symptom, a key of A may also name
// the symptom itself: symptom:<id>). Edges are added in finding order,
// then explains order, findings before symptoms, so the chains
// reachSymptoms picks do not depend on map order.
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
		if a.h.symptoms[b.sym.ID] {
			return true
		}
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
	// of syms, else the deepest finding n explains -> ... -> n, else n.
	// Never empty.
	chain []*node
	// causes are the other root causes n explains, directly or not.
	causes []*node
}

// rank returns the root causes best first: those that explain an
// observed symptom before those found in the objects alone, then by lines
// explained, by the largest single stream of failures, by rule priority,
// by severity, by amount of evidence and by object name. The sort is
// stable, so causes equal on all of these keep finding order. Then a root
// cause that another root cause explains (istiod down explains the
// sidecars that never got their configuration) moves below the one that
// explains it, whatever the keys above say: fixing the explaining cause
// is what fixes the other.
func rank(hits []*node) []*rootCause {
	var roots []*rootCause
	for _, n := range hits {
		if n.h.c.rule.Cause == "" {
			continue
		}
		syms, paths, deepest, causes := reachSymptoms(n)
		rc := &rootCause{n: n, syms: syms, causes: causes}
		for _, sn := range syms {
			rc.lines += sn.sym.Count
			rc.biggest = max(rc.biggest, sn.sym.Count)
		}
		if len(syms) > 0 {
			rc.chain = paths[syms[0]]
		} else {
			rc.chain = deepest
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
	return explainersFirst(roots)
}

// explainersFirst reorders roots (sorted best first) so that a root cause
// comes after every root cause that explains it, directly or through
// intermediate findings, and otherwise keeps their order: of the roots
// whose explainers are all placed, the best goes next. Two root causes
// that explain each other constrain nothing. Only roots explained by
// another root take part, so the usual report (no such pair) costs a map
// lookup per root.
func explainersFirst(roots []*rootCause) []*rootCause {
	index := make(map[*node]int, len(roots))
	for i, r := range roots {
		index[r.n] = i
	}
	// before[j]: the roots that must come before root j.
	before := make([][]int, len(roots))
	constrained := false
	for i, r := range roots {
		for _, x := range r.causes {
			j, ok := index[x]
			if !ok || j == i || slices.Contains(roots[j].causes, r.n) {
				continue
			}
			before[j] = append(before[j], i)
			constrained = true
		}
	}
	if !constrained {
		return roots
	}
	waiting := make([]int, len(roots))
	after := make([][]int, len(roots))
	ready := &intHeap{}
	for j := range roots {
		waiting[j] = len(before[j])
		for _, i := range before[j] {
			after[i] = append(after[i], j)
		}
		if waiting[j] == 0 {
			heap.Push(ready, j)
		}
	}
	out := make([]*rootCause, 0, len(roots))
	for ready.Len() > 0 {
		i := heap.Pop(ready).(int)
		out = append(out, roots[i])
		for _, j := range after[i] {
			if waiting[j]--; waiting[j] == 0 {
				heap.Push(ready, j)
			}
		}
	}
	// Mutual explanation was excluded above, but a longer cycle (A
	// explains B explains C explains A, each pair one way) would leave
	// roots waiting: append them in their sorted order.
	if len(out) < len(roots) {
		placed := make(map[int]bool, len(out))
		for _, r := range out {
			placed[index[r.n]] = true
		}
		for i, r := range roots {
			if !placed[i] {
				out = append(out, r)
			}
		}
	}
	return out
}

// intHeap is a min-heap of root indexes: the best ready root first.
type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// reachSymptoms walks what n explains and returns the symptoms reached
// (most lines first) with, for each, its chain symptom -> ... -> n; the
// chain to the deepest finding reached (for a root cause that explains no
// symptom), and the other root causes reached.
//
// A chain is the longest path from n: when n explains a symptom both
// directly and through other findings (istiod down explains every Envoy
// failure, and also the sidecars that never became ready, which explain
// the Service without ready endpoints, which explains the UH), the chain
// shows every link. The findings reached form a graph that may hold a
// cycle; its depth-first order from n, dropping the edges that go back
// up that order, is a DAG whose longest paths are found in one pass.
func reachSymptoms(n *node) (syms []*node, paths map[*node][]*node, deepest []*node, causes []*node) {
	// One record per node reached, findings and symptoms alike, in one
	// slice: a root cause of a big incident reaches thousands of symptoms.
	type visit struct {
		order  int // topological position of a finding
		depth  int
		parent *node
	}
	var vs []visit
	at := map[*node]int{}
	var post []*node // findings in depth-first postorder
	var dfs func(x *node)
	dfs = func(x *node) {
		at[x] = len(vs)
		vs = append(vs, visit{})
		for _, y := range x.explains {
			if _, ok := at[y]; !ok && y.h != nil {
				dfs(y)
			}
		}
		post = append(post, x)
	}
	dfs(n)
	for i, x := range post {
		vs[at[x]].order = len(post) - 1 - i
	}
	var symOrder []*node
	for i := len(post) - 1; i >= 0; i-- { // topological order
		x := post[i]
		ix := at[x]
		if x != n && x.h.c.rule.Cause != "" {
			causes = append(causes, x)
		}
		for _, y := range x.explains {
			iy, ok := at[y]
			switch {
			case y.sym != nil && !ok:
				iy = len(vs)
				at[y] = iy
				vs = append(vs, visit{depth: -1})
				symOrder = append(symOrder, y)
			case y.sym == nil && vs[iy].order <= vs[ix].order: // back up the order: part of a cycle
				continue
			}
			if d := vs[ix].depth + 1; d > vs[iy].depth {
				vs[iy].depth, vs[iy].parent = d, x
			}
		}
	}
	chainOf := func(x *node) []*node {
		var chain []*node
		for ; x != nil; x = vs[at[x]].parent {
			chain = append(chain, x)
		}
		return chain
	}
	syms = symOrder
	sort.SliceStable(syms, func(i, j int) bool { return syms[i].sym.Count > syms[j].sym.Count })
	paths = make(map[*node][]*node, len(syms))
	for _, s := range syms {
		paths[s] = chainOf(s)
	}
	deep := n
	for i := len(post) - 2; i >= 0; i-- { // topological order, n excluded
		if x := post[i]; vs[at[x]].depth > vs[at[deep]].depth {
			deep = x
		}
	}
	return syms, paths, chainOf(deep), causes
}
