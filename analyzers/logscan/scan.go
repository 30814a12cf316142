package logscan

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

const (
	// DefaultMaxLineBytes caps the bytes of one line that are looked at.
	DefaultMaxLineBytes = 1 << 20
	// readBufSize is Scan's read buffer; the lines a read completes are
	// parsed in it without copying.
	readBufSize = 256 << 10
	// MaxGroupsPerFile bounds the distinct symptom groups of one file; further
	// groups are folded into one overflow group per kind, so memory does not
	// grow with log volume even for logs with unbounded label cardinality.
	MaxGroupsPerFile = 10000
	// maxGroupsTotal bounds the Aggregator across all files.
	maxGroupsTotal = 200000
	// maxSampleBytes caps the size of a kept sample line.
	maxSampleBytes = 4096
)

// OverflowUpstream is the Upstream of the catch-all group that counts the
// lines of a kind once the group limit is reached.
const OverflowUpstream = "(other: group limit reached)"

// Options tune an Aggregator.
type Options struct {
	MaxLineBytes int // default DefaultMaxLineBytes
}

// Aggregator collects the symptoms of many files. Scan may run concurrently
// on different files; each Scan aggregates privately and merges once at the
// end under the mutex.
type Aggregator struct {
	opts Options

	mu     sync.Mutex
	groups map[groupKey]*Symptom
	// samples holds the sample lines of all groups (see samples.go);
	// sampleBytes is the length of the lines in it, sampleWaste of those
	// no group keeps any more (see compactSamples).
	samples                  sampleStore
	sampleBytes, sampleWaste int64
	// strs interns the groups' strings: thousands of pods report the same
	// upstream clusters, hosts, authorities and response details.
	strs  map[string]string
	lines int64
	bytes int64
}

// NewAggregator returns an empty Aggregator.
func NewAggregator(opts Options) *Aggregator {
	if opts.MaxLineBytes <= 0 {
		opts.MaxLineBytes = DefaultMaxLineBytes
	}
	return &Aggregator{opts: opts, groups: make(map[groupKey]*Symptom), strs: make(map[string]string)}
}

// Totals returns the lines and bytes scanned so far by all Scan calls.
func (a *Aggregator) Totals() (lines int64, bytes int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.lines, a.bytes
}

// groupKey identifies a group across files: the file's origin and the
// group's key within the file (kind, upstream, route...). A struct of the
// strings both already hold, not a concatenation: a big bundle has tens of
// thousands of groups.
type groupKey struct {
	origin Origin
	key    string
}

// Symptoms returns deep copies of all symptom groups, ordered by kind,
// origin, upstream, route (then authority and format to make it total).
func (a *Aggregator) Symptoms() []Symptom {
	a.mu.Lock()
	out := make([]Symptom, 0, len(a.groups))
	for _, g := range a.groups {
		out = append(out, *g)
	}
	ptrs := make([]*Symptom, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	a.samples.materialize(ptrs)
	a.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return symptomLess(&out[i], &out[j]) })
	return out
}

// TakeGroups is Symptoms for the last reader: it hands the groups over
// themselves, not copied, ordered as Symptoms orders them, and empties
// the Aggregator, so the groups are not held twice while facts are built
// from them (a big bundle has tens of thousands). Their Samples are nil:
// the lines stay compressed in the returned set until SampleSet.Fill.
func (a *Aggregator) TakeGroups() ([]*Symptom, *SampleSet) {
	a.mu.Lock()
	out := make([]*Symptom, 0, len(a.groups))
	for _, g := range a.groups {
		out = append(out, g)
	}
	set := &SampleSet{store: a.samples}
	a.groups, a.samples, a.strs = make(map[groupKey]*Symptom), sampleStore{}, make(map[string]string)
	a.sampleBytes, a.sampleWaste = 0, 0
	a.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return symptomLess(out[i], out[j]) })
	return out, set
}

