package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nohealthy/nohealthy/internal/testgen/kubenames"
)

// M is a JSON object; encoding/json sorts its keys like kubectl's printer.
type M = map[string]any

// L is a JSON array.
type L = []any

func labelsM(l map[string]string) M {
	m := M{}
	for k, v := range l {
		m[k] = v
	}
	return m
}

func (w *world) rv(parts ...string) string {
	return strconv.FormatUint(1_000_000+hashN(parts...)%9_000_000, 10)
}

func (w *world) meta(kind, ns, name string, created time.Time, labels map[string]string) M {
	m := M{"name": name, "uid": uid(kind, ns, name), "resourceVersion": w.rv(kind, ns, name), "creationTimestamp": ts(created)}
	if ns != "" {
		m["namespace"] = ns
	}
	if len(labels) > 0 {
		m["labels"] = labelsM(labels)
	}
	return m
}

func owner(apiVersion, kind, name, u string) L {
	return L{M{"apiVersion": apiVersion, "kind": kind, "name": name, "uid": u, "controller": true, "blockOwnerDeletion": true}}
}

func (w *world) namespaceObj(ns *namespace) M {
	labels := map[string]string{"kubernetes.io/metadata.name": ns.name}
	if ns.mesh {
		labels["istio-injection"] = "enabled"
	}
	return M{"apiVersion": "v1", "kind": "Namespace", "metadata": w.meta("Namespace", "", ns.name, ns.created, labels),
		"spec": M{"finalizers": L{"kubernetes"}}, "status": M{"phase": "Active"}}
}

func (w *world) nodeObj(n *node) M {
	created := w.cfg.Now.Add(-time.Duration(30+hashN(n.name)%60) * 24 * time.Hour)
	labels := map[string]string{"kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
		"node.kubernetes.io/instance-type": "m6i.4xlarge", "topology.kubernetes.io/zone": n.zone, "topology.kubernetes.io/region": "eu-west-1",
		"eks.amazonaws.com/nodegroup": "workers"}
	hb := ts(w.cfg.Now.Add(-time.Duration(hashN(n.name, "hb")%40) * time.Second))
	cond := func(t, st, reason, msg string) M {
		return M{"type": t, "status": st, "reason": reason, "message": msg, "lastHeartbeatTime": hb, "lastTransitionTime": ts(created.Add(2 * time.Minute))}
	}
	return M{"apiVersion": "v1", "kind": "Node", "metadata": w.meta("Node", "", n.name, created, labels),
		"spec": M{"podCIDR": fmt.Sprintf("10.%d.%d.0/24", n.podCIDR[0], n.podCIDR[1]), "providerID": "aws:///" + n.zone + "/i-0" + hexid(n.name, 16)},
		"status": M{
			"addresses":   L{M{"type": "InternalIP", "address": n.ip}, M{"type": "Hostname", "address": n.name}},
			"allocatable": M{"cpu": "15890m", "memory": "57213376Ki", "pods": "110", "ephemeral-storage": "95491281146"},
			"capacity":    M{"cpu": "16", "memory": "64020416Ki", "pods": "110", "ephemeral-storage": "104845292Ki"},
			"conditions": L{
				cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
				cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
				cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
				cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
			},
			"daemonEndpoints": M{"kubeletEndpoint": M{"Port": 10250}},
			"nodeInfo": M{"architecture": "amd64", "bootID": uid("boot", n.name), "containerRuntimeVersion": "containerd://1.7.25",
				"kernelVersion": "6.1.128-136.201.amzn2023.x86_64", "kubeProxyVersion": "v1.31.4-eks", "kubeletVersion": "v1.31.4-eks",
				"machineID": hexid(n.name+"m", 32), "operatingSystem": "linux", "osImage": "Amazon Linux 2023.6.20250203", "systemUUID": uid("sys", n.name)},
		}}
}

func (d *deploy) containerPorts() L {
	var ps L
	for _, p := range d.ports {
		ps = append(ps, M{"containerPort": p.port, "name": p.name, "protocol": "TCP"})
	}
	return ps
}

