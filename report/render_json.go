package report

import (
	"io"

	gojson "github.com/goccy/go-json"
)

// WriteJSON writes r as the JSON report of CONTRACT.md: two-space indent,
// one trailing newline, and every list key present as an array ([] rather
// than null) so consumers can iterate without nil checks. r is not modified.
func WriteJSON(w io.Writer, r *Report) error {
	// goccy/go-json writes the same bytes as encoding/json, indented in one
	// pass instead of encode-then-reindent: a 50,000-pod incident reports
	// tens of thousands of symptoms (80 MB of JSON).
	enc := gojson.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Log samples hold '<', '>' and '&' (HAProxy's <NOSRV>, query strings);
	// the report is not embedded in HTML, so keep them readable.
	enc.SetEscapeHTML(false)
	return enc.Encode(normalized(r))
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
