package analyzers

import (
	"reflect"
	"strings"
	"sync"
)

// The fast JSON decoder hands out strings that point into its copy of the
// input, so one kept label would pin the whole object's JSON (volumes, env
// and all that slim dropped). cloneStrings copies every string reachable
// from v, after slimming, so only what the facts need stays in memory.

var noStrings sync.Map // reflect.Type -> bool: the type holds no string

func cloneStrings(v reflect.Value) {
	t := v.Type()
	if known, ok := noStrings.Load(t); ok && known.(bool) {
		return
	}
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() && v.Len() > 0 {
			v.SetString(strings.Clone(v.String()))
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			cloneStrings(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.CanSet() {
				cloneStrings(f)
			}
		}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			if v.Kind() == reflect.Slice && !v.IsNil() && v.CanSet() {
				v.SetBytes(append([]byte(nil), v.Bytes()...))
			}
			return
		}
		for i := 0; i < v.Len(); i++ {
			cloneStrings(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() || !v.CanSet() {
			return
		}
		m := reflect.MakeMapWithSize(t, v.Len())
		it := v.MapRange()
		for it.Next() {
			k := reflect.New(t.Key()).Elem()
			k.Set(it.Key())
			cloneStrings(k)
			e := reflect.New(t.Elem()).Elem()
			e.Set(it.Value())
			cloneStrings(e)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	default:
		noStrings.Store(t, !hasString(t, map[reflect.Type]bool{}))
	}
}

// hasString reports whether values of t can hold a string.
func hasString(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.String, reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
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
