package rules

// Selection picks rules by id: Only (if non-empty) keeps just those,
// Disable drops these.
type Selection struct {
	Only    []string
	Disable []string
}

// LintProblem is one problem found by Lint in a rule pack.
type LintProblem struct {
	File    string `json:"file"`
	Rule    string `json:"rule,omitempty"`
	Message string `json:"message"`
}

func (p LintProblem) String() string {
	s := p.File
	if p.Rule != "" {
		s += ": rule " + p.Rule
	}
	return s + ": " + p.Message
}
