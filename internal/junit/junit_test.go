package junit

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/internal/junit/junittest"
)

func TestWriteFollowsTheSchema(t *testing.T) {
	var s Suite
	s.Name = "testdata/bundles"
	s.Timestamp = "2025-03-01T10:00:00"
	s.Add(Case{Name: "01-healthy", Classname: "testdata/bundles", Time: 0.25})
	s.Add(Case{Name: "21-subset-no-pods", Time: 1.5, Failure: &Problem{Message: "rank 1: want a, got b", Type: "root-cause-mismatch",
		Text: "expected:\n  1. a <&> \x1b[31m\nreported:\n  1. b"}, SystemOut: "input: x/bundle"})
	s.Add(Case{Name: "broken", Error: &Problem{Message: "analyze failed", Type: "analyze-error", Text: "zstd: bad header"}})
	var b bytes.Buffer
	if err := Write(&b, Suites{Name: "nohealthy", Suites: []Suite{s, {Name: "empty"}}}); err != nil {
		t.Fatal(err)
	}
	junittest.Validate(t, b.Bytes())
	out := b.String()
	for _, want := range []string{
		`<testsuites name="nohealthy" tests="3" failures="1" errors="1" time="1.750">`,
		`<testsuite name="testdata/bundles" tests="3" failures="1" errors="1" skipped="0" time="1.750" timestamp="2025-03-01T10:00:00">`,
		`<testcase name="01-healthy" classname="testdata/bundles" time="0.250"></testcase>`,
		`a &lt;&amp;&gt; ` + "\uFFFD[31m", // XML 1.0 has no ESC, not even escaped
		`<error message="analyze failed" type="analyze-error">zstd: bad header</error>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	var back Suites
	if err := xml.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
}
