package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nohealthy/nohealthy/load"
	"github.com/nohealthy/nohealthy/rules/ruletest"
)

// TestOptions are the flags and arguments of `analyze test`.
type TestOptions struct {
	IO       IOStreams
	Corpora  []string
	RuleDirs []string
	Only     []string
	Disable  []string
	JSON     bool

	// analyzer replaces the real Load + engine in tests.
	analyzer ruletest.Analyzer
}

func newTestCmd(streams IOStreams, analyzer ruletest.Analyzer) *cobra.Command {
	o := &TestOptions{IO: streams, analyzer: analyzer}
	cmd := &cobra.Command{
		Use:   "test [--rules DIR] [--only ID] [--disable ID] CORPUS...",
		Short: "Check the rules against a corpus of known incidents",
		Long: `Run the rules over every case of each CORPUS and compare with the expected answer.

A CORPUS is a directory of cases (nested groups allowed) or a single case. A
case is a directory holding the captured input in bundle/ and the expected
answer in expected.yaml:

  description: reviews v1 is routed to but not deployed
  rootCauses:            # best first; [] means healthy
    - cause: subset-no-pods
      object: {kind: DestinationRule, namespace: shop, name: reviews}
      detail: subset v1  # optional
  absent: [crash-loop]   # optional: causes that must not be reported at all

A case passes when: healthy → no root cause is reported; otherwise the rank-1
root cause is the first expected one (cause, object, and detail if given),
every other expected cause is reported at some rank, and no absent cause is
reported.`,
		Example: `  analyze test testdata/bundles
  analyze test --rules ./my-rules --only my.rule testdata/bundles/subset-no-pods
  analyze test --json testdata/bundles | jq '.results[] | select(.pass|not)'`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Corpora = args
			return runTest(o)
		},
	}
	addSelectionFlags(cmd.Flags(), &o.RuleDirs, &o.Only, &o.Disable)
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the results as JSON")
	return cmd
}

func runTest(o *TestOptions) error {
	if len(o.Corpora) == 0 {
		return usageErrorf("no CORPUS given: name a directory of cases (<case>/bundle/ + <case>/expected.yaml)")
	}
	for _, c := range o.Corpora {
		if err := checkPath(c); err != nil {
			return inputError(err)
		}
	}
	cases, err := ruletest.Discover(o.Corpora...)
	if err != nil {
		return inputError(err)
	}
	analyzer := o.analyzer
	if analyzer == nil {
		engine, err := newEngine(o.RuleDirs, o.Only, o.Disable)
		if err != nil {
			return err
		}
		analyzer = ruletest.EngineAnalyzer(engine, load.Options{})
	}
	results := ruletest.Run(cases, analyzer)
	passed, failed := ruletest.Summary(results)

	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			Passed  int               `json:"passed"`
			Failed  int               `json:"failed"`
			Results []ruletest.Result `json:"results"`
		}{passed, failed, results}); err != nil {
			return inputError(err)
		}
	} else {
		tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "RESULT\tCASE\tREASON")
		for _, r := range results {
			verdict := "PASS"
			if !r.Pass {
				verdict = "FAIL"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", verdict, r.Case, oneLine(r.Reason))
		}
		tw.Flush()
		fmt.Fprintf(o.IO.Out, "%d passed, %d failed\n", passed, failed)
	}
	if failed > 0 {
		return silentExit(exitFailing)
	}
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
