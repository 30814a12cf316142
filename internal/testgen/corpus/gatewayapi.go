package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Gateway API builders: classes, Gateways, routes and grants as the API
// server stores them (kubernetes-sigs/gateway-api apis/v1), the status the
// implementations write, and each implementation's proxy as it deploys it.

// Controller names of the implementations (their GatewayClass
// spec.controllerName).
const (
	ctrlEnvoyGateway = "gateway.envoyproxy.io/gatewayclass-controller"
	ctrlIstio        = "istio.io/gateway-controller"
	ctrlKgateway     = "kgateway.dev/kgateway"
	ctrlNGF          = "gateway.nginx.org/nginx-gateway-controller"
)

// GWGen is the generation the Gateway API objects of the corpus carry,
// and the observedGeneration their status conditions report.
const GWGen = 2

// Cond is a metav1.Condition as a controller writes it.
func Cond(typ, status, reason, msg string, at time.Time) M {
	return M{"type": typ, "status": status, "reason": reason, "message": msg, "observedGeneration": GWGen, "lastTransitionTime": ts(at)}
}

// gwObj declares a Gateway API object of apiVersion ver
// (gateway.networking.k8s.io/<ver>, or a full apiVersion).
func (c *Case) gwObj(ver, kind, ns, name string, body M) *Obj {
	api := ver
	if !strings.Contains(ver, "/") {
		api = "gateway.networking.k8s.io/" + ver
	}
	body["metadata"] = M{"generation": GWGen}
	return c.Raw(api, kind, ns, name, time.Duration(5+hashN(kind+ns+name)%80)*Day, nil, body)
}

// GatewayClass declares a class of controller; accepted sets the
// status its controller writes.
func (c *Case) GatewayClass(name, controller string, accepted bool) *Obj {
	body := M{"spec": M{"controllerName": controller}}
	if accepted {
		body["status"] = M{"conditions": L{Cond("Accepted", "True", "Accepted", "Valid GatewayClass", c.Now.Add(-20*Day))}}
	} else {
		// the CRD default: no controller has looked at it
		body["status"] = M{"conditions": L{M{"type": "Accepted", "status": "Unknown", "reason": "Pending", "message": "Waiting for controller", "lastTransitionTime": "1970-01-01T00:00:00Z"}}}
	}
	return c.gwObj("v1", "GatewayClass", "", name, body)
}

// Listener is a Gateway listener; allowed is its allowedRoutes (nil = the default).
func Listener(name string, port int, proto, hostname string, allowed M) M {
	l := M{"name": name, "port": port, "protocol": proto}
	if hostname != "" {
		l["hostname"] = hostname
	}
	if allowed != nil {
		l["allowedRoutes"] = allowed
	} else {
		// what the API server stores for an unset allowedRoutes
		l["allowedRoutes"] = M{"namespaces": M{"from": "Same"}}
	}
	if proto == "HTTPS" {
		l["tls"] = M{"mode": "Terminate", "certificateRefs": L{M{"group": "", "kind": "Secret", "name": name + "-cert"}}}
	}
	return l
}

// FromAll is allowedRoutes admitting every namespace.
var FromAll = M{"namespaces": M{"from": "All"}}

// GWStatus is what a controller writes on a Gateway: conditions,
// addresses, and per listener the routes attached.
type GWStatus struct {
	Address    string
	Programmed string // "True" (default), or a reason of Programmed=False
	Message    string
	Attached   map[string]int // listener name -> attachedRoutes
	Pending    bool           // no controller: the CRD's default conditions
}

