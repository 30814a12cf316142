package bundle

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	gojson "github.com/goccy/go-json"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/yaml"

	"github.com/nohealthy/nohealthy/internal/jsonskip"
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
		Namespace       string          `json:"namespace"`
		Name            string          `json:"name"`
		UID             string          `json:"uid"`
		ResourceVersion string          `json:"resourceVersion"`
		ManagedFields   json.RawMessage `json:"managedFields"`
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
	if err := fastUnmarshal(raw, &h); err != nil {
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
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return Object{}, fmt.Errorf("malformed object: %v", err)
	}
	top["kind"], _ = json.Marshal(o.Kind)
	if o.APIVersion != "" {
		top["apiVersion"], _ = json.Marshal(o.APIVersion)
	}
	if mraw, ok := top["metadata"]; ok {
		var meta map[string]json.RawMessage
		if err := json.Unmarshal(mraw, &meta); err == nil && meta != nil {
			delete(meta, "managedFields")
			if b, err := json.Marshal(meta); err == nil {
				top["metadata"] = b
			}
		}
	}
	b, err := json.Marshal(top)
	if err != nil {
		return Object{}, fmt.Errorf("re-encoding object: %v", err)
	}
	o.Raw = b
	return o, nil
}

// ---- JSON ----

func (d *objDecoder) jsonErr(dec *json.Decoder, err error) error {
	var fe fnError
	if errors.As(err, &fe) {
		return fe.err
	}
	var le *LimitError
	if errors.As(err, &le) {
		return err
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%s: invalid JSON at byte offset %d: %v", d.name, se.Offset, se)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s: invalid JSON: unexpected end of input after byte offset %d", d.name, dec.InputOffset())
	}
	var fileErr *FileError
	if errors.As(err, &fileErr) {
		return err
	}
	return fmt.Errorf("%s: invalid JSON near byte offset %d: %v", d.name, dec.InputOffset(), err)
}

// decodeJSONStream reads concatenated top-level JSON values.
func (d *objDecoder) decodeJSONStream(r io.Reader) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return d.jsonErr(dec, err)
		}
		switch tok {
		case json.Delim('{'):
			err = d.streamObject(dec)
		case json.Delim('['):
			// An array of objects (or of lists).
			for dec.More() {
				var raw json.RawMessage
				if err = dec.Decode(&raw); err != nil {
					break
				}
				if err = d.value(raw); err != nil {
					break
				}
			}
			if err == nil {
				_, err = dec.Token() // ']'
			}
		default:
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
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		return d.streamObject(dec)
	case json.Delim('['):
		for dec.More() {
			var item json.RawMessage
			if err := dec.Decode(&item); err != nil {
				return err
			}
			if err := d.value(item); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	case nil:
		return nil // YAML "~" or an empty document
	}
	d.objectErr(d.index, fmt.Errorf("%v is not an object", tok))
	d.index++
	return nil
}

