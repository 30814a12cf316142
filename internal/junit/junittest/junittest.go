// Package junittest checks JUnit XML against the JUnit schema CI servers
// validate against, in tests.
//
// junit-10.xsd is the schema of the Jenkins xUnit plugin, verbatim
// (github.com/jenkinsci/xunit-plugin, file
// src/main/resources/org/jenkinsci/plugins/xunit/types/model/xsd/junit-10.xsd,
// commit 8c515de2804b; MIT licence, in its header; sha256
// a1a816f58d1bf95ebabf371994df0b9246dee66ea9572fbec4f9296f1b2c0ff6). Go has
// no XSD validator, so Check reads the schema and enforces the part of
// XML Schema it uses: the root is a declared element; each element has
// only declared attributes, every required one, values matching their
// simple type's pattern; only the child elements its content model
// names, each required one; text only where the type is simple or mixed.
package junittest

import (
	"bytes"
	_ "embed"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
)

//go:embed junit-10.xsd
var xsd []byte

// node is an XML element as a tree.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []node     `xml:",any"`
	Text     string     `xml:",chardata"`
}

func (n *node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// elementDecl is what the schema allows of one element.
type elementDecl struct {
	attrs    map[string]attrDecl
	children map[string]bool // element names allowed as children
	required []string        // children that must appear
	text     bool            // simple content, or mixed
}

type attrDecl struct {
	required bool
	pattern  *regexp.Regexp // nil: any string
}

type schema struct {
	elements map[string]*elementDecl
}

var loaded = sync.OnceValues(func() (*schema, error) { return parseXSD(xsd) })

func parseXSD(data []byte) (*schema, error) {
	var root node
	if err := xml.Unmarshal(data, &root); err != nil {
		return nil, err
	}
	patterns := map[string]*regexp.Regexp{}
	complexTypes := map[string]*node{}
	for i := range root.Children {
		c := &root.Children[i]
		switch c.XMLName.Local {
		case "simpleType":
			for _, r := range c.Children {
				for _, p := range r.Children {
					if p.XMLName.Local == "pattern" {
						// XSD patterns match the whole value.
						re, err := regexp.Compile("^(?:" + p.attr("value") + ")$")
						if err != nil {
							return nil, err
						}
						patterns[c.attr("name")] = re
					}
				}
			}
		case "complexType":
			complexTypes[c.attr("name")] = c
		}
	}
	s := &schema{elements: map[string]*elementDecl{}}
	for i := range root.Children {
		c := &root.Children[i]
		if c.XMLName.Local != "element" {
			continue
		}
		d := &elementDecl{attrs: map[string]attrDecl{}, children: map[string]bool{}}
		ct := (*node)(nil)
		switch typ := c.attr("type"); {
		case typ == "xs:string":
			d.text = true
		case typ != "":
			if ct = complexTypes[typ]; ct == nil {
				return nil, fmt.Errorf("element %s: unknown type %s", c.attr("name"), typ)
			}
		default:
			for j := range c.Children {
				if c.Children[j].XMLName.Local == "complexType" {
					ct = &c.Children[j]
				}
			}
		}
		if ct != nil {
			d.text = ct.attr("mixed") == "true"
			readContent(ct, d, patterns, false)
		}
		s.elements[c.attr("name")] = d
	}
	if len(s.elements) == 0 {
		return nil, errors.New("no element declared")
	}
	return s, nil
}

// readContent collects a complex type's attributes and the elements its
// sequences and choices name; optional is true under a particle that may
// be absent.
func readContent(n *node, d *elementDecl, patterns map[string]*regexp.Regexp, optional bool) {
	for i := range n.Children {
		c := &n.Children[i]
		switch c.XMLName.Local {
		case "attribute":
			a := attrDecl{required: c.attr("use") == "required"}
			if t := c.attr("type"); t != "" && !strings.HasPrefix(t, "xs:") {
				a.pattern = patterns[t]
			}
			d.attrs[c.attr("name")] = a
		case "element":
			name := c.attr("ref")
			if name == "" {
				name = c.attr("name")
			}
			d.children[name] = true
			if !optional && c.attr("minOccurs") != "0" {
				d.required = append(d.required, name)
			}
		case "sequence":
			readContent(c, d, patterns, optional || c.attr("minOccurs") == "0")
		case "choice":
			// A choice requires none of its alternatives in particular.
			readContent(c, d, patterns, true)
		}
	}
}

// Check returns every way doc breaks the JUnit schema, joined; nil when
// it follows it.
func Check(doc []byte) error {
	s, err := loaded()
	if err != nil {
		return fmt.Errorf("junit-10.xsd: %w", err)
	}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var root node
	if err := dec.Decode(&root); err != nil {
		return fmt.Errorf("not well-formed XML: %w", err)
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("not well-formed XML: %w", err)
		}
		switch tok := tok.(type) {
		case xml.Comment, xml.ProcInst:
		case xml.CharData:
			if len(bytes.TrimSpace(tok)) > 0 {
				return errors.New("text after the root element")
			}
		default:
			return errors.New("content after the root element")
		}
	}
	var errs []error
	s.check(&root, "/"+root.XMLName.Local, true, &errs)
	return errors.Join(errs...)
}

func (s *schema) check(n *node, path string, root bool, errs *[]error) {
	bad := func(format string, a ...any) { *errs = append(*errs, fmt.Errorf(path+": "+format, a...)) }
	d := s.elements[n.XMLName.Local]
	if d == nil {
		bad("element not in the schema")
		return
	}
	if root && n.XMLName.Local != "testsuites" && n.XMLName.Local != "testsuite" {
		bad("root element must be testsuites or testsuite")
	}
	for _, a := range n.Attrs {
		decl, ok := d.attrs[a.Name.Local]
		switch {
		case !ok:
			bad("attribute %s not in the schema", a.Name.Local)
		case decl.pattern != nil && !decl.pattern.MatchString(a.Value):
			bad("attribute %s=%q does not match %s", a.Name.Local, a.Value, decl.pattern)
		}
	}
	for name, decl := range d.attrs {
		if decl.required && n.attr(name) == "" && !hasAttr(n, name) {
			bad("required attribute %s missing", name)
		}
	}
	seen := map[string]bool{}
	for i := range n.Children {
		c := &n.Children[i]
		if !d.children[c.XMLName.Local] {
			bad("element %s not allowed here", c.XMLName.Local)
			continue
		}
		seen[c.XMLName.Local] = true
		s.check(c, path+"/"+c.XMLName.Local, false, errs)
	}
	for _, r := range d.required {
		if !seen[r] {
			bad("required element %s missing", r)
		}
	}
	if !d.text && strings.TrimSpace(n.Text) != "" {
		bad("text not allowed in element %s", n.XMLName.Local)
	}
}

func hasAttr(n *node, name string) bool {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return true
		}
	}
	return false
}

// Validate fails t unless doc follows the JUnit schema.
func Validate(t testing.TB, doc []byte) {
	t.Helper()
	if err := Check(doc); err != nil {
		t.Fatalf("not valid JUnit XML (junit-10.xsd):\n%v\n%s", err, doc)
	}
}
