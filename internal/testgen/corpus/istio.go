package main

import (
	"fmt"
	"time"
)

// Mesh is what IstioSystem created.
type Mesh struct {
	Istiod  *App
	GW      *App
	GWSvc   *Svc
	Version string
}

// MeshOpts tunes the istio-system install.
type MeshOpts struct {
	Version        string
	GWName         string            // default istio-ingressgateway
	GWLabels       map[string]string // default app=istio-ingressgateway, istio=ingressgateway
	GWReplicas     int
	IstiodState    func(i int, s *PodState)
	IstiodReplicas int
	NoGateway      bool
	GWNamespace    string // default istio-system
}

// IstioSystem installs istio-system: istiod and an ingress gateway.
func (c *Case) IstioSystem(o MeshOpts) *Mesh {
	if o.Version == "" {
		o.Version = "1.22.3"
	}
	c.IstioVersion = o.Version
	if o.GWName == "" {
		o.GWName = "istio-ingressgateway"
	}
	if o.GWLabels == nil {
		o.GWLabels = map[string]string{"app": "istio-ingressgateway", "istio": "ingressgateway"}
	}
	if o.GWReplicas == 0 {
		o.GWReplicas = 1
	}
	if o.IstiodReplicas == 0 {
		o.IstiodReplicas = 1
	}
	c.Namespace("istio-system")
	m := &Mesh{Version: o.Version}
	m.Istiod = c.App(AppSpec{NS: "istio-system", Name: "istiod", Labels: map[string]string{"app": "istiod", "istio": "pilot", "istio.io/rev": "default"},
		Replicas: o.IstiodReplicas, Image: "docker.io/istio/pilot:" + o.Version, Container: "discovery", ServiceAccount: "istiod",
		Ports: []CPort{{"", 8080}, {"", 15010}, {"", 15012}, {"", 15014}, {"", 15017}}, Probe: "/ready", CPU: "500m", Mem: "2Gi",
		Args:  []string{"discovery", "--monitoringAddr=:15014", "--log_output_level=default:info", "--domain", "cluster.local", "--keepaliveMaxServerConnectionAge", "30m"},
		State: o.IstiodState, Age: 60 * Day})
	c.Service("istio-system", "istiod", map[string]string{"app": "istiod", "istio": "pilot"},
		P("grpc-xds", 15010, nil), P("https-dns", 15012, nil), P("https-webhook", 443, 15017), P("http-monitoring", 15014, nil))
	if !o.NoGateway {
		gwns := or(o.GWNamespace, "istio-system")
		if gwns != "istio-system" {
			c.Namespace(gwns)
		}
		m.GW = c.App(AppSpec{NS: gwns, Name: o.GWName, Labels: o.GWLabels, Replicas: o.GWReplicas,
			Image: c.proxyImage(o.Version), Container: "istio-proxy", ServiceAccount: o.GWName + "-service-account",
			Ports: []CPort{{"status-port", 15021}, {"http2", 8080}, {"https", 8443}, {"http-envoy-prom", 15090}}, Probe: "/healthz/ready",
			Args: []string{"proxy", "router", "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel=warning", "--proxyComponentLogLevel=misc:error", "--log_output_level=default:info"},
			Age:  60 * Day, CPU: "100m", Mem: "1Gi"})
		m.GWSvc = c.ServiceT(gwns, o.GWName, "LoadBalancer", o.GWLabels,
			SvcPort{Name: "status-port", Port: 15021, Target: 15021}, SvcPort{Name: "http2", Port: 80, Target: 8080}, SvcPort{Name: "https", Port: 443, Target: 8443})
	}
	return m
}

// GWPod returns the i-th gateway pod.
func (m *Mesh) GWPod(i int) *Pod { return m.GW.Pods[i] }

// Istio CR helpers. apiVersion suffix: "v1", "v1beta1" or "v1alpha3".

// VS declares a networking.istio.io VirtualService.
func (c *Case) VS(ver, ns, name string, spec M) *Obj {
	return c.Raw("networking.istio.io/"+ver, "VirtualService", ns, name, time.Duration(2+hashN(ns+name)%90)*Day, nil, M{"spec": spec})
}

// DR declares a DestinationRule.
func (c *Case) DR(ver, ns, name string, spec M) *Obj {
	return c.Raw("networking.istio.io/"+ver, "DestinationRule", ns, name, time.Duration(2+hashN(ns+name+"dr")%90)*Day, nil, M{"spec": spec})
}

// GW declares an Istio Gateway.
func (c *Case) GW(ver, ns, name string, selector map[string]string, hosts ...string) *Obj {
	var hs L
	for _, h := range hosts {
		hs = append(hs, h)
	}
	return c.Raw("networking.istio.io/"+ver, "Gateway", ns, name, time.Duration(30+hashN(ns+name)%90)*Day, nil, M{"spec": M{
		"selector": copyLabels(selector),
		"servers":  L{M{"hosts": hs, "port": M{"name": "http", "number": 80, "protocol": "HTTP"}}},
	}})
}

// SE declares a ServiceEntry.
func (c *Case) SE(ver, ns, name string, spec M) *Obj {
	return c.Raw("networking.istio.io/"+ver, "ServiceEntry", ns, name, time.Duration(10+hashN(ns+name)%90)*Day, nil, M{"spec": spec})
}

