package main

import (
	"fmt"
	"strings"
	"time"
)

func case08ScaledToZeroKEDA() *Case {
	c := newCase("08-scaled-to-zero-keda-haproxy", at(2025, 5, 20, 3, 12))
	c.Description = "Night-time 503s from the HAProxy edge in front of the media transcoder API. KEDA scaled " +
		"the transcoder Deployment to zero because its RabbitMQ queue was empty (minReplicaCount: 0), but " +
		"synchronous /v1/probe calls still go through HAProxy, which has no server left: <NOSRV> 503 SC--."
	c.Style = StyleList
	c.KubeVersion = "v1.30.4"
	c.Cluster(Kubeadm, 1, 2)
	c.KubeSystem(nil)
	c.Namespace("media")
	tr := c.App(AppSpec{NS: "media", Name: "transcoder", Replicas: 0, Image: "registry.media.example/transcoder:7.2.1", Ports: []CPort{{"http", 8080}}, Probe: "/ready"})
	c.Service("media", "transcoder", map[string]string{"app": "transcoder"}, P("http", 8080, "http"))
	c.Raw("keda.sh/v1alpha1", "ScaledObject", "media", "transcoder", 60*Day, nil, M{
		"spec": M{"cooldownPeriod": 300, "maxReplicaCount": 8, "minReplicaCount": 0, "pollingInterval": 30,
			"scaleTargetRef": M{"name": "transcoder"},
			"triggers":       L{M{"type": "rabbitmq", "metadata": M{"protocol": "amqp", "queueName": "transcode-jobs", "mode": "QueueLength", "value": "5"}, "authenticationRef": M{"name": "rabbitmq-auth"}}}},
		"status": M{"conditions": L{
			M{"message": "ScaledObject is defined correctly and is ready for scaling", "reason": "ScaledObjectReady", "status": "True", "type": "Ready"},
			M{"message": "Scaling is not performed because triggers are not active", "reason": "ScalerNotActive", "status": "False", "type": "Active"},
			M{"status": "Unknown", "type": "Fallback"}},
			"hpaName": "keda-hpa-transcoder", "originalReplicaCount": 1, "scaleTargetGVKR": M{"group": "apps", "kind": "Deployment", "resource": "deployments", "version": "v1"},
			"scaleTargetKind": "apps/v1.Deployment"},
	})
	c.Event(EventSpec{Obj: Ref{"ScaledObject", "media", "transcoder"}, Type: "Normal", Reason: "KEDAScaleTargetDeactivated",
		Message: "Deactivated apps/v1.Deployment media/transcoder from 1 to 0", Component: "keda-operator", First: c.Now.Add(-38 * Min)})
	c.ScaledRS(tr, 0, 1, c.Now.Add(-38*Min))
	web, _ := c.Web("media", "media-web", 2, 8080, "registry.media.example/media-web:3.3.0", false)
	hap := c.App(AppSpec{NS: "media", Name: "haproxy", Replicas: 1, Image: "haproxy:2.8.10", Ports: []CPort{{"http", 8080}, {"stats", 8404}}, Probe: "/healthz"})
	c.ServiceT("media", "haproxy", "LoadBalancer", map[string]string{"app": "haproxy"}, SvcPort{Name: "http", Port: 80, Target: "http"})
	c.Raw("v1", "ConfigMap", "media", "haproxy-config", 60*Day, map[string]string{"app": "haproxy"}, M{"data": M{"haproxy.cfg": strings.Join([]string{
		"global", "  log stdout format raw local0", "  master-worker", "",
		"defaults", "  mode http", "  log global", "  option httplog", "  timeout connect 5s", "  timeout client 30s", "  timeout server 60s", "",
		"resolvers kubedns", "  nameserver dns1 " + c.flavor.SvcNet + ".0.10:53", "  hold valid 10s", "",
		"frontend fe_http", "  bind :8080", "  monitor-uri /healthz", "  acl is_transcode path_beg /v1/", "  use_backend be_transcoder if is_transcode", "  default_backend be_web", "",
		"backend be_transcoder", "  option httpchk GET /ready", "  server-template srv 4 _http._tcp.transcoder.media.svc.cluster.local resolvers kubedns init-addr none check", "",
		"backend be_web", "  server-template srv 4 _http._tcp.media-web.media.svc.cluster.local resolvers kubedns init-addr none check", ""}, "\n")}})
	v := Vantage{IP: hap.Pods[0].IP, Listen: 8080, Clients: c.NodeIPs(), External: true}
	recs := c.Traffic(v, c.Now.Add(-50*Min), c.Now.Add(-20*Sec), 220,
		Flow{Authority: "media.example.com", Paths: []string{"/", "/library", "/assets/app.css"}, Cluster: "be_web", Hosts: Hosts(web), Weight: 3},
		Flow{Authority: "media.example.com", Paths: []string{"POST /v1/probe", "POST /v1/jobs", "/v1/jobs/88213"}, Cluster: "be_transcoder", Hosts: []string{"srv1"}, Weight: 1,
			Fail: FailAfter(c.Now.Add(-37*Min), Outcome{Code: 503, NoUpstream: true})},
	)
	// HAProxy names the server, not ip:port, in its log
	for i := range recs {
		if recs[i].UpHost != "-" {
			recs[i].UpHost = "srv" + fmt.Sprint(1+i%2)
		}
	}
	down := c.Now.Add(-37*Min - 20*Sec)
	state := []TLine{
		{down, "[WARNING]  (8) : Server be_transcoder/srv1 is going DOWN for maintenance (No IP for server ). 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue."},
		{down, "[ALERT]    (8) : backend 'be_transcoder' has no server available!"},
	}
	c.Log("media", hap.Pods[0].Name, "haproxy", Merge(Timed(recs, HAProxyHTTP(c.Name, "fe_http", recs)), state)...)
	c.Expect("scaled-to-zero", "Deployment", "media", "transcoder", "")
	c.Absent = []string{"active-health-check-failing", "no-workload"}
	return c
}

