package bundle

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"sigs.k8s.io/yaml"

	"github.com/nohealthy/nohealthy/internal/yamldocs"
)

// ObjectError is a problem with one object of an objects entry (no kind,
// metadata of the wrong shape, ...). The rest of the entry is still read:
// DecodeObjects passes it to fn's caller by returning it only when fn is not
// the one that failed, so callers can warn and continue — see DecodeObjects.
type ObjectError struct {
	File  string // the entry or file name
	Index int    // item index in the list, or document index in a YAML stream
	Err   error
}

func (e *ObjectError) Error() string {
	return fmt.Sprintf("%s: item %d: %v", e.File, e.Index, e.Err)
}

func (e *ObjectError) Unwrap() error { return e.Err }

// ObjectErrors collects the per-object problems of one entry.
type ObjectErrors []*ObjectError

func (es ObjectErrors) Error() string {
	if len(es) == 1 {
		return es[0].Error()
	}
	return fmt.Sprintf("%s (and %d more problems in the same file)", es[0].Error(), len(es)-1)
}

// Unwrap lets errors.As find the individual *ObjectError values.
func (es ObjectErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// maxObjectErrors caps how many per-object problems one entry collects:
// a file of a million kind-less items must not make a million-line warning.
const maxObjectErrors = 100

// DecodeObjects reads Kubernetes objects from one .json/.yaml/.yml entry and
// calls fn for each. The format is chosen by the first non-space byte: `{`
// or `[` is JSON, anything else YAML.
//
// JSON may be one object, a `kind: List`, a typed list (PodList, NodeList,
// VirtualServiceList, ...), several concatenated objects, or an array of
// objects. Lists are streamed item by item, so a huge PodList is never held
// whole. A top-level object with an `items` array is a list (the Kubernetes
// list convention). Items of typed lists carry no kind/apiVersion: they get
// the list kind minus "List" and the list's apiVersion, written into Raw as
// well so that Raw describes itself. YAML may hold several `---` documents,
// each an object, a List, or a sequence of objects; one document is held in
// memory at a time.
//
// metadata.managedFields is dropped from Raw. Objects without a kind (not
// items of a typed list) are skipped and reported as *ObjectError; decoding
// continues, and after the entry all such problems are returned together as
// ObjectErrors (errors.As finds each *ObjectError). Malformed JSON or YAML
// ends decoding with an error naming the file and the byte offset (JSON) or
// document and line (YAML). An error returned by fn ends decoding and is
// returned unchanged. Input longer than lim.MaxObjectBytes is an error.
func DecodeObjects(name string, r io.Reader, lim Limits, fn func(Object) error) error {
	return decodeObjects(&objDecoder{name: name, fn: fn}, r, lim)
}

// StreamObjects is DecodeObjects without rewriting Raw: items of typed
// lists keep the bytes as read (no kind/apiVersion inside; use the Object's
// fields) and managedFields stay. It saves two JSON passes per item, which
// is most of the cost of reading a large PodList; callers that decode Raw
// into typed structs need nothing more.
func StreamObjects(name string, r io.Reader, lim Limits, fn func(Object) error) error {
	return decodeObjects(&objDecoder{name: name, fn: fn, asRead: true}, r, lim)
}

func decodeObjects(d *objDecoder, r io.Reader, lim Limits) error {
	lim = lim.WithDefaults()
	name := d.name
	br := bufio.NewReaderSize(&capReader{r: r, left: lim.MaxObjectBytes, name: name, limit: lim.MaxObjectBytes}, 64<<10)
	c, err := firstNonSpace(br)
	if err == io.EOF {
		return nil // an empty file holds no objects
	}
	if err != nil {
		return err
	}
	if c == '{' || c == '[' {
		err = d.decodeJSONStream(br)
	} else {
		err = d.decodeYAMLStream(br)
	}
	if err != nil {
		return err
	}
	if len(d.errs) > 0 {
		return d.errs
	}
	return nil
}

// capReader fails once more than limit bytes have been read.
type capReader struct {
	r     io.Reader
	left  int64
	limit int64
	name  string
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// Is there more? Only then is it an error.
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n > 0 {
			return 0, fmt.Errorf("%s: %w", c.name, &LimitError{What: "object bytes", Limit: c.limit, Flag: "--max-object-bytes"})
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// firstNonSpace skips white space and a UTF-8 byte order mark and returns
// the next byte without consuming it.
func firstNonSpace(br *bufio.Reader) (byte, error) {
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xef, 0xbb, 0xbf}) {
		br.Discard(3)
	}
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		}
		br.UnreadByte()
		return b, nil
	}
}

