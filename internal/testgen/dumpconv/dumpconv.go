// Package dumpconv turns an unpacked nohealthy bundle into the layout of
// `kubectl cluster-info dump --output-directory=DIR`, so that corpus tests
// can check that analyze reaches the same verdict from both inputs
// (docs/contract.md inputs 1 and 2).
//
// What kubectl writes, and so what this writes:
//
//	DIR/nodes.json                        NodeList
//	DIR/<ns>/events.json                  EventList
//	DIR/<ns>/services.json                ServiceList
//	DIR/<ns>/pods.json                    PodList
//	DIR/<ns>/deployments.json             DeploymentList
//	DIR/<ns>/replicasets.json             ReplicaSetList
//	DIR/<ns>/daemonsets.json              DaemonSetList
//	DIR/<ns>/replication-controllers.json ReplicationControllerList
//	DIR/<ns>/<pod>/logs.txt               framed logs, init containers first
//
// Lists are typed and their items carry no kind/apiVersion, printed with
// kubectl's four-space indentation. A cluster-info dump has nothing else, so
// everything else in the bundle is added in forms docs/contract.md also accepts
// anywhere in such a tree:
//
//   - every other kind (EndpointSlices, StatefulSets, Istio resources,
//     NetworkPolicies, ...) as `kubectl get -o json`-style `kind: List`
//     files: DIR/<ns>/extra-<plural>.json, or DIR/extra-<plural>.json for
//     cluster-scoped kinds (input 3);
//   - previous-instance logs, which cluster-info dump never fetches, as
//     DIR/logs/<ns>/<pod>/<container>.previous.log (input 4);
//   - Envoy admin output, which cluster-info dump has no notion of, copied
//     as-is to DIR/proxy/<ns>/<pod>/<name> (the bundle's own layout, read
//     by the same classification).
package dumpconv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/nohealthy/nohealthy/bundle"
)

// dumpKind is one of the kinds kubectl cluster-info dump writes per namespace.
type dumpKind struct {
	group, kind, file, listAPIVersion string
}

var nsKinds = []dumpKind{
	{"", "Event", "events.json", "v1"},
	{"", "Service", "services.json", "v1"},
	{"", "Pod", "pods.json", "v1"},
	{"apps", "Deployment", "deployments.json", "apps/v1"},
	{"apps", "ReplicaSet", "replicasets.json", "apps/v1"},
	{"apps", "DaemonSet", "daemonsets.json", "apps/v1"},
	{"", "ReplicationController", "replication-controllers.json", "v1"},
}

type gk struct{ group, kind string }

type logRef struct {
	ns, pod, container string
	previous           bool
	file               string // absolute path of the bundle file
}

