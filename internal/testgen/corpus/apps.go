package main

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// CPort is a container port.
type CPort struct {
	Name string
	Port int
}

// PodState says how one pod of an App looks at bundle time.
type PodState struct {
	// Pending with no node: unschedulable (SchedMsg is the condition message).
	Unscheduled bool
	SchedMsg    string
	// App container state.
	NotReady   bool   // running but not ready (readiness probe failing)
	Waiting    string // CrashLoopBackOff, ImagePullBackOff, ErrImagePull, ContainerCreating
	WaitMsg    string
	Restarts   int
	LastReason string // lastState.terminated reason (Error, OOMKilled, Completed)
	LastExit   int
	// ProxyNotReady: the istio-proxy container is not ready.
	ProxyNotReady bool
	// Terminating: deletionTimestamp set at this time.
	Terminating time.Time
	// Started is how long before bundle time the current container started.
	Started time.Duration
	// UnreadyFor: how long the pod has been not ready (default: since start
	// for young pods).
	UnreadyFor time.Duration
}

// AppSpec declares a workload.
type AppSpec struct {
	NS, Name string
	Kind     string // Deployment (default), StatefulSet, DaemonSet, Pod
	Labels   map[string]string
	Replicas int
	Image    string
	Ports    []CPort
	Probe    string // readiness HTTP path on the first port; "" = none
	Sidecar  bool
	Istio    string // proxy version for sidecar, default from case
	Nodes    []*Node
	Age      time.Duration
	Strategy string // Recreate
	// State customises pod i.
	State func(i int, s *PodState)
	// Container name; default Name (without version suffix).
	Container string
	Env       []M
	Args      []string
	CPU, Mem  string
	// Tolerations beyond the defaults.
	Tolerations    []M
	NodeSelector   map[string]string
	ServiceAccount string
	// Revision of the Deployment.
	Revision int
	// Annotations on the pod template.
	Annotations map[string]string
	HostNetwork bool
}

// App is a created workload.
type App struct {
	Spec AppSpec
	Kind string
	Name string
	Pods []*Pod
	Obj  *Obj
	RS   *Obj
	Hash string
}

// Pod is a created pod.
type Pod struct {
	Name, NS, Node, IP string
	Labels             map[string]string
	Ready              bool
	Terminating        bool
	Ports              []CPort
	App                *App
	UID                string
	obj                *Obj
	// servingWhileTerminating: the app keeps passing readiness during shutdown.
	servingWhileTerminating bool
}

// Addr returns ip:port for the pod's first port.
func (p *Pod) Addr() string { return fmt.Sprintf("%s:%d", p.IP, p.Ports[0].Port) }

// Namespace declares a namespace.
func (c *Case) Namespace(name string, labels ...string) {
	l := map[string]string{"kubernetes.io/metadata.name": name}
	for i := 0; i+1 < len(labels); i += 2 {
		l[labels[i]] = labels[i+1]
	}
	created := c.Now.Add(-time.Duration(30+hashN(name)%200) * Day)
	if name == "default" || name == "kube-system" || name == "kube-public" || name == "kube-node-lease" {
		created = c.Now.Add(-time.Duration(42) * Day)
	}
	c.add(&Obj{APIVersion: "v1", Kind: "Namespace", Name: name, M: M{
		"metadata": M{"creationTimestamp": ts(created), "labels": l, "name": name,
			"resourceVersion": c.nextRV(), "uid": uid(c.Name, "Namespace", name)},
		"spec":   M{"finalizers": L{"kubernetes"}},
		"status": M{"phase": "Active"},
	}})
}

// MeshNS declares a namespace with sidecar injection.
func (c *Case) MeshNS(name string) { c.Namespace(name, "istio-injection", "enabled") }

func (c *Case) meta(kind, ns, name string, created time.Time, labels map[string]string) M {
	m := M{"creationTimestamp": ts(created), "name": name, "namespace": ns,
		"resourceVersion": c.nextRV(), "uid": uid(c.Name, kind, ns, name)}
	if len(labels) > 0 {
		m["labels"] = copyLabels(labels)
	}
	return m
}

func owner(apiVersion, kind, name, u string) L {
	return L{M{"apiVersion": apiVersion, "blockOwnerDeletion": true, "controller": true, "kind": kind, "name": name, "uid": u}}
}

