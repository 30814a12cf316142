package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/internal/bytesize"
	"github.com/nohealthy/nohealthy/internal/visible"
	"github.com/nohealthy/nohealthy/load"
	"github.com/nohealthy/nohealthy/render"
	"github.com/nohealthy/nohealthy/report"
	"github.com/nohealthy/nohealthy/rules"
	"github.com/nohealthy/nohealthy/s3input"
)

// AnalyzeOptions are the flags and arguments of `analyze INPUT...`.
type AnalyzeOptions struct {
	IO      IOStreams
	Version string

	Inputs   []string
	Output   string
	RuleDirs []string
	Only     []string
	Disable  []string
	Logs     []string
	FailOn   string
	Quiet    bool
	// MaxSymptoms caps the symptoms the table and markdown list (0 = all).
	MaxSymptoms int

	// MergeClusters reads inputs of different clusters as one view.
	MergeClusters bool
	// Stdin is what the input "-" reads (nil: os.Stdin).
	Stdin io.Reader

	MaxExpandedBytes bytesize.Size
	MaxLineBytes     bytesize.Size
	MaxObjectBytes   bytesize.Size
	MaxEntries       int

	// load and analyze replace load.Inputs and the rule engine in tests;
	// nil means the real ones.
	load    func([]string, load.Options) (*analyzers.Snapshot, error)
	analyze func(*analyzers.Snapshot) *report.Report
}

func (o *AnalyzeOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Output, "output", "o", "table", "output `format`:"+formatHelp())
	addSelectionFlags(fs, &o.RuleDirs, &o.Only, &o.Disable)
	fs.StringArrayVar(&o.Logs, "log", nil, "analyze a proxy log: `FILE` (origin unknown) or NS/POD/CONTAINER=FILE (repeatable)")
	fs.StringVar(&o.FailOn, "fail-on", "critical", "exit 1 when a finding reaches this `severity`: info, warning, critical or none")
	fs.IntVar(&o.MaxSymptoms, "max-symptoms", 25, "list at most `N` symptoms in table and markdown output, those in a root cause's chain first (0 = all; -o json always has all)")
	o.MaxExpandedBytes = bundle.DefaultMaxExpandedBytes
	fs.Var(&o.MaxExpandedBytes, "max-expanded-bytes", "stop reading an input after this many decompressed bytes (10G, 512Mi, ...)")
	o.MaxLineBytes = bundle.DefaultMaxLineBytes
	fs.Var(&o.MaxLineBytes, "max-line-bytes", "cut log lines longer than this (counted, not loaded whole)")
	o.MaxObjectBytes = bundle.DefaultMaxObjectBytes
	fs.Var(&o.MaxObjectBytes, "max-object-bytes", "refuse a .json/.yaml entry larger than this")
	fs.IntVar(&o.MaxEntries, "max-entries", bundle.DefaultMaxEntries, "refuse an input with more files than this")
	fs.BoolVarP(&o.Quiet, "quiet", "q", false, "print nothing but errors; the exit status tells the result (see --fail-on)")
	fs.BoolVar(&o.MergeClusters, "merge-clusters", false, "read inputs from different clusters (another kube-system UID or API server) as one view instead of refusing them")
}

// failLevel maps --fail-on to a severity level; -1 for none.
func failLevel(s string) (int, error) {
	if l, ok := report.FailLevel(s); ok {
		return l, nil
	}
	return 0, usageErrorf("invalid --fail-on %q: want info, warning, critical or none", s)
}

