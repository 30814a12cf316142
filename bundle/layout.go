package bundle

import (
	"path"
	"strings"
)

// The layouts of the tools whose output analyze reads, each a rule over
// an entry's path (slash-separated, relative, clean). A rule matches the
// path's tail, so a tree nested under extra directories (an archive's top
// directory, a ticket folder) reads the same. The rules are tried in the
// order of layoutTable; the first that claims a path decides, and a path
// no rule claims falls to the loose rules (classifyLoose). Each rule cites
// the upstream source that writes the layout; docs/inputs.md describes
// them for users.

// Layout names, as Class.Layout and the report's scope give them.
const (
	LayoutGather          = "nohealthy gather"
	LayoutBugReport       = "istioctl bug-report"
	LayoutMustGather      = "must-gather"
	LayoutSupportBundle   = "support-bundle"
	LayoutClusterInfoDump = "kubectl cluster-info dump"
)

// Class is what the layout rules tell of one path.
type Class struct {
	Type EntryType
	// Namespace, Pod, Container locate a log or proxy-admin entry; for
	// EntryCollectorErrors, Namespace is the one the errors concern when
	// the path says so.
	Namespace, Pod, Container string
	// Previous marks the log of the previous (crashed) container instance.
	Previous bool
	// Layout is the tool whose layout the path follows ("" for loose
	// files: kubectl output, logs).
	Layout string
	// Listing, for objects, is what the layout says the file is the
	// result of listing (nil when it does not say).
	Listing *Listing
	// Collector, for EntryCollectorErrors, names the collector the errors
	// belong to ("pods", "virtualservices.networking.istio.io", "logs").
	Collector string
	// Compression is the codec the name says the bytes are in ("gzip",
	// "zstd", "bzip2"; "" for none): the walker decompresses the body.
	Compression string
	// Reason, for EntryOther, says why the file is not read.
	Reason string
}

// Listing is what an objects file holds by its layout: the result of
// listing Resources in Namespace, so that an empty result is a real
// "none there". Resources are collector names (resource, then the group
// unless core: "pods", "deployments.apps"). Namespace "" is for
// cluster-scoped resources; AnyNamespace means one listing over several
// namespaces whose set is not recorded, so the namespaces are those the
// file's objects are in (istioctl bug-report runs one `kubectl get -A`
// for many resources). Nil Resources with AnyNamespace: the kinds the
// file holds.
type Listing struct {
	Resources    []string
	Namespace    string
	AnyNamespace bool
}

type layoutRule struct {
	name string
	// claim classifies p (split into parts; base is the last part with a
	// compression suffix removed) or reports false.
	claim func(parts []string, base string) (Class, bool)
}

// The foreign layouts come first: gather's tail rules (logs/<ns>/<pod>/
// <c>.log) would claim a support-bundle's pods/logs/<ns>/<pod>/<c>.log and
// miss its -previous suffix; the cluster-info dump's (<ns>/pods.json) would
// claim gather's resources/<ns>/pods.json.
var layoutTable = []layoutRule{
	{LayoutSupportBundle, claimSupportBundle},
	{LayoutMustGather, claimMustGather},
	{LayoutBugReport, claimBugReport},
	{LayoutGather, claimGather},
	{LayoutClusterInfoDump, claimClusterInfoDump},
}

// Layouts lists the layout names in the order their rules are tried.
func Layouts() []string {
	out := make([]string, len(layoutTable))
	for i, l := range layoutTable {
		out[i] = l.name
	}
	return out
}

// ClassifyPath decides what an entry holds from its path alone: the layout
// rules first, then the loose ones.
//
// Compressed files (.gz, .zst, .bz2) are classified by the name without
// the suffix, with Compression set; archives (.tar, .tar.gz, .tgz,
// .tar.zst, .tzst, .tar.bz2, .zip) are EntryArchive; compressions Go
// cannot read (.xz, .lz4, .7z, .rar) are EntryOther with the reason.
func ClassifyPath(p string) Class {
	parts := strings.Split(p, "/")
	base := parts[len(parts)-1]
	lower := asciiLower(base)
	if c, ok := classifyArchive(lower); ok {
		return c
	}
	comp := ""
	for _, s := range compressionSuffixes {
		if strings.HasSuffix(lower, s.suffix) && len(base) > len(s.suffix) {
			comp = s.codec
			base = base[:len(base)-len(s.suffix)]
			break
		}
	}
	parts[len(parts)-1] = base
	for _, l := range layoutTable {
		if c, ok := l.claim(parts, base); ok {
			c.Layout = l.name
			c.Compression = comp
			return c
		}
	}
	c := classifyLoose(parts, base)
	c.Compression = comp
	return c
}

