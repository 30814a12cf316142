package analyzers

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/nohealthy/nohealthy/kinds"
)

// imagePullReasons are container waiting reasons of a pull that failed
// (pkg/kubelet/images/types.go).
var imagePullReasons = map[string]bool{
	"ErrImagePull": true, "ImagePullBackOff": true, "InvalidImageName": true,
	"ErrImageNeverPull": true, "RegistryUnavailable": true, "ImageInspectError": true,
}

const sidecarName = "istio-proxy"

// podState classifies one pod for workload facts.
type podState struct {
	ready, running, pending, terminating       bool
	crashLoop, oom, imagePull, unschedulable   bool
	runningNotReady, probeFailing, sidecarOnly bool
	onNotReadyNode                             bool
	restarts                                   int
}

func (ix *index) classify(p *corev1.Pod) podState {
	var st podState
	st.ready = podReady(p)
	st.running = p.Status.Phase == corev1.PodRunning
	st.pending = p.Status.Phase == corev1.PodPending
	st.terminating = p.DeletionTimestamp != nil
	st.onNotReadyNode = p.Spec.NodeName != "" && ix.notReadyNode[p.Spec.NodeName]
	if c := podCondition(p, corev1.PodScheduled); c != nil && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
		st.unschedulable = true
	}
	if st.pending && p.Spec.NodeName == "" {
		for _, e := range ix.podEvents(p) {
			if e.Reason == "FailedScheduling" {
				st.unschedulable = true
				break
			}
		}
	}
	allRunning := len(p.Status.ContainerStatuses) > 0
	appNotReady, sidecarNotReady := false, false
	for _, cs := range p.Status.ContainerStatuses {
		if int(cs.RestartCount) > st.restarts {
			st.restarts = int(cs.RestartCount)
		}
		if w := cs.State.Waiting; w != nil {
			allRunning = false
			switch {
			case w.Reason == "CrashLoopBackOff":
				st.crashLoop = true
			case imagePullReasons[w.Reason]:
				st.imagePull = true
			}
		}
		if cs.State.Running == nil {
			allRunning = false
		}
		if t := cs.LastTerminationState.Terminated; t != nil && t.Reason == "OOMKilled" {
			st.oom = true
		}
		if t := cs.State.Terminated; t != nil && t.Reason == "OOMKilled" {
			st.oom = true
		}
		// A container that restarts again and again without reaching
		// CrashLoopBackOff at the instant of the snapshot still crash-loops.
		if cs.RestartCount >= 3 && !cs.Ready && cs.LastTerminationState.Terminated != nil && cs.LastTerminationState.Terminated.ExitCode != 0 {
			st.crashLoop = true
		}
		if !cs.Ready {
			if cs.Name == sidecarName {
				sidecarNotReady = true
			} else {
				appNotReady = true
			}
		}
	}
	for _, cs := range p.Status.InitContainerStatuses {
		if w := cs.State.Waiting; w != nil {
			if w.Reason == "CrashLoopBackOff" {
				st.crashLoop = true
			} else if imagePullReasons[w.Reason] {
				st.imagePull = true
			}
		}
	}
	// A pod on a NotReady node keeps its last reported container states;
	// its readiness says nothing about its probe.
	if st.running && !st.ready && allRunning && !st.terminating && !st.onNotReadyNode {
		st.runningNotReady = true
		if sidecarNotReady && !appNotReady {
			st.sidecarOnly = true
		} else if !st.crashLoop {
			st.probeFailing = ix.hasReadinessFailure(p) || hasReadinessProbe(p)
		}
	}
	return st
}

func hasReadinessProbe(p *corev1.Pod) bool {
	for _, c := range p.Spec.Containers {
		if c.ReadinessProbe != nil && c.Name != sidecarName {
			return true
		}
	}
	return false
}

func (ix *index) hasReadinessFailure(p *corev1.Pod) bool {
	for _, e := range ix.podEvents(p) {
		if isReadinessEvent(e) {
			return true
		}
	}
	return false
}

func isReadinessEvent(e *corev1.Event) bool {
	return e.Reason == "Unhealthy" && (strings.HasPrefix(e.Message, "Readiness probe failed") || strings.HasPrefix(e.Message, "Readiness probe errored"))
}

// workloadAcc accumulates one workload's pods.
type workloadAcc struct {
	fact *WorkloadFact
	pods []*corev1.Pod
}

