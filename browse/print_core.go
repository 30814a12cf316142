package browse

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/kinds"
	"github.com/nohealthy/nohealthy/load"
)

// The tables of the built-in kinds follow the API server's table
// printers (k8s.io/kubernetes pkg/printers/internalversion, which
// `kubectl get` shows): the same columns, wide columns, placeholders
// ("<none>", "<pending>", "<unknown>") and abbreviations ("+ 2 more...").

func nameCol() column           { return column{name: "NAME", isName: true} }
func col(name string) column    { return column{name: name} }
func wideCol(n string) column   { return column{name: n, wide: true} }
func cols(c ...column) []column { return c }

func coreResources() []*resource {
	return []*resource{
		typed[corev1.Pod](resource{kind: "Pod", short: []string{"po"},
			columns: cols(nameCol(), col("READY"), col("STATUS"), col("RESTARTS"), col("AGE"),
				wideCol("IP"), wideCol("NODE"), wideCol("NOMINATED NODE"), wideCol("READINESS GATES"))},
			podRow, describePod),
		typed[corev1.Service](resource{kind: "Service", short: []string{"svc"},
			columns: cols(nameCol(), col("TYPE"), col("CLUSTER-IP"), col("EXTERNAL-IP"), col("PORT(S)"), col("AGE"), wideCol("SELECTOR"))},
			serviceRow, describeService),
		typed[corev1.Endpoints](resource{kind: "Endpoints", short: []string{"ep"},
			columns: cols(nameCol(), col("ENDPOINTS"), col("AGE"))},
			func(e *corev1.Endpoints, _ bool) []cell {
				return []cell{str(e.Name), str(formatEndpoints(e, "", false)), age(e.CreationTimestamp)}
			}, describeEndpoints),
		typed[discoveryv1.EndpointSlice](resource{group: "discovery.k8s.io", kind: "EndpointSlice",
			columns: cols(nameCol(), col("ADDRESSTYPE"), col("PORTS"), col("ENDPOINTS"), col("AGE"))},
			endpointSliceRow, describeEndpointSlice),
		typed[appsv1.Deployment](resource{group: "apps", kind: "Deployment", short: []string{"deploy"},
			columns: cols(nameCol(), col("READY"), col("UP-TO-DATE"), col("AVAILABLE"), col("AGE"), wideCol("CONTAINERS"), wideCol("IMAGES"), wideCol("SELECTOR"))},
			deploymentRow, describeDeployment),
		typed[appsv1.ReplicaSet](resource{group: "apps", kind: "ReplicaSet", short: []string{"rs"},
			columns: cols(nameCol(), col("DESIRED"), col("CURRENT"), col("READY"), col("AGE"), wideCol("CONTAINERS"), wideCol("IMAGES"), wideCol("SELECTOR"))},
			replicaSetRow, describeReplicaSet),
		typed[appsv1.StatefulSet](resource{group: "apps", kind: "StatefulSet", short: []string{"sts"},
			columns: cols(nameCol(), col("READY"), col("AGE"), wideCol("CONTAINERS"), wideCol("IMAGES"))},
			statefulSetRow, describeStatefulSet),
		typed[appsv1.DaemonSet](resource{group: "apps", kind: "DaemonSet", short: []string{"ds"},
			columns: cols(nameCol(), col("DESIRED"), col("CURRENT"), col("READY"), col("UP-TO-DATE"), col("AVAILABLE"), col("NODE SELECTOR"), col("AGE"), wideCol("CONTAINERS"), wideCol("IMAGES"), wideCol("SELECTOR"))},
			daemonSetRow, describeDaemonSet),
		typed[corev1.Node](resource{kind: "Node", short: []string{"no"},
			columns: cols(nameCol(), col("STATUS"), col("ROLES"), col("AGE"), col("VERSION"), wideCol("INTERNAL-IP"), wideCol("EXTERNAL-IP"), wideCol("OS-IMAGE"), wideCol("KERNEL-VERSION"), wideCol("CONTAINER-RUNTIME"))},
			nodeRow, describeNode),
		typed[corev1.Namespace](resource{kind: "Namespace", short: []string{"ns"},
			columns: cols(nameCol(), col("STATUS"), col("AGE"))},
			func(n *corev1.Namespace, _ bool) []cell {
				return []cell{str(n.Name), str(string(n.Status.Phase)), age(n.CreationTimestamp)}
			}, describeNamespace),
		eventResource(),
		typed[corev1.ConfigMap](resource{kind: "ConfigMap", short: []string{"cm"},
			columns: cols(nameCol(), col("DATA"), col("AGE"))},
			func(c *corev1.ConfigMap, _ bool) []cell {
				return []cell{str(c.Name), num(len(c.Data) + len(c.BinaryData)), age(c.CreationTimestamp)}
			}, describeConfigMap),
		secretResource(),
		typed[networkingv1.Ingress](resource{group: "networking.k8s.io", kind: "Ingress", short: []string{"ing"}, more: []string{"extensions"},
			columns: cols(nameCol(), col("CLASS"), col("HOSTS"), col("ADDRESS"), col("PORTS"), col("AGE"))},
			ingressRow, nil),
		typed[networkingv1.IngressClass](resource{group: "networking.k8s.io", kind: "IngressClass",
			columns: cols(nameCol(), col("CONTROLLER"), col("PARAMETERS"), col("AGE"))},
			ingressClassRow, nil),
		typed[networkingv1.NetworkPolicy](resource{group: "networking.k8s.io", kind: "NetworkPolicy", short: []string{"netpol"},
			columns: cols(nameCol(), col("POD-SELECTOR"), col("AGE"))},
			func(n *networkingv1.NetworkPolicy, _ bool) []cell {
				return []cell{str(n.Name), str(metav1.FormatLabelSelector(&n.Spec.PodSelector)), age(n.CreationTimestamp)}
			}, nil),
		hpaResource(),
		typed[policyv1.PodDisruptionBudget](resource{group: "policy", kind: "PodDisruptionBudget", short: []string{"pdb"},
			columns: cols(nameCol(), col("MIN AVAILABLE"), col("MAX UNAVAILABLE"), col("ALLOWED DISRUPTIONS"), col("AGE"))},
			pdbRow, nil),
		typed[batchv1.Job](resource{group: "batch", kind: "Job", plural: "jobs",
			columns: cols(nameCol(), col("STATUS"), col("COMPLETIONS"), col("DURATION"), col("AGE"), wideCol("CONTAINERS"), wideCol("IMAGES"), wideCol("SELECTOR"))},
			jobRow, nil),
		typed[batchv1.CronJob](resource{group: "batch", kind: "CronJob", plural: "cronjobs", short: []string{"cj"},
			columns: cols(nameCol(), col("SCHEDULE"), col("TIMEZONE"), col("SUSPEND"), col("ACTIVE"), col("LAST SCHEDULE"), col("AGE"), wideCol("CONTAINERS"), wideCol("IMAGES"), wideCol("SELECTOR"))},
			cronJobRow, nil),
		typed[corev1.ServiceAccount](resource{kind: "ServiceAccount", plural: "serviceaccounts", short: []string{"sa"},
			columns: cols(nameCol(), col("SECRETS"), col("AGE"))},
			func(s *corev1.ServiceAccount, _ bool) []cell {
				return []cell{str(s.Name), num(len(s.Secrets)), age(s.CreationTimestamp)}
			}, nil),
	}
}

