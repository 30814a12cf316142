package rules

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/nohealthy/nohealthy/causes"
	"github.com/nohealthy/nohealthy/internal/yamldocs"
)

//go:embed builtin/*.yaml
var builtinFS embed.FS

// BuiltinPack returns the embedded rule pack.
func BuiltinPack() (*Pack, error) {
	return loadFS(builtinFS, "builtin", "builtin")
}

// LoadPackDir loads every *.yaml/*.yml rule file under dir.
func LoadPackDir(dir string) (*Pack, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("--rules %s: %w", dir, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("--rules %s: not a directory", dir)
	}
	return loadFS(os.DirFS(dir), ".", dir)
}

// maxRuleFile bounds a rule file: rules are small; a huge file is a mistake or hostile.
const maxRuleFile = 1 << 20

func loadFS(fsys fs.FS, root, name string) (*Pack, error) {
	p := &Pack{Name: name}
	var files []string
	err := fs.WalkDir(fsys, root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	sort.Strings(files)
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(name, f), err)
		}
		rules, err := ParseRules(filepath.Join(name, f), data)
		if err != nil {
			return nil, err
		}
		for _, r := range rules {
			// A cause outside the catalog would reach the report as an
			// ID no tool or reader knows.
			if r.Cause != "" {
				if err := causes.Check(r.Cause); err != nil {
					return nil, fmt.Errorf("%s: rule %s: %w", r.File, r.ID, err)
				}
			}
		}
		p.Rules = append(p.Rules, rules...)
	}
	return p, nil
}

// ParseRules reads one rule file: a single rule, a `rules:` list, or
// several YAML documents. Unknown fields are errors (a typo in `when`
// must not silently drop a condition).
func ParseRules(file string, data []byte) ([]*Rule, error) {
	if len(data) > maxRuleFile {
		return nil, fmt.Errorf("%s: rule file larger than %d bytes", file, maxRuleFile)
	}
	var out []*Rule
	err := yamldocs.Split(bytes.NewReader(data), func(d yamldocs.Doc) error {
		doc, n := d.Data, d.Index+1
		var probe map[string]any
		if err := yaml.Unmarshal(doc, &probe); err != nil {
			return fmt.Errorf("%s: document %d: %w", file, n, err)
		}
		if _, isList := probe["rules"]; isList {
			var fd fileDoc
			if err := yaml.UnmarshalStrict(doc, &fd); err != nil {
				return fmt.Errorf("%s: document %d: %w", file, n, err)
			}
			for j := range fd.Rules {
				r := fd.Rules[j]
				r.File = file
				out = append(out, &r)
			}
			return nil
		}
		var r Rule
		if err := yaml.UnmarshalStrict(doc, &r); err != nil {
			return fmt.Errorf("%s: document %d: %w", file, n, err)
		}
		r.File = file
		out = append(out, &r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
