package rules

import (
	"reflect"
	"testing"

	"github.com/nohealthy/nohealthy/analyzers"
)

// TestEveryFactListIsADomain: each list of facts is iterable by some
// domain, which hands out exactly its items with their keys.
func TestEveryFactListIsADomain(t *testing.T) {
	byType := map[reflect.Type]*domain{}
	for _, d := range domains {
		byType[d.typ] = d
	}
	f := &analyzers.Facts{}
	fv := reflect.ValueOf(f).Elem()
	for _, field := range reflect.VisibleFields(fv.Type()) {
		ft := field.Type
		if !field.IsExported() || ft.Kind() != reflect.Slice || ft.Elem().Kind() != reflect.Pointer {
			continue
		}
		d := byType[ft.Elem().Elem()]
		if d == nil {
			t.Errorf("Facts.%s: no domain iterates %s", field.Name, ft.Elem().Elem().Name())
			continue
		}
		item := reflect.New(ft.Elem().Elem())
		item.Elem().FieldByName("Keys").Set(reflect.ValueOf([]string{"k:" + field.Name}))
		fv.FieldByIndex(field.Index).Set(reflect.Append(reflect.MakeSlice(ft, 0, 1), item))
		items := d.items(f)
		if len(items) != 1 || items[0] != item.Interface() {
			t.Errorf("Facts.%s: domain lists %v", field.Name, items)
			continue
		}
		if k := d.keys(items[0]); len(k) != 1 || k[0] != "k:"+field.Name {
			t.Errorf("Facts.%s: keys %q", field.Name, k)
		}
		_ = d.ref(items[0])
	}
}