func symptomLess(x, y *Symptom) bool {
	if x.Kind != y.Kind {
		return x.Kind < y.Kind
	}
	if x.Origin.Namespace != y.Origin.Namespace {
		return x.Origin.Namespace < y.Origin.Namespace
	}
	if x.Origin.Pod != y.Origin.Pod {
		return x.Origin.Pod < y.Origin.Pod
	}
	if x.Origin.Container != y.Origin.Container {
		return x.Origin.Container < y.Origin.Container
	}
	if x.Origin.File != y.Origin.File {
		return x.Origin.File < y.Origin.File
	}
	if x.Upstream != y.Upstream {
		return x.Upstream < y.Upstream
	}
	if x.Route != y.Route {
		return x.Route < y.Route
	}
	if x.Authority != y.Authority {
		return x.Authority < y.Authority
	}
	return x.Format < y.Format
}

// Scan reads one log, detects its format (per line, so mixed container logs
// work) and aggregates its failure lines. A read error is returned wrapped
// with the name; what was read before it is still aggregated.
func (a *Aggregator) Scan(origin Origin, name string, r io.Reader) (FileStats, error) {
	s := newFileScan(origin, a.opts.MaxLineBytes)
	err := s.run(r)
	st := s.fileStats()
	a.merge(s)
	if err != nil {
		return st, fmt.Errorf("logscan: reading %s: %w", name, err)
	}
	return st, nil
}

// ScanBytes is Scan over a log already in memory: lines are parsed in
// place, with no read buffer and no copy, which matters when a bundle
// holds thousands of small container logs.
func (a *Aggregator) ScanBytes(origin Origin, name string, data []byte) FileStats {
	s := newFileScan(origin, a.opts.MaxLineBytes)
	s.runBytes(data)
	st := s.fileStats()
	a.merge(s)
	return st
}

// Stream is a Scan whose log is written to it in order, in pieces cut
// anywhere (a line may span pieces): for a reader that decompresses a big
// log chunk by chunk and hands the chunks to another goroutine to scan,
// so decompressing and scanning run at once. Write neither fails nor
// keeps p. A Stream is for one goroutine at a time.
type Stream struct {
	a *Aggregator
	s *fileScan
}

// NewStream starts scanning one log.
func (a *Aggregator) NewStream(origin Origin) *Stream {
	return &Stream{a: a, s: newFileScan(origin, a.opts.MaxLineBytes)}
}

// Write scans the lines p completes.
func (st *Stream) Write(p []byte) (int, error) {
	st.s.feed(p)
	return len(p), nil
}

// Close ends the log: its last line is scanned and its groups are merged
// into the Aggregator.
func (st *Stream) Close() FileStats {
	st.s.finish()
	fs := st.s.fileStats()
	st.a.merge(st.s)
	return fs
}

// merge folds the per-file groups into the Aggregator.
func (a *Aggregator) merge(s *fileScan) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.lines += s.stats.Lines
	a.bytes += s.stats.Bytes
	base := a.samples.takeBlocks(&s.samples)
	for _, g := range s.groups {
		a.sampleBytes += g.kept.bytes()
	}
	defer a.compactSamplesIfWasteful()
	for k, g := range s.groups {
		g.kept.rebase(base)
		key := groupKey{s.origin, k}
		cur, ok := a.groups[key]
		if !ok {
			if len(a.groups) >= maxGroupsTotal {
				key.key = g.Kind + "\x00\x00overflow"
				if cur, ok = a.groups[key]; !ok {
					o := *g
					o.Upstream, o.UpstreamHost, o.Route, o.Authority = OverflowUpstream, "", "", ""
					a.groups[key] = &o
					continue
				}
			} else {
				a.intern(g)
				a.groups[key] = g
				continue
			}
		}
		before := cur.kept.bytes() + g.kept.bytes()
		mergeInto(cur, g)
		a.sampleWaste += before - cur.kept.bytes()
	}
}

// minSampleWaste is the waste below which the sample store is never
// compacted (a variable for tests).
var minSampleWaste int64 = 8 << 20

