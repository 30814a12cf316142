package main

import (
	"fmt"
	"time"
)

func case37DistractorCronJob() *Case {
	c := newCase("37-distractor-cronjob-crashloop", at(2024, 11, 19, 13, 4))
	c.Description = "shop.acme.example/notifications answers 503 from ingress-nginx: notifications was scaled to 0 " +
		"during an incident on Friday and never scaled back. Unrelated: the report-export CronJob's pod crash-loops " +
		"(no Service selects it) and its BackOff events are the first thing kubectl get events shows."
	c.Style = StyleTyped
	c.KubeVersion = "v1.30.6"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	ing := c.IngressNginx("v1.11.3")
	c.Namespace("shop")
	no := c.App(AppSpec{NS: "shop", Name: "notifications", Replicas: 0, Image: "ghcr.io/acme/notifications:2.3.1", Ports: []CPort{{"http", 8080}}, Probe: "/ready"})
	ns := c.Service("shop", "notifications", map[string]string{"app": "notifications"}, P("http", 80, "http"))
	sf, _ := c.Web("shop", "storefront", 3, 8080, "ghcr.io/acme/storefront:4.9.3", false)
	c.Ingress("shop", "shop", "shop.acme.example", "/notifications", "notifications", 80, "/", "storefront", 8080)
	// CronJob -> Job -> Pod, crash-looping with restartPolicy OnFailure
	jobName := "report-export-28868460"
	cj := c.Raw("batch/v1", "CronJob", "shop", "report-export", 90*Day, nil, M{"spec": M{
		"concurrencyPolicy": "Forbid", "failedJobsHistoryLimit": 1, "schedule": "0 * * * *", "successfulJobsHistoryLimit": 3, "suspend": false,
		"jobTemplate": M{"metadata": M{"creationTimestamp": nil}, "spec": M{"backoffLimit": 6, "template": M{"metadata": M{"creationTimestamp": nil},
			"spec": M{"containers": L{M{"name": "export", "image": "ghcr.io/acme/report-export:0.9.0", "imagePullPolicy": "IfNotPresent"}}, "restartPolicy": "OnFailure"}}}}},
		"status": M{"active": L{M{"apiVersion": "batch/v1", "kind": "Job", "name": jobName, "namespace": "shop"}}, "lastScheduleTime": ts(c.Now.Add(-64 * Min))}})
	job := c.Raw("batch/v1", "Job", "shop", jobName, 64*Min, map[string]string{"batch.kubernetes.io/job-name": jobName, "job-name": jobName}, M{
		"metadata": M{"ownerReferences": owner("batch/v1", "CronJob", "report-export", cj.Meta()["uid"].(string))},
		"spec": M{"backoffLimit": 6, "completionMode": "NonIndexed", "completions": 1, "parallelism": 1, "suspend": false,
			"selector": M{"matchLabels": map[string]string{"batch.kubernetes.io/controller-uid": uid(c.Name, "Job", "shop", jobName)}},
			"template": M{"metadata": M{"creationTimestamp": nil, "labels": map[string]string{"job-name": jobName}},
				"spec": M{"containers": L{M{"name": "export", "image": "ghcr.io/acme/report-export:0.9.0", "imagePullPolicy": "IfNotPresent"}}, "restartPolicy": "OnFailure"}}},
		"status": M{"active": 1, "ready": 0, "startTime": ts(c.Now.Add(-64 * Min)), "uncountedTerminatedPods": M{}}})
	jp := c.App(AppSpec{NS: "shop", Name: jobName + "-" + suffix(jobName, 5), Kind: "Pod", Labels: map[string]string{"job-name": jobName, "batch.kubernetes.io/job-name": jobName},
		Image: "ghcr.io/acme/report-export:0.9.0", Container: "export", Replicas: 1,
		State: func(i int, s *PodState) {
			s.Waiting, s.Restarts, s.LastReason, s.LastExit, s.Started = "CrashLoopBackOff", 12, "Error", 2, 64*Min
		}})
	p := jp.Pods[0]
	p.obj.Meta()["ownerReferences"] = owner("batch/v1", "Job", jobName, job.Meta()["uid"].(string))
	set(p.obj.M, "spec.restartPolicy", "OnFailure")
	c.PrevLog("shop", p.Name, "export",
		"2024-11-19 12:59:41,118 INFO export: connecting to warehouse",
		"2024-11-19 12:59:42,502 ERROR export: S3 upload failed: An error occurred (AccessDenied) when calling the PutObject operation: Access Denied",
		"Traceback (most recent call last):", "  File \"/app/export.py\", line 88, in <module>", "    main()",
		"botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: Access Denied")
	c.CrashLooping(jp, 60*Min)
	c.ScaledRS(no, 0, 2, c.Now.Add(-58*Min))
	recs := c.Traffic(c.ingressVantage(ing), c.Now.Add(-20*Min), c.Now.Add(-10*Sec), 200,
		Flow{Authority: "shop.acme.example", Paths: []string{"/", "/products/1182", "/cart"}, Cluster: "shop-storefront-8080", Hosts: Hosts(sf), Weight: 4},
		Flow{Authority: "shop.acme.example", Paths: []string{"/notifications/unread", "POST /notifications/ack"}, Cluster: "shop-notifications-80", Weight: 1,
			Fail: func(time.Time, int) *Outcome { return &Outcome{Code: 503, BytesSent: 190, NoUpstream: true} }},
	)
	c.ingressLog(ing, recs, NoEndpointWarnings(c.Now.Add(-20*Min), c.Now, 59*Sec, ns.NS+"/"+ns.Name))
	c.Expect("scaled-to-zero", "Deployment", "shop", "notifications", "")
	c.Absent = []string{"crash-loop"}
	return c
}

