package analyzers

import (
	"bytes"
	"reflect"
	"strings"
	"sync"
	"unsafe"
)

// The fast JSON decoder hands out strings that point into its copy of the
// input, so one kept label would pin the whole object's JSON (volumes, env
// and all that slim dropped). cloneStrings copies every string reachable
// from v, after slimming, so only what the facts need stays in memory.
//
// It runs on every kept object of a bundle (50,000 pods, each a deep
// struct), so walking the value with reflect per object was a visible part
// of analyze's CPU. Instead each type is compiled once into a cloner that
// visits only the fields that can hold a string, by offset.

// cloner copies the strings of the value of its type stored at p.
type cloner func(p unsafe.Pointer)

// cloners caches the cloner of each type; a nil cloner means the type
// holds no string. Building takes clonerMu (once per type); using does not.
var (
	cloners  sync.Map // reflect.Type -> cloner
	clonerMu sync.Mutex
)

// cloneStrings copies every string reachable from the exported fields of
// v, which must be a pointer or an addressable value.
func cloneStrings(v reflect.Value) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if !v.CanAddr() {
		return
	}
	if c := clonerFor(v.Type()); c != nil {
		c(v.Addr().UnsafePointer())
	}
}

func clonerFor(t reflect.Type) cloner {
	if c, ok := cloners.Load(t); ok {
		return c.(cloner)
	}
	clonerMu.Lock()
	defer clonerMu.Unlock()
	return compileCloner(t, map[reflect.Type]*cloner{})
}

// compileCloner builds (under clonerMu) the cloner of t; building holds
// the types being built, so a recursive type calls itself through a slot.
func compileCloner(t reflect.Type, building map[reflect.Type]*cloner) cloner {
	if c, ok := cloners.Load(t); ok {
		return c.(cloner)
	}
	if slot, ok := building[t]; ok {
		return func(p unsafe.Pointer) {
			if *slot != nil {
				(*slot)(p)
			}
		}
	}
	slot := new(cloner)
	building[t] = slot
	*slot = buildCloner(t, func(t reflect.Type) cloner { return compileCloner(t, building) })
	delete(building, t)
	cloners.Store(t, *slot)
	return *slot
}

func buildCloner(t reflect.Type, clonerFor func(reflect.Type) cloner) cloner {
	if !hasString(t, map[reflect.Type]bool{}) {
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		return func(p unsafe.Pointer) {
			s := (*string)(p)
			if len(*s) > 0 {
				*s = strings.Clone(*s)
			}
		}
	case reflect.Pointer:
		elem := clonerFor(t.Elem())
		if elem == nil {
			return nil
		}
		return func(p unsafe.Pointer) {
			if q := *(*unsafe.Pointer)(p); q != nil {
				elem(q)
			}
		}
	case reflect.Struct:
		type field struct {
			off uintptr
			c   cloner
		}
		var fs []field
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue // never written: it may be shared (time.Location's name)
			}
			if c := clonerFor(f.Type); c != nil {
				fs = append(fs, field{f.Offset, c})
			}
		}
		if len(fs) == 0 {
			return nil
		}
		return func(p unsafe.Pointer) {
			for _, f := range fs {
				f.c(unsafe.Add(p, f.off))
			}
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return func(p unsafe.Pointer) {
				if b := (*[]byte)(p); *b != nil {
					*b = bytes.Clone(*b)
				}
			}
		}
		elem, size := clonerFor(t.Elem()), t.Elem().Size()
		if elem == nil {
			return nil
		}
		return func(p unsafe.Pointer) {
			h := (*struct {
				data     unsafe.Pointer
				len, cap int
			})(p)
			for i := 0; i < h.len; i++ {
				elem(unsafe.Add(h.data, uintptr(i)*size))
			}
		}
	case reflect.Array:
		elem, size, n := clonerFor(t.Elem()), t.Elem().Size(), t.Len()
		if elem == nil {
			return nil
		}
		return func(p unsafe.Pointer) {
			for i := 0; i < n; i++ {
				elem(unsafe.Add(p, uintptr(i)*size))
			}
		}
	case reflect.Map:
		if t.Key().Kind() == reflect.String && t.Elem().Kind() == reflect.String { // labels: same layout as map[string]string
			return func(p unsafe.Pointer) {
				m := *(*map[string]string)(p)
				if m == nil {
					return
				}
				n := make(map[string]string, len(m))
				for k, v := range m {
					n[strings.Clone(k)] = strings.Clone(v)
				}
				*(*map[string]string)(p) = n
			}
		}
		return func(p unsafe.Pointer) { cloneMap(reflect.NewAt(t, p).Elem()) }
	case reflect.Interface:
		return func(p unsafe.Pointer) {
			v := reflect.NewAt(t, p).Elem()
			if !v.IsNil() && v.Elem().Kind() == reflect.Pointer {
				cloneStrings(v.Elem())
			}
		}
	}
	return nil
}

// cloneMap rebuilds a map with cloned keys and values.
func cloneMap(v reflect.Value) {
	if v.IsNil() {
		return
	}
	t := v.Type()
	m := reflect.MakeMapWithSize(t, v.Len())
	it := v.MapRange()
	for it.Next() {
		k := reflect.New(t.Key()).Elem()
		k.Set(it.Key())
		cloneStrings(k.Addr())
		e := reflect.New(t.Elem()).Elem()
		e.Set(it.Value())
		cloneStrings(e.Addr())
		m.SetMapIndex(k, e)
	}
	v.Set(m)
}

// hasString reports whether values of t can hold a string (or a []byte).
func hasString(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.String, reflect.Interface:
		return true
	case reflect.Slice:
		return t.Elem().Kind() == reflect.Uint8 || hasString(t.Elem(), seen)
	case reflect.Pointer, reflect.Array:
		return hasString(t.Elem(), seen)
	case reflect.Map:
		return hasString(t.Key(), seen) || hasString(t.Elem(), seen)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if hasString(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}
