package browse

import (
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apiresource "k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The describers follow kubectl's (k8s.io/kubectl pkg/describe): the same
// fields in the same order, the same placeholders. Where kubectl asks the
// API server for more (a Deployment's ReplicaSets, a Service's
// EndpointSlices, the pods of a controller or on a Node), the inputs
// answer instead, from the same pass.

// ---- Secret: never its data ----

func secretResource() *resource {
	return typed[corev1.Secret](resource{kind: "Secret", plural: "secrets",
		columns: cols(nameCol(), col("TYPE"), col("DATA"), col("AGE"))},
		func(s *corev1.Secret, _ bool) []cell {
			return []cell{str(s.Name), str(string(s.Type)), num(len(s.Data)), age(s.CreationTimestamp)}
		}, nil)
}

func secretOf(v any) bool { _, ok := v.(*corev1.Secret); return ok }

// describeSecret prints the size of each data value, never the value
// (kubectl prints a service account token in full; analyze does not).
func describeSecret(d *describer, v any) {
	s := v.(*corev1.Secret)
	d.header(s)
	d.line(0, "\nType:\t%s\n", string(s.Type))
	d.line(0, "\nData\n====\n")
	for _, k := range slices.Sorted(maps.Keys(s.Data)) {
		d.line(0, "%s:\t%d bytes\n", k, len(s.Data[k]))
	}
}

// ---- Pod ----

func describePod(d *describer, p *corev1.Pod) {
	d.line(0, "Name:\t%s\n", p.Name)
	d.line(0, "Namespace:\t%s\n", p.Namespace)
	if p.Spec.Priority != nil {
		d.line(0, "Priority:\t%d\n", *p.Spec.Priority)
	}
	if p.Spec.PriorityClassName != "" {
		d.line(0, "Priority Class Name:\t%s\n", p.Spec.PriorityClassName)
	}
	if p.Spec.RuntimeClassName != nil && *p.Spec.RuntimeClassName != "" {
		d.line(0, "Runtime Class Name:\t%s\n", *p.Spec.RuntimeClassName)
	}
	if p.Spec.ServiceAccountName != "" {
		d.line(0, "Service Account:\t%s\n", p.Spec.ServiceAccountName)
	}
	if p.Spec.NodeName == "" {
		d.line(0, "Node:\t<none>\n")
	} else {
		d.line(0, "Node:\t%s\n", p.Spec.NodeName+"/"+p.Status.HostIP)
	}
	if p.Status.StartTime != nil {
		d.line(0, "Start Time:\t%s\n", stamp(*p.Status.StartTime))
	}
	d.labelsBlock("", "Labels", p.Labels)
	d.annotationsBlock("", "Annotations", p.Annotations)
	if p.DeletionTimestamp != nil && p.Status.Phase != corev1.PodFailed && p.Status.Phase != corev1.PodSucceeded {
		d.line(0, "Status:\tTerminating (lasts %s)\n", d.since(p.DeletionTimestamp.Time))
		if p.DeletionGracePeriodSeconds != nil {
			d.line(0, "Termination Grace Period:\t%ds\n", *p.DeletionGracePeriodSeconds)
		}
	} else {
		d.line(0, "Status:\t%s\n", string(p.Status.Phase))
	}
	if p.Status.Reason != "" {
		d.line(0, "Reason:\t%s\n", p.Status.Reason)
	}
	if p.Status.Message != "" {
		d.line(0, "Message:\t%s\n", p.Status.Message)
	}
	d.line(0, "IP:\t%s\n", p.Status.PodIP)
	if len(p.Status.PodIPs) == 0 {
		d.line(0, "IPs:\t<none>\n")
	} else {
		d.line(0, "IPs:\n")
		for _, ip := range p.Status.PodIPs {
			d.line(1, "IP:\t%s\n", ip.IP)
		}
	}
	if ref := metav1.GetControllerOfNoCopy(p); ref != nil {
		d.line(0, "Controlled By:\t%s\n", ref.Kind+"/"+ref.Name)
	}
	if p.Status.NominatedNodeName != "" {
		d.line(0, "NominatedNodeName:\t%s\n", p.Status.NominatedNodeName)
	}
	if len(p.Spec.InitContainers) > 0 {
		d.containers("Init Containers", p.Spec.InitContainers, p.Status.InitContainerStatuses, p, "")
	}
	d.containers("Containers", p.Spec.Containers, p.Status.ContainerStatuses, p, "")
	if len(p.Spec.ReadinessGates) > 0 {
		d.line(0, "Readiness Gates:\n  Type\tStatus\n")
		for _, g := range p.Spec.ReadinessGates {
			status := "<none>"
			if st, ok := podCondition(p, g.ConditionType); ok {
				status = string(st)
			}
			d.line(1, "%s \t%s \n", string(g.ConditionType), status)
		}
	}
	if len(p.Status.Conditions) > 0 {
		d.line(0, "Conditions:\n  Type\tStatus\n")
		for _, c := range p.Status.Conditions {
			d.line(1, "%s \t%s \n", string(c.Type), string(c.Status))
		}
	}
	d.volumes(p.Spec.Volumes, "")
	d.line(0, "QoS Class:\t%s\n", string(qosClass(p)))
	d.labelsBlock("", "Node-Selectors", p.Spec.NodeSelector)
	d.tolerations("", p.Spec.Tolerations)
}

// qosClass is the pod's QoS class as recorded, else as kubelet computes
// it from the containers' requests and limits.
func qosClass(p *corev1.Pod) corev1.PodQOSClass {
	if p.Status.QOSClass != "" {
		return p.Status.QOSClass
	}
	any, guaranteed := false, true
	for _, c := range slices.Concat(p.Spec.InitContainers, p.Spec.Containers) {
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			req, hasReq := c.Resources.Requests[r]
			lim, hasLim := c.Resources.Limits[r]
			if hasReq || hasLim {
				any = true
			}
			if !hasLim || (hasReq && req.Cmp(lim) != 0) {
				guaranteed = false
			}
		}
	}
	switch {
	case !any:
		return corev1.PodQOSBestEffort
	case guaranteed:
		return corev1.PodQOSGuaranteed
	}
	return corev1.PodQOSBurstable
}

