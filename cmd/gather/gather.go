package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/nohealthy/nohealthy/collect"
	"github.com/nohealthy/nohealthy/internal/bytesize"
	"github.com/nohealthy/nohealthy/pipeline"
	"github.com/nohealthy/nohealthy/render"
	"github.com/spf13/cobra"
	"golang.org/x/term"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailed      = 1 // nothing collected, API server lost, write error
	exitUsage       = 2
	exitInterrupted = 130
)

// commandName is the program's name in help and messages, and the name
// its completion scripts complete. displayName, when set (the kubectl
// plugin sets NOHEALTHY_DISPLAY_NAME to "kubectl nohealthy gather"), is
// how help and messages call it instead.
var (
	commandName = "nohealthy-gather"
	displayName = os.Getenv("NOHEALTHY_DISPLAY_NAME")
)

// Options is everything `gather` is told. It is filled by flags and can be
// built directly by tests.
type Options struct {
	Config  *genericclioptions.ConfigFlags
	Streams genericiooptions.IOStreams

	Output            string
	AllNamespaces     bool
	Namespaces        []string
	ExcludeNamespaces []string
	NoServing         bool
	Selector          string
	Since             time.Duration
	SinceTime         string
	Tail              int64
	MaxLogBytes       bytesize.Limit
	NoLogs            bool
	NoProxyAdmin      bool
	MaxProxies        int
	Concurrency       int
	PageSize          int64
	Retries           int
	Timeout           time.Duration
	RedactOnly        string
	Analyze           bool
	// Verbosity is kubectl's -v: the log level of the Kubernetes client
	// libraries, whose logs are discarded at 0.
	Verbosity int
	// Progress: "auto" (live on a terminal, plain lines otherwise),
	// "live", "plain" or "none".
	Progress string

	// IsTerminal decides "auto" progress (on ErrOut), colors and whether a
	// bundle may go to Out; defaults to checking for a terminal.
	IsTerminal func(w io.Writer) bool
	// Now is the clock for the default output name and the manifest times.
	Now func() time.Time

	namespaceSet bool // -n given
	sinceSet     bool // --since given
}

// NewOptions returns the defaults.
func NewOptions(streams genericiooptions.IOStreams) *Options {
	return &Options{
		Config:      genericclioptions.NewConfigFlags(true),
		Streams:     streams,
		Since:       24 * time.Hour,
		Tail:        20000,
		MaxLogBytes: 5 << 20,
		MaxProxies:  100,
		Concurrency: 8,
		PageSize:    500,
		Retries:     4,
		Timeout:     5 * time.Minute,
		Progress:    "auto",
		IsTerminal: func(w io.Writer) bool {
			f, ok := w.(*os.File)
			return ok && term.IsTerminal(int(f.Fd()))
		},
		Now: time.Now,
	}
}

const gatherLong = `gather reads what explains a "503 no healthy upstream" from the cluster
of the current kubeconfig context and writes it to one .tar.zst bundle:
nodes, namespaces, services, endpoints and EndpointSlices, pods, events,
workloads, HPAs, PDBs, NetworkPolicies, Ingresses, the Istio mesh
ConfigMaps, every Istio and Gateway API resource, logs of gateways, proxies,
control plane, DNS and of not-ready or restarting pods, and Envoy admin
data of reachable proxies.

Namespaces: all by default (or -A). With -n NS (or --namespaces a,b) gather
also collects what serves them: the gateways whose routes lead into them
(Istio Gateways bound by VirtualServices, Gateway API parents of routes,
the controllers of their Ingress classes, ambient waypoints), the Istio
control plane and CoreDNS, with their pods' logs. The bundle's manifest
says which namespaces came along and why; --no-serving keeps to NS.

It never makes an incident worse: the whole run is bounded by --timeout
(what was collected by then is written), each call by a short deadline,
and a collector that fails the same way on a few pods in a row (admin port
refused, kubelet unreachable, forbidden) gives up the rest of them. What
was not collected is recorded in the bundle, so analyze reports it as
unknown rather than absent, and said once on stderr with what to do.

Secrets are never read. Credentials in what is stored (env values, ConfigMap
data, annotations, log lines) are redacted by patterns listed in the
bundle's manifest.`

