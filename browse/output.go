package browse

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"sigs.k8s.io/yaml"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/internal/visible"
	"github.com/nohealthy/nohealthy/kinds"
)

// -o json and -o yaml print what was collected as kubectl prints what the
// API server returns: JSON with the keys sorted and four spaces of
// indentation, as encoding/json writes it (<, > and & escaped as \u003c,
// \u003e and \u0026); YAML as sigs.k8s.io/yaml converts that JSON; several
// objects as a `kind: List`. Two things differ, on purpose: a Secret's
// data values are replaced by their size, and what a terminal would act
// on is escaped (see writeJSONString, visibleLines).

// isSecret reports whether an object is a core Secret.
func isSecret(o *bundle.Object) bool {
	return o.Kind == "Secret" && kinds.GroupOf(o.APIVersion) == ""
}

// lastApplied is the annotation kubectl apply writes: for a Secret it
// holds the data too.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// redactSecret returns a Secret's JSON with every data and stringData
// value replaced by "<redacted: N bytes>" and the last-applied annotation
// by "<redacted>". ok is false when the Secret cannot be read: it is then
// not shown at all.
func redactSecret(raw []byte) (out []byte, ok bool) {
	var top map[string]jsontext.Value
	if unmarshal(raw, &top) != nil {
		return nil, false
	}
	for _, field := range []string{"data", "stringData"} {
		v, present := top[field]
		if !present || string(v) == "null" {
			continue
		}
		var m map[string]string
		if unmarshal(v, &m) != nil {
			return nil, false
		}
		for k, s := range m {
			n := len(s)
			if field == "data" {
				if d, err := base64.StdEncoding.DecodeString(s); err == nil {
					n = len(d)
				}
			}
			m[k] = fmt.Sprintf("<redacted: %d bytes>", n)
		}
		b, err := jsonv2.Marshal(m, jsonv2.Deterministic(true))
		if err != nil {
			return nil, false
		}
		top[field] = b
	}
	if mv, present := top["metadata"]; present {
		var meta map[string]jsontext.Value
		if unmarshal(mv, &meta) != nil {
			return nil, false
		}
		if av, present := meta["annotations"]; present && string(av) != "null" {
			var ann map[string]string
			if unmarshal(av, &ann) != nil {
				return nil, false
			}
			if _, ok := ann[lastApplied]; ok {
				ann[lastApplied] = "<redacted>"
				b, _ := jsonv2.Marshal(ann, jsonv2.Deterministic(true))
				meta["annotations"] = b
				mb, _ := jsonv2.Marshal(meta, jsonv2.Deterministic(true))
				top["metadata"] = mb
			}
		}
	}
	b, err := jsonv2.Marshal(top, jsonv2.Deterministic(true))
	if err != nil {
		return nil, false
	}
	return b, true
}

// appendJSON writes v as kubectl's JSON printer does, its lines indented
// by depth levels of four spaces (the first line is not: the caller
// placed it).
func appendJSON(dst []byte, v jsontext.Value, depth int) ([]byte, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return dst, fmt.Errorf("empty JSON value")
	}
	switch v[0] {
	case '{':
		var m map[string]jsontext.Value
		if err := unmarshal(v, &m); err != nil {
			return dst, err
		}
		if len(m) == 0 {
			return append(dst, "{}"...), nil
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendIndent(append(dst, '\n'), depth+1)
			dst = appendJSONString(dst, k)
			dst = append(dst, ": "...)
			var err error
			if dst, err = appendJSON(dst, m[k], depth+1); err != nil {
				return dst, err
			}
		}
		return append(appendIndent(append(dst, '\n'), depth), '}'), nil
	case '[':
		var list []jsontext.Value
		if err := unmarshal(v, &list); err != nil {
			return dst, err
		}
		if len(list) == 0 {
			return append(dst, "[]"...), nil
		}
		dst = append(dst, '[')
		for i, item := range list {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendIndent(append(dst, '\n'), depth+1)
			var err error
			if dst, err = appendJSON(dst, item, depth+1); err != nil {
				return dst, err
			}
		}
		return append(appendIndent(append(dst, '\n'), depth), ']'), nil
	case '"':
		var s string
		if err := unmarshal(v, &s); err != nil {
			return dst, err
		}
		return appendJSONString(dst, s), nil
	}
	return append(dst, v...), nil // number, true, false, null: as written
}

