package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nohealthy/nohealthy/internal/visible"
)

// RulesOptions are the flags of `analyze rules`.
type RulesOptions struct {
	IO       IOStreams
	RuleDirs []string
	Only     []string
	Disable  []string
	Output   string
}

func newRulesCmd(streams IOStreams) *cobra.Command {
	o := &RulesOptions{IO: streams}
	cmd := &cobra.Command{
		Use:   "rules [--rules DIR] [--only ID] [--disable ID] [-o table|json]",
		Short: "List the active rules",
		Long: `List the rules analyze would run with these flags: id, cause, severity and title.
The causes they report: "analyze causes", or docs/causes.md of the nohealthy
repository. -o json adds each rule's domain, what it explains, and its file and
line (docs/schemas/rules.schema.json).`,
		Example: `  analyze rules
  analyze rules --rules ./my-rules -o json | jq -r '.rules[] | select(.cause == "") | .id'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRules(o)
		},
	}
	addSelectionFlags(cmd.Flags(), &o.RuleDirs, &o.Only, &o.Disable)
	cmd.Flags().StringVarP(&o.Output, "output", "o", "table", "output `format`: table or json (every field, with each rule's file and line, for tools)")
	return cmd
}

// ruleJSON is a rule as `analyze rules -o json` lists it.
type ruleJSON struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Cause       string   `json:"cause"`
	Severity    string   `json:"severity"`
	For         string   `json:"for"`
	Explains    []string `json:"explains"`
	File        string   `json:"file"`
	Line        int      `json:"line"`
}

func runRules(o *RulesOptions) error {
	if o.Output != "table" && o.Output != "json" {
		return usageErrorf("invalid --output %q: want table or json", o.Output)
	}
	e, err := newEngine(o.RuleDirs, o.Only, o.Disable)
	if err != nil {
		return err
	}
	if o.Output == "json" {
		list := []ruleJSON{}
		for _, r := range e.Rules() {
			list = append(list, ruleJSON{ID: r.ID, Title: r.Title, Description: r.Description, Cause: r.Cause,
				Severity: r.Severity, For: r.For, Explains: append([]string{}, r.Explains...), File: r.File, Line: r.Line})
		}
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Rules []ruleJSON `json:"rules"`
		}{list})
	}
	tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCAUSE\tSEVERITY\tTITLE")
	for _, r := range e.Rules() {
		cause := r.Cause
		if cause == "" {
			cause = "-" // an intermediate fact, not a root cause
		}
		// A rule pack from --rules is input: its text is made visible.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", visible.Line(r.ID), visible.Line(cause), visible.Line(r.Severity), visible.Line(r.Title))
	}
	return tw.Flush()
}