type objDecoder struct {
	name string
	// asRead keeps Raw exactly as read (see StreamObjects).
	asRead bool
	fn     func(Object) error
	index  int // next item index in the entry, for messages
	errs   ObjectErrors
}

// fnError marks an error returned by the caller's fn, which must come back
// unchanged and stop decoding.
type fnError struct{ err error }

func (e fnError) Error() string { return e.err.Error() }

func (d *objDecoder) objectErr(idx int, err error) {
	if len(d.errs) < maxObjectErrors {
		d.errs = append(d.errs, &ObjectError{File: d.name, Index: idx, Err: err})
	}
}

// emit finishes one object (kind inference, managedFields) and calls fn.
func (d *objDecoder) emit(raw []byte, listKind, listAPIVersion string) error {
	idx := d.index
	d.index++
	obj, err := normalizeObject(raw, listKind, listAPIVersion, d.asRead)
	if err != nil {
		d.objectErr(idx, err)
		return nil
	}
	if err := d.fn(obj); err != nil {
		return fnError{err}
	}
	return nil
}

// objHead is what we read of every object without materialising it.
type objHead struct {
	APIVersion *string `json:"apiVersion"`
	Kind       *string `json:"kind"`
	Metadata   *struct {
		Namespace       string         `json:"namespace"`
		Name            string         `json:"name"`
		UID             string         `json:"uid"`
		ResourceVersion string         `json:"resourceVersion"`
		ManagedFields   jsontext.Value `json:"managedFields"`
	} `json:"metadata"`
}

// normalizeObject fills an Object from one JSON object. Raw is rewritten
// only when needed (kind inferred from the list, managedFields present).
func normalizeObject(raw []byte, listKind, listAPIVersion string, asRead bool) (Object, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return Object{}, errors.New("not a JSON object")
	}
	var h objHead
	if err := unmarshal(raw, &h); err != nil {
		return Object{}, fmt.Errorf("malformed object: %v", err)
	}
	o := Object{Raw: raw}
	rewrite := false
	if h.Kind != nil && *h.Kind != "" {
		o.Kind = *h.Kind
	} else if k, ok := strings.CutSuffix(listKind, "List"); ok && k != "" {
		o.Kind, rewrite = k, true
	} else {
		return Object{}, errors.New("object has no kind")
	}
	if h.APIVersion != nil && *h.APIVersion != "" {
		o.APIVersion = *h.APIVersion
	} else if listAPIVersion != "" {
		o.APIVersion, rewrite = listAPIVersion, true
	}
	if h.Metadata != nil {
		m := h.Metadata
		o.Namespace, o.Name, o.UID, o.ResourceVersion = m.Namespace, m.Name, m.UID, m.ResourceVersion
		if len(m.ManagedFields) > 0 && !bytes.Equal(m.ManagedFields, []byte("null")) {
			rewrite = true
		}
	}
	if !rewrite || asRead {
		return o, nil
	}
	var top map[string]jsontext.Value
	if err := unmarshal(raw, &top); err != nil {
		return Object{}, fmt.Errorf("malformed object: %v", err)
	}
	top["kind"] = quote(nil, o.Kind)
	if o.APIVersion != "" {
		top["apiVersion"] = quote(nil, o.APIVersion)
	}
	if mraw, ok := top["metadata"]; ok {
		var meta map[string]jsontext.Value
		if err := unmarshal(mraw, &meta); err == nil && meta != nil {
			delete(meta, "managedFields")
			if b, err := jsonv2.Marshal(meta, jsonOut); err == nil {
				top["metadata"] = b
			}
		}
	}
	b, err := jsonv2.Marshal(top, jsonOut)
	if err != nil {
		return Object{}, fmt.Errorf("re-encoding object: %v", err)
	}
	o.Raw = b
	return o, nil
}

