package render

import (
	"bufio"
	"bytes"
	"cmp"
	"io"

	gojson "github.com/goccy/go-json"

	"github.com/nohealthy/nohealthy/report"
)

// renderJSON writes r as the JSON report of the contract: two-space
// indent, one trailing newline, every list key present as an array ([]
// rather than null) so consumers iterate without nil checks. r is not
// modified.
//
// The bytes are those one indented Encode of the whole report writes
// (TestRenderJSONStreamsSameBytes holds the two together), but each
// top-level list is written one element at a time through a reused
// buffer: a 50,000-pod incident reports tens of thousands of symptoms
// (80 MB of JSON), and the report is written at the end of a run, when the
// heap is at its largest, so it must not hold a second copy of them.
func renderJSON(w io.Writer, r *report.Report, _ Options) error {
	if r == nil {
		r = &report.Report{}
	}
	j := newJSONWriter(w)
	j.member("schemaVersion", cmp.Or(r.SchemaVersion, report.SchemaVersion))
	j.member("tool", r.Tool)
	j.member("input", contractInput(r.Input))
	writeList(j, "symptoms", r.Symptoms, contractSymptom)
	writeList(j, "rootCauses", r.RootCauses, contractRootCause)
	writeList(j, "findings", r.Findings, contractFinding)
	return j.close()
}

// The contract* functions return a copy of an entry whose contract
// arrays are non-nil (the caller's slices are never written). Every slice
// field of the model without omitempty must be here:
// TestJSONArraysNeverNull finds one that is not.

func contractInput(in report.Input) report.Input {
	in.Sources = nonNil(in.Sources)
	in.Warnings = nonNil(in.Warnings)
	in.Skipped = nonNil(in.Skipped)
	in.Scope = contractScope(in.Scope)
	return in
}

// contractScope copies the lists whose elements it fills in, so the
// caller's are never written.
func contractScope(sc report.Scope) report.Scope {
	sc.Clusters = append([]report.Cluster{}, sc.Clusters...)
	for i := range sc.Clusters {
		sc.Clusters[i].Sources = nonNil(sc.Clusters[i].Sources)
	}
	sc.Sources = append([]report.Source{}, sc.Sources...)
	for i := range sc.Sources {
		sc.Sources[i].Layouts = nonNil(sc.Sources[i].Layouts)
	}
	sc.CollectedNamespaces = nonNil(sc.CollectedNamespaces)
	sc.Namespaces = nonNil(sc.Namespaces)
	sc.CameAlong = append([]report.NamespaceReason{}, sc.CameAlong...)
	for i := range sc.CameAlong {
		sc.CameAlong[i].Reasons = nonNil(sc.CameAlong[i].Reasons)
	}
	sc.Kinds = append([]report.KindScope{}, sc.Kinds...)
	for i := range sc.Kinds {
		sc.Kinds[i].Namespaces = nonNil(sc.Kinds[i].Namespaces)
	}
	sc.Collectors = nonNil(sc.Collectors)
	sc.NotSeen = nonNil(sc.NotSeen)
	return sc
}

func contractSymptom(s report.Symptom) report.Symptom {
	s.Samples = nonNil(s.Samples)
	return s
}

func contractRootCause(rc report.RootCause) report.RootCause {
	rc.Explains = nonNil(rc.Explains)
	rc.Chain = nonNil(rc.Chain)
	rc.Evidence = nonNil(rc.Evidence)
	rc.Changes = nonNil(rc.Changes)
	return rc
}

func contractFinding(f report.Finding) report.Finding {
	f.ExplainedBy = nonNil(f.ExplainedBy)
	f.Evidence = nonNil(f.Evidence)
	return f
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// jsonWriter writes the report's top-level object member by member, in
// the layout of an indented Encode: "{", then `\n  "key": value` joined by
// commas, then "\n}\n". It keeps the first error; later calls do nothing.
type jsonWriter struct {
	bw *bufio.Writer
	// buf holds one encoded value; member and element encode into it
	// and copy it out without Encode's trailing newline.
	buf     bytes.Buffer
	value   *gojson.Encoder // a member's value: nested lines indented by 2
	element *gojson.Encoder // an element of a top-level list: by 4
	members int
	err     error
}

func newJSONWriter(w io.Writer) *jsonWriter {
	j := &jsonWriter{bw: bufio.NewWriterSize(w, 64<<10)}
	j.value = newJSONEncoder(&j.buf, "  ")
	j.element = newJSONEncoder(&j.buf, "    ")
	j.bw.WriteByte('{')
	return j
}

// newJSONEncoder is the report's encoder. goccy/go-json writes the bytes
// encoding/json writes, indenting in one pass instead of two. json v2 would
// not: it escapes \b and \f as such and writes invalid UTF-8 as a raw
// U+FFFD, where encoding/json writes \u0008, \u000c and \ufffd, and log
// samples carry all three.
func newJSONEncoder(w io.Writer, prefix string) *gojson.Encoder {
	enc := gojson.NewEncoder(w)
	enc.SetIndent(prefix, "  ")
	// Log samples hold '<', '>' and '&' (HAProxy's <NOSRV>, query
	// strings); the report is not embedded in HTML, so keep them readable.
	enc.SetEscapeHTML(false)
	return enc
}

// key starts the next member: its separator and its name. Names are the
// model's JSON keys: plain ASCII, nothing to escape.
func (j *jsonWriter) key(name string) {
	if j.members > 0 {
		j.bw.WriteByte(',')
	}
	j.members++
	j.bw.WriteString("\n  \"")
	j.bw.WriteString(name)
	j.bw.WriteString("\": ")
}

// member writes one member whose value is encoded whole.
func (j *jsonWriter) member(name string, v any) {
	j.key(name)
	j.encode(j.value, v)
}

// encode writes v through enc, less the newline Encode ends with.
func (j *jsonWriter) encode(enc *gojson.Encoder, v any) {
	if j.err != nil {
		return
	}
	j.buf.Reset()
	if j.err = enc.Encode(v); j.err != nil {
		return
	}
	j.bw.Write(j.buf.Bytes()[:j.buf.Len()-1])
}

// writeList writes a member whose value is a list, one element at a time,
// each passed through contract first.
func writeList[T any](j *jsonWriter, name string, items []T, contract func(T) T) {
	j.key(name)
	if len(items) == 0 {
		j.bw.WriteString("[]")
		return
	}
	j.bw.WriteByte('[')
	// One variable for every element: encoding its address boxes it once,
	// not once per element.
	var cur T
	for k := range items {
		if k > 0 {
			j.bw.WriteByte(',')
		}
		j.bw.WriteString("\n    ")
		cur = contract(items[k])
		j.encode(j.element, &cur)
	}
	j.bw.WriteString("\n  ]")
}

// close ends the object and flushes; it returns the first error met.
func (j *jsonWriter) close() error {
	j.bw.WriteString("\n}\n")
	if j.err != nil {
		return j.err
	}
	return j.bw.Flush()
}
