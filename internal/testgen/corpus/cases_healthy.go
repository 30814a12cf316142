package main

import (
	"fmt"
	"time"
)

func at(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
}

func case01HealthyPlain() *Case {
	c := newCase("01-healthy-plain-app", at(2024, 11, 5, 14, 12))
	c.Description = "Customer reported intermittent 503s on the shop frontend last week; bundle taken after the fact. " +
		"Plain Kubernetes (no mesh, no ingress controller logs): frontend, cart, catalog and redis are all ready and " +
		"every Service has ready endpoints. Nothing is broken now."
	c.Style = StyleTyped
	c.Cluster(Kubeadm, 1, 2)
	c.KubeSystem(nil)
	c.Namespace("shop")
	fe := c.App(AppSpec{NS: "shop", Name: "frontend", Replicas: 3, Image: "ghcr.io/acme/shop-frontend:2.14.1", Ports: []CPort{{"http", 8080}}, Probe: "/healthz"})
	c.ServiceT("shop", "frontend", "NodePort", map[string]string{"app": "frontend"}, SvcPort{Name: "http", Port: 80, Target: "http", NodePort: 30080})
	cart := c.App(AppSpec{NS: "shop", Name: "cart", Replicas: 2, Image: "ghcr.io/acme/shop-cart:1.9.0", Ports: []CPort{{"http", 8080}}, Probe: "/ready"})
	c.Service("shop", "cart", map[string]string{"app": "cart"}, P("http", 80, "http"))
	c.Web("shop", "catalog", 2, 9090, "ghcr.io/acme/shop-catalog:3.2.7", false)
	c.App(AppSpec{NS: "shop", Name: "redis", Kind: "StatefulSet", Replicas: 1, Image: "redis:7.2.4-alpine", Ports: []CPort{{"redis", 6379}}})
	c.Service("shop", "redis", map[string]string{"app": "redis"}, P("redis", 6379, "redis"))
	// frontend's own nginx access log (official nginx image format)
	r := newRand(c.Name)
	for _, p := range fe.Pods {
		var lines []string
		t := c.Now.Add(-20 * Min)
		for i := 0; i < 40; i++ {
			t = t.Add(time.Duration(15+r.N(30)) * Sec)
			path := r.Pick("/", "/static/app.3f9c2.js", "/api/cart", "/api/catalog/items?page=2", "/static/logo.svg", "/favicon.ico")
			code := 200
			if path == "/favicon.ico" {
				code = 304
			}
			lines = append(lines, fmt.Sprintf("%s - - [%s] \"GET %s HTTP/1.1\" %d %d \"https://shop.acme.example/\" \"%s\" \"%s\"",
				c.workers[r.N(2)].IP, nginxLocal(t), path, code, 200+r.N(5000), userAgents[r.N(len(userAgents))], publicIPs[r.N(len(publicIPs))]))
		}
		c.Log("shop", p.Name, "frontend", lines...)
	}
	_ = cart
	return c
}

func case02HealthyMesh() *Case {
	c := newCase("02-healthy-istio-mesh", at(2025, 2, 18, 9, 41))
	c.Description = "Routine health check of the media platform before a launch: Istio 1.23 ingress gateway, " +
		"VirtualService with a 90/10 canary split between catalog v1 and v2, DestinationRule subsets that match " +
		"the deployed versions. Gateway access log shows only successful requests."
	c.Style = StyleList
	c.KubeVersion = "v1.28.9-gke.1289000"
	c.Cluster(GKE, 0, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.23.2", GWReplicas: 2})
	c.MeshNS("media")
	c1 := c.App(AppSpec{NS: "media", Name: "catalog-v1", Labels: map[string]string{"app": "catalog", "version": "v1"}, Replicas: 2,
		Image: "europe-docker.pkg.dev/prod-project-381204/media/catalog:4.1.0", Ports: []CPort{{"http", 8080}}, Probe: "/healthz", Sidecar: true})
	c2 := c.App(AppSpec{NS: "media", Name: "catalog-v2", Labels: map[string]string{"app": "catalog", "version": "v2"}, Replicas: 1,
		Image: "europe-docker.pkg.dev/prod-project-381204/media/catalog:4.2.0-rc1", Ports: []CPort{{"http", 8080}}, Probe: "/healthz", Sidecar: true})
	cat := c.Service("media", "catalog", map[string]string{"app": "catalog"}, P("http", 8080, 8080))
	pl, plSvc := c.Web("media", "player-api", 3, 8000, "europe-docker.pkg.dev/prod-project-381204/media/player-api:2.8.3", true)
	c.Web("media", "thumbnailer", 2, 8080, "europe-docker.pkg.dev/prod-project-381204/media/thumbnailer:1.4.2", true)
	c.GW("v1", "media", "media-gateway", map[string]string{"istio": "ingressgateway"}, "media.example.com")
	c.VS("v1", "media", "media", M{"hosts": Strs("media.example.com"), "gateways": Strs("media-gateway"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/catalog"}}}, "route": L{
			M{"destination": M{"host": "catalog", "subset": "v1"}, "weight": 90},
			M{"destination": M{"host": "catalog", "subset": "v2"}, "weight": 10}}},
		M{"match": L{M{"uri": M{"prefix": "/play"}}}, "route": L{Route("player-api", 8000, "")}},
	}})
	c.DR("v1", "media", "catalog", M{"host": "catalog", "subsets": Subsets("v1", "v2")})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-12*Min), c.Now.Add(-20*Sec), 320,
		Flow{Authority: "media.example.com", Paths: []string{"/catalog/titles", "/catalog/titles/8812", "/catalog/search?q=nature"}, Cluster: Cl(8080, "v1", cat.Host()), Hosts: Hosts(c1), Weight: 9},
		Flow{Authority: "media.example.com", Paths: []string{"/catalog/titles", "/catalog/titles/8812"}, Cluster: Cl(8080, "v2", cat.Host()), Hosts: Hosts(c2), Weight: 1},
		Flow{Authority: "media.example.com", Paths: []string{"/play/8812/manifest.m3u8", "POST /play/8812/heartbeat"}, Cluster: Cl(8000, "", plSvc.Host()), Hosts: Hosts(pl), Weight: 6, OKCodes: []int{200, 200, 204}},
	)
	c.Log("istio-system", m.GWPod(0).Name, "istio-proxy", Istio(F19, recs[:len(recs)/2])...)
	c.Log("istio-system", m.GWPod(1).Name, "istio-proxy", Istio(F19, recs[len(recs)/2:])...)
	return c
}

