package collect

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/nohealthy/nohealthy/bundle"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
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

func (r *run) collectProxies() {
	r.mu.Lock()
	pods, podsOK := r.pods, r.podsOK
	r.mu.Unlock()
	if !podsOK {
		for _, n := range []string{"proxy-admin", "istiod-debug"} {
			r.record(bundle.CollectorStatus{Name: n, Status: bundle.StatusSkipped, Message: "pods could not be listed"})
		}
		return
	}
	proxies, istiods, dropped := proxyTargets(pods, r.cfg.MaxProxies)
	r.prog.Phase("proxy admin", len(proxies)+len(istiods))
	for _, group := range []struct {
		name    string
		targets []proxyTarget
		dropped int
	}{{"proxy-admin", proxies, dropped}, {"istiod-debug", istiods, 0}} {
		if len(group.targets) == 0 {
			r.record(bundle.CollectorStatus{Name: group.name, Status: bundle.StatusSkipped, Message: "no running pod to ask"})
			continue
		}
		var (
			wg                         sync.WaitGroup
			mu                         sync.Mutex
			files, okPods, forb, fails int
			first                      string
		)
		for _, t := range group.targets {
			if !r.acquire() {
				break
			}
			wg.Go(func() {
				defer r.release()
				// A fresh port-forward is flaky (kubelet not yet ready to
				// forward, stream reset): retry the whole fetch while it
				// brought nothing back.
				var n int
				err := r.cfg.Retry.Do(r.ctx, func(context.Context) error {
					var e error
					n, e = r.fetchAdmin(t)
					if n > 0 {
						return nil
					}
					return e
				})
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
				if err != nil && first == "" {
					first = fmt.Sprintf("%s/%s: %v", t.pod.Namespace, t.pod.Name, err)
				}
				r.prog.Add(1)
			})
		}
		wg.Wait()
		st := bundle.CollectorStatus{Name: group.name, Status: bundle.StatusOK, Count: files}
		switch {
		case okPods == 0 && forb > 0:
			st.Status = bundle.StatusForbidden
		case okPods == 0 && files == 0:
			st.Status = bundle.StatusFailed
		}
		var msg []string
		if forb+fails > 0 {
			msg = append(msg, fmt.Sprintf("%d of %d pods unreachable or forbidden (first: %s)", forb+fails, len(group.targets), first))
		}
		if group.dropped > 0 {
			msg = append(msg, fmt.Sprintf("%d more proxies not queried (--max-proxies)", group.dropped))
		}
		st.Message = strings.Join(msg, "; ")
		r.mu.Lock()
		r.res.ProxyFiles += files
		r.mu.Unlock()
		r.record(st)
	}
}

// fetchAdmin port-forwards to the admin port of one pod and stores each
// query's answer. It returns the number of files stored.
func (r *run) fetchAdmin(t proxyTarget) (int, error) {
	timeout := r.cfg.Retry.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(r.ctx, timeout)
	defer cancel()
	local, stop, err := r.portForward(ctx, t.pod.Namespace, t.pod.Name, t.port)
	if err != nil {
		return 0, err
	}
	defer stop()
	client := &http.Client{Timeout: timeout}
	n := 0
	var firstErr error
	for _, q := range t.queries {
		body, err := get(ctx, client, fmt.Sprintf("http://127.0.0.1:%d%s", local, q.Path))
		if err != nil {
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

func get(ctx context.Context, c *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAdminBytes))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return body, nil
}

// portForward opens a forward from an ephemeral port on 127.0.0.1 to port
// inside the pod, trying WebSockets first and SPDY after, as kubectl does.
func (r *run) portForward(ctx context.Context, ns, pod string, port int) (int, func(), error) {
	cfg := rest.CopyConfig(r.cfg.REST)
	u := r.cs.CoreV1().RESTClient().Post().Resource("pods").Namespace(ns).Name(pod).SubResource("portforward").URL()
	transport, upgrader, err := spdy.RoundTripperFor(cfg)
	if err != nil {
		return 0, nil, err
	}
	var dialer httpstream.Dialer = spdy.NewDialer(upgrader, &http.Client{Transport: transport}, http.MethodPost, u)
	if ws, err := portforward.NewSPDYOverWebsocketDialer(u, cfg); err == nil {
		dialer = portforward.NewFallbackDialer(ws, dialer, func(err error) bool {
			return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
		})
	}
	stopCh := make(chan struct{})
	ready := make(chan struct{})
	errOut := &lockedBuffer{}
	fw, err := portforward.NewOnAddresses(dialer, []string{"127.0.0.1"}, []string{fmt.Sprintf("0:%d", port)}, stopCh, ready, io.Discard, errOut)
	if err != nil {
		return 0, nil, err
	}
	done := make(chan error, 1)
	go func() { done <- fw.ForwardPorts() }()
	var once sync.Once
	stop := func() { once.Do(func() { close(stopCh) }) }
	select {
	case <-ready:
	case err := <-done:
		stop()
		if err == nil {
			err = fmt.Errorf("port-forward ended: %s", errOut.String())
		}
		return 0, nil, err
	case <-ctx.Done():
		stop()
		return 0, nil, context.Cause(ctx)
	}
	ports, err := fw.GetPorts()
	if err != nil || len(ports) == 0 {
		stop()
		return 0, nil, fmt.Errorf("port-forward: no local port: %v", err)
	}
	return int(ports[0].Local), stop, nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() < 4096 {
		l.b.Write(p)
	}
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
