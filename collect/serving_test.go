package collect

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/bundle"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// world is a fake cluster for the serving resolver: objects by resource
// name, and the resources that may not be listed across namespaces.
type world struct {
	objs       map[string][]unstructured.Unstructured
	denyWide   map[string]bool
	namespaced map[string]bool
}

func newWorld(t *testing.T, docs string) *world {
	t.Helper()
	w := &world{objs: map[string][]unstructured.Unstructured{}, denyWide: map[string]bool{}}
	plural := map[string]string{
		"Pod": "pods", "Namespace": "namespaces", "Ingress": "ingresses.networking.k8s.io", "IngressClass": "ingressclasses.networking.k8s.io",
		"networking.istio.io/VirtualService": "virtualservices.networking.istio.io", "networking.istio.io/Gateway": "gateways.networking.istio.io",
		"gateway.networking.k8s.io/HTTPRoute": "httproutes.gateway.networking.k8s.io", "gateway.networking.k8s.io/Gateway": "gateways.gateway.networking.k8s.io",
	}
	for _, doc := range strings.Split(docs, "\n---\n") {
		var u unstructured.Unstructured
		if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
			t.Fatalf("%v\n%s", err, doc)
		}
		key := u.GetKind()
		if g := u.GroupVersionKind().Group; g != "" && g != "networking.k8s.io" {
			key = g + "/" + key
		}
		name, ok := plural[key]
		if !ok {
			t.Fatalf("no resource for %s", key)
		}
		w.objs[name] = append(w.objs[name], u)
	}
	return w
}

func (w *world) targets() []Target {
	var out []Target
	for _, n := range []string{"pods", "namespaces", "ingresses.networking.k8s.io", "ingressclasses.networking.k8s.io",
		"virtualservices.networking.istio.io", "gateways.networking.istio.io", "httproutes.gateway.networking.k8s.io", "gateways.gateway.networking.k8s.io"} {
		res, group, _ := strings.Cut(n, ".")
		out = append(out, Target{GVR: schema.GroupVersionResource{Group: group, Version: "v1", Resource: res}, Namespaced: res != "namespaces" && res != "ingressclasses"})
	}
	return out
}

func (w *world) list(_ context.Context, t Target, ns string, opts metav1.ListOptions) ([]unstructured.Unstructured, error) {
	if ns == "" && t.Namespaced && w.denyWide[t.Name()] {
		return nil, apierrors.NewForbidden(t.GVR.GroupResource(), "", errors.New("cluster-wide list denied"))
	}
	sel, err := labels.Parse(opts.LabelSelector)
	if err != nil {
		return nil, err
	}
	var out []unstructured.Unstructured
	for _, u := range w.objs[t.Name()] {
		if ns != "" && u.GetNamespace() != ns {
			continue
		}
		if name, ok := strings.CutPrefix(opts.FieldSelector, "metadata.name="); ok && u.GetName() != name {
			continue
		}
		if sel.Matches(labels.Set(u.GetLabels())) {
			out = append(out, u)
		}
	}
	return out, nil
}

const servingWorld = `apiVersion: v1
kind: Pod
metadata: {name: istiod-7f, namespace: istio-system, labels: {app: istiod}}
---
apiVersion: v1
kind: Pod
metadata: {name: ingressgateway-5c, namespace: istio-ingress, labels: {istio: ingressgateway, app: istio-ingressgateway}}
---
apiVersion: v1
kind: Pod
metadata: {name: eastwest-1, namespace: istio-system, labels: {istio: eastwestgateway}}
---
apiVersion: v1
kind: Pod
metadata: {name: coredns-1, namespace: kube-system, labels: {k8s-app: kube-dns}}
---
apiVersion: v1
kind: Pod
metadata: {name: kube-proxy-1, namespace: kube-system, labels: {k8s-app: kube-proxy}}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-ingress}
spec:
  selector: {istio: ingressgateway}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: crosscluster, namespace: istio-system}
spec:
  selector: {istio: eastwestgateway}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: bookinfo}
spec:
  hosts: [reviews.example.com]
  gateways: [istio-ingress/public, mesh]
  http:
  - route:
    - destination: {host: reviews}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge, namespace: edge-routing}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/crosscluster]
  http:
  - route:
    - destination: {host: catalog.shop.svc.cluster.local}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: unrelated, namespace: other}
spec:
  gateways: [istio-ingress/public]
  http:
  - route:
    - destination: {host: web.other.svc.cluster.local}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: routes}
spec:
  parentRefs: [{name: eg, namespace: envoy-gw-config}]
  rules:
  - backendRefs: [{name: api, namespace: shop, port: 8080}]
---
apiVersion: v1
kind: Pod
metadata:
  name: envoy-envoy-gw-config-eg-1a2b3c4d-x
  namespace: envoy-gateway-system
  labels: {gateway.envoyproxy.io/owning-gateway-name: eg, gateway.envoyproxy.io/owning-gateway-namespace: envoy-gw-config}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: legacy, namespace: shop}
spec:
  ingressClassName: nginx
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: v1
kind: Pod
metadata: {name: ingress-nginx-controller-1, namespace: ingress-nginx, labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}}
spec:
  containers: [{name: controller, args: [/nginx-ingress-controller, --controller-class=k8s.io/ingress-nginx]}]
---
apiVersion: v1
kind: Pod
metadata: {name: internal-nginx-1, namespace: internal-nginx, labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}}
spec:
  containers: [{name: controller, args: [--controller-class=example.com/internal]}]
---
apiVersion: v1
kind: Pod
metadata: {name: ingress-nginx-admission-create-x, namespace: ingress-nginx, labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: admission-webhook}}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio.io/use-waypoint: shop-waypoint}}
---
apiVersion: v1
kind: Pod
metadata: {name: shop-waypoint-1, namespace: shop, labels: {gateway.networking.k8s.io/gateway-name: shop-waypoint}}`

