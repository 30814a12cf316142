package main

import (
	"fmt"
	"strings"
	"time"
)

func case21SubsetNoPods() *Case {
	c := newCase("21-subset-no-pods", at(2024, 5, 7, 15, 22))
	c.Description = "api.shop.example/reviews returns 503 no healthy upstream. The VirtualService pins all traffic to " +
		"subset v1 of reviews, but the reviews-v1 Deployment was deleted in yesterday's cleanup; only v2 and v3 pods " +
		"run. The gateway logs UH on outbound|9080|v1|reviews.shop.svc.cluster.local."
	c.Style = StyleList
	c.KubeVersion = "v1.29.4"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.21.2"})
	c.MeshNS("shop")
	var revs []*App
	for _, v := range []string{"v2", "v3"} {
		revs = append(revs, c.App(AppSpec{NS: "shop", Name: "reviews-" + v, Labels: map[string]string{"app": "reviews", "version": v}, Replicas: 2,
			Image: "docker.io/istio/examples-bookinfo-reviews-" + v + ":1.19.1", Ports: []CPort{{"http", 9080}}, Probe: "/health", Sidecar: true}))
	}
	rs := c.Service("shop", "reviews", map[string]string{"app": "reviews"}, P("http", 9080, nil))
	pp, pps := c.Web("shop", "productpage", 2, 9080, "docker.io/istio/examples-bookinfo-productpage-v1:1.19.1", true)
	c.Web("shop", "ratings", 1, 9080, "docker.io/istio/examples-bookinfo-ratings-v1:1.19.1", true)
	c.GW("v1beta1", "shop", "shop-gateway", map[string]string{"istio": "ingressgateway"}, "api.shop.example", "shop.example")
	c.VS("v1beta1", "shop", "reviews", M{"hosts": Strs("reviews", "api.shop.example"), "gateways": Strs("shop-gateway", "mesh"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/reviews"}}}, "route": L{Route("reviews", 9080, "v1")}}}})
	c.VS("v1beta1", "shop", "productpage", M{"hosts": Strs("shop.example"), "gateways": Strs("shop-gateway"), "http": L{M{"route": L{Route("productpage", 9080, "")}}}})
	c.DR("v1beta1", "shop", "reviews", M{"host": "reviews", "subsets": Subsets("v1", "v2", "v3")})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-15*Min), c.Now.Add(-10*Sec), 260,
		Flow{Authority: "shop.example", Paths: []string{"/productpage", "/static/tailwind/tailwind.css"}, Cluster: Cl(9080, "", pps.Host()), Hosts: Hosts(pp), Weight: 3},
		Flow{Authority: "api.shop.example", Paths: []string{"/reviews/0", "/reviews/1", "/reviews/2"}, Cluster: Cl(9080, "v1", rs.Host()), Weight: 2,
			Fail: func(time.Time, int) *Outcome { x := UH; return &x }},
	)
	c.GWLog(m, Istio(F19, recs))
	_ = revs
	c.Expect("subset-no-pods", "DestinationRule", "shop", "reviews", "subset v1")
	c.Absent = []string{"no-workload", "selector-mismatch", "subset-undefined"}
	return c
}

func case22SubsetUndefined() *Case {
	c := newCase("22-subset-undefined", at(2025, 6, 11, 10, 40))
	c.Description = "About 10% of price lookups fail with 503 NC cluster_not_found at the gateway (Istio 1.25). A canary " +
		"route to subset v3 of pricing was merged into the VirtualService, but the DestinationRule for pricing only " +
		"defines v1 and v2, so Envoy has no cluster outbound|8080|v3|pricing."
	c.Style = StyleTyped
	c.KubeVersion = "v1.32.3"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.25.2"})
	c.MeshNS("checkout")
	var ps []*App
	for _, v := range []string{"v1", "v2", "v3"} {
		ps = append(ps, c.App(AppSpec{NS: "checkout", Name: "pricing-" + v, Labels: map[string]string{"app": "pricing", "version": v}, Replicas: 1,
			Image: "ghcr.io/acme/pricing:" + map[string]string{"v1": "2.0.4", "v2": "2.1.0", "v3": "2.2.0-rc.1"}[v], Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true}))
	}
	psvc := c.Service("checkout", "pricing", map[string]string{"app": "pricing"}, P("http", 8080, "http"))
	cart, cs := c.Web("checkout", "cart", 2, 8080, "ghcr.io/acme/cart:5.2.0", true)
	c.GW("v1", "checkout", "checkout-gw", map[string]string{"istio": "ingressgateway"}, "checkout.acme.example")
	c.VS("v1", "checkout", "pricing", M{"hosts": Strs("checkout.acme.example"), "gateways": Strs("checkout-gw"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/api/price"}}}, "route": L{
			M{"destination": M{"host": "pricing", "subset": "v1"}, "weight": 70},
			M{"destination": M{"host": "pricing", "subset": "v2"}, "weight": 20},
			M{"destination": M{"host": "pricing", "subset": "v3"}, "weight": 10}}},
		M{"route": L{Route("cart", 8080, "")}}}})
	c.DR("v1", "checkout", "pricing", M{"host": "pricing.checkout.svc.cluster.local", "subsets": Subsets("v1", "v2"),
		"trafficPolicy": M{"loadBalancer": M{"simple": "LEAST_REQUEST"}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-20*Min), c.Now.Add(-5*Sec), 400,
		Flow{Authority: "checkout.acme.example", Paths: []string{"/cart", "POST /cart/items"}, Cluster: Cl(8080, "", cs.Host()), Hosts: Hosts(cart), Weight: 3},
		Flow{Authority: "checkout.acme.example", Paths: []string{"/api/price?sku=1182", "/api/price?sku=2291&qty=3"}, Cluster: Cl(8080, "v1", psvc.Host()), Hosts: Hosts(ps[0]), Weight: 14},
		Flow{Authority: "checkout.acme.example", Paths: []string{"/api/price?sku=1182"}, Cluster: Cl(8080, "v2", psvc.Host()), Hosts: Hosts(ps[1]), Weight: 4},
		Flow{Authority: "checkout.acme.example", Paths: []string{"/api/price?sku=1182", "/api/price?sku=771"}, Cluster: Cl(8080, "v3", psvc.Host()), Weight: 2,
			Fail: func(time.Time, int) *Outcome { x := NC; return &x }},
	)
	c.GWLog(m, Istio(F19, recs))
	c.Expect("subset-undefined", "VirtualService", "checkout", "pricing", "")
	c.Absent = []string{"subset-no-pods", "destination-host-unknown"}
	return c
}

