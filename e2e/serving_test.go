//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nohealthy/nohealthy/bundle"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// gatewayAPICRDs are just enough of the Gateway API's CRDs for the
// routes and gateways to be stored and listed.
const gatewayAPICRDs = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gateways.gateway.networking.k8s.io
  annotations: {api-approved.kubernetes.io: "https://github.com/kubernetes-sigs/gateway-api/pull/2466"}
spec:
  group: gateway.networking.k8s.io
  scope: Namespaced
  names: {plural: gateways, singular: gateway, kind: Gateway, listKind: GatewayList}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: httproutes.gateway.networking.k8s.io
  annotations: {api-approved.kubernetes.io: "https://github.com/kubernetes-sigs/gateway-api/pull/2466"}
spec:
  group: gateway.networking.k8s.io
  scope: Namespaced
  names: {plural: httproutes, singular: httproute, kind: HTTPRoute, listKind: HTTPRouteList}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`

func (c *Cluster) pod(t *testing.T, p *corev1.Pod) *corev1.Pod {
	t.Helper()
	got, err := c.Client.CoreV1().Pods(p.Namespace).Create(bg, p, metav1.CreateOptions{})
	must(t, err)
	return c.waitRunning(t, []*corev1.Pod{got})[0]
}

// TestServingScope: gather -n NS takes the gateways that serve NS, living
// elsewhere, with their logs, the control plane and DNS; the manifest says
// why each came along; and the report of that bundle finds the 503's cause
// from the gateway's log.
func TestServingScope(t *testing.T) {
	c := shared
	c.node(t, "worker-1")
	const ns = "store"
	for _, n := range []string{ns, "istio-ingress", "istio-system", "kube-system", "ingress-nginx", "edge", "routes"} {
		c.namespace(t, n)
	}
	// subset-no-pods in store: the VirtualService routes to subset v1, only
	// v2 runs; the gateway that receives the traffic is in istio-ingress.
	w := c.workload(t, workload{ns: ns, name: "reviews-v2", labels: map[string]string{"app": "reviews", "version": "v2"}, replicas: 2, node: "worker-1", sidecar: true})
	pods := c.waitRunning(t, w.pods)
	c.deploymentStatus(t, w.deploy, 2, 2)
	c.service(t, ns, "reviews", map[string]string{"app": "reviews"}, 9080)
	c.endpointSlice(t, ns, "reviews", pods, true)
	c.apply(t, `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: store}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: store}
spec:
  hosts: [store.example.com]
  gateways: [istio-ingress/public]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-ingress}
