package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nohealthy/nohealthy/internal/sarif"
	"github.com/nohealthy/nohealthy/internal/visible"
	"github.com/nohealthy/nohealthy/report"
	"github.com/nohealthy/nohealthy/rules"
)

// LintOptions are the flags and arguments of `analyze lint`.
type LintOptions struct {
	IO     IOStreams
	Dirs   []string
	Output string
}

func newLintCmd(streams IOStreams) *cobra.Command {
	o := &LintOptions{IO: streams}
	cmd := &cobra.Command{
		Use:   "lint [-o text|json|sarif] DIR...",
		Short: "Check rule packs for mistakes",
		Long: `Check each rule pack directory (its *.yaml rule files) for mistakes: files that
do not parse or carry unknown keys, ids, causes outside the catalog,
severities, CEL expressions that do not compile or have the wrong type,
templates, "explains" entries that name neither a symptom kind nor a rule.
Exit status 1 if there is any problem.

Output (-o):
  text   one problem a line, "FILE:LINE: rule ID: message" (LINE is the
         offending key's, or the rule's id), as compilers print them
  json   {"problems": [{"file", "line", "rule", "key", "message"}]}
  sarif  SARIF 2.1.0 for code scanning: each problem a result at its rule
         file and line, grouped by the key at fault (lint/severity, ...)

How to write rules: rules/README.md of the nohealthy repository.`,
		Example: `  analyze lint ./my-rules
  analyze lint -o sarif ./my-rules > lint.sarif   # upload to code scanning`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Dirs = args
			return runLint(o)
		},
	}
	cmd.Flags().StringVarP(&o.Output, "output", "o", "text", "output `format`: text (FILE:LINE: rule ID: message), json or sarif (SARIF 2.1.0 for code scanning)")
	return cmd
}

func runLint(o *LintOptions) error {
	if o.Output != "text" && o.Output != "json" && o.Output != "sarif" {
		return usageErrorf("invalid --output %q: want text, json or sarif", o.Output)
	}
	if len(o.Dirs) == 0 {
		return usageErrorf("no DIR given: name a rule pack directory")
	}
	problems := []rules.LintProblem{}
	for _, d := range o.Dirs {
		if err := checkPath(d); err != nil {
			return inputError(err)
		}
		ps, err := rules.Lint(d)
		if err != nil {
			return inputError(fmt.Errorf("%s: %w", d, err))
		}
		problems = append(problems, ps...)
	}
	var err error
	switch o.Output {
	case "json":
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(struct {
			Problems []rules.LintProblem `json:"problems"`
		}{problems})
	case "sarif":
		err = sarif.Write(o.IO.Out, lintSARIF(problems))
	default:
		for _, p := range problems {
			// A rule file is input: its text reaches a terminal escaped.
			if _, err = fmt.Fprintln(o.IO.Out, visible.Text(p.String())); err != nil {
				break
			}
		}
		if len(problems) > 0 {
			fmt.Fprintf(o.IO.ErrOut, "%d problem(s)\n", len(problems))
		}
	}
	if err != nil {
		return inputError(fmt.Errorf("writing the problems: %w", err))
	}
	if len(problems) > 0 {
		return silentExit(exitFailing)
	}
	return nil
}

// lintSARIF is the problems as a SARIF log: one result per problem at its
// rule file and line, its ruleId "lint/KEY" after the rule key at fault
// (lint/parse for a file that does not parse), so code scanning groups
// them by kind.
func lintSARIF(problems []rules.LintProblem) *sarif.Log {
	log := sarif.New(report.ToolName+" lint", version)
	run := &log.Runs[0]
	index := map[string]int{}
	for _, p := range problems {
		id := "lint/" + p.Key
		i, ok := index[id]
		if !ok {
			i = len(run.Tool.Driver.Rules)
			index[id] = i
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, lintRule(id, p.Key))
		}
		res := sarif.Result{
			RuleID:    id,
			RuleIndex: &i,
			Kind:      "fail",
			Level:     sarif.LevelError,
			Message:   sarif.Message{Text: p.Message},
			Locations: []sarif.Location{{PhysicalLocation: &sarif.PhysicalLocation{
				ArtifactLocation: sarif.ArtifactLocation{URI: sarif.FileURI(p.File)},
			}}},
			Properties: map[string]any{"key": p.Key},
		}
		if p.Line > 0 {
			res.Locations[0].PhysicalLocation.Region = &sarif.Region{StartLine: p.Line}
		}
		if p.Rule != "" {
			res.Message.Text = "rule " + p.Rule + ": " + p.Message
			res.Properties["rule"] = p.Rule
			res.Locations[0].LogicalLocations = []sarif.LogicalLocation{{Name: p.Rule, Kind: "member"}}
		}
		run.Results = append(run.Results, res)
	}
	return log
}

// lintRule describes the lint check of one rule key.
func lintRule(id, key string) sarif.ReportingDescriptor {
	short := "The rule's " + key + ": is wrong"
	switch key {
	case rules.LintParse:
		short = "The rule file does not parse, or has an unknown key"
	case "rule":
		short = "The rule does not compile"
	}
	return sarif.ReportingDescriptor{
		ID:                   id,
		ShortDescription:     &sarif.Message{Text: short},
		Help:                 &sarif.Message{Text: "How to write rules: rules/README.md of the nohealthy repository; check with analyze lint DIR."},
		DefaultConfiguration: &sarif.ReportingConfiguration{Level: sarif.LevelError},
		Properties:           map[string]any{"tags": []string{"rule-pack", strings.TrimPrefix(id, "lint/")}},
	}
}
