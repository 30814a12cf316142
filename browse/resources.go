package browse

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/kinds"
)

// resource is how browsing names, prints and describes one kind: the
// names kubectl accepts for it, the columns of its table and its
// describer. It is the vocabulary of presentation; the kind's identity
// (group, plural resource name, scope) comes from the kinds registry when
// that lists the kind, and is given here only for the kinds it does not.
type resource struct {
	group, kind string
	// plural is the resource name ("pods"); set only for kinds the kinds
	// registry does not list.
	plural string
	short  []string
	// cluster marks a cluster-scoped kind (only for kinds the kinds
	// registry does not list).
	cluster bool
	// more are further API groups whose objects of kind show as this
	// resource (events.k8s.io Events, extensions Ingresses).
	more []string

	columns []column
	// decode reads one object; the value it returns is what row and
	// describe take.
	decode func(o *bundle.Object) (object, error)
	// row gives the cells of the object's table row, one per column
	// (wide columns only when wide).
	row func(v any, wide bool) []cell
	// describe writes kubectl describe's layout; nil: the generic one.
	describe func(d *describer, v any)
}

// column is one column of a kind's table.
type column struct {
	name string // as kubectl heads it
	wide bool   // only with -o wide
	// isName marks the object's name, which kubectl prefixes with the
	// kind when one command prints several kinds.
	isName bool
}

// object is one decoded object: its metadata, and the typed value (or
// *unstructured.Unstructured for kinds without a Go type here).
type object struct {
	meta metav1.Object
	v    any
}

// namespaced reports whether objects of the resource live in namespaces.
func (r *resource) namespaced() bool { return !r.cluster }

// groupKind names the resource as kubectl's -o name and multi-kind
// tables do: "pod", "deployment.apps".
func (r *resource) groupKind() string {
	if r.group == "" {
		return strings.ToLower(r.kind)
	}
	return strings.ToLower(r.kind) + "." + r.group
}

// serves reports whether an object of apiVersion/kind is shown as r.
func (r *resource) serves(apiVersion, kind string) bool {
	if kind != r.kind {
		return false
	}
	g := kinds.GroupOf(apiVersion)
	return g == r.group || slices.Contains(r.more, g)
}

// typed completes a resource whose objects decode into the Go type T.
func typed[T any, P interface {
	*T
	metav1.Object
}](r resource, row func(P, bool) []cell, describe func(*describer, P)) *resource {
	r.decode = func(o *bundle.Object) (object, error) {
		p := P(new(T))
		if err := unmarshal(o.Raw, p); err != nil {
			return object{}, err
		}
		return object{meta: p, v: p}, nil
	}
	if row != nil {
		r.row = func(v any, wide bool) []cell { return row(v.(P), wide) }
	}
	if describe != nil {
		r.describe = func(d *describer, v any) { describe(d, v.(P)) }
	}
	return &r
}

// decodeUnstructured reads an object of a kind without a Go type here,
// numbers kept as integers where they are (as kubectl's unstructured
// objects keep them).
func decodeUnstructured(o *bundle.Object) (object, error) {
	var m map[string]any
	if err := utiljson.Unmarshal(o.Raw, &m); err != nil {
		return object{}, fmt.Errorf("malformed object: %v", err)
	}
	u := &unstructured.Unstructured{Object: m}
	// An item of a typed list carries no kind: the list told it.
	if u.GetKind() == "" {
		u.SetKind(o.Kind)
	}
	if u.GetAPIVersion() == "" {
		u.SetAPIVersion(o.APIVersion)
	}
	return object{meta: u, v: u}, nil
}

// decodeMeta reads only an object's metadata.
func decodeMeta(o *bundle.Object) (object, error) {
	var v struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
	}
	if err := unmarshal(o.Raw, &v); err != nil {
		return object{}, err
	}
	return object{meta: &v.Metadata, v: &v.Metadata}, nil
}

// generic is the resource of a kind browse has no entry for: NAME AGE,
// and the generic describer, as kubectl shows a custom resource whose
// definition has no printer columns.
func generic(group, kind string, cluster bool) *resource {
	plural, _ := meta.UnsafeGuessKindToResource(schema.GroupVersionKind{Group: group, Kind: kind})
	r := &resource{group: group, kind: kind, plural: plural.Resource, cluster: cluster,
		columns: []column{{name: "NAME", isName: true}, {name: "AGE"}}, decode: decodeUnstructured}
	if k := kinds.Lookup(group, kind); k != nil {
		r.plural, r.cluster = k.Resource, !k.Namespaced
	}
	r.row = func(v any, _ bool) []cell {
		m := v.(metav1.Object)
		return []cell{str(m.GetName()), age(m.GetCreationTimestamp())}
	}
	return r
}

