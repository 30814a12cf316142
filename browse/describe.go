package browse

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
	"unicode"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/internal/visible"
	"github.com/nohealthy/nohealthy/kinds"
	"github.com/nohealthy/nohealthy/load"
)

// DescribeOptions are what `analyze describe` was asked.
type DescribeOptions struct {
	// Resource is KIND or KIND/NAME; Name the name when Resource is a kind.
	Resource, Name string
	// Namespace of a namespaced object ("" = "default").
	Namespace string
}

// describer writes kubectl describe's layout: "Field:\tvalue" lines at
// indentation levels of two spaces, aligned by one tabwriter over the
// whole output (kubectl's: minimum width 0, tab width 8, padding 2), the
// events in a table at the end. Every argument that is a string is made
// visible before it is written; the formats are this package's own.
type describer struct {
	tw  *tabwriter.Writer
	ref time.Time
	// related are the objects a describer shows beside the object itself
	// (a Deployment's ReplicaSets, a Service's EndpointSlices, the pods a
	// controller or a Node holds); events those about the object.
	related []object
	events  []*corev1.Event
}

func newDescriber(w io.Writer, ref time.Time) *describer {
	return &describer{tw: tabwriter.NewWriter(w, 0, 8, 2, ' ', 0), ref: ref}
}

// line writes format at level (two spaces each) with its string
// arguments made visible.
func (d *describer) line(level int, format string, args ...any) {
	for i, a := range args {
		if v := reflect.ValueOf(a); v.IsValid() && v.Kind() == reflect.String {
			args[i] = visible.Line(v.String())
		}
	}
	fmt.Fprintf(d.tw, strings.Repeat("  ", level)+format, args...)
}

// since renders how long before the collection a time was.
func (d *describer) since(t time.Time) string { return since(t, d.ref) }

func stamp(t metav1.Time) string { return t.Time.Format(time.RFC1123Z) }

// labelsBlock writes "Title:\tk=v" with one pair a line, sorted, "<none>"
// for none (kubectl's printLabelsMultiline); indent prefixes the title.
func (d *describer) labelsBlock(indent, title string, m map[string]string) {
	d.line(0, "%s%s:\t", indent, title)
	if len(m) == 0 {
		d.line(0, "<none>\n")
		return
	}
	keys := slices.Sorted(maps.Keys(m))
	for i, k := range keys {
		if i > 0 {
			d.line(0, "%s\t", indent)
		}
		d.line(0, "%s=%s\n", k, m[k])
	}
}

// annotationsBlock is kubectl's printAnnotationsMultiline: the
// last-applied configuration is skipped, a long or multi-line value goes
// on lines of its own, each cut at 140 characters.
func (d *describer) annotationsBlock(indent, title string, m map[string]string) {
	const maxLen = 140
	d.line(0, "%s%s:\t", indent, title)
	var keys []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k != lastApplied {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		d.line(0, "<none>\n")
		return
	}
	for i, k := range keys {
		if i > 0 {
			d.line(0, "%s\t", indent)
		}
		v := strings.TrimSuffix(m[k], "\n")
		if len(v)+len(k)+2 > maxLen || strings.Contains(v, "\n") {
			d.line(0, "%s:\n", k)
			for _, s := range strings.Split(v, "\n") {
				if len(s) > maxLen-2 {
					s = s[:maxLen-2] + "..."
				}
				d.line(0, "%s\t  %s\n", indent, s)
			}
			continue
		}
		d.line(0, "%s: %s\n", k, v)
	}
}

// header writes Name, Namespace, Labels and Annotations.
func (d *describer) header(m metav1.Object) {
	d.line(0, "Name:\t%s\n", m.GetName())
	d.line(0, "Namespace:\t%s\n", m.GetNamespace())
	d.labelsBlock("", "Labels", m.GetLabels())
	d.annotationsBlock("", "Annotations", m.GetAnnotations())
}

