package layouts

import (
	"bytes"
	"encoding/json"
	"path"
)

// MustGatherRoot is the directory a must-gather writes into, below the
// must-gather.local.N/ that `oc adm must-gather` makes: the image's name
// made a path.
const MustGatherRoot = "must-gather.local.5/quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-3f1b7a2c"

// MustGather writes the incident at bundleDir as an OpenShift must-gather
// laid out as omc reads it (gmeghnag/omc cmd/get/get.go, cmd/logs/pods.go,
// cmd/logs/logreader.go, cmd/use/use.go): outDir/MustGatherRoot/...
// Resources are lists per namespace and group (core pods listed in every
// namespace, an empty list where there are none), pods also one file each,
// nodes one file each; logs are current.log and previous.log, a log of
// more than four lines cut in two: its older half gzipped under rotated/.
func MustGather(bundleDir, outDir string) error {
	in, err := read(bundleDir)
	if err != nil {
		return err
	}
	w := &writer{root: path.Join(outDir, MustGatherRoot)}
	w.bytes("timestamp", []byte("2024-12-02 10:47:00.000000000 +0000 UTC m=+0.000000001\n2024-12-02 10:47:40.000000000 +0000 UTC m=+40.000000001\n"))
	w.bytes("version", []byte("oc 4.16.0\n"))
	w.bytes("event-filter.html", []byte("<html><body>events</body></html>\n"))
	for _, ns := range in.namespaces {
		if objs := named(in.objects["namespaces"][""], ns); objs != nil {
			w.yaml(path.Join("namespaces", ns, ns+".yaml"), objs)
		}
		w.yaml(path.Join("namespaces", ns, "core", "pods.yaml"), list(in.objects["pods"][ns]))
	}
	for _, c := range sortedKeys(in.objects) {
		k := kindOf(c)
		namespaced := k == nil || k.Namespaced
		group, resource := groupDir(c)
		for _, ns := range sortedKeys(in.objects[c]) {
			objs := in.objects[c][ns]
			switch {
			case c == "namespaces":
			case !namespaced:
				for _, o := range objs {
					w.yaml(path.Join("cluster-scoped-resources", group, resource, nameOf(o)+".yaml"), o)
				}
			case c == "pods":
				for _, o := range objs {
					w.yaml(path.Join("namespaces", ns, "pods", nameOf(o), nameOf(o)+".yaml"), o)
				}
			default:
				w.yaml(path.Join("namespaces", ns, group, resource+".yaml"), list(objs))
			}
		}
	}
	for _, l := range in.logs {
		dir := path.Join("namespaces", l.ns, "pods", l.pod, l.container, l.container, "logs")
		if l.previous {
			w.bytes(path.Join(dir, "previous.log"), l.data)
			continue
		}
		lines := bytes.SplitAfter(l.data, []byte("\n"))
		if len(lines) > 4 {
			half := len(lines) / 2
			w.bytes(path.Join(dir, "rotated", "0.log.20241202-104000.gz"), gzipped(bytes.Join(lines[:half], nil)))
			w.bytes(path.Join(dir, "current.log"), bytes.Join(lines[half:], nil))
			continue
		}
		w.bytes(path.Join(dir, "current.log"), l.data)
	}
	return w.err
}

// named returns the object called name among objs, or nil.
func named(objs []json.RawMessage, name string) json.RawMessage {
	for _, o := range objs {
		if nameOf(o) == name {
			return o
		}
	}
	return nil
}

func nameOf(raw json.RawMessage) string {
	var h struct {
		Metadata struct{ Name string } `json:"metadata"`
	}
	json.Unmarshal(raw, &h)
	return h.Metadata.Name
}
