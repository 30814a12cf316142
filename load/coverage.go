package load

import (
	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/kinds"
)

// What was collected (the coverage map, analyzers/coverage.go) is known
// from three things, strongest first: a gather index (each collector's
// status, and with the manifest's namespaces the namespaces it ran in),
// the layout of another tool's bundle (a file that is the listing of a
// resource in a namespace, even when empty, and the tool's own error
// files), and the objects themselves (a kind is known where it appears).
// The index entries are noted as the index is read (entry); the rest is
// added once every input is read, where nothing stronger says.

// finishCoverage completes l.coverage from every source.
func (l *loader) finishCoverage() {
	cov := l.coverage
	l.markPartial(cov)
	for _, s := range l.srcs.list {
		for key, nss := range s.listed {
			for ns := range nss {
				if ns == "" {
					cov[key] = bundle.StatusOK
					continue
				}
				cov[key+"@"+ns] = bundle.StatusOK
				if _, ok := cov[key]; !ok {
					cov[key], cov[key+"@*"] = bundle.StatusOK, analyzers.CoverageInferred
				}
			}
		}
	}
	for _, s := range l.srcs.list {
		for _, f := range s.failed {
			for _, key := range collectorKeys(f.Collector, "") {
				if f.Namespace == "" {
					l.noteCoverage(key, f.Status)
					continue
				}
				if cov[key+"@"+f.Namespace] != bundle.StatusOK {
					l.noteCoverage(key+"@"+f.Namespace, f.Status)
				}
			}
		}
	}
	// Without a gather index, what was collected is only known from what
	// is there: a kind counts as collected in the namespaces it appears in
	// (loose `kubectl get -n shop` output says nothing of other namespaces).
	for _, kind := range l.objects.kept.Kinds() {
		if _, ok := cov[kind]; !ok {
			cov[kind] = bundle.StatusOK
			if !clusterScoped(kind) { // a cluster-scoped list is whole
				cov[kind+"@*"] = analyzers.CoverageInferred
			}
		}
	}
	for k := range l.objects.nsKinds {
		if _, ok := cov[k]; !ok {
			cov[k] = bundle.StatusOK
		}
	}
	l.promoteComplete(cov)
}

// collectorKeys are the coverage keys of a collector (or, with kind set,
// of that kind): the kind's name, and "Kind.group" for a kind of an API
// group; for a collector the kinds table does not know, its name.
func collectorKeys(collector, kind string) []string {
	k := kinds.ByCollector(collector)
	if kind == "" && k != nil {
		kind = k.Kind
	}
	if kind == "" {
		return []string{collector}
	}
	if k != nil && k.Group != "" {
		return []string{kind, kind + "." + k.Group}
	}
	return []string{kind}
}

// namespaced reports whether gather -n restricts a collector to the
// namespaces it names: the namespaced kinds, the Namespaces themselves
// (gather keeps those named), and the logs and proxy data of their pods.
func namespaced(collector string) bool {
	if k := kinds.ByCollector(collector); k != nil {
		return k.Namespaced || k.Kind == "Namespace"
	}
	switch collector {
	case "logs", "proxy-admin", "istiod-debug":
		return true
	}
	return false
}

// markPartial narrows what a gather run restricted to some namespaces
// (its manifest's namespaces, and those it added because they serve
// them) collected of each namespaced kind to those namespaces, unless
// another input collected the kind everywhere.
func (l *loader) markPartial(cov map[string]string) {
	everywhere := map[string]bool{}
	type restricted struct {
		keys []string
		nss  []string
	}
	var narrowed []restricted
	for _, s := range l.srcs.list {
		var nss []string
		if s.manifest != nil {
			nss = append(nss, s.manifest.Namespaces...)
			for _, sv := range s.manifest.Serving {
				nss = append(nss, sv.Namespace)
			}
		}
		for _, c := range s.collectors {
			if c.Status != bundle.StatusOK || c.Namespace != "" || !namespaced(c.Name) {
				continue
			}
			keys := collectorKeys(c.Name, c.Kind)
			if len(nss) == 0 {
				for _, k := range keys {
					everywhere[k] = true
				}
				continue
			}
			narrowed = append(narrowed, restricted{keys, nss})
		}
	}
	for _, r := range narrowed {
		for _, key := range r.keys {
			if everywhere[key] {
				continue
			}
			cov[key], cov[key+"@*"] = analyzers.CoveragePartial, analyzers.CoveragePartial
			for _, ns := range r.nss {
				if _, ok := cov[key+"@"+ns]; !ok {
					cov[key+"@"+ns] = bundle.StatusOK
				}
			}
		}
	}
}

// promoteComplete: a kind known only where it was read or listed
// ("inferred") is known everywhere when it is known in every namespace the
// cluster has, and the Namespaces themselves were listed whole.
func (l *loader) promoteComplete(cov map[string]string) {
	if cov["Namespace"] != bundle.StatusOK || cov["Namespace@*"] != "" {
		return
	}
	nss := kinds.Namespaces.In(l.objects.kept)
	if len(nss) == 0 {
		return
	}
	for key, mode := range cov {
		if len(key) < 2 || key[len(key)-2:] != "@*" || mode != analyzers.CoverageInferred {
			continue
		}
		kind := key[:len(key)-2]
		complete := true
		for name := range nss {
			if cov[kind+"@"+name] != bundle.StatusOK {
				complete = false
				break
			}
		}
		if complete {
			delete(cov, key)
		}
	}
}

// clusterScoped reports whether every kind of that name the kinds table
// knows is cluster-scoped (Node, Namespace, IngressClass, ...).
func clusterScoped(kind string) bool {
	found := false
	for _, k := range kinds.All() {
		if k.Kind == kind {
			if k.Namespaced {
				return false
			}
			found = true
		}
	}
	return found
}