// ToClusterInfoDump converts the unpacked bundle at bundleDir into a
// cluster-info dump tree at outDir (created if missing). Output is
// deterministic: lists are sorted by namespace and name.
func ToClusterInfoDump(bundleDir, outDir string) error {
	// objects[gk][namespace][name] = raw; later duplicates win.
	objects := map[gk]map[string]map[string][]byte{}
	apiVersions := map[gk]string{}
	namespaces := map[string]bool{}
	var logs []logRef
	var proxies, dumpLogs []string

	var warnings []error
	err := bundle.Walk(bundleDir, bundle.Limits{}, func(_ string, err error) { warnings = append(warnings, err) }, func(e *bundle.Entry) error {
		switch e.Type {
		case bundle.EntryObjects:
			return bundle.DecodeObjects(e.Path, e.Body, bundle.Limits{}, func(o bundle.Object) error {
				g := gk{groupOf(o.APIVersion), o.Kind}
				if objects[g] == nil {
					objects[g] = map[string]map[string][]byte{}
					apiVersions[g] = o.APIVersion
				}
				if objects[g][o.Namespace] == nil {
					objects[g][o.Namespace] = map[string][]byte{}
				}
				objects[g][o.Namespace][o.Name] = o.Raw
				if o.Namespace != "" {
					namespaces[o.Namespace] = true
				}
				if g == (gk{"", "Namespace"}) {
					namespaces[o.Name] = true
				}
				return nil
			})
		case bundle.EntryLog:
			if e.Namespace != "" {
				logs = append(logs, logRef{e.Namespace, e.Pod, e.Container, e.Previous, filepath.Join(bundleDir, filepath.FromSlash(e.Path))})
			}
		case bundle.EntryDumpLogs:
			// The input is a cluster-info dump already: its framed
			// logs.txt files are copied as they are.
			dumpLogs = append(dumpLogs, e.Path)
		case bundle.EntryProxyAdmin:
			proxies = append(proxies, e.Path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(warnings) > 0 {
		return fmt.Errorf("dumpconv: %w", errors.Join(warnings...))
	}
	for ns := range namespaces {
		if err := safeName(ns); err != nil {
			return fmt.Errorf("dumpconv: namespace %q: %w", ns, err)
		}
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}

	// nodes.json
	if err := writeTypedList(filepath.Join(outDir, "nodes.json"), "NodeList", "v1", objects[gk{"", "Node"}][""]); err != nil {
		return err
	}
	done := map[gk]bool{{"", "Node"}: true}

	// The seven per-namespace files, for every namespace seen.
	for _, ns := range slices.Sorted(maps.Keys(namespaces)) {
		for _, k := range nsKinds {
			g := gk{k.group, k.kind}
			done[g] = true
			if err := writeTypedList(filepath.Join(outDir, ns, k.file), k.kind+"List", k.listAPIVersion, objects[g][ns]); err != nil {
				return err
			}
		}
	}

	// Everything else as kind: List files, per namespace or at the root.
	usedNames := map[string]bool{}
	var others []gk
	for g := range objects {
		if !done[g] {
			others = append(others, g)
		}
	}
	sort.Slice(others, func(i, j int) bool {
		if others[i].kind != others[j].kind {
			return others[i].kind < others[j].kind
		}
		return others[i].group < others[j].group
	})
	for _, g := range others {
		base := "extra-" + plural(g.kind)
		if usedNames[base] && g.group != "" {
			base += "." + g.group // e.g. two Gateway kinds: Istio and Gateway API
		}
		usedNames[base] = true
		for _, ns := range slices.Sorted(maps.Keys(objects[g])) {
			dir := outDir
			if ns != "" {
				dir = filepath.Join(outDir, ns)
			}
			if err := writeList(filepath.Join(dir, base+".json"), objects[g][ns]); err != nil {
				return err
			}
		}
	}

	if err := writeLogs(outDir, objects[gk{"", "Pod"}], logs); err != nil {
		return err
	}
	for _, p := range append(proxies, dumpLogs...) {
		if err := copyFile(filepath.Join(bundleDir, filepath.FromSlash(p)), filepath.Join(outDir, filepath.FromSlash(p))); err != nil {
			return err
		}
	}
	return nil
}

func groupOf(apiVersion string) string {
	if g, _, ok := strings.Cut(apiVersion, "/"); ok {
		return g
	}
	return ""
}

// plural is the lower-case plural of a kind, good enough for file names.
func plural(kind string) string {
	k := strings.ToLower(kind)
	switch {
	case strings.HasSuffix(k, "y") && !strings.HasSuffix(k, "ay") && !strings.HasSuffix(k, "ey"):
		return k[:len(k)-1] + "ies"
	case strings.HasSuffix(k, "s"), strings.HasSuffix(k, "x"), strings.HasSuffix(k, "ch"):
		return k + "es"
	}
	return k + "s"
}

func safeName(s string) error {
	if s == "" || s == "." || s == ".." || strings.ContainsAny(s, `/\`) {
		return errors.New("not usable as a directory name")
	}
	return nil
}

// writeTypedList writes a typed list as kubectl prints it: kind and
// apiVersion first, items stripped of their own kind and apiVersion.
func writeTypedList(file, listKind, apiVersion string, items map[string][]byte) error {
	var raws []json.RawMessage
	for _, name := range slices.Sorted(maps.Keys(items)) {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(items[name], &m); err != nil {
			return fmt.Errorf("dumpconv: %s: %w", name, err)
		}
		delete(m, "kind")
		delete(m, "apiVersion")
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		raws = append(raws, b)
	}
	list := struct {
		Kind       string            `json:"kind"`
		APIVersion string            `json:"apiVersion"`
		Metadata   map[string]string `json:"metadata"`
		Items      []json.RawMessage `json:"items"`
	}{listKind, apiVersion, map[string]string{"resourceVersion": "1"}, raws}
	if list.Items == nil {
		list.Items = []json.RawMessage{}
	}
	return writeJSON(file, list)
}

// writeList writes a `kubectl get -o json` List: items keep kind/apiVersion.
func writeList(file string, items map[string][]byte) error {
	var raws []json.RawMessage
	for _, name := range slices.Sorted(maps.Keys(items)) {
		raws = append(raws, items[name])
	}
	list := struct {
		APIVersion string            `json:"apiVersion"`
		Items      []json.RawMessage `json:"items"`
		Kind       string            `json:"kind"`
		Metadata   map[string]string `json:"metadata"`
	}{"v1", raws, "List", map[string]string{"resourceVersion": ""}}
	return writeJSON(file, list)
}

func writeJSON(file string, v any) error {
	b, err := json.MarshalIndent(v, "", "    ") // kubectl's JSON printer indents by four spaces
	if err != nil {
		return fmt.Errorf("dumpconv: %s: %w", file, err)
	}
	b = append(b, '\n')
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return os.WriteFile(file, b, 0o644)
}

// writeLogs writes <ns>/<pod>/logs.txt for every pod, framing each
// container's log as kubectl does (init containers first, in spec order).
// Logs of containers or pods the bundle has no spec for follow in name
// order. Previous-instance logs go to logs/<ns>/<pod>/<c>.previous.log.
func writeLogs(outDir string, pods map[string]map[string][]byte, logs []logRef) error {
	current := map[[2]string]map[string]string{} // [ns,pod] -> container -> file
	for _, l := range logs {
		if err := errors.Join(safeName(l.ns), safeName(l.pod), safeName(l.container)); err != nil {
			return fmt.Errorf("dumpconv: log %s: %w", l.file, err)
		}
		if l.previous {
			dst := filepath.Join(outDir, filepath.FromSlash(bundle.LogPath(l.ns, l.pod, l.container, true)))
			if err := copyFile(l.file, dst); err != nil {
				return err
			}
			continue
		}
		k := [2]string{l.ns, l.pod}
		if current[k] == nil {
			current[k] = map[string]string{}
		}
		current[k][l.container] = l.file
	}
	order := map[[2]string][]string{}
	for ns, byName := range pods {
		for name, raw := range byName {
			var p struct {
				Spec struct {
					InitContainers []struct{ Name string } `json:"initContainers"`
					Containers     []struct{ Name string } `json:"containers"`
				} `json:"spec"`
			}
			json.Unmarshal(raw, &p)
			var names []string
			for _, c := range p.Spec.InitContainers {
				names = append(names, c.Name)
			}
			for _, c := range p.Spec.Containers {
				names = append(names, c.Name)
			}
			order[[2]string{ns, name}] = names
		}
	}
	keys := map[[2]string]bool{}
	for k := range order {
		keys[k] = true
	}
	for k := range current {
		keys[k] = true
	}
	for k := range keys {
		if err := errors.Join(safeName(k[0]), safeName(k[1])); err != nil {
			return fmt.Errorf("dumpconv: pod %s/%s: %w", k[0], k[1], err)
		}
		names := order[k]
		seen := map[string]bool{}
		for _, n := range names {
			seen[n] = true
		}
		for _, c := range slices.Sorted(maps.Keys(current[k])) {
			if !seen[c] {
				names = append(names, c)
			}
		}
		var buf bytes.Buffer
		for _, c := range names {
			fmt.Fprintf(&buf, "==== START logs for container %s of pod %s/%s ====\n", c, k[0], k[1])
			if f, ok := current[k][c]; ok {
				b, err := os.ReadFile(f)
				if err != nil {
					return fmt.Errorf("dumpconv: %w", err)
				}
				// Verbatim, as kubectl writes it: a log without a final
				// newline gets the END marker glued to its last line.
				buf.Write(b)
			}
			fmt.Fprintf(&buf, "==== END logs for container %s of pod %s/%s ====\n", c, k[0], k[1])
		}
		dst := filepath.Join(outDir, k[0], k[1], "logs.txt")
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("dumpconv: %w", err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("dumpconv: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("dumpconv: %s: %w", path.Base(dst), err)
	}
	return out.Close()
}
