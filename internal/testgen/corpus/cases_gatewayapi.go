package main

import (
	"fmt"
	"time"
)

// Gateway API cases: each implementation as it deploys and logs, with
// the status a live cluster carries and as manifests from Git.

func caseGW01EGRefGrantMissing() *Case {
	c := newCase("gwapi-01-eg-refgrant-missing", at(2025, 10, 14, 9, 12))
	c.Description = "checkout.shop.example.com/api/pay answers 500 at Envoy Gateway 1.5 since payments-api moved to its own " +
		"namespace. The storefront HTTPRoute in shop now sends /api/pay to Service payments/payments-api, but no " +
		"ReferenceGrant in payments admits HTTPRoutes from shop: Envoy Gateway sets ResolvedRefs=False RefNotPermitted " +
		"and answers the rule with a 500 direct response."
	c.Source = "kubernetes-sigs/gateway-api apis/v1beta1 ReferenceGrant and conformance httproute-invalid-reference-grant " +
		"(RefNotPermitted, 500); envoyproxy/gateway internal/gatewayapi/route.go (500 direct response for a rule with no valid " +
		"backend) and internal/xds/translator/accesslog.go (default JSON access log)."
	c.Style = StyleList
	c.KubeVersion = "v1.31.4"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	eg := c.EnvoyGateway("v1.5.2", "eg")
	c.Namespace("infra")
	host := "checkout.shop.example.com"
	c.Gateway("v1", "infra", "public", "eg", L{Listener("http", 80, "HTTP", "", nil), Listener("https", 443, "HTTPS", "*.shop.example.com", FromAll)},
		&GWStatus{Address: "34.118.20.7", Attached: map[string]int{"https": 1}})
	px, _ := eg.Proxy(c, "infra", "public", 2, []int{80, 443}, nil)
	c.Namespace("shop")
	sf, _ := c.Web("shop", "storefront", 3, 8080, "ghcr.io/acme/storefront:5.2.1", false)
	c.Namespace("payments")
	pay, _ := c.Web("payments", "payments-api", 2, 8080, "ghcr.io/acme/payments-api:3.0.0", false)
	parent := Parent("infra", "public", "https")
	c.Route("v1", "HTTPRoute", "shop", "storefront", []string{host}, []M{parent},
		[]M{Rule("/api/pay", Backend("payments", "payments-api", 8080)), Rule("/", Backend("", "storefront", 8080))},
		[]M{ParentStatus(ctrlEnvoyGateway, parent, c.Accepted(), c.Unresolved("RefNotPermitted",
			"Failed to process route rule 0 backendRef 0: backendRef payments/payments-api is not permitted by any ReferenceGrant."))})
	recs := c.Traffic(c.EGVantage(px, 443), c.Now.Add(-25*Min), c.Now.Add(-15*Sec), 300,
		Flow{Authority: host, Paths: []string{"/", "/cart", "/products/1182"}, Cluster: EGCluster("shop", "storefront", 1), Hosts: Hosts(sf),
			Route: EGRoute("shop", "storefront", 1, 0, host), Weight: 4},
		// before the move the rule reached payments-api in shop
		Flow{Authority: host, Paths: []string{"POST /api/pay", "POST /api/pay/confirm"}, Cluster: EGCluster("shop", "storefront", 0), Hosts: Hosts(pay),
			Route: EGRoute("shop", "storefront", 0, 0, host), Weight: 1, Fail: FailAfter(c.Now.Add(-19*Min), DR500)},
	)
	c.Log("envoy-gateway-system", px.Pods[0].Name, "envoy", EnvoyGatewayJSON(recs)...)
	c.Expect("backend-ref-not-permitted", "HTTPRoute", "shop", "storefront", "")
	c.Absent = []string{"destination-host-unknown", "route-missing", "gateway-no-pods"}
	return c
}

func caseGW02GitGrantWrongNamespace() *Case {
	c := newCase("gwapi-02-git-grant-in-route-namespace", at(2025, 11, 3, 16, 40))
	c.Description = "A pre-merge check of the media team's GitOps repository (manifests only, no cluster). HTTPRoute " +
		"media/player sends /api/catalog to Service catalog/catalog-api and the change ships a ReferenceGrant for it, " +
		"but the grant was written into media, the route's own namespace: a ReferenceGrant only admits references " +
		"to objects of its own namespace, so the catalog backendRef is not permitted."
	c.Source = "kubernetes-sigs/gateway-api conformance httproute-invalid-reference-grant (reference-grant-wrong-namespace) " +
		"and apis/v1beta1/referencegrant_types.go (a grant lives in the namespace of the referent)."
	c.Layout = LayoutGit
	c.Cluster(GKE, 0, 2)
	c.Namespace("gateway")
	c.GatewayClass("istio", ctrlIstio, true)
	c.Gateway("v1", "gateway", "media-gw", "istio", L{Listener("https", 443, "HTTPS", "*.media.example.tv", FromAll)}, nil)
	c.Namespace("media")
	c.App(AppSpec{NS: "media", Name: "player", Replicas: 3, Image: "europe-docker.pkg.dev/media-prod/player/web:7.4.0", Ports: []CPort{{"http", 3000}}, Probe: "/healthz"})
	c.Service("media", "player", map[string]string{"app": "player"}, P("http", 80, "http"))
	c.Namespace("catalog")
	c.App(AppSpec{NS: "catalog", Name: "catalog-api", Replicas: 2, Image: "europe-docker.pkg.dev/media-prod/catalog/api:2.9.1", Ports: []CPort{{"http", 8080}}, Probe: "/ready"})
	c.Service("catalog", "catalog-api", map[string]string{"app": "catalog-api"}, P("http", 8080, "http"))
	c.Route("v1", "HTTPRoute", "media", "player", []string{"watch.media.example.tv"}, []M{Parent("gateway", "media-gw", "https")},
		[]M{Rule("/api/catalog", Backend("catalog", "catalog-api", 8080)), Rule("/", Backend("", "player", 80))}, nil)
	c.ReferenceGrant("v1beta1", "media", "allow-player-to-catalog", "HTTPRoute", "media", "catalog-api")
	c.Expect("backend-ref-not-permitted", "HTTPRoute", "media", "player", "")
	c.Absent = []string{"route-missing", "destination-host-unknown"}
	return c
}

