package analyzers

import (
	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/report"
)

// The fact types below are what rules see. Each rule iterates one domain
// (a slice of Facts) and reads fields by their `cel` names. They are
// computed once per snapshot, so a rule condition is a cheap comparison of
// precomputed numbers and lists, never a scan over the cluster.
//
// Keys link facts with each other and with symptoms: two findings are
// related when they share a key. Key shapes:
//
//	svc:<ns>/<name>            a Service
//	host:<fqdn>                a mesh host (name.ns.svc.cluster.local or an external host)
//	subset:<ns>/<svc>/<subset> a DestinationRule subset of a Service
//	pod:<ns>/<name>            a pod (e.g. the proxy that logged a symptom)
//	wl:<Kind>/<ns>/<name>      a workload
//	gw:<ns>/<name>             an Istio Gateway
//	upstream:<name>            an nginx/HAProxy upstream that maps to no Service
//	global:mesh                every Envoy symptom (the control plane feeds them all)
//	global:dns                 every name-resolution symptom
//	docker:<ns>/<name>         a Docker service or lone container (docker_facts.go)
//	container:<name>           a Docker container
//
// and the Gateway API's gateway:, route: and rule: keys (facts_gatewayapi.go).

// Ref names an object. It is the report's type, so the object a rule names
// is the one the report shows.
type Ref = report.Ref

// Evidence is one piece of evidence a rule can cite; the report's type.
type Evidence = report.Evidence

// ServicePort is one port of a Service.
type ServicePort struct {
	Name       string `cel:"name"`
	Port       int    `cel:"port"`
	TargetPort string `cel:"targetPort"` // number or name, as written ("" = same as port)
	Protocol   string `cel:"protocol"`
}

// ServiceFact is one Service and what backs it.
type ServiceFact struct {
	Ref          Ref               `cel:"ref"`
	Namespace    string            `cel:"namespace"`
	Name         string            `cel:"name"`
	Type         string            `cel:"type"`
	Headless     bool              `cel:"headless"`
	HasSelector  bool              `cel:"hasSelector"`
	Selector     map[string]string `cel:"selector"`
	SelectorText string            `cel:"selectorText"`
	Ports        []ServicePort     `cel:"ports"`
	FQDN         string            `cel:"fqdn"`

	// Pods matched by the selector (terminal Succeeded/Failed pods excluded).
	MatchedPods     int `cel:"matchedPods"`
	ReadyPods       int `cel:"readyPods"`
	RunningPods     int `cel:"runningPods"`
	PendingPods     int `cel:"pendingPods"`
	TerminatingPods int `cel:"terminatingPods"`
	// Workloads owning the matched pods, and workloads whose pod template
	// matches the selector (these exist even at 0 replicas).
	Workloads         []Ref `cel:"workloads"`
	TemplateWorkloads []Ref `cel:"templateWorkloads"`
	// ZeroReplicaWorkloads are template-matching workloads with 0 desired replicas.
	ZeroReplicaWorkloads []Ref `cel:"zeroReplicaWorkloads"`

	// EndpointsCoverage: "ok" when EndpointSlices or Endpoints were
	// collected, else the collector status ("forbidden", "failed") or "unknown".
	EndpointsCoverage    string `cel:"endpointsCoverage"`
	EndpointsKnown       bool   `cel:"endpointsKnown"`
	Slices               int    `cel:"slices"`
	Endpoints            int    `cel:"endpoints"`
	ReadyEndpoints       int    `cel:"readyEndpoints"`
	ServingEndpoints     int    `cel:"servingEndpoints"`
	TerminatingEndpoints int    `cel:"terminatingEndpoints"`
	// SlicesWithoutPorts counts slices that list endpoints but no port
	// (the EndpointSlice controller's mark of an unresolvable named targetPort).
	SlicesWithoutPorts int `cel:"slicesWithoutPorts"`
	// ReadyBackends is ReadyEndpoints when endpoints are known, else ReadyPods.
	ReadyBackends int `cel:"readyBackends"`
	// NoReadyBackends: the Service has a selector and nothing ready behind it.
	NoReadyBackends bool `cel:"noReadyBackends"`
	// ReadyPodsMissingFromEndpoints: ready matched pods that no endpoint lists.
	ReadyPodsMissingFromEndpoints int `cel:"readyPodsMissingFromEndpoints"`

	// NearMiss describes pods in the namespace that look meant for this
	// Service but whose labels the selector does not match.
	NearMiss NearMiss `cel:"nearMiss"`

	// MissingNamedPorts are named targetPorts no matched container declares.
	MissingNamedPorts []string `cel:"missingNamedPorts"`
	// UndeclaredPorts are numeric targetPorts that no matched container
	// declares while the containers do declare other ports.
	UndeclaredPorts []string `cel:"undeclaredPorts"`
	// DeclaredPorts lists container ports of the matched pods ("http/8080").
	DeclaredPorts []string `cel:"declaredPorts"`

	// NotReadyNodes hosting matched pods; AllPodsOnNotReadyNodes when every
	// matched pod sits on one.
	NotReadyNodes          []string `cel:"notReadyNodes"`
	AllPodsOnNotReadyNodes bool     `cel:"allPodsOnNotReadyNodes"`

	// SymptomCount is the number of failure lines whose upstream is this Service.
	SymptomCount int64 `cel:"symptomCount"`
	// ConnectFailures counts UF/UC/connection-refused/reset lines for it.
	ConnectFailures int64 `cel:"connectFailures"`

	Evidence []Evidence `cel:"evidence"`
	Keys     []string   `cel:"keys"`
}

