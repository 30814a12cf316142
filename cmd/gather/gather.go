package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/collect"
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
	MaxLogBytes       int64
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
	// Now is the clock for the default output name.
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
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.namespaceSet = cmd.Flags().Changed("namespace")
			return o.Run(cmd.Context())
		},
	}
	cmd.SetOut(streams.Out)
	cmd.SetErr(streams.ErrOut)
	cmd.Version = version
	f := cmd.Flags()
	o.Config.AddFlags(f)
	f.StringVarP(&o.Output, "output", "o", "", "bundle to write (default nohealthy-<cluster>-<UTC time>.tar.zst)")
	f.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "gather from all namespaces (the default unless -n or --namespaces is given)")
	f.StringSliceVar(&o.Namespaces, "namespaces", nil, "only these namespaces (comma-separated)")
	f.StringSliceVar(&o.ExcludeNamespaces, "exclude-namespaces", nil, "skip these namespaces (comma-separated)")
	f.DurationVar(&o.Since, "since", o.Since, "only logs newer than this (0 = all)")
	f.Int64Var(&o.Tail, "tail", o.Tail, "last lines of each container log (0 = all)")
	f.Int64Var(&o.MaxLogBytes, "max-log-bytes", o.MaxLogBytes, "bytes per container log (0 = no limit)")
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
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(streams.ErrOut, "gather: %v\n", err)
	var ue usageError
	switch {
	case errors.As(err, &ue), strings.HasPrefix(err.Error(), "unknown flag"), strings.HasPrefix(err.Error(), "invalid argument"),
		strings.Contains(err.Error(), "flag needs an argument"), strings.HasPrefix(err.Error(), "unknown shorthand"),
		strings.HasPrefix(err.Error(), "accepts "), strings.HasPrefix(err.Error(), "unknown command"):
		return exitUsage
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		return exitInterrupted
	}
	return exitFailed
}

type usageError struct{ error }