// Classify is ClassifyPath reduced to the type and the log origin.
func Classify(p string) (t EntryType, namespace, pod, container string, previous bool) {
	c := ClassifyPath(p)
	return c.Type, c.Namespace, c.Pod, c.Container, c.Previous
}

var compressionSuffixes = []struct{ suffix, codec string }{
	{".gz", "gzip"}, {".zst", "zstd"}, {".bz2", "bzip2"},
}

var archiveSuffixes = []struct{ suffix, codec string }{
	{".tar.gz", "gzip"}, {".tgz", "gzip"}, {".tar.zst", "zstd"}, {".tzst", "zstd"},
	{".tar.bz2", "bzip2"}, {".tbz2", "bzip2"}, {".tar", ""}, {".zip", "zip"},
}

// unsupported are the compressions and archive formats Go's standard
// library and klauspost/compress do not read.
var unsupported = []struct{ suffix, what string }{
	{".tar.xz", "xz"}, {".txz", "xz"}, {".xz", "xz"}, {".lz4", "lz4"}, {".7z", "7-Zip"}, {".rar", "RAR"}, {".lzma", "lzma"},
}

func classifyArchive(lower string) (Class, bool) {
	for _, s := range unsupported {
		if strings.HasSuffix(lower, s.suffix) {
			return Class{Type: EntryOther, Reason: "unsupported compression: " + s.what + " (decompress it first)"}, true
		}
	}
	for _, s := range archiveSuffixes {
		if strings.HasSuffix(lower, s.suffix) && len(lower) > len(s.suffix) {
			return Class{Type: EntryArchive, Compression: s.codec}, true
		}
	}
	return Class{}, false
}

// classifyLoose is for paths no layout claims: kubectl output and logs.
func classifyLoose(parts []string, base string) Class {
	switch path.Ext(asciiLower(base)) {
	case ".json", ".yaml", ".yml":
		return Class{Type: EntryObjects}
	case ".log", ".txt":
		return Class{Type: EntryLog}
	}
	if rotatedLog(base) != "" {
		return Class{Type: EntryLog}
	}
	return Class{Type: EntryOther, Reason: "unknown layout: not kubectl output, a log or a file of a known bundle"}
}

