package main

import (
	"fmt"
	"strings"
	"time"
)

// Cases of issue 12, continued: gateway binding through exportTo,
// manifests without pods, and mTLS across the edge of the mesh.

func case51VSNotExportedToGateway() *Case {
	c := newCase("53-vs-not-exported-to-gateway", at(2025, 1, 21, 16, 33))
	c.Description = "After a config-hygiene sweep added exportTo: [\".\"] to every VirtualService of the shop " +
		"namespace, shop.acme.example answers 404 NR at the ingress gateway. The VirtualService shop/storefront is " +
		"bound to istio-system/public-gw and its host is on that Gateway, but the gateway pods run in istio-system, " +
		"to which it is no longer exported, so they build no route for it. Captured with kubectl cluster-info dump."
	c.Source = "pilot/pkg/model/push_context.go VirtualServicesForGateway (a gateway proxy gets the VirtualServices " +
		"exported to its own namespace) and initVirtualServices (exportTo \".\" is the VirtualService's namespace); " +
		"istio.io networking/v1 VirtualService exportTo reference."
	c.Style = StyleTyped
	c.Layout = LayoutDump
	c.KubeVersion = "v1.31.5"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.24.2"})
	c.GW("v1", "istio-system", "public-gw", map[string]string{"istio": "ingressgateway"}, "*.acme.example")
	c.MeshNS("shop")
	c.Web("shop", "storefront", 3, 8080, "ghcr.io/acme/storefront:6.0.1", true)
	c.VS("v1", "shop", "storefront", M{"hosts": Strs("shop.acme.example"), "gateways": Strs("istio-system/public-gw"), "exportTo": Strs("."),
		"http": L{M{"route": L{Route("storefront", 8080, "")}}}})
	c.MeshNS("docs")
	dc, dcs := c.Web("docs", "docs-site", 2, 8080, "ghcr.io/acme/docs-site:2.3.0", true)
	c.VS("v1", "docs", "docs", M{"hosts": Strs("docs.acme.example"), "gateways": Strs("istio-system/public-gw"),
		"http": L{M{"route": L{Route("docs-site", 8080, "")}}}})
	sweep := c.Now.Add(-35 * Min)
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-50*Min), c.Now.Add(-5*Sec), 300,
		Flow{Authority: "docs.acme.example", Paths: []string{"/", "/guides/install"}, Cluster: Cl(8080, "", dcs.Host()), Hosts: Hosts(dc), Weight: 1},
		Flow{Authority: "shop.acme.example", Paths: []string{"/", "/products/1182", "/cart"}, Weight: 3,
			Cluster: Cl(8080, "", "storefront.shop.svc.cluster.local"), Hosts: []string{"10.244.1.12:8080", "10.244.2.9:8080"},
			Fail: FailAfter(sweep, NR)},
	)
	c.GWLog(m, Istio(F19, recs))
	c.Expect("route-missing", "VirtualService", "shop", "storefront", "")
	c.Absent = []string{"gateway-no-pods", "destination-host-unknown"}
	return c
}

func case52ManifestsGatewayHostTypo() *Case {
	c := newCase("54-manifests-gateway-host-typo", at(2025, 10, 7, 9, 0))
	c.Description = "Pre-merge check of a GitOps change, manifests only (no cluster, no logs): the new Gateway " +
		"edge/api-gw lists api.exmaple.com (typo) while the VirtualService api/public, bound to it, serves " +
		"api.example.com. Once synced, every request for api.example.com would get 404 NR from the gateway."
	c.Source = "istioctl analyze --use-kube=false IST0132 VirtualServiceHostNotFoundInGateway " +
		"(pkg/config/analysis/analyzers/virtualservice/gateways.go vsHostInGateway, pkg/config/host/name.go Matches)."
	c.Layout = LayoutLoose
	c.Manifests = true
	c.LooseKinds = []string{"Service", "Deployment", "Gateway", "VirtualService", "DestinationRule"}
	c.LooseNamespaces = []string{"edge", "api"}
	c.KubeVersion = "v1.33.0"
	c.Cluster(Kubeadm, 1, 2)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.27.1", NoGateway: true})
	c.Namespace("edge")
	c.istioGateway("v1", "edge", "api-gw", map[string]string{"istio": "ingressgateway"}, "api.exmaple.com")
	c.MeshNS("api")
	c.Web("api", "api-server", 3, 8080, "ghcr.io/acme/api-server:9.1.0", true)
	c.Web("api", "auth", 2, 8080, "ghcr.io/acme/auth:4.0.2", true)
	c.VS("v1", "api", "public", M{"hosts": Strs("api.example.com"), "gateways": Strs("edge/api-gw"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/oauth"}}}, "route": L{Route("auth", 8080, "")}},
		M{"route": L{Route("api-server", 8080, "")}}}})
	c.DR("v1", "api", "api-server", M{"host": "api-server", "trafficPolicy": M{"loadBalancer": M{"simple": "LEAST_REQUEST"}}})
	c.Expect("route-missing", "VirtualService", "api", "public", "")
	c.Absent = []string{"gateway-no-pods", "destination-host-unknown", "no-workload"}
	return c
}

