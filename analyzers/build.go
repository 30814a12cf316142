package analyzers

import (
	"fmt"
	"net"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/nohealthy/nohealthy/analyzers/envoyadmin"
	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/docker"
	"github.com/nohealthy/nohealthy/kinds"
)

// builder derives Facts from a Store, the symptoms and Envoy admin data.
type builder struct {
	s       *kinds.Store
	ix      *index
	facts   *Facts
	cluster *ClusterFact
	tails   map[string][]string // "ns/pod/container" -> last lines of the previous log
	// samples and sampleRefs (one per facts.Symptoms entry) are the
	// symptoms' lines still compressed (BuildInput.Samples).
	samples       *logscan.SampleSet
	sampleRefs    []logscan.SampleRefs
	serviceByKey  map[string]*ServiceFact
	svcByWorkload map[Ref][]*ServiceFact
	workloadByRef map[Ref]*WorkloadFact
	upstreamNames map[string]*corev1.Service
	drByFQDN      map[string][]*kinds.DestinationRule
	drFacts       map[string][]*DestinationRuleFact
	subsetFacts   []*SubsetFact
	subsetByName  map[string]*SubsetFact
	templates     map[string][]podTemplate
	// templateByRef is made from templates on first use (only a Service
	// without pods needs it).
	templateByRef map[Ref]podTemplate
	symsByFQDN    map[string][]*SymptomFact
	// docker resolves names, addresses and log files on a Docker host.
	docker *dockerIndex

	// Istio as pilot applies it (istio_mesh.go, istio_hosts.go).
	mesh         *meshConfig
	meshWarnings []string
	hosts        *hostIndex
	drsByNS      map[string][]*drEntry
	drsByHost    map[string][]*drEntry // exact hosts
	drsWild      []*drEntry            // wildcard hosts
	paByNS       map[string][]*kinds.PeerAuthentication
	// sidecarIx: the Sidecar resources (istio_sidecar.go), built on first use.
	sidecarIx *sidecarIndex
	// inferDests: 0 not yet known, 1 pilot adds the destinations of the
	// VirtualServices a Sidecar imports to its clusters, 2 it does not.
	inferDests int
	// gwPods: the pods each Istio Gateway ("ns/name") applies to.
	gwPods map[string][]*corev1.Pod
	// rejectsByPod: "ns/pod" -> keys of its NR filter_chain_not_found symptoms.
	rejectsByPod map[string][]string
	// noCluster: the NC symptoms that carry a request host.
	noCluster []*SymptomFact
	// gwapi indexes the Gateway API routes; nil when there are none.
	gwapi *gatewayAPIIndex
	// outsideMesh: the Envoy proxy pods istiod does not configure.
	outsideMesh map[string]bool
}

// BuildInput is what BuildFacts needs besides the objects.
type BuildInput struct {
	// Symptoms are the log groups (logscan.Aggregator.TakeGroups);
	// BuildFacts reorders the slice and keeps what it needs of the groups.
	Symptoms []*logscan.Symptom
	// Samples holds the groups' sample lines when they were taken with
	// TakeGroups; the facts then get them at Facts.FillSamples. Nil when
	// the groups carry their Samples.
	Samples *logscan.SampleSet
	// Admin maps a proxy pod to the clusters of its /clusters output.
	Admin map[Ref][]envoyadmin.Cluster
	// Coverage: kind -> collector status.
	Coverage map[string]string
	// PreviousTails: "ns/pod/container" -> last lines of its previous log.
	PreviousTails map[string][]string
	// Docker is what was read about a Docker host or Swarm (nil: none).
	Docker *docker.Inventory
}

