package render

import (
	"reflect"

	"github.com/nohealthy/nohealthy/internal/visible"
	"github.com/nohealthy/nohealthy/report"
)

// proseFields name the string fields of the report model that may span
// lines (a finding's summary and remediation, an evidence's text); every
// other string of the model (names, kinds, upstreams, log samples,
// warnings) is one line, and a line feed in it is made visible like any
// other control character.
var proseFields = map[string]bool{"Summary": true, "Remediation": true, "Text": true}

// visibleReport is r as every format for people must print it (through
// humanView, which first cuts the symptoms to those listed): each string
// of the model, at any depth and whatever field holds it (so a field added
// to the model later is covered without a change here), passed through
// visible.Line, or visible.Text for the prose fields. Renderers for people
// render this view and never r itself; JSON and SARIF escape through their
// encoders instead.
//
// r is not modified. The view shares every part of r that needed no
// escaping, so a clean report costs a walk and no copy.
func visibleReport(r *report.Report) *report.Report {
	if r == nil {
		return &report.Report{}
	}
	v, changed := visibleValue(reflect.ValueOf(r).Elem(), false)
	if !changed {
		return r
	}
	out := v.Interface().(report.Report)
	return &out
}

// visibleValue returns v with its strings made visible, and whether that
// changed anything; when not, it returns v itself. Containers are copied
// only when an element changed.
func visibleValue(v reflect.Value, prose bool) (reflect.Value, bool) {
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		t := visible.Line(s)
		if prose {
			t = visible.Text(s)
		}
		if t == s {
			return v, false
		}
		out := reflect.New(v.Type()).Elem()
		out.SetString(t)
		return out, true
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return v, false
		}
		e, changed := visibleValue(v.Elem(), prose)
		if !changed {
			return v, false
		}
		if v.Kind() == reflect.Interface {
			out := reflect.New(v.Type()).Elem()
			out.Set(e)
			return out, true
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(e)
		return out, true
	case reflect.Slice, reflect.Array:
		var out reflect.Value
		for i := range v.Len() {
			e, changed := visibleValue(v.Index(i), prose)
			if !changed {
				continue
			}
			if !out.IsValid() {
				if v.Kind() == reflect.Slice {
					out = reflect.MakeSlice(v.Type(), v.Len(), v.Len())
					reflect.Copy(out, v)
				} else {
					out = reflect.New(v.Type()).Elem()
					out.Set(v)
				}
			}
			out.Index(i).Set(e)
		}
		if !out.IsValid() {
			return v, false
		}
		return out, true
	case reflect.Struct:
		var out reflect.Value
		t := v.Type()
		for i := range v.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			e, changed := visibleValue(v.Field(i), proseFields[f.Name])
			if !changed {
				continue
			}
			if !out.IsValid() {
				out = reflect.New(t).Elem()
				out.Set(v)
			}
			out.Field(i).Set(e)
		}
		if !out.IsValid() {
			return v, false
		}
		return out, true
	case reflect.Map:
		if v.IsNil() {
			return v, false
		}
		changedAny := false
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			k, kc := visibleValue(it.Key(), false)
			e, ec := visibleValue(it.Value(), prose)
			changedAny = changedAny || kc || ec
			out.SetMapIndex(k, e)
		}
		if !changedAny {
			return v, false
		}
		return out, true
	}
	return v, false
}