const gatherExample = `  # Everything, into nohealthy-<cluster>-<time>.tar.zst
  nohealthy-gather

  # One namespace and what serves it, then the report right away
  nohealthy-gather -n shop --analyze

  # The pods of one app, the last hour of logs, streamed elsewhere
  nohealthy-gather -n shop -l app=catalog --since 1h -o - | ssh support 'cat > shop.tar.zst'

  # As a kubectl plugin
  kubectl nohealthy gather -n shop -o shop.tar.zst`

// NewCommand builds the cobra command.
func NewCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := NewOptions(streams)
	cmd := &cobra.Command{
		Use:     commandName + " [-o FILE]",
		Short:   "Snapshot a live cluster into a bundle for `analyze`",
		Long:    gatherLong,
		Example: gatherExample,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Errorf("unexpected argument %q: gather takes only flags (name the bundle with -o FILE)", args[0])}
			}
			return nil
		},
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.namespaceSet = cmd.Flags().Changed("namespace")
			o.sinceSet = cmd.Flags().Changed("since")
			setClientLogVerbosity(o.Verbosity, o.Streams.ErrOut)
			return o.Run(cmd.Context())
		},
	}
	if displayName != "" {
		cmd.Annotations = map[string]string{cobra.CommandDisplayNameAnnotation: displayName}
	}
	cmd.SetOut(streams.Out)
	cmd.SetErr(streams.ErrOut)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	f := cmd.Flags()
	o.Config.AddFlags(f)
	f.StringVarP(&o.Output, "output", "o", "", "bundle to write, a .tar.zst file or - for stdout (default nohealthy-<cluster>-<UTC time>.tar.zst)")
	f.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "gather from all namespaces (the default unless -n or --namespaces is given)")
	f.StringSliceVar(&o.Namespaces, "namespaces", nil, "only these namespaces, and what serves them (comma-separated)")
	f.StringSliceVar(&o.ExcludeNamespaces, "exclude-namespaces", nil, "skip these namespaces (comma-separated)")
	f.BoolVar(&o.NoServing, "no-serving", false, "with -n: do not also collect the namespaces that serve it (gateways, control plane, DNS)")
	f.StringVarP(&o.Selector, "selector", "l", "", "only pods matching this label selector (=, ==, !=, in, notin), and their logs; gateways, control plane and DNS pods are kept")
	f.DurationVar(&o.Since, "since", o.Since, "only logs newer than a relative duration like 5s, 2m or 3h (0 = all)")
	f.StringVar(&o.SinceTime, "since-time", "", "only logs after a date (RFC3339); only one of --since and --since-time may be used")
	f.Int64Var(&o.Tail, "tail", o.Tail, "last lines of each container log (0 = all)")
	f.Var(&o.MaxLogBytes, "max-log-bytes", "bytes per container log: 10Mi, 5000000, ... (0 = no limit)")
	f.BoolVar(&o.NoLogs, "no-logs", false, "collect no container logs")
	f.BoolVar(&o.NoProxyAdmin, "no-proxy-admin", false, "do not port-forward to Envoy admin or istiod debug ports")
	f.IntVar(&o.MaxProxies, "max-proxies", o.MaxProxies, "proxies whose Envoy admin data is fetched (gateways first)")
	f.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "parallel requests to the API server (port-forwards: half as many)")
	f.Int64Var(&o.PageSize, "page-size", o.PageSize, "objects per list page")
	f.IntVar(&o.Retries, "retries", o.Retries, "attempts per API request (throttling and transient errors are retried with backoff)")
	f.DurationVar(&o.Timeout, "timeout", o.Timeout, "bound on the whole run; what was collected by then is written, the rest recorded as not collected (0 = none)")
	f.BoolVar(&o.Analyze, "analyze", false, "print analyze's report of the bundle once it is written")
	f.StringVar(&o.RedactOnly, "redact-only", "", "re-redact an existing BUNDLE (written back in place, or to -o) and exit; no cluster is contacted")
	f.StringVar(&o.Progress, "progress", o.Progress, "progress on stderr: auto, live, plain or none")
	f.IntVarP(&o.Verbosity, "v", "v", 0, "log level of the Kubernetes client libraries, as kubectl's -v (0 = their logs are discarded)")

	// --version as well as the version command; -v stays kubectl's.
	cmd.Version = version
	f.Bool("version", false, "print the version and exit")
	cmd.SetVersionTemplate(versionLine() + "\n")
	cmd.AddCommand(newVersionCmd(streams))
	registerCompletions(cmd, o)
	return cmd
}

