package main

import (
	"fmt"
	"sort"
	"time"
)

// Cases where a change explains the incident: the report must cite it
// among the root cause's changes, seconds or a minute before the first
// symptom.

func case43PeerAuthStrictJustApplied() *Case {
	c := newCase("43-peerauth-strict-just-applied", at(2025, 5, 20, 9, 12))
	c.Description = "Orders fail with 503 UC from inventory since a few minutes past nine. Seconds before the " +
		"first reset the platform team applied a mesh-wide PeerAuthentication STRICT (istio-system/default) with " +
		"kubectl. An old DestinationRule for inventory, left from the sidecar migration, still sets tls.mode: " +
		"DISABLE, so orders-api's sidecar sends plaintext and inventory's sidecar, now accepting mTLS only, " +
		"resets it (NR filter_chain_not_found inbound). The report must cite the PeerAuthentication's creation, " +
		"3 s before the first reset."
	c.Source = "Istio PeerAuthentication reference: a policy in the root namespace (istio-system) without a " +
		"selector applies to the whole mesh, STRICT accepts mTLS only; DestinationRule ClientTLSSettings DISABLE: " +
		"no TLS to the upstream. Kubernetes API concepts, managed fields: metadata.managedFields records each " +
		"manager's operation and time (kubectl apply writes as kubectl-client-side-apply)."
	c.Style = StyleList
	c.KubeVersion = "v1.31.4"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.24.3", NoGateway: true})
	c.MeshNS("orders")
	api, _ := c.Web("orders", "orders-api", 2, 8080, "ghcr.io/acme/orders-api:4.1.2", true)
	inv, is := c.Web("orders", "inventory", 2, 8080, "ghcr.io/acme/inventory:2.8.0", true)
	pr, ps := c.Web("orders", "pricing", 1, 8080, "ghcr.io/acme/pricing:1.3.0", true)
	c.DR("v1", "orders", "inventory", M{"host": "inventory.orders.svc.cluster.local", "trafficPolicy": M{"tls": M{"mode": "DISABLE"}}})

	// Every request to inventory after strict fails; the policy was
	// applied 3 s before the first of them.
	strict := c.Now.Add(-8 * Min)
	var first time.Time
	for _, p := range api.Pods {
		recs := c.Traffic(Sidecar(p), c.Now.Add(-30*Min), c.Now.Add(-10*Sec), 180,
			Flow{Authority: "inventory:8080", Paths: []string{"/v1/stock/sku_4411", "POST /v1/reservations"}, Cluster: Cl(8080, "", is.Host()),
				Hosts: Hosts(inv), SvcAddr: is.Addr(), Weight: 2, Fail: FailAfter(strict, UC)},
			Flow{Authority: "pricing:8080", Paths: []string{"/v1/price?sku=sku_4411"}, Cluster: Cl(8080, "", ps.Host()), Hosts: Hosts(pr), SvcAddr: ps.Addr()},
		)
		for _, r := range recs {
			if r.Code == 503 && (first.IsZero() || r.T.Before(first)) {
				first = r.T
			}
		}
		c.Log("orders", p.Name, "istio-proxy", Istio(F19, recs)...)
	}
	applied := first.Truncate(time.Second).Add(-3 * Sec)
	pa := c.PA("v1", "istio-system", "default", "STRICT")
	pa.Meta()["creationTimestamp"] = ts(applied)
	pa.Meta()["annotations"] = M{"kubectl.kubernetes.io/last-applied-configuration": `{"apiVersion":"security.istio.io/v1","kind":"PeerAuthentication","metadata":{"annotations":{},"name":"default","namespace":"istio-system"},"spec":{"mtls":{"mode":"STRICT"}}}` + "\n"}
	pa.Meta()["managedFields"] = L{M{"apiVersion": "security.istio.io/v1", "fieldsType": "FieldsV1",
		"fieldsV1": M{"f:metadata": M{"f:annotations": M{".": M{}, "f:kubectl.kubernetes.io/last-applied-configuration": M{}}},
			"f:spec": M{".": M{}, "f:mtls": M{".": M{}, "f:mode": M{}}}},
		"manager": "kubectl-client-side-apply", "operation": "Update", "time": ts(applied)}}

	// inventory inbound: plaintext meets a listener with mTLS filter
	// chains only, from the first reset on.
	for _, p := range inv.Pods {
		r := newRand(p.Name)
		var l []string
		for t := first.Add(time.Duration(1+r.N(3)) * Sec); t.Before(c.Now); t = t.Add(time.Duration(6+r.N(15)) * Sec) {
			l = append(l, fmt.Sprintf("[%s] \"- - -\" 0 NR filter_chain_not_found - \"-\" 0 0 0 - \"-\" \"-\" \"-\" \"-\" \"-\" - - %s:8080 %s:%d - -",
				envoyTime(t.Add(time.Duration(r.N(999))*time.Millisecond)), p.IP, api.Pods[r.N(len(api.Pods))].IP, 33000+r.N(20000)))
		}
		c.Log("orders", p.Name, "istio-proxy", l...)
	}
	c.Expect("mtls-mismatch", "DestinationRule", "orders", "inventory", "")
	c.ExpectChange("created", "PeerAuthentication", "istio-system", "default", 5*Sec)
	return c
}

