package logscan

import (
	"bytes"
	"fmt"
	"github.com/nohealthy/nohealthy/internal/golden"
	"strings"
	"testing"
)

const docsPath = "../../docs/logs.md"

// markdown renders the two registries as docs/logs.md.
func markdown() []byte {
	var b bytes.Buffer
	b.WriteString("<!-- Generated from analyzers/logscan/registry.go by `go test ./analyzers/logscan -update`: edit that file, not this one. -->\n\n")
	b.WriteString("# Log formats and symptom kinds\n\n")
	b.WriteString(`analyze reads proxy logs line by line: it recognises each line's format (a
log may mix formats, as a container's output does), keeps the failure lines as
symptoms and counts the rest. A symptom's *kind* is what the report calls
` + "`symptoms[].kind`" + ` and what a rule names in ` + "`explains:`" + ` (see
[rules/README.md](../rules/README.md)).

## Formats

Tried in this order on a line whose format is not yet known; CRI framing,
` + "`kubectl logs --timestamps`" + ` and ` + "`--prefix`" + ` prefixes are removed first.

| format | how a line is recognised | Envoy access log |
|---|---|---|
`)
	for _, f := range Formats() {
		mesh := ""
		if f.Mesh {
			mesh = "yes: its symptoms also carry the key `global:mesh`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.Format, cell(f.Detect), mesh)
	}
	b.WriteString(`
## Symptom kinds

Envoy response flags are kinds verbatim; a flag not listed here (` + "`DC`" + `,
` + "`UAEX`" + `, ` + "`RL`" + `, ...) is the client's or a policy's doing and makes no
symptom. *Connect failure* kinds add to ` + "`svc.connectFailures`" + `; *DNS* kinds to
` + "`cluster.dnsSymptoms`" + `, with the key ` + "`global:dns`" + `.

| kind | formats | meaning | counted as |
|---|---|---|---|
`)
	for _, k := range Kinds() {
		var fs []string
		for _, f := range k.Formats {
			fs = append(fs, "`"+string(f)+"`")
		}
		class := ""
		switch {
		case k.ConnectFailure:
			class = "connect failure"
		case k.DNS:
			class = "DNS"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", k.ID, strings.Join(fs, ", "), cell(k.Meaning), class)
	}
	return b.Bytes()
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// TestDocsUpToDate keeps docs/logs.md what the registries generate.
func TestDocsUpToDate(t *testing.T) {
	want := markdown()
	golden.Check(t, docsPath, want, "go test ./analyzers/logscan -update")
}
