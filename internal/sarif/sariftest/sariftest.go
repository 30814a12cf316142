// Package sariftest validates SARIF logs against the official SARIF 2.1.0
// JSON schema, in tests.
//
// sarif-schema-2.1.0.json is the OASIS schema of SARIF 2.1.0 errata 01
// (its "id" names it), verbatim from the sarif-spec repository of the
// OASIS SARIF technical committee (github.com/oasis-tcs/sarif-spec, file
// sarif-2.1/schema/sarif-schema-2.1.0.json, commit e0583813964e;
// sha256 c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e).
package sariftest

import (
	"bytes"
	_ "embed"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed sarif-schema-2.1.0.json
var schemaJSON []byte

// schemaID is the schema's own "id".
const schemaID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // uri, uri-reference, date-time are checked, not just annotated
	if err := c.AddResource(schemaID, doc); err != nil {
		return nil, err
	}
	return c.Compile(schemaID)
})

// Validate fails t unless log is a SARIF 2.1.0 log the schema accepts.
func Validate(t testing.TB, log []byte) {
	t.Helper()
	if err := Check(log); err != nil {
		t.Fatalf("not valid SARIF 2.1.0: %v\n%s", err, log)
	}
}

// Check returns why log is not valid SARIF 2.1.0, or nil.
func Check(log []byte) error {
	s, err := compiled()
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(log))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}
