// Package causes is the catalog of the root causes of "503 no healthy
// upstream": each cause's ID, the object kinds a finding of it names, what
// it means, its typical evidence and a remediation hint. The catalog is
// data (catalog.yaml, embedded in the binary) and the one list of cause
// IDs: rule loading and lint, the corpus runner and `analyze causes` read
// it here, and docs/causes.md is generated from it.
package causes

import (
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"sigs.k8s.io/yaml"

	"github.com/nohealthy/nohealthy/internal/editdist"
)

// Cause is one root cause of the catalog.
type Cause struct {
	// ID is used verbatim by rules (cause:), expected.yaml and the report.
	ID string `json:"id"`
	// Names are the object kinds a finding of this cause may name (the
	// report's object.kind), e.g. [Service, DockerService].
	Names []string `json:"names"`
	// NamesText says for people which of those objects, and when.
	NamesText string `json:"namesText"`
	// Meaning is what is wrong; Evidence what typically shows it;
	// Remediation a hint at the fix (rules give the concrete commands).
	Meaning     string `json:"meaning"`
	Evidence    string `json:"evidence"`
	Remediation string `json:"remediation"`
}

// NamesKind reports whether a finding of c may name an object of kind.
func (c Cause) NamesKind(kind string) bool { return slices.Contains(c.Names, kind) }

// Symptom is one row of the catalog's symptom table: what a proxy or a
// client saw, and where it is seen. The table is for people; the symptom
// kinds rules match on are logscan's registry.
type Symptom struct {
	Symptom string `json:"symptom"`
	SeenIn  string `json:"seenIn"`
}

// Catalog is a parsed catalog.yaml.
type Catalog struct {
	// Intro and Notes are Markdown paragraphs of the contract, before the
	// symptom table and after the cause table of docs/causes.md.
	Intro    string    `json:"intro"`
	Symptoms []Symptom `json:"symptoms"`
	Causes   []Cause   `json:"causes"`
	Notes    string    `json:"notes"`

	byID map[string]int
}

var (
	idRE   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	kindRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
)

// Parse reads and validates a catalog; name is the file named in errors.
// Unknown or repeated keys, duplicate or malformed IDs, causes naming no
// kind and empty texts are errors: a catalog that loads is complete.
func Parse(name string, data []byte) (*Catalog, error) {
	var c Catalog
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{name}, args...)...))
	}
	if len(c.Causes) == 0 {
		bad("no causes")
	}
	for i, s := range c.Symptoms {
		if strings.TrimSpace(s.Symptom) == "" || strings.TrimSpace(s.SeenIn) == "" {
			bad("symptoms[%d]: symptom and seenIn are required", i)
		}
	}
	c.byID = make(map[string]int, len(c.Causes))
	for i, cs := range c.Causes {
		at := fmt.Sprintf("causes[%d] (%s)", i, cs.ID)
		if !idRE.MatchString(cs.ID) {
			bad("%s: id %q: want lower-case letters and digits joined by '-'", at, cs.ID)
		}
		if j, dup := c.byID[cs.ID]; dup {
			bad("%s: duplicate id (also causes[%d])", at, j)
		} else {
			c.byID[cs.ID] = i
		}
		if len(cs.Names) == 0 {
			bad("%s: names lists no object kind", at)
		}
		for _, k := range cs.Names {
			if !kindRE.MatchString(k) {
				bad("%s: names: %q is not an object kind (want e.g. Service, DestinationRule)", at, k)
			}
		}
		if len(cs.Names) != len(slices.Compact(slices.Sorted(slices.Values(cs.Names)))) {
			bad("%s: names repeats a kind", at)
		}
		for field, v := range map[string]string{"namesText": cs.NamesText, "meaning": cs.Meaning,
			"evidence": cs.Evidence, "remediation": cs.Remediation} {
			if strings.TrimSpace(v) == "" {
				bad("%s: %s is empty", at, field)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &c, nil
}

// Lookup returns the cause with id.
func (c *Catalog) Lookup(id string) (Cause, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Cause{}, false
	}
	return c.Causes[i], true
}

// Check returns nil when id is a cause ID, else an error naming the
// closest ID and where the list is.
func (c *Catalog) Check(id string) error {
	if _, ok := c.byID[id]; ok {
		return nil
	}
	return fmt.Errorf("cause %q is not an ID of docs/causes.md (closest: %s; \"analyze causes\" lists them)", id, c.Closest(id))
}

// Closest returns the cause ID nearest to id by edit distance (the first
// in catalog order on a tie).
func (c *Catalog) Closest(id string) string {
	best, bestD := "", -1
	for _, cs := range c.Causes {
		if d := editdist.Levenshtein(id, cs.ID); bestD < 0 || d < bestD {
			best, bestD = cs.ID, d
		}
	}
	return best
}

//go:embed catalog.yaml
var catalogYAML []byte

// embedded is the catalog built into the binary. It is checked by the
// package's tests, so failing to parse it is a build defect, not an input
// error: it panics with the reason.
var embedded = sync.OnceValue(func() *Catalog {
	c, err := Parse("causes/catalog.yaml", catalogYAML)
	if err != nil {
		panic(err)
	}
	return c
})

// Embedded returns the catalog built into the binary. Callers must not
// modify it.
func Embedded() *Catalog { return embedded() }

// All returns the causes of the built-in catalog in catalog order.
func All() []Cause {
	cs := slices.Clone(embedded().Causes)
	for i := range cs {
		cs[i].Names = slices.Clone(cs[i].Names)
	}
	return cs
}

// Lookup returns the built-in cause with id.
func Lookup(id string) (Cause, bool) {
	c, ok := embedded().Lookup(id)
	c.Names = slices.Clone(c.Names)
	return c, ok
}

// Check returns nil when id is a built-in cause ID, else an error naming
// the closest one.
func Check(id string) error { return embedded().Check(id) }