// Gateway declares a gateway.networking.k8s.io Gateway of class with
// listeners; st nil writes no status (manifests).
func (c *Case) Gateway(ver, ns, name, class string, listeners L, st *GWStatus) *Obj {
	body := M{"spec": M{"gatewayClassName": class, "listeners": listeners}}
	switch {
	case st == nil:
	case st.Pending:
		body["status"] = M{"conditions": L{
			M{"type": "Accepted", "status": "Unknown", "reason": "Pending", "message": "Waiting for controller", "lastTransitionTime": "1970-01-01T00:00:00Z"},
			M{"type": "Programmed", "status": "Unknown", "reason": "Pending", "message": "Waiting for controller", "lastTransitionTime": "1970-01-01T00:00:00Z"}}}
	default:
		since := c.Now.Add(-time.Duration(2+hashN(ns+name)%20) * Day)
		prog := Cond("Programmed", "True", "Programmed", "Address assigned to the Gateway, 1/1 envoy replicas available", since)
		if st.Programmed != "" && st.Programmed != "True" {
			prog = Cond("Programmed", "False", st.Programmed, st.Message, c.Now.Add(-30*Min))
		}
		var ls L
		for _, l := range listeners {
			lm := l.(M)
			n := lm["name"].(string)
			kinds := L{M{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}, M{"group": "gateway.networking.k8s.io", "kind": "GRPCRoute"}}
			if p := lm["protocol"]; p == "TLS" {
				kinds = L{M{"group": "gateway.networking.k8s.io", "kind": "TLSRoute"}}
			}
			ls = append(ls, M{"name": n, "attachedRoutes": st.Attached[n], "supportedKinds": kinds, "conditions": L{
				Cond("Programmed", "True", "Programmed", "Sending translated listener configuration to the data plane", since),
				Cond("Accepted", "True", "Accepted", "Listener has been successfully translated", since),
				Cond("ResolvedRefs", "True", "ResolvedRefs", "Listener has been successfully translated", since)}})
		}
		s := M{"conditions": L{Cond("Accepted", "True", "Accepted", "The Gateway has been scheduled", since), prog}, "listeners": ls}
		if st.Address != "" {
			s["addresses"] = L{M{"type": "IPAddress", "value": st.Address}}
		}
		body["status"] = s
	}
	return c.gwObj(ver, "Gateway", ns, name, body)
}

