package analyzers

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/nohealthy/nohealthy/analyzers/envoyadmin"
	"github.com/nohealthy/nohealthy/kinds"
)

func hasSidecar(p *corev1.Pod) bool {
	for _, c := range p.Spec.Containers {
		if c.Name == sidecarName {
			return true
		}
	}
	for _, c := range p.Spec.InitContainers { // native sidecars (restartPolicy Always)
		if c.Name == sidecarName {
			return true
		}
	}
	return false
}

func (b *builder) buildNodes() {
	stranded := map[string][]*ServiceFact{}
	for _, sf := range b.facts.Services {
		if sf.NoReadyBackends && sf.AllPodsOnNotReadyNodes {
			for _, nn := range sf.NotReadyNodes {
				stranded[nn] = append(stranded[nn], sf)
			}
		}
	}
	podsOn := map[string]int{}
	for _, p := range kinds.Pods.In(b.s) {
		if !podTerminal(p) && p.Spec.NodeName != "" {
			podsOn[p.Spec.NodeName]++
		}
	}
	nodes := kinds.Nodes.In(b.s)
	for _, name := range sortedKeys(nodes) {
		n := nodes[name]
		f := &NodeFact{Ref: Ref{Kind: "Node", Name: name}, Ready: nodeReady(n), Taints: []string{}, StrandedServices: []Ref{}}
		for _, t := range n.Spec.Taints {
			f.Taints = append(f.Taints, t.Key+":"+string(t.Effect))
		}
		f.Keys = []string{"node:" + name}
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady {
				f.Evidence = append(f.Evidence, Evidence{Kind: "Condition", Ref: "Node " + name,
					Text: fmt.Sprintf("Ready=%s %s: %s (since %s)", c.Status, c.Reason, c.Message, c.LastTransitionTime.UTC().Format("2006-01-02T15:04:05Z"))})
			}
		}
		if len(f.Taints) > 0 {
			f.Evidence = append(f.Evidence, Evidence{Kind: "Object", Ref: "Node " + name, Text: "taints: " + strings.Join(f.Taints, ", ")})
		}
		for _, sf := range stranded[name] {
			f.StrandedServices = append(f.StrandedServices, sf.Ref)
			f.Keys = append(f.Keys, "svc:"+key(sf.Namespace, sf.Name))
		}
		f.Pods = podsOn[name]
		b.facts.Nodes = append(b.facts.Nodes, f)
	}
}

func (b *builder) buildUpstreams(admin map[Ref][]envoyadmin.Cluster) {
	proxies := make([]Ref, 0, len(admin))
	for r := range admin {
		proxies = append(proxies, r)
	}
	sort.Slice(proxies, func(i, j int) bool { return proxies[i].String() < proxies[j].String() })
	for _, pr := range proxies {
		for _, c := range admin[pr] {
			ec, istio := parseEnvoyCluster(c.Name)
			if istio && ec.direction != "outbound" {
				continue
			}
			f := &UpstreamFact{Proxy: pr, Name: c.Name, Subset: ec.subset, Hosts: len(c.Hosts)}
			// The proxy's own failure lines often do not name the cluster
			// (Envoy's default format has none), so the proxy is a key too.
			f.Keys = []string{"pod:" + pr.Namespace + "/" + pr.Name}
			var svc *corev1.Service
			var fq string
			if istio {
				fq = istioFQDN(ec.host, pr.Namespace)
				svc = b.ix.serviceByFQDN(fq)
			} else if svc = b.upstreamNames[c.Name]; svc != nil {
				fq = svc.Name + "." + svc.Namespace + ".svc.cluster.local"
			}
			f.FQDN = fq
			if fq != "" {
				f.Keys = append(f.Keys, "host:"+fq)
			}
			if svc != nil {
				f.Service = Ref{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name}
				f.ServiceFound = true
				f.Keys = append(f.Keys, "svc:"+key(svc.Namespace, svc.Name))
				if ec.subset != "" {
					f.Keys = append(f.Keys, "subset:"+key(svc.Namespace, svc.Name)+"/"+ec.subset)
				}
			}
			var ej, hc []string
			for _, h := range c.Hosts {
				if h.Healthy() {
					f.Healthy++
				}
				if h.FailedOutlierCheck {
					f.OutlierEjected++
					ej = append(ej, h.Address)
				}
				if h.FailedActiveHC || h.ActiveHCTimeout {
					f.ActiveHCFailed++
					hc = append(hc, h.Address)
				}
				if h.FailedEDSHealth {
					f.EDSUnhealthy++
				}
			}
			if drs := b.drByFQDN[fq]; len(drs) > 0 {
				f.DestinationRule = Ref{Kind: "DestinationRule", Namespace: drs[0].Namespace, Name: drs[0].Name}
			}
			ref := "proxy/" + pr.Namespace + "/" + pr.Name + "/clusters"
			if len(ej) > 0 {
				f.Evidence = append(f.Evidence, Evidence{Kind: "ProxyAdmin", Ref: ref, Text: fmt.Sprintf("%s: %d of %d host(s) /failed_outlier_check: %s", c.Name, len(ej), len(c.Hosts), strings.Join(firstN(ej, 5), ", "))})
			}
			if len(hc) > 0 {
				f.Evidence = append(f.Evidence, Evidence{Kind: "ProxyAdmin", Ref: ref, Text: fmt.Sprintf("%s: %d of %d host(s) /failed_active_hc: %s", c.Name, len(hc), len(c.Hosts), strings.Join(firstN(hc, 5), ", "))})
			}
			if len(ej) == 0 && len(hc) == 0 {
				f.Evidence = append(f.Evidence, Evidence{Kind: "ProxyAdmin", Ref: ref, Text: fmt.Sprintf("%s: %d host(s), %d healthy", c.Name, len(c.Hosts), f.Healthy)})
			}
			for _, d := range b.drFacts[fq] {
				d.AdminHosts += f.Hosts
				d.AdminEjectedHosts += f.OutlierEjected
				d.AdminActiveHCFailed += f.ActiveHCFailed
				d.Evidence = append(d.Evidence, f.Evidence...)
			}
			b.facts.Upstreams = append(b.facts.Upstreams, f)
		}
	}
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// indexAdminClusters names non-Istio Envoy clusters after the Service their
// hosts belong to (by address or hostname), so access lines that name such
// a cluster resolve to it.
func (b *builder) indexAdminClusters(admin map[Ref][]envoyadmin.Cluster) {
	for _, cs := range admin {
		for _, c := range cs {
			if _, istio := parseEnvoyCluster(c.Name); istio {
				continue
			}
			if _, known := b.upstreamNames[c.Name]; known {
				continue
			}
			for _, h := range c.Hosts {
				svc := b.serviceForAddress(h.Address)
				if svc == nil && h.Hostname != "" {
					svc = b.serviceForAddress(h.Hostname)
				}
				if svc != nil {
					b.upstreamNames[c.Name] = svc
					break
				}
			}
		}
	}
}
