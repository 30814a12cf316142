package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/collect"
	"github.com/nohealthy/nohealthy/internal/bytesize"
	"github.com/spf13/cobra"
	"golang.org/x/term"
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

// Options is everything `gather` is told. It is filled by flags and can be
// built directly by tests.
type Options struct {
	Config  *genericclioptions.ConfigFlags
	Streams genericiooptions.IOStreams

	Output            string
	AllNamespaces     bool
	Namespaces        []string
	ExcludeNamespaces []string
	Since             time.Duration
	Tail              int64
	MaxLogBytes       bytesize.Limit
	NoLogs            bool
	NoProxyAdmin      bool
	MaxProxies        int
	Concurrency       int
	PageSize          int64
	Retries           int
	RedactOnly        string
	// Progress: "auto" (live on a terminal, plain lines otherwise),
	// "live", "plain" or "none".
	Progress string

	// IsTerminal decides "auto" progress; defaults to checking ErrOut.
	IsTerminal func(w io.Writer) bool
	// Now is the clock for the default output name and the manifest times.
	Now func() time.Time

	namespaceSet bool // -n given
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
		Progress:    "auto",
		IsTerminal: func(w io.Writer) bool {
			f, ok := w.(*os.File)
			return ok && term.IsTerminal(int(f.Fd()))
		},
		Now: time.Now,
	}
}

// NewCommand builds the cobra command.
func NewCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := NewOptions(streams)
	cmd := &cobra.Command{
		Use:   "gather [-o FILE]",
		Short: "Snapshot a live cluster into a bundle for `analyze`",
		Long: `gather reads what explains a "503 no healthy upstream" from the cluster
of the current kubeconfig context and writes it to one .tar.zst bundle:
nodes, namespaces, services, endpoints and EndpointSlices, pods, events,
workloads, HPAs, PDBs, NetworkPolicies, Ingresses, the Istio mesh
ConfigMaps, every Istio and Gateway API resource, logs of gateways, proxies,
control plane, DNS and of not-ready or restarting pods, and Envoy admin
data of reachable proxies.

Secrets are never read. Credentials in what is stored (env values, ConfigMap
data, annotations, log lines) are redacted by patterns listed in the
bundle's manifest. A collector that is forbidden or fails is recorded in
the bundle and does not stop the run.

Namespaces: all by default (or -A); -n NS or --namespaces a,b to limit.`,
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
			return o.Run(cmd.Context())
		},
	}
	cmd.SetOut(streams.Out)
	cmd.SetErr(streams.ErrOut)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	cmd.Version = version
	f := cmd.Flags()
	o.Config.AddFlags(f)
	f.StringVarP(&o.Output, "output", "o", "", "bundle to write (default nohealthy-<cluster>-<UTC time>.tar.zst)")
	f.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "gather from all namespaces (the default unless -n or --namespaces is given)")
	f.StringSliceVar(&o.Namespaces, "namespaces", nil, "only these namespaces (comma-separated)")
	f.StringSliceVar(&o.ExcludeNamespaces, "exclude-namespaces", nil, "skip these namespaces (comma-separated)")
	f.DurationVar(&o.Since, "since", o.Since, "only logs newer than this (0 = all)")
	f.Int64Var(&o.Tail, "tail", o.Tail, "last lines of each container log (0 = all)")
	f.Var(&o.MaxLogBytes, "max-log-bytes", "bytes per container log: 10Mi, 5000000, ... (0 = no limit)")
	f.BoolVar(&o.NoLogs, "no-logs", false, "collect no container logs")
	f.BoolVar(&o.NoProxyAdmin, "no-proxy-admin", false, "do not port-forward to Envoy admin or istiod debug ports")
	f.IntVar(&o.MaxProxies, "max-proxies", o.MaxProxies, "proxies whose Envoy admin data is fetched (gateways first)")
	f.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "parallel requests to the API server")
	f.Int64Var(&o.PageSize, "page-size", o.PageSize, "objects per list page")
	f.IntVar(&o.Retries, "retries", o.Retries, "attempts per request (transient errors are retried with backoff)")
	f.StringVar(&o.RedactOnly, "redact-only", "", "re-redact an existing BUNDLE (written back in place, or to -o) and exit; no cluster is contacted")
	f.StringVar(&o.Progress, "progress", o.Progress, "progress on stderr: auto, live, plain or none")
	return cmd
}

// Main runs gather with args and returns the exit code.
func Main(ctx context.Context, args []string, streams genericiooptions.IOStreams) int {
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

// Run gathers (or re-redacts with --redact-only).
func (o *Options) Run(ctx context.Context) error {
	if o.RedactOnly != "" {
		return o.runRedactOnly()
	}
	if o.AllNamespaces && (len(o.Namespaces) > 0 || o.namespaceSet) {
		return usageError{errors.New("-A cannot be combined with -n or --namespaces")}
	}
	namespaces := o.Namespaces
	if o.namespaceSet && o.Config.Namespace != nil && *o.Config.Namespace != "" {
		namespaces = append([]string{*o.Config.Namespace}, namespaces...)
	}
	if o.Concurrency < 1 || o.PageSize < 1 || o.Retries < 1 {
		return usageError{errors.New("--concurrency, --page-size and --retries must be at least 1")}
	}
	switch o.Progress {
	case "auto", "live", "plain", "none":
	default:
		return usageError{fmt.Errorf("invalid --progress %q: want auto, live, plain or none", o.Progress)}
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
	retry := collect.DefaultRetryPolicy
	retry.Attempts = o.Retries
	if rc.Timeout > 0 { // --request-timeout
		retry.Timeout = rc.Timeout
	}
	out := o.Output
	if out == "" {
		out = collect.DefaultBundleName(cluster, o.Now())
	}

	start := time.Now()
	res, err := collect.Gather(ctx, out, collect.BundleMeta{ToolVersion: version, Context: ctxName, CreatedAt: o.Now()}, collect.Config{
		REST:              rc,
		Namespaces:        namespaces,
		ExcludeNamespaces: o.ExcludeNamespaces,
		Since:             o.Since,
		Tail:              o.Tail,
		MaxLogBytes:       int64(o.MaxLogBytes),
		NoLogs:            o.NoLogs,
		NoProxy:           o.NoProxyAdmin,
		MaxProxies:        o.MaxProxies,
		PageSize:          o.PageSize,
		Concurrency:       o.Concurrency,
		Retry:             retry,
		Progress:          o.progress(),
	})
	if err != nil {
		return err
	}
	if ctx.Err() != nil { // a Ctrl-C after the bundle was published changes nothing
		return nil
	}
	var size int64
	if st, err := os.Stat(out); err == nil {
		size = st.Size()
	}
	fmt.Fprintf(o.Streams.ErrOut, "gather: %d objects, %d logs, %d proxy files in %s\n", res.Objects, res.Logs, res.ProxyFiles, time.Since(start).Round(time.Millisecond))
	if names := res.Names(bundle.StatusForbidden); len(names) > 0 {
		fmt.Fprintf(o.Streams.ErrOut, "gather: forbidden (recorded in the bundle): %s\n", strings.Join(names, ", "))
	}
	if names := res.Names(bundle.StatusFailed); len(names) > 0 {
		fmt.Fprintf(o.Streams.ErrOut, "gather: failed (recorded in the bundle): %s\n", strings.Join(names, ", "))
	}
	fmt.Fprintf(o.Streams.Out, "%s (%d bytes)\n", out, size)
	return nil
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
