package main

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/spf13/cobra"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/kinds"
	"github.com/nohealthy/nohealthy/load"
	"github.com/nohealthy/nohealthy/report"
	"github.com/nohealthy/nohealthy/reportdiff"
	"github.com/nohealthy/nohealthy/rules"
)

// DiffOptions are the flags and arguments of `analyze diff`.
type DiffOptions struct {
	IO      IOStreams
	Version string

	Before, After string
	Output        string
	FailOn        string
	// RuleDirs go to both sides; BeforeRules and AfterRules to one.
	RuleDirs, BeforeRules, AfterRules []string
	Only, Disable                     []string
	Limits                            InputLimits
}

func newDiffCmd(streams IOStreams) *cobra.Command {
	o := &DiffOptions{IO: streams, Version: version}
	cmd := &cobra.Command{
		Use:   "diff [--before-rules DIR] [--after-rules DIR] BEFORE [AFTER]",
		Short: "Compare two analyses: what appeared, what was resolved, what changed",
		Long: `Compare the analysis of BEFORE with the analysis of AFTER and say what changed:
root causes that appeared or were resolved (matched by cause, object and
detail), symptoms that started or stopped (by kind, reporter and upstream,
with their counts), findings that appeared or were resolved (by rule, object
and detail), and the objects that changed in the fields the rules read
(selectors, labels, ports, replicas, readiness, subsets, hosts, mTLS modes,
...: every fact of every domain, derived from the objects alone).

BEFORE and AFTER are each anything analyze reads (a bundle, its directory, a
cluster-info dump, kubectl output), or a JSON report written by
"analyze -o json" (its objects are then unknown, and not compared).

Two questions, two ways to ask them:
  Did my fix work?                 analyze diff before.tar.zst after.tar.zst
  What does the new rule pack do?  analyze diff --after-rules ./new-pack incident.tar.zst
With one input, both sides read it (once) and the rules must differ:
--before-rules DIR and --after-rules DIR add a pack to one side, --rules DIR
to both (as for analyze). --only and --disable select rules on both sides.

Exit status:
  0  nothing worse appeared: no finding of AFTER reaches --fail-on that did not in BEFORE
  1  a new finding (or one now more severe) reaches --fail-on
  2  usage or input error`,
		Example: `  # Did the fix work? Two bundles, before and after
  analyze diff incident.tar.zst after-fix.tar.zst

  # The same, from a report saved earlier; Markdown for the ticket
  analyze incident.tar.zst -o json > before.json
  analyze diff before.json after-fix.tar.zst -o markdown

  # What does a new rule pack change on a known incident? Fail CI on new warnings
  analyze diff --after-rules ./my-rules --fail-on warning incident.tar.zst

  # Two versions of a pack on the same input
  analyze diff --before-rules ./pack-v1 --after-rules ./pack-v2 incident.tar.zst`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch len(args) {
			case 0:
				return usageErrorf("no input given: analyze diff BEFORE [AFTER]")
			case 1:
				o.Before, o.After = args[0], args[0]
			case 2:
				o.Before, o.After = args[0], args[1]
			default:
				return usageErrorf("too many inputs: analyze diff BEFORE [AFTER] (a directory can hold several files)")
			}
			return runDiff(o)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.Output, "output", "o", "table", "output `format`: "+strings.Join(reportdiff.Formats, ", "))
	fs.StringVar(&o.FailOn, "fail-on", "critical", "exit 1 when a new finding reaches this `severity`: info, warning, critical or none")
	fs.StringArrayVar(&o.RuleDirs, "rules", nil, "load an extra rule pack from `DIR` on both sides (repeatable)")
	fs.StringArrayVar(&o.BeforeRules, "before-rules", nil, "load an extra rule pack from `DIR` for BEFORE only (repeatable)")
	fs.StringArrayVar(&o.AfterRules, "after-rules", nil, "load an extra rule pack from `DIR` for AFTER only (repeatable)")
	fs.StringSliceVar(&o.Only, "only", nil, "run only the rules with these `ID`s, on both sides")
	fs.StringSliceVar(&o.Disable, "disable", nil, "do not run the rules with these `ID`s, on either side")
	o.Limits.addFlags(fs)
	return cmd
}