spec:
  selector: {istio: store-ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
`)
	gw := c.workload(t, workload{ns: "istio-ingress", name: "store-ingressgateway", labels: map[string]string{"istio": "store-ingressgateway", "app": "istio-ingressgateway"}, replicas: 1, node: "worker-1", sidecar: true})
	gwPod := c.waitRunning(t, gw.pods)[0]
	c.deploymentStatus(t, gw.deploy, 1, 1)
	var lines []string
	for range 6 {
		lines = append(lines, envoyLine(503, "UH", "no_healthy_upstream", "outbound|9080|v1|reviews.store.svc.cluster.local", "store.example.com"))
	}
	c.logs(t, gwPod, "istio-proxy", lines...)
	istiod := c.pod(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "istiod-6d7f9c8b5-k2x9p", Namespace: "istio-system", Labels: map[string]string{"app": "istiod", "istio": "pilot"}},
		Spec: corev1.PodSpec{NodeName: "worker-1", Containers: []corev1.Container{{Name: "discovery", Image: "docker.io/istio/pilot:1.28.0"}}}})
	c.logs(t, istiod, "discovery", `2026-01-02T03:04:05.000000Z	info	ads	Push debounce stable`)
	coredns := c.pod(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "coredns-5d78c9869d-x2x8w", Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-dns"}},
		Spec: corev1.PodSpec{NodeName: "worker-1", Containers: []corev1.Container{{Name: "coredns", Image: "registry.k8s.io/coredns/coredns:v1.11.3"}}}})
	c.logs(t, coredns, "coredns", `[INFO] plugin/reload: Running configuration SHA512 = 1b2c`)
	// Not serving store: a pod of kube-system that is not DNS.
	c.pod(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "kube-proxy-abcde", Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-proxy"}},
		Spec: corev1.PodSpec{NodeName: "worker-1", Containers: []corev1.Container{{Name: "kube-proxy", Image: "registry.k8s.io/kube-proxy:v1.34.4"}}}})

	out := filepath.Join(t.TempDir(), "store.tar.zst")
	r := c.gather(t, "-n", ns, "-o", out, "--analyze")
	if r.code != 0 {
		t.Fatalf("gather exit %d\n%s", r.code, r.stderr)
	}
	files := unpack(t, out)
	var m bundle.Manifest
	if err := json.Unmarshal(files[bundle.ManifestPath], &m); err != nil {
		t.Fatal(err)
	}
	serving := map[string]bundle.ServingNamespace{}
	for _, s := range m.Serving {
		serving[s.Namespace] = s
	}
	t.Logf("servingNamespaces: %+v", m.Serving)
	if gwNS := serving["istio-ingress"]; !slices.Contains(gwNS.Pods, gwPod.Name) ||
		!slices.Contains(gwNS.Reasons, "Istio Gateway istio-ingress/public, bound by VirtualService store/reviews") {
		t.Errorf("istio-ingress did not come along for its gateway: %+v", gwNS)
	}
	if !slices.Contains(serving["istio-system"].Pods, istiod.Name) || !slices.Contains(serving["kube-system"].Pods, coredns.Name) {
		t.Errorf("control plane or DNS missing: %+v", m.Serving)
	}
	for _, other := range []string{"bookinfo", "shop", "payments", "throttled", "rbacjob", "leaky"} {
		if _, ok := serving[other]; ok {
			t.Errorf("%s came along though nothing ties it to %s: %+v", other, ns, serving[other])
		}
	}
	for _, want := range []string{
		bundle.LogPath("istio-ingress", gwPod.Name, "istio-proxy", false),
		bundle.LogPath("istio-system", istiod.Name, "discovery", false),
		bundle.LogPath("kube-system", coredns.Name, "coredns", false),
		bundle.ResourcePath("istio-ingress", "pods"),
		bundle.ResourcePath("istio-ingress", "gateways.networking.istio.io"),
	} {
		if files[want] == nil {
			t.Errorf("bundle lacks %s", want)
		}
	}
	if files[bundle.LogPath("kube-system", "kube-proxy-abcde", "kube-proxy", false)] != nil {
		t.Errorf("the log of a pod that does not serve %s was taken", ns)
	}
	if !strings.Contains(r.stderr, "also collected") {
		t.Errorf("stderr does not say which namespaces came along:\n%s", r.stderr)
	}
	// --analyze: the table report follows, and finds the cause from the
	// gateway's log in another namespace.
	if !strings.Contains(r.stdout, "ROOT CAUSE #1: subset-no-pods") || !strings.Contains(r.stdout, "DestinationRule store/reviews") {
		t.Errorf("--analyze report:\n%s", r.stdout)
	}
	rep := analyze(t, out)
	if len(rep.RootCauses) == 0 || rep.RootCauses[0].Cause != "subset-no-pods" {
		t.Errorf("analyze: %+v", rep.RootCauses)
	}

	// The same through -o -: the bundle on stdout, the messages on stderr.
	streamed := run(t, 5*time.Minute, nil, gatherBin(), "--kubeconfig", c.Kubeconfig, "-n", ns, "-o", "-", "--progress", "none")
	if streamed.code != 0 || !strings.Contains(streamed.stderr, "objects") {
		t.Fatalf("-o -: exit %d\n%s", streamed.code, streamed.stderr)
	}
	sp := filepath.Join(t.TempDir(), "streamed.tar.zst")
	os.WriteFile(sp, []byte(streamed.stdout), 0o644)
	if sf := unpack(t, sp); sf[bundle.IndexPath] == nil || sf[bundle.LogPath("istio-ingress", gwPod.Name, "istio-proxy", false)] == nil {
		t.Errorf("the streamed bundle lacks its index or the gateway's log")
	}

	// Gateway API and Ingress: a route elsewhere with a backend in store
	// brings its namespace and its parent Gateway's with its pod; an
	// Ingress of store brings its class's controller.
	c.kubectl(t, gatewayAPICRDs, "apply", "-f", "-")
	c.kubectl(t, "", "wait", "--for", "condition=Established", "--timeout", "60s", "crd/gateways.gateway.networking.k8s.io", "crd/httproutes.gateway.networking.k8s.io")
	c.apply(t, `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: eg, namespace: edge}