func case03HealthyIngressNginx() *Case {
	c := newCase("03-healthy-ingress-nginx", at(2024, 9, 23, 16, 5))
	c.Description = "Argo Workflows UI and the payments API behind ingress-nginx on EKS. The ticket was opened " +
		"for a 503 seen once in a browser; the controller log only shows successful requests and every " +
		"backend Service has ready endpoints."
	c.Style = StyleTyped
	c.KubeVersion = "v1.29.6-eks-1552ad0"
	c.Cluster(EKS, 0, 3)
	c.KubeSystem(nil)
	ing := c.IngressNginx("v1.10.1")
	c.Namespace("argo")
	argo := c.App(AppSpec{NS: "argo", Name: "argo-server", Labels: map[string]string{"app": "argo-server"}, Replicas: 2,
		Image: "quay.io/argoproj/argocli:v3.5.8", Ports: []CPort{{"web", 2746}}, Probe: "/", ServiceAccount: "argo-server", Args: []string{"server", "--auth-mode=sso"}})
	c.Service("argo", "argo-server", map[string]string{"app": "argo-server"}, P("web", 2746, 2746))
	c.App(AppSpec{NS: "argo", Name: "workflow-controller", Replicas: 1, Image: "quay.io/argoproj/workflow-controller:v3.5.8", Ports: []CPort{{"metrics", 9090}}, ServiceAccount: "argo"})
	c.Namespace("payments")
	api := c.App(AppSpec{NS: "payments", Name: "payments-api", Replicas: 3, Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:2024.09.2", Ports: []CPort{{"http", 8080}}, Probe: "/actuator/health/readiness"})
	c.Service("payments", "payments-api", map[string]string{"app": "payments-api"}, P("http", 80, "http"))
	c.Ingress("argo", "argo-server", "argo.internal.payco.example", "/", "argo-server", 2746)
	c.Ingress("payments", "payments-api", "api.payco.example", "/", "payments-api", 80)
	v := Vantage{IP: ing.Pods[0].IP, Listen: 80, Clients: c.NodeIPs(), External: true}
	recs := c.Traffic(v, c.Now.Add(-15*Min), c.Now.Add(-10*Sec), 260,
		Flow{Authority: "argo.internal.payco.example", Paths: []string{"/api/v1/workflows/argo?listOptions.limit=50", "/workflows/argo", "/api/v1/info", "/api/v1/userinfo"}, Cluster: "argo-argo-server-2746", Hosts: Hosts(argo), Weight: 2},
		Flow{Authority: "api.payco.example", Paths: []string{"POST /v1/payments", "/v1/payments/pay_8sKq2", "POST /v1/refunds", "/v1/balance"}, Cluster: "payments-payments-api-80", Hosts: Hosts(api), Weight: 5, OKCodes: []int{200, 200, 201}},
	)
	start := []string{
		"-------------------------------------------------------------------------------",
		"NGINX Ingress controller",
		"  Release:       v1.10.1",
		"  Build:         4fb5aac1dd3669daa3a14d9de3e3cdb371b4c518",
		"  Repository:    https://github.com/kubernetes/ingress-nginx",
		"  nginx version: nginx/1.25.3",
		"",
		"-------------------------------------------------------------------------------",
		"",
	}
	c.Log("ingress-nginx", ing.Pods[0].Name, "controller", append(start, IngressNginxAccess(c.Name, recs)...)...)
	return c
}
