package analyzers

import (
	"fmt"
	gojson "github.com/goccy/go-json"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

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
	// The decoder's strings may point into a whole list's bytes; what the
	// store keeps must not pin them.
	obj.Name, obj.Namespace, obj.ResourceVersion = strings.Clone(obj.Name), strings.Clone(obj.Namespace), strings.Clone(obj.ResourceVersion)
	g := group(obj.APIVersion)
	kind := obj.Kind
	id := g + "/" + kind + "/" + key(obj.Namespace, obj.Name)
	s.mu.Lock()
	old, seen := s.versions[id]
	s.mu.Unlock()
	if seen && !newer(obj.ResourceVersion, old) {
		return false, nil
	}
	var insert func()
	var err error
	k := key(obj.Namespace, obj.Name)
	switch {
	case g == "" && kind == "Pod":
		insert, err = decodeFor(obj, s.Pods, k)
	case g == "" && kind == "Service":
		insert, err = decodeFor(obj, s.Services, k)
	case g == "discovery.k8s.io" && kind == "EndpointSlice":
		insert, err = decodeFor(obj, s.EndpointSlices, k)
	case g == "" && kind == "Endpoints":
		insert, err = decodeFor(obj, s.Endpoints, k)
	case g == "" && kind == "Node":
		insert, err = decodeFor(obj, s.Nodes, obj.Name)
	case g == "" && kind == "Namespace":
		insert, err = decodeFor(obj, s.Namespaces, obj.Name)
	case (g == "" || g == "events.k8s.io") && kind == "Event":
		insert, err = s.decodeEvent(obj)
	case g == "apps" && kind == "Deployment":
		insert, err = decodeFor(obj, s.Deployments, k)
	case g == "apps" && kind == "ReplicaSet":
		insert, err = decodeFor(obj, s.ReplicaSets, k)
	case g == "apps" && kind == "StatefulSet":
		insert, err = decodeFor(obj, s.StatefulSets, k)
	case g == "apps" && kind == "DaemonSet":
		insert, err = decodeFor(obj, s.DaemonSets, k)
	case g == "autoscaling" && kind == "HorizontalPodAutoscaler":
		insert, err = decodeFor(obj, s.HPAs, k)
	case g == "networking.k8s.io" && kind == "NetworkPolicy":
		insert, err = decodeFor(obj, s.NetworkPolicies, k)
	case (g == "networking.k8s.io" || g == "extensions") && kind == "Ingress":
		insert, err = decodeFor(obj, s.Ingresses, k)
	case g == "networking.istio.io" && kind == "VirtualService":
		insert, err = decodeFor(obj, s.VirtualServices, k)
	case g == "networking.istio.io" && kind == "DestinationRule":
		insert, err = decodeFor(obj, s.DestinationRules, k)
	case g == "networking.istio.io" && kind == "Gateway":
		insert, err = decodeFor(obj, s.Gateways, k)
	case g == "networking.istio.io" && kind == "ServiceEntry":
		insert, err = decodeFor(obj, s.ServiceEntries, k)
	case g == "" && kind == "ConfigMap":
		insert, err = decodeFor(obj, s.ConfigMaps, k)
	case g == "security.istio.io" && kind == "PeerAuthentication":
		insert, err = decodeFor(obj, s.PeerAuths, k)
	}
	if err != nil {
		return false, fmt.Errorf("%s %s: %w", kind, k, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.versions[id]; ok {
		if !newer(obj.ResourceVersion, old) {
			return false, nil
		}
	} else {
		s.kinds[kind]++
	}
	s.versions[id] = obj.ResourceVersion
	if obj.Namespace != "" {
		s.nsKinds[kind+"@"+obj.Namespace] = true
	}
	if insert == nil {
		return false, nil
	}
	insert()
	return true, nil
}

// unmarshal decodes one object's JSON. It uses goccy/go-json, which reads
// the same struct tags and Unmarshaler methods as encoding/json at about
// 3.5x the speed on Pods; decoding typed objects is most of analyze's CPU
// on a large bundle. A panic inside the decoder on hostile bytes becomes
// an error naming the object, never a crash.
func unmarshal(data []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed object: %v", r)
		}
	}()
	if err := gojson.Unmarshal(data, v); err != nil {
		return fmt.Errorf("malformed object: %w", err)
	}
	return nil
}

// managed is implemented by every typed object (via ObjectMeta).
type managed interface {
	SetManagedFields([]metav1.ManagedFieldsEntry)
}

// decodeFor decodes obj into a new T and returns the insertion into m, to
// run under the store's lock. managedFields are dropped: they are large and
// no rule reads them.
func decodeFor[T any](obj bundle.Object, m map[string]*T, k string) (insert func(), err error) {
	v := new(T)
	if err := unmarshal(obj.Raw, v); err != nil {
		return nil, err
	}
	if mo, ok := any(v).(managed); ok {
		mo.SetManagedFields(nil)
	}
	if !slimObject(v) {
		return nil, nil
	}
	cloneStrings(reflect.ValueOf(v))
	return func() { m[k] = v }, nil
}

// addEvent accepts core/v1 Events and events.k8s.io/v1 Events, storing both
// as core Events so rules see one shape.
func (s *Store) decodeEvent(obj bundle.Object) (func(), error) {
	k := key(obj.Namespace, obj.Name)
	if group(obj.APIVersion) == "" {
		return decodeFor(obj, s.Events, k)
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
		return nil, err
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
		return nil, nil
	}
	cloneStrings(reflect.ValueOf(&e))
	return func() { s.Events[k] = &e }, nil
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
