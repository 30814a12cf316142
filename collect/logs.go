package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/nohealthy/nohealthy/bundle"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// podInfo is what log and proxy selection needs from a pod.
type podInfo struct {
	Namespace, Name string
	Node            string
	Labels          map[string]string
	Phase           string
	Ready           bool
	Running         bool
	Containers      []containerInfo
}

type containerInfo struct {
	Name     string
	Started  bool // has a current or terminated instance with a log
	Previous bool // has a previous instance
	Restarts int32
	Ready    bool
}

func podInfoFrom(u *unstructured.Unstructured) podInfo {
	var p corev1.Pod
	_ = runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &p)
	pi := podInfo{Namespace: p.Namespace, Name: p.Name, Node: p.Spec.NodeName, Labels: p.Labels, Phase: string(p.Status.Phase), Running: p.Status.Phase == corev1.PodRunning}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			pi.Ready = true
		}
	}
	statuses := append(append([]corev1.ContainerStatus{}, p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...)
	byName := map[string]corev1.ContainerStatus{}
	for _, s := range statuses {
		byName[s.Name] = s
	}
	all := append(append([]corev1.Container{}, p.Spec.InitContainers...), p.Spec.Containers...)
	for _, c := range all {
		s, ok := byName[c.Name]
		ci := containerInfo{Name: c.Name}
		if ok {
			ci.Started = s.State.Running != nil || s.State.Terminated != nil || s.LastTerminationState.Terminated != nil
			ci.Previous = s.RestartCount > 0 || s.LastTerminationState.Terminated != nil
			ci.Restarts = s.RestartCount
			ci.Ready = s.Ready
		}
		pi.Containers = append(pi.Containers, ci)
	}
	return pi
}

// Labels and container names that mark the pods whose logs explain a 503.
var (
	gatewayLabels = map[string][]string{
		"istio":                                  {"ingressgateway", "egressgateway"},
		"app":                                    {"istio-ingressgateway", "istio-egressgateway", "ztunnel", "istiod", "ingress-nginx"},
		"k8s-app":                                {"kube-dns", "cilium-envoy"},
		"app.kubernetes.io/name":                 {"ingress-nginx", "istiod", "ztunnel", "nginx-gateway", "kgateway"},
		"gateway.networking.k8s.io/gateway-name": nil, // any value
		"gateway.istio.io/managed":               nil,
		"istio.io/gateway-name":                  nil,
		// Gateway API implementations: Envoy Gateway's proxies and
		// controller; NGINX Gateway Fabric's and kgateway's control
		// planes, Cilium's Envoy (app.kubernetes.io/name, k8s-app above;
		// their per-Gateway proxies carry gateway-name).
		"gateway.envoyproxy.io/owning-gateway-name": nil,
		"control-plane": {"envoy-gateway"},
	}
	proxyContainers = []string{"istio-proxy"}
)

func isInfraPod(p podInfo) bool {
	for k, vals := range gatewayLabels {
		v, ok := p.Labels[k]
		if !ok {
			continue
		}
		if vals == nil {
			return true
		}
		for _, want := range vals {
			if v == want {
				return true
			}
		}
	}
	return false
}

type logTarget struct {
	pod       podInfo
	container string
	previous  bool
}