// Run gathers (or re-redacts with --redact-only).
func (o *Options) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
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
	if rc.Timeout > 0 {
		retry.Timeout = rc.Timeout
	}

	info, err := collect.Probe(ctx, rc, retry)
	if err != nil {
		return err
	}
	out := o.Output
	if out == "" {
		out = defaultOutput(cluster, o.Now())
	}
	red := collect.DefaultRedactor()
	m := bundle.Manifest{
		Tool:           "nohealthy gather",
		ToolVersion:    version,
		CreatedAt:      o.Now().UTC(),
		ClusterVersion: info.Version,
		Context:        ctxName,
		Namespaces:     namespaces,
		Redactions:     red.Manifest(),
		Options: map[string]string{
			"since":             o.Since.String(),
			"tail":              strconv.FormatInt(o.Tail, 10),
			"maxLogBytes":       strconv.FormatInt(o.MaxLogBytes, 10),
			"noLogs":            strconv.FormatBool(o.NoLogs),
			"noProxyAdmin":      strconv.FormatBool(o.NoProxyAdmin),
			"maxProxies":        strconv.Itoa(o.MaxProxies),
			"excludeNamespaces": strings.Join(o.ExcludeNamespaces, ","),
			"pageSize":          strconv.FormatInt(o.PageSize, 10),
			"concurrency":       strconv.Itoa(o.Concurrency),
		},
	}
	w, err := bundle.Create(out, m)
	if err != nil {
		return err
	}
	// Whatever happens below (error, Ctrl-C, panic), nothing is published
	// unless Close succeeds: the temp file is removed.
	published := false
	defer func() {
		if !published {
			w.Abort()
		}
	}()

	prog := o.progress()
	start := time.Now()
	res, err := collect.Run(ctx, collect.Config{
		REST:              rc,
		Namespaces:        namespaces,
		ExcludeNamespaces: o.ExcludeNamespaces,
		Since:             o.Since,
		Tail:              o.Tail,
		MaxLogBytes:       o.MaxLogBytes,
		NoLogs:            o.NoLogs,
		NoProxy:           o.NoProxyAdmin,
		MaxProxies:        o.MaxProxies,
		PageSize:          o.PageSize,
		Concurrency:       o.Concurrency,
		Retry:             retry,
		Redactor:          red,
		Progress:          prog,
	}, w)
	prog.Finish()
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted; no bundle written: %w", context.Cause(ctx))
		}
		return fmt.Errorf("%w; no bundle written", err)
	}
	if err := w.Close(); err != nil {
		return err
	}
	published = true
	if ctx.Err() != nil { // a late Ctrl-C after publishing changes nothing
		return nil
	}
	var forbidden, failed []string
	for _, c := range res.Collectors {
		name := c.Name
		if c.Namespace != "" {
			name += "(" + c.Namespace + ")"
		}
		switch c.Status {
		case bundle.StatusForbidden:
			forbidden = append(forbidden, name)
		case bundle.StatusFailed:
			failed = append(failed, name)
		}
	}
	st, _ := os.Stat(out)
	size := int64(0)
	if st != nil {
		size = st.Size()
	}
	fmt.Fprintf(o.Streams.ErrOut, "gather: %d objects, %d logs, %d proxy files in %s\n", res.Objects, res.Logs, res.ProxyFiles, time.Since(start).Round(time.Millisecond))
	if len(forbidden) > 0 {
		fmt.Fprintf(o.Streams.ErrOut, "gather: forbidden (recorded in the bundle): %s\n", strings.Join(forbidden, ", "))
	}
	if len(failed) > 0 {
		fmt.Fprintf(o.Streams.ErrOut, "gather: failed (recorded in the bundle): %s\n", strings.Join(failed, ", "))
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
	live := o.IsTerminal != nil && o.IsTerminal(o.Streams.ErrOut)
	return collect.NewProgress(o.Streams.ErrOut, live)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func defaultOutput(cluster string, now time.Time) string {
	c := strings.Trim(unsafeName.ReplaceAllString(cluster, "-"), "-.")
	if c == "" {
		c = "cluster"
	}
	if len(c) > 60 {
		c = c[:60]
	}
	return fmt.Sprintf("nohealthy-%s-%s.tar.zst", c, now.UTC().Format("20060102T150405Z"))
}

// runRedactOnly rewrites an existing bundle with the current redaction rules.
func (o *Options) runRedactOnly() error {
	in := o.RedactOnly
	out := o.Output
	if out == "" {
		out = in
	}
	red := collect.DefaultRedactor()
	var (
		manifest bundle.Manifest
		index    bundle.Index
		w        *bundle.Writer
		entries  int
	)
	type pending struct {
		name string
		data []byte
	}
	// The manifest is the first entry; entries before the writer exists
	// (there should be none) are buffered.
	var early []pending
	err := bundle.Walk(in, bundle.Limits{}, func(p string, err error) {
		fmt.Fprintf(o.Streams.ErrOut, "gather: %s: %v\n", p, err)
	}, func(e *bundle.Entry) error {
		data, err := io.ReadAll(e.Body)
		if err != nil {
			return err
		}
		switch e.Type {
		case bundle.EntryManifest:
			if err := json.Unmarshal(data, &manifest); err != nil {
				return fmt.Errorf("manifest: %w", err)
			}
			manifest.Redactions = red.Manifest()
			if manifest.Options == nil {
				manifest.Options = map[string]string{}
			}
			manifest.Options["redactedAgainAt"] = o.Now().UTC().Format(time.RFC3339)
			w, err = bundle.Create(out, manifest)
			if err != nil {
				return err
			}
			for _, p := range early {
				if err := w.WriteFile(p.name, p.data); err != nil {
					return err
				}
			}
			early = nil
			return nil
		case bundle.EntryIndex:
			return json.Unmarshal(data, &index)
		case bundle.EntryObjects, bundle.EntryProxyAdmin:
			if strings.HasSuffix(e.Path, ".json") {
				data = red.JSON(data)
			} else {
				data = red.Bytes(data)
			}
		default:
			data = red.Bytes(data)
		}
		entries++
		if w == nil {
			early = append(early, pending{e.Path, data})
			return nil
		}
		return w.WriteFile(e.Path, data)
	})
	if err == nil && w == nil {
		err = fmt.Errorf("%s: no manifest.json: not a gather bundle", in)
	}
	if err != nil {
		if w != nil {
			w.Abort()
		}
		return fmt.Errorf("redact-only: %w", err)
	}
	for _, c := range index.Collectors {
		w.AddCollector(c)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("redact-only: %w", err)
	}
	fmt.Fprintf(o.Streams.ErrOut, "gather: re-redacted %d entries of %s\n", entries, in)
	fmt.Fprintln(o.Streams.Out, out)
	return nil
}