// streamObject reads the members of an object whose '{' was consumed. If it
// has an "items" array it is a list: items are emitted one by one as they are
// decoded. Items that lack a kind before the list's own kind was seen
// (kubectl prints "items" before "kind") wait until the end of the list.
func (d *objDecoder) streamObject(dec *json.Decoder) error {
	var (
		members   []member // non-items members, to rebuild a plain object
		kind, api string
		isList    bool
		waiting   [][]byte
		itemsNull bool
	)
	for dec.More() {
		ktok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := ktok.(string)
		if key == "items" {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			switch tok {
			case json.Delim('['):
				isList = true
				for dec.More() {
					var raw json.RawMessage
					if err := dec.Decode(&raw); err != nil {
						return err
					}
					if kind == "" && !hasKind(raw) {
						waiting = append(waiting, raw)
						continue
					}
					if err := d.emit(raw, kind, api); err != nil {
						return err
					}
				}
				if _, err := dec.Token(); err != nil { // ']'
					return err
				}
				continue
			case nil:
				itemsNull = true
				members = append(members, member{key, []byte("null")})
				continue
			}
			// "items" of another shape: not a list. Rebuild the value.
			b, err := rebuildValue(dec, tok)
			if err != nil {
				return err
			}
			members = append(members, member{key, b})
			continue
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		switch key {
		case "kind":
			json.Unmarshal(raw, &kind)
		case "apiVersion":
			json.Unmarshal(raw, &api)
		}
		members = append(members, member{key, raw})
	}
	if _, err := dec.Token(); err != nil { // '}'
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
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(m.raw)
	}
	buf.WriteByte('}')
	return d.emit(buf.Bytes(), "", "")
}

type member struct {
	key string
	raw []byte
}

func hasKind(raw []byte) bool {
	var h struct {
		Kind string `json:"kind"`
	}
	return fastUnmarshal(raw, &h) == nil && h.Kind != ""
}

// rebuildValue re-encodes the JSON value whose first token was already read
// (needed when a peeked token turns out not to start the expected array).
func rebuildValue(dec *json.Decoder, first json.Token) ([]byte, error) {
	var buf bytes.Buffer
	// needComma[i] is whether the container at depth i already has an
	// element; inObject[i] whether it is an object (keys alternate).
	type frame struct {
		object, hasElem, afterKey bool
	}
	var stack []frame
	write := func(tok json.Token) error {
		if n := len(stack); n > 0 {
			f := &stack[n-1]
			isClose := tok == json.Delim('}') || tok == json.Delim(']')
			switch {
			case isClose:
			case f.object && f.afterKey:
				buf.WriteByte(':')
				f.afterKey = false
			default:
				if f.hasElem {
					buf.WriteByte(',')
				}
				f.hasElem = true
				if f.object {
					f.afterKey = true
				}
			}
		}
		switch v := tok.(type) {
		case json.Delim:
			buf.WriteByte(byte(v))
			switch v {
			case '{':
				stack = append(stack, frame{object: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			b, _ := json.Marshal(v)
			buf.Write(b)
		case json.Number:
			buf.WriteString(v.String())
		case float64:
			buf.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		case bool:
			buf.WriteString(strconv.FormatBool(v))
		case nil:
			buf.WriteString("null")
		}
		return nil
	}
	write(first)
	for len(stack) > 0 {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		write(tok)
	}
	return buf.Bytes(), nil
}

// ---- YAML ----

// decodeYAMLStream splits the input on "---" document separators and
// converts each document to JSON. One document is held at a time.
func (d *objDecoder) decodeYAMLStream(r *bufio.Reader) error {
	var (
		doc       bytes.Buffer
		docIndex  int
		line      = 1 // current line number
		startLine = 1 // first line of the current document
	)
	flush := func() error {
		defer func() { doc.Reset(); docIndex++ }()
		if len(bytes.TrimSpace(doc.Bytes())) == 0 {
			return nil
		}
		j, err := yaml.YAMLToJSON(doc.Bytes())
		if err != nil {
			return fmt.Errorf("%s: invalid YAML in document %d (starting at line %d): %v", d.name, docIndex, startLine, err)
		}
		if err := d.value(j); err != nil {
			var fe fnError
			if errors.As(err, &fe) {
				return fe.err
			}
			return fmt.Errorf("%s: document %d (starting at line %d): %v", d.name, docIndex, startLine, err)
		}
		return nil
	}
	for {
		l, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A long line is never a separator; keep reading it whole.
			doc.Write(l)
			for errors.Is(err, bufio.ErrBufferFull) {
				l, err = r.ReadSlice('\n')
				doc.Write(l)
			}
			l = nil
		}
		if err != nil && err != io.EOF {
			return err
		}
		if isDocSeparator(l) {
			if ferr := flush(); ferr != nil {
				return ferr
			}
			startLine = line + 1
			if rest := bytes.TrimSpace(l[3:]); len(rest) > 0 && rest[0] != '#' {
				// "--- {kind: Pod}" or "--- |": content on the separator line.
				doc.Write(rest)
				doc.WriteByte('\n')
				startLine = line
			}
		} else if isDocEnd(l) {
			if ferr := flush(); ferr != nil {
				return ferr
			}
			startLine = line + 1
		} else {
			doc.Write(l)
		}
		line++
		if err == io.EOF {
			return flush()
		}
	}
}

func isDocSeparator(l []byte) bool {
	if !bytes.HasPrefix(l, []byte("---")) {
		return false
	}
	rest := l[3:]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r'
}

func isDocEnd(l []byte) bool {
	return bytes.Equal(bytes.TrimRight(l, " \t\r\n"), []byte("..."))
}

// fastUnmarshal reads the few head fields of each object with goccy/go-json
// (same tags and semantics as encoding/json, several times faster): on a
// big bundle every item passes here, so this is on the hot path. A panic in
// the decoder on hostile bytes becomes an error.
func fastUnmarshal(raw []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed JSON: %v", r)
		}
	}()
	return gojson.Unmarshal(raw, v)
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
			if fastUnmarshal(l.Items[0], &h) == nil && h.Kind != nil && *h.Kind != "" && h.APIVersion != nil {
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
// copying the items. ok is false unless data is one well-bracketed object
// with a non-null items array; keys match as encoding/json matches them
// (case-insensitively, the last duplicate winning), except escaped keys,
// which send the document down the slow path.
func splitList(data []byte) (l list, ok bool) {
	i := jsonskip.SkipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return l, false
	}
	haveItems := false
	for i = jsonskip.SkipSpace(data, i+1); i < len(data) && data[i] != '}'; {
		if data[i] != '"' {
			return l, false
		}
		ke := jsonskip.String(data, i+1)
		if ke < 0 {
			return l, false
		}
		k := data[i+1 : ke]
		if bytes.IndexByte(k, '\\') >= 0 {
			return l, false
		}
		i = jsonskip.SkipSpace(data, ke+1)
		if i >= len(data) || data[i] != ':' {
			return l, false
		}
		v := jsonskip.SkipSpace(data, i+1)
		var end int
		if bytes.EqualFold(k, []byte("items")) {
			// The items array is most of the bytes: slice it in the same
			// pass that finds where it ends.
			items, e, ok := splitArray(data, v)
			if !ok {
				return l, false
			}
			l.Items, haveItems, end = items, items != nil, e
		} else if end = jsonskip.Value(data, v); end < 0 {
			return l, false
		}
		switch {
		case bytes.EqualFold(k, []byte("apiVersion")), bytes.EqualFold(k, []byte("kind")):
			var str string
			// encoding/json turns invalid UTF-8 into U+FFFD, the fast
			// decoder keeps the bytes: leave such a value (no real kind
			// has one) to the slow path.
			if !utf8.Valid(data[v:end]) || fastUnmarshal(data[v:end], &str) != nil {
				return l, false
			}
			if len(k) == 4 {
				l.Kind = str
			} else {
				l.APIVersion = str
			}
		}
		i = jsonskip.SkipSpace(data, end)
		if i < len(data) && data[i] == ',' {
			i = jsonskip.SkipSpace(data, i+1)
			if i < len(data) && data[i] == '}' {
				return l, false // trailing comma
			}
		} else if i < len(data) && data[i] != '}' {
			return l, false
		}
	}
	if i >= len(data) || jsonskip.SkipSpace(data, i+1) != len(data) {
		return l, false // unterminated, or something after the object
	}
	return l, haveItems
}

// splitArray slices the elements of the JSON array starting at b[i] (nil
// for null) and returns where the array ends.
func splitArray(b []byte, i int) (items [][]byte, end int, ok bool) {
	if i >= len(b) || b[i] != '[' {
		if end = jsonskip.Value(b, i); end < 0 || string(b[i:end]) != "null" {
			return nil, 0, false
		}
		return nil, end, true
	}
	items = [][]byte{}
	i = jsonskip.SkipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return items, i + 1, true
	}
	for {
		e := jsonskip.Value(b, i)
		if e < 0 {
			return nil, 0, false
		}
		items = append(items, b[i:e])
		i = jsonskip.SkipSpace(b, e)
		if i >= len(b) {
			return nil, 0, false
		}
		if b[i] == ']' {
			return items, i + 1, true
		}
		if b[i] != ',' {
			return nil, 0, false
		}
		i = jsonskip.SkipSpace(b, i+1)
	}
}