// containers is kubectl's describeContainers: each container's image,
// ports, command, state, readiness, restarts, resources, probes,
// environment (never a Secret's value: a reference to it) and mounts.
// indent is "  " inside a pod template.
func (d *describer) containers(title string, cs []corev1.Container, statuses []corev1.ContainerStatus, pod *corev1.Pod, indent string) {
	withStatus := pod != nil
	byName := map[string]corev1.ContainerStatus{}
	for _, s := range statuses {
		byName[s.Name] = s
	}
	none := ""
	if len(cs) == 0 {
		none = " <none>"
	}
	d.line(0, "%s%s:%s\n", indent, title, none)
	nameIndent := ""
	if indent != "" {
		nameIndent = " "
	}
	for _, c := range cs {
		st, ok := byName[c.Name]
		ok = ok && withStatus
		d.line(1, "%s%s:\n", nameIndent, c.Name)
		if ok {
			d.line(2, "Container ID:\t%s\n", st.ContainerID)
		}
		d.line(2, "Image:\t%s\n", c.Image)
		if ok {
			d.line(2, "Image ID:\t%s\n", st.ImageID)
		}
		ports, hostPorts := containerPorts(c.Ports)
		if strings.Contains(ports, ",") {
			d.line(2, "Ports:\t%s\n", ports)
		} else {
			d.line(2, "Port:\t%s\n", orNone(ports))
		}
		if strings.Contains(hostPorts, ",") {
			d.line(2, "Host Ports:\t%s\n", hostPorts)
		} else {
			d.line(2, "Host Port:\t%s\n", orNone(hostPorts))
		}
		if len(c.Command) > 0 {
			d.line(2, "Command:\n")
			for _, s := range c.Command {
				for _, l := range strings.Split(s, "\n") {
					d.line(3, "%s\n", l)
				}
			}
		}
		if len(c.Args) > 0 {
			d.line(2, "Args:\n")
			for _, s := range c.Args {
				for _, l := range strings.Split(s, "\n") {
					d.line(3, "%s\n", l)
				}
			}
		}
		if ok {
			d.containerState("State", st.State)
			if st.LastTerminationState.Terminated != nil {
				d.containerState("Last State", st.LastTerminationState)
			}
			d.line(2, "Ready:\t%s\n", printBool(st.Ready))
			d.line(2, "Restart Count:\t%d\n", st.RestartCount)
		}
		d.resources(c.Resources, 2)
		if c.LivenessProbe != nil {
			d.line(2, "Liveness:\t%s\n", probeText(c.LivenessProbe))
		}
		if c.ReadinessProbe != nil {
			d.line(2, "Readiness:\t%s\n", probeText(c.ReadinessProbe))
		}
		if c.StartupProbe != nil {
			d.line(2, "Startup:\t%s\n", probeText(c.StartupProbe))
		}
		if len(c.EnvFrom) > 0 {
			d.line(2, "Environment Variables from:\n")
			for _, e := range c.EnvFrom {
				from, name, optional := "", "", false
				switch {
				case e.ConfigMapRef != nil:
					from, name, optional = "ConfigMap", e.ConfigMapRef.Name, e.ConfigMapRef.Optional != nil && *e.ConfigMapRef.Optional
				case e.SecretRef != nil:
					from, name, optional = "Secret", e.SecretRef.Name, e.SecretRef.Optional != nil && *e.SecretRef.Optional
				}
				if e.Prefix == "" {
					d.line(3, "%s\t%s\tOptional: %t\n", name, from, optional)
				} else {
					d.line(3, "%s\t%s with prefix '%s'\tOptional: %t\n", name, from, e.Prefix, optional)
				}
			}
		}
		d.env(c, pod)
		if len(c.VolumeMounts) == 0 {
			d.line(2, "Mounts:\t<none>\n")
		} else {
			d.line(2, "Mounts:\n")
			mounts := slices.Clone(c.VolumeMounts)
			slices.SortFunc(mounts, func(a, b corev1.VolumeMount) int { return strings.Compare(a.MountPath, b.MountPath) })
			for _, m := range mounts {
				flags := []string{"rw"}
				if m.ReadOnly {
					flags[0] = "ro"
				}
				if m.SubPath != "" {
					flags = append(flags, fmt.Sprintf("path=%q", m.SubPath))
				}
				d.line(3, "%s from %s (%s)\n", m.MountPath, m.Name, strings.Join(flags, ","))
			}
		}
	}
}

// env lists a container's environment as kubectl does: a literal value,
// a pod field's value (in a pod, not a template), or where a value comes
// from (a Secret's key: never its value).
func (d *describer) env(c corev1.Container, pod *corev1.Pod) {
	if len(c.Env) == 0 {
		d.line(2, "Environment:\t<none>\n")
		return
	}
	d.line(2, "Environment:\n")
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			for i, s := range strings.Split(e.Value, "\n") {
				if i == 0 {
					d.line(3, "%s:\t%s\n", e.Name, s)
				} else {
					d.line(3, "\t%s\n", s)
				}
			}
			continue
		}
		vf := e.ValueFrom
		switch {
		case vf.FieldRef != nil:
			d.line(3, "%s:\t%s (%s:%s)\n", e.Name, podField(pod, vf.FieldRef.FieldPath), vf.FieldRef.APIVersion, vf.FieldRef.FieldPath)
		case vf.ResourceFieldRef != nil:
			d.line(3, "%s:\t (%s)\n", e.Name, vf.ResourceFieldRef.Resource)
		case vf.SecretKeyRef != nil:
			d.line(3, "%s:\t<set to the key '%s' in secret '%s'>\tOptional: %t\n", e.Name, vf.SecretKeyRef.Key, vf.SecretKeyRef.Name,
				vf.SecretKeyRef.Optional != nil && *vf.SecretKeyRef.Optional)
		case vf.ConfigMapKeyRef != nil:
			d.line(3, "%s:\t<set to the key '%s' of config map '%s'>\tOptional: %t\n", e.Name, vf.ConfigMapKeyRef.Key, vf.ConfigMapKeyRef.Name,
				vf.ConfigMapKeyRef.Optional != nil && *vf.ConfigMapKeyRef.Optional)
		}
	}
}

