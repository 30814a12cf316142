package rules

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// FieldReference renders, for every domain, the variable it binds and the
// fields rules can read (CEL name and type), as Markdown. rules/README.md
// embeds it; a test keeps the two in step.
func FieldReference() string {
	var sb strings.Builder
	names := DomainNames()
	sort.Strings(names)
	for _, n := range names {
		d := domains[n]
		fmt.Fprintf(&sb, "### `for: %s` — variable `%s`\n\n%s.\n\n| field | type |\n|---|---|\n", n, d.varName, strings.ToUpper(d.doc[:1])+d.doc[1:])
		for _, f := range celFields(d.typ) {
			fmt.Fprintf(&sb, "| `%s.%s` | %s |\n", d.varName, f[0], f[1])
		}
		sb.WriteString("\n")
	}
	sb.WriteString("### Nested types\n\n")
	for _, t := range nestedTypes {
		var fs []string
		for _, f := range celFields(t) {
			fs = append(fs, "`"+f[0]+"` "+f[1])
		}
		fmt.Fprintf(&sb, "- `%s`: %s\n", t.Name(), strings.Join(fs, ", "))
	}
	return sb.String()
}

func celFields(t reflect.Type) [][2]string {
	var out [][2]string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := f.Tag.Get("cel")
		if name == "" || name == "-" {
			continue
		}
		out = append(out, [2]string{name, celTypeName(f.Type)})
	}
	return out
}

func celTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "int"
	case reflect.Slice:
		return "list(" + celTypeName(t.Elem()) + ")"
	case reflect.Map:
		return "map(" + celTypeName(t.Key()) + ", " + celTypeName(t.Elem()) + ")"
	case reflect.Pointer:
		return celTypeName(t.Elem())
	}
	return t.Name()
}