// BuildFacts derives the rule-facing facts. The order matters: services
// before workloads (which services a workload backs), symptoms before the
// mesh facts (which count them).
func BuildFacts(s *kinds.Store, in BuildInput) *Facts {
	b := &builder{
		s: s, ix: newIndex(s),
		facts:         &Facts{Coverage: in.Coverage},
		cluster:       &ClusterFact{},
		tails:         in.PreviousTails,
		samples:       in.Samples,
		serviceByKey:  map[string]*ServiceFact{},
		svcByWorkload: map[Ref][]*ServiceFact{},
		workloadByRef: map[Ref]*WorkloadFact{},
		upstreamNames: map[string]*corev1.Service{},
		drByFQDN:      map[string][]*kinds.DestinationRule{},
		drFacts:       map[string][]*DestinationRuleFact{},
		subsetByName:  map[string]*SubsetFact{},
	}
	if b.facts.Coverage == nil {
		b.facts.Coverage = map[string]string{}
	}
	b.indexTemplates()
	b.buildServices()
	b.buildWorkloads()
	b.linkWorkloadsToServices()
	b.readMeshConfig()
	b.indexDestinationRules()
	b.indexGatewayPods()
	b.indexUpstreamNames()
	b.indexConfigUpstreams()
	b.indexAdminClusters(in.Admin)
	b.buildDocker(in.Docker)
	b.indexGatewayAPI()
	b.indexOutsideMesh()
	b.buildSymptoms(in.Symptoms)
	b.linkDockerSymptoms()
	// The facts hold what they need of the groups (their strings and
	// samples); the group structs, tens of thousands on a big bundle,
	// need not stay live while the rest is derived.
	in.Symptoms = nil
	b.symsByFQDN = map[string][]*SymptomFact{}
	for _, sf := range b.facts.Symptoms {
		if sf.FQDN != "" {
			b.symsByFQDN[sf.FQDN] = append(b.symsByFQDN[sf.FQDN], sf)
		}
	}
	b.buildDestinationRules()
	b.buildRoutes()
	b.buildVirtualServices()
	b.buildGateways()
	b.countHostSymptoms()
	b.buildNodes()
	b.buildUpstreams(in.Admin)
	b.buildNetworkPolicies()
	b.buildPeerAuthentications()
	b.buildGatewayAPI()
	b.buildCluster()
	b.facts.Timeline = b.buildTimeline()
	b.facts.Warnings = b.meshWarnings
	if b.samples != nil {
		b.facts.pending = &pendingSamples{set: b.samples, refs: b.sampleRefs}
	}
	return b.facts
}

func (b *builder) linkWorkloadsToServices() {
	for _, w := range b.facts.Workloads {
		w.Services = []Ref{}
		w.ServicesWithoutReady = []Ref{}
		w.UnreadySubsets = []string{}
		w.ZeroReplicaFor = []Ref{}
		w.ZeroReplicaEvidence = []Evidence{}
		for _, sf := range b.svcByWorkload[w.Ref] {
			w.Services = append(w.Services, sf.Ref)
			w.Keys = append(w.Keys, "svc:"+key(sf.Namespace, sf.Name))
			if sf.NoReadyBackends {
				w.ServicesWithoutReady = append(w.ServicesWithoutReady, sf.Ref)
				w.BacksUnreadyService = true
				w.Outage = true
				if sf.MatchedPods == 0 && slices.Contains(sf.ZeroReplicaWorkloads, w.Ref) {
					w.ZeroReplicaFor = append(w.ZeroReplicaFor, sf.Ref)
					w.ZeroReplicaEvidence = append(w.ZeroReplicaEvidence, sf.Evidence...)
				}
			}
		}
	}
}

// countHostSymptoms adds per-host symptom counts to DestinationRules.
func (b *builder) countHostSymptoms() {
	for _, sf := range b.facts.Symptoms {
		for _, d := range b.drFacts[sf.FQDN] {
			switch {
			case sf.Kind == "UH":
				d.UHCount += sf.Count
			case sf.Kind == "UO":
				d.UOCount += sf.Count
			case connectFailureKinds[sf.Kind]:
				d.ConnectFailureCount += sf.Count
			}
			if sf.Code >= 500 && sf.Details == "via_upstream" {
				d.Upstream5xxCount += sf.Count
			}
		}
	}
}

// buildNetworkPolicies finds, for each Service, the proxies known to send
// to it and whether any ingress policy selecting its pods admits them.
func (b *builder) buildNetworkPolicies() {
	s := b.s
	policies := kinds.NetworkPolicies.In(s)
	if len(policies) == 0 {
		return
	}
	clients := b.knownClients()
	type verdict struct {
		blocked  map[string]bool
		services map[Ref]bool
	}
	verdicts := map[string]*verdict{}
	for _, sf := range b.facts.Services {
		cl := clients[sf.Ref]
		if !sf.HasSelector || len(cl) == 0 {
			continue
		}
		pods := b.ix.selectPods(sf.Namespace, sf.Selector)
		if len(pods) == 0 {
			continue
		}
		backend := pods[0]
		var selecting []*networkingv1.NetworkPolicy
		for _, np := range inKeyOrder(policies) {
			if np.Namespace == backend.Namespace && isIngressPolicy(np) && selectorMatches(&np.Spec.PodSelector, backend.Labels) {
				selecting = append(selecting, np)
			}
		}
		if len(selecting) == 0 {
			continue
		}
		for _, c := range cl {
			admitted := false
			for _, np := range selecting {
				if policyAdmits(np, c, b.namespaceLabels(c.Namespace), sf, backend) {
					admitted = true
					break
				}
			}
			if admitted {
				continue
			}
			for _, np := range selecting {
				k := key(np.Namespace, np.Name)
				v := verdicts[k]
				if v == nil {
					v = &verdict{blocked: map[string]bool{}, services: map[Ref]bool{}}
					verdicts[k] = v
				}
				v.blocked[c.Namespace+"/"+c.Name] = true
				v.services[sf.Ref] = true
			}
		}
	}
	for _, k := range sortedKeys(policies) {
		np := policies[k]
		f := &NetworkPolicyFact{Ref: Ref{Kind: "NetworkPolicy", Namespace: np.Namespace, Name: np.Name},
			IngressRules: isIngressPolicy(np), Services: []Ref{}, BlockedClients: []string{}, BlockedServices: []Ref{}}
		svcs := map[Ref]bool{}
		for _, p := range b.ix.podsByNS[np.Namespace] {
			if !podTerminal(p) && selectorMatches(&np.Spec.PodSelector, p.Labels) {
				f.SelectedPods++
				for _, sf := range b.svcByWorkload[b.ix.owner[p]] {
					svcs[sf.Ref] = true
				}
			}
		}
		f.Services = sortedRefs(svcs)
		f.Keys = []string{"np:" + k}
		if v := verdicts[k]; v != nil {
			f.BlockedClients = sortedSet(v.blocked)
			f.BlockedServices = sortedRefs(v.services)
			for _, r := range f.BlockedServices {
				f.Keys = append(f.Keys, "svc:"+key(r.Namespace, r.Name))
			}
			f.Evidence = append(f.Evidence, Evidence{Kind: "Object", Ref: f.Ref.String(),
				Text: fmt.Sprintf("selects %d pod(s) for ingress; no ingress rule of any policy on them admits %s", f.SelectedPods, strings.Join(firstN(f.BlockedClients, 4), ", "))})
		}
		b.facts.NetworkPolicies = append(b.facts.NetworkPolicies, f)
	}
}

