// Package pipeline is the offline analysis from inputs to report: read the
// inputs into a snapshot (load), run the rule packs over it (rules)
// and return the report. Every command that analyzes goes through it —
// analyze itself and gather --analyze — so they read and judge alike. It
// links no live-cluster client.
package pipeline

import (
	"fmt"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/load"
	"github.com/nohealthy/nohealthy/report"
	"github.com/nohealthy/nohealthy/rules"
)

// Engine builds the rule engine from the built-in pack, the packs in dirs,
// and the --only/--disable selection. Errors name the pack or rule at
// fault.
func Engine(dirs, only, disable []string) (*rules.Engine, error) {
	builtin, err := rules.BuiltinPack()
	if err != nil {
		return nil, fmt.Errorf("built-in rule pack: %w", err)
	}
	packs := []*rules.Pack{builtin}
	for _, d := range dirs {
		p, err := rules.LoadPackDir(d)
		if err != nil {
			return nil, fmt.Errorf("--rules %s: %w", d, err)
		}
		packs = append(packs, p)
	}
	e, err := rules.NewEngine(packs, rules.Selection{Only: only, Disable: disable})
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return e, nil
}

// Options are what Analyze reads besides the inputs.
type Options struct {
	Limits bundle.Limits
	Logs   []load.LogFile
	// Warn hears input warnings as they happen (they are in the report's
	// input.warnings either way); nil ignores them.
	Warn func(string)
	// Phases let the program pace the collector through the load
	// (load.Phases); zero leaves the runtime's defaults.
	Phases load.Phases
	// ToolVersion is the version of the binary, which only it knows.
	ToolVersion string
}

// Analyze reads inputs and returns engine's report on them. An error is
// the inputs' (unreadable, over a limit); a report with no root cause is
// not an error.
func Analyze(engine *rules.Engine, inputs []string, o Options) (*report.Report, error) {
	snap, err := load.Inputs(inputs, load.Options{Limits: o.Limits, Logs: o.Logs, Warn: o.Warn, Phases: o.Phases})
	if err != nil {
		return nil, err
	}
	r := engine.Analyze(snap)
	if r == nil {
		r = &report.Report{}
	}
	r.Tool.Version = o.ToolVersion
	return r, nil
}
