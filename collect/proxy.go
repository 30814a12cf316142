package collect

import (
	"context"
	"fmt"
	"sync"

	"github.com/nohealthy/nohealthy/bundle"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// adminQuery is one piece of admin output fetched from a proxy or istiod.
type adminQuery struct {
	File string // stored as proxy/<ns>/<pod>/<File>
	Path string // HTTP path and query on the admin port
	JSON bool   // redact as JSON
}

// Envoy admin (port 15000 on sidecars, gateways and ztunnel; bound to
// localhost inside the pod, hence port-forward rather than the pod proxy).
var envoyQueries = []adminQuery{
	{File: "clusters.json", Path: "/clusters?format=json", JSON: true},
	{File: "config_dump.json", Path: "/config_dump?include_eds", JSON: true},
	{File: "server_info.json", Path: "/server_info", JSON: true},
}

// ztunnel's admin serves a config dump of its own.
var ztunnelQueries = []adminQuery{
	{File: "config_dump.json", Path: "/config_dump", JSON: true},
}

// istiod's debug views (port 15014).
var istiodQueries = []adminQuery{
	{File: "debug_syncz.json", Path: "/debug/syncz", JSON: true},
	{File: "debug_endpointShardz.json", Path: "/debug/endpointShardz", JSON: true},
	{File: "debug_registryz.json", Path: "/debug/registryz", JSON: true},
}

// envoyAdminPorts are the Envoy admin ports of the proxy containers
// gather asks, by container name: Istio's sidecars and gateways, and the
// proxies of Gateway API implementations that keep Envoy's admin on
// 127.0.0.1:19000 (envoyproxy/gateway internal/xds/bootstrap/bootstrap.go
// EnvoyAdminPort; kgateway pkg/utils/envoyutils/admincli). A container
// named envoy counts only in an Envoy Gateway proxy pod.
var envoyAdminPorts = map[string]int{"istio-proxy": envoyAdminPort, "envoy": 19000, "kgateway-proxy": 19000}

// envoyAdminOf returns the admin port of p's Envoy, 0 when p runs none
// gather knows how to ask.
func envoyAdminOf(p podInfo) int {
	for _, c := range p.Containers {
		port, ok := envoyAdminPorts[c.Name]
		if !ok || !c.Started {
			continue
		}
		if c.Name == "envoy" && p.Labels["gateway.envoyproxy.io/owning-gateway-name"] == "" {
			continue
		}
		return port
	}
	return 0
}

const (
	envoyAdminPort  = 15000
	istiodDebugPort = 15014
	maxAdminBytes   = 64 << 20
)

type proxyTarget struct {
	pod     podInfo
	port    int
	queries []adminQuery
	istiod  bool
}

func proxyTargets(pods []podInfo, maxProxies int) (proxies, istiods []proxyTarget, dropped int) {
	var gw, side []proxyTarget
	for _, p := range pods {
		if !p.Running {
			continue
		}
		switch {
		case p.Labels["app"] == "istiod" || p.Labels["app.kubernetes.io/name"] == "istiod":
			istiods = append(istiods, proxyTarget{pod: p, port: istiodDebugPort, queries: istiodQueries, istiod: true})
		case p.Labels["app"] == "ztunnel" || p.Labels["app.kubernetes.io/name"] == "ztunnel":
			gw = append(gw, proxyTarget{pod: p, port: envoyAdminPort, queries: ztunnelQueries})
		default:
			port := envoyAdminOf(p)
			if port == 0 {
				continue
			}
			if isInfraPod(p) {
				gw = append(gw, proxyTarget{pod: p, port: port, queries: envoyQueries})
			} else {
				side = append(side, proxyTarget{pod: p, port: port, queries: envoyQueries})
			}
		}
	}
	// Gateways first: they are where a 503 is usually seen.
	proxies = append(gw, side...)
	if len(proxies) > maxProxies {
		dropped = len(proxies) - maxProxies
		proxies = proxies[:maxProxies]
	}
	return proxies, istiods, dropped
}

// proxyPlan is the two admin collectors' work: proxy-admin (Envoy and
// ztunnel admin ports) and istiod-debug.
type proxyPlan struct {
	proxies, istiods plan[proxyTarget]
	dropped          int
}

func (p proxyPlan) steps() int { return p.proxies.steps() + p.istiods.steps() }

func (r *run) proxyPlan() proxyPlan {
	both := func(status, msg string) proxyPlan {
		one := func(name string) plan[proxyTarget] {
			return plan[proxyTarget]{instead: []bundle.CollectorStatus{{Name: name, Status: status, Message: msg}}}
		}
		return proxyPlan{proxies: one("proxy-admin"), istiods: one("istiod-debug")}
	}
	pods, ok := r.scopedPods()
	switch {
	case r.cfg.NoProxy:
		return both(bundle.StatusSkipped, "--no-proxy-admin")
	case !ok:
		return both(bundle.StatusSkipped, "pods could not be listed")
	case r.outOfTime():
		return both(bundle.StatusFailed, r.outOfTimeMessage())
	}
	proxies, istiods, dropped := proxyTargets(pods, r.cfg.MaxProxies)
	return proxyPlan{proxies: plan[proxyTarget]{targets: proxies}, istiods: plan[proxyTarget]{targets: istiods}, dropped: dropped}
}

// collectProxies fetches admin output from every target, at most
// Concurrency/2 port-forwards at a time, each collector giving up the
// rest of its pods once a few in a row failed alike (see breaker).
func (r *run) collectProxies(p proxyPlan) {
	var wg sync.WaitGroup
	wg.Go(func() { r.collectAdmin("proxy-admin", p.proxies, p.dropped) })
	wg.Go(func() { r.collectAdmin("istiod-debug", p.istiods, 0) })
	wg.Wait()
}

func (r *run) collectAdmin(name string, p plan[proxyTarget], dropped int) {
	for _, s := range p.instead {
		r.record(s, "")
	}
	if p.instead != nil {
		return
	}
	if len(p.targets) == 0 {
		r.record(bundle.CollectorStatus{Name: name, Status: bundle.StatusSkipped, Message: "no running pod to ask"}, "")
		return
	}
	var (
		wg                         sync.WaitGroup
		mu                         sync.Mutex
		files, okPods, forb, fails int
		tried                      int
		firstErr                   error
		br                         = newBreaker(giveUpAfter)
	)
	for _, t := range p.targets {
		if !take(r.ctx, r.adminSem) {
			break
		}
		if _, allowed := br.allow(t.pod); !allowed {
			<-r.adminSem
			r.prog.Step()
			continue
		}
		tried++
		wg.Go(func() {
			defer func() { <-r.adminSem }()
			n, err := r.fetchAdminRetrying(t)
			br.done(t.pod, err)
			mu.Lock()
			defer mu.Unlock()
			files += n
			switch {
			case err == nil:
				okPods++
			case apierrors.IsForbidden(err):
				forb++
			default:
				fails++
			}
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("%s/%s: %w", t.pod.Namespace, t.pod.Name, err)
			}
			r.prog.Step()
		})
	}
	wg.Wait()
	st, advice := podCollectorStatus(name, len(p.targets), tried, okPods, forb, fails, firstErr, br, r)
	st.Count = files
	if dropped > 0 {
		more := fmt.Sprintf("%d more proxies not queried (--max-proxies)", dropped)
		if st.Message == "" {
			st.Message = more
		} else {
			st.Message += "; " + more
		}
	}
	r.mu.Lock()
	r.res.ProxyFiles += files
	r.mu.Unlock()
	r.record(st, advice)
}

