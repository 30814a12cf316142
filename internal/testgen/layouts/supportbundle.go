package layouts

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/nohealthy/nohealthy/bundle"
)

// SupportBundleRoot is the directory a support bundle's archive holds.
const SupportBundleRoot = "support-bundle-2024-12-02T10_47_00"

// supportBundleDirs maps a collector to the directory troubleshoot writes
// its per-namespace lists to (pkg/constants/constants.go).
var supportBundleDirs = map[string]string{
	"pods": "pods", "services": "services", "deployments.apps": "deployments", "replicasets.apps": "replicasets",
	"statefulsets.apps": "statefulsets", "daemonsets.apps": "daemonsets", "jobs.batch": "jobs", "cronjobs.batch": "cronjobs",
	"ingresses.networking.k8s.io": "ingress", "networkpolicies.networking.k8s.io": "network-policy",
	"events": "events", "endpoints": "endpoints", "endpointslices.discovery.k8s.io": "endpointslices",
	"configmaps": "configmaps", "poddisruptionbudgets.policy": "pod-disruption-budgets",
}

// supportBundleCluster maps a cluster-scoped collector to its file name.
var supportBundleCluster = map[string]string{
	"nodes": "nodes", "namespaces": "namespaces", "ingressclasses.networking.k8s.io": "ingress-classes",
}

// SupportBundle writes the incident at bundleDir as `kubectl
// support-bundle` leaves it (replicatedhq/troubleshoot
// pkg/collect/cluster_resources.go, pkg/collect/logs.go,
// pkg/version/version.go): outDir/SupportBundleRoot/... Every namespace
// gets its lists, empty ones included; custom resources go to
// custom-resources/<crd>/<ns>.json and .yaml; the logs of each pod to
// cluster-resources/pods/logs/, linked from the logs collector's
// directory; a collector the bundle's index records as forbidden gets its
// -errors.json.
func SupportBundle(bundleDir, outDir string) error {
	in, err := read(bundleDir)
	if err != nil {
		return err
	}
	root := path.Join(outDir, SupportBundleRoot)
	w := &writer{root: root}
	w.bytes("version.yaml", []byte("apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: v0.133.0\n"))
	w.json("cluster-info/cluster_version.json", map[string]any{"info": map[string]string{"gitVersion": "v1.31.1"}, "string": "v1.31.1"})
	// Only what the incident's collectors collected: a list troubleshoot
	// would write empty is a claim that there is none.
	forbidden := map[string][]string{} // dir → namespaces
	collected := map[string]bool{}
	for _, c := range in.collectors {
		switch c.Status {
		case bundle.StatusForbidden:
			if d, ok := supportBundleDirs[c.Name]; ok {
				forbidden[d] = append(forbidden[d], c.Namespace)
			}
		case bundle.StatusOK:
			collected[c.Name] = true
		}
	}
	for _, c := range sortedKeys(supportBundleDirs) {
		d := supportBundleDirs[c]
		if !collected[c] && in.objects[c] == nil && forbidden[d] == nil {
			continue
		}
		if nss, ok := forbidden[d]; ok {
			errs := map[string]string{}
			for _, ns := range nss {
				if ns == "" {
					for _, n := range in.namespaces {
						errs[n] = d + " is forbidden: User \"system:serviceaccount:default:troubleshoot\" cannot list resource \"" + d + "\" in API group \"\" in the namespace \"" + n + "\""
					}
					continue
				}
				errs[ns] = d + " is forbidden"
			}
			w.json("cluster-resources/"+d+"-errors.json", errs)
			continue
		}
		for _, ns := range in.namespaces {
			w.json("cluster-resources/"+d+"/"+ns+".json", typedList(c, in.objects[c][ns]))
		}
	}
	for c, name := range supportBundleCluster {
		var all []json.RawMessage
		for _, ns := range sortedKeys(in.objects[c]) {
			all = append(all, in.objects[c][ns]...)
		}
		w.json("cluster-resources/"+name+".json", typedList(c, all))
	}
	for _, c := range sortedKeys(in.objects) {
		if !isCustom(c) {
			continue
		}
		for _, ns := range sortedKeys(in.objects[c]) {
			objs := in.objects[c][ns]
			w.json("cluster-resources/custom-resources/"+c+"/"+ns+".json", objs)
			w.yaml("cluster-resources/custom-resources/"+c+"/"+ns+".yaml", objs)
		}
	}
	w.json("cluster-resources/auth-cani-list/default.json", map[string]any{"resourceRules": []any{}})
	for _, l := range in.logs {
		name := l.container + ".log"
		if l.previous {
			name = l.container + "-previous.log"
		}
		rel := path.Join("cluster-resources/pods/logs", l.ns, l.pod, name)
		w.bytes(rel, l.data)
		if w.err == nil {
			// The logs collector links its own name to the file.
			link := filepath.Join(root, "app-logs", l.pod, name)
			if w.err = os.MkdirAll(filepath.Dir(link), 0o755); w.err == nil {
				w.err = os.Symlink(strings.Repeat("../", 2)+rel, link)
			}
		}
	}
	return w.err
}