func case11OOMKilled() *Case {
	c := newCase("11-crash-loop-oomkilled", at(2020, 9, 14, 15, 40))
	c.Description = "Video pages load without thumbnails; the player-api sidecar (Istio 1.6, mixer-status log format) " +
		"logs 503 UH for the thumbnailer. Thumbnailer pods are OOMKilled (exit 137) while resizing 4K uploads with a " +
		"256Mi memory limit and sit in CrashLoopBackOff."
	c.Style = StyleTyped
	c.KubeVersion = "v1.18.20"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.6.14", NoGateway: true})
	c.MeshNS("media")
	pl, _ := c.Web("media", "player-api", 2, 8000, "registry.media.example/player-api:2.1.9", true)
	th := c.App(AppSpec{NS: "media", Name: "thumbnailer", Replicas: 2, Image: "registry.media.example/thumbnailer:1.4.0", Ports: []CPort{{"http", 8080}}, Probe: "/healthz", Sidecar: true, Mem: "256Mi",
		State: func(i int, s *PodState) {
			s.Waiting, s.Restarts, s.LastReason, s.LastExit = "CrashLoopBackOff", 14+i*3, "OOMKilled", 137
		}})
	for _, p := range th.Pods {
		for _, cs := range p.obj.M["status"].(M)["containerStatuses"].(L) {
			if cs.(M)["name"] == "thumbnailer" {
				cs.(M)["state"].(M)["waiting"].(M)["message"] = fmt.Sprintf("back-off 5m0s restarting failed container=thumbnailer pod=%s_media(%s)", p.Name, p.UID)
			}
		}
		t0 := c.Now.Add(-3 * Min)
		c.PrevLog("media", p.Name, "thumbnailer",
			fmt.Sprintf("%s INFO  thumbnailer 1.4.0 listening on :8080", t0.Format("2006-01-02 15:04:05.000")),
			fmt.Sprintf("%s INFO  job 5521 source=s3://media-uploads/raw/8812.mov size=3840x2160", t0.Add(4*Sec).Format("2006-01-02 15:04:05.000")),
			fmt.Sprintf("%s INFO  job 5521 decoding frame 0", t0.Add(5*Sec).Format("2006-01-02 15:04:05.000")))
	}
	th2 := c.Service("media", "thumbnailer", map[string]string{"app": "thumbnailer"}, P("http", 8080, "http"))
	c.CrashLooping(th, 80*Min)
	for _, p := range pl.Pods {
		recs := c.Traffic(Sidecar(p), c.Now.Add(-30*Min), c.Now.Add(-10*Sec), 150,
			Flow{Authority: "thumbnailer:8080", Paths: []string{"/thumb/8812?w=320", "/thumb/7719?w=640", "/thumb/1203?w=320"}, Cluster: Cl(8080, "", th2.Host()), Hosts: AllHosts(th), SvcAddr: th2.Addr(),
				Fail: func(t time.Time, i int) *Outcome {
					if i%7 == 3 {
						return nil // briefly up between restarts
					}
					x := UH
					return &x
				}},
		)
		c.Log("media", p.Name, "istio-proxy", Istio(F13, recs)...)
	}
	c.Expect("crash-loop", "Deployment", "media", "thumbnailer", "")
	return c
}