// jsonOut writes a rewritten object as encoding/json did: keys sorted,
// so that the same object always gives the same bytes.
var jsonOut = jsonv2.JoinOptions(JSONOptions, jsonv2.Deterministic(true))

// ---- JSON ----

// JSONOptions are how every JSON value of an input is read (objects here,
// typed objects by the loader): as leniently as encoding/json reads what a
// cluster or an editor may have written (a repeated key keeps the last
// value, invalid UTF-8 is read as U+FFFD), keys matched exactly, as
// Kubernetes' own decoder (sigs.k8s.io/json) matches them.
var JSONOptions = jsonv2.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// unmarshal decodes one value with JSONOptions. A panic inside the
// decoder on hostile bytes becomes an error.
func unmarshal(raw []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed JSON: %v", r)
		}
	}()
	return jsonv2.Unmarshal(raw, v, JSONOptions)
}

// newDecoder reads JSON tokens and values from r with JSONOptions. Over a
// *bytes.Buffer it reads the buffer's bytes in place.
func newDecoder(r io.Reader) *jsontext.Decoder { return jsontext.NewDecoder(r, JSONOptions) }

func (d *objDecoder) jsonErr(dec *jsontext.Decoder, err error) error {
	var fe fnError
	if errors.As(err, &fe) {
		return fe.err
	}
	var le *LimitError
	if errors.As(err, &le) {
		return err
	}
	var fileErr *FileError
	if errors.As(err, &fileErr) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &SyntaxError{File: d.name, Offset: dec.InputOffset(), Msg: fmt.Sprintf("invalid JSON: unexpected end of input after byte offset %d", dec.InputOffset())}
	}
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		return &SyntaxError{File: d.name, Offset: se.ByteOffset, Msg: fmt.Sprintf("invalid JSON at byte offset %d: %v", se.ByteOffset, se.Err)}
	}
	return &SyntaxError{File: d.name, Offset: dec.InputOffset(), Msg: fmt.Sprintf("invalid JSON near byte offset %d: %v", dec.InputOffset(), err)}
}

// SyntaxError is malformed JSON or YAML in an objects entry. Line is the
// line it is at (1-based; for YAML the line its document starts at), 0
// when unknown: JSON read as a stream knows only the byte Offset (-1 when
// unknown), and a reader that holds the bytes can tell the line (LineAt).
type SyntaxError struct {
	File   string
	Offset int64
	Line   int
	Msg    string
}

func (e *SyntaxError) Error() string { return e.File + ": " + e.Msg }

// LineAt sets e.Line from the bytes e was found in, when it is unknown.
func (e *SyntaxError) LineAt(data []byte) {
	if e.Line == 0 && e.Offset >= 0 && e.Offset <= int64(len(data)) {
		e.Line = 1 + bytes.Count(data[:e.Offset], []byte{'\n'})
	}
}

// decodeJSONStream reads concatenated top-level JSON values.
func (d *objDecoder) decodeJSONStream(r io.Reader) error {
	dec := newDecoder(r)
	for {
		var err error
		switch k := dec.PeekKind(); k {
		case '{':
			if _, err = dec.ReadToken(); err == nil {
				err = d.streamObject(dec)
			}
		case '[':
			// An array of objects (or of lists).
			_, err = dec.ReadToken()
			for err == nil && dec.PeekKind() != ']' {
				var raw jsontext.Value
				if raw, err = dec.ReadValue(); err == nil {
					err = d.value(bytes.Clone(raw))
				}
			}
			if err == nil {
				_, err = dec.ReadToken() // ']'
			}
		case 0: // the end, or an error ReadToken reports
			if _, err = dec.ReadToken(); err == io.EOF {
				return nil
			}
		default:
			tok, _ := dec.ReadToken()
			return fmt.Errorf("%s: invalid JSON near byte offset %d: top-level %v is not an object or array", d.name, dec.InputOffset(), tok)
		}
		if err != nil {
			return d.jsonErr(dec, err)
		}
	}
}

