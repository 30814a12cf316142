package load

import (
	"errors"
	"fmt"

	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/kinds"
)

// What the loader notes of each objects entry and log beyond the objects
// and symptoms themselves: the source's counts, the listing its layout
// declares, the cluster it names, and the files it could not use.

// logOrigin is where a log entry comes from; a log of unknown origin is
// known by its path, so that two such files are two reporters.
func logOrigin(e *bundle.Entry) logscan.Origin {
	o := logscan.Origin{Namespace: e.Namespace, Pod: e.Pod, Container: e.Container}
	if o.Pod == "" {
		o.File = joinPath(e.Source, e.Path)
	}
	return o
}

// firstRead reports whether the log of container ns/pod/container in e is
// read for the first time; a log read before (the same bundle given
// twice, an unpacked bundle beside its archive) is skipped, counted once.
func (l *loader) firstRead(e *bundle.Entry, ns, pod, container string, previous bool) bool {
	src := l.srcs.of(e)
	ok, by := l.srcs.firstRead(src, logKey(e, ns, pod, container, previous))
	if !ok {
		what := "the same log"
		if e.Type == bundle.EntryDumpLogs {
			what = fmt.Sprintf("container %s of pod %s/%s: the same log", container, ns, pod)
		}
		l.srcs.skip(src, entryPath(e), what+" was already read from "+by.name+" (counted once)")
	}
	return ok
}

// logScanned notes what a log's scan saw. A log of unknown origin (no pod)
// with no line in a known format is skipped: it says nothing analyze can
// use, and a clean report must not stand on it.
func (l *loader) logScanned(e *bundle.Entry, ns, pod string, st logscan.FileStats) {
	src := l.srcs.of(e)
	l.srcs.noteLog(src, ns, st)
	if pod == "" && st.Parsed == 0 {
		l.srcs.skip(src, entryPath(e), fmt.Sprintf("no line in a known proxy log format (%d lines)", st.Lines))
	}
}

// objectSink returns the callback storing the objects of one entry, and
// the function to call with the decoder's error once the entry is read.
func (l *loader) objectSink(e *bundle.Entry, where string) (func(bundle.Object) error, func(err error, data []byte)) {
	src := l.srcs.of(e)
	var n, known int64
	var nss, seen map[string]bool
	anyNS := e.Listing != nil && e.Listing.AnyNamespace
	if anyNS {
		nss = map[string]bool{}
		if e.Listing.Resources == nil {
			seen = map[string]bool{}
		}
	}
	fn := func(o bundle.Object) error {
		a, err := l.objects.AddFrom(src.idx, o)
		if err != nil {
			l.warn("%s: %v", where, err)
			return nil
		}
		n++
		if a.Known {
			known++
		}
		if anyNS && a.Namespace != "" {
			nss[a.Namespace] = true
		}
		if seen != nil {
			if k := kinds.Lookup(kinds.GroupOf(o.APIVersion), a.Kind); k != nil {
				seen[k.Collector()] = true
			}
		}
		if a.Kind == "Namespace" && a.Name == "kube-system" && a.UID != "" {
			l.srcs.with(src, func(s *source) { s.clusterID = a.UID })
		}
		return nil
	}
	done := func(err error, data []byte) {
		complete := err == nil
		var oe bundle.ObjectErrors
		switch {
		case err == nil:
		case errors.As(err, &oe):
			// Items without a kind: the rest of the file was read.
			complete = true
			if n == 0 {
				l.srcs.skip(src, entryPath(e), "no Kubernetes object in it: "+oe[0].Err.Error())
			} else {
				l.warn("%v", err)
			}
		default:
			l.srcs.skip(src, entryPath(e), parseReason(err, data, n))
		}
		l.srcs.with(src, func(s *source) {
			s.objects += n
			s.known += known
			if complete && e.Listing != nil {
				s.noteListing(e.Listing, nss, seen)
			}
		})
	}
	return fn, done
}

// parseReason says why an objects file could not be read to its end.
func parseReason(err error, data []byte, read int64) string {
	var se *bundle.SyntaxError
	if !errors.As(err, &se) {
		return err.Error()
	}
	if data != nil {
		se.LineAt(data)
	}
	r := "parse error"
	if se.Line > 0 {
		r += fmt.Sprintf(" at line %d", se.Line)
	}
	r += ": " + se.Msg
	if read > 0 {
		r += fmt.Sprintf(" (the %d object(s) before it were read)", read)
	}
	return r
}

// noteListing records what a file's layout says it listed (see
// bundle.Listing): nss are the namespaces its objects are in, seen the
// kinds it holds (collector names), for listings that say only that.
func (s *source) noteListing(lst *bundle.Listing, nss, seen map[string]bool) {
	add := func(res, ns string) {
		for _, key := range collectorKeys(res, "") {
			if s.listed[key] == nil {
				s.listed[key] = map[string]bool{}
			}
			s.listed[key][ns] = true
		}
	}
	resources := lst.Resources
	if resources == nil {
		for r := range seen {
			resources = append(resources, r)
		}
	}
	for _, res := range resources {
		k := kinds.ByCollector(res)
		switch {
		case k == nil: // a kind analyze does not know: no coverage to claim
		case !k.Namespaced:
			add(res, "")
		case lst.AnyNamespace:
			for ns := range nss {
				add(res, ns)
			}
		case lst.Namespace != "":
			add(res, lst.Namespace)
		}
	}
}
