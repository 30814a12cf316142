package junittest

import (
	"strings"
	"testing"
)

// TestCheckEnforcesTheSchema: the checker reads the real schema and
// rejects what it forbids.
func TestCheckEnforcesTheSchema(t *testing.T) {
	good := `<?xml version="1.0"?>
<testsuites tests="2" failures="1" errors="0" time="1.500">
  <testsuite name="corpus" tests="2" failures="1" errors="0" time="1,234.5">
    <properties><property name="k" value="v"/></properties>
    <testcase name="a" classname="c" time="0.5"/>
    <testcase name="b"><failure message="m" type="t">details</failure><system-out>out</system-out></testcase>
  </testsuite>
</testsuites>`
	if err := Check([]byte(good)); err != nil {
		t.Fatalf("valid document rejected: %v", err)
	}
	for name, tc := range map[string]struct{ from, to, want string }{
		"suite without name":     {`<testsuite name="corpus" `, `<testsuite `, "required attribute name missing"},
		"suite without errors":   {` errors="0" time="1,234.5"`, ` time="1,234.5"`, "required attribute errors missing"},
		"case without name":      {`<testcase name="a" `, `<testcase `, "required attribute name missing"},
		"bad time":               {`time="1.500"`, `time="1.5s"`, "does not match"},
		"unknown attribute":      {`classname="c"`, `classname="c" status="ok"`, "attribute status not in the schema"},
		"unknown element":        {`<system-out>out</system-out>`, `<stdout>out</stdout>`, "element stdout not allowed"},
		"failure in a suite":     {`<properties>`, `<failure/><properties>`, "element failure not allowed"},
		"text in a suite":        {`<properties>`, `loose text<properties>`, "text not allowed"},
		"property without value": {`value="v"`, ``, "required attribute value missing"},
		"wrong root":             {`<testsuites tests="2" failures="1" errors="0" time="1.500">`, `<testcase name="x"><testsuites>`, "root element"},
	} {
		doc := strings.Replace(good, tc.from, tc.to, 1)
		if tc.from == `<testsuites tests="2" failures="1" errors="0" time="1.500">` {
			doc += "</testcase>"
		}
		err := Check([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
	}
	if err := Check([]byte("<testsuites>")); err == nil {
		t.Error("malformed XML accepted")
	}
	if err := Check([]byte(good + "\n<testsuites/>")); err == nil || !strings.Contains(err.Error(), "after the root") {
		t.Errorf("a second root: %v", err)
	}
}
