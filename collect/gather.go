// Package collect talks to a live API server and hands what it gathers to
// a bundle writer: paged lists of the resources analyze needs, container
// logs, Envoy admin output and istiod debug views. It never judges what it
// collects, never reads Secrets, and redacts credentials from everything it
// stores (see redactions.json).
package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/kinds"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Sink receives what gather collects; *bundle.Writer is one.
type Sink interface {
	WriteFile(name string, data []byte) error
	AddCollector(s bundle.CollectorStatus)
}

// Config says what to gather and how hard to push the API server.
type Config struct {
	REST *rest.Config

	// Namespaces limits namespaced resources, logs and proxies to these
	// namespaces; empty means all. ExcludeNamespaces are dropped either way.
	Namespaces        []string
	ExcludeNamespaces []string

	Since       time.Duration // logs newer than this; 0 = all
	Tail        int64         // last lines per container; 0 = all
	MaxLogBytes int64         // per container (and per previous instance)
	NoLogs      bool
	NoProxy     bool
	MaxProxies  int // proxies whose admin data is fetched; 0 = 100

	PageSize    int64 // list page size; 0 = 500
	Concurrency int   // parallel requests; 0 = 8
	Retry       RetryPolicy

	Wanted   []Wanted  // default DefaultWanted
	Redactor *Redactor // default DefaultRedactor()
	Progress *Progress // may be nil
}

// Result summarises a run.
type Result struct {
	Collectors []bundle.CollectorStatus
	Objects    int
	Logs       int
	ProxyFiles int
}

// OK counts the collectors that collected (status ok).
func (r Result) OK() int {
	n := 0
	for _, c := range r.Collectors {
		if c.Status == bundle.StatusOK {
			n++
		}
	}
	return n
}

// ErrNothingCollected is returned when every collector failed.
var ErrNothingCollected = errors.New("nothing could be collected")

// ErrAPIServerLost wraps the error that showed the API server went away
// mid-run: the run stops and nothing must be published.
var ErrAPIServerLost = errors.New("lost the connection to the API server")

// ClusterInfo is what Probe learns before a bundle is created.
type ClusterInfo struct {
	Version string
	Host    string
}

// Probe checks that the API server answers (with retries) and returns its version.
func Probe(ctx context.Context, cfg *rest.Config, retry RetryPolicy) (ClusterInfo, error) {
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return ClusterInfo{}, err
	}
	var info ClusterInfo
	err = retry.Do(ctx, func(ctx context.Context) error {
		body, err := dc.RESTClient().Get().AbsPath("/version").Do(ctx).Raw()
		if err != nil {
			return err
		}
		var v struct {
			GitVersion string `json:"gitVersion"`
		}
		if err := json.Unmarshal(body, &v); err != nil {
			return err
		}
		info.Version = v.GitVersion
		return nil
	})
	if err != nil {
		return ClusterInfo{}, fmt.Errorf("cannot reach the API server at %s: %w", cfg.Host, err)
	}
	info.Host = cfg.Host
	return info, nil
}

type run struct {
	cfg    Config
	sink   Sink
	red    *Redactor
	dyn    dynamic.Interface
	cs     kubernetes.Interface
	prog   *Progress
	sem    chan struct{}
	ctx    context.Context
	cancel context.CancelCauseFunc

	mu      sync.Mutex
	res     Result
	pods    []podInfo
	podsOK  bool
	exclude map[string]bool
}

