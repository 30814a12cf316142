package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nohealthy/nohealthy/bundle"
)

// BundleMeta is what a bundle's manifest records beyond the Config and
// the cluster's version: who wrote it, when, from which kubeconfig context.
type BundleMeta struct {
	ToolVersion string
	Context     string
	CreatedAt   time.Time
}

// Dest is where Gather writes the bundle: a file published at Path once
// complete, or Stream (gather -o -), written as it is produced.
type Dest struct {
	Path   string
	Stream io.Writer
}

func (d Dest) create(m bundle.Manifest) (*bundle.Writer, error) {
	if d.Stream != nil {
		return bundle.NewStreamWriter(d.Stream, "stdout", m)
	}
	return bundle.Create(d.Path, m)
}

// Gather checks that the API server answers, collects into a new bundle at
// dest and publishes it. The bundle appears at a path only when Gather
// returns nil: on an error, a cancelled ctx or a panic the partial file is
// removed, so a reader never finds a bundle that lacks what its index says
// (a stream is cut short instead). When cfg.Timeout runs out, what was
// collected is published and the rest recorded as not collected
// (Result.OutOfTime).
func Gather(ctx context.Context, dest Dest, meta BundleMeta, cfg Config) (res Result, err error) {
	if cfg.REST == nil {
		return Result{}, errors.New("collect: no REST config")
	}
	cfg = cfg.withDefaults()
	runCtx := ctx
	if cfg.Timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeoutCause(ctx, cfg.Timeout, errOutOfTime)
		defer cancel()
	}
	stop := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted; no bundle written: %w", context.Cause(ctx))
		}
		return fmt.Errorf("%w; no bundle written", err)
	}
	info, err := Probe(runCtx, cfg.REST, cfg.Retry)
	if err != nil {
		return Result{}, err
	}
	r, err := prepare(runCtx, cfg)
	if err != nil {
		return Result{}, stop(err)
	}
	defer r.cancel(nil)
	w, err := dest.create(bundle.Manifest{
		Tool:           "nohealthy gather",
		ToolVersion:    meta.ToolVersion,
		CreatedAt:      meta.CreatedAt.UTC(),
		ClusterVersion: info.Version,
		Server:         cfg.REST.Host,
		Context:        meta.Context,
		Namespaces:     cfg.Namespaces,
		Serving:        r.serving,
		Redactions:     cfg.Redactor.Manifest(),
		Options:        cfg.manifestOptions(),
	})
	if err != nil {
		return Result{}, err
	}
	published := false
	defer func() {
		if !published {
			w.Abort()
		}
	}()
	res, err = r.collect(w)
	cfg.Progress.Finish()
	if err != nil {
		return res, stop(err)
	}
	if err := w.Close(); err != nil {
		return res, err
	}
	published = true
	return res, nil
}

// manifestOptions records in the manifest how the run was configured, so
// a reader of the bundle knows what it may lack (logs cut, proxies
// skipped, namespaces left out).
func (c Config) manifestOptions() map[string]string {
	o := map[string]string{
		"since":             c.Since.String(),
		"tail":              strconv.FormatInt(c.Tail, 10),
		"maxLogBytes":       strconv.FormatInt(c.MaxLogBytes, 10),
		"noLogs":            strconv.FormatBool(c.NoLogs),
		"noProxyAdmin":      strconv.FormatBool(c.NoProxy),
		"maxProxies":        strconv.Itoa(c.MaxProxies),
		"excludeNamespaces": strings.Join(c.ExcludeNamespaces, ","),
		"pageSize":          strconv.FormatInt(c.PageSize, 10),
		"concurrency":       strconv.Itoa(c.Concurrency),
		"timeout":           c.Timeout.String(),
	}
	if !c.SinceTime.IsZero() {
		o["sinceTime"] = c.SinceTime.UTC().Format(time.RFC3339)
		delete(o, "since")
	}
	if c.PodSelector != nil && !c.PodSelector.Empty() {
		o["selector"] = c.PodSelector.String()
	}
	if c.NoServing {
		o["noServing"] = "true"
	}
	return o
}

// Names lists the collectors that ended with status, as name or
// name(namespace), in the order they finished.
func (r Result) Names(status string) []string {
	var out []string
	for _, c := range r.Collectors {
		if c.Status != status {
			continue
		}
		name := c.Name
		if c.Namespace != "" {
			name += "(" + c.Namespace + ")"
		}
		out = append(out, name)
	}
	return out
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// DefaultBundleName is the file name for a bundle of cluster taken at now:
// nohealthy-<cluster>-<UTC time>.tar.zst. The cluster part keeps only
// characters safe in a file name (no path separators), at most 60 of them.
func DefaultBundleName(cluster string, now time.Time) string {
	c := strings.Trim(unsafeName.ReplaceAllString(cluster, "-"), "-.")
	if c == "" {
		c = "cluster"
	}
	if len(c) > 60 {
		c = c[:60]
	}
	return fmt.Sprintf("nohealthy-%s-%s.tar.zst", c, now.UTC().Format("20060102T150405Z"))
}