// NearMiss is the closest label set to a selector that matches nothing.
type NearMiss struct {
	Found bool `cel:"found"`
	// Owner is the workload (or pod) carrying the labels.
	Owner  Ref    `cel:"owner"`
	Labels string `cel:"labels"`
	// Diff says what differs ("app=reveiws in selector, app=reviews on pods").
	Diff string `cel:"diff"`
	Pods int    `cel:"pods"`
}

// WorkloadFact is a Deployment, StatefulSet, DaemonSet, a ReplicaSet
// without Deployment, or a bare Pod, with the state of its pods.
type WorkloadFact struct {
	Ref       Ref               `cel:"ref"`
	Kind      string            `cel:"kind"`
	Namespace string            `cel:"namespace"`
	Name      string            `cel:"name"`
	Labels    map[string]string `cel:"labels"` // pod template labels
	Desired   int               `cel:"desired"`
	Strategy  string            `cel:"strategy"`

	Pods                int `cel:"pods"`
	ReadyPods           int `cel:"readyPods"`
	RunningPods         int `cel:"runningPods"`
	PendingPods         int `cel:"pendingPods"`
	TerminatingPods     int `cel:"terminatingPods"`
	CrashLoopPods       int `cel:"crashLoopPods"`
	OOMKilledPods       int `cel:"oomKilledPods"`
	ImagePullPods       int `cel:"imagePullPods"`
	UnschedulablePods   int `cel:"unschedulablePods"`
	RunningNotReadyPods int `cel:"runningNotReadyPods"`
	// ProbeFailingPods: running, not ready, with readiness-probe failures
	// recorded in events (or, without events, containers running but not ready).
	ProbeFailingPods int `cel:"probeFailingPods"`
	// SidecarNotReadyPods: the istio-proxy container is the only one not ready.
	SidecarNotReadyPods int `cel:"sidecarNotReadyPods"`
	OnNotReadyNodePods  int `cel:"onNotReadyNodePods"`
	MaxRestarts         int `cel:"maxRestarts"`

	// Services whose selector matches these pods (or the template).
	Services []Ref `cel:"services"`
	// ServicesWithoutReady: of those, the ones with no ready backend.
	ServicesWithoutReady []Ref `cel:"servicesWithoutReady"`
	BacksUnreadyService  bool  `cel:"backsUnreadyService"`
	// ZeroReplicaFor are the Services that select no pod and whose pod
	// template this workload carries at 0 desired replicas: scaling it up
	// is what gives them a backend. ZeroReplicaEvidence is their evidence.
	ZeroReplicaFor      []Ref      `cel:"zeroReplicaFor"`
	ZeroReplicaEvidence []Evidence `cel:"zeroReplicaEvidence"`
	// UnreadySubsets are DestinationRule subsets ("reviews/v1") whose only
	// pods are this workload's and none is ready.
	UnreadySubsets []string `cel:"unreadySubsets"`
	// Outage: the workload is all that stands behind a Service or subset
	// that has nothing ready, so its pods' state is a cause of 503s.
	Outage bool `cel:"outage"`
	// Role is "istiod", "coredns", "ztunnel", "gateway", "ingress-nginx" or "".
	Role string `cel:"role"`

	ProbeMessage      string `cel:"probeMessage"`
	CrashMessage      string `cel:"crashMessage"`
	ImageMessage      string `cel:"imageMessage"`
	SchedulingMessage string `cel:"schedulingMessage"`

	ProbeEvidence      []Evidence `cel:"probeEvidence"`
	CrashEvidence      []Evidence `cel:"crashEvidence"`
	ImageEvidence      []Evidence `cel:"imageEvidence"`
	SchedulingEvidence []Evidence `cel:"schedulingEvidence"`
	SidecarEvidence    []Evidence `cel:"sidecarEvidence"`
	PodEvidence        []Evidence `cel:"podEvidence"`
	Keys               []string   `cel:"keys"`
}

