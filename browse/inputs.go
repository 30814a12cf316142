package browse

import (
	"errors"
	"io"
	"runtime"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/load"
)

// Inputs are what a browsing command reads: the paths as the user named
// them, the limits against hostile archives, and where problems confined
// to one file go.
type Inputs struct {
	Paths  []string
	Limits bundle.Limits
	// Warn receives problems confined to one file or object (the rest is
	// read). May be nil.
	Warn func(msg string)
}

// reader walks the inputs and remembers what tells the collection time.
type reader struct {
	in Inputs
	// mu guards collected and eventAt, which decoding workers read and
	// write.
	mu sync.Mutex
	// collected is the newest manifest createdAt; eventAt the newest time
	// an event records, noted while no manifest has been seen.
	collected, eventAt time.Time
}

func newReader(in Inputs) *reader { return &reader{in: in} }

func (r *reader) warn(msg string) {
	if r.in.Warn != nil {
		r.in.Warn(msg)
	}
}

// stopWalk ends a walk early without an error.
var stopWalk = errors.New("walk stopped")

// fnError carries an error of the caller's callback out of
// bundle.DecodeObjects, which returns it unchanged, apart from the
// decoder's own problems (which are warnings).
type fnError struct{ err error }

func (e fnError) Error() string { return e.err.Error() }

// walk reads every entry of every input; the manifest is read here, the
// other entries go to fn. fn returning stopWalk ends the walk quietly.
func (r *reader) walk(fn func(e *bundle.Entry) error) error { return r.walkWanted(nil, fn) }

// walkWanted is walk for a caller that needs only the entries want
// accepts by path (nil: all): a bundle with log frames is then read in
// part (load.EntriesOf). fn may still see other entries.
func (r *reader) walkWanted(want func(path string) bool, fn func(e *bundle.Entry) error) error {
	err := load.EntriesOf(r.in.Paths, r.in.Limits, r.in.Warn, want, func(e *bundle.Entry) error {
		if e.Type == bundle.EntryManifest {
			r.readManifest(e)
			return nil
		}
		return fn(e)
	})
	if errors.Is(err, stopWalk) {
		return nil
	}
	return err
}

// entryObjects decodes one objects entry; the decoder's problems are
// warnings, visit's errors end the walk.
func (r *reader) entryObjects(e *bundle.Entry, visit func(o *bundle.Object) error) error {
	err := bundle.DecodeObjects(e.Input+": "+e.Path, e.Body, r.in.Limits, func(o bundle.Object) error {
		if o.Kind == "Event" && r.noCollectionTime() {
			r.noteEvent(o.Raw)
		}
		if err := visit(&o); err != nil {
			return fnError{err}
		}
		return nil
	})
	var fe fnError
	switch {
	case errors.As(err, &fe):
		return fe.err
	case err != nil:
		r.warn(err.Error())
	}
	return nil
}

func (r *reader) readManifest(e *bundle.Entry) {
	var m bundle.Manifest
	if err := jsonv2.UnmarshalRead(io.LimitReader(e.Body, 16<<20), &m, bundle.JSONOptions); err != nil {
		r.warn(e.Input + ": " + e.Path + ": unreadable manifest: " + err.Error())
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if t := m.CreatedAt.UTC(); !m.CreatedAt.IsZero() && t.After(r.collected) {
		r.collected = t
	}
}

// noCollectionTime reports whether no manifest has given the collection
// time yet (events are then read for their times).
func (r *reader) noCollectionTime() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.collected.IsZero()
}

// eventTimes are the times an Event records, of either API.
type eventTimes struct {
	FirstTimestamp metav1.Time      `json:"firstTimestamp"`
	LastTimestamp  metav1.Time      `json:"lastTimestamp"`
	EventTime      metav1.MicroTime `json:"eventTime"`
	Series         *struct {
		LastObservedTime metav1.MicroTime `json:"lastObservedTime"`
	} `json:"series"`
	DeprecatedLastTimestamp metav1.Time `json:"deprecatedLastTimestamp"`
}

func (r *reader) noteEvent(raw []byte) {
	var t eventTimes
	if unmarshal(raw, &t) != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, at := range []time.Time{t.FirstTimestamp.Time, t.LastTimestamp.Time, t.EventTime.Time, t.DeprecatedLastTimestamp.Time} {
		r.eventAt = later(r.eventAt, at)
	}
	if t.Series != nil {
		r.eventAt = later(r.eventAt, t.Series.LastObservedTime.Time)
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b.UTC()
	}
	return a
}

// reference is the time "now" stands for: the collection time (see the
// package comment), else fallback (the newest time among the objects
// shown), else the wall clock.
func (r *reader) reference(fallback time.Time) time.Time {
	switch {
	case !r.collected.IsZero():
		return r.collected
	case !r.eventAt.IsZero():
		return r.eventAt
	case !fallback.IsZero():
		return fallback
	}
	return time.Now().UTC()
}

// unmarshal decodes one object's JSON as the loader does
// (bundle.JSONOptions); a panic in the decoder on hostile bytes is an
// error.
func unmarshal(data []byte, v any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errors.New("malformed object")
		}
	}()
	return jsonv2.Unmarshal(data, v, bundle.JSONOptions)
}

