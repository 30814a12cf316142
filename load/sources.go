package load

import (
	"errors"
	"fmt"
	"hash/maphash"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/report"
)

// A source is an input as the user named it, or an archive found inside
// one (a bundle in a ticket folder). Each keeps what the report says of
// it and what the checks after the read need: was anything usable read
// from it, which cluster is it from, which time do its logs cover.
type source struct {
	idx     int
	name    string // as messages name it: the input, or input/archive
	input   string // the input it belongs to
	archive string // the archive below the input; "" for the input itself
	isDir   bool

	layouts   map[string]bool
	files     int // entries handed to the loader
	objects   int64
	known     int64 // objects of kinds the kinds table knows
	logFiles  int   // logs with at least one line in a known format
	logLines  int64 // their lines
	parsed    int64
	admin     int // Envoy admin clusters read
	first     time.Time
	last      time.Time
	skipped   []report.Skipped // this source's, for its error when nothing is usable
	nSkipped  int
	clusterID string // the kube-system Namespace's UID
	server    string // the API server, as a gather manifest or bug-report records it
	context   string // the kubeconfig context, likewise
	// manifest of a gather bundle, and its index's collectors
	manifest   *manifestInfo
	collectors []bundle.CollectorStatus
	// listed: what its layout says was listed, kind key ("Pod") → namespace
	// ("" for cluster-scoped kinds) → true.
	listed map[string]map[string]bool
	// failed: what its collectors could not collect (support-bundle errors).
	failed []bundle.CollectorError
}

// manifestInfo is what the loader reads of a gather manifest. The
// namespaces gather added because they serve those asked for are read
// from its servingNamespaces member (written by gather -n since format
// version 1's manifest grew it; absent in older bundles).
type manifestInfo struct {
	Namespaces []string           `json:"namespaces,omitempty"`
	Context    string             `json:"context,omitempty"`
	Server     string             `json:"server,omitempty"`
	Serving    []servingNamespace `json:"servingNamespaces,omitempty"`
}

type servingNamespace struct {
	Namespace string   `json:"namespace"`
	Reasons   []string `json:"reasons"`
}

// sources numbers and keeps the sources of one load.
type sources struct {
	mu   sync.Mutex
	list []*source
	by   map[string]*source
	// logs: the identity of each log read (logKey, hashed: a big bundle
	// has 150,000 container logs, and a string each was tens of MB live
	// through the whole read), and the source it was read from, so the
	// same log from two inputs is read once.
	logs map[uint64]int32
	// logRepeats counts logs read again, by (earlier, later) source.
	logRepeats map[[2]int]int
	logNS      map[string]bool // namespaces logs were read from
	skipped    []report.Skipped
	nSkipped   int
}

// maxSkippedListed caps the skipped files the report lists (the count is
// always whole): a must-gather of a big cluster has tens of thousands of
// files analyze does not read.
const maxSkippedListed = 10000

func newSources() *sources {
	return &sources{by: map[string]*source{}, logs: map[uint64]int32{}, logRepeats: map[[2]int]int{}, logNS: map[string]bool{}}
}

// get returns the source of an entry (input and archive), made on first use.
func (ss *sources) get(input, archive string) *source {
	key := input // an input's own entries, most of them: no key to build
	if archive != "" {
		key = input + "\x00" + archive // no input name holds a NUL
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if s, ok := ss.by[key]; ok {
		return s
	}
	s := &source{idx: len(ss.list), input: input, archive: archive, name: sourceName(input, archive), layouts: map[string]bool{}, listed: map[string]map[string]bool{}}
	ss.list = append(ss.list, s)
	ss.by[key] = s
	return s
}

func (ss *sources) of(e *bundle.Entry) *source { return ss.get(e.Input, e.Source) }

func sourceName(input, archive string) string {
	if archive == "" {
		return input
	}
	return strings.TrimSuffix(input, "/") + "/" + archive
}

// entryPath names an entry for the skipped list: the file itself for a
// file given directly, else its path below the input (and archive).
func entryPath(e *bundle.Entry) string {
	if e.Source == "" && e.File == e.Input && e.Input != "" {
		return e.Input
	}
	return sourceName(sourceName(e.Input, e.Source), e.Path)
}

// skip records a file (or a part of one) that was not read, and why.
func (ss *sources) skip(src *source, p, reason string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.nSkipped++
	if len(ss.skipped) < maxSkippedListed {
		ss.skipped = append(ss.skipped, report.Skipped{Path: p, Reason: reason})
	}
	if src != nil {
		src.nSkipped++
		if len(src.skipped) < 5 {
			src.skipped = append(src.skipped, report.Skipped{Path: p, Reason: reason})
		}
	}
}

// with runs fn on src under the lock.
func (ss *sources) with(src *source, fn func(*source)) {
	ss.mu.Lock()
	fn(src)
	ss.mu.Unlock()
}

// noteLog adds what a log scan saw to its source.
func (ss *sources) noteLog(src *source, ns string, st logscan.FileStats) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ns != "" {
		ss.logNS[ns] = true
	}
	src.logLines += st.Lines
	src.parsed += st.Parsed
	if st.Parsed > 0 {
		src.logFiles++
	}
	if !st.First.IsZero() && (src.first.IsZero() || st.First.Before(src.first)) {
		src.first = st.First
	}
	if st.Last.After(src.last) {
		src.last = st.Last
	}
}

