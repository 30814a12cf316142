package main

import (
	"time"
)

// Cases of issue 12 (Istio as pilot applies it; every defect named;
// causes that explain causes). Each says in Source which upstream
// behaviour it follows.

// istioGateway declares a networking.istio.io Gateway with the given
// server hosts (qualified ns/host, ./host, */host or bare) on port 80.
func (c *Case) istioGateway(ver, ns, name string, selector map[string]string, hosts ...string) *Obj {
	var hs L
	for _, h := range hosts {
		hs = append(hs, h)
	}
	spec := M{"servers": L{M{"hosts": hs, "port": M{"name": "http", "number": 80, "protocol": "HTTP"}}}}
	if selector != nil {
		spec["selector"] = copyLabels(selector)
	}
	return c.Raw("networking.istio.io/"+ver, "Gateway", ns, name, time.Duration(30+hashN(ns+name)%90)*Day, nil, M{"spec": spec})
}

// noCluster fails every request with NC (the route's cluster does not exist).
func noCluster(time.Time, int) *Outcome { x := NC; return &x }

func case43ThreeDefects() *Case {
	c := newCase("45-virtualservice-three-defects", at(2025, 9, 16, 14, 12))
	c.Description = "books.example.com answers 404 NR at the istio-ingress gateway, and inside the mesh the bff " +
		"gets 503 NC for /reviews and /ratings. One VirtualService, bookstore/books, carries three independent " +
		"defects: it is bound to istio-ingress/public-gw, whose server hosts are qualified catalog/books.example.com " +
		"(only VirtualServices of namespace catalog may take them); it routes /reviews to host reviwes (typo); and " +
		"it routes /ratings to subset v2 of ratings, which the ratings DestinationRule does not define."
	c.Source = "istioctl analyze IST0132 VirtualServiceHostNotFoundInGateway and IST0101 ReferencedResourceNotFound " +
		"(pkg/config/analysis/analyzers/virtualservice/gateways.go, destinationhosts.go, destinationrules.go); " +
		"Gateway hosts ns/host admit VirtualServices of ns only (pkg/config/host/names.go NamesForNamespace, " +
		"pilot/pkg/networking/core/gateway.go); docs/causes.md: one object can carry several causes."
	c.Style = StyleTyped
	c.KubeVersion = "v1.29.8"
	c.Cluster(K3s, 1, 2)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.20.8", GWNamespace: "istio-ingress", GWName: "istio-ingress",
		GWLabels: map[string]string{"app": "istio-ingress", "istio": "ingress"}})
	c.istioGateway("v1alpha3", "istio-ingress", "public-gw", map[string]string{"istio": "ingress"},
		"catalog/books.example.com", "catalog/status.example.com")
	c.MeshNS("catalog")
	st, sts := c.Web("catalog", "status-page", 1, 8080, "ghcr.io/bookstore/status-page:1.4.0", true)
	c.VS("v1alpha3", "catalog", "status", M{"hosts": Strs("status.example.com"), "gateways": Strs("istio-ingress/public-gw"),
		"http": L{M{"route": L{Route("status-page", 8080, "")}}}})
	c.MeshNS("bookstore")
	fe, fes := c.Web("bookstore", "frontend", 2, 8080, "ghcr.io/bookstore/frontend:3.1.0", true)
	bff, _ := c.Web("bookstore", "bff", 2, 8080, "ghcr.io/bookstore/bff:2.7.1", true)
	c.App(AppSpec{NS: "bookstore", Name: "reviews-v1", Labels: map[string]string{"app": "reviews", "version": "v1"}, Replicas: 2,
		Image: "docker.io/istio/examples-bookinfo-reviews-v1:1.18.0", Ports: []CPort{{"http", 9080}}, Probe: "/health", Sidecar: true})
	c.Service("bookstore", "reviews", map[string]string{"app": "reviews"}, P("http", 9080, nil))
	c.App(AppSpec{NS: "bookstore", Name: "ratings-v1", Labels: map[string]string{"app": "ratings", "version": "v1"}, Replicas: 1,
		Image: "docker.io/istio/examples-bookinfo-ratings-v1:1.18.0", Ports: []CPort{{"http", 9080}}, Probe: "/health", Sidecar: true})
	c.Service("bookstore", "ratings", map[string]string{"app": "ratings"}, P("http", 9080, nil))
	c.DR("v1alpha3", "bookstore", "ratings", M{"host": "ratings", "subsets": Subsets("v1")})
	c.VS("v1alpha3", "bookstore", "books", M{"hosts": Strs("books.example.com", "frontend"), "gateways": Strs("istio-ingress/public-gw", "mesh"),
		"http": L{
			M{"match": L{M{"uri": M{"prefix": "/reviews"}}}, "route": L{Route("reviwes", 9080, "")}},
			M{"match": L{M{"uri": M{"prefix": "/ratings"}}}, "route": L{Route("ratings", 9080, "v2")}},
			M{"route": L{Route("frontend", 8080, "")}}}})
	gw := c.Traffic(c.GWVantage(m), c.Now.Add(-25*Min), c.Now.Add(-5*Sec), 320,
		Flow{Authority: "status.example.com", Paths: []string{"/", "/api/status"}, Cluster: Cl(8080, "", sts.Host()), Hosts: Hosts(st), Weight: 1},
		Flow{Authority: "books.example.com", Paths: []string{"/", "/books/9780262510875", "/reviews/0", "/ratings/0"}, Weight: 5,
			Fail: func(time.Time, int) *Outcome { x := NR; return &x }},
	)
	c.GWLog(m, Istio(F19, gw))
	for _, p := range bff.Pods {
		recs := c.Traffic(Sidecar(p), c.Now.Add(-25*Min), c.Now.Add(-5*Sec), 90,
			Flow{Authority: "frontend:8080", Paths: []string{"/", "/books/9780262510875"}, Cluster: Cl(8080, "", fes.Host()), Hosts: Hosts(fe), SvcAddr: fes.Addr(), Weight: 2},
			Flow{Authority: "frontend:8080", Paths: []string{"/reviews/0", "/reviews/1"}, Weight: 1, Fail: noCluster},
			Flow{Authority: "frontend:8080", Paths: []string{"/ratings/0"}, Weight: 1, Fail: noCluster},
		)
		c.Log("bookstore", p.Name, "istio-proxy", Istio(JSON, recs)...)
	}
	c.Expect("route-missing", "VirtualService", "bookstore", "books", "")
	c.Expect("destination-host-unknown", "VirtualService", "bookstore", "books", "host reviwes")
	c.Expect("subset-undefined", "VirtualService", "bookstore", "books", "subset v2 of ratings")
	c.Absent = []string{"gateway-no-pods", "subset-no-pods"}
	return c
}

