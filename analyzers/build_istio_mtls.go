package analyzers

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/kinds"
)

// plaintextRejectKinds are the failures a client outside the mesh sees when
// it sends plaintext to a port whose sidecar (or ztunnel) requires mTLS:
// the server's proxy finds no filter chain for a plaintext connection and
// closes or resets it (istio/istio#27169: "Are you configuring strict
// mTLS? if so, this is expected, as the clients will not send mtls").
// nginx says the upstream closed or reset the connection (502), HAProxy
// logs SH, an Envoy outside the mesh UC.
var plaintextRejectKinds = map[string]bool{
	logscan.KindIngress502:         true,
	logscan.KindNginxUpstreamReset: true,
	logscan.KindNginxConnectFailed: true,
	logscan.KindHAProxyServerAbort: true,
	"UC":                           true, "UR": true, "UPE": true,
}

// plainClient is one client outside the mesh of one Service.
type plainClient struct {
	desc    string // "Pod ingress-nginx/ingress-nginx-controller-7d9 (ingress-nginx)"
	how     string // why it is outside the mesh: "no sidecar, not ambient"
	port    int    // the container port it reaches, 0 = any of the Service's
	symptom *SymptomFact
	ingress Ref // the Ingress that routes it there, for a client known from the objects alone
}

// buildPeerAuthentications makes the PeerAuthentication facts: each policy
// with the Services whose pods it makes require mTLS on a port that a
// client outside the mesh sends plaintext to. Those clients are the
// reporters of failure lines for the Service that have no sidecar and are
// not ambient (or logs of unknown origin that no Envoy wrote: a proxy
// outside the cluster), and the ingress-nginx controllers without sidecar
// whose Ingresses route to the Service.
func (b *builder) buildPeerAuthentications() {
	pas := kinds.PeerAuthentications.In(b.s)
	if len(pas) == 0 {
		return
	}
	// One group per policy, client, Service, port and verdict: its
	// evidence names every server pod in that situation once.
	type group struct {
		client   plainClient
		svc      Ref
		port     int
		verdict  string
		insts    []string
		symptoms []string // the client's failure groups
		judged   bool     // from pod templates
	}
	type hit struct {
		services map[Ref]bool
		clients  map[string]bool
		symptoms map[string]int64
		groups   []*group
	}
	hits := map[*kinds.PeerAuthentication]*hit{}
	groupOf := map[string]*group{}
	count := map[string]int64{}
	for _, sf := range b.facts.Symptoms {
		count[sf.ID] = sf.Count
	}
	byService := b.plaintextClients()
	svcRefs := make([]Ref, 0, len(byService))
	for r := range byService {
		svcRefs = append(svcRefs, r)
	}
	sort.Slice(svcRefs, func(i, j int) bool { return svcRefs[i].String() < svcRefs[j].String() })
	for _, svcRef := range svcRefs {
		svc := kinds.Services.In(b.s)[key(svcRef.Namespace, svcRef.Name)]
		if svc == nil {
			continue
		}
		insts, fromTemplates := b.hostInstances(svc, b.ix.selectPods(svc.Namespace, svc.Spec.Selector))
		for _, c := range byService[svcRef] {
			for _, x := range insts {
				if !x.inMesh {
					continue
				}
				ports := targetPorts(svc, x.pod)
				if c.port != 0 {
					ports = []int{c.port}
				}
				for _, port := range ports {
					v := b.peerAuthFor(x.ns, x.labels, port)
					if v.mode != "STRICT" || v.policy == nil || !portCaptured(x.pod, port) {
						continue
					}
					h := hits[v.policy]
					if h == nil {
						h = &hit{services: map[Ref]bool{}, clients: map[string]bool{}, symptoms: map[string]int64{}}
						hits[v.policy] = h
					}
					h.services[svcRef] = true
					h.clients[c.desc] = true
					gk := fmt.Sprintf("%p|%s|%s|%d|%s", v.policy, c.desc, svcRef, port, v.text())
					g := groupOf[gk]
					if g == nil {
						g = &group{client: c, svc: svcRef, port: port, verdict: v.text(), judged: fromTemplates}
						groupOf[gk] = g
						h.groups = append(h.groups, g)
					}
					if c.symptom != nil {
						h.symptoms[c.symptom.ID] = c.symptom.Count
						if !slices.Contains(g.symptoms, c.symptom.ID) {
							g.symptoms = append(g.symptoms, c.symptom.ID)
						}
					}
					if !slices.Contains(g.insts, x.String()) {
						g.insts = append(g.insts, x.String())
					}
					for _, k := range b.filterChainRejects(x.pod) {
						id := strings.TrimPrefix(k, "symptom:")
						h.symptoms[id] = count[id]
					}
					break
				}
			}
		}
	}
	evidenceOf := func(pa *kinds.PeerAuthentication, h *hit) []Evidence {
		var out []Evidence
		for _, g := range h.groups {
			if len(out) >= 8 {
				break
			}
			who := g.insts[0]
			if n := len(g.insts); n > 1 {
				who += fmt.Sprintf(" and %d more", n-1)
			}
			text := fmt.Sprintf("%s, %s, sends plaintext to Service %s/%s; %s require%s mTLS on port %d: %s",
				g.client.desc, g.client.how, g.svc.Namespace, g.svc.Name, who, map[bool]string{true: "", false: "s"}[len(g.insts) > 1], g.port, g.verdict)
			if g.judged {
				text += "; judged from the pod templates, no pods of the Service in the input"
			}
			switch {
			case len(g.symptoms) > 0:
				var n int64
				for _, id := range g.symptoms {
					n += count[id]
				}
				text += fmt.Sprintf("; %d failure line(s) of the client (%s)", n, strings.Join(g.symptoms, ", "))
			case g.client.ingress.Name != "":
				text += "; it routes there for " + g.client.ingress.String()
			}
			out = append(out, Evidence{Kind: "Object", Ref: "PeerAuthentication " + pa.Namespace + "/" + pa.Name, Text: text})
		}
		return out
	}
	for _, pa := range inKeyOrder(pas) {
		f := &PeerAuthenticationFact{Ref: Ref{Kind: "PeerAuthentication", Namespace: pa.Namespace, Name: pa.Name},
			StrictServices: []Ref{}, PlaintextClients: []string{}, PortLevel: []string{}}
		if pa.Spec.MTLS != nil {
			f.Mode = pa.Spec.MTLS.Mode
		}
		switch {
		case !noSelector(pa):
			f.Scope = "workload"
			f.SelectorText = selectorText(pa.Spec.Selector.MatchLabels)
		case pa.Namespace == b.mesh.rootNamespace:
			f.Scope = "mesh-wide"
		default:
			f.Scope = "namespace"
		}
		for _, p := range sortedKeys(pa.Spec.PortLevelMTLS) {
			f.PortLevel = append(f.PortLevel, p+"="+pa.Spec.PortLevelMTLS[p].Mode)
		}
		f.Keys = []string{"pa:" + key(pa.Namespace, pa.Name)}
		if h := hits[pa]; h != nil {
			f.StrictServices = sortedRefs(h.services)
			f.PlaintextClients = sortedSet(h.clients)
			ids := make([]string, 0, len(h.symptoms))
			for id, n := range h.symptoms {
				ids = append(ids, id)
				f.ClientSymptoms += n
			}
			sort.Strings(ids)
			for _, id := range ids {
				f.Keys = append(f.Keys, "symptom:"+id)
			}
			f.Evidence = evidenceOf(pa, h)
		}
		b.facts.PeerAuthentications = append(b.facts.PeerAuthentications, f)
	}
}

