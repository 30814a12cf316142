package layouts

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/nohealthy/nohealthy/bundle"
)

// BugReport writes the incident at bundleDir as `istioctl bug-report`
// leaves it before archiving: outDir/bug-report/... (istio/istio
// tools/bug-report/pkg/archive/archive.go, pkg/content/content.go,
// pkg/common/common.go, pkg/bugreport/bugreport.go).
func BugReport(bundleDir, outDir string) error {
	in, err := read(bundleDir)
	if err != nil {
		return err
	}
	w := &writer{root: path.Join(outDir, "bug-report")}
	var namespaced, cluster, crs []json.RawMessage
	for _, c := range sortedKeys(in.objects) {
		byNS := in.objects[c]
		for _, ns := range sortedKeys(byNS) {
			switch {
			case bugReportNamespaced[c]:
				namespaced = append(namespaced, byNS[ns]...)
			case c == "nodes" || c == "namespaces":
				cluster = append(cluster, byNS[ns]...)
			case isCustom(c):
				crs = append(crs, byNS[ns]...)
			}
		}
	}
	// GetK8sResources, GetCRs, GetNodeInfo, GetPodInfo: `kubectl get ... -o
	// yaml`. One resource kubectl may not list fails the whole command, and
	// getFromCluster then writes nothing.
	denied := false
	for _, c := range in.collectors {
		denied = denied || bugReportNamespaced[c.Name] && (c.Status == bundle.StatusForbidden || c.Status == bundle.StatusFailed)
	}
	if !denied {
		w.yaml("cluster/k8s-resources", list(namespaced))
	}
	w.yaml("cluster/k8s-cluster-resources", list(cluster))
	w.yaml("cluster/crs", list(crs))
	var nodes []json.RawMessage
	for _, ns := range sortedKeys(in.objects["nodes"]) {
		nodes = append(nodes, in.objects["nodes"][ns]...)
	}
	w.yaml("cluster/nodes", list(nodes))
	w.yaml("cluster/pods", list(in.objects["pods"]["istio-system"]))
	// GetEvents: `kubectl get events -o wide` text; GetSecrets: a table.
	w.bytes("cluster/events", eventsTable(in))
	w.bytes("cluster/secrets", []byte("NAMESPACE   NAME   TYPE   DATA   AGE\n"))
	w.bytes("cluster/cluster-context", []byte("incident-context\nhttps://10.96.0.1:6443\n"))
	w.bytes("cluster/kubectl-version", []byte("Client Version: v1.31.1\nServer Version: v1.31.1\n"))
	w.bytes("versions", []byte("CLI version:\n1.24.0\n"))
	w.bytes("bug-report.log", []byte("Running with the following config: ...\n"))
	w.bytes("analyze/allNamespaces/allNamespaces", []byte("No validation issues found when analyzing all namespaces.\n"))

	// Proxy logs (getProxyLogs): only istio-proxy containers, the previous
	// instance's appended after getLog's markers; istiod's as discovery.log.
	prev := map[string][]byte{}
	for _, l := range in.logs {
		if l.previous {
			prev[l.ns+"/"+l.pod+"/"+l.container] = l.data
		}
	}
	for _, l := range in.logs {
		if l.previous {
			continue
		}
		data := l.data
		if p, ok := prev[l.ns+"/"+l.pod+"/"+l.container]; ok {
			data = []byte("========= Previous log present (appended at the end) =========\n\n" + string(l.data) +
				"\n\n========= Previous log =========\n\n" + string(p))
		}
		switch l.container {
		case "istio-proxy":
			w.bytes(path.Join("proxies", l.ns, l.pod, "istio-proxy.log"), data)
			w.bytes(path.Join("proxies", l.ns, l.pod, "netstat"), []byte("Active Internet connections (servers and established)\n"))
		case "discovery":
			w.bytes(path.Join("istio", l.ns, l.pod, "discovery.log"), data)
			w.bytes(path.Join("istio", l.ns, l.pod, "debug", "syncz"), []byte("[]\n"))
		}
	}
	// GetProxyInfo: files named by their admin URL.
	for _, k := range sortedKeys(in.proxy) {
		ns, rest, _ := strings.Cut(k, "/")
		pod, name, _ := strings.Cut(rest, "/")
		switch {
		case strings.HasPrefix(name, "clusters"):
			w.bytes(path.Join("proxies", ns, pod, "clusters"), in.proxy[k])
		case strings.HasPrefix(name, "config_dump"):
			w.bytes(path.Join("proxies", ns, pod, "config_dump?include_eds"), in.proxy[k])
		}
	}
	return w.err
}

// bugReportNamespaced are the resources of GetK8sResources's namespaced
// `kubectl get` ("all" and the resources it names besides).
var bugReportNamespaced = map[string]bool{
	"pods": true, "services": true, "daemonsets.apps": true, "deployments.apps": true, "replicasets.apps": true,
	"statefulsets.apps": true, "replicationcontrollers": true, "jobs.batch": true, "cronjobs.batch": true,
	"horizontalpodautoscalers.autoscaling": true, "ingresses.networking.k8s.io": true,
	"endpointslices.discovery.k8s.io": true, "configmaps": true, "networkpolicies.networking.k8s.io": true,
}

// isCustom reports whether a collector's resource comes from a CRD: its
// group is neither core nor one of Kubernetes' own. The Gateway API's
// groups end in k8s.io but are CRDs installed beside the cluster.
func isCustom(collector string) bool {
	_, group, ok := strings.Cut(collector, ".")
	if !ok {
		return false
	}
	switch {
	case group == "apps", group == "batch", group == "autoscaling", group == "policy":
		return false
	case group == "gateway.networking.k8s.io", strings.HasSuffix(group, ".x-k8s.io"):
		return true
	}
	return !strings.HasSuffix(group, "k8s.io")
}

// eventsTable is `kubectl get events -o wide` of the incident, as
// bug-report stores it (text, not objects).
func eventsTable(in *incident) []byte {
	var b strings.Builder
	b.WriteString("NAMESPACE   LAST SEEN   TYPE      REASON      OBJECT      SUBOBJECT   SOURCE   MESSAGE\n")
	for _, ns := range sortedKeys(in.objects["events"]) {
		for _, raw := range in.objects["events"][ns] {
			var ev struct {
				Type, Reason, Message string
				InvolvedObject        struct{ Kind, Name string } `json:"involvedObject"`
			}
			if json.Unmarshal(raw, &ev) == nil {
				fmt.Fprintf(&b, "%s   5m   %s   %s   %s/%s      kubelet   %s\n", ns, ev.Type, ev.Reason, strings.ToLower(ev.InvolvedObject.Kind), ev.InvolvedObject.Name, ev.Message)
			}
		}
	}
	return []byte(b.String())
}
