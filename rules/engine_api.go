package rules

import "strconv"

// Selection picks rules by id: Only (if non-empty) keeps just those,
// Disable drops these.
type Selection struct {
	Only    []string
	Disable []string
}

// LintProblem is one problem found by Lint in a rule pack: the file, the
// line of the offending key (of the rule's id when the problem is the
// rule's as a whole; 0 when unknown), the rule's id when known, the key
// at fault (LintParse when the file does not parse) and what is wrong.
type LintProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Rule    string `json:"rule,omitempty"`
	Key     string `json:"key"`
	Message string `json:"message"`
}

// LintParse is the Key of a problem that keeps a file from parsing.
const LintParse = "parse"

// String is "FILE:LINE: rule ID: message", the compiler's habit editors
// and CI logs link to.
func (p LintProblem) String() string {
	s := p.File
	if p.Line > 0 {
		s += ":" + strconv.Itoa(p.Line)
	}
	if p.Rule != "" {
		s += ": rule " + p.Rule
	}
	return s + ": " + p.Message
}