// App creates a workload with its ReplicaSet and pods.
func (c *Case) App(s AppSpec) *App {
	if s.Kind == "" {
		s.Kind = "Deployment"
	}
	if s.Labels == nil {
		s.Labels = map[string]string{"app": s.Name}
	}
	if s.Container == "" {
		s.Container = s.Labels["app"]
		if s.Container == "" {
			s.Container = strings.Split(s.Name, "-v")[0]
		}
	}
	if s.Age == 0 {
		s.Age = time.Duration(3+hashN(s.Name)%40) * Day
	}
	if s.Nodes == nil {
		s.Nodes = c.workers
	}
	if s.Revision == 0 {
		s.Revision = 1 + int(hashN(s.NS+s.Name)%6)
	}
	if s.ServiceAccount == "" {
		s.ServiceAccount = "default"
	}
	if s.Istio == "" {
		s.Istio = c.IstioVersion
	}
	if s.Replicas == 0 && s.Kind != "DaemonSet" && s.State == nil {
		// explicit zero is handled by ScaledToZero
	}
	a := &App{Spec: s, Kind: s.Kind, Name: s.Name}
	created := c.Now.Add(-s.Age)
	wuid := uid(c.Name, s.Kind, s.NS, s.Name)
	tmplLabels := copyLabels(s.Labels)
	a.Hash = suffix(c.Name+s.NS+s.Name+fmt.Sprint(s.Revision), 10)
	podSpec := c.podSpec(s, false)
	tmplMeta := M{"creationTimestamp": nil, "labels": tmplLabels}
	if len(s.Annotations) > 0 {
		tmplMeta["annotations"] = s.Annotations
	}
	sel := M{"matchLabels": copyLabels(s.Labels)}
	replicas := s.Replicas
	if s.Kind == "DaemonSet" {
		replicas = len(s.Nodes)
	}
	// pods
	readyN := 0
	for i := 0; i < replicas; i++ {
		p := c.pod(a, i, created)
		a.Pods = append(a.Pods, p)
		if p.Ready {
			readyN++
		}
	}
	gen := 1 + s.Revision
	switch s.Kind {
	case "Deployment":
		rsName := s.Name + "-" + a.Hash
		rsLabels := copyLabels(s.Labels)
		rsLabels["pod-template-hash"] = a.Hash
		rsSel := M{"matchLabels": copyLabels(rsLabels)}
		rsTmplMeta := M{"creationTimestamp": nil, "labels": copyLabels(rsLabels)}
		if len(s.Annotations) > 0 {
			rsTmplMeta["annotations"] = s.Annotations
		}
		rsMeta := c.meta("ReplicaSet", s.NS, rsName, created.Add(time.Duration(s.Revision-1)*Day/3), rsLabels)
		rsMeta["annotations"] = M{"deployment.kubernetes.io/desired-replicas": fmt.Sprint(s.Replicas),
			"deployment.kubernetes.io/max-replicas": fmt.Sprint(s.Replicas + (s.Replicas+3)/4),
			"deployment.kubernetes.io/revision":     fmt.Sprint(s.Revision)}
		rsMeta["generation"] = 1
		rsMeta["ownerReferences"] = owner("apps/v1", "Deployment", s.Name, wuid)
		rsStatus := M{"observedGeneration": 1, "replicas": replicas}
		if replicas > 0 {
			rsStatus["fullyLabeledReplicas"] = replicas
		}
		if readyN > 0 {
			rsStatus["readyReplicas"] = readyN
			rsStatus["availableReplicas"] = readyN
		}
		a.RS = c.add(&Obj{APIVersion: "apps/v1", Kind: "ReplicaSet", NS: s.NS, Name: rsName, M: M{
			"metadata": rsMeta,
			"spec":     M{"replicas": s.Replicas, "selector": rsSel, "template": M{"metadata": rsTmplMeta, "spec": podSpec}},
			"status":   rsStatus,
		}})
		strategy := M{"rollingUpdate": M{"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"}
		if s.Strategy == "Recreate" {
			strategy = M{"type": "Recreate"}
		}
		dm := c.meta("Deployment", s.NS, s.Name, created, s.Labels)
		dm["annotations"] = M{"deployment.kubernetes.io/revision": fmt.Sprint(s.Revision)}
		dm["generation"] = gen
		st := M{"observedGeneration": gen}
		if replicas > 0 {
			st["replicas"] = replicas
			st["updatedReplicas"] = replicas
		}
		if readyN > 0 {
			st["readyReplicas"] = readyN
			st["availableReplicas"] = readyN
		}
		if replicas-readyN > 0 {
			st["unavailableReplicas"] = replicas - readyN
		}
		rsRef := fmt.Sprintf("ReplicaSet %q", rsName)
		lastUpd := created.Add(time.Duration(s.Revision-1) * Day / 3)
		if readyN > 0 || replicas == 0 {
			st["conditions"] = L{
				depCond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", lastUpd.Add(40*Sec), c.Now.Add(-time.Duration(hashN(s.Name)%300)*Min)),
				depCond("Progressing", "True", "NewReplicaSetAvailable", rsRef+" has successfully progressed.", created, lastUpd.Add(45*Sec)),
			}
		} else {
			st["conditions"] = L{
				depCond("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", c.Now.Add(-25*Min), c.Now.Add(-25*Min)),
				depCond("Progressing", "True", "ReplicaSetUpdated", rsRef+" is progressing.", created, c.Now.Add(-25*Min)),
			}
		}
		a.Obj = c.add(&Obj{APIVersion: "apps/v1", Kind: "Deployment", NS: s.NS, Name: s.Name, M: M{
			"metadata": dm,
			"spec": M{"progressDeadlineSeconds": 600, "replicas": s.Replicas, "revisionHistoryLimit": 10,
				"selector": sel, "strategy": strategy, "template": M{"metadata": tmplMeta, "spec": podSpec}},
			"status": st,
		}})
	case "StatefulSet":
		m := c.meta("StatefulSet", s.NS, s.Name, created, s.Labels)
		m["generation"] = gen
		rev := s.Name + "-" + suffix(c.Name+s.Name+"sts", 10)
		st := M{"availableReplicas": readyN, "collisionCount": 0, "currentReplicas": replicas, "currentRevision": rev,
			"observedGeneration": gen, "replicas": replicas, "updateRevision": rev, "updatedReplicas": replicas}
		if readyN > 0 {
			st["readyReplicas"] = readyN
		}
		a.Obj = c.add(&Obj{APIVersion: "apps/v1", Kind: "StatefulSet", NS: s.NS, Name: s.Name, M: M{
			"metadata": m,
			"spec": M{"persistentVolumeClaimRetentionPolicy": M{"whenDeleted": "Retain", "whenScaled": "Retain"},
				"podManagementPolicy": "OrderedReady", "replicas": s.Replicas, "revisionHistoryLimit": 10,
				"selector": sel, "serviceName": s.Name, "template": M{"metadata": tmplMeta, "spec": podSpec},
				"updateStrategy": M{"rollingUpdate": M{"partition": 0}, "type": "RollingUpdate"}},
			"status": st,
		}})
	case "DaemonSet":
		m := c.meta("DaemonSet", s.NS, s.Name, created, s.Labels)
		m["annotations"] = M{"deprecated.daemonset.template.generation": fmt.Sprint(gen)}
		m["generation"] = gen
		st := M{"currentNumberScheduled": replicas, "desiredNumberScheduled": replicas, "numberMisscheduled": 0,
			"numberReady": readyN, "observedGeneration": gen, "updatedNumberScheduled": replicas}
		if readyN > 0 {
			st["numberAvailable"] = readyN
		}
		if replicas-readyN > 0 {
			st["numberUnavailable"] = replicas - readyN
		}
		a.Obj = c.add(&Obj{APIVersion: "apps/v1", Kind: "DaemonSet", NS: s.NS, Name: s.Name, M: M{
			"metadata": m,
			"spec": M{"revisionHistoryLimit": 10, "selector": sel, "template": M{"metadata": tmplMeta, "spec": podSpec},
				"updateStrategy": M{"rollingUpdate": M{"maxSurge": 0, "maxUnavailable": 1}, "type": "RollingUpdate"}},
			"status": st,
		}})
	}
	for _, p := range a.Pods {
		c.add(p.obj)
	}
	return a
}

func depCond(typ, status, reason, msg string, trans, upd time.Time) M {
	return M{"lastTransitionTime": ts(trans), "lastUpdateTime": ts(upd), "message": msg, "reason": reason, "status": status, "type": typ}
}

func (c *Case) imageID(image string) string {
	repo := image
	if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
		repo = repo[:i]
	}
	if !strings.Contains(strings.Split(repo, "/")[0], ".") {
		if !strings.Contains(repo, "/") {
			repo = "library/" + repo
		}
		repo = "docker.io/" + repo
	}
	return repo + "@sha256:" + hexid("img"+image, 64)
}

