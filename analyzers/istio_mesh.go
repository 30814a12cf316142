package analyzers

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/nohealthy/nohealthy/kinds"
)

// What pilot applies to every proxy beyond the objects themselves: the
// mesh configuration (root namespace, exportTo defaults), which pods take
// part in the mesh, the labels it adds to every endpoint, and the mTLS
// mode each workload port enforces. Each function below names the istio/istio
// source it follows.

// defaultClusterID is the cluster an istiod serves when its CLUSTER_ID is
// not set (pilot/pkg/features: "Kubernetes").
const defaultClusterID = "Kubernetes"

// meshConfig is the part of Istio's MeshConfig the facts follow, with the
// defaults of pkg/config/mesh/mesh.go DefaultMeshConfig.
type meshConfig struct {
	rootNamespace string
	// The exportTo an object gets when it sets none.
	serviceExportTo, virtualServiceExportTo, destinationRuleExportTo []string
	// source names the ConfigMap read ("" = defaults only).
	source string
	// controlPlane is the namespace of istiod (where its ConfigMap and
	// the network label live).
	controlPlane string
	network      string
	// From istiod's environment (pilot/pkg/features): its cluster ID, and
	// whether a Gateway's selector is kept to its own namespace
	// (PILOT_SCOPE_GATEWAY_TO_NAMESPACE).
	clusterID               string
	scopeGatewayToNamespace bool
}

// meshConfigFile is the `mesh` key of the istio ConfigMap (YAML).
type meshConfigFile struct {
	RootNamespace                  string   `json:"rootNamespace"`
	DefaultServiceExportTo         []string `json:"defaultServiceExportTo"`
	DefaultVirtualServiceExportTo  []string `json:"defaultVirtualServiceExportTo"`
	DefaultDestinationRuleExportTo []string `json:"defaultDestinationRuleExportTo"`
}

// IsMeshConfig reports whether data key of ConfigMap name holds Istio's
// mesh configuration: the `mesh` key of `istio` (or `istio-<revision>`),
// which istiod reads in its own namespace.
func IsMeshConfig(name, key string) bool {
	return key == "mesh" && (name == "istio" || strings.HasPrefix(name, "istio-"))
}

// readMeshConfig reads the mesh configuration of the control plane: the
// istio ConfigMap in istiod's namespace (istio-<rev> when there is no
// plain one), else any namespace's; defaults for what it does not set.
// An unreadable value leaves the defaults and says so in warn.
func (b *builder) readMeshConfig() {
	m := &meshConfig{rootNamespace: "istio-system", controlPlane: "istio-system",
		serviceExportTo: []string{"*"}, virtualServiceExportTo: []string{"*"}, destinationRuleExportTo: []string{"*"}}
	for _, w := range b.facts.Workloads {
		if w.Role == "istiod" && w.Kind == "Deployment" {
			m.controlPlane = w.Namespace
			break
		}
	}
	cms := kinds.ConfigMaps.In(b.s)
	var pick *corev1.ConfigMap
	rank := func(cm *corev1.ConfigMap) int {
		r := 0
		if cm.Namespace == m.controlPlane {
			r += 2
		}
		if cm.Name == "istio" {
			r++
		}
		return r
	}
	for _, k := range sortedKeys(cms) {
		cm := cms[k]
		if _, ok := cm.Data["mesh"]; !ok || !IsMeshConfig(cm.Name, "mesh") {
			continue
		}
		if pick == nil || rank(cm) > rank(pick) {
			pick = cm
		}
	}
	if pick != nil {
		var f meshConfigFile
		src := "ConfigMap " + pick.Namespace + "/" + pick.Name
		if err := yaml.Unmarshal([]byte(pick.Data["mesh"]), &f); err != nil {
			b.meshWarnings = append(b.meshWarnings, fmt.Sprintf("%s: key mesh: %v (using Istio's defaults)", src, err))
		} else {
			m.source = src
			if f.RootNamespace != "" {
				m.rootNamespace = f.RootNamespace
			}
			if len(f.DefaultServiceExportTo) > 0 {
				m.serviceExportTo = f.DefaultServiceExportTo
			}
			if len(f.DefaultVirtualServiceExportTo) > 0 {
				m.virtualServiceExportTo = f.DefaultVirtualServiceExportTo
			}
			if len(f.DefaultDestinationRuleExportTo) > 0 {
				m.destinationRuleExportTo = f.DefaultDestinationRuleExportTo
			}
		}
	}
	if ns, ok := kinds.Namespaces.In(b.s)[m.controlPlane]; ok {
		m.network = ns.Labels[labelNetwork]
	}
	m.clusterID = defaultClusterID
	for _, p := range b.ix.pods {
		if w := b.workloadByRef[b.ix.owner[p]]; w == nil || w.Role != "istiod" || podTerminal(p) {
			continue
		}
		for _, c := range p.Spec.Containers {
			for _, e := range c.Env {
				switch e.Name {
				case kinds.EnvScopeGatewayToNamespace:
					m.scopeGatewayToNamespace = strings.EqualFold(e.Value, "true")
				case kinds.EnvClusterID:
					if e.Value != "" {
						m.clusterID = e.Value
					}
				}
			}
		}
		break
	}
	b.mesh = m
}

