package rules

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"

	yaml3 "go.yaml.in/yaml/v3"
)

// rulePos is where a rule sits in its file: the line of its `id:` key
// (of the rule's mapping when it has none) and the line of each of its
// top-level keys. Lines count from 1 in the whole file.
type rulePos struct {
	line int
	keys map[string]int
}

// Where is the rule's place for messages: "file:line", or "file" when
// the line is unknown.
func (r *Rule) Where() string {
	if r.Line > 0 {
		return r.File + ":" + strconv.Itoa(r.Line)
	}
	return r.File
}

// keyLine is the line of key in the rule, or the rule's own line.
func (r *Rule) keyLine(key string) int {
	if r.pos == nil {
		return 0
	}
	if l, ok := r.pos.keys[key]; ok {
		return l
	}
	return r.pos.line
}

// docPositions reads the rule mappings of one YAML document (a rule, or
// a `rules:` list) in order, with their lines: sigs.k8s.io/yaml, which
// decodes rules, keeps none. firstLine is the document's first line in
// its file. It returns nil when the document does not parse.
func docPositions(doc []byte, firstLine int) []*rulePos {
	root := parseNode(doc)
	if root == nil || root.Kind != yaml3.MappingNode {
		return nil
	}
	if list := mappingValue(root, "rules"); list != nil {
		if list.Kind != yaml3.SequenceNode {
			return nil
		}
		out := make([]*rulePos, 0, len(list.Content))
		for _, item := range list.Content {
			out = append(out, mappingPos(item, firstLine))
		}
		return out
	}
	return []*rulePos{mappingPos(root, firstLine)}
}

// parseNode parses one YAML document into its root node, nil when it
// does not parse.
func parseNode(doc []byte) *yaml3.Node {
	var n yaml3.Node
	if err := yaml3.Unmarshal(doc, &n); err != nil || n.Kind != yaml3.DocumentNode || len(n.Content) == 0 {
		return nil
	}
	return n.Content[0]
}

func mappingValue(m *yaml3.Node, key string) *yaml3.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func mappingPos(m *yaml3.Node, firstLine int) *rulePos {
	p := &rulePos{line: firstLine + m.Line - 1, keys: map[string]int{}}
	if m.Kind != yaml3.MappingNode {
		return p
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		p.keys[k.Value] = firstLine + k.Line - 1
	}
	if l, ok := p.keys["id"]; ok {
		p.line = l
	}
	return p
}

var (
	// yamlLineRE finds the document line a YAML parser error names.
	yamlLineRE = regexp.MustCompile(`yaml: line (\d+): `)
	// fieldRE finds the key a strict decode rejects or cannot convert.
	fieldRE = regexp.MustCompile(`unknown field "([^"]+)"|Go struct field [\w.]*?\.?(\w+) of type`)
)

// errorLine is the line in the file of a parse error of the document that
// starts at firstLine: the line the YAML parser names, or the line of the
// unknown or mistyped key; 0 when neither can be told.
func errorLine(err error, doc []byte, firstLine int) int {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return firstLine + n - 1
	}
	m := fieldRE.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	key := m[1] + m[2]
	if root := parseNode(doc); root != nil {
		if l := findKey(root, key); l > 0 {
			return firstLine + l - 1
		}
	}
	return 0
}

// findKey is the line of the first mapping key named key under n, 0 if
// none.
func findKey(n *yaml3.Node, key string) int {
	if n.Kind == yaml3.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i].Line
			}
		}
	}
	for _, c := range n.Content {
		if l := findKey(c, key); l > 0 {
			return l
		}
	}
	return 0
}

// ParseError is a rule file that does not parse: the file, the line
// (from 1; 0 when it cannot be told) and why.
type ParseError struct {
	File string
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// lineOf is the line (from 1) at byte offset off of data.
func lineOf(data []byte, off int) int {
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}