// podField is the value of a downward-API field path of pod ("" for a
// template, or a path it does not know).
func podField(p *corev1.Pod, path string) string {
	if p == nil {
		return ""
	}
	switch path {
	case "metadata.name":
		return p.Name
	case "metadata.namespace":
		return p.Namespace
	case "metadata.uid":
		return string(p.UID)
	case "spec.nodeName":
		return p.Spec.NodeName
	case "spec.serviceAccountName":
		return p.Spec.ServiceAccountName
	case "status.hostIP":
		return p.Status.HostIP
	case "status.podIP":
		return p.Status.PodIP
	}
	for prefix, m := range map[string]map[string]string{"metadata.labels": p.Labels, "metadata.annotations": p.Annotations} {
		if k, ok := strings.CutPrefix(path, prefix+"['"); ok {
			return m[strings.TrimSuffix(k, "']")]
		}
	}
	return ""
}

func containerPorts(ps []corev1.ContainerPort) (ports, hostPorts string) {
	var a, b []string
	for _, p := range ps {
		s, h := fmt.Sprintf("%d/%s", p.ContainerPort, p.Protocol), fmt.Sprintf("%d/%s", p.HostPort, p.Protocol)
		if p.Name != "" {
			s, h = s+" ("+p.Name+")", h+" ("+p.Name+")"
		}
		a, b = append(a, s), append(b, h)
	}
	return strings.Join(a, ", "), strings.Join(b, ", ")
}

func (d *describer) containerState(title string, s corev1.ContainerState) {
	switch {
	case s.Running != nil:
		d.line(2, "%s:\tRunning\n", title)
		d.line(3, "Started:\t%s\n", stamp(s.Running.StartedAt))
	case s.Waiting != nil:
		d.line(2, "%s:\tWaiting\n", title)
		if s.Waiting.Reason != "" {
			d.line(3, "Reason:\t%s\n", s.Waiting.Reason)
		}
	case s.Terminated != nil:
		t := s.Terminated
		d.line(2, "%s:\tTerminated\n", title)
		if t.Reason != "" {
			d.line(3, "Reason:\t%s\n", t.Reason)
		}
		if t.Message != "" {
			d.line(3, "Message:\t%s\n", t.Message)
		}
		d.line(3, "Exit Code:\t%d\n", t.ExitCode)
		if t.Signal > 0 {
			d.line(3, "Signal:\t%d\n", t.Signal)
		}
		d.line(3, "Started:\t%s\n", stamp(t.StartedAt))
		d.line(3, "Finished:\t%s\n", stamp(t.FinishedAt))
	default:
		d.line(2, "%s:\tWaiting\n", title)
	}
}

func printBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func (d *describer) resources(r corev1.ResourceRequirements, level int) {
	for _, part := range []struct {
		title string
		list  corev1.ResourceList
	}{{"Limits", r.Limits}, {"Requests", r.Requests}} {
		if len(part.list) == 0 {
			continue
		}
		d.line(level, "%s:\n", part.title)
		names := make([]string, 0, len(part.list))
		for n := range part.list {
			names = append(names, string(n))
		}
		slices.Sort(names)
		for _, n := range names {
			q := part.list[corev1.ResourceName(n)]
			d.line(level+1, "%s:\t%s\n", n, q.String())
		}
	}
}

// probeText is kubectl's DescribeProbe.
func probeText(p *corev1.Probe) string {
	attrs := fmt.Sprintf("delay=%ds timeout=%ds period=%ds successThreshold=%d failureThreshold=%d",
		p.InitialDelaySeconds, p.TimeoutSeconds, p.PeriodSeconds, p.SuccessThreshold, p.FailureThreshold)
	switch {
	case p.Exec != nil:
		return fmt.Sprintf("exec %v %s", p.Exec.Command, attrs)
	case p.HTTPGet != nil:
		u := &url.URL{Scheme: strings.ToLower(string(p.HTTPGet.Scheme)), Path: p.HTTPGet.Path, Host: p.HTTPGet.Host}
		if port := p.HTTPGet.Port.String(); port != "" {
			u.Host = net.JoinHostPort(p.HTTPGet.Host, port)
		}
		return fmt.Sprintf("http-get %s %s", u.String(), attrs)
	case p.TCPSocket != nil:
		return fmt.Sprintf("tcp-socket %s:%s %s", p.TCPSocket.Host, p.TCPSocket.Port.String(), attrs)
	case p.GRPC != nil:
		svc := ""
		if p.GRPC.Service != nil {
			svc = *p.GRPC.Service
		}
		return fmt.Sprintf("grpc <pod>:%d %s %s", p.GRPC.Port, svc, attrs)
	}
	return "unknown " + attrs
}