// parallelObjects is objects with the decoding on every core: the walker
// decompresses and reads each objects entry into memory, workers decode
// it and call work for each object, concurrently (work locks what it
// shares). seq orders the objects as read: inputs, entries, items; work
// breaks ties between two copies of an object with it. An entry too big
// to buffer is decoded on the walker, streamed.
//
// wants, when not nil, skips the items of a typed list (PodList, ...)
// whose kind it refuses without reading them.
func (r *reader) parallelObjects(wants func(apiVersion, kind string) bool, work func(o *bundle.Object, seq uint64) error) error {
	type job struct {
		name string
		data []byte
		seq  uint64
	}
	n := max(runtime.GOMAXPROCS(0), 1)
	jobs := make(chan job) // unbuffered: the walker reads ahead one entry, no more
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var firstErr error
	fail := func(err error) {
		errMu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		errMu.Unlock()
	}
	failed := func() bool {
		errMu.Lock()
		defer errMu.Unlock()
		return firstErr != nil
	}
	decode := func(j job, items func(func(bundle.Object) error) error) {
		item := uint64(0)
		err := items(func(o bundle.Object) error {
			if o.Unread && !o.KindMustMatch && wants != nil && !wants(o.APIVersion, o.Kind) &&
				!(o.Kind == "Event" && r.noCollectionTime()) {
				return nil
			}
			if o.Unread {
				if !readHead(&o) {
					r.warn(j.name + ": an item is not a Kubernetes object")
					return nil
				}
			}
			if o.Kind == "Event" && r.noCollectionTime() {
				r.noteEvent(o.Raw)
			}
			item++
			if err := work(&o, j.seq|item); err != nil {
				return fnError{err}
			}
			return nil
		})
		var fe fnError
		switch {
		case errors.As(err, &fe):
			fail(fe.err)
		case err != nil:
			r.warn(err.Error())
		}
	}
	for range n {
		wg.Go(func() {
			for j := range jobs {
				if !failed() {
					decode(j, func(fn func(bundle.Object) error) error {
						return bundle.StreamObjectsBytes(j.name, j.data, r.in.Limits, fn)
					})
				}
			}
		})
	}
	entry := uint64(0)
	objectsOnly := func(path string) bool { t, _, _, _, _ := bundle.Classify(path); return t == bundle.EntryObjects }
	err := r.walkWanted(objectsOnly, func(e *bundle.Entry) error {
		if e.Type != bundle.EntryObjects {
			return nil
		}
		if failed() {
			return stopWalk
		}
		entry++
		j := job{name: e.Input + ": " + e.Path, seq: entry << 32}
		if e.Size < 0 || e.Size > maxBufferedEntry {
			decode(j, func(fn func(bundle.Object) error) error {
				return bundle.StreamObjects(j.name, e.Body, r.in.Limits, fn)
			})
			return nil
		}
		data, err := io.ReadAll(io.LimitReader(e.Body, e.Size))
		if err != nil {
			return err
		}
		j.data = data
		jobs <- j
		return nil
	})
	close(jobs)
	wg.Wait()
	if err != nil {
		return err
	}
	return firstErr
}

// maxBufferedEntry is the largest objects entry read into memory for a
// worker; bigger ones are decoded as they stream by.
const maxBufferedEntry = 64 << 20

// objHead is what identifies an object, read when the list it came from
// did not say (bundle.Object.Unread).
type objHead struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Namespace       string `json:"namespace"`
		Name            string `json:"name"`
		UID             string `json:"uid"`
		ResourceVersion string `json:"resourceVersion"`
	} `json:"metadata"`
}

// readHead fills an unread object's identity from its JSON; the list's
// kind stands when the item carries none.
func readHead(o *bundle.Object) bool {
	var h objHead
	if unmarshal(o.Raw, &h) != nil {
		return false
	}
	if h.Kind != "" {
		o.Kind = h.Kind
	}
	if h.APIVersion != "" {
		o.APIVersion = h.APIVersion
	}
	if o.Kind == "" {
		return false
	}
	o.Namespace, o.Name, o.UID, o.ResourceVersion = h.Metadata.Namespace, h.Metadata.Name, h.Metadata.UID, h.Metadata.ResourceVersion
	o.Unread, o.KindMustMatch = false, false
	return true
}

// replaces reports whether a copy of an object at version a, read at seq
// sa, replaces one at version b read at sb: the newer resourceVersion, as
// in the analysis, and of equal or incomparable versions the one read
// last.
func replaces(a string, sa uint64, b string, sb uint64) bool {
	aNewer, bNewer := load.NewerVersion(a, b), load.NewerVersion(b, a)
	if aNewer != bNewer {
		return aNewer
	}
	return sa > sb
}

// selfDescribing returns an object's JSON as kubectl would print it: with
// its kind and apiVersion (an item of a typed list carries neither), and
// without metadata.managedFields.
func selfDescribing(o *bundle.Object) ([]byte, error) {
	var top map[string]jsontext.Value
	if err := unmarshal(o.Raw, &top); err != nil {
		return nil, err
	}
	changed := false
	if _, ok := top["kind"]; !ok && o.Kind != "" {
		top["kind"], _ = jsontext.AppendQuote(nil, o.Kind)
		changed = true
	}
	if _, ok := top["apiVersion"]; !ok && o.APIVersion != "" {
		top["apiVersion"], _ = jsontext.AppendQuote(nil, o.APIVersion)
		changed = true
	}
	if mv, ok := top["metadata"]; ok {
		var meta map[string]jsontext.Value
		if unmarshal(mv, &meta) == nil {
			if _, ok := meta["managedFields"]; ok {
				delete(meta, "managedFields")
				top["metadata"], _ = jsonv2.Marshal(meta, jsonv2.Deterministic(true))
				changed = true
			}
		}
	}
	if !changed {
		return o.Raw, nil
	}
	return jsonv2.Marshal(top, jsonv2.Deterministic(true))
}
