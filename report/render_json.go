package report

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	gojson "github.com/goccy/go-json"
)

// WriteJSON writes r as the JSON report of docs/contract.md: two-space indent,
// one trailing newline, and every list key present as an array ([] rather
// than null) so consumers can iterate without nil checks. r is not modified.
//
// A 50,000-pod incident reports tens of thousands of symptoms (80 MB of
// JSON): the symptoms are streamed one by one through a buffer instead of
// encoding the whole report in memory, so the report costs little memory
// at the very end of a run, when the heap is at its largest. The bytes are
// those a single indented encoding/json Encode would write.
func WriteJSON(w io.Writer, r *Report) error {
	c := normalized(r)
	syms := c.Symptoms
	c.Symptoms = []Symptom{}
	var head bytes.Buffer
	if err := newJSONEncoder(&head, "").Encode(c); err != nil {
		return err
	}
	if len(syms) == 0 {
		_, err := w.Write(head.Bytes())
		return err
	}
	// Newlines inside strings are escaped, so this key at the start of a
	// line is the top-level one.
	const empty = "\n  \"symptoms\": []"
	i := bytes.Index(head.Bytes(), []byte(empty))
	if i < 0 {
		return errors.New("report: symptoms key not found in the encoded report")
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	bw.Write(head.Bytes()[:i])
	bw.WriteString("\n  \"symptoms\": [")
	var item bytes.Buffer
	enc := newJSONEncoder(&item, "    ")
	for k := range syms {
		item.Reset()
		if err := enc.Encode(&syms[k]); err != nil {
			return err
		}
		if k > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		bw.Write(bytes.TrimSuffix(item.Bytes(), []byte("\n")))
	}
	bw.WriteString("\n  ]")
	bw.Write(head.Bytes()[i+len(empty):])
	return bw.Flush()
}

// newJSONEncoder is the report's encoder. goccy/go-json writes the same
// bytes as encoding/json, indenting in one pass instead of two.
func newJSONEncoder(w io.Writer, prefix string) *gojson.Encoder {
	enc := gojson.NewEncoder(w)
	enc.SetIndent(prefix, "  ")
	// Log samples hold '<', '>' and '&' (HAProxy's <NOSRV>, query strings);
	// the report is not embedded in HTML, so keep them readable.
	enc.SetEscapeHTML(false)
	return enc
}

// normalized returns a deep-enough copy of r whose contract arrays are
// non-nil. Only slices are replaced; the caller's report is untouched.
func normalized(r *Report) *Report {
	if r == nil {
		r = &Report{SchemaVersion: SchemaVersion}
	}
	c := *r
	if c.SchemaVersion == 0 {
		c.SchemaVersion = SchemaVersion
	}
	c.Input.Sources = nonNil(c.Input.Sources)
	c.Input.Warnings = nonNil(c.Input.Warnings)

	c.Symptoms = make([]Symptom, len(r.Symptoms))
	for i, s := range r.Symptoms {
		s.Samples = nonNil(s.Samples)
		c.Symptoms[i] = s
	}
	c.RootCauses = make([]RootCause, len(r.RootCauses))
	for i, rc := range r.RootCauses {
		rc.Explains = nonNil(rc.Explains)
		rc.Chain = nonNil(rc.Chain)
		rc.Evidence = nonNil(rc.Evidence)
		c.RootCauses[i] = rc
	}
	c.Findings = make([]Finding, len(r.Findings))
	for i, f := range r.Findings {
		f.ExplainedBy = nonNil(f.ExplainedBy)
		f.Evidence = nonNil(f.Evidence)
		c.Findings[i] = f
	}
	return &c
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