// SubsetFact is one subset of a DestinationRule.
type SubsetFact struct {
	DestinationRule Ref               `cel:"destinationRule"`
	Name            string            `cel:"name"`
	Host            string            `cel:"host"`
	FQDN            string            `cel:"fqdn"`
	Service         Ref               `cel:"service"`
	ServiceFound    bool              `cel:"serviceFound"`
	Labels          map[string]string `cel:"labels"`
	LabelsText      string            `cel:"labelsText"`
	// HostPods are the pods behind the host's Service; MatchingPods those
	// that also carry the subset labels.
	HostPods          int `cel:"hostPods"`
	ReadyHostPods     int `cel:"readyHostPods"`
	MatchingPods      int `cel:"matchingPods"`
	ReadyMatchingPods int `cel:"readyMatchingPods"`
	// PresentLabels lists the values the host's pods carry for the subset's
	// label keys ("version=v2", "version=v3"), the labels Istio adds to
	// every endpoint (zone, node, network) included.
	PresentLabels []string `cel:"presentLabels"`
	// With no pod of the host in the input, the subset is judged against
	// the pod templates of the workloads the host's Service selects:
	// HostTemplates are those workloads, MatchingTemplates the ones whose
	// template carries the subset's labels. TemplatesJudged is false when
	// the subset selects on a label only a running pod has (its zone or
	// node), which no template can tell.
	HostTemplates     []Ref `cel:"hostTemplates"`
	MatchingTemplates []Ref `cel:"matchingTemplates"`
	TemplatesJudged   bool  `cel:"templatesJudged"`
	// Routed: some VirtualService routes to this subset.
	Routed       bool       `cel:"routed"`
	SymptomCount int64      `cel:"symptomCount"`
	Evidence     []Evidence `cel:"evidence"`
	Keys         []string   `cel:"keys"`
}