// writeEvents is kubectl's DescribeEvents: oldest last-seen first, each
// with its age ("5m (x3 over 10m)"), source and message prefixed by the
// field path.
func (d *describer) writeEvents() {
	if len(d.events) == 0 {
		d.line(0, "Events:\t<none>\n")
		return
	}
	d.tw.Flush()
	slices.SortStableFunc(d.events, func(a, b *corev1.Event) int { return a.LastTimestamp.Time.Compare(b.LastTimestamp.Time) })
	d.line(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
	d.line(1, "----\t------\t----\t----\t-------\n")
	for _, e := range d.events {
		first := d.since(e.EventTime.Time)
		if e.EventTime.IsZero() {
			first = d.since(e.FirstTimestamp.Time)
		}
		interval := first
		switch {
		case e.Series != nil:
			interval = fmt.Sprintf("%s (x%d over %s)", d.since(e.Series.LastObservedTime.Time), e.Series.Count, first)
		case e.Count > 1:
			interval = fmt.Sprintf("%s (x%d over %s)", d.since(e.LastTimestamp.Time), e.Count, first)
		}
		source := e.Source.Component
		if source == "" {
			source = e.ReportingController
		}
		msg := strings.TrimSpace(e.Message)
		if e.InvolvedObject.FieldPath != "" {
			msg = e.InvolvedObject.FieldPath + ": " + msg
		}
		d.line(1, "%s\t%s\t%s\t%s\t%s\n", e.Type, e.Reason, interval, source, msg)
	}
}

// describeGeneric is kubectl's describer for kinds without one of their
// own (custom resources): the header, then every field of the object,
// keys sorted and turned into labels ("apiVersion" → "API Version").
func describeGeneric(d *describer, v any) {
	u, ok := v.(*unstructured.Unstructured)
	if !ok {
		return
	}
	d.header(u)
	d.content(0, u.Object, "", ".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations")
}

func (d *describer) content(level int, m map[string]any, prefix string, skip ...string) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		path := prefix + "." + k
		if slices.Contains(skip, path) {
			continue
		}
		switch v := m[k].(type) {
		case map[string]any:
			d.line(level, "%s:\n", smartLabel(k))
			d.content(level+1, v, path, skip...)
		case []any:
			d.line(level, "%s:\n", smartLabel(k))
			for _, item := range v {
				if im, ok := item.(map[string]any); ok {
					d.content(level+1, im, path, skip...)
				} else {
					d.line(level+1, "%s\n", fmt.Sprint(item))
				}
			}
		default:
			d.line(level, "%s:\t%s\n", smartLabel(k), fmt.Sprint(v))
		}
	}
}

