package analyzers_test

import (
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/load"
)

// factsOf builds the facts of the objects in docs (YAML documents, as
// kubectl prints them) and of the given log, read as the loader reads
// them, with every kind of docs counted as collected.
func factsOf(t *testing.T, docs string, logs ...logLines) *analyzers.Facts {
	t.Helper()
	s := load.NewObjects()
	cov := map[string]string{}
	err := bundle.DecodeObjects("test.yaml", strings.NewReader(docs), bundle.Limits{}, func(o bundle.Object) error {
		cov[o.Kind] = "ok"
		_, err := s.Add(o)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	a := logscan.NewAggregator(logscan.Options{})
	for _, l := range logs {
		a.ScanBytes(l.origin, "log", []byte(strings.Join(l.lines, "\n")+"\n"))
	}
	groups, samples := a.TakeGroups()
	f := analyzers.BuildFacts(s.Store(), analyzers.BuildInput{Symptoms: groups, Samples: samples, Coverage: cov})
	f.FillSamples()
	return f
}

type logLines struct {
	origin logscan.Origin
	lines  []string
}

// pod is a running, ready pod of app in ns on node, with a sidecar when
// sidecar, and extra labels.
func pod(ns, name, node, ip string, sidecar bool, labels string) string {
	ctrs := `[{"name":"app","ports":[{"name":"http","containerPort":8080}]}`
	if sidecar {
		ctrs += `,{"name":"istio-proxy"}`
	}
	ctrs += "]"
	return `---
apiVersion: v1
kind: Pod
metadata: {name: ` + name + `, namespace: ` + ns + `, labels: {` + labels + `}}
spec: {nodeName: ` + node + `, containers: ` + ctrs + `}
status: {phase: Running, podIP: ` + ip + `, conditions: [{type: Ready, status: "True"}]}
`
}

func service(ns, name, selector, annotations string) string {
	return `---
apiVersion: v1
kind: Service
metadata: {name: ` + name + `, namespace: ` + ns + `, annotations: {` + annotations + `}}
spec: {selector: {` + selector + `}, ports: [{name: http, port: 80, targetPort: http}]}
`
}

func routeOf(f *analyzers.Facts, vs, host string) *analyzers.RouteFact {
	for _, r := range f.Routes {
		if r.VirtualService.Namespace+"/"+r.VirtualService.Name == vs && r.Host == host {
			return r
		}
	}
	return nil
}

// TestExportToVisibility: a Service exported with "." is unknown to a
// route in another namespace and known in its own; "*" and a named
// namespace export it; the mesh default applies to a ServiceEntry without
// exportTo; a wildcard ServiceEntry covers a subdomain.
func TestExportToVisibility(t *testing.T) {
	f := factsOf(t, service("pay", "ledger", "app: ledger", `networking.istio.io/exportTo: "."`)+
		service("pay", "fx", "app: fx", `networking.istio.io/exportTo: "shop, ops"`)+
		service("pay", "pub", "app: pub", `networking.istio.io/exportTo: "*"`)+`---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data: {mesh: "defaultServiceExportTo: [.]\n"}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vm, namespace: legacy}
spec: {hosts: [inventory.legacy.internal]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: google, namespace: egress}
spec: {hosts: ["*.googleapis.com"], exportTo: ["*"]}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: r, namespace: shop}
spec:
  hosts: [r]
  http:
  - route: [{destination: {host: ledger.pay.svc.cluster.local}}]
  - route: [{destination: {host: fx.pay.svc.cluster.local}}]
  - route: [{destination: {host: pub.pay.svc.cluster.local}}]
  - route: [{destination: {host: inventory.legacy.internal}}]
  - route: [{destination: {host: storage.googleapis.com}}]
  - route: [{destination: {host: ledger.pay}}]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: own, namespace: pay}
spec:
  hosts: [own]
  http:
  - route: [{destination: {host: ledger}}]
`)
	for _, c := range []struct {
		vs, host      string
		known, hidden bool
	}{
		{"shop/r", "ledger.pay.svc.cluster.local", false, true},
		{"shop/r", "fx.pay.svc.cluster.local", true, false},
		{"shop/r", "pub.pay.svc.cluster.local", true, false},
		{"shop/r", "inventory.legacy.internal", false, true},
		{"shop/r", "storage.googleapis.com", true, false},
		// pilot takes a host with a dot as written: no such Service
		{"shop/r", "ledger.pay", false, false},
		{"pay/own", "ledger", true, false},
	} {
		r := routeOf(f, c.vs, c.host)
		if r == nil {
			t.Fatalf("no route %s -> %s", c.vs, c.host)
		}
		if r.HostKnown != c.known || r.HostHidden != c.hidden {
			t.Errorf("%s -> %s: known %v hidden %v (%s), want %v %v", c.vs, c.host, r.HostKnown, r.HostHidden, r.VisibilityText, c.known, c.hidden)
		}
	}
	if r := routeOf(f, "shop/r", "inventory.legacy.internal"); !strings.Contains(r.VisibilityText, "defaultServiceExportTo [.]") {
		t.Errorf("the hidden entry does not say why: %q", r.VisibilityText)
	}
}

// TestGatewayHostBinding: server hosts ns/host admit VirtualServices of ns
// only, ./host those of the Gateway's namespace, */host and bare hosts
// any; a VirtualService exported only to its namespace does not reach
// gateway pods elsewhere.
func TestGatewayHostBinding(t *testing.T) {
	gw := func(name, hosts string) string {
		return `---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ` + name + `, namespace: edge}
spec: {selector: {istio: ingress}, servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [` + hosts + `]}]}
`
	}
	vs := func(ns, name, host, gw, exportTo string) string {
		return `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ` + name + `, namespace: ` + ns + `}
spec: {hosts: [` + host + `], gateways: [` + gw + `], exportTo: [` + exportTo + `], http: [{route: [{destination: {host: x}}]}]}
`
	}
	f := factsOf(t, pod("edge", "gw-1", "n1", "10.0.0.9", true, "istio: ingress")+
		gw("qualified", `"shop/a.example.com"`)+gw("dot", `"./b.example.com"`)+gw("star", `"*/c.example.com"`)+gw("bare", `"*.example.com"`)+
		vs("shop", "a-ok", "a.example.com", "edge/qualified", `"*"`)+
		vs("web", "a-other-ns", "a.example.com", "edge/qualified", `"*"`)+
		vs("edge", "b-ok", "b.example.com", "dot", `"*"`)+
		vs("shop", "b-other-ns", "b.example.com", "edge/dot", `"*"`)+
		vs("web", "c-ok", "c.example.com", "edge/star", `"*"`)+
		vs("web", "d-ok", "d.example.com", "bare.edge", `"*"`)+
		vs("web", "d-private", "d.example.com", "edge/bare", `"."`))
	want := map[string]bool{"shop/a-ok": true, "web/a-other-ns": false, "edge/b-ok": true, "shop/b-other-ns": false,
		"web/c-ok": true, "web/d-ok": true, "web/d-private": false}
	for _, v := range f.VirtualServices {
		k := v.Ref.Namespace + "/" + v.Ref.Name
		if bound := len(v.UnboundGateways) == 0 && len(v.MissingGateways) == 0; bound != want[k] {
			t.Errorf("%s: bound %v, want %v (%v, missing %v)", k, bound, want[k], v.UnboundGateways, v.MissingGateways)
		}
	}
}

// TestDestinationRuleLookup: the rules a proxy applies come from its own
// namespace first (a more specific rule there hides the service's), then
// the service's namespace if exported to it, then the root namespace.
func TestDestinationRuleLookup(t *testing.T) {
	dr := func(ns, name, host, exportTo, subsets string) string {
		return `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ` + name + `, namespace: ` + ns + `}
spec: {host: "` + host + `", exportTo: [` + exportTo + `], subsets: [` + subsets + `]}
`
	}
	vs := func(ns, name, host, subset string) string {
		return `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ` + name + `, namespace: ` + ns + `}
spec: {hosts: [` + name + `], http: [{route: [{destination: {host: ` + host + `, subset: ` + subset + `}}]}]}
`
	}
	f := factsOf(t, service("books", "reviews", "app: reviews", "")+service("books", "ratings", "app: ratings", "")+
		service("books", "details", "app: details", "")+
		dr("books", "reviews", "reviews", `"*"`, `{name: v1, labels: {version: v1}}`)+
		dr("books", "ratings", "ratings", `"."`, `{name: v1, labels: {version: v1}}`)+
		dr("istio-system", "details", "details.books.svc.cluster.local", `"*"`, `{name: v1, labels: {version: v1}}`)+
		dr("shadow", "all", "*.books.svc.cluster.local", `"*"`, ``)+
		vs("front", "a", "reviews.books.svc.cluster.local", "v1")+
		vs("front", "b", "ratings.books.svc.cluster.local", "v1")+
		vs("books", "c", "ratings", "v1")+
		vs("front", "d", "details.books.svc.cluster.local", "v1")+
		vs("shadow", "e", "reviews.books.svc.cluster.local", "v1"))
	for _, c := range []struct {
		vs, host string
		defined  bool
	}{
		{"front/a", "reviews.books.svc.cluster.local", true},
		{"front/b", "ratings.books.svc.cluster.local", false}, // exported to books only
		{"books/c", "ratings", true},
		{"front/d", "details.books.svc.cluster.local", true},   // from the root namespace
		{"shadow/e", "reviews.books.svc.cluster.local", false}, // its own *.books rule wins, no subsets
	} {
		r := routeOf(f, c.vs, c.host)
		if r == nil {
			t.Fatalf("no route %s", c.vs)
		}
		if r.SubsetDefined != c.defined {
			t.Errorf("%s: subset defined %v, want %v (%s)", c.vs, r.SubsetDefined, c.defined, r.SubsetText)
		}
	}
}

// TestSubsetsMatchEndpointLabels: a subset selecting the zone, region or
// node matches the pods pilot gives those labels from their node.
func TestSubsetsMatchEndpointLabels(t *testing.T) {
	f := factsOf(t, `---
apiVersion: v1
kind: Node
metadata: {name: n-a, labels: {topology.kubernetes.io/zone: z-a, topology.kubernetes.io/region: r1}}
---
apiVersion: v1
kind: Node
metadata: {name: n-b, labels: {failure-domain.beta.kubernetes.io/zone: z-b, topology.kubernetes.io/region: r1}}
`+pod("s", "p1", "n-a", "10.0.0.1", true, "app: api")+pod("s", "p2", "n-b", "10.0.0.2", true, "app: api")+
		pod("s", "p3", "n-b", "10.0.0.3", true, `app: api, istio-locality: r2.z-c`)+
		service("s", "api", "app: api", "")+`---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: s}
spec:
  host: api
  subsets:
  - {name: za, labels: {topology.kubernetes.io/zone: z-a}}
  - {name: zb, labels: {topology.kubernetes.io/zone: z-b}}
  - {name: zc, labels: {topology.kubernetes.io/zone: z-c, topology.kubernetes.io/region: r2}}
  - {name: node, labels: {kubernetes.io/hostname: n-b}}
  - {name: r1, labels: {topology.kubernetes.io/region: r1, topology.istio.io/cluster: Kubernetes}}
  - {name: zd, labels: {topology.kubernetes.io/zone: z-d}}
`)
	want := map[string]int{"za": 1, "zb": 1, "zc": 1, "node": 2, "r1": 2, "zd": 0}
	for _, s := range f.Subsets {
		if s.MatchingPods != want[s.Name] {
			t.Errorf("subset %s matches %d pods, want %d (%v)", s.Name, s.MatchingPods, want[s.Name], s.PresentLabels)
		}
	}
}

// TestSubsetsJudgedFromTemplates: with no pod in the input, subsets are
// judged against the pod templates of the workloads the Service selects
// (a Rollout taking its template from a Deployment by workloadRef, and
// that Deployment not twice); a subset on a node label cannot be judged.
func TestSubsetsJudgedFromTemplates(t *testing.T) {
	f := factsOf(t, service("p", "api", "app: api", "")+`---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api-tmpl, namespace: p}
spec: {replicas: 0, template: {metadata: {labels: {app: api, version: "2"}}}}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: api, namespace: p}
spec: {replicas: 3, workloadRef: {apiVersion: apps/v1, kind: Deployment, name: api-tmpl}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: p}
spec: {template: {metadata: {labels: {app: api, version: "2", job: migrate}}}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: p}
spec:
  host: api
  subsets:
  - {name: v1, labels: {version: "1"}}
  - {name: v2, labels: {version: "2"}}
  - {name: zone, labels: {topology.kubernetes.io/zone: z}}
`)
	for _, s := range f.Subsets {
		var hosts []string
		for _, r := range s.HostTemplates {
			hosts = append(hosts, r.Kind+"/"+r.Name)
		}
		if strings.Join(hosts, ",") != "Job/migrate,Rollout/api" {
			t.Errorf("subset %s judged against %v", s.Name, hosts)
		}
		switch s.Name {
		case "v1":
			if len(s.MatchingTemplates) != 0 || !s.TemplatesJudged {
				t.Errorf("v1: %+v", s.MatchingTemplates)
			}
		case "v2":
			if len(s.MatchingTemplates) != 2 {
				t.Errorf("v2: %+v", s.MatchingTemplates)
			}
		case "zone":
			if s.TemplatesJudged {
				t.Error("a zone subset was judged from templates")
			}
		}
		if !strings.Contains(s.Evidence[0].Text, "no pods of api.p.svc.cluster.local in the input") {
			t.Errorf("evidence does not say it judged templates: %q", s.Evidence[0].Text)
		}
	}
}

// TestPeerAuthenticationComposition: workload over namespace over
// mesh-wide; the oldest policy of a level wins; portLevelMtls per port;
// a DestinationRule's TLS per port and subset as pilot merges it.
func TestPeerAuthenticationComposition(t *testing.T) {
	pa := func(ns, name, created, sel, mode, ports string) string {
		return `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: ` + name + `, namespace: ` + ns + `, creationTimestamp: "` + created + `"}
spec: {selector: ` + sel + `, mtls: {mode: ` + mode + `}, portLevelMtls: {` + ports + `}}
`
	}
	dr := `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: s}
spec:
  host: api
  trafficPolicy:
    tls: {mode: DISABLE}
    portLevelSettings:
    - port: {number: 81}
      connectionPool: {tcp: {maxConnections: 10}}
  subsets:
  - name: canary
    labels: {track: canary}
    trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: s}
spec: {selector: {app: api}, ports: [{name: http, port: 80, targetPort: 8080}, {name: alt, port: 81, targetPort: 8081}]}
`
	f := factsOf(t, pod("s", "a1", "node-x", "10.0.0.1", true, "app: api, track: stable")+
		pod("s", "a2", "node-x", "10.0.0.2", false, "app: api, track: canary")+dr+
		pa("istio-system", "mesh", "2024-01-01T00:00:00Z", "null", "STRICT", "")+
		pa("s", "newer-ns", "2024-06-01T00:00:00Z", "null", "STRICT", "")+
		pa("s", "older-ns", "2024-02-01T00:00:00Z", "null", "PERMISSIVE", "")+
		pa("s", "api", "2024-03-01T00:00:00Z", "{matchLabels: {app: api}}", "UNSET", `"8080": {mode: STRICT}`))
	var d *analyzers.DestinationRuleFact
	for _, x := range f.DestinationRules {
		d = x
	}
	// Port 80 -> 8080 is STRICT by the workload's portLevelMtls; port 81
	// has a port-level setting without TLS, which replaces DISABLE (auto
	// mTLS); the workload otherwise inherits the older namespace policy,
	// PERMISSIVE.
	if len(d.StrictConflicts) != 1 || !strings.Contains(d.StrictConflicts[0], "port 80 ") ||
		!strings.Contains(d.StrictConflicts[0], "workload (portLevelMtls 8080) PeerAuthentication s/api") {
		t.Errorf("strict conflicts %q", d.StrictConflicts)
	}
	if d.StrictPeerAuth.Name != "api" || d.StrictClientMode != "DISABLE" {
		t.Errorf("strict peer auth %v mode %s", d.StrictPeerAuth, d.StrictClientMode)
	}
	// The canary subset asks ISTIO_MUTUAL of a pod without sidecar.
	if len(d.PlainServerConflicts) == 0 || !strings.Contains(d.PlainServerConflicts[0], "subset canary") ||
		!strings.Contains(d.PlainServerConflicts[0], "Pod s/a2") {
		t.Errorf("plain server conflicts %q", d.PlainServerConflicts)
	}
}

// TestPlaintextClients: a reporter without sidecar whose failures reach a
// STRICT Service is a plaintext client of the policy that decided it, with
// exactly its failure groups as keys; a client inside the mesh is not.
func TestPlaintextClients(t *testing.T) {
	docs := pod("edge", "nginx-1", "node-x", "10.0.9.1", false, "app: web-proxy") +
		pod("mesh", "client-1", "node-x", "10.0.9.2", true, "app: client") +
		pod("s", "api-1", "node-x", "10.0.0.1", true, "app: api") +
		service("s", "api", "app: api", "") + `---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: default, namespace: s}
spec: {mtls: {mode: STRICT}}
`
	nginx := `2025/01/01 10:00:00 [error] 7#7: *1 upstream prematurely closed connection while reading response header from upstream, client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", upstream: "http://10.0.0.1:8080/", host: "x"`
	sidecar := `[2025-01-01T10:00:00.000Z] "GET / HTTP/1.1" 503 UC upstream_reset_before_response_started{connection_termination} - "-" 0 95 0 - "-" "curl" "id" "api.s:80" "10.0.0.1:8080" outbound|80||api.s.svc.cluster.local - 10.96.0.5:80 10.0.9.2:5000 - default`
	f := factsOf(t, docs,
		logLines{logscan.Origin{Namespace: "edge", Pod: "nginx-1", Container: "nginx"}, []string{nginx, nginx}},
		logLines{logscan.Origin{Namespace: "mesh", Pod: "client-1", Container: "istio-proxy"}, []string{sidecar}})
	pa := f.PeerAuthentications[0]
	if len(pa.PlaintextClients) != 1 || !strings.HasPrefix(pa.PlaintextClients[0], "Pod edge/nginx-1") {
		t.Fatalf("plaintext clients %q", pa.PlaintextClients)
	}
	var nginxID string
	for _, s := range f.Symptoms {
		if s.Kind == logscan.KindNginxUpstreamReset {
			nginxID = s.ID
		}
	}
	if strings.Join(pa.Keys, ",") != "pa:s/default,symptom:"+nginxID || pa.ClientSymptoms != 2 {
		t.Errorf("keys %v, %d client lines", pa.Keys, pa.ClientSymptoms)
	}
}

// TestMeshAnnotations: a port the sidecar does not capture
// (traffic.sidecar.istio.io/excludeInboundPorts) takes plaintext whatever
// the PeerAuthentication; a pod the injector marked
// (sidecar.istio.io/status) is in the mesh though its containers are not
// in the input's projection of it.
func TestMeshAnnotations(t *testing.T) {
	annotated := func(name, ip, app, ann string) string {
		return `---
apiVersion: v1
kind: Pod
metadata: {name: ` + name + `, namespace: s, labels: {app: ` + app + `}, annotations: {` + ann + `}}
spec: {nodeName: node-x, containers: [{name: app, ports: [{name: http, containerPort: 8080}]}, {name: istio-proxy}]}
status: {phase: Running, podIP: ` + ip + `, conditions: [{type: Ready, status: "True"}]}
`
	}
	statusOnly := `---
apiVersion: v1
kind: Pod
metadata: {name: marked, namespace: s, labels: {app: marked}, annotations: {sidecar.istio.io/status: '{"containers":["istio-proxy"]}'}}
spec: {nodeName: node-x, containers: [{name: app, ports: [{name: http, containerPort: 8080}]}]}
status: {phase: Running, podIP: 10.0.0.3, conditions: [{type: Ready, status: "True"}]}
`
	docs := pod("edge", "nginx-1", "node-x", "10.0.9.1", false, "app: web-proxy") +
		annotated("open-1", "10.0.0.1", "open", `traffic.sidecar.istio.io/excludeInboundPorts: "8080,9090"`) +
		annotated("closed-1", "10.0.0.2", "closed", `traffic.sidecar.istio.io/excludeInboundPorts: "9090"`) + statusOnly +
		service("s", "open", "app: open", "") + service("s", "closed", "app: closed", "") + service("s", "marked", "app: marked", "") + `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: s}
spec: {mtls: {mode: STRICT}}
`
	line := func(ip string) string {
		return `2025/01/01 10:00:00 [error] 7#7: *1 upstream prematurely closed connection while reading response header from upstream, client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", upstream: "http://` + ip + `:8080/", host: "x"`
	}
	f := factsOf(t, docs, logLines{logscan.Origin{Namespace: "edge", Pod: "nginx-1", Container: "nginx"},
		[]string{line("10.0.0.1"), line("10.0.0.2"), line("10.0.0.3")}})
	var got []string
	for _, r := range f.PeerAuthentications[0].StrictServices {
		got = append(got, r.Name)
	}
	if strings.Join(got, ",") != "closed,marked" {
		t.Errorf("STRICT Services reached in plaintext: %v, want closed and marked (open's port 8080 is not captured)", got)
	}
}

// TestGatewaySelectorScope: a Gateway's selector matches gateway pods of
// any namespace, or of its own only when istiod runs with
// PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true; no selector matches every
// gateway pod.
func TestGatewaySelectorScope(t *testing.T) {
	istiod := func(scoped string) string {
		return `---
apiVersion: v1
kind: Pod
metadata: {name: istiod-1, namespace: istio-system, labels: {app: istiod}}
spec: {nodeName: node-x, containers: [{name: discovery, env: [{name: PILOT_SCOPE_GATEWAY_TO_NAMESPACE, value: "` + scoped + `"}, {name: POD_NAME, value: x}]}]}
status: {phase: Running, podIP: 10.0.5.1, conditions: [{type: Ready, status: "True"}]}
`
	}
	gws := pod("istio-system", "ingress-1", "node-x", "10.0.5.2", true, "istio: ingressgateway") + `---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: shop, namespace: shop}
spec: {selector: {istio: ingressgateway}, servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: any, namespace: shop}
spec: {servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]}
`
	for _, c := range []struct {
		scoped    string
		shop, any int
	}{{"false", 1, 1}, {"true", 0, 0}} {
		f := factsOf(t, istiod(c.scoped)+gws)
		got := map[string]int{}
		for _, g := range f.Gateways {
			got[g.Ref.Name] = g.MatchingPods
		}
		if got["shop"] != c.shop || got["any"] != c.any {
			t.Errorf("scoped=%s: matching pods %v, want shop %d, any %d", c.scoped, got, c.shop, c.any)
		}
	}
}

// TestMeshConfigUnreadable: a mesh configuration that does not parse
// leaves Istio's defaults and says so in the facts' warnings.
func TestMeshConfigUnreadable(t *testing.T) {
	f := factsOf(t, service("pay", "ledger", "app: ledger", "")+`---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data: {mesh: "defaultServiceExportTo: [.\n  rootNamespace: {"}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: r, namespace: shop}
spec: {hosts: [r], http: [{route: [{destination: {host: ledger.pay.svc.cluster.local}}]}]}
`)
	if len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], "ConfigMap istio-system/istio: key mesh:") {
		t.Errorf("warnings %q", f.Warnings)
	}
	if r := routeOf(f, "shop/r", "ledger.pay.svc.cluster.local"); r == nil || !r.HostKnown {
		t.Error("the defaults (exportTo *) did not apply")
	}
}

