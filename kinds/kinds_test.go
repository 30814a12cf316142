package kinds

import (
	"reflect"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestRegistry: the table is consistent (index finds no mistake), every
// row is found by its group and kind and by its collector name, stored
// rows make objects of their table's type and key them by their scope.
func TestRegistry(t *testing.T) {
	if err := index(); err != nil {
		t.Fatal(err)
	}
	collectors := map[string]bool{}
	for _, k := range All() {
		if Lookup(k.Group, k.Kind) != k {
			t.Errorf("Lookup(%q, %q) does not find its row", k.Group, k.Kind)
		}
		if ByCollector(k.Collector()) != k || collectors[k.Collector()] {
			t.Errorf("collector %s: not unique", k.Collector())
		}
		collectors[k.Collector()] = true
		if k.Kind == "" || k.Resource == "" || len(k.Versions) == 0 {
			t.Errorf("%s/%s: kind, resource and versions are required", k.Group, k.Kind)
		}
		if !k.Stored() {
			if k.New() != nil || k.Facts != "" {
				t.Errorf("%s: a counted kind makes no object and feeds no facts", k.Kind)
			}
			continue
		}
		v := k.New()
		if rv := reflect.ValueOf(v); rv.Kind() != reflect.Pointer || rv.Type().Elem() != k.table.goType() {
			t.Errorf("%s: New made a %T", k.Kind, v)
		}
		if k.Facts == "" {
			t.Errorf("%s is stored but no fact domain reads it: count it instead", k.Kind)
		}
		want := "n"
		if k.Namespaced {
			want = "ns/n"
		}
		if got := k.Key("ns", "n"); got != want {
			t.Errorf("%s: key %q, want %q", k.Kind, got, want)
		}
	}
	if Lookup("", "Secret") != nil || Lookup("apps", "Pod") != nil {
		t.Error("Lookup found a kind the table does not list")
	}
	if ByCollector("events.events.k8s.io").Kind != "Event" || ByCollector("pods").Kind != "Pod" {
		t.Error("collector names do not map to their kinds")
	}
}

// TestStoreTables: what is put under a kind is read back through its
// table, the second group of a kind shares the first's table, and Count
// and Has follow Saw.
func TestStoreTables(t *testing.T) {
	s := NewStore()
	core, v1 := Lookup("", "Event"), Lookup("events.k8s.io", "Event")
	a, b := core.New(), v1.New()
	s.Put(core, "shop", "a", a)
	s.Put(v1, "shop", "b", b)
	s.Put(Lookup("", "Node"), "", "n1", Lookup("", "Node").New())
	if ev := Events.In(s); len(ev) != 2 || any(ev["shop/a"]) != a || any(ev["shop/b"]) != b {
		t.Errorf("events %v", ev)
	}
	if len(Nodes.In(s)) != 1 || Nodes.In(s)["n1"] == nil || len(Pods.In(s)) != 0 {
		t.Errorf("nodes %v pods %v", Nodes.In(s), Pods.In(s))
	}
	s.Saw("Event")
	s.Saw("Event")
	s.Saw("WorkloadEntry")
	if s.Count() != 3 || !s.Has("WorkloadEntry") || s.Has("Pod") || len(s.Kinds()) != 2 {
		t.Errorf("count %d kinds %v", s.Count(), s.Kinds())
	}
}

// TestMeshConfigMap: gather keeps the mesh and proxy configuration
// ConfigMaps, revisioned Istio ones included, and nothing else.
func TestMeshConfigMap(t *testing.T) {
	for name, want := range map[string]bool{
		"istio": true, "istio-1-22": true, "istio-sidecar-injector-canary": true, "coredns": true,
		"ingress-nginx-controller": true, "istio-ca-root-cert": false, "istio-leader": false, "app-config": false,
	} {
		if got := MeshConfigMap("ns", name); got != want {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
}

// TestWritersKept: the kinds whose writers are kept are kinds of the
// table or of the groups gather lists whole, and Writers keeps manager,
// operation and time of the object's own writes only.
func TestWritersKept(t *testing.T) {
	for gk := range writersKept {
		if Lookup(gk.group, gk.kind) == nil && !slices.ContainsFunc(Groups, func(g GroupRule) bool { return g.Group == gk.group }) {
			t.Errorf("%s/%s: neither in the table nor in a group gather lists", gk.group, gk.kind)
		}
	}
	if !KeepsWriters("apps", "Deployment") || KeepsWriters("", "Pod") || KeepsWriters("apps", "ReplicaSet") {
		t.Error("KeepsWriters")
	}
	now := metav1.Now()
	got := Writers([]metav1.ManagedFieldsEntry{
		{Manager: "helm", Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: "apps/v1", Time: &now, FieldsType: "FieldsV1", FieldsV1: &metav1.FieldsV1{Raw: []byte(`{}`)}},
		{Manager: "kube-controller-manager", Operation: metav1.ManagedFieldsOperationUpdate, Time: &now, Subresource: "status"},
		{Manager: "no-time", Operation: metav1.ManagedFieldsOperationApply},
	})
	if len(got) != 1 || got[0] != (metav1.ManagedFieldsEntry{Manager: "helm", Operation: metav1.ManagedFieldsOperationUpdate, Time: &now}) {
		t.Errorf("Writers = %+v", got)
	}
	if Writers(nil) != nil {
		t.Error("Writers(nil) is not nil")
	}
}
