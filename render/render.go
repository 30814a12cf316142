// Package render writes a report.Report in the formats `analyze -o` offers:
// a table for a person at a terminal, the JSON contract for tools,
// Markdown for a ticket, and one self-contained HTML page to attach to
// it. Each format is one file holding its Renderer and one line in the
// formats registry below; the model itself lives in package report, which
// renders nothing.
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

// format is a registry entry: the renderer and the other names -o accepts
// for it.
type format struct {
	Renderer
	aliases []string
}

// formats is the registry of output formats by the name -o takes.
var formats = map[string]format{
	"table":    {Renderer: RenderFunc(renderTable)},
	"json":     {Renderer: RenderFunc(renderJSON)},
	"markdown": {Renderer: RenderFunc(renderMarkdown), aliases: []string{"md"}},
	"html":     {Renderer: RenderFunc(renderHTML)},
}

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