func case12ImagePull() *Case {
	c := newCase("12-image-pull-failure", at(2024, 8, 8, 12, 26))
	c.Description = "First production deploy of checkout-web: the ingress answers 503 for shop.acme.example/checkout. " +
		"The image tag in the release values is v2.31 instead of v2.3.1; every pod is stuck in " +
		"ErrImagePull / ImagePullBackOff with 'not found' from ghcr.io."
	c.Style = StyleList
	c.KubeVersion = "v1.30.2"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	ing := c.IngressNginx("")
	c.Namespace("checkout")
	img := "ghcr.io/acme/checkout-web:v2.31"
	pullErr := fmt.Sprintf(`rpc error: code = NotFound desc = failed to pull and unpack image "%s": failed to resolve reference "%s": %s: not found`, img, img, img)
	cw := c.App(AppSpec{NS: "checkout", Name: "checkout-web", Replicas: 2, Image: img, Ports: []CPort{{"http", 3000}}, Probe: "/api/health", Age: 14 * Min, Revision: 1,
		State: func(i int, s *PodState) {
			s.Started = 14 * Min
			if i == 0 {
				s.Waiting, s.WaitMsg = "ImagePullBackOff", fmt.Sprintf("Back-off pulling image %q", img)
			} else {
				s.Waiting, s.WaitMsg = "ErrImagePull", pullErr
			}
		}})
	svc := c.Service("checkout", "checkout-web", map[string]string{"app": "checkout-web"}, P("http", 80, "http"))
	c.Namespace("shop")
	sf, _ := c.Web("shop", "storefront", 3, 8080, "ghcr.io/acme/storefront:4.9.2", false)
	c.Ingress("checkout", "checkout-web", "shop.acme.example", "/checkout", "checkout-web", 80)
	c.Ingress("shop", "storefront", "shop.acme.example", "/", "storefront", 8080)
	for _, p := range cw.Pods {
		fp := "spec.containers{checkout-web}"
		first := c.Now.Add(-13 * Min)
		c.PodEvent(p, "Normal", "Scheduled", fmt.Sprintf("Successfully assigned checkout/%s to %s", p.Name, p.Node), first, first, 1, "")
		c.PodEvent(p, "Normal", "Pulling", fmt.Sprintf("Pulling image %q", img), first.Add(Sec), c.Now.Add(-2*Min), 7, fp)
		c.PodEvent(p, "Warning", "Failed", fmt.Sprintf("Failed to pull image %q: %s", img, pullErr), first.Add(2*Sec), c.Now.Add(-2*Min), 7, fp)
		c.PodEvent(p, "Warning", "Failed", "Error: ErrImagePull", first.Add(2*Sec), c.Now.Add(-2*Min), 7, fp)
		c.PodEvent(p, "Normal", "BackOff", fmt.Sprintf("Back-off pulling image %q", img), first.Add(3*Sec), c.Now.Add(-20*Sec), 52, fp)
		c.PodEvent(p, "Warning", "Failed", "Error: ImagePullBackOff", first.Add(3*Sec), c.Now.Add(-20*Sec), 52, fp)
	}
	c.Event(EventSpec{Obj: Ref{"Deployment", "checkout", "checkout-web"}, Type: "Normal", Reason: "ScalingReplicaSet", Component: "deployment-controller",
		Message: fmt.Sprintf("Scaled up replica set checkout-web-%s to 2", cw.Hash), First: c.Now.Add(-13 * Min)})
	recs := c.Traffic(c.ingressVantage(ing), c.Now.Add(-12*Min), c.Now.Add(-5*Sec), 200,
		Flow{Authority: "shop.acme.example", Paths: []string{"/", "/products/1182", "/cart"}, Cluster: "shop-storefront-8080", Hosts: Hosts(sf), Weight: 4},
		Flow{Authority: "shop.acme.example", Paths: []string{"/checkout", "POST /checkout/api/session"}, Cluster: "checkout-checkout-web-80", Weight: 1,
			Fail: func(time.Time, int) *Outcome { return &Outcome{Code: 503, BytesSent: 190, NoUpstream: true} }},
	)
	c.ingressLog(ing, recs, NoEndpointWarnings(c.Now.Add(-13*Min), c.Now, 53*Sec, svc.NS+"/"+svc.Name))
	c.Expect("image-pull-failure", "Deployment", "checkout", "checkout-web", "")
	return c
}

