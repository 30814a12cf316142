package analyzers

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"

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
// into a warning.
func (s *Store) Add(obj bundle.Object) (bool, error) {
	g := group(obj.APIVersion)
	kind := obj.Kind
	id := g + "/" + kind + "/" + key(obj.Namespace, obj.Name)
	if old, ok := s.versions[id]; ok && !newer(obj.ResourceVersion, old) {
		return false, nil
	}
	var err error
	k := key(obj.Namespace, obj.Name)
	if obj.Namespace != "" {
		s.nsKinds[kind+"@"+obj.Namespace] = true
	}
	switch {
	case g == "" && kind == "Pod":
		err = decodeInto(obj, s.Pods, k)
	case g == "" && kind == "Service":
		err = decodeInto(obj, s.Services, k)
	case g == "discovery.k8s.io" && kind == "EndpointSlice":
		err = decodeInto(obj, s.EndpointSlices, k)
	case g == "" && kind == "Endpoints":
		err = decodeInto(obj, s.Endpoints, k)
	case g == "" && kind == "Node":
		err = decodeInto(obj, s.Nodes, obj.Name)
	case g == "" && kind == "Namespace":
		err = decodeInto(obj, s.Namespaces, obj.Name)
	case (g == "" || g == "events.k8s.io") && kind == "Event":
		err = s.addEvent(obj)
	case g == "apps" && kind == "Deployment":
		err = decodeInto(obj, s.Deployments, k)
	case g == "apps" && kind == "ReplicaSet":
		err = decodeInto(obj, s.ReplicaSets, k)
	case g == "apps" && kind == "StatefulSet":
		err = decodeInto(obj, s.StatefulSets, k)
	case g == "apps" && kind == "DaemonSet":
		err = decodeInto(obj, s.DaemonSets, k)
	case g == "autoscaling" && kind == "HorizontalPodAutoscaler":
		err = decodeInto(obj, s.HPAs, k)
	case g == "networking.k8s.io" && kind == "NetworkPolicy":
		err = decodeInto(obj, s.NetworkPolicies, k)
	case (g == "networking.k8s.io" || g == "extensions") && kind == "Ingress":
		err = decodeInto(obj, s.Ingresses, k)
	case g == "networking.istio.io" && kind == "VirtualService":
		err = decodeInto(obj, s.VirtualServices, k)
	case g == "networking.istio.io" && kind == "DestinationRule":
		err = decodeInto(obj, s.DestinationRules, k)
	case g == "networking.istio.io" && kind == "Gateway":
		err = decodeInto(obj, s.Gateways, k)
	case g == "networking.istio.io" && kind == "ServiceEntry":
		err = decodeInto(obj, s.ServiceEntries, k)
	case g == "" && kind == "ConfigMap":
		err = decodeInto(obj, s.ConfigMaps, k)
	case g == "security.istio.io" && kind == "PeerAuthentication":
		err = decodeInto(obj, s.PeerAuths, k)
	default:
		s.kinds[kind]++
		s.versions[id] = obj.ResourceVersion
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%s %s: %w", kind, k, err)
	}
	if _, seen := s.versions[id]; !seen {
		s.kinds[kind]++
	}
	s.versions[id] = obj.ResourceVersion
	return true, nil
}

func decodeInto[T any](obj bundle.Object, m map[string]*T, k string) error {
	v := new(T)
	if err := json.Unmarshal(obj.Raw, v); err != nil {
		return err
	}
	m[k] = v
	return nil
}

// addEvent accepts core/v1 Events and events.k8s.io/v1 Events, storing both
// as core Events so rules see one shape.
func (s *Store) addEvent(obj bundle.Object) error {
	k := key(obj.Namespace, obj.Name)
	if group(obj.APIVersion) == "" {
		return decodeInto(obj, s.Events, k)
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
	if err := json.Unmarshal(obj.Raw, &ev); err != nil {
		return err
	}
	e := ev.Event
	e.InvolvedObject = ev.Regarding
	e.Message = ev.Note
	e.Count = ev.DeprecatedCount
	if ev.Series != nil {
		e.Count = ev.Series.Count
	}
	s.Events[k] = &e
	return nil
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
