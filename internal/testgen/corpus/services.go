package main

import (
	"fmt"
	"sort"
	"strconv"
	"time"
)

// SvcPort is a Service port; Target is an int or a port name.
type SvcPort struct {
	Name        string
	Port        int
	Target      any
	AppProtocol string
	NodePort    int
}

// Svc is a created Service.
type Svc struct {
	NS, Name  string
	Selector  map[string]string
	Ports     []SvcPort
	ClusterIP string
	Type      string
	obj       *Obj
}

// Host is the Service's cluster-local FQDN.
func (s *Svc) Host() string { return s.Name + "." + s.NS + ".svc.cluster.local" }

// Addr is clusterIP:port of the first port.
func (s *Svc) Addr() string { return fmt.Sprintf("%s:%d", s.ClusterIP, s.Ports[0].Port) }

// Service declares a ClusterIP Service.
func (c *Case) Service(ns, name string, sel map[string]string, ports ...SvcPort) *Svc {
	return c.ServiceT(ns, name, "ClusterIP", sel, ports...)
}

// ServiceT declares a Service of the given type.
func (c *Case) ServiceT(ns, name, typ string, sel map[string]string, ports ...SvcPort) *Svc {
	h := hashN(c.Name + ns + name)
	ip := fmt.Sprintf("%s.%d.%d", c.flavor.SvcNet, h%250+1, (h>>8)%253+1)
	if ns == "default" && name == "kubernetes" {
		ip = c.flavor.SvcNet + ".0.1"
	}
	if ns == "kube-system" && name == "kube-dns" {
		ip = c.flavor.SvcNet + ".0.10"
	}
	s := &Svc{NS: ns, Name: name, Selector: sel, Ports: ports, ClusterIP: ip, Type: typ}
	created := c.Now.Add(-time.Duration(5+h%60) * Day)
	var ps L
	for _, p := range ports {
		pm := M{"port": p.Port, "protocol": "TCP"}
		if p.Name != "" {
			pm["name"] = p.Name
		}
		if p.AppProtocol != "" {
			pm["appProtocol"] = p.AppProtocol
		}
		switch t := p.Target.(type) {
		case nil:
			pm["targetPort"] = p.Port
		default:
			pm["targetPort"] = t
		}
		if typ == "LoadBalancer" || typ == "NodePort" {
			np := p.NodePort
			if np == 0 {
				np = 30000 + int(hashN(name+strconv.Itoa(p.Port))%2767)
			}
			pm["nodePort"] = np
		}
		ps = append(ps, pm)
	}
	spec := M{"clusterIP": ip, "clusterIPs": L{ip}, "internalTrafficPolicy": "Cluster", "ipFamilies": L{"IPv4"},
		"ipFamilyPolicy": "SingleStack", "ports": ps, "sessionAffinity": "None", "type": typ}
	if sel != nil {
		spec["selector"] = copyLabels(sel)
	}
	status := M{"loadBalancer": M{}}
	if typ == "LoadBalancer" {
		spec["externalTrafficPolicy"] = "Cluster"
		spec["allocateLoadBalancerNodePorts"] = true
		lb := fmt.Sprintf("34.%d.%d.%d", 90+h%60, (h>>16)%250, (h>>24)%250)
		if c.flavor.Name == "eks" {
			status = M{"loadBalancer": M{"ingress": L{M{"hostname": fmt.Sprintf("a%s-%d.eu-west-1.elb.amazonaws.com", hexid(name, 32), 1000000000+h%900000000)}}}}
		} else {
			status = M{"loadBalancer": M{"ingress": L{M{"ip": lb, "ipMode": "VIP"}}}}
		}
	}
	labels := map[string]string{}
	for k, v := range sel {
		labels[k] = v
	}
	delete(labels, "version")
	md := c.meta("Service", ns, name, created, labels)
	s.obj = c.add(&Obj{APIVersion: "v1", Kind: "Service", NS: ns, Name: name, M: M{"metadata": md, "spec": spec, "status": status}})
	c.svcs = append(c.svcs, s)
	return s
}

// P is shorthand for a SvcPort.
func P(name string, port int, target any) SvcPort {
	return SvcPort{Name: name, Port: port, Target: target}
}