func resolveIn(w *world, requested ...string) *servingResolver {
	s := newServingResolver(context.Background(), w.list, w.targets(), requested, nil)
	s.resolve()
	return s
}

func servingByNS(sns []bundle.ServingNamespace) map[string]bundle.ServingNamespace {
	m := map[string]bundle.ServingNamespace{}
	for _, s := range sns {
		m[s.Namespace] = s
	}
	return m
}

func TestServingIstio(t *testing.T) {
	s := resolveIn(newWorld(t, servingWorld), "bookinfo")
	got := servingByNS(s.result())
	if names := slices.Sorted(func(yield func(string) bool) {
		for k := range got {
			if !yield(k) {
				return
			}
		}
	}); !slices.Equal(names, []string{"istio-ingress", "istio-system", "kube-system"}) {
		t.Fatalf("serving namespaces %v", names)
	}
	gw := got["istio-ingress"]
	if !slices.Equal(gw.Pods, []string{"ingressgateway-5c"}) || !strings.Contains(strings.Join(gw.Reasons, "|"), "Istio Gateway istio-ingress/public, bound by VirtualService bookinfo/reviews") {
		t.Errorf("istio-ingress: %+v", gw)
	}
	if !slices.Equal(got["kube-system"].Pods, []string{"coredns-1"}) || !slices.Equal(got["istio-system"].Pods, []string{"istiod-7f"}) {
		t.Errorf("control plane and DNS: %+v", got)
	}
	if !s.pods["istio-ingress/ingressgateway-5c"] || s.pods["kube-system/kube-proxy-1"] {
		t.Errorf("serving pods %v", s.pods)
	}
	if len(s.problems) != 0 {
		t.Errorf("problems %v", s.problems)
	}
}

// A VirtualService elsewhere whose destination is in the namespace brings
// its own namespace and its gateway's.
func TestServingRouteFromElsewhere(t *testing.T) {
	got := servingByNS(resolveIn(newWorld(t, servingWorld), "shop").result())
	for ns, want := range map[string]string{
		"edge-routing":         "VirtualService edge-routing/edge routes into shop",
		"istio-system":         "pods of Istio Gateway istio-system/crosscluster (selector istio=eastwestgateway)",
		"routes":               "HTTPRoute routes/api routes into shop",
		"envoy-gw-config":      "Gateway envoy-gw-config/eg, parent of HTTPRoute routes/api",
		"envoy-gateway-system": "Envoy Gateway pods of Gateway envoy-gw-config/eg",
		"ingress-nginx":        "controller of IngressClass nginx (k8s.io/ingress-nginx), used by Ingress shop/legacy",
	} {
		if !slices.Contains(got[ns].Reasons, want) {
			t.Errorf("%s: reasons %q, want %q", ns, got[ns].Reasons, want)
		}
	}
	if _, ok := got["internal-nginx"]; ok {
		t.Errorf("the controller of another class came along: %+v", got["internal-nginx"])
	}
	if slices.Contains(got["ingress-nginx"].Pods, "ingress-nginx-admission-create-x") {
		t.Errorf("the admission job counts as the controller")
	}
	if _, ok := got["other"]; ok {
		t.Errorf("a VirtualService routing elsewhere came along")
	}
	// The waypoint is in shop itself: nothing to add, but its pod serves.
	if _, ok := got["shop"]; ok {
		t.Errorf("the requested namespace is listed as serving")
	}
}

// Someone who may not list across namespaces still gets the usual places
// looked at, and the bundle says what could not be read.
func TestServingForbiddenWide(t *testing.T) {
	w := newWorld(t, servingWorld)
	w.denyWide["pods"] = true
	w.denyWide["virtualservices.networking.istio.io"] = true
	s := resolveIn(w, "bookinfo")
	got := servingByNS(s.result())
	if !slices.Equal(got["istio-ingress"].Pods, []string{"ingressgateway-5c"}) || !slices.Equal(got["kube-system"].Pods, []string{"coredns-1"}) {
		t.Errorf("fallbacks not looked in: %+v", got)
	}
	if !s.denied || !strings.Contains(strings.Join(s.problems, "|"), "virtualservices.networking.istio.io may not be listed in every namespace; looked in bookinfo only") {
		t.Errorf("problems %v", s.problems)
	}
}

func TestHostNamespace(t *testing.T) {
	for host, want := range map[string]string{
		"reviews": "bookinfo", "reviews.shop": "shop", "reviews.shop.svc": "shop", "reviews.shop.svc.cluster.local": "shop",
		"*.shop.svc.cluster.local": "shop", "api.example.com": "", "": "",
	} {
		if got := hostNamespace(host, "bookinfo"); got != want {
			t.Errorf("hostNamespace(%q) = %q, want %q", host, got, want)
		}
	}
}