// knownClients lists, per Service, the proxy pods known to send to it: the
// reporters of its symptoms, the pods of gateways whose routes lead to it,
// and ingress-nginx controllers whose Ingresses name it.
func (b *builder) knownClients() map[Ref][]*corev1.Pod {
	out := map[Ref][]*corev1.Pod{}
	seen := map[string]bool{}
	add := func(svc Ref, p *corev1.Pod) {
		k := svc.String() + "|" + p.Namespace + "/" + p.Name
		if p == nil || seen[k] {
			return
		}
		seen[k] = true
		out[svc] = append(out[svc], p)
	}
	for _, sf := range b.facts.Symptoms {
		if !sf.ServiceFound || sf.Reporter.Name == "" {
			continue
		}
		if p, ok := kinds.Pods.In(b.s)[key(sf.Reporter.Namespace, sf.Reporter.Name)]; ok {
			add(sf.Service, p)
		}
	}
	for _, r := range b.facts.Routes {
		if !r.ServiceFound {
			continue
		}
		for _, g := range r.Gateways {
			for _, p := range b.gwPods[gatewayRefKey(g, r.VirtualService.Namespace)] {
				add(r.Service, p)
			}
		}
	}
	var nginx []*corev1.Pod
	for _, p := range b.ix.pods {
		if w := b.workloadByRef[b.ix.owner[p]]; w != nil && w.Role == "ingress-nginx" {
			nginx = append(nginx, p)
		}
	}
	for _, ing := range inKeyOrder(kinds.Ingresses.In(b.s)) {
		for _, rule := range ing.Spec.Rules {
			if rule.HTTP == nil {
				continue
			}
			for _, path := range rule.HTTP.Paths {
				if path.Backend.Service == nil {
					continue
				}
				ref := Ref{Kind: "Service", Namespace: ing.Namespace, Name: path.Backend.Service.Name}
				for _, p := range nginx {
					add(ref, p)
				}
			}
		}
	}
	return out
}

func isIngressPolicy(np *networkingv1.NetworkPolicy) bool {
	if len(np.Spec.PolicyTypes) == 0 {
		return true // Ingress is always implied when policyTypes is unset
	}
	for _, t := range np.Spec.PolicyTypes {
		if t == networkingv1.PolicyTypeIngress {
			return true
		}
	}
	return false
}

// policyAdmits evaluates one policy's ingress rules for traffic from client
// to backend on the Service's target ports.
func policyAdmits(np *networkingv1.NetworkPolicy, client *corev1.Pod, clientNSLabels map[string]string, sf *ServiceFact, backend *corev1.Pod) bool {
	for _, rule := range np.Spec.Ingress {
		if !portsAdmit(rule.Ports, sf, backend) {
			continue
		}
		if len(rule.From) == 0 {
			return true
		}
		for _, peer := range rule.From {
			switch {
			case peer.IPBlock != nil:
				if ipInBlock(client.Status.PodIP, peer.IPBlock) {
					return true
				}
			case peer.NamespaceSelector != nil:
				if selectorMatches(peer.NamespaceSelector, clientNSLabels) && (peer.PodSelector == nil || selectorMatches(peer.PodSelector, client.Labels)) {
					return true
				}
			case peer.PodSelector != nil:
				if client.Namespace == np.Namespace && selectorMatches(peer.PodSelector, client.Labels) {
					return true
				}
			}
		}
	}
	return false
}