func appendIndent(dst []byte, depth int) []byte {
	for range depth {
		dst = append(dst, "    "...)
	}
	return dst
}

// appendJSONString quotes s as encoding/json does, and further escapes as
// \uXXXX what encoding/json leaves raw and a terminal may act on: DEL, the
// C1 controls and the bidi controls (internal/visible's list). The result
// is valid JSON for the same string.
func appendJSONString(dst []byte, s string) []byte {
	q, _ := json.Marshal(s)
	if visible.Safe(string(q), false) {
		return append(dst, q...)
	}
	for i := 0; i < len(q); {
		r, size := utf8.DecodeRune(q[i:])
		if visible.Safe(string(q[i:i+size]), false) {
			dst = append(dst, q[i:i+size]...)
		} else {
			dst = fmt.Appendf(dst, `\u%04x`, r)
		}
		i += size
	}
	return dst
}

// yamlOf converts one object's JSON to YAML as kubectl's YAML printer
// does. The JSON is first written with what a terminal acts on escaped
// (appendJSON): the YAML reader refuses a raw C1 control character, which
// JSON allows.
func yamlOf(raw []byte) ([]byte, error) {
	if !ascii(raw) {
		var err error
		if raw, err = appendJSON(nil, raw, 0); err != nil {
			return nil, err
		}
	}
	return yaml.JSONToYAML(raw)
}

// ascii reports whether b is all ASCII: JSON text can then hold no raw
// C1 control (its escapes the YAML reader takes).
func ascii(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// visibleLines writes text line by line, each made visible: YAML leaves
// the bidi and line separator characters raw in plain scalars.
func visibleLines(w io.Writer, text []byte, prefixFirst, prefixRest string) error {
	first := true
	for len(text) > 0 {
		line, rest, _ := bytes.Cut(text, []byte("\n"))
		text = rest
		prefix := prefixRest
		if first {
			prefix, first = prefixFirst, false
		}
		if len(line) == 0 {
			prefix = strings.TrimRight(prefix, " ")
		}
		if _, err := io.WriteString(w, prefix+visible.Line(string(line))+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// writeObjects prints n objects, whose JSON item(i) returns in order, as
// one object when single, else as a List. Items are fetched one at a
// time: a list of thousands is never held whole.
func writeObjects(w io.Writer, format string, n int, item func(i int) ([]byte, error), single bool) error {
	switch format {
	case "json":
		var buf []byte
		var err error
		if single && n == 1 {
			it, err := item(0)
			if err != nil {
				return err
			}
			if buf, err = appendJSON(nil, it, 0); err != nil {
				return err
			}
			_, err = w.Write(append(buf, '\n'))
			return err
		}
		buf = append(buf, "{\n    \"apiVersion\": \"v1\",\n    \"items\": "...)
		if n == 0 {
			buf = append(buf, "[]"...)
		} else {
			buf = append(buf, '[')
			for i := range n {
				it, err := item(i)
				if err != nil {
					return err
				}
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = appendIndent(append(buf, '\n'), 2)
				if buf, err = appendJSON(buf, it, 2); err != nil {
					return err
				}
				if len(buf) > 1<<20 { // stream: do not hold the whole list
					if _, err := w.Write(buf); err != nil {
						return err
					}
					buf = buf[:0]
				}
			}
			buf = append(buf, "\n    ]"...)
		}
		buf = append(buf, ",\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"...)
		_, err = w.Write(buf)
		return err
	default: // yaml
		if single && n == 1 {
			it, err := item(0)
			if err != nil {
				return err
			}
			y, err := yamlOf(it)
			if err != nil {
				return err
			}
			return visibleLines(w, y, "", "")
		}
		if n == 0 {
			_, err := io.WriteString(w, "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n")
			return err
		}
		if _, err := io.WriteString(w, "apiVersion: v1\nitems:\n"); err != nil {
			return err
		}
		for i := range n {
			it, err := item(i)
			if err != nil {
				return err
			}
			y, err := yamlOf(it)
			if err != nil {
				return err
			}
			if err := visibleLines(w, y, "- ", "  "); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "kind: List\nmetadata:\n  resourceVersion: \"\"\n")
		return err
	}
}
