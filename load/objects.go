package load

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	jsonv2 "github.com/go-json-experiment/json"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/kinds"
)

// Objects merges the objects of every input into a kinds.Store: an object
// seen twice is kept once, and the newest resourceVersion wins. Add is
// safe for concurrent use: the JSON decoding, which is the cost, runs
// outside the lock.
type Objects struct {
	mu   sync.Mutex
	kept *kinds.Store
	// versions remembers the resourceVersion kept per group/kind/ns/name.
	versions map[string]string
	// nsKinds records "Kind@namespace" for every namespace an object of
	// the kind was read from.
	nsKinds map[string]bool
}

// NewObjects returns an empty merge.
func NewObjects() *Objects {
	return &Objects{kept: kinds.NewStore(), versions: map[string]string{}, nsKinds: map[string]bool{}}
}

// Store is what was kept. Read it once every Add has returned.
func (s *Objects) Store() *kinds.Store { return s.kept }

// objectID identifies an object across inputs: group, kind, namespace, name.
func objectID(obj bundle.Object) string {
	return kinds.GroupOf(obj.APIVersion) + "/" + obj.Kind + "/" + obj.Namespace + "/" + obj.Name
}

// newer reports whether resourceVersion a should replace b. Versions are
// opaque strings; etcd's are integers, compared numerically when both are.
func newer(a, b string) bool {
	ai, errA := strconv.ParseUint(a, 10, 64)
	bi, errB := strconv.ParseUint(b, 10, 64)
	if errA == nil && errB == nil {
		return ai >= bi
	}
	return true // unknown order: the later input wins
}

// Add decodes obj into the Go type of its kind (kinds.Lookup) and keeps
// it. Kinds the table does not store are counted and dropped. It reports
// whether obj was kept. An error names the object; the caller turns it
// into a warning.
func (s *Objects) Add(obj bundle.Object) (bool, error) {
	k := kinds.Lookup(kinds.GroupOf(obj.APIVersion), obj.Kind)
	if obj.Unread {
		return s.addUnread(k, obj)
	}
	// Skip the decoding when a newer version is already kept.
	s.mu.Lock()
	old, seen := s.versions[objectID(obj)]
	s.mu.Unlock()
	if seen && !newer(obj.ResourceVersion, old) {
		return false, nil
	}
	v, keep, err := decode(k, obj)
	if err != nil {
		return false, fmt.Errorf("%s %s/%s: %w", obj.Kind, obj.Namespace, obj.Name, err)
	}
	if !keep {
		v = nil
	}
	return s.commit(k, obj, v), nil
}

// addUnread stores an object whose metadata the reader did not parse: the
// typed decode reads it, and a `kind: List` item of another kind than the
// list's first is sent down the ordinary path with its real kind.
func (s *Objects) addUnread(k *kinds.Kind, obj bundle.Object) (bool, error) {
	v, keep, err := decode(k, obj)
	if err != nil {
		return false, fmt.Errorf("%s: %w", obj.Kind, err)
	}
	if v == nil { // a kind the store does not keep: read just the head
		var h struct {
			metav1.TypeMeta `json:",inline"`
			Metadata        metav1.ObjectMeta `json:"metadata"`
		}
		if err := unmarshal(obj.Raw, &h); err != nil {
			return false, fmt.Errorf("%s: %w", obj.Kind, err)
		}
		if obj.KindMustMatch && h.Kind != obj.Kind {
			return s.retype(obj, h.TypeMeta, &h.Metadata)
		}
		obj.Namespace, obj.Name, obj.ResourceVersion = h.Metadata.Namespace, h.Metadata.Name, h.Metadata.ResourceVersion
		return s.commit(k, obj, nil), nil
	}
	m, ok := v.(metav1.Object)
	if !ok {
		return false, fmt.Errorf("%s: no metadata", obj.Kind)
	}
	if obj.KindMustMatch {
		if tk, ok := v.(interface{ GetObjectKind() schema.ObjectKind }); ok {
			gvk := tk.GetObjectKind().GroupVersionKind()
			if gvk.Kind != obj.Kind || gvk.GroupVersion().String() != obj.APIVersion {
				return s.retype(obj, metav1.TypeMeta{Kind: gvk.Kind, APIVersion: gvk.GroupVersion().String()}, m)
			}
		}
	}
	obj.Namespace, obj.Name, obj.ResourceVersion = m.GetNamespace(), m.GetName(), m.GetResourceVersion()
	if !keep {
		v = nil
	}
	return s.commit(k, obj, v), nil // commit keeps the newer version
}

// retype re-adds a `kind: List` item whose own kind differs from the hint.
func (s *Objects) retype(obj bundle.Object, tm metav1.TypeMeta, m metav1.Object) (bool, error) {
	if tm.Kind == "" {
		return false, fmt.Errorf("item %s/%s: object has no kind", m.GetNamespace(), m.GetName())
	}
	return s.Add(bundle.Object{APIVersion: tm.APIVersion, Kind: tm.Kind, Namespace: m.GetNamespace(),
		Name: m.GetName(), ResourceVersion: m.GetResourceVersion(), Raw: obj.Raw})
}