// RouteFact is one destination of one VirtualService route.
type RouteFact struct {
	VirtualService Ref    `cel:"virtualService"`
	Host           string `cel:"host"` // as written
	FQDN           string `cel:"fqdn"`
	Subset         string `cel:"subset"`
	Port           int    `cel:"port"`
	// Service is the Service the host resolves to (zero if none).
	Service           Ref  `cel:"service"`
	ServiceFound      bool `cel:"serviceFound"`
	ServiceEntryFound bool `cel:"serviceEntryFound"`
	// HostKnown: a Service or ServiceEntry defines the host and is
	// exported to the VirtualService's namespace (or one it is exported
	// to), and the Sidecar resources of the sidecars that run the route
	// give them a cluster for it. HostHidden: one defines it but its
	// exportTo keeps it from them, or a Sidecar's egress hosts do;
	// VisibilityText says which and how.
	HostKnown      bool   `cel:"hostKnown"`
	HostHidden     bool   `cel:"hostHidden"`
	VisibilityText string `cel:"visibilityText"`
	// Sidecar is the Sidecar whose egress hosts keep the host from the
	// sidecars that run the route (zero if none does).
	Sidecar         Ref      `cel:"sidecar"`
	DestinationRule Ref      `cel:"destinationRule"`
	DRFound         bool     `cel:"drFound"`
	DefinedSubsets  []string `cel:"definedSubsets"`
	// SubsetDefined: for every proxy namespace that runs the route (the
	// namespaces of the pods of the Gateways it is bound to, or its own
	// for the mesh), the DestinationRule pilot applies there defines the
	// subset. SubsetText says where it is missing and why.
	SubsetDefined bool   `cel:"subsetDefined"`
	SubsetText    string `cel:"subsetText"`
	// PortMissing: the destination names a port number the host's
	// Service does not expose (ServicePorts are the ones it does). Pilot
	// builds the route to cluster outbound|port||host, which no Service
	// port makes: Envoy answers NC, as for an unknown host.
	PortMissing  bool  `cel:"portMissing"`
	ServicePorts []int `cel:"servicePorts"`
	// NearestService is a Service whose name is close to an unknown host.
	NearestService string     `cel:"nearestService"`
	Gateways       []string   `cel:"gateways"`
	SymptomCount   int64      `cel:"symptomCount"`
	Evidence       []Evidence `cel:"evidence"`
	Keys           []string   `cel:"keys"`
}

// VirtualServiceFact is one VirtualService and how it binds to gateways.
type VirtualServiceFact struct {
	Ref   Ref      `cel:"ref"`
	Hosts []string `cel:"hosts"`
	// Gateways as written; MissingGateways those that name no Gateway found.
	Gateways        []string `cel:"gateways"`
	MissingGateways []string `cel:"missingGateways"`
	BoundToMesh     bool     `cel:"boundToMesh"`
	GatewaysKnown   bool     `cel:"gatewaysKnown"`
	// UnboundGateways are Gateways it names that exist but take none of
	// its routes: no server host admits any of its hosts for its
	// namespace (ns/host, ./host, */host), or it is not exported to the
	// namespace of the Gateway's pods. Each entry says which and why.
	UnboundGateways []string   `cel:"unboundGateways"`
	NRCount         int64      `cel:"nrCount"`
	Evidence        []Evidence `cel:"evidence"`
	Keys            []string   `cel:"keys"`
}

// GatewayFact is one Istio Gateway and the pods its selector picks.
type GatewayFact struct {
	Ref          Ref               `cel:"ref"`
	Selector     map[string]string `cel:"selector"`
	SelectorText string            `cel:"selectorText"`
	MatchingPods int               `cel:"matchingPods"`
	ReadyPods    int               `cel:"readyPods"`
	// NearMissPods describes gateway-looking pods the selector misses.
	NearMissPods string   `cel:"nearMissPods"`
	Hosts        []string `cel:"hosts"`
	// BoundVirtualServices bind to this gateway; UnroutedHosts are server
	// hosts no bound VirtualService covers.
	BoundVirtualServices []string `cel:"boundVirtualServices"`
	UnroutedHosts        []string `cel:"unroutedHosts"`
	// NRCount counts route_not_found lines logged by this gateway's pods;
	// NRAuthorities the request hosts they carried.
	NRCount       int64      `cel:"nrCount"`
	NRAuthorities []string   `cel:"nrAuthorities"`
	Evidence      []Evidence `cel:"evidence"`
	Keys          []string   `cel:"keys"`
}

