package main

import (
	"fmt"
	"time"
)

// KubeSystem adds CoreDNS, kube-dns and the default/kubernetes Service.
func (c *Case) KubeSystem(dnsState func(i int, s *PodState)) *App {
	c.Namespace("default")
	c.Namespace("kube-system")
	c.Service("default", "kubernetes", nil, P("https", 443, 6443))
	dns := c.App(AppSpec{NS: "kube-system", Name: "coredns", Labels: map[string]string{"k8s-app": "kube-dns"}, Replicas: 2,
		Image: "registry.k8s.io/coredns/coredns:v1.11.1", Container: "coredns", ServiceAccount: "coredns",
		Ports: []CPort{{"dns", 53}, {"dns-tcp", 53}, {"metrics", 9153}}, Probe: "/ready", Args: []string{"-conf", "/etc/coredns/Corefile"},
		Tolerations: []M{{"key": "CriticalAddonsOnly", "operator": "Exists"}, {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}},
		State:       dnsState, Age: 42 * Day, CPU: "100m", Mem: "170Mi"})
	// the readiness probe of CoreDNS is on :8181
	for _, p := range dns.Pods {
		ctr := p.obj.M["spec"].(M)["containers"].(L)[0].(M)
		ctr["readinessProbe"] = M{"failureThreshold": 3, "httpGet": M{"path": "/ready", "port": 8181, "scheme": "HTTP"}, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1}
	}
	c.Service("kube-system", "kube-dns", map[string]string{"k8s-app": "kube-dns"}, P("dns", 53, 53), P("dns-tcp", 53, 53), P("metrics", 9153, 9153))
	return dns
}

// Web is a quick healthy HTTP workload plus Service (port 80 -> named port http).
func (c *Case) Web(ns, name string, replicas, port int, image string, sidecar bool) (*App, *Svc) {
	a := c.App(AppSpec{NS: ns, Name: name, Replicas: replicas, Image: image, Ports: []CPort{{"http", port}}, Probe: "/healthz", Sidecar: sidecar})
	s := c.Service(ns, name, map[string]string{"app": name}, SvcPort{Name: "http", Port: port, Target: "http"})
	return a, s
}

// Hosts returns ip:port of the ready pods of apps.
func Hosts(apps ...*App) []string {
	var h []string
	for _, a := range apps {
		for _, p := range a.Pods {
			if p.IP != "" && p.Ready {
				h = append(h, p.Addr())
			}
		}
	}
	return h
}

// AllHosts returns ip:port of every pod with an IP.
func AllHosts(apps ...*App) []string {
	var h []string
	for _, a := range apps {
		for _, p := range a.Pods {
			if p.IP != "" {
				h = append(h, p.Addr())
			}
		}
	}
	return h
}

// NodeIPs lists node IPs (downstream peers of a gateway behind a LoadBalancer).
func (c *Case) NodeIPs() []string {
	var ips []string
	for _, n := range c.workers {
		ips = append(ips, n.IP)
	}
	return ips
}

// GWVantage is the ingress gateway pod as a log vantage point.
func (c *Case) GWVantage(m *Mesh) Vantage {
	return Vantage{IP: m.GW.Pods[0].IP, Listen: 8080, Clients: c.NodeIPs(), External: true}
}

// Sidecar is a pod's sidecar as outbound vantage point.
func Sidecar(p *Pod) Vantage {
	return Vantage{IP: p.IP, Clients: []string{p.IP}, Route: "default"}
}

// Cl is an Istio outbound cluster name.
func Cl(port int, subset, host string) string {
	return fmt.Sprintf("outbound|%d|%s|%s", port, subset, host)
}

// ProbeFailing records the readiness-probe Unhealthy events of not-ready pods.
func (c *Case) ProbeFailing(a *App, output string, since time.Duration) {
	for _, p := range a.Pods {
		if p.Ready || p.IP == "" {
			continue
		}
		n := int(since/(10*time.Second)) - int(hashN(p.Name)%7)
		c.PodEvent(p, "Warning", "Unhealthy", "Readiness probe failed: "+output, c.Now.Add(-since), c.Now.Add(-time.Duration(hashN(p.Name)%9)*Sec), n,
			"spec.containers{"+a.Spec.Container+"}")
	}
}

