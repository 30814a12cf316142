package causes

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestEmbeddedCatalog(t *testing.T) {
	all := All()
	if len(all) < 20 {
		t.Fatalf("only %d causes", len(all))
	}
	for _, c := range all {
		got, ok := Lookup(c.ID)
		if !ok || got.ID != c.ID || !slices.Equal(got.Names, c.Names) {
			t.Errorf("Lookup(%q) = %+v, %v", c.ID, got, ok)
		}
		if err := Check(c.ID); err != nil {
			t.Errorf("Check(%q): %v", c.ID, err)
		}
	}
	if _, ok := Lookup("cosmic-rays"); ok {
		t.Error("Lookup of an unknown ID succeeded")
	}
	// All hands out copies: a caller cannot change the catalog.
	all[0].Names[0], all[0].ID = "Nothing", "changed"
	if c := All()[0]; c.ID == "changed" || c.Names[0] == "Nothing" {
		t.Error("All returned the catalog itself")
	}
}

func TestCheckNamesClosest(t *testing.T) {
	for id, want := range map[string]string{
		"crashloop":          "crash-loop",
		"subset-no-pod":      "subset-no-pods",
		"selector-missmatch": "selector-mismatch",
		"dns-failures":       "dns-failure",
	} {
		err := Check(id)
		if err == nil || !strings.Contains(err.Error(), "closest: "+want+";") || !strings.Contains(err.Error(), "docs/causes.md") {
			t.Errorf("Check(%q) = %v, want it to name %s and docs/causes.md", id, err, want)
		}
	}
}

const validDoc = `
intro: x
notes: y
symptoms:
  - {symptom: "UH", seenIn: access log}
causes:
  - id: no-workload
    names: [Service]
    namesText: Service
    meaning: m
    evidence: e
    remediation: r
`

func TestParseRejects(t *testing.T) {
	if _, err := Parse("t.yaml", []byte(validDoc)); err != nil {
		t.Fatalf("valid document: %v", err)
	}
	cases := map[string]struct{ doc, want string }{
		"unknown field":     {strings.Replace(validDoc, "    meaning: m", "    meaning: m\n    severity: high", 1), "severity"},
		"misspelt field":    {strings.Replace(validDoc, "evidence: e", "evidense: e", 1), "evidense"},
		"repeated key":      {strings.Replace(validDoc, "    meaning: m", "    meaning: m\n    meaning: n", 1), "meaning"},
		"duplicate id":      {validDoc + strings.SplitN(validDoc, "causes:\n", 2)[1], "duplicate id"},
		"malformed id":      {strings.Replace(validDoc, "id: no-workload", "id: No_Workload", 1), "No_Workload"},
		"no kind":           {strings.Replace(validDoc, "names: [Service]", "names: []", 1), "no object kind"},
		"not a kind":        {strings.Replace(validDoc, "names: [Service]", "names: [service]", 1), `"service" is not an object kind`},
		"repeated kind":     {strings.Replace(validDoc, "names: [Service]", "names: [Service, Service]", 1), "repeats"},
		"empty meaning":     {strings.Replace(validDoc, "meaning: m", `meaning: ""`, 1), "meaning is empty"},
		"empty remediation": {strings.Replace(validDoc, "    remediation: r\n", "", 1), "remediation is empty"},
		"empty symptom":     {strings.Replace(validDoc, `symptom: "UH"`, `symptom: ""`, 1), "symptoms[0]"},
		"no causes":         {strings.SplitN(validDoc, "causes:", 2)[0], "no causes"},
		"not yaml":          {"causes: [", "t.yaml"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tc.doc))
			if err == nil {
				t.Fatalf("no error for\n%s", tc.doc)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "t.yaml") {
				t.Fatalf("error %q: want the file name and %q", err, tc.want)
			}
		})
	}
}

