package analyzers

import (
	"fmt"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/nohealthy/nohealthy/bundle"
)

// Store holds the objects of every input, merged: an object seen twice is
// kept once and the newest resourceVersion wins.
type Store struct {
	Pods             map[string]*corev1.Pod
	Services         map[string]*corev1.Service
	EndpointSlices   map[string]*discoveryv1.EndpointSlice
	Endpoints        map[string]*corev1.Endpoints
	Nodes            map[string]*corev1.Node
	Namespaces       map[string]*corev1.Namespace
	Events           map[string]*corev1.Event
	Deployments      map[string]*appsv1.Deployment
	ReplicaSets      map[string]*appsv1.ReplicaSet
	StatefulSets     map[string]*appsv1.StatefulSet
	DaemonSets       map[string]*appsv1.DaemonSet
	HPAs             map[string]*autoscalingv2.HorizontalPodAutoscaler
	NetworkPolicies  map[string]*networkingv1.NetworkPolicy
	Ingresses        map[string]*networkingv1.Ingress
	VirtualServices  map[string]*VirtualService
	DestinationRules map[string]*DestinationRule
	Gateways         map[string]*Gateway
	ServiceEntries   map[string]*ServiceEntry
	PeerAuths        map[string]*PeerAuthentication
	ConfigMaps       map[string]*corev1.ConfigMap

	// versions remembers the resourceVersion kept per kind/ns/name.
	versions map[string]string
	// kinds counts objects read per kind (also kinds we do not model).
	kinds map[string]int
	mu    sync.Mutex
	// nsKinds records "Kind@namespace" for every namespace an object of
	// the kind was read from.
	nsKinds map[string]bool
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{
		Pods: map[string]*corev1.Pod{}, Services: map[string]*corev1.Service{},
		EndpointSlices: map[string]*discoveryv1.EndpointSlice{}, Endpoints: map[string]*corev1.Endpoints{},
		Nodes: map[string]*corev1.Node{}, Namespaces: map[string]*corev1.Namespace{},
		Events: map[string]*corev1.Event{}, Deployments: map[string]*appsv1.Deployment{},
		ReplicaSets: map[string]*appsv1.ReplicaSet{}, StatefulSets: map[string]*appsv1.StatefulSet{},
		DaemonSets: map[string]*appsv1.DaemonSet{}, HPAs: map[string]*autoscalingv2.HorizontalPodAutoscaler{},
		NetworkPolicies: map[string]*networkingv1.NetworkPolicy{}, Ingresses: map[string]*networkingv1.Ingress{},
		VirtualServices: map[string]*VirtualService{}, DestinationRules: map[string]*DestinationRule{},
		Gateways: map[string]*Gateway{}, ServiceEntries: map[string]*ServiceEntry{}, PeerAuths: map[string]*PeerAuthentication{},
		ConfigMaps: map[string]*corev1.ConfigMap{},
		versions:   map[string]string{}, kinds: map[string]int{}, nsKinds: map[string]bool{},
	}
}

// objectID identifies an object across inputs: group, kind, namespace, name.
func objectID(obj bundle.Object) string {
	return group(obj.APIVersion) + "/" + obj.Kind + "/" + key(obj.Namespace, obj.Name)
}

// key is the map key of a namespaced object.
func key(ns, name string) string { return ns + "/" + name }

