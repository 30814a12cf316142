package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// RulesOptions are the flags of `analyze rules`.
type RulesOptions struct {
	IO       IOStreams
	RuleDirs []string
	Only     []string
	Disable  []string
}

func newRulesCmd(streams IOStreams) *cobra.Command {
	o := &RulesOptions{IO: streams}
	cmd := &cobra.Command{
		Use:   "rules [--rules DIR] [--only ID] [--disable ID]",
		Short: "List the active rules",
		Long:  "List the rules analyze would run with these flags: id, cause, severity and title.\nThe causes they report: \"analyze causes\", or docs/causes.md of the nohealthy repository.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRules(o)
		},
	}
	addSelectionFlags(cmd.Flags(), &o.RuleDirs, &o.Only, &o.Disable)
	return cmd
}

func runRules(o *RulesOptions) error {
	e, err := newEngine(o.RuleDirs, o.Only, o.Disable)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCAUSE\tSEVERITY\tTITLE")
	for _, r := range e.Rules() {
		cause := r.Cause
		if cause == "" {
			cause = "-" // an intermediate fact, not a root cause
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, cause, r.Severity, r.Title)
	}
	return tw.Flush()
}