// TestSidecarHidesDestination: the Sidecar that applies to the sidecars
// running a mesh route decides whether they get a cluster for its
// destination (pilot/pkg/model/push_context.go getSidecarScope,
// sidecar.go collectImportedServices). Before Istio 1.5 only the listed
// egress hosts are imported; since, the destinations of a VirtualService
// the Sidecar selects are added too, on a port-scoped listener only when
// the service has that port. Gateways keep the default scope.
func TestSidecarHidesDestination(t *testing.T) {
	istiod := func(tag string) string {
		return `---
apiVersion: v1
kind: Pod
metadata: {name: istiod-7d9f, namespace: istio-system, labels: {app: istiod, istio: pilot}}
spec: {nodeName: n1, containers: [{name: discovery, image: "docker.io/istio/pilot:` + tag + `"}]}
status: {phase: Running, podIP: 10.0.0.2, conditions: [{type: Ready, status: "True"}]}
`
	}
	base := pod("shop", "checkout-1", "n1", "10.0.1.1", true, "app: checkout") +
		pod("shop", "checkout-2", "n1", "10.0.1.2", true, "app: checkout") +
		pod("shop", "batch-1", "n1", "10.0.1.3", true, "app: batch") +
		service("payments", "ledger", "app: ledger", "") + `---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ledger, namespace: shop}
spec:
  hosts: [ledger.payments.svc.cluster.local]
  http:
  - route: [{destination: {host: ledger.payments.svc.cluster.local, port: {number: 80}}}]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: edge, namespace: shop}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/public]
  http:
  - route: [{destination: {host: ledger.payments.svc.cluster.local, port: {number: 80}}}]
`
	sidecar := func(ns, name, body string) string {
		return "---\napiVersion: networking.istio.io/v1beta1\nkind: Sidecar\nmetadata: {name: " + name + ", namespace: " + ns + "}\nspec:\n" + body
	}
	own := "  egress:\n  - hosts: [\"./*\", \"istio-system/*\"]\n"
	nc := `[2025-01-01T10:00:00.000Z] "POST /tx HTTP/1.1" 503 NC cluster_not_found - "-" 0 0 0 - "-" "curl" "id" "ledger.payments.svc.cluster.local:80" "-" - - 10.96.0.9:80 10.0.1.3:5000 - default`
	for _, c := range []struct {
		name   string
		docs   string
		hidden bool
		text   string
		logs   []logLines
	}{
		{"namespace Sidecar, Istio 1.4", istiod("1.4.10") + sidecar("shop", "default", own), true,
			"Sidecar shop/default egress hosts [./*, istio-system/*] do not include ledger.payments.svc.cluster.local", nil},
		{"namespace Sidecar, Istio 1.22 imports the VirtualService's destinations", istiod("1.22.3") + sidecar("shop", "default", own), false, "", nil},
		{"egress lists the namespace", istiod("1.4.10") + sidecar("shop", "default", "  egress:\n  - hosts: [\"./*\", \"payments/*\"]\n"), false, "", nil},
		{"root namespace Sidecar applies", istiod("1.4.10") + sidecar("istio-system", "default", own), true, "Sidecar istio-system/default", nil},
		{"a namespace Sidecar wins over the root's", istiod("1.4.10") + sidecar("istio-system", "default", own) + sidecar("shop", "open", "  egress:\n  - hosts: [\"*/*\"]\n"), false, "", nil},
		{"no egress imports everything", istiod("1.4.10") + sidecar("shop", "default", "  outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n"), false, "", nil},
		{"port-scoped listener the Service lacks", istiod("1.22.3") + sidecar("shop", "default", "  egress:\n  - port: {number: 9080, protocol: HTTP, name: http}\n    hosts: [\"./*\"]\n"), true,
			"[./*] on port 9080", nil},
		{"workload Sidecar of some pods, no NC from them", istiod("1.4.10") + sidecar("shop", "batch", "  workloadSelector: {labels: {app: batch}}\n"+own), false, "", nil},
		{"workload Sidecar of some pods that log NC for the host", istiod("1.4.10") + sidecar("shop", "batch", "  workloadSelector: {labels: {app: batch}}\n"+own), true,
			"1 of the 3 sidecars of namespace shop", []logLines{{logscan.Origin{Namespace: "shop", Pod: "batch-1", Container: "istio-proxy"}, []string{nc}}}},
		{"workload Sidecar of every pod", istiod("1.4.10") + sidecar("shop", "all", "  workloadSelector: {labels: {}}\n"+own), true, "the sidecars of namespace shop", nil},
	} {
		f := factsOf(t, base+c.docs, c.logs...)
		r := routeOf(f, "shop/ledger", "ledger.payments.svc.cluster.local")
		if r == nil {
			t.Fatalf("%s: no route", c.name)
		}
		if r.HostHidden != c.hidden || r.HostKnown == c.hidden || !strings.Contains(r.VisibilityText, c.text) {
			t.Errorf("%s: known %v hidden %v %q, want hidden %v with %q", c.name, r.HostKnown, r.HostHidden, r.VisibilityText, c.hidden, c.text)
		}
		if g := routeOf(f, "shop/edge", "ledger.payments.svc.cluster.local"); g == nil || !g.HostKnown {
			t.Errorf("%s: a gateway route was judged by a Sidecar: %+v", c.name, g)
		}
	}
}
