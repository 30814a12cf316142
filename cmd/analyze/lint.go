package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nohealthy/nohealthy/rules"
)

// LintOptions are the arguments of `analyze lint`.
type LintOptions struct {
	IO   IOStreams
	Dirs []string
}

func newLintCmd(streams IOStreams) *cobra.Command {
	o := &LintOptions{IO: streams}
	return &cobra.Command{
		Use:   "lint DIR...",
		Short: "Check rule packs for mistakes",
		Long: `Check each rule pack directory (its *.yaml rule files) for mistakes and print
one problem per line as "FILE: rule ID: message". Exit status 1 if there is any.
How to write rules: rules/README.md.`,
		Example: "  analyze lint ./my-rules",
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Dirs = args
			return runLint(o)
		},
	}
}

func runLint(o *LintOptions) error {
	if len(o.Dirs) == 0 {
		return usageErrorf("no DIR given: name a rule pack directory")
	}
	problems := 0
	for _, d := range o.Dirs {
		if err := checkPath(d); err != nil {
			return inputError(err)
		}
		ps, err := rules.Lint(d)
		if err != nil {
			return inputError(fmt.Errorf("%s: %w", d, err))
		}
		for _, p := range ps {
			fmt.Fprintln(o.IO.Out, p.String())
		}
		problems += len(ps)
	}
	if problems > 0 {
		fmt.Fprintf(o.IO.ErrOut, "%d problem(s)\n", problems)
		return silentExit(exitFailing)
	}
	return nil
}