func (b *builder) buildWorkloads() {
	ix := b.ix
	accs := map[Ref]*workloadAcc{}
	get := func(r Ref) *workloadAcc {
		a := accs[r]
		if a == nil {
			a = &workloadAcc{fact: &WorkloadFact{Ref: r, Kind: r.Kind, Namespace: r.Namespace, Name: r.Name, Desired: -1}}
			accs[r] = a
		}
		return a
	}
	s := b.s
	for _, d := range inKeyOrder(kinds.Deployments.In(s)) {
		a := get(Ref{Kind: "Deployment", Namespace: d.Namespace, Name: d.Name})
		a.fact.Labels = d.Spec.Template.Labels
		a.fact.Desired = 1
		if d.Spec.Replicas != nil {
			a.fact.Desired = int(*d.Spec.Replicas)
		}
		a.fact.Strategy = string(d.Spec.Strategy.Type)
	}
	for _, d := range inKeyOrder(kinds.StatefulSets.In(s)) {
		a := get(Ref{Kind: "StatefulSet", Namespace: d.Namespace, Name: d.Name})
		a.fact.Labels = d.Spec.Template.Labels
		a.fact.Desired = 1
		if d.Spec.Replicas != nil {
			a.fact.Desired = int(*d.Spec.Replicas)
		}
	}
	for _, d := range inKeyOrder(kinds.DaemonSets.In(s)) {
		a := get(Ref{Kind: "DaemonSet", Namespace: d.Namespace, Name: d.Name})
		a.fact.Labels = d.Spec.Template.Labels
		a.fact.Desired = int(d.Status.DesiredNumberScheduled)
	}
	for _, p := range ix.pods {
		if podTerminal(p) {
			continue
		}
		a := get(ix.owner[p])
		a.pods = append(a.pods, p)
		if a.fact.Labels == nil {
			a.fact.Labels = p.Labels
		}
	}
	refs := make([]Ref, 0, len(accs))
	for r := range accs {
		refs = append(refs, r)
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].String() < refs[j].String() })
	for _, r := range refs {
		a := accs[r]
		w := a.fact
		if w.Desired < 0 {
			w.Desired = len(a.pods)
		}
		w.Role = roleOf(w.Namespace, w.Name, w.Labels)
		for _, p := range a.pods {
			b.addPodToWorkload(w, p)
		}
		w.Keys = append(w.Keys, "wl:"+w.Kind+"/"+w.Namespace+"/"+w.Name)
		switch w.Role {
		case "istiod":
			w.Keys = append(w.Keys, "global:mesh")
		case "coredns":
			w.Keys = append(w.Keys, "global:dns")
		}
		for _, p := range a.pods {
			w.Keys = append(w.Keys, "pod:"+p.Namespace+"/"+p.Name)
		}
		b.workloadByRef[r] = w
		b.facts.Workloads = append(b.facts.Workloads, w)
	}
}

// roleOf recognises the infrastructure workloads rules treat specially.
func roleOf(ns, name string, labels map[string]string) string {
	app := labels["app"]
	switch {
	case app == "istiod" || labels["istio"] == "pilot" || strings.HasPrefix(name, "istiod"):
		return "istiod"
	case labels["k8s-app"] == "kube-dns" || name == "coredns" || app == "coredns":
		return "coredns"
	case app == "ztunnel" || name == "ztunnel":
		return "ztunnel"
	case labels["app.kubernetes.io/name"] == "ingress-nginx" || strings.Contains(name, "ingress-nginx-controller"):
		return "ingress-nginx"
	case labels["istio"] == "ingressgateway" || labels["istio"] == "egressgateway" || labels["istio"] == "ingress" ||
		labels["gateway.istio.io/managed"] != "" || labels["gateway.networking.k8s.io/gateway-name"] != "" ||
		labels["gateway.envoyproxy.io/owning-gateway-name"] != "" ||
		strings.Contains(app, "gateway"):
		return "gateway"
	}
	return ""
}

