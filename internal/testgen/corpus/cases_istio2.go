package main

import (
	"fmt"
	"time"
)

func case31NetpolSidecar() *Case {
	c := newCase("31-network-policy-sidecar", at(2024, 6, 25, 9, 12))
	c.Description = "billing.acme.example times out and then answers 503 (UF,URX, connect timeout) at the ingress " +
		"gateway. The security team applied billing-ingress, a NetworkPolicy selecting every pod in billing that only " +
		"admits traffic from the same namespace; the gateway in istio-system is no longer allowed in."
	c.Style = StyleList
	c.KubeVersion = "v1.29.6"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.20.8"})
	c.MeshNS("billing")
	inv, is := c.Web("billing", "invoices", 2, 8080, "ghcr.io/acme/invoices:7.1.0", true)
	c.Web("billing", "billing-worker", 1, 8080, "ghcr.io/acme/billing-worker:7.1.0", true)
	c.MeshNS("shop")
	sf, ss := c.Web("shop", "storefront", 2, 8080, "ghcr.io/acme/storefront:4.9.2", true)
	c.Raw("networking.k8s.io/v1", "NetworkPolicy", "billing", "billing-ingress", 40*Min, nil, M{"spec": M{
		"podSelector": M{}, "policyTypes": Strs("Ingress"),
		"ingress": L{M{"from": L{M{"podSelector": M{}}}}}}})
	c.GW("v1beta1", "billing", "billing", map[string]string{"istio": "ingressgateway"}, "billing.acme.example")
	c.VS("v1beta1", "billing", "billing", M{"hosts": Strs("billing.acme.example"), "gateways": Strs("billing"), "http": L{M{"route": L{Route("invoices", 8080, "")}}}})
	c.GW("v1beta1", "shop", "shop", map[string]string{"istio": "ingressgateway"}, "shop.acme.example")
	c.VS("v1beta1", "shop", "shop", M{"hosts": Strs("shop.acme.example"), "gateways": Strs("shop"), "http": L{M{"route": L{Route("storefront", 8080, "")}}}})
	timeout := Outcome{Code: 503, Flags: "UF,URX", Details: "upstream_reset_before_response_started{connection_timeout}", BytesSent: 91, Dur: 30002}
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-50*Min), c.Now.Add(-40*Sec), 220,
		Flow{Authority: "shop.acme.example", Paths: []string{"/", "/products/1182", "/cart"}, Cluster: Cl(8080, "", ss.Host()), Hosts: Hosts(sf), Weight: 3},
		Flow{Authority: "billing.acme.example", Paths: []string{"/invoices?status=open", "/invoices/inv_2291.pdf", "POST /invoices/inv_2291/pay"}, Cluster: Cl(8080, "", is.Host()), Hosts: Hosts(inv), Weight: 1,
			Fail: FailAfter(c.Now.Add(-39*Min), timeout)},
	)
	c.GWLog(m, Istio(F19, recs))
	c.Expect("network-policy-blocked", "NetworkPolicy", "billing", "billing-ingress", "")
	c.Absent = []string{"mtls-mismatch", "readiness-probe-failing"}
	return c
}

