package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/internal/testgen/dumpconv"
)

// resource describes how gather names and stores one kind.
type resource struct {
	Collector string // plural[.group]
	ListKind  string
	Cluster   bool
}

var resources = map[string]resource{
	"Namespace":               {"namespaces", "NamespaceList", true},
	"Node":                    {"nodes", "NodeList", true},
	"IngressClass":            {"ingressclasses.networking.k8s.io", "IngressClassList", true},
	"Pod":                     {"pods", "PodList", false},
	"Service":                 {"services", "ServiceList", false},
	"EndpointSlice":           {"endpointslices.discovery.k8s.io", "EndpointSliceList", false},
	"Event":                   {"events", "EventList", false},
	"ConfigMap":               {"configmaps", "ConfigMapList", false},
	"Deployment":              {"deployments.apps", "DeploymentList", false},
	"ReplicaSet":              {"replicasets.apps", "ReplicaSetList", false},
	"StatefulSet":             {"statefulsets.apps", "StatefulSetList", false},
	"DaemonSet":               {"daemonsets.apps", "DaemonSetList", false},
	"Job":                     {"jobs.batch", "JobList", false},
	"CronJob":                 {"cronjobs.batch", "CronJobList", false},
	"HorizontalPodAutoscaler": {"horizontalpodautoscalers.autoscaling", "HorizontalPodAutoscalerList", false},
	"Ingress":                 {"ingresses.networking.k8s.io", "IngressList", false},
	"NetworkPolicy":           {"networkpolicies.networking.k8s.io", "NetworkPolicyList", false},
	"VirtualService":          {"virtualservices.networking.istio.io", "VirtualServiceList", false},
	"DestinationRule":         {"destinationrules.networking.istio.io", "DestinationRuleList", false},
	"Gateway":                 {"gateways.networking.istio.io", "GatewayList", false},
	"ServiceEntry":            {"serviceentries.networking.istio.io", "ServiceEntryList", false},
	"PeerAuthentication":      {"peerauthentications.security.istio.io", "PeerAuthenticationList", false},
	"Sidecar":                 {"sidecars.networking.istio.io", "SidecarList", false},
	"ScaledObject":            {"scaledobjects.keda.sh", "ScaledObjectList", false},
	"Rollout":                 {"rollouts.argoproj.io", "RolloutList", false},
	// The Gateway API, keyed by group and kind (see resourceKey).
	gwAPI + "GatewayClass":     {"gatewayclasses.gateway.networking.k8s.io", "GatewayClassList", true},
	gwAPI + "Gateway":          {"gateways.gateway.networking.k8s.io", "GatewayList", false},
	gwAPI + "HTTPRoute":        {"httproutes.gateway.networking.k8s.io", "HTTPRouteList", false},
	gwAPI + "GRPCRoute":        {"grpcroutes.gateway.networking.k8s.io", "GRPCRouteList", false},
	gwAPI + "TLSRoute":         {"tlsroutes.gateway.networking.k8s.io", "TLSRouteList", false},
	gwAPI + "ReferenceGrant":   {"referencegrants.gateway.networking.k8s.io", "ReferenceGrantList", false},
	gwAPI + "BackendTLSPolicy": {"backendtlspolicies.gateway.networking.k8s.io", "BackendTLSPolicyList", false},
	gwAPIX + "XListenerSet":    {"xlistenersets.gateway.networking.x-k8s.io", "XListenerSetList", false},
}

// gwAPI and gwAPIX prefix the keys of the Gateway API kinds in resources:
// its Gateway is not Istio's.
const (
	gwAPI  = "gateway.networking.k8s.io/"
	gwAPIX = "gateway.networking.x-k8s.io/"
)

// resourceKey is o's key in resources: its kind, prefixed with the group
// for the Gateway API.
func resourceKey(o *Obj) string {
	if g, _, ok := strings.Cut(o.APIVersion, "/"); ok && (g+"/" == gwAPI || g+"/" == gwAPIX) {
		return g + "/" + o.Kind
	}
	return o.Kind
}

