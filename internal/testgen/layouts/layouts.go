// Package layouts writes an incident of the corpus (an unpacked nohealthy
// bundle) in the layouts other tools write, as their sources write them
// (docs/inputs.md has the layouts and the upstream files they come from):
// an istioctl bug-report, an OpenShift must-gather, a troubleshoot
// support-bundle. Tests check that analyze reaches the same verdict from
// each as from the bundle. What a tool does not collect is left out, as
// the tool leaves it out: a bug-report has no application logs and its
// events are text; a must-gather's logs are kubectl's with timestamps.
//
// Output is deterministic: the same bundle gives the same bytes.
package layouts

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/kinds"
)

// incident is what a bundle holds, grouped as the layouts need it.
type incident struct {
	// objects[collector][namespace] are raw JSON objects, sorted by name.
	objects    map[string]map[string][]json.RawMessage
	namespaces []string // every namespace (Namespace objects and objects' namespaces)
	logs       []logFile
	proxy      map[string][]byte // "ns/pod/name" → Envoy admin output
	collectors []bundle.CollectorStatus
	created    time.Time
}

type logFile struct {
	ns, pod, container string
	previous           bool
	data               []byte
}

// read loads an unpacked bundle.
func read(bundleDir string) (*incident, error) {
	in := &incident{objects: map[string]map[string][]json.RawMessage{}, proxy: map[string][]byte{}}
	nss := map[string]bool{}
	names := map[string]map[string][]string{} // for sorting
	err := bundle.Walk(bundleDir, bundle.Limits{}, nil, func(e *bundle.Entry) error {
		data, err := io.ReadAll(e.Body)
		if err != nil {
			return err
		}
		switch e.Type {
		case bundle.EntryManifest:
			var m bundle.Manifest
			if err := json.Unmarshal(data, &m); err != nil {
				return err
			}
			in.created = m.CreatedAt
		case bundle.EntryIndex:
			var ix bundle.Index
			if err := json.Unmarshal(data, &ix); err != nil {
				return err
			}
			in.collectors = ix.Collectors
		case bundle.EntryObjects:
			collector := strings.TrimSuffix(path.Base(e.Path), ".json")
			return bundle.DecodeObjects(e.Path, bytes.NewReader(data), bundle.Limits{}, func(o bundle.Object) error {
				if in.objects[collector] == nil {
					in.objects[collector] = map[string][]json.RawMessage{}
					names[collector] = map[string][]string{}
				}
				in.objects[collector][o.Namespace] = append(in.objects[collector][o.Namespace], append(json.RawMessage{}, o.Raw...))
				names[collector][o.Namespace] = append(names[collector][o.Namespace], o.Name)
				if o.Namespace != "" {
					nss[o.Namespace] = true
				}
				if o.Kind == "Namespace" {
					nss[o.Name] = true
				}
				return nil
			})
		case bundle.EntryLog:
			in.logs = append(in.logs, logFile{e.Namespace, e.Pod, e.Container, e.Previous, data})
			nss[e.Namespace] = true
		case bundle.EntryProxyAdmin:
			in.proxy[e.Namespace+"/"+e.Pod+"/"+e.Name] = data
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for c, byNS := range in.objects {
		for ns, objs := range byNS {
			sortByName(objs, names[c][ns])
		}
	}
	in.namespaces = sortedKeys(nss)
	return in, nil
}

func sortByName(objs []json.RawMessage, names []string) {
	idx := make([]int, len(objs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return names[idx[a]] < names[idx[b]] })
	out := make([]json.RawMessage, len(objs))
	for i, j := range idx {
		out[i] = objs[j]
	}
	copy(objs, out)
}

// kindOf is the kinds table's row of a collector, or nil.
func kindOf(collector string) *kinds.Kind { return kinds.ByCollector(collector) }

// groupDir is the directory must-gather names a resource's group by.
func groupDir(collector string) (group, resource string) {
	resource, group, _ = strings.Cut(collector, ".")
	if group == "" {
		group = "core"
	}
	return group, resource
}

// list makes a `kind: List` of raw objects, as kubectl prints several
// resources at once.
func list(items []json.RawMessage) map[string]any {
	if items == nil {
		items = []json.RawMessage{}
	}
	return map[string]any{"apiVersion": "v1", "kind": "List", "metadata": map[string]any{"resourceVersion": ""}, "items": items}
}

// typedList makes a typed list (PodList) of raw objects, kind and
// apiVersion set on the items, as client-go's typed clients return it and
// troubleshoot writes it.
func typedList(collector string, items []json.RawMessage) map[string]any {
	apiVersion, kind := "v1", "List"
	if k := kindOf(collector); k != nil {
		kind = k.Kind + "List"
		if k.Group != "" {
			apiVersion = k.Group + "/" + k.Versions[0]
		}
	}
	if items == nil {
		items = []json.RawMessage{}
	}
	return map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"resourceVersion": "1"}, "items": items}
}

// writer writes files under a root, every one once, parents made.
type writer struct {
	root string
	err  error
}

func (w *writer) bytes(rel string, data []byte) {
	if w.err != nil {
		return
	}
	p := filepath.Join(w.root, filepath.FromSlash(rel))
	if w.err = os.MkdirAll(filepath.Dir(p), 0o755); w.err == nil {
		w.err = os.WriteFile(p, data, 0o644)
	}
}

func (w *writer) json(rel string, v any) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		w.err = err
		return
	}
	w.bytes(rel, append(data, '\n'))
}

func (w *writer) yaml(rel string, v any) {
	j, err := json.Marshal(v)
	if err == nil {
		var y []byte
		if y, err = yaml.JSONToYAML(j); err == nil {
			w.bytes(rel, y)
			return
		}
	}
	w.err = err
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// gzipped compresses data deterministically (no name, no time).
func gzipped(data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}

// ---- archives ----

// TarGz writes dir as a .tar.gz holding the directory itself on top (as
// istioctl bug-report, troubleshoot and must-gather archives do), entries
// in lexical order, times from mtime. Symlinks are kept as links.
func TarGz(dir, out string, mtime time.Time) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	top := filepath.Base(dir)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := top + "/" + filepath.ToSlash(rel)
		h := &tar.Header{Name: name, ModTime: mtime, Mode: 0o644, Format: tar.FormatPAX}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			h.Typeflag, h.Linkname = tar.TypeSymlink, target
			return tw.WriteHeader(h)
		case d.IsDir():
			h.Typeflag, h.Name, h.Mode = tar.TypeDir, name+"/", 0o755
			return tw.WriteHeader(h)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h.Typeflag, h.Size = tar.TypeReg, int64(len(data))
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = zw.Close()
	}
	return err
}

// Zip writes dir as a .zip (deflated, the directory on top), as a support
// engineer zips a ticket folder. Symlinks are left out.
func Zip(dir, out string, mtime time.Time) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	top := filepath.Base(dir)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir || d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: top + "/" + filepath.ToSlash(rel), Method: zip.Deflate, Modified: mtime})
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	return err
}
