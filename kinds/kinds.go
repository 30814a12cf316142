// Package kinds is the one table of the Kubernetes, Istio and Gateway API kinds
// nohealthy knows (registry.go): for each kind its API identity, whether
// gather collects it, how the loader decodes it and which fact domains read
// it; and the typed tables that keep decoded objects for the fact builders.
//
// collect reads the table to know what to list, the loader to know how to
// decode an object and where to keep it, analyzers reads the tables. Adding
// a kind is one line of registry.go, plus its Go type when k8s.io/api has
// none (istio.go, gatewayapi.go).
package kinds

import (
	"fmt"
	"reflect"
	"strings"
)

// Kind is one row of the table: a kind as served under one API group.
type Kind struct {
	// Group is the API group ("" for core).
	Group string
	// Versions are the served versions the kind's Go type reads alike;
	// gather lets discovery pick among those the server offers.
	Versions []string
	Kind     string
	// Resource is the plural resource name; Resource.Group names gather's
	// collector and its file (see Collector).
	Resource   string
	Namespaced bool
	// Gather says whether and how gather lists the kind.
	Gather Gather
	// GatherOnly, when set, is the only objects of the kind gather keeps.
	GatherOnly func(namespace, name string) bool
	// Decode says how the loader reads an object of the kind.
	Decode Decode
	// Projection, for Decode == Projected, is a value of the twin of the
	// table's type the loader decodes through (projection.go).
	Projection any
	// Facts names the fact domains derived from the kind, space-separated
	// ("" = counted for coverage and the object count only).
	Facts string

	table table
	// through is Projection's type when it has the table type's layout
	// (checked at init); nil otherwise, and the object is decoded in full.
	// ptr is the type of the pointers New returns.
	through, ptr reflect.Type
}

// Gather says whether and how gather lists a kind.
type Gather int

const (
	// NotGathered: gather never lists it (other tools' bundles may hold it).
	NotGathered Gather = iota
	// Required: listed by name; a server that does not serve it is
	// recorded as "skipped", so the analysis knows it is missing.
	Required
	// Optional: listed by name when served.
	Optional
	// WithGroup: listed with every resource of its group (Groups).
	WithGroup
)

// Decode says how the loader reads an object of a kind.
type Decode int

const (
	// Counted: only the object's identity is read; it counts for
	// coverage and the object count and is not kept.
	Counted Decode = iota
	// Full: decoded into the table's type, then slimmed.
	Full
	// Projected: decoded into the table's type through Projection, which
	// skips the bytes of what slimming would drop.
	Projected
	// KeptOnly: its type and reason are read in place first; only an
	// object slimming keeps is decoded in full (core/v1 Events: most are
	// Normal ones no rule cites).
	KeptOnly
	// AsCoreEvent: read as an events.k8s.io/v1 Event and kept as the
	// core/v1 Event it describes, so the fact builders see one shape.
	AsCoreEvent
)

// Collector is the name gather gives the kind's collector and file:
// resource, then the group unless core ("pods", "deployments.apps").
func (k *Kind) Collector() string {
	if k.Group == "" {
		return k.Resource
	}
	return k.Resource + "." + k.Group
}

// Stored reports whether the loader keeps objects of the kind in a table.
func (k *Kind) Stored() bool { return k.table != nil }

// New returns a new zero object of the kind's Go type, as a pointer; nil
// when the kind is not stored.
func (k *Kind) New() any {
	if k.table == nil {
		return nil
	}
	return k.table.newObject()
}

// Key is the key of an object of the kind in its table: namespace/name,
// or the name of a cluster-scoped object.
func (k *Kind) Key(namespace, name string) string {
	if !k.Namespaced {
		return name
	}
	return namespace + "/" + name
}

// DecodeInto returns the pointer to decode an object of the kind into so
// that v, from New, gets it: v itself, or for a projected kind v seen as
// its projection, so that decoding skips what the projection skips. When
// the projection no longer has the layout of the type (k8s.io/api changed
// and projection.go was not updated; TestProjectionLayouts fails first),
// or v is not a pointer to the kind's Go type, it is v: decoded in full.
func (k *Kind) DecodeInto(v any) any {
	if k.through == nil || reflect.TypeOf(v) != k.ptr {
		return v
	}
	// The one conversion between a type and its twin. It holds because
	// through has v's exact layout, field by field (sameLayout, at init):
	// the unsafe package's rule for converting *T1 to *T2 ("T2 is no
	// larger than T1 and the two share an equivalent memory layout").
	return reflect.NewAt(k.through, reflect.ValueOf(v).UnsafePointer()).Interface()
}

// projectionError says how k's projection differs from its table's type;
// nil when it has the same layout or k has no projection.
func projectionError(k *Kind) error {
	if k.Projection == nil || k.table == nil {
		return nil
	}
	return sameLayout(reflect.TypeOf(k.Projection), k.table.goType(), nil)
}

// GroupRule is a group gather lists every resource of.
type GroupRule struct {
	Group string
	// Required: see Gather's Required; false for the optional groups
	// (Istio, Gateway API), which a cluster may not have.
	Required bool
}

var (
	// all is the table in declaration order, which is gather's order.
	all []*Kind
	// tables is every table, by id.
	tables []table
	// byGroupKind and byCollector are built by index from all.
	byGroupKind map[groupKind]*Kind
	byCollector map[string]*Kind
)

