package analyzers

import (
	"reflect"
	"testing"
	"unsafe"

	gojson "github.com/goccy/go-json"
	corev1 "k8s.io/api/core/v1"
)

// stringsIn calls fn with every string reachable from v (exported or not).
func stringsIn(v reflect.Value, fn func(string)) {
	switch v.Kind() {
	case reflect.String:
		fn(v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			stringsIn(v.Elem(), fn)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				stringsIn(v.Field(i), fn)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			stringsIn(v.Index(i), fn)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			stringsIn(it.Key(), fn)
			stringsIn(it.Value(), fn)
		}
	}
}

type recursive struct {
	Name     string
	Children []*recursive
	Any      any
}

func TestCloneStringsCopiesEveryKeptString(t *testing.T) {
	src := []byte(`{"metadata":{"name":"web-1","namespace":"shop","labels":{"app":"web"},
		"ownerReferences":[{"kind":"ReplicaSet","name":"web-5d"}]},
		"spec":{"nodeName":"n1","containers":[{"name":"web","image":"nginx","ports":[{"name":"http","containerPort":80}],
		"readinessProbe":{"httpGet":{"path":"/ready","port":"http"}}}]},
		"status":{"phase":"Running","conditions":[{"type":"Ready","status":"False","reason":"ContainersNotReady"}],
		"containerStatuses":[{"name":"web","state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off"}}}]}}`)
	var pod corev1.Pod
	if err := gojson.Unmarshal(src, &pod); err != nil {
		t.Fatal(err)
	}
	// The decoded strings point into the decoder's copy of src; after
	// cloning, every one must have its own memory.
	before := map[uintptr]bool{}
	stringsIn(reflect.ValueOf(&pod), func(s string) {
		if len(s) > 0 {
			before[uintptr(unsafe.Pointer(unsafe.StringData(s)))] = true
		}
	})
	want := pod.DeepCopy()
	cloneStrings(reflect.ValueOf(&pod))
	if !reflect.DeepEqual(&pod, want) {
		t.Fatal("cloning changed the object")
	}
	var n int
	stringsIn(reflect.ValueOf(&pod), func(s string) {
		n++
		if len(s) > 0 && before[uintptr(unsafe.Pointer(unsafe.StringData(s)))] {
			t.Errorf("string %q was not copied", s)
		}
	})
	if n < 15 {
		t.Fatalf("walked only %d strings", n)
	}

	// A recursive type, and a pointer behind an interface.
	src2 := []byte("abcdef")
	r := &recursive{Name: unsafe.String(&src2[0], 3), Children: []*recursive{{Name: "c", Any: &recursive{Name: unsafe.String(&src2[3], 3)}}}}
	cloneStrings(reflect.ValueOf(r))
	copy(src2, "XXXXXX")
	if r.Name != "abc" || r.Children[0].Any.(*recursive).Name != "def" {
		t.Fatalf("recursive type cloned wrong: %+v", r)
	}
}