func case23DestinationHostUnknown() *Case {
	c := newCase("23-destination-host-unknown", at(2023, 9, 4, 18, 9))
	c.Description = "The recommendations row of the media home page is empty; /api/recommendations returns 503 NC at " +
		"the gateway. The VirtualService routes to host recomendations.media.svc.cluster.local (one m): no Service " +
		"and no ServiceEntry has that name; the real Service is recommendations."
	c.Style = StyleYAML
	c.KubeVersion = "v1.27.6"
	c.Cluster(GKE, 0, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.19.3"})
	c.MeshNS("media")
	c.Web("media", "recommendations", 2, 8080, "europe-docker.pkg.dev/prod-project-381204/media/recommendations:1.12.0", true)
	hm, hs := c.Web("media", "home", 2, 8080, "europe-docker.pkg.dev/prod-project-381204/media/home:3.3.1", true)
	c.SE("v1beta1", "media", "tmdb-api", M{"hosts": Strs("api.themoviedb.org"), "location": "MESH_EXTERNAL", "ports": L{M{"name": "https", "number": 443, "protocol": "TLS"}}, "resolution": "DNS"})
	c.GW("v1beta1", "media", "media-gateway", map[string]string{"istio": "ingressgateway"}, "media.example.com")
	c.VS("v1beta1", "media", "media", M{"hosts": Strs("media.example.com"), "gateways": Strs("media-gateway"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/api/recommendations"}}}, "route": L{Route("recomendations.media.svc.cluster.local", 8080, "")}, "timeout": "3s"},
		M{"route": L{Route("home", 8080, "")}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-10*Min), c.Now.Add(-10*Sec), 220,
		Flow{Authority: "media.example.com", Paths: []string{"/", "/assets/home.js", "/browse/series"}, Cluster: Cl(8080, "", hs.Host()), Hosts: Hosts(hm), Weight: 3},
		Flow{Authority: "media.example.com", Paths: []string{"/api/recommendations?profile=p_19", "/api/recommendations?profile=p_7&row=2"}, Weight: 1,
			Fail: func(time.Time, int) *Outcome { x := NC; return &x }},
	)
	c.GWLog(m, Istio(F19, recs))
	c.Expect("destination-host-unknown", "VirtualService", "media", "media", "")
	c.Absent = []string{"subset-undefined", "no-workload"}
	return c
}

func case24RouteMissing() *Case {
	c := newCase("24-route-missing", at(2024, 3, 19, 11, 44))
	c.Description = "After moving the ingress gateway to its own istio-ingress namespace (Helm gateway chart), " +
		"storefront.acme.example answers 404 NR route_not_found. The storefront VirtualService still says " +
		"gateways: [public-gateway] without the namespace, so it binds to shop/public-gateway, which does not exist."
	c.Style = StyleList
	c.KubeVersion = "v1.28.7"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.22.1", GWNamespace: "istio-ingress", GWName: "istio-ingress",
		GWLabels: map[string]string{"app": "istio-ingress", "istio": "ingress"}})
	c.GW("v1beta1", "istio-ingress", "public-gateway", map[string]string{"istio": "ingress"}, "*.acme.example")
	c.MeshNS("shop")
	sf, _ := c.Web("shop", "storefront", 3, 8080, "ghcr.io/acme/storefront:4.8.0", true)
	c.VS("v1beta1", "shop", "storefront", M{"hosts": Strs("storefront.acme.example"), "gateways": Strs("public-gateway"), "http": L{M{"route": L{Route("storefront", 8080, "")}}}})
	c.MeshNS("blog")
	bl, bs := c.Web("blog", "ghost", 1, 2368, "ghost:5.80.0", true)
	c.VS("v1beta1", "blog", "blog", M{"hosts": Strs("blog.acme.example"), "gateways": Strs("istio-ingress/public-gateway"), "http": L{M{"route": L{Route("ghost", 2368, "")}}}})
	_ = sf
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-12*Min), c.Now.Add(-5*Sec), 200,
		Flow{Authority: "blog.acme.example", Paths: []string{"/", "/rss/", "/2024/03/spring-sale/"}, Cluster: Cl(2368, "", bs.Host()), Hosts: Hosts(bl), Weight: 1},
		Flow{Authority: "storefront.acme.example", Paths: []string{"/", "/products/1182", "/cart"}, Weight: 2,
			Fail: func(time.Time, int) *Outcome { x := NR; return &x }},
	)
	c.GWLog(m, Istio(F19, recs))
	c.Expect("route-missing", "VirtualService", "shop", "storefront", "")
	c.Absent = []string{"gateway-no-pods"}
	return c
}

