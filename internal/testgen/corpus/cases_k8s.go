package main

import (
	"fmt"
	"time"
)

// ingressLog writes an ingress-nginx controller log: banner, access lines, extra lines.
func (c *Case) ingressLog(ing *App, recs []Rec, extra ...[]TLine) {
	lines := NginxBanner("v1.11.2")
	parts := append([][]TLine{Timed(recs, IngressNginxAccess(c.Name, recs))}, extra...)
	c.Log("ingress-nginx", ing.Pods[0].Name, "controller", append(lines, Merge(parts...)...)...)
}

func (c *Case) ingressVantage(ing *App) Vantage {
	return Vantage{IP: ing.Pods[0].IP, Listen: 80, Clients: c.NodeIPs(), External: true}
}

func case04NoWorkload() *Case {
	c := newCase("04-no-workload", at(2024, 12, 2, 10, 47))
	c.Description = "After an Argo CD sync with pruning enabled, https://api.payco.example/fraud/score returns 503 " +
		"from ingress-nginx. The fraud-check Service is still there (its manifest lives in another app) but the " +
		"Deployment was pruned: no pod, ReplicaSet or workload in payments carries app=fraud-check."
	c.Style = StyleList
	c.KubeVersion = "v1.31.1"
	c.Cluster(AKS, 0, 3)
	c.KubeSystem(nil)
	ing := c.IngressNginx("")
	c.Namespace("payments")
	api := c.App(AppSpec{NS: "payments", Name: "payments-api", Replicas: 3, Image: "payco.azurecr.io/payments-api:2024.11.4", Ports: []CPort{{"http", 8080}}, Probe: "/actuator/health/readiness"})
	c.Service("payments", "payments-api", map[string]string{"app": "payments-api"}, P("http", 80, "http"))
	led := c.App(AppSpec{NS: "payments", Name: "ledger", Replicas: 2, Image: "payco.azurecr.io/ledger:3.8.2", Ports: []CPort{{"grpc", 9000}, {"http", 8080}}, Probe: "/ready"})
	c.Service("payments", "ledger", map[string]string{"app": "ledger"}, P("grpc", 9000, "grpc"), P("http", 80, "http"))
	fraud := c.Service("payments", "fraud-check", map[string]string{"app": "fraud-check"}, P("http", 80, 8080))
	c.Ingress("payments", "payments-public", "api.payco.example", "/v1", "payments-api", 80, "/fraud", "fraud-check", 80)
	_ = led
	failAt := c.Now.Add(-9 * Min)
	recs := c.Traffic(c.ingressVantage(ing), c.Now.Add(-16*Min), c.Now.Add(-15*Sec), 280,
		Flow{Authority: "api.payco.example", Paths: []string{"POST /v1/payments", "/v1/payments/pay_8sKq2", "/v1/balance"}, Cluster: "payments-payments-api-80", Hosts: Hosts(api), Weight: 4, OKCodes: []int{200, 201}},
		Flow{Authority: "api.payco.example", Paths: []string{"POST /fraud/score", "POST /fraud/score/batch"}, Cluster: "payments-fraud-check-80", Hosts: []string{"10.244.1.31:8080", "10.244.2.19:8080"}, Weight: 2,
			Fail: FailAfter(failAt, Outcome{Code: 503, BytesSent: 190, NoUpstream: true})},
	)
	c.ingressLog(ing, recs, NoEndpointWarnings(failAt.Add(-20*Sec), c.Now, 37*Sec, fraud.NS+"/"+fraud.Name))
	c.Expect("no-workload", "Service", "payments", "fraud-check", "")
	c.Absent = []string{"selector-mismatch", "scaled-to-zero"}
	return c
}