// Run gathers into sink. It returns ErrAPIServerLost (wrapped) when the
// API server stopped answering mid-run, ErrNothingCollected when no
// collector succeeded, and ctx's error when cancelled: in each of these
// cases the caller must not publish the bundle.
func Run(ctx context.Context, cfg Config, sink Sink) (Result, error) {
	if cfg.REST == nil {
		return Result{}, errors.New("collect: no REST config")
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 8
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 500
	}
	if cfg.MaxProxies <= 0 {
		cfg.MaxProxies = 100
	}
	if cfg.Wanted == nil {
		cfg.Wanted = DefaultWanted
	}
	if cfg.Redactor == nil {
		cfg.Redactor = DefaultRedactor()
	}
	rc := rest.CopyConfig(cfg.REST)
	// Deprecation warnings (v1 Endpoints) are expected; keep stderr for progress.
	rc.WarningHandler = rest.NoWarnings{}
	if rc.QPS == 0 {
		rc.QPS = 100
		rc.Burst = 200
	}
	r := &run{cfg: cfg, sink: sink, red: cfg.Redactor, prog: cfg.Progress, sem: make(chan struct{}, cfg.Concurrency), exclude: map[string]bool{}}
	for _, ns := range cfg.ExcludeNamespaces {
		r.exclude[ns] = true
	}
	var err error
	if r.dyn, err = dynamic.NewForConfig(rc); err != nil {
		return Result{}, err
	}
	if r.cs, err = kubernetes.NewForConfig(rc); err != nil {
		return Result{}, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(rc)
	if err != nil {
		return Result{}, err
	}
	r.ctx, r.cancel = context.WithCancelCause(ctx)
	defer r.cancel(nil)

	var targets, skipped []Target
	err = cfg.Retry.Do(r.ctx, func(context.Context) error {
		var e error
		targets, skipped, e = Resolve(dc, cfg.Wanted)
		return e
	})
	if err != nil {
		if ConnectionError(err) {
			return Result{}, fmt.Errorf("%w: %v", ErrAPIServerLost, err)
		}
		return Result{}, err
	}
	for _, t := range skipped {
		r.record(bundle.CollectorStatus{Name: t.Name(), Status: bundle.StatusSkipped, Message: "not served by this API server"})
	}
	r.prog.Phase("resources", len(targets))
	var wg sync.WaitGroup
	for _, t := range targets {
		wg.Go(func() {
			// A bug in one collector must not take the run down (nor leave
			// the caller unable to abort the bundle): record it and go on.
			defer func() {
				if p := recover(); p != nil {
					r.record(bundle.CollectorStatus{Name: t.Name(), Kind: t.Kind, Status: bundle.StatusFailed, Message: fmt.Sprintf("internal error: %v", p)})
				}
			}()
			r.collectResource(t)
		})
	}
	wg.Wait()
	if err := r.stopped(); err != nil {
		return r.res, err
	}

	if !cfg.NoLogs {
		r.collectLogs()
		if err := r.stopped(); err != nil {
			return r.res, err
		}
	} else {
		r.record(bundle.CollectorStatus{Name: "logs", Status: bundle.StatusSkipped, Message: "--no-logs"})
	}
	if !cfg.NoProxy {
		r.collectProxies()
		if err := r.stopped(); err != nil {
			return r.res, err
		}
	} else {
		r.record(bundle.CollectorStatus{Name: "proxy-admin", Status: bundle.StatusSkipped, Message: "--no-proxy-admin"})
		r.record(bundle.CollectorStatus{Name: "istiod-debug", Status: bundle.StatusSkipped, Message: "--no-proxy-admin"})
	}
	r.prog.Finish()
	if r.res.OK() == 0 {
		msg := summarizeFailures(r.res.Collectors)
		if len(cfg.Namespaces) == 0 && strings.Contains(msg, "forbidden") {
			msg += "; if you may read only some namespaces, name them with -n NAMESPACE or --namespaces a,b"
		}
		return r.res, fmt.Errorf("%w: %s", ErrNothingCollected, msg)
	}
	return r.res, nil
}

func summarizeFailures(cs []bundle.CollectorStatus) string {
	byStatus := map[string]int{}
	first := ""
	for _, c := range cs {
		byStatus[c.Status]++
		if first == "" && c.Message != "" && c.Status != bundle.StatusSkipped {
			first = c.Name + ": " + c.Message
		}
	}
	var parts []string
	for _, s := range []string{bundle.StatusForbidden, bundle.StatusFailed, bundle.StatusSkipped} {
		if byStatus[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", byStatus[s], s))
		}
	}
	msg := strings.Join(parts, ", ")
	if first != "" {
		msg += " (first: " + first + ")"
	}
	return msg
}

// stopped returns the reason the run must stop, if any.
func (r *run) stopped() error {
	if r.ctx.Err() == nil {
		return nil
	}
	cause := context.Cause(r.ctx)
	if errors.Is(cause, ErrAPIServerLost) {
		return cause
	}
	return fmt.Errorf("interrupted: %w", cause)
}

// fail checks an error that survived retries: losing the API server itself
// stops the whole run, since every later request would fail too.
func (r *run) fail(err error) {
	if ConnectionError(err) && r.ctx.Err() == nil {
		r.cancel(fmt.Errorf("%w: %v", ErrAPIServerLost, err))
	}
}

func (r *run) record(s bundle.CollectorStatus) {
	r.mu.Lock()
	r.res.Collectors = append(r.res.Collectors, s)
	r.mu.Unlock()
	r.sink.AddCollector(s)
	r.prog.Done(s)
}

// acquire takes a concurrency slot; false if the run is over.
func (r *run) acquire() bool {
	select {
	case r.sem <- struct{}{}:
		return true
	case <-r.ctx.Done():
		return false
	}
}

func (r *run) release() { <-r.sem }

func (r *run) wantNamespace(ns string) bool {
	if r.exclude[ns] {
		return false
	}
	return len(r.cfg.Namespaces) == 0 || ns == "" || slices.Contains(r.cfg.Namespaces, ns)
}

// collectResource lists one resource (all namespaces, or each selected
// namespace), and writes one List per namespace.
func (r *run) collectResource(t Target) {
	byNS := map[string][]map[string]any{}
	var err error
	count := 0
	keep := func(u *unstructured.Unstructured) {
		ns := u.GetNamespace()
		if t.Namespaced && !r.wantNamespace(ns) {
			return
		}
		if !t.Namespaced && t.GVR.Resource == "namespaces" && !r.wantNamespace(u.GetName()) {
			return
		}
		if t.Filter != nil && !t.Filter(ns, u.GetName()) {
			return
		}
		byNS[ns] = append(byNS[ns], r.clean(t, u))
		count++
	}
	if t.Namespaced && len(r.cfg.Namespaces) > 0 {
		var errs []error
		for _, ns := range r.cfg.Namespaces {
			if r.exclude[ns] {
				continue
			}
			if e := r.list(t, ns, keep); e != nil {
				errs = append(errs, fmt.Errorf("namespace %s: %w", ns, e))
				if apierrors.IsForbidden(e) {
					r.record(bundle.CollectorStatus{Name: t.Name(), Kind: t.Kind, Namespace: ns, Status: bundle.StatusForbidden, Message: e.Error()})
				}
			}
		}
		if len(errs) == len(r.cfg.Namespaces) && len(errs) > 0 {
			err = errs[0]
		} else if len(errs) > 0 {
			// Partial: namespaces that failed are recorded on their own.
			for _, e := range errs {
				if !apierrors.IsForbidden(errors.Unwrap(e)) {
					r.record(bundle.CollectorStatus{Name: t.Name(), Kind: t.Kind, Status: bundle.StatusFailed, Message: e.Error()})
				}
			}
		}
	} else {
		err = r.list(t, "", keep)
	}
	if err != nil {
		r.fail(err)
		r.record(bundle.CollectorStatus{Name: t.Name(), Kind: t.Kind, Status: statusOf(err), Message: err.Error()})
		return
	}
	if t.GVR.Resource == "pods" && t.GVR.Group == "" {
		r.mu.Lock()
		r.podsOK = true
		r.mu.Unlock()
	}
	for _, ns := range slices.Sorted(maps.Keys(byNS)) {
		data, e := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "List", "items": byNS[ns]})
		if e == nil {
			e = r.sink.WriteFile(bundle.ResourcePath(ns, t.Name()), data)
		}
		if e != nil {
			r.record(bundle.CollectorStatus{Name: t.Name(), Kind: t.Kind, Status: bundle.StatusFailed, Message: "write: " + e.Error()})
			return
		}
	}
	r.mu.Lock()
	r.res.Objects += count
	r.mu.Unlock()
	r.record(bundle.CollectorStatus{Name: t.Name(), Kind: t.Kind, Status: bundle.StatusOK, Count: count})
}

