package browse

import (
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/nohealthy/nohealthy/internal/visible"
)

// cell is one table cell. Text comes from the input and is made visible
// when the table is written; a time is kept as a time, because what
// kubectl shows relative to now is shown relative to the collection time,
// known only once every input is read.
type cell struct {
	text string
	at   time.Time
	n    int64
	form cellForm
}

type cellForm uint8

const (
	plainCell    cellForm = iota
	ageCell               // at relative to the reference; "<unknown>" when zero
	restartsCell          // "n (age ago)", or "n" without a time
)

func str(s string) cell { return cell{text: s} }

func num[N ~int | ~int32 | ~int64](n N) cell { return cell{text: strconv.FormatInt(int64(n), 10)} }

func age(t metav1.Time) cell { return cell{at: t.Time, form: ageCell} }

func ageAt(t time.Time) cell { return cell{at: t, form: ageCell} }

func restarts(n int, last time.Time) cell { return cell{n: int64(n), at: last, form: restartsCell} }

// since renders the time from at to ref as kubectl renders the time since
// a timestamp.
func since(at, ref time.Time) string {
	if at.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(ref.Sub(at))
}

func (c cell) render(ref time.Time) string {
	switch c.form {
	case ageCell:
		return since(c.at, ref)
	case restartsCell:
		s := strconv.FormatInt(c.n, 10)
		if c.n != 0 && !c.at.IsZero() {
			s += " (" + since(c.at, ref) + " ago)"
		}
		return s
	}
	return visible.Line(c.text)
}

// row is one object's line of a table.
type row struct {
	namespace, name string
	cells           []cell
	labels          string // --show-labels
	// at is the object's creation time, for the reference fallback.
	at time.Time
}

// table collects the rows of one resource and writes them as kubectl
// does: upper-case headers, NAMESPACE first with -A, LABELS last with
// --show-labels, rows in the order the API server lists them (namespace,
// then name), columns aligned by text/tabwriter with kubectl's settings.
type table struct {
	res *resource
	// withNamespace: -A over a namespaced kind; withKind: several kinds
	// are printed, names read "kind/name".
	withNamespace, withKind, wide, showLabels bool
	rows                                      []row
	index                                     map[string]int // namespace/name -> rows index
	versions                                  map[string]string
	seqs                                      map[string]uint64
}

// add keeps one object's row; of the same object read twice (two inputs)
// the newer resourceVersion wins, as in the analysis (see replaces).
func (t *table) add(o object, cells []cell, seq uint64) {
	key := o.meta.GetNamespace() + "/" + o.meta.GetName()
	r := row{namespace: o.meta.GetNamespace(), name: o.meta.GetName(), cells: cells, at: o.meta.GetCreationTimestamp().Time}
	if t.showLabels {
		r.labels = labels.FormatLabels(o.meta.GetLabels())
	}
	if t.index == nil {
		t.index, t.versions, t.seqs = map[string]int{}, map[string]string{}, map[string]uint64{}
	}
	if i, ok := t.index[key]; ok {
		if !replaces(o.meta.GetResourceVersion(), seq, t.versions[key], t.seqs[key]) {
			return
		}
		t.rows[i] = r
	} else {
		t.index[key] = len(t.rows)
		t.rows = append(t.rows, r)
	}
	t.versions[key], t.seqs[key] = o.meta.GetResourceVersion(), seq
}

// newest is the newest creation time among the rows.
func (t *table) newest() time.Time {
	var n time.Time
	for _, r := range t.rows {
		n = later(n, r.at)
	}
	return n
}

// kubectl's tabwriter: minimum cell width 6, tab width 4, padding 3.
func newTabWriter(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 6, 4, 3, ' ', 0) }

// sort orders the rows as the API server lists objects: by namespace,
// then name.
func (t *table) sort() {
	slices.SortFunc(t.rows, func(a, b row) int {
		if c := strings.Compare(a.namespace, b.namespace); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
}

func (t *table) write(w io.Writer, ref time.Time) error {
	t.sort()
	tw := newTabWriter(w)
	var head []string
	if t.withNamespace {
		head = append(head, "NAMESPACE")
	}
	for _, c := range t.columns() {
		head = append(head, c.name)
	}
	if t.showLabels {
		head = append(head, "LABELS")
	}
	io.WriteString(tw, strings.Join(head, "\t")+"\n")
	cols := t.columns()
	line := make([]string, 0, len(head))
	for _, r := range t.rows {
		line = line[:0]
		if t.withNamespace {
			line = append(line, visible.Line(r.namespace))
		}
		for i, c := range r.cells {
			if i >= len(cols) {
				break
			}
			s := c.render(ref)
			if t.withKind && cols[i].isName {
				s = t.res.groupKind() + "/" + s
			}
			line = append(line, s)
		}
		if t.showLabels {
			line = append(line, visible.Line(r.labels))
		}
		io.WriteString(tw, strings.Join(line, "\t")+"\n")
	}
	return tw.Flush()
}

// columns are the columns shown: the wide ones only with -o wide.
func (t *table) columns() []column {
	var out []column
	for _, c := range t.res.columns {
		if !c.wide || t.wide {
			out = append(out, c)
		}
	}
	return out
}
