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
	// from is the source (AddFrom) an object was first read from, for
	// sources after the first: an object not in it came from source 0, so
	// a single input costs no entry per object.
	from map[string]int
	// repeats counts objects read again from another source, by the pair
	// of sources (first, later).
	repeats map[[2]int]int
}

// NewObjects returns an empty merge.
func NewObjects() *Objects {
	return &Objects{kept: kinds.NewStore(), versions: map[string]string{}, nsKinds: map[string]bool{}, from: map[string]int{}, repeats: map[[2]int]int{}}
}

// Added is what AddFrom learnt of an object: its kind and identity (UID
// only for kinds the store keeps), and whether the kinds table knows its
// kind (an object of a kind it does not know is counted, never used).
type Added struct {
	Kind, Namespace, Name, UID string
	Known                      bool
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
	kept, _, err := s.add(0, obj)
	return kept, err
}

// AddFrom is Add for an object read from source src (the loader numbers
// its inputs and the archives inside them): an object already read from
// another source is counted as a repeat (Repeats).
func (s *Objects) AddFrom(src int, obj bundle.Object) (Added, error) {
	_, a, err := s.add(src, obj)
	return a, err
}

// Repeats returns how many objects each later source read again after
// an earlier one, by (earlier, later) source.
func (s *Objects) Repeats() map[[2]int]int { return s.repeats }

func (s *Objects) add(src int, obj bundle.Object) (bool, Added, error) {
	k := kinds.Lookup(kinds.GroupOf(obj.APIVersion), obj.Kind)
	if obj.Unread {
		kept, a, err := s.addUnread(src, k, obj)
		a.Known = a.Known || (k != nil && err == nil && a.Kind == obj.Kind)
		return kept, a, err
	}
	if k != nil && k.Namespaced && obj.Namespace == "" {
		obj.Namespace = DefaultNamespace
	}
	// Skip the decoding when a newer version is already kept.
	s.mu.Lock()
	id := objectID(obj)
	old, seen := s.versions[id]
	if seen {
		s.noteRepeat(src, id)
	}
	s.mu.Unlock()
	a := Added{Kind: obj.Kind, Namespace: obj.Namespace, Name: obj.Name, UID: obj.UID, Known: k != nil}
	if seen && !newer(obj.ResourceVersion, old) {
		return false, a, nil
	}
	v, keep, err := decode(k, obj)
	if err != nil {
		return false, a, fmt.Errorf("%s %s/%s: %w", obj.Kind, obj.Namespace, obj.Name, err)
	}
	defaultNamespaceOf(k, v)
	if !keep {
		v = nil
	}
	return s.commit(src, k, obj, v, seen), a, nil
}

// noteRepeat counts an object read again, from src, under the lock.
func (s *Objects) noteRepeat(src int, id string) {
	first, ok := s.from[id]
	if !ok {
		first = 0
	}
	if first != src {
		s.repeats[[2]int{first, src}]++
	}
}

// addUnread stores an object whose metadata the reader did not parse: the
// typed decode reads it, and a `kind: List` item of another kind than the
// list's first is sent down the ordinary path with its real kind.
func (s *Objects) addUnread(src int, k *kinds.Kind, obj bundle.Object) (bool, Added, error) {
	v, keep, err := decode(k, obj)
	if err != nil {
		return false, Added{Kind: obj.Kind}, fmt.Errorf("%s: %w", obj.Kind, err)
	}
	if v == nil { // a kind the store does not keep: read just the head
		var h struct {
			metav1.TypeMeta `json:",inline"`
			Metadata        metav1.ObjectMeta `json:"metadata"`
		}
		if err := unmarshal(obj.Raw, &h); err != nil {
			return false, Added{Kind: obj.Kind}, fmt.Errorf("%s: %w", obj.Kind, err)
		}
		if obj.KindMustMatch && h.Kind != obj.Kind {
			return s.retype(src, obj, h.TypeMeta, &h.Metadata)
		}
		obj.Namespace, obj.Name, obj.ResourceVersion = h.Metadata.Namespace, h.Metadata.Name, h.Metadata.ResourceVersion
		return s.commit(src, k, obj, nil, false), Added{Kind: obj.Kind, Namespace: obj.Namespace, Name: obj.Name}, nil
	}
	m, ok := v.(metav1.Object)
	if !ok {
		return false, Added{Kind: obj.Kind}, fmt.Errorf("%s: no metadata", obj.Kind)
	}
	if obj.KindMustMatch {
		if tk, ok := v.(interface{ GetObjectKind() schema.ObjectKind }); ok {
			gvk := tk.GetObjectKind().GroupVersionKind()
			if gvk.Kind != obj.Kind || gvk.GroupVersion().String() != obj.APIVersion {
				return s.retype(src, obj, metav1.TypeMeta{Kind: gvk.Kind, APIVersion: gvk.GroupVersion().String()}, m)
			}
		}
	}
	defaultNamespaceOf(k, v)
	obj.Namespace, obj.Name, obj.ResourceVersion = m.GetNamespace(), m.GetName(), m.GetResourceVersion()
	a := Added{Kind: obj.Kind, Namespace: obj.Namespace, Name: obj.Name, UID: string(m.GetUID())}
	if !keep {
		v = nil
	}
	return s.commit(src, k, obj, v, false), a, nil // commit keeps the newer version
}