func (b *builder) addPodToWorkload(w *WorkloadFact, p *corev1.Pod) {
	st := b.ix.classify(p)
	w.Pods++
	ref := "Pod " + p.Namespace + "/" + p.Name
	if st.ready {
		w.ReadyPods++
	}
	if st.running {
		w.RunningPods++
	}
	if st.pending {
		w.PendingPods++
	}
	if st.terminating {
		w.TerminatingPods++
	}
	if st.restarts > w.MaxRestarts {
		w.MaxRestarts = st.restarts
	}
	if st.onNotReadyNode {
		w.OnNotReadyNodePods++
	}
	if st.runningNotReady {
		w.RunningNotReadyPods++
	}
	if st.sidecarOnly {
		w.SidecarNotReadyPods++
		if len(w.SidecarEvidence) < 4 {
			w.SidecarEvidence = append(w.SidecarEvidence, b.containerEvidence(p, sidecarName)...)
			w.SidecarEvidence = append(w.SidecarEvidence, b.eventEvidence(p, func(e *corev1.Event) bool { return isReadinessEvent(e) || e.Reason == "Unhealthy" }, 2)...)
		}
	}
	if st.probeFailing {
		w.ProbeFailingPods++
		evs := b.eventEvidence(p, isReadinessEvent, 2)
		if w.ProbeMessage == "" && len(evs) > 0 {
			w.ProbeMessage = evs[0].Text
		}
		if w.ProbeMessage == "" {
			w.ProbeMessage = probeDescription(p)
		}
		if len(w.ProbeEvidence) < 4 {
			w.ProbeEvidence = append(w.ProbeEvidence, evs...)
			w.ProbeEvidence = append(w.ProbeEvidence, Evidence{Kind: "Condition", Ref: ref, Text: "Ready=False, containers running: " + probeDescription(p)})
		}
	}
	if st.crashLoop {
		w.CrashLoopPods++
		if st.oom {
			w.OOMKilledPods++
		}
		if w.CrashMessage == "" {
			w.CrashMessage = crashDescription(p)
		}
		if len(w.CrashEvidence) < 5 {
			w.CrashEvidence = append(w.CrashEvidence, Evidence{Kind: "ContainerStatus", Ref: ref, Text: crashDescription(p)})
			w.CrashEvidence = append(w.CrashEvidence, b.eventEvidence(p, func(e *corev1.Event) bool { return e.Reason == "BackOff" }, 1)...)
			w.CrashEvidence = append(w.CrashEvidence, b.previousLogEvidence(p)...)
		}
	} else if st.oom && !st.ready {
		w.OOMKilledPods++
	}
	if st.imagePull {
		w.ImagePullPods++
		evs := b.eventEvidence(p, func(e *corev1.Event) bool {
			return (e.Reason == "Failed" && strings.Contains(e.Message, "image")) || e.Reason == "ErrImageNeverPull" || e.Reason == "InspectFailed" || (e.Reason == "BackOff" && strings.Contains(e.Message, "pulling image"))
		}, 2)
		if w.ImageMessage == "" {
			w.ImageMessage = waitingDescription(p)
			if len(evs) > 0 {
				w.ImageMessage = evs[0].Text
			}
		}
		if len(w.ImageEvidence) < 4 {
			w.ImageEvidence = append(w.ImageEvidence, Evidence{Kind: "ContainerStatus", Ref: ref, Text: waitingDescription(p)})
			w.ImageEvidence = append(w.ImageEvidence, evs...)
		}
	}
	if st.unschedulable {
		w.UnschedulablePods++
		evs := b.eventEvidence(p, func(e *corev1.Event) bool { return e.Reason == "FailedScheduling" }, 1)
		if w.SchedulingMessage == "" {
			if len(evs) > 0 {
				w.SchedulingMessage = evs[0].Text
			} else if c := podCondition(p, corev1.PodScheduled); c != nil {
				w.SchedulingMessage = c.Message
			}
		}
		if len(w.SchedulingEvidence) < 3 {
			w.SchedulingEvidence = append(w.SchedulingEvidence, evs...)
			if c := podCondition(p, corev1.PodScheduled); c != nil && c.Message != "" {
				w.SchedulingEvidence = append(w.SchedulingEvidence, Evidence{Kind: "Condition", Ref: ref, Text: "PodScheduled=False " + c.Reason + ": " + c.Message})
			}
		}
	}
	if len(w.PodEvidence) < 3 {
		w.PodEvidence = append(w.PodEvidence, Evidence{Kind: "Object", Ref: ref, Text: podSummary(p, st)})
	}
}

