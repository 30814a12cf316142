package main

import (
	"bytes"
	"fmt"
	"path/filepath"

	"sigs.k8s.io/yaml"
)

// gitFile is the file a LayoutGit case's manifests are written to.
const gitFile = "bundle/manifests.yaml"

// clusterMade are the kinds a cluster makes, never in Git.
var clusterMade = map[string]bool{"Pod": true, "ReplicaSet": true, "EndpointSlice": true, "Event": true, "Node": true}

// writeGit writes a LayoutGit case: its manifests in one YAML file, and
// expected.yaml.
func (c *Case) writeGit(dir string) error {
	if len(c.logs) > 0 || len(c.files) > 0 {
		return fmt.Errorf("manifests from Git have no logs or proxy files")
	}
	var objs []M
	for _, o := range c.objs {
		if !clusterMade[o.Kind] {
			objs = append(objs, gitManifest(withTypeMeta(o)))
		}
	}
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
	body := b.Bytes()
	root := filepath.Join(dir, c.Name)
	return writeFiles(root, map[string][]byte{
		filepath.Join(root, filepath.FromSlash(gitFile)): body,
		filepath.Join(root, "expected.yaml"):             c.expectedYAML(),
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
