package main

import (
	"fmt"
	"time"
)

func case17PortMismatchNamed() *Case {
	c := newCase("17-port-mismatch-named", at(2024, 7, 2, 14, 55))
	c.Description = "Subtitles stopped loading (503 UH at the ingress gateway) after the subtitles Service was " +
		"rewritten to use a named targetPort http-api. The container only exposes a port named http, so the " +
		"EndpointSlice lists the ready pods with no ports and Envoy has no endpoint for port 80."
	c.Style = StyleTyped
	c.KubeVersion = "v1.30.2"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.22.3"})
	c.MeshNS("media")
	sub := c.App(AppSpec{NS: "media", Name: "subtitles", Replicas: 2, Image: "registry.media.example/subtitles:1.7.4", Ports: []CPort{{"http", 8080}}, Probe: "/healthz", Sidecar: true})
	ss := c.Service("media", "subtitles", map[string]string{"app": "subtitles"}, SvcPort{Name: "http", Port: 80, Target: "http-api"})
	pl, ps := c.Web("media", "player-api", 2, 8000, "registry.media.example/player-api:2.9.0", true)
	c.Web("media", "catalog", 2, 8080, "registry.media.example/catalog:4.1.0", true)
	c.GW("v1", "media", "media-gateway", map[string]string{"istio": "ingressgateway"}, "media.example.com")
	c.VS("v1", "media", "media", M{"hosts": Strs("media.example.com"), "gateways": Strs("media-gateway"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/subtitles"}}}, "route": L{Route("subtitles", 80, "")}},
		M{"route": L{Route("player-api", 8000, "")}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-20*Min), c.Now.Add(-10*Sec), 240,
		Flow{Authority: "media.example.com", Paths: []string{"/play/8812/manifest.m3u8", "POST /play/8812/heartbeat"}, Cluster: Cl(8000, "", ps.Host()), Hosts: Hosts(pl), Weight: 3},
		Flow{Authority: "media.example.com", Paths: []string{"/subtitles/8812/en.vtt", "/subtitles/8812/de.vtt"}, Cluster: Cl(80, "", ss.Host()), Hosts: AllHosts(sub), Weight: 1,
			Fail: FailAfter(c.Now.Add(-14*Min), UH)},
	)
	c.Log("istio-system", m.GWPod(0).Name, "istio-proxy", Istio(F19, recs)...)
	c.Expect("port-mismatch", "Service", "media", "subtitles", "")
	c.Absent = []string{"endpoints-missing", "readiness-probe-failing"}
	return c
}

func case18PortMismatchRefused() *Case {
	c := newCase("18-port-mismatch-refused", at(2025, 3, 6, 10, 3))
	c.Description = "shop.acme.example/search returns 502 from ingress-nginx with 'connect() failed (111: Connection " +
		"refused)'. The search image was rebased on a Node.js base that listens on 3000 (container port and probe " +
		"updated), but the Service still targets 8080: endpoints are ready, nothing listens there."
	c.Style = StyleList
	c.KubeVersion = "v1.31.1"
	c.Cluster(AKS, 0, 3)
	c.KubeSystem(nil)
	ing := c.IngressNginx("v1.11.3")
	c.Namespace("shop")
	se := c.App(AppSpec{NS: "shop", Name: "search", Replicas: 2, Image: "shopacr.azurecr.io/search:4.0.0", Ports: []CPort{{"http", 3000}}, Probe: "/healthz", Revision: 6})
	c.Service("shop", "search", map[string]string{"app": "search"}, P("http", 80, 8080))
	sf, _ := c.Web("shop", "storefront", 3, 8080, "shopacr.azurecr.io/storefront:4.9.2", false)
	c.Ingress("shop", "shop", "shop.acme.example", "/search", "search", 80, "/", "storefront", 8080)
	var hosts []string
	for _, p := range se.Pods {
		hosts = append(hosts, p.IP+":8080")
	}
	refused := Outcome{Code: 502, BytesSent: 150, Dur: 1}
	recs := c.Traffic(c.ingressVantage(ing), c.Now.Add(-18*Min), c.Now.Add(-10*Sec), 220,
		Flow{Authority: "shop.acme.example", Paths: []string{"/", "/products/1182", "/cart"}, Cluster: "shop-storefront-8080", Hosts: Hosts(sf), Weight: 4},
		Flow{Authority: "shop.acme.example", Paths: []string{"/search?q=lamp", "/search/suggest?q=la"}, Cluster: "shop-search-80", Hosts: hosts, Weight: 2,
			Fail: FailAfter(c.Now.Add(-12*Min), refused)},
	)
	var errs []TLine
	r := newRand(c.Name + "err")
	conn := 48211
	for i := range recs {
		x := &recs[i]
		if x.Code != 502 {
			continue
		}
		x.Tries = 3
		first := r.N(len(hosts))
		x.UpHosts = []string{hosts[first], hosts[1-first], hosts[first]}
		x.UpHost = hosts[first]
		// ingress-nginx retries the next endpoint (proxy_next_upstream error timeout)
		for _, h := range x.UpHosts {
			conn++
			errs = append(errs, TLine{x.T, NginxErr(x.T, 31, conn, "connect() failed (111: Connection refused) while connecting to upstream",
				"client: "+x.XFF, "server: shop.acme.example", fmt.Sprintf("request: \"%s %s %s\"", x.Method, x.Path, x.Proto),
				fmt.Sprintf("upstream: \"http://%s%s\"", h, x.Path), "host: \"shop.acme.example\"")})
		}
	}
	c.ingressLog(ing, recs, errs)
	c.Expect("port-mismatch", "Service", "shop", "search", "")
	c.Absent = []string{"readiness-probe-failing", "endpoints-missing"}
	return c
}

func case19EndpointsMissing() *Case {
	c := newCase("19-endpoints-missing", at(2024, 4, 16, 9, 50))
	c.Description = "The new orders Service went live 25 minutes ago and the gateway answers 503 UH for it. Its pods " +
		"are Running and Ready and match the selector, but no EndpointSlice exists: a Kyverno mutating webhook with " +
		"failurePolicy Fail times out on EndpointSlice creation (FailedToUpdateEndpointSlices events)."
	c.Style = StyleList
	c.KubeVersion = "v1.29.3"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.24.2"})
	c.Namespace("kyverno")
	c.App(AppSpec{NS: "kyverno", Name: "kyverno-admission-controller", Labels: map[string]string{"app.kubernetes.io/component": "admission-controller", "app.kubernetes.io/instance": "kyverno", "app.kubernetes.io/part-of": "kyverno"},
		Replicas: 1, Image: "ghcr.io/kyverno/kyverno:v1.11.4", Container: "kyverno", Ports: []CPort{{"https", 9443}, {"metrics-port", 8000}}, ServiceAccount: "kyverno-admission-controller"})
	c.Service("kyverno", "kyverno-svc", map[string]string{"app.kubernetes.io/component": "admission-controller", "app.kubernetes.io/instance": "kyverno", "app.kubernetes.io/part-of": "kyverno"}, P("https", 443, "https"))
	c.MeshNS("shop")
	or := c.App(AppSpec{NS: "shop", Name: "orders", Replicas: 2, Image: "ghcr.io/acme/orders:1.0.0", Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true, Age: 26 * Min, Revision: 1})
	os := c.Service("shop", "orders", map[string]string{"app": "orders"}, P("http", 8080, "http"))
	c.noSlices["shop/orders"] = true
	osObj := os.obj.Meta()
	osObj["creationTimestamp"] = ts(c.Now.Add(-25 * Min))
	c.Event(EventSpec{Obj: Ref{"Service", "shop", "orders"}, Type: "Warning", Reason: "FailedToUpdateEndpointSlices", Component: "endpoint-slice-controller",
		Message: `Error updating Endpoint Slices for Service shop/orders: failed to create EndpointSlice for Service shop/orders: Internal error occurred: failed calling webhook "mutate.kyverno.svc-fail": failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/mutate/fail?timeout=10s": context deadline exceeded`,
		First:   c.Now.Add(-25 * Min), Last: c.Now.Add(-40 * Sec), Count: 19})
	fe, fes := c.Web("shop", "frontend", 2, 8080, "ghcr.io/acme/shop-frontend:2.16.0", true)
	c.GW("v1", "shop", "shop-gw", map[string]string{"istio": "ingressgateway"}, "shop.acme.example")
	c.VS("v1", "shop", "shop", M{"hosts": Strs("shop.acme.example"), "gateways": Strs("shop-gw"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/api/orders"}}}, "route": L{Route("orders", 8080, "")}},
		M{"route": L{Route("frontend", 8080, "")}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-20*Min), c.Now.Add(-5*Sec), 230,
		Flow{Authority: "shop.acme.example", Paths: []string{"/", "/products/1182", "/cart"}, Cluster: Cl(8080, "", fes.Host()), Hosts: Hosts(fe), Weight: 3},
		Flow{Authority: "shop.acme.example", Paths: []string{"POST /api/orders", "/api/orders/ord_1"}, Cluster: Cl(8080, "", os.Host()), Hosts: Hosts(or), Weight: 1,
			Fail: func(time.Time, int) *Outcome { x := UH; return &x }},
	)
	c.Log("istio-system", m.GWPod(0).Name, "istio-proxy", Istio(F19, recs)...)
	c.Expect("endpoints-missing", "Service", "shop", "orders", "")
	c.Absent = []string{"readiness-probe-failing", "selector-mismatch", "no-workload"}
	return c
}

func case20AllTerminating() *Case {
	c := newCase("20-all-endpoints-terminating", at(2024, 10, 1, 6, 2))
	c.Description = "A Recreate rollout of search-api (strategy chosen for a ReadWriteOnce cache volume) took all three " +
		"old pods down at once; they are in a 30s graceful shutdown, failing readiness, and the new ReplicaSet " +
		"is not created yet. Every endpoint is terminating and not serving; the gateway logs UH."
	c.Style = StyleTyped
	c.KubeVersion = "v1.30.4"
	c.Cluster(EKS, 0, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.23.1"})
	c.MeshNS("search")
	drain := c.Now.Add(-20 * Sec)
	sa := c.App(AppSpec{NS: "search", Name: "search-api", Replicas: 3, Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/search-api:8.1.0", Ports: []CPort{{"http", 8080}}, Probe: "/ready",
		Sidecar: true, Strategy: "Recreate", Revision: 7,
		State: func(i int, s *PodState) { s.Terminating, s.NotReady = drain, true }})
	// the rollout: revision 8 in the template, old ReplicaSet scaled to 0, new one not yet created
	set(sa.RS.M, "spec.replicas", 0)
	d := sa.Obj.M
	set(d, "metadata.generation", 9)
	set(d, "status.observedGeneration", 9)
	d["spec"].(M)["template"].(M)["spec"].(M)["containers"].(L)[0].(M)["image"] = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/search-api:8.2.0"
	delete(d["status"].(M), "updatedReplicas")
	ss := c.Service("search", "search-api", map[string]string{"app": "search-api"}, P("http", 8080, "http"))
	c.ScaledRS(sa, 0, 3, drain.Add(-Sec))
	for _, p := range sa.Pods {
		c.PodEvent(p, "Normal", "Killing", "Stopping container search-api", drain, drain, 1, "spec.containers{search-api}")
		c.PodEvent(p, "Normal", "Killing", "Stopping container istio-proxy", drain, drain, 1, "spec.containers{istio-proxy}")
		c.PodEvent(p, "Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", drain.Add(3*Sec), c.Now.Add(-2*Sec), 2, "spec.containers{search-api}")
	}
	ui, us := c.Web("search", "search-ui", 2, 8080, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/search-ui:3.0.1", true)
	c.GW("v1beta1", "search", "search", map[string]string{"istio": "ingressgateway"}, "search.acme.example")
	c.VS("v1beta1", "search", "search", M{"hosts": Strs("search.acme.example"), "gateways": Strs("search"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/api/"}}}, "route": L{Route("search-api", 8080, "")}},
		M{"route": L{Route("search-ui", 8080, "")}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-10*Min), c.Now.Add(-Sec), 300,
		Flow{Authority: "search.acme.example", Paths: []string{"/", "/static/main.js"}, Cluster: Cl(8080, "", us.Host()), Hosts: Hosts(ui), Weight: 2},
		Flow{Authority: "search.acme.example", Paths: []string{"/api/search?q=router", "/api/suggest?q=rou"}, Cluster: Cl(8080, "", ss.Host()), Hosts: AllHosts(sa), Weight: 3,
			Fail: FailAfter(drain.Add(2*Sec), UH)},
	)
	c.Log("istio-system", m.GWPod(0).Name, "istio-proxy", Istio(F19, recs)...)
	c.Expect("all-endpoints-terminating", "Deployment", "search", "search-api", "")
	c.Absent = []string{"readiness-probe-failing", "scaled-to-zero"}
	return c
}