// volumes describes the common volume sources as kubectl does; others
// by their type only.
func (d *describer) volumes(vs []corev1.Volume, indent string) {
	if len(vs) == 0 {
		d.line(0, "%sVolumes:\t<none>\n", indent)
		return
	}
	d.line(0, "%sVolumes:\n", indent)
	nameIndent := ""
	if indent != "" {
		nameIndent = " "
	}
	opt := func(b *bool) bool { return b != nil && *b }
	for _, v := range vs {
		d.line(1, "%s%s:\n", nameIndent, v.Name)
		s := v.VolumeSource
		switch {
		case s.HostPath != nil:
			t := "<none>"
			if s.HostPath.Type != nil {
				t = string(*s.HostPath.Type)
			}
			d.line(2, "Type:\tHostPath (bare host directory volume)\n    Path:\t%s\n    HostPathType:\t%s\n", s.HostPath.Path, t)
		case s.EmptyDir != nil:
			limit := "<unset>"
			if s.EmptyDir.SizeLimit != nil && s.EmptyDir.SizeLimit.Cmp(apiresource.Quantity{}) > 0 {
				limit = s.EmptyDir.SizeLimit.String()
			}
			d.line(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t%s\n    SizeLimit:\t%s\n", string(s.EmptyDir.Medium), limit)
		case s.Secret != nil:
			d.line(2, "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t%s\n    Optional:\t%t\n", s.Secret.SecretName, opt(s.Secret.Optional))
		case s.ConfigMap != nil:
			d.line(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t%s\n    Optional:\t%t\n", s.ConfigMap.Name, opt(s.ConfigMap.Optional))
		case s.PersistentVolumeClaim != nil:
			d.line(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t%s\n    ReadOnly:\t%t\n", s.PersistentVolumeClaim.ClaimName, s.PersistentVolumeClaim.ReadOnly)
		case s.DownwardAPI != nil:
			d.line(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n")
			for _, it := range s.DownwardAPI.Items {
				if it.FieldRef != nil {
					d.line(3, "%s -> %s\n", it.FieldRef.FieldPath, it.Path)
				}
				if it.ResourceFieldRef != nil {
					d.line(3, "%s -> %s\n", it.ResourceFieldRef.Resource, it.Path)
				}
			}
		case s.Projected != nil:
			d.line(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
			for _, src := range s.Projected.Sources {
				switch {
				case src.Secret != nil:
					d.line(2, "SecretName:\t%s\n    Optional:\t%t\n", src.Secret.Name, opt(src.Secret.Optional))
				case src.DownwardAPI != nil:
					d.line(2, "DownwardAPI:\ttrue\n")
				case src.ConfigMap != nil:
					d.line(2, "ConfigMapName:\t%s\n    Optional:\t%t\n", src.ConfigMap.Name, opt(src.ConfigMap.Optional))
				case src.ServiceAccountToken != nil && src.ServiceAccountToken.ExpirationSeconds != nil:
					d.line(2, "TokenExpirationSeconds:\t%d\n", *src.ServiceAccountToken.ExpirationSeconds)
				}
			}
		case s.CSI != nil:
			d.line(2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t%s\n", s.CSI.Driver)
		default:
			d.line(1, "<unknown>\n")
		}
	}
}

func (d *describer) tolerations(indent string, ts []corev1.Toleration) {
	d.line(0, "%sTolerations:\t", indent)
	if len(ts) == 0 {
		d.line(0, "<none>\n")
		return
	}
	ts = slices.Clone(ts)
	slices.SortStableFunc(ts, func(a, b corev1.Toleration) int { return strings.Compare(a.Key, b.Key) })
	for i, t := range ts {
		if i > 0 {
			d.line(0, "%s\t", indent)
		}
		s := t.Key
		if t.Value != "" {
			s += "=" + t.Value
		}
		if t.Effect != "" {
			s += ":" + string(t.Effect)
		}
		if t.Operator == corev1.TolerationOpExists && t.Value == "" {
			if t.Key != "" || t.Effect != "" {
				s += " op=Exists"
			} else {
				s += "op=Exists"
			}
		}
		if t.TolerationSeconds != nil {
			s += fmt.Sprintf(" for %ds", *t.TolerationSeconds)
		}
		d.line(0, "%s\n", s)
	}
}

// podTemplate is kubectl's DescribePodTemplate.
func (d *describer) podTemplate(t *corev1.PodTemplateSpec) {
	d.line(0, "Pod Template:\n")
	d.labelsBlock("  ", "Labels", t.Labels)
	if len(t.Annotations) > 0 {
		d.annotationsBlock("  ", "Annotations", t.Annotations)
	}
	if t.Spec.ServiceAccountName != "" {
		d.line(1, "Service Account:\t%s\n", t.Spec.ServiceAccountName)
	}
	if len(t.Spec.InitContainers) > 0 {
		d.containers("Init Containers", t.Spec.InitContainers, nil, nil, "  ")
	}
	d.containers("Containers", t.Spec.Containers, nil, nil, "  ")
	d.volumes(t.Spec.Volumes, "  ")
	if t.Spec.PriorityClassName != "" {
		d.line(1, "Priority Class Name:\t%s\n", t.Spec.PriorityClassName)
	}
	d.labelsBlock("  ", "Node-Selectors", t.Spec.NodeSelector)
	d.tolerations("  ", t.Spec.Tolerations)
}

// podsStatus counts the related pods by phase: "N Running / N Waiting /
// N Succeeded / N Failed".
func (d *describer) podsStatus() string {
	var running, waiting, succeeded, failed int
	for _, r := range d.related {
		if p, ok := r.v.(*corev1.Pod); ok {
			switch p.Status.Phase {
			case corev1.PodRunning:
				running++
			case corev1.PodPending:
				waiting++
			case corev1.PodSucceeded:
				succeeded++
			case corev1.PodFailed:
				failed++
			}
		}
	}
	return fmt.Sprintf("%d Running / %d Waiting / %d Succeeded / %d Failed", running, waiting, succeeded, failed)
}

func (d *describer) conditionsTable(conds [][3]string) {
	if len(conds) == 0 {
		return
	}
	d.line(0, "Conditions:\n  Type\tStatus\tReason\n")
	d.line(1, "----\t------\t------\n")
	for _, c := range conds {
		d.line(1, "%s \t%s\t%s\n", c[0], c[1], c[2])
	}
}

// ---- workloads ----

func describeDeployment(d *describer, dep *appsv1.Deployment) {
	d.line(0, "Name:\t%s\n", dep.Name)
	d.line(0, "Namespace:\t%s\n", dep.Namespace)
	d.line(0, "CreationTimestamp:\t%s\n", stamp(dep.CreationTimestamp))
	d.labelsBlock("", "Labels", dep.Labels)
	d.annotationsBlock("", "Annotations", dep.Annotations)
	d.line(0, "Selector:\t%s\n", selectorText(dep.Spec.Selector))
	d.line(0, "Replicas:\t%d desired | %d updated | %d total | %d available | %d unavailable\n",
		deref(dep.Spec.Replicas), dep.Status.UpdatedReplicas, dep.Status.Replicas, dep.Status.AvailableReplicas, dep.Status.UnavailableReplicas)
	d.line(0, "StrategyType:\t%s\n", string(dep.Spec.Strategy.Type))
	d.line(0, "MinReadySeconds:\t%d\n", dep.Spec.MinReadySeconds)
	if ru := dep.Spec.Strategy.RollingUpdate; ru != nil {
		d.line(0, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n", intOrString(ru.MaxUnavailable), intOrString(ru.MaxSurge))
	}
	d.podTemplate(&dep.Spec.Template)
	var conds [][3]string
	for _, c := range dep.Status.Conditions {
		conds = append(conds, [3]string{string(c.Type), string(c.Status), c.Reason})
	}
	d.conditionsTable(conds)
	// The new ReplicaSet runs the Deployment's current template (its
	// pod-template-hash matches); the others are old.
	var olds, news []string
	for _, r := range d.related {
		rs, ok := r.v.(*appsv1.ReplicaSet)
		if !ok {
			continue
		}
		s := fmt.Sprintf("%s (%d/%d replicas created)", rs.Name, rs.Status.Replicas, deref(rs.Spec.Replicas))
		if rs.Annotations["deployment.kubernetes.io/revision"] != "" && rs.Annotations["deployment.kubernetes.io/revision"] == dep.Annotations["deployment.kubernetes.io/revision"] {
			news = append(news, s)
		} else {
			olds = append(olds, s)
		}
	}
	if len(olds) > 0 || len(news) > 0 {
		d.line(0, "OldReplicaSets:\t%s\n", orNone(strings.Join(olds, ", ")))
		d.line(0, "NewReplicaSet:\t%s\n", orNone(strings.Join(news, ", ")))
	}
}

func intOrString(v *intstr.IntOrString) string {
	if v == nil {
		return "<nil>"
	}
	return v.String()
}

func describeReplicaSet(d *describer, rs *appsv1.ReplicaSet) {
	d.line(0, "Name:\t%s\n", rs.Name)
	d.line(0, "Namespace:\t%s\n", rs.Namespace)
	d.line(0, "Selector:\t%s\n", metav1.FormatLabelSelector(rs.Spec.Selector))
	d.labelsBlock("", "Labels", rs.Labels)
	d.annotationsBlock("", "Annotations", rs.Annotations)
	if ref := metav1.GetControllerOfNoCopy(rs); ref != nil {
		d.line(0, "Controlled By:\t%s\n", ref.Kind+"/"+ref.Name)
	}
	d.line(0, "Replicas:\t%d current / %d desired\n", rs.Status.Replicas, deref(rs.Spec.Replicas))
	d.line(0, "Pods Status:\t%s\n", d.podsStatus())
	d.podTemplate(&rs.Spec.Template)
	var conds [][3]string
	for _, c := range rs.Status.Conditions {
		conds = append(conds, [3]string{string(c.Type), string(c.Status), c.Reason})
	}
	d.conditionsTable(conds)
}

func describeStatefulSet(d *describer, s *appsv1.StatefulSet) {
	d.line(0, "Name:\t%s\n", s.Name)
	d.line(0, "Namespace:\t%s\n", s.Namespace)
	d.line(0, "CreationTimestamp:\t%s\n", stamp(s.CreationTimestamp))
	d.line(0, "Selector:\t%s\n", selectorText(s.Spec.Selector))
	d.labelsBlock("", "Labels", s.Labels)
	d.annotationsBlock("", "Annotations", s.Annotations)
	if s.Spec.ServiceName != "" {
		d.line(0, "Service Name:\t%s\n", s.Spec.ServiceName)
	}
	if s.Spec.PodManagementPolicy != "" {
		d.line(0, "Pod Management Policy:\t%s\n", string(s.Spec.PodManagementPolicy))
	}
	d.line(0, "Replicas:\t%d desired | %d total\n", deref(s.Spec.Replicas), s.Status.Replicas)
	d.line(0, "Update Strategy:\t%s\n", string(s.Spec.UpdateStrategy.Type))
	if ru := s.Spec.UpdateStrategy.RollingUpdate; ru != nil && ru.Partition != nil {
		d.line(1, "Partition:\t%d\n", *ru.Partition)
		if ru.MaxUnavailable != nil {
			d.line(1, "MaxUnavailable:\t%s\n", ru.MaxUnavailable.String())
		}
	}
	d.line(0, "Pods Status:\t%s\n", d.podsStatus())
	d.podTemplate(&s.Spec.Template)
	if len(s.Spec.VolumeClaimTemplates) == 0 {
		d.line(0, "Volume Claims:\t<none>\n")
	} else {
		d.line(0, "Volume Claims:\n")
		for _, c := range s.Spec.VolumeClaimTemplates {
			d.line(1, "Name:\t%s\n", c.Name)
			class := ""
			if c.Spec.StorageClassName != nil {
				class = *c.Spec.StorageClassName
			}
			d.line(1, "StorageClass:\t%s\n", class)
			capacity := "<default>"
			if q, ok := c.Spec.Resources.Requests[corev1.ResourceStorage]; ok {
				capacity = q.String()
			}
			d.line(1, "Capacity:\t%s\n", capacity)
			d.line(1, "Access Modes:\t%s\n", fmt.Sprint(c.Spec.AccessModes))
		}
	}
}

func describeDaemonSet(d *describer, ds *appsv1.DaemonSet) {
	d.line(0, "Name:\t%s\n", ds.Name)
	d.line(0, "Namespace:\t%s\n", ds.Namespace)
	d.line(0, "Selector:\t%s\n", selectorText(ds.Spec.Selector))
	d.line(0, "Node-Selector:\t%s\n", labels.FormatLabels(ds.Spec.Template.Spec.NodeSelector))
	d.labelsBlock("", "Labels", ds.Labels)
	d.annotationsBlock("", "Annotations", ds.Annotations)
	st := ds.Status
	d.line(0, "Desired Number of Nodes Scheduled: %d\n", st.DesiredNumberScheduled)
	d.line(0, "Current Number of Nodes Scheduled: %d\n", st.CurrentNumberScheduled)
	d.line(0, "Number of Nodes Scheduled with Up-to-date Pods: %d\n", st.UpdatedNumberScheduled)
	d.line(0, "Number of Nodes Scheduled with Available Pods: %d\n", st.NumberAvailable)
	d.line(0, "Number of Nodes Misscheduled: %d\n", st.NumberMisscheduled)
	d.line(0, "Pods Status:\t%s\n", d.podsStatus())
	d.podTemplate(&ds.Spec.Template)
}

// ---- Service, Endpoints, EndpointSlice ----

func describeService(d *describer, s *corev1.Service) {
	d.header(s)
	d.line(0, "Selector:\t%s\n", labels.FormatLabels(s.Spec.Selector))
	d.line(0, "Type:\t%s\n", string(s.Spec.Type))
	if s.Spec.IPFamilyPolicy != nil {
		d.line(0, "IP Family Policy:\t%s\n", string(*s.Spec.IPFamilyPolicy))
	}
	if len(s.Spec.IPFamilies) > 0 {
		var f []string
		for _, x := range s.Spec.IPFamilies {
			f = append(f, string(x))
		}
		d.line(0, "IP Families:\t%s\n", strings.Join(f, ","))
	} else {
		d.line(0, "IP Families:\t<none>\n")
	}
	d.line(0, "IP:\t%s\n", s.Spec.ClusterIP)
	if len(s.Spec.ClusterIPs) > 0 {
		d.line(0, "IPs:\t%s\n", strings.Join(s.Spec.ClusterIPs, ","))
	} else {
		d.line(0, "IPs:\t<none>\n")
	}
	if len(s.Spec.ExternalIPs) > 0 {
		d.line(0, "External IPs:\t%s\n", strings.Join(s.Spec.ExternalIPs, ","))
	}
	if s.Spec.LoadBalancerIP != "" {
		d.line(0, "Desired LoadBalancer IP:\t%s\n", s.Spec.LoadBalancerIP)
	}
	if s.Spec.ExternalName != "" {
		d.line(0, "External Name:\t%s\n", s.Spec.ExternalName)
	}
	if ing := s.Status.LoadBalancer.Ingress; len(ing) > 0 {
		var list []string
		for _, in := range ing {
			v := in.IP
			if v == "" {
				v = in.Hostname
			} else if in.IPMode != nil {
				v += " (" + string(*in.IPMode) + ")"
			}
			list = append(list, v)
		}
		d.line(0, "LoadBalancer Ingress:\t%s\n", strings.Join(list, ", "))
	}
	var slices []*discoveryv1.EndpointSlice
	for _, r := range d.related {
		if es, ok := r.v.(*discoveryv1.EndpointSlice); ok {
			slices = append(slices, es)
		}
	}
	for _, p := range s.Spec.Ports {
		name := p.Name
		if name == "" {
			name = "<unset>"
		}
		d.line(0, "Port:\t%s\t%d/%s\n", name, p.Port, string(p.Protocol))
		if p.TargetPort.Type == intstr.Int {
			d.line(0, "TargetPort:\t%d/%s\n", p.TargetPort.IntVal, string(p.Protocol))
		} else {
			d.line(0, "TargetPort:\t%s/%s\n", p.TargetPort.StrVal, string(p.Protocol))
		}
		if p.AppProtocol != nil {
			d.line(0, "AppProtocol:\t%s\n", *p.AppProtocol)
		}
		if p.NodePort != 0 {
			d.line(0, "NodePort:\t%s\t%d/%s\n", name, p.NodePort, string(p.Protocol))
		}
		d.line(0, "Endpoints:\t%s\n", sliceEndpoints(slices, p.Name))
	}
	d.line(0, "Session Affinity:\t%s\n", string(s.Spec.SessionAffinity))
	if s.Spec.ExternalTrafficPolicy != "" {
		d.line(0, "External Traffic Policy:\t%s\n", string(s.Spec.ExternalTrafficPolicy))
	}
	if s.Spec.InternalTrafficPolicy != nil {
		d.line(0, "Internal Traffic Policy:\t%s\n", string(*s.Spec.InternalTrafficPolicy))
	}
	if s.Spec.HealthCheckNodePort != 0 {
		d.line(0, "HealthCheck NodePort:\t%d\n", s.Spec.HealthCheckNodePort)
	}
	if len(s.Spec.LoadBalancerSourceRanges) > 0 {
		d.line(0, "LoadBalancer Source Ranges:\t%s\n", strings.Join(s.Spec.LoadBalancerSourceRanges, ","))
	}
	if s.Spec.TrafficDistribution != nil {
		d.line(0, "Traffic Distribution:\t%s\n", *s.Spec.TrafficDistribution)
	}
}

// sliceEndpoints lists the ready "ip:port" of the EndpointSlices for the
// port named port: three, then "+ N more...", "<none>" for none (a ready
// condition not set counts as ready).
func sliceEndpoints(ss []*discoveryv1.EndpointSlice, port string) string {
	var list []string
	count := 0
	add := func(s string) {
		if len(list) < 3 {
			list = append(list, s)
		}
		count++
	}
	for _, s := range ss {
		ready := func(e discoveryv1.Endpoint) bool { return e.Conditions.Ready == nil || *e.Conditions.Ready }
		if len(s.Ports) == 0 {
			for _, e := range s.Endpoints {
				if ready(e) && len(e.Addresses) > 0 {
					add(e.Addresses[0])
				}
			}
			continue
		}
		for _, p := range s.Ports {
			if p.Name == nil || *p.Name != port {
				continue
			}
			for _, e := range s.Endpoints {
				if ready(e) && len(e.Addresses) > 0 && p.Port != nil {
					add(net.JoinHostPort(e.Addresses[0], strconv.Itoa(int(*p.Port))))
				}
			}
		}
	}
	if count == 0 {
		return "<none>"
	}
	s := strings.Join(list, ",")
	if count > 3 {
		s += fmt.Sprintf(" + %d more...", count-3)
	}
	return s
}

func describeEndpoints(d *describer, e *corev1.Endpoints) {
	d.header(e)
	d.line(0, "Subsets:\n")
	for _, ss := range e.Subsets {
		var ready, notReady []string
		for _, a := range ss.Addresses {
			ready = append(ready, a.IP)
		}
		for _, a := range ss.NotReadyAddresses {
			notReady = append(notReady, a.IP)
		}
		d.line(1, "Addresses:\t%s\n", orNone(strings.Join(ready, ",")))
		d.line(1, "NotReadyAddresses:\t%s\n", orNone(strings.Join(notReady, ",")))
		if len(ss.Ports) > 0 {
			d.line(1, "Ports:\n")
			d.line(2, "Name\tPort\tProtocol\n")
			d.line(2, "----\t----\t--------\n")
			for _, p := range ss.Ports {
				name := p.Name
				if name == "" {
					name = "<unset>"
				}
				d.line(2, "%s\t%d\t%s\n", name, p.Port, string(p.Protocol))
			}
		}
		d.line(0, "\n")
	}
}

func describeEndpointSlice(d *describer, s *discoveryv1.EndpointSlice) {
	d.header(s)
	d.line(0, "AddressType:\t%s\n", string(s.AddressType))
	if len(s.Ports) == 0 {
		d.line(0, "Ports: <unset>\n")
	} else {
		d.line(0, "Ports:\n")
		d.line(1, "Name\tPort\tProtocol\n")
		d.line(1, "----\t----\t--------\n")
		for _, p := range s.Ports {
			name, port, proto := "<unset>", "<unset>", ""
			if p.Name != nil && *p.Name != "" {
				name = *p.Name
			}
			if p.Port != nil {
				port = strconv.Itoa(int(*p.Port))
			}
			if p.Protocol != nil {
				proto = string(*p.Protocol)
			}
			d.line(1, "%s\t%s\t%s\n", name, port, proto)
		}
	}
	if len(s.Endpoints) == 0 {
		d.line(0, "Endpoints: <none>\n")
		return
	}
	d.line(0, "Endpoints:\n")
	unset := func(p *string) string {
		if p == nil {
			return "<unset>"
		}
		return *p
	}
	for _, e := range s.Endpoints {
		d.line(1, "- Addresses:\t%s\n", orNone(strings.Join(e.Addresses, ", ")))
		d.line(2, "Conditions:\n")
		ready := "<unset>"
		if e.Conditions.Ready != nil {
			ready = strconv.FormatBool(*e.Conditions.Ready)
		}
		d.line(3, "Ready:\t%s\n", ready)
		d.line(2, "Hostname:\t%s\n", unset(e.Hostname))
		if e.TargetRef != nil {
			d.line(2, "TargetRef:\t%s/%s\n", e.TargetRef.Kind, e.TargetRef.Name)
		}
		d.line(2, "NodeName:\t%s\n", unset(e.NodeName))
		d.line(2, "Zone:\t%s\n", unset(e.Zone))
	}
}

// ---- Node, Namespace, ConfigMap ----

func describeNode(d *describer, n *corev1.Node) {
	d.line(0, "Name:\t%s\n", n.Name)
	d.line(0, "Roles:\t%s\n", orNone(strings.Join(nodeRoles(n), ",")))
	d.labelsBlock("", "Labels", n.Labels)
	d.annotationsBlock("", "Annotations", n.Annotations)
	d.line(0, "CreationTimestamp:\t%s\n", stamp(n.CreationTimestamp))
	d.line(0, "Taints:\t")
	if len(n.Spec.Taints) == 0 {
		d.line(0, "<none>\n")
	} else {
		taints := slices.Clone(n.Spec.Taints)
		slices.SortStableFunc(taints, func(a, b corev1.Taint) int {
			return strings.Compare(string(a.Effect)+","+a.Key, string(b.Effect)+","+b.Key)
		})
		for i, t := range taints {
			if i > 0 {
				d.line(0, "\t")
			}
			d.line(0, "%s\n", t.ToString())
		}
	}
	d.line(0, "Unschedulable:\t%t\n", n.Spec.Unschedulable)
	if len(n.Status.Conditions) > 0 {
		d.line(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
		d.line(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
		for _, c := range n.Status.Conditions {
			d.line(1, "%s \t%s \t%s \t%s \t%s \t%s\n", string(c.Type), string(c.Status), stamp(c.LastHeartbeatTime), stamp(c.LastTransitionTime), c.Reason, c.Message)
		}
	}
	d.line(0, "Addresses:\n")
	for _, a := range n.Status.Addresses {
		d.line(1, "%s:\t%s\n", string(a.Type), a.Address)
	}
	resources := func(title string, l corev1.ResourceList) {
		if len(l) == 0 {
			return
		}
		d.line(0, "%s:\n", title)
		for _, k := range sortedNames(l) {
			q := l[corev1.ResourceName(k)]
			d.line(0, "  %s:\t%s\n", k, q.String())
		}
	}
	resources("Capacity", n.Status.Capacity)
	resources("Allocatable", n.Status.Allocatable)
	ni := n.Status.NodeInfo
	d.line(0, "System Info:\n")
	for _, f := range [][2]string{{"Machine ID", ni.MachineID}, {"System UUID", ni.SystemUUID}, {"Boot ID", ni.BootID},
		{"Kernel Version", ni.KernelVersion}, {"OS Image", ni.OSImage}, {"Operating System", ni.OperatingSystem},
		{"Architecture", ni.Architecture}, {"Container Runtime Version", ni.ContainerRuntimeVersion}, {"Kubelet Version", ni.KubeletVersion}} {
		d.line(0, "  %s:\t%s\n", f[0], f[1])
	}
	if n.Spec.PodCIDR != "" {
		d.line(0, "PodCIDR:\t%s\n", n.Spec.PodCIDR)
	}
	if len(n.Spec.PodCIDRs) > 0 {
		d.line(0, "PodCIDRs:\t%s\n", strings.Join(n.Spec.PodCIDRs, ","))
	}
	if n.Spec.ProviderID != "" {
		d.line(0, "ProviderID:\t%s\n", n.Spec.ProviderID)
	}
	d.nodePods(n)
}

// nodePods is kubectl's "Non-terminated Pods" table and "Allocated
// resources", from the pods of the inputs that run on the node. A pod's
// request is its containers' sum, or an init container's if larger, plus
// the pod overhead.
func (d *describer) nodePods(n *corev1.Node) {
	var pods []*corev1.Pod
	for _, r := range d.related {
		if p, ok := r.v.(*corev1.Pod); ok {
			pods = append(pods, p)
		}
	}
	alloc := n.Status.Capacity
	if len(n.Status.Allocatable) > 0 {
		alloc = n.Status.Allocatable
	}
	d.line(0, "Non-terminated Pods:\t(%d in total)\n", len(pods))
	d.line(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
	d.line(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
	frac := func(q apiresource.Quantity, of corev1.ResourceName) int64 {
		a := alloc[of]
		if of == corev1.ResourceCPU {
			if a.MilliValue() == 0 {
				return 0
			}
			return int64(float64(q.MilliValue()) / float64(a.MilliValue()) * 100)
		}
		if a.Value() == 0 {
			return 0
		}
		return int64(float64(q.Value()) / float64(a.Value()) * 100)
	}
	totalReq, totalLim := corev1.ResourceList{}, corev1.ResourceList{}
	for _, p := range pods {
		req, lim := podResources(p, true), podResources(p, false)
		addTo(totalReq, req)
		addTo(totalLim, lim)
		cr, cl, mr, ml := req[corev1.ResourceCPU], lim[corev1.ResourceCPU], req[corev1.ResourceMemory], lim[corev1.ResourceMemory]
		d.line(1, "%s\t%s\t\t%s (%d%%)\t%s (%d%%)\t%s (%d%%)\t%s (%d%%)\t%s\n", p.Namespace, p.Name,
			cr.String(), frac(cr, corev1.ResourceCPU), cl.String(), frac(cl, corev1.ResourceCPU),
			mr.String(), frac(mr, corev1.ResourceMemory), ml.String(), frac(ml, corev1.ResourceMemory), d.since(p.CreationTimestamp.Time))
	}
	d.line(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
	d.line(1, "Resource\tRequests\tLimits\n")
	d.line(1, "--------\t--------\t------\n")
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
		rq, lm := totalReq[r], totalLim[r]
		fr, fl := frac(rq, r), frac(lm, r)
		if r == corev1.ResourceEphemeralStorage {
			a := alloc[r]
			if a.Value() == 0 {
				fr, fl = 0, 0
			}
		}
		d.line(1, "%s\t%s (%d%%)\t%s (%d%%)\n", string(r), rq.String(), fr, lm.String(), fl)
	}
}

// podResources sums a pod's requests (or limits): the containers' sum,
// raised to any init container's own, plus the overhead.
func podResources(p *corev1.Pod, requests bool) corev1.ResourceList {
	get := func(c corev1.Container) corev1.ResourceList {
		if requests {
			return c.Resources.Requests
		}
		return c.Resources.Limits
	}
	sum := corev1.ResourceList{}
	for _, c := range p.Spec.Containers {
		addTo(sum, get(c))
	}
	sidecars := corev1.ResourceList{}
	for _, c := range p.Spec.InitContainers {
		if isRestartableInit(&c) {
			addTo(sum, get(c))
			addTo(sidecars, get(c))
			continue
		}
		need := corev1.ResourceList{}
		addTo(need, get(c))
		addTo(need, sidecars)
		for k, v := range need {
			if cur, ok := sum[k]; !ok || v.Cmp(cur) > 0 {
				sum[k] = v.DeepCopy()
			}
		}
	}
	addTo(sum, p.Spec.Overhead)
	return sum
}

func sortedNames(l corev1.ResourceList) []string {
	out := make([]string, 0, len(l))
	for k := range l {
		out = append(out, string(k))
	}
	slices.Sort(out)
	return out
}

func addTo(sum, l corev1.ResourceList) {
	for k, v := range l {
		cur := sum[k]
		cur.Add(v)
		sum[k] = cur
	}
}

func describeNamespace(d *describer, n *corev1.Namespace) {
	d.line(0, "Name:\t%s\n", n.Name)
	d.labelsBlock("", "Labels", n.Labels)
	d.annotationsBlock("", "Annotations", n.Annotations)
	d.line(0, "Status:\t%s\n", string(n.Status.Phase))
	if len(n.Status.Conditions) > 0 {
		d.line(0, "Conditions:\n")
		d.line(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
		d.line(1, "----\t------\t------------------\t------\t-------\n")
		for _, c := range n.Status.Conditions {
			d.line(1, "%s\t%s\t%s\t%s\t%s\n", string(c.Type), string(c.Status), stamp(c.LastTransitionTime), c.Reason, c.Message)
		}
	}
}

func describeConfigMap(d *describer, c *corev1.ConfigMap) {
	d.header(c)
	d.line(0, "\nData\n====\n")
	for _, k := range slices.Sorted(maps.Keys(c.Data)) {
		d.line(0, "%s:\n----\n", k)
		for _, l := range strings.Split(c.Data[k], "\n") {
			d.line(0, "%s\n", l)
		}
		d.line(0, "\n")
	}
	d.line(0, "\nBinaryData\n====\n")
	for _, k := range slices.Sorted(maps.Keys(c.BinaryData)) {
		d.line(0, "%s: %d bytes\n", k, len(c.BinaryData[k]))
	}
	d.line(0, "\n")
}