// smartLabel turns a field name into kubectl describe's label: camel case
// split into title-cased words, the acronyms API, URL, UID and GUID in
// capitals; a name with characters other than letters and '-' is kept.
func smartLabel(field string) string {
	if strings.IndexFunc(field, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) >= 0 {
		return field
	}
	parts := camelSplit(field)
	var merged []string
	for i := 0; i < len(parts); i++ {
		p := parts[i]
		if i+1 < len(parts) && len(p) >= 2 && strings.ToUpper(p) == p && unicode.IsUpper(rune(parts[i+1][0])) {
			merged = append(merged, p+parts[i+1])
			i++
			continue
		}
		merged = append(merged, p)
	}
	for i, p := range merged {
		switch {
		case slices.Contains([]string{"API", "URL", "UID", "GUID"}, strings.ToUpper(p)):
			merged[i] = strings.ToUpper(p)
		case strings.ToLower(p) == p:
			merged[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(merged, " ")
}

// camelSplit splits a camel-case word into runs of lower-case and
// upper-case letters, an upper-case letter starting the lower-case run it
// precedes ("APIVersion" → "API", "Version").
func camelSplit(s string) []string {
	var runs [][]rune
	lastUpper := false
	for i, r := range []rune(s) {
		up := unicode.IsUpper(r)
		if i == 0 || up != lastUpper {
			runs = append(runs, nil)
		}
		runs[len(runs)-1] = append(runs[len(runs)-1], r)
		lastUpper = up
	}
	for i := 0; i+1 < len(runs); i++ {
		if len(runs[i]) > 0 && unicode.IsUpper(runs[i][0]) && !unicode.IsUpper(runs[i+1][0]) {
			last := runs[i][len(runs[i])-1]
			runs[i] = runs[i][:len(runs[i])-1]
			runs[i+1] = append([]rune{last}, runs[i+1]...)
		}
	}
	var out []string
	for _, r := range runs {
		if len(r) > 0 {
			out = append(out, string(r))
		}
	}
	return out
}

// found is one object describe will print, with what goes with it.
type found struct {
	res     *resource
	obj     object
	version string
	seq     uint64
}

// Describe prints the named object as kubectl describe does, its events
// at the end.
func Describe(w io.Writer, in Inputs, o DescribeOptions) error {
	out := bufio.NewWriterSize(w, 64<<10)
	if err := describeObject(out, in, o); err != nil {
		out.Flush()
		return err
	}
	return out.Flush()
}

func describeObject(w io.Writer, in Inputs, o DescribeOptions) error {
	q, err := parseRequest(o.Resource, o.Name, o.Namespace, false, "")
	if err != nil {
		return err
	}
	if q.name == "" {
		return usagef("describe needs a name: KIND/NAME or KIND NAME")
	}
	rd := newReader(in)
	var mu sync.Mutex // guards hits, events, related
	var hits []*found
	var events []*corev1.Event
	var related []object
	err = rd.parallelObjects(nil, func(b *bundle.Object, seq uint64) error {
		if res := q.match(b); res != nil {
			// A kind without a describer of its own is described field
			// by field, from its JSON as it is.
			decode := res.decode
			if res.describe == nil && !isSecret(b) {
				decode = decodeUnstructured
			}
			obj, err := decode(b)
			if err != nil {
				rd.warn(fmt.Sprintf("%s %s/%s: %v", b.Kind, b.Namespace, b.Name, err))
				return nil
			}
			mu.Lock()
			defer mu.Unlock()
			for _, h := range hits {
				if h.res == res && h.obj.meta.GetNamespace() == b.Namespace {
					if replaces(b.ResourceVersion, seq, h.version, h.seq) {
						h.obj, h.version, h.seq = obj, b.ResourceVersion, seq
					}
					return nil
				}
			}
			hits = append(hits, &found{res: res, obj: obj, version: b.ResourceVersion, seq: seq})
			return nil
		}
		if b.Kind == "Event" {
			if e := q.eventAbout(b); e != nil {
				mu.Lock()
				events = append(events, e)
				mu.Unlock()
			}
			return nil
		}
		if r := q.relatedTo(b); r != nil {
			mu.Lock()
			related = append(related, *r)
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(hits) == 0 {
		return notFound(io.Discard, q)
	}
	var newest time.Time
	for _, h := range hits {
		newest = later(newest, h.obj.meta.GetCreationTimestamp().Time)
	}
	ref := rd.reference(newest)
	for i, h := range hits {
		if i > 0 {
			io.WriteString(w, "\n\n")
		}
		d := newDescriber(w, ref)
		d.events = eventsOf(events, h)
		d.related = relatedOf(related, h)
		describeWith(d, h)
		if err := d.tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func describeWith(d *describer, h *found) {
	if secretOf(h.obj.v) {
		describeSecret(d, h.obj.v)
		d.writeEvents()
		return
	}
	if h.res.describe != nil {
		h.res.describe(d, h.obj.v)
	} else {
		describeGeneric(d, h.obj.v)
	}
	d.writeEvents()
}

// eventAbout decodes an event when it may be about the named object; the
// object's UID, known once it is read, decides (eventsOf).
func (q *request) eventAbout(b *bundle.Object) *corev1.Event {
	if !bytes.Contains(b.Raw, []byte(q.name)) {
		return nil
	}
	var e *corev1.Event
	if kinds.GroupOf(b.APIVersion) == "events.k8s.io" {
		var err error
		if e, err = load.EventV1(b.Raw); err != nil {
			return nil
		}
	} else {
		e = new(corev1.Event)
		if unmarshal(b.Raw, e) != nil {
			return nil
		}
	}
	if e.InvolvedObject.Name != q.name {
		return nil
	}
	return e
}

// eventsOf are the events about h's object, as kubectl selects them:
// involved object of the same name, namespace and kind, and UID when the
// event records one.
func eventsOf(events []*corev1.Event, h *found) []*corev1.Event {
	var out []*corev1.Event
	m := h.obj.meta
	for _, e := range events {
		inv := e.InvolvedObject
		if inv.Name != m.GetName() || inv.Namespace != m.GetNamespace() || inv.Kind != h.res.kind {
			continue
		}
		if inv.UID != "" && m.GetUID() != "" && inv.UID != m.GetUID() {
			continue
		}
		out = append(out, e)
	}
	return out
}

// relatedTo decodes an object that a describer of the requested kind
// shows beside the object: a Deployment's ReplicaSets, a Service's
// EndpointSlices, the pods of a ReplicaSet, StatefulSet or DaemonSet, the
// pods on a Node.
func (q *request) relatedTo(b *bundle.Object) *object {
	if !bytes.Contains(b.Raw, []byte(q.name)) {
		return nil // every relation names the object
	}
	for _, t := range q.targets {
		if t.res == nil {
			continue
		}
		var want *resource
		switch {
		case t.res.kind == "Deployment" && b.Kind == "ReplicaSet",
			t.res.kind == "Service" && b.Kind == "EndpointSlice",
			(t.res.kind == "ReplicaSet" || t.res.kind == "StatefulSet" || t.res.kind == "DaemonSet" || t.res.kind == "Node") && b.Kind == "Pod":
			want = lookup(strings.ToLower(b.Kind), "")
		}
		if want == nil || !want.serves(b.APIVersion, b.Kind) {
			continue
		}
		if t.res.kind != "Node" && b.Namespace != q.namespace {
			continue
		}
		obj, err := want.decode(b)
		if err != nil {
			return nil
		}
		return &obj
	}
	return nil
}

// relatedOf keeps the related objects that belong to h's object.
func relatedOf(all []object, h *found) []object {
	var out []object
	m := h.obj.meta
	for _, r := range all {
		switch v := r.v.(type) {
		case *appsv1.ReplicaSet:
			if controlledBy(v, m) {
				out = append(out, r)
			}
		case *discoveryv1.EndpointSlice:
			if h.res.kind == "Service" && v.Labels[discoveryv1.LabelServiceName] == m.GetName() {
				out = append(out, r)
			}
		case *corev1.Pod:
			if h.res.kind == "Node" {
				if v.Spec.NodeName == m.GetName() && v.Status.Phase != corev1.PodSucceeded && v.Status.Phase != corev1.PodFailed {
					out = append(out, r)
				}
			} else if controlledBy(v, m) {
				out = append(out, r)
			}
		}
	}
	slices.SortFunc(out, func(a, b object) int {
		return strings.Compare(a.meta.GetNamespace()+"/"+a.meta.GetName(), b.meta.GetNamespace()+"/"+b.meta.GetName())
	})
	return out
}

// controlledBy reports whether o's controller is owner (by UID when both
// have one, else by name).
func controlledBy(o, owner metav1.Object) bool {
	ref := metav1.GetControllerOfNoCopy(o)
	if ref == nil || ref.Name != owner.GetName() {
		return false
	}
	return ref.UID == "" || owner.GetUID() == "" || ref.UID == owner.GetUID()
}
