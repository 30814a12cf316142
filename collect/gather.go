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
	"k8s.io/apimachinery/pkg/labels"
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
	// namespaces and those that serve them (unless NoServing); empty means
	// all. ExcludeNamespaces are dropped either way.
	Namespaces        []string
	ExcludeNamespaces []string
	// NoServing keeps a -n run to the namespaces named.
	NoServing bool
	// PodSelector keeps only the pods it matches (their objects, logs and
	// admin data), besides the gateways, control plane and DNS pods; nil
	// keeps every pod.
	PodSelector labels.Selector

	Since       time.Duration // logs newer than this; 0 = all
	SinceTime   time.Time     // logs from this time on (instead of Since)
	Tail        int64         // last lines per container; 0 = all
	MaxLogBytes int64         // per container (and per previous instance)
	NoLogs      bool
	NoProxy     bool
	MaxProxies  int // proxies whose admin data is fetched; 0 = 100

	PageSize    int64 // list page size; 0 = 500
	Concurrency int   // parallel requests; 0 = 8
	Retry       RetryPolicy
	// Timeout bounds the whole run (Gather); when it runs out, what was
	// collected is written and the rest recorded as not collected.
	Timeout  time.Duration
	Timeouts Timeouts // per call

	Wanted   []Wanted  // default DefaultWanted
	Redactor *Redactor // default DefaultRedactor()
	Progress *Progress // may be nil
}

// Timeouts bound single calls, so one slow kubelet or pod costs seconds,
// not the run.
type Timeouts struct {
	Request time.Duration // one API request attempt: a list page, a log; default 30s
	Dial    time.Duration // opening a port-forward to a pod; default 10s
	Admin   time.Duration // one admin query over an open port-forward; default 20s
}

// DefaultTimeouts are the per-call deadlines when Config.Timeouts is zero.
var DefaultTimeouts = Timeouts{Request: 30 * time.Second, Dial: 10 * time.Second, Admin: 20 * time.Second}

// Result summarises a run.
type Result struct {
	Collectors []bundle.CollectorStatus
	// Problems are the collectors that did not collect everything, one
	// per collector, with the reason and what to do about it.
	Problems []Problem
	// Serving are the namespaces collected because they serve the ones
	// asked for (see bundle.Manifest.Serving).
	Serving    []bundle.ServingNamespace
	Objects    int
	Logs       int
	ProxyFiles int
	// OutOfTime is set when Config.Timeout ran out before the run ended.
	OutOfTime bool
}

// Problem is one collector that failed, was forbidden or gave up part of
// its work.
type Problem struct {
	Collector  string
	Namespaces []string // where, for a collector run per namespace
	Status     string
	Reason     string
	Advice     string // what to do; may be empty
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

// errOutOfTime is the cause of the run's context when Config.Timeout runs
// out: unlike an interrupt, what was collected so far is published.
var errOutOfTime = errors.New("gather's --timeout ran out")

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
		if errors.Is(context.Cause(ctx), errOutOfTime) {
			err = errOutOfTime
		}
		return ClusterInfo{}, fmt.Errorf("cannot reach the API server at %s: %w", cfg.Host, err)
	}
	info.Host = cfg.Host
	return info, nil
}

type run struct {
	cfg      Config
	sink     Sink
	red      *Redactor
	rest     *rest.Config
	dyn      dynamic.Interface
	cs       kubernetes.Interface
	prog     *Progress
	sem      chan struct{} // API requests in flight
	adminSem chan struct{} // port-forwards in flight
	ctx      context.Context
	cancel   context.CancelCauseFunc

	targets, skipped []Target
	// namespaces is what is collected: cfg.Namespaces and the serving
	// namespaces; empty = all.
	namespaces  []string
	serving     []bundle.ServingNamespace
	servingNS   map[string]bool
	servingPods map[string]bool // "ns/name"
	// servingProblems are what the serving resolution could not read;
	// servingDenied is set when RBAC was the reason.
	servingProblems []string
	servingDenied   bool
	exclude         map[string]bool

	mu     sync.Mutex
	res    Result
	pods   []podInfo
	podsOK bool
}