// PA declares a security.istio.io PeerAuthentication.
func (c *Case) PA(ver, ns, name, mode string) *Obj {
	return c.Raw("security.istio.io/"+ver, "PeerAuthentication", ns, name, time.Duration(10+hashN(ns+name)%90)*Day, nil, M{"spec": M{"mtls": M{"mode": mode}}})
}

// Route is an http route to one destination.
func Route(host string, port int, subset string) M {
	d := M{"host": host}
	if port != 0 {
		d["port"] = M{"number": port}
	}
	if subset != "" {
		d["subset"] = subset
	}
	return M{"destination": d}
}

// Subsets builds DestinationRule subsets: name, label value pairs for key "version".
func Subsets(names ...string) L {
	var l L
	for _, n := range names {
		l = append(l, M{"labels": map[string]string{"version": n}, "name": n})
	}
	return l
}

// Strs is a []any of strings.
func Strs(xs ...string) L {
	var l L
	for _, x := range xs {
		l = append(l, x)
	}
	return l
}

// IngressNginx installs ingress-nginx and returns the controller pod.
func (c *Case) IngressNginx(version string) *App {
	if version == "" {
		version = "v1.11.2"
	}
	c.Namespace("ingress-nginx", "app.kubernetes.io/instance", "ingress-nginx", "app.kubernetes.io/name", "ingress-nginx")
	l := map[string]string{"app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/name": "ingress-nginx"}
	a := c.App(AppSpec{NS: "ingress-nginx", Name: "ingress-nginx-controller", Labels: l, Replicas: 1, Container: "controller",
		Image:          fmt.Sprintf("registry.k8s.io/ingress-nginx/controller:%s@sha256:%s", version, hexid("ingnx"+version, 64)),
		Ports:          []CPort{{"http", 80}, {"https", 443}, {"webhook", 8443}},
		Args:           []string{"/nginx-ingress-controller", "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller", "--election-id=ingress-nginx-leader", "--controller-class=k8s.io/ingress-nginx", "--ingress-class=nginx", "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller", "--validating-webhook=:8443"},
		ServiceAccount: "ingress-nginx", Age: 90 * Day, CPU: "100m", Mem: "90Mi"})
	// the controller's readiness probe is /healthz on 10254
	for _, p := range a.Pods {
		ctr := p.obj.M["spec"].(M)["containers"].(L)[0].(M)
		ctr["readinessProbe"] = M{"failureThreshold": 3, "httpGet": M{"path": "/healthz", "port": 10254, "scheme": "HTTP"}, "initialDelaySeconds": 10, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1}
	}
	c.ServiceT("ingress-nginx", "ingress-nginx-controller", "LoadBalancer", l,
		SvcPort{Name: "http", Port: 80, Target: "http", AppProtocol: "http"}, SvcPort{Name: "https", Port: 443, Target: "https", AppProtocol: "https"})
	c.Raw("networking.k8s.io/v1", "IngressClass", "", "nginx", 90*Day, l, M{"spec": M{"controller": "k8s.io/ingress-nginx"}})
	return a
}

// Ingress declares a networking.k8s.io/v1 Ingress with one host and rules path -> service:port.
func (c *Case) Ingress(ns, name, host string, paths ...any) *Obj {
	var ps L
	for i := 0; i+2 < len(paths)+1; i += 3 {
		ps = append(ps, M{"path": paths[i], "pathType": "Prefix", "backend": M{"service": M{"name": paths[i+1], "port": M{"number": paths[i+2]}}}})
	}
	lbIP := fmt.Sprintf("34.%d.%d.%d", 90+hashN(c.Name)%60, hashN(c.Name+"b")%250, hashN(c.Name+"c")%250)
	return c.Raw("networking.k8s.io/v1", "Ingress", ns, name, time.Duration(20+hashN(name)%100)*Day, nil, M{
		"spec":   M{"ingressClassName": "nginx", "rules": L{M{"host": host, "http": M{"paths": ps}}}},
		"status": M{"loadBalancer": M{"ingress": L{M{"ip": lbIP}}}},
	})
}

// Ztunnel adds the ambient ztunnel DaemonSet (one pod per worker).
func (c *Case) Ztunnel(state func(i int, s *PodState)) *App {
	return c.App(AppSpec{NS: "istio-system", Name: "ztunnel", Kind: "DaemonSet", Labels: map[string]string{"app": "ztunnel"},
		Image: "docker.io/istio/ztunnel:" + c.IstioVersion + "-distroless", Container: "istio-proxy", ServiceAccount: "ztunnel",
		Ports: []CPort{{"", 15020}}, Probe: "/healthz/ready", Args: []string{"proxy", "ztunnel"}, State: state, Age: 30 * Day,
		Tolerations: []M{{"effect": "NoSchedule", "operator": "Exists"}, {"key": "CriticalAddonsOnly", "operator": "Exists"}, {"effect": "NoExecute", "operator": "Exists"}}})
}

// GWLog writes the gateway pod's access log.
func (c *Case) GWLog(m *Mesh, lines []string) {
	c.Log(m.GW.Spec.NS, m.GWPod(0).Name, "istio-proxy", lines...)
}