// DestinationRuleFact is one DestinationRule with the policies it sets.
type DestinationRuleFact struct {
	Ref          Ref    `cel:"ref"`
	Host         string `cel:"host"`
	FQDN         string `cel:"fqdn"`
	Service      Ref    `cel:"service"`
	ServiceFound bool   `cel:"serviceFound"`
	// TLSMode of the top-level traffic policy ("" when unset).
	TLSMode string `cel:"tlsMode"`
	// StrictConflicts: where the rule sets tls.mode DISABLE or SIMPLE
	// (top level, per port or per subset) for pods that enforce STRICT
	// mTLS on that port; StrictPeerAuth is the policy making the first of
	// them STRICT, StrictClientMode the client mode. PlainServerConflicts:
	// where it sets ISTIO_MUTUAL for pods with no sidecar that are not
	// ambient. Each entry says where and why.
	StrictConflicts      []string `cel:"strictConflicts"`
	StrictPeerAuth       Ref      `cel:"strictPeerAuth"`
	StrictClientMode     string   `cel:"strictClientMode"`
	PlainServerConflicts []string `cel:"plainServerConflicts"`
	// PeerAuthMode is the mTLS mode enforced on the host's pods by the most
	// specific PeerAuthentication ("" when none applies); PeerAuth names it.
	PeerAuthMode string `cel:"peerAuthMode"`
	PeerAuth     Ref    `cel:"peerAuth"`
	// ServerSidecars: how many of the host's pods run an istio-proxy.
	ServerPods     int `cel:"serverPods"`
	ServerSidecars int `cel:"serverSidecars"`

	OutlierDetection   bool `cel:"outlierDetection"`
	Consecutive5xx     int  `cel:"consecutive5xx"`
	MaxEjectionPercent int  `cel:"maxEjectionPercent"`
	// ConnectionLimit is the smallest connection-pool limit set (0 = none).
	ConnectionLimit int    `cel:"connectionLimit"`
	PoolText        string `cel:"poolText"`

	ReadyBackends int `cel:"readyBackends"`
	// Symptom counts for this host.
	UHCount             int64 `cel:"uhCount"`
	UOCount             int64 `cel:"uoCount"`
	ConnectFailureCount int64 `cel:"connectFailureCount"`
	Upstream5xxCount    int64 `cel:"upstream5xxCount"`
	// From Envoy /clusters of any proxy: hosts seen, ejected by outlier
	// detection, failing active health checks, for this host's clusters.
	AdminHosts          int        `cel:"adminHosts"`
	AdminEjectedHosts   int        `cel:"adminEjectedHosts"`
	AdminActiveHCFailed int        `cel:"adminActiveHCFailed"`
	Evidence            []Evidence `cel:"evidence"`
	Keys                []string   `cel:"keys"`
}

// PeerAuthenticationFact is one PeerAuthentication and the clients
// outside the mesh it locks out.
type PeerAuthenticationFact struct {
	Ref Ref `cel:"ref"`
	// Mode as written (STRICT, PERMISSIVE, DISABLE, UNSET, "").
	Mode string `cel:"mode"`
	// Scope: "mesh-wide" (root namespace, no selector), "namespace" or "workload".
	Scope        string   `cel:"scope"`
	SelectorText string   `cel:"selectorText"`
	PortLevel    []string `cel:"portLevel"`
	// StrictServices are Services whose pods in the mesh this policy makes
	// enforce STRICT mTLS on a port some client out of the mesh uses.
	StrictServices []Ref `cel:"strictServices"`
	// PlaintextClients are those clients: pods with no sidecar that are
	// not ambient (ingress-nginx, HAProxy, a plain pod, a Job), or a log
	// of a proxy outside the cluster, that send to those Services
	// (seen failing in their logs, or routing to them through an Ingress).
	PlaintextClients []string `cel:"plaintextClients"`
	// ClientSymptoms counts the failure lines of those clients for those
	// Services; the keys name their symptom groups (symptom:<id>).
	ClientSymptoms int64      `cel:"clientSymptoms"`
	Evidence       []Evidence `cel:"evidence"`
	Keys           []string   `cel:"keys"`
}

