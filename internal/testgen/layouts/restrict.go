package layouts

import (
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nohealthy/nohealthy/bundle"
)

// Restrict writes the bundle at bundleDir as `gather -n NS...` would have
// written it from the same cluster (collect/gather.go): the manifest names
// the namespaces, namespaced resources, logs and proxy data are those of
// the namespaces, the Namespaces themselves only those named, cluster-scoped
// resources whole; the index keeps its collectors, which gather records
// without a namespace when they succeed.
func Restrict(bundleDir, outDir string, namespaces ...string) error {
	keep := func(ns string) bool { return slices.Contains(namespaces, ns) }
	return filepath.WalkDir(bundleDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(bundleDir, p)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		parts := strings.Split(rel, "/")
		switch {
		case rel == bundle.ManifestPath:
			var m map[string]any
			if err := json.Unmarshal(data, &m); err != nil {
				return err
			}
			m["namespaces"] = namespaces
			if data, err = json.MarshalIndent(m, "", "    "); err != nil {
				return err
			}
		case rel == "resources/_cluster/namespaces.json":
			var l struct {
				APIVersion string            `json:"apiVersion"`
				Kind       string            `json:"kind"`
				Items      []json.RawMessage `json:"items"`
			}
			if err := json.Unmarshal(data, &l); err != nil {
				return err
			}
			var items []json.RawMessage
			for _, it := range l.Items {
				if keep(nameOf(it)) {
					items = append(items, it)
				}
			}
			l.Items = items
			if data, err = json.MarshalIndent(l, "", "    "); err != nil {
				return err
			}
		case len(parts) >= 3 && (parts[0] == "resources" && parts[1] != "_cluster" || parts[0] == "logs" || parts[0] == "proxy") && !keep(parts[1]):
			return nil
		}
		out := filepath.Join(outDir, filepath.FromSlash(rel))
		if err := os.MkdirAll(path.Dir(filepath.ToSlash(out)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, data, 0o644)
	})
}
