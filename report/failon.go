package report

// FailNone is the --fail-on value no finding reaches.
const FailNone = "none"

// FailLevel reads a --fail-on value: the level of a severity (as
// SeverityLevel), or -1 for FailNone. ok is false for anything else.
func FailLevel(failOn string) (level int, ok bool) {
	if failOn == FailNone {
		return -1, true
	}
	l := SeverityLevel(failOn)
	return l, l >= 0
}

// ReachesLevel tells whether a severity is at least level (a FailLevel);
// level -1 is never reached.
func ReachesLevel(severity string, level int) bool {
	return level >= 0 && SeverityLevel(severity) >= level
}

// Reaches tells whether a root cause or finding of r is at least level
// severe: then `analyze --fail-on` exits 1, and every human rendering of
// r must show that finding. A root cause is its rule's finding too, but a
// report built by hand may list it only among the root causes.
func (r *Report) Reaches(level int) bool {
	if r == nil {
		return false
	}
	for _, rc := range r.RootCauses {
		if ReachesLevel(rc.Severity, level) {
			return true
		}
	}
	for _, f := range r.Findings {
		if ReachesLevel(f.Severity, level) {
			return true
		}
	}
	return false
}
