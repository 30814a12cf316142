package collect

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/nohealthy/nohealthy/bundle"
)

// Redacted replaces a whole value whose key says it is a credential.
const Redacted = "REDACTED"

//go:embed redactions.json
var redactionsJSON []byte

// RedactionSpec is the declarative form of the redaction rules
// (redactions.json): what gather applies is data, listed in the manifest.
type RedactionSpec struct {
	// SensitiveKey matches names (env var names, ConfigMap keys, annotation
	// keys, object field names) whose string value is replaced whole.
	SensitiveKey string `json:"sensitiveKey"`
	// KeepKeys are names that match SensitiveKey but hold no credential
	// (e.g. secretName: the name of a Secret, not its data).
	KeepKeys []string `json:"keepKeys"`
	// Patterns are applied to every stored string.
	Patterns []PatternSpec `json:"patterns"`
}

// PatternSpec is one text pattern.
type PatternSpec struct {
	Name    string   `json:"name"`
	Pattern string   `json:"pattern"`
	Replace string   `json:"replace"`
	Hints   []string `json:"hints"`
}

// DefaultRedactionSpec returns the built-in rules.
func DefaultRedactionSpec() RedactionSpec {
	var s RedactionSpec
	if err := json.Unmarshal(redactionsJSON, &s); err != nil {
		panic("collect: redactions.json: " + err.Error())
	}
	return s
}

type pattern struct {
	PatternSpec
	re    *regexp.Regexp
	hints [][]byte // lower-cased
}

// Redactor applies a RedactionSpec. It is safe for concurrent use.
type Redactor struct {
	spec     RedactionSpec
	key      *regexp.Regexp
	keep     map[string]bool
	patterns []pattern
	keyCache sync.Map // name -> bool: object keys repeat endlessly
}

// minSecretLen is the shortest text any pattern can match ("pwd=x").
const minSecretLen = 5

// NewRedactor compiles spec.
func NewRedactor(spec RedactionSpec) (*Redactor, error) {
	r := &Redactor{spec: spec, keep: map[string]bool{}}
	var err error
	if r.key, err = regexp.Compile(spec.SensitiveKey); err != nil {
		return nil, fmt.Errorf("redaction sensitiveKey: %w", err)
	}
	for _, k := range spec.KeepKeys {
		r.keep[strings.ToLower(k)] = true
	}
	for _, p := range spec.Patterns {
		re, err := regexp.Compile(p.Pattern)
		if err != nil {
			return nil, fmt.Errorf("redaction pattern %s: %w", p.Name, err)
		}
		cp := pattern{PatternSpec: p, re: re}
		for _, h := range p.Hints {
			cp.hints = append(cp.hints, []byte(strings.ToLower(h)))
		}
		r.patterns = append(r.patterns, cp)
	}
	return r, nil
}

// DefaultRedactor returns a Redactor for DefaultRedactionSpec.
func DefaultRedactor() *Redactor {
	r, err := NewRedactor(DefaultRedactionSpec())
	if err != nil {
		panic(err)
	}
	return r
}

// Manifest lists the rules for the bundle manifest.
func (r *Redactor) Manifest() []bundle.Redaction {
	out := []bundle.Redaction{{Name: "sensitive-key", Pattern: r.spec.SensitiveKey}}
	for _, p := range r.patterns {
		out = append(out, bundle.Redaction{Name: p.Name, Pattern: p.Pattern})
	}
	return out
}

// SensitiveKey reports whether a value stored under name must be dropped whole.
func (r *Redactor) SensitiveKey(name string) bool {
	if name == "" {
		return false
	}
	if v, ok := r.keyCache.Load(name); ok {
		return v.(bool)
	}
	sensitive := !r.keep[strings.ToLower(name)] && r.key.MatchString(name)
	if len(name) <= 128 {
		r.keyCache.Store(name, sensitive)
	}
	return sensitive
}

// hinted reports whether pattern p may match lower (ASCII-lower-cased text).
func (p *pattern) hinted(lower []byte) bool {
	if len(p.hints) == 0 {
		return true
	}
	for _, h := range p.hints {
		if bytes.Contains(lower, h) {
			return true
		}
	}
	return false
}

func asciiLower(dst []byte, s string) []byte {
	dst = dst[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// Bytes redacts text (a log, a config dump) with every pattern.
func (r *Redactor) Bytes(b []byte) []byte {
	var lower []byte
	for i := range r.patterns {
		p := &r.patterns[i]
		if len(p.hints) > 0 {
			if lower == nil {
				lower = bytes.ToLower(b)
			}
			if !p.hinted(lower) {
				continue
			}
		}
		nb := p.re.ReplaceAll(b, []byte(p.Replace))
		if !bytes.Equal(nb, b) {
			b = nb
			lower = nil
		}
	}
	return b
}

// String redacts one string value. Most values (names, images, flags)
// carry no hint of any pattern and cost one lower-casing pass.
func (r *Redactor) String(s string) string {
	if len(s) < minSecretLen {
		return s
	}
	var buf [256]byte
	lower := asciiLower(buf[:0], s)
	for i := range r.patterns {
		p := &r.patterns[i]
		if !p.hinted(lower) {
			continue
		}
		ns := p.re.ReplaceAllString(s, p.Replace)
		if ns != s {
			s = ns
			lower = asciiLower(lower[:0], s)
		}
	}
	return s
}

// Object redacts a decoded JSON value in place and returns it: string
// values are pattern-redacted (strings that hold JSON, such as
// kubectl's last-applied-configuration annotation, are redacted as JSON),
// values under sensitive keys are replaced whole, and {name, value} pairs
// (container env, headers) whose name is sensitive lose their value.
func (r *Redactor) Object(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if name, ok := t["name"].(string); ok {
			if _, ok := t["value"].(string); ok && r.SensitiveKey(name) {
				t["value"] = Redacted
			}
		}
		for k, val := range t {
			if s, ok := val.(string); ok && s != "" && r.SensitiveKey(k) {
				t[k] = Redacted
				continue
			}
			t[k] = r.Object(val)
		}
		return t
	case []any:
		for i := range t {
			t[i] = r.Object(t[i])
		}
		return t
	case string:
		return r.stringValue(t)
	}
	return v
}

func (r *Redactor) stringValue(s string) string {
	trim := strings.TrimSpace(s)
	if len(trim) > 1 && (trim[0] == '{' || trim[0] == '[') {
		var inner any
		d := json.NewDecoder(strings.NewReader(trim))
		d.UseNumber()
		if d.Decode(&inner) == nil && !d.More() {
			inner = r.Object(inner)
			if out, err := json.Marshal(inner); err == nil {
				// The nested JSON may itself carry text patterns a key
				// rule did not see (e.g. inside a long command line).
				return string(r.Bytes(out))
			}
		}
	}
	return r.String(s)
}

// JSON redacts a JSON document; non-JSON input is redacted as text.
func (r *Redactor) JSON(b []byte) []byte {
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&v); err != nil || d.More() {
		return r.Bytes(b)
	}
	out, err := json.Marshal(r.Object(v))
	if err != nil {
		return r.Bytes(b)
	}
	return out
}