// list pages through one resource with limit/continue. Pages are
// processed (cleaned, redacted) by a second goroutine while the next page
// is fetched. An expired continue token restarts the list once from the
// beginning; objects seen twice (same UID) are handed to each only once.
func (r *run) list(t Target, ns string, each func(*unstructured.Unstructured)) error {
	var ri dynamic.ResourceInterface = r.dyn.Resource(t.GVR)
	if t.Namespaced && ns != "" {
		ri = r.dyn.Resource(t.GVR).Namespace(ns)
	}
	isPods := t.GVR.Resource == "pods" && t.GVR.Group == ""
	var pods []podInfo
	pages := make(chan []unstructured.Unstructured, 2)
	done := make(chan struct{})
	go func() {
		defer close(done)
		seen := map[types.UID]bool{}
		for items := range pages {
			for i := range items {
				u := &items[i]
				if uid := u.GetUID(); uid != "" {
					if seen[uid] {
						continue
					}
					seen[uid] = true
				}
				if isPods && r.wantNamespace(u.GetNamespace()) {
					pods = append(pods, podInfoFrom(u))
				}
				each(u)
			}
		}
	}()
	err := func() error {
		defer func() { close(pages); <-done }()
		restarted := false
		cont := ""
		for {
			if !r.acquire() {
				return context.Cause(r.ctx)
			}
			var page *unstructured.UnstructuredList
			err := r.cfg.Retry.Do(r.ctx, func(ctx context.Context) error {
				var e error
				page, e = ri.List(ctx, metav1.ListOptions{Limit: r.cfg.PageSize, Continue: cont})
				return e
			})
			r.release()
			if apierrors.IsResourceExpired(err) && !restarted {
				restarted, cont = true, ""
				continue
			}
			if err != nil {
				return err
			}
			r.prog.Add(len(page.Items))
			pages <- page.Items
			if cont = page.GetContinue(); cont == "" {
				return nil
			}
		}
	}()
	if err != nil {
		return err
	}
	if isPods {
		r.mu.Lock()
		r.pods = append(r.pods, pods...)
		r.mu.Unlock()
	}
	return nil
}

// clean sets kind/apiVersion, keeps of managedFields only the writers of
// the kinds whose writers analyze cites (kinds.Writers) and redacts.
func (r *run) clean(t Target, u *unstructured.Unstructured) map[string]any {
	u.SetKind(t.Kind)
	u.SetAPIVersion(t.GVR.GroupVersion().String())
	if kinds.KeepsWriters(t.GVR.Group, t.Kind) {
		u.SetManagedFields(kinds.Writers(u.GetManagedFields()))
	} else {
		u.SetManagedFields(nil)
	}
	obj := u.Object
	r.red.Object(obj)
	return obj
}