func case05SelectorTypo() *Case {
	c := newCase("05-selector-typo", at(2021, 3, 9, 8, 20))
	c.Description = "Product pages show 'Error fetching product reviews' after the reviews chart was refactored. " +
		"The reviews Service selector was retyped as app: reveiws; the reviews-v1/v2/v3 pods (app: reviews) run " +
		"and are ready but the Service selects nothing. productpage's sidecar logs UH for reviews (Istio 1.8 log format)."
	c.Style = StyleTyped
	c.KubeVersion = "v1.19.16"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.8.6"})
	c.MeshNS("shop")
	pp := c.App(AppSpec{NS: "shop", Name: "productpage-v1", Labels: map[string]string{"app": "productpage", "version": "v1"}, Replicas: 1,
		Image: "docker.io/istio/examples-bookinfo-productpage-v1:1.16.2", Ports: []CPort{{"", 9080}}, Sidecar: true})
	ppSvc := c.Service("shop", "productpage", map[string]string{"app": "productpage"}, P("http", 9080, nil))
	det := c.App(AppSpec{NS: "shop", Name: "details-v1", Labels: map[string]string{"app": "details", "version": "v1"}, Replicas: 1,
		Image: "docker.io/istio/examples-bookinfo-details-v1:1.16.2", Ports: []CPort{{"", 9080}}, Sidecar: true})
	detSvc := c.Service("shop", "details", map[string]string{"app": "details"}, P("http", 9080, nil))
	for _, v := range []string{"v1", "v2", "v3"} {
		c.App(AppSpec{NS: "shop", Name: "reviews-" + v, Labels: map[string]string{"app": "reviews", "version": v}, Replicas: 1,
			Image: "docker.io/istio/examples-bookinfo-reviews-" + v + ":1.16.2", Ports: []CPort{{"", 9080}}, Sidecar: true})
	}
	rev := c.Service("shop", "reviews", map[string]string{"app": "reveiws"}, P("http", 9080, nil))
	c.App(AppSpec{NS: "shop", Name: "ratings-v1", Labels: map[string]string{"app": "ratings", "version": "v1"}, Replicas: 1,
		Image: "docker.io/istio/examples-bookinfo-ratings-v1:1.16.2", Ports: []CPort{{"", 9080}}, Sidecar: true})
	c.Service("shop", "ratings", map[string]string{"app": "ratings"}, P("http", 9080, nil))
	c.GW("v1alpha3", "shop", "bookinfo-gateway", map[string]string{"istio": "ingressgateway"}, "*")
	c.VS("v1alpha3", "shop", "bookinfo", M{"hosts": Strs("*"), "gateways": Strs("bookinfo-gateway"), "http": L{
		M{"match": L{M{"uri": M{"exact": "/productpage"}}, M{"uri": M{"prefix": "/static"}}, M{"uri": M{"exact": "/login"}}, M{"uri": M{"exact": "/logout"}}},
			"route": L{Route("productpage", 9080, "")}}}})
	fail := c.Now.Add(-11 * Min)
	gw := c.Traffic(c.GWVantage(m), c.Now.Add(-14*Min), c.Now.Add(-10*Sec), 160,
		Flow{Authority: "shop.acme.example", Paths: []string{"/productpage", "/productpage", "/static/bootstrap/css/bootstrap.min.css", "/login"}, Cluster: Cl(9080, "", ppSvc.Host()), Hosts: Hosts(pp)})
	c.Log("istio-system", m.GWPod(0).Name, "istio-proxy", Istio(F18, gw)...)
	side := c.Traffic(Sidecar(pp.Pods[0]), c.Now.Add(-14*Min), c.Now.Add(-10*Sec), 240,
		Flow{Authority: "details:9080", Paths: []string{"/details/0"}, Cluster: Cl(9080, "", detSvc.Host()), Hosts: Hosts(det), SvcAddr: detSvc.Addr()},
		Flow{Authority: "reviews:9080", Paths: []string{"/reviews/0"}, Cluster: Cl(9080, "", rev.Host()), Hosts: []string{"10.244.2.14:9080", "10.244.3.11:9080", "10.244.1.20:9080"}, SvcAddr: rev.Addr(),
			Fail: FailAfter(fail, UH)})
	c.Log("shop", pp.Pods[0].Name, "istio-proxy", Istio(F18, side)...)
	c.Expect("selector-mismatch", "Service", "shop", "reviews", "")
	c.Absent = []string{"no-workload"}
	return c
}