func portsAdmit(ports []networkingv1.NetworkPolicyPort, sf *ServiceFact, backend *corev1.Pod) bool {
	if len(ports) == 0 {
		return true
	}
	targets := map[string]bool{}
	for _, sp := range sf.Ports {
		targets[sp.TargetPort] = true
		// resolve a named target port to its number and back
		for _, c := range backend.Spec.Containers {
			for _, cp := range c.Ports {
				if cp.Name == sp.TargetPort || fmt.Sprint(cp.ContainerPort) == sp.TargetPort {
					targets[cp.Name] = true
					targets[fmt.Sprint(cp.ContainerPort)] = true
				}
			}
		}
	}
	for _, p := range ports {
		if p.Port == nil {
			return true
		}
		v := p.Port.String()
		if p.Port.Type == intstr.Int && p.EndPort != nil {
			for _, sp := range sf.Ports {
				var n int
				if _, err := fmt.Sscan(sp.TargetPort, &n); err == nil && n >= int(p.Port.IntVal) && n <= int(*p.EndPort) {
					return true
				}
			}
		}
		if targets[v] {
			return true
		}
	}
	return false
}

func ipInBlock(ip string, blk *networkingv1.IPBlock) bool {
	addr := net.ParseIP(ip)
	if addr == nil {
		return true // unknown client address: cannot say the block excludes it
	}
	_, cidr, err := net.ParseCIDR(blk.CIDR)
	if err != nil || !cidr.Contains(addr) {
		return false
	}
	for _, ex := range blk.Except {
		if _, c, err := net.ParseCIDR(ex); err == nil && c.Contains(addr) {
			return false
		}
	}
	return true
}

func (b *builder) buildCluster() {
	c := b.cluster
	c.Keys = []string{"global:mesh", "global:dns"}
	if sf := b.serviceByKey["kube-system/kube-dns"]; sf != nil {
		c.DNSService, c.DNSServiceFound, c.DNSReadyBackends = sf.Ref, true, sf.ReadyBackends
		c.DNSEvidence = append(c.DNSEvidence, sf.Evidence...)
	}
	for _, w := range b.facts.Workloads {
		switch w.Role {
		case "coredns":
			if !c.DNSWorkloadFound || w.Kind == "Deployment" {
				c.DNSWorkload, c.DNSWorkloadFound, c.DNSPods, c.DNSReadyPods = w.Ref, true, w.Pods, w.ReadyPods
				c.DNSEvidence = append(c.DNSEvidence, w.CrashEvidence...)
				c.DNSEvidence = append(c.DNSEvidence, w.ProbeEvidence...)
				c.DNSEvidence = append(c.DNSEvidence, w.PodEvidence...)
			}
		case "istiod":
			if !c.IstiodFound || w.Kind == "Deployment" {
				c.IstiodWorkload, c.IstiodFound, c.IstiodPods, c.IstiodReady = w.Ref, true, w.Pods, w.ReadyPods
				c.IstiodEvid = append(c.IstiodEvid, w.CrashEvidence...)
				c.IstiodEvid = append(c.IstiodEvid, w.ProbeEvidence...)
				c.IstiodEvid = append(c.IstiodEvid, w.PodEvidence...)
				if w.Pods == 0 {
					c.IstiodEvid = append(c.IstiodEvid, Evidence{Kind: "Object", Ref: w.Ref.String(), Text: fmt.Sprintf("desired replicas %d, no pods", w.Desired)})
				}
			}
		}
	}
	c.MeshInUse = len(kinds.VirtualServices.In(b.s))+len(kinds.DestinationRules.In(b.s))+len(kinds.IstioGateways.In(b.s)) > 0
	for _, p := range kinds.Pods.In(b.s) {
		if hasSidecar(p) {
			c.MeshInUse = true
			break
		}
	}
	for i, sf := range b.facts.Symptoms {
		if !dnsKinds[sf.Kind] || len(c.DNSEvidence) >= 8 {
			continue
		}
		samples := sf.Samples
		if b.samples != nil {
			samples = b.samples.Lines(b.sampleRefs[i])
		}
		if len(samples) > 0 {
			c.DNSEvidence = append(c.DNSEvidence, Evidence{Kind: "LogLine", Ref: sf.Reporter.String(), Text: samples[0]})
		}
	}
	if c.DNSEvidence == nil {
		c.DNSEvidence = []Evidence{}
	}
	if c.IstiodEvid == nil {
		c.IstiodEvid = []Evidence{}
	}
	b.facts.Cluster = []*ClusterFact{c}
}