// logKey identifies a log across inputs: its container and instance
// (and, for a rotated file, the file), or for a log of unknown origin its
// path and size.
func logKey(e *bundle.Entry, ns, pod, container string, previous bool) uint64 {
	var h maphash.Hash
	h.SetSeed(logKeySeed)
	if pod == "" {
		h.WriteString("?\x00")
		h.WriteString(e.Path)
		fmt.Fprintf(&h, "\x00%d", e.Size)
		return h.Sum64()
	}
	for _, s := range [...]string{ns, "/", pod, "/", container} {
		h.WriteString(s)
	}
	if previous {
		h.WriteString("\x00previous")
	}
	base := path.Base(e.Path)
	if rotated(base) || path.Base(path.Dir(e.Path)) == "rotated" {
		h.WriteString("\x00")
		h.WriteString(base)
	}
	return h.Sum64()
}

// logKeySeed is one seed for every key of a process: keys are compared,
// never stored beyond it. Two different logs share a key with odds of
// 2^-64 per pair, about 10^-9 for a bundle of 150,000 logs.
var logKeySeed = maphash.MakeSeed()

// rotated reports whether a log file's name is that of a rotated log
// (c.log.1, c.log.2.gz, c.log-20240102), not the live one.
func rotated(base string) bool {
	base = strings.TrimSuffix(strings.TrimSuffix(base, ".gz"), ".zst")
	return !strings.HasSuffix(base, ".log") && strings.Contains(base, ".log")
}

// firstRead reports whether a log is read for the first time; a repeat
// is counted against the source that read it first and skipped.
func (ss *sources) firstRead(src *source, key uint64) (bool, *source) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if first, ok := ss.logs[key]; ok {
		if int(first) != src.idx {
			ss.logRepeats[[2]int{int(first), src.idx}]++
		}
		return false, ss.list[first]
	}
	ss.logs[key] = int32(src.idx)
	return true, nil
}

// ordered is the sources in a stable order: by input as given, the input
// itself before the archives inside it, those by path. The list itself is
// in the order the passes met them, which concurrency varies.
func (ss *sources) ordered(inputs []string) []*source {
	rank := map[string]int{}
	for i, in := range inputs {
		if _, ok := rank[in]; !ok {
			rank[in] = i
		}
	}
	out := append([]*source(nil), ss.list...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		ra, oka := rank[a.input]
		rb, okb := rank[b.input]
		switch {
		case oka != okb:
			return oka // inputs before the --log files
		case ra != rb:
			return ra < rb
		case a.input != b.input:
			return a.input < b.input
		}
		return a.archive < b.archive
	})
	return out
}

// byInput groups the sources by the input they belong to.
func (ss *sources) byInput() map[string][]*source {
	out := map[string][]*source{}
	for _, s := range ss.list {
		out[s.input] = append(out[s.input], s)
	}
	return out
}

// usable reports whether anything an analysis can use was read from an
// input's sources: objects, a log line in a known format, Envoy admin data.
func usable(srcs []*source) bool {
	for _, s := range srcs {
		if s.known > 0 || s.parsed > 0 || s.admin > 0 {
			return true
		}
	}
	return false
}