// Run gathers into sink. It returns ErrAPIServerLost (wrapped) when the
// API server stopped answering mid-run, ErrNothingCollected when no
// collector succeeded, and ctx's error when cancelled: in each of these
// cases the caller must not publish the bundle. When cfg.Timeout runs out
// (ctx carries it when called by Gather) the run ends early without error.
func Run(ctx context.Context, cfg Config, sink Sink) (Result, error) {
	r, err := prepare(ctx, cfg)
	if err != nil {
		return Result{}, err
	}
	defer r.cancel(nil)
	return r.collect(sink)
}

// prepare makes the clients, resolves what to list and, for a run limited
// to some namespaces, which other namespaces serve them.
func prepare(ctx context.Context, cfg Config) (*run, error) {
	if cfg.REST == nil {
		return nil, errors.New("collect: no REST config")
	}
	cfg = cfg.withDefaults()
	rc := rest.CopyConfig(cfg.REST)
	// Deprecation warnings (v1 Endpoints) are expected; keep stderr for progress.
	rc.WarningHandler = rest.NoWarnings{}
	if rc.QPS == 0 {
		rc.QPS = 100
		rc.Burst = 200
	}
	r := &run{
		cfg: cfg, red: cfg.Redactor, prog: cfg.Progress, rest: rc,
		sem:      make(chan struct{}, cfg.Concurrency),
		adminSem: make(chan struct{}, max(1, cfg.Concurrency/2)),
		exclude:  map[string]bool{}, servingNS: map[string]bool{}, servingPods: map[string]bool{},
	}
	for _, ns := range cfg.ExcludeNamespaces {
		r.exclude[ns] = true
	}
	var err error
	if r.dyn, err = dynamic.NewForConfig(rc); err != nil {
		return nil, err
	}
	if r.cs, err = kubernetes.NewForConfig(rc); err != nil {
		return nil, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(rc)
	if err != nil {
		return nil, err
	}
	r.ctx, r.cancel = context.WithCancelCause(ctx)
	err = cfg.Retry.Do(r.ctx, func(context.Context) error {
		var e error
		r.targets, r.skipped, e = Resolve(dc, cfg.Wanted)
		return e
	})
	if err != nil {
		r.cancel(nil)
		if ConnectionError(err) {
			return nil, fmt.Errorf("%w: %v", ErrAPIServerLost, err)
		}
		return nil, err
	}
	r.namespaces = slices.DeleteFunc(slices.Clone(cfg.Namespaces), func(ns string) bool { return r.exclude[ns] })
	if len(cfg.Namespaces) > 0 && !cfg.NoServing {
		r.resolveServing()
	}
	return r, nil
}

// withDefaults fills the zero fields of c.
func (cfg Config) withDefaults() Config {
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
	if cfg.Timeouts.Request <= 0 {
		cfg.Timeouts.Request = DefaultTimeouts.Request
	}
	if cfg.Timeouts.Dial <= 0 {
		cfg.Timeouts.Dial = DefaultTimeouts.Dial
	}
	if cfg.Timeouts.Admin <= 0 {
		cfg.Timeouts.Admin = DefaultTimeouts.Admin
	}
	if cfg.Retry.Timeout <= 0 {
		cfg.Retry.Timeout = cfg.Timeouts.Request
	}
	return cfg
}

// collect runs every collector into sink.
func (r *run) collect(sink Sink) (Result, error) {
	r.sink = sink
	r.res.Serving = r.serving
	if st, advice, ok := r.servingStatus(); ok {
		r.record(st, advice)
	}
	for _, t := range r.skipped {
		r.record(bundle.CollectorStatus{Name: t.Name(), Status: bundle.StatusSkipped, Message: "not served by this API server"}, "")
	}
	r.prog.Phase("resources", len(r.targets))
	var wg sync.WaitGroup
	for _, t := range r.targets {
		wg.Go(func() {
			defer r.prog.Step()
			// A bug in one collector must not take the run down (nor leave
			// the caller unable to abort the bundle): record it and go on.
			defer func() {
				if p := recover(); p != nil {
					r.record(bundle.CollectorStatus{Name: t.Name(), Kind: t.Kind, Status: bundle.StatusFailed, Message: fmt.Sprintf("internal error: %v", p)}, "")
				}
			}()
			r.collectResource(t)
		})
	}
	wg.Wait()
	if err := r.stopped(); err != nil {
		return r.res, err
	}

	// Logs and admin ports are asked of different parties (kubelets
	// through the API server, the pods' proxies): in parallel.
	logs, proxies := r.logPlan(), r.proxyPlan()
	r.prog.Phase("logs and proxy admin", logs.steps()+proxies.steps())
	wg.Go(func() { r.collectLogs(logs) })
	wg.Go(func() { r.collectProxies(proxies) })
	wg.Wait()
	if err := r.stopped(); err != nil {
		return r.res, err
	}
	r.prog.Finish()
	r.res.OutOfTime = r.outOfTime()
	if r.res.OK() == 0 {
		msg := summarizeFailures(r.res.Collectors)
		if len(r.cfg.Namespaces) == 0 && strings.Contains(msg, "forbidden") {
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

// stopped returns the reason the run must stop, if any. Running out of
// --timeout is not one: the run ends with what it has.
func (r *run) stopped() error {
	if r.ctx.Err() == nil {
		return nil
	}
	cause := context.Cause(r.ctx)
	switch {
	case errors.Is(cause, ErrAPIServerLost):
		return cause
	case errors.Is(cause, errOutOfTime):
		return nil
	}
	return fmt.Errorf("interrupted: %w", cause)
}

// outOfTime reports whether Config.Timeout ran out.
func (r *run) outOfTime() bool {
	return r.ctx.Err() != nil && errors.Is(context.Cause(r.ctx), errOutOfTime)
}

// why is the message for a collector's error: once the run is out of
// time, that is the reason whatever the request said.
func (r *run) why(err error) string {
	if r.outOfTime() {
		return r.outOfTimeMessage()
	}
	return err.Error()
}

func (r *run) outOfTimeMessage() string {
	return fmt.Sprintf("not collected: gather's --timeout (%s) ran out", r.cfg.Timeout)
}

// fail checks an error that survived retries: losing the API server itself
// stops the whole run, since every later request would fail too.
func (r *run) fail(err error) {
	if ConnectionError(err) && r.ctx.Err() == nil {
		r.cancel(fmt.Errorf("%w: %v", ErrAPIServerLost, err))
	}
}

// record adds a collector's outcome to the bundle and the result; a status
// other than ok (or an ok that gave part of its work up, told by advice)
// becomes a Problem.
func (r *run) record(s bundle.CollectorStatus, advice string) {
	r.mu.Lock()
	r.res.Collectors = append(r.res.Collectors, s)
	if s.Status == bundle.StatusForbidden || s.Status == bundle.StatusFailed || (s.Status == bundle.StatusOK && advice != "") {
		r.addProblemLocked(s, advice)
	}
	r.mu.Unlock()
	r.sink.AddCollector(s)
}

// note adds a collector status to the bundle and the result without
// telling it as a Problem: a detail of a collector told once already.
func (r *run) note(s bundle.CollectorStatus) {
	r.mu.Lock()
	r.res.Collectors = append(r.res.Collectors, s)
	r.mu.Unlock()
	r.sink.AddCollector(s)
}

// addProblemLocked merges the per-namespace statuses of one collector into
// one Problem, so each collector is told about once.
func (r *run) addProblemLocked(s bundle.CollectorStatus, advice string) {
	if advice == "" {
		advice = adviceFor(s)
	}
	for i := range r.res.Problems {
		p := &r.res.Problems[i]
		if p.Collector == s.Name && p.Status == s.Status {
			if s.Namespace != "" && !slices.Contains(p.Namespaces, s.Namespace) {
				p.Namespaces = append(p.Namespaces, s.Namespace)
			}
			return
		}
	}
	p := Problem{Collector: s.Name, Status: s.Status, Reason: s.Message, Advice: advice}
	if s.Namespace != "" {
		p.Namespaces = []string{s.Namespace}
	}
	r.res.Problems = append(r.res.Problems, p)
}

// adviceFor says what to do about a resource collector that did not
// collect.
func adviceFor(s bundle.CollectorStatus) string {
	switch {
	case strings.HasPrefix(s.Message, "not collected: gather's --timeout"):
		return "raise --timeout, or narrow the run with -n NAMESPACE"
	case s.Status == bundle.StatusForbidden:
		return fmt.Sprintf("grant get and list on %s (deploy/rbac.yaml holds the ClusterRole gather needs)", s.Name)
	}
	return ""
}

// acquire takes a concurrency slot; false if the run is over.
func (r *run) acquire() bool { return take(r.ctx, r.sem) }

func (r *run) release() { <-r.sem }

func take(ctx context.Context, sem chan struct{}) bool {
	if ctx.Err() != nil {
		return false
	}
	select {
	case sem <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (r *run) wantNamespace(ns string) bool {
	if r.exclude[ns] {
		return false
	}
	return len(r.namespaces) == 0 || ns == "" || slices.Contains(r.namespaces, ns)
}

// keepPod applies Config.PodSelector: the pods serving the namespaces
// asked for (gateways, control plane, DNS) are kept whatever it says.
func (r *run) keepPod(ns, name string, lbls map[string]string) bool {
	if r.cfg.PodSelector == nil || r.cfg.PodSelector.Empty() {
		return true
	}
	if r.servingPods[ns+"/"+name] || isInfraPod(podInfo{Labels: lbls}) {
		return true
	}
	return r.cfg.PodSelector.Matches(labels.Set(lbls))
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
	if t.Namespaced && len(r.namespaces) > 0 {
		var errs []error
		for _, ns := range r.namespaces {
			if e := r.list(t, ns, keep); e != nil {
				errs = append(errs, fmt.Errorf("namespace %s: %w", ns, e))
				if apierrors.IsForbidden(e) {
					r.record(bundle.CollectorStatus{Name: t.Name(), Kind: t.Kind, Namespace: ns, Status: bundle.StatusForbidden, Message: e.Error()}, "")
				}
			}
		}
		if len(errs) == len(r.namespaces) {
			err = errs[0]
		} else if len(errs) > 0 {
			// Partial: namespaces that failed are recorded on their own.
			for _, e := range errs {
				if !apierrors.IsForbidden(errors.Unwrap(e)) {
					r.record(bundle.CollectorStatus{Name: t.Name(), Kind: t.Kind, Status: bundle.StatusFailed, Message: r.why(e)}, "")
				}
			}
		}
	} else {
		err = r.list(t, "", keep)
	}
	if err != nil {
		r.fail(err)
		st := statusOf(err)
		if r.outOfTime() {
			st = bundle.StatusFailed
		}
		r.record(bundle.CollectorStatus{Name: t.Name(), Kind: t.Kind, Status: st, Message: r.why(err)}, "")
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
			r.record(bundle.CollectorStatus{Name: t.Name(), Kind: t.Kind, Status: bundle.StatusFailed, Message: "write: " + e.Error()}, "")
			return
		}
	}
	r.mu.Lock()
	r.res.Objects += count
	r.mu.Unlock()
	r.record(bundle.CollectorStatus{Name: t.Name(), Kind: t.Kind, Status: bundle.StatusOK, Count: count}, "")
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
				if isPods && !r.keepPod(u.GetNamespace(), u.GetName(), u.GetLabels()) {
					continue
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
