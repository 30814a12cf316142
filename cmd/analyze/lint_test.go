package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/internal/sarif/sariftest"
)

// badPack writes a rule pack with a wrong severity on line 4 of r.yaml
// and a typo'd key on line 5 of typo.yaml.
func badPack(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "my rules")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	const rule = "id: my-rule\ntitle: A rule\ncause: no-workload\nseverity: urgent\nfor: services\nwhen: svc.matchedPods == 0\nsummary: x\nremediation: y\n"
	for name, body := range map[string]string{
		"r.yaml":    rule,
		"typo.yaml": strings.Replace(strings.Replace(rule, "my-rule", "other", 1), "for:", "fro:", 1),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLintOutputs(t *testing.T) {
	dir := badPack(t)

	r := run(t, hooks{}, false, "lint", dir)
	if r.code != exitFailing || !strings.Contains(r.stdout, filepath.Join(dir, "r.yaml")+":4: rule my-rule: severity \"urgent\"") ||
		!strings.Contains(r.stdout, filepath.Join(dir, "typo.yaml")+":5: json: unknown field \"fro\"") {
		t.Errorf("text: exit %d\n%s", r.code, r.stdout)
	}

	r = run(t, hooks{}, false, "lint", "-o", "json", dir)
	var js struct {
		Problems []struct {
			File, Rule, Key, Message string
			Line                     int
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &js); err != nil || r.code != exitFailing || len(js.Problems) != 2 {
		t.Fatalf("json: exit %d err %v\n%s", r.code, err, r.stdout)
	}

	r = run(t, hooks{}, false, "lint", "-o", "sarif", dir)
	if r.code != exitFailing {
		t.Errorf("sarif: exit %d", r.code)
	}
	sariftest.Validate(t, []byte(r.stdout))
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
						Region           struct{ StartLine int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, res := range log.Runs[0].Results {
		pl := res.Locations[0].PhysicalLocation
		got[res.RuleID+" "+pl.ArtifactLocation.URI+" "+string(rune('0'+pl.Region.StartLine))] = true
	}
	for _, want := range []string{
		"lint/severity file://" + filepath.ToSlash(strings.ReplaceAll(dir, " ", "%20")) + "/r.yaml 4",
		"lint/parse file://" + filepath.ToSlash(strings.ReplaceAll(dir, " ", "%20")) + "/typo.yaml 5",
	} {
		if !got[want] {
			t.Errorf("no result %q in %v", want, got)
		}
	}

	// A clean pack: exit 0, an empty but valid SARIF run.
	r = run(t, hooks{}, false, "lint", "-o", "sarif", filepath.Join("..", "..", "rules", "builtin"))
	if r.code != 0 || !strings.Contains(r.stdout, `"results": []`) {
		t.Errorf("clean pack: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	sariftest.Validate(t, []byte(r.stdout))

	if r := run(t, hooks{}, false, "lint", "-o", "yaml", dir); r.code != exitUsage {
		t.Errorf("-o yaml: exit %d", r.code)
	}
}
