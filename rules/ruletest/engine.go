package ruletest

import (
	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/report"
	"github.com/nohealthy/nohealthy/rules"
)

// EngineAnalyzer analyzes a case input the way `analyze` does: Load, then
// the engine. Load warnings are kept in the report as they would be there.
func EngineAnalyzer(e *rules.Engine, opts analyzers.LoadOptions) Analyzer {
	return func(input string) (*report.Report, error) {
		snap, err := analyzers.Load([]string{input}, opts)
		if err != nil {
			return nil, err
		}
		return e.Analyze(snap), nil
	}
}