func case44IstiodDownSidecars() *Case {
	c := newCase("46-istiod-down-sidecars-not-ready", at(2025, 2, 11, 8, 47))
	c.Description = "checkout.acme.example answers 503 from ingress-nginx (no sidecar) since the node pool was rotated. " +
		"istiod crash-loops since the cacerts Secret was rotated with a key that does not match its certificate, so " +
		"the recreated checkout pods' istio-proxy never gets a certificate or configuration and never becomes ready: " +
		"their app containers are ready, the pods are not, and the checkout Service has no ready endpoint. The old " +
		"pods of cart, on a node that was not drained, still serve."
	c.Source = "istio.io Troubleshooting: a sidecar stays unready (Envoy proxy is NOT ready: config not received from " +
		"XDS server) while it cannot reach istiod; issue 12: istiod down explains new sidecars never ready, which " +
		"explains endpoints missing, which explains the 503 (control-plane-down outranks sidecar-not-ready)."
	c.Style = StyleTyped
	c.Layout = LayoutDump
	c.KubeVersion = "v1.30.6"
	c.Cluster(GKE, 0, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.22.6", NoGateway: true, IstiodState: func(i int, s *PodState) {
		s.Waiting, s.Restarts, s.LastReason, s.LastExit, s.Started = "CrashLoopBackOff", 9, "Error", 1, 40*Min
	}})
	c.CrashLooping(m.Istiod, 38*Min)
	c.PrevLog("istio-system", m.Istiod.Pods[0].Name, "discovery",
		IstioLog(c.Now.Add(-2*Min), "info", "ca", "Use plugged-in cert at etc/cacerts/ca-key.pem"),
		IstioLog(c.Now.Add(-2*Min+40*time.Millisecond), "error", "failed to create discovery service: failed to create CA: failed to create an istiod CA: failed to load cert and key: private key does not match public key", ""))
	ing := c.IngressNginx("v1.11.4")
	c.MeshNS("shop")
	co := c.App(AppSpec{NS: "shop", Name: "checkout", Replicas: 2, Image: "europe-docker.pkg.dev/acme-prod/shop/checkout:7.2.1", Ports: []CPort{{"http", 8080}},
		Probe: "/ready", Sidecar: true, State: func(i int, s *PodState) { s.ProxyNotReady, s.Started = true, 21*Min }})
	c.Service("shop", "checkout", map[string]string{"app": "checkout"}, P("http", 80, "http"))
	cart, _ := c.Web("shop", "cart", 2, 8080, "europe-docker.pkg.dev/acme-prod/shop/cart:5.4.0", true)
	c.Ingress("shop", "shop", "checkout.acme.example", "/cart", "cart", 8080, "/", "checkout", 80)
	for _, p := range co.Pods {
		c.PodEvent(p, "Warning", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", c.Now.Add(-20*Min), c.Now.Add(-12*Sec), 84, "spec.containers{istio-proxy}")
		start := c.Now.Add(-21 * Min)
		var l []string
		l = append(l, IstioLog(start, "info", "xdsproxy", "Initializing with upstream address \"istiod.istio-system.svc:15012\" and cluster \"Kubernetes\""))
		for t := start.Add(2 * Sec); t.Before(c.Now); t = t.Add(97 * Sec) {
			l = append(l,
				IstioLog(t, "warn", "ca", "ca request failed, starting attempt 1 in 91.0196ms"),
				IstioLog(t.Add(Sec), "warn", "Envoy proxy is NOT ready: config not received from XDS server (is Istiod running?): cds updates: 0 successful, 0 rejected; lds updates: 0 successful, 0 rejected", ""))
		}
		c.Log("shop", p.Name, "istio-proxy", l...)
	}
	down := c.Now.Add(-20 * Min)
	recs := c.Traffic(c.ingressVantage(ing), c.Now.Add(-30*Min), c.Now.Add(-8*Sec), 260,
		Flow{Authority: "checkout.acme.example", Paths: []string{"/cart", "POST /cart/items"}, Cluster: "shop-cart-8080", Hosts: Hosts(cart), Weight: 2},
		Flow{Authority: "checkout.acme.example", Paths: []string{"/", "POST /checkout/session", "/checkout/confirm"}, Cluster: "shop-checkout-80",
			Hosts: []string{"10.8.1.40:8080"}, Weight: 3, Fail: FailAfter(down, Outcome{Code: 503, BytesSent: 190, NoUpstream: true})},
	)
	c.ingressLog(ing, recs, NoEndpointWarnings(down.Add(3*Sec), c.Now, 61*Sec, "shop/checkout"))
	c.Expect("control-plane-down", "Deployment", "istio-system", "istiod", "")
	c.Expect("sidecar-not-ready", "Deployment", "shop", "checkout", "")
	c.Expect("crash-loop", "Deployment", "istio-system", "istiod", "")
	c.Absent = []string{"readiness-probe-failing", "no-workload"}
	return c
}