// fetchAdminRetrying tries a pod's admin port again once when the first
// attempt failed for no reason that would hold for the second (a stream
// reset on a fresh port-forward); a refused port, an unreachable kubelet,
// RBAC or a deadline are not retried.
func (r *run) fetchAdminRetrying(t proxyTarget) (int, error) {
	var n int
	err := RetryPolicy{Attempts: min(2, max(1, r.cfg.Retry.Attempts)), Base: r.cfg.Retry.Base, Max: r.cfg.Retry.Max}.DoIf(r.ctx, retryPodCall, func(context.Context) error {
		var e error
		n, e = r.fetchAdmin(t)
		if n > 0 {
			return nil
		}
		return e
	})
	return n, err
}

// fetchAdmin port-forwards to the admin port of one pod and stores each
// query's answer. It returns the number of files stored. When the first
// query fails the port is not answering and the others are not tried.
func (r *run) fetchAdmin(t proxyTarget) (int, error) {
	dctx, cancel := context.WithTimeout(r.ctx, r.cfg.Timeouts.Dial)
	u := r.cs.CoreV1().RESTClient().Post().Resource("pods").Namespace(t.pod.Namespace).Name(t.pod.Name).SubResource("portforward").URL()
	fw, err := openForward(dctx, r.rest, u, t.port)
	cancel()
	if err != nil {
		return 0, err
	}
	defer fw.Close()
	n := 0
	var firstErr error
	for _, q := range t.queries {
		qctx, cancel := context.WithTimeout(r.ctx, r.cfg.Timeouts.Admin)
		body, err := fw.get(qctx, q.Path, maxAdminBytes)
		cancel()
		if err != nil {
			if n == 0 && firstErr == nil {
				return 0, err
			}
			if firstErr == nil {
				firstErr = fmt.Errorf("%s: %w", q.Path, err)
			}
			continue
		}
		if q.JSON {
			body = r.red.JSON(body)
		} else {
			body = r.red.Bytes(body)
		}
		if err := r.sink.WriteFile(bundle.ProxyPath(t.pod.Namespace, t.pod.Name, q.File), body); err != nil {
			return n, err
		}
		n++
	}
	if n == 0 {
		return 0, firstErr
	}
	return n, nil
}
