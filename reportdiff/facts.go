package reportdiff

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/report"
)

// Objects are the objects of one side as the rules read them: every item
// of every fact domain (Services, workloads, subsets, routes,
// VirtualServices, Gateways, DestinationRules, NetworkPolicies, Nodes, the
// cluster), derived from the objects alone, each field the rules read by
// its cel name, its value as text. Derived without the logs, they change
// only when the objects do: a symptom count is the symptoms' section.
type Objects map[string]*Item

// Item is one fact of one domain.
type Item struct {
	Domain string     `json:"domain"`
	Object report.Ref `json:"object"`
	// Detail tells apart items of one object (a subset's name, a route's
	// host, subset and port).
	Detail string            `json:"detail,omitempty"`
	Fields map[string]string `json:"-"`
}

// key identifies an item across the two sides.
func (it *Item) key() string {
	return it.Domain + "|" + it.Object.Kind + "/" + it.Object.Namespace + "/" + it.Object.Name + "|" + it.Detail
}

// identity names, per domain, the fields beside the object that tell its
// items apart, with the word that shows each ("subset v1"); a domain not
// listed has one item per object (its first Ref field).
// TestIdentitiesAreUnique checks that on the corpus.
var identity = map[string][][2]string{
	"subsets":   {{"name", "subset"}},
	"routes":    {{"host", "host"}, {"subset", "subset"}, {"port", "port"}},
	"upstreams": {{"name", "cluster"}},
	"cluster":   nil,
	// Gateway API: a route's facts are one per parentRef and one per backendRef.
	"gatewayAPIRoutes":   {{"parentText", "parent"}},
	"gatewayAPIBackends": {{"text", "backendRef"}},
}

// skipped are what no comparison should show: the evidence the rules
// quote (texts with times and counts) and the keys that link facts.
var skipped = []string{"keys", "samples"}

var (
	refType      = reflect.TypeFor[report.Ref]()
	evidenceType = reflect.TypeFor[[]report.Evidence]()
)

// ObjectsOf digests facts derived from the objects alone (see Objects).
// The symptoms domain is left out.
func ObjectsOf(f *analyzers.Facts) Objects {
	out := Objects{}
	for _, item := range items(f) {
		out[item.key()] = item
	}
	return out
}

// items digests every item of every domain but the symptoms.
func items(f *analyzers.Facts) []*Item {
	var out []*Item
	fv := reflect.ValueOf(f).Elem()
	ft := fv.Type()
	for i := range ft.NumField() {
		sf := ft.Field(i)
		if !sf.IsExported() || sf.Type.Kind() != reflect.Slice || sf.Type.Elem().Kind() != reflect.Pointer ||
			sf.Type.Elem().Elem().Kind() != reflect.Struct || sf.Name == "Symptoms" {
			continue
		}
		domain := strings.ToLower(sf.Name[:1]) + sf.Name[1:]
		list := fv.Field(i)
		for j := range list.Len() {
			out = append(out, digest(domain, list.Index(j).Elem()))
		}
	}
	return out
}

// digest reads one fact struct.
func digest(domain string, v reflect.Value) *Item {
	it := &Item{Domain: domain, Fields: map[string]string{}}
	flatten(v, "", it.Fields)
	idFields, listed := identity[domain]
	if !listed || len(idFields) > 0 {
		for i := range v.NumField() {
			if v.Type().Field(i).Type == refType {
				it.Object = v.Field(i).Interface().(report.Ref)
				break
			}
		}
	}
	var detail []string
	for _, f := range idFields {
		if s := it.Fields[f[0]]; s != "" && s != "0" {
			detail = append(detail, f[1]+" "+s)
		}
	}
	it.Detail = strings.Join(detail, ", ")
	return it
}

// flatten writes the cel-named fields of a struct as text, nested structs
// as "outer.inner".
func flatten(v reflect.Value, prefix string, out map[string]string) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		name := sf.Tag.Get("cel")
		if name == "" || slices.Contains(skipped, name) || sf.Type == evidenceType {
			continue
		}
		fv := v.Field(i)
		if sf.Type.Kind() == reflect.Struct && sf.Type != refType {
			flatten(fv, prefix+name+".", out)
			continue
		}
		out[prefix+name] = text(fv)
	}
}

// text renders a fact value: a Ref as "Kind ns/name", a map as sorted
// k=v pairs, a list comma-separated, a struct in a list as its fields.
func text(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case reflect.Map:
		keys := v.MapKeys()
		pairs := make([]string, 0, len(keys))
		for _, k := range keys {
			pairs = append(pairs, text(k)+"="+text(v.MapIndex(k)))
		}
		slices.Sort(pairs)
		return strings.Join(pairs, ",")
	case reflect.Slice, reflect.Array:
		parts := make([]string, v.Len())
		for i := range v.Len() {
			parts[i] = text(v.Index(i))
		}
		return strings.Join(parts, ", ")
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		return text(v.Elem())
	case reflect.Struct:
		if v.Type() == refType {
			r := v.Interface().(report.Ref)
			if r.Kind == "" && r.Name == "" {
				return ""
			}
			return strings.TrimSpace(r.String())
		}
		m := map[string]string{}
		flatten(v, "", m)
		var parts []string
		for _, k := range slices.Sorted(mapsKeys(m)) {
			if m[k] != "" {
				parts = append(parts, k+"="+m[k])
			}
		}
		return strings.Join(parts, " ")
	}
	return fmt.Sprint(v.Interface())
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
