package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/internal/visible"
	"github.com/nohealthy/nohealthy/load"
	"github.com/nohealthy/nohealthy/pipeline"
	"github.com/nohealthy/nohealthy/report"
	"github.com/nohealthy/nohealthy/rules"
	"github.com/nohealthy/nohealthy/rules/ruletest"
)

// Exit codes of docs/contract.md.
const (
	exitOK      = 0 // no finding reaches --fail-on (or: all test cases pass, no lint problem)
	exitFailing = 1 // a finding reaches --fail-on (or: a test case fails, a lint problem)
	exitUsage   = 2 // usage or input error
)

// IOStreams are the command's outputs; tests inject buffers and choose
// whether they "are" terminals.
type IOStreams struct {
	Out    io.Writer
	ErrOut io.Writer
	// OutTTY enables color in the table; ErrTTY enables progress lines.
	OutTTY, ErrTTY bool
	// Width is the number of columns the table fits on Out (see
	// outputWidth); 0 means no limit.
	Width int
}

// exitError carries an exit code out of a run function. A nil err means
// the code is the whole message (e.g. findings reached --fail-on).
type exitError struct {
	code  int
	err   error
	usage bool // add the "see --help" hint
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func usageErrorf(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...), usage: true}
}

func inputError(err error) error { return &exitError{code: exitUsage, err: err} }

// silentExit ends the run with code and no message.
func silentExit(code int) error { return &exitError{code: code} }

const rootLong = `analyze explains why an Istio/Envoy, nginx or HAProxy proxy answers
"503 no healthy upstream". It reads a snapshot of the cluster offline (no
cluster access needed), runs declarative rules over it and prints the most
likely root cause first: the symptom seen in the proxy logs, the chain of
facts that leads to the object to fix, the evidence, and the fix.

INPUT is any of (several merge into one view):
  - a bundle made by gather:            incident.tar.zst (read as a stream) or its unpacked directory
  - a kubectl cluster-info dump tree:   kubectl cluster-info dump -A --output-directory=DIR
  - loose kubectl output (.json/.yaml): kubectl get endpointslices,virtualservices,destinationrules -A -o yaml > objs.yaml
  - loose logs under DIR/logs/<ns>/<pod>/<container>.log, or any log file with --log
  - a Docker host's CLI output in a folder: docker inspect, docker compose ps --format json,
    docker service inspect, docker service ps --no-trunc, docker logs (as <container>.log)
  - an S3 object or prefix: s3://bucket/incident.tar.zst, s3://bucket/ticket/ (AWS credential
    chain: AWS_PROFILE, AWS_ACCESS_KEY_ID..., AWS_REGION; AWS_ENDPOINT_URL_S3 for S3-compatible servers)
  - other tools' bundles: istioctl bug-report, an OpenShift must-gather, a troubleshoot support-bundle
  - .zip, .tar, .tar.gz, .tar.bz2, compressed (.gz, .zst, .bz2) and rotated (.log.1) logs, a ticket
    folder holding any of these (each archive is read and named), and - for standard input

Every file not read is counted and said why (-o json lists them); an input from which
nothing usable is read, or inputs of two clusters (without --merge-clusters), exit 2.

Cause IDs (subset-no-pods, selector-mismatch, ...): "analyze causes" lists
them, docs/causes.md of the nohealthy repository documents them; "analyze
rules" lists which rule reports which cause, and rules/README.md explains how
to write your own.

Exit status:
  0  no finding reaches --fail-on (default critical)
  1  a finding reaches --fail-on
  2  usage or input error (unknown flag, missing or unreadable input)`

const rootExample = `  # A bundle made by "gather"
  analyze incident.tar.zst

  # The directory a bundle unpacks to, or several inputs merged
  analyze ./incident/ extra-objects.yaml

  # A kubectl cluster-info dump tree
  kubectl cluster-info dump -A --output-directory=dump/
  analyze dump/

  # Loose kubectl output
  kubectl get svc,endpointslices,pods,virtualservices,destinationrules -A -o yaml > objs.yaml
  analyze objs.yaml

  # A proxy log of known origin, plus a log of unknown origin
  analyze dump/ --log istio-system/istio-ingressgateway-7c9/istio-proxy=gw.log --log haproxy.log

  # JSON for tools, Markdown for a ticket, SARIF for code scanning; fail CI on warnings too
  analyze incident.tar.zst -o json > report.json
  analyze incident.tar.zst -o markdown | pbcopy
  analyze incident.tar.zst -o sarif > findings.sarif
  analyze incident.tar.zst -q --fail-on warning || echo "something is wrong"

  # Every value whole, however narrow the terminal (or fit it to 100 columns)
  analyze incident.tar.zst -o wide
  COLUMNS=100 analyze incident.tar.zst | less -R

  # Check rule packs against a corpus of known incidents, with a JUnit report for CI
  analyze test --rules ./my-rules --junit corpus.xml testdata/bundles
  analyze lint -o sarif ./my-rules > lint.sarif`