// CrashLooping records the usual events of a crash-looping app.
func (c *Case) CrashLooping(a *App, since time.Duration) {
	for _, p := range a.Pods {
		if p.IP == "" {
			continue
		}
		fp := "spec.containers{" + a.Spec.Container + "}"
		restarts := int(since / (5 * time.Minute))
		c.PodEvent(p, "Normal", "Pulled", fmt.Sprintf("Container image %q already present on machine", a.Spec.Image), c.Now.Add(-since), c.Now.Add(-4*Min), restarts+1, fp)
		c.PodEvent(p, "Normal", "Created", "Created container "+a.Spec.Container, c.Now.Add(-since), c.Now.Add(-4*Min), restarts+1, fp)
		c.PodEvent(p, "Normal", "Started", "Started container "+a.Spec.Container, c.Now.Add(-since), c.Now.Add(-4*Min), restarts+1, fp)
		c.PodEvent(p, "Warning", "BackOff", fmt.Sprintf("Back-off restarting failed container %s in pod %s_%s(%s)", a.Spec.Container, p.Name, p.NS, p.UID),
			c.Now.Add(-since+40*Sec), c.Now.Add(-time.Duration(5+hashN(p.Name)%20)*Sec), restarts*6+int(hashN(p.Name)%5), fp)
	}
}

// ScaledRS records the deployment controller's scaling event.
func (c *Case) ScaledRS(a *App, to, from int, at time.Time) {
	c.Event(EventSpec{Obj: Ref{"Deployment", a.Spec.NS, a.Name}, Type: "Normal", Reason: "ScalingReplicaSet",
		Message:   fmt.Sprintf("Scaled down replica set %s-%s to %d from %d", a.Name, a.Hash, to, from),
		Component: "deployment-controller", First: at})
}

// set assigns v at a dotted path inside m (maps only).
func set(m M, path string, v any) {
	parts := splitDots(path)
	for _, p := range parts[:len(parts)-1] {
		n, ok := m[p].(M)
		if !ok {
			n = M{}
			m[p] = n
		}
		m = n
	}
	m[parts[len(parts)-1]] = v
}

func splitDots(s string) []string {
	var out []string
	cur := ""
	for _, r := range s {
		if r == '.' {
			out = append(out, cur)
			cur = ""
			continue
		}
		cur += string(r)
	}
	return append(out, cur)
}

// NginxCtrl renders the ingress-nginx startup banner and klog lines.
func NginxBanner(version string) []string {
	return []string{
		"-------------------------------------------------------------------------------",
		"NGINX Ingress controller",
		"  Release:       " + version,
		"  Build:         " + hexid("build"+version, 40),
		"  Repository:    https://github.com/kubernetes/ingress-nginx",
		"  nginx version: nginx/1.25.5",
		"",
		"-------------------------------------------------------------------------------",
		"",
	}
}

// NoEndpointWarnings is the controller's periodic warning for a Service without ready endpoints.
func NoEndpointWarnings(from, to time.Time, every time.Duration, svc string) []TLine {
	var out []TLine
	for t := from; t.Before(to); t = t.Add(every) {
		out = append(out, TLine{t, Klog(t.Add(time.Duration(hashN(t.String())%900000)*time.Microsecond), 'W', 7, "controller.go:1214", fmt.Sprintf("Service %q does not have any active Endpoint.", svc))})
	}
	return out
}

// Filler adds healthy services around the broken one: name:replicas pairs.
func (c *Case) Filler(ns, registry string, sidecar bool, specs ...any) {
	for i := 0; i+1 < len(specs); i += 2 {
		name := specs[i].(string)
		n := specs[i+1].(int)
		ver := fmt.Sprintf("%d.%d.%d", 1+hashN(name)%5, hashN(name+"m")%20, hashN(name+"p")%10)
		c.Web(ns, name, n, 8080, registry+"/"+name+":"+ver, sidecar)
	}
}
