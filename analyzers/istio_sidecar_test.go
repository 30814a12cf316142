package analyzers

import (
	"testing"

	"github.com/nohealthy/nohealthy/kinds"
)

func egress(port int, protocol string, hosts ...string) kinds.SidecarEgress {
	e := kinds.SidecarEgress{Hosts: hosts}
	if port != 0 {
		e.Port = &struct {
			Number   int    `json:"number"`
			Protocol string `json:"protocol"`
			Name     string `json:"name"`
		}{Number: port, Protocol: protocol}
	}
	return e
}

// TestEgressImportsService follows pilot/pkg/model/sidecar.go:
// convertIstioListenerToWrapper ("." is the config namespace, "*" any,
// entries without exactly one "/" dropped, "~" excludes), selectServices
// and hostClassification.Matches (a service host is imported when an
// entry of its own namespace or of "*" is it or a wildcard covering it,
// "~" entries of either win), matchingService with needsPortMatch (a
// listener with a port imports a service only on that port, except for
// protocol HTTP_PROXY).
func TestEgressImportsService(t *testing.T) {
	const ledger = "ledger.payments.svc.cluster.local"
	for _, c := range []struct {
		name  string
		e     kinds.SidecarEgress
		host  string
		ns    string
		ports []int
		want  bool
	}{
		{"own namespace only", egress(0, "", "./*", "istio-system/*"), ledger, "payments", []int{8080}, false},
		{"dot is the config namespace", egress(0, "", "./*"), "cart.shop.svc.cluster.local", "shop", []int{80}, true},
		{"namespace wildcard name", egress(0, "", "payments/*"), ledger, "payments", []int{8080}, true},
		{"any namespace, exact name", egress(0, "", "*/"+ledger), ledger, "payments", []int{8080}, true},
		{"exact name in another namespace", egress(0, "", "shop/"+ledger), ledger, "payments", []int{8080}, false},
		{"all of the mesh", egress(0, "", "*/*"), ledger, "payments", []int{8080}, true},
		{"suffix wildcard", egress(0, "", "*/*.svc.cluster.local"), ledger, "payments", []int{8080}, true},
		{"suffix wildcard does not cover its bare domain", egress(0, "", "*/*.example.com"), "example.com", "ext", []int{443}, false},
		{"suffix wildcard covers a subdomain", egress(0, "", "ext/*.example.com"), "api.example.com", "ext", []int{443}, true},
		{"tilde slash star imports nothing", egress(0, "", "~/*"), ledger, "payments", []int{8080}, false},
		{"exclusion beats a wildcard import", egress(0, "", "*/*", "~payments/"+ledger), ledger, "payments", []int{8080}, false},
		{"exclusion of another host", egress(0, "", "*/*", "~payments/fx.payments.svc.cluster.local"), ledger, "payments", []int{8080}, true},
		{"malformed entries are dropped", egress(0, "", "payments", "a/b/c"), ledger, "payments", []int{8080}, false},
		{"listener port the service exposes", egress(8080, "HTTP", "payments/*"), ledger, "payments", []int{8080, 9090}, true},
		{"listener port the service lacks", egress(9080, "HTTP", "payments/*"), ledger, "payments", []int{8080}, false},
		{"HTTP_PROXY listener matches no port", egress(3128, "HTTP_PROXY", "payments/*"), ledger, "payments", []int{8080}, true},
		// the service of a wildcard ServiceEntry is named by its wildcard,
		// which an exact egress host does not cover
		{"exact egress host, wildcard ServiceEntry", egress(0, "", "*/storage.googleapis.com"), "*.googleapis.com", "egress", []int{443}, false},
		{"wildcard egress host, wildcard ServiceEntry", egress(0, "", "egress/*.googleapis.com"), "*.googleapis.com", "egress", []int{443}, true},
		{"case of the name is ignored", egress(0, "", "payments/Ledger.Payments.svc.cluster.local"), ledger, "payments", []int{8080}, true},
	} {
		l := newEgressListener(c.e, "shop")
		if got := l.importsService(c.host, c.ns, c.ports); got != c.want {
			t.Errorf("%s: egress %v imports %s of %s: %v, want %v", c.name, c.e.Hosts, c.host, c.ns, got, c.want)
		}
	}
}

