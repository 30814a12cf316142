package load

import (
	"bytes"
	"io"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/nohealthy/nohealthy/bundle"
)

// A big cluster's bundle holds hundreds of thousands of core/v1 Events,
// most of them Normal ones (Pulled, Created, Started, Scheduled) that no
// rule cites and slimming drops. Deciding that needs four strings of each;
// decoding every event into a struct only to drop it would make hundreds of
// MB of garbage on a big bundle. eventHead reads those strings in place,
// with the JSON decoder's tokenizer.

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
// namespace and resourceVersion of one event's JSON without decoding it,
// with the tokenizer of the JSON decoder. ok is false when raw is not one
// valid JSON object with those as unescaped strings (or null/absent), or a
// key of those repeats: the caller then decodes it in full. The strings
// point into raw.
func eventHead(raw []byte) (kind, apiVersion, typ, reason, name, namespace, rv string, ok bool) {
	r := headReaders.Get().(*headReader)
	defer r.release()
	r.buf = *bytes.NewBuffer(raw) // the decoder reads it in place
	r.dec.Reset(&r.buf, bundle.JSONOptions)
	sawMeta := false
	ok = r.stringFields(raw, []stringField{{"kind", &kind}, {"apiVersion", &apiVersion}, {"type", &typ}, {"reason", &reason}},
		func(k []byte) (matched, ok bool) {
			if string(k) != "metadata" {
				return false, true
			}
			if sawMeta {
				return true, false
			}
			sawMeta = true
			if r.dec.PeekKind() == 'n' {
				return true, r.dec.SkipValue() == nil
			}
			return true, r.stringFields(raw, []stringField{{"name", &name}, {"namespace", &namespace}, {"resourceVersion", &rv}}, nil)
		})
	if ok {
		_, err := r.dec.ReadToken()
		ok = err == io.EOF // nothing after the object
	}
	return
}

// headReader is a decoder eventHead reuses: there is one event head to
// read per event, hundreds of thousands on a big bundle.
type headReader struct {
	dec jsontext.Decoder
	buf bytes.Buffer
}

var headReaders = sync.Pool{New: func() any { return new(headReader) }}

// release returns r to the pool, no longer pointing at what it read (an
// entry buffer the loader means to free).
func (r *headReader) release() {
	r.buf = bytes.Buffer{}
	r.dec.Reset(&r.buf)
	headReaders.Put(r)
}

// stringField names a key whose plain string value is wanted, and where.
type stringField struct {
	key string
	dst *string
}

// stringFields reads the object that is the next value of r's decoder,
// which reads raw, putting the values of the keys matching fields
// (exactly, as the decoder does) into their destinations. Other keys go to
// nested when it is set (it reports whether it took the key, and read its
// value, and whether the value was acceptable), else are skipped. It
// fails when a wanted key repeats, a key is escaped, or a wanted value is
// not a plain string or null.
func (r *headReader) stringFields(raw []byte, fields []stringField, nested func(k []byte) (matched, ok bool)) bool {
	dec := &r.dec
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	var seen uint32
	for dec.PeekKind() != '}' {
		k, err := dec.ReadValue() // the name, quoted
		if err != nil || bytes.IndexByte(k, '\\') >= 0 {
			return false
		}
		k = k[1 : len(k)-1]
		i := len(fields) - 1
		for i >= 0 && string(k) != fields[i].key {
			i--
		}
		switch {
		case i >= 0:
			if seen&(1<<i) != 0 {
				return false
			}
			seen |= 1 << i
			v, err := dec.ReadValue()
			if err != nil {
				return false
			}
			end := int(dec.InputOffset())
			if !plainString(raw[end-len(v):end], fields[i].dst) {
				return false
			}
			continue
		case nested != nil:
			if matched, ok := nested(k); matched {
				if !ok {
					return false
				}
				continue
			}
		}
		if dec.SkipValue() != nil {
			return false
		}
	}
	_, err := dec.ReadToken()
	return err == nil
}

// plainString sets *dst to the JSON string v when it has no escapes and is
// valid UTF-8, which the decoder would mangle ("" for null), and reports
// whether it could. *dst then points into v.
func plainString(v []byte, dst *string) bool {
	if string(v) == "null" {
		return true
	}
	if len(v) < 2 || v[0] != '"' || bytes.IndexByte(v, '\\') >= 0 || !utf8.Valid(v) {
		return false
	}
	if len(v) > 2 {
		// No copy: v is part of the event's bytes, which outlive every use
		// of the string (it is compared, and Objects.commit clones the
		// name, namespace and version it keeps before the loader recycles
		// the entry's buffer).
		*dst = unsafe.String(&v[1], len(v)-2)
	}
	return true
}
