// Package bundlepack packs a bundle directory (as found in
// testdata/bundles/<case>/bundle) into a .tar.zst with the real bundle
// writer, so demos and tests exercise the streaming .tar.zst path exactly
// as a bundle made by gather would.
//
// A manifest.json in the directory is reused (its createdAt keeps the
// output reproducible); index.json is regenerated, its collector statuses
// carried over.
package bundlepack

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/nohealthy/nohealthy/bundle"
)

// Pack writes the bundle directory dir as the .tar.zst out.
func Pack(dir, out string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s: not a directory", dir)
	}

	m := bundle.Manifest{Tool: "packbundle", ToolVersion: "dev",
		// Fixed default time: the same directory packs to the same bytes.
		CreatedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	if data, err := os.ReadFile(filepath.Join(dir, bundle.ManifestPath)); err == nil {
		if err := json.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(dir, bundle.ManifestPath), err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	var idx bundle.Index
	if data, err := os.ReadFile(filepath.Join(dir, bundle.IndexPath)); err == nil {
		if err := json.Unmarshal(data, &idx); err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(dir, bundle.IndexPath), err)
		}
	}

	var files []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			if rel != bundle.ManifestPath && rel != bundle.IndexPath {
				files = append(files, rel)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)

	w, err := bundle.Create(out, m)
	if err != nil {
		return err
	}
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err == nil {
			err = w.WriteFile(rel, data)
		}
		if err != nil {
			w.Abort()
			return err
		}
	}
	for _, c := range idx.Collectors {
		w.AddCollector(c)
	}
	if err := w.Close(); err != nil {
		return err
	}
	return nil
}