// Labels pilot reads or adds (istio.io/api label, pilot/pkg/serviceregistry/util/label).
const (
	labelNetwork      = "topology.istio.io/network"
	labelCluster      = "topology.istio.io/cluster"
	labelSubzone      = "topology.istio.io/subzone"
	labelLocality     = "topology.istio.io/locality"
	labelRegion       = "topology.kubernetes.io/region"
	labelZone         = "topology.kubernetes.io/zone"
	labelHostname     = "kubernetes.io/hostname"
	labelDataplane    = "istio.io/dataplane-mode"
	labelInjection    = "istio-injection"
	labelRevision     = "istio.io/rev"
	labelInject       = "sidecar.istio.io/inject"
	legacyLocality    = "istio-locality"
	legacyRegionLabel = "failure-domain.beta.kubernetes.io/region"
	legacyZoneLabel   = "failure-domain.beta.kubernetes.io/zone"
)

// endpointLabel is the value of label k on the endpoint pilot builds for
// pod p: the pod's labels augmented with its locality, node, network and
// cluster (pilot/pkg/serviceregistry/kube/controller/endpoint_builder.go
// NewEndpointBuilder, util/label AugmentLabels). Region, zone, subzone,
// hostname and cluster replace a pod label of the same key when pilot knows
// them; the network only fills a missing one. Locality comes from the pod's
// topology.istio.io/locality or istio-locality label, else from its node's
// topology labels (controller.go getPodLocality). So a subset selecting
// topology.kubernetes.io/zone: eu-west-1a selects the pods on nodes in
// that zone although no pod carries the label.
func (b *builder) endpointLabel(p *corev1.Pod, k string) (string, bool) {
	switch k {
	case labelRegion, labelZone, labelSubzone:
		region, zone, subzone := b.podLocality(p)
		v := map[string]string{labelRegion: region, labelZone: zone, labelSubzone: subzone}[k]
		if v != "" {
			return v, true
		}
	case labelHostname:
		if p.Spec.NodeName != "" {
			return p.Spec.NodeName, true
		}
	case labelCluster:
		return b.mesh.clusterID, true
	case labelNetwork:
		if v, ok := p.Labels[k]; ok && v != "" {
			return v, true
		}
		if b.mesh != nil && b.mesh.network != "" {
			return b.mesh.network, true
		}
	}
	v, ok := p.Labels[k]
	return v, ok
}

// endpointLabelsMatch reports whether every pair of sel holds on the
// endpoint pilot builds for p (endpointLabel).
func (b *builder) endpointLabelsMatch(sel map[string]string, p *corev1.Pod) bool {
	for k, v := range sel {
		if lv, ok := b.endpointLabel(p, k); !ok || lv != v {
			return false
		}
	}
	return true
}

