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
			return nil, fmt.Errorf("%s: %w", packFile(root, name, f), err)
		}
		rules, err := ParseRules(packFile(root, name, f), data)
		if err != nil {
			return nil, err
		}
		for _, r := range rules {
			// A cause outside the catalog would reach the report as an
			// ID no tool or reader knows.
			if r.Cause != "" {
				if err := causes.Check(r.Cause); err != nil {
					return nil, fmt.Errorf("%s: rule %s: %w", r.Where(), r.ID, err)
				}
			}
		}
		p.Rules = append(p.Rules, rules...)
	}
	return p, nil
}

// packFile names a rule file of a pack for messages: the pack's name
// (its directory, or "builtin") joined with the file's path under root.
func packFile(root, name, file string) string {
	if rel, ok := strings.CutPrefix(file, root+"/"); ok && root != "." {
		file = rel
	}
	return filepath.Join(name, file)
}

// ParseRules reads one rule file: a single rule, or a `rules:` list, or
// several YAML documents. Unknown fields are errors (a typo in `when`
// must not silently drop a condition). An error is a *ParseError naming
// the line. Each rule knows its file and line.
func ParseRules(file string, data []byte) ([]*Rule, error) {
	if len(data) > maxRuleFile {
		return nil, &ParseError{File: file, Err: fmt.Errorf("rule file larger than %d bytes", maxRuleFile)}
	}
	var out []*Rule
	var docs []yamldocs.Doc
	if err := yamldocs.Split(bytes.NewReader(data), func(d yamldocs.Doc) error {
		d.Data = bytes.Clone(d.Data) // Split reuses its buffer
		docs = append(docs, d)
		return nil
	}); err != nil {
		return nil, &ParseError{File: file, Err: err}
	}
	for _, d := range docs {
		doc, firstLine := d.Data, d.Line
		fail := func(err error) error {
			msg := yamlLineRE.ReplaceAllString(sigsYAMLWrappers.Replace(err.Error()), "yaml: ")
			if len(docs) > 1 {
				msg = fmt.Sprintf("document %d: %s", d.Index+1, msg)
			}
			return &ParseError{File: file, Line: errorLine(err, doc, firstLine), Err: errors.New(msg)}
		}
		var probe map[string]any
		if err := yaml.Unmarshal(doc, &probe); err != nil {
			return nil, fail(err)
		}
		var rules []Rule
		if _, isList := probe["rules"]; isList {
			var fd fileDoc
			if err := yaml.UnmarshalStrict(doc, &fd); err != nil {
				return nil, fail(err)
			}
			rules = fd.Rules
		} else {
			var r Rule
			if err := yaml.UnmarshalStrict(doc, &r); err != nil {
				return nil, fail(err)
			}
			rules = []Rule{r}
		}
		pos := docPositions(doc, firstLine)
		for j := range rules {
			r := rules[j]
			r.File = file
			if j < len(pos) {
				r.pos, r.Line = pos[j], pos[j].line
			}
			out = append(out, &r)
		}
	}
	return out, nil
}

// sigsYAMLWrappers are the prefixes sigs.k8s.io/yaml puts before the
// parser's own message; a person reading a lint problem needs only the
// latter.
var sigsYAMLWrappers = strings.NewReplacer(
	"error converting YAML to JSON: ", "",
	"error unmarshaling JSON: while decoding JSON: ", "",
	"error unmarshaling JSON: ", "",
)