// retype re-adds a `kind: List` item whose own kind differs from the hint.
func (s *Objects) retype(src int, obj bundle.Object, tm metav1.TypeMeta, m metav1.Object) (bool, Added, error) {
	if tm.Kind == "" {
		return false, Added{}, fmt.Errorf("item %s/%s: object has no kind", m.GetNamespace(), m.GetName())
	}
	return s.add(src, bundle.Object{APIVersion: tm.APIVersion, Kind: tm.Kind, Namespace: m.GetNamespace(),
		Name: m.GetName(), ResourceVersion: m.GetResourceVersion(), Raw: obj.Raw})
}

// commit records obj and keeps v (nil: only counted) in k's table, under
// the lock, unless a newer version won meanwhile. counted: the caller
// already counted obj as a repeat.
func (s *Objects) commit(src int, k *kinds.Kind, obj bundle.Object, v any, counted bool) bool {
	// The decoder's strings may point into a whole list's bytes; what the
	// store keeps must not pin them.
	obj.Name, obj.Namespace, obj.ResourceVersion = strings.Clone(obj.Name), strings.Clone(obj.Namespace), strings.Clone(obj.ResourceVersion)
	kind := obj.Kind
	id := objectID(obj)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.versions[id]; ok {
		if !counted {
			s.noteRepeat(src, id)
		}
		if !newer(obj.ResourceVersion, old) {
			return false
		}
	} else {
		s.kept.Saw(kind)
		if src != 0 {
			s.from[id] = src
		}
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

// DefaultNamespace is the namespace of a namespaced object that names
// none. Only a manifest lacks it (the API server always fills it in, so
// kubectl get and gather output carry it), and `kubectl apply` puts such
// an object in the context's namespace, "default" unless set; istioctl
// analyze reads local files the same way (pkg/config/analysis/local:
// resources without a namespace take the analyzer's default namespace).
// Left empty, a manifest's short host "reviews" would resolve to no
// namespace and miss the Service beside it in the same file.
const DefaultNamespace = "default"

// defaultNamespaceOf gives a decoded namespaced object without a
// namespace DefaultNamespace.
func defaultNamespaceOf(k *kinds.Kind, v any) {
	if k == nil || !k.Namespaced {
		return
	}
	if m, ok := v.(metav1.Object); ok && m.GetNamespace() == "" {
		m.SetNamespace(DefaultNamespace)
	}
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
	e, err := EventV1(obj.Raw)
	if err != nil {
		return nil, false, err
	}
	e.ManagedFields = nil
	return e, slimObject(e), nil
}

// EventV1 reads an events.k8s.io/v1 Event as the core/v1 Event it
// describes: regarding and note as the involved object and message, the
// deprecated first and last times, count and source under the core
// names, reportingController as the reporting controller, and a series'
// count as the count. The analysis and the browsing commands both read
// events through it.
func EventV1(raw []byte) (*corev1.Event, error) {
	var ev struct {
		corev1.Event
		Regarding corev1.ObjectReference `json:"regarding"`
		Note      string                 `json:"note"`
		// eventTime and series are read into the core Event's own
		// fields, which have those names.
		DeprecatedCount          int32              `json:"deprecatedCount"`
		DeprecatedFirstTimestamp metav1.Time        `json:"deprecatedFirstTimestamp"`
		DeprecatedLastTimestamp  metav1.Time        `json:"deprecatedLastTimestamp"`
		DeprecatedSource         corev1.EventSource `json:"deprecatedSource"`
		ReportingController      string             `json:"reportingController"`
	}
	if err := unmarshal(raw, &ev); err != nil {
		return nil, err
	}
	e := ev.Event
	e.InvolvedObject, e.Message, e.Count = ev.Regarding, ev.Note, ev.DeprecatedCount
	e.FirstTimestamp, e.LastTimestamp = ev.DeprecatedFirstTimestamp, ev.DeprecatedLastTimestamp
	e.Source, e.ReportingController = ev.DeprecatedSource, ev.ReportingController
	if e.Series != nil {
		e.Count = e.Series.Count
	}
	return &e, nil
}