// registry lists the resources browse knows, in the order a name that
// several could mean is resolved (kubectl's discovery order: built-in
// groups, then the API groups of custom resources by name, so that
// "gateway" is the Gateway API's Gateway, "gw" Istio's).
var registry []*resource

func init() {
	registry = slices.Concat(coreResources(), crdResources())
	for _, r := range registry {
		if k := kinds.Lookup(r.group, r.kind); k != nil {
			r.plural, r.cluster = k.Resource, !k.Namespaced
		}
		if r.decode == nil {
			r.decode = decodeUnstructured
		}
		if r.plural == "" {
			panic("browse: resource " + r.kind + " has no plural") // TestRegistry names it
		}
	}
}

// target is one resource a command asked for: a known resource, or a
// name browse does not know, matched against the kinds in the inputs.
type target struct {
	res *resource
	// name and group are what the user typed, for an unknown resource.
	name, group string
	// found are the generic resources of the kinds an unknown name
	// matched, by group/kind; mu guards it (decoding workers match).
	mu    sync.Mutex
	found map[string]*resource
}

// resourceFor returns the resource an object of an unknown target's kind
// is shown as.
func (t *target) resourceFor(o *bundle.Object) *resource {
	key := kinds.GroupOf(o.APIVersion) + "/" + o.Kind
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.found[key]
	if r == nil {
		r = generic(kinds.GroupOf(o.APIVersion), o.Kind, o.Namespace == "")
		t.found[key] = r
	}
	return r
}

// match returns the resource o is shown as under t, or nil.
func (t *target) match(o *bundle.Object) *resource {
	if t.res != nil {
		if t.res.serves(o.APIVersion, o.Kind) {
			return t.res
		}
		return nil
	}
	g := kinds.GroupOf(o.APIVersion)
	if t.group != "" && t.group != g {
		return nil
	}
	lower := strings.ToLower(o.Kind)
	plural, _ := meta.UnsafeGuessKindToResource(schema.GroupVersionKind{Group: g, Kind: o.Kind})
	if t.name != lower && t.name != plural.Resource {
		return nil
	}
	return t.resourceFor(o)
}

// parseResources resolves what the user typed ("po", "po,svc",
// "deployments.apps", "vs", "all") to targets, in the order given.
func parseResources(spec string) ([]*target, error) {
	var out []*target
	for _, word := range strings.Split(spec, ",") {
		word = strings.TrimSpace(word)
		if word == "" {
			return nil, fmt.Errorf("resource %q: empty name in the list", spec)
		}
		if strings.EqualFold(word, "all") {
			// kubectl's "all" category.
			for _, name := range []string{"pods", "services", "daemonsets", "deployments", "replicasets", "statefulsets", "jobs", "cronjobs", "horizontalpodautoscalers"} {
				out = append(out, &target{res: lookup(name, "")})
			}
			continue
		}
		name, group, _ := strings.Cut(strings.ToLower(word), ".")
		// A name two known kinds answer to ("gateways": the Gateway API's
		// and Istio's) selects both; the inputs show which is there.
		if rs := lookupAll(name, group); len(rs) > 0 {
			for _, r := range rs {
				out = append(out, &target{res: r})
			}
			continue
		}
		out = append(out, &target{name: name, group: group, found: map[string]*resource{}})
	}
	return out, nil
}

// lookup finds the first known resource by plural, singular or short
// name, in group when one is given.
func lookup(name, group string) *resource {
	if rs := lookupAll(name, group); len(rs) > 0 {
		return rs[0]
	}
	return nil
}

// lookupAll finds every known resource answering to a name, in registry
// order. A short name is unique; a plural or singular may not be.
func lookupAll(name, group string) []*resource {
	var out []*resource
	for _, r := range registry {
		if group != "" && group != r.group && !slices.Contains(r.more, group) {
			continue
		}
		if slices.Contains(r.short, name) {
			return []*resource{r}
		}
		if name == r.plural || name == strings.ToLower(r.kind) {
			out = append(out, r)
		}
	}
	return out
}

// names lists the known resources for an error message: "pods (po)".
func names() string {
	var out []string
	for _, r := range registry {
		s := r.plural
		if r.group != "" {
			s += "." + r.group
		}
		if len(r.short) > 0 {
			s += " (" + strings.Join(r.short, ", ") + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}