// TestEgressImportsVirtualService follows SelectVirtualServices and
// hostClassification.VSMatches for networking.istio.io VirtualServices:
// a host matching an entry of the VirtualService's namespace or of "*",
// either way round for wildcards, and not excluded.
func TestEgressImportsVirtualService(t *testing.T) {
	for _, c := range []struct {
		name  string
		e     kinds.SidecarEgress
		vsNS  string
		hosts []string
		want  bool
	}{
		{"own namespace VirtualService", egress(0, "", "./*"), "shop", []string{"ledger.payments.svc.cluster.local"}, true},
		{"VirtualService of another namespace", egress(0, "", "./*"), "payments", []string{"ledger.payments.svc.cluster.local"}, false},
		{"root namespace VirtualService", egress(0, "", "./*", "istio-system/*"), "istio-system", []string{"api.example.com"}, true},
		{"wildcard VirtualService host overlaps an exact import", egress(0, "", "ext/api.example.com"), "ext", []string{"*.example.com"}, true},
		{"exact hosts differ", egress(0, "", "payments/fx.payments.svc.cluster.local"), "payments", []string{"ledger.payments.svc.cluster.local"}, false},
		{"excluded host", egress(0, "", "*/*", "~shop/cart.shop.svc.cluster.local"), "shop", []string{"cart.shop.svc.cluster.local"}, false},
	} {
		l := newEgressListener(c.e, "shop")
		if got := l.importsVirtualService(c.vsNS, c.hosts); got != c.want {
			t.Errorf("%s: egress %v imports VirtualService of %s %v: %v, want %v", c.name, c.e.Hosts, c.vsNS, c.hosts, got, c.want)
		}
	}
}

// TestSidecarReach: the destination of a route is reached when a listener
// imports it, or (Istio 1.5 on, collectImportedServices) when a listener
// that selects the VirtualService can carry its port; the route does not
// run at all when no listener selects the VirtualService.
func TestSidecarReach(t *testing.T) {
	const ledger = "ledger.payments.svc.cluster.local"
	vsHosts := []string{ledger}
	scope := func(es ...kinds.SidecarEgress) *sidecarScope {
		s := &sidecarScope{}
		for _, e := range es {
			s.listeners = append(s.listeners, newEgressListener(e, "shop"))
		}
		return s
	}
	for _, c := range []struct {
		name  string
		s     *sidecarScope
		infer bool
		want  routeReach
	}{
		{"hidden before 1.5", scope(egress(0, "", "./*", "istio-system/*")), false, reachNoCluster},
		{"inferred from 1.5", scope(egress(0, "", "./*", "istio-system/*")), true, reachImported},
		{"listed", scope(egress(0, "", "./*", "payments/*")), false, reachImported},
		{"inferred only on the listener's port", scope(egress(9080, "HTTP", "./*")), true, reachNoCluster},
		{"inferred on the listener's port", scope(egress(8080, "HTTP", "./*")), true, reachImported},
		{"VirtualService not selected", scope(egress(0, "", "istio-system/*")), true, reachNotRun},
		{"a second listener imports it", scope(egress(9080, "HTTP", "./*"), egress(0, "", "*/"+ledger)), true, reachImported},
	} {
		if got := c.s.reach("shop", vsHosts, ledger, "payments", []int{8080}, c.infer); got != c.want {
			t.Errorf("%s: reach %v, want %v", c.name, got, c.want)
		}
	}
}

func TestImageMinor(t *testing.T) {
	for _, c := range []struct {
		image        string
		major, minor int
		ok           bool
	}{
		{"docker.io/istio/pilot:1.4.10", 1, 4, true},
		{"gcr.io/istio-release/pilot:1.22.3-distroless", 1, 22, true},
		{"localhost:5000/istio/pilot", 0, 0, false},
		{"istio/pilot:latest", 0, 0, false},
		{"istio/pilot:1.26.0@sha256:abc", 1, 26, true},
	} {
		major, minor, ok := imageMinor(c.image)
		if major != c.major || minor != c.minor || ok != c.ok {
			t.Errorf("imageMinor(%q) = %d %d %v, want %d %d %v", c.image, major, minor, ok, c.major, c.minor, c.ok)
		}
	}
}