// rotatedLog returns the name of the live log a rotated one was cut from
// ("access.log.1", "access.log.2" (gzip suffix already removed),
// "access.log-20240102" as logrotate's dateext names them), or "".
func rotatedLog(base string) string {
	i := strings.LastIndex(asciiLower(base), ".log")
	if i <= 0 {
		return ""
	}
	rest := base[i+4:]
	if len(rest) < 2 || (rest[0] != '.' && rest[0] != '-') {
		return ""
	}
	for _, c := range rest[1:] {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return base[:i+4]
}

// ---- nohealthy gather (bundle/FORMAT.md) ----

func claimGather(parts []string, base string) (Class, bool) {
	n := len(parts)
	if n <= 2 {
		switch base {
		case ManifestPath:
			return Class{Type: EntryManifest}, true
		case IndexPath:
			return Class{Type: EntryIndex}, true
		}
	}
	if n >= 4 && parts[n-4] == "proxy" && nonEmpty(parts[n-3], parts[n-2], base) {
		return Class{Type: EntryProxyAdmin, Namespace: parts[n-3], Pod: parts[n-2]}, true
	}
	if name := logName(base); n >= 4 && parts[n-4] == "logs" && name != "" && nonEmpty(parts[n-3], parts[n-2]) {
		c, prev := strings.TrimSuffix(name, ".log"), false
		if strings.HasSuffix(c, ".previous") {
			c, prev = strings.TrimSuffix(c, ".previous"), true
		}
		if c != "" {
			return Class{Type: EntryLog, Namespace: parts[n-3], Pod: parts[n-2], Container: c, Previous: prev}, true
		}
	}
	if n >= 3 && parts[n-3] == "resources" && strings.HasSuffix(base, ".json") && nonEmpty(parts[n-2]) {
		return Class{Type: EntryObjects}, true
	}
	return Class{}, false
}

// logName is base when it names a log ("c.log"), the live log's name for a
// rotated one ("c.log.1" → "c.log"), else "".
func logName(base string) string {
	if strings.HasSuffix(base, ".log") {
		return base
	}
	return rotatedLog(base)
}

// ---- kubectl cluster-info dump (docs/contract.md, input 2) ----

// dumpFiles are the per-namespace files `kubectl cluster-info dump`
// writes (k8s.io/kubectl/pkg/cmd/clusterinfo/clusterinfo_dump.go), each
// the list of one resource in that namespace, written even when empty.
var dumpFiles = map[string]string{
	"events.json": "events", "services.json": "services", "pods.json": "pods",
	"deployments.json": "deployments.apps", "replicasets.json": "replicasets.apps",
	"daemonsets.json": "daemonsets.apps", "replication-controllers.json": "replicationcontrollers",
}

func claimClusterInfoDump(parts []string, base string) (Class, bool) {
	n := len(parts)
	if base == "logs.txt" && n >= 3 && nonEmpty(parts[n-3], parts[n-2]) {
		return Class{Type: EntryDumpLogs, Namespace: parts[n-3], Pod: parts[n-2]}, true
	}
	if res, ok := dumpFiles[base]; ok && n >= 2 && parts[n-2] != "" {
		return Class{Type: EntryObjects, Listing: &Listing{Resources: []string{res}, Namespace: parts[n-2]}}, true
	}
	if base == "nodes.json" {
		return Class{Type: EntryObjects, Listing: &Listing{Resources: []string{"nodes"}}}, true
	}
	return Class{}, false
}

// ---- istioctl bug-report ----
//
// istio/istio tools/bug-report/pkg/archive/archive.go: the archive
// bug-report.tar.gz holds bug-report/ with cluster/ (ClusterInfoPath),
// proxies/<ns>/<pod>/ (ProxyOutputPath), istio/<ns>/<pod>/ (IstiodPath),
// operator/<ns>/<pod>/, cni/<pod>/, analyze/. The file names are those of
// pkg/content/content.go (GetK8sResources: k8s-resources and
// k8s-cluster-resources; GetCRs: crs; GetNodeInfo: nodes; GetPodInfo:
// pods of the Istio namespace; GetEvents: events as `kubectl get events
// -o wide` text; GetSecrets: secrets; GetClusterInfo: cluster-context,
// kubectl-version), pkg/common/common.go (proxy files named by their
// admin URL: clusters, config_dump?include_eds, listeners, server_info,
// ...; istiod debug URLs) and pkg/bugreport/bugreport.go (proxy logs as
// proxies/<ns>/<pod>/istio-proxy.log, istiod's as discovery.log,
// operator.log, cni.log; versions, bug-report.log).

// bugReportNamespaced are the resources of GetK8sResources' namespaced
// `kubectl get` ("all" expands to the resources of kubectl's "all"
// category).
var bugReportNamespaced = []string{
	"pods", "services", "daemonsets.apps", "deployments.apps", "replicasets.apps",
	"statefulsets.apps", "replicationcontrollers", "jobs.batch", "cronjobs.batch",
	"horizontalpodautoscalers.autoscaling", "ingresses.networking.k8s.io",
	"endpointslices.discovery.k8s.io", "configmaps", "networkpolicies.networking.k8s.io",
}

var bugReportCluster = []string{
	"nodes", "namespaces", "customresourcedefinitions.apiextensions.k8s.io",
	"mutatingwebhookconfigurations.admissionregistration.k8s.io",
	"validatingwebhookconfigurations.admissionregistration.k8s.io",
}

func claimBugReport(parts []string, base string) (Class, bool) {
	n := len(parts)
	if n >= 2 && parts[n-2] == "cluster" {
		switch base {
		case "k8s-resources":
			return Class{Type: EntryObjects, Listing: &Listing{Resources: bugReportNamespaced, AnyNamespace: true}}, true
		case "k8s-cluster-resources":
			return Class{Type: EntryObjects, Listing: &Listing{Resources: bugReportCluster}}, true
		case "crs":
			return Class{Type: EntryObjects, Listing: &Listing{AnyNamespace: true}}, true
		case "nodes":
			return Class{Type: EntryObjects, Listing: &Listing{Resources: []string{"nodes"}}}, true
		case "pods":
			return Class{Type: EntryObjects, Listing: &Listing{Resources: []string{"pods"}, AnyNamespace: true}}, true
		case "cluster-context":
			return Class{Type: EntryClusterContext}, true
		case "events":
			return Class{Type: EntryOther, Reason: "not used by analyze: `kubectl get events -o wide` text, not objects (the events are in no other file of a bug-report)"}, true
		case "secrets":
			return Class{Type: EntryOther, Reason: "not used by analyze: secrets are never read"}, true
		case "kubectl-version":
			return Class{Type: EntryOther, Reason: "not used by analyze: kubectl version output"}, true
		}
	}
	// proxies/<ns>/<pod>/<file>, and deeper for stats/prometheus, cores/N.core.
	for k := 4; k <= 5 && k <= n; k++ {
		if parts[n-k] != "proxies" || !nonEmpty(parts[n-k+1], parts[n-k+2]) {
			continue
		}
		ns, pod := parts[n-k+1], parts[n-k+2]
		switch {
		case k == 4 && base == "istio-proxy.log":
			return Class{Type: EntryBugReportLog, Namespace: ns, Pod: pod, Container: "istio-proxy"}, true
		case k == 4 && base == "clusters":
			return Class{Type: EntryProxyAdmin, Namespace: ns, Pod: pod}, true
		}
		return Class{Type: EntryOther, Reason: "not used by analyze: istioctl bug-report proxy output " + strings.Join(parts[n-k+3:], "/")}, true
	}
	if n >= 4 && nonEmpty(parts[n-3], parts[n-2]) {
		switch {
		case parts[n-4] == "istio" && base == "discovery.log":
			return Class{Type: EntryBugReportLog, Namespace: parts[n-3], Pod: parts[n-2], Container: "discovery"}, true
		case parts[n-4] == "operator" && base == "operator.log":
			return Class{Type: EntryBugReportLog, Namespace: parts[n-3], Pod: parts[n-2], Container: "istio-operator"}, true
		}
	}
	for k := 4; k <= 6 && k <= n; k++ {
		if parts[n-k] == "istio" && (parts[n-k+3] == "debug" || k == 4 && base == "metrics") {
			return Class{Type: EntryOther, Reason: "not used by analyze: istiod debug output"}, true
		}
	}
	if n >= 2 && parts[n-2] == "analyze" || n >= 3 && parts[n-3] == "analyze" {
		return Class{Type: EntryOther, Reason: "not used by analyze: istioctl analyze output"}, true
	}
	if n >= 3 && parts[n-3] == "cni" && base == "cni.log" && parts[n-2] != "" {
		// The CNI pod's namespace is not in the path.
		return Class{Type: EntryBugReportLog, Pod: parts[n-2], Container: "install-cni"}, true
	}
	if n <= 2 && (base == "versions" || base == "bug-report.log") {
		return Class{Type: EntryOther, Reason: "not used by analyze: istioctl bug-report " + base}, true
	}
	return Class{}, false
}

// ---- OpenShift must-gather, as omc reads it ----
//
// gmeghnag/omc cmd/get/get.go (getNamespacedResources: a resource's list
// at namespaces/<ns>/<group>/<resource>.yaml, "core" for the core group,
// or one object per file under namespaces/<ns>/<group>/<resource>/;
// cluster-scoped resources under cluster-scoped-resources/<group>/),
// cmd/logs/pods.go and cmd/logs/logreader.go (a container's logs in
// namespaces/<ns>/pods/<pod>/<container>/<container>/logs/: current.log,
// previous.log, their .insecure.log twins fetched without verifying the
// kubelet's certificate, and rotated/ with older, possibly gzipped, files),
// cmd/use/use.go (a must-gather root holds namespaces/,
// cluster-scoped-resources/ or a timestamp file).

var mustGatherLogFiles = map[string]bool{
	"current.log": false, "current.insecure.log": false,
	"previous.log": true, "previous.insecure.log": true,
}

func claimMustGather(parts []string, base string) (Class, bool) {
	n := len(parts)
	// namespaces/<ns>/pods/<pod>/<c>/<c>/logs/<file>
	if n >= 8 && parts[n-8] == "namespaces" && parts[n-6] == "pods" && parts[n-2] == "logs" && parts[n-4] == parts[n-3] && nonEmpty(parts[n-7], parts[n-5], parts[n-4]) {
		if prev, ok := mustGatherLogFiles[base]; ok {
			return Class{Type: EntryLog, Namespace: parts[n-7], Pod: parts[n-5], Container: parts[n-4], Previous: prev}, true
		}
		return Class{Type: EntryOther, Reason: "unknown layout: not a must-gather log file (current.log, previous.log)"}, true
	}
	// namespaces/<ns>/pods/<pod>/<c>/<c>/logs/rotated/<file>: older lines of the current instance.
	if n >= 9 && parts[n-9] == "namespaces" && parts[n-7] == "pods" && parts[n-3] == "logs" && parts[n-2] == "rotated" && parts[n-5] == parts[n-4] && nonEmpty(parts[n-8], parts[n-6], parts[n-5]) {
		return Class{Type: EntryLog, Namespace: parts[n-8], Pod: parts[n-6], Container: parts[n-5]}, true
	}
	isYAML := strings.HasSuffix(base, ".yaml")
	if !isYAML {
		// Files at a must-gather's root (one or two directories deep in
		// its archive: must-gather.local.N/<image>/).
		switch {
		case base == "event-filter.html" || base == "must-gather.logs",
			n <= 3 && (base == "timestamp" || base == "version"):
			return Class{Type: EntryOther, Reason: "not used by analyze: must-gather " + base}, true
		}
		return Class{}, false
	}
	res := strings.TrimSuffix(base, ".yaml")
	switch {
	case n >= 4 && parts[n-4] == "namespaces" && nonEmpty(parts[n-3], parts[n-2], res):
		// namespaces/<ns>/<group>/<resource>.yaml
		return Class{Type: EntryObjects, Listing: &Listing{Resources: []string{collectorName(parts[n-2], res)}, Namespace: parts[n-3]}}, true
	case n >= 5 && parts[n-5] == "namespaces":
		// namespaces/<ns>/<group>/<resource>/<name>.yaml, namespaces/<ns>/pods/<pod>/<pod>.yaml
		return Class{Type: EntryObjects}, true
	case n >= 3 && parts[n-3] == "namespaces" && res == parts[n-2]:
		return Class{Type: EntryObjects}, true // the Namespace itself
	case n >= 3 && parts[n-3] == "cluster-scoped-resources" && nonEmpty(parts[n-2], res):
		return Class{Type: EntryObjects, Listing: &Listing{Resources: []string{collectorName(parts[n-2], res)}}}, true
	case n >= 4 && parts[n-4] == "cluster-scoped-resources":
		return Class{Type: EntryObjects}, true
	}
	return Class{}, false
}

// collectorName is a resource's collector name from its group as
// must-gather names group directories ("core" for the core group).
func collectorName(group, resource string) string {
	if group == "core" || group == "" {
		return resource
	}
	return resource + "." + group
}

// ---- troubleshoot support-bundle ----
//
// replicatedhq/troubleshoot pkg/constants/constants.go (the directory
// names below cluster-resources/), pkg/collect/cluster_resources.go (each
// namespaced resource as cluster-resources/<dir>/<ns>.json, written for
// every namespace listed, even when empty; cluster-scoped ones as
// cluster-resources/<name>.json; custom resources as
// cluster-resources/custom-resources/<crd>/<ns>.json and .yaml, written
// only for namespaces that have some, or <crd>.json when cluster-scoped;
// the errors of a collector as cluster-resources/<name>-errors.json),
// pkg/collect/logs.go (savePodLogs: cluster-resources/pods/logs/<ns>/<pod>/
// <container>.log and <container>-previous.log, and symlinks to them
// under the logs collector's name), pkg/collect/result.go (ArchiveBundle:
// a .tar.gz with the bundle's directory on top).

// supportBundleNamespaced maps a directory under cluster-resources/ to the
// collector name of the resource it lists per namespace.
var supportBundleNamespaced = map[string]string{
	"pods": "pods", "services": "services", "deployments": "deployments.apps",
	"replicasets": "replicasets.apps", "statefulsets": "statefulsets.apps",
	"daemonsets": "daemonsets.apps", "jobs": "jobs.batch", "cronjobs": "cronjobs.batch",
	"ingress": "ingresses.networking.k8s.io", "network-policy": "networkpolicies.networking.k8s.io",
	"resource-quota": "resourcequotas", "pod-disruption-budgets": "poddisruptionbudgets.policy",
	"limitranges": "limitranges", "events": "events", "pvcs": "persistentvolumeclaims",
	"roles": "roles.rbac.authorization.k8s.io", "rolebindings": "rolebindings.rbac.authorization.k8s.io",
	"endpoints": "endpoints", "endpointslices": "endpointslices.discovery.k8s.io",
	"serviceaccounts": "serviceaccounts", "leases": "leases.coordination.k8s.io",
	"configmaps": "configmaps",
}

// supportBundleCluster maps a cluster-resources/<name>.json file to the
// collector name of the cluster-scoped resource it lists.
var supportBundleCluster = map[string]string{
	"namespaces": "namespaces", "nodes": "nodes", "storage-classes": "storageclasses.storage.k8s.io",
	"ingress-classes": "ingressclasses.networking.k8s.io", "priorityclasses": "priorityclasses.scheduling.k8s.io",
	"custom-resource-definitions": "customresourcedefinitions.apiextensions.k8s.io", "pvs": "persistentvolumes",
	"clusterroles": "clusterroles.rbac.authorization.k8s.io", "clusterrolebindings": "clusterrolebindings.rbac.authorization.k8s.io",
	"volumeattachments": "volumeattachments.storage.k8s.io", "certificatesigningrequests": "certificatesigningrequests.certificates.k8s.io",
	"validating-webhook-configurations": "validatingwebhookconfigurations.admissionregistration.k8s.io",
	"mutating-webhook-configurations":   "mutatingwebhookconfigurations.admissionregistration.k8s.io",
}

func claimSupportBundle(parts []string, base string) (Class, bool) {
	n := len(parts)
	at := -1 // index of "cluster-resources"
	for i := n - 2; i >= 0 && i >= n-7; i-- {
		if parts[i] == "cluster-resources" {
			at = i
			break
		}
	}
	if at < 0 {
		if base == "cluster_version.json" && n >= 2 && parts[n-2] == "cluster-info" {
			return Class{Type: EntryOther, Reason: "not used by analyze: support-bundle cluster version"}, true
		}
		return Class{}, false
	}
	rel := parts[at+1:]
	switch {
	case len(rel) == 5 && rel[0] == "pods" && rel[1] == "logs" && nonEmpty(rel[2], rel[3]):
		ns, pod := rel[2], rel[3]
		switch {
		case strings.HasSuffix(base, "-logs-errors.log"):
			return Class{Type: EntryCollectorErrors, Collector: "logs", Namespace: ns, Pod: pod, Container: strings.TrimSuffix(base, "-logs-errors.log")}, true
		case strings.HasSuffix(base, "-previous.log") && len(base) > len("-previous.log"):
			return Class{Type: EntryLog, Namespace: ns, Pod: pod, Container: strings.TrimSuffix(base, "-previous.log"), Previous: true}, true
		case strings.HasSuffix(base, ".log") && len(base) > len(".log"):
			return Class{Type: EntryLog, Namespace: ns, Pod: pod, Container: strings.TrimSuffix(base, ".log")}, true
		}
	case len(rel) == 1 && strings.HasSuffix(base, "-errors.json"):
		name := strings.TrimSuffix(base, "-errors.json")
		col := supportBundleNamespaced[name]
		if col == "" {
			col = supportBundleCluster[name]
		}
		if col == "" {
			col = name
		}
		return Class{Type: EntryCollectorErrors, Collector: col}, true
	case len(rel) == 1 && strings.HasSuffix(base, ".json"):
		if col, ok := supportBundleCluster[strings.TrimSuffix(base, ".json")]; ok {
			return Class{Type: EntryObjects, Listing: &Listing{Resources: []string{col}}}, true
		}
		return Class{Type: EntryOther, Reason: "not used by analyze: support-bundle " + base}, true
	case len(rel) >= 2 && rel[0] == "custom-resources":
		if len(rel) == 2 && base == "custom-resources-errors.json" {
			return Class{Type: EntryCollectorErrors, Collector: "custom-resources"}, true
		}
		crd := strings.TrimSuffix(strings.TrimSuffix(rel[1], ".json"), ".yaml")
		if len(rel) == 2 && strings.HasSuffix(base, ".json") && strings.Contains(crd, ".") {
			return Class{Type: EntryObjects, Listing: &Listing{Resources: []string{crd}}}, true
		}
		if len(rel) == 3 && (strings.HasSuffix(base, ".json") || strings.HasSuffix(base, ".yaml")) {
			return Class{Type: EntryObjects}, true
		}
	case len(rel) == 2 && strings.HasSuffix(base, ".json"):
		if col, ok := supportBundleNamespaced[rel[0]]; ok {
			return Class{Type: EntryObjects, Listing: &Listing{Resources: []string{col}, Namespace: strings.TrimSuffix(base, ".json")}}, true
		}
		return Class{Type: EntryOther, Reason: "not used by analyze: support-bundle " + rel[0]}, true
	}
	return Class{Type: EntryOther, Reason: "unknown layout: not a support-bundle file analyze reads"}, true
}

// asciiLower lowers ASCII letters only, so that indexes into it are
// indexes into s (strings.ToLower changes the length of some runes).
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func nonEmpty(ss ...string) bool {
	for _, s := range ss {
		if s == "" {
			return false
		}
	}
	return true
}
