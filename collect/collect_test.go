package collect

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	fakediscovery "k8s.io/client-go/discovery/fake"
	clienttesting "k8s.io/client-go/testing"
)

func TestResolvePicksServedVersions(t *testing.T) {
	dc := &fakediscovery.FakeDiscovery{Fake: &clienttesting.Fake{}}
	list := []string{"get", "list"}
	dc.Resources = []*metav1.APIResourceList{
		{GroupVersion: "v1", APIResources: []metav1.APIResource{
			{Name: "pods", Kind: "Pod", Namespaced: true, Verbs: list},
			{Name: "pods/log", Kind: "Pod", Namespaced: true, Verbs: []string{"get"}},
			{Name: "nodes", Kind: "Node", Verbs: list},
		}},
		// Istio: v1 serves most kinds, some only at v1alpha3 / v1beta1.
		{GroupVersion: "networking.istio.io/v1", APIResources: []metav1.APIResource{
			{Name: "virtualservices", Kind: "VirtualService", Namespaced: true, Verbs: list},
			{Name: "destinationrules", Kind: "DestinationRule", Namespaced: true, Verbs: list},
		}},
		{GroupVersion: "networking.istio.io/v1beta1", APIResources: []metav1.APIResource{
			{Name: "virtualservices", Kind: "VirtualService", Namespaced: true, Verbs: list},
			{Name: "proxyconfigs", Kind: "ProxyConfig", Namespaced: true, Verbs: list},
		}},
		{GroupVersion: "networking.istio.io/v1alpha3", APIResources: []metav1.APIResource{
			{Name: "envoyfilters", Kind: "EnvoyFilter", Namespaced: true, Verbs: list},
			{Name: "virtualservices", Kind: "VirtualService", Namespaced: true, Verbs: list},
		}},
	}
	targets, skipped, err := Resolve(dc, DefaultWanted)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]schema.GroupVersionResource{}
	for _, tg := range targets {
		got[tg.Name()] = tg.GVR
	}
	for name, version := range map[string]string{
		"pods": "v1", "nodes": "v1",
		"virtualservices.networking.istio.io":  "v1",
		"destinationrules.networking.istio.io": "v1",
		"proxyconfigs.networking.istio.io":     "v1beta1",
		"envoyfilters.networking.istio.io":     "v1alpha3",
	} {
		if g, ok := got[name]; !ok || g.Version != version {
			t.Errorf("%s: got %v, want version %s", name, g, version)
		}
	}
	if _, ok := got["pods/log"]; ok {
		t.Errorf("subresource listed")
	}
	// Required core kinds the fake server lacks are reported as skipped.
	names := map[string]bool{}
	for _, s := range skipped {
		names[s.Name()] = true
	}
	if !names["services"] || !names["endpointslices.discovery.k8s.io"] {
		t.Errorf("missing required resources not reported: %v", names)
	}
	if names["virtualservices.networking.istio.io"] {
		t.Errorf("optional group reported as skipped")
	}
}

