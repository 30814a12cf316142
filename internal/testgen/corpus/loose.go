package main

import (
	"bytes"
	"fmt"
	"path/filepath"

	"sigs.k8s.io/yaml"
)

// Layout is the form a case's input takes.
type Layout int

const (
	// LayoutBundle is a gather bundle: manifest, index, resources, logs.
	LayoutBundle Layout = iota
	// LayoutKubectl is one `kubectl get -o yaml` file: a List of the
	// case's objects as the API server returns them (status included),
	// without logs, manifest or index.
	LayoutKubectl
	// LayoutGit is one multi-document YAML file of manifests from Git:
	// only what a user writes (no status, no server-set metadata, none
	// of the objects controllers make: Pods, ReplicaSets, EndpointSlices,
	// Events, Nodes).
	LayoutGit
)

// looseFile is the file a loose case's objects are written to.
const looseFile = "bundle/manifests.yaml"

// clusterMade are the kinds a cluster makes, never in Git.
var clusterMade = map[string]bool{"Pod": true, "ReplicaSet": true, "EndpointSlice": true, "Event": true, "Node": true}

// writeLoose writes the case in a loose layout: its objects in one YAML
// file, and expected.yaml.
func (c *Case) writeLoose(dir string) error {
	if len(c.logs) > 0 || len(c.files) > 0 {
		return fmt.Errorf("a loose layout has no logs or proxy files")
	}
	var objs []M
	for _, o := range c.objs {
		if c.Layout == LayoutGit && clusterMade[o.Kind] {
			continue
		}
		m := withTypeMeta(o)
		if c.Layout == LayoutGit {
			m = gitManifest(m)
		}
		objs = append(objs, m)
	}
	var body []byte
	switch c.Layout {
	case LayoutKubectl:
		items := L{}
		for _, m := range objs {
			items = append(items, m)
		}
		y, err := yaml.Marshal(M{"apiVersion": "v1", "kind": "List", "items": items, "metadata": M{"resourceVersion": ""}})
		if err != nil {
			return err
		}
		body = y
	case LayoutGit:
		var b bytes.Buffer
		for i, m := range objs {
			y, err := yaml.Marshal(m)
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
	root := filepath.Join(dir, c.Name)
	return writeFiles(root, map[string][]byte{
		filepath.Join(root, filepath.FromSlash(looseFile)): body,
		filepath.Join(root, "expected.yaml"):               c.expectedYAML(),
	})
}

// gitManifest keeps what a user writes of an object: apiVersion, kind,
// name, namespace, labels, annotations and the spec (a Deployment's pod
// template without the server's creationTimestamp), never status.
func gitManifest(m M) M {
	out := M{"apiVersion": m["apiVersion"], "kind": m["kind"]}
	md := m["metadata"].(M)
	keep := M{"name": md["name"]}
	for _, k := range []string{"namespace", "labels", "annotations"} {
		if v, ok := md[k]; ok {
			keep[k] = v
		}
	}
	out["metadata"] = keep
	for k, v := range m {
		switch k {
		case "apiVersion", "kind", "metadata", "status":
		case "spec":
			out[k] = gitSpec(v)
		default:
			out[k] = v // data of a ConfigMap
		}
	}
	return out
}

// gitSpec drops the fields the API server adds to a spec that the kinds
// here carry: a pod template's null creationTimestamp.
func gitSpec(v any) any {
	spec, ok := v.(M)
	if !ok {
		return v
	}
	tmpl, ok := spec["template"].(M)
	if !ok {
		return spec
	}
	out := M{}
	for k, x := range spec {
		out[k] = x
	}
	t := M{}
	for k, x := range tmpl {
		t[k] = x
	}
	if md, ok := t["metadata"].(M); ok {
		cp := M{}
		for k, x := range md {
			if k != "creationTimestamp" {
				cp[k] = x
			}
		}
		t["metadata"] = cp
	}
	out["template"] = t
	return out
}
