package main

import (
	"fmt"
	"github.com/nohealthy/nohealthy/internal/testgen/kubenames"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
)

// Config sizes one generated cluster.
type Config struct {
	Namespaces int
	Pods       int // total pods, system pods included
	Services   int // application Services (system Services come on top)
	VS         int // VirtualServices and DestinationRules (one of each per routed Service)
	Events     int
	LogLines   int64 // access-log lines, gateway + sidecars (before LogFactor)
	LogFactor  int   // multiplies LogLines only
	Seed       uint64
	Now        time.Time
}

// Sizes are the presets of -size.
var Sizes = map[string]Config{
	"tiny":   {Namespaces: 3, Pods: 60, Services: 12, VS: 6, Events: 300, LogLines: 20_000},
	"small":  {Namespaces: 8, Pods: 500, Services: 100, VS: 50, Events: 2_000, LogLines: 200_000},
	"medium": {Namespaces: 20, Pods: 5_000, Services: 1_000, VS: 500, Events: 20_000, LogLines: 2_000_000},
	"large":  {Namespaces: 40, Pods: 50_000, Services: 10_000, VS: 5_000, Events: 200_000, LogLines: 20_000_000},
}

// Planted causes, best first (most UH lines first).
const (
	plantSubset    = 1 // DestinationRule subset v1 without version=v1 pods
	plantReadiness = 2 // Deployment whose pods all fail readiness
	plantSelector  = 3 // Service selector typo
)

// plantedUHShare is the share of all access-log lines that are planted UH
// lines, and how they split between the three planted causes.
const plantedUHShare = 0.012

var plantWeights = [4]float64{0, 0.5, 0.3, 0.2}

type node struct {
	name, ip, zone string
	podCIDR        [2]int // 10.<a>.<b>.0/24
	pods           int
}

type deploy struct {
	ns, name   string
	labels     map[string]string // pod template labels (app, version, istio, ...)
	selector   map[string]string // deployment selector (app[, version])
	hash       string            // pod-template-hash
	uid, rsUID string
	oldRS      string // previous ReplicaSet name (scaled to 0), or ""
	container  string
	image      string
	ports      []cport
	probePath  string
	probePort  int
	sidecar    bool
	notReady   bool // every pod runs but fails readiness (planted)
	created    time.Time
	pods       []*pod
	args       []string
}

type cport struct {
	name string
	port int
}

type pod struct {
	dep      *deploy
	name, ip string
	uid      string
	node     *node
	created  time.Time
	ready    bool
	restarts int
	logLines int64 // access-log lines of its istio-proxy (0 = none)
}

type service struct {
	ns, name string
	uid, ip  string
	port     int    // service port
	target   string // target port name
	tport    int    // target port number
	selector map[string]string
	routed   bool // has VS + DR (subsets v1/v2)
	deps     []*deploy
	planted  int
	typ      string // ClusterIP / LoadBalancer
	ports    []svcPort
	created  time.Time
	flaky    bool // background failures concentrate here
}

type svcPort struct {
	name         string
	port, target int
	targetName   string
	proto        string
}

type namespace struct {
	name    string
	svcs    []*service
	deps    []*deploy
	created time.Time
	mesh    bool
}

type world struct {
	cfg     Config
	nss     []*namespace
	byName  map[string]*namespace
	nodes   []*node
	gwPods  []*pod
	gw      *deploy
	planted [4]*service
	appSvcs []*service // application Services (traffic targets)
	logPods []*pod     // sidecars with access logs
	uhLines [4]int64   // planted UH lines per cause (filled while generating)
	targets []*service // healthy traffic targets
	flaky   []*service // where background failures concentrate
}

var nsWords = []string{"shop", "payments", "search", "identity", "media", "ads", "analytics", "billing",
	"catalog", "checkout", "delivery", "inventory", "messaging", "notifications", "orders", "pricing",
	"profile", "recommend", "reviews", "risk", "support", "tracking", "warehouse", "loyalty",
	"geo", "fraud", "ledger", "partners", "content", "booking", "maps", "ratings", "feeds",
	"gateway-api", "reporting", "audit", "subscriptions", "wallet", "promotions", "crm"}