func case06SelectorLabelKey() *Case {
	c := newCase("06-selector-label-key", at(2024, 6, 17, 13, 2))
	c.Description = "Checkout fails with 503 right after the checkout-api Helm chart moved to the recommended " +
		"app.kubernetes.io/* labels. The pods now carry app.kubernetes.io/name: checkout-api, but the Service " +
		"(owned by a different chart) still selects app: checkout-api. The storefront sidecar (JSON access log) sees UH."
	c.Style = StyleYAML
	c.KubeVersion = "v1.29.4"
	c.Cluster(Kubeadm, 1, 4)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.21.2", NoGateway: true})
	c.MeshNS("checkout")
	sf, _ := c.Web("checkout", "storefront", 3, 8080, "ghcr.io/acme/storefront:5.0.3", true)
	co := c.App(AppSpec{NS: "checkout", Name: "checkout-api", Labels: map[string]string{"app.kubernetes.io/name": "checkout-api", "app.kubernetes.io/instance": "checkout", "app.kubernetes.io/version": "3.4.0"},
		Replicas: 3, Image: "ghcr.io/acme/checkout-api:3.4.0", Ports: []CPort{{"http", 8080}}, Probe: "/health/ready", Sidecar: true, Revision: 14, Age: 200 * Day})
	svc := c.Service("checkout", "checkout-api", map[string]string{"app": "checkout-api"}, P("http", 8080, "http"))
	c.Web("checkout", "tax", 2, 8080, "ghcr.io/acme/tax:1.2.0", true)
	c.Web("checkout", "inventory", 2, 8080, "ghcr.io/acme/inventory:2.7.1", true)
	fail := c.Now.Add(-22 * Min)
	for i, p := range sf.Pods {
		recs := c.Traffic(Sidecar(p), c.Now.Add(-25*Min), c.Now.Add(-5*Sec), 120,
			Flow{Authority: "checkout-api:8080", Paths: []string{"POST /v1/checkout", "/v1/cart/4471/summary"}, Cluster: Cl(8080, "", svc.Host()), Hosts: AllHosts(co), SvcAddr: svc.Addr(), Fail: FailAfter(fail, UH)},
			Flow{Authority: "tax.checkout.svc.cluster.local:8080", Paths: []string{"/v1/rates?country=DE"}, Cluster: Cl(8080, "", "tax.checkout.svc.cluster.local"), Hosts: []string{fmt.Sprintf("10.244.%d.20:8080", 1+i)}, SvcAddr: "10.96.77.12:8080"},
		)
		c.Log("checkout", p.Name, "istio-proxy", Istio(JSON, recs)...)
	}
	c.Event(EventSpec{Obj: Ref{"Deployment", "checkout", "checkout-api"}, Type: "Normal", Reason: "ScalingReplicaSet", Component: "deployment-controller",
		Message: fmt.Sprintf("Scaled up replica set checkout-api-%s to 3", co.Hash), First: c.Now.Add(-24 * Min)})
	c.Expect("selector-mismatch", "Service", "checkout", "checkout-api", "")
	return c
}

func case07ScaledToZero() *Case {
	c := newCase("07-scaled-to-zero", at(2025, 1, 14, 7, 58))
	c.Description = "The Argo Workflows UI answers 503 Service Temporarily Unavailable. During last night's node " +
		"maintenance someone ran kubectl scale deploy/argo-server --replicas=0 and never scaled it back; the " +
		"workflow controller is fine."
	c.Style = StyleTyped
	c.KubeVersion = "v1.30.3+k3s1"
	c.Cluster(K3s, 1, 2)
	c.KubeSystem(nil)
	ing := c.IngressNginx("v1.11.2")
	c.Namespace("argo")
	argo := c.App(AppSpec{NS: "argo", Name: "argo-server", Replicas: 0, Image: "quay.io/argoproj/argocli:v3.5.10", Ports: []CPort{{"web", 2746}}, Probe: "/", ServiceAccount: "argo-server", Args: []string{"server", "--auth-mode=server"}})
	svc := c.Service("argo", "argo-server", map[string]string{"app": "argo-server"}, P("web", 2746, 2746))
	c.App(AppSpec{NS: "argo", Name: "workflow-controller", Replicas: 1, Image: "quay.io/argoproj/workflow-controller:v3.5.10", Ports: []CPort{{"metrics", 9090}}, ServiceAccount: "argo"})
	c.Namespace("monitoring")
	gr, _ := c.Web("monitoring", "grafana", 1, 3000, "grafana/grafana:11.1.0", false)
	c.Ingress("argo", "argo-server", "argo.lab.example", "/", "argo-server", 2746)
	c.Ingress("monitoring", "grafana", "grafana.lab.example", "/", "grafana", 3000)
	recs := c.Traffic(c.ingressVantage(ing), c.Now.Add(-20*Min), c.Now.Add(-30*Sec), 150,
		Flow{Authority: "argo.lab.example", Paths: []string{"/workflows/argo", "/api/v1/workflows/argo?listOptions.limit=50", "/api/v1/info"}, Cluster: "argo-argo-server-2746",
			Fail: func(time.Time, int) *Outcome { return &Outcome{Code: 503, BytesSent: 190, NoUpstream: true} }},
		Flow{Authority: "grafana.lab.example", Paths: []string{"/api/dashboards/uid/k8s-cluster", "/public/build/runtime.8a6f.js", "/api/search?query="}, Cluster: "monitoring-grafana-3000", Hosts: Hosts(gr), Weight: 2},
	)
	c.ingressLog(ing, recs, NoEndpointWarnings(c.Now.Add(-20*Min), c.Now, 61*Sec, svc.NS+"/"+svc.Name))
	c.ScaledRS(argo, 0, 2, c.Now.Add(-47*Min))
	c.Expect("scaled-to-zero", "Deployment", "argo", "argo-server", "")
	c.Absent = []string{"no-workload"}
	return c
}

