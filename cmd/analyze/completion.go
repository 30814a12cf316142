package main

import (
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nohealthy/nohealthy/causes"
	"github.com/nohealthy/nohealthy/render"
	"github.com/nohealthy/nohealthy/report"
	"github.com/nohealthy/nohealthy/rules"
)

// commandName is the program's name in help, messages and the completion
// scripts it writes. displayName, when set (the kubectl plugin sets
// NOHEALTHY_DISPLAY_NAME to "kubectl nohealthy analyze"), is how help and
// messages call it instead.
var (
	commandName = "nohealthy-analyze"
	displayName = os.Getenv("NOHEALTHY_DISPLAY_NAME")
)

// finishRoot gives the root command what every kubectl-style tool has:
// its name, --version beside the version command (no -v: that is
// kubectl's log level), and shell completion of commands and flag values.
func finishRoot(cmd *cobra.Command) {
	cmd.Use = commandName + strings.TrimPrefix(cmd.Use, cmd.Name())
	if displayName != "" {
		if cmd.Annotations == nil {
			cmd.Annotations = map[string]string{}
		}
		cmd.Annotations[cobra.CommandDisplayNameAnnotation] = displayName
	}
	cmd.Version = version
	cmd.Flags().Bool("version", false, "print the version and exit")
	cmd.SetVersionTemplate(versionLine() + "\n")
	registerCompletions(cmd)
}

// registerCompletions completes the values of every flag that takes a
// known set (output formats, severities, rule IDs, cause IDs) in each
// command that has it.
func registerCompletions(root *cobra.Command) {
	severities := append(slices.Clone(report.Severities), "none")
	ruleIDs := func() []string {
		p, err := rules.BuiltinPack()
		if err != nil {
			return nil
		}
		var ids []string
		for _, r := range p.Rules {
			ids = append(ids, r.ID)
		}
		return ids
	}
	var causeIDs []string
	for _, c := range causes.All() {
		causeIDs = append(causeIDs, c.ID)
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Flags().Lookup("output") != nil {
			formats := render.Names()
			if c.Name() == "causes" {
				formats = []string{"table", "json"}
			}
			_ = c.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
		}
		if c.Flags().Lookup("fail-on") != nil {
			_ = c.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions(severities, cobra.ShellCompDirectiveNoFileComp))
		}
		for _, f := range []string{"only", "disable"} {
			if c.Flags().Lookup(f) != nil {
				_ = c.RegisterFlagCompletionFunc(f, listCompletion(ruleIDs))
			}
		}
		if c.Flags().Lookup("rules") != nil {
			_ = c.MarkFlagDirname("rules")
		}
		if c.Name() == "causes" {
			c.ValidArgsFunction = func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
				var out []string
				for _, id := range causeIDs {
					if strings.HasPrefix(id, toComplete) && !slices.Contains(args, id) {
						out = append(out, id)
					}
				}
				return out, cobra.ShellCompDirectiveNoFileComp
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// listCompletion completes the last element of a comma-separated list.
func listCompletion(values func() []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		head, last := "", toComplete
		if i := strings.LastIndex(toComplete, ","); i >= 0 {
			head, last = toComplete[:i+1], toComplete[i+1:]
		}
		var out []string
		for _, v := range values() {
			if strings.HasPrefix(v, last) {
				out = append(out, head+v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