func versionLine() string {
	return fmt.Sprintf("%s %s (%s)", commandName, version, runtime.Version())
}

func newVersionCmd(streams genericiooptions.IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintln(streams.Out, versionLine())
			return err
		},
	}
}

// Main runs gather with args and returns the exit code.
func Main(ctx context.Context, args []string, streams genericiooptions.IOStreams) int {
	setClientLogVerbosity(0, nil)
	cmd := NewCommand(streams)
	cmd.SetArgs(args)
	c, err := cmd.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(streams.ErrOut, "gather: %v\n", err)
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(streams.ErrOut, "Run '%s --help' for usage.\n", c.CommandPath())
		return exitUsage
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		return exitInterrupted
	}
	return exitFailed
}

// usageError marks a mistake in the command line: exit 2.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// bundleSuffixes are the file names a bundle may have: gather writes a
// zstd-compressed tar, and analyze recognises it by content anyway, but a
// name that promises another format misleads whoever opens it.
var bundleSuffixes = []string{".tar.zst", ".tzst"}

// checkBundleName refuses an output name that does not end like a bundle.
func checkBundleName(flag, name string) error {
	for _, s := range bundleSuffixes {
		if strings.HasSuffix(name, s) && len(name) > len(s) && !strings.HasSuffix(name, "/"+s) {
			return nil
		}
	}
	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	for _, ext := range []string{".tar", ".tgz", ".zst"} {
		base = strings.TrimSuffix(base, ext)
	}
	if base == "" || base == "." || strings.HasSuffix(name, "/") {
		base = "bundle"
	}
	return usageError{fmt.Errorf("%s %s: a bundle is a zstd-compressed tar; name it %s.tar.zst (or .tzst), or use -o - for stdout", flag, name, base)}
}