// group returns the API group of an apiVersion ("" for core).
func group(apiVersion string) string {
	if i := strings.IndexByte(apiVersion, '/'); i >= 0 {
		return apiVersion[:i]
	}
	return ""
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

// Add decodes obj into its typed form. Kinds the analyzer does not model
// are counted and dropped. An error names the object; the caller turns it
// into a warning. Add is safe for concurrent use: the JSON decoding, which
// is the cost, runs outside the lock.
func (s *Store) Add(obj bundle.Object) (bool, error) {
	if obj.Unread {
		return s.addUnread(obj)
	}
	// Skip the decoding when a newer version is already kept.
	s.mu.Lock()
	old, seen := s.versions[objectID(obj)]
	s.mu.Unlock()
	if seen && !newer(obj.ResourceVersion, old) {
		return false, nil
	}
	_, put, err := s.decodeTyped(obj)
	if err != nil {
		return false, fmt.Errorf("%s %s: %w", obj.Kind, key(obj.Namespace, obj.Name), err)
	}
	return s.commit(obj, put), nil
}

// addUnread stores an object whose metadata the reader did not parse: the
// typed decode reads it, and a `kind: List` item of another kind than the
// list's first is sent down the ordinary path with its real kind.
func (s *Store) addUnread(obj bundle.Object) (bool, error) {
	v, put, err := s.decodeTyped(obj)
	if err != nil {
		return false, fmt.Errorf("%s: %w", obj.Kind, err)
	}
	if v == nil { // a kind the store does not model: read just the head
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
		return s.commit(obj, nil), nil
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
	return s.commit(obj, put), nil // commit keeps the newer version
}

// retype re-adds a `kind: List` item whose own kind differs from the hint.
func (s *Store) retype(obj bundle.Object, tm metav1.TypeMeta, m metav1.Object) (bool, error) {
	if tm.Kind == "" {
		return false, fmt.Errorf("item %s: object has no kind", key(m.GetNamespace(), m.GetName()))
	}
	return s.Add(bundle.Object{APIVersion: tm.APIVersion, Kind: tm.Kind, Namespace: m.GetNamespace(),
		Name: m.GetName(), ResourceVersion: m.GetResourceVersion(), Raw: obj.Raw})
}

// commit records obj and runs put (the typed insertion) under the lock,
// unless a newer version won meanwhile.
func (s *Store) commit(obj bundle.Object, put func(k string)) bool {
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
		s.kinds[kind]++
	}
	s.versions[id] = obj.ResourceVersion
	if obj.Namespace != "" {
		s.nsKinds[kind+"@"+obj.Namespace] = true
	}
	if put == nil {
		return false
	}
	if kind == "Node" || kind == "Namespace" { // cluster-scoped: keyed by name
		put(obj.Name)
	} else {
		put(key(obj.Namespace, obj.Name))
	}
	return true
}

// decodeTyped decodes obj into the type its kind maps to; v and put are
// nil for kinds the store does not model (or objects slimming drops).
func (s *Store) decodeTyped(obj bundle.Object) (v any, put func(k string), err error) {
	g := group(obj.APIVersion)
	switch kind := obj.Kind; {
	case g == "" && kind == "Pod":
		return decodeProjected[corev1.Pod, podProjection](obj, s.Pods)
	case g == "" && kind == "Service":
		return decodeFor(obj, s.Services)
	case g == "discovery.k8s.io" && kind == "EndpointSlice":
		return decodeFor(obj, s.EndpointSlices)
	case g == "" && kind == "Endpoints":
		return decodeFor(obj, s.Endpoints)
	case g == "" && kind == "Node":
		return decodeProjected[corev1.Node, nodeProjection](obj, s.Nodes)
	case g == "" && kind == "Namespace":
		return decodeFor(obj, s.Namespaces)
	case (g == "" || g == "events.k8s.io") && kind == "Event":
		return s.decodeEvent(obj)
	case g == "apps" && kind == "Deployment":
		return decodeProjected[appsv1.Deployment, deploymentProjection](obj, s.Deployments)
	case g == "apps" && kind == "ReplicaSet":
		return decodeProjected[appsv1.ReplicaSet, replicaSetProjection](obj, s.ReplicaSets)
	case g == "apps" && kind == "StatefulSet":
		return decodeProjected[appsv1.StatefulSet, statefulSetProjection](obj, s.StatefulSets)
	case g == "apps" && kind == "DaemonSet":
		return decodeProjected[appsv1.DaemonSet, daemonSetProjection](obj, s.DaemonSets)
	case g == "autoscaling" && kind == "HorizontalPodAutoscaler":
		return decodeFor(obj, s.HPAs)
	case g == "networking.k8s.io" && kind == "NetworkPolicy":
		return decodeFor(obj, s.NetworkPolicies)
	case (g == "networking.k8s.io" || g == "extensions") && kind == "Ingress":
		return decodeFor(obj, s.Ingresses)
	case g == "networking.istio.io" && kind == "VirtualService":
		return decodeFor(obj, s.VirtualServices)
	case g == "networking.istio.io" && kind == "DestinationRule":
		return decodeFor(obj, s.DestinationRules)
	case g == "networking.istio.io" && kind == "Gateway":
		return decodeFor(obj, s.Gateways)
	case g == "networking.istio.io" && kind == "ServiceEntry":
		return decodeFor(obj, s.ServiceEntries)
	case g == "" && kind == "ConfigMap":
		return decodeFor(obj, s.ConfigMaps)
	case g == "security.istio.io" && kind == "PeerAuthentication":
		return decodeFor(obj, s.PeerAuths)
	}
	return nil, nil, nil
}

// managed is implemented by every typed object (via ObjectMeta).
type managed interface {
	SetManagedFields([]metav1.ManagedFieldsEntry)
}

// decodeFor decodes obj into a new T and returns it with its insertion
// into m, to run under the store's lock. managedFields are dropped: they
// are large and no rule reads them.
func decodeFor[T any](obj bundle.Object, m map[string]*T) (any, func(string), error) {
	return decodeProjected[T, T](obj, m)
}

// decodeProjected is decodeFor reading the JSON through P, a projection
// of T (see projection.go): the fields P skips stay zero. When the twins
// no longer match k8s.io/api (projectionsUsable), it decodes T in full.
func decodeProjected[T, P any](obj bundle.Object, m map[string]*T) (any, func(string), error) {
	v := new(T)
	var into any = v
	if projectionsUsable {
		into = (*P)(unsafe.Pointer(v))
	}
	if err := unmarshal(obj.Raw, into); err != nil {
		return nil, nil, err
	}
	if mo, ok := any(v).(managed); ok {
		mo.SetManagedFields(nil)
	}
	if !slimObject(v) {
		return v, nil, nil
	}
	return v, func(k string) { m[k] = v }, nil
}

// unmarshal decodes one object's JSON with the encoding/json v2 decoder
// (github.com/go-json-experiment/json, the code behind Go's experimental
// encoding/json/v2). It calls the same UnmarshalJSON methods as
// encoding/json, and matches keys case-sensitively, as Kubernetes' own
// decoder (sigs.k8s.io/json) does. What made it faster on a big bundle
// than goccy/go-json, though it is a little slower per object, is memory:
// it reads the input in place and copies each string it keeps, where
// goccy copies the whole input (a bundle's 50,000 pretty-printed pods are
// 780 MB) and points the strings into that copy. Allocations fell 3.5x
// per Pod, and with them the collector's work and the page faults of a
// heap that grew for garbage. Strings never pointing into data is also
// what lets the loader recycle entry buffers once their objects are
// decoded (TestStoredObjectsOwnTheirStrings).
//
// It is as lenient as encoding/json about what a cluster or an editor may
// have written: a repeated key keeps the last value, invalid UTF-8 turns
// into U+FFFD. A panic inside the decoder on hostile bytes becomes an error
// naming the object, never a crash.
func unmarshal(data []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed object: %v", r)
		}
	}()
	if err := jsonv2.Unmarshal(data, v, lenientJSON); err != nil {
		return fmt.Errorf("malformed object: %w", err)
	}
	return nil
}