// filterChainRejects are the keys (symptom:<id>) of the server side of an
// mTLS mismatch: pod p's own proxy logging NR filter_chain_not_found, no
// filter chain of a STRICT inbound listener accepting a plaintext
// connection. Nil for a template or a pod that logged none.
func (b *builder) filterChainRejects(p *corev1.Pod) []string {
	if p == nil {
		return nil
	}
	if b.rejectsByPod == nil {
		b.rejectsByPod = map[string][]string{}
		for _, sf := range b.facts.Symptoms {
			if sf.Kind == "NR" && strings.Contains(sf.Details, "filter_chain_not_found") && sf.Reporter.Name != "" {
				k := key(sf.Reporter.Namespace, sf.Reporter.Name)
				b.rejectsByPod[k] = append(b.rejectsByPod[k], "symptom:"+sf.ID)
			}
		}
	}
	return b.rejectsByPod[key(p.Namespace, p.Name)]
}

// plaintextClients lists, per Service, the clients outside the mesh known
// to send to it, in a stable order.
func (b *builder) plaintextClients() map[Ref][]plainClient {
	out := map[Ref][]plainClient{}
	seen := map[string]bool{}
	add := func(svc Ref, c plainClient) {
		k := svc.String() + "|" + c.desc + "|" + strconv.Itoa(c.port)
		if c.symptom != nil {
			k += "|" + c.symptom.ID
		}
		if !seen[k] {
			seen[k] = true
			out[svc] = append(out[svc], c)
		}
	}
	for _, sf := range b.facts.Symptoms {
		if !sf.ServiceFound || !plaintextRejectKinds[sf.Kind] {
			continue
		}
		desc, how, ok := b.outOfMeshReporter(sf)
		if !ok {
			continue
		}
		add(sf.Service, plainClient{desc: desc, how: how, port: b.symptomPort(sf), symptom: sf})
	}
	// ingress-nginx controllers without a sidecar, and the Services
	// their Ingresses route to.
	var nginx []*corev1.Pod
	for _, p := range b.ix.pods {
		if podTerminal(p) {
			continue
		}
		if w := b.workloadByRef[b.ix.owner[p]]; w != nil && w.Role == "ingress-nginx" {
			if in, known, _ := b.podMesh(p); !in && known {
				nginx = append(nginx, p)
			}
		}
	}
	if len(nginx) == 0 {
		return out
	}
	for _, ing := range inKeyOrder(kinds.Ingresses.In(b.s)) {
		for _, rule := range ing.Spec.Rules {
			if rule.HTTP == nil {
				continue
			}
			for _, path := range rule.HTTP.Paths {
				be := path.Backend.Service
				if be == nil {
					continue
				}
				svc, ok := kinds.Services.In(b.s)[key(ing.Namespace, be.Name)]
				if !ok {
					continue
				}
				port := 0
				for _, sp := range svc.Spec.Ports {
					if (be.Port.Name != "" && sp.Name == be.Port.Name) || (be.Port.Number != 0 && sp.Port == be.Port.Number) {
						pods := b.ix.selectPods(svc.Namespace, svc.Spec.Selector)
						var p *corev1.Pod
						if len(pods) > 0 {
							p = pods[0]
						}
						port = targetPort(sp, p)
					}
				}
				ref := Ref{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name}
				for _, p := range nginx {
					_, _, how := b.podMesh(p)
					add(ref, plainClient{desc: fmt.Sprintf("Pod %s/%s (ingress-nginx)", p.Namespace, p.Name), how: how, port: port,
						ingress: Ref{Kind: "Ingress", Namespace: ing.Namespace, Name: ing.Name}})
				}
			}
		}
	}
	return out
}