// pending makes every pod of an app unschedulable with msg and records FailedScheduling.
func (c *Case) schedFail(a *App, msg string, since time.Duration) {
	for _, p := range a.Pods {
		c.PodEvent(p, "Warning", "FailedScheduling", msg, c.Now.Add(-since), c.Now.Add(-time.Duration(20+hashN(p.Name)%100)*Sec), int(since/time.Minute)/2+1, "")
	}
}

func case13UnschedulableOld() *Case {
	c := newCase("13-unschedulable-taint-old", at(2020, 4, 2, 10, 5))
	c.Description = "Search is down (503 UH at the Istio 1.4 ingress gateway, JSON access log with string values). " +
		"The search node pool was replaced and the new nodes carry dedicated=search:NoSchedule; the es-query " +
		"chart upgrade dropped its toleration, so the recreated pods stay Pending (Kubernetes 1.17 wording)."
	c.Style = StyleTyped
	c.KubeVersion = "v1.17.17"
	ws := c.Cluster(Kubeadm, 1, 4)
	ws[3].Taints = append(ws[3].Taints, M{"effect": "NoSchedule", "key": "dedicated", "value": "search"})
	ws[3].Labels["pool"] = "search"
	c.workers = ws[:3]
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.4.10"})
	c.MeshNS("search")
	msg := "0/5 nodes are available: 1 node(s) had taints that the pod didn't tolerate, 4 node(s) didn't match node selector."
	q := c.App(AppSpec{NS: "search", Name: "es-query", Replicas: 2, Image: "registry.acme.example/search/es-query:5.0.0", Ports: []CPort{{"http", 8080}}, Probe: "/health", Sidecar: true,
		NodeSelector: map[string]string{"pool": "search"}, Strategy: "Recreate", Revision: 9,
		State: func(i int, s *PodState) { s.Unscheduled, s.SchedMsg, s.Started = true, msg, 25*Min }})
	qs := c.Service("search", "es-query", map[string]string{"app": "es-query"}, P("http", 8080, "http"))
	c.schedFail(q, msg, 25*Min)
	fe, fes := c.Web("search", "search-ui", 2, 8080, "registry.acme.example/search/search-ui:2.2.4", true)
	c.GW("v1alpha3", "search", "search-gateway", map[string]string{"istio": "ingressgateway"}, "search.acme.example")
	c.VS("v1alpha3", "search", "search", M{"hosts": Strs("search.acme.example"), "gateways": Strs("search-gateway"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/api/"}}}, "route": L{Route("es-query", 8080, "")}},
		M{"route": L{Route("search-ui", 8080, "")}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-35*Min), c.Now.Add(-30*Sec), 200,
		Flow{Authority: "search.acme.example", Paths: []string{"/", "/static/main.js"}, Cluster: Cl(8080, "", fes.Host()), Hosts: Hosts(fe), Weight: 2},
		Flow{Authority: "search.acme.example", Paths: []string{"/api/search?q=router", "/api/suggest?q=rou"}, Cluster: Cl(8080, "", qs.Host()), Hosts: []string{"10.244.4.12:8080", "10.244.4.15:8080"}, Weight: 3,
			Fail: FailAfter(c.Now.Add(-26*Min), UH)},
	)
	c.Log("istio-system", m.GWPod(0).Name, "istio-proxy", Istio(JS14, recs)...)
	c.Expect("unschedulable", "Deployment", "search", "es-query", "")
	return c
}

func case14InsufficientCPU() *Case {
	c := newCase("14-unschedulable-insufficient-cpu", at(2023, 11, 21, 17, 48))
	c.Description = "Reports API returns 503 through ingress-nginx after a values change raised its CPU request " +
		"to 6 cores; the nodes have 4. With the Recreate strategy the old pods were removed first and the new " +
		"ones stay Pending: Insufficient cpu (Kubernetes 1.27 wording with preemption)."
	c.Style = StyleYAML
	c.KubeVersion = "v1.27.11"
	c.Cluster(Kubeadm, 1, 4)
	c.KubeSystem(nil)
	ing := c.IngressNginx("v1.9.6")
	c.Namespace("data")
	msg := "0/5 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 4 Insufficient cpu. preemption: 0/5 nodes are available: 1 Preemption is not helpful for scheduling, 4 No preemption victims found for incoming pod.."
	ra := c.App(AppSpec{NS: "data", Name: "reports-api", Replicas: 2, Image: "registry.acme.example/data/reports-api:1.18.0", Ports: []CPort{{"http", 8080}}, Probe: "/ready", CPU: "6", Mem: "4Gi",
		Strategy: "Recreate", Revision: 12, State: func(i int, s *PodState) { s.Unscheduled, s.SchedMsg, s.Started = true, msg, 18*Min }})
	rs := c.Service("data", "reports-api", map[string]string{"app": "reports-api"}, P("http", 80, "http"))
	c.schedFail(ra, msg, 18*Min)
	c.ScaledRS(ra, 0, 2, c.Now.Add(-18*Min))
	dash, _ := c.Web("data", "dashboards", 2, 8080, "registry.acme.example/data/dashboards:4.0.2", false)
	c.App(AppSpec{NS: "data", Name: "etl-worker", Replicas: 4, Image: "registry.acme.example/data/etl:2.6.1", Ports: []CPort{{"metrics", 9100}}, CPU: "1500m", Mem: "2Gi"})
	c.Ingress("data", "data", "data.acme.example", "/api/reports", "reports-api", 80, "/", "dashboards", 8080)
	recs := c.Traffic(c.ingressVantage(ing), c.Now.Add(-25*Min), c.Now.Add(-15*Sec), 180,
		Flow{Authority: "data.acme.example", Paths: []string{"/", "/d/sales-weekly", "/public/app.js"}, Cluster: "data-dashboards-8080", Hosts: Hosts(dash), Weight: 3},
		Flow{Authority: "data.acme.example", Paths: []string{"/api/reports/weekly?region=emea", "POST /api/reports/export"}, Cluster: "data-reports-api-80", Hosts: []string{"10.244.2.41:8080", "10.244.3.22:8080"}, Weight: 2,
			Fail: FailAfter(c.Now.Add(-18*Min), Outcome{Code: 503, BytesSent: 190, NoUpstream: true})},
	)
	c.ingressLog(ing, recs, NoEndpointWarnings(c.Now.Add(-18*Min), c.Now, 47*Sec, rs.NS+"/"+rs.Name))
	c.Expect("unschedulable", "Deployment", "data", "reports-api", "")
	return c
}

func case15UnschedulableNew() *Case {
	c := newCase("15-unschedulable-taint-new", at(2025, 11, 12, 8, 31))
	c.Description = "orders.acme.example answers 503 no healthy upstream at the Istio 1.27 gateway. orders-api was " +
		"moved to the dedicated orders pool (nodeSelector pool=orders, taint dedicated=orders:NoSchedule) but the " +
		"toleration says value 'order'. Pods are Pending with the Kubernetes 1.34 wording 'had untolerated taint(s)'."
	c.Style = StyleList
	c.KubeVersion = "v1.34.1"
	ws := c.Cluster(Kubeadm, 0, 5)
	for _, n := range ws[2:] {
		n.Labels["pool"] = "orders"
		n.Taints = append(n.Taints, M{"effect": "NoSchedule", "key": "dedicated", "value": "orders"})
	}
	c.workers = ws[:2] // general pool: everything else runs here
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.27.1"})
	c.MeshNS("orders")
	msg := "0/5 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 3 node(s) had untolerated taint(s). preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling."
	oa := c.App(AppSpec{NS: "orders", Name: "orders-api", Replicas: 3, Image: "registry.acme.example/orders/orders-api:6.4.2", Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true,
		NodeSelector: map[string]string{"pool": "orders"}, Tolerations: []M{{"effect": "NoSchedule", "key": "dedicated", "operator": "Equal", "value": "order"}},
		Strategy: "Recreate", Revision: 31, State: func(i int, s *PodState) { s.Unscheduled, s.SchedMsg, s.Started = true, msg, 9*Min }})
	os := c.Service("orders", "orders-api", map[string]string{"app": "orders-api"}, P("http", 8080, "http"))
	c.schedFail(oa, msg, 9*Min)
	c.ScaledRS(oa, 0, 3, c.Now.Add(-9*Min))
	hist, hs := c.Web("orders", "order-history", 2, 8080, "registry.acme.example/orders/order-history:2.0.7", true)
	c.GW("v1", "orders", "orders", map[string]string{"istio": "ingressgateway"}, "orders.acme.example")
	c.VS("v1", "orders", "orders", M{"hosts": Strs("orders.acme.example"), "gateways": Strs("orders"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/history"}}}, "route": L{Route("order-history", 8080, "")}},
		M{"route": L{Route("orders-api", 8080, "")}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-15*Min), c.Now.Add(-10*Sec), 260,
		Flow{Authority: "orders.acme.example", Paths: []string{"POST /v2/orders", "/v2/orders/ord_19a2", "/v2/orders?status=open"}, Cluster: Cl(8080, "", os.Host()), Hosts: []string{"10.244.2.17:8080", "10.244.3.14:8080", "10.244.4.20:8080"}, Weight: 3,
			Fail: FailAfter(c.Now.Add(-9*Min), UH), OKCodes: []int{200, 201}},
		Flow{Authority: "orders.acme.example", Paths: []string{"/history/cust_882", "/history/cust_119?page=2"}, Cluster: Cl(8080, "", hs.Host()), Hosts: Hosts(hist), Weight: 1},
	)
	c.Log("istio-system", m.GWPod(0).Name, "istio-proxy", Istio(F19, recs)...)
	c.Expect("unschedulable", "Deployment", "orders", "orders-api", "")
	return c
}

func case16NodeNotReady() *Case {
	c := newCase("16-node-not-ready", at(2023, 2, 27, 22, 14))
	c.Description = "Inventory lookups fail with 503 UH at the gateway. Both inventory pods are pinned (disktype: nvme) " +
		"to worker-3, which stopped posting status six minutes ago (Ready=Unknown, unreachable taints). The pods " +
		"still show Running but their Ready condition is False and their endpoints are not ready."
	c.Style = StyleList
	c.KubeVersion = "v1.25.16"
	ws := c.Cluster(Kubeadm, 1, 3)
	ws[2].Labels["disktype"] = "nvme"
	c.NodeNotReady(ws[2], c.Now.Add(-6*Min))
	c.workers = ws[:2] // the other workloads run on worker-1/2
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.16.7"})
	c.MeshNS("shop")
	inv := c.App(AppSpec{NS: "shop", Name: "inventory", Replicas: 2, Image: "ghcr.io/acme/inventory:2.11.0", Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true,
		NodeSelector: map[string]string{"disktype": "nvme"}, Nodes: []*Node{ws[2]}})
	is := c.Service("shop", "inventory", map[string]string{"app": "inventory"}, P("http", 8080, "http"))
	for _, p := range inv.Pods {
		c.Event(EventSpec{Obj: Ref{"Pod", "shop", p.Name}, UID: p.UID, Type: "Warning", Reason: "NodeNotReady", Message: "Node is not ready",
			Component: "node-controller", First: c.Now.Add(-6*Min + 41*Sec)})
	}
	fe, fes := c.Web("shop", "frontend", 2, 8080, "ghcr.io/acme/shop-frontend:2.12.0", true)
	c.GW("v1beta1", "shop", "shop-gw", map[string]string{"istio": "ingressgateway"}, "shop.acme.example")
	c.VS("v1beta1", "shop", "shop", M{"hosts": Strs("shop.acme.example"), "gateways": Strs("shop-gw"), "http": L{
		M{"match": L{M{"uri": M{"prefix": "/api/inventory"}}}, "route": L{Route("inventory", 8080, "")}},
		M{"route": L{Route("frontend", 8080, "")}}}})
	recs := c.Traffic(c.GWVantage(m), c.Now.Add(-16*Min), c.Now.Add(-10*Sec), 240,
		Flow{Authority: "shop.acme.example", Paths: []string{"/", "/products/1182"}, Cluster: Cl(8080, "", fes.Host()), Hosts: Hosts(fe), Weight: 3},
		Flow{Authority: "shop.acme.example", Paths: []string{"/api/inventory/sku/1182", "/api/inventory/sku/2291"}, Cluster: Cl(8080, "", is.Host()), Hosts: AllHosts(inv), Weight: 2,
			Fail: func(t time.Time, i int) *Outcome {
				switch {
				case t.After(c.Now.Add(-5*Min - 19*Sec)):
					x := UH
					return &x
				case t.After(c.Now.Add(-6*Min - 30*Sec)):
					x := UT
					x.Dur = 15000
					return &x
				}
				return nil
			}},
	)
	c.Log("istio-system", m.GWPod(0).Name, "istio-proxy", Istio(F19, recs)...)
	c.Expect("node-not-ready", "Node", "", ws[2].Name, "")
	c.Absent = []string{"readiness-probe-failing"}
	return c
}