// buildSlices emits EndpointSlices the way the endpointslice controller would.
func (c *Case) buildSlices() {
	for _, s := range c.svcs {
		if s.Selector == nil || c.noSlices[s.NS+"/"+s.Name] {
			continue
		}
		type group struct {
			ports L
			eps   L
			key   string
		}
		groups := map[string]*group{}
		var order []string
		var pods []*Pod
		for _, p := range c.pods {
			if p.NS == s.NS && p.IP != "" && matches(s.Selector, p.Labels) {
				pods = append(pods, p)
			}
		}
		sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
		for _, p := range pods {
			var ports L
			key := ""
			for _, sp := range s.Ports {
				port := 0
				switch t := sp.Target.(type) {
				case nil:
					port = sp.Port
				case int:
					port = t
				case string:
					for _, cp := range p.Ports {
						if cp.Name == t {
							port = cp.Port
						}
					}
				}
				if port == 0 {
					continue // named port not found on this pod: dropped
				}
				pm := M{"name": sp.Name, "port": port, "protocol": "TCP"}
				if sp.AppProtocol != "" {
					pm["appProtocol"] = sp.AppProtocol
				}
				ports = append(ports, pm)
				key += fmt.Sprint(sp.Name, port, ",")
			}
			g := groups[key]
			if g == nil {
				g = &group{ports: ports, key: key}
				groups[key] = g
				order = append(order, key)
			}
			ready := p.Ready && !p.Terminating
			serving := p.Ready || (p.Terminating && p.servingWhileTerminating)
			if p.Terminating {
				serving = p.servingWhileTerminating
			}
			ep := M{
				"addresses":  L{p.IP},
				"conditions": M{"ready": ready, "serving": serving, "terminating": p.Terminating},
				"nodeName":   p.Node,
				"targetRef":  M{"kind": "Pod", "name": p.Name, "namespace": p.NS, "uid": p.UID},
			}
			if c.kubeMinor() < 21 {
				// discovery.k8s.io/v1beta1: topology map, no nodeName/zone fields
				delete(ep, "nodeName")
				topo := M{"kubernetes.io/hostname": p.Node}
				if z := c.zoneOf(p.Node); z != "" {
					topo["topology.kubernetes.io/zone"] = z
				}
				ep["topology"] = topo
				if c.kubeMinor() < 20 {
					ep["conditions"] = M{"ready": ready}
				}
			} else if z := c.zoneOf(p.Node); z != "" {
				ep["zone"] = z
			}
			g.eps = append(g.eps, ep)
		}
		if len(order) == 0 {
			order = append(order, "")
			groups[""] = &group{}
		}
		for i, k := range order {
			g := groups[k]
			name := s.Name + "-" + suffix(fmt.Sprint(c.Name, s.NS, s.Name, i), 5)
			labels := map[string]string{
				"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
				"kubernetes.io/service-name":             s.Name,
			}
			for lk, lv := range s.obj.Meta()["labels"].(map[string]string) {
				labels[lk] = lv
			}
			md := c.meta("EndpointSlice", s.NS, name, c.Now.Add(-time.Duration(2+hashN(name)%30)*Day), labels)
			md["generateName"] = s.Name + "-"
			md["generation"] = 1 + int(hashN(name)%40)
			md["annotations"] = M{"endpoints.kubernetes.io/last-change-trigger-time": ts(c.Now.Add(-time.Duration(3+hashN(name)%50) * Min))}
			md["ownerReferences"] = owner("v1", "Service", s.Name, uid(c.Name, "Service", s.NS, s.Name))
			o := M{"addressType": "IPv4", "metadata": md, "ports": nil, "endpoints": nil}
			if len(g.ports) > 0 {
				o["ports"] = g.ports
			}
			if len(g.eps) > 0 {
				o["endpoints"] = g.eps
			}
			if g.ports == nil && len(g.eps) == 0 {
				o["ports"] = nil
			}
			apiv := "discovery.k8s.io/v1"
			if c.kubeMinor() < 21 {
				apiv = "discovery.k8s.io/v1beta1"
			}
			c.add(&Obj{APIVersion: apiv, Kind: "EndpointSlice", NS: s.NS, Name: name, M: o})
		}
	}
}

func (c *Case) zoneOf(node string) string {
	for _, n := range c.nodes {
		if n.Name == node {
			return n.Labels["topology.kubernetes.io/zone"]
		}
	}
	return ""
}