// compactSamplesIfWasteful rewrites the sample store with only the lines
// the groups keep, once the others outweigh them. Lines are dropped when
// groups merge: files of one container (rotated logs, a directory next to
// a bundle) or of groups beyond maxGroupsTotal each bring up to
// MaxSamples lines per group, of which the merged group keeps MaxSamples.
// Without this the store would grow with the number of such files, not
// with the groups. The caller holds a.mu.
func (a *Aggregator) compactSamplesIfWasteful() {
	if a.sampleWaste < max(minSampleWaste, a.sampleBytes-a.sampleWaste) {
		return
	}
	groups := make([]*Symptom, 0, len(a.groups))
	kept := make([]SampleRefs, 0, len(a.groups))
	for _, g := range a.groups {
		groups = append(groups, g)
		kept = append(kept, g.kept)
	}
	var fresh, into sampleStore
	for i, lines := range a.samples.lines(kept) {
		var k SampleRefs
		for _, l := range lines {
			k.add(fresh.add([]byte(l)))
		}
		groups[i].kept = k
	}
	into.takeBlocks(&fresh)
	a.samples = into
	a.sampleBytes -= a.sampleWaste
	a.sampleWaste = 0
}

// intern makes g share the strings other groups already hold. The set is
// bounded as the groups are, by maxGroupsTotal.
func (a *Aggregator) intern(g *Symptom) {
	for _, p := range [...]*string{&g.Upstream, &g.UpstreamHost, &g.Route, &g.Authority, &g.Details} {
		if *p == "" {
			continue
		}
		if v, ok := a.strs[*p]; ok {
			*p = v
		} else {
			a.strs[*p] = *p
		}
	}
}

// mergeInto adds group g (later or concurrent file) to cur.
func mergeInto(cur, g *Symptom) {
	earlier := !g.First.IsZero() && (cur.First.IsZero() || g.First.Before(cur.First))
	cur.Count += g.Count
	if !g.Last.IsZero() && (cur.Last.IsZero() || !g.Last.Before(cur.Last)) {
		cur.Last = g.Last
		cur.Code = g.Code
	} else if cur.Last.IsZero() && g.Last.IsZero() {
		cur.Code = g.Code
	}
	if earlier {
		cur.First = g.First
		if g.Details != "" {
			cur.Details = g.Details
		}
	}
	if cur.Details == "" {
		cur.Details = g.Details
	}
	if g.Rate != nil {
		if cur.Rate == nil {
			cur.Rate = new(Rate)
		}
		cur.Rate.merge(g.Rate)
	}
	if cur.UpstreamHost == "" {
		cur.UpstreamHost = g.UpstreamHost
	}
	if cur.Authority == "" {
		cur.Authority = g.Authority
	}
	// Keep the earliest samples: files merge in any order under concurrency.
	if earlier {
		cur.kept = merged(g.kept, cur.kept)
	} else {
		cur.kept = merged(cur.kept, g.kept)
	}
}

// fileScan is the private, lock-free state of one Scan.
type fileScan struct {
	origin       Origin
	maxLine      int
	groups       map[string]*Symptom
	samples      sampleStore
	keyBuf       []byte
	partial      []byte            // the first bytes of a line split between inputs to feed
	partialBytes int               // the bytes of that line fed so far
	join         []byte            // CRI partial-line assembly buffer
	raw          []byte            // the current line as read (for samples)
	cur          int               // index into formatTable of the current format, -1 if none
	parsed       [maxFormats]int64 // lines parsed per formatTable entry
	first        int               // index of the first detected format, -1 if none
	stats        FileStats
	words        bool   // lines carry a "pod container " prefix
	noSide       bool   // detection only: parse but do not record
	timeTries    int    // lines tried for the file's first time (window.go)
	lastLine     []byte // the last complete line fed so far (window.go)
}

func newFileScan(origin Origin, maxLine int) *fileScan {
	if maxLine <= 0 {
		maxLine = DefaultMaxLineBytes
	}
	return &fileScan{origin: origin, maxLine: maxLine, groups: make(map[string]*Symptom), cur: -1, first: -1}
}

func (s *fileScan) fileStats() FileStats {
	st := s.stats
	best := -1
	for i, n := range s.parsed {
		if n > 0 && (best < 0 || n > s.parsed[best] || (n == s.parsed[best] && i == s.first)) {
			best = i
		}
	}
	if best >= 0 {
		st.Format = formatTable[best].Format
	}
	return st
}