func case32NetpolZtunnel() *Case {
	c := newCase("32-network-policy-ztunnel", at(2025, 8, 19, 14, 47))
	c.Description = "Ambient mesh (Istio 1.26): the portal cannot reach invoices in finance (client sees resets and " +
		"timeouts). NetworkPolicy invoices-ingress admits port 8080 from the portal namespace, but in ambient the " +
		"traffic arrives on the HBONE port 15008, which the policy does not allow; ztunnel says so."
	c.Style = StyleTyped
	c.KubeVersion = "v1.32.5"
	c.Cluster(GKE, 0, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.26.2", NoGateway: true})
	zt := c.Ztunnel(nil)
	c.Namespace("finance", "istio.io/dataplane-mode", "ambient")
	inv, is := c.Web("finance", "invoices", 2, 8080, "europe-docker.pkg.dev/prod-project-381204/finance/invoices:3.0.2", false)
	c.Namespace("portal", "istio.io/dataplane-mode", "ambient")
	po, _ := c.Web("portal", "portal-web", 2, 8080, "europe-docker.pkg.dev/prod-project-381204/portal/portal-web:9.4.0", false)
	c.Raw("networking.k8s.io/v1", "NetworkPolicy", "finance", "invoices-ingress", 40*Min, nil, M{"spec": M{
		"podSelector": M{"matchLabels": map[string]string{"app": "invoices"}}, "policyTypes": Strs("Ingress"),
		"ingress": L{M{
			"from":  L{M{"namespaceSelector": M{"matchLabels": map[string]string{"kubernetes.io/metadata.name": "portal"}}}, M{"podSelector": M{}}},
			"ports": L{M{"port": 8080, "protocol": "TCP"}}}}}})
	r := newRand(c.Name)
	byNode := map[string][]string{}
	for i := 0; i < 90; i++ {
		t := c.Now.Add(-2 * Hour).Add(time.Duration(i) * 79 * Sec).Add(time.Duration(r.N(900)) * time.Millisecond)
		src := po.Pods[r.N(len(po.Pods))]
		dst := inv.Pods[r.N(len(inv.Pods))]
		e := ZEvent{T: t, Level: "info", Msg: "connection complete", SrcAddr: fmt.Sprintf("%s:%d", src.IP, 40000+r.N(20000)), SrcWorkload: src.Name, SrcNS: "portal", SrcSA: "default",
			DstAddr: dst.IP + ":15008", DstHbone: dst.IP + ":8080", DstSvc: is.Host(), DstWorkload: dst.Name, DstNS: "finance", DstSA: "default", Direction: "outbound",
			Sent: 300 + r.N(900), Recv: 1200 + r.N(9000), DurMS: 3 + r.N(80)}
		if t.After(c.Now.Add(-39 * Min)) { // the policy was applied 40 minutes ago
			e.Level, e.Sent, e.Recv, e.DurMS = "error", 0, 0, 10001+r.N(3)
			e.Err = "connection timed out, maybe a NetworkPolicy is blocking HBONE port 15008: deadline has elapsed"
		}
		line := Ztunnel([]ZEvent{e})[0]
		byNode[src.Node] = append(byNode[src.Node], line)
	}
	for _, z := range zt.Pods {
		if len(byNode[z.Node]) > 0 {
			c.Log("istio-system", z.Name, "istio-proxy", byNode[z.Node]...)
		}
	}
	c.Expect("network-policy-blocked", "NetworkPolicy", "finance", "invoices-ingress", "")
	c.Absent = []string{"ztunnel-connection-reset"}
	return c
}

func case33DNSFailure() *Case {
	c := newCase("33-dns-failure", at(2024, 1, 23, 7, 38))
	c.Description = "The nginx API gateway in edge answers 502 for /legacy: it resolves legacy-api through kube-dns " +
		"at request time ('could not be resolved (110: Operation timed out)'). After a node image change CoreDNS " +
		"detects a forwarding loop and crash-loops, so kube-dns has no ready endpoints."
	c.Style = StyleList
	c.KubeVersion = "v1.28.5"
	c.Cluster(Kubeadm, 1, 3)
	dns := c.KubeSystem(func(i int, s *PodState) {
		s.Waiting, s.Restarts, s.LastReason, s.LastExit, s.Started = "CrashLoopBackOff", 9+i, "Error", 1, 40*Min
	})
	for _, p := range dns.Pods {
		c.PrevLog("kube-system", p.Name, "coredns",
			".:53",
			"[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908",
			"CoreDNS-1.11.1",
			"linux/amd64, go1.20.7, ae2bbc2",
			fmt.Sprintf(`[FATAL] plugin/loop: Loop (127.0.0.1:%d -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO %d.%d."`, 40000+hashN(p.Name)%20000, 4547991504243258144+hashN(p.Name)%1000, 3688648895315093531+hashN(p.Name)%1000))
	}
	c.CrashLooping(dns, 40*Min)
	c.Namespace("payments")
	c.Web("payments", "legacy-api", 2, 8080, "registry.acme.example/payments/legacy-api:1.9.12", false)
	c.Namespace("edge")
	gw := c.App(AppSpec{NS: "edge", Name: "api-gateway", Replicas: 1, Image: "nginx:1.25.3", Container: "nginx", Ports: []CPort{{"http", 8080}}, Probe: "/nginx-health"})
	c.ServiceT("edge", "api-gateway", "LoadBalancer", map[string]string{"app": "api-gateway"}, SvcPort{Name: "http", Port: 80, Target: "http"})
	c.Raw("v1", "ConfigMap", "edge", "api-gateway-conf", 120*Day, map[string]string{"app": "api-gateway"}, M{"data": M{"default.conf": "server {\n" +
		"    listen 8080;\n    server_name api.acme.example;\n    resolver " + c.flavor.SvcNet + ".0.10 valid=10s ipv6=off;\n    resolver_timeout 5s;\n" +
		"    location = /nginx-health { return 200; }\n" +
		"    location /legacy/ {\n        set $legacy legacy-api.payments.svc.cluster.local;\n        proxy_pass http://$legacy:8080;\n    }\n}\n"}})
	r := newRand(c.Name)
	var lines []TLine
	broke := c.Now.Add(-39 * Min)
	conn := 1200
	for t := c.Now.Add(-45 * Min); t.Before(c.Now); t = t.Add(time.Duration(5+r.N(20)) * Sec) {
		client := c.NodeIPs()[r.N(3)]
		path := r.Pick("/legacy/v1/accounts/acc_193", "/legacy/v1/transfers?limit=20", "/legacy/v1/accounts/acc_882/statement")
		ua := r.Pick("okhttp/4.12.0", "python-requests/2.31.0", "Apache-HttpClient/4.5.14 (Java/17.0.9)")
		if t.Before(broke) {
			lines = append(lines, TLine{t, fmt.Sprintf("%s - - [%s] \"GET %s HTTP/1.1\" 200 %d \"-\" \"%s\" \"-\"", client, nginxLocal(t), path, 300+r.N(4000), ua)})
			continue
		}
		conn++
		lines = append(lines, TLine{t.Add(5 * Sec), NginxErr(t.Add(5*Sec), 29, conn, "legacy-api.payments.svc.cluster.local could not be resolved (110: Operation timed out)",
			"client: "+client, "server: api.acme.example", fmt.Sprintf("request: \"GET %s HTTP/1.1\"", path), "host: \"api.acme.example\"")})
		lines = append(lines, TLine{t.Add(5 * Sec), fmt.Sprintf("%s - - [%s] \"GET %s HTTP/1.1\" 502 157 \"-\" \"%s\" \"-\"", client, nginxLocal(t.Add(5*Sec)), path, ua)})
	}
	c.Log("edge", gw.Pods[0].Name, "nginx", Merge(lines)...)
	c.Expect("dns-failure", "Service", "kube-system", "kube-dns", "")
	return c
}

func case34ControlPlaneDown() *Case {
	c := newCase("34-control-plane-down", at(2024, 9, 3, 11, 26))
	c.Description = "The new loyalty service launched this morning answers 503 NC at the gateway while everything " +
		"older works. istiod has been crash-looping (OOMKilled) for two hours, so proxies still run the config from " +
		"before the loyalty Service existed; the gateway's XDS stream to istiod:15012 is refused."
	c.Style = StyleTyped
	c.KubeVersion = "v1.30.4"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.22.4", IstiodState: func(i int, s *PodState) {
		s.Waiting, s.Restarts, s.LastReason, s.LastExit, s.Started = "CrashLoopBackOff", 23, "OOMKilled", 137, 3*Hour
	}})
	c.CrashLooping(m.Istiod, 2*Hour)
	c.MeshNS("shop")
	sf, ss := c.Web("shop", "storefront", 2, 8080, "ghcr.io/acme/storefront:4.9.3", true)
	ly := c.App(AppSpec{NS: "shop", Name: "loyalty", Replicas: 2, Image: "ghcr.io/acme/loyalty:1.0.0", Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true, Age: 70 * Min, Revision: 1})
	ls := c.Service("shop", "loyalty", map[string]string{"app": "loyalty"}, P("http", 8080, "http"))
	ls.obj.Meta()["creationTimestamp"] = ts(c.Now.Add(-70 * Min))
	c.GW("v1", "shop", "shop", map[string]string{"istio": "ingressgateway"}, "shop.acme.example")
	c.VS("v1", "shop", "shop", M{"hosts": Strs("shop.acme.example"), "gateways": Strs("shop"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/loyalty"}}}, "route": L{Route("loyalty", 8080, "")}},
		M{"route": L{Route("storefront", 8080, "")}}}})
	_ = ly
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-30*Min), c.Now.Add(-5*Sec), 240,
		Flow{Authority: "shop.acme.example", Paths: []string{"/", "/products/1182", "/cart"}, Cluster: Cl(8080, "", ss.Host()), Hosts: Hosts(sf), Weight: 4},
		Flow{Authority: "shop.acme.example", Paths: []string{"/loyalty/points", "POST /loyalty/redeem"}, Weight: 1,
			Fail: func(time.Time, int) *Outcome { x := NC; return &x }},
	)
	var xds []TLine
	istiodIP := ""
	for _, s := range c.svcs {
		if s.Name == "istiod" {
			istiodIP = s.ClusterIP
		}
	}
	for t := c.Now.Add(-30 * Min); t.Before(c.Now); t = t.Add(97 * Sec) {
		since := int(t.Sub(c.Now.Add(-2*Hour)) / time.Second)
		xds = append(xds,
			TLine{t, IstioLog(t, "warn", "xdsproxy", fmt.Sprintf("upstream [%d] terminated with unexpected error rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial tcp %s:15012: connect: connection refused\"", 200+since/97, istiodIP))},
			TLine{t.Add(3 * time.Millisecond), IstioLog(t.Add(3*time.Millisecond), "warning", "envoy config", fmt.Sprintf("external/envoy/source/extensions/config_subscription/grpc/grpc_stream.h:152\tStreamAggregatedResources gRPC config stream to xds-grpc closed since %ds ago: 14, connection error: desc = \"transport: Error while dialing: dial tcp %s:15012: connect: connection refused\"\tthread=15", since, istiodIP))})
	}
	c.GWLog(m, Merge(Timed(recs, Istio(F19, recs)), xds))
	c.Expect("control-plane-down", "Deployment", "istio-system", "istiod", "")
	c.Absent = []string{"destination-host-unknown", "route-missing"}
	return c
}