// nothingUsable is the error for an input from which nothing usable was
// read, saying what was there and why none of it could be used.
func nothingUsable(input string, srcs []*source) error {
	files, skipped, lines := 0, 0, int64(0)
	var examples []report.Skipped
	for _, s := range srcs {
		files += s.files
		skipped += s.nSkipped
		lines += s.logLines
		examples = append(examples, s.skipped...)
	}
	sortSkipped(examples)
	if files == 0 && skipped == 0 {
		if len(srcs) > 0 && srcs[0].isDir {
			return fmt.Errorf("%s: nothing to read: the directory holds no file", input)
		}
		return fmt.Errorf("%s: nothing to read: the input is empty", input)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: nothing usable read: no Kubernetes object of a kind analyze knows, no line of a known proxy log format", input)
	if lines > 0 {
		fmt.Fprintf(&b, " (%d log line(s) read, none in a known format; %s)", lines, knownFormats())
	}
	if skipped > 0 {
		fmt.Fprintf(&b, "; %d file(s) skipped", skipped)
		for i, sk := range examples {
			if i == 3 {
				break
			}
			fmt.Fprintf(&b, "%s %s (%s)", map[bool]string{true: ":", false: ","}[i == 0], sk.Path, sk.Reason)
		}
		if skipped > min(3, len(examples)) {
			b.WriteString(", ...")
		}
	}
	return errors.New(b.String())
}

// ---- clusters ----

// clusterKnown reports whether a source says which cluster it comes from.
func (s *source) clusterKnown() bool { return s.clusterID != "" || s.server != "" }

// sameCluster reports whether a and b cannot be told apart: the same
// kube-system UID when both have one, else the same API server when both
// have one. Sources that say nothing match anything.
func sameCluster(a, b *source) bool {
	switch {
	case a.clusterID != "" && b.clusterID != "":
		return a.clusterID == b.clusterID
	case a.server != "" && b.server != "":
		return a.server == b.server
	}
	return true
}

func (s *source) clusterText() string {
	var parts []string
	if s.clusterID != "" {
		parts = append(parts, "kube-system UID "+s.clusterID)
	}
	if s.server != "" {
		parts = append(parts, "server "+s.server)
	}
	if s.context != "" {
		parts = append(parts, "context "+s.context)
	}
	return strings.Join(parts, ", ")
}

// ErrClusters is wrapped by the error refusing inputs of different clusters.
var ErrClusters = errors.New("inputs come from different clusters")

// checkClusters refuses sources from different clusters unless merge is
// set; with merge it returns the warning to give instead.
func (ss *sources) checkClusters(inputs []string, merge bool) (warning string, err error) {
	var known []*source
	for _, s := range ss.ordered(inputs) {
		if s.clusterKnown() {
			known = append(known, s)
		}
	}
	for i, a := range known {
		for _, b := range known[i+1:] {
			if sameCluster(a, b) {
				continue
			}
			if !merge {
				return "", fmt.Errorf("%w: %s (%s) and %s (%s); analyze them one at a time, or give --merge-clusters to read them as one view", ErrClusters, a.name, a.clusterText(), b.name, b.clusterText())
			}
			return fmt.Sprintf("inputs come from different clusters (%s: %s; %s: %s): merged into one view as --merge-clusters asks", a.name, a.clusterText(), b.name, b.clusterText()), nil
		}
	}
	return "", nil
}

// ---- repeats and time windows ----

// repeatWarnings says, once per pair of sources, how many objects and
// logs the later one repeated.
func (ss *sources) repeatWarnings(objects map[[2]int]int) []string {
	pairs := map[[2]int][2]int{}
	for p, n := range objects {
		v := pairs[p]
		v[0] += n
		pairs[p] = v
	}
	for p, n := range ss.logRepeats {
		v := pairs[p]
		v[1] += n
		pairs[p] = v
	}
	var out []string
	for p, v := range pairs {
		if p[0] >= len(ss.list) || p[1] >= len(ss.list) {
			continue
		}
		out = append(out, fmt.Sprintf("%s repeats %d object(s) and %d log(s) of %s: each is counted once", ss.list[p[1]].name, v[0], v[1], ss.list[p[0]].name))
	}
	sort.Strings(out)
	return out
}

// windowWarnings says which sources' logs cover times that do not
// overlap: their symptoms are of different moments.
func (ss *sources) windowWarnings() []string {
	var timed []*source
	for _, s := range ss.list {
		if !s.first.IsZero() && !s.last.IsZero() {
			timed = append(timed, s)
		}
	}
	var out []string
	for i, a := range timed {
		for _, b := range timed[i+1:] {
			if a.last.Before(b.first) || b.last.Before(a.first) {
				out = append(out, fmt.Sprintf("the logs of %s (%s – %s) and of %s (%s – %s) do not overlap in time: their symptoms are of different moments",
					a.name, rfc(a.first), rfc(a.last), b.name, rfc(b.first), rfc(b.last)))
			}
		}
	}
	return out
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// sortSkipped orders skipped files by path: the passes that meet them run
// concurrently, and a report is the same on every run.
func sortSkipped(sk []report.Skipped) {
	sort.Slice(sk, func(i, j int) bool {
		if sk[i].Path != sk[j].Path {
			return sk[i].Path < sk[j].Path
		}
		return sk[i].Reason < sk[j].Reason
	})
}