func TestRetryable(t *testing.T) {
	gr := schema.GroupResource{Resource: "pods"}
	for _, c := range []struct {
		err   error
		retry bool
		conn  bool
	}{
		{apierrors.NewTooManyRequests("slow down", 1), true, false},
		{apierrors.NewInternalError(errors.New("x")), true, false},
		{apierrors.NewServiceUnavailable("x"), true, false},
		{apierrors.NewTimeoutError("x", 1), true, false},
		{apierrors.NewForbidden(gr, "", errors.New("no")), false, false},
		{apierrors.NewNotFound(gr, "x"), false, false},
		{&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true, true},
		{fmt.Errorf("wrapped: %w", syscall.ECONNRESET), true, true},
		{&url.Error{Op: "Get", URL: "https://api/log", Err: context.DeadlineExceeded}, true, false},
		{&net.OpError{Op: "read", Err: timeoutErr{}}, true, false},
	} {
		if got := Retryable(c.err); got != c.retry {
			t.Errorf("Retryable(%v) = %v", c.err, got)
		}
		if got := ConnectionError(c.err); got != c.conn {
			t.Errorf("ConnectionError(%v) = %v", c.err, got)
		}
	}
	if statusOf(apierrors.NewForbidden(gr, "", errors.New("no"))) != "forbidden" {
		t.Errorf("forbidden not told apart")
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string { return "i/o timeout" }
func (timeoutErr) Timeout() bool { return true }

func TestRetryPolicyBounded(t *testing.T) {
	p := RetryPolicy{Attempts: 3, Base: time.Millisecond, Max: 2 * time.Millisecond, Timeout: time.Second}
	n := 0
	err := p.Do(context.Background(), func(context.Context) error { n++; return apierrors.NewServiceUnavailable("x") })
	if err == nil || n != 3 {
		t.Fatalf("attempts %d, err %v", n, err)
	}
	n = 0
	p.Do(context.Background(), func(context.Context) error {
		n++
		return apierrors.NewForbidden(schema.GroupResource{}, "", errors.New("no"))
	})
	if n != 1 {
		t.Fatalf("forbidden retried %d times", n)
	}
}

func TestLogAndProxyTargets(t *testing.T) {
	pods := []podInfo{
		{Namespace: "a", Name: "healthy", Ready: true, Running: true, Phase: "Running", Labels: map[string]string{"app": "web"},
			Containers: []containerInfo{{Name: "web", Started: true, Ready: true}}},
		{Namespace: "a", Name: "meshed", Ready: true, Running: true, Phase: "Running", Labels: map[string]string{"app": "web"},
			Containers: []containerInfo{{Name: "web", Started: true, Ready: true}, {Name: "istio-proxy", Started: true, Ready: true}}},
		{Namespace: "a", Name: "crashy", Ready: true, Running: true, Phase: "Running",
			Containers: []containerInfo{{Name: "app", Started: true, Previous: true, Restarts: 3}}},
		{Namespace: "a", Name: "pending", Phase: "Pending", Containers: []containerInfo{{Name: "app"}}},
		{Namespace: "istio-system", Name: "gw", Ready: true, Running: true, Phase: "Running", Labels: map[string]string{"istio": "ingressgateway"},
			Containers: []containerInfo{{Name: "istio-proxy", Started: true, Ready: true}}},
		{Namespace: "istio-system", Name: "istiod", Ready: true, Running: true, Phase: "Running", Labels: map[string]string{"app": "istiod"},
			Containers: []containerInfo{{Name: "discovery", Started: true, Ready: true}}},
	}
	var got []string
	for _, lt := range logTargets(pods) {
		got = append(got, fmt.Sprintf("%s/%s/%s/%v", lt.pod.Namespace, lt.pod.Name, lt.container, lt.previous))
	}
	want := []string{"a/crashy/app/false", "a/crashy/app/true", "a/meshed/istio-proxy/false", "istio-system/gw/istio-proxy/false", "istio-system/istiod/discovery/false"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("log targets\n got %v\nwant %v", got, want)
	}
	proxies, istiods, dropped := proxyTargets(pods, 1)
	if len(proxies) != 1 || proxies[0].pod.Name != "gw" || dropped != 1 || len(istiods) != 1 {
		t.Errorf("proxy targets: %v %v dropped %d", proxies, istiods, dropped)
	}
}

// TestGatewayAPIProxyTargets: Envoy Gateway's and kgateway's proxies are
// asked on their admin port 19000 and their logs are gathered; a
// container merely named envoy elsewhere is not a proxy gather knows.
func TestGatewayAPIProxyTargets(t *testing.T) {
	eg := podInfo{Namespace: "envoy-gateway-system", Name: "envoy-infra-public-1a2b3c4d-5d9f7-abcde", Ready: true, Running: true, Phase: "Running",
		Labels:     map[string]string{"gateway.envoyproxy.io/owning-gateway-name": "public", "gateway.envoyproxy.io/owning-gateway-namespace": "infra"},
		Containers: []containerInfo{{Name: "envoy", Started: true, Ready: true}, {Name: "shutdown-manager", Started: true, Ready: true}}}
	kg := podInfo{Namespace: "web", Name: "public-7d9c-xyz12", Ready: true, Running: true, Phase: "Running",
		Labels:     map[string]string{"gateway.networking.k8s.io/gateway-name": "public"},
		Containers: []containerInfo{{Name: "kgateway-proxy", Started: true, Ready: true}}}
	other := podInfo{Namespace: "a", Name: "sidecar-envoy", Ready: true, Running: true, Phase: "Running",
		Containers: []containerInfo{{Name: "envoy", Started: true, Ready: true}}}
	proxies, _, _ := proxyTargets([]podInfo{eg, kg, other}, 10)
	var got []string
	for _, p := range proxies {
		got = append(got, fmt.Sprintf("%s:%d", p.pod.Name, p.port))
	}
	if want := []string{eg.Name + ":19000", kg.Name + ":19000"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("proxy targets %v, want %v", got, want)
	}
	logs := map[string]bool{}
	for _, lt := range logTargets([]podInfo{eg, kg, other}) {
		logs[lt.pod.Name+"/"+lt.container] = true
	}
	if !logs[eg.Name+"/envoy"] || !logs[kg.Name+"/kgateway-proxy"] || logs["sidecar-envoy/envoy"] {
		t.Errorf("log targets %v", logs)
	}
}