func case25GatewayNoPods() *Case {
	c := newCase("25-gateway-no-pods", at(2024, 8, 27, 9, 5))
	c.Description = "shop.acme.example is unreachable after the istio-ingressgateway from istioctl was replaced by the " +
		"Helm gateway chart. The new pods are labelled istio: ingress, but the shop Gateway still selects " +
		"istio: ingressgateway, which no pod carries; the new gateway has no listener for the shop hosts."
	c.Style = StyleTyped
	c.KubeVersion = "v1.30.3"
	c.Cluster(Kubeadm, 1, 2)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.22.4", GWNamespace: "istio-ingress", GWName: "istio-ingress",
		GWLabels: map[string]string{"app": "istio-ingress", "istio": "ingress"}})
	c.MeshNS("shop")
	c.Web("shop", "storefront", 2, 8080, "ghcr.io/acme/storefront:4.9.0", true)
	c.Web("shop", "cart", 2, 8080, "ghcr.io/acme/cart:5.1.2", true)
	c.GW("v1", "shop", "shop-gateway", map[string]string{"istio": "ingressgateway"}, "shop.acme.example")
	c.VS("v1", "shop", "storefront", M{"hosts": Strs("shop.acme.example"), "gateways": Strs("shop-gateway"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/cart"}}}, "route": L{Route("cart", 8080, "")}},
		M{"route": L{Route("storefront", 8080, "")}}}})
	t := m.GWPod(0)
	start := c.Now.Add(-47 * Min)
	c.Log("istio-ingress", t.Name, "istio-proxy", append(AgentStartup(start, "1.22.4", t.IP, true),
		IstioLog(start.Add(3*Sec), "warn", "envoy main", "there is no configured limit to the number of allowed active downstream connections. Configure a limit in `envoy.resource_monitors.downstream_connections` resource monitor.\tthread=14"))...)
	// the uptime probe that opened the ticket
	c.Namespace("monitoring")
	bb := c.App(AppSpec{NS: "monitoring", Name: "blackbox-exporter", Replicas: 1, Image: "quay.io/prometheus/blackbox-exporter:v0.25.0", Ports: []CPort{{"http", 9115}}})
	var l []string
	for i := 0; i < 12; i++ {
		tt := c.Now.Add(-time.Duration(44-i*3) * Min)
		l = append(l, fmt.Sprintf(`ts=%s caller=main.go:190 module=http_2xx target=https://shop.acme.example/ level=error msg="Error for HTTP request" err="Get \"https://%s/\": dial tcp %s:443: connect: connection refused"`,
			tt.Format("2006-01-02T15:04:05.000Z"), m.GWSvc.obj.M["status"].(M)["loadBalancer"].(M)["ingress"].(L)[0].(M)["ip"], m.GWSvc.obj.M["status"].(M)["loadBalancer"].(M)["ingress"].(L)[0].(M)["ip"]))
	}
	c.Log("monitoring", bb.Pods[0].Name, "blackbox-exporter", l...)
	c.Expect("gateway-no-pods", "Gateway", "shop", "shop-gateway", "")
	c.Absent = []string{"route-missing"}
	return c
}