// podLocality is the region, zone and subzone of p as pilot computes them.
func (b *builder) podLocality(p *corev1.Pod) (region, zone, subzone string) {
	loc := p.Labels[labelLocality]
	if loc == "" {
		loc = p.Labels[legacyLocality]
	}
	if loc != "" {
		if !strings.Contains(loc, "/") {
			loc = strings.ReplaceAll(loc, ".", "/")
		}
		parts := strings.SplitN(loc, "/", 3)
		for len(parts) < 3 {
			parts = append(parts, "")
		}
		return parts[0], parts[1], parts[2]
	}
	n, ok := kinds.Nodes.In(b.s)[p.Spec.NodeName]
	if !ok {
		return "", "", ""
	}
	region, zone = n.Labels[labelRegion], n.Labels[labelZone]
	if region == "" {
		region = n.Labels[legacyRegionLabel]
	}
	if zone == "" {
		zone = n.Labels[legacyZoneLabel]
	}
	return region, zone, n.Labels[labelSubzone]
}

// isTopologyLabel: a label pilot adds from where an endpoint runs, which a
// pod template cannot tell.
func isTopologyLabel(k string) bool {
	switch k {
	case labelRegion, labelZone, labelSubzone, labelHostname, labelNetwork, labelCluster:
		return true
	}
	return false
}

// Mesh membership.

// podMesh says whether pod p takes part in the mesh and how: a sidecar
// (an istio-proxy container, or a native sidecar init container), or
// ambient enrolment (the pod's or, without a sidecar, its namespace's
// istio.io/dataplane-mode=ambient label; a pod label "none" opts out).
// pkg/config/analysis/analyzers/util/in_mesh.go reads the same signals.
//
// A pod with no status is a manifest (podDeclared): the injector has not
// seen it yet, so it is judged as a template is, and may be unknown
// (known false, see templateMesh).
func (b *builder) podMesh(p *corev1.Pod) (in, known bool, how string) {
	if hasSidecar(p) {
		return true, true, "istio-proxy sidecar"
	}
	if _, ok := p.Annotations[kinds.AnnotationSidecarStatus]; ok {
		return true, true, "sidecar injected (sidecar.istio.io/status)"
	}
	if p.Annotations["ambient.istio.io/redirection"] == "enabled" {
		return true, true, "ambient (redirection enabled by istio-cni)"
	}
	if podDeclared(p) {
		return b.templateMesh(p.Namespace, p.Labels, p.Annotations)
	}
	switch p.Labels[labelDataplane] {
	case "ambient":
		return true, true, "ambient (pod label istio.io/dataplane-mode=ambient)"
	case "none":
		return false, true, "no sidecar, opted out of ambient (istio.io/dataplane-mode=none)"
	}
	if b.namespaceAmbient(p.Namespace) {
		return true, true, "ambient (namespace label istio.io/dataplane-mode=ambient)"
	}
	return false, true, "no sidecar, not ambient"
}

// templateMesh says whether the pods of a workload template will take
// part in the mesh: the sidecar injector's decision (pod
// sidecar.istio.io/inject label or annotation, then the namespace's
// istio-injection or istio.io/rev label), else ambient enrolment.
//
// known is false when the input cannot tell: nothing on the template
// decides and its Namespace object (whose labels the injector reads) is
// not in the input, as with manifests applied to a namespace made
// elsewhere. A conclusion that needs the workload outside the mesh must
// not be drawn then.
func (b *builder) templateMesh(ns string, labels, annotations map[string]string) (in, known bool, how string) {
	inject, set := labels[labelInject]
	if !set {
		inject, set = annotations[labelInject]
	}
	nsl := map[string]string{}
	n, nsRead := kinds.Namespaces.In(b.s)[ns]
	if nsRead {
		nsl = n.Labels
	}
	in, how = b.templateMeshFrom(ns, labels, inject, set, nsl)
	switch {
	case in, set, labels[labelDataplane] != "", nsRead:
		return in, true, how
	}
	return false, false, "mesh membership unknown: the Namespace " + ns + " is not in the input"
}

