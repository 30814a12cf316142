package analyzers

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nohealthy/nohealthy/bundle"
)

// A bundle stores each resource of a namespace as one list (gather's
// resources/shop/pods.json, a dump's shop/pods.json). For the kinds that
// make up most of a big bundle's bytes, AddList decodes such a file in one
// pass straight into typed items: no pass to find where items start and
// end, and no copy of each item for the decoder. Anything unexpected (a
// list of another kind, mixed items, a malformed item) declines, and the
// caller reads the file the general way, which reports problems per item.

// listDecoder decodes one file as a list of its kind into the store.
type listDecoder func(s *Store, data []byte) (ok bool, errs []error)

// listDecoders maps a list file's base name to its decoder.
var listDecoders = map[string]listDecoder{
	"pods.json": func(s *Store, data []byte) (bool, []error) {
		return addList(s, "Pod", "", data, s.Pods)
	},
	"events.json": func(s *Store, data []byte) (bool, []error) {
		return addList(s, "Event", "", data, s.Events)
	},
	"replicasets.apps.json": func(s *Store, data []byte) (bool, []error) {
		return addList(s, "ReplicaSet", "apps", data, s.ReplicaSets)
	},
	"deployments.apps.json": func(s *Store, data []byte) (bool, []error) {
		return addList(s, "Deployment", "apps", data, s.Deployments)
	},
	"endpointslices.discovery.k8s.io.json": func(s *Store, data []byte) (bool, []error) {
		return addList(s, "EndpointSlice", "discovery.k8s.io", data, s.EndpointSlices)
	},
	"services.json": func(s *Store, data []byte) (bool, []error) {
		return addList(s, "Service", "", data, s.Services)
	},
}

// AddList reads data, the file name, as a list of one modeled kind. ok is
// false when the file is not that (nothing was stored then); errs are the
// items that could not be stored, as Add reports them.
func (s *Store) AddList(name string, data []byte) (ok bool, errs []error) {
	dec := listDecoders[name]
	if dec == nil {
		return false, nil
	}
	return dec(s, data)
}

func addList[T any](s *Store, kind, apiGroup string, data []byte, m map[string]*T) (bool, []error) {
	var l struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Items      []T    `json:"items"`
	}
	if unmarshal(data, &l) != nil || l.Items == nil {
		return false, nil
	}
	if l.Kind != kind+"List" && l.Kind != "List" {
		return false, nil
	}
	if l.Kind == kind+"List" && group(l.APIVersion) != apiGroup {
		return false, nil
	}
	// Every item must be of the kind: typed lists' items usually carry no
	// kind (the list says it); a `kind: List` item must say it itself.
	for i := range l.Items {
		tm := typeMetaOf(&l.Items[i])
		if tm.Kind == "" && l.Kind == kind+"List" {
			continue
		}
		if tm.Kind != kind || group(tm.APIVersion) != apiGroup {
			return false, nil
		}
	}
	var errs []error
	for i := range l.Items {
		v := new(T)
		*v = l.Items[i] // a copy: a kept item must not pin the whole list
		tm := typeMetaOf(v)
		apiVersion := tm.APIVersion
		if apiVersion == "" {
			apiVersion = l.APIVersion
		}
		mo := any(v).(metav1.Object)
		obj := bundle.Object{APIVersion: apiVersion, Kind: kind, Namespace: mo.GetNamespace(), Name: mo.GetName(), ResourceVersion: mo.GetResourceVersion()}
		if obj.Name == "" {
			errs = append(errs, fmt.Errorf("%s item %d: no metadata.name", kind, i))
			continue
		}
		id := group(obj.APIVersion) + "/" + kind + "/" + key(obj.Namespace, obj.Name)
		s.mu.Lock()
		old, seen := s.versions[id]
		s.mu.Unlock()
		if seen && !newer(obj.ResourceVersion, old) {
			continue
		}
		_, put := keepDecoded(v, m)
		s.commit(obj, put)
	}
	return true, errs
}

// typeMetaOf returns the TypeMeta of a stored object type.
func typeMetaOf(v any) *metav1.TypeMeta {
	switch o := v.(type) {
	case *corev1.Pod:
		return &o.TypeMeta
	case *corev1.Event:
		return &o.TypeMeta
	case *corev1.Service:
		return &o.TypeMeta
	case *appsv1.ReplicaSet:
		return &o.TypeMeta
	case *appsv1.Deployment:
		return &o.TypeMeta
	case *discoveryv1.EndpointSlice:
		return &o.TypeMeta
	}
	panic(fmt.Sprintf("typeMetaOf: %T is not a list-decoded type", v))
}