// lenientJSON are unmarshal's options.
var lenientJSON = jsonv2.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// droppedEvent reads only what decides whether slimming keeps a core/v1
// Event (its type and reason) and the identity the store records for it.
// Most events of a big cluster are Normal ones no rule cites; decoding each
// in full only to drop it was a large share of the object decoding. ok is
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

// addEvent accepts core/v1 Events and events.k8s.io/v1 Events, storing both
// as core Events so rules see one shape.
func (s *Store) decodeEvent(obj bundle.Object) (any, func(string), error) {
	if group(obj.APIVersion) == "" {
		if h, ok := droppedEvent(obj); ok {
			return h, nil, nil
		}
		return decodeFor(obj, s.Events)
	}
	var ev struct {
		corev1.Event
		Regarding corev1.ObjectReference `json:"regarding"`
		Note      string                 `json:"note"`
		Series    *struct {
			Count int32 `json:"count"`
		} `json:"series"`
		DeprecatedCount int32 `json:"deprecatedCount"`
	}
	if err := unmarshal(obj.Raw, &ev); err != nil {
		return nil, nil, err
	}
	e := ev.Event
	e.InvolvedObject = ev.Regarding
	e.Message = ev.Note
	e.Count = ev.DeprecatedCount
	if ev.Series != nil {
		e.Count = ev.Series.Count
	}
	e.ManagedFields = nil
	if !slimObject(&e) {
		return &e, nil, nil
	}
	return &e, func(k string) { s.Events[k] = &e }, nil
}

// Count is the number of distinct objects kept (all kinds).
func (s *Store) Count() int {
	n := 0
	for _, c := range s.kinds {
		n += c
	}
	return n
}

// Has reports whether at least one object of kind was read.
func (s *Store) Has(kind string) bool { return s.kinds[kind] > 0 }

// sortedKeys returns the keys of m in order, so facts come out stable.
func sortedKeys[T any](m map[string]T) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