// value handles one JSON value held in memory: an object, a list, or an
// array of those.
func (d *objDecoder) value(raw []byte) error {
	dec := newDecoder(bytes.NewBuffer(raw))
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case '{':
		return d.streamObject(dec)
	case '[':
		for dec.PeekKind() != ']' {
			item, err := readValue(dec, raw)
			if err != nil {
				return err
			}
			if err := d.value(item); err != nil {
				return err
			}
		}
		_, err := dec.ReadToken()
		return err
	case 'n':
		return nil // YAML "~" or an empty document
	}
	d.objectErr(d.index, fmt.Errorf("%s is not an object", tok.String()))
	d.index++
	return nil
}

// readValue reads the next value of dec, which reads data, as a slice of
// data (no copy).
func readValue(dec *jsontext.Decoder, data []byte) ([]byte, error) {
	v, err := dec.ReadValue()
	if err != nil {
		return nil, err
	}
	end := int(dec.InputOffset())
	return data[end-len(v) : end], nil
}

// streamObject reads the members of an object whose '{' was consumed. If it
// has an "items" array it is a list: items are emitted one by one as they are
// decoded. Items that lack a kind before the list's own kind was seen
// (kubectl prints "items" before "kind") wait until the end of the list.
func (d *objDecoder) streamObject(dec *jsontext.Decoder) error {
	var (
		members   []member // non-items members, to rebuild a plain object
		kind, api string
		isList    bool
		waiting   [][]byte
		itemsNull bool
	)
	for dec.PeekKind() != '}' {
		ktok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		key := ktok.String()
		if key == "items" {
			switch dec.PeekKind() {
			case '[':
				isList = true
				if _, err := dec.ReadToken(); err != nil {
					return err
				}
				for dec.PeekKind() != ']' {
					v, err := dec.ReadValue()
					if err != nil {
						return err
					}
					raw := bytes.Clone(v)
					if kind == "" && !hasKind(raw) {
						waiting = append(waiting, raw)
						continue
					}
					if err := d.emit(raw, kind, api); err != nil {
						return err
					}
				}
				if _, err := dec.ReadToken(); err != nil { // ']'
					return err
				}
				continue
			case 'n':
				itemsNull = true
			}
			// "items" of another shape: not a list, an ordinary member.
		}
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		raw := bytes.Clone(v)
		switch key {
		case "kind":
			unmarshal(raw, &kind)
		case "apiVersion":
			unmarshal(raw, &api)
		}
		members = append(members, member{key, raw})
	}
	if _, err := dec.ReadToken(); err != nil { // '}'
		return err
	}
	if itemsNull && strings.HasSuffix(kind, "List") {
		isList = true // an empty typed list prints "items": null
	}
	if isList {
		for _, raw := range waiting {
			if err := d.emit(raw, kind, api); err != nil {
				return err
			}
		}
		return nil
	}
	// A plain object: reassemble it from its members.
	buf := []byte{'{'}
	for i, m := range members {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = quote(buf, m.key)
		buf = append(buf, ':')
		buf = append(buf, m.raw...)
	}
	buf = append(buf, '}')
	return d.emit(buf, "", "")
}

type member struct {
	key string
	raw []byte
}

// quote appends s as a JSON string; invalid UTF-8 becomes U+FFFD, as the
// decoder read it.
func quote(dst []byte, s string) []byte {
	dst, _ = jsontext.AppendQuote(dst, s)
	return dst
}

func hasKind(raw []byte) bool {
	var h struct {
		Kind string `json:"kind"`
	}
	return unmarshal(raw, &h) == nil && h.Kind != ""
}

// ---- YAML ----

// decodeYAMLStream converts each document of a YAML stream to JSON and
// reads it as value does. One document is held at a time.
func (d *objDecoder) decodeYAMLStream(r *bufio.Reader) error {
	return yamldocs.Split(r, func(doc yamldocs.Doc) error {
		j, err := yaml.YAMLToJSON(doc.Data)
		if err != nil {
			return &SyntaxError{File: d.name, Offset: -1, Line: doc.Line, Msg: fmt.Sprintf("invalid YAML in document %d (starting at line %d): %v", doc.Index, doc.Line, err)}
		}
		if err := d.value(j); err != nil {
			var fe fnError
			if errors.As(err, &fe) {
				return fe.err
			}
			return fmt.Errorf("%s: document %d (starting at line %d): %v", d.name, doc.Index, doc.Line, err)
		}
		return nil
	})
}