func caseGW03IstioGrantValid() *Case {
	c := newCase("gwapi-03-istio-cross-namespace-grant-valid", at(2025, 9, 22, 11, 5))
	c.Description = "Routine check after moving the public site to Istio's Gateway API support (Istio 1.26). " +
		"HTTPRoute web/site sends /api to Service api/backend in another namespace, and a ReferenceGrant in api " +
		"admits HTTPRoutes from web; the Gateway's listener takes routes from all namespaces. The controller " +
		"accepted the route and resolved every reference; the gateway log shows only successful requests."
	c.Source = "kubernetes-sigs/gateway-api conformance httproute-reference-grant (a matching ReferenceGrant v1 permits " +
		"the cross-namespace backendRef); istio/istio pilot/pkg/config/kube/gateway/conversion.go (route names " +
		"<ns>.<name>.<rule>) and the <gateway>-istio deployment."
	c.Style = StyleTyped
	c.KubeVersion = "v1.33.2"
	c.Cluster(EKS, 0, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.26.3", NoGateway: true})
	c.GatewayClass("istio", ctrlIstio, true)
	c.Namespace("istio-ingress")
	host := "www.example.com"
	c.Gateway("v1", "istio-ingress", "public", "istio", L{Listener("http", 80, "HTTP", host, FromAll)},
		&GWStatus{Address: "a1b2c3.elb.eu-west-1.amazonaws.com", Attached: map[string]int{"http": 1}})
	gw, _ := c.IstioGatewayDeployment("istio-ingress", "public", "istio", []int{80}, nil)
	c.Namespace("web")
	site, ss := c.Web("web", "site", 2, 8080, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/site:2025.09.2", false)
	c.Namespace("api")
	be, bs := c.Web("api", "backend", 3, 8080, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend:4.1.0", false)
	parent := Parent("istio-ingress", "public", "http")
	c.Route("v1", "HTTPRoute", "web", "site", []string{host}, []M{parent},
		[]M{Rule("/api", Backend("api", "backend", 8080)), Rule("/", Backend("", "site", 8080))},
		[]M{ParentStatus(ctrlIstio, parent, c.Accepted(), c.Resolved())})
	c.ReferenceGrant("v1", "api", "allow-web-routes", "HTTPRoute", "web", "backend")
	v := Vantage{IP: gw.Pods[0].IP, Listen: 80, Clients: c.NodeIPs(), External: true}
	recs := c.Traffic(v, c.Now.Add(-20*Min), c.Now.Add(-5*Sec), 240,
		Flow{Authority: host, Paths: []string{"/", "/pricing", "/blog/"}, Cluster: Cl(8080, "", ss.Host()), Hosts: Hosts(site), Route: IstioRoute("web", "site", 1), Weight: 3},
		Flow{Authority: host, Paths: []string{"/api/v1/plans", "POST /api/v1/signup"}, Cluster: Cl(8080, "", bs.Host()), Hosts: Hosts(be), Route: IstioRoute("web", "site", 0), Weight: 2},
	)
	c.Log("istio-ingress", gw.Pods[0].Name, "istio-proxy", Istio(F19, recs)...)
	return c
}

func caseGW04GitWildcardValid() *Case {
	c := newCase("gwapi-04-git-wildcard-section-valid", at(2025, 12, 1, 8, 30))
	c.Description = "A platform repository checked before a release (manifests only). Gateway infra/edge has an HTTPS " +
		"listener for *.example.org that takes routes from all namespaces and a plain HTTP listener for its own " +
		"namespace. shop/store attaches to the HTTPS listener by sectionName with store.example.org; docs/docs names " +
		"no section and lists docs.example.org and *.docs.example.org, which the wildcard covers; infra/redirect " +
		"attaches to the HTTP listener from the Gateway's own namespace. Every route attaches; nothing is wrong."
	c.Source = "kubernetes-sigs/gateway-api apis/v1/httproute_types.go (Hostnames: a listener wildcard matches one or more " +
		"labels), gateway_types.go (AllowedRoutes from All, the default Same) and conformance httproute-hostname-intersection, " +
		"httproute-listener-hostname-matching."
	c.Layout = LayoutGit
	c.Cluster(K3s, 1, 2)
	c.Namespace("infra")
	c.GatewayClass("eg", ctrlEnvoyGateway, true)
	c.Gateway("v1", "infra", "edge", "eg", L{Listener("https", 443, "HTTPS", "*.example.org", FromAll), Listener("http", 80, "HTTP", "", nil)}, nil)
	c.Namespace("shop")
	c.Web("shop", "store", 2, 8080, "registry.example.org/shop/store:1.14.0", false)
	c.Namespace("docs")
	c.Web("docs", "docs", 1, 8000, "registry.example.org/docs/mkdocs-site:2025.11", false)
	c.Web("infra", "redirect", 1, 8080, "registry.example.org/infra/https-redirect:1.2.0", false)
	c.Route("v1", "HTTPRoute", "shop", "store", []string{"store.example.org"}, []M{Parent("infra", "edge", "https")},
		[]M{Rule("/", Backend("", "store", 8080))}, nil)
	c.Route("v1", "HTTPRoute", "docs", "docs", []string{"docs.example.org", "*.docs.example.org"}, []M{Parent("infra", "edge", "")},
		[]M{Rule("/", Backend("", "docs", 8000))}, nil)
	c.Route("v1", "HTTPRoute", "infra", "redirect", nil, []M{Parent("", "edge", "http")}, []M{Rule("/", Backend("", "redirect", 8080))}, nil)
	return c
}

func caseGW05EGNotAllowed() *Case {
	c := newCase("gwapi-05-eg-not-allowed-by-listeners", at(2025, 8, 19, 14, 2))
	c.Description = "team-a's new app is unreachable: app.team-a.example.com answers 404 at Envoy Gateway 1.4. Its " +
		"HTTPRoute in team-a names the shared Gateway infra/shared, whose only listener keeps the default " +
		"allowedRoutes (namespaces from Same), so only routes of infra may attach: Envoy Gateway set Accepted=False " +
		"NotAllowedByListeners and the host has no route (NR)."
	c.Source = "kubernetes-sigs/gateway-api apis/v1/gateway_types.go (AllowedRoutes namespaces default from: Same) and " +
		"conformance httproute-invalid-cross-namespace-parent-ref (Accepted=False NotAllowedByListeners)."
	c.Style = StyleYAML
	c.KubeVersion = "v1.30.6"
	c.Cluster(AKS, 0, 3)
	c.KubeSystem(nil)
	eg := c.EnvoyGateway("v1.4.3", "envoy")
	c.Namespace("infra")
	c.Gateway("v1", "infra", "shared", "envoy", L{Listener("http", 80, "HTTP", "", nil)},
		&GWStatus{Address: "20.61.4.18", Attached: map[string]int{"http": 1}})
	px, _ := eg.Proxy(c, "infra", "shared", 1, []int{80}, nil)
	st, _ := c.Web("infra", "status-page", 1, 8080, "ghcr.io/acme/status-page:0.9.2", false)
	c.Route("v1", "HTTPRoute", "infra", "status", []string{"status.example.com"}, []M{Parent("", "shared", "")},
		[]M{Rule("/", Backend("", "status-page", 8080))},
		[]M{ParentStatus(ctrlEnvoyGateway, Parent("", "shared", ""), c.Accepted(), c.Resolved())})
	c.Namespace("team-a")
	c.Web("team-a", "app", 2, 8080, "teamaacr.azurecr.io/app:1.0.3", false)
	parent := Parent("infra", "shared", "")
	c.Route("v1", "HTTPRoute", "team-a", "app", []string{"app.team-a.example.com"}, []M{parent},
		[]M{Rule("/", Backend("", "app", 8080))},
		[]M{ParentStatus(ctrlEnvoyGateway, parent, c.NotAccepted("NotAllowedByListeners", "No listeners included by this parent ref allowed this attachment."), c.Resolved())})
	recs := c.Traffic(c.EGVantage(px, 80), c.Now.Add(-30*Min), c.Now.Add(-20*Sec), 180,
		Flow{Authority: "status.example.com", Paths: []string{"/", "/api/v2/status.json"}, Cluster: EGCluster("infra", "status", 0), Hosts: Hosts(st),
			Route: EGRoute("infra", "status", 0, 0, "status.example.com"), Weight: 2},
		Flow{Authority: "app.team-a.example.com", Paths: []string{"/", "/login", "/api/items"}, Weight: 3,
			Fail: func(time.Time, int) *Outcome { x := NR; return &x }},
	)
	c.Log("envoy-gateway-system", px.Pods[0].Name, "envoy", EnvoyGatewayJSON(recs)...)
	c.Expect("route-missing", "HTTPRoute", "team-a", "app", "")
	c.Absent = []string{"gateway-no-pods", "destination-host-unknown"}
	return c
}

func caseGW06GitSectionNameTypo() *Case {
	c := newCase("gwapi-06-git-section-name-typo", at(2025, 10, 2, 10, 15))
	c.Description = "Manifests of the billing app as committed (no cluster): HTTPRoute billing/invoices attaches to " +
		"Gateway infra/public with sectionName https-web, but the Gateway's listeners are named http and https. " +
		"No listener matches the parentRef, so the route would be rejected with NoMatchingParent."
	c.Source = "kubernetes-sigs/gateway-api apis/v1/shared_types.go (ParentReference.SectionName selects a listener by name; " +
		"RouteReasonNoMatchingParent) and conformance httproute-invalid-parentref-not-matching-section-name."
	c.Layout = LayoutGit
	c.Cluster(Kubeadm, 1, 2)
	c.Namespace("infra")
	c.GatewayClass("kgateway", ctrlKgateway, true)
	c.Gateway("v1", "infra", "public", "kgateway", L{Listener("http", 80, "HTTP", "", FromAll), Listener("https", 443, "HTTPS", "*.billing.example.com", FromAll)}, nil)
	c.Namespace("billing")
	c.Web("billing", "invoices", 2, 8080, "registry.example.com/billing/invoices:2.4.0", false)
	c.Route("v1beta1", "HTTPRoute", "billing", "invoices", []string{"invoices.billing.example.com"}, []M{Parent("infra", "public", "https-web")},
		[]M{Rule("/", Backend("", "invoices", 8080))}, nil)
	c.Expect("route-missing", "HTTPRoute", "billing", "invoices", "")
	c.Absent = []string{"destination-host-unknown", "backend-ref-not-permitted"}
	return c
}

func caseGW07IstioHostnameMismatch() *Case {
	c := newCase("gwapi-07-istio-hostname-mismatch", at(2025, 7, 8, 17, 26))
	c.Description = "After the shop's domain moved to shop.example.net, the storefront answers 404 at the Istio gateway " +
		"(Istio 1.25, Gateway API). The HTTPRoute was updated to the new hostname, but the Gateway's HTTPS listener " +
		"still serves *.example.com only: no hostname intersects, Istio set Accepted=False NoMatchingListenerHostname " +
		"and requests for shop.example.net end in NR route_not_found."
	c.Source = "kubernetes-sigs/gateway-api apis/v1/httproute_types.go (Hostnames: no intersecting listener hostname, " +
		"not accepted) and shared_types.go RouteReasonNoMatchingListenerHostname; conformance httproute-listener-hostname-matching."
	c.Style = StyleList
	c.KubeVersion = "v1.32.5"
	c.Cluster(GKE, 0, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.25.4", NoGateway: true})
	c.GatewayClass("istio", ctrlIstio, true)
	c.Namespace("gateways")
	c.Gateway("v1", "gateways", "shop", "istio", L{Listener("https", 443, "HTTPS", "*.example.com", FromAll)},
		&GWStatus{Address: "34.90.77.120", Attached: map[string]int{"https": 0}})
	gw, _ := c.IstioGatewayDeployment("gateways", "shop", "istio", []int{443}, nil)
	c.Namespace("shop")
	c.Web("shop", "storefront", 3, 8080, "europe-west4-docker.pkg.dev/shop-prod/web/storefront:2025.07.1", false)
	parent := Parent("gateways", "shop", "https")
	c.Route("v1", "HTTPRoute", "shop", "storefront", []string{"shop.example.net", "www.shop.example.net"}, []M{parent},
		[]M{Rule("/", Backend("", "storefront", 8080))},
		[]M{ParentStatus(ctrlIstio, parent, c.NotAccepted("NoMatchingListenerHostname", "no hostnames matched parent hostname \"*.example.com\""), c.Resolved())})
	v := Vantage{IP: gw.Pods[0].IP, Listen: 443, Clients: c.NodeIPs(), External: true}
	recs := c.Traffic(v, c.Now.Add(-35*Min), c.Now.Add(-30*Sec), 160,
		Flow{Authority: "shop.example.net", Paths: []string{"/", "/products/881", "/cart"}, Weight: 3,
			Fail: func(time.Time, int) *Outcome { x := NR; return &x }},
		Flow{Authority: "www.shop.example.net", Paths: []string{"/"}, Weight: 1,
			Fail: func(time.Time, int) *Outcome { x := NR; return &x }},
	)
	c.Log("gateways", gw.Pods[0].Name, "istio-proxy", Istio(F19, recs)...)
	c.Expect("route-missing", "HTTPRoute", "shop", "storefront", "")
	c.Absent = []string{"gateway-no-pods", "destination-host-unknown"}
	return c
}

func caseGW08ParentGatewayMissing() *Case {
	c := newCase("gwapi-08-parent-gateway-missing", at(2025, 6, 30, 12, 48))
	c.Description = "docs.example.com answers 404 at Envoy Gateway 1.3. The docs HTTPRoute names the Gateway " +
		"public-gw, which does not exist (the platform Gateway is infra/public); no controller writes a status for " +
		"a parent that does not exist, so the route carries none at all and is attached nowhere."
	c.Source = "kubernetes-sigs/gateway-api apis/v1/shared_types.go RouteStatus (parents a controller cannot resolve " +
		"are not added to the status; an empty list means the route is attached to no Gateway)."
	c.Style = StyleTyped
	c.KubeVersion = "v1.29.9"
	c.Cluster(EKS, 0, 2)
	c.KubeSystem(nil)
	eg := c.EnvoyGateway("v1.3.2", "eg")
	c.Namespace("infra")
	c.Gateway("v1", "infra", "public", "eg", L{Listener("http", 80, "HTTP", "", FromAll)},
		&GWStatus{Address: "a4c1d.elb.eu-west-1.amazonaws.com", Attached: map[string]int{"http": 1}})
	px, _ := eg.Proxy(c, "infra", "public", 1, []int{80}, nil)
	c.Namespace("web")
	w, _ := c.Web("web", "www", 2, 8080, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/www:6.0.2", false)
	c.Route("v1", "HTTPRoute", "web", "www", []string{"www.example.com"}, []M{Parent("infra", "public", "")},
		[]M{Rule("/", Backend("", "www", 8080))},
		[]M{ParentStatus(ctrlEnvoyGateway, Parent("infra", "public", ""), c.Accepted(), c.Resolved())})
	c.Namespace("docs")
	c.Web("docs", "docs", 1, 8000, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docs:2025.06", false)
	c.Route("v1", "HTTPRoute", "docs", "docs", []string{"docs.example.com"}, []M{Parent("infra", "public-gw", "")},
		[]M{Rule("/", Backend("", "docs", 8000))}, nil)
	recs := c.Traffic(c.EGVantage(px, 80), c.Now.Add(-20*Min), c.Now.Add(-10*Sec), 200,
		Flow{Authority: "www.example.com", Paths: []string{"/", "/about", "/careers"}, Cluster: EGCluster("web", "www", 0), Hosts: Hosts(w),
			Route: EGRoute("web", "www", 0, 0, "www.example.com"), Weight: 3},
		Flow{Authority: "docs.example.com", Paths: []string{"/", "/getting-started/", "/api/"}, Weight: 2,
			Fail: func(time.Time, int) *Outcome { x := NR; return &x }},
	)
	c.Log("envoy-gateway-system", px.Pods[0].Name, "envoy", EnvoyGatewayJSON(recs)...)
	c.Expect("route-missing", "HTTPRoute", "docs", "docs", "")
	c.Absent = []string{"gateway-no-pods"}
	return c
}

func caseGW09IstioBackendNotFound() *Case {
	c := newCase("gwapi-09-istio-backend-not-found", at(2025, 5, 16, 9, 3))
	c.Description = "The catalog pages of the shop fail with 500 at the Istio gateway (Istio 1.24, Gateway API). The " +
		"HTTPRoute's /catalog rule names Service catalogue, but the Service is called catalog: Istio set " +
		"ResolvedRefs=False BackendNotFound and routes the rule to a cluster that does not exist, which it answers " +
		"with 500 NC cluster_not_found."
	c.Source = "kubernetes-sigs/gateway-api conformance httproute-invalid-nonexistent-backendref (ResolvedRefs=False " +
		"BackendNotFound, 500); istio/istio pilot/pkg/config/kube/gateway/conversion.go (buildDestination, route names " +
		"<ns>.<name>.<rule>) and pilot/pkg/networking/core/route/route.go (500 for a missing cluster of a Gateway API route)."
	c.Style = StyleYAML
	c.KubeVersion = "v1.31.2"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.24.3", NoGateway: true})
	c.GatewayClass("istio", ctrlIstio, true)
	c.Namespace("shop")
	host := "shop.example.com"
	c.Gateway("v1", "shop", "gateway", "istio", L{Listener("http", 80, "HTTP", host, nil)},
		&GWStatus{Address: "192.168.10.240", Attached: map[string]int{"http": 1}})
	gw, _ := c.IstioGatewayDeployment("shop", "gateway", "istio", []int{80}, nil)
	fe, fs := c.Web("shop", "frontend", 2, 8080, "registry.shop.example.com/frontend:9.1.0", false)
	c.Web("shop", "catalog", 2, 8080, "registry.shop.example.com/catalog:4.4.2", false)
	parent := Parent("", "gateway", "")
	c.Route("v1", "HTTPRoute", "shop", "web", []string{host}, []M{parent},
		[]M{Rule("/", Backend("", "frontend", 8080)), Rule("/catalog", Backend("", "catalogue", 8080))},
		[]M{ParentStatus(ctrlIstio, parent, c.Accepted(), c.Unresolved("BackendNotFound", "backend(catalogue.shop.svc.cluster.local) not found"))})
	v := Vantage{IP: gw.Pods[0].IP, Listen: 80, Clients: c.NodeIPs(), External: true}
	recs := c.Traffic(v, c.Now.Add(-15*Min), c.Now.Add(-5*Sec), 220,
		Flow{Authority: host, Paths: []string{"/", "/cart", "/static/app.js"}, Cluster: Cl(8080, "", fs.Host()), Hosts: Hosts(fe), Route: IstioRoute("shop", "web", 0), Weight: 3},
		Flow{Authority: host, Paths: []string{"/catalog", "/catalog/lamps?page=2"}, Route: IstioRoute("shop", "web", 1), Weight: 2,
			Fail: func(time.Time, int) *Outcome { x := NC500; return &x }},
	)
	c.Log("shop", gw.Pods[0].Name, "istio-proxy", Istio(F19, recs)...)
	c.Expect("destination-host-unknown", "HTTPRoute", "shop", "web", "")
	c.Absent = []string{"backend-ref-not-permitted", "route-missing", "no-workload"}
	return c
}

func caseGW10EGThreeDefects() *Case {
	c := newCase("gwapi-10-eg-three-defects-one-route", at(2025, 11, 20, 15, 37))
	c.Description = "A refactor of the portal's HTTPRoute left three broken backendRefs in one route (Envoy Gateway " +
		"1.6): /billing goes to billing/billing-api in another namespace with no ReferenceGrant, /search to Service " +
		"search-svc, which does not exist (the Service is search), and / to portal-web on port 80, which the Service " +
		"does not expose (it serves 8080). Envoy Gateway answers each rule with a 500 direct response."
	c.Source = "kubernetes-sigs/gateway-api apis/v1/shared_types.go (RefNotPermitted, BackendNotFound) and conformance " +
		"httproute-invalid-reference-grant, httproute-invalid-nonexistent-backendref; envoyproxy/gateway " +
		"internal/gatewayapi/validate.go (PortNotFound) and route.go (500 direct response)."
	c.Style = StyleList
	c.KubeVersion = "v1.34.1"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	eg := c.EnvoyGateway("v1.6.0", "eg")
	c.Namespace("infra")
	host := "portal.example.com"
	c.Gateway("v1", "infra", "eg", "eg", L{Listener("https", 443, "HTTPS", host, FromAll)},
		&GWStatus{Address: "192.168.10.241", Attached: map[string]int{"https": 1}})
	px, _ := eg.Proxy(c, "infra", "eg", 1, []int{443}, nil)
	c.Namespace("portal")
	c.Web("portal", "portal-web", 2, 8080, "registry.example.com/portal/web:3.0.0", false)
	c.Web("portal", "search", 2, 8080, "registry.example.com/portal/search:1.8.2", false)
	c.Namespace("billing")
	c.Web("billing", "billing-api", 2, 8080, "registry.example.com/billing/api:5.5.0", false)
	parent := Parent("infra", "eg", "https")
	c.Route("v1", "HTTPRoute", "portal", "portal", []string{host}, []M{parent},
		[]M{Rule("/billing", Backend("billing", "billing-api", 8080)), Rule("/search", Backend("", "search-svc", 8080)), Rule("/", Backend("", "portal-web", 80))},
		[]M{ParentStatus(ctrlEnvoyGateway, parent, c.Accepted(), c.Unresolved("RefNotPermitted",
			"Failed to process route rule 0 backendRef 0: backendRef billing/billing-api is not permitted by any ReferenceGrant."))})
	recs := c.Traffic(c.EGVantage(px, 443), c.Now.Add(-12*Min), c.Now.Add(-5*Sec), 260,
		Flow{Authority: host, Paths: []string{"/billing/invoices", "/billing/plan"}, Route: EGRoute("portal", "portal", 0, 0, host), Weight: 4,
			Fail: func(time.Time, int) *Outcome { x := DR500; return &x }},
		Flow{Authority: host, Paths: []string{"/search?q=vpn"}, Route: EGRoute("portal", "portal", 1, 0, host), Weight: 2,
			Fail: func(time.Time, int) *Outcome { x := DR500; return &x }},
		Flow{Authority: host, Paths: []string{"/", "/account"}, Route: EGRoute("portal", "portal", 2, 0, host), Weight: 1,
			Fail: func(time.Time, int) *Outcome { x := DR500; return &x }},
	)
	c.Log("envoy-gateway-system", px.Pods[0].Name, "envoy", EnvoyGatewayJSON(recs)...)
	c.Expect("backend-ref-not-permitted", "HTTPRoute", "portal", "portal", "backendRef billing/billing-api")
	c.Expect("destination-host-unknown", "HTTPRoute", "portal", "portal", "backendRef portal/search-svc")
	c.Expect("destination-host-unknown", "HTTPRoute", "portal", "portal", "backendRef portal/portal-web")
	c.Absent = []string{"route-missing", "no-workload"}
	return c
}

func caseGW11EGNoEndpoints() *Case {
	c := newCase("gwapi-11-eg-no-endpoints-no-workload", at(2025, 12, 9, 7, 55))
	c.Description = "shop.example.com/cart answers 503 at Envoy Gateway 1.6 since last night's cleanup. The cart " +
		"HTTPRoute is accepted and resolves, but Service shop/cart selects app=cart and the cart Deployment was deleted: " +
		"no pod carries the label, the Service has no endpoint, Envoy Gateway sets BackendsAvailable=False and answers " +
		"the rule with a 503 direct response."
	c.Source = "envoyproxy/gateway internal/gatewayapi/route.go (503 direct response when no ready endpoint exists, v1.6; " +
		"BackendsAvailable condition); kubernetes endpointslice controller (a selector matching no pod gives no endpoint)."
	c.Style = StyleTyped
	c.KubeVersion = "v1.34.0"
	c.Cluster(Kubeadm, 1, 2)
	c.KubeSystem(nil)
	eg := c.EnvoyGateway("v1.6.1", "eg")
	c.Namespace("shop")
	host := "shop.example.com"
	c.Gateway("v1", "shop", "web", "eg", L{Listener("http", 80, "HTTP", host, nil)},
		&GWStatus{Address: "192.168.10.242", Attached: map[string]int{"http": 1}})
	px, _ := eg.Proxy(c, "shop", "web", 1, []int{80}, nil)
	sf, _ := c.Web("shop", "storefront", 2, 8080, "registry.example.com/shop/storefront:8.1.0", false)
	c.Service("shop", "cart", map[string]string{"app": "cart"}, P("http", 8080, "http"))
	parent := Parent("", "web", "")
	c.Route("v1", "HTTPRoute", "shop", "web", []string{host}, []M{parent},
		[]M{Rule("/cart", Backend("", "cart", 8080)), Rule("/", Backend("", "storefront", 8080))},
		[]M{ParentStatus(ctrlEnvoyGateway, parent, c.Accepted(), c.Resolved(),
			Cond("BackendsAvailable", "False", "EndpointsNotFound", "Failed to process route rule 0 backendRef 0: no ready endpoints for Service shop/cart.", c.Now.Add(-9*Hour)))})
	recs := c.Traffic(c.EGVantage(px, 80), c.Now.Add(-30*Min), c.Now.Add(-15*Sec), 240,
		Flow{Authority: host, Paths: []string{"/", "/products/77", "/static/app.css"}, Cluster: EGCluster("shop", "web", 1), Hosts: Hosts(sf),
			Route: EGRoute("shop", "web", 1, 0, host), Weight: 3},
		Flow{Authority: host, Paths: []string{"/cart", "POST /cart/items"}, Route: EGRoute("shop", "web", 0, 0, host), Weight: 2,
			Fail: func(time.Time, int) *Outcome { x := DR503; return &x }},
	)
	c.Log("envoy-gateway-system", px.Pods[0].Name, "envoy", EnvoyGatewayJSON(recs)...)
	c.Expect("no-workload", "Service", "shop", "cart", "")
	c.Absent = []string{"destination-host-unknown", "backend-ref-not-permitted", "route-missing"}
	return c
}

func caseGW12EGReadinessDirect500() *Case {
	c := newCase("gwapi-12-eg-readiness-direct-500", at(2025, 4, 24, 13, 20))
	c.Description = "orders.example.com/api answers 500 at Envoy Gateway 1.2. The orders-api pods run but fail their " +
		"readiness probe since a config change pointed them at a database that refuses them; their endpoints are not " +
		"ready, Envoy Gateway up to 1.5 drops them, and a rule with no endpoint left is answered with a 500 direct " +
		"response."
	c.Source = "envoyproxy/gateway internal/gatewayapi/route.go (before v1.6 non-serving endpoints are dropped and a rule " +
		"with no endpoint gets a 500 direct response; envoyproxy/gateway#6068)."
	c.Style = StyleList
	c.KubeVersion = "v1.30.4"
	c.Cluster(AKS, 0, 3)
	c.KubeSystem(nil)
	eg := c.EnvoyGateway("v1.2.6", "eg")
	c.Namespace("orders")
	host := "orders.example.com"
	c.Gateway("v1", "orders", "edge", "eg", L{Listener("http", 80, "HTTP", host, nil)},
		&GWStatus{Address: "20.31.77.9", Attached: map[string]int{"http": 1}})
	px, _ := eg.Proxy(c, "orders", "edge", 1, []int{80}, nil)
	ui, _ := c.Web("orders", "orders-ui", 2, 8080, "ordersacr.azurecr.io/ui:2.2.0", false)
	api := c.App(AppSpec{NS: "orders", Name: "orders-api", Replicas: 3, Image: "ordersacr.azurecr.io/api:7.0.1", Ports: []CPort{{"http", 8080}}, Probe: "/ready",
		State: func(i int, s *PodState) { s.NotReady = true; s.UnreadyFor = 14 * Min }})
	c.Service("orders", "orders-api", map[string]string{"app": "orders-api"}, P("http", 8080, "http"))
	c.ProbeFailing(api, "HTTP probe failed with statuscode: 503", 14*Min)
	parent := Parent("", "edge", "")
	c.Route("v1", "HTTPRoute", "orders", "orders", []string{host}, []M{parent},
		[]M{Rule("/api", Backend("", "orders-api", 8080)), Rule("/", Backend("", "orders-ui", 8080))},
		[]M{ParentStatus(ctrlEnvoyGateway, parent, c.Accepted(), c.Resolved())})
	recs := c.Traffic(c.EGVantage(px, 80), c.Now.Add(-25*Min), c.Now.Add(-10*Sec), 260,
		Flow{Authority: host, Paths: []string{"/", "/orders/new"}, Cluster: EGCluster("orders", "orders", 1), Hosts: Hosts(ui), Route: EGRoute("orders", "orders", 1, 0, host), Weight: 2},
		Flow{Authority: host, Paths: []string{"/api/orders", "POST /api/orders"}, Cluster: EGCluster("orders", "orders", 0), Hosts: AllHosts(api),
			Route: EGRoute("orders", "orders", 0, 0, host), Weight: 3, Fail: FailAfter(c.Now.Add(-14*Min), DR500)},
	)
	c.Log("envoy-gateway-system", px.Pods[0].Name, "envoy", EnvoyGatewayJSON(recs)...)
	c.Expect("readiness-probe-failing", "Deployment", "orders", "orders-api", "")
	c.Absent = []string{"destination-host-unknown", "crash-loop"}
	return c
}

func caseGW13NGFNoController() *Case {
	c := newCase("gwapi-13-ngf-class-without-controller", at(2025, 10, 27, 6, 58))
	c.Description = "The move from ingress-nginx to NGINX Gateway Fabric stalled halfway: Argo CD applied the " +
		"GatewayClass, the Gateway and the routes, but the NGINX Gateway Fabric Helm release failed, so no controller " +
		"runs. The class and the Gateway keep the API server's default status (Accepted=Unknown, Pending, waiting for " +
		"controller), no nginx Deployment was ever provisioned for the Gateway, and the uptime probe cannot connect."
	c.Source = "kubernetes-sigs/gateway-api apis/v1/gateway_types.go (the CRD's default status: Accepted and Programmed " +
		"Unknown, reason Pending, \"Waiting for controller\"); nginx/nginx-gateway-fabric internal/controller/provisioner/objects.go " +
		"(one nginx Deployment per Gateway, labelled gateway.networking.k8s.io/gateway-name)."
	c.Style = StyleList
	c.KubeVersion = "v1.33.4"
	c.Cluster(Kubeadm, 1, 2)
	c.KubeSystem(nil)
	c.GatewayClass("nginx", ctrlNGF, false)
	c.Namespace("web")
	c.Gateway("v1", "web", "public", "nginx", L{Listener("http", 80, "HTTP", "*.example.com", nil)}, &GWStatus{Pending: true})
	c.Web("web", "site", 2, 8080, "registry.example.com/web/site:4.0.0", false)
	c.Route("v1", "HTTPRoute", "web", "site", []string{"www.example.com"}, []M{Parent("", "public", "")}, []M{Rule("/", Backend("", "site", 8080))}, nil)
	c.Namespace("monitoring")
	bb := c.App(AppSpec{NS: "monitoring", Name: "blackbox-exporter", Replicas: 1, Image: "quay.io/prometheus/blackbox-exporter:v0.27.0", Ports: []CPort{{"http", 9115}}})
	var l []string
	for i := 0; i < 10; i++ {
		tt := c.Now.Add(-time.Duration(40-i*4) * Min)
		l = append(l, `ts=`+tt.Format("2006-01-02T15:04:05.000Z")+` caller=main.go:190 module=http_2xx target=http://www.example.com/ level=error msg="Error for HTTP request" err="Get \"http://www.example.com/\": dial tcp: lookup www.example.com on 10.96.0.10:53: no such host"`)
	}
	c.Log("monitoring", bb.Pods[0].Name, "blackbox-exporter", l...)
	c.Expect("gateway-no-pods", "Gateway", "web", "public", "")
	c.Absent = []string{"route-missing", "destination-host-unknown"}
	return c
}

// NginxCombined renders records in nginx's default "combined" access log,
// which NGINX Gateway Fabric writes when no format is configured.
func NginxCombined(recs []Rec) []string {
	var out []string
	for _, r := range recs {
		out = append(out, fmt.Sprintf("%s - - [%s] \"%s %s %s\" %d %d \"-\" \"%s\"", dash(r.XFF), nginxLocal(r.T), r.Method, r.Path, r.Proto, r.Code, r.BytesSent, r.UA))
	}
	return out
}

func caseGW14NGFPortRefused() *Case {
	c := newCase("gwapi-14-ngf-port-refused", at(2025, 9, 5, 18, 44))
	c.Description = "shop.example.com/search answers 502 at NGINX Gateway Fabric 2.1. The search image now listens on " +
		"3000 (container port and probe updated) but Service shop/search still targets 8080: its endpoints are ready, " +
		"nothing listens there, nginx logs connect() refused for each pod and then no live upstreams for the upstream " +
		"shop_search_80."
	c.Source = "nginx/nginx-gateway-fabric internal/controller/state/graph/backend_refs.go (upstream names " +
		"<ns>_<service>_<port>) and provisioner/objects.go (the nginx container of the Gateway's Deployment); nginx " +
		"src/http/ngx_http_upstream.c error messages."
	c.Style = StyleTyped
	c.KubeVersion = "v1.32.2"
	c.Cluster(K3s, 1, 2)
	c.KubeSystem(nil)
	c.NGF("2.1.1", "nginx")
	c.Namespace("shop")
	host := "shop.example.com"
	c.Gateway("v1", "shop", "gateway", "nginx", L{Listener("http", 80, "HTTP", host, nil)},
		&GWStatus{Address: "192.168.1.240", Attached: map[string]int{"http": 1}})
	px, _ := c.NGFProxy("shop", "gateway", "nginx", "2.1.1", []int{80})
	se := c.App(AppSpec{NS: "shop", Name: "search", Replicas: 2, Image: "registry.example.com/shop/search:5.0.0", Ports: []CPort{{"http", 3000}}, Probe: "/healthz", Revision: 4})
	c.Service("shop", "search", map[string]string{"app": "search"}, P("http", 80, 8080))
	sf, _ := c.Web("shop", "storefront", 2, 8080, "registry.example.com/shop/storefront:6.3.0", false)
	parent := Parent("", "gateway", "")
	c.Route("v1", "HTTPRoute", "shop", "shop", []string{host}, []M{parent},
		[]M{Rule("/search", Backend("", "search", 80)), Rule("/", Backend("", "storefront", 8080))},
		[]M{ParentStatus(ctrlNGF, parent, c.Accepted(), c.Resolved())})
	var hosts []string
	for _, p := range se.Pods {
		hosts = append(hosts, p.IP+":8080")
	}
	v := Vantage{IP: px.Pods[0].IP, Listen: 80, Clients: c.NodeIPs(), External: true}
	refused := Outcome{Code: 502, BytesSent: 157, Dur: 1}
	recs := c.Traffic(v, c.Now.Add(-16*Min), c.Now.Add(-10*Sec), 200,
		Flow{Authority: host, Paths: []string{"/", "/products/9", "/cart"}, Hosts: Hosts(sf), Weight: 3},
		Flow{Authority: host, Paths: []string{"/search?q=desk", "/search/suggest?q=de"}, Hosts: hosts, Weight: 2, Fail: FailAfter(c.Now.Add(-11*Min), refused)},
	)
	var lines []TLine
	conn := 1803
	for i, x := range recs {
		lines = append(lines, TLine{x.T, NginxCombined([]Rec{x})[0]})
		if x.Code != 502 {
			continue
		}
		ctx := func(up string) []string {
			return []string{"client: " + x.XFF, "server: " + host, fmt.Sprintf("request: \"%s %s %s\"", x.Method, x.Path, x.Proto),
				fmt.Sprintf("upstream: \"http://%s%s\"", up, x.Path), "host: \"" + host + "\""}
		}
		conn++
		if i%3 == 0 {
			lines = append(lines, TLine{x.T, NginxErr(x.T, 24, conn, "no live upstreams while connecting to upstream", ctx("shop_search_80")...)})
			continue
		}
		for _, h := range hosts {
			lines = append(lines, TLine{x.T, NginxErr(x.T, 24, conn, "connect() failed (111: Connection refused) while connecting to upstream", ctx(h)...)})
		}
	}
	c.Log("shop", px.Pods[0].Name, "nginx", Merge(lines)...)
	c.Expect("port-mismatch", "Service", "shop", "search", "")
	c.Absent = []string{"readiness-probe-failing", "destination-host-unknown", "gateway-no-pods"}
	return c
}

func caseGW15KgatewayGRPCNotFound() *Case {
	c := newCase("gwapi-15-kgateway-grpcroute-not-found", at(2025, 8, 4, 10, 10))
	c.Description = "gRPC clients of the inventory API get UNAVAILABLE through kgateway 2.0. The GRPCRoute (still " +
		"served as v1alpha2 by this cluster's CRDs) forwards to Service inventory-grpc, which was renamed to inventory " +
		"when the chart was upgraded; kgateway set ResolvedRefs=False BackendNotFound. gRPC local replies are logged " +
		"with HTTP status 200, so the proxy log shows no 5xx."
	c.Source = "kubernetes-sigs/gateway-api apis/v1/grpcroute_types.go and shared_types.go (BackendNotFound); " +
		"envoyproxy/envoy#29052 (gRPC local replies carry HTTP 200 and the gRPC status in trailers)."
	c.Style = StyleList
	c.KubeVersion = "v1.30.8"
	c.Cluster(GKE, 0, 3)
	c.KubeSystem(nil)
	c.Kgateway("v2.0.4", "kgateway")
	c.Namespace("inventory")
	c.Gateway("v1", "inventory", "grpc", "kgateway", L{Listener("grpc", 443, "HTTPS", "inventory.api.example.com", nil)},
		&GWStatus{Address: "34.141.3.30", Attached: map[string]int{"grpc": 1}})
	c.KgatewayProxy("inventory", "grpc", "v2.0.4", []int{443})
	c.App(AppSpec{NS: "inventory", Name: "inventory", Replicas: 3, Image: "europe-west4-docker.pkg.dev/inv-prod/inventory/server:3.2.0", Ports: []CPort{{"grpc", 9090}}})
	c.Service("inventory", "inventory", map[string]string{"app": "inventory"}, SvcPort{Name: "grpc", Port: 9090, Target: "grpc", AppProtocol: "kubernetes.io/h2c"})
	parent := Parent("", "grpc", "grpc")
	c.Route("v1alpha2", "GRPCRoute", "inventory", "inventory", []string{"inventory.api.example.com"}, []M{parent},
		[]M{{"backendRefs": L{Backend("", "inventory-grpc", 9090)}}},
		[]M{ParentStatus(ctrlKgateway, parent, c.Accepted(), c.Unresolved("BackendNotFound", "Service \"inventory-grpc\" not found"))})
	c.Expect("destination-host-unknown", "GRPCRoute", "inventory", "inventory", "")
	c.Absent = []string{"route-missing", "gateway-no-pods", "no-workload"}
	return c
}

func caseGW16XListenerSetNotAllowed() *Case {
	c := newCase("gwapi-16-git-xlistenerset-not-allowed", at(2025, 7, 21, 13, 0))
	c.Description = "A team's manifests as committed (no cluster), on Gateway API's experimental channel: the team adds " +
		"its own listener for team.example.com with an XListenerSet attached to the shared Gateway infra/shared and " +
		"attaches its HTTPRoute to that XListenerSet. The Gateway sets no allowedListeners, which defaults to None: it " +
		"takes no ListenerSet, so the route has no listener to attach to."
	c.Source = "kubernetes-sigs/gateway-api apisx/v1alpha1/xlistenerset_types.go (v1.4) and apis/v1/gateway_types.go " +
		"AllowedListeners (namespaces from defaults to None: only the Gateway's own listeners)."
	c.Layout = LayoutGit
	c.Cluster(Kubeadm, 1, 2)
	c.Namespace("infra")
	c.GatewayClass("eg", ctrlEnvoyGateway, true)
	c.Gateway("v1", "infra", "shared", "eg", L{Listener("http", 80, "HTTP", "www.example.com", nil)}, nil)
	c.Namespace("team")
	c.Web("team", "app", 2, 8080, "registry.example.com/team/app:0.4.0", false)
	c.gwObj("gateway.networking.x-k8s.io/v1alpha1", "XListenerSet", "team", "team-listeners", M{"spec": M{
		"parentRef": M{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "shared", "namespace": "infra"},
		"listeners": L{M{"name": "team-http", "port": 80, "protocol": "HTTP", "hostname": "team.example.com"}},
	}})
	c.Route("v1", "HTTPRoute", "team", "app", []string{"team.example.com"},
		[]M{{"group": "gateway.networking.x-k8s.io", "kind": "XListenerSet", "name": "team-listeners", "sectionName": "team-http"}},
		[]M{Rule("/", Backend("", "app", 8080))}, nil)
	c.Expect("route-missing", "HTTPRoute", "team", "app", "")
	c.Absent = []string{"destination-host-unknown", "gateway-no-pods"}
	return c
}

func caseGW17KubectlSelectorValid() *Case {
	c := newCase("gwapi-17-kubectl-selector-grpc-valid", at(2025, 11, 11, 10, 45))
	c.Description = "`kubectl get gateways,httproutes,grpcroutes,services -A -o yaml` from a healthy cluster, sent " +
		"with a question about allowedRoutes. The Istio Gateway's listener admits namespaces labelled " +
		"gateway-access=public by selector; the api namespace carries the label, and both its HTTPRoute (v1beta1) and " +
		"its GRPCRoute attach, with every reference resolved. Nothing is wrong."
	c.Source = "kubernetes-sigs/gateway-api apis/v1/gateway_types.go (RouteNamespaces from: Selector; GRPCRoute on HTTPS " +
		"listeners) and grpcroute_types.go; the status Istio writes on accepted routes."
	c.Layout = LayoutLoose
	c.LooseKinds = []string{"Gateway", "HTTPRoute", "GRPCRoute", "Service"}
	c.Cluster(EKS, 0, 2)
	c.IstioVersion = "1.27.1"
	c.GatewayClass("istio", ctrlIstio, true)
	c.Namespace("istio-ingress")
	host := "api.example.com"
	sel := M{"namespaces": M{"from": "Selector", "selector": M{"matchLabels": M{"gateway-access": "public"}}}}
	c.Gateway("v1", "istio-ingress", "public", "istio", L{Listener("https", 443, "HTTPS", "*.example.com", sel)},
		&GWStatus{Address: "a9f3.elb.eu-west-1.amazonaws.com", Attached: map[string]int{"https": 2}})
	c.Namespace("api", "gateway-access", "public")
	c.Service("api", "rest", map[string]string{"app": "rest"}, P("http", 8080, "http"))
	c.Service("api", "orders-grpc", map[string]string{"app": "orders-grpc"}, SvcPort{Name: "grpc", Port: 9000, Target: 9000, AppProtocol: "kubernetes.io/h2c"})
	parent := Parent("istio-ingress", "public", "https")
	c.Route("v1beta1", "HTTPRoute", "api", "rest", []string{host}, []M{parent}, []M{Rule("/v1", Backend("", "rest", 8080))},
		[]M{ParentStatus(ctrlIstio, parent, c.Accepted(), c.Resolved())})
	c.Route("v1", "GRPCRoute", "api", "orders", []string{host}, []M{parent}, []M{{"backendRefs": L{Backend("", "orders-grpc", 9000)}}},
		[]M{ParentStatus(ctrlIstio, parent, c.Accepted(), c.Resolved())})
	return c
}
