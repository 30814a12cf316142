package load

import (
	"bytes"
	"unicode/utf8"
	"unsafe"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nohealthy/nohealthy/internal/jsonskip"
)

// A big cluster's bundle holds hundreds of thousands of core/v1 Events,
// most of them Normal ones (Pulled, Created, Started, Scheduled) that no
// rule cites and slimming drops. Deciding that needs four strings of each;
// running the JSON decoder for them cost a copy of every event (the decoder
// copies its input) and a struct, hundreds of MB of garbage on the large
// bench bundle. eventHead reads those strings in place.

// droppedHead is what the store needs of a dropped event: its identity.
// It implements metav1.Object and GetObjectKind as a decoded Event would.
type droppedHead struct {
	metav1.TypeMeta
	metav1.ObjectMeta
}

// keepEvent is slimming's rule for Events: Warnings, and the Normal
// reasons a rule cites.
func keepEvent(typ, reason string) bool {
	return typ == corev1.EventTypeWarning || keptNormalEvents[reason]
}

// eventHead reads kind, apiVersion, type, reason and metadata's name,
// namespace and resourceVersion of one event's JSON without decoding it.
// ok is false when the document is not a plain object with those as
// unescaped strings (or null/absent), or a key repeats: the caller then
// decodes it in full. The strings point into raw.
func eventHead(raw []byte) (kind, apiVersion, typ, reason, name, namespace, rv string, ok bool) {
	sawMeta := false
	ok = stringFields(raw, []stringField{{"kind", &kind}, {"apiVersion", &apiVersion}, {"type", &typ}, {"reason", &reason}},
		func(k, v []byte) (matched, ok bool) {
			if !bytes.Equal(k, []byte("metadata")) {
				return false, true
			}
			if sawMeta {
				return true, false
			}
			sawMeta = true
			return true, string(v) == "null" ||
				stringFields(v, []stringField{{"name", &name}, {"namespace", &namespace}, {"resourceVersion", &rv}}, nil)
		})
	return
}

// stringField names a key whose plain string value is wanted, and where.
type stringField struct {
	key string
	dst *string
}

// stringFields reads the keys of the JSON object b matching fields
// (exactly, as the decoder does) into their destinations; other keys
// go to nested when it is set (it reports whether it took the key and
// whether its value was acceptable), else are skipped. It fails when a
// wanted key repeats or its value is not a plain string or null.
func stringFields(b []byte, fields []stringField, nested func(k, v []byte) (matched, ok bool)) bool {
	var seen uint32
	return walkObject(b, func(k, v []byte) bool {
		for i, f := range fields {
			if bytes.Equal(k, []byte(f.key)) {
				if seen&(1<<i) != 0 {
					return false
				}
				seen |= 1 << i
				return plainString(v, f.dst)
			}
		}
		if nested != nil {
			if matched, ok := nested(k, v); matched {
				return ok
			}
		}
		return true
	})
}

// plainString sets *dst to the JSON string v when it has no escapes and is
// valid UTF-8, which the decoder would mangle ("" for null), and reports
// whether it could.
func plainString(v []byte, dst *string) bool {
	if string(v) == "null" {
		return true
	}
	if len(v) < 2 || v[0] != '"' || bytes.IndexByte(v, '\\') >= 0 || !utf8.Valid(v) {
		return false
	}
	if len(v) > 2 {
		*dst = unsafe.String(&v[1], len(v)-2)
	}
	return true
}

// walkObject calls fn with each key (unescaped, else it fails) and the
// raw value of the JSON object that is the whole of b, stopping at the
// first false.
func walkObject(b []byte, fn func(k, v []byte) bool) bool {
	i := jsonskip.SkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = jsonskip.SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return jsonskip.SkipSpace(b, i+1) == len(b)
	}
	for i < len(b) {
		if b[i] != '"' {
			return false
		}
		ke := jsonskip.String(b, i+1)
		if ke < 0 || bytes.IndexByte(b[i+1:ke], '\\') >= 0 {
			return false
		}
		k := b[i+1 : ke]
		i = jsonskip.SkipSpace(b, ke+1)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		v := jsonskip.SkipSpace(b, i+1)
		end := jsonskip.Value(b, v)
		if end < 0 || !fn(k, b[v:end]) {
			return false
		}
		i = jsonskip.SkipSpace(b, end)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case '}':
			return jsonskip.SkipSpace(b, i+1) == len(b)
		case ',':
			i = jsonskip.SkipSpace(b, i+1)
		default:
			return false
		}
	}
	return false
}