// templateMeshFrom is templateMesh's decision from what the input holds.
func (b *builder) templateMeshFrom(ns string, labels map[string]string, inject string, set bool, nsl map[string]string) (in bool, how string) {
	switch {
	case set && inject == "false":
	case set && inject == "true":
		return true, "sidecar injected (sidecar.istio.io/inject=true)"
	case nsl[labelInjection] == "enabled":
		return true, "sidecar injected (namespace label istio-injection=enabled)"
	case nsl[labelInjection] != "disabled" && nsl[labelRevision] != "":
		return true, "sidecar injected (namespace label istio.io/rev=" + nsl[labelRevision] + ")"
	}
	switch labels[labelDataplane] {
	case "ambient":
		return true, "ambient (template label istio.io/dataplane-mode=ambient)"
	case "none":
		return false, "no sidecar, opted out of ambient"
	}
	if b.namespaceAmbient(ns) {
		return true, "ambient (namespace label istio.io/dataplane-mode=ambient)"
	}
	return false, "no sidecar injection, not ambient"
}

// namespaceAmbient: the namespace is enrolled in ambient and not in
// sidecar injection (analyzers/util/in_mesh.go NamespaceInAmbientMode).
func (b *builder) namespaceAmbient(ns string) bool {
	n, ok := kinds.Namespaces.In(b.s)[ns]
	if !ok {
		return false
	}
	l := n.Labels
	return l[labelDataplane] == "ambient" && l[labelInjection] != "enabled" && l[labelRevision] == ""
}

// PeerAuthentication: the mTLS mode a workload port enforces.

// mtlsVerdict is the mode pilot gives one workload port and the policy
// that decided it (zero Ref: no policy, Istio's PERMISSIVE default).
type mtlsVerdict struct {
	mode   string
	policy *kinds.PeerAuthentication
	scope  string // "mesh", "namespace", "workload", "workload port"
}

func (v mtlsVerdict) policyRef() Ref {
	if v.policy == nil {
		return Ref{}
	}
	return Ref{Kind: "PeerAuthentication", Namespace: v.policy.Namespace, Name: v.policy.Name}
}

func (v mtlsVerdict) text() string {
	if v.policy == nil {
		return "PERMISSIVE (no PeerAuthentication applies: Istio's default)"
	}
	return fmt.Sprintf("%s (%s PeerAuthentication %s/%s)", v.mode, v.scope, v.policy.Namespace, v.policy.Name)
}

// portCaptured reports whether pod p's sidecar intercepts inbound port:
// the injector's traffic.sidecar.istio.io/includeInboundPorts ("*" by
// default, "" none) less excludeInboundPorts. A port it does not capture
// reaches the app directly, so no PeerAuthentication applies to it
// (tools/istio-iptables, istio.io annotation reference).
func portCaptured(p *corev1.Pod, port int) bool {
	if p == nil || port == 0 || !hasSidecar(p) {
		return true
	}
	inList := func(list string) bool {
		for _, x := range strings.Split(list, ",") {
			if strings.TrimSpace(x) == strconv.Itoa(port) {
				return true
			}
		}
		return false
	}
	if ex, ok := p.Annotations[kinds.AnnotationExcludeInboundPorts]; ok && inList(ex) {
		return false
	}
	if in, ok := p.Annotations[kinds.AnnotationIncludeInboundPorts]; ok && strings.TrimSpace(in) != "*" {
		return inList(in)
	}
	return true
}