func case53ManifestsSubsetNoPods() *Case {
	c := newCase("55-manifests-subset-no-pods", at(2025, 10, 14, 12, 0))
	c.Description = "Manifests from Git, before the sync (no pods exist yet): the VirtualService shop/reviews sends " +
		"everything to subset v1 of reviews, the DestinationRule defines v1 (version: v1) and v2, but the only " +
		"Deployment, reviews-v2, has a pod template labelled version: v2. Synced, every request would end in 503 UH."
	c.Source = "istioctl analyze --use-kube=false IST0173 DestinationRuleSubsetNotSelectPods " +
		"(pkg/config/analysis/analyzers/destinationrule/subset.go), judged here on the Deployment's pod template " +
		"since the input has no pods."
	c.Layout = LayoutLoose
	c.Manifests = true
	c.LooseKinds = []string{"Namespace", "Service", "Deployment", "Gateway", "VirtualService", "DestinationRule"}
	c.LooseNamespaces = []string{"shop"}
	c.KubeVersion = "v1.32.0"
	c.Cluster(Kubeadm, 1, 2)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.26.0", NoGateway: true})
	c.MeshNS("shop")
	c.App(AppSpec{NS: "shop", Name: "reviews-v2", Labels: map[string]string{"app": "reviews", "version": "v2"}, Replicas: 2,
		Image: "docker.io/istio/examples-bookinfo-reviews-v2:1.20.2", Ports: []CPort{{"http", 9080}}, Probe: "/health", Sidecar: true})
	c.Service("shop", "reviews", map[string]string{"app": "reviews"}, P("http", 9080, nil))
	c.Web("shop", "productpage", 2, 9080, "docker.io/istio/examples-bookinfo-productpage-v1:1.20.2", true)
	c.GW("v1", "shop", "shop-gw", map[string]string{"istio": "ingressgateway"}, "shop.example.com")
	c.VS("v1", "shop", "reviews", M{"hosts": Strs("reviews"), "http": L{M{"route": L{Route("reviews", 9080, "v1")}}}})
	c.VS("v1", "shop", "front", M{"hosts": Strs("shop.example.com"), "gateways": Strs("shop-gw"), "http": L{M{"route": L{Route("productpage", 9080, "")}}}})
	c.DR("v1", "shop", "reviews", M{"host": "reviews", "subsets": Subsets("v1", "v2")})
	c.Expect("subset-no-pods", "DestinationRule", "shop", "reviews", "subset v1")
	c.Absent = []string{"subset-undefined", "no-workload", "gateway-no-pods"}
	return c
}