func case44RolloutMinuteBeforeUH() *Case {
	c := newCase("44-rollout-minute-before-uh", at(2025, 6, 2, 14, 30))
	c.Description = "The analytics dashboard shows 'reports unavailable': the Istio gateway logs 503 UH for " +
		"reports-api. A minute before the first UH, helm upgraded reports-api to 3.0.0 (revision 12, Recreate " +
		"strategy for its migration lock): the old pods were scaled down, the new ReplicaSet was created once they " +
		"were gone, and its pods never become Ready (/ready answers 503 until a schema migration nobody ran is " +
		"applied). The dashboard polls once a minute, so the first UH is the first poll after the rollout began. " +
		"The report must cite the rollout: the new ReplicaSet, the scaling steps and helm's update."
	c.Source = "Kubernetes Deployment controller, Recreate strategy (pkg/controller/deployment/recreate.go): old " +
		"ReplicaSets are scaled to zero, and the new ReplicaSet is created and scaled up only once their pods are " +
		"gone; the controller numbers ReplicaSets with the deployment.kubernetes.io/revision annotation and " +
		"records each step as a ScalingReplicaSet event. Kubernetes managed fields: helm writes as manager helm."
	c.Style = StyleList
	c.KubeVersion = "v1.32.2"
	c.Cluster(GKE, 0, 3)
	c.KubeSystem(nil)
	m := c.IstioSystem(MeshOpts{Version: "1.25.2"})
	c.MeshNS("analytics")

	rollout := c.Now.Add(-8*Min - 40*Sec) // helm upgrade
	created := rollout.Add(31 * Sec)      // the old pods' grace period later
	const name = "reports-api"
	rep := c.App(AppSpec{NS: "analytics", Name: name, Replicas: 2, Image: "europe-docker.pkg.dev/acme-analytics/apps/reports-api:3.0.0",
		Ports: []CPort{{"http", 8080}}, Probe: "/ready", Sidecar: true, Strategy: "Recreate", Revision: 12,
		State: func(i int, s *PodState) { s.NotReady = true; s.Started = c.Now.Sub(created) - 2*Sec }})
	rs := c.Service("analytics", name, map[string]string{"app": name}, P("http", 8080, "http"))
	dash, ds := c.Web("analytics", "dashboard", 2, 8080, "europe-docker.pkg.dev/acme-analytics/apps/dashboard:7.4.0", true)

	// The rollout as the objects record it.
	rep.RS.Meta()["creationTimestamp"] = ts(created)
	old := rep.Spec
	old.Revision = 11
	oldHash := suffix(c.Name+old.NS+old.Name+"11", 10)
	oldLabels := copyLabels(old.Labels)
	oldLabels["pod-template-hash"] = oldHash
	oldMeta := c.meta("ReplicaSet", old.NS, name+"-"+oldHash, c.Now.Add(-23*Day), oldLabels)
	oldMeta["annotations"] = M{"deployment.kubernetes.io/desired-replicas": "2", "deployment.kubernetes.io/max-replicas": "2",
		"deployment.kubernetes.io/revision": "11"}
	oldMeta["generation"] = 3
	oldMeta["ownerReferences"] = owner("apps/v1", "Deployment", name, uid(c.Name, "Deployment", old.NS, name))
	old.Image = "europe-docker.pkg.dev/acme-analytics/apps/reports-api:2.9.4"
	c.add(&Obj{APIVersion: "apps/v1", Kind: "ReplicaSet", NS: old.NS, Name: name + "-" + oldHash, M: M{
		"metadata": oldMeta,
		"spec": M{"replicas": 0, "selector": M{"matchLabels": copyLabels(oldLabels)},
			"template": M{"metadata": M{"creationTimestamp": nil, "labels": copyLabels(oldLabels)}, "spec": c.podSpec(old, false)}},
		"status": M{"observedGeneration": 3, "replicas": 0},
	}})
	dm := rep.Obj.Meta()
	dm["managedFields"] = L{
		M{"apiVersion": "apps/v1", "fieldsType": "FieldsV1", "fieldsV1": M{"f:spec": M{"f:template": M{"f:spec": M{"f:containers": M{}}}}},
			"manager": "helm", "operation": "Update", "time": ts(rollout)},
		M{"apiVersion": "apps/v1", "fieldsType": "FieldsV1", "fieldsV1": M{"f:status": M{"f:conditions": M{}}},
			"manager": "kube-controller-manager", "operation": "Update", "subresource": "status", "time": ts(created.Add(2 * Sec))},
	}
	rsRef := fmt.Sprintf("ReplicaSet %q", rep.RS.Name)
	rep.Obj.M["status"].(M)["conditions"] = L{
		depCond("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", rollout, rollout),
		depCond("Progressing", "True", "ReplicaSetUpdated", rsRef+" is progressing.", c.Now.Add(-60*Day), created),
	}
	dref := Ref{"Deployment", "analytics", name}
	duid := uid(c.Name, "Deployment", "analytics", name)
	c.Event(EventSpec{Obj: dref, UID: duid, Type: "Normal", Reason: "ScalingReplicaSet", Component: "deployment-controller",
		Message: fmt.Sprintf("Scaled down replica set %s-%s from 2 to 0", name, oldHash), First: rollout})
	c.Event(EventSpec{Obj: dref, UID: duid, Type: "Normal", Reason: "ScalingReplicaSet", Component: "deployment-controller",
		Message: fmt.Sprintf("Scaled up replica set %s from 0 to 2", rep.RS.Name), First: created})
	c.ProbeFailing(rep, "HTTP probe failed with statuscode: 503", c.Now.Sub(created)-12*Sec)
	for _, p := range rep.Pods {
		var l []string
		for t := created.Add(9 * Sec); t.Before(c.Now); t = t.Add(10 * Sec) {
			l = append(l, fmt.Sprintf(`{"time":"%s","level":"WARN","msg":"not ready","reason":"schema version 41 < required 42: run migrations"}`, t.Format(time.RFC3339Nano)))
		}
		c.Log("analytics", p.Name, name, l...)
	}

	// The gateway: the dashboard's UI all along, and its poll of the
	// reports once a minute, failing from the first poll after the
	// rollout began, 60 s later.
	ui := c.Traffic(c.GWVantage(m), c.Now.Add(-40*Min), c.Now.Add(-15*Sec), 260,
		Flow{Authority: "analytics.acme.example", Paths: []string{"/", "/static/main.js", "/api/dashboards/7"}, Cluster: Cl(8080, "", ds.Host()), Hosts: Hosts(dash)})
	flow := Flow{Authority: "analytics.acme.example", Paths: []string{"/api/reports/summary?range=24h"}, Cluster: Cl(8080, "", rs.Host()), Hosts: AllHosts(rep)}
	before := c.Traffic(c.GWVantage(m), c.Now.Add(-40*Min), rollout.Add(-3*Sec), 31, flow)
	flow.Fail = FailAfter(rollout, UH)
	after := c.Traffic(c.GWVantage(m), rollout.Add(60*Sec), c.Now.Add(-20*Sec), 8, flow)
	shift := after[0].T.Sub(rollout.Add(60 * Sec))
	for i := range after {
		after[i].T = after[i].T.Add(-shift)
	}
	recs := append(append(ui, before...), after...)
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].T.Before(recs[j].T) })
	c.GWLog(m, Istio(F19, recs))

	c.Expect("readiness-probe-failing", "Deployment", "analytics", name, "")
	c.ExpectChange("rollout", "ReplicaSet", "analytics", rep.RS.Name, 90*Sec)
	// The helm update is cited from the bundle, not from a cluster-info
	// dump: kubectl prints objects without managedFields unless told to
	// (--show-managed-fields), so every input form is held to the scaling.
	c.ExpectChange("scaled", "Deployment", "analytics", name, 90*Sec)
	c.Absent = []string{"crash-loop", "scaled-to-zero"}
	return c
}