func (c *Case) podSpec(s AppSpec, forPod bool) M {
	kapi := "kube-api-access-" + suffix(c.Name+s.Name+"kapi", 5)
	res := M{"requests": M{"cpu": or(s.CPU, "100m"), "memory": or(s.Mem, "128Mi")}}
	if s.Mem != "" {
		res["limits"] = M{"memory": s.Mem}
	}
	ctr := M{
		"image": s.Image, "imagePullPolicy": "IfNotPresent", "name": s.Container,
		"resources": res, "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
	}
	if len(s.Ports) > 0 {
		var ps L
		for _, p := range s.Ports {
			pm := M{"containerPort": p.Port, "protocol": "TCP"}
			if p.Name != "" {
				pm["name"] = p.Name
			}
			ps = append(ps, pm)
		}
		ctr["ports"] = ps
	}
	if len(s.Env) > 0 {
		var e L
		for _, x := range s.Env {
			e = append(e, x)
		}
		ctr["env"] = e
	}
	if len(s.Args) > 0 {
		var a L
		for _, x := range s.Args {
			a = append(a, x)
		}
		ctr["args"] = a
	}
	if s.Probe != "" && len(s.Ports) > 0 {
		probe := M{"failureThreshold": 3, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1,
			"httpGet": M{"path": s.Probe, "port": s.Ports[0].Port, "scheme": "HTTP"}}
		if s.Sidecar && forPod {
			// istio-sidecar-injector rewrites HTTP probes to the pilot-agent.
			probe["httpGet"] = M{"path": "/app-health/" + s.Container + "/readyz", "port": 15020, "scheme": "HTTP"}
		}
		ctr["readinessProbe"] = probe
	}
	if forPod {
		ctr["volumeMounts"] = L{M{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": kapi, "readOnly": true}}
	}
	ctrs := L{ctr}
	spec := M{
		"dnsPolicy": "ClusterFirst", "enableServiceLinks": true, "restartPolicy": "Always",
		"schedulerName": "default-scheduler", "securityContext": M{}, "terminationGracePeriodSeconds": 30,
	}
	if s.HostNetwork {
		spec["hostNetwork"] = true
		spec["dnsPolicy"] = "ClusterFirstWithHostNet"
	}
	if s.ServiceAccount != "default" || forPod {
		spec["serviceAccount"] = s.ServiceAccount
		spec["serviceAccountName"] = s.ServiceAccount
	}
	if len(s.NodeSelector) > 0 {
		spec["nodeSelector"] = s.NodeSelector
	}
	var tols L
	for _, t := range s.Tolerations {
		tols = append(tols, t)
	}
	if forPod {
		spec["preemptionPolicy"] = "PreemptLowerPriority"
		spec["priority"] = 0
		if s.Kind == "DaemonSet" {
			for _, k := range []string{"not-ready", "unreachable"} {
				tols = append(tols, M{"effect": "NoExecute", "key": "node.kubernetes.io/" + k, "operator": "Exists"})
			}
			for _, k := range []string{"disk-pressure", "memory-pressure", "pid-pressure", "unschedulable"} {
				tols = append(tols, M{"effect": "NoSchedule", "key": "node.kubernetes.io/" + k, "operator": "Exists"})
			}
		} else {
			for _, k := range []string{"not-ready", "unreachable"} {
				tols = append(tols, M{"effect": "NoExecute", "key": "node.kubernetes.io/" + k, "operator": "Exists", "tolerationSeconds": 300})
			}
		}
		vols := L{M{"name": kapi, "projected": M{"defaultMode": 420, "sources": L{
			M{"serviceAccountToken": M{"expirationSeconds": 3607, "path": "token"}},
			M{"configMap": M{"items": L{M{"key": "ca.crt", "path": "ca.crt"}}, "name": "kube-root-ca.crt"}},
			M{"downwardAPI": M{"items": L{M{"fieldRef": M{"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}}}},
		}}}}
		if s.Sidecar {
			ctrs = append(ctrs, c.proxyContainer(s, kapi))
			spec["initContainers"] = L{c.istioInit(s)}
			vols = append(L{
				M{"emptyDir": M{}, "name": "workload-socket"},
				M{"emptyDir": M{}, "name": "credential-socket"},
				M{"emptyDir": M{}, "name": "workload-certs"},
				M{"emptyDir": M{"medium": "Memory"}, "name": "istio-envoy"},
				M{"emptyDir": M{}, "name": "istio-data"},
				M{"downwardAPI": M{"defaultMode": 420, "items": L{
					M{"fieldRef": M{"apiVersion": "v1", "fieldPath": "metadata.labels"}, "path": "labels"},
					M{"fieldRef": M{"apiVersion": "v1", "fieldPath": "metadata.annotations"}, "path": "annotations"}}}, "name": "istio-podinfo"},
				M{"name": "istio-token", "projected": M{"defaultMode": 420, "sources": L{M{"serviceAccountToken": M{"audience": "istio-ca", "expirationSeconds": 43200, "path": "istio-token"}}}}},
				M{"configMap": M{"defaultMode": 420, "name": "istio-ca-root-cert"}, "name": "istiod-ca-cert"},
			}, vols...)
		}
		spec["volumes"] = vols
	}
	if len(tols) > 0 {
		spec["tolerations"] = tols
	}
	spec["containers"] = ctrs
	return spec
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (c *Case) proxyImage(v string) string { return "docker.io/istio/proxyv2:" + v }

func (c *Case) proxyContainer(s AppSpec, kapi string) M {
	env := L{
		M{"name": "PILOT_CERT_PROVIDER", "value": "istiod"},
		M{"name": "CA_ADDR", "value": "istiod.istio-system.svc:15012"},
		M{"name": "POD_NAME", "valueFrom": M{"fieldRef": M{"apiVersion": "v1", "fieldPath": "metadata.name"}}},
		M{"name": "POD_NAMESPACE", "valueFrom": M{"fieldRef": M{"apiVersion": "v1", "fieldPath": "metadata.namespace"}}},
		M{"name": "INSTANCE_IP", "valueFrom": M{"fieldRef": M{"apiVersion": "v1", "fieldPath": "status.podIP"}}},
		M{"name": "SERVICE_ACCOUNT", "valueFrom": M{"fieldRef": M{"apiVersion": "v1", "fieldPath": "spec.serviceAccountName"}}},
		M{"name": "ISTIO_META_WORKLOAD_NAME", "value": s.Name},
		M{"name": "ISTIO_META_MESH_ID", "value": "cluster.local"},
		M{"name": "TRUST_DOMAIN", "value": "cluster.local"},
	}
	if s.Probe != "" && len(s.Ports) > 0 {
		env = append(env, M{"name": "ISTIO_KUBE_APP_PROBERS",
			"value": fmt.Sprintf(`{"/app-health/%s/readyz":{"httpGet":{"path":"%s","port":%d,"scheme":"HTTP"},"timeoutSeconds":1}}`, s.Container, s.Probe, s.Ports[0].Port)})
	}
	return M{
		"args":  L{"proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel=warning", "--proxyComponentLogLevel=misc:error", "--log_output_level=default:info"},
		"env":   env,
		"image": c.proxyImage(s.Istio), "imagePullPolicy": "IfNotPresent", "name": "istio-proxy",
		"ports": L{M{"containerPort": 15090, "name": "http-envoy-prom", "protocol": "TCP"}},
		"readinessProbe": M{"failureThreshold": 4, "httpGet": M{"path": "/healthz/ready", "port": 15021, "scheme": "HTTP"},
			"periodSeconds": 15, "successThreshold": 1, "timeoutSeconds": 3},
		"resources": M{"limits": M{"cpu": "2", "memory": "1Gi"}, "requests": M{"cpu": "100m", "memory": "128Mi"}},
		"securityContext": M{"allowPrivilegeEscalation": false, "capabilities": M{"drop": L{"ALL"}}, "privileged": false,
			"readOnlyRootFilesystem": true, "runAsGroup": 1337, "runAsNonRoot": true, "runAsUser": 1337},
		"terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
		"volumeMounts": L{
			M{"mountPath": "/var/run/secrets/workload-spiffe-uds", "name": "workload-socket"},
			M{"mountPath": "/var/run/secrets/credential-uds", "name": "credential-socket"},
			M{"mountPath": "/var/run/secrets/workload-spiffe-credentials", "name": "workload-certs"},
			M{"mountPath": "/var/run/secrets/istio", "name": "istiod-ca-cert"},
			M{"mountPath": "/var/lib/istio/data", "name": "istio-data"},
			M{"mountPath": "/etc/istio/proxy", "name": "istio-envoy"},
			M{"mountPath": "/var/run/secrets/tokens", "name": "istio-token"},
			M{"mountPath": "/etc/istio/pod", "name": "istio-podinfo"},
			M{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": kapi, "readOnly": true},
		},
	}
}

func (c *Case) istioInit(s AppSpec) M {
	return M{
		"args":  L{"istio-iptables", "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT", "-i", "*", "-x", "", "-b", "*", "-d", "15090,15021,15020", "--log_output_level=default:info"},
		"image": c.proxyImage(s.Istio), "imagePullPolicy": "IfNotPresent", "name": "istio-init",
		"resources": M{"limits": M{"cpu": "2", "memory": "1Gi"}, "requests": M{"cpu": "100m", "memory": "128Mi"}},
		"securityContext": M{"allowPrivilegeEscalation": false, "capabilities": M{"add": L{"NET_ADMIN", "NET_RAW"}, "drop": L{"ALL"}},
			"privileged": false, "readOnlyRootFilesystem": false, "runAsGroup": 0, "runAsNonRoot": false, "runAsUser": 0},
		"terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
	}
}

// podIP allocates the next pod IP on a node.
func (c *Case) podIP(n *Node) string {
	n.podN++
	third := strings.Split(n.CIDR, ".")[2]
	return fmt.Sprintf("%s.%s.%d", c.flavor.PodNet, third, 8+n.podN*3+int(hashN(n.Name)%3))
}

func (c *Case) pod(a *App, i int, created time.Time) *Pod {
	s := a.Spec
	st := PodState{Started: time.Duration(1+hashN(fmt.Sprint(s.Name, i))%20) * Day}
	if st.Started > s.Age {
		st.Started = s.Age - 2*Min
	}
	if s.State != nil {
		s.State(i, &st)
	}
	var name, genName string
	labels := copyLabels(s.Labels)
	var ownerRef L
	switch s.Kind {
	case "Deployment":
		genName = s.Name + "-" + a.Hash + "-"
		name = genName + suffix(fmt.Sprint(c.Name, s.NS, s.Name, a.Hash, i), 5)
		labels["pod-template-hash"] = a.Hash
		ownerRef = owner("apps/v1", "ReplicaSet", s.Name+"-"+a.Hash, uid(c.Name, "ReplicaSet", s.NS, s.Name+"-"+a.Hash))
	case "StatefulSet":
		name = fmt.Sprintf("%s-%d", s.Name, i)
		genName = s.Name + "-"
		labels["controller-revision-hash"] = s.Name + "-" + suffix(c.Name+s.Name+"sts", 10)
		labels["statefulset.kubernetes.io/pod-name"] = name
		labels["apps.kubernetes.io/pod-index"] = fmt.Sprint(i)
		ownerRef = owner("apps/v1", "StatefulSet", s.Name, uid(c.Name, "StatefulSet", s.NS, s.Name))
	case "DaemonSet":
		genName = s.Name + "-"
		name = genName + suffix(fmt.Sprint(c.Name, s.NS, s.Name, i), 5)
		labels["controller-revision-hash"] = suffix(c.Name+s.Name+"ds", 10)
		labels["pod-template-generation"] = "1"
		ownerRef = owner("apps/v1", "DaemonSet", s.Name, uid(c.Name, "DaemonSet", s.NS, s.Name))
	case "Pod":
		name = s.Name
	}
	if s.Sidecar {
		labels["security.istio.io/tlsMode"] = "istio"
		labels["service.istio.io/canonical-name"] = or(s.Labels["app"], s.Name)
		labels["service.istio.io/canonical-revision"] = or(s.Labels["version"], "latest")
	}
	var node *Node
	if !st.Unscheduled {
		if s.Kind == "DaemonSet" {
			node = s.Nodes[i]
		} else {
			node = s.Nodes[(i+int(hashN(s.Name)%uint64(len(s.Nodes))))%len(s.Nodes)]
		}
	}
	pcreated := c.Now.Add(-st.Started)
	if st.Started == 0 {
		pcreated = c.Now.Add(-10 * Min)
	}
	if pcreated.Before(created) {
		pcreated = created.Add(time.Minute)
	}
	if st.Waiting == "ErrImagePull" || st.Waiting == "ImagePullBackOff" || st.Unscheduled || st.Waiting == "ContainerCreating" {
		if st.Started == 0 || st.Started > 2*Hour {
			pcreated = c.Now.Add(-time.Duration(12+hashN(name)%30) * Min)
		}
	}
	p := &Pod{Name: name, NS: s.NS, Labels: labels, Ports: s.Ports, App: a, UID: uid(c.Name, "Pod", s.NS, name)}
	md := M{"creationTimestamp": ts(pcreated), "labels": labels, "name": name, "namespace": s.NS,
		"resourceVersion": c.nextRV(), "uid": p.UID}
	if genName != "" {
		md["generateName"] = genName
	}
	if ownerRef != nil {
		md["ownerReferences"] = ownerRef
	}
	ann := M{}
	for k, v := range s.Annotations {
		ann[k] = v
	}
	if s.Sidecar {
		ann["istio.io/rev"] = "default"
		ann["kubectl.kubernetes.io/default-container"] = s.Container
		ann["kubectl.kubernetes.io/default-logs-container"] = s.Container
		ann["prometheus.io/path"] = "/stats/prometheus"
		ann["prometheus.io/port"] = "15020"
		ann["prometheus.io/scrape"] = "true"
		ann["sidecar.istio.io/status"] = `{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["workload-socket","credential-socket","workload-certs","istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"],"imagePullSecrets":null,"revision":"default"}`
	}
	if len(ann) > 0 {
		md["annotations"] = ann
	}
	if !st.Terminating.IsZero() {
		md["deletionTimestamp"] = ts(st.Terminating.Add(30 * Sec))
		md["deletionGracePeriodSeconds"] = 30
		p.Terminating = true
	}
	spec := c.podSpec(s, true)
	if node != nil {
		spec["nodeName"] = node.Name
		p.Node = node.Name
	}
	status := M{"qosClass": "Burstable"}
	cond := func(typ, stat string, t time.Time, reason, msg string) M {
		m := M{"lastProbeTime": nil, "lastTransitionTime": ts(t), "status": stat, "type": typ}
		if reason != "" {
			m["reason"] = reason
		}
		if msg != "" {
			m["message"] = msg
		}
		return m
	}
	if node == nil {
		status["phase"] = "Pending"
		status["conditions"] = L{cond("PodScheduled", "False", pcreated, "Unschedulable", st.SchedMsg)}
		p.obj = &Obj{APIVersion: "v1", Kind: "Pod", NS: s.NS, Name: name, M: M{"metadata": md, "spec": spec, "status": status}}
		c.pods = append(c.pods, p)
		return p
	}
	p.IP = c.podIP(node)
	if s.HostNetwork {
		p.IP = node.IP
	}
	startT := pcreated.Add(time.Duration(3+hashN(name)%9) * Sec)
	appReady := !st.NotReady && st.Waiting == ""
	proxyReady := !st.ProxyNotReady
	if !st.Terminating.IsZero() && st.NotReady {
		appReady = false
	}
	var unready []string
	ctrStatus := func(cname, image string, ready bool, waiting, waitMsg string, restarts int, lastReason string, lastExit int) M {
		cs := M{"image": image, "imageID": c.imageID(image), "lastState": M{}, "name": cname, "ready": ready, "restartCount": restarts}
		if waiting == "ErrImagePull" || waiting == "ImagePullBackOff" || waiting == "InvalidImageName" || waiting == "ContainerCreating" {
			cs["imageID"] = ""
			cs["started"] = false
			cs["state"] = M{"waiting": M{"reason": waiting, "message": waitMsg}}
			if waiting == "ContainerCreating" {
				delete(cs["state"].(M)["waiting"].(M), "message")
			}
			return cs
		}
		cs["containerID"] = "containerd://" + hexid(name+cname+fmt.Sprint(restarts), 64)
		if waiting != "" {
			cs["started"] = false
			cs["state"] = M{"waiting": M{"reason": waiting, "message": waitMsg}}
		} else {
			cs["started"] = true
			started := startT
			if restarts > 0 {
				started = c.Now.Add(-time.Duration(20+hashN(name)%200) * Sec)
			}
			cs["state"] = M{"running": M{"startedAt": ts(started)}}
		}
		if restarts > 0 && lastReason != "" {
			fin := c.Now.Add(-time.Duration(30+hashN(name+"f")%180) * Sec)
			cs["lastState"] = M{"terminated": M{
				"containerID": "containerd://" + hexid(name+cname+fmt.Sprint(restarts-1), 64),
				"exitCode":    lastExit, "finishedAt": ts(fin), "reason": lastReason,
				"startedAt": ts(fin.Add(-time.Duration(2+hashN(name)%40) * Sec))}}
		}
		return cs
	}
	cs := L{ctrStatus(s.Container, s.Image, appReady, st.Waiting, st.WaitMsg, st.Restarts, st.LastReason, st.LastExit)}
	if !appReady {
		unready = append(unready, s.Container)
	}
	if s.Sidecar {
		cs = append(cs, ctrStatus("istio-proxy", c.proxyImage(s.Istio), proxyReady, "", "", 0, "", 0))
		if !proxyReady {
			unready = append(unready, "istio-proxy")
		}
		sort.Slice(cs, func(i, j int) bool { return cs[i].(M)["name"].(string) < cs[j].(M)["name"].(string) })
	}
	status["containerStatuses"] = cs
	if s.Sidecar {
		status["initContainerStatuses"] = L{M{"containerID": "containerd://" + hexid(name+"init", 64), "image": c.proxyImage(s.Istio),
			"imageID": c.imageID(c.proxyImage(s.Istio)), "lastState": M{}, "name": "istio-init", "ready": true, "restartCount": 0,
			"started": false, "state": M{"terminated": M{"containerID": "containerd://" + hexid(name+"init", 64), "exitCode": 0,
				"finishedAt": ts(startT.Add(-Sec)), "reason": "Completed", "startedAt": ts(startT.Add(-2 * Sec))}}}}
	}
	ready := len(unready) == 0
	nodeLost := false
	for _, n := range c.nodes {
		if n.Name == node.Name && n.Ready != "True" {
			nodeLost = true
		}
	}
	readyCond := cond("Ready", "True", startT.Add(5*Sec), "", "")
	ctrReadyCond := cond("ContainersReady", "True", startT.Add(5*Sec), "", "")
	if !ready {
		msg := "containers with unready status: [" + strings.Join(unready, " ") + "]"
		since := c.Now.Add(-time.Duration(5+hashN(name)%20) * Min)
		if st.Started < 2*Hour || st.Waiting != "" {
			// never became ready since this pod started
			since = pcreated.Add(time.Duration(4+hashN(name)%6) * Sec)
		}
		if st.UnreadyFor != 0 {
			since = c.Now.Add(-st.UnreadyFor)
		}
		if !st.Terminating.IsZero() {
			since = st.Terminating.Add(2 * Sec)
		}
		readyCond = cond("Ready", "False", since, "ContainersNotReady", msg)
		ctrReadyCond = cond("ContainersReady", "False", since, "ContainersNotReady", msg)
	}
	if nodeLost && ready {
		// node lifecycle controller: MarkPodsNotReady
		for _, n := range c.nodes {
			if n.Name == node.Name {
				readyCond = cond("Ready", "False", n.notReadySince.Add(41*Sec), "", "")
			}
		}
		ready = false
	}
	conds := L{}
	if c.kubeMinor() >= 29 {
		conds = append(conds, cond("PodReadyToStartContainers", "True", startT.Add(-Sec), "", ""))
	}
	conds = append(conds, cond("Initialized", "True", pcreated.Add(2*Sec), "", ""), readyCond, ctrReadyCond,
		cond("PodScheduled", "True", pcreated, "", ""))
	if st.Waiting == "ContainerCreating" || st.Waiting == "ErrImagePull" || st.Waiting == "ImagePullBackOff" {
		if c.kubeMinor() >= 29 && st.Waiting == "ContainerCreating" {
			conds[0] = cond("PodReadyToStartContainers", "False", pcreated.Add(Sec), "", "")
		}
	}
	status["conditions"] = conds
	status["hostIP"] = node.IP
	if c.kubeMinor() >= 28 {
		status["hostIPs"] = L{M{"ip": node.IP}}
	}
	status["phase"] = "Running"
	if st.Waiting == "ErrImagePull" || st.Waiting == "ImagePullBackOff" || st.Waiting == "ContainerCreating" {
		status["phase"] = "Pending"
	}
	status["podIP"] = p.IP
	status["podIPs"] = L{M{"ip": p.IP}}
	status["startTime"] = ts(pcreated.Add(Sec))
	p.Ready = ready && !p.Terminating
	p.obj = &Obj{APIVersion: "v1", Kind: "Pod", NS: s.NS, Name: name, M: M{"metadata": md, "spec": spec, "status": status}}
	c.pods = append(c.pods, p)
	return p
}

func (c *Case) kubeMinor() int {
	var maj, minor int
	fmt.Sscanf(c.KubeVersion, "v%d.%d", &maj, &minor)
	return minor
}