func case38DistractorNode() *Case {
	c := newCase("38-distractor-notready-node", at(2021, 11, 2, 21, 50))
	c.Description = "Player API calls fail with 503 UH at the gateway (Istio 1.8 format) because player-api's readiness " +
		"probe fails (its Redis password rotated). At the same time worker-4 is NotReady (CNI not initialised after " +
		"a kernel update), but no player-api or gateway pod runs there."
	c.Style = StyleList
	c.KubeVersion = "v1.21.14"
	ws := c.Cluster(Kubeadm, 1, 4)
	ws[3].Ready, ws[3].notReadySince = "False", c.Now.Add(-50*Min)
	ws[3].Taints = append(ws[3].Taints, M{"effect": "NoSchedule", "key": "node.kubernetes.io/not-ready", "timeAdded": ts(c.Now.Add(-50 * Min))})
	c.workers = ws[:3]
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.8.6"})
	c.MeshNS("media")
	pl := c.App(AppSpec{NS: "media", Name: "player-api", Replicas: 3, Image: "registry.media.example/player-api:2.0.3", Ports: []CPort{{"http", 8000}}, Probe: "/ready", Sidecar: true,
		State: func(i int, s *PodState) { s.NotReady, s.UnreadyFor = true, 28*Min+time.Duration(i)*7*Sec }})
	ps := c.Service("media", "player-api", map[string]string{"app": "player-api"}, P("http", 8000, "http"))
	c.ProbeFailing(pl, "HTTP probe failed with statuscode: 500", 28*Min)
	for _, p := range pl.Pods {
		c.Log("media", p.Name, "player-api",
			fmt.Sprintf("%s ERROR readiness: redis ping failed: WRONGPASS invalid username-password pair or user is disabled.", c.Now.Add(-15*Sec).Format("2006-01-02T15:04:05.000Z")),
			fmt.Sprintf("%s ERROR readiness: redis ping failed: WRONGPASS invalid username-password pair or user is disabled.", c.Now.Add(-5*Sec).Format("2006-01-02T15:04:05.000Z")))
	}
	ct, cs := c.Web("media", "catalog", 2, 8080, "registry.media.example/catalog:3.9.1", true)
	c.Event(EventSpec{Obj: Ref{"Node", "", ws[3].Name}, UID: uid("Node", ws[3].Name), Type: "Normal", Reason: "NodeNotReady", Component: "kubelet", Host: ws[3].Name,
		Message: fmt.Sprintf("Node %s status is now: NodeNotReady", ws[3].Name), First: c.Now.Add(-50 * Min)})
	c.GW("v1alpha3", "media", "media-gateway", map[string]string{"istio": "ingressgateway"}, "media.example.com")
	c.VS("v1alpha3", "media", "media", M{"hosts": Strs("media.example.com"), "gateways": Strs("media-gateway"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/play"}}}, "route": L{Route("player-api", 8000, "")}},
		M{"route": L{Route("catalog", 8080, "")}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-35*Min), c.Now.Add(-10*Sec), 260,
		Flow{Authority: "media.example.com", Paths: []string{"/titles", "/titles/8812"}, Cluster: Cl(8080, "", cs.Host()), Hosts: Hosts(ct), Weight: 2},
		Flow{Authority: "media.example.com", Paths: []string{"/play/8812/manifest.m3u8", "POST /play/8812/heartbeat"}, Cluster: Cl(8000, "", ps.Host()), Hosts: AllHosts(pl), Weight: 3,
			Fail: FailAfter(c.Now.Add(-27*Min), UH)},
	)
	c.GWLog(m, Istio(F18, recs))
	c.Expect("readiness-probe-failing", "Deployment", "media", "player-api", "")
	c.Absent = []string{"node-not-ready"}
	return c
}

func case39DistractorStaleVS() *Case {
	c := newCase("39-distractor-stale-vs", at(2025, 7, 8, 10, 19))
	c.Description = "Cart operations fail with 503 UH: the cart pods crash-loop since a Redis client upgrade " +
		"(panic on start). Also in the bundle: a two-year-old VirtualService for the retired m.shop.acme.example " +
		"mobile host, still bound to the gateway and pointing at storefront; it gets no traffic and is harmless."
	c.Style = StyleYAML
	c.KubeVersion = "v1.33.1"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.26.1"})
	c.MeshNS("shop")
	cart := c.App(AppSpec{NS: "shop", Name: "cart", Replicas: 2, Image: "ghcr.io/acme/cart:6.0.0", Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true, Revision: 22,
		State: func(i int, s *PodState) {
			s.Waiting, s.Restarts, s.LastReason, s.LastExit, s.Started = "CrashLoopBackOff", 7+i, "Error", 2, 25*Min
		}})
	for _, p := range cart.Pods {
		c.PrevLog("shop", p.Name, "cart",
			"panic: redis: invalid URL scheme: rediss+sentinel", "", "goroutine 1 [running]:",
			"github.com/acme/cart/internal/store.MustOpen({0xc0000a6000, 0x2b})", "\t/src/internal/store/redis.go:42 +0x1c5",
			"main.main()", "\t/src/cmd/cart/main.go:61 +0x2a8")
	}
	c.CrashLooping(cart, 25*Min)
	cs := c.Service("shop", "cart", map[string]string{"app": "cart"}, P("http", 8080, "http"))
	sf, ss := c.Web("shop", "storefront", 3, 8080, "ghcr.io/acme/storefront:5.1.0", true)
	c.GW("v1", "shop", "shop", map[string]string{"istio": "ingressgateway"}, "shop.acme.example", "m.shop.acme.example")
	c.VS("v1", "shop", "shop", M{"hosts": Strs("shop.acme.example"), "gateways": Strs("shop"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/api/cart"}}}, "route": L{Route("cart", 8080, "")}},
		M{"route": L{Route("storefront", 8080, "")}}}})
	stale := c.VS("v1alpha3", "shop", "mobile-legacy", M{"hosts": Strs("m.shop.acme.example"), "gateways": Strs("shop"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/"}}}, "rewrite": M{"uri": "/m/"}, "route": L{Route("storefront.shop.svc.cluster.local", 8080, "")},
			"retries": M{"attempts": 3, "perTryTimeout": "2s"}}}})
	stale.Meta()["creationTimestamp"] = ts(c.Now.Add(-2 * 365 * Day))
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-30*Min), c.Now.Add(-5*Sec), 280,
		Flow{Authority: "shop.acme.example", Paths: []string{"/", "/products/1182"}, Cluster: Cl(8080, "", ss.Host()), Hosts: Hosts(sf), Weight: 3},
		Flow{Authority: "shop.acme.example", Paths: []string{"/api/cart", "POST /api/cart/items"}, Cluster: Cl(8080, "", cs.Host()), Hosts: AllHosts(cart), Weight: 2,
			Fail: FailAfter(c.Now.Add(-24*Min), UH)},
	)
	c.GWLog(m, Istio(F19, recs))
	c.Expect("crash-loop", "Deployment", "shop", "cart", "")
	c.Absent = []string{"destination-host-unknown", "route-missing"}
	return c
}