// logTargets: every container of gateway/ingress/control-plane/DNS pods
// and of not-ready or restarting pods, and every istio-proxy container.
func logTargets(pods []podInfo) []logTarget {
	var out []logTarget
	for _, p := range pods {
		troubled := !p.Ready && p.Phase != string(corev1.PodSucceeded)
		for _, c := range p.Containers {
			if c.Restarts > 0 {
				troubled = true
			}
		}
		infra := isInfraPod(p)
		for _, c := range p.Containers {
			if !(infra || troubled || contains(proxyContainers, c.Name)) {
				continue
			}
			if c.Started {
				out = append(out, logTarget{pod: p, container: c.Name})
			}
			if c.Previous {
				out = append(out, logTarget{pod: p, container: c.Name, previous: true})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.pod.Namespace != b.pod.Namespace {
			return a.pod.Namespace < b.pod.Namespace
		}
		return a.pod.Name < b.pod.Name
	})
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// plan is what a pod collector will do: its targets, or the status it
// records instead of running.
type plan[T any] struct {
	targets []T
	instead []bundle.CollectorStatus
}

func (p plan[T]) steps() int { return len(p.targets) }

// scopedPods are the pods whose logs and admin data may be collected: in
// a serving namespace only the serving pods, elsewhere all.
func (r *run) scopedPods() ([]podInfo, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.podsOK {
		return nil, false
	}
	var out []podInfo
	for _, p := range r.pods {
		if r.servingNS[p.Namespace] && !r.servingPods[p.Namespace+"/"+p.Name] {
			continue
		}
		out = append(out, p)
	}
	return out, true
}

func (r *run) logPlan() plan[logTarget] {
	st := func(status, msg string) plan[logTarget] {
		return plan[logTarget]{instead: []bundle.CollectorStatus{{Name: "logs", Status: status, Message: msg}}}
	}
	pods, ok := r.scopedPods()
	switch {
	case r.cfg.NoLogs:
		return st(bundle.StatusSkipped, "--no-logs")
	case !ok:
		return st(bundle.StatusSkipped, "pods could not be listed, so no log could be chosen")
	case r.outOfTime():
		return st(bundle.StatusFailed, r.outOfTimeMessage())
	}
	return plan[logTarget]{targets: logTargets(pods)}
}

// readError is a log stream that broke while being read: the kubelet's
// side, not a sign that the API server is gone.
type readError struct{ err error }

func (e *readError) Error() string { return "reading the log: " + e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

func (r *run) collectLogs(p plan[logTarget]) {
	for _, s := range p.instead {
		r.record(s, "")
	}
	if p.instead != nil {
		return
	}
	var (
		mu                    sync.Mutex
		ok, forbidden, failed int
		tried                 int
		firstErr              error
		wg                    sync.WaitGroup
		br                    = newBreaker(giveUpAfter)
	)
	for _, t := range p.targets {
		if !r.acquire() {
			break
		}
		if _, allowed := br.allow(t.pod); !allowed {
			r.release()
			r.prog.Step()
			continue
		}
		tried++
		wg.Go(func() {
			defer r.release()
			err := r.fetchLog(t)
			br.done(t.pod, err)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case apierrors.IsForbidden(err):
				forbidden++
			default:
				failed++
				// A broken log stream or a slow kubelet says nothing about
				// the API server; a refused connection to it does.
				if re := (*readError)(nil); !errors.As(err, &re) && classify(err) == failOther {
					r.fail(err)
				}
			}
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("%s/%s %s: %w", t.pod.Namespace, t.pod.Name, t.container, err)
			}
			r.prog.Step()
		})
	}
	wg.Wait()
	r.mu.Lock()
	r.res.Logs += ok
	r.mu.Unlock()
	r.record(podCollectorStatus("logs", len(p.targets), tried, ok, forbidden, failed, firstErr, br, r))
}

// podCollectorStatus sums up a collector that asked something of each of
// total pods (or containers), and says what to do when that fell short.
func podCollectorStatus(name string, total, tried, ok, forbidden, failed int, firstErr error, br *breaker, r *run) (bundle.CollectorStatus, string) {
	st := bundle.CollectorStatus{Name: name, Status: bundle.StatusOK, Count: ok}
	trips, skipped := br.trips()
	notTried := total - tried
	var msg []string
	switch {
	case ok == 0 && forbidden > 0 && failed == 0:
		st.Status = bundle.StatusForbidden
	case ok == 0 && forbidden+failed > 0:
		st.Status = bundle.StatusFailed
	case ok == 0 && total > 0 && r.outOfTime():
		st.Status = bundle.StatusFailed
	}
	switch {
	case len(trips) > 0:
		msg = append(msg, fmt.Sprintf("errors on %d of %d", forbidden+failed, total))
		for _, t := range trips {
			msg = append(msg, t.describe(giveUpAfter))
			// RBAC is per namespace: say so where analyze looks per
			// namespace, without another line on stderr.
			if ns, ok := strings.CutPrefix(t.scope, "namespace "); ok && t.class == failForbidden {
				r.note(bundle.CollectorStatus{Name: name, Namespace: ns, Status: bundle.StatusForbidden, Message: t.describe(giveUpAfter)})
			}
		}
	case forbidden+failed > 0:
		msg = append(msg, fmt.Sprintf("errors on %d of %d (first: %v)", forbidden+failed, total, firstErr))
	}
	if skipped > 0 {
		msg = append(msg, fmt.Sprintf("%d not tried after giving up", skipped))
	}
	if rest := notTried - skipped; rest > 0 && r.outOfTime() {
		msg = append(msg, fmt.Sprintf("%d not tried: gather's --timeout (%s) ran out", rest, r.cfg.Timeout))
	}
	st.Message = strings.Join(msg, "; ")
	if st.Status == bundle.StatusOK && len(trips) == 0 && notTried == 0 {
		return st, "" // a few odd failures are in the message, not worth a line
	}
	class := failOther
	if len(trips) > 0 {
		class = trips[0].class
	} else if firstErr != nil {
		class = classify(firstErr)
	}
	return st, podAdvice(name, class, r)
}

// podAdvice says what to do when a pod collector fell short for reasons
// of class c.
func podAdvice(collector string, c failClass, r *run) string {
	skip := "--no-logs skips logs"
	verb, resource := "get", "pods/log"
	if collector != "logs" {
		skip = "--no-proxy-admin skips admin data"
		verb, resource = "create", "pods/portforward"
	}
	switch {
	case r.outOfTime():
		return "raise --timeout, or narrow the run with -n NAMESPACE; " + skip
	case c == failForbidden:
		return fmt.Sprintf("grant %s on %s (deploy/rbac.yaml holds the ClusterRole gather needs), or %s", verb, resource, skip)
	case c == failKubelet:
		return "the API server cannot reach that node's kubelet: check the node (kubectl get node, kubelet port 10250 from the control plane); " + skip
	case c == failRefused:
		return "nothing answered on the admin port inside the pods (a NetworkPolicy, a proxy not running, or none there); try kubectl port-forward to one of them; " + skip
	case c == failTimeout:
		return "the pods or their kubelets answer too slowly; raise --request-timeout, or " + skip
	case c == failThrottled:
		return "the API server throttles gather: lower --concurrency, or retry later"
	}
	return ""
}

func (r *run) fetchLog(t logTarget) error {
	opts := &corev1.PodLogOptions{Container: t.container, Previous: t.previous}
	switch {
	case !r.cfg.SinceTime.IsZero():
		opts.SinceTime = &metav1.Time{Time: r.cfg.SinceTime}
	case r.cfg.Since > 0:
		s := max(1, int64(r.cfg.Since.Seconds()))
		opts.SinceSeconds = &s
	}
	if r.cfg.Tail > 0 {
		opts.TailLines = &r.cfg.Tail
	}
	if r.cfg.MaxLogBytes > 0 {
		opts.LimitBytes = &r.cfg.MaxLogBytes
	}
	var data []byte
	err := r.cfg.Retry.DoIf(r.ctx, retryPodCall, func(ctx context.Context) error {
		rc, err := r.cs.CoreV1().Pods(t.pod.Namespace).GetLogs(t.pod.Name, opts).Stream(ctx)
		if err != nil {
			return err
		}
		defer rc.Close()
		var buf bytes.Buffer
		lr := io.Reader(rc)
		if r.cfg.MaxLogBytes > 0 {
			lr = io.LimitReader(rc, r.cfg.MaxLogBytes)
		}
		if _, err := io.Copy(&buf, lr); err != nil {
			return &readError{err}
		}
		data = buf.Bytes()
		return nil
	})
	if err != nil {
		return err
	}
	return r.sink.WriteFile(bundle.LogPath(t.pod.Namespace, t.pod.Name, t.container, t.previous), r.red.Bytes(data))
}