func case35SidecarNotReady() *Case {
	c := newCase("35-sidecar-not-ready", at(2025, 3, 27, 16, 8))
	c.Description = "Recommendations return 503 UH after an EnvoyFilter was applied to them. The app containers are " +
		"ready, but Envoy rejected the listener config, so istio-proxy never becomes ready (Unhealthy on " +
		":15021/healthz/ready; pilot-agent: 'config received from XDS server, but was rejected')."
	c.Style = StyleList
	c.KubeVersion = "v1.31.6"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.24.3"})
	c.MeshNS("shop")
	rec := c.App(AppSpec{NS: "shop", Name: "recommendations", Replicas: 2, Image: "ghcr.io/acme/recommendations:2.6.0", Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true,
		State: func(i int, s *PodState) { s.ProxyNotReady, s.Started = true, 18*Min }})
	rs := c.Service("shop", "recommendations", map[string]string{"app": "recommendations"}, P("http", 8080, "http"))
	sf, ss := c.Web("shop", "storefront", 2, 8080, "ghcr.io/acme/storefront:4.9.3", true)
	for _, p := range rec.Pods {
		c.PodEvent(p, "Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", c.Now.Add(-18*Min), c.Now.Add(-7*Sec), 71, "spec.containers{istio-proxy}")
		var l []string
		st := c.Now.Add(-18 * Min)
		l = append(l, AgentStartup(st, "1.24.3", p.IP, false)[:9]...)
		l = append(l, IstioLog(st.Add(1400*time.Millisecond), "warning", "envoy config", "external/envoy/source/extensions/config_subscription/grpc/delta_subscription_state.cc:275\tdelta config for type.googleapis.com/envoy.config.listener.v3.Listener rejected: Error adding/updating listener(s) virtualInbound: Didn't find a registered implementation for 'envoy.filters.http.lua_legacy' with type URL: ''\tthread=15"))
		for t := st.Add(2 * Sec); t.Before(c.Now); t = t.Add(time.Minute) {
			l = append(l, IstioLog(t, "warn", "Envoy proxy is NOT ready: config received from XDS server, but was rejected: cds updates: 1 successful, 0 rejected; lds updates: 0 successful, 1 rejected", ""))
		}
		c.Log("shop", p.Name, "istio-proxy", l...)
	}
	c.GW("v1", "shop", "shop", map[string]string{"istio": "ingressgateway"}, "shop.acme.example")
	c.VS("v1", "shop", "shop", M{"hosts": Strs("shop.acme.example"), "gateways": Strs("shop"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/api/recommendations"}}}, "route": L{Route("recommendations", 8080, "")}},
		M{"route": L{Route("storefront", 8080, "")}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-25*Min), c.Now.Add(-5*Sec), 240,
		Flow{Authority: "shop.acme.example", Paths: []string{"/", "/products/1182"}, Cluster: Cl(8080, "", ss.Host()), Hosts: Hosts(sf), Weight: 3},
		Flow{Authority: "shop.acme.example", Paths: []string{"/api/recommendations?sku=1182"}, Cluster: Cl(8080, "", rs.Host()), Hosts: []string{"10.244.1.9:8080", "10.244.3.8:8080"}, Weight: 1,
			Fail: FailAfter(c.Now.Add(-17*Min-30*Sec), UH)},
	)
	c.GWLog(m, Istio(F19, recs))
	c.Expect("sidecar-not-ready", "Deployment", "shop", "recommendations", "")
	c.Absent = []string{"readiness-probe-failing", "control-plane-down"}
	return c
}

func case36ZtunnelReset() *Case {
	c := newCase("36-ztunnel-connection-reset", at(2024, 9, 26, 8, 24))
	c.Description = "Ambient mesh on k3s: Argo Workflows pods on k3s-agent-2 cannot talk to the Kubernetes API " +
		"('connection reset by peer' on 10.43.0.1:443). The ztunnel on that node logs 'no healthy upstream: " +
		"10.43.0.1:443' for every connection; the same calls from the other node work."
	c.Style = StyleList
	c.KubeVersion = "v1.30.4+k3s1"
	ws := c.Cluster(K3s, 1, 2)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.23.2", NoGateway: true})
	zt := c.Ztunnel(nil)
	c.Namespace("argo", "istio.io/dataplane-mode", "ambient")
	wc := c.App(AppSpec{NS: "argo", Name: "workflow-controller", Replicas: 1, Image: "quay.io/argoproj/workflow-controller:v3.5.10", Ports: []CPort{{"metrics", 9090}}, ServiceAccount: "argo", Nodes: []*Node{ws[1]}})
	as := c.App(AppSpec{NS: "argo", Name: "argo-server", Replicas: 1, Image: "quay.io/argoproj/argocli:v3.5.10", Ports: []CPort{{"web", 2746}}, Probe: "/", ServiceAccount: "argo-server", Nodes: []*Node{ws[0]}})
	c.Service("argo", "argo-server", map[string]string{"app": "argo-server"}, P("web", 2746, 2746))
	r := newRand(c.Name)
	var bad, good []string
	for t := c.Now.Add(-25 * Min); t.Before(c.Now); t = t.Add(time.Duration(2+r.N(9)) * Sec) {
		p := wc.Pods[0]
		bad = append(bad, Ztunnel([]ZEvent{{T: t.Add(time.Duration(r.N(999)) * time.Millisecond), Level: "warn", Msg: "connection failed",
			SrcAddr: fmt.Sprintf("%s:%d", p.IP, 40000+r.N(20000)), DstAddr: "10.43.0.1:443", Direction: "outbound", Err: "no healthy upstream: 10.43.0.1:443"}})...)
	}
	for t := c.Now.Add(-25 * Min); t.Before(c.Now); t = t.Add(time.Duration(20+r.N(40)) * Sec) {
		p := as.Pods[0]
		good = append(good, Ztunnel([]ZEvent{{T: t, Level: "info", Msg: "connection complete", SrcAddr: fmt.Sprintf("%s:%d", p.IP, 40000+r.N(20000)),
			SrcWorkload: p.Name, SrcNS: "argo", SrcSA: "argo-server", DstAddr: "10.43.0.1:443", DstSvc: "kubernetes.default.svc.cluster.local",
			Direction: "outbound", Sent: 900 + r.N(3000), Recv: 4000 + r.N(30000), DurMS: 5 + r.N(60000)}})...)
	}
	for _, z := range zt.Pods {
		if z.Node == ws[1].Name {
			c.Log("istio-system", z.Name, "istio-proxy", bad...)
		} else {
			c.Log("istio-system", z.Name, "istio-proxy", good...)
		}
	}
	var l []string
	for t := c.Now.Add(-10 * Min); t.Before(c.Now); t = t.Add(47 * Sec) {
		l = append(l, fmt.Sprintf(`time="%s" level=error msg="failed to list *v1alpha1.Workflow: Get \"https://10.43.0.1:443/apis/argoproj.io/v1alpha1/namespaces/argo/workflows?limit=500&resourceVersion=0\": read tcp %s:%d->10.43.0.1:443: read: connection reset by peer"`,
			t.Format(time.RFC3339), wc.Pods[0].IP, 40000+r.N(20000)))
	}
	c.Log("argo", wc.Pods[0].Name, "workflow-controller", l...)
	c.Expect("ztunnel-connection-reset", "DaemonSet", "istio-system", "ztunnel", "")
	c.Absent = []string{"network-policy-blocked", "crash-loop"}
	return c
}