func case26MTLSMismatch() *Case {
	c := newCase("26-mtls-mismatch", at(2023, 6, 13, 14, 28))
	c.Description = "payments-api gets 503 UC (connection_termination) from ledger since the payments namespace was " +
		"switched to PeerAuthentication STRICT. An old DestinationRule for ledger sets tls.mode: DISABLE, so the " +
		"client sidecar sends plaintext; ledger's sidecar only accepts mTLS (NR filter_chain_not_found inbound)."
	c.Style = StyleList
	c.KubeVersion = "v1.26.9"
	c.Cluster(EKS, 0, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.17.8", NoGateway: true})
	c.MeshNS("payments")
	c.PA("v1beta1", "payments", "default", "STRICT")
	api, _ := c.Web("payments", "payments-api", 2, 8080, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:2023.06.1", true)
	led, ls := c.Web("payments", "ledger", 2, 8080, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger:3.2.0", true)
	fx, fs := c.Web("payments", "fx-rates", 1, 8080, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fx-rates:1.0.9", true)
	c.DR("v1alpha3", "payments", "ledger", M{"host": "ledger.payments.svc.cluster.local", "trafficPolicy": M{"tls": M{"mode": "DISABLE"}, "connectionPool": M{"http": M{"idleTimeout": "30s"}}}})
	strict := c.Now.Add(-31 * Min)
	for _, p := range api.Pods {
		recs := c.Traffic(Sidecar(p), c.Now.Add(-40*Min), c.Now.Add(-10*Sec), 160,
			Flow{Authority: "ledger:8080", Paths: []string{"POST /v1/entries", "/v1/balance/acc_193"}, Cluster: Cl(8080, "", ls.Host()), Hosts: Hosts(led), SvcAddr: ls.Addr(), Weight: 2,
				Fail: FailAfter(strict, UC), OKCodes: []int{200, 201}},
			Flow{Authority: "fx-rates:8080", Paths: []string{"/v1/rates?base=EUR"}, Cluster: Cl(8080, "", fs.Host()), Hosts: Hosts(fx), SvcAddr: fs.Addr()},
		)
		c.Log("payments", p.Name, "istio-proxy", Istio(F19, recs)...)
	}
	// ledger inbound: plaintext hits a listener that only has mTLS filter chains
	for _, p := range led.Pods {
		r := newRand(p.Name)
		var l []string
		for t := strict.Add(7 * Sec); t.Before(c.Now); t = t.Add(time.Duration(9+r.N(20)) * Sec) {
			l = append(l, fmt.Sprintf("[%s] \"- - -\" 0 NR filter_chain_not_found - \"-\" 0 0 0 - \"-\" \"-\" \"-\" \"-\" \"-\" - - %s:8080 %s:%d - -",
				envoyTime(t.Add(time.Duration(r.N(999))*time.Millisecond)), p.IP, api.Pods[r.N(len(api.Pods))].IP, 33000+r.N(20000)))
		}
		c.Log("payments", p.Name, "istio-proxy", l...)
	}
	c.Expect("mtls-mismatch", "DestinationRule", "payments", "ledger", "")
	return c
}

func case27OutlierEjected() *Case {
	c := newCase("27-outlier-ejected", at(2025, 1, 30, 20, 17))
	c.Description = "Recommendations return 503 no healthy upstream although all three pods are Ready. A 40-second " +
		"database failover made them answer 503; the DestinationRule's outlier detection (3 consecutive 5xx, " +
		"maxEjectionPercent 100, baseEjectionTime 5m) ejected every host. The gateway's /clusters shows " +
		"failed_outlier_check on all of them."
	c.Style = StyleList
	c.KubeVersion = "v1.31.3"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.24.2"})
	c.MeshNS("checkout")
	rec, rs := c.Web("checkout", "recommendation", 3, 8080, "ghcr.io/acme/recommendation:2.4.1", true)
	ct, cs := c.Web("checkout", "cart", 2, 8080, "ghcr.io/acme/cart:5.2.0", true)
	c.DR("v1", "checkout", "recommendation", M{"host": "recommendation", "trafficPolicy": M{"outlierDetection": M{
		"consecutive5xxErrors": 3, "interval": "10s", "baseEjectionTime": "5m", "maxEjectionPercent": 100}}})
	c.GW("v1", "checkout", "checkout-gw", map[string]string{"istio": "ingressgateway"}, "checkout.acme.example")
	c.VS("v1", "checkout", "checkout", M{"hosts": Strs("checkout.acme.example"), "gateways": Strs("checkout-gw"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/api/recommendations"}}}, "route": L{Route("recommendation", 8080, "")}},
		M{"route": L{Route("cart", 8080, "")}}}})
	burst, eject := c.Now.Add(-4*Min-10*Sec), c.Now.Add(-3*Min-30*Sec)
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-12*Min), c.Now.Add(-5*Sec), 420,
		Flow{Authority: "checkout.acme.example", Paths: []string{"/cart", "POST /cart/items"}, Cluster: Cl(8080, "", cs.Host()), Hosts: Hosts(ct), Weight: 2},
		Flow{Authority: "checkout.acme.example", Paths: []string{"/api/recommendations?cart=c_8812", "/api/recommendations?cart=c_1183"}, Cluster: Cl(8080, "", rs.Host()), Hosts: Hosts(rec), Weight: 3,
			Fail: func(t time.Time, i int) *Outcome {
				switch {
				case t.After(eject):
					x := UH
					return &x
				case t.After(burst):
					x := E5
					return &x
				}
				return nil
			}},
	)
	c.GWLog(m, Istio(F19, recs))
	var hosts []EHost
	for i, p := range rec.Pods {
		hosts = append(hosts, EHost{IP: p.IP, Port: 8080, Outlier: true, RqTotal: 1400 + i*37, RqError: 9 + i, CxTotal: 31 + i, SuccessRate: -1})
	}
	var ch []EHost
	for _, p := range ct.Pods {
		ch = append(ch, EHost{IP: p.IP, Port: 8080, RqTotal: 900, CxTotal: 20, SuccessRate: -1})
	}
	gw := m.GWPod(0)
	c.File(fmt.Sprintf("proxy/istio-system/%s/clusters.json", gw.Name), ClustersJSON([]ECluster{
		{Name: Cl(8080, "", rs.Host()), EDS: Cl(8080, "", rs.Host()), Hosts: hosts, Outlier: true, AddedViaAPI: true, Observability: "outbound|8080||recommendation.checkout.svc.cluster.local;"},
		{Name: Cl(8080, "", cs.Host()), EDS: Cl(8080, "", cs.Host()), Hosts: ch, AddedViaAPI: true, Observability: "outbound|8080||cart.checkout.svc.cluster.local;"},
	}))
	c.Expect("outlier-ejected", "DestinationRule", "checkout", "recommendation", "")
	c.Absent = []string{"readiness-probe-failing", "crash-loop"}
	return c
}

func case28ActiveHCEnvoy() *Case {
	c := newCase("28-active-hc-envoy", at(2024, 2, 8, 13, 36))
	c.Description = "The standalone Envoy edge proxy for the media API answers 503 UH for every request. Its cluster " +
		"has an active HTTP health check on /healthz, but media-api 5.0 moved health to /health/ready and returns 404 " +
		"on /healthz. The pods are Ready; Envoy's /clusters marks every host /failed_active_hc."
	c.Style = StyleTyped
	c.KubeVersion = "v1.28.6"
	c.Cluster(K3s, 1, 2)
	c.KubeSystem(nil)
	c.Namespace("media")
	api := c.App(AppSpec{NS: "media", Name: "media-api", Replicas: 3, Image: "registry.media.example/media-api:5.0.0", Ports: []CPort{{"http", 8080}}, Probe: "/health/ready", Revision: 5})
	svc := c.Service("media", "media-api", map[string]string{"app": "media-api"}, P("http", 8080, "http"))
	set(svc.obj.M, "spec.clusterIP", "None")
	set(svc.obj.M, "spec.clusterIPs", L{"None"})
	edge := c.App(AppSpec{NS: "media", Name: "edge-envoy", Replicas: 1, Image: "envoyproxy/envoy:v1.29.1", Container: "envoy", Ports: []CPort{{"http", 10000}, {"admin", 9901}},
		Args: []string{"-c", "/etc/envoy/envoy.yaml", "--log-level", "warn"}})
	c.ServiceT("media", "edge-envoy", "LoadBalancer", map[string]string{"app": "edge-envoy"}, SvcPort{Name: "http", Port: 80, Target: "http"})
	c.Raw("v1", "ConfigMap", "media", "edge-envoy", 200*Day, map[string]string{"app": "edge-envoy"}, M{"data": M{"envoy.yaml": strings.Join([]string{
		"admin:", "  address: {socket_address: {address: 0.0.0.0, port_value: 9901}}",
		"static_resources:", "  listeners:", "  - name: http", "    address: {socket_address: {address: 0.0.0.0, port_value: 10000}}", "    filter_chains:", "    - filters:",
		"      - name: envoy.filters.network.http_connection_manager", "        typed_config:",
		"          \"@type\": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
		"          stat_prefix: ingress_http", "          access_log:", "          - name: envoy.access_loggers.stdout",
		"            typed_config: {\"@type\": type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog}",
		"          route_config:", "            virtual_hosts:", "            - name: media", "              domains: [\"*\"]", "              routes:",
		"              - match: {prefix: \"/\"}", "                route: {cluster: media_api}",
		"          http_filters:", "          - name: envoy.filters.http.router", "            typed_config: {\"@type\": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}",
		"  clusters:", "  - name: media_api", "    type: STRICT_DNS", "    connect_timeout: 1s", "    lb_policy: ROUND_ROBIN",
		"    load_assignment:", "      cluster_name: media_api", "      endpoints:", "      - lb_endpoints:",
		"        - endpoint: {address: {socket_address: {address: media-api.media.svc.cluster.local, port_value: 8080}}}",
		"    health_checks:", "    - timeout: 1s", "      interval: 5s", "      unhealthy_threshold: 2", "      healthy_threshold: 1",
		"      http_health_check: {path: /healthz}", ""}, "\n")}})
	dep := c.Now.Add(-26 * Min)
	recs := c.Traffic(Vantage{IP: edge.Pods[0].IP, Listen: 10000, Clients: c.NodeIPs(), External: true}, c.Now.Add(-35*Min), c.Now.Add(-10*Sec), 240,
		Flow{Authority: "media-api.example.com", Paths: []string{"/v1/titles/8812", "/v1/titles?genre=drama", "POST /v1/watchlist"}, Cluster: "media_api", Hosts: AllHosts(api),
			Fail: FailAfter(dep.Add(12*Sec), UH)},
	)
	c.Log("media", edge.Pods[0].Name, "envoy", EnvoyDefault(recs)...)
	var hs []EHost
	for _, p := range api.Pods {
		hs = append(hs, EHost{IP: p.IP, Port: 8080, ActiveHC: true, RqTotal: 812, CxTotal: 14, Hostname: "media-api.media.svc.cluster.local", SuccessRate: -1})
	}
	c.File(fmt.Sprintf("proxy/media/%s/clusters.txt", edge.Pods[0].Name), ClustersText([]ECluster{{Name: "media_api", Hosts: hs}}))
	c.ScaledRS(api, 0, 3, dep) // old ReplicaSet scaled down at the end of the 5.0 rollout
	c.objs[len(c.objs)-1].M["message"] = "Scaled down replica set media-api-7d9f6c5b8c to 0 from 1"
	c.Expect("active-health-check-failing", "Service", "media", "media-api", "")
	c.Absent = []string{"readiness-probe-failing", "outlier-ejected"}
	return c
}

func case29ActiveHCHAProxy() *Case {
	c := newCase("29-active-hc-haproxy", at(2024, 12, 12, 16, 51))
	c.Description = "The HAProxy in front of the catalog API returns 503 <NOSRV> SC--. Its backend checks GET /health; " +
		"catalog-api 3.0 serves /healthz only and answers 404, so HAProxy marks every server DOWN (Layer7 wrong " +
		"status) and reports 'backend has no server available'. Kubernetes readiness (on /healthz) is green."
	c.Style = StyleList
	c.KubeVersion = "v1.31.2"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	c.Namespace("shop")
	api := c.App(AppSpec{NS: "shop", Name: "catalog-api", Replicas: 3, Image: "ghcr.io/acme/catalog-api:3.0.0", Ports: []CPort{{"http", 8080}}, Probe: "/healthz", Revision: 9})
	svc := c.Service("shop", "catalog-api", map[string]string{"app": "catalog-api"}, P("http", 8080, "http"))
	set(svc.obj.M, "spec.clusterIP", "None")
	set(svc.obj.M, "spec.clusterIPs", L{"None"})
	hap := c.App(AppSpec{NS: "shop", Name: "haproxy", Replicas: 1, Image: "haproxytech/haproxy-alpine:2.9.7", Ports: []CPort{{"http", 8080}, {"stats", 8404}}, Probe: "/healthz"})
	c.ServiceT("shop", "haproxy", "LoadBalancer", map[string]string{"app": "haproxy"}, SvcPort{Name: "http", Port: 80, Target: "http"})
	c.Raw("v1", "ConfigMap", "shop", "haproxy-config", 300*Day, map[string]string{"app": "haproxy"}, M{"data": M{"haproxy.cfg": strings.Join([]string{
		"global", "  log stdout format raw local0", "", "defaults", "  mode http", "  log global", "  option httplog", "  timeout connect 3s", "  timeout client 30s", "  timeout server 30s", "",
		"resolvers kubedns", "  nameserver dns1 " + c.flavor.SvcNet + ".0.10:53", "",
		"frontend fe_http", "  bind :8080", "  monitor-uri /healthz", "  default_backend be_catalog", "",
		"backend be_catalog", "  option httpchk GET /health", "  http-check expect status 200",
		"  server-template srv 3 catalog-api.shop.svc.cluster.local:8080 resolvers kubedns init-addr none check inter 2s fall 3 rise 2", ""}, "\n")}})
	rollout := c.Now.Add(-19 * Min)
	var hosts []string
	for i := range api.Pods {
		hosts = append(hosts, fmt.Sprintf("srv%d", i+1))
	}
	recs := c.Traffic(Vantage{IP: hap.Pods[0].IP, Listen: 8080, Clients: c.NodeIPs(), External: true}, c.Now.Add(-30*Min), c.Now.Add(-10*Sec), 260,
		Flow{Authority: "catalog.acme.example", Paths: []string{"/v3/products/1182", "/v3/products?category=lamps", "/v3/categories"}, Cluster: "be_catalog", Hosts: hosts,
			Fail: FailAfter(rollout.Add(20*Sec), Outcome{Code: 503, NoUpstream: true})},
	)
	var st []TLine
	for i, h := range hosts {
		t := rollout.Add(time.Duration(8+i*4) * Sec)
		st = append(st, TLine{t, fmt.Sprintf("[WARNING]  (8) : Server be_catalog/%s is DOWN, reason: Layer7 wrong status, code: 404, info: \"Not Found\", check duration: %dms. %d active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.", h, 1+i, len(hosts)-1-i)})
	}
	st = append(st, TLine{rollout.Add(16 * Sec), "[ALERT]    (8) : backend 'be_catalog' has no server available!"})
	c.Log("shop", hap.Pods[0].Name, "haproxy", Merge(Timed(recs, HAProxyHTTP(c.Name, "fe_http", recs)), st)...)
	c.Expect("active-health-check-failing", "Service", "shop", "catalog-api", "")
	c.Absent = []string{"readiness-probe-failing", "scaled-to-zero"}
	return c
}

func case30CircuitBreaker() *Case {
	c := newCase("30-circuit-breaker-overflow", at(2024, 12, 18, 12, 3))
	c.Description = "Payments intermittently fail with 503 UO during the lunch peak. The fx-rates DestinationRule was " +
		"copied from the Istio circuit-breaking task (maxConnections: 1, http1MaxPendingRequests: 1, " +
		"maxRequestsPerConnection: 1); under load most calls overflow. Access log is Istio 1.24 JSON (cluster names with ';')."
	c.Style = StyleTyped
	c.KubeVersion = "v1.30.6"
	c.Cluster(EKS, 0, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.24.1", NoGateway: true})
	c.MeshNS("payments")
	api, _ := c.Web("payments", "payments-api", 3, 8080, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:2024.12.2", true)
	fx, fs := c.Web("payments", "fx-rates", 2, 8080, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fx-rates:1.3.0", true)
	led, ls := c.Web("payments", "ledger", 2, 8080, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger:3.9.1", true)
	c.DR("v1", "payments", "fx-rates", M{"host": "fx-rates", "trafficPolicy": M{"connectionPool": M{
		"tcp":  M{"maxConnections": 1},
		"http": M{"http1MaxPendingRequests": 1, "maxRequestsPerConnection": 1}}}})
	peak := c.Now.Add(-9 * Min)
	for _, p := range api.Pods {
		recs := c.Traffic(Sidecar(p), c.Now.Add(-14*Min), c.Now.Add(-5*Sec), 260,
			Flow{Authority: "fx-rates:8080", Paths: []string{"/v1/rates?base=EUR", "/v1/rates?base=USD&symbols=GBP"}, Cluster: Cl(8080, "", fs.Host()), Hosts: Hosts(fx), SvcAddr: fs.Addr(), Weight: 3,
				Fail: func(t time.Time, i int) *Outcome {
					if t.After(peak) && i%3 != 0 {
						x := UO
						return &x
					}
					return nil
				}},
			Flow{Authority: "ledger:8080", Paths: []string{"POST /v1/entries"}, Cluster: Cl(8080, "", ls.Host()), Hosts: Hosts(led), SvcAddr: ls.Addr(), OKCodes: []int{201}},
		)
		c.Log("payments", p.Name, "istio-proxy", Istio(JS124, recs)...)
	}
	var hs []EHost
	for _, p := range fx.Pods {
		hs = append(hs, EHost{IP: p.IP, Port: 8080, RqTotal: 2210, CxTotal: 2210, SuccessRate: -1})
	}
	c.File(fmt.Sprintf("proxy/payments/%s/clusters.json", api.Pods[0].Name), ClustersJSON([]ECluster{
		{Name: Cl(8080, "", fs.Host()), EDS: Cl(8080, "", fs.Host()), Hosts: hs, MaxConn: 1, MaxPending: 1, AddedViaAPI: true, Observability: Cl(8080, "", fs.Host()) + ";"}}))
	c.Expect("circuit-breaker-overflow", "DestinationRule", "payments", "fx-rates", "")
	return c
}
