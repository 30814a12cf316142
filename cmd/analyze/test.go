package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/nohealthy/nohealthy/internal/junit"
	"github.com/nohealthy/nohealthy/internal/visible"
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
	Output   string
	JSON     bool   // --json, the same as -o json
	JUnit    string // --junit FILE

	// analyzer replaces the real Load + engine in tests.
	analyzer ruletest.Analyzer
}

func newTestCmd(streams IOStreams, analyzer ruletest.Analyzer) *cobra.Command {
	o := &TestOptions{IO: streams, analyzer: analyzer}
	cmd := &cobra.Command{
		Use:   "test [--rules DIR] [--only ID] [--disable ID] [-o text|json] [--junit FILE] CORPUS...",
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
reported. Exit status 1 when a case fails.

Output (-o): text, a line per case and a count; json, {"passed", "failed",
"results": [{"case", "dir", "pass", "reason", "expected", "got", "error",
"seconds", ...}]}. --junit FILE also writes JUnit XML for CI servers: a
testsuite per CORPUS, a testcase per case, a failure (what was expected,
what was reported, why it fails) for each case that fails, an error for a
case whose input could not be analyzed.`,
		Example: `  analyze test testdata/bundles
  analyze test --rules ./my-rules --only my.rule testdata/bundles/subset-no-pods
  analyze test -o json testdata/bundles | jq '.results[] | select(.pass|not)'
  analyze test --junit rule-corpus.xml testdata/bundles   # for the CI's test report`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Corpora = args
			return runTest(o)
		},
	}
	addSelectionFlags(cmd.Flags(), &o.RuleDirs, &o.Only, &o.Disable)
	cmd.Flags().StringVarP(&o.Output, "output", "o", "text", "output `format`: text (a line per case) or json (every result, for tools)")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "the same as -o json")
	cmd.Flags().StringVar(&o.JUnit, "junit", "", "also write the results as JUnit XML to `FILE` (one testcase per case; failures say what was expected and what was reported), for CI test reports")
	return cmd
}

func runTest(o *TestOptions) error {
	if o.JSON {
		o.Output = "json"
	}
	if o.Output != "text" && o.Output != "json" {
		return usageErrorf("invalid --output %q: want text or json", o.Output)
	}
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
	started := time.Now()
	results := ruletest.Run(cases, analyzer)
	passed, failed := ruletest.Summary(results)

	if o.JUnit != "" {
		if err := writeJUnitFile(o.JUnit, o.Corpora, results, started); err != nil {
			return inputError(fmt.Errorf("--junit %s: %w", o.JUnit, err))
		}
	}
	if o.Output == "json" {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
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
			fmt.Fprintf(tw, "%s\t%s\t%s\n", verdict, visible.Line(r.Case), visible.Line(oneLine(r.Reason)))
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

// writeJUnitFile writes the results as JUnit XML to path, a testsuite per
// corpus in the order given, written whole or not at all.
func writeJUnitFile(path string, corpora []string, results []ruletest.Result, started time.Time) error {
	doc := junitResults(corpora, results, started)
	tmp, err := os.CreateTemp(filepath.Dir(path), ".junit-*.xml")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := junit.Write(tmp, doc); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// junitResults is the results as JUnit suites: one per corpus (the case's
// directory less its name), a testcase per case named as in the text
// output, classed by its corpus.
func junitResults(corpora []string, results []ruletest.Result, started time.Time) junit.Suites {
	var suites []junit.Suite
	index := map[string]int{}
	for _, r := range results {
		corpus := corpusOf(r)
		i, ok := index[corpus]
		if !ok {
			i = len(suites)
			index[corpus] = i
			suites = append(suites, junit.Suite{Name: corpus, Timestamp: started.UTC().Format("2006-01-02T15:04:05")})
		}
		c := junit.Case{Name: r.Case, Classname: corpus, Time: junit.Seconds(r.Seconds)}
		out := []string{"input: " + filepath.Join(r.Dir, ruletest.BundleDir)}
		if r.Description != "" {
			out = append([]string{r.Description}, out...)
		}
		c.SystemOut = strings.Join(out, "\n")
		switch {
		case r.Error != "":
			c.Error = &junit.Problem{Message: oneLine(r.Reason), Type: "analyze-error", Text: r.Error}
		case !r.Pass:
			c.Failure = &junit.Problem{Message: oneLine(r.Reason), Type: "root-cause-mismatch", Text: difference(r)}
		}
		suites[i].Add(c)
	}
	return junit.Suites{Name: "analyze test " + strings.Join(corpora, " "), Suites: suites}
}

// corpusOf is the corpus a case was found in: its directory less its name.
func corpusOf(r ruletest.Result) string {
	dir := filepath.ToSlash(filepath.Clean(r.Dir))
	if c, ok := strings.CutSuffix(dir, "/"+r.Case); ok {
		return c
	}
	return filepath.ToSlash(filepath.Dir(dir))
}

// difference is a failed case as a person compares it: what was expected,
// what was reported, and the rule it breaks.
func difference(r ruletest.Result) string {
	var b strings.Builder
	b.WriteString("expected (best first):\n")
	if len(r.Expected) == 0 {
		b.WriteString("  no root cause (healthy)\n")
	}
	for i, e := range r.Expected {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, e)
	}
	b.WriteString("reported (top 3):\n")
	if len(r.Got) == 0 {
		b.WriteString("  no root cause\n")
	}
	for i, g := range r.Got {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, g)
	}
	b.WriteString("why it fails: " + oneLine(r.Reason))
	return b.String()
}