func case54RolloutTemplateSubset() *Case {
	c := newCase("56-rollout-template-subset", at(2025, 11, 3, 18, 25))
	c.Description = "kubectl get rollouts,services,destinationrules,virtualservices -n payments -o yaml, attached to a " +
		"ticket about the payments migration to Argo Rollouts: the Rollout payments/payments-api (argoproj.io/v1alpha1) " +
		"takes its pod template from the Deployment payments-api (workloadRef), labelled version: \"5.2\", but the " +
		"DestinationRule's subset stable still selects version: \"5.1\" and the VirtualService routes everything " +
		"to it. No pod is in the input."
	c.Source = "Argo Rollouts workloadRef (argoproj/argo-rollouts docs, Rollout spec: the referenced Deployment's " +
		"template is used); istioctl analyze IST0173 DestinationRuleSubsetNotSelectPods " +
		"(pkg/config/analysis/analyzers/destinationrule/subset.go), judged on the pod template."
	c.Layout = LayoutLoose
	c.LooseKinds = []string{"Rollout", "Deployment", "Service", "VirtualService", "DestinationRule"}
	c.LooseNamespaces = []string{"payments"}
	c.KubeVersion = "v1.30.5"
	c.Cluster(EKS, 0, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.24.1", NoGateway: true})
	c.MeshNS("payments")
	labels := map[string]string{"app": "payments-api", "version": "5.2"}
	d := c.App(AppSpec{NS: "payments", Name: "payments-api", Labels: labels, Replicas: 0,
		Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:5.2.0", Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true})
	_ = d
	c.Raw("argoproj.io/v1alpha1", "Rollout", "payments", "payments-api", 9*Day, map[string]string{"app": "payments-api"}, M{
		"spec": M{"replicas": 4, "revisionHistoryLimit": 3,
			"selector":    M{"matchLabels": M{"app": "payments-api"}},
			"workloadRef": M{"apiVersion": "apps/v1", "kind": "Deployment", "name": "payments-api", "scaleDown": "progressively"},
			"strategy": M{"canary": M{"trafficRouting": M{"istio": M{"virtualService": M{"name": "payments-api", "routes": L{"primary"}},
				"destinationRule": M{"name": "payments-api", "canarySubsetName": "canary", "stableSubsetName": "stable"}}},
				"steps": L{M{"setWeight": 10}, M{"pause": M{"duration": "10m"}}, M{"setWeight": 50}, M{"pause": M{}}}}}},
		"status": M{"replicas": 4, "readyReplicas": 4, "availableReplicas": 4, "updatedReplicas": 4, "phase": "Healthy",
			"stableRS": "7d9c5f6b8", "currentPodHash": "7d9c5f6b8", "observedGeneration": "12"},
	})
	c.Service("payments", "payments-api", map[string]string{"app": "payments-api"}, P("http", 8080, "http"))
	c.VS("v1beta1", "payments", "payments-api", M{"hosts": Strs("payments-api"), "http": L{M{"name": "primary", "route": L{
		M{"destination": M{"host": "payments-api", "subset": "stable"}, "weight": 100},
		M{"destination": M{"host": "payments-api", "subset": "canary"}, "weight": 0}}}}})
	c.DR("v1beta1", "payments", "payments-api", M{"host": "payments-api", "subsets": L{
		M{"name": "stable", "labels": M{"app": "payments-api", "version": "5.1"}},
		M{"name": "canary", "labels": M{"app": "payments-api"}}}})
	c.Expect("subset-no-pods", "DestinationRule", "payments", "payments-api", "subset stable")
	c.Absent = []string{"subset-undefined", "scaled-to-zero", "no-workload"}
	return c
}

// plaintext502 is how ingress-nginx ends a request whose upstream closed
// the connection (a sidecar requiring mTLS closes a plaintext one).
var plaintext502 = Outcome{Code: 502, BytesSent: 150, Dur: 2}

func case55StrictIngressNginx() *Case {
	c := newCase("57-strict-mtls-ingress-nginx", at(2025, 3, 18, 11, 42))
	c.Description = "portal.acme.example returns 502 Bad Gateway from ingress-nginx since the portal namespace got a " +
		"STRICT PeerAuthentication this morning. ingress-nginx has no sidecar and sends plaintext to the portal pods; " +
		"their sidecars have only mTLS filter chains and close the connection (NR filter_chain_not_found on their " +
		"side), and nginx logs 'upstream prematurely closed connection while reading response header from upstream'."
	c.Source = "istio.io mutual TLS migration task (STRICT rejects plaintext from workloads without sidecar); " +
		"istio/istio#27169 (connection reset for clients without sidecar under STRICT, 'expected'); " +
		"pilot/pkg/security/authn/policy_applier.go ComposePeerAuthentication; nginx error log format " +
		"(ingress-nginx#12285)."
	c.Style = StyleList
	c.KubeVersion = "v1.30.2"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.24.3", NoGateway: true})
	ing := c.IngressNginx("v1.11.5")
	c.MeshNS("portal")
	c.PA("v1", "portal", "default", "STRICT")
	web, _ := c.Web("portal", "portal-web", 2, 8080, "ghcr.io/acme/portal-web:3.8.0", true)
	c.Ingress("portal", "portal", "portal.acme.example", "/", "portal-web", 8080)
	c.Namespace("status")
	stp, _ := c.Web("status", "statuspage", 1, 8080, "ghcr.io/acme/statuspage:1.1.0", false)
	c.Ingress("status", "status", "status.acme.example", "/", "statuspage", 8080)
	strict := c.Now.Add(-48 * Min)
	recs := c.Traffic(c.ingressVantage(ing), c.Now.Add(-70*Min), c.Now.Add(-7*Sec), 300,
		Flow{Authority: "status.acme.example", Paths: []string{"/", "/api/v1/status"}, Cluster: "status-statuspage-8080", Hosts: Hosts(stp), Weight: 1},
		Flow{Authority: "portal.acme.example", Paths: []string{"/", "/dashboard", "/api/me"}, Cluster: "portal-portal-web-8080", Hosts: Hosts(web), Weight: 4,
			Fail: FailAfter(strict, plaintext502)},
	)
	var errs []TLine
	conn := 91822
	for i := range recs {
		x := &recs[i]
		if x.Code != 502 {
			continue
		}
		conn++
		errs = append(errs, TLine{x.T, NginxErr(x.T, 34, conn, "upstream prematurely closed connection while reading response header from upstream",
			"client: "+x.XFF, "server: portal.acme.example", fmt.Sprintf("request: \"%s %s %s\"", x.Method, x.Path, x.Proto),
			fmt.Sprintf("upstream: \"http://%s%s\"", x.UpHost, x.Path), "host: \"portal.acme.example\"")})
	}
	c.ingressLog(ing, recs, errs)
	for _, p := range web.Pods {
		r := newRand(p.Name)
		var l []string
		for t := strict.Add(9 * Sec); t.Before(c.Now); t = t.Add(time.Duration(20+r.N(40)) * Sec) {
			l = append(l, fmt.Sprintf("[%s] \"- - -\" 0 NR filter_chain_not_found - \"-\" 0 0 0 - \"-\" \"-\" \"-\" \"-\" \"-\" - - %s:8080 %s:%d - -",
				envoyTime(t.Add(time.Duration(r.N(999))*time.Millisecond)), p.IP, ing.Pods[0].IP, 40000+r.N(20000)))
		}
		c.Log("portal", p.Name, "istio-proxy", l...)
	}
	c.Expect("mtls-mismatch", "PeerAuthentication", "portal", "default", "")
	c.Absent = []string{"port-mismatch", "readiness-probe-failing", "network-policy-blocked"}
	return c
}

func case56StrictMeshWideHAProxy() *Case {
	c := newCase("58-strict-mesh-wide-haproxy", at(2024, 11, 26, 22, 10))
	c.Description = "The catalog API behind the HAProxy edge answers 502 since the security team applied a " +
		"mesh-wide STRICT PeerAuthentication (istio-system/default). HAProxy runs in the edge namespace, labelled " +
		"istio-injection: disabled, and sends plaintext to catalog's sidecars, which close the connection: HAProxy " +
		"logs 502 with termination state SH--. Captured with kubectl cluster-info dump."
	c.Source = "PeerAuthentication in the root namespace without selector is mesh-wide " +
		"(pilot/pkg/security/authn/policy_applier.go ComposePeerAuthentication); HAProxy termination state SH " +
		"(doc/configuration.txt, session state at disconnection); istio/istio#27169."
	c.Style = StyleTyped
	c.Layout = LayoutDump
	c.KubeVersion = "v1.29.9"
	c.Cluster(K3s, 1, 2)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.23.2", NoGateway: true})
	c.PA("v1beta1", "istio-system", "default", "STRICT")
	c.MeshNS("shop")
	api, _ := c.Web("shop", "catalog-api", 3, 8080, "ghcr.io/acme/catalog-api:4.2.0", true)
	c.Namespace("edge", "istio-injection", "disabled")
	hap := c.App(AppSpec{NS: "edge", Name: "haproxy", Replicas: 1, Image: "haproxytech/haproxy-alpine:3.0.6", Ports: []CPort{{"http", 8080}, {"stats", 8404}}, Probe: "/healthz"})
	c.ServiceT("edge", "haproxy", "LoadBalancer", map[string]string{"app": "haproxy"}, SvcPort{Name: "http", Port: 80, Target: "http"})
	c.Raw("v1", "ConfigMap", "edge", "haproxy-config", 200*Day, map[string]string{"app": "haproxy"}, M{"data": M{"haproxy.cfg": strings.Join([]string{
		"global", "  log stdout format raw local0", "", "defaults", "  mode http", "  log global", "  option httplog", "  timeout connect 3s", "  timeout client 30s", "  timeout server 30s", "",
		"resolvers kubedns", "  nameserver dns1 " + c.flavor.SvcNet + ".0.10:53", "",
		"frontend fe_http", "  bind :8080", "  monitor-uri /healthz", "  default_backend be_catalog", "",
		"backend be_catalog", "  option httpchk GET /healthz", "  http-check expect status 200",
		"  server-template srv 3 catalog-api.shop.svc.cluster.local:8080 resolvers kubedns init-addr none check inter 2s fall 3 rise 2", ""}, "\n")}})
	strict := c.Now.Add(-27 * Min)
	var srvs []string
	for i := range api.Pods {
		srvs = append(srvs, fmt.Sprintf("srv%d", i+1))
	}
	sh := Outcome{Code: 502, Flags: "SH", Dur: 3}
	recs := c.Traffic(Vantage{IP: hap.Pods[0].IP, Listen: 8080, Clients: c.NodeIPs(), External: true}, c.Now.Add(-40*Min), c.Now.Add(-9*Sec), 240,
		Flow{Authority: "catalog.acme.example", Paths: []string{"/v4/products/1182", "/v4/products?category=lamps"}, Cluster: "be_catalog", Hosts: srvs,
			Fail: FailAfter(strict, sh)},
	)
	c.Log("edge", hap.Pods[0].Name, "haproxy", HAProxyHTTP(c.Name, "fe_http", recs)...)
	c.Expect("mtls-mismatch", "PeerAuthentication", "istio-system", "default", "")
	c.Absent = []string{"active-health-check-failing", "readiness-probe-failing"}
	return c
}

func case57StrictWorkloadEnvoy() *Case {
	c := newCase("59-strict-workload-port-envoy", at(2025, 5, 27, 7, 55))
	c.Description = "The standalone Envoy edge proxy (edge namespace, no sidecar) answers 503 UC for every orders " +
		"request since a workload PeerAuthentication orders/orders-api-strict made orders-api STRICT, with " +
		"portLevelMtls keeping only its metrics port 9090 PERMISSIVE for Prometheus. Port 8080, which Envoy calls " +
		"in plaintext, now closes the connection (upstream_reset_before_response_started{connection_termination})."
	c.Source = "pilot/pkg/security/authn/policy_applier.go ComposePeerAuthentication (a workload policy's " +
		"portLevelMtls overrides its mode per port); Envoy response flag UC (upstream connection termination)."
	c.Style = StyleYAML
	c.KubeVersion = "v1.32.4"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.25.2", NoGateway: true})
	c.MeshNS("orders")
	oa := c.App(AppSpec{NS: "orders", Name: "orders-api", Replicas: 2, Image: "registry.acme.example/orders-api:11.0.2",
		Ports: []CPort{{"http", 8080}, {"metrics", 9090}}, Probe: "/ready", Sidecar: true})
	c.Service("orders", "orders-api", map[string]string{"app": "orders-api"}, P("http", 80, "http"), P("http-metrics", 9090, "metrics"))
	c.Raw("security.istio.io/v1", "PeerAuthentication", "orders", "orders-api-strict", 2*Hour, nil, M{"spec": M{
		"selector": M{"matchLabels": M{"app": "orders-api"}}, "mtls": M{"mode": "STRICT"},
		"portLevelMtls": M{"9090": M{"mode": "PERMISSIVE"}}}})
	c.Namespace("edge")
	edge := c.App(AppSpec{NS: "edge", Name: "edge-envoy", Replicas: 1, Image: "envoyproxy/envoy:v1.33.2", Container: "envoy", Ports: []CPort{{"http", 10000}, {"admin", 9901}},
		Args: []string{"-c", "/etc/envoy/envoy.yaml", "--log-level", "warn"}})
	c.ServiceT("edge", "edge-envoy", "LoadBalancer", map[string]string{"app": "edge-envoy"}, SvcPort{Name: "http", Port: 80, Target: "http"})
	c.Raw("v1", "ConfigMap", "edge", "edge-envoy", 150*Day, map[string]string{"app": "edge-envoy"}, M{"data": M{"envoy.yaml": strings.Join([]string{
		"static_resources:", "  clusters:", "  - name: orders_api", "    type: STRICT_DNS", "    connect_timeout: 1s",
		"    load_assignment:", "      cluster_name: orders_api", "      endpoints:", "      - lb_endpoints:",
		"        - endpoint: {address: {socket_address: {address: orders-api.orders.svc.cluster.local, port_value: 80}}}", ""}, "\n")}})
	strict := c.Now.Add(-95 * Min)
	recs := c.Traffic(Vantage{IP: edge.Pods[0].IP, Listen: 10000, Clients: c.NodeIPs(), External: true}, c.Now.Add(-2*Hour), c.Now.Add(-10*Sec), 260,
		Flow{Authority: "orders.acme.example", Paths: []string{"/v11/orders/o_8812", "POST /v11/orders"}, Cluster: "orders_api", Hosts: AllHosts(oa), OKCodes: []int{200, 201},
			Fail: FailAfter(strict, UC)},
	)
	c.Log("edge", edge.Pods[0].Name, "envoy", EnvoyDefault(recs)...)
	c.Expect("mtls-mismatch", "PeerAuthentication", "orders", "orders-api-strict", "")
	c.Absent = []string{"port-mismatch", "network-policy-blocked"}
	return c
}

// ufTLS is a sidecar's connection failure in the TLS handshake with the
// given BoringSSL error (the packed code and reason of ERR_error_string).
func ufTLS(code int, reason string) Outcome {
	tfr := fmt.Sprintf("TLS_error:|%d:SSL_routines:OPENSSL_internal:%s:TLS_error_end", code, reason)
	return Outcome{Code: 503, Flags: "UF,URX", Details: "upstream_reset_before_response_started{remote_connection_failure," + tfr + "}", TFR: tfr, BytesSent: 190, Dur: 3}
}

func case58DRSimpleToStrict() *Case {
	c := newCase("60-dr-simple-to-strict", at(2025, 8, 5, 14, 30))
	c.Description = "Calls from checkout to inventory fail with 503 UF (TLS error) after a DestinationRule for " +
		"inventory was copied from the egress TLS-origination example: tls.mode SIMPLE. The inventory namespace " +
		"is STRICT, so its sidecars require the mesh's client certificate, which SIMPLE does not send; the handshake " +
		"fails. Attached as kubectl get -A -o yaml output with the client sidecar's log."
	c.Source = "istio.io DestinationRule ClientTLSSettings (SIMPLE: TLS without client certificate) against " +
		"PeerAuthentication STRICT; pilot/pkg/networking/util/util.go MergeSubsetTrafficPolicy; istio.io " +
		"troubleshooting 'TLS configuration mistakes'."
	c.Layout = LayoutLoose
	c.LooseKinds = []string{"Namespace", "Service", "Deployment", "Pod", "EndpointSlice", "DestinationRule", "PeerAuthentication"}
	c.KubeVersion = "v1.31.3"
	c.Cluster(GKE, 0, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.26.3", NoGateway: true})
	c.MeshNS("inventory")
	c.PA("v1", "inventory", "default", "STRICT")
	inv, ins := c.Web("inventory", "inventory", 2, 8080, "europe-docker.pkg.dev/acme-prod/inventory:2.2.0", true)
	c.DR("v1", "inventory", "inventory", M{"host": "inventory.inventory.svc.cluster.local", "trafficPolicy": M{
		"tls": M{"mode": "SIMPLE"}, "connectionPool": M{"http": M{"maxRequestsPerConnection": 100}}}})
	c.MeshNS("checkout")
	co, _ := c.Web("checkout", "checkout", 2, 8080, "europe-docker.pkg.dev/acme-prod/checkout:7.9.0", true)
	changed := c.Now.Add(-41 * Min)
	fail := ufTLS(268436572, "TLSV13_ALERT_CERTIFICATE_REQUIRED")
	for _, p := range co.Pods {
		recs := c.Traffic(Sidecar(p), c.Now.Add(-60*Min), c.Now.Add(-6*Sec), 140,
			Flow{Authority: "inventory.inventory:8080", Paths: []string{"/stock/1182", "POST /reservations"}, Cluster: Cl(8080, "", ins.Host()), Hosts: Hosts(inv), SvcAddr: ins.Addr(),
				OKCodes: []int{200, 201}, Fail: FailAfter(changed, fail)},
		)
		c.Log("checkout", p.Name, "istio-proxy", Istio(JSON, recs)...)
	}
	c.Expect("mtls-mismatch", "DestinationRule", "inventory", "inventory", "tls.mode SIMPLE")
	c.Absent = []string{"network-policy-blocked", "port-mismatch"}
	return c
}

func case59DRIstioMutualNoSidecar() *Case {
	c := newCase("61-dr-istio-mutual-no-sidecar", at(2024, 7, 9, 19, 5))
	c.Description = "About a third of catalog requests through the gateway fail with 503 UF. The catalog " +
		"DestinationRule sets tls.mode ISTIO_MUTUAL on its legacy subset, whose pods opt out of injection " +
		"(sidecar.istio.io/inject: \"false\") because of a raw-socket health agent: they have no sidecar to " +
		"terminate mTLS, so the gateway's TLS handshake meets a plaintext server (WRONG_VERSION_NUMBER). Subset " +
		"current works. Captured with kubectl cluster-info dump."
	c.Source = "istio.io DestinationRule ClientTLSSettings ISTIO_MUTUAL; pkg/config/analysis/analyzers/util/in_mesh.go " +
		"(sidecar.istio.io/inject false keeps a pod out of the mesh); subset traffic policy merging " +
		"(pilot/pkg/networking/util/util.go MergeSubsetTrafficPolicy)."
	c.Style = StyleList
	c.Layout = LayoutDump
	c.KubeVersion = "v1.28.12"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.22.3"})
	c.MeshNS("catalog")
	legacy := c.App(AppSpec{NS: "catalog", Name: "catalog-legacy", Labels: map[string]string{"app": "catalog", "track": "legacy"}, Replicas: 2,
		Image: "ghcr.io/acme/catalog:3.9.7", Ports: []CPort{{"http", 8080}}, Probe: "/ready",
		Annotations: map[string]string{"sidecar.istio.io/inject": "false"}})
	cur := c.App(AppSpec{NS: "catalog", Name: "catalog-current", Labels: map[string]string{"app": "catalog", "track": "current"}, Replicas: 4,
		Image: "ghcr.io/acme/catalog:4.1.0", Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true})
	cs := c.Service("catalog", "catalog", map[string]string{"app": "catalog"}, P("http", 8080, "http"))
	c.DR("v1beta1", "catalog", "catalog", M{"host": "catalog", "subsets": L{
		M{"name": "legacy", "labels": M{"track": "legacy"}, "trafficPolicy": M{"tls": M{"mode": "ISTIO_MUTUAL"}}},
		M{"name": "current", "labels": M{"track": "current"}}}})
	c.GW("v1beta1", "catalog", "catalog-gw", map[string]string{"istio": "ingressgateway"}, "catalog.acme.example")
	c.VS("v1beta1", "catalog", "catalog", M{"hosts": Strs("catalog.acme.example"), "gateways": Strs("catalog-gw"), "http": L{M{"route": L{
		M{"destination": M{"host": "catalog", "subset": "legacy"}, "weight": 30},
		M{"destination": M{"host": "catalog", "subset": "current"}, "weight": 70}}}}})
	fail := ufTLS(268435723, "WRONG_VERSION_NUMBER")
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-25*Min), c.Now.Add(-5*Sec), 300,
		Flow{Authority: "catalog.acme.example", Paths: []string{"/v4/products/1182", "/v4/search?q=desk"}, Cluster: Cl(8080, "current", cs.Host()), Hosts: Hosts(cur), Weight: 7},
		Flow{Authority: "catalog.acme.example", Paths: []string{"/v4/products/1182", "/v4/search?q=desk"}, Cluster: Cl(8080, "legacy", cs.Host()), Hosts: Hosts(legacy), Weight: 3,
			Fail: func(time.Time, int) *Outcome { x := fail; return &x }},
	)
	c.GWLog(m, Istio(F19, recs))
	c.Expect("mtls-mismatch", "DestinationRule", "catalog", "catalog", "tls.mode ISTIO_MUTUAL")
	c.Absent = []string{"subset-no-pods", "subset-undefined"}
	return c
}

func case60SubsetZoneDrained() *Case {
	c := newCase("62-subset-zone-drained", at(2025, 9, 30, 3, 12))
	c.Description = "Night-time 503 UH at the gateway for search.acme.example: the VirtualService pins search to the " +
		"subset zone-b of the search DestinationRule (topology.kubernetes.io/zone: europe-west4-b) to keep it next to " +
		"its index, but the search pods were rescheduled onto the nodes in zones a and c when the zone-b node was " +
		"cordoned for an upgrade. The subset selects no endpoint although every search pod is ready."
	c.Source = "pilot/pkg/serviceregistry/util/label/label.go AugmentLabels (an endpoint's zone comes from its node's " +
		"topology labels); istioctl analyze IST0173 DestinationRuleSubsetNotSelectPods " +
		"(pkg/config/analysis/analyzers/destinationrule/subset.go)."
	c.Style = StyleTyped
	c.KubeVersion = "v1.30.9-gke.1009000"
	ws := c.Cluster(GKE, 0, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.24.4"})
	c.MeshNS("search")
	sp := c.App(AppSpec{NS: "search", Name: "search", Replicas: 2, Image: "europe-docker.pkg.dev/acme-prod/search:8.8.1",
		Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true, Nodes: []*Node{ws[0], ws[2]}})
	ss := c.Service("search", "search", map[string]string{"app": "search"}, P("http", 8080, "http"))
	zb := ws[1].Labels["topology.kubernetes.io/zone"]
	// kubectl cordon: the node controller taints an unschedulable node.
	ws[1].Taints = append(ws[1].Taints, M{"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable", "timeAdded": ts(c.Now.Add(-55 * Min))})
	c.DR("v1", "search", "search", M{"host": "search", "subsets": L{
		M{"name": "zone-b", "labels": M{"topology.kubernetes.io/zone": zb}},
		M{"name": "any", "labels": M{"app": "search"}}}})
	c.GW("v1", "search", "search-gw", map[string]string{"istio": "ingressgateway"}, "search.acme.example")
	c.VS("v1", "search", "search", M{"hosts": Strs("search.acme.example"), "gateways": Strs("search-gw"), "http": L{
		M{"route": L{Route("search", 8080, "zone-b")}}}})
	cordon := c.Now.Add(-52 * Min)
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-70*Min), c.Now.Add(-4*Sec), 260,
		Flow{Authority: "search.acme.example", Paths: []string{"/q?text=lamp", "/q?text=desk&page=2", "/suggest?p=la"}, Cluster: Cl(8080, "zone-b", ss.Host()),
			Hosts: Hosts(sp), Fail: FailAfter(cordon, UH)},
	)
	c.GWLog(m, Istio(F19, recs))
	c.Expect("subset-no-pods", "DestinationRule", "search", "search", "subset zone-b")
	c.Absent = []string{"subset-undefined", "readiness-probe-failing", "node-not-ready"}
	return c
}