// NetworkPolicyFact is one NetworkPolicy and the traffic it blocks.
type NetworkPolicyFact struct {
	Ref          Ref  `cel:"ref"`
	IngressRules bool `cel:"ingress"`
	SelectedPods int  `cel:"selectedPods"`
	// Services backed by selected pods.
	Services []Ref `cel:"services"`
	// BlockedClients are proxy pods known to send to those Services (from
	// their logs or routes) that no policy admits; BlockedServices the
	// Services they fail to reach.
	BlockedClients  []string   `cel:"blockedClients"`
	BlockedServices []Ref      `cel:"blockedServices"`
	Evidence        []Evidence `cel:"evidence"`
	Keys            []string   `cel:"keys"`
}

// NodeFact is one Node.
type NodeFact struct {
	Ref    Ref      `cel:"ref"`
	Ready  string   `cel:"ready"` // True | False | Unknown, "" when the node reports no condition
	Taints []string `cel:"taints"`
	Pods   int      `cel:"pods"`
	// StrandedServices have no ready backend because every pod sits on a
	// not-ready node, this one among them.
	StrandedServices []Ref      `cel:"strandedServices"`
	Evidence         []Evidence `cel:"evidence"`
	Keys             []string   `cel:"keys"`
}

// UpstreamFact is one Envoy cluster seen in a proxy's /clusters output.
type UpstreamFact struct {
	Proxy          Ref    `cel:"proxy"`
	Name           string `cel:"name"`
	Service        Ref    `cel:"service"`
	ServiceFound   bool   `cel:"serviceFound"`
	Subset         string `cel:"subset"`
	FQDN           string `cel:"fqdn"`
	Hosts          int    `cel:"hosts"`
	Healthy        int    `cel:"healthy"`
	OutlierEjected int    `cel:"outlierEjected"`
	ActiveHCFailed int    `cel:"activeHCFailed"`
	EDSUnhealthy   int    `cel:"edsUnhealthy"`
	// DestinationRule configuring the host, if any.
	DestinationRule Ref        `cel:"destinationRule"`
	Evidence        []Evidence `cel:"evidence"`
	Keys            []string   `cel:"keys"`
}

// SymptomFact is one aggregated group of failure log lines.
type SymptomFact struct {
	ID           string `cel:"id"`
	Kind         string `cel:"kind"`
	Format       string `cel:"format"`
	Count        int64  `cel:"count"`
	Reporter     Ref    `cel:"reporter"`
	ReporterRole string `cel:"reporterRole"`
	// ReporterWorkload owns the reporting pod (zero when unknown).
	ReporterWorkload Ref    `cel:"reporterWorkload"`
	Upstream         string `cel:"upstream"`
	UpstreamHost     string `cel:"upstreamHost"`
	Service          Ref    `cel:"service"`
	ServiceFound     bool   `cel:"serviceFound"`
	// ServiceReady: the upstream Service has ready backends.
	ServiceReady bool     `cel:"serviceReady"`
	Subset       string   `cel:"subset"`
	FQDN         string   `cel:"fqdn"`
	Route        string   `cel:"route"`
	Authority    string   `cel:"authority"`
	Details      string   `cel:"details"`
	Code         int      `cel:"code"`
	Samples      []string `cel:"samples"`
	Keys         []string `cel:"keys"`
	// First/Last are RFC3339 or "".
	First string `cel:"first"`
	Last  string `cel:"last"`
	// rate is how the lines spread over time (ReportRate); nil when they
	// carry no time.
	rate *logscan.Rate
}