func runAnalyze(o *AnalyzeOptions) error {
	renderer, ok := render.Lookup(o.Output)
	if !ok {
		return usageErrorf("invalid --output %q: want %s", o.Output, formatList())
	}
	if o.MaxSymptoms < 0 {
		return usageErrorf("invalid --max-symptoms %d: want 0 (all) or more", o.MaxSymptoms)
	}
	level, err := failLevel(o.FailOn)
	if err != nil {
		return err
	}
	if len(o.Inputs) == 0 && len(o.Logs) == 0 {
		return usageErrorf("no INPUT given: name a bundle, a directory or kubectl output files (or --log FILE)")
	}
	var logs []load.LogFile
	for _, v := range o.Logs {
		li, err := load.ParseLogFlag(v)
		if err != nil {
			return usageErrorf("%v", err)
		}
		logs = append(logs, li)
	}
	// Name a missing or unreadable file before anything slow starts.
	stdin := 0
	for _, in := range o.Inputs {
		if in == "-" {
			if stdin++; stdin > 1 {
				return usageErrorf("- (standard input) given twice: it can be read once")
			}
			continue
		}
		if s3input.IsURL(in) || bundle.IsStream(in) {
			continue // the loader names an object it cannot read
		}
		if err := checkPath(in); err != nil {
			return inputError(err)
		}
	}
	for _, li := range logs {
		if err := checkPath(li.Path); err != nil {
			return inputError(fmt.Errorf("--log %w", err))
		}
	}

	analyze := o.analyze
	var ruleInfo []render.RuleInfo
	if analyze == nil {
		engine, err := newEngine(o.RuleDirs, o.Only, o.Disable)
		if err != nil {
			return err
		}
		analyze = engine.Analyze
		ruleInfo = describeRules(engine.Rules())
	}
	loadInputs := o.load
	if loadInputs == nil {
		loadInputs = load.Inputs
	}

	// Warnings reach the report through the snapshot; in table mode a
	// person is watching stderr, so show them there as they happen too.
	showWarn := (o.Output == "table" || o.Output == "wide") && !o.Quiet
	progress := o.IO.ErrTTY && !o.Quiet
	warn := func(msg string) {
		if showWarn {
			if progress {
				fmt.Fprint(o.IO.ErrOut, "\r\x1b[K")
			}
			// A warning quotes the input (a path, a line): make it visible.
			fmt.Fprintf(o.IO.ErrOut, "warning: %s\n", visible.Line(msg))
		}
	}
	if progress {
		fmt.Fprintf(o.IO.ErrOut, "Reading %d input(s)…", len(o.Inputs)+len(logs))
	}
	pacing := &loadPacing{}
	snap, err := loadInputs(o.Inputs, load.Options{
		Limits: bundle.Limits{
			MaxExpandedBytes: int64(o.MaxExpandedBytes),
			MaxLineBytes:     int(min(int64(o.MaxLineBytes), int64(^uint(0)>>1))),
			MaxObjectBytes:   int64(o.MaxObjectBytes),
			MaxEntries:       o.MaxEntries,
		},
		Logs:          logs,
		Warn:          warn,
		Phases:        pacing.phases(),
		Stdin:         o.Stdin,
		MergeClusters: o.MergeClusters,
	})
	pacing.restore()
	if progress {
		fmt.Fprint(o.IO.ErrOut, "\r\x1b[K")
	}
	if err != nil {
		return inputError(nameInput(err, o.Inputs))
	}
	if progress {
		fmt.Fprintf(o.IO.ErrOut, "Analyzing %d objects, %d log lines…", snap.ObjectCount, snap.LogLines)
	}
	r := analyze(snap)
	if progress {
		fmt.Fprint(o.IO.ErrOut, "\r\x1b[K")
	}
	if r == nil {
		r = &report.Report{}
	}
	// The engine writes the whole report but the tool version, which
	// only the binary knows.
	r.Tool.Version = o.Version

	if !o.Quiet {
		opts := render.Options{Color: o.IO.OutTTY && colorAllowed(), MaxSymptoms: o.MaxSymptoms,
			FailOn: o.FailOn, Width: o.IO.Width, Rules: ruleInfo}
		if err := renderer.Render(o.IO.Out, r, opts); err != nil {
			return inputError(fmt.Errorf("writing the report: %w", err))
		}
	}
	if r.Reaches(level) {
		return silentExit(exitFailing)
	}
	return nil
}

// formatList names the output formats for help and errors: "a, b or c".
func formatList() string {
	names := render.Names()
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// describeRules is the rule metadata the renderers carry (SARIF).
func describeRules(rs []*rules.Rule) []render.RuleInfo {
	out := make([]render.RuleInfo, len(rs))
	for i, r := range rs {
		out[i] = render.RuleInfo{ID: r.ID, Title: r.Title, Description: r.Description, Cause: r.Cause, Severity: r.Severity, File: r.File}
	}
	return out
}

// formatHelp lists the output formats with what each is for, one a line.
func formatHelp() string {
	var b strings.Builder
	for _, name := range render.Names() {
		fmt.Fprintf(&b, "\n  %-8s %s", name, render.Help(name))
	}
	return b.String()
}

// colorAllowed honours https://no-color.org and dumb terminals.
func colorAllowed() bool {
	return os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

// nameInput makes sure an input error names the file: if the loader's
// message does not mention any input, prefix the only one.
func nameInput(err error, inputs []string) error {
	msg := err.Error()
	for _, in := range inputs {
		if strings.Contains(msg, in) {
			return err
		}
	}
	if len(inputs) == 1 {
		return fmt.Errorf("%s: %w", inputs[0], err)
	}
	return err
}