// peerAuthFor returns the mode pilot enforces on port (a container port
// number; 0 = the workload as a whole) of a workload in ns with labels:
// the oldest mesh-wide policy (root namespace, no selector), overridden by
// the oldest namespace policy, by the oldest workload policy whose selector
// matches, and by that policy's portLevelMtls for the port; UNSET inherits
// (pilot/pkg/security/authn/policy_applier.go ComposePeerAuthentication).
func (b *builder) peerAuthFor(ns string, labels map[string]string, port int) mtlsVerdict {
	root := b.mesh.rootNamespace
	var mesh, nsPol, wl *kinds.PeerAuthentication
	older := func(a, c *kinds.PeerAuthentication) bool {
		if a == nil {
			return true
		}
		if !c.CreationTimestamp.Equal(&a.CreationTimestamp) {
			return c.CreationTimestamp.Before(&a.CreationTimestamp)
		}
		return c.Name < a.Name
	}
	for _, pa := range b.peerAuthsIn(root) {
		if noSelector(pa) && older(mesh, pa) {
			mesh = pa
		}
	}
	if ns != root {
		for _, pa := range b.peerAuthsIn(ns) {
			switch {
			case noSelector(pa):
				if older(nsPol, pa) {
					nsPol = pa
				}
			case labelsMatch(pa.Spec.Selector.MatchLabels, labels):
				if older(wl, pa) {
					wl = pa
				}
			}
		}
	}
	v := mtlsVerdict{mode: "PERMISSIVE"}
	for _, c := range []struct {
		pa    *kinds.PeerAuthentication
		scope string
	}{{mesh, "mesh-wide"}, {nsPol, "namespace"}, {wl, "workload"}} {
		if m := paMode(c.pa); m != "" {
			v = mtlsVerdict{mode: m, policy: c.pa, scope: c.scope}
		}
	}
	if wl != nil && port != 0 {
		if pm, ok := wl.Spec.PortLevelMTLS[strconv.Itoa(port)]; ok {
			scope := fmt.Sprintf("workload (portLevelMtls %d)", port)
			if m := strings.ToUpper(pm.Mode); m != "" && m != "UNSET" {
				v = mtlsVerdict{mode: m, policy: wl, scope: scope}
			} else {
				v.policy, v.scope = wl, scope
			}
		}
	}
	return v
}

func noSelector(pa *kinds.PeerAuthentication) bool {
	return pa.Spec.Selector == nil || len(pa.Spec.Selector.MatchLabels) == 0
}

// paMode is the policy's workload-wide mode, "" when unset.
func paMode(pa *kinds.PeerAuthentication) string {
	if pa == nil || pa.Spec.MTLS == nil {
		return ""
	}
	m := strings.ToUpper(pa.Spec.MTLS.Mode)
	if m == "UNSET" {
		return ""
	}
	return m
}

// peerAuthsIn lists the PeerAuthentications of ns, indexed once.
func (b *builder) peerAuthsIn(ns string) []*kinds.PeerAuthentication {
	if b.paByNS == nil {
		b.paByNS = map[string][]*kinds.PeerAuthentication{}
		for _, pa := range inKeyOrder(kinds.PeerAuthentications.In(b.s)) {
			b.paByNS[pa.Namespace] = append(b.paByNS[pa.Namespace], pa)
		}
	}
	return b.paByNS[ns]
}

// targetPorts resolves the container ports the Service's ports lead to on
// pod p (named targetPorts through the pod's container ports); ports it
// cannot resolve are left out.
func targetPorts(svc *corev1.Service, p *corev1.Pod) []int {
	var out []int
	for _, sp := range svc.Spec.Ports {
		if n := targetPort(sp, p); n > 0 {
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}

// targetPort resolves one Service port on pod p (0 when a named port is
// not declared by the pod, or there is no pod to ask).
func targetPort(sp corev1.ServicePort, p *corev1.Pod) int {
	tp := sp.TargetPort
	if tp.StrVal == "" && tp.IntVal == 0 {
		return int(sp.Port)
	}
	if tp.StrVal == "" {
		return int(tp.IntVal)
	}
	if p == nil {
		return 0
	}
	for _, c := range p.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.Name == tp.StrVal {
				return int(cp.ContainerPort)
			}
		}
	}
	return 0
}