// commit records obj and keeps v (nil: only counted) in k's table, under
// the lock, unless a newer version won meanwhile.
func (s *Objects) commit(k *kinds.Kind, obj bundle.Object, v any) bool {
	// The decoder's strings may point into a whole list's bytes; what the
	// store keeps must not pin them.
	obj.Name, obj.Namespace, obj.ResourceVersion = strings.Clone(obj.Name), strings.Clone(obj.Namespace), strings.Clone(obj.ResourceVersion)
	kind := obj.Kind
	id := objectID(obj)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.versions[id]; ok {
		if !newer(obj.ResourceVersion, old) {
			return false
		}
	} else {
		s.kept.Saw(kind)
	}
	s.versions[id] = obj.ResourceVersion
	if obj.Namespace != "" {
		s.nsKinds[kind+"@"+obj.Namespace] = true
	}
	if v == nil {
		return false
	}
	s.kept.Put(k, obj.Namespace, obj.Name, v)
	return true
}

// decode reads obj as its row of the kinds table says. v is nil for a kind
// the store does not keep; keep is false for an object slimming drops (v
// then still answers for its identity, as metav1.Object).
func decode(k *kinds.Kind, obj bundle.Object) (v any, keep bool, err error) {
	if k == nil {
		return nil, false, nil
	}
	switch k.Decode {
	case kinds.Counted:
		return nil, false, nil
	case kinds.KeptOnly:
		if h, ok := droppedEvent(obj); ok {
			return h, false, nil
		}
	case kinds.AsCoreEvent:
		return decodeEventsV1(obj)
	}
	v = k.New()
	if err := unmarshal(obj.Raw, k.DecodeInto(v)); err != nil {
		return nil, false, err
	}
	keepWriters(k, v)
	return v, slimObject(v), nil
}

// managed is implemented by every typed object (via ObjectMeta).
type managed interface {
	GetManagedFields() []metav1.ManagedFieldsEntry
	SetManagedFields([]metav1.ManagedFieldsEntry)
}

// unmarshal decodes one object's JSON with the encoding/json v2 decoder
// (github.com/go-json-experiment/json, the code behind Go's experimental
// encoding/json/v2), with the options every input is read with
// (bundle.JSONOptions). It calls the same UnmarshalJSON methods as
// encoding/json. It reads data in place and copies each string it keeps:
// no stored string points into data, which is what lets the loader
// recycle entry buffers once their objects are decoded
// (TestStoredObjectsOwnTheirStrings), and keeps a big bundle's heap to
// what the objects hold. A panic inside the decoder on hostile bytes
// becomes an error naming the object, never a crash.
func unmarshal(data []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed object: %v", r)
		}
	}()
	if err := jsonv2.Unmarshal(data, v, bundle.JSONOptions); err != nil {
		return fmt.Errorf("malformed object: %w", err)
	}
	return nil
}

// droppedEvent reads only what decides whether slimming keeps a core/v1
// Event (its type and reason) and the identity the store records for it.
// Most events of a big cluster are Normal ones no rule cites; decoding each
// in full only to drop it would be a large share of the object decoding. ok is
// false when the event is kept, or when its head cannot be read in place
// (escapes, odd shapes, a kind other than the list's): decode it in full
// then. The returned head's strings point into obj.Raw; the store copies
// what it keeps.
func droppedEvent(obj bundle.Object) (*droppedHead, bool) {
	kind, apiVersion, typ, reason, name, ns, rv, ok := eventHead(obj.Raw)
	if !ok || keepEvent(typ, reason) {
		return nil, false
	}
	if obj.KindMustMatch && (kind != obj.Kind || apiVersion != obj.APIVersion) {
		return nil, false // possibly another kind: the full path retypes it
	}
	h := &droppedHead{TypeMeta: metav1.TypeMeta{Kind: obj.Kind, APIVersion: obj.APIVersion}}
	h.Name, h.Namespace, h.ResourceVersion = name, ns, rv
	return h, true
}

// decodeEventsV1 reads an events.k8s.io/v1 Event into the core/v1 Event
// it describes, so the fact builders see one shape.
func decodeEventsV1(obj bundle.Object) (any, bool, error) {
	var ev struct {
		corev1.Event
		Regarding corev1.ObjectReference `json:"regarding"`
		Note      string                 `json:"note"`
		Series    *corev1.EventSeries    `json:"series"`
		// The times of events.k8s.io/v1: eventTime (read into the core
		// Event's), series.lastObservedTime, and the core Event's own
		// first and last times under these names.
		DeprecatedCount          int32       `json:"deprecatedCount"`
		DeprecatedFirstTimestamp metav1.Time `json:"deprecatedFirstTimestamp"`
		DeprecatedLastTimestamp  metav1.Time `json:"deprecatedLastTimestamp"`
	}
	if err := unmarshal(obj.Raw, &ev); err != nil {
		return nil, false, err
	}
	e := ev.Event
	e.InvolvedObject = ev.Regarding
	e.Message = ev.Note
	e.Count = ev.DeprecatedCount
	e.FirstTimestamp, e.LastTimestamp = ev.DeprecatedFirstTimestamp, ev.DeprecatedLastTimestamp
	if ev.Series != nil {
		e.Count = ev.Series.Count
		e.Series = ev.Series
	}
	e.ManagedFields = nil
	return &e, slimObject(&e), nil
}
