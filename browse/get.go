package browse

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/klauspost/compress/s2"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/internal/visible"
)

// GetOptions are what `analyze get` was asked.
type GetOptions struct {
	// Resource is KIND[,KIND...] or KIND/NAME, with kubectl's names
	// (pods, po, pod, deployments.apps, vs, httproute, all, ...).
	Resource string
	// Namespace selects namespaced objects ("" = "default"); AllNamespaces
	// every namespace, with a NAMESPACE column.
	Namespace     string
	AllNamespaces bool
	// Selector is a label selector (-l), kubectl's syntax.
	Selector string
	// Output is "" (the table), "wide", "name", "yaml" or "json".
	Output     string
	ShowLabels bool
}

// Outputs are the -o values get accepts.
var Outputs = []string{"wide", "name", "yaml", "json"}

// UsageError is a request browsing cannot understand (a bad selector, an
// unknown output); the command exits 2.
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &UsageError{fmt.Sprintf(format, a...)} }

// NotFoundError: the named object, or the asked log, is in no input;
// kubectl exits 1 then, and so does analyze.
type NotFoundError struct{ msg string }

func (e *NotFoundError) Error() string { return e.msg }

// request is a parsed get or describe: what to match.
type request struct {
	targets   []*target
	name      string // "" = every object
	namespace string // "" with all
	all       bool
	selector  labels.Selector
}

func parseRequest(resource, name, namespace string, all bool, selector string) (*request, error) {
	if resource == "" {
		return nil, usagef("no resource given: name a kind (pods, svc, deploy, vs, ...) or KIND/NAME")
	}
	if kind, n, ok := strings.Cut(resource, "/"); ok {
		if n == "" || kind == "" || strings.Contains(n, "/") {
			return nil, usagef("%q: want KIND/NAME", resource)
		}
		if name != "" && name != n {
			return nil, usagef("%q names an object, and so does %q", resource, name)
		}
		resource, name = kind, n
	}
	targets, err := parseResources(resource)
	if err != nil {
		return nil, usagef("%v", err)
	}
	if name != "" && len(distinctKinds(targets)) > 1 {
		return nil, usagef("%q: a name goes with one kind, not a list", resource)
	}
	sel := labels.Everything()
	if selector != "" {
		if sel, err = labels.Parse(selector); err != nil {
			return nil, usagef("-l %q: %v", selector, err)
		}
	}
	if namespace == "" {
		namespace = "default"
	}
	if all {
		namespace = ""
	}
	return &request{targets: targets, name: name, namespace: namespace, all: all, selector: sel}, nil
}

