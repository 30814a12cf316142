package rules

import (
	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/report"
)

// addChanges gives each root cause of rep the changes closest before its
// first symptom (analyzers.ChangeFinder). It runs after ranking,
// so the timeline is read only for the objects of root-cause chains.
func addChanges(f *analyzers.Facts, roots []*rootCause, rep *report.Report) {
	if f.Timeline == nil {
		return
	}
	finder := f.ChangeFinder()
	for i, r := range roots {
		q := analyzers.ChangeQuery{Objects: []analyzers.Ref{r.n.h.object}}
		for _, n := range r.chain {
			if n.h != nil {
				q.Objects = append(q.Objects, n.h.object)
			}
		}
		for _, s := range r.syms {
			q.Symptoms = append(q.Symptoms, s.sym)
		}
		rep.RootCauses[i].Changes = finder.ChangesBefore(q)
	}
}