// kindOfKey is the kind of a resources key.
func kindOfKey(k string) string {
	if _, kind, ok := strings.Cut(k, "/"); ok {
		return kind
	}
	return k
}

// gatewayAPIKinds are gathered with their group, listed only when the
// cluster serves it (a case that has Gateway API objects).
var gatewayAPIKinds = []string{gwAPI + "GatewayClass", gwAPI + "Gateway", gwAPI + "HTTPRoute", gwAPI + "GRPCRoute",
	gwAPI + "TLSRoute", gwAPI + "ReferenceGrant", gwAPI + "BackendTLSPolicy", gwAPIX + "XListenerSet"}

// collectorOrder is the order gather runs its collectors in.
var collectorOrder = []string{"Namespace", "Node", "Pod", "Service", "EndpointSlice", "Event", "ConfigMap", "Deployment", "ReplicaSet",
	"StatefulSet", "DaemonSet", "Job", "CronJob", "HorizontalPodAutoscaler", "Ingress", "IngressClass", "NetworkPolicy",
	"VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "PeerAuthentication", "Sidecar", "ScaledObject", "Rollout"}

var istioKinds = map[string]bool{"VirtualService": true, "DestinationRule": true, "Gateway": true, "ServiceEntry": true, "PeerAuthentication": true}

func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Write renders the case under dir/<case name>/.
func (c *Case) Write(dir string) error {
	if c.Layout == LayoutGit {
		return c.writeGit(dir)
	}
	root := filepath.Join(dir, c.Name)
	files := map[string][]byte{}
	put := func(p string, b []byte) { files[filepath.Join(root, filepath.FromSlash(p))] = b }
	if c.pasted != nil {
		for p, b := range c.pasted {
			put("bundle/"+p, b)
		}
		put("expected.yaml", c.expectedYAML())
		return writeFiles(root, files)
	}

	c.buildNodes()
	c.buildSlices()

	put("bundle/manifest.json", marshal(bundle.Manifest{FormatVersion: 1, Tool: "nohealthy-gather", ToolVersion: "corpus",
		CreatedAt: c.Now.UTC(), ClusterVersion: c.KubeVersion, Context: c.Context}))

	byKind := map[string]map[string][]*Obj{}
	for _, o := range c.objs {
		k := resourceKey(o)
		if _, ok := resources[k]; !ok {
			panic("unknown kind " + k)
		}
		if byKind[k] == nil {
			byKind[k] = map[string][]*Obj{}
		}
		ns := o.NS
		if resources[k].Cluster {
			ns = "_cluster"
		}
		byKind[k][ns] = append(byKind[k][ns], o)
	}
	hasIstio, hasGatewayAPI := false, false
	for k := range byKind {
		if istioKinds[k] {
			hasIstio = true
		}
		if slices.Contains(gatewayAPIKinds, k) {
			hasGatewayAPI = true
		}
	}
	order := collectorOrder
	if hasGatewayAPI {
		order = append(slices.Clone(order), gatewayAPIKinds...)
	}
	var cols []bundle.CollectorStatus
	for _, kind := range order {
		res := resources[kind]
		cs := bundle.CollectorStatus{Name: res.Collector, Kind: kindOfKey(kind), Status: "ok"}
		if msg, ok := c.Forbidden[res.Collector]; ok {
			cs.Status, cs.Message = "forbidden", msg
			cols = append(cols, cs)
			continue
		}
		if msg, ok := c.Skipped[res.Collector]; ok {
			cs.Status, cs.Message = "skipped", msg
			cols = append(cols, cs)
			continue
		}
		if istioKinds[kind] && !hasIstio {
			cs.Status, cs.Message = "skipped", fmt.Sprintf("the server doesn't have a resource type %q", strings.Split(res.Collector, ".")[0])
			cols = append(cols, cs)
			continue
		}
		// Listed only by the cases that have them, so that the others'
		// bundles stay as they were.
		if (kind == "Sidecar" || kind == "ScaledObject" || kind == "Rollout") && byKind[kind] == nil {
			continue
		}
		nss := byKind[kind]
		for _, ns := range slices.Sorted(maps.Keys(nss)) {
			objs := nss[ns]
			cs.Count += len(objs)
			ext := ".json"
			var body []byte
			switch c.styleFor(kind, ns) {
			case StyleList:
				items := L{}
				for _, o := range objs {
					m := withTypeMeta(o)
					items = append(items, m)
				}
				body = marshal(M{"apiVersion": "v1", "kind": "List", "items": items, "metadata": M{"resourceVersion": ""}})
			case StyleTyped:
				items := L{}
				for _, o := range objs {
					items = append(items, o.M)
				}
				body = marshal(M{"apiVersion": objs[0].APIVersion, "kind": res.ListKind, "items": items,
					"metadata": M{"resourceVersion": fmt.Sprint(c.rv + 17)}})
			case StyleYAML:
				ext = ".yaml"
				var b bytes.Buffer
				for i, o := range objs {
					y, err := yaml.Marshal(withTypeMeta(o))
					if err != nil {
						return err
					}
					if i > 0 {
						b.WriteString("---\n")
					}
					b.Write(y)
				}
				body = b.Bytes()
			}
			put("bundle/resources/"+ns+"/"+res.Collector+ext, body)
		}
		cols = append(cols, cs)
	}
	nlogs := 0
	for p, lines := range c.logs {
		put("bundle/"+p, []byte(strings.Join(lines, "\n")+"\n"))
		nlogs++
	}
	cols = append(cols, bundle.CollectorStatus{Name: "logs", Status: "ok", Count: nlogs})
	if len(c.files) > 0 {
		cols = append(cols, bundle.CollectorStatus{Name: "proxy-admin", Status: "ok", Count: len(c.files)})
		for p, b := range c.files {
			put("bundle/"+p, b)
		}
	}
	put("bundle/index.json", marshal(bundle.Index{FormatVersion: 1, CompletedAt: c.Now.Add(37 * time.Second).UTC(), Collectors: cols, Files: []bundle.FileInfo{}}))
	put("expected.yaml", c.expectedYAML())
	switch c.Layout {
	case LayoutLoose:
		if err := c.looseLayout(root, files); err != nil {
			return err
		}
	case LayoutDump:
		if err := dumpLayout(root, files); err != nil {
			return err
		}
	}
	return writeFiles(root, files)
}

// writeFiles replaces root with files.
func writeFiles(root string, files map[string][]byte) error {
	if err := os.RemoveAll(root); err != nil {
		return err
	}
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[p], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// looseLayout replaces the bundle in files by what `kubectl get -A -o yaml`
// of the case's LooseKinds prints (one kind: List), with the logs and
// Envoy admin files as loose files beside it.
func (c *Case) looseLayout(root string, files map[string][]byte) error {
	bundleDir := filepath.Join(root, "bundle") + string(filepath.Separator)
	for p := range files {
		if !strings.HasPrefix(p, bundleDir) {
			continue
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, bundleDir))
		if !strings.HasPrefix(rel, "logs/") && !strings.HasPrefix(rel, "proxy/") {
			delete(files, p)
		}
	}
	want, wantNS := map[string]bool{}, map[string]bool{}
	for _, k := range c.LooseKinds {
		want[k] = true
	}
	for _, ns := range c.LooseNamespaces {
		wantNS[ns] = true
	}
	items := L{}
	for _, key := range append(slices.Clone(collectorOrder), gatewayAPIKinds...) {
		kind := kindOfKey(key)
		var objs []*Obj
		for _, o := range c.objs {
			inNS := len(wantNS) == 0 || wantNS[o.NS] || (kind == "Namespace" && wantNS[o.Name])
			if resourceKey(o) == key && (len(want) == 0 || want[kind]) && inNS {
				objs = append(objs, o)
			}
		}
		sort.SliceStable(objs, func(i, j int) bool {
			if objs[i].NS != objs[j].NS {
				return objs[i].NS < objs[j].NS
			}
			return objs[i].Name < objs[j].Name
		})
		for _, o := range objs {
			m := withTypeMeta(o)
			if c.Manifests {
				m = asManifest(m)
			}
			items = append(items, m)
		}
	}
	y, err := yaml.Marshal(M{"apiVersion": "v1", "kind": "List", "items": items, "metadata": M{"resourceVersion": ""}})
	if err != nil {
		return err
	}
	files[filepath.Join(bundleDir, "objects.yaml")] = y
	return nil
}

// asManifest strips what the API server fills in, leaving an object as it
// is kept in Git.
func asManifest(m M) M {
	out := M{}
	for k, v := range m {
		if k != "status" {
			out[k] = v
		}
	}
	md := M{}
	for k, v := range m["metadata"].(M) {
		switch k {
		case "uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "ownerReferences":
		default:
			md[k] = v
		}
	}
	out["metadata"] = md
	return out
}

// dumpLayout replaces the bundle in files by the `kubectl cluster-info
// dump` tree dumpconv makes of it.
func dumpLayout(root string, files map[string][]byte) error {
	tmp, err := os.MkdirTemp("", "corpus-dump-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bundleDir := filepath.Join(root, "bundle") + string(filepath.Separator)
	in := filepath.Join(tmp, "bundle")
	for p, b := range files {
		if !strings.HasPrefix(p, bundleDir) {
			continue
		}
		dst := filepath.Join(in, strings.TrimPrefix(p, bundleDir))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return err
		}
		delete(files, p)
	}
	out := filepath.Join(tmp, "dump")
	if err := dumpconv.ToClusterInfoDump(in, out); err != nil {
		return err
	}
	return filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		files[filepath.Join(bundleDir, rel)] = b
		return nil
	})
}