func podSummary(p *corev1.Pod, st podState) string {
	ready := 0
	for _, cs := range p.Status.ContainerStatuses {
		if cs.Ready {
			ready++
		}
	}
	s := fmt.Sprintf("phase %s, %d/%d containers ready, restarts %d", p.Status.Phase, ready, len(p.Status.ContainerStatuses), st.restarts)
	if p.Spec.NodeName != "" {
		s += ", node " + p.Spec.NodeName
	}
	if st.terminating {
		s += ", terminating"
	}
	return s
}

func probeDescription(p *corev1.Pod) string {
	for _, c := range p.Spec.Containers {
		pr := c.ReadinessProbe
		if pr == nil || c.Name == sidecarName {
			continue
		}
		switch {
		case pr.HTTPGet != nil:
			return fmt.Sprintf("container %s readiness probe HTTP GET %s on port %s", c.Name, pr.HTTPGet.Path, pr.HTTPGet.Port.String())
		case pr.TCPSocket != nil:
			return fmt.Sprintf("container %s readiness probe TCP port %s", c.Name, pr.TCPSocket.Port.String())
		case pr.Exec != nil:
			return fmt.Sprintf("container %s readiness probe exec %s", c.Name, strings.Join(pr.Exec.Command, " "))
		case pr.GRPC != nil:
			return fmt.Sprintf("container %s readiness probe gRPC port %d", c.Name, pr.GRPC.Port)
		}
	}
	return "containers running but not ready"
}

func crashDescription(p *corev1.Pod) string {
	for _, cs := range allStatuses(p) {
		w := cs.State.Waiting
		t := cs.LastTerminationState.Terminated
		if (w != nil && w.Reason == "CrashLoopBackOff") || (t != nil && t.ExitCode != 0 && !cs.Ready) {
			s := fmt.Sprintf("container %s restarted %d times", cs.Name, cs.RestartCount)
			if w != nil && w.Reason != "" {
				s += ", waiting: " + w.Reason
			}
			if t != nil {
				s += fmt.Sprintf(", last terminated: reason %s, exit code %d", t.Reason, t.ExitCode)
			}
			return s
		}
	}
	return "containers keep restarting"
}

func waitingDescription(p *corev1.Pod) string {
	for _, cs := range allStatuses(p) {
		if w := cs.State.Waiting; w != nil && imagePullReasons[w.Reason] {
			s := fmt.Sprintf("container %s (image %s) waiting: %s", cs.Name, cs.Image, w.Reason)
			if w.Message != "" {
				s += ": " + w.Message
			}
			return s
		}
	}
	return "image pull failing"
}

func (b *builder) containerEvidence(p *corev1.Pod, name string) []Evidence {
	for _, cs := range p.Status.ContainerStatuses {
		if cs.Name == name {
			return []Evidence{{Kind: "ContainerStatus", Ref: "Pod " + p.Namespace + "/" + p.Name,
				Text: fmt.Sprintf("container %s ready=%t restarts=%d", cs.Name, cs.Ready, cs.RestartCount)}}
		}
	}
	return nil
}

// eventEvidence cites up to n distinct event messages of p that keep says.
func (b *builder) eventEvidence(p *corev1.Pod, keep func(*corev1.Event) bool, n int) []Evidence {
	var out []Evidence
	seen := map[string]bool{}
	for _, e := range b.ix.podEvents(p) {
		if !keep(e) || seen[e.Message] {
			continue
		}
		seen[e.Message] = true
		text := e.Type + " " + e.Reason + ": " + e.Message
		if e.Count > 1 {
			text += fmt.Sprintf(" (x%d)", e.Count)
		}
		out = append(out, Evidence{Kind: "Event", Ref: "Pod " + p.Namespace + "/" + p.Name, Text: text})
		if len(out) >= n {
			break
		}
	}
	return out
}

func (b *builder) previousLogEvidence(p *corev1.Pod) []Evidence {
	var out []Evidence
	for _, c := range p.Spec.Containers {
		lines := b.tails[p.Namespace+"/"+p.Name+"/"+c.Name]
		if len(lines) == 0 {
			continue
		}
		ref := "logs/" + p.Namespace + "/" + p.Name + "/" + c.Name + ".previous.log"
		for _, l := range lines {
			out = append(out, Evidence{Kind: "LogLine", Ref: ref, Text: l})
		}
		break
	}
	return out
}

// allStatuses lists init containers first, as the kubelet starts them.
func allStatuses(p *corev1.Pod) []corev1.ContainerStatus {
	return append(append([]corev1.ContainerStatus{}, p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...)
}
