package causes

import (
	"bytes"
	"fmt"
	"github.com/nohealthy/nohealthy/internal/golden"
	"strings"
	"testing"
)

const docsPath = "../docs/causes.md"

// markdown renders the catalog as docs/causes.md.
func markdown(c *Catalog) []byte {
	var b bytes.Buffer
	b.WriteString("<!-- Generated from causes/catalog.yaml by `go test ./causes -update`: edit that file, not this one. -->\n\n")
	b.WriteString("# Root causes of \"503 no healthy upstream\" — the taxonomy\n\n")
	b.WriteString(strings.TrimSpace(c.Intro) + "\n\n")
	b.WriteString("## Symptoms (what is observed)\n\n| symptom | where it is seen |\n|---|---|\n")
	for _, s := range c.Symptoms {
		fmt.Fprintf(&b, "| %s | %s |\n", cell(s.Symptom), cell(s.SeenIn))
	}
	b.WriteString("\n## Root causes\n\n| cause | names | what it means | typical evidence |\n|---|---|---|---|\n")
	for _, cs := range c.Causes {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", cs.ID, cell(cs.NamesText), cell(cs.Meaning), cell(cs.Evidence))
	}
	b.WriteString("\n" + strings.TrimSpace(c.Notes) + "\n\n")
	b.WriteString("## Object kinds and remediation hints\n\n")
	b.WriteString("The kinds a finding of each cause may name (`object.kind` in the report), and where to start\n")
	b.WriteString("fixing it; a rule's own remediation names the commands for the object it found.\n\n")
	b.WriteString("| cause | object kinds | remediation hint |\n|---|---|---|\n")
	for _, cs := range c.Causes {
		fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", cs.ID, strings.Join(cs.Names, "`, `"), cell(cs.Remediation))
	}
	return b.Bytes()
}

// cell makes text one Markdown table cell: '|' escaped, on one line.
func cell(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
}

// TestDocsUpToDate keeps docs/causes.md what catalog.yaml generates.
func TestDocsUpToDate(t *testing.T) {
	want := markdown(Embedded())
	golden.Check(t, docsPath, want, "go test ./causes -update")
}