// Run gathers (or re-redacts with --redact-only).
func (o *Options) Run(ctx context.Context) error {
	if o.RedactOnly != "" {
		return o.runRedactOnly()
	}
	cfg, toStdout, err := o.config()
	if err != nil {
		return err
	}
	rc, err := o.Config.ToRESTConfig()
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	raw, _ := o.Config.ToRawKubeConfigLoader().RawConfig()
	ctxName := raw.CurrentContext
	if o.Config.Context != nil && *o.Config.Context != "" {
		ctxName = *o.Config.Context
	}
	cluster := ctxName
	if c, ok := raw.Contexts[ctxName]; ok && c.Cluster != "" {
		cluster = c.Cluster
	}
	if rc.Timeout > 0 { // --request-timeout bounds every call
		cfg.Retry.Timeout = rc.Timeout
		cfg.Timeouts = collect.Timeouts{Request: rc.Timeout, Dial: rc.Timeout, Admin: rc.Timeout}
	}
	cfg.REST = rc
	cfg.Progress = o.progress()

	dest := collect.Dest{Path: o.Output, Stream: nil}
	if toStdout {
		dest = collect.Dest{Stream: o.Streams.Out}
	} else if dest.Path == "" {
		dest.Path = collect.DefaultBundleName(cluster, o.Now())
	}
	start := time.Now()
	res, err := collect.Gather(ctx, dest, collect.BundleMeta{ToolVersion: version, Context: ctxName, CreatedAt: o.Now()}, cfg)
	if err != nil {
		o.tellProblems(res)
		return err
	}
	if ctx.Err() != nil { // a Ctrl-C after the bundle was published changes nothing
		return nil
	}
	errOut := o.Streams.ErrOut
	fmt.Fprintf(errOut, "gather: %d objects, %d logs, %d proxy files in %s\n", res.Objects, res.Logs, res.ProxyFiles, time.Since(start).Round(time.Millisecond))
	if n := len(res.Serving); n > 0 {
		var names []string
		for _, s := range res.Serving {
			names = append(names, s.Namespace)
		}
		fmt.Fprintf(errOut, "gather: also collected what serves %s: %s (why: servingNamespaces in the bundle's manifest.json)\n", strings.Join(cfg.Namespaces, ", "), strings.Join(names, ", "))
	}
	o.tellProblems(res)
	if res.OutOfTime {
		fmt.Fprintf(errOut, "gather: --timeout %s ran out: the bundle holds what was collected until then\n", cfg.Timeout)
	}
	if toStdout {
		return nil
	}
	var size int64
	if st, err := os.Stat(dest.Path); err == nil {
		size = st.Size()
	}
	if !o.Analyze {
		fmt.Fprintf(o.Streams.Out, "%s (%d bytes)\n", dest.Path, size)
		return nil
	}
	fmt.Fprintf(errOut, "gather: wrote %s (%d bytes); its analysis follows\n", dest.Path, size)
	return o.analyze(dest.Path)
}

// config checks the flags and turns them into the collector's Config; it
// also says whether the bundle goes to stdout.
func (o *Options) config() (collect.Config, bool, error) {
	var cfg collect.Config
	if o.AllNamespaces && (len(o.Namespaces) > 0 || o.namespaceSet) {
		return cfg, false, usageError{errors.New("-A cannot be combined with -n or --namespaces")}
	}
	namespaces := o.Namespaces
	if o.namespaceSet && o.Config.Namespace != nil && *o.Config.Namespace != "" {
		namespaces = append([]string{*o.Config.Namespace}, namespaces...)
	}
	if o.Concurrency < 1 || o.PageSize < 1 || o.Retries < 1 {
		return cfg, false, usageError{errors.New("--concurrency, --page-size and --retries must be at least 1")}
	}
	if o.Timeout < 0 || o.Since < 0 {
		return cfg, false, usageError{errors.New("--timeout and --since must not be negative")}
	}
	switch o.Progress {
	case "auto", "live", "plain", "none":
	default:
		return cfg, false, usageError{fmt.Errorf("invalid --progress %q: want auto, live, plain or none", o.Progress)}
	}
	var sinceTime time.Time
	if o.SinceTime != "" {
		if o.sinceSet {
			return cfg, false, usageError{errors.New("at most one of --since and --since-time may be given")}
		}
		t, err := time.Parse(time.RFC3339, o.SinceTime)
		if err != nil {
			return cfg, false, usageError{fmt.Errorf("invalid --since-time %q: want an RFC3339 date such as 2026-01-02T15:04:05Z", o.SinceTime)}
		}
		sinceTime = t
	}
	var sel labels.Selector
	if o.Selector != "" {
		s, err := labels.Parse(o.Selector)
		if err != nil {
			return cfg, false, usageError{fmt.Errorf("invalid -l/--selector %q: %v", o.Selector, err)}
		}
		sel = s
	}
	toStdout := o.Output == "-"
	switch {
	case toStdout && o.Analyze:
		return cfg, false, usageError{errors.New("--analyze prints the report on stdout, where -o - writes the bundle: name a file with -o")}
	case toStdout && o.IsTerminal != nil && o.IsTerminal(o.Streams.Out):
		return cfg, false, usageError{errors.New("-o -: stdout is a terminal; redirect it (-o - > bundle.tar.zst) or name a file")}
	case o.Output != "" && !toStdout:
		if err := checkBundleName("-o", o.Output); err != nil {
			return cfg, false, err
		}
	}
	retry := collect.DefaultRetryPolicy
	retry.Attempts = o.Retries
	retry.Timeout = 0 // the per-call deadline (collect.Timeouts.Request) unless --request-timeout
	return collect.Config{
		Namespaces:        namespaces,
		ExcludeNamespaces: o.ExcludeNamespaces,
		NoServing:         o.NoServing,
		PodSelector:       sel,
		Since:             o.Since,
		SinceTime:         sinceTime,
		Tail:              o.Tail,
		MaxLogBytes:       int64(o.MaxLogBytes),
		NoLogs:            o.NoLogs,
		NoProxy:           o.NoProxyAdmin,
		MaxProxies:        o.MaxProxies,
		PageSize:          o.PageSize,
		Concurrency:       o.Concurrency,
		Retry:             retry,
		Timeout:           o.Timeout,
	}, toStdout, nil
}