// ClusterFact holds cluster-wide facts (one item).
type ClusterFact struct {
	// DNS: the kube-dns Service in kube-system and the CoreDNS workload.
	DNSService       Ref   `cel:"dnsService"`
	DNSServiceFound  bool  `cel:"dnsServiceFound"`
	DNSReadyBackends int   `cel:"dnsReadyBackends"`
	DNSWorkload      Ref   `cel:"dnsWorkload"`
	DNSWorkloadFound bool  `cel:"dnsWorkloadFound"`
	DNSPods          int   `cel:"dnsPods"`
	DNSReadyPods     int   `cel:"dnsReadyPods"`
	DNSSymptoms      int64 `cel:"dnsSymptoms"`
	// Istio control plane.
	IstiodWorkload Ref  `cel:"istiodWorkload"`
	IstiodFound    bool `cel:"istiodFound"`
	IstiodPods     int  `cel:"istiodPods"`
	IstiodReady    int  `cel:"istiodReady"`
	// MeshInUse: sidecars, gateways or Istio resources exist.
	MeshInUse bool `cel:"meshInUse"`
	// EnvoySymptoms counts failure lines from Envoy proxies.
	EnvoySymptoms int64      `cel:"envoySymptoms"`
	DNSEvidence   []Evidence `cel:"dnsEvidence"`
	IstiodEvid    []Evidence `cel:"istiodEvidence"`
	Keys          []string   `cel:"keys"`
}

// Facts is the rule-facing view of a snapshot: one slice per domain.
type Facts struct {
	Services         []*ServiceFact
	Workloads        []*WorkloadFact
	Subsets          []*SubsetFact
	Routes           []*RouteFact
	VirtualServices  []*VirtualServiceFact
	Gateways         []*GatewayFact
	DestinationRules []*DestinationRuleFact
	// PeerAuthentications: every PeerAuthentication (peerAuthentications).
	PeerAuthentications []*PeerAuthenticationFact
	NetworkPolicies     []*NetworkPolicyFact
	Nodes               []*NodeFact
	Upstreams           []*UpstreamFact
	Symptoms            []*SymptomFact
	Cluster             []*ClusterFact
	DockerServices      []*DockerServiceFact
	// The Gateway API (facts_gatewayapi.go).
	GatewayAPIGateways []*GatewayAPIGatewayFact
	GatewayAPIRoutes   []*GatewayAPIRouteFact
	GatewayAPIBackends []*GatewayAPIBackendFact
	// Coverage maps an object kind ("EndpointSlice") to "ok", "forbidden",
	// "failed", "skipped" or "unknown" (absent from the map).
	Coverage map[string]string
	// Warnings are problems met while deriving the facts (an unreadable
	// mesh configuration); the loader adds them to the snapshot's.
	Warnings []string

	// Timeline is when the objects changed, read after ranking for the
	// root causes' changes (ChangesBefore). nil when not recorded.
	Timeline *Timeline

	// pending are the Symptoms' sample lines, still compressed, until
	// FillSamples.
	pending *pendingSamples
}

type pendingSamples struct {
	set  *logscan.SampleSet
	refs []logscan.SampleRefs // one per Symptoms entry
}

// FillSamples gives the Symptoms their sample lines when BuildFacts left
// them compressed (BuildInput.Samples); otherwise it does nothing. The
// loader (package load) calls it once the objects are garbage, before the
// facts leave it: on a big incident the lines are tens of MB that need not
// be live while the facts are derived.
func (f *Facts) FillSamples() {
	p := f.pending
	if p == nil {
		return
	}
	f.pending = nil
	for i, lines := range p.set.Fill(p.refs) {
		if i >= len(f.Symptoms) { // Symptoms cut by the caller since
			break
		}
		if lines == nil {
			lines = []string{}
		}
		f.Symptoms[i].Samples = lines
	}
}