func (d *deploy) readinessProbe() M {
	return M{"failureThreshold": 3, "httpGet": M{"path": d.probePath, "port": d.probePort, "scheme": "HTTP"},
		"periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1}
}

func (d *deploy) appContainer(forPod bool, p *pod) M {
	c := M{"name": d.container, "image": d.image, "imagePullPolicy": "IfNotPresent", "ports": d.containerPorts(),
		"readinessProbe":         d.readinessProbe(),
		"resources":              M{"requests": M{"cpu": "100m", "memory": "128Mi"}, "limits": M{"memory": "512Mi"}},
		"terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}
	if len(d.args) > 0 {
		c["args"] = strs(d.args)
	}
	if forPod {
		if d.sidecar {
			// istio rewrites app probes to the agent's port 15020
			c["readinessProbe"] = M{"failureThreshold": 3, "httpGet": M{"path": "/app-health/" + d.container + "/readyz", "port": 15020, "scheme": "HTTP"},
				"periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1}
		}
		c["volumeMounts"] = L{M{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access-" + suffix(p.name, 5), "readOnly": true}}
	}
	return c
}

func strs(ss []string) L {
	l := make(L, len(ss))
	for i, s := range ss {
		l[i] = s
	}
	return l
}

func (w *world) proxyContainer(d *deploy) M {
	return M{"name": "istio-proxy", "image": "docker.io/istio/proxyv2:1.24.3", "imagePullPolicy": "IfNotPresent",
		"args": L{"proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel=warning", "--proxyComponentLogLevel=misc:error", "--log_output_level=default:info"},
		"env": L{
			M{"name": "PILOT_CERT_PROVIDER", "value": "istiod"},
			M{"name": "CA_ADDR", "value": "istiod.istio-system.svc:15012"},
			M{"name": "POD_NAME", "valueFrom": M{"fieldRef": M{"apiVersion": "v1", "fieldPath": "metadata.name"}}},
			M{"name": "POD_NAMESPACE", "valueFrom": M{"fieldRef": M{"apiVersion": "v1", "fieldPath": "metadata.namespace"}}},
			M{"name": "INSTANCE_IP", "valueFrom": M{"fieldRef": M{"apiVersion": "v1", "fieldPath": "status.podIP"}}},
			M{"name": "ISTIO_META_WORKLOAD_NAME", "value": d.name},
			M{"name": "ISTIO_META_MESH_ID", "value": "cluster.local"},
			M{"name": "ISTIO_KUBE_APP_PROBERS", "value": fmt.Sprintf(`{"/app-health/%s/readyz":{"httpGet":{"path":"%s","port":%d,"scheme":"HTTP"},"timeoutSeconds":1}}`, d.container, d.probePath, d.probePort)},
		},
		"ports":          L{M{"containerPort": 15090, "name": "http-envoy-prom", "protocol": "TCP"}},
		"readinessProbe": M{"failureThreshold": 4, "httpGet": M{"path": "/healthz/ready", "port": 15021, "scheme": "HTTP"}, "periodSeconds": 15, "successThreshold": 1, "timeoutSeconds": 3},
		"resources":      M{"limits": M{"cpu": "2", "memory": "1Gi"}, "requests": M{"cpu": "100m", "memory": "128Mi"}},
		"securityContext": M{"allowPrivilegeEscalation": false, "capabilities": M{"drop": L{"ALL"}}, "privileged": false,
			"readOnlyRootFilesystem": true, "runAsGroup": 1337, "runAsNonRoot": true, "runAsUser": 1337},
		"terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
	}
}

func (w *world) podObj(p *pod) M {
	d := p.dep
	md := w.meta("Pod", d.ns, p.name, p.created, d.labels)
	md["generateName"] = d.name + "-" + d.hash + "-"
	md["ownerReferences"] = owner("apps/v1", "ReplicaSet", d.name+"-"+d.hash, d.rsUID)
	md["uid"] = p.uid
	containers := L{d.appContainer(true, p)}
	spec := M{"containers": containers, "dnsPolicy": "ClusterFirst", "enableServiceLinks": true, "nodeName": p.node.name,
		"preemptionPolicy": "PreemptLowerPriority", "priority": 0, "restartPolicy": "Always", "schedulerName": "default-scheduler",
		"securityContext": M{}, "serviceAccount": "default", "serviceAccountName": "default", "terminationGracePeriodSeconds": 30,
		"tolerations": L{M{"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
			M{"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}}}
	started := p.created.Add(8 * time.Second)
	readyAt := p.created.Add(14 * time.Second)
	cstatus := func(name, image string, ready bool, restarts int) M {
		cs := M{"containerID": "containerd://" + hexid(p.name+name, 64), "image": image, "imageID": strings.SplitN(image, ":", 2)[0] + "@sha256:" + hexid(image, 64),
			"lastState": M{}, "name": name, "ready": ready, "restartCount": restarts, "started": true,
			"state": M{"running": M{"startedAt": ts(started)}}}
		if restarts > 0 {
			cs["lastState"] = M{"terminated": M{"containerID": "containerd://" + hexid(p.name+name+"old", 64), "exitCode": 137, "reason": "Error",
				"startedAt": ts(p.created), "finishedAt": ts(started.Add(-time.Second))}}
		}
		return cs
	}
	statuses := L{cstatus(d.container, d.image, p.ready, p.restarts)}
	status := M{"hostIP": p.node.ip, "hostIPs": L{M{"ip": p.node.ip}}, "phase": "Running", "podIP": p.ip, "podIPs": L{M{"ip": p.ip}},
		"qosClass": "Burstable", "startTime": ts(p.created.Add(time.Second))}
	if d.sidecar {
		md["annotations"] = M{"istio.io/rev": "default", "kubectl.kubernetes.io/default-container": d.container,
			"kubectl.kubernetes.io/default-logs-container": d.container, "prometheus.io/path": "/stats/prometheus",
			"prometheus.io/port": "15020", "prometheus.io/scrape": "true",
			"sidecar.istio.io/status": `{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["workload-socket","credential-socket","workload-certs","istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"],"imagePullSecrets":null,"revision":"default"}`}
		spec["containers"] = append(containers, w.proxyContainer(d))
		spec["initContainers"] = L{M{"name": "istio-init", "image": "docker.io/istio/proxyv2:1.24.3", "args": L{"istio-iptables", "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT", "-i", "*", "-x", "", "-b", "*", "-d", "15090,15021,15020", "--log_output_level=default:info"},
			"imagePullPolicy": "IfNotPresent", "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}}
		statuses = append(statuses, cstatus("istio-proxy", "docker.io/istio/proxyv2:1.24.3", true, 0))
		status["initContainerStatuses"] = L{M{"containerID": "containerd://" + hexid(p.name+"init", 64), "image": "docker.io/istio/proxyv2:1.24.3",
			"imageID": "docker.io/istio/proxyv2@sha256:" + hexid("proxyv2", 64), "lastState": M{}, "name": "istio-init", "ready": true, "restartCount": 0, "started": false,
			"state": M{"terminated": M{"containerID": "containerd://" + hexid(p.name+"init", 64), "exitCode": 0, "finishedAt": ts(started.Add(-time.Second)), "reason": "Completed", "startedAt": ts(started.Add(-2 * time.Second))}}}}
	}
	status["containerStatuses"] = statuses
	readySt, ready := "True", M{"lastProbeTime": nil, "lastTransitionTime": ts(readyAt), "status": "True", "type": "Ready"}
	if !p.ready {
		readySt = "False"
		notes := "containers with unready status: [" + d.container + "]"
		ready = M{"lastProbeTime": nil, "lastTransitionTime": ts(w.cfg.Now.Add(-47 * time.Minute)), "message": notes, "reason": "ContainersNotReady", "status": "False", "type": "Ready"}
	}
	cr := M{"lastProbeTime": nil, "lastTransitionTime": ready["lastTransitionTime"], "status": readySt, "type": "ContainersReady"}
	if !p.ready {
		cr["message"], cr["reason"] = ready["message"], "ContainersNotReady"
	}
	status["conditions"] = L{
		M{"lastProbeTime": nil, "lastTransitionTime": ts(started), "status": "True", "type": "PodReadyToStartContainers"},
		M{"lastProbeTime": nil, "lastTransitionTime": ts(p.created.Add(2 * time.Second)), "status": "True", "type": "Initialized"},
		ready, cr,
		M{"lastProbeTime": nil, "lastTransitionTime": ts(p.created), "status": "True", "type": "PodScheduled"},
	}
	return M{"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec, "status": status}
}

func (d *deploy) template() M {
	return M{"metadata": M{"creationTimestamp": nil, "labels": labelsM(d.labels)},
		"spec": M{"containers": L{d.appContainer(false, nil)}, "dnsPolicy": "ClusterFirst", "enableServiceLinks": true, "restartPolicy": "Always",
			"schedulerName": "default-scheduler", "securityContext": M{}, "terminationGracePeriodSeconds": 30}}
}

func (w *world) deploymentObj(d *deploy) M {
	n := len(d.pods)
	ready := 0
	for _, p := range d.pods {
		if p.ready {
			ready++
		}
	}
	md := w.meta("Deployment", d.ns, d.name, d.created, map[string]string{"app": d.labels["app"]})
	md["uid"] = d.uid
	md["annotations"] = M{"deployment.kubernetes.io/revision": "3"}
	md["generation"] = 4
	status := M{"observedGeneration": 4, "replicas": n, "updatedReplicas": n, "readyReplicas": ready, "availableReplicas": ready}
	avail := M{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.",
		"lastTransitionTime": ts(d.created.Add(time.Minute)), "lastUpdateTime": ts(d.created.Add(time.Minute))}
	if ready < n {
		status["unavailableReplicas"] = n - ready
		if ready == 0 {
			avail = M{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability.",
				"lastTransitionTime": ts(w.cfg.Now.Add(-47 * time.Minute)), "lastUpdateTime": ts(w.cfg.Now.Add(-47 * time.Minute))}
		}
	}
	status["conditions"] = L{avail, M{"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
		"message":            fmt.Sprintf("ReplicaSet %q has successfully progressed.", d.name+"-"+d.hash),
		"lastTransitionTime": ts(d.created), "lastUpdateTime": ts(d.created.Add(2 * time.Minute))}}
	if ready == 0 && n > 0 {
		status["readyReplicas"], status["availableReplicas"] = nil, nil
		delete(status, "readyReplicas")
		delete(status, "availableReplicas")
	}
	return M{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": md,
		"spec": M{"progressDeadlineSeconds": 600, "replicas": n, "revisionHistoryLimit": 10, "selector": M{"matchLabels": labelsM(d.selector)},
			"strategy": M{"rollingUpdate": M{"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"}, "template": d.template()},
		"status": status}
}

func (w *world) replicaSetObjs(d *deploy) []M {
	mk := func(name, hash, u string, replicas, ready int, rev string) M {
		labels := map[string]string{"app": d.labels["app"], "pod-template-hash": hash}
		md := w.meta("ReplicaSet", d.ns, name, d.created.Add(time.Duration(hashN(name)%(24*3600))*time.Second), labels)
		md["uid"] = u
		md["annotations"] = M{"deployment.kubernetes.io/desired-replicas": strconv.Itoa(len(d.pods)), "deployment.kubernetes.io/max-replicas": strconv.Itoa(len(d.pods) + 1), "deployment.kubernetes.io/revision": rev}
		md["ownerReferences"] = owner("apps/v1", "Deployment", d.name, d.uid)
		sel := labelsM(d.selector)
		sel["pod-template-hash"] = hash
		tpl := d.template()
		tpl["metadata"].(M)["labels"].(M)["pod-template-hash"] = hash
		st := M{"observedGeneration": 1, "replicas": replicas, "fullyLabeledReplicas": replicas}
		if ready > 0 {
			st["readyReplicas"], st["availableReplicas"] = ready, ready
		}
		return M{"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": md,
			"spec": M{"replicas": replicas, "selector": M{"matchLabels": sel}, "template": tpl}, "status": st}
	}
	ready := 0
	for _, p := range d.pods {
		if p.ready {
			ready++
		}
	}
	out := []M{mk(d.name+"-"+d.hash, d.hash, d.rsUID, len(d.pods), ready, "3")}
	if d.oldRS != "" {
		h := d.oldRS[len(d.name)+1:]
		out = append(out, mk(d.oldRS, h, uid("rs", d.ns, d.oldRS), 0, 0, "2"))
	}
	return out
}

func (w *world) serviceObj(s *service) M {
	var ports L
	for _, p := range s.ports {
		pm := M{"name": p.name, "port": p.port, "protocol": p.proto, "targetPort": p.target}
		if p.targetName != "" {
			pm["targetPort"] = p.targetName
		}
		if s.typ == "LoadBalancer" {
			pm["nodePort"] = 30000 + int(hashN(s.name, p.name)%2000)
		}
		ports = append(ports, pm)
	}
	labels := map[string]string{}
	if a := s.selector["app"]; a != "" {
		labels["app"] = s.name
	}
	spec := M{"clusterIP": s.ip, "clusterIPs": L{s.ip}, "internalTrafficPolicy": "Cluster", "ipFamilies": L{"IPv4"},
		"ipFamilyPolicy": "SingleStack", "ports": ports, "sessionAffinity": "None", "type": s.typ}
	if s.selector != nil {
		spec["selector"] = labelsM(s.selector)
	}
	status := M{"loadBalancer": M{}}
	if s.typ == "LoadBalancer" {
		spec["externalTrafficPolicy"] = "Cluster"
		status = M{"loadBalancer": M{"ingress": L{M{"hostname": "a" + hexid(s.uid, 31) + "-1234567890.eu-west-1.elb.amazonaws.com"}}}}
	}
	md := w.meta("Service", s.ns, s.name, s.created, labels)
	md["uid"] = s.uid
	return M{"apiVersion": "v1", "kind": "Service", "metadata": md, "spec": spec, "status": status}
}

// selectedPods returns the pods a Service's selector matches.
func (w *world) selectedPods(s *service) []*pod {
	if len(s.selector) == 0 {
		return nil
	}
	var out []*pod
	for _, d := range w.byName[s.ns].deps {
		ok := true
		for k, v := range s.selector {
			if d.labels[k] != v {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, d.pods...)
		}
	}
	return out
}

func (w *world) endpointSliceObjs(s *service) []M {
	if s.selector == nil {
		return nil
	}
	pods := w.selectedPods(s)
	var ports L
	for _, p := range s.ports {
		ports = append(ports, M{"name": p.name, "port": p.target, "protocol": p.proto})
	}
	var out []M
	for i := 0; i == 0 || i*100 < len(pods); i++ {
		var eps L
		for _, p := range pods[i*100 : min(len(pods), i*100+100)] {
			eps = append(eps, M{"addresses": L{p.ip}, "conditions": M{"ready": p.ready, "serving": p.ready, "terminating": false},
				"nodeName": p.node.name, "zone": p.node.zone, "targetRef": M{"kind": "Pod", "name": p.name, "namespace": p.dep.ns, "uid": p.uid}})
		}
		name := s.name + "-" + suffix(fmt.Sprint("eps", s.ns, s.name, i), 5)
		md := w.meta("EndpointSlice", s.ns, name, s.created, map[string]string{"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
			"kubernetes.io/service-name": s.name})
		md["generateName"] = s.name + "-"
		md["ownerReferences"] = owner("v1", "Service", s.name, s.uid)
		md["annotations"] = M{"endpoints.kubernetes.io/last-change-trigger-time": ts(w.cfg.Now.Add(-time.Duration(hashN(name)%(72*3600)) * time.Second))}
		o := M{"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": md, "addressType": "IPv4", "ports": ports}
		if len(eps) > 0 {
			o["endpoints"] = eps
		} else {
			o["endpoints"] = nil
		}
		out = append(out, o)
	}
	return out
}

func (w *world) virtualServiceObj(s *service) M {
	md := w.meta("VirtualService", s.ns, s.name, s.created.Add(time.Hour), nil)
	md["generation"] = 2
	return M{"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": md,
		"spec": M{"hosts": L{s.name}, "http": L{M{"route": L{
			M{"destination": M{"host": s.name, "port": M{"number": s.port}, "subset": "v1"}, "weight": 90},
			M{"destination": M{"host": s.name, "port": M{"number": s.port}, "subset": "v2"}, "weight": 10},
		}, "retries": M{"attempts": 2, "perTryTimeout": "2s", "retryOn": "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"},
			"timeout": "15s"}}}}
}

func (w *world) destinationRuleObj(s *service) M {
	md := w.meta("DestinationRule", s.ns, s.name, s.created.Add(time.Hour), nil)
	md["generation"] = 1
	return M{"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule", "metadata": md,
		"spec": M{"host": s.name, "subsets": L{M{"name": "v1", "labels": M{"version": "v1"}}, M{"name": "v2", "labels": M{"version": "v2"}}}}}
}

// gatewayVSObj routes <ns>.example.com through the public gateway to the
// namespace's first Services (and its planted ones).
func (w *world) gatewayVSObj(ns *namespace) M {
	var routes L
	n := 0
	for _, s := range ns.svcs {
		if n >= 8 && s.planted == 0 {
			continue
		}
		n++
		dest := M{"host": s.name, "port": M{"number": s.port}}
		if s.routed {
			dest["subset"] = "v1"
		}
		routes = append(routes, M{"name": s.name, "match": L{M{"uri": M{"prefix": "/" + s.name + "/"}}}, "route": L{M{"destination": dest}}})
	}
	md := w.meta("VirtualService", ns.name, ns.name+"-public", ns.created.Add(48*time.Hour), nil)
	md["generation"] = 7
	return M{"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": md,
		"spec": M{"gateways": L{"istio-system/public-gateway"}, "hosts": L{ns.name + ".example.com"}, "http": routes}}
}

func (w *world) gatewayObj() M {
	ns := w.byName["istio-system"]
	md := w.meta("Gateway", ns.name, "public-gateway", ns.created.Add(24*time.Hour), nil)
	return M{"apiVersion": "networking.istio.io/v1", "kind": "Gateway", "metadata": md,
		"spec": M{"selector": M{"istio": "ingressgateway"}, "servers": L{
			M{"hosts": L{"*.example.com"}, "port": M{"name": "http", "number": 80, "protocol": "HTTP"}},
			M{"hosts": L{"*.example.com"}, "port": M{"name": "https", "number": 443, "protocol": "HTTPS"}, "tls": M{"mode": "SIMPLE", "credentialName": "example-com-tls"}},
		}}}
}

type eventSpec struct {
	obj                 M // involvedObject
	ns                  string
	typ, reason, msg    string
	component, host     string
	first, last         time.Time
	count               int
	fieldPath, nameSeed string
}

func (w *world) eventObj(e eventSpec) M {
	name := e.obj["name"].(string) + "." + hexid(e.nameSeed, 16)
	md := w.meta("Event", e.ns, name, e.first, nil)
	io := M{}
	for k, v := range e.obj {
		io[k] = v
	}
	if e.fieldPath != "" {
		io["fieldPath"] = e.fieldPath
	}
	src := M{"component": e.component}
	if e.host != "" {
		src["host"] = e.host
	}
	o := M{"apiVersion": "v1", "kind": "Event", "metadata": md, "involvedObject": io, "type": e.typ, "reason": e.reason, "message": e.msg,
		"count": e.count, "firstTimestamp": ts(e.first), "lastTimestamp": ts(e.last), "eventTime": nil, "source": src,
		"reportingComponent": e.component, "reportingInstance": e.host}
	return o
}

// eventsFor builds the Events of one namespace: n ordinary ones spread over
// its pods and deployments, plus the planted readiness failures.
func (w *world) eventsFor(ns *namespace, n int) []M {
	var out []M
	r := kubenames.NewRand(hashN("events", ns.name, strconv.FormatUint(w.cfg.Seed, 10)))
	var pods []*pod
	for _, d := range ns.deps {
		pods = append(pods, d.pods...)
	}
	now := w.cfg.Now
	podRef := func(p *pod) M {
		return M{"apiVersion": "v1", "kind": "Pod", "name": p.name, "namespace": p.dep.ns, "uid": p.uid, "resourceVersion": w.rv("Pod", p.dep.ns, p.name)}
	}
	// Planted: every pod of the not-ready Deployment fails readiness.
	for _, d := range ns.deps {
		if !d.notReady {
			continue
		}
		for _, p := range d.pods {
			out = append(out, w.eventObj(eventSpec{obj: podRef(p), ns: ns.name, typ: "Warning", reason: "Unhealthy",
				msg: "Readiness probe failed: HTTP probe failed with statuscode: 503", component: "kubelet", host: p.node.name,
				first: now.Add(-47 * time.Minute), last: now.Add(-time.Duration(hashN(p.name)%9) * time.Second), count: 280 + int(hashN(p.name)%7),
				fieldPath: "spec.containers{" + d.container + "}", nameSeed: p.name + "unhealthy"}))
		}
	}
	for i := 0; i < n && len(pods) > 0; i++ {
		p := pods[r.N(len(pods))]
		d := p.dep
		fp := "spec.containers{" + d.container + "}"
		e := eventSpec{obj: podRef(p), ns: ns.name, typ: "Normal", component: "kubelet", host: p.node.name, count: 1,
			first: now.Add(-time.Duration(60+r.N(3600)) * time.Second), fieldPath: fp, nameSeed: fmt.Sprint(ns.name, i)}
		switch k := r.N(100); {
		case k < 14:
			e.reason, e.msg, e.component, e.host, e.fieldPath = "Scheduled", fmt.Sprintf("Successfully assigned %s/%s to %s", ns.name, p.name, p.node.name), "default-scheduler", "", ""
		case k < 28:
			e.reason, e.msg = "Pulled", fmt.Sprintf("Container image %q already present on machine", d.image)
		case k < 42:
			e.reason, e.msg = "Created", "Created container "+d.container
		case k < 56:
			e.reason, e.msg = "Started", "Started container "+d.container
		case k < 64 && d.sidecar:
			e.reason, e.msg, e.fieldPath = "Started", "Started container istio-proxy", "spec.containers{istio-proxy}"
		case k < 72:
			e.obj = M{"apiVersion": "apps/v1", "kind": "Deployment", "name": d.name, "namespace": d.ns, "uid": d.uid, "resourceVersion": w.rv("Deployment", d.ns, d.name)}
			e.reason, e.component, e.host, e.fieldPath = "ScalingReplicaSet", "deployment-controller", "", ""
			e.msg = fmt.Sprintf("Scaled up replica set %s-%s to %d", d.name, d.hash, len(d.pods))
		case k < 80:
			e.obj = M{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": d.name + "-" + d.hash, "namespace": d.ns, "uid": d.rsUID, "resourceVersion": w.rv("ReplicaSet", d.ns, d.name)}
			e.reason, e.component, e.host, e.fieldPath = "SuccessfulCreate", "replicaset-controller", "", ""
			e.msg = "Created pod: " + p.name
		case k < 88:
			e.reason, e.msg = "Pulling", fmt.Sprintf("Pulling image %q", d.image)
		case k < 97:
			e.reason, e.msg, e.fieldPath = "Killing", "Stopping container "+d.container, fp
		default:
			// transient probe failures on pods that recovered (ready now)
			e.typ, e.reason, e.count = "Warning", "Unhealthy", 1+r.N(3)
			e.msg = "Readiness probe failed: Get \"http://" + p.ip + ":15020/app-health/" + d.container + "/readyz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
		}
		e.last = e.first.Add(time.Duration(r.N(60)) * time.Second * time.Duration(e.count-1+1))
		out = append(out, w.eventObj(e))
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i]["lastTimestamp"].(string) < out[j]["lastTimestamp"].(string)
	})
	return out
}