// workloadKinds are what "workload" in a names text stands for: the
// Kubernetes controllers a pod's owner chain ends in, and on a Docker host
// the service or the lone container (the catalog's notes say so).
var workloadKinds = []string{"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "DockerService", "Container"}

var (
	wordRE      = regexp.MustCompile(`[A-Za-z]+`)
	backtickIDs = regexp.MustCompile("`([a-z0-9-]+)`")
)

// namesProblems checks the structured kinds of c against a names text
// and the notes: every kind is named by the text (a word of it, or
// "workload" for a workload kind, the Docker note for DockerService, or
// "Service" for the Docker kinds),
// the generic "the workload" includes the Docker kinds, and every kind of
// the catalog's vocabulary the text names is listed.
func namesProblems(c Cause, namesText, notes string, vocabulary map[string]bool) []string {
	var probs []string
	words := map[string]bool{}
	for _, w := range wordRE.FindAllString(namesText, -1) {
		words[w], words[strings.ToLower(w)] = true, true
	}
	var dockerNoted bool
	for _, para := range strings.Split(notes, "\n\n") {
		if strings.Contains(para, "`DockerService`") {
			for _, m := range backtickIDs.FindAllStringSubmatch(para, -1) {
				dockerNoted = dockerNoted || m[1] == c.ID
			}
		}
	}
	for _, k := range c.Names {
		switch {
		case words[k] || words[strings.ToLower(k)]:
		case words["workload"] && slices.Contains(workloadKinds, k):
		case k == "DockerService" && dockerNoted:
		// On a Docker host the Docker service, or a lone container, is
		// also what a proxy sends to: the role of a Service.
		case (k == "DockerService" || k == "Container") && words["Service"]:
		default:
			probs = append(probs, "kind "+k+" is not named by "+strconvQuote(namesText))
		}
	}
	if strings.Contains(namesText, "the workload") || dockerNoted {
		if !c.NamesKind("DockerService") {
			probs = append(probs, "names lacks DockerService (the Docker note)")
		}
	}
	if strings.Contains(namesText, "the workload") && !c.NamesKind("Container") {
		probs = append(probs, "names lacks Container (the Docker note)")
	}
	for w := range words {
		if vocabulary[w] && !c.NamesKind(w) {
			probs = append(probs, strconvQuote(namesText)+" names "+w+", which names lacks")
		}
	}
	slices.Sort(probs)
	return probs
}

func strconvQuote(s string) string { return `"` + s + `"` }

func vocabulary(c *Catalog) map[string]bool {
	v := map[string]bool{}
	for _, cs := range c.Causes {
		for _, k := range cs.Names {
			v[k] = true
		}
	}
	return v
}

// TestNamesMatchTheirText keeps each cause's kinds and its names text
// telling the same story.
func TestNamesMatchTheirText(t *testing.T) {
	c := Embedded()
	v := vocabulary(c)
	for _, cs := range c.Causes {
		for _, p := range namesProblems(cs, cs.NamesText, c.Notes, v) {
			t.Errorf("%s: %s", cs.ID, p)
		}
	}
}

// sharedCatalog finds the taxonomy the catalog mirrors, outside the
// repository: $NOHEALTHY_SHARED/CAUSES.md, or /work/shared/CAUSES.md.
func sharedCatalog(t *testing.T) string {
	var paths []string
	if d := os.Getenv("NOHEALTHY_SHARED"); d != "" {
		paths = append(paths, filepath.Join(d, "CAUSES.md"))
	}
	for _, p := range append(paths, "/work/shared/CAUSES.md") {
		if b, err := os.ReadFile(p); err == nil {
			return string(b)
		}
	}
	t.Skip("no shared CAUSES.md ($NOHEALTHY_SHARED unset, /work/shared absent); TestDocsUpToDate still guards docs/causes.md")
	return ""
}

// tableRows returns the cells of the table rows under the heading that
// contains section, '\|' unescaped.
func tableRows(doc, section string) [][]string {
	var rows [][]string
	in := false
	for _, l := range strings.Split(doc, "\n") {
		if strings.HasPrefix(l, "## ") {
			in = strings.Contains(l, section)
			continue
		}
		if !in || !strings.HasPrefix(l, "| ") {
			continue
		}
		var cells []string
		rest := strings.TrimSpace(l)
		rest = rest[1 : len(rest)-1]
		start := 0
		for i := 0; i < len(rest); i++ {
			if rest[i] == '|' && (i == 0 || rest[i-1] != '\\') {
				cells = append(cells, rest[start:i])
				start = i + 1
			}
		}
		cells = append(cells, rest[start:])
		for i := range cells {
			cells[i] = strings.ReplaceAll(strings.TrimSpace(cells[i]), `\|`, "|")
		}
		rows = append(rows, cells)
	}
	if len(rows) > 0 {
		rows = rows[1:] // the header; the |---| line does not start with "| "
	}
	return rows
}

// TestMatchesSharedTaxonomy compares the catalog with the shared
// CAUSES.md it mirrors, when that file is at hand: the same IDs in the
// same order, the same texts, the structured kinds justified by the
// shared names column, the same symptom table.
func TestMatchesSharedTaxonomy(t *testing.T) {
	doc := sharedCatalog(t)
	c := Embedded()
	rows := tableRows(doc, "Root causes")
	if len(rows) == 0 {
		t.Fatal("shared CAUSES.md: no rows under \"## Root causes\"")
	}
	var ids []string
	for _, r := range rows {
		ids = append(ids, strings.Trim(r[0], "`"))
	}
	var ours []string
	for _, cs := range c.Causes {
		ours = append(ours, cs.ID)
	}
	if !slices.Equal(ids, ours) {
		t.Fatalf("cause IDs differ:\nshared  %v\ncatalog %v", ids, ours)
	}
	var notes string
	if i := strings.Index(doc, "On a Docker host"); i >= 0 {
		notes = doc[i:]
	}
	v := vocabulary(c)
	for i, r := range rows {
		cs := c.Causes[i]
		if len(r) != 4 {
			t.Errorf("shared row %s: %d cells, want 4", cs.ID, len(r))
			continue
		}
		for j, pair := range [][2]string{{"names", cs.NamesText}, {"meaning", cs.Meaning}, {"evidence", cs.Evidence}} {
			if got := strings.Join(strings.Fields(pair[1]), " "); got != r[j+1] {
				t.Errorf("%s: %s differs:\nshared  %s\ncatalog %s", cs.ID, pair[0], r[j+1], got)
			}
		}
		for _, p := range namesProblems(cs, r[1], notes, v) {
			t.Errorf("%s (shared names column): %s", cs.ID, p)
		}
	}
	syms := tableRows(doc, "Symptoms")
	if len(syms) != len(c.Symptoms) {
		t.Fatalf("shared CAUSES.md has %d symptoms, the catalog %d", len(syms), len(c.Symptoms))
	}
	for i, r := range syms {
		s := c.Symptoms[i]
		if got := []string{strings.Join(strings.Fields(s.Symptom), " "), strings.Join(strings.Fields(s.SeenIn), " ")}; !slices.Equal(got, r) {
			t.Errorf("symptom %d differs:\nshared  %q\ncatalog %q", i, r, got)
		}
	}
}