func case09ReadinessFailing() *Case {
	c := newCase("09-readiness-probe-failing", at(2024, 10, 29, 19, 33))
	c.Description = "Catalog pages of the shop return 503 no healthy upstream at the Istio ingress gateway. " +
		"The catalog pods are Running but not Ready: their /ready endpoint answers 503 since the search index " +
		"config was changed, and kubelet records Unhealthy events. Other services are healthy."
	c.Style = StyleList
	c.KubeVersion = "v1.30.5"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.20.8"})
	c.MeshNS("shop")
	fe, feSvc := c.Web("shop", "frontend", 2, 8080, "ghcr.io/acme/shop-frontend:2.19.0", true)
	cat := c.App(AppSpec{NS: "shop", Name: "catalog", Replicas: 3, Image: "ghcr.io/acme/shop-catalog:3.5.0", Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true,
		State: func(i int, s *PodState) { s.NotReady = true; s.Started = 35 * Min }})
	catSvc := c.Service("shop", "catalog", map[string]string{"app": "catalog"}, P("http", 8080, "http"))
	c.Web("shop", "cart", 2, 8080, "ghcr.io/acme/shop-cart:1.9.3", true)
	c.Filler("shop", "ghcr.io/acme", true, "checkout", 2, "payments-proxy", 2, "recommendations", 2, "user-profile", 2)
	c.GW("v1beta1", "shop", "shop-gw", map[string]string{"istio": "ingressgateway"}, "shop.acme.example")
	c.VS("v1beta1", "shop", "shop", M{"hosts": Strs("shop.acme.example"), "gateways": Strs("shop-gw"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/api/catalog"}}}, "route": L{Route("catalog", 8080, "")}},
		M{"route": L{Route("frontend", 8080, "")}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-40*Min), c.Now.Add(-20*Sec), 300,
		Flow{Authority: "shop.acme.example", Paths: []string{"/", "/static/app.js", "/cart"}, Cluster: Cl(8080, "", feSvc.Host()), Hosts: Hosts(fe), Weight: 3},
		Flow{Authority: "shop.acme.example", Paths: []string{"/api/catalog/items?page=1", "/api/catalog/items/1182"}, Cluster: Cl(8080, "", catSvc.Host()), Hosts: AllHosts(cat), Weight: 2,
			Fail: FailAfter(c.Now.Add(-33*Min), UH)},
	)
	c.Log("istio-system", m.GWPod(0).Name, "istio-proxy", Istio(F19, recs)...)
	c.ProbeFailing(cat, "HTTP probe failed with statuscode: 503", 34*Min)
	for _, p := range cat.Pods {
		var l []string
		for t := c.Now.Add(-3 * Min); t.Before(c.Now); t = t.Add(10 * Sec) {
			l = append(l, fmt.Sprintf(`{"level":"warn","ts":"%s","caller":"health/ready.go:41","msg":"not ready","check":"search-index","error":"index \"products-v7\" not found"}`, t.Format(time.RFC3339Nano)))
		}
		c.Log("shop", p.Name, "catalog", l...)
	}
	c.Expect("readiness-probe-failing", "Deployment", "shop", "catalog", "")
	c.Absent = []string{"sidecar-not-ready", "crash-loop"}
	return c
}

func case10CrashLoop() *Case {
	c := newCase("10-crash-loop", at(2025, 4, 3, 11, 15))
	c.Description = "Payments API calls to /v1/ledger fail with 503 at the Istio gateway (JSON access log). " +
		"The ledger pods crash on start since a ConfigMap change removed LEDGER_DB_DSN: CrashLoopBackOff with " +
		"exit code 1 and the previous container log says so."
	c.Style = StyleList
	c.KubeVersion = "v1.31.4"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.21.6"})
	c.MeshNS("payments")
	api, apiSvc := c.Web("payments", "payments-api", 3, 8080, "registry.payco.example/payments-api:2025.03.5", true)
	led := c.App(AppSpec{NS: "payments", Name: "ledger", Replicas: 2, Image: "registry.payco.example/ledger:3.9.0", Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true,
		State: func(i int, s *PodState) {
			s.Waiting, s.Restarts, s.LastReason, s.LastExit, s.Started = "CrashLoopBackOff", 11+i*2, "Error", 1, 50*Min
		}})
	for i, p := range led.Pods {
		for _, cs := range p.obj.M["status"].(M)["containerStatuses"].(L) {
			if cs.(M)["name"] == "ledger" {
				cs.(M)["state"].(M)["waiting"].(M)["message"] = fmt.Sprintf("back-off 5m0s restarting failed container=ledger pod=%s_payments(%s)", p.Name, p.UID)
			}
		}
		c.PrevLog("payments", p.Name, "ledger",
			fmt.Sprintf(`{"level":"info","ts":"%s","msg":"starting ledger","version":"3.9.0","commit":"a41f9e2"}`, c.Now.Add(-time.Duration(2+i)*Min).Format(time.RFC3339Nano)),
			fmt.Sprintf(`{"level":"info","ts":"%s","msg":"loading configuration","file":"/etc/ledger/config.yaml"}`, c.Now.Add(-time.Duration(2+i)*Min+40*time.Millisecond).Format(time.RFC3339Nano)),
			fmt.Sprintf(`{"level":"fatal","ts":"%s","msg":"invalid configuration","error":"required environment variable LEDGER_DB_DSN is not set"}`, c.Now.Add(-time.Duration(2+i)*Min+43*time.Millisecond).Format(time.RFC3339Nano)))
	}
	ledSvc := c.Service("payments", "ledger", map[string]string{"app": "ledger"}, P("http", 8080, "http"))
	c.CrashLooping(led, 50*Min)
	c.GW("v1", "payments", "api-gw", map[string]string{"istio": "ingressgateway"}, "api.payco.example")
	c.VS("v1", "payments", "api", M{"hosts": Strs("api.payco.example"), "gateways": Strs("api-gw"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/v1/ledger"}}}, "route": L{Route("ledger.payments.svc.cluster.local", 8080, "")}},
		M{"route": L{Route("payments-api.payments.svc.cluster.local", 8080, "")}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-55*Min), c.Now.Add(-40*Sec), 360,
		Flow{Authority: "api.payco.example", Paths: []string{"POST /v1/payments", "/v1/payments/pay_72hd", "POST /v1/refunds"}, Cluster: Cl(8080, "", apiSvc.Host()), Hosts: Hosts(api), Weight: 3, OKCodes: []int{200, 201}},
		Flow{Authority: "api.payco.example", Paths: []string{"/v1/ledger/entries?account=acc_193", "/v1/ledger/balance/acc_193"}, Cluster: Cl(8080, "", ledSvc.Host()), Hosts: []string{led.Pods[0].Addr(), led.Pods[1].Addr()}, Weight: 2,
			Fail: FailAfter(c.Now.Add(-49*Min), UH)},
	)
	c.Log("istio-system", m.GWPod(0).Name, "istio-proxy", Istio(JSON, recs)...)
	c.Raw("v1", "ConfigMap", "payments", "ledger-config", 49*Min, map[string]string{"app": "ledger"}, M{"data": M{
		"config.yaml": "listen: :8080\nlog_level: info\naccounts:\n  default_currency: EUR\n", "LEDGER_LOG_FORMAT": "json"}})
	c.Expect("crash-loop", "Deployment", "payments", "ledger", "")
	c.Absent = []string{"readiness-probe-failing"}
	return c
}
