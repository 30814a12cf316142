package analyzers

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/nohealthy/nohealthy/bundle"
)

// generalPath stores a file the way any objects file is read.
func generalPath(t *testing.T, s *Store, name string, data []byte) {
	t.Helper()
	err := bundle.StreamObjectsBytes(name, data, bundle.Limits{}, func(o bundle.Object) error {
		if _, err := s.Add(o); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// TestAddListMatchesGeneralPath: every list file of the corpus that the
// one-pass decoder accepts gives the very store the general path gives.
func TestAddListMatchesGeneralPath(t *testing.T) {
	files, _ := filepath.Glob("../testdata/bundles/*/bundle/resources/*/*.json")
	fast, slow := NewStore(), NewStore()
	n := 0
	for _, f := range files {
		if listDecoders[filepath.Base(f)] == nil {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ok, errs := fast.AddList(filepath.Base(f), data)
		if !ok || len(errs) > 0 {
			t.Fatalf("%s: AddList declined a gathered list (errs %v)", f, errs)
		}
		generalPath(t, slow, filepath.Base(f), data)
		n++
	}
	if n < 100 {
		t.Fatalf("only %d list files checked", n)
	}
	if !reflect.DeepEqual(fast, slow) {
		for _, pair := range [][2]any{{fast.Pods, slow.Pods}, {fast.Events, slow.Events}, {fast.Services, slow.Services},
			{fast.ReplicaSets, slow.ReplicaSets}, {fast.Deployments, slow.Deployments}, {fast.EndpointSlices, slow.EndpointSlices},
			{fast.versions, slow.versions}, {fast.kinds, slow.kinds}, {fast.nsKinds, slow.nsKinds}} {
			if !reflect.DeepEqual(pair[0], pair[1]) {
				t.Errorf("stores differ: %T", pair[0])
			}
		}
		t.Fatal("AddList and the general path stored different objects")
	}
	if len(fast.Pods) == 0 || len(fast.Events) == 0 {
		t.Fatal("nothing stored")
	}
}

// TestAddListDeclines: what is not a plain list of the file's kind is left
// to the general path, untouched.
func TestAddListDeclines(t *testing.T) {
	for name, doc := range map[string]string{
		"pods.json":             `{"apiVersion":"v1","kind":"ServiceList","items":[{"metadata":{"name":"a"}}]}`,
		"events.json":           `{"apiVersion":"events.k8s.io/v1","kind":"EventList","items":[{"metadata":{"name":"a"},"note":"x"}]}`,
		"services.json":         `{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}},{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}]}`,
		"pods.json ":            `{"kind":"PodList","items":[]}`,
		"deployments.apps.json": `{"apiVersion":"apps/v1","kind":"DeploymentList","items":[{"metadata":{"name":"a"},"spec":{"replicas":"x"}}]}`,
		"replicasets.apps.json": `apiVersion: v1
kind: List`,
	} {
		s := NewStore()
		if ok, _ := s.AddList(name, []byte(doc)); ok || s.Count() != 0 {
			t.Errorf("%s %s: accepted", name, doc)
		}
	}
	s := NewStore()
	ok, errs := s.AddList("pods.json", []byte(`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"n","resourceVersion":"5"}},{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"n","resourceVersion":"3"}}]}`))
	if !ok || len(errs) > 0 || len(s.Pods) != 1 || s.versions["/Pod/n/a"] != "5" {
		t.Fatalf("kind: List of pods: ok=%v errs=%v pods=%d versions=%v", ok, errs, len(s.Pods), s.versions)
	}
}
