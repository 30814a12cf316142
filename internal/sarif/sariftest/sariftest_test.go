package sariftest

import "testing"

// TestSchemaRejects: the schema is live, not a stub that takes anything.
func TestSchemaRejects(t *testing.T) {
	good := `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}`
	if err := Check([]byte(good)); err != nil {
		t.Fatalf("minimal log rejected: %v", err)
	}
	for name, bad := range map[string]string{
		"no version":      `{"runs": []}`,
		"wrong version":   `{"version": "2.0.0", "runs": []}`,
		"no driver name":  `{"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}`,
		"unknown level":   `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "level": "fatal"}]}]}`,
		"line 0":          `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a"}, "region": {"startLine": 0}}}]}]}]}`,
		"extra top field": `{"version": "2.1.0", "runs": [], "bogus": 1}`,
	} {
		if err := Check([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