// ---- Pod ----

func isRestartableInit(c *corev1.Container) bool {
	return c != nil && c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

func podCondition(p *corev1.Pod, t corev1.PodConditionType) (corev1.ConditionStatus, bool) {
	for _, c := range p.Status.Conditions {
		if c.Type == t {
			return c.Status, true
		}
	}
	return "", false
}

// podStatus computes the READY, STATUS and RESTARTS columns: the phase,
// or the reason of the init container holding initialization, or of the
// last container not running; restarts of the containers that count, the
// last restart being the newest termination of those containers.
func podStatus(p *corev1.Pod) (ready, total int, reason string, restartCount int, lastRestart time.Time) {
	total = len(p.Spec.Containers)
	reason = string(p.Status.Phase)
	if p.Status.Reason != "" {
		reason = p.Status.Reason
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Reason == corev1.PodReasonSchedulingGated {
			reason = corev1.PodReasonSchedulingGated
		}
	}
	inits := map[string]*corev1.Container{}
	for i := range p.Spec.InitContainers {
		c := &p.Spec.InitContainers[i]
		inits[c.Name] = c
		if isRestartableInit(c) {
			total++
		}
	}
	var sidecarRestarts int
	var sidecarLast time.Time
	initializing := false
	for i, cs := range p.Status.InitContainerStatuses {
		restartCount += int(cs.RestartCount)
		if t := cs.LastTerminationState.Terminated; t != nil {
			lastRestart = later(lastRestart, t.FinishedAt.Time)
		}
		sidecar := isRestartableInit(inits[cs.Name])
		if sidecar {
			sidecarRestarts += int(cs.RestartCount)
			if t := cs.LastTerminationState.Terminated; t != nil {
				sidecarLast = later(sidecarLast, t.FinishedAt.Time)
			}
		}
		switch {
		case cs.State.Terminated != nil && cs.State.Terminated.ExitCode == 0:
			continue
		case sidecar && cs.Started != nil && *cs.Started:
			if cs.Ready {
				ready++
			}
			continue
		case cs.State.Terminated != nil:
			t := cs.State.Terminated
			switch {
			case t.Reason != "":
				reason = "Init:" + t.Reason
			case t.Signal != 0:
				reason = fmt.Sprintf("Init:Signal:%d", t.Signal)
			default:
				reason = fmt.Sprintf("Init:ExitCode:%d", t.ExitCode)
			}
		case cs.State.Waiting != nil && cs.State.Waiting.Reason != "" && cs.State.Waiting.Reason != "PodInitializing":
			reason = "Init:" + cs.State.Waiting.Reason
		default:
			reason = fmt.Sprintf("Init:%d/%d", i, len(p.Spec.InitContainers))
		}
		initializing = true
		break
	}
	if initialized, _ := podCondition(p, corev1.PodInitialized); !initializing || initialized == corev1.ConditionTrue {
		restartCount, lastRestart = sidecarRestarts, sidecarLast
		running := false
		for i := len(p.Status.ContainerStatuses) - 1; i >= 0; i-- {
			cs := p.Status.ContainerStatuses[i]
			restartCount += int(cs.RestartCount)
			if t := cs.LastTerminationState.Terminated; t != nil {
				lastRestart = later(lastRestart, t.FinishedAt.Time)
			}
			switch {
			case cs.State.Waiting != nil && cs.State.Waiting.Reason != "":
				reason = cs.State.Waiting.Reason
			case cs.State.Terminated != nil && cs.State.Terminated.Reason != "":
				reason = cs.State.Terminated.Reason
			case cs.State.Terminated != nil && cs.State.Terminated.Signal != 0:
				reason = fmt.Sprintf("Signal:%d", cs.State.Terminated.Signal)
			case cs.State.Terminated != nil:
				reason = fmt.Sprintf("ExitCode:%d", cs.State.Terminated.ExitCode)
			case cs.Ready && cs.State.Running != nil:
				running = true
				ready++
			}
		}
		if reason == "Completed" && running {
			reason = "NotReady"
			if st, _ := podCondition(p, corev1.PodReady); st == corev1.ConditionTrue {
				reason = "Running"
			}
		}
	}
	if p.DeletionTimestamp != nil {
		switch {
		case p.Status.Reason == "NodeLost":
			reason = "Unknown"
		case p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed:
			reason = "Terminating"
		}
	}
	return ready, total, reason, restartCount, lastRestart
}

func podRow(p *corev1.Pod, wide bool) []cell {
	ready, total, reason, n, last := podStatus(p)
	out := []cell{str(p.Name), str(fmt.Sprintf("%d/%d", ready, total)), str(reason), restarts(n, last), age(p.CreationTimestamp)}
	if !wide {
		return out
	}
	ip := "<none>"
	if len(p.Status.PodIPs) > 0 && p.Status.PodIPs[0].IP != "" {
		ip = p.Status.PodIPs[0].IP
	} else if p.Status.PodIP != "" {
		ip = p.Status.PodIP
	}
	gates := "<none>"
	if len(p.Spec.ReadinessGates) > 0 {
		ok := 0
		for _, g := range p.Spec.ReadinessGates {
			if st, _ := podCondition(p, g.ConditionType); st == corev1.ConditionTrue {
				ok++
			}
		}
		gates = fmt.Sprintf("%d/%d", ok, len(p.Spec.ReadinessGates))
	}
	return append(out, str(ip), str(orNone(p.Spec.NodeName)), str(orNone(p.Status.NominatedNodeName)), str(gates))
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

// ---- Service ----

// loadBalancerIngress lists a load balancer's IPs or host names, sorted
// and distinct, cut to 16 characters unless wide.
func loadBalancerIngress(ips, hosts []string, wide bool) string {
	var all []string
	for i := range ips {
		switch {
		case ips[i] != "":
			all = append(all, ips[i])
		case hosts[i] != "":
			all = append(all, hosts[i])
		}
	}
	slices.Sort(all)
	s := strings.Join(slices.Compact(all), ",")
	if !wide && len(s) > 16 {
		s = s[:13] + "..."
	}
	return s
}

func serviceExternalIP(s *corev1.Service, wide bool) string {
	switch s.Spec.Type {
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort:
		if len(s.Spec.ExternalIPs) > 0 {
			return strings.Join(s.Spec.ExternalIPs, ",")
		}
		return "<none>"
	case corev1.ServiceTypeLoadBalancer:
		var ips, hosts []string
		for _, in := range s.Status.LoadBalancer.Ingress {
			ips, hosts = append(ips, in.IP), append(hosts, in.Hostname)
		}
		lb := loadBalancerIngress(ips, hosts, wide)
		if len(s.Spec.ExternalIPs) > 0 {
			var all []string
			if lb != "" {
				all = strings.Split(lb, ",")
			}
			return strings.Join(append(all, s.Spec.ExternalIPs...), ",")
		}
		if lb != "" {
			return lb
		}
		return "<pending>"
	case corev1.ServiceTypeExternalName:
		return s.Spec.ExternalName
	}
	return "<unknown>"
}

func servicePorts(ports []corev1.ServicePort) string {
	out := make([]string, len(ports))
	for i, p := range ports {
		out[i] = fmt.Sprintf("%d/%s", p.Port, p.Protocol)
		if p.NodePort > 0 {
			out[i] = fmt.Sprintf("%d:%d/%s", p.Port, p.NodePort, p.Protocol)
		}
	}
	if len(out) == 0 {
		return "<none>"
	}
	return strings.Join(out, ",")
}

func serviceRow(s *corev1.Service, wide bool) []cell {
	ip := "<none>"
	if len(s.Spec.ClusterIPs) > 0 {
		ip = s.Spec.ClusterIPs[0]
	}
	out := []cell{str(s.Name), str(string(s.Spec.Type)), str(ip), str(serviceExternalIP(s, wide)), str(servicePorts(s.Spec.Ports)), age(s.CreationTimestamp)}
	if wide {
		out = append(out, str(labels.FormatLabels(s.Spec.Selector)))
	}
	return out
}

// ---- Endpoints, EndpointSlices ----

// formatEndpoints lists "ip:port" of the ready addresses, the first three
// and "+ N more..." (only the ports named port when byName).
func formatEndpoints(e *corev1.Endpoints, port string, byName bool) string {
	if len(e.Subsets) == 0 {
		return "<none>"
	}
	var list []string
	count := 0
	add := func(s string) {
		count++
		if len(list) < 3 {
			list = append(list, s)
		}
	}
	for _, ss := range e.Subsets {
		if len(ss.Ports) == 0 {
			for _, a := range ss.Addresses {
				add(a.IP)
			}
			continue
		}
		for _, p := range ss.Ports {
			if byName && p.Name != port {
				continue
			}
			for _, a := range ss.Addresses {
				add(net.JoinHostPort(a.IP, strconv.Itoa(int(p.Port))))
			}
		}
	}
	s := strings.Join(list, ",")
	if count > 3 {
		return fmt.Sprintf("%s + %d more...", s, count-3)
	}
	return s
}

// moreList joins the first three of a list, "+ N more..." beyond, and
// "<unset>" for none (EndpointSlice ports and endpoints).
func moreList(all []string) string {
	switch {
	case len(all) == 0:
		return "<unset>"
	case len(all) > 3:
		return fmt.Sprintf("%s + %d more...", strings.Join(all[:3], ","), len(all)-3)
	}
	return strings.Join(all, ",")
}

func endpointSliceRow(s *discoveryv1.EndpointSlice, _ bool) []cell {
	var ports, addrs []string
	for _, p := range s.Ports {
		switch {
		case p.Port != nil:
			ports = append(ports, strconv.Itoa(int(*p.Port)))
		case p.Name != nil:
			ports = append(ports, *p.Name)
		default:
			ports = append(ports, "*")
		}
	}
	for _, e := range s.Endpoints {
		addrs = append(addrs, e.Addresses...)
	}
	return []cell{str(s.Name), str(string(s.AddressType)), str(moreList(ports)), str(moreList(addrs)), age(s.CreationTimestamp)}
}

// ---- workloads ----

// containerCells are the CONTAINERS and IMAGES cells of a pod template.
func containerCells(cs []corev1.Container) (cell, cell) {
	names, images := make([]string, len(cs)), make([]string, len(cs))
	for i, c := range cs {
		names[i], images[i] = c.Name, c.Image
	}
	return str(strings.Join(names, ",")), str(strings.Join(images, ","))
}

func selectorText(s *metav1.LabelSelector) string {
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		return "<invalid>"
	}
	return sel.String()
}

func deref(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

func deploymentRow(d *appsv1.Deployment, wide bool) []cell {
	out := []cell{str(d.Name), str(fmt.Sprintf("%d/%d", d.Status.ReadyReplicas, deref(d.Spec.Replicas))),
		num(d.Status.UpdatedReplicas), num(d.Status.AvailableReplicas), age(d.CreationTimestamp)}
	if wide {
		n, i := containerCells(d.Spec.Template.Spec.Containers)
		out = append(out, n, i, str(selectorText(d.Spec.Selector)))
	}
	return out
}

func replicaSetRow(r *appsv1.ReplicaSet, wide bool) []cell {
	out := []cell{str(r.Name), num(deref(r.Spec.Replicas)), num(r.Status.Replicas), num(r.Status.ReadyReplicas), age(r.CreationTimestamp)}
	if wide {
		n, i := containerCells(r.Spec.Template.Spec.Containers)
		out = append(out, n, i, str(metav1.FormatLabelSelector(r.Spec.Selector)))
	}
	return out
}

func statefulSetRow(s *appsv1.StatefulSet, wide bool) []cell {
	out := []cell{str(s.Name), str(fmt.Sprintf("%d/%d", s.Status.ReadyReplicas, deref(s.Spec.Replicas))), age(s.CreationTimestamp)}
	if wide {
		n, i := containerCells(s.Spec.Template.Spec.Containers)
		out = append(out, n, i)
	}
	return out
}

func daemonSetRow(d *appsv1.DaemonSet, wide bool) []cell {
	st := d.Status
	out := []cell{str(d.Name), num(st.DesiredNumberScheduled), num(st.CurrentNumberScheduled), num(st.NumberReady),
		num(st.UpdatedNumberScheduled), num(st.NumberAvailable), str(labels.FormatLabels(d.Spec.Template.Spec.NodeSelector)), age(d.CreationTimestamp)}
	if wide {
		n, i := containerCells(d.Spec.Template.Spec.Containers)
		out = append(out, n, i, str(metav1.FormatLabelSelector(d.Spec.Selector)))
	}
	return out
}

func hasJobCondition(j *batchv1.Job, t batchv1.JobConditionType) bool {
	for _, c := range j.Status.Conditions {
		if c.Type == t && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

func jobRow(j *batchv1.Job, wide bool) []cell {
	completions := fmt.Sprintf("%d/1", j.Status.Succeeded)
	switch {
	case j.Spec.Completions != nil:
		completions = fmt.Sprintf("%d/%d", j.Status.Succeeded, *j.Spec.Completions)
	case deref(j.Spec.Parallelism) > 1:
		completions = fmt.Sprintf("%d/1 of %d", j.Status.Succeeded, *j.Spec.Parallelism)
	}
	var took cell
	switch {
	case j.Status.StartTime == nil:
	case j.Status.CompletionTime == nil:
		took = age(*j.Status.StartTime)
	default:
		took = str(duration.HumanDuration(j.Status.CompletionTime.Sub(j.Status.StartTime.Time)))
	}
	status := "Running"
	switch {
	case hasJobCondition(j, batchv1.JobComplete):
		status = "Complete"
	case hasJobCondition(j, batchv1.JobFailed):
		status = "Failed"
	case j.DeletionTimestamp != nil:
		status = "Terminating"
	case hasJobCondition(j, batchv1.JobSuspended):
		status = "Suspended"
	case hasJobCondition(j, batchv1.JobFailureTarget):
		status = "FailureTarget"
	case hasJobCondition(j, batchv1.JobSuccessCriteriaMet):
		status = "SuccessCriteriaMet"
	}
	out := []cell{str(j.Name), str(status), str(completions), took, age(j.CreationTimestamp)}
	if wide {
		n, i := containerCells(j.Spec.Template.Spec.Containers)
		out = append(out, n, i, str(metav1.FormatLabelSelector(j.Spec.Selector)))
	}
	return out
}

func boolPtr(b *bool) string {
	switch {
	case b == nil:
		return "<unset>"
	case *b:
		return "True"
	}
	return "False"
}

func cronJobRow(c *batchv1.CronJob, wide bool) []cell {
	last := str("<none>")
	if c.Status.LastScheduleTime != nil {
		last = age(*c.Status.LastScheduleTime)
	}
	tz := "<none>"
	if c.Spec.TimeZone != nil {
		tz = *c.Spec.TimeZone
	}
	out := []cell{str(c.Name), str(c.Spec.Schedule), str(tz), str(boolPtr(c.Spec.Suspend)), num(len(c.Status.Active)), last, age(c.CreationTimestamp)}
	if wide {
		n, i := containerCells(c.Spec.JobTemplate.Spec.Template.Spec.Containers)
		out = append(out, n, i, str(metav1.FormatLabelSelector(c.Spec.JobTemplate.Spec.Selector)))
	}
	return out
}

// ---- Node ----

// nodeRoles are the roles node-role.kubernetes.io/<role> labels and the
// kubernetes.io/role label give, sorted.
func nodeRoles(n *corev1.Node) []string {
	var roles []string
	for k, v := range n.Labels {
		switch {
		case strings.HasPrefix(k, "node-role.kubernetes.io/"):
			if r := strings.TrimPrefix(k, "node-role.kubernetes.io/"); r != "" {
				roles = append(roles, r)
			}
		case k == "kubernetes.io/role" && v != "":
			roles = append(roles, v)
		}
	}
	slices.Sort(roles)
	return slices.Compact(roles)
}

func nodeAddress(n *corev1.Node, t corev1.NodeAddressType) string {
	for _, a := range n.Status.Addresses {
		if a.Type == t {
			return a.Address
		}
	}
	return "<none>"
}

func orUnknown(s string) string {
	if s == "" {
		return "<unknown>"
	}
	return s
}

func nodeRow(n *corev1.Node, wide bool) []cell {
	status := "Unknown"
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			status = "NotReady"
			if c.Status == corev1.ConditionTrue {
				status = "Ready"
			}
		}
	}
	if n.Spec.Unschedulable {
		status += ",SchedulingDisabled"
	}
	roles := strings.Join(nodeRoles(n), ",")
	out := []cell{str(n.Name), str(status), str(orNone(roles)), age(n.CreationTimestamp), str(n.Status.NodeInfo.KubeletVersion)}
	if wide {
		ni := n.Status.NodeInfo
		out = append(out, str(nodeAddress(n, corev1.NodeInternalIP)), str(nodeAddress(n, corev1.NodeExternalIP)),
			str(orUnknown(ni.OSImage)), str(orUnknown(ni.KernelVersion)), str(orUnknown(ni.ContainerRuntimeVersion)))
	}
	return out
}

// ---- Events ----

// eventResource reads core/v1 Events and events.k8s.io/v1 Events alike,
// the latter as the core Event they describe (as the analysis does).
func eventResource() *resource {
	r := typed[corev1.Event](resource{kind: "Event", short: []string{"ev"}, more: []string{"events.k8s.io"},
		columns: cols(col("LAST SEEN"), col("TYPE"), col("REASON"), col("OBJECT"), wideCol("SUBOBJECT"), wideCol("SOURCE"),
			col("MESSAGE"), wideCol("FIRST SEEN"), wideCol("COUNT"), column{name: "NAME", wide: true, isName: true})},
		eventRow, nil)
	core := r.decode
	r.decode = func(o *bundle.Object) (object, error) {
		if kinds.GroupOf(o.APIVersion) != "events.k8s.io" {
			return core(o)
		}
		e, err := load.EventV1(o.Raw)
		if err != nil {
			return object{}, err
		}
		return object{meta: e, v: e}, nil
	}
	return r
}

// eventTimes returns an event's first and last seen times and count as
// kubectl reads them (a series' last observation, a count of 1 for a
// singleton of the new API).
func eventSeen(e *corev1.Event) (first, last time.Time, count int32) {
	first = e.FirstTimestamp.Time
	if first.IsZero() {
		first = e.EventTime.Time
	}
	last = e.LastTimestamp.Time
	if last.IsZero() {
		last = first
	}
	count = e.Count
	switch {
	case e.Series != nil:
		last, count = e.Series.LastObservedTime.Time, e.Series.Count
	case count == 0:
		count = 1
	}
	return first, last, count
}

func eventRow(e *corev1.Event, wide bool) []cell {
	first, last, count := eventSeen(e)
	target := strings.ToLower(e.InvolvedObject.Kind)
	if e.InvolvedObject.Name != "" {
		target += "/" + e.InvolvedObject.Name
	}
	msg := strings.TrimSpace(e.Message)
	if !wide {
		return []cell{ageAt(last), str(e.Type), str(e.Reason), str(target), str(msg)}
	}
	component, host := e.Source.Component, e.Source.Host
	if component == "" {
		component = e.ReportingController
	}
	if host == "" {
		host = e.ReportingInstance
	}
	source := component
	if host != "" {
		source += ", " + host
	}
	return []cell{ageAt(last), str(e.Type), str(e.Reason), str(target), str(e.InvolvedObject.FieldPath), str(source), str(msg),
		ageAt(first), num(count), str(e.Name)}
}

// ---- networking ----

func ingressRow(i *networkingv1.Ingress, wide bool) []cell {
	class := "<none>"
	if i.Spec.IngressClassName != nil {
		class = *i.Spec.IngressClassName
	}
	var hosts []string
	for _, r := range i.Spec.Rules {
		if r.Host != "" && len(hosts) < 3 {
			hosts = append(hosts, r.Host)
		}
	}
	h := strings.Join(hosts, ",")
	switch {
	case len(hosts) == 0:
		h = "*"
	case len(i.Spec.Rules) > 3:
		h = fmt.Sprintf("%s + %d more...", h, len(i.Spec.Rules)-3)
	}
	var ips, names []string
	for _, in := range i.Status.LoadBalancer.Ingress {
		ips, names = append(ips, in.IP), append(names, in.Hostname)
	}
	ports := "80"
	if len(i.Spec.TLS) > 0 {
		ports = "80, 443"
	}
	return []cell{str(i.Name), str(class), str(h), str(loadBalancerIngress(ips, names, wide)), str(ports), age(i.CreationTimestamp)}
}

func ingressClassRow(c *networkingv1.IngressClass, _ bool) []cell {
	params := "<none>"
	if p := c.Spec.Parameters; p != nil {
		params = p.Kind
		if p.APIGroup != nil {
			params += "." + *p.APIGroup
		}
		params += "/" + p.Name
	}
	return []cell{str(c.Name), str(c.Spec.Controller), str(params), age(c.CreationTimestamp)}
}

// ---- autoscaling, policy ----

// hpaResource reads autoscaling/v2 HorizontalPodAutoscalers, and v1 ones
// as the v2 object the API server would serve for them (the CPU target
// and current utilization as a Resource metric).
func hpaResource() *resource {
	r := typed[autoscalingv2.HorizontalPodAutoscaler](resource{group: "autoscaling", kind: "HorizontalPodAutoscaler", short: []string{"hpa"},
		columns: cols(nameCol(), col("REFERENCE"), col("TARGETS"), col("MINPODS"), col("MAXPODS"), col("REPLICAS"), col("AGE"))},
		hpaRow, nil)
	v2 := r.decode
	r.decode = func(o *bundle.Object) (object, error) {
		if o.APIVersion != "autoscaling/v1" {
			return v2(o)
		}
		var v1 struct {
			autoscalingv2.HorizontalPodAutoscaler
			Spec struct {
				autoscalingv2.HorizontalPodAutoscalerSpec
				TargetCPU *int32 `json:"targetCPUUtilizationPercentage"`
			} `json:"spec"`
			Status struct {
				autoscalingv2.HorizontalPodAutoscalerStatus
				CurrentCPU *int32 `json:"currentCPUUtilizationPercentage"`
			} `json:"status"`
		}
		if err := unmarshal(o.Raw, &v1); err != nil {
			return object{}, err
		}
		h := v1.HorizontalPodAutoscaler
		h.Spec, h.Status = v1.Spec.HorizontalPodAutoscalerSpec, v1.Status.HorizontalPodAutoscalerStatus
		h.Spec.Metrics = []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
			Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: v1.Spec.TargetCPU}}}}
		if v1.Status.CurrentCPU != nil {
			h.Status.CurrentMetrics = []autoscalingv2.MetricStatus{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricStatus{
				Name: corev1.ResourceCPU, Current: autoscalingv2.MetricValueStatus{AverageUtilization: v1.Status.CurrentCPU}}}}
		}
		return object{meta: &h, v: &h}, nil
	}
	return r
}

