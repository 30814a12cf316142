package main

import "time"

// Cases of issue 12, continued: Sidecar resources that keep a route's
// destination from the sidecars that run it.

// SidecarCR declares a networking.istio.io Sidecar created age ago.
func (c *Case) SidecarCR(ver, ns, name string, age time.Duration, spec M) *Obj {
	return c.Raw("networking.istio.io/"+ver, "Sidecar", ns, name, age, nil, M{"spec": spec})
}

func case63SidecarEgressHidesService() *Case {
	c := newCase("63-sidecar-egress-hides-service", at(2025, 3, 18, 10, 20))
	c.Description = "A cluster still on Istio 1.4: to cut sidecar memory the platform team added the Sidecar " +
		"shop/default, egress hosts [\"./*\", \"istio-system/*\"]. Since then every charge the checkout makes fails " +
		"with 503 NC. The VirtualService shop/ledger (timeouts and retries for ledger.payments.svc.cluster.local) " +
		"routes to the Service payments/ledger, which that egress does not import: the route reaches the checkout " +
		"sidecars, the ledger cluster does not. Calls to the shop's own cart still work."
	c.Source = "pilot/pkg/model/sidecar.go (SidecarScope: a sidecar gets clusters for the services its egress hosts " +
		"import, namespace/dnsName with \".\" its own namespace; Istio 1.4 adds nothing else: istio/istio #20408 " +
		"\"Ensure CDS is set up for all destinations of VirtualService\", released in 1.5, adds the destinations of " +
		"the imported VirtualServices); istio.io networking v1alpha3 Sidecar reference, egress hosts."
	c.Style = StyleList
	c.KubeVersion = "v1.16.15"
	c.Cluster(Kubeadm, 1, 3)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.4.10", NoGateway: true})
	c.MeshNS("payments")
	lg, lgs := c.Web("payments", "ledger", 2, 8080, "registry.acme.internal/payments/ledger:3.8.2", true)
	c.MeshNS("shop")
	co, _ := c.Web("shop", "checkout", 2, 8080, "registry.acme.internal/shop/checkout:7.1.0", true)
	ca, cas := c.Web("shop", "cart", 2, 8080, "registry.acme.internal/shop/cart:2.4.5", true)
	c.VS("v1alpha3", "shop", "ledger", M{"hosts": Strs("ledger.payments.svc.cluster.local"), "http": L{
		M{"route": L{Route("ledger.payments.svc.cluster.local", 8080, "")}, "timeout": "3s",
			"retries": M{"attempts": 2, "perTryTimeout": "1s", "retryOn": "connect-failure,refused-stream"}}}})
	added := c.Now.Add(-40 * Min)
	c.SidecarCR("v1alpha3", "shop", "default", 40*Min, M{"egress": L{M{"hosts": Strs("./*", "istio-system/*")}}})
	for _, p := range co.Pods {
		recs := c.Traffic(Sidecar(p), c.Now.Add(-70*Min), c.Now.Add(-4*Sec), 140,
			Flow{Authority: "cart:8080", Paths: []string{"GET /cart/items", "POST /cart/items"}, Cluster: Cl(8080, "", cas.Host()), Hosts: Hosts(ca), SvcAddr: cas.Addr(), Weight: 3},
			Flow{Authority: "ledger.payments.svc.cluster.local:8080", Paths: []string{"POST /v1/charges", "POST /v1/refunds"}, Weight: 2,
				Cluster: Cl(8080, "", lgs.Host()), Hosts: Hosts(lg), SvcAddr: lgs.Addr(), Fail: FailAfter(added, NC)},
		)
		c.Log("shop", p.Name, "istio-proxy", Istio(F13, recs)...)
	}
	c.Expect("destination-host-unknown", "VirtualService", "shop", "ledger", "host ledger.payments.svc.cluster.local")
	c.ExpectChange("created", "Sidecar", "shop", "default", 5*Min)
	c.Absent = []string{"no-workload", "route-missing", "subset-undefined"}
	return c
}

func case64HealthySidecarEgressListed() *Case {
	c := newCase("64-healthy-sidecar-egress-listed", at(2025, 4, 2, 16, 45))
	c.Description = "Review of the sidecar scoping on an Istio 1.4 cluster: the root namespace's Sidecar " +
		"istio-system/default limits every namespace to [\"./*\", \"istio-system/*\"], and the shop namespace has " +
		"its own Sidecar shop/default that adds */ledger.payments.svc.cluster.local. The VirtualService shop/ledger " +
		"routes the checkout's charges to the ledger Service of namespace payments and they succeed. Nothing is broken."
	c.Source = "pilot/pkg/model/push_context.go getSidecarScope (a namespace's own Sidecar wins over the root " +
		"namespace's) and sidecar.go (an egress host */dnsName imports that host from any namespace); istio.io " +
		"networking v1alpha3 Sidecar reference."
	c.Style = StyleYAML
	c.KubeVersion = "v1.17.17"
	c.Cluster(Kubeadm, 1, 2)
	c.KubeSystem(nil)
	c.IstioSystem(MeshOpts{Version: "1.4.6", NoGateway: true})
	c.SidecarCR("v1alpha3", "istio-system", "default", 30*Day, M{"egress": L{M{"hosts": Strs("./*", "istio-system/*")}}})
	c.MeshNS("payments")
	lg, lgs := c.Web("payments", "ledger", 2, 8080, "registry.acme.internal/payments/ledger:3.8.1", true)
	c.MeshNS("shop")
	co, _ := c.Web("shop", "checkout", 2, 8080, "registry.acme.internal/shop/checkout:7.0.4", true)
	c.VS("v1alpha3", "shop", "ledger", M{"hosts": Strs("ledger.payments.svc.cluster.local"), "http": L{
		M{"route": L{Route("ledger.payments.svc.cluster.local", 8080, "")}, "timeout": "3s"}}})
	c.SidecarCR("v1alpha3", "shop", "default", 12*Day, M{"egress": L{M{"hosts": Strs("./*", "istio-system/*", "*/ledger.payments.svc.cluster.local")}}})
	for _, p := range co.Pods {
		recs := c.Traffic(Sidecar(p), c.Now.Add(-30*Min), c.Now.Add(-6*Sec), 90,
			Flow{Authority: "ledger.payments.svc.cluster.local:8080", Paths: []string{"POST /v1/charges"}, Weight: 1,
				Cluster: Cl(8080, "", lgs.Host()), Hosts: Hosts(lg), SvcAddr: lgs.Addr(), OKCodes: []int{200, 201}},
		)
		c.Log("shop", p.Name, "istio-proxy", Istio(F13, recs)...)
	}
	c.Absent = []string{"destination-host-unknown", "no-workload"}
	return c
}