// StreamObjectsBytes is StreamObjects over an entry already in memory. The
// items of a JSON List are sliced out of data in place (no copy, no decode:
// the reader of each item decodes it once); any other shape, or a list whose
// structure is broken, falls back to the streaming decoder, which gives the
// precise message. Object.Raw then points into data: it is valid only
// during fn.
func StreamObjectsBytes(name string, data []byte, lim Limits, fn func(Object) error) error {
	lim = lim.WithDefaults()
	if int64(len(data)) > lim.MaxObjectBytes {
		return fmt.Errorf("%s: %w", name, &LimitError{What: "object bytes", Limit: lim.MaxObjectBytes, Flag: "--max-object-bytes"})
	}
	if l, ok := splitList(data); ok && strings.HasSuffix(l.Kind, "List") {
		d := &objDecoder{name: name, fn: fn, asRead: true}
		hint, hintAPI, mustMatch := "", "", false
		if k, ok := strings.CutSuffix(l.Kind, "List"); ok && k != "" {
			hint, hintAPI = k, l.APIVersion
		} else if len(l.Items) > 0 {
			var h objHead
			if unmarshal(l.Items[0], &h) == nil && h.Kind != nil && *h.Kind != "" && h.APIVersion != nil {
				hint, hintAPI, mustMatch = *h.Kind, *h.APIVersion, true
			}
		}
		for _, it := range l.Items {
			if hint != "" && it[0] == '{' { // splitList's items are never empty, never padded
				d.index++
				if err := fn(Object{Kind: hint, APIVersion: hintAPI, Raw: it, Unread: true, KindMustMatch: mustMatch}); err != nil {
					return err
				}
				continue
			}
			if err := d.emit(it, l.Kind, l.APIVersion); err != nil {
				var fe fnError
				if errors.As(err, &fe) {
					return fe.err
				}
				return err
			}
		}
		if len(d.errs) > 0 {
			return d.errs
		}
		return nil
	}
	return StreamObjects(name, bytes.NewReader(data), lim, fn)
}

// list is the part of a JSON list document StreamObjectsBytes needs.
type list struct {
	APIVersion, Kind string
	Items            [][]byte
}

// splitList finds the apiVersion, kind and items of a JSON object without
// copying the items. ok is false unless data is exactly one valid JSON
// object with a non-null items array and string (or null) kind and
// apiVersion. Keys match as everywhere else (exactly, unescaped, the last
// duplicate winning).
func splitList(data []byte) (l list, ok bool) {
	defer func() {
		if recover() != nil {
			l, ok = list{}, false // the streaming decoder gives the message
		}
	}()
	dec := newDecoder(bytes.NewBuffer(data))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return l, false
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return l, false
		}
		switch key := name.String(); key {
		case "items":
			if dec.PeekKind() == 'n' {
				l.Items = nil
				break // read below, as any value
			}
			// The items array is most of the bytes: slice it in the same
			// pass that checks it.
			if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '[' {
				return l, false
			}
			l.Items = [][]byte{}
			for dec.PeekKind() != ']' {
				it, err := readValue(dec, data)
				if err != nil {
					return l, false
				}
				l.Items = append(l.Items, it)
			}
			if _, err := dec.ReadToken(); err != nil {
				return l, false
			}
			continue
		case "kind", "apiVersion":
			tok, err := dec.ReadToken()
			switch {
			case err != nil:
				return l, false
			case tok.Kind() == '"' && key == "kind":
				l.Kind = tok.String()
			case tok.Kind() == '"':
				l.APIVersion = tok.String()
			case tok.Kind() != 'n': // null leaves it as it was, as unmarshal does
				return l, false
			}
			continue
		}
		if err := dec.SkipValue(); err != nil {
			return l, false
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return l, false
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return l, false // something after the object
	}
	return l, l.Items != nil
}