// run scans r to its end: each read is fed as it comes, so lines are
// parsed in the read buffer without a further copy.
func (s *fileScan) run(r io.Reader) error {
	bp := readBufs.Get().(*[]byte)
	defer readBufs.Put(bp)
	buf := *bp
	for {
		n, err := r.Read(buf)
		s.feed(buf[:n])
		if err != nil {
			s.finish()
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// readBufs recycles run's read buffers: a cluster-info dump tree has a
// log section per container, 150,000 of them for 50,000 pods.
var readBufs = sync.Pool{New: func() any { b := make([]byte, readBufSize); return &b }}

// runBytes is run over data in memory.
func (s *fileScan) runBytes(data []byte) {
	s.feed(data)
	s.finish()
}

// feed scans the lines p completes. The line p leaves unfinished is kept
// for the next feed or finish, so a log may come in pieces cut anywhere
// and still be read exactly as if it came whole (FuzzScan checks this).
// Of a line split between pieces only its first maxLine+2 bytes are kept:
// cutLine then sees what it would see of the whole line (the ending it
// strips is at most 2 bytes), so memory stays bounded by maxLine however
// long the line.
func (s *fileScan) feed(p []byte) {
	var last []byte
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.keepLastLine(last) // before keepPartial reuses the partial buffer
			last = nil
			s.keepPartial(p)
			return
		}
		l := p[:i+1]
		p = p[i+1:]
		n := len(l)
		if s.partialBytes > 0 {
			s.keepPartial(l)
			l, n = s.partial, s.partialBytes
			s.partial, s.partialBytes = s.partial[:0], 0 // l is handled before the next append
		}
		s.stats.Bytes += int64(n)
		l = s.cutLine(l)
		if len(l) > 0 {
			last = l
		}
		s.handle(l)
	}
	s.keepLastLine(last)
}

// keepPartial adds p to the unfinished line.
func (s *fileScan) keepPartial(p []byte) {
	if room := s.maxLine + 2 - len(s.partial); room > 0 {
		s.partial = append(s.partial, p[:min(len(p), room)]...)
	}
	s.partialBytes += len(p)
}

// finish ends the input: a last line without a line ending is a line, a
// CRI partial line never completed is one too.
func (s *fileScan) finish() {
	if s.partialBytes > 0 {
		s.stats.Bytes += int64(s.partialBytes)
		l := s.cutLine(s.partial)
		s.partial, s.partialBytes = s.partial[:0], 0
		if len(l) > 0 {
			s.keepLastLine(l)
		}
		s.handle(l)
	}
	s.flushJoin()
	s.closeWindow()
}

// cutLine drops a line's ending and cuts it to maxLine bytes (counting the
// cut).
func (s *fileScan) cutLine(l []byte) []byte {
	if len(l) > 0 && l[len(l)-1] == '\n' {
		l = l[:len(l)-1]
	}
	if len(l) > 0 && l[len(l)-1] == '\r' {
		l = l[:len(l)-1]
	}
	if len(l) > s.maxLine {
		l = l[:s.maxLine]
		s.stats.LongLines++
	}
	return l
}

// flushJoin handles a CRI partial line never completed by the end of input.
func (s *fileScan) flushJoin() {
	if len(s.join) > 0 {
		s.handleLogical(s.join, s.join)
		s.join = s.join[:0]
	}
}

// handle processes one physical line: CRI framing first (joining partial
// lines), then the logical line.
func (s *fileScan) handle(l []byte) {
	if content, partial, ok := stripCRI(l); ok {
		if partial {
			if room := s.maxLine - len(s.join); room > 0 {
				s.join = append(s.join, content[:min(len(content), room)]...)
			}
			return
		}
		if len(s.join) > 0 {
			if room := s.maxLine - len(s.join); room > 0 {
				s.join = append(s.join, content[:min(len(content), room)]...)
			}
			s.handleLogical(s.join, s.join)
			s.join = s.join[:0]
			return
		}
		s.handleLogical(l, content)
		return
	}
	s.handleLogical(l, l)
}

// handleLogical parses one logical line; raw is what a sample keeps.
func (s *fileScan) handleLogical(raw, l []byte) {
	s.stats.Lines++
	s.raw = raw
	if s.timeTries < windowTries {
		s.noteFirstTime(raw)
	}
	l = stripPrefix(l)
	if s.words {
		if w := stripWordPrefix(l); w != nil {
			l = w
		}
	}
	if len(l) == 0 {
		return
	}
	if s.cur >= 0 && s.parse(s.cur, l) {
		return
	}
	if s.detect(l, s.cur) {
		return
	}
	if !s.words {
		if w := stripWordPrefix(l); w != nil && s.detect(w, -1) {
			s.words = true
		}
	}
}

// detect tries every format of formatTable but skip (already tried) on l
// and makes the first that accepts it the current format.
func (s *fileScan) detect(l []byte, skip int) bool {
	for i := range formatTable {
		if i != skip && s.parse(i, l) {
			s.cur = i
			if s.first < 0 {
				s.first = i
			}
			return true
		}
	}
	return false
}

// parse reads l as a line of formatTable[i].
func (s *fileScan) parse(i int, l []byte) bool {
	f := &formatTable[i]
	if !f.parse(s, l) {
		return false
	}
	s.parsed[i]++
	s.stats.Parsed++
	return true
}

// hit is one failure observation, pointing into the current line.
type hit struct {
	kind      string // a constant: never allocated per line
	format    Format
	upstream  []byte
	host      []byte
	route     []byte
	authority []byte
	details   []byte
	code      int
	t         time.Time
	// unescape says how to turn raw values into strings at group creation.
	unescape func([]byte) string
}

// record adds h to its group. The map lookup uses a key built into a reused
// buffer; m[string(buf)] does not allocate, so only a new group or a kept
// sample allocates.
func (s *fileScan) record(h *hit) {
	if s.noSide {
		return
	}
	kb := append(s.keyBuf[:0], h.kind...)
	kb = append(kb, 0)
	kb = append(kb, h.upstream...)
	kb = append(kb, 0)
	kb = append(kb, h.route...)
	kb = append(kb, 0)
	if len(h.upstream) == 0 {
		kb = append(kb, h.authority...)
	}
	s.keyBuf = kb
	g, ok := s.groups[string(kb)]
	if !ok {
		if len(s.groups) >= MaxGroupsPerFile {
			kb = append(append(s.keyBuf[:0], h.kind...), "\x00\x00overflow"...)
			s.keyBuf = kb
			if g, ok = s.groups[string(kb)]; !ok {
				g = &Symptom{Kind: h.kind, Format: h.format, Origin: s.origin, Upstream: OverflowUpstream}
				s.groups[string(kb)] = g
			}
		} else {
			g = s.newGroup(h)
			s.groups[string(kb)] = g
		}
	}
	s.stats.Failures++
	g.Count++
	g.Code = h.code
	if !h.t.IsZero() {
		if g.First.IsZero() || h.t.Before(g.First) {
			g.First = h.t
		}
		if h.t.After(g.Last) {
			g.Last = h.t
		}
		if g.Rate == nil {
			g.Rate = new(Rate)
		}
		g.Rate.add(h.t.Unix(), 1)
	}
	if g.UpstreamHost == "" && len(h.host) > 0 {
		g.UpstreamHost = s.str(h, h.host)
	}
	if g.Authority == "" && len(h.authority) > 0 {
		g.Authority = s.str(h, h.authority)
	}
	if g.Details == "" && len(h.details) > 0 {
		g.Details = s.str(h, h.details)
	}
	if int(g.kept.n) < MaxSamples {
		g.kept.add(s.samples.add(s.raw[:min(len(s.raw), maxSampleBytes)]))
	}
}

func (s *fileScan) str(h *hit, b []byte) string {
	if h.unescape != nil {
		return h.unescape(b)
	}
	return string(b)
}

func (s *fileScan) newGroup(h *hit) *Symptom {
	return &Symptom{
		Kind:     h.kind,
		Format:   h.format,
		Origin:   s.origin,
		Upstream: s.str(h, h.upstream),
		Route:    s.str(h, h.route),
	}
}
