package rules

import (
	"fmt"
	"path"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/containers"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/ext"

	"github.com/nohealthy/nohealthy/analyzers"
)

// costLimit bounds one evaluation: rule conditions are comparisons over
// precomputed facts, so a runaway comprehension is a bug in the rule.
const costLimit = 1_000_000

// nestedTypes are the types rules reach through the fields of domain
// items (FieldReference documents them).
var nestedTypes = []reflect.Type{
	reflect.TypeFor[analyzers.Ref](), reflect.TypeFor[analyzers.Evidence](),
	reflect.TypeFor[analyzers.ServicePort](), reflect.TypeFor[analyzers.NearMiss](),
}

// nativeTypes are the fact types exposed to CEL. CEL names a Go struct
// after the last element of its package path: analyzers.ServiceFact, and
// report.Ref and report.Evidence for the two types facts share with the
// report (see reportAlias).
func nativeTypes() []any {
	ts := []any{ext.ParseStructTags(true)}
	for _, t := range nestedTypes {
		ts = append(ts, t)
	}
	for _, d := range domains {
		ts = append(ts, d.typ)
	}
	return ts
}

// celName is the name CEL gives the native type t (see nativeTypes).
func celName(t reflect.Type) string {
	return path.Base(t.PkgPath()) + "." + t.Name()
}

// celRefType is the CEL type of a Ref, what a rule's object must be.
var celRefType = cel.ObjectType(celName(reflect.TypeFor[analyzers.Ref]()))

// reportAlias makes rule text resolve analyzers.X as report.X. Rule packs
// build refs as analyzers.Ref{kind: ..., name: ...} (rules/README.md), and
// Ref is the report's type, which CEL names report.Ref; the alias keeps
// that documented name. Fact types are only ever the declared types of
// domain variables, never named in rule text, so nothing else is shadowed.
func reportAlias() cel.EnvOption {
	return func(e *cel.Env) (*cel.Env, error) {
		c, err := e.Container.Extend(containers.Alias("report", "analyzers"))
		if err != nil {
			return nil, err
		}
		e.Container = c
		return e, nil
	}
}

var (
	envOnce sync.Once
	envs    map[string]*cel.Env
	envErr  error
)

// domainEnv returns the CEL environment of a domain: the library, the
// domain's variable and `coverage`. One environment per domain makes a
// rule that reads another domain's variable fail to compile.
func domainEnv(name string) (*cel.Env, error) {
	envOnce.Do(func() {
		base, err := cel.NewEnv(append([]cel.EnvOption{
			ext.NativeTypes(nativeTypes()...), reportAlias(),
			ext.Strings(), ext.Lists(), ext.Sets(),
			cel.Variable("coverage", coverageType),
		}, library()...)...)
		if err != nil {
			envErr = err
			return
		}
		envs = map[string]*cel.Env{}
		for n, d := range domains {
			e, err := base.Extend(cel.Variable(d.varName, cel.ObjectType(celName(d.typ))))
			if err != nil {
				envErr = fmt.Errorf("domain %s: %w", n, err)
				return
			}
			envs[n] = e
		}
	})
	if envErr != nil {
		return nil, envErr
	}
	e, ok := envs[name]
	if !ok {
		return nil, fmt.Errorf("unknown domain %q (known: %s)", name, strings.Join(DomainNames(), ", "))
	}
	return e, nil
}

// library holds nohealthy's domain functions for rule authors.
func library() []cel.EnvOption {
	return []cel.EnvOption{
		// coverage.has(kind) and coverage.has(kind, namespace): kind was
		// collected in every namespace (or, cluster-scoped, at all), or in
		// that namespace, so "none found" there means none exist
		// (analyzers.CoverageHas). covered(coverage, kind) is
		// coverage.has(kind), its older name.
		cel.Function("has",
			cel.MemberOverload("coverage_has_kind", []*cel.Type{coverageType, cel.StringType}, cel.BoolType,
				cel.BinaryBinding(func(m, k ref.Val) ref.Val {
					return types.Bool(analyzers.CoverageHas(coverageMap(m), stringOf(k), ""))
				})),
			cel.MemberOverload("coverage_has_kind_ns", []*cel.Type{coverageType, cel.StringType, cel.StringType}, cel.BoolType,
				cel.FunctionBinding(func(args ...ref.Val) ref.Val {
					return types.Bool(analyzers.CoverageHas(coverageMap(args[0]), stringOf(args[1]), stringOf(args[2])))
				}))),
		cel.Function("covered",
			cel.Overload("covered_map_string", []*cel.Type{coverageType, cel.StringType}, cel.BoolType,
				cel.BinaryBinding(func(m, k ref.Val) ref.Val {
					return types.Bool(analyzers.CoverageHas(coverageMap(m), stringOf(k), ""))
				}))),
		// refText(ref) renders "Kind ns/name".
		cel.Function("refText",
			cel.Overload("refText_ref", []*cel.Type{celRefType}, cel.StringType,
				cel.UnaryBinding(func(v ref.Val) ref.Val {
					r, ok := v.Value().(analyzers.Ref)
					if !ok {
						return types.String(fmt.Sprint(v.Value()))
					}
					return types.String(r.String())
				}))),
		// refsText(list of refs) renders "Kind ns/a, Kind ns/b".
		cel.Function("refsText",
			cel.Overload("refsText_list", []*cel.Type{cel.ListType(celRefType)}, cel.StringType,
				cel.UnaryBinding(func(v ref.Val) ref.Val { return types.String(formatVal(v)) }))),
	}
}

// coverageType is the type of the coverage variable.
var coverageType = cel.MapType(cel.StringType, cel.StringType)

// coverageMap is the Go map behind a coverage value: the activation binds
// the facts' map itself; any other map value is copied.
func coverageMap(v ref.Val) map[string]string {
	if m, ok := v.Value().(map[string]string); ok {
		return m
	}
	out := map[string]string{}
	if mm, ok := v.(traits.Mapper); ok {
		it := mm.Iterator()
		for it.HasNext() == types.True {
			k := it.Next()
			out[stringOf(k)] = stringOf(mm.Get(k))
		}
	}
	return out
}

func stringOf(v ref.Val) string {
	s, _ := v.Value().(string)
	return s
}

// formatVal renders a CEL value for a message: lists joined with ", ",
// maps as sorted k=v, refs as "Kind ns/name".
func formatVal(v ref.Val) string {
	switch x := v.(type) {
	case types.String:
		return string(x)
	case traits.Lister:
		var parts []string
		it := x.Iterator()
		for it.HasNext() == types.True {
			parts = append(parts, formatVal(it.Next()))
		}
		return strings.Join(parts, ", ")
	case traits.Mapper:
		var parts []string
		it := x.Iterator()
		for it.HasNext() == types.True {
			k := it.Next()
			parts = append(parts, formatVal(k)+"="+formatVal(x.Get(k)))
		}
		sort.Strings(parts)
		return strings.Join(parts, ",")
	}
	switch n := v.Value().(type) {
	case analyzers.Ref:
		return n.String()
	case *analyzers.Ref:
		return n.String()
	case analyzers.Evidence:
		return n.Text
	}
	return fmt.Sprint(v.Value())
}
