// Package junit writes test results as JUnit XML, the report format CI
// servers (Jenkins, GitLab, GitHub test reporters) read: testsuites of
// testcases, each passed, failed (an expectation not met) or in error
// (the test could not run). The element and attribute names, and which
// are required, are those of the JUnit schema the Jenkins xUnit plugin
// validates against (junit-10.xsd), which its tests check.
package junit

import (
	"encoding/xml"
	"io"
	"strconv"
)

// Suites is the document's root, <testsuites>, with the totals of its
// suites.
type Suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr,omitempty"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Time     Seconds  `xml:"time,attr"`
	Suites   []Suite  `xml:"testsuite"`
}

// Suite is a <testsuite>: its cases and their counts.
type Suite struct {
	Name      string  `xml:"name,attr"`
	Tests     int     `xml:"tests,attr"`
	Failures  int     `xml:"failures,attr"`
	Errors    int     `xml:"errors,attr"`
	Skipped   int     `xml:"skipped,attr"`
	Time      Seconds `xml:"time,attr"`
	Timestamp string  `xml:"timestamp,attr,omitempty"`
	Cases     []Case  `xml:"testcase"`
}

// Case is a <testcase>: passed when it has neither Failure nor Error.
type Case struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr,omitempty"`
	Time      Seconds  `xml:"time,attr"`
	Failure   *Problem `xml:"failure,omitempty"`
	Error     *Problem `xml:"error,omitempty"`
	SystemOut string   `xml:"system-out,omitempty"`
}

// Problem is a <failure> or an <error>: a one-line message, a type, and
// the details as text.
type Problem struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// Seconds is a duration as the schema's time attributes spell it:
// seconds with three decimals ("12.345").
type Seconds float64

// MarshalXMLAttr writes the seconds with three decimals.
func (s Seconds) MarshalXMLAttr(name xml.Name) (xml.Attr, error) {
	return xml.Attr{Name: name, Value: strconv.FormatFloat(max(float64(s), 0), 'f', 3, 64)}, nil
}

// Add appends a case to the suite and counts it.
func (s *Suite) Add(c Case) {
	s.Cases = append(s.Cases, c)
	s.Tests++
	s.Time += c.Time
	switch {
	case c.Error != nil:
		s.Errors++
	case c.Failure != nil:
		s.Failures++
	}
}

// Write writes the suites, their totals summed, as an XML document.
func Write(w io.Writer, doc Suites) error {
	doc.Tests, doc.Failures, doc.Errors, doc.Time = 0, 0, 0, 0
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Time += s.Time
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