// distinctKinds are the resources a list of targets names (a name several
// kinds share counts once).
func distinctKinds(ts []*target) []string {
	var out []string
	for _, t := range ts {
		k := t.name
		if t.res != nil {
			k = t.res.plural
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// wants reports whether an object of the kind may be selected, before it
// is read.
func (q *request) wants(apiVersion, kind string) bool {
	o := bundle.Object{APIVersion: apiVersion, Kind: kind}
	for _, t := range q.targets {
		if t.res == nil || t.res.serves(o.APIVersion, o.Kind) {
			return true
		}
	}
	return false
}

// match returns the resource o is shown as, or nil when the request does
// not select it (kind, namespace, name; labels are checked once decoded).
func (q *request) match(o *bundle.Object) *resource {
	if q.name != "" && o.Name != q.name {
		return nil
	}
	for _, t := range q.targets {
		r := t.match(o)
		if r == nil {
			continue
		}
		if r.namespaced() && !q.all && o.Namespace != q.namespace {
			return nil
		}
		return r
	}
	return nil
}

// kept is one object -o yaml/json prints: its JSON, compressed.
type kept struct {
	res             *resource
	order           int
	namespace, name string
	version         string
	seq             uint64
	data            []byte // s2
}

// Get prints the objects the options select, from the inputs, to w;
// "No resources found" goes to errw as kubectl writes it to stderr.
func Get(w, errw io.Writer, in Inputs, o GetOptions) error {
	out := bufio.NewWriterSize(w, 64<<10)
	if err := getObjects(out, errw, in, o); err != nil {
		out.Flush()
		return err
	}
	return out.Flush()
}

func getObjects(w, errw io.Writer, in Inputs, o GetOptions) error {
	if o.Output != "" && !slices.Contains(Outputs, o.Output) {
		return usagef("invalid -o %q: want %s", o.Output, strings.Join(Outputs, ", "))
	}
	q, err := parseRequest(o.Resource, "", o.Namespace, o.AllNamespaces, o.Selector)
	if err != nil {
		return err
	}
	rd := newReader(in)
	var mu sync.Mutex // guards tables, objs, objIndex, decodeErr
	tables := map[*resource]*table{}
	var objs []kept
	objIndex := map[string]int{}
	var decodeErr error
	err = rd.parallelObjects(q.wants, func(b *bundle.Object, seq uint64) error {
		res := q.match(b)
		if res == nil {
			return nil
		}
		// Only a table reads the object's fields; the other outputs need
		// its metadata (labels, name), a cheaper decode.
		decode := res.decode
		if o.Output == "name" || o.Output == "yaml" || o.Output == "json" {
			decode = decodeMeta
		}
		obj, err := decode(b)
		if err != nil {
			rd.warn(fmt.Sprintf("%s %s/%s: %v", b.Kind, b.Namespace, b.Name, err))
			mu.Lock()
			decodeErr = err
			mu.Unlock()
			return nil
		}
		if !q.selector.Matches(labels.Set(obj.meta.GetLabels())) {
			return nil
		}
		switch o.Output {
		case "yaml", "json":
			raw, err := selfDescribing(b)
			if err != nil {
				rd.warn(fmt.Sprintf("%s %s/%s: %v", b.Kind, b.Namespace, b.Name, err))
				return nil
			}
			if isSecret(b) {
				var ok bool
				if raw, ok = redactSecret(raw); !ok {
					rd.warn(fmt.Sprintf("Secret %s/%s: unreadable, not shown", b.Namespace, b.Name))
					return nil
				}
			}
			k := kept{res: res, namespace: obj.meta.GetNamespace(), name: obj.meta.GetName(),
				version: obj.meta.GetResourceVersion(), seq: seq, data: compress(raw)}
			key := res.groupKind() + "/" + k.namespace + "/" + k.name
			mu.Lock()
			defer mu.Unlock()
			if i, ok := objIndex[key]; ok {
				if replaces(k.version, seq, objs[i].version, objs[i].seq) {
					objs[i] = k
				}
				return nil
			}
			objIndex[key] = len(objs)
			objs = append(objs, k)
		default:
			var cells []cell
			if o.Output != "name" {
				cells = res.row(obj.v, o.Output == "wide")
			}
			mu.Lock()
			defer mu.Unlock()
			t := tables[res]
			if t == nil {
				t = &table{res: res, withNamespace: q.all && res.namespaced(), wide: o.Output == "wide", showLabels: o.ShowLabels}
				tables[res] = t
			}
			t.add(obj, cells, seq)
		}
		return nil
	})
	if err != nil {
		return err
	}
	found := len(objs)
	for _, t := range tables {
		found += len(t.rows)
	}
	if found == 0 {
		if decodeErr != nil && q.name != "" {
			return fmt.Errorf("%s %q: %v", q.targets[0].label(), q.name, decodeErr)
		}
		return notFound(errw, q)
	}
	switch o.Output {
	case "yaml", "json":
		for i := range objs {
			objs[i].order = targetOrder(q, objs[i].res)
		}
		slices.SortFunc(objs, func(a, b kept) int {
			return cmp.Or(cmp.Compare(a.order, b.order), strings.Compare(a.res.groupKind(), b.res.groupKind()),
				strings.Compare(a.namespace, b.namespace), strings.Compare(a.name, b.name))
		})
		return writeObjects(w, o.Output, len(objs), func(i int) ([]byte, error) {
			return s2.Decode(nil, objs[i].data)
		}, q.name != "")
	}
	list := make([]*table, 0, len(tables))
	for _, t := range tables {
		list = append(list, t)
	}
	slices.SortFunc(list, func(a, b *table) int {
		return cmp.Or(cmp.Compare(targetOrder(q, a.res), targetOrder(q, b.res)), strings.Compare(a.res.groupKind(), b.res.groupKind()))
	})
	withKind := len(list) > 1 || len(distinctKinds(q.targets)) > 1
	if o.Output == "name" {
		for _, t := range list {
			t.sort()
			for _, r := range t.rows {
				if _, err := io.WriteString(w, t.res.groupKind()+"/"+visible.Line(r.name)+"\n"); err != nil {
					return err
				}
			}
		}
		return nil
	}
	var newest = list[0].newest()
	for _, t := range list[1:] {
		newest = later(newest, t.newest())
	}
	ref := rd.reference(newest)
	for i, t := range list {
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		t.withKind = withKind
		if err := t.write(w, ref); err != nil {
			return err
		}
	}
	return nil
}

// encodeBufs recycles the buffers objects are compressed into: s2.Encode
// returns a slice of its worst-case size, and kept that way it would hold
// more than the object itself.
var encodeBufs = sync.Pool{New: func() any { return new([]byte) }}

// compress returns raw compressed (s2) in a slice of its own size.
func compress(raw []byte) []byte {
	buf := encodeBufs.Get().(*[]byte)
	if n := s2.MaxEncodedLen(len(raw)); cap(*buf) < n {
		*buf = make([]byte, n)
	}
	out := bytes.Clone(s2.Encode((*buf)[:cap(*buf)], raw))
	encodeBufs.Put(buf)
	return out
}

// targetOrder is the position of the target showing res in the request.
func targetOrder(q *request, res *resource) int {
	for i, t := range q.targets {
		if t.res == res || (t.res == nil && slices.Contains(slices.Collect(mapValues(t.found)), res)) {
			return i
		}
	}
	return len(q.targets)
}

func mapValues(m map[string]*resource) func(func(*resource) bool) {
	return func(yield func(*resource) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

// label names a target in messages: its plural.
func (t *target) label() string {
	if t.res != nil {
		return t.res.plural
	}
	return t.name
}

// notFound reports an empty result as kubectl does: a named object not
// found is an error (exit 1); an empty list is said on stderr. A name no
// known or present kind answers to is a usage error.
func notFound(errw io.Writer, q *request) error {
	for _, t := range q.targets {
		if t.res == nil && len(t.found) == 0 && len(q.targets) == 1 {
			return usagef("no resource type %q is known or present in the inputs; known: %s", t.name, names())
		}
	}
	if q.name != "" {
		where := ""
		if q.targets[0].res == nil || q.targets[0].res.namespaced() {
			where = fmt.Sprintf(" in namespace %q", q.namespace)
		}
		return &NotFoundError{fmt.Sprintf("%s %q not found%s", q.targets[0].label(), visible.Line(q.name), where)}
	}
	msg := "No resources found"
	if !q.all && anyNamespaced(q) {
		msg += " in " + visible.Line(q.namespace) + " namespace"
	}
	_, err := io.WriteString(errw, msg+".\n")
	return err
}

func anyNamespaced(q *request) bool {
	for _, t := range q.targets {
		if t.res == nil || t.res.namespaced() {
			return true
		}
	}
	return false
}
