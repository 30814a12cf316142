package main

import (
	"encoding/binary"
	"fmt"
	"github.com/nohealthy/nohealthy/internal/testgen/kubenames"
	"hash/fnv"
	"strings"
	"time"
)

// M is a JSON object as kubectl prints it (keys end up sorted, like kubectl's
// unstructured printer).
type M = map[string]any

// L is a JSON array.
type L = []any

// ListStyle is how a case writes its resource lists.
type ListStyle int

const (
	// StyleList writes `kubectl get -o json` output: kind List, items with kind/apiVersion.
	StyleList ListStyle = iota
	// StyleTyped writes typed lists (PodList, ...) whose items carry no kind/apiVersion.
	StyleTyped
	// StyleYAML writes multi-document YAML files (`---` separated objects).
	StyleYAML
)

// Obj is one Kubernetes object of a case.
type Obj struct {
	APIVersion, Kind, NS, Name string
	M                          M
}

// Meta returns the object's metadata map.
func (o *Obj) Meta() M { return o.M["metadata"].(M) }

// Labels returns the object's labels (creating the map if needed).
func (o *Obj) Labels() map[string]string {
	md := o.Meta()
	if l, ok := md["labels"].(map[string]string); ok {
		return l
	}
	return nil
}

// Ref is an object reference for expected.yaml.
type Ref struct{ Kind, NS, Name string }

// Cause is one expected root cause.
type Cause struct {
	ID     string
	Object Ref
	Detail string
	// Changes the report must cite for it (expected.yaml changes).
	Changes []Change
}

// Change is a change a root cause must cite: Type on Object, at most
// Within before its first symptom.
type Change struct {
	Type   string
	Object Ref
	Within time.Duration
}

// Case is one incident of the corpus.
type Case struct {
	Name        string
	Description string
	// Source names the specification section, upstream document or
	// upstream behaviour the case follows (expected.yaml source).
	Source      string
	Now         time.Time // bundle creation time
	KubeVersion string
	Style       ListStyle

	Expected []Cause
	Absent   []string

	// Forbidden maps a collector name to the API error message gather recorded.
	Forbidden map[string]string
	// Skipped maps a collector name to the reason (e.g. CRD not installed).
	Skipped map[string]string

	objs  []*Obj
	logs  map[string][]string
	files map[string][]byte
	rv    int
	seq   uint64

	flavor       Flavor
	workers      []*Node
	IstioVersion string
	Context      string

	nodes []*Node
	pods  []*Pod
	svcs  []*Svc
	// noSlices lists Services whose EndpointSlices must not be emitted.
	noSlices map[string]bool
}

func newCase(name string, now time.Time) *Case {
	return &Case{
		Name:        name,
		Now:         now,
		KubeVersion: "v1.30.2",
		logs:        map[string][]string{},
		files:       map[string][]byte{},
		rv:          100000 + int(hashN(name)%800000),
		noSlices:    map[string]bool{},
		Forbidden:   map[string]string{},
		Skipped:     map[string]string{},
	}
}

func (c *Case) nextRV() string {
	c.rv += 1 + int(hashN(fmt.Sprint(c.Name, c.rv))%97)
	return fmt.Sprint(c.rv)
}

// add registers an object.
func (c *Case) add(o *Obj) *Obj { c.objs = append(c.objs, o); return o }

// Expect adds an expected root cause.
func (c *Case) Expect(id, kind, ns, name, detail string) {
	c.Expected = append(c.Expected, Cause{ID: id, Object: Ref{kind, ns, name}, Detail: detail})
}

// ExpectChange adds a change the last expected root cause must cite.
func (c *Case) ExpectChange(typ, kind, ns, name string, within time.Duration) {
	e := &c.Expected[len(c.Expected)-1]
	e.Changes = append(e.Changes, Change{Type: typ, Object: Ref{kind, ns, name}, Within: within})
}

// Log appends lines to the log of ns/pod/container ("x.previous" for the previous instance).
func (c *Case) Log(ns, pod, container string, lines ...string) {
	p := fmt.Sprintf("logs/%s/%s/%s.log", ns, pod, container)
	c.logs[p] = append(c.logs[p], lines...)
}

// PrevLog appends lines to the previous (crashed) instance's log.
func (c *Case) PrevLog(ns, pod, container string, lines ...string) {
	p := fmt.Sprintf("logs/%s/%s/%s.previous.log", ns, pod, container)
	c.logs[p] = append(c.logs[p], lines...)
}

// File stores an arbitrary bundle file (proxy admin output).
func (c *Case) File(path string, body []byte) { c.files[path] = body }

// ---- deterministic helpers ----

func hashN(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

func uid(parts ...string) string { return kubenames.UID(parts...) }

func suffix(seed string, n int) string { return kubenames.Suffix(seed, n) }

func hexid(seed string, n int) string { return kubenames.HexID(seed, n) }

// Rand is the generators' deterministic random source.
type Rand struct{ kubenames.Rand }

func newRand(seed string) *Rand { return &Rand{kubenames.NewRand(hashN(seed))} }

// Between returns a number in [a,b].
func (r *Rand) Between(a, b int) int { return a + r.N(b-a+1) }

func (r *Rand) Pick(xs ...string) string { return xs[r.N(len(xs))] }

func (r *Rand) UUID() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], r.U64())
	binary.BigEndian.PutUint64(b[8:], r.U64())
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (r *Rand) Hex(n int) string {
	var b strings.Builder
	for b.Len() < n {
		fmt.Fprintf(&b, "%016x", r.U64())
	}
	return b.String()[:n]
}

func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func labelsM(l map[string]string) M {
	m := M{}
	for k, v := range l {
		m[k] = v
	}
	return m
}

func copyLabels(l map[string]string) map[string]string {
	m := map[string]string{}
	for k, v := range l {
		m[k] = v
	}
	return m
}

// matches reports whether labels satisfy selector (equality-based).
func matches(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func ago(t time.Time, d time.Duration) time.Time { return t.Add(-d) }

const (
	Min  = time.Minute
	Sec  = time.Second
	Hour = time.Hour
	Day  = 24 * time.Hour
)