// hpaTargets formats the current/target of the first two metrics (the
// TARGETS column).
func hpaTargets(h *autoscalingv2.HorizontalPodAutoscaler) string {
	if len(h.Spec.Metrics) == 0 {
		return "<none>"
	}
	var list []string
	for i, m := range h.Spec.Metrics {
		var st *autoscalingv2.MetricStatus
		if i < len(h.Status.CurrentMetrics) {
			st = &h.Status.CurrentMetrics[i]
		}
		list = append(list, hpaMetric(m, st))
	}
	if len(list) > 2 {
		return fmt.Sprintf("%s + %d more...", strings.Join(list[:2], ", "), len(list)-2)
	}
	return strings.Join(list, ", ")
}

func hpaMetric(m autoscalingv2.MetricSpec, st *autoscalingv2.MetricStatus) string {
	current := "<unknown>"
	switch m.Type {
	case autoscalingv2.ResourceMetricSourceType, autoscalingv2.ContainerResourceMetricSourceType:
		name, target := "", autoscalingv2.MetricTarget{}
		var cur *autoscalingv2.MetricValueStatus
		if m.Resource != nil {
			name, target = string(m.Resource.Name), m.Resource.Target
			if st != nil && st.Resource != nil {
				cur = &st.Resource.Current
			}
		} else if m.ContainerResource != nil {
			name, target = string(m.ContainerResource.Name), m.ContainerResource.Target
			if st != nil && st.ContainerResource != nil {
				cur = &st.ContainerResource.Current
			}
		}
		if target.AverageValue != nil {
			if cur != nil && cur.AverageValue != nil {
				current = cur.AverageValue.String()
			}
			return fmt.Sprintf("%s: %s/%s", name, current, target.AverageValue.String())
		}
		if cur != nil && cur.AverageUtilization != nil {
			current = fmt.Sprintf("%d%%", *cur.AverageUtilization)
		}
		want := "<auto>"
		if target.AverageUtilization != nil {
			want = fmt.Sprintf("%d%%", *target.AverageUtilization)
		}
		return fmt.Sprintf("%s: %s/%s", name, current, want)
	case autoscalingv2.PodsMetricSourceType:
		if st != nil && st.Pods != nil && st.Pods.Current.AverageValue != nil {
			current = st.Pods.Current.AverageValue.String()
		}
		if m.Pods != nil && m.Pods.Target.AverageValue != nil {
			return fmt.Sprintf("%s/%s", current, m.Pods.Target.AverageValue.String())
		}
	case autoscalingv2.ObjectMetricSourceType, autoscalingv2.ExternalMetricSourceType:
		var target autoscalingv2.MetricTarget
		var cur *autoscalingv2.MetricValueStatus
		if m.Object != nil {
			target = m.Object.Target
			if st != nil && st.Object != nil {
				cur = &st.Object.Current
			}
		} else if m.External != nil {
			target = m.External.Target
			if st != nil && st.External != nil {
				cur = &st.External.Current
			}
		}
		if target.AverageValue != nil {
			if cur != nil && cur.AverageValue != nil {
				current = cur.AverageValue.String()
			}
			return fmt.Sprintf("%s/%s (avg)", current, target.AverageValue.String())
		}
		if cur != nil && cur.Value != nil {
			current = cur.Value.String()
		}
		if target.Value != nil {
			return fmt.Sprintf("%s/%s", current, target.Value.String())
		}
	}
	return "<unknown type>"
}

func hpaRow(h *autoscalingv2.HorizontalPodAutoscaler, _ bool) []cell {
	ref := h.Spec.ScaleTargetRef.Kind + "/" + h.Spec.ScaleTargetRef.Name
	minPods := "<unset>"
	if h.Spec.MinReplicas != nil {
		minPods = strconv.Itoa(int(*h.Spec.MinReplicas))
	}
	return []cell{str(h.Name), str(ref), str(hpaTargets(h)), str(minPods), num(h.Spec.MaxReplicas), num(h.Status.CurrentReplicas), age(h.CreationTimestamp)}
}

func pdbRow(p *policyv1.PodDisruptionBudget, _ bool) []cell {
	minA, maxU := "N/A", "N/A"
	if p.Spec.MinAvailable != nil {
		minA = p.Spec.MinAvailable.String()
	}
	if p.Spec.MaxUnavailable != nil {
		maxU = p.Spec.MaxUnavailable.String()
	}
	return []cell{str(p.Name), str(minA), str(maxU), num(p.Status.DisruptionsAllowed), age(p.CreationTimestamp)}
}