func runDiff(o *DiffOptions) error {
	if !slices.Contains(append(reportdiff.Formats, "md"), o.Output) {
		return usageErrorf("invalid --output %q: want %s", o.Output, strings.Join(reportdiff.Formats, ", "))
	}
	if _, err := failLevel(o.FailOn); err != nil {
		return err
	}
	same := o.Before == o.After
	if same && len(o.BeforeRules) == 0 && len(o.AfterRules) == 0 {
		return usageErrorf("one input and the same rules on both sides: give AFTER, or --before-rules/--after-rules to compare rule packs")
	}
	for _, p := range []string{o.Before, o.After} {
		if err := checkPath(p); err != nil {
			return inputError(err)
		}
	}
	beforeReport, err := readReport(o.Before)
	if err != nil {
		return err
	}
	afterReport, err := readReport(o.After)
	if err != nil {
		return err
	}
	if beforeReport != nil && len(o.BeforeRules) > 0 || afterReport != nil && len(o.AfterRules) > 0 {
		return usageErrorf("--before-rules/--after-rules: a JSON report was analyzed already, it takes no rules")
	}
	tool := report.Tool{Name: report.ToolName, Version: o.Version}
	sides := [2]reportdiff.Side{}
	packs := [2][]string{append(slices.Clone(o.RuleDirs), o.BeforeRules...), append(slices.Clone(o.RuleDirs), o.AfterRules...)}
	reports := [2]*report.Report{beforeReport, afterReport}
	paths := [2]string{o.Before, o.After}
	var engines [2]*rules.Engine
	for i := range sides {
		sides[i].Sources, sides[i].RulePacks = []string{paths[i]}, packs[i]
		if reports[i] != nil {
			sides[i].FromReport, sides[i].Report = true, reports[i]
			sides[i].RulePacks = nil
			continue
		}
		e, err := newEngine(packs[i], o.Only, o.Disable)
		if err != nil {
			return err
		}
		engines[i] = e
	}
	// One input: read it once, analyze it twice.
	var snap *analyzers.Snapshot
	var objects reportdiff.Objects
	for i := range sides {
		if sides[i].FromReport {
			continue
		}
		if snap == nil || !same {
			if snap, objects, err = loadSide(o, paths[i]); err != nil {
				return err
			}
		}
		r := engines[i].Analyze(snap)
		r.Tool.Version = o.Version
		sides[i].Report, sides[i].Objects = r, objects
	}
	d := reportdiff.Compare(sides[0], sides[1], o.FailOn, tool)
	if err := reportdiff.Render(o.IO.Out, d, o.Output); err != nil {
		return inputError(fmt.Errorf("writing the diff: %w", err))
	}
	if len(d.Worse) > 0 {
		return silentExit(exitFailing)
	}
	return nil
}

// loadSide analyzes one input's objects and logs, and digests its
// objects as the rules read them (facts of the objects alone).
func loadSide(o *DiffOptions, path string) (*analyzers.Snapshot, reportdiff.Objects, error) {
	var objects reportdiff.Objects
	snap, err := load.Inputs([]string{path}, load.Options{
		Limits: o.Limits.limits(),
		Warn:   func(msg string) { fmt.Fprintf(o.IO.ErrOut, "warning: %s\n", msg) },
		Objects: func(s *kinds.Store, coverage map[string]string) {
			objects = reportdiff.ObjectsOf(analyzers.BuildFacts(s, analyzers.BuildInput{Coverage: maps.Clone(coverage)}))
		},
	})
	if err != nil {
		return nil, nil, inputError(nameInput(err, []string{path}))
	}
	return snap, objects, nil
}

// readReport reads path as a JSON report written by analyze -o json; nil
// when path is not one (a bundle, a directory, kubectl output).
func readReport(path string) (*report.Report, error) {
	st, err := os.Stat(path)
	if err != nil || st.IsDir() || !strings.EqualFold(strings.TrimPrefix(pathExt(path), "."), "json") {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, inputError(fmt.Errorf("%s: %w", path, err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<30))
	if err != nil {
		return nil, inputError(fmt.Errorf("%s: %w", path, err))
	}
	var head struct {
		SchemaVersion *int `json:"schemaVersion"`
		Tool          struct {
			Name string `json:"name"`
		} `json:"tool"`
	}
	if jsonv2.Unmarshal(data, &head, bundle.JSONOptions) != nil || head.SchemaVersion == nil || head.Tool.Name != report.ToolName {
		return nil, nil // kubectl output: an input
	}
	if *head.SchemaVersion != report.SchemaVersion {
		return nil, inputError(fmt.Errorf("%s: a report of schemaVersion %d; this analyze reads %d", path, *head.SchemaVersion, report.SchemaVersion))
	}
	r := new(report.Report)
	if err := jsonv2.Unmarshal(bytes.TrimSpace(data), r, bundle.JSONOptions); err != nil {
		return nil, inputError(fmt.Errorf("%s: unreadable report: %v", path, err))
	}
	return r, nil
}

func pathExt(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 && !strings.ContainsRune(p[i:], '/') {
		return p[i:]
	}
	return ""
}