// outOfMeshReporter describes the reporter of sf when it is outside the
// mesh, and how: a pod of the input with no sidecar that is not ambient,
// or a log of unknown origin in a format no Envoy writes (a proxy outside
// the cluster). ok is false for a proxy of the mesh or one it cannot tell.
func (b *builder) outOfMeshReporter(sf *SymptomFact) (desc, how string, ok bool) {
	if sf.Reporter.Kind != "Pod" { // a log of unknown origin, a Docker container
		if logscan.Format(sf.Format).Spec().Mesh {
			return "", "", false
		}
		return "a " + sf.Format + " log of unknown origin", "a proxy outside the cluster", true
	}
	p, found := kinds.Pods.In(b.s)[key(sf.Reporter.Namespace, sf.Reporter.Name)]
	if !found {
		return "", "", false
	}
	in, known, how := b.podMesh(p)
	if in || !known {
		return "", "", false
	}
	desc = fmt.Sprintf("Pod %s/%s", p.Namespace, p.Name)
	if sf.ReporterRole != "" {
		desc += " (" + sf.ReporterRole + ")"
	}
	return desc, how, true
}

// symptomPort is the container port a symptom's client reached: the port
// of its upstream address when that is a pod IP; 0 when the line does
// not tell (then every port of the Service counts).
func (b *builder) symptomPort(sf *SymptomFact) int {
	for _, a := range []string{sf.UpstreamHost, upstreamAddress(sf.Upstream)} {
		host, port, ok := strings.Cut(stripScheme(a), ":")
		if !ok {
			continue
		}
		if i := strings.IndexByte(port, '/'); i >= 0 {
			port = port[:i]
		}
		n, err := strconv.Atoi(port)
		if err != nil {
			continue
		}
		if _, isPod := b.ix.podsByIP[host]; isPod {
			return n
		}
		if svc, isSvc := b.ix.svcByIP[host]; isSvc {
			pods := b.ix.selectPods(svc.Namespace, svc.Spec.Selector)
			var p *corev1.Pod
			if len(pods) > 0 {
				p = pods[0]
			}
			for _, sp := range svc.Spec.Ports {
				if int(sp.Port) == n {
					return targetPort(sp, p)
				}
			}
		}
	}
	return 0
}

func stripScheme(a string) string {
	if i := strings.Index(a, "://"); i >= 0 {
		return a[i+3:]
	}
	return a
}

// upstreamAddress is the address part of an nginx upstream URL
// ("http://10.0.0.1:8080/path"), or "".
func upstreamAddress(u string) string {
	if !strings.Contains(u, "://") {
		return ""
	}
	return stripScheme(u)
}