// meshConfigMap declares the istio ConfigMap of the control plane with the
// given `mesh` key (MeshConfig as YAML).
func (c *Case) meshConfigMap(ns, mesh string) *Obj {
	return c.Raw("v1", "ConfigMap", ns, "istio", 60*Day, map[string]string{"app": "istiod", "istio.io/rev": "default", "release": "istio"},
		M{"data": M{"mesh": mesh, "meshNetworks": "networks: {}"}})
}

func case45ExportToPrivate() *Case {
	c := newCase("47-exportto-private-service", at(2025, 4, 8, 13, 20))
	c.Description = "api.acme.example/ledger answers 503 NC cluster_not_found at the gateway since the payments team " +
		"locked its Services down with the annotation networking.istio.io/exportTo: \".\" last night. The " +
		"VirtualService checkout/api, bound to the ingress gateway in istio-system, routes /ledger to " +
		"ledger.payments.svc.cluster.local, which neither namespace checkout nor the gateway's istio-system may see " +
		"any more; the rest of api.acme.example works."
	c.Source = "pilot/pkg/model/push_context.go IsServiceVisible and the networking.istio.io/exportTo Service " +
		"annotation (istio.io/api annotation); istioctl analyze IST0101 ReferencedResourceNotFound (host) from " +
		"pkg/config/analysis/analyzers/util/service_lookup.go GetDestinationHost, which honours the annotation."
	c.Style = StyleList
	c.KubeVersion = "v1.31.4"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.23.4"})
	c.MeshNS("payments")
	led, ls := c.Web("payments", "ledger", 2, 8080, "registry.acme.example/payments/ledger:3.14.0", true)
	set(ls.obj.M, "metadata.annotations", M{"networking.istio.io/exportTo": "."})
	_, fs := c.Web("payments", "fx-rates", 1, 8080, "registry.acme.example/payments/fx-rates:1.2.0", true)
	set(fs.obj.M, "metadata.annotations", M{"networking.istio.io/exportTo": "."})
	_ = led
	c.MeshNS("checkout")
	or, ors := c.Web("checkout", "orders", 2, 8080, "registry.acme.example/checkout/orders:5.0.3", true)
	c.GW("v1beta1", "checkout", "api", map[string]string{"istio": "ingressgateway"}, "api.acme.example")
	c.VS("v1beta1", "checkout", "api", M{"hosts": Strs("api.acme.example"), "gateways": Strs("api"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/ledger"}}}, "route": L{Route("ledger.payments.svc.cluster.local", 8080, "")}, "timeout": "5s"},
		M{"route": L{Route("orders", 8080, "")}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-20*Min), c.Now.Add(-6*Sec), 300,
		Flow{Authority: "api.acme.example", Paths: []string{"/orders/o_1182", "POST /orders"}, Cluster: Cl(8080, "", ors.Host()), Hosts: Hosts(or), Weight: 3, OKCodes: []int{200, 201}},
		Flow{Authority: "api.acme.example", Paths: []string{"/ledger/balance/acc_2210", "/ledger/entries?acc=acc_2210"}, Weight: 2, Fail: noCluster},
	)
	c.GWLog(m, Istio(JSON, recs))
	c.Expect("destination-host-unknown", "VirtualService", "checkout", "api", "host ledger.payments.svc.cluster.local")
	c.Absent = []string{"no-workload", "subset-undefined", "route-missing"}
	return c
}

func case46MeshDefaultExportTo() *Case {
	c := newCase("48-mesh-default-exportto", at(2025, 6, 24, 9, 5))
	c.Description = "Inventory lookups from the shop fail with 503 NC after the platform team set " +
		"defaultServiceExportTo: [\".\"] in the mesh configuration (istio ConfigMap) to shrink sidecar config. The " +
		"ServiceEntry legacy/inventory-vm for the VM host inventory.legacy.internal sets no exportTo, so it is now " +
		"private to namespace legacy, and the VirtualService shop/inventory that adds retries for it routes to a host " +
		"shop cannot see. Attached as kubectl get -A -o yaml output plus the sidecar's log."
	c.Source = "MeshConfig defaultServiceExportTo (pkg/config/mesh/mesh.go DefaultMeshConfig; " +
		"pilot/pkg/model/push_context.go serviceExportTo applies it to a ServiceEntry without exportTo); " +
		"ServiceEntry exportTo (istio.io networking/v1 ServiceEntry reference)."
	c.Layout = LayoutLoose
	c.LooseKinds = []string{"Namespace", "ConfigMap", "Service", "Deployment", "Pod", "ServiceEntry", "VirtualService", "DestinationRule"}
	c.KubeVersion = "v1.32.2"
	c.Cluster(AKS, 0, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.26.1", NoGateway: true})
	c.meshConfigMap("istio-system", "defaultConfig:\n  discoveryAddress: istiod.istio-system.svc:15012\n"+
		"defaultServiceExportTo:\n- .\ndefaultVirtualServiceExportTo:\n- '*'\ndefaultDestinationRuleExportTo:\n- '*'\n"+
		"enablePrometheusMerge: true\nrootNamespace: istio-system\ntrustDomain: cluster.local\n")
	c.Namespace("legacy")
	c.SE("v1", "legacy", "inventory-vm", M{"hosts": Strs("inventory.legacy.internal"), "location": "MESH_INTERNAL", "resolution": "DNS",
		"ports": L{M{"name": "http", "number": 8080, "protocol": "HTTP"}}})
	c.MeshNS("shop")
	sf, _ := c.Web("shop", "storefront", 2, 8080, "ghcr.io/acme/storefront:5.2.0", true)
	ca, cas := c.Web("shop", "catalog", 2, 8080, "ghcr.io/acme/catalog:2.9.1", true)
	c.VS("v1", "shop", "inventory", M{"hosts": Strs("inventory.legacy.internal"), "http": L{
		M{"route": L{Route("inventory.legacy.internal", 8080, "")}, "retries": M{"attempts": 3, "perTryTimeout": "2s"}}}})
	for _, p := range sf.Pods {
		recs := c.Traffic(Sidecar(p), c.Now.Add(-30*Min), c.Now.Add(-5*Sec), 120,
			Flow{Authority: "catalog:8080", Paths: []string{"/products/1182", "/products?cat=lamps"}, Cluster: Cl(8080, "", cas.Host()), Hosts: Hosts(ca), SvcAddr: cas.Addr(), Weight: 3},
			Flow{Authority: "inventory.legacy.internal:8080", Paths: []string{"/stock/1182", "/stock/2291"}, Weight: 1,
				Cluster: "outbound|8080||inventory.legacy.internal", Hosts: []string{"10.20.4.17:8080", "10.20.4.18:8080"},
				Fail: FailAfter(c.Now.Add(-22*Min), NC)},
		)
		c.Log("shop", p.Name, "istio-proxy", Istio(F19, recs)...)
	}
	c.Expect("destination-host-unknown", "VirtualService", "shop", "inventory", "host inventory.legacy.internal")
	c.Absent = []string{"no-workload", "control-plane-down"}
	return c
}

func case47HealthyExportToStar() *Case {
	c := newCase("49-healthy-exportto-star-root-dr", at(2025, 7, 2, 15, 40))
	c.Description = "Review after a mesh-config change: defaultServiceExportTo and defaultDestinationRuleExportTo are " +
		"now [\".\"], but the shared reviews Service is annotated networking.istio.io/exportTo: \"*\" and its " +
		"version subsets live in a DestinationRule in the root namespace istio-system exported with exportTo: " +
		"[\"*\"]. The frontend in another namespace routes a 80/20 split to reviews v1/v2 and gets 200s. Nothing " +
		"is broken."
	c.Source = "pilot/pkg/model/push_context.go: IsServiceVisible (exportTo \"*\" wins over the mesh default) and " +
		"destinationRule (a rule exported from the root namespace applies when neither the proxy's namespace nor " +
		"the service's has one); istioctl analyze reports nothing for it."
	c.Style = StyleYAML
	c.KubeVersion = "v1.30.4"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.25.3", NoGateway: true})
	c.meshConfigMap("istio-system", "defaultServiceExportTo:\n- .\ndefaultDestinationRuleExportTo:\n- .\nrootNamespace: istio-system\n")
	c.MeshNS("bookinfo")
	var revs []*App
	for _, v := range []string{"v1", "v2"} {
		revs = append(revs, c.App(AppSpec{NS: "bookinfo", Name: "reviews-" + v, Labels: map[string]string{"app": "reviews", "version": v}, Replicas: 2,
			Image: "docker.io/istio/examples-bookinfo-reviews-" + v + ":1.20.2", Ports: []CPort{{"http", 9080}}, Probe: "/health", Sidecar: true}))
	}
	rs := c.Service("bookinfo", "reviews", map[string]string{"app": "reviews"}, P("http", 9080, nil))
	set(rs.obj.M, "metadata.annotations", M{"networking.istio.io/exportTo": "*"})
	c.DR("v1", "istio-system", "reviews-versions", M{"host": "reviews.bookinfo.svc.cluster.local", "exportTo": Strs("*"), "subsets": Subsets("v1", "v2")})
	c.MeshNS("frontend")
	fe, _ := c.Web("frontend", "web", 2, 8080, "ghcr.io/acme/web:8.1.0", true)
	c.VS("v1", "frontend", "reviews-split", M{"hosts": Strs("reviews.bookinfo.svc.cluster.local"), "http": L{M{"route": L{
		M{"destination": M{"host": "reviews.bookinfo.svc.cluster.local", "subset": "v1"}, "weight": 80},
		M{"destination": M{"host": "reviews.bookinfo.svc.cluster.local", "subset": "v2"}, "weight": 20}}}}})
	for _, p := range fe.Pods {
		recs := c.Traffic(Sidecar(p), c.Now.Add(-15*Min), c.Now.Add(-5*Sec), 110,
			Flow{Authority: "reviews.bookinfo:9080", Paths: []string{"/reviews/0", "/reviews/1"}, Cluster: Cl(9080, "v1", rs.Host()), Hosts: Hosts(revs[0]), SvcAddr: rs.Addr(), Weight: 4},
			Flow{Authority: "reviews.bookinfo:9080", Paths: []string{"/reviews/0"}, Cluster: Cl(9080, "v2", rs.Host()), Hosts: Hosts(revs[1]), SvcAddr: rs.Addr(), Weight: 1},
		)
		c.Log("frontend", p.Name, "istio-proxy", Istio(JSON, recs)...)
	}
	c.Absent = []string{"destination-host-unknown", "subset-undefined", "subset-no-pods"}
	return c
}

func case48HealthyWildcards() *Case {
	c := newCase("50-healthy-wildcard-hosts", at(2025, 8, 19, 11, 2))
	c.Description = "The media namespace owns its ingress: its Gateway media/public selects the shared ingress " +
		"gateway pods in istio-ingress and lists */media.example.com; the VirtualService media/web binds to it. Its " +
		"thumbnailer calls storage.googleapis.com through the mesh: a ServiceEntry for *.googleapis.com in the root " +
		"namespace covers that host, and a DestinationRule originates TLS to it. All requests succeed."
	c.Source = "pkg/config/host/name.go (a *. wildcard covers its subdomains); Gateway hosts */host admit " +
		"VirtualServices of every namespace (pilot/pkg/model/gateway.go sanitizeServerHostNamespace); a Gateway's " +
		"selector matches gateway pods in any namespace unless PILOT_SCOPE_GATEWAY_TO_NAMESPACE is set " +
		"(pilot/pkg/features/pilot.go); istioctl analyze GetDestinationHost accepts a wildcard ServiceEntry."
	c.Style = StyleList
	c.KubeVersion = "v1.33.1"
	c.Cluster(GKE, 0, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.27.0", GWNamespace: "istio-ingress", GWName: "istio-ingressgateway",
		GWLabels: map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway"}})
	c.SE("v1", "istio-system", "googleapis", M{"hosts": Strs("*.googleapis.com"), "location": "MESH_EXTERNAL", "resolution": "NONE",
		"ports": L{M{"name": "http", "number": 80, "protocol": "HTTP"}, M{"name": "https", "number": 443, "protocol": "HTTPS"}}})
	c.MeshNS("media")
	web, ws := c.Web("media", "web", 2, 8080, "europe-docker.pkg.dev/media-prod/web:12.4.0", true)
	th, _ := c.Web("media", "thumbnailer", 2, 8080, "europe-docker.pkg.dev/media-prod/thumbnailer:3.0.2", true)
	c.istioGateway("v1", "media", "public", map[string]string{"istio": "ingressgateway"}, "*/media.example.com")
	c.VS("v1", "media", "web", M{"hosts": Strs("media.example.com"), "gateways": Strs("public"), "http": L{M{"route": L{Route("web", 8080, "")}}}})
	c.VS("v1", "media", "gcs", M{"hosts": Strs("storage.googleapis.com"), "http": L{M{"route": L{Route("storage.googleapis.com", 443, "")}}}})
	c.DR("v1", "media", "gcs-tls", M{"host": "storage.googleapis.com", "trafficPolicy": M{"portLevelSettings": L{
		M{"port": M{"number": 443}, "tls": M{"mode": "SIMPLE"}}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-15*Min), c.Now.Add(-4*Sec), 240,
		Flow{Authority: "media.example.com", Paths: []string{"/", "/watch/8812", "/api/titles?page=2"}, Cluster: Cl(8080, "", ws.Host()), Hosts: Hosts(web)})
	c.GWLog(m, Istio(F19, recs))
	for _, p := range th.Pods {
		r := c.Traffic(Sidecar(p), c.Now.Add(-15*Min), c.Now.Add(-4*Sec), 60,
			Flow{Authority: "storage.googleapis.com", Paths: []string{"/media-prod-thumbs/8812/w320.jpg", "POST /upload/storage/v1/b/media-prod-thumbs/o"},
				Cluster: "outbound|443||storage.googleapis.com", Hosts: []string{"142.250.179.219:443", "172.217.168.251:443"}, OKCodes: []int{200, 200, 201}})
		c.Log("media", p.Name, "istio-proxy", Istio(F19, r)...)
	}
	c.Absent = []string{"destination-host-unknown", "route-missing", "gateway-no-pods", "mtls-mismatch"}
	return c
}

func case49HealthyZoneSubsets() *Case {
	c := newCase("51-healthy-topology-subsets", at(2025, 5, 13, 17, 30))
	c.Description = "Zone-pinned routing on EKS: the DestinationRule checkout/payments-gw defines one subset per " +
		"availability zone by topology.kubernetes.io/zone and a canary subset by kubernetes.io/hostname, labels no " +
		"pod carries but Istio adds to every endpoint from its node. Each zone has a ready payments-gw pod; the " +
		"VirtualService sends the checkout traffic to zone eu-west-1a and a slice to the canary node. All requests " +
		"succeed."
	c.Source = "pilot/pkg/serviceregistry/util/label/label.go AugmentLabels and kube/controller/endpoint_builder.go " +
		"(locality from the node's topology labels, kubernetes.io/hostname from the node name); istioctl analyze " +
		"DestinationRuleSubsetNotSelectPods (pkg/config/analysis/analyzers/destinationrule/subset.go) matches subsets " +
		"against the same augmented labels."
	c.Style = StyleTyped
	c.KubeVersion = "v1.30.8-eks-2d98532"
	c.Cluster(EKS, 0, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.24.3"})
	c.MeshNS("checkout")
	pg := c.App(AppSpec{NS: "checkout", Name: "payments-gw", Replicas: 3, Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-gw:4.4.0",
		Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true})
	pgs := c.Service("checkout", "payments-gw", map[string]string{"app": "payments-gw"}, P("http", 8080, "http"))
	canaryNode := pg.Pods[0].Node
	c.DR("v1", "checkout", "payments-gw", M{"host": "payments-gw", "subsets": L{
		M{"name": "eu-west-1a", "labels": M{"topology.kubernetes.io/zone": "eu-west-1a"}},
		M{"name": "eu-west-1b", "labels": M{"topology.kubernetes.io/zone": "eu-west-1b"}},
		M{"name": "eu-west-1c", "labels": M{"topology.kubernetes.io/zone": "eu-west-1c"}},
		M{"name": "canary-node", "labels": M{"kubernetes.io/hostname": canaryNode}}}})
	c.GW("v1", "checkout", "checkout-gw", map[string]string{"istio": "ingressgateway"}, "pay.acme.example")
	c.VS("v1", "checkout", "payments-gw", M{"hosts": Strs("pay.acme.example"), "gateways": Strs("checkout-gw"), "http": L{M{"route": L{
		M{"destination": M{"host": "payments-gw", "subset": "eu-west-1a"}, "weight": 95},
		M{"destination": M{"host": "payments-gw", "subset": "canary-node"}, "weight": 5}}}}})
	var zoneA []string
	for _, p := range pg.Pods {
		if c.zoneOf(p.Node) == "eu-west-1a" {
			zoneA = append(zoneA, p.Addr())
		}
	}
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-12*Min), c.Now.Add(-3*Sec), 260,
		Flow{Authority: "pay.acme.example", Paths: []string{"POST /v2/authorize", "POST /v2/capture"}, Cluster: Cl(8080, "eu-west-1a", pgs.Host()), Hosts: zoneA, Weight: 19, OKCodes: []int{200, 201}},
		Flow{Authority: "pay.acme.example", Paths: []string{"POST /v2/authorize"}, Cluster: Cl(8080, "canary-node", pgs.Host()), Hosts: []string{pg.Pods[0].Addr()}, Weight: 1},
	)
	c.GWLog(m, Istio(JSON, recs))
	c.Absent = []string{"subset-no-pods", "subset-undefined"}
	return c
}

func case50HealthyPermissiveNginx() *Case {
	c := newCase("52-healthy-permissive-ingress-nginx", at(2024, 10, 29, 10, 15))
	c.Description = "ingress-nginx (no sidecar) in front of two meshed namespaces: wiki runs with a PERMISSIVE " +
		"PeerAuthentication, and billing is STRICT except port 8080 of its api, which a workload PeerAuthentication " +
		"opens with portLevelMtls PERMISSIVE for the ingress. The controller log shows only successful requests; " +
		"the ticket asked whether the STRICT rollout broke the ingress. It did not."
	c.Source = "pilot/pkg/security/authn/policy_applier.go ComposePeerAuthentication (PERMISSIVE accepts plaintext; " +
		"a workload policy's portLevelMtls overrides its namespace's mode for that port); istio.io mTLS migration task."
	c.Style = StyleList
	c.KubeVersion = "v1.29.10"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.23.3", NoGateway: true})
	ing := c.IngressNginx("v1.11.3")
	c.MeshNS("wiki")
	c.PA("v1beta1", "wiki", "default", "PERMISSIVE")
	wk, _ := c.Web("wiki", "bookstack", 2, 8080, "lscr.io/linuxserver/bookstack:v24.10", true)
	c.MeshNS("billing")
	c.PA("v1", "billing", "default", "STRICT")
	api, _ := c.Web("billing", "billing-api", 2, 8080, "registry.acme.example/billing/api:6.3.0", true)
	c.Raw("security.istio.io/v1", "PeerAuthentication", "billing", "billing-api-ingress", 12*Day, nil, M{"spec": M{
		"selector": M{"matchLabels": M{"app": "billing-api"}}, "mtls": M{"mode": "STRICT"},
		"portLevelMtls": M{"8080": M{"mode": "PERMISSIVE"}}}})
	c.Ingress("wiki", "wiki", "wiki.acme.example", "/", "bookstack", 8080)
	c.Ingress("billing", "billing", "billing.acme.example", "/", "billing-api", 8080)
	recs := c.Traffic(c.ingressVantage(ing), c.Now.Add(-20*Min), c.Now.Add(-6*Sec), 260,
		Flow{Authority: "wiki.acme.example", Paths: []string{"/books/runbooks", "/search?term=istio"}, Cluster: "wiki-bookstack-8080", Hosts: Hosts(wk), Weight: 2},
		Flow{Authority: "billing.acme.example", Paths: []string{"/v1/invoices?customer=c_19", "POST /v1/invoices"}, Cluster: "billing-billing-api-8080", Hosts: Hosts(api), Weight: 3, OKCodes: []int{200, 201}},
	)
	c.ingressLog(ing, recs)
	c.Absent = []string{"mtls-mismatch"}
	return c
}