type groupKind struct{ group, kind string }

// All returns the rows of the table, in gather's order.
func All() []*Kind { return all }

// Lookup returns the row of kind in group, nil for a kind the table does
// not list.
func Lookup(group, kind string) *Kind { return byGroupKind[groupKind{group, kind}] }

// ByCollector returns the row of a collector name (see Kind.Collector).
func ByCollector(name string) *Kind { return byCollector[name] }

// GroupOf returns the API group of an apiVersion ("" for core).
func GroupOf(apiVersion string) string {
	if i := strings.IndexByte(apiVersion, '/'); i >= 0 {
		return apiVersion[:i]
	}
	return ""
}

func init() {
	if err := index(); err != nil {
		panic(err) // a mistake in registry.go; TestRegistry names it
	}
}

// index builds the lookups and checks the rows against each other.
func index() error {
	byGroupKind, byCollector = map[groupKind]*Kind{}, map[string]*Kind{}
	gathered := map[string]bool{}
	for _, g := range Groups {
		gathered[g.Group] = true
	}
	for _, k := range all {
		gk := groupKind{k.Group, k.Kind}
		if byGroupKind[gk] != nil {
			return fmt.Errorf("kinds: %s/%s listed twice", k.Group, k.Kind)
		}
		byGroupKind[gk] = k
		byCollector[k.Collector()] = k
		if k.Gather == WithGroup && !gathered[k.Group] {
			return fmt.Errorf("kinds: %s is gathered with its group, but %q is not in Groups", k.Kind, k.Group)
		}
		if (k.Decode == Counted) != (k.table == nil) {
			return fmt.Errorf("kinds: %s/%s: a counted kind has no table, every other kind one", k.Group, k.Kind)
		}
		if (k.Decode == Projected) != (k.Projection != nil) {
			return fmt.Errorf("kinds: %s/%s: Projection goes with Decode Projected", k.Group, k.Kind)
		}
		if k.Projection != nil && projectionError(k) == nil {
			k.through, k.ptr = reflect.TypeOf(k.Projection), reflect.PointerTo(k.table.goType())
		}
	}
	return nil
}

// table is a Table[T] without its type parameter.
type table interface {
	id() int
	newObject() any
	newMap() any
	put(s *Store, key string, v any)
	goType() reflect.Type
}

// Table is the table of one Go type: the objects of the kinds stored as
// T, by Kind.Key. The fact builders read it with In.
type Table[T any] struct{ n int }

// In returns the objects of t's kinds in s. The map belongs to s: read it,
// do not change it.
func (t *Table[T]) In(s *Store) map[string]*T { return s.tables[t.n].(map[string]*T) }

func (t *Table[T]) id() int              { return t.n }
func (t *Table[T]) newObject() any       { return new(T) }
func (t *Table[T]) newMap() any          { return map[string]*T{} }
func (t *Table[T]) goType() reflect.Type { return reflect.TypeFor[T]() }
func (t *Table[T]) put(s *Store, key string, v any) {
	s.tables[t.n].(map[string]*T)[key] = v.(*T)
}

// stored adds a row whose objects are kept as T in a new table.
func stored[T any](k Kind) *Table[T] {
	t := &Table[T]{n: len(tables)}
	tables = append(tables, t)
	also(t, k)
	return t
}

// also adds a row whose objects are kept in the existing table t (one
// kind served under two groups).
func also[T any](t *Table[T], k Kind) *Kind {
	k.table = t
	all = append(all, &k)
	return &k
}

// counted adds a row of a kind the loader counts and does not keep.
func counted(k Kind) *Kind {
	k.Decode = Counted
	all = append(all, &k)
	return &k
}

// Store holds the decoded objects of an analysis, one table per Go type,
// and counts every object read by kind, stored or not. It is not safe for
// concurrent use: the loader serializes what it puts.
type Store struct {
	tables []any
	read   map[string]int
}

// NewStore returns a store with every table empty.
func NewStore() *Store {
	s := &Store{tables: make([]any, len(tables)), read: map[string]int{}}
	for _, t := range tables {
		s.tables[t.id()] = t.newMap()
	}
	return s
}

// Put keeps v, a pointer to an object of k's Go type (from k.New), in
// k's table under k.Key(namespace, name).
func (s *Store) Put(k *Kind, namespace, name string, v any) {
	k.table.put(s, k.Key(namespace, name), v)
}

// Saw counts one distinct object of kind (any kind, listed or not).
func (s *Store) Saw(kind string) { s.read[kind]++ }

// Count is the number of distinct objects read, every kind.
func (s *Store) Count() int {
	n := 0
	for _, c := range s.read {
		n += c
	}
	return n
}

// CountOf is the number of distinct objects of kind read.
func (s *Store) CountOf(kind string) int { return s.read[kind] }

// Has reports whether at least one object of kind was read.
func (s *Store) Has(kind string) bool { return s.read[kind] > 0 }

// Kinds returns the kinds of which objects were read, in no order.
func (s *Store) Kinds() []string {
	out := make([]string, 0, len(s.read))
	for k := range s.read {
		out = append(out, k)
	}
	return out
}
