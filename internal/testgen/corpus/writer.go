package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/nohealthy/nohealthy/bundle"
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
	"ScaledObject":            {"scaledobjects.keda.sh", "ScaledObjectList", false},
}

// collectorOrder is the order gather runs its collectors in.
var collectorOrder = []string{"Namespace", "Node", "Pod", "Service", "EndpointSlice", "Event", "ConfigMap", "Deployment", "ReplicaSet",
	"StatefulSet", "DaemonSet", "Job", "CronJob", "HorizontalPodAutoscaler", "Ingress", "IngressClass", "NetworkPolicy",
	"VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "PeerAuthentication", "ScaledObject"}

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
	root := filepath.Join(dir, c.Name)
	files := map[string][]byte{}
	put := func(p string, b []byte) { files[filepath.Join(root, filepath.FromSlash(p))] = b }

	c.buildNodes()
	c.buildSlices()

	put("bundle/manifest.json", marshal(bundle.Manifest{FormatVersion: 1, Tool: "nohealthy-gather", ToolVersion: "corpus",
		CreatedAt: c.Now.UTC(), ClusterVersion: c.KubeVersion, Context: c.Context}))

	byKind := map[string]map[string][]*Obj{}
	for _, o := range c.objs {
		if _, ok := resources[o.Kind]; !ok {
			panic("unknown kind " + o.Kind)
		}
		if byKind[o.Kind] == nil {
			byKind[o.Kind] = map[string][]*Obj{}
		}
		ns := o.NS
		if resources[o.Kind].Cluster {
			ns = "_cluster"
		}
		byKind[o.Kind][ns] = append(byKind[o.Kind][ns], o)
	}
	hasIstio := false
	for k := range byKind {
		if istioKinds[k] {
			hasIstio = true
		}
	}
	var cols []bundle.CollectorStatus
	for _, kind := range collectorOrder {
		res := resources[kind]
		cs := bundle.CollectorStatus{Name: res.Collector, Kind: kind, Status: "ok"}
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
		if kind == "ScaledObject" && byKind[kind] == nil {
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
