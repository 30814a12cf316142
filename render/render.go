// Package render writes a report.Report in the formats `analyze -o` offers:
// a table for a person at a terminal (wide: the same, never wrapped), the
// JSON contract for tools, Markdown for a ticket, one self-contained HTML page to attach
// to it, and SARIF for code scanning. Each format is one file holding its Renderer and one line in
// the formats registry below; the model itself lives in package report,
// which renders nothing.
//
// Everything in a report comes from the input, which may be hostile: a
// format for people renders visibleReport(r), never r, so no control
// character or escape sequence of the input reaches a terminal or a
// ticket (FuzzHumanRenderers holds every such format to it).
package render

import (
	"io"
	"maps"
	"slices"

	"github.com/nohealthy/nohealthy/report"
)

// Options tune the formats written for people; the JSON report ignores
// them and always carries everything, for tools.
type Options struct {
	// Color adds ANSI colors (table). Set it only when the writer is a
	// terminal: escape codes in a pipe or a ticket are noise.
	Color bool
	// MaxSamples caps the sample log lines printed per symptom (table;
	// 0 = 1). Markdown fences every sample the report holds.
	MaxSamples int
	// MaxSymptoms caps the symptoms listed (table, markdown; 0 = all): an
	// outage seen by thousands of sidecars yields tens of thousands of
	// them, and a person reads the top. Those in a root cause's chain are
	// always listed.
	MaxSymptoms int
	// FailOn is the --fail-on severity the run is judged by: info,
	// warning, critical or none ("" reads as critical, the flag's
	// default). The formats for people show every finding that reaches
	// it, in a chain or not, and never open with "No root cause found"
	// when one does: what they say agrees with the exit status.
	FailOn string
	// Width is the number of columns the table must fit (a terminal's
	// width): long lines wrap with a hanging indent and the symptoms
	// table narrows its long columns. 0 means no limit (a pipe, a file,
	// -o wide): every value whole on its line.
	Width int
	// Rules describe the rules that ran, for the formats that carry rule
	// metadata (SARIF); a finding of a rule not listed is described from
	// the report alone.
	Rules []RuleInfo
}

// RuleInfo describes one rule of the active rule packs.
type RuleInfo struct {
	ID          string
	Title       string
	Description string
	Cause       string // "" for an intermediate fact
	Severity    string
	File        string // the rule file it was read from
}

// failOn is the --fail-on value in effect.
func (o Options) failOn() string {
	if o.FailOn == "" {
		return "critical"
	}
	return o.FailOn
}

// failLevel is the severity level findings must reach to fail the run, -1
// for none; an unknown value fails nothing (the command rejects it first).
func (o Options) failLevel() int {
	l, ok := report.FailLevel(o.failOn())
	if !ok {
		return -1
	}
	return l
}

// Renderer writes one report in one format. It must not modify r, and a
// nil r renders as an empty report.
type Renderer interface {
	Render(w io.Writer, r *report.Report, opts Options) error
}

// RenderFunc adapts a function to a Renderer.
type RenderFunc func(w io.Writer, r *report.Report, opts Options) error

// Render calls f.
func (f RenderFunc) Render(w io.Writer, r *report.Report, opts Options) error { return f(w, r, opts) }

// format is a registry entry: the renderer, the other names -o accepts
// for it, and one line of help on what it is for.
type format struct {
	Renderer
	aliases []string
	help    string
}

// formats is the registry of output formats by the name -o takes.
var formats = map[string]format{
	"table": {Renderer: RenderFunc(renderTable),
		help: "for a person at a terminal: the answer first, fitted to its width (COLUMNS overrides it); in a pipe every value is whole"},
	"wide": {Renderer: RenderFunc(renderWide),
		help: "the table with every value whole on its line, however narrow the terminal"},
	"json": {Renderer: RenderFunc(renderJSON),
		help: "the JSON report of the contract (docs/contract.md), every symptom and finding: for tools"},
	"markdown": {Renderer: RenderFunc(renderMarkdown), aliases: []string{"md"},
		help: "for a ticket or a chat; alias md"},
	"html": {Renderer: RenderFunc(renderHTML),
		help: "one self-contained page (no network needed) with each root cause's timeline, to attach to a ticket"},
	"sarif": {Renderer: RenderFunc(renderSARIF),
		help: "SARIF 2.1.0 for code-scanning and CI tools: each finding a result at its object, root causes ranked"},
}

// Help is the line of help of a format, "" for an unknown one.
func Help(name string) string { return formats[name].help }

// Lookup returns the renderer of a format by its name or an alias.
func Lookup(name string) (Renderer, bool) {
	if f, ok := formats[name]; ok {
		return f.Renderer, true
	}
	for _, f := range formats {
		if slices.Contains(f.aliases, name) {
			return f.Renderer, true
		}
	}
	return nil, false
}

// Names lists the format names, sorted, without aliases.
func Names() []string {
	return slices.Sorted(maps.Keys(formats))
}