// styleFor picks the list style; YAML cases keep nodes/namespaces/pods as JSON
// lists, the way a support engineer adds `kubectl get -o yaml` output for the
// objects a ticket is about.
func (c *Case) styleFor(kind, ns string) ListStyle {
	if c.Style != StyleYAML {
		return c.Style
	}
	switch kind {
	case "Node", "Namespace", "Pod", "Event", "ReplicaSet", "ConfigMap":
		return StyleList
	}
	return StyleYAML
}

func withTypeMeta(o *Obj) M {
	m := M{}
	for k, v := range o.M {
		m[k] = v
	}
	m["apiVersion"] = o.APIVersion
	m["kind"] = o.Kind
	return m
}

func (c *Case) expectedYAML() []byte {
	var b strings.Builder
	b.WriteString("description: >-\n")
	for _, l := range wrap(c.Description, 92) {
		b.WriteString("  " + l + "\n")
	}
	if c.Source != "" {
		b.WriteString("source: >-\n")
		for _, l := range wrap(c.Source, 92) {
			b.WriteString("  " + l + "\n")
		}
	}
	if len(c.Expected) == 0 {
		b.WriteString("rootCauses: []\n")
	} else {
		b.WriteString("rootCauses:\n")
		for _, e := range c.Expected {
			fmt.Fprintf(&b, "  - cause: %s\n", e.ID)
			if e.Object.NS != "" {
				fmt.Fprintf(&b, "    object: {kind: %s, namespace: %s, name: %s}\n", e.Object.Kind, e.Object.NS, e.Object.Name)
			} else {
				fmt.Fprintf(&b, "    object: {kind: %s, name: %s}\n", e.Object.Kind, e.Object.Name)
			}
			if e.Detail != "" {
				fmt.Fprintf(&b, "    detail: %s\n", e.Detail)
			}
			if len(e.Changes) > 0 {
				b.WriteString("    changes:\n")
			}
			for _, ch := range e.Changes {
				fmt.Fprintf(&b, "      - {type: %s, object: {kind: %s, namespace: %s, name: %s}, within: %d}\n",
					ch.Type, ch.Object.Kind, ch.Object.NS, ch.Object.Name, int64(ch.Within/time.Second))
			}
		}
	}
	if len(c.Absent) > 0 {
		fmt.Fprintf(&b, "absent: [%s]\n", strings.Join(c.Absent, ", "))
	}
	return []byte(b.String())
}

func wrap(s string, w int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		if line != "" && len(line)+1+len(word) > w {
			out = append(out, line)
			line = word
			continue
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}
