package collect

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/nohealthy/nohealthy/bundle"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// podInfo is what log and proxy selection needs from a pod.
type podInfo struct {
	Namespace, Name string
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
	pi := podInfo{Namespace: p.Namespace, Name: p.Name, Labels: p.Labels, Phase: string(p.Status.Phase), Running: p.Status.Phase == corev1.PodRunning}
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

func (r *run) collectLogs() {
	r.mu.Lock()
	pods, podsOK := r.pods, r.podsOK
	r.mu.Unlock()
	if !podsOK {
		r.record(bundle.CollectorStatus{Name: "logs", Status: bundle.StatusSkipped, Message: "pods could not be listed, so no log could be chosen"})
		return
	}
	targets := logTargets(pods)
	r.prog.Phase("logs", len(targets))
	var (
		mu        sync.Mutex
		ok        int
		forbidden int
		failed    int
		firstErr  error
		wg        sync.WaitGroup
		forbidMsg string
	)
	for _, t := range targets {
		if !r.acquire() {
			break
		}
		wg.Go(func() {
			defer r.release()
			err := r.fetchLog(t)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case apierrors.IsForbidden(err):
				forbidden++
				if forbidMsg == "" {
					forbidMsg = err.Error()
				}
			default:
				failed++
				if firstErr == nil {
					firstErr = fmt.Errorf("%s/%s %s: %w", t.pod.Namespace, t.pod.Name, t.container, err)
				}
				r.fail(err)
			}
			r.prog.Add(1)
		})
	}
	wg.Wait()
	st := bundle.CollectorStatus{Name: "logs", Status: bundle.StatusOK, Count: ok}
	switch {
	case forbidden > 0 && ok == 0:
		st.Status, st.Message = bundle.StatusForbidden, fmt.Sprintf("%d of %d logs forbidden: %s", forbidden, len(targets), forbidMsg)
	case failed > 0 && ok == 0:
		st.Status, st.Message = bundle.StatusFailed, fmt.Sprintf("%d of %d logs failed: %v", failed, len(targets), firstErr)
	case forbidden+failed > 0:
		st.Message = fmt.Sprintf("%d forbidden, %d failed of %d", forbidden, failed, len(targets))
		if firstErr != nil {
			st.Message += fmt.Sprintf(" (first: %v)", firstErr)
		}
	}
	r.mu.Lock()
	r.res.Logs += ok
	r.mu.Unlock()
	r.record(st)
}

func (r *run) fetchLog(t logTarget) error {
	opts := &corev1.PodLogOptions{Container: t.container, Previous: t.previous}
	if r.cfg.Since > 0 {
		s := int64(r.cfg.Since.Seconds())
		opts.SinceSeconds = &s
	}
	if r.cfg.Tail > 0 {
		opts.TailLines = &r.cfg.Tail
	}
	if r.cfg.MaxLogBytes > 0 {
		opts.LimitBytes = &r.cfg.MaxLogBytes
	}
	var data []byte
	err := r.cfg.Retry.Do(r.ctx, func(ctx context.Context) error {
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
			return err
		}
		data = buf.Bytes()
		return nil
	})
	if err != nil {
		return err
	}
	return r.sink.WriteFile(bundle.LogPath(t.pod.Namespace, t.pod.Name, t.container, t.previous), r.red.Bytes(data))
}
