package ruletest

import (
	"github.com/nohealthy/nohealthy/load"
	"github.com/nohealthy/nohealthy/report"
	"github.com/nohealthy/nohealthy/rules"
)

// EngineAnalyzer analyzes a case input the way `analyze` does: load, then
// the engine. Load warnings are kept in the report as they would be there.
func EngineAnalyzer(e *rules.Engine, opts load.Options) Analyzer {
	return func(input string) (*report.Report, error) {
		snap, err := load.Inputs([]string{input}, opts)
		if err != nil {
			return nil, err
		}
		return e.Analyze(snap), nil
	}
}
