package collect

import (
	"context"
	"errors"
	"fmt"
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

// Gather checks that the API server answers, collects into a new bundle at
// path and publishes it. The bundle appears at path only when Gather
// returns nil: on an error, a cancelled ctx or a panic the partial file is
// removed, so a reader never finds a bundle that lacks what its index says.
func Gather(ctx context.Context, path string, meta BundleMeta, cfg Config) (res Result, err error) {
	if cfg.REST == nil {
		return Result{}, errors.New("collect: no REST config")
	}
	if cfg.Redactor == nil {
		cfg.Redactor = DefaultRedactor()
	}
	info, err := Probe(ctx, cfg.REST, cfg.Retry)
	if err != nil {
		return Result{}, err
	}
	w, err := bundle.Create(path, bundle.Manifest{
		Tool:           "nohealthy gather",
		ToolVersion:    meta.ToolVersion,
		CreatedAt:      meta.CreatedAt.UTC(),
		ClusterVersion: info.Version,
		Server:         cfg.REST.Host,
		Context:        meta.Context,
		Namespaces:     cfg.Namespaces,
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
	res, err = Run(ctx, cfg, w)
	cfg.Progress.Finish()
	if err != nil {
		if ctx.Err() != nil {
			return res, fmt.Errorf("interrupted; no bundle written: %w", context.Cause(ctx))
		}
		return res, fmt.Errorf("%w; no bundle written", err)
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
	return map[string]string{
		"since":             c.Since.String(),
		"tail":              strconv.FormatInt(c.Tail, 10),
		"maxLogBytes":       strconv.FormatInt(c.MaxLogBytes, 10),
		"noLogs":            strconv.FormatBool(c.NoLogs),
		"noProxyAdmin":      strconv.FormatBool(c.NoProxy),
		"maxProxies":        strconv.Itoa(c.MaxProxies),
		"excludeNamespaces": strings.Join(c.ExcludeNamespaces, ","),
		"pageSize":          strconv.FormatInt(c.PageSize, 10),
		"concurrency":       strconv.Itoa(c.Concurrency),
	}
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
