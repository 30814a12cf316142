package load

import (
	"io"
	"path/filepath"
	"reflect"
	"testing"
	"unsafe"

	"github.com/nohealthy/nohealthy/bundle"
)

// stringsIn calls fn with every string reachable from v, unexported
// fields and map keys included.
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
			stringsIn(v.Field(i), fn)
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

// TestStoredObjectsOwnTheirStrings: the loader reads each objects entry
// into a buffer it recycles once the entry's objects are stored, so no
// string the store keeps (object fields, map keys, versions, counts) may
// point into those bytes. Every objects entry of the corpus goes through
// the loader's own path (StreamObjectsBytes, then Objects.Add).
func TestStoredObjectsOwnTheirStrings(t *testing.T) {
	cases, _ := filepath.Glob(filepath.Join("..", "testdata", "bundles", "*", "bundle"))
	if len(cases) == 0 {
		t.Fatal("no corpus cases found")
	}
	s := NewObjects()
	var buffers [][]byte
	for _, c := range cases {
		err := bundle.Walk(c, bundle.Limits{}, func(string, error) {}, func(e *bundle.Entry) error {
			if e.Type != bundle.EntryObjects {
				return nil
			}
			data, err := io.ReadAll(e.Body)
			if err != nil {
				return err
			}
			buffers = append(buffers, data)
			return bundle.StreamObjectsBytes(e.Path, data, bundle.Limits{}, func(o bundle.Object) error {
				_, err := s.Add(o)
				if err != nil {
					t.Logf("%s: %v", e.Path, err)
				}
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"Pod", "Service", "EndpointSlice", "Event", "Node", "ReplicaSet", "VirtualService", "DestinationRule"} {
		if !s.kept.Has(k) {
			t.Errorf("the corpus stored no %s", k)
		}
	}
	inBuffer := func(p uintptr) bool {
		for _, b := range buffers {
			if len(b) > 0 {
				start := uintptr(unsafe.Pointer(&b[0]))
				if p >= start && p < start+uintptr(len(b)) {
					return true
				}
			}
		}
		return false
	}
	var n, bad int
	stringsIn(reflect.ValueOf(s).Elem(), func(str string) {
		n++
		if len(str) > 0 && inBuffer(uintptr(unsafe.Pointer(unsafe.StringData(str)))) {
			if bad++; bad <= 5 {
				t.Errorf("stored string %q points into an entry buffer", str)
			}
		}
	})
	if bad > 0 {
		t.Errorf("%d of %d stored strings point into entry buffers", bad, n)
	}
	if n < 10000 {
		t.Errorf("walked only %d strings", n)
	}
	t.Logf("%d stored strings, none in the %d entry buffers", n, len(buffers))
}