// EventSpec declares one core/v1 Event.
type EventSpec struct {
	Obj       Ref
	UID       string
	Type      string
	Reason    string
	Message   string
	Component string
	Host      string
	First     time.Time
	Last      time.Time
	Count     int
	FieldPath string
}

// Event adds a core/v1 Event.
func (c *Case) Event(e EventSpec) {
	if e.Count == 0 {
		e.Count = 1
	}
	if e.Last.IsZero() {
		e.Last = e.First
	}
	ns := e.Obj.NS
	if ns == "" {
		ns = "default"
	}
	name := fmt.Sprintf("%s.%x", e.Obj.Name, uint64(e.First.UnixNano())+hashN(e.Reason+e.Message)%1000000000)
	apiv := "v1"
	switch e.Obj.Kind {
	case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet":
		apiv = "apps/v1"
	case "HorizontalPodAutoscaler":
		apiv = "autoscaling/v2"
	case "Job", "CronJob":
		apiv = "batch/v1"
	case "ScaledObject":
		apiv = "keda.sh/v1alpha1"
	case "Service":
		apiv = "v1"
	}
	io := M{"apiVersion": apiv, "kind": e.Obj.Kind, "name": e.Obj.Name, "uid": e.UID}
	if e.UID == "" {
		io["uid"] = uid(c.Name, e.Obj.Kind, e.Obj.NS, e.Obj.Name)
	}
	if e.Obj.NS != "" {
		io["namespace"] = e.Obj.NS
	}
	if e.FieldPath != "" {
		io["fieldPath"] = e.FieldPath
	}
	if e.Obj.Kind == "Pod" || e.Obj.Kind == "Node" {
		io["resourceVersion"] = fmt.Sprint(c.rv - 1000 + int(hashN(e.Obj.Name)%900))
	}
	src := M{"component": e.Component}
	if e.Host != "" {
		src["host"] = e.Host
	}
	md := M{"creationTimestamp": ts(e.First), "name": name, "namespace": ns, "resourceVersion": c.nextRV(), "uid": uid(c.Name, "Event", name)}
	o := M{
		"count": e.Count, "eventTime": nil, "firstTimestamp": ts(e.First), "involvedObject": io,
		"kind": "Event", "lastTimestamp": ts(e.Last), "message": e.Message, "metadata": md,
		"reason": e.Reason, "reportingComponent": e.Component, "reportingInstance": e.Host, "source": src, "type": e.Type,
	}
	if e.Component == "kubelet" {
		o["reportingComponent"] = "kubelet"
	} else {
		o["reportingInstance"] = ""
		if e.Component == "default-scheduler" {
			o["reportingComponent"] = "default-scheduler"
		}
	}
	delete(o, "kind")
	c.add(&Obj{APIVersion: "v1", Kind: "Event", NS: ns, Name: name, M: o})
}

// PodEvent adds an event about a pod (kubelet on its node unless component given).
func (c *Case) PodEvent(p *Pod, typ, reason, msg string, first, last time.Time, count int, fieldPath string) {
	comp, host := "kubelet", p.Node
	if reason == "FailedScheduling" || reason == "Scheduled" {
		comp, host = "default-scheduler", ""
	}
	c.Event(EventSpec{Obj: Ref{"Pod", p.NS, p.Name}, UID: p.UID, Type: typ, Reason: reason, Message: msg,
		Component: comp, Host: host, First: first, Last: last, Count: count, FieldPath: fieldPath})
}

// Raw adds an arbitrary object (Istio CRs, NetworkPolicies, ConfigMaps, ...).
func (c *Case) Raw(apiVersion, kind, ns, name string, age time.Duration, labels map[string]string, body M) *Obj {
	md := c.meta(kind, ns, name, c.Now.Add(-age), labels)
	if ns == "" {
		delete(md, "namespace")
	}
	if g, ok := body["metadata"].(M); ok {
		for k, v := range g {
			md[k] = v
		}
	}
	body["metadata"] = md
	if _, ok := md["generation"]; !ok && kind != "ConfigMap" {
		md["generation"] = 1 + int(hashN(name)%4)
	}
	return c.add(&Obj{APIVersion: apiVersion, Kind: kind, NS: ns, Name: name, M: body})
}
