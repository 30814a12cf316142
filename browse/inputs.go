package browse

import (
	"errors"
	"io"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
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
func (r *reader) walk(fn func(e *bundle.Entry) error) error {
	err := load.Entries(r.in.Paths, r.in.Limits, r.in.Warn, func(e *bundle.Entry) error {
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

// objects calls visit for every object of every objects entry, decoded
// as kubectl output is (typed lists' items get their kind; managedFields
// dropped). Raw is valid only during the call.
func (r *reader) objects(visit func(o *bundle.Object) error) error {
	return r.walk(func(e *bundle.Entry) error {
		if e.Type != bundle.EntryObjects {
			return nil
		}
		return r.entryObjects(e, visit)
	})
}

// entryObjects decodes one objects entry; the decoder's problems are
// warnings, visit's errors end the walk.
func (r *reader) entryObjects(e *bundle.Entry, visit func(o *bundle.Object) error) error {
	err := bundle.DecodeObjects(e.Input+": "+e.Path, e.Body, r.in.Limits, func(o bundle.Object) error {
		if o.Kind == "Event" && r.collected.IsZero() {
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
	if t := m.CreatedAt.UTC(); !m.CreatedAt.IsZero() && t.After(r.collected) {
		r.collected = t
	}
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