// hooks replace the loader and the rule engine in tests.
type hooks struct {
	load     func([]string, load.Options) (*analyzers.Snapshot, error)
	analyze  func(*analyzers.Snapshot) *report.Report
	analyzer ruletest.Analyzer // for analyze test
	stdin    io.Reader         // what "-" reads (nil: os.Stdin)
}

// NewRootCmd builds the command tree over streams.
func NewRootCmd(streams IOStreams) *cobra.Command { return newRootCmd(streams, hooks{}) }

func newRootCmd(streams IOStreams, h hooks) *cobra.Command {
	opts := &AnalyzeOptions{IO: streams, Version: version, load: h.load, analyze: h.analyze, Stdin: h.stdin}
	cmd := &cobra.Command{
		Use:     "analyze [flags] INPUT...",
		Short:   `Explain "503 no healthy upstream" from a cluster snapshot`,
		Long:    rootLong,
		Example: rootExample,
		// Inputs are free-form paths; a path that happens to be named
		// like a subcommand can be given as ./test.
		Args:          cobra.ArbitraryArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs = args
			return runAnalyze(opts)
		},
	}
	cmd.SetOut(streams.Out)
	cmd.SetErr(streams.ErrOut)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: err, usage: true}
	})
	opts.addFlags(cmd.Flags())

	testCmd := newTestCmd(streams, h.analyzer)
	cmd.AddCommand(testCmd, newLintCmd(streams), newRulesCmd(streams), newCausesCmd(streams), newVersionCmd(streams))
	cmd.AddCommand(newGetCmd(streams), newDescribeCmd(streams), newLogsCmd(streams), newDiffCmd(streams))
	finishRoot(cmd)
	return cmd
}

// Execute runs the command line and returns the process exit code. It
// never panics out: a panic is reported as an internal error.
func Execute(args []string, streams IOStreams) int { return execute(args, streams, hooks{}) }

func execute(args []string, streams IOStreams, h hooks) (code int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(streams.ErrOut, "analyze: internal error: %v (please report this with the command line)\n", p)
			code = exitUsage
		}
	}()
	cmd := newRootCmd(streams, h)
	cmd.SetArgs(args)
	c, err := cmd.ExecuteC()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if !errors.As(err, &ee) {
		// Cobra's own errors (unknown command, bad arg count) are usage errors.
		ee = &exitError{code: exitUsage, err: err, usage: true}
	}
	if ee.err != nil {
		// Errors name files, bundle entries and what they hold: input.
		fmt.Fprintf(streams.ErrOut, "analyze: %s\n", visible.Line(ee.err.Error()))
		if ee.usage {
			fmt.Fprintf(streams.ErrOut, "Run '%s --help' for usage.\n", c.CommandPath())
		}
	}
	return ee.code
}

// addSelectionFlags adds the rule-pack selection shared by analyze, test
// and rules.
func addSelectionFlags(fs *pflag.FlagSet, dirs, only, disable *[]string) {
	fs.StringArrayVar(dirs, "rules", nil, "load an extra rule pack from `DIR` (repeatable)")
	fs.StringSliceVar(only, "only", nil, "run only the rules with these `ID`s (repeatable or comma-separated)")
	fs.StringSliceVar(disable, "disable", nil, "do not run the rules with these `ID`s (repeatable or comma-separated)")
}

// newEngine builds the engine from the built-in pack plus extra packs.
// Every problem here is the user's input: exit 2.
func newEngine(dirs, only, disable []string) (*rules.Engine, error) {
	for _, d := range dirs {
		if err := checkPath(d); err != nil {
			return nil, inputError(fmt.Errorf("--rules %w", err))
		}
	}
	e, err := pipeline.Engine(dirs, trimAll(only), trimAll(disable))
	if err != nil {
		return nil, inputError(err)
	}
	return e, nil
}

func trimAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// checkPath gives the clear "FILE: reason" message for an input that
// cannot be opened, before any heavier work starts.
func checkPath(p string) error {
	if p == "" {
		return errors.New("empty path")
	}
	f, err := os.Open(p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return fmt.Errorf("%s: %w", p, pe.Err)
		}
		return fmt.Errorf("%s: %w", p, err)
	}
	f.Close()
	return nil
}