spec:
  gatewayClassName: istio
  listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: store-api, namespace: routes}
spec:
  parentRefs: [{name: eg, namespace: edge}]
  rules:
  - backendRefs: [{name: reviews, namespace: store, port: 9080}]
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: legacy, namespace: store}
spec:
  ingressClassName: nginx
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: reviews, port: {number: 9080}}}}
`)
	egPod := c.pod(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "eg-istio-7c9d8-abcde", Namespace: "edge", Labels: map[string]string{"gateway.networking.k8s.io/gateway-name": "eg"}},
		Spec: corev1.PodSpec{NodeName: "worker-1", Containers: []corev1.Container{{Name: "istio-proxy", Image: "docker.io/istio/proxyv2:1.28.0"}}}})
	nginx := c.pod(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "ingress-nginx-controller-5c8d-abcde", Namespace: "ingress-nginx",
		Labels: map[string]string{"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"}},
		Spec: corev1.PodSpec{NodeName: "worker-1", Containers: []corev1.Container{{Name: "controller", Image: "registry.k8s.io/ingress-nginx/controller:v1.12.0",
			Args: []string{"/nginx-ingress-controller", "--controller-class=k8s.io/ingress-nginx", "--ingress-class=nginx"}}}}})
	c.logs(t, nginx, "controller", `W0601 10:05:49.745387       7 controller.go:1152] Service "store/reviews" does not have any active Endpoint.`)

	out = filepath.Join(t.TempDir(), "store2.tar.zst")
	r = c.gather(t, "-n", ns, "-o", out, "--no-proxy-admin")
	if r.code != 0 {
		t.Fatalf("gather exit %d\n%s", r.code, r.stderr)
	}
	files = unpack(t, out)
	m = bundle.Manifest{}
	json.Unmarshal(files[bundle.ManifestPath], &m)
	serving = map[string]bundle.ServingNamespace{}
	for _, s := range m.Serving {
		serving[s.Namespace] = s
	}
	for ns, want := range map[string]string{
		"routes":        "HTTPRoute routes/store-api routes into store",
		"edge":          "Gateway edge/eg, parent of HTTPRoute routes/store-api",
		"ingress-nginx": "controller of IngressClass nginx (k8s.io/ingress-nginx), used by Ingress store/legacy",
	} {
		if !slices.Contains(serving[ns].Reasons, want) {
			t.Errorf("%s: reasons %q, want %q", ns, serving[ns].Reasons, want)
		}
	}
	if !slices.Contains(serving["edge"].Pods, egPod.Name) || !slices.Contains(serving["ingress-nginx"].Pods, nginx.Name) {
		t.Errorf("serving pods: %+v", m.Serving)
	}
	if files[bundle.LogPath("ingress-nginx", nginx.Name, "controller", false)] == nil {
		t.Errorf("the ingress controller's log is missing")
	}
	if files[bundle.ResourcePath("routes", "httproutes.gateway.networking.k8s.io")] == nil {
		t.Errorf("the HTTPRoute's namespace was not collected")
	}
}