// tellProblems says once, one line per collector, what was not collected,
// why and what to do.
func (o *Options) tellProblems(res collect.Result) {
	for _, p := range res.Problems {
		where := p.Collector
		if len(p.Namespaces) > 0 {
			where += " (" + strings.Join(p.Namespaces, ", ") + ")"
		}
		status := p.Status
		if status == "ok" {
			status = "partly collected"
		}
		line := fmt.Sprintf("gather: %s: %s: %s", where, status, oneLine(p.Reason))
		if p.Advice != "" {
			line += ". To do: " + p.Advice
		}
		fmt.Fprintln(o.Streams.ErrOut, line)
	}
}

// oneLine keeps a message on its line and its length readable.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}

// analyze prints the report of the bundle at path, as analyze's table.
func (o *Options) analyze(path string) error {
	engine, err := pipeline.Engine(nil, nil, nil)
	if err != nil {
		return err
	}
	rep, err := pipeline.Analyze(engine, []string{path}, pipeline.Options{ToolVersion: version})
	if err != nil {
		return fmt.Errorf("analyzing %s: %w", path, err)
	}
	table, _ := render.Lookup("table")
	color := o.IsTerminal != nil && o.IsTerminal(o.Streams.Out) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	return table.Render(o.Streams.Out, rep, render.Options{Color: color, MaxSymptoms: 25})
}

func (o *Options) progress() *collect.Progress {
	switch o.Progress {
	case "none":
		return nil
	case "live":
		return collect.NewProgress(o.Streams.ErrOut, true)
	case "plain":
		return collect.NewProgress(o.Streams.ErrOut, false)
	}
	// auto: live on a terminal, plain lines otherwise.
	live := o.IsTerminal != nil && o.IsTerminal(o.Streams.ErrOut)
	return collect.NewProgress(o.Streams.ErrOut, live)
}

// runRedactOnly rewrites the --redact-only bundle with the current
// redaction rules, in place or to -o.
func (o *Options) runRedactOnly() error {
	out := o.Output
	if out == "" {
		out = o.RedactOnly
	} else if err := checkBundleName("-o", out); err != nil {
		return err
	}
	warn := func(entry string, err error) { fmt.Fprintf(o.Streams.ErrOut, "gather: %s: %v\n", entry, err) }
	n, err := collect.RedactBundle(o.RedactOnly, out, nil, o.Now(), warn)
	if err != nil {
		return fmt.Errorf("redact-only: %w", err)
	}
	fmt.Fprintf(o.Streams.ErrOut, "gather: re-redacted %d entries of %s\n", n, o.RedactOnly)
	fmt.Fprintln(o.Streams.Out, out)
	return nil
}