// Parent is a parentRef to Gateway ns/name (section optional).
func Parent(ns, name, section string) M {
	p := M{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": name}
	if ns != "" {
		p["namespace"] = ns
	}
	if section != "" {
		p["sectionName"] = section
	}
	return p
}

// Backend is a backendRef to Service ns/name:port (ns "" = the route's),
// with the defaults the API server fills in.
func Backend(ns, name string, port int) M {
	b := M{"group": "", "kind": "Service", "name": name, "port": port, "weight": 1}
	if ns != "" {
		b["namespace"] = ns
	}
	return b
}

// Rule is a route rule matching path prefix (or every request when "").
func Rule(prefix string, backends ...M) M {
	var bs L
	for _, b := range backends {
		bs = append(bs, b)
	}
	match := M{"path": M{"type": "PathPrefix", "value": or(prefix, "/")}}
	return M{"matches": L{match}, "backendRefs": bs}
}

// ParentStatus is a route's status for one parent, written by controller.
func ParentStatus(controller string, parent M, conds ...M) M {
	var cs L
	for _, c := range conds {
		cs = append(cs, c)
	}
	return M{"parentRef": parent, "controllerName": controller, "conditions": cs}
}

// Route declares a route of kind (HTTPRoute, GRPCRoute, TLSRoute) with
// hostnames, parents and rules; status nil writes none.
func (c *Case) Route(ver, kind, ns, name string, hostnames []string, parents []M, rules []M, status []M) *Obj {
	spec := M{}
	var ps, rs L
	for _, p := range parents {
		ps = append(ps, p)
	}
	for _, r := range rules {
		rs = append(rs, r)
	}
	spec["parentRefs"], spec["rules"] = ps, rs
	if len(hostnames) > 0 {
		spec["hostnames"] = Strs(hostnames...)
	}
	body := M{"spec": spec}
	if status != nil {
		var st L
		for _, s := range status {
			st = append(st, s)
		}
		body["status"] = M{"parents": st}
	}
	return c.gwObj(ver, kind, ns, name, body)
}

// ReferenceGrant declares a grant in ns letting fromKind objects of
// fromNS refer to Services (toName "" = every Service).
func (c *Case) ReferenceGrant(ver, ns, name, fromKind, fromNS, toName string) *Obj {
	to := M{"group": "", "kind": "Service"}
	if toName != "" {
		to["name"] = toName
	}
	return c.gwObj(ver, "ReferenceGrant", ns, name, M{"spec": M{
		"from": L{M{"group": "gateway.networking.k8s.io", "kind": fromKind, "namespace": fromNS}},
		"to":   L{to},
	}})
}

// Accepted, NotAccepted, Resolved and Unresolved are route conditions.
func (c *Case) Accepted() M {
	return Cond("Accepted", "True", "Accepted", "Route is accepted", c.Now.Add(-3*Day))
}

func (c *Case) NotAccepted(reason, msg string) M {
	return Cond("Accepted", "False", reason, msg, c.Now.Add(-40*Min))
}

func (c *Case) Resolved() M {
	return Cond("ResolvedRefs", "True", "ResolvedRefs", "Resolved all the Object references for the Route", c.Now.Add(-3*Day))
}

func (c *Case) Unresolved(reason, msg string) M {
	return Cond("ResolvedRefs", "False", reason, msg, c.Now.Add(-40*Min))
}

// ---- implementations ----

// EG is an Envoy Gateway install.
type EG struct {
	Version    string
	Controller *App
}

// EnvoyGateway installs the Envoy Gateway controller in
// envoy-gateway-system and its GatewayClass.
func (c *Case) EnvoyGateway(version, class string) *EG {
	c.Namespace("envoy-gateway-system")
	l := map[string]string{"control-plane": "envoy-gateway", "app.kubernetes.io/name": "gateway-helm", "app.kubernetes.io/instance": "eg"}
	ctl := c.App(AppSpec{NS: "envoy-gateway-system", Name: "envoy-gateway", Labels: l, Replicas: 1, Container: "envoy-gateway",
		Image: "docker.io/envoyproxy/gateway:" + version, Ports: []CPort{{"grpc", 18000}, {"ratelimit", 18001}, {"wasm", 18002}, {"metrics", 19001}},
		Probe: "/readyz", Args: []string{"server", "--config-path=/config/envoy-gateway.yaml"}, ServiceAccount: "envoy-gateway", Age: 40 * Day})
	c.Service("envoy-gateway-system", "envoy-gateway", l, P("grpc", 18000, nil), P("ratelimit", 18001, nil), P("wasm", 18002, nil), P("metrics", 19001, nil))
	c.GatewayClass(class, ctrlEnvoyGateway, true)
	return &EG{Version: version, Controller: ctl}
}

// egProxyName is Envoy Gateway's name for a Gateway's proxy
// Deployment and Service: envoy-<ns>-<name>-<8 hex of sha256("ns/name")>
// (internal/infrastructure/kubernetes/proxy/resource.go, utils/misc.go).
func egProxyName(ns, name string) string {
	h := sha256.Sum256([]byte(ns + "/" + name))
	return fmt.Sprintf("envoy-%s-%s-%s", ns, name, hex.EncodeToString(h[:])[:8])
}

// egPort is the container port Envoy Gateway gives a listener port:
// privileged ports shifted by 10000.
func egPort(p int) int {
	if p < 1024 {
		return p + 10000
	}
	return p
}

// Proxy deploys Envoy Gateway's proxy for Gateway ns/name with listener
// ports; state customises its pods.
func (e *EG) Proxy(c *Case, ns, name string, replicas int, ports []int, state func(int, *PodState)) (*App, *Svc) {
	n := egProxyName(ns, name)
	l := map[string]string{"app.kubernetes.io/name": "envoy", "app.kubernetes.io/component": "proxy", "app.kubernetes.io/managed-by": "envoy-gateway",
		"gateway.envoyproxy.io/owning-gateway-name": name, "gateway.envoyproxy.io/owning-gateway-namespace": ns}
	cps := []CPort{}
	var sps []SvcPort
	for _, p := range ports {
		cp := egPort(p)
		pn := fmt.Sprintf("http-%d", cp)
		cps = append(cps, CPort{pn, cp})
		sps = append(sps, SvcPort{Name: fmt.Sprintf("http-%d", p), Port: p, Target: cp})
	}
	cps = append(cps, CPort{"metrics", 19001})
	a := c.App(AppSpec{NS: "envoy-gateway-system", Name: n, Labels: l, Replicas: replicas, Container: "envoy",
		Image: "docker.io/envoyproxy/envoy:distroless-v1.35.3", Ports: cps, Probe: "/ready", ServiceAccount: n,
		Args:  []string{"--service-cluster " + n, "--service-node $(ENVOY_POD_NAME)", "--config-yaml", "--log-level warn", "--cpuset-threads", "--drain-strategy immediate"},
		State: state, Age: time.Duration(4+hashN(n)%30) * Day})
	s := c.ServiceT("envoy-gateway-system", n, "LoadBalancer", l, sps...)
	return a, s
}

// EGVantage is an Envoy Gateway proxy pod as a log vantage point.
func (c *Case) EGVantage(a *App, listen int) Vantage {
	return Vantage{IP: a.Pods[0].IP, Listen: egPort(listen), Clients: c.NodeIPs(), External: true}
}

// EGRoute is Envoy Gateway's route name for rule i of an HTTPRoute
// (match j, hostname with dots as underscores).
func EGRoute(ns, name string, i, j int, host string) string {
	return fmt.Sprintf("httproute/%s/%s/rule/%d/match/%d/%s", ns, name, i, j, strings.ReplaceAll(host, ".", "_"))
}

// EGCluster is Envoy Gateway's cluster of rule i of an HTTPRoute.
func EGCluster(ns, name string, i int) string {
	return fmt.Sprintf("httproute/%s/%s/rule/%d", ns, name, i)
}

// Envoy Gateway outcomes: a rule with no valid backend answers 500, and
// from v1.6 a Service without endpoints 503, both as direct responses
// (internal/gatewayapi/route.go); an unrouted host 404 NR.
var (
	DR500 = Outcome{Code: 500, Flags: "-", Details: "direct_response", NoUpstream: true, NoCluster: true}
	DR503 = Outcome{Code: 503, Flags: "-", Details: "direct_response", NoUpstream: true, NoCluster: true}
	// NC500 is Istio's answer for a Gateway API backend that is not found
	// or not permitted: a cluster that does not exist, 500 for Gateway API
	// routes (pilot/pkg/networking/core/route/route.go).
	NC500 = Outcome{Code: 500, Flags: "NC", Details: "cluster_not_found", NoUpstream: true, NoCluster: true}
)

// EnvoyGatewayJSON renders records in Envoy Gateway's default access log:
// JSON with typed values and null for unset fields
// (internal/xds/translator/accesslog.go EnvoyJSONLogFields), keys sorted.
func EnvoyGatewayJSON(recs []Rec) []string {
	var out []string
	str := func(s string) string {
		if s == "" || s == "-" {
			return "null"
		}
		return strconv.Quote(s)
	}
	for _, r := range recs {
		kv := map[string]string{
			":authority": str(r.Authority), "bytes_received": strconv.Itoa(r.BytesRecv), "bytes_sent": strconv.Itoa(r.BytesSent),
			"connection_termination_details": "null", "downstream_local_address": str(r.DownLocal), "downstream_remote_address": str(r.DownRem),
			"duration": strconv.Itoa(r.Dur), "method": str(r.Method), "protocol": str(r.Proto), "requested_server_name": "null",
			"response_code": strconv.Itoa(r.Code), "response_code_details": str(r.Details), "response_flags": strconv.Quote(r.Flags),
			"route_name": str(r.RouteName), "start_time": str(envoyTime(r.T)), "upstream_cluster": str(r.Cluster),
			"upstream_host": str(r.UpHost), "upstream_local_address": str(r.UpLocal), "upstream_transport_failure_reason": str(r.TFR),
			"user-agent": str(r.UA), "x-envoy-origin-path": str(r.Path), "x-envoy-upstream-service-time": str(r.UST),
			"x-forwarded-for": str(r.XFF), "x-request-id": str(r.ReqID),
		}
		keys := make([]string, 0, len(kv))
		for k := range kv {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%q:%s", k, kv[k])
		}
		b.WriteString("}")
		out = append(out, b.String())
	}
	return out
}

// IstioGatewayDeployment deploys Istio's proxy for Gateway API Gateway
// ns/name: <name>-istio, labelled with the Gateway
// (manifests/charts/istio-control/istio-discovery/files/kube-gateway.yaml).
func (c *Case) IstioGatewayDeployment(ns, name, class string, ports []int, state func(int, *PodState)) (*App, *Svc) {
	n := name + "-istio"
	l := map[string]string{"gateway.networking.k8s.io/gateway-name": name, "gateway.networking.k8s.io/gateway-class-name": class,
		"gateway.istio.io/managed": "istio.io-gateway-controller", "istio.io/gateway-name": name}
	cps := []CPort{{"status-port", 15021}}
	sps := []SvcPort{{Name: "status-port", Port: 15021, Target: 15021, AppProtocol: "tcp"}}
	for _, p := range ports {
		cps = append(cps, CPort{"", p})
		sps = append(sps, SvcPort{Name: fmt.Sprintf("http-%d", p), Port: p, Target: p, AppProtocol: "http"})
	}
	a := c.App(AppSpec{NS: ns, Name: n, Labels: l, Replicas: 1, Container: "istio-proxy", Image: c.proxyImage(c.IstioVersion),
		Ports: cps, Probe: "/healthz/ready", ServiceAccount: n, State: state,
		Args: []string{"proxy", "router", "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel", "warning", "--log_output_level", "default:info"},
		Age:  time.Duration(6+hashN(n)%20) * Day})
	s := c.ServiceT(ns, n, "LoadBalancer", map[string]string{"gateway.networking.k8s.io/gateway-name": name}, sps...)
	return a, s
}

// IstioRoute is Istio's route name for rule i of a Gateway API route.
func IstioRoute(ns, name string, i int) string { return ns + "." + name + "." + strconv.Itoa(i) }

// NGF installs NGINX Gateway Fabric's control plane and its class; its
// per-Gateway nginx Deployment is NGFProxy.
func (c *Case) NGF(version, class string) *App {
	c.Namespace("nginx-gateway")
	l := map[string]string{"app.kubernetes.io/name": "nginx-gateway", "app.kubernetes.io/instance": "ngf"}
	a := c.App(AppSpec{NS: "nginx-gateway", Name: "ngf-nginx-gateway-fabric", Labels: l, Replicas: 1, Container: "nginx-gateway",
		Image: "ghcr.io/nginx/nginx-gateway-fabric:" + version, Ports: []CPort{{"agent-grpc", 8443}, {"health", 8081}, {"metrics", 9113}},
		Probe: "/readyz", Args: []string{"controller", "--gateway-ctlr-name=" + ctrlNGF, "--gatewayclass=" + class}, ServiceAccount: "ngf-nginx-gateway-fabric", Age: 30 * Day})
	c.Service("nginx-gateway", "ngf-nginx-gateway-fabric", l, P("agent-grpc", 443, 8443))
	c.GatewayClass(class, ctrlNGF, true)
	return a
}

// NGFProxy deploys NGINX Gateway Fabric's nginx for Gateway ns/name of
// class: <name>-<class>, labelled with the Gateway
// (internal/controller/provisioner/objects.go).
func (c *Case) NGFProxy(ns, name, class, version string, ports []int) (*App, *Svc) {
	n := name + "-" + class
	l := map[string]string{"app.kubernetes.io/name": n, "app.kubernetes.io/instance": "ngf", "gateway.networking.k8s.io/gateway-name": name}
	var cps []CPort
	var sps []SvcPort
	for _, p := range ports {
		cps = append(cps, CPort{fmt.Sprintf("port-%d", p), p})
		sps = append(sps, SvcPort{Name: fmt.Sprintf("port-%d", p), Port: p, Target: p})
	}
	a := c.App(AppSpec{NS: ns, Name: n, Labels: l, Replicas: 1, Container: "nginx", Image: "ghcr.io/nginx/nginx-gateway-fabric/nginx:" + version,
		Ports: cps, Probe: "/readyz", ServiceAccount: n, Age: time.Duration(5+hashN(n)%20) * Day})
	s := c.ServiceT(ns, n, "LoadBalancer", l, sps...)
	return a, s
}

// Kgateway installs kgateway's controller and class.
func (c *Case) Kgateway(version, class string) *App {
	c.Namespace("kgateway-system")
	l := map[string]string{"app.kubernetes.io/name": "kgateway", "app.kubernetes.io/instance": "kgateway"}
	a := c.App(AppSpec{NS: "kgateway-system", Name: "kgateway", Labels: l, Replicas: 1, Container: "kgateway",
		Image: "cr.kgateway.dev/kgateway-dev/kgateway:" + version, Ports: []CPort{{"grpc-xds", 9977}, {"health", 9093}, {"metrics", 9092}},
		Probe: "/readyz", ServiceAccount: "kgateway", Age: 25 * Day})
	c.Service("kgateway-system", "kgateway", l, P("grpc-xds", 9977, nil))
	c.GatewayClass(class, ctrlKgateway, true)
	return a
}

// KgatewayProxy deploys kgateway's Envoy for Gateway ns/name: a
// Deployment of the Gateway's name, labelled with it.
func (c *Case) KgatewayProxy(ns, name, version string, ports []int) (*App, *Svc) {
	l := map[string]string{"app.kubernetes.io/name": name, "app.kubernetes.io/instance": name, "gateway.networking.k8s.io/gateway-name": name}
	var cps []CPort
	var sps []SvcPort
	for _, p := range ports {
		cps = append(cps, CPort{fmt.Sprintf("http-%d", p+8000), p + 8000})
		sps = append(sps, SvcPort{Name: fmt.Sprintf("http-%d", p), Port: p, Target: p + 8000})
	}
	a := c.App(AppSpec{NS: ns, Name: name, Labels: l, Replicas: 1, Container: "kgateway-proxy", Image: "cr.kgateway.dev/kgateway-dev/envoy-wrapper:" + version,
		Ports: cps, Probe: "/ready", ServiceAccount: name, Age: time.Duration(5+hashN(name)%20) * Day})
	s := c.ServiceT(ns, name, "LoadBalancer", l, sps...)
	return a, s
}
