package analyzers

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/nohealthy/nohealthy/internal/editdist"
	"github.com/nohealthy/nohealthy/kinds"
)

func selectorText(sel map[string]string) string {
	ks := make([]string, 0, len(sel))
	for k := range sel {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = k + "=" + sel[k]
	}
	return strings.Join(parts, ",")
}

func (b *builder) buildServices() {
	ix := b.ix
	services := kinds.Services.In(b.s)
	for _, k := range sortedKeys(services) {
		svc := services[k]
		f := &ServiceFact{
			Ref:       Ref{Kind: "Service", Namespace: svc.Namespace, Name: svc.Name},
			Namespace: svc.Namespace, Name: svc.Name,
			Type:         string(svc.Spec.Type),
			Headless:     svc.Spec.ClusterIP == "None",
			HasSelector:  len(svc.Spec.Selector) > 0 && svc.Spec.Type != corev1.ServiceTypeExternalName,
			Selector:     svc.Spec.Selector,
			SelectorText: selectorText(svc.Spec.Selector),
			FQDN:         svc.Name + "." + svc.Namespace + ".svc.cluster.local",
		}
		if f.Selector == nil {
			f.Selector = map[string]string{}
		}
		for _, p := range svc.Spec.Ports {
			tp := p.TargetPort.String()
			if p.TargetPort.Type == intstr.Int && p.TargetPort.IntVal == 0 {
				tp = strconv.Itoa(int(p.Port))
			}
			f.Ports = append(f.Ports, ServicePort{Name: p.Name, Port: int(p.Port), TargetPort: tp, Protocol: string(p.Protocol)})
		}
		f.Keys = []string{"svc:" + k, "host:" + f.FQDN}
		pods := ix.selectPods(svc.Namespace, svc.Spec.Selector)
		if !f.HasSelector {
			pods = nil
		}
		wls := map[Ref]bool{}
		nodes := map[string]bool{}
		onNotReady := 0
		for _, p := range pods {
			f.MatchedPods++
			if podReady(p) {
				f.ReadyPods++
			}
			switch p.Status.Phase {
			case corev1.PodRunning:
				f.RunningPods++
			case corev1.PodPending:
				f.PendingPods++
			}
			if p.DeletionTimestamp != nil {
				f.TerminatingPods++
			}
			wls[ix.owner[p]] = true
			if p.Spec.NodeName != "" && ix.notReadyNode[p.Spec.NodeName] {
				nodes[p.Spec.NodeName] = true
				onNotReady++
			}
		}
		f.Workloads = sortedRefs(wls)
		f.NotReadyNodes = sortedSet(nodes)
		f.AllPodsOnNotReadyNodes = f.MatchedPods > 0 && onNotReady == f.MatchedPods
		if f.HasSelector {
			b.templateWorkloads(f)
		}
		b.endpointFacts(f, svc, pods)
		if f.HasSelector && f.MatchedPods == 0 && len(f.TemplateWorkloads) == 0 {
			f.NearMiss = b.nearMiss(svc)
		}
		b.portFacts(f, svc, pods)
		f.Evidence = append(f.Evidence, Evidence{Kind: "Object", Ref: f.Ref.String(),
			Text: fmt.Sprintf("selector %s matches %d pod(s), %d ready; endpoints: %s", orNone(f.SelectorText), f.MatchedPods, f.ReadyPods, endpointText(f))})
		b.serviceByKey[k] = f
		for _, w := range f.Workloads {
			b.svcByWorkload[w] = append(b.svcByWorkload[w], f)
		}
		for _, w := range f.TemplateWorkloads {
			if !wls[w] {
				b.svcByWorkload[w] = append(b.svcByWorkload[w], f)
			}
		}
		b.facts.Services = append(b.facts.Services, f)
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func endpointText(f *ServiceFact) string {
	if !f.EndpointsKnown {
		return "not collected (" + f.EndpointsCoverage + ")"
	}
	return fmt.Sprintf("%d in %d slice(s), %d ready, %d serving, %d terminating", f.Endpoints, f.Slices, f.ReadyEndpoints, f.ServingEndpoints, f.TerminatingEndpoints)
}

func (b *builder) templateWorkloads(f *ServiceFact) {
	add := func(r Ref, labels map[string]string, replicas *int32) {
		if len(labels) == 0 || !labelsMatch(f.Selector, labels) {
			return
		}
		f.TemplateWorkloads = append(f.TemplateWorkloads, r)
		if replicas != nil && *replicas == 0 {
			f.ZeroReplicaWorkloads = append(f.ZeroReplicaWorkloads, r)
		}
	}
	// Start from the smallest posting list of the selector's pairs.
	var best []podTemplate
	first := true
	for k, v := range f.Selector {
		l := b.templates[f.Namespace+"\x00"+k+"="+v]
		if first || len(l) < len(best) {
			best, first = l, false
		}
	}
	for _, t := range best {
		if t.ref.Kind == "Deployment" && b.rolloutOwnsTemplate(t.ref) {
			continue // a Rollout's workloadRef: the Rollout makes the pods
		}
		add(t.ref, t.labels, t.replicas)
	}
}

// podTemplate is a workload's pod template labels, indexed by namespace
// and label pair (b.templates["ns\x00k=v"]) so
// matching a Service against templates does not scan the cluster.
type podTemplate struct {
	ref         Ref
	labels      map[string]string
	replicas    *int32
	annotations map[string]string
}

// indexTemplates indexes the pod templates of every kind that makes pods
// from one (Deployments, StatefulSets, DaemonSets, ReplicaSets no
// Deployment or Rollout owns, Jobs, CronJobs, Argo Rollouts), so Services
// and subsets are judged against the pods a workload will make when the
// input holds none (manifests from Git, `kubectl get` of workloads only),
// as istioctl analyze --use-kube=false does.
func (b *builder) indexTemplates() {
	s := b.s
	b.templates = map[string][]podTemplate{}
	put := func(t podTemplate) {
		for k, v := range t.labels {
			ik := t.ref.Namespace + "\x00" + k + "=" + v
			b.templates[ik] = append(b.templates[ik], t)
		}
	}
	deployments := kinds.Deployments.In(s)
	for _, d := range inKeyOrder(deployments) {
		put(podTemplate{Ref{Kind: "Deployment", Namespace: d.Namespace, Name: d.Name}, d.Spec.Template.Labels, d.Spec.Replicas, d.Spec.Template.Annotations})
	}
	for _, d := range inKeyOrder(kinds.StatefulSets.In(s)) {
		put(podTemplate{Ref{Kind: "StatefulSet", Namespace: d.Namespace, Name: d.Name}, d.Spec.Template.Labels, d.Spec.Replicas, d.Spec.Template.Annotations})
	}
	for _, d := range inKeyOrder(kinds.DaemonSets.In(s)) {
		put(podTemplate{Ref{Kind: "DaemonSet", Namespace: d.Namespace, Name: d.Name}, d.Spec.Template.Labels, nil, d.Spec.Template.Annotations})
	}
	for _, rs := range inKeyOrder(kinds.ReplicaSets.In(s)) {
		if controllerOf(rs.OwnerReferences) == nil {
			put(podTemplate{Ref{Kind: "ReplicaSet", Namespace: rs.Namespace, Name: rs.Name}, rs.Spec.Template.Labels, rs.Spec.Replicas, rs.Spec.Template.Annotations})
		}
	}
	for _, j := range inKeyOrder(kinds.Jobs.In(s)) {
		if controllerOf(j.OwnerReferences) == nil {
			put(podTemplate{Ref{Kind: "Job", Namespace: j.Namespace, Name: j.Name}, j.Spec.Template.Labels, j.Spec.Parallelism, j.Spec.Template.Annotations})
		}
	}
	for _, cj := range inKeyOrder(kinds.CronJobs.In(s)) {
		t := cj.Spec.JobTemplate.Spec.Template
		put(podTemplate{Ref{Kind: "CronJob", Namespace: cj.Namespace, Name: cj.Name}, t.Labels, nil, t.Annotations})
	}
	for _, r := range inKeyOrder(kinds.Rollouts.In(s)) {
		labels, ann := r.Spec.Template.ObjectMeta.Labels, r.Spec.Template.ObjectMeta.Annotations
		if w := r.Spec.WorkloadRef; w != nil && w.Kind == "Deployment" {
			if d, ok := deployments[key(r.Namespace, w.Name)]; ok {
				labels, ann = d.Spec.Template.Labels, d.Spec.Template.Annotations
			}
		}
		replicas := r.Spec.Replicas
		if replicas == nil {
			one := int32(1)
			replicas = &one
		}
		put(podTemplate{Ref{Kind: "Rollout", Namespace: r.Namespace, Name: r.Name}, labels, replicas, ann})
	}
}

// rolloutOwnsTemplate: a Rollout takes its pod template from Deployment d
// (spec.workloadRef), so the Rollout, not d (scaled to 0 by Argo), makes
// the pods.
func (b *builder) rolloutOwnsTemplate(d Ref) bool {
	for _, r := range kinds.Rollouts.In(b.s) {
		if w := r.Spec.WorkloadRef; w != nil && w.Kind == "Deployment" && w.Name == d.Name && r.Namespace == d.Namespace {
			return true
		}
	}
	return false
}

// endpointFacts counts the Service's endpoints and their conditions.
func (b *builder) endpointFacts(f *ServiceFact, svc *corev1.Service, pods []*corev1.Pod) {
	cov := b.coverageIn("EndpointSlice", svc.Namespace)
	covEp := b.coverageIn("Endpoints", svc.Namespace)
	switch {
	case cov == "ok" || covEp == "ok":
		f.EndpointsCoverage = "ok"
	case cov != "":
		f.EndpointsCoverage = cov
	case covEp != "":
		f.EndpointsCoverage = covEp
	default:
		f.EndpointsCoverage = "unknown"
	}
	f.EndpointsKnown = f.EndpointsCoverage == "ok"
	listed := map[string]bool{}
	slices := b.ix.slicesBySvc[key(svc.Namespace, svc.Name)]
	if cov == "ok" {
		for _, es := range slices {
			f.Slices++
			if len(es.Ports) == 0 && len(es.Endpoints) > 0 && f.HasSelector {
				f.SlicesWithoutPorts++
			}
			for _, ep := range es.Endpoints {
				n := len(ep.Addresses)
				if n == 0 {
					continue
				}
				f.Endpoints += n
				c := ep.Conditions
				ready := c.Ready == nil || *c.Ready
				serving := ready
				if c.Serving != nil {
					serving = *c.Serving
				}
				terminating := c.Terminating != nil && *c.Terminating
				if ready && !terminating {
					f.ReadyEndpoints += n
				}
				if serving {
					f.ServingEndpoints += n
				}
				if terminating {
					f.TerminatingEndpoints += n
				}
				for _, a := range ep.Addresses {
					listed[a] = true
				}
			}
		}
	} else if ep, ok := kinds.Endpoints.In(b.s)[key(svc.Namespace, svc.Name)]; ok && covEp == "ok" {
		for _, ss := range ep.Subsets {
			f.Slices++
			f.Endpoints += len(ss.Addresses) + len(ss.NotReadyAddresses)
			f.ReadyEndpoints += len(ss.Addresses)
			f.ServingEndpoints += len(ss.Addresses)
			for _, a := range ss.Addresses {
				listed[a.IP] = true
			}
			for _, a := range ss.NotReadyAddresses {
				listed[a.IP] = true
			}
		}
	}
	if f.EndpointsKnown {
		f.ReadyBackends = f.ReadyEndpoints
		for _, p := range pods {
			if podReady(p) && p.Status.PodIP != "" && !listed[p.Status.PodIP] {
				f.ReadyPodsMissingFromEndpoints++
			}
		}
	} else {
		f.ReadyBackends = f.ReadyPods
	}
	f.NoReadyBackends = f.HasSelector && f.ReadyBackends == 0
}

// portFacts compares the Service's targetPorts with the ports the matched
// containers declare. Containers need not declare ports, so a numeric
// targetPort is only suspicious when they declare others.
func (b *builder) portFacts(f *ServiceFact, svc *corev1.Service, pods []*corev1.Pod) {
	if len(pods) == 0 {
		return
	}
	names := map[string]bool{}
	nums := map[int]bool{}
	var declared []string
	for _, p := range pods[:min(len(pods), 20)] {
		for _, c := range p.Spec.Containers {
			if c.Name == sidecarName {
				continue
			}
			for _, cp := range c.Ports {
				if cp.Name != "" {
					names[cp.Name] = true
				}
				if !nums[int(cp.ContainerPort)] {
					d := strconv.Itoa(int(cp.ContainerPort))
					if cp.Name != "" {
						d = cp.Name + "/" + d
					}
					declared = append(declared, d)
				}
				nums[int(cp.ContainerPort)] = true
			}
		}
	}
	f.DeclaredPorts = declared
	for _, sp := range svc.Spec.Ports {
		tp := sp.TargetPort
		switch {
		case tp.Type == intstr.String && tp.StrVal != "":
			if !names[tp.StrVal] {
				f.MissingNamedPorts = append(f.MissingNamedPorts, tp.StrVal)
			}
		default:
			n := int(tp.IntVal)
			if n == 0 {
				n = int(sp.Port)
			}
			if len(nums) > 0 && !nums[n] {
				f.UndeclaredPorts = append(f.UndeclaredPorts, strconv.Itoa(n))
			}
		}
	}
}

// nearMiss finds the label set in the namespace closest to a selector that
// matches nothing: every selector pair is either matched exactly, or has
// the same key with a similar value, or the same value under another key;
// at least half of the pairs match exactly or closely.
func (b *builder) nearMiss(svc *corev1.Service) NearMiss {
	type cand struct {
		owner  Ref
		labels map[string]string
		pods   int
	}
	byOwner := map[Ref]*cand{}
	var order []Ref
	for _, p := range b.ix.podsByNS[svc.Namespace] {
		if podTerminal(p) {
			continue
		}
		o := b.ix.owner[p]
		c := byOwner[o]
		if c == nil {
			c = &cand{owner: o, labels: p.Labels}
			byOwner[o] = c
			order = append(order, o)
		}
		c.pods++
	}
	best := NearMiss{}
	bestScore := 0
	sel := svc.Spec.Selector
	for _, o := range order {
		c := byOwner[o]
		score, diffs, ok := closeness(sel, c.labels, svc.Name)
		if !ok || score <= bestScore {
			continue
		}
		bestScore = score
		best = NearMiss{Found: true, Owner: c.owner, Labels: selectorText(relevantLabels(sel, c.labels)), Diff: strings.Join(diffs, "; "), Pods: c.pods}
	}
	return best
}

func closeness(sel, labels map[string]string, svcName string) (score int, diffs []string, ok bool) {
	good := 0
	for _, k := range sortedKeys(sel) {
		v := sel[k]
		if lv, has := labels[k]; has {
			if lv == v {
				good++
				score += 3
				continue
			}
			if similar(lv, v) {
				good++
				score += 2
			}
			diffs = append(diffs, fmt.Sprintf("selector %s=%s, pods have %s=%s", k, v, k, lv))
			continue
		}
		found := false
		for _, lk := range sortedKeys(labels) {
			if labels[lk] == v {
				good++
				score += 2
				found = true
				diffs = append(diffs, fmt.Sprintf("selector key %s=%s, pods carry the value under %s", k, v, lk))
				break
			}
		}
		if !found {
			// a key the pods lack entirely: only acceptable when the rest agrees
			diffs = append(diffs, fmt.Sprintf("selector %s=%s, pods have no label %s", k, v, k))
		}
	}
	if len(sel) == 0 || len(diffs) == 0 {
		return 0, nil, false
	}
	if good*2 < len(sel) || good == 0 {
		return 0, nil, false
	}
	// Pods whose labels name the Service are the likeliest target.
	for _, lv := range labels {
		if lv == svcName {
			score++
			break
		}
	}
	return score, diffs, true
}

// similar: a small edit distance, or one value a prefix of the other.
func similar(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) >= 3 && len(b) >= 3 && (strings.HasPrefix(a, b) || strings.HasPrefix(b, a)) {
		return true
	}
	d := editdist.Levenshtein(a, b)
	return d <= 2 && d < max(len(a), len(b))/2+1
}

func sortedRefs(m map[Ref]bool) []Ref {
	out := make([]Ref, 0, len(m))
	for r := range m {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// coverageIn is the collector status of kind in namespace ns: the
// namespace's own status when gather recorded one, else the kind's.
func (b *builder) coverageIn(kind, ns string) string {
	if st, ok := b.facts.Coverage[kind+"@"+ns]; ok {
		if st == "ok" && b.s.Has(kind) {
			return st
		}
		if st != "ok" {
			return st
		}
	}
	if b.facts.Coverage[kind+"@*"] == "inferred" {
		return "unknown" // read from loose files, none from this namespace
	}
	return b.facts.Coverage[kind]
}

// relevantLabels keeps the labels that bear on a selector: its keys and
// any label carrying one of its values (hashes and mesh labels are noise).
func relevantLabels(sel, labels map[string]string) map[string]string {
	vals := map[string]bool{}
	for _, v := range sel {
		vals[v] = true
	}
	out := map[string]string{}
	for k, v := range labels {
		if _, ok := sel[k]; ok || vals[v] || k == "app" || k == "app.kubernetes.io/name" {
			out[k] = v
		}
	}
	return out
}
