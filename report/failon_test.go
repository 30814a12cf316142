package report

import "testing"

func TestFailLevel(t *testing.T) {
	for in, want := range map[string]int{"info": 0, "warning": 1, "critical": 2, "none": -1} {
		if got, ok := FailLevel(in); !ok || got != want {
			t.Errorf("FailLevel(%q) = %d, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "fatal", "Critical"} {
		if _, ok := FailLevel(bad); ok {
			t.Errorf("FailLevel(%q) accepted", bad)
		}
	}
}

func TestReaches(t *testing.T) {
	onlyFinding := &Report{Findings: []Finding{{Severity: "warning"}}}
	onlyRootCause := &Report{RootCauses: []RootCause{{Severity: "critical"}}}
	for _, tc := range []struct {
		r     *Report
		level int
		want  bool
	}{
		{onlyFinding, 1, true}, {onlyFinding, 2, false}, {onlyFinding, -1, false},
		{onlyRootCause, 2, true}, {onlyRootCause, -1, false},
		{&Report{}, 0, false}, {nil, 0, false},
		{&Report{Findings: []Finding{{Severity: "bogus"}}}, 0, false},
	} {
		if got := tc.r.Reaches(tc.level); got != tc.want {
			t.Errorf("%+v.Reaches(%d) = %v", tc.r, tc.level, got)
		}
	}
}
