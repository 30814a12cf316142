package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nohealthy/nohealthy/causes"
)

// CausesOptions are the flags and arguments of `analyze causes`.
type CausesOptions struct {
	IO     IOStreams
	IDs    []string // show only these causes, in full
	Output string   // table or json
}

func newCausesCmd(streams IOStreams) *cobra.Command {
	o := &CausesOptions{IO: streams}
	cmd := &cobra.Command{
		Use:   "causes [-o table|json] [ID...]",
		Short: "List the root causes analyze can report",
		Long: `List the catalog of root causes: every ID a report's rootCauses[].cause, a
rule's "cause:" and an expected.yaml may use, the object a finding of it names,
and what it means. The catalog is a contract: rules and test cases naming an
ID outside it are rejected. The same catalog, with the symptoms it explains,
is docs/causes.md of the nohealthy repository.

Without ID: one line per cause (ID, the object it names, its meaning). With
IDs: those causes in full, also the exact object kinds (the report's
object.kind), the typical evidence and a remediation hint. -o json gives every
field for tools.`,
		Example: `  analyze causes
  analyze causes subset-no-pods crash-loop
  analyze causes -o json | jq -r '.causes[] | select(any(.names[]; . == "Service")) | .id'`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.IDs = args
			return runCauses(o)
		},
	}
	cmd.Flags().StringVarP(&o.Output, "output", "o", "table", "output `format`: table or json")
	return cmd
}

func runCauses(o *CausesOptions) error {
	if o.Output != "table" && o.Output != "json" {
		return usageErrorf("invalid --output %q: want table or json", o.Output)
	}
	list := causes.All()
	if len(o.IDs) > 0 {
		list = list[:0:0]
		for _, id := range o.IDs {
			c, ok := causes.Lookup(id)
			if !ok {
				return usageErrorf("%v", causes.Check(id))
			}
			list = append(list, c)
		}
	}
	switch {
	case o.Output == "json":
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(struct {
			Causes []causes.Cause `json:"causes"`
		}{list}); err != nil {
			return inputError(err)
		}
	case len(o.IDs) > 0:
		for i, c := range list {
			if i > 0 {
				fmt.Fprintln(o.IO.Out)
			}
			fmt.Fprintf(o.IO.Out, "%s\n  names:        %s\n  object kinds: %s\n  meaning:      %s\n  evidence:     %s\n  remediation:  %s\n",
				c.ID, plain(c.NamesText), strings.Join(c.Names, ", "), plain(c.Meaning), plain(c.Evidence), plain(c.Remediation))
		}
	default:
		tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAMES\tMEANING")
		for _, c := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", c.ID, plain(c.NamesText), plain(c.Meaning))
		}
		return tw.Flush()
	}
	return nil
}

// plain is catalog Markdown for a terminal: on one line, without code quotes.
func plain(s string) string { return strings.ReplaceAll(oneLine(s), "`", "") }
