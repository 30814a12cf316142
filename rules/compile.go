package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/interpreter"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/report"
)

// compiled is a rule with every expression compiled once, at load.
type compiled struct {
	rule        *Rule
	dom         *domain
	when        cel.Program
	object      cel.Program // nil: the item's own ref
	detail      *template
	summary     *template
	remediation *template
	evidence    []cel.Program
	keys        cel.Program // nil: the item's keys
}

// template is a message with {{ CEL }} holes, compiled once.
type template struct {
	parts []string      // literal text between holes
	progs []cel.Program // len(parts)-1 holes
}

var holeRE = regexp.MustCompile(`\{\{(.*?)\}\}`)

func compileTemplate(env *cel.Env, field, text string) (*template, error) {
	t := &template{}
	last := 0
	for _, m := range holeRE.FindAllStringSubmatchIndex(text, -1) {
		t.parts = append(t.parts, text[last:m[0]])
		expr := strings.TrimSpace(text[m[2]:m[3]])
		p, err := compileExpr(env, expr, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: {{%s}}: %w", field, expr, err)
		}
		t.progs = append(t.progs, p)
		last = m[1]
	}
	t.parts = append(t.parts, text[last:])
	return t, nil
}

// activation binds the names a rule's expressions see: its domain's
// variable and coverage. Each evaluating goroutine keeps one and rebinds
// the item: evaluation must not allocate per item, since a big incident
// has tens of thousands of symptoms and each rule walks them all.
type activation struct {
	varName  string
	item     any
	coverage map[string]string
}

func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case a.varName:
		return a.item, true
	case "coverage":
		return a.coverage, true
	}
	return nil, false
}

func (a *activation) Parent() interpreter.Activation { return nil }

func (t *template) render(act *activation) (string, error) {
	if t == nil {
		return "", nil
	}
	var sb strings.Builder
	for i, p := range t.parts {
		sb.WriteString(p)
		if i < len(t.progs) {
			v, _, err := t.progs[i].Eval(act)
			if err != nil {
				return "", err
			}
			sb.WriteString(formatVal(v))
		}
	}
	return strings.TrimSpace(sb.String()), nil
}

// compileExpr compiles expr in env; want (if set) is the required output type.
func compileExpr(env *cel.Env, expr string, want *cel.Type) (cel.Program, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, fmt.Errorf("empty expression")
	}
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		return nil, iss.Err()
	}
	if want != nil && !ast.OutputType().IsExactType(want) && ast.OutputType() != cel.DynType {
		return nil, fmt.Errorf("expression %q has type %s, want %s", expr, ast.OutputType(), want)
	}
	return env.Program(ast, cel.CostLimit(costLimit), cel.EvalOptions(cel.OptOptimize))
}

// compile checks and compiles one rule.
func compile(r *Rule) (*compiled, error) {
	d, ok := domains[r.For]
	if !ok {
		return nil, fmt.Errorf("for: unknown domain %q (known: %s)", r.For, strings.Join(DomainNames(), ", "))
	}
	env, err := domainEnv(r.For)
	if err != nil {
		return nil, err
	}
	c := &compiled{rule: r, dom: d}
	if c.when, err = compileExpr(env, r.When, cel.BoolType); err != nil {
		return nil, fmt.Errorf("when: %w", err)
	}
	if r.Object != "" {
		if c.object, err = compileExpr(env, r.Object, celRefType); err != nil {
			return nil, fmt.Errorf("object: %w", err)
		}
	}
	if r.Keys != "" {
		if c.keys, err = compileExpr(env, r.Keys, cel.ListType(cel.StringType)); err != nil {
			return nil, fmt.Errorf("keys: %w", err)
		}
	}
	if c.detail, err = compileTemplate(env, "detail", r.Detail); err != nil {
		return nil, err
	}
	if c.summary, err = compileTemplate(env, "summary", r.Summary); err != nil {
		return nil, err
	}
	if c.remediation, err = compileTemplate(env, "remediation", r.Remediation); err != nil {
		return nil, err
	}
	for i, e := range r.Evidence {
		p, err := compileExpr(env, e, nil)
		if err != nil {
			return nil, fmt.Errorf("evidence[%d]: %w", i, err)
		}
		c.evidence = append(c.evidence, p)
	}
	return c, nil
}

// hit is one item a rule matched, before linking.
type hit struct {
	c           *compiled
	object      analyzers.Ref
	detail      string
	summary     string
	remediation string
	evidence    []report.Evidence
	keys        map[string]bool
}

// eval runs the rule on act's item (act binds c's domain variable); nil
// when the condition is false.
func (c *compiled) eval(act *activation) (*hit, error) {
	item := act.item
	v, _, err := c.when.Eval(act)
	if err != nil {
		return nil, err
	}
	if v != types.True {
		return nil, nil
	}
	h := &hit{c: c, keys: map[string]bool{}}
	if c.object != nil {
		ov, _, err := c.object.Eval(act)
		if err != nil {
			return nil, fmt.Errorf("object: %w", err)
		}
		switch r := ov.Value().(type) {
		case analyzers.Ref:
			h.object = r
		case *analyzers.Ref:
			h.object = *r
		default:
			return nil, fmt.Errorf("object: got %T, want Ref", ov.Value())
		}
	} else {
		h.object = c.dom.ref(item)
	}
	if h.detail, err = c.detail.render(act); err != nil {
		return nil, fmt.Errorf("detail: %w", err)
	}
	if h.summary, err = c.summary.render(act); err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	if h.remediation, err = c.remediation.render(act); err != nil {
		return nil, fmt.Errorf("remediation: %w", err)
	}
	for _, p := range c.evidence {
		ev, _, err := p.Eval(act)
		if err != nil {
			return nil, fmt.Errorf("evidence: %w", err)
		}
		h.evidence = append(h.evidence, toEvidence(ev)...)
	}
	var keys []string
	if c.keys != nil {
		kv, _, err := c.keys.Eval(act)
		if err != nil {
			return nil, fmt.Errorf("keys: %w", err)
		}
		keys = toStrings(kv)
	} else {
		keys = c.dom.keys(item)
	}
	for _, k := range keys {
		h.keys[k] = true
	}
	return h, nil
}

func toEvidence(v ref.Val) []report.Evidence {
	var out []report.Evidence
	add := func(x ref.Val) {
		switch n := x.Value().(type) {
		case report.Evidence:
			out = append(out, n)
		case *report.Evidence:
			out = append(out, *n)
		default:
			if s := formatVal(x); s != "" {
				out = append(out, report.Evidence{Kind: "Fact", Text: s})
			}
		}
	}
	if l, ok := v.(traits.Lister); ok {
		it := l.Iterator()
		for it.HasNext() == types.True {
			add(it.Next())
		}
		return out
	}
	add(v)
	return out
}

func toStrings(v ref.Val) []string {
	var out []string
	if l, ok := v.(traits.Lister); ok {
		it := l.Iterator()
		for it.HasNext() == types.True {
			out = append(out, formatVal(it.Next()))
		}
	}
	return out
}