func case40DistractorOldEvents() *Case {
	c := newCase("40-distractor-old-events", at(2024, 10, 15, 16, 40))
	c.Description = "The encoder API returns 503 at the gateway after a Recreate rollout: the new image is in a " +
		"private registry and the pull secret was not copied to the namespace (401 Unauthorized, ImagePullBackOff). " +
		"The namespace also has four-hour-old Unhealthy and BackOff events from a packager restart that has " +
		"long recovered (pods ready)."
	c.Style = StyleList
	c.KubeVersion = "v1.29.8"
	c.Cluster(GKE, 0, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.22.5"})
	c.MeshNS("media")
	img := "ghcr.io/acme-media/encoder:4.0.0"
	pullErr := fmt.Sprintf(`rpc error: code = Unknown desc = failed to pull and unpack image "%s": failed to resolve reference "%s": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%%3Aacme-media%%2Fencoder%%3Apull&service=ghcr.io: 401 Unauthorized`, img, img)
	enc := c.App(AppSpec{NS: "media", Name: "encoder", Replicas: 2, Image: img, Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true, Strategy: "Recreate", Revision: 4,
		State: func(i int, s *PodState) {
			s.Started = 16 * Min
			s.Waiting, s.WaitMsg = "ImagePullBackOff", fmt.Sprintf("Back-off pulling image %q", img)
		}})
	for _, p := range enc.Pods {
		fp := "spec.containers{encoder}"
		c.PodEvent(p, "Warning", "Failed", fmt.Sprintf("Failed to pull image %q: %s", img, pullErr), c.Now.Add(-15*Min), c.Now.Add(-3*Min), 6, fp)
		c.PodEvent(p, "Warning", "Failed", "Error: ErrImagePull", c.Now.Add(-15*Min), c.Now.Add(-3*Min), 6, fp)
		c.PodEvent(p, "Normal", "BackOff", fmt.Sprintf("Back-off pulling image %q", img), c.Now.Add(-15*Min), c.Now.Add(-30*Sec), 61, fp)
		c.PodEvent(p, "Warning", "Failed", "Error: ImagePullBackOff", c.Now.Add(-15*Min), c.Now.Add(-30*Sec), 61, fp)
	}
	es := c.Service("media", "encoder", map[string]string{"app": "encoder"}, P("http", 8080, "http"))
	pk := c.App(AppSpec{NS: "media", Name: "packager", Replicas: 2, Image: "ghcr.io/acme-media/packager:2.2.1", Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true,
		State: func(i int, s *PodState) {
			s.Restarts, s.LastReason, s.LastExit, s.Started = 2, "Error", 137, 3*Hour+50*Min
		}})
	for _, p := range pk.Pods {
		// the restart happened hours ago: fix lastState timestamps accordingly
		for _, cs := range p.obj.M["status"].(M)["containerStatuses"].(L) {
			m := cs.(M)
			if m["name"] == "packager" {
				m["state"] = M{"running": M{"startedAt": ts(c.Now.Add(-3*Hour - 49*Min))}}
				m["lastState"].(M)["terminated"].(M)["finishedAt"] = ts(c.Now.Add(-3*Hour - 50*Min))
				m["lastState"].(M)["terminated"].(M)["startedAt"] = ts(c.Now.Add(-9 * Day))
			}
		}
		fp := "spec.containers{packager}"
		c.PodEvent(p, "Warning", "Unhealthy", "Readiness probe failed: Get \"http://"+p.IP+":15020/app-health/packager/readyz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
			c.Now.Add(-4*Hour-10*Min), c.Now.Add(-3*Hour-48*Min), 14, fp)
		c.PodEvent(p, "Warning", "BackOff", fmt.Sprintf("Back-off restarting failed container packager in pod %s_media(%s)", p.Name, p.UID), c.Now.Add(-3*Hour-55*Min), c.Now.Add(-3*Hour-50*Min), 3, fp)
	}
	ps := c.Service("media", "packager", map[string]string{"app": "packager"}, P("http", 8080, "http"))
	c.GW("v1beta1", "media", "media", map[string]string{"istio": "ingressgateway"}, "studio.media.example.com")
	c.VS("v1beta1", "media", "studio", M{"hosts": Strs("studio.media.example.com"), "gateways": Strs("media"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/encode"}}}, "route": L{Route("encoder", 8080, "")}},
		M{"route": L{Route("packager", 8080, "")}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-20*Min), c.Now.Add(-5*Sec), 200,
		Flow{Authority: "studio.media.example.com", Paths: []string{"/packages/8812", "POST /packages"}, Cluster: Cl(8080, "", ps.Host()), Hosts: Hosts(pk), Weight: 2},
		Flow{Authority: "studio.media.example.com", Paths: []string{"POST /encode/jobs", "/encode/jobs/j_771"}, Cluster: Cl(8080, "", es.Host()), Hosts: []string{"10.8.1.31:8080", "10.8.2.27:8080"}, Weight: 2,
			Fail: FailAfter(c.Now.Add(-16*Min), UH)},
	)
	c.GWLog(m, Istio(F19, recs))
	c.Expect("image-pull-failure", "Deployment", "media", "encoder", "")
	c.Absent = []string{"readiness-probe-failing", "crash-loop"}
	return c
}

func case41RBACPartial() *Case {
	c := newCase("41-rbac-endpointslices-forbidden", at(2025, 5, 6, 9, 3))
	c.Description = "Bundle gathered with a namespace-scoped support account that may not list EndpointSlices " +
		"(forbidden in index.json). The 503s at the gateway are for catalog, whose pods fail readiness (503 from " +
		"/ready while a migration runs). cart's pods are ready; the missing EndpointSlices are a gathering gap, " +
		"not a fault."
	c.Style = StyleTyped
	c.KubeVersion = "v1.31.7"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.25.1"})
	c.Forbidden["endpointslices.discovery.k8s.io"] = `endpointslices.discovery.k8s.io is forbidden: User "system:serviceaccount:support:gather" cannot list resource "endpointslices" in API group "discovery.k8s.io" at the cluster scope`
	c.MeshNS("shop")
	cart, cs := c.Web("shop", "cart", 2, 8080, "ghcr.io/acme/cart:6.1.0", true)
	cat := c.App(AppSpec{NS: "shop", Name: "catalog", Replicas: 2, Image: "ghcr.io/acme/catalog:3.8.0", Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true,
		State: func(i int, s *PodState) { s.NotReady, s.Started = true, 21*Min }})
	cas := c.Service("shop", "catalog", map[string]string{"app": "catalog"}, P("http", 8080, "http"))
	c.ProbeFailing(cat, "HTTP probe failed with statuscode: 503", 20*Min)
	c.GW("v1", "shop", "shop", map[string]string{"istio": "ingressgateway"}, "shop.acme.example")
	c.VS("v1", "shop", "shop", M{"hosts": Strs("shop.acme.example"), "gateways": Strs("shop"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/api/catalog"}}}, "route": L{Route("catalog", 8080, "")}},
		M{"route": L{Route("cart", 8080, "")}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-25*Min), c.Now.Add(-5*Sec), 240,
		Flow{Authority: "shop.acme.example", Paths: []string{"/cart", "POST /cart/items"}, Cluster: Cl(8080, "", cs.Host()), Hosts: Hosts(cart), Weight: 2},
		Flow{Authority: "shop.acme.example", Paths: []string{"/api/catalog/items/1182", "/api/catalog/items?page=3"}, Cluster: Cl(8080, "", cas.Host()), Hosts: AllHosts(cat), Weight: 2,
			Fail: FailAfter(c.Now.Add(-19*Min), UH)},
	)
	c.GWLog(m, Istio(F19, recs))
	c.Expect("readiness-probe-failing", "Deployment", "shop", "catalog", "")
	c.Absent = []string{"endpoints-missing"}
	return c
}

func case42TwoCauses() *Case {
	c := newCase("42-two-causes", at(2025, 2, 4, 18, 55))
	c.Description = "Two unrelated failures behind one gateway: ledger in payments crash-loops (OOMKilled after a " +
		"heap limit change) and api.shop.example/reviews is pinned to subset v1 of reviews, which is no longer " +
		"deployed. The gateway logs UH for both clusters."
	c.Style = StyleList
	c.KubeVersion = "v1.31.5"
	c.Cluster(EKS, 0, 4)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.24.2", GWReplicas: 2})
	c.MeshNS("payments")
	led := c.App(AppSpec{NS: "payments", Name: "ledger", Replicas: 2, Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger:4.0.1", Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true, Mem: "512Mi",
		State: func(i int, s *PodState) {
			s.Waiting, s.Restarts, s.LastReason, s.LastExit, s.Started = "CrashLoopBackOff", 6+i, "OOMKilled", 137, 35*Min
		}})
	c.CrashLooping(led, 35*Min)
	ls := c.Service("payments", "ledger", map[string]string{"app": "ledger"}, P("http", 8080, "http"))
	api, as := c.Web("payments", "payments-api", 2, 8080, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:2025.01.9", true)
	c.Filler("payments", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", true, "fx-rates", 2, "fraud-check", 3, "payouts", 2, "webhooks", 2)
	c.MeshNS("shop")
	c.Filler("shop", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", true, "productpage", 3, "details", 2, "ratings", 2, "storefront", 3, "cart", 2, "search", 2)
	for _, v := range []string{"v2", "v3"} {
		c.App(AppSpec{NS: "shop", Name: "reviews-" + v, Labels: map[string]string{"app": "reviews", "version": v}, Replicas: 1,
			Image: "docker.io/istio/examples-bookinfo-reviews-" + v + ":1.20.2", Ports: []CPort{{"http", 9080}}, Sidecar: true})
	}
	rs := c.Service("shop", "reviews", map[string]string{"app": "reviews"}, P("http", 9080, nil))
	c.DR("v1", "shop", "reviews", M{"host": "reviews.shop.svc.cluster.local", "subsets": Subsets("v1", "v2", "v3")})
	c.GW("v1", "istio-system", "public", map[string]string{"istio": "ingressgateway"}, "api.payco.example", "api.shop.example")
	c.VS("v1", "payments", "payments", M{"hosts": Strs("api.payco.example"), "gateways": Strs("istio-system/public"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/v1/ledger"}}}, "route": L{Route("ledger", 8080, "")}},
		M{"route": L{Route("payments-api", 8080, "")}}}})
	c.VS("v1", "shop", "reviews", M{"hosts": Strs("api.shop.example"), "gateways": Strs("istio-system/public"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/reviews"}}}, "route": L{Route("reviews.shop.svc.cluster.local", 9080, "v1")}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-30*Min), c.Now.Add(-5*Sec), 420,
		Flow{Authority: "api.payco.example", Paths: []string{"POST /v1/payments", "/v1/payments/pay_1"}, Cluster: Cl(8080, "", as.Host()), Hosts: Hosts(api), Weight: 4, OKCodes: []int{200, 201}},
		Flow{Authority: "api.payco.example", Paths: []string{"/v1/ledger/balance/acc_193"}, Cluster: Cl(8080, "", ls.Host()), Hosts: AllHosts(led), Weight: 2,
			Fail: FailAfter(c.Now.Add(-34*Min), UH)},
		Flow{Authority: "api.shop.example", Paths: []string{"/reviews/0", "/reviews/7"}, Cluster: Cl(9080, "v1", rs.Host()), Weight: 2,
			Fail: func(time.Time, int) *Outcome { x := UH; return &x }},
	)
	c.Log("istio-system", m.GWPod(0).Name, "istio-proxy", Istio(F19, recs[:len(recs)/2])...)
	c.Log("istio-system", m.GWPod(1).Name, "istio-proxy", Istio(F19, recs[len(recs)/2:])...)
	c.Expect("crash-loop", "Deployment", "payments", "ledger", "")
	c.Expect("subset-no-pods", "DestinationRule", "shop", "reviews", "subset v1")
	return c
}