var svcWords = []string{"reviews", "ratings", "details", "productpage", "catalog", "cart", "checkout",
	"frontend", "currency", "shipping", "email", "ads", "recommendation", "quote", "accounts",
	"ledger", "auth", "session", "search", "indexer", "pricing", "stock", "orders", "invoices",
	"notifier", "scheduler", "media", "thumbnails", "profile", "graph", "feed", "geo", "tax",
	"coupons", "wishlist", "history", "audit", "metrics-api", "users", "tokens", "webhooks",
	"exporter", "importer", "reports", "billing", "payments", "fraud", "risk", "kyc"}

// ---- deterministic helpers (compact equivalents of the corpus generator's) ----

func hashN(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func uid(parts ...string) string { return kubenames.UID(parts...) }

func suffix(seed string, n int) string { return kubenames.Suffix(seed, n) }

func hexid(seed string, n int) string { return kubenames.HexID(seed, n) }

func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// ---- the model ----

func newWorld(cfg Config) (*world, error) {
	if cfg.Namespaces < 1 || cfg.Services < 3 || cfg.Pods < cfg.Services+8 {
		return nil, fmt.Errorf("need at least 1 namespace, 3 services and services+8 pods (got %d, %d, %d)", cfg.Namespaces, cfg.Services, cfg.Pods)
	}
	if cfg.VS < 1 || cfg.VS > cfg.Services-2 {
		cfg.VS = max(1, min(cfg.VS, cfg.Services-2))
	}
	if cfg.LogFactor < 1 {
		cfg.LogFactor = 1
	}
	if cfg.Now.IsZero() {
		cfg.Now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	}
	w := &world{cfg: cfg, byName: map[string]*namespace{}}
	seed := strconv.FormatUint(cfg.Seed, 10)
	r := kubenames.NewRand(hashN("world", seed))
	now := cfg.Now

	// Nodes: ~55 pods per node.
	nNodes := max(3, (cfg.Pods+54)/55)
	zones := []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}
	for i := 0; i < nNodes; i++ {
		n := &node{ip: fmt.Sprintf("10.0.%d.%d", 16+i/250, i%250+4), zone: zones[i%3], podCIDR: [2]int{64 + i/256, i % 256}}
		n.name = "ip-" + strings.ReplaceAll(n.ip, ".", "-") + ".eu-west-1.compute.internal"
		w.nodes = append(w.nodes, n)
	}
	podSeq := 0
	placePod := func(p *pod) {
		n := w.nodes[podSeq%nNodes]
		podSeq++
		n.pods++
		p.node = n
		p.ip = fmt.Sprintf("10.%d.%d.%d", n.podCIDR[0], n.podCIDR[1], n.pods+1)
	}
	svcSeq := 0
	newSvc := func(ns *namespace, name string, sel map[string]string, ports ...svcPort) *service {
		s := &service{ns: ns.name, name: name, uid: uid("svc", ns.name, name), selector: sel, ports: ports,
			ip: fmt.Sprintf("172.20.%d.%d", svcSeq/250, svcSeq%250+2), typ: "ClusterIP",
			created: ns.created.Add(time.Duration(hashN(ns.name, name)%(48*3600)) * time.Second)}
		svcSeq++
		s.port, s.tport, s.target = ports[0].port, ports[0].target, ports[0].targetName
		ns.svcs = append(ns.svcs, s)
		return s
	}
	newDep := func(ns *namespace, name string, labels, sel map[string]string, replicas int, container, image string, ports []cport, sidecar bool) *deploy {
		d := &deploy{ns: ns.name, name: name, labels: labels, selector: sel, container: container, image: image, ports: ports,
			sidecar: sidecar, probePath: "/healthz/ready", probePort: ports[0].port,
			hash: suffix("rs/"+ns.name+"/"+name+seed, 10), uid: uid("deploy", ns.name, name, seed),
			created: now.Add(-time.Duration(20+hashN(name, ns.name)%200) * 24 * time.Hour)}
		d.labels["pod-template-hash"] = d.hash
		d.rsUID = uid("rs", ns.name, name, d.hash)
		if hashN("old", ns.name, name)%3 == 0 {
			d.oldRS = name + "-" + suffix("oldrs/"+ns.name+"/"+name, 10)
		}
		for i := 0; i < replicas; i++ {
			p := &pod{dep: d, ready: true}
			p.name = name + "-" + d.hash + "-" + suffix(fmt.Sprint(ns.name, name, i, seed), 5)
			p.uid = uid("pod", ns.name, p.name)
			p.created = now.Add(-time.Duration(3600+r.N(9*24*3600)) * time.Second)
			if r.N(20) == 0 {
				p.restarts = 1 + r.N(3)
			}
			placePod(p)
			d.pods = append(d.pods, p)
		}
		ns.deps = append(ns.deps, d)
		return d
	}
	addNS := func(name string, mesh bool) *namespace {
		ns := &namespace{name: name, mesh: mesh, created: now.Add(-time.Duration(300+hashN(name)%200) * 24 * time.Hour)}
		w.nss = append(w.nss, ns)
		w.byName[name] = ns
		return ns
	}

	// System namespaces.
	ks := addNS("kube-system", false)
	dns := newDep(ks, "coredns", map[string]string{"k8s-app": "kube-dns"}, map[string]string{"k8s-app": "kube-dns"}, 2,
		"coredns", "registry.k8s.io/coredns/coredns:v1.11.3", []cport{{"dns", 53}, {"dns-tcp", 53}, {"metrics", 9153}}, false)
	dns.probePath, dns.probePort, dns.args = "/ready", 8181, []string{"-conf", "/etc/coredns/Corefile"}
	newSvc(ks, "kube-dns", map[string]string{"k8s-app": "kube-dns"},
		svcPort{"dns", 53, 53, "", "UDP"}, svcPort{"dns-tcp", 53, 53, "", "TCP"}, svcPort{"metrics", 9153, 9153, "", "TCP"})
	def := addNS("default", false)
	k := newSvc(def, "kubernetes", nil, svcPort{"https", 443, 6443, "", "TCP"})
	k.created = def.created

	is := addNS("istio-system", false)
	istiod := newDep(is, "istiod", map[string]string{"app": "istiod", "istio": "pilot", "istio.io/rev": "default"},
		map[string]string{"istio": "pilot"}, 2, "discovery", "docker.io/istio/pilot:1.24.3",
		[]cport{{"http-debug", 8080}, {"grpc-xds", 15010}, {"tls-xds", 15012}, {"https-webhooks", 15017}}, false)
	istiod.probePath, istiod.probePort = "/ready", 8080
	newSvc(is, "istiod", map[string]string{"app": "istiod", "istio": "pilot"},
		svcPort{"grpc-xds", 15010, 15010, "", "TCP"}, svcPort{"https-dns", 15012, 15012, "", "TCP"},
		svcPort{"https-webhook", 443, 15017, "", "TCP"}, svcPort{"http-monitoring", 15014, 15014, "", "TCP"})
	nGW := max(2, min(12, cfg.Pods/5000+2))
	w.gw = newDep(is, "istio-ingressgateway", map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway",
		"service.istio.io/canonical-name": "istio-ingressgateway", "service.istio.io/canonical-revision": "latest", "sidecar.istio.io/inject": "false"},
		map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway"}, nGW, "istio-proxy", "docker.io/istio/proxyv2:1.24.3",
		[]cport{{"http2", 8080}, {"https", 8443}, {"status-port", 15021}, {"http-envoy-prom", 15090}}, false)
	w.gw.probePath, w.gw.probePort = "/healthz/ready", 15021
	w.gw.args = []string{"proxy", "router", "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel=warning", "--log_output_level=default:info"}
	w.gwPods = w.gw.pods
	gs := newSvc(is, "istio-ingressgateway", map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway"},
		svcPort{"status-port", 15021, 15021, "", "TCP"}, svcPort{"http2", 80, 8080, "", "TCP"}, svcPort{"https", 443, 8443, "", "TCP"})
	gs.typ = "LoadBalancer"

	// Application namespaces.
	var apps []*namespace
	for i := 0; i < cfg.Namespaces; i++ {
		name := nsWords[i%len(nsWords)]
		if i >= len(nsWords) {
			name += "-" + strconv.Itoa(i/len(nsWords)+1)
		}
		apps = append(apps, addNS(name, true))
	}
	sysPods := podSeq
	appPods := cfg.Pods - sysPods
	S := cfg.Services
	// Planted: pick Services by index (routed ones are j < VS).
	pSubset := min(cfg.VS-1, 3*cfg.Namespaces+3)
	pReady := cfg.VS + min(S-cfg.VS-1, 2*cfg.Namespaces+7)
	pSel := cfg.VS + min(S-cfg.VS-1, 4*cfg.Namespaces+11)
	// The selector typo needs a name long enough to stay a near miss
	// (a 3-letter name with two letters swapped is a different name).
	for k := 0; k < S-cfg.VS; k++ {
		c := cfg.VS + (pSel-cfg.VS+k)%(S-cfg.VS)
		if c != pReady && len(svcWords[(c/cfg.Namespaces)%len(svcWords)]) >= 6 {
			pSel = c
			break
		}
	}
	for j := 0; j < S; j++ {
		ns := apps[j%len(apps)]
		word := svcWords[(j/len(apps))%len(svcWords)]
		name := word
		if n := j / (len(apps) * len(svcWords)); n > 0 {
			name += "-" + strconv.Itoa(n+1)
		}
		pods := appPods / S
		if j < appPods%S {
			pods++
		}
		routed := j < cfg.VS
		port := 8080
		if routed {
			port = 9080
		}
		app := name
		sel := map[string]string{"app": app}
		plant := 0
		switch j {
		case pSubset:
			plant = plantSubset
		case pReady:
			plant = plantReadiness
		case pSel:
			plant = plantSelector
			sel = map[string]string{"app": typo(app)}
		}
		s := newSvc(ns, name, sel, svcPort{"http", port, port, "http", "TCP"})
		s.routed, s.planted = routed, plant
		s.flaky = plant == 0 && hashN("flaky", ns.name, name, seed)%97 == 0
		image := fmt.Sprintf("registry.example.com/%s/%s", ns.name, word)
		mk := func(depName, version string, n int) {
			if n <= 0 {
				return
			}
			labels := map[string]string{"app": app, "version": version, "security.istio.io/tlsMode": "istio",
				"service.istio.io/canonical-name": app, "service.istio.io/canonical-revision": version}
			dsel := map[string]string{"app": app, "version": version}
			d := newDep(ns, depName, labels, dsel, n, word, image+":"+version+"."+strconv.Itoa(int(hashN(depName)%30)), []cport{{"http", port}}, true)
			d.probePath = "/healthz/ready"
			if plant == plantReadiness {
				d.notReady = true
				for _, p := range d.pods {
					p.ready = false
				}
			}
			s.deps = append(s.deps, d)
		}
		switch {
		case plant == plantSubset:
			mk(name+"-v2", "v2", pods) // v1 was removed; the DR and VS still send traffic to it
		case routed:
			v1 := (pods + 1) / 2
			mk(name+"-v1", "v1", v1)
			mk(name+"-v2", "v2", pods-v1)
		default:
			mk(name, "v1", pods)
		}
		w.appSvcs = append(w.appSvcs, s)
		if plant != 0 {
			w.planted[plant] = s
		}
	}

	for _, s := range w.appSvcs {
		if s.planted != 0 {
			continue
		}
		w.targets = append(w.targets, s)
		if s.flaky {
			w.flaky = append(w.flaky, s)
		}
	}
	if len(w.flaky) == 0 {
		w.flaky = w.targets[:1]
	}

	// Log volume: half at the gateways, half over sidecars (~2000 lines each).
	total := cfg.LogLines * int64(cfg.LogFactor)
	sideTotal := total / 2
	nSide := max(1, int(cfg.LogLines/2/2000))
	var cands []*pod
	for _, s := range w.appSvcs {
		if s.planted == plantReadiness || s.planted == plantSelector {
			continue
		}
		for _, d := range s.deps {
			cands = append(cands, d.pods...)
		}
	}
	nSide = min(nSide, len(cands))
	step := float64(len(cands)) / float64(nSide)
	for i := 0; i < nSide; i++ {
		p := cands[int(float64(i)*step)]
		p.logLines = sideTotal / int64(nSide)
		if int64(i) < sideTotal%int64(nSide) {
			p.logLines++
		}
		w.logPods = append(w.logPods, p)
	}
	gwTotal := total - sideTotal
	for i, p := range w.gwPods {
		p.logLines = gwTotal / int64(len(w.gwPods))
		if int64(i) < gwTotal%int64(len(w.gwPods)) {
			p.logLines++
		}
	}
	w.cfg = cfg
	return w, nil
}

// typo swaps two letters of the first word, the classic selector typo
// (reviews -> reveiws).
func typo(s string) string {
	b := []byte(s)
	for i := len(b) / 2; i+1 < len(b); i++ {
		if b[i] != b[i+1] && b[i] != '-' && b[i+1] != '-' {
			b[i], b[i+1] = b[i+1], b[i]
			return string(b)
		}
	}
	return s + "s"
}

func (s *service) fqdn() string { return s.name + "." + s.ns + ".svc.cluster.local" }

func (w *world) allPods() int {
	n := 0
	for _, ns := range w.nss {
		for _, d := range ns.deps {
			n += len(d.pods)
		}
	}
	return n
}
