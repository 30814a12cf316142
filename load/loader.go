package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/analyzers/envoyadmin"
	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/docker"
	"github.com/nohealthy/nohealthy/kinds"
	"github.com/nohealthy/nohealthy/s3input"
)

// statusRank orders collector statuses from best to worst, so the worst
// status across namespaces is what a cluster-wide question sees.
var statusRank = map[string]int{bundle.StatusOK: 0, bundle.StatusSkipped: 1, bundle.StatusFailed: 2, bundle.StatusForbidden: 3}

type loader struct {
	opts     Options
	inputs   []string
	lim      bundle.Limits
	srcs     *sources
	objects  *Objects
	agg      *logscan.Aggregator
	coverage map[string]string
	admin    map[analyzers.Ref][]envoyadmin.Cluster
	tails    map[string][]string
	docker   *docker.Inventory
	warnings []string
	created  *time.Time
	mu       sync.Mutex
	// metaMu guards created, coverage and admin: with a log frame index
	// both passes of a file may read such entries.
	metaMu sync.Mutex
	// useLogFrames: split file inputs at their log frame (see walkSplit).
	useLogFrames bool

	// dir is the current input when it is a directory: its files are
	// opened again by the workers instead of read by the walker.
	dir  string
	jobs chan job
	wg   sync.WaitGroup
	// objectsDone: the objects pass of the current file input has handed
	// out its last entry (see dispatch).
	objectsDone atomic.Bool
	bufs        entryBuffers
	// pendingObjects counts objects entries queued or being decoded;
	// collected is set once the collection after the objects ran.
	pendingObjects atomic.Int64
	collected      atomic.Bool
	// chunkSlots holds a token per chunk of a big log read and not yet
	// scanned (see streamLog).
	chunkSlots chan struct{}
}

// objectsDecoded runs when the objects pass is over and no objects entry
// is left to decode: decoding's garbage is dead then, and a log pass of
// minutes would otherwise carry it until the heap next doubles. It frees
// what the loader holds for objects and tells Phases.ObjectsDecoded, on a
// goroutine of its own (the core the decoding just freed).
func (l *loader) objectsDecoded() {
	if l.objectsDone.Load() && l.pendingObjects.Load() == 0 && l.collected.CompareAndSwap(false, true) {
		// The logs need no buffer bigger than maxBufferedLog; the objects
		// entries' buffers (up to maxBuffered each) would stay live, and
		// be marked by every collection, for the rest of the load.
		l.bufs.trim(entryClass(maxBufferedLog))
		if hook := l.opts.Phases.ObjectsDecoded; hook != nil {
			l.wg.Add(1) // stopWorkers waits for it
			go func() {
				defer l.wg.Done()
				hook()
			}()
		}
	}
}

func (l *loader) warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.warnings) < 1000 {
		l.warnings = append(l.warnings, msg)
	} else if len(l.warnings) == 1000 {
		l.warnings = append(l.warnings, "further warnings suppressed")
	}
	if l.opts.Warn != nil {
		l.opts.Warn(msg)
	}
}

// Inputs reads every input (bundle, directory, cluster-info dump, loose
// files) and the --log files, merges the objects, scans the logs and
// derives the facts, their symptoms' samples filled. An input that cannot
// be read at all is an error naming it; a bad file inside a tree is a
// warning and the rest is analyzed.
//
// The order is what keeps memory flat: objects and logs are read, the
// facts are built from them, the objects and log groups are dropped (and
// Phases.StoreDropped may collect them), and only then are the symptoms'
// sample lines decompressed into the facts.
func Inputs(inputs []string, opts Options) (*analyzers.Snapshot, error) {
	if len(inputs) == 0 && len(opts.Logs) == 0 {
		return nil, errors.New("no input: give a bundle (.tar.zst), a directory, or kubectl output files")
	}
	snap, err := load(inputs, opts, true)
	var fe *frameError
	if errors.As(err, &fe) {
		// A log frame trailer that does not match its archive (a damaged
		// or tampered bundle): read everything again, trusting none.
		snap, err = load(inputs, opts, false)
		if snap != nil {
			snap.Warnings = append(snap.Warnings, fe.Error()+"; read again without it")
			sort.Strings(snap.Warnings)
		}
	}
	return snap, err
}

// frameError: the entry a bundle's log frame trailer names is not the one
// the archive holds at that position, or (notFrame) no zstd frame starting
// with it is at the offset the trailer gives.
type frameError struct {
	input, want, got string
	entry            int
	notFrame         bool
}

func (e *frameError) Error() string {
	if e.notFrame {
		return fmt.Sprintf("%s: the bundle's log frame index places a frame starting with entry %d %q where the archive has none", e.input, e.entry, e.want)
	}
	got := strconv.Quote(e.got)
	if e.got == "" {
		got = "no entry"
	}
	return fmt.Sprintf("%s: the bundle's log frame index names entry %d %q, the archive has %s there", e.input, e.entry, e.want, got)
}

func load(inputs []string, opts Options, useLogFrames bool) (*analyzers.Snapshot, error) {
	l := newLoader(opts, useLogFrames)
	l.inputs = inputs
	for _, in := range inputs {
		if s3input.IsURL(in) {
			l.srcs.get(in, "") // an input with no entry is a source too
			if err := l.walkRemote(in); err != nil {
				l.stopWorkers()
				return nil, err
			}
			continue
		}
		l.dir = ""
		isDir := false
		if !bundle.IsStream(in) {
			st, err := os.Stat(in)
			if err != nil {
				l.stopWorkers()
				return nil, fmt.Errorf("%s: %w", in, errors.Unwrap(err))
			}
			isDir = st.IsDir()
			if isDir {
				l.dir = in
			}
		}
		l.srcs.get(in, "").isDir = isDir // an input with no entry is a source too
		if err := l.walk(in, isDir); err != nil {
			l.stopWorkers()
			return nil, err
		}
	}
	l.stopWorkers()
	// Every entry is read: the free buffers and the idle decoders are
	// garbage, and tens of MB that would pace the collector while the
	// facts are built.
	l.bufs.drop()
	bundle.CloseIdleDecoders()
	for _, lg := range opts.Logs {
		if err := l.readLogFlag(lg); err != nil {
			return nil, err
		}
	}
	if err := l.checkInputs(inputs); err != nil {
		return nil, err
	}
	sort.Strings(l.warnings) // workers finish in any order; the report must not
	l.finishCoverage()
	lines, _ := l.agg.Totals()
	if opts.Phases.InputsRead != nil {
		opts.Phases.InputsRead()
	}
	groups, samples := l.agg.TakeGroups()
	kept := l.objects.Store()
	if opts.Objects != nil {
		opts.Objects(kept, l.coverage)
	}
	facts := analyzers.BuildFacts(kept, analyzers.BuildInput{
		Symptoms: groups, Samples: samples, Admin: l.admin, Coverage: l.coverage, PreviousTails: l.tails, Docker: l.docker,
	})
	snap := &analyzers.Snapshot{
		Sources: l.sourceNames(), Warnings: append(l.warnings, facts.Warnings...), CollectedAt: l.created,
		ObjectCount: kept.Count() + l.docker.Count(), LogLines: lines, Facts: facts,
	}
	sortSkipped(l.srcs.skipped)
	snap.Scope, snap.Skipped, snap.SkippedCount = l.scope(kept, facts), l.srcs.skipped, l.srcs.nSkipped
	// The objects and the log groups, most of the heap, are garbage now,
	// and nothing the facts need is still compressed but their samples.
	l.objects, l.agg = nil, nil
	if opts.Phases.StoreDropped != nil {
		opts.Phases.StoreDropped()
	}
	facts.FillSamples()
	return snap, nil
}

// readLogFlag scans a log named with --log, a source of its own.
func (l *loader) readLogFlag(lg LogFile) error {
	src := l.srcs.get("--log "+lg.Path, "")
	f, err := os.Open(lg.Path)
	if err != nil {
		return fmt.Errorf("--log %s: %w", lg.Path, errors.Unwrap(err))
	}
	defer f.Close()
	origin := lg.Origin
	if origin.Pod == "" {
		origin.File = lg.Path
	}
	st, err := l.agg.Scan(origin, lg.Path, f)
	if err != nil {
		return fmt.Errorf("--log %s: %w", lg.Path, err)
	}
	l.srcs.noteLog(src, lg.Origin.Namespace, st)
	if st.Parsed == 0 {
		return fmt.Errorf("--log %s: no line in a known proxy log format (%d lines read; %s)", lg.Path, st.Lines, knownFormats())
	}
	return nil
}

// knownFormats names the log formats logscan reads, for errors.
func knownFormats() string {
	var names []string
	for _, f := range logscan.Formats() {
		names = append(names, string(f.Format))
	}
	return "formats read: " + strings.Join(names, ", ")
}

// checkInputs ends a load that read nothing usable from an input, or that
// mixes clusters without --merge-clusters, and warns of repeats and of
// logs of different times.
func (l *loader) checkInputs(inputs []string) error {
	by := l.srcs.byInput()
	for _, in := range inputs {
		if !usable(by[in]) {
			return nothingUsable(in, by[in])
		}
	}
	warning, err := l.srcs.checkClusters(inputs, l.opts.MergeClusters)
	if err != nil {
		return err
	}
	if warning != "" {
		l.warnings = append(l.warnings, warning)
	}
	l.warnings = append(l.warnings, l.srcs.repeatWarnings(l.objects.Repeats())...)
	l.warnings = append(l.warnings, l.srcs.windowWarnings()...)
	return nil
}

// sourceNames are the report's input.sources: the inputs, then each
// archive read inside one.
func (l *loader) sourceNames() []string {
	out := []string{}
	for _, s := range l.srcs.ordered(l.inputs) {
		if !strings.HasPrefix(s.input, "--log ") {
			out = append(out, s.name)
		}
	}
	return out
}

// newLoader returns a loader with its workers started.
func newLoader(opts Options, useLogFrames bool) *loader {
	l := &loader{
		opts: opts, lim: opts.Limits.WithDefaults(), objects: NewObjects(), useLogFrames: useLogFrames, srcs: newSources(),
		coverage: map[string]string{}, admin: map[analyzers.Ref][]envoyadmin.Cluster{}, tails: map[string][]string{},
		docker: docker.NewInventory(),
	}
	l.agg = logscan.NewAggregator(logscan.Options{MaxLineBytes: l.lim.MaxLineBytes})
	l.chunkSlots = make(chan struct{}, (logChunksAhead+1)*runtime.GOMAXPROCS(0))
	l.startWorkers()
	return l
}

// Bundles hold their objects first and gigabytes of logs after them
// (gather writes in the order its collectors finish; readers may not rely
// on it, and do not). Decoding objects costs far more CPU per byte than
// decompressing, so read in one pass the workers decoded objects while the
// stream waited, then the stream was decompressed while the workers idled.
// A file input is therefore read twice at once: one pass hands the objects
// entries that come before the first log to the workers and stops at that
// log; the other pass reads everything else (logs on the walker itself,
// manifest, index, and any objects entry after the first log). Both passes
// see the same bytes, so they agree on where that first log is, whatever
// the order. The cost is decompressing the leading objects twice; bundles
// written by bundle.Writer say where their log frames start, and are read
// by walkSplit without that cost, the logs by several passes.

// errObjectsDone stops the objects pass at the first log.
var errObjectsDone = errors.New("objects pass done")

// walk reads one input, in concurrent passes when it is a file.
func (l *loader) walk(in string, isDir bool) error {
	warn := l.walkWarn(in)
	if in == "-" && l.opts.Stdin != nil {
		return bundle.WalkReader(in, "", l.opts.Stdin, l.lim, warn, l.entry)
	}
	if isDir || runtime.GOMAXPROCS(0) < 2 || bundle.IsStream(in) {
		return bundle.Walk(in, l.lim, warn, l.entry)
	}
	if l.useLogFrames {
		if frames, ok := bundle.ReadLogFrames(in); ok {
			return l.walkSplit(in, frames, warn)
		}
	}
	return l.twoPasses(func(warn func(string, error), fn bundle.WalkFunc) error { return bundle.Walk(in, l.lim, warn, fn) }, warn)
}

// twoPasses reads a stream that walk opens afresh on each call in two
// concurrent passes: the objects before the first log, and everything
// else (see above).
func (l *loader) twoPasses(walk func(warn func(string, error), fn bundle.WalkFunc) error, warn func(string, error)) error {
	seenLog := false
	return l.passes(func() error {
		return walk(func(string, error) {}, func(e *bundle.Entry) error {
			switch {
			case e.Type.IsLog():
				return errObjectsDone
			case e.Type == bundle.EntryObjects:
				return l.entry(e)
			}
			return nil
		})
	}, func() error {
		return walk(warn, func(e *bundle.Entry) error {
			if e.Type.IsLog() {
				seenLog = true
			}
			if e.Type == bundle.EntryObjects && !seenLog {
				return nil // the objects pass reads it
			}
			return l.entry(e)
		})
	})
}

// passes runs the objects pass and the other passes (at least one), each
// on its own goroutine, and returns the first error that matters: the
// other passes' first, in order (they saw the same bytes), else the
// objects pass's unless it just stopped early.
func (l *loader) passes(objects func() error, rest ...func() error) error {
	var objErr error
	done := make(chan struct{})
	l.objectsDone.Store(false)
	l.collected.Store(false)
	go func() {
		defer close(done)
		defer l.objectsDecoded()
		defer l.objectsDone.Store(true)
		objErr = objects()
	}()
	errs := make([]error, len(rest))
	var wg sync.WaitGroup
	for i := 1; i < len(rest); i++ {
		wg.Go(func() { errs[i] = rest[i]() })
	}
	errs[0] = rest[0]()
	wg.Wait()
	<-done
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if objErr != nil && !errors.Is(objErr, errObjectsDone) {
		return objErr
	}
	return nil
}

// walkWarn records what bundle.Walk could not read of input in as
// skipped, with the reason; an incomplete bundle is a warning of its own.
func (l *loader) walkWarn(in string) func(string, error) {
	return func(p string, err error) {
		if errors.Is(err, bundle.ErrIncompleteBundle) {
			l.warn("%v", err)
			return
		}
		reason := err.Error()
		var fe *bundle.FileError
		if errors.As(err, &fe) {
			reason = fe.Err.Error()
		}
		l.srcs.skip(l.srcs.get(in, ""), sourceName(in, p), reason)
	}
}

// errFrameEnd stops a logs pass at the frame the next pass starts with.
var errFrameEnd = errors.New("log frames pass done")

// walkSplit is walk for a bundle whose trailer says where its log frames
// start (bundle.LogFrame): the objects pass reads every entry before the
// first frame while GOMAXPROCS logs passes share out the frames, each
// taking the next frame nobody has read and decompressing it from its
// start up to the next frame's first entry. Each entry is read by exactly
// one pass, whatever the order of entries, and nothing is decompressed
// twice. With a single decompressor the logs of a big bundle kept one core
// busy long after the objects were decoded, the other idle; with a fixed
// split some passes end early while others have gigabytes left. Taking
// frames as they come, every pass works until the last frame is taken.
// When a frame does not start where the trailer says, or a pass finds
// another entry where the next frame should start (or none), the split
// cannot be trusted: a frameError makes Inputs read the input again without
// it.
func (l *loader) walkSplit(in string, frames []bundle.LogFrame, warn func(string, error)) error {
	// stops[i] is the entry found where frame i starts, by the pass that
	// read the entries before it (the objects pass for frame 0).
	stops := make([]string, len(frames))
	objects := func() error {
		return bundle.Walk(in, l.lim, warn, func(e *bundle.Entry) error {
			if e.Ordinal >= frames[0].Entry {
				stops[0] = e.Path
				return errObjectsDone
			}
			return l.entry(e)
		})
	}
	var next atomic.Int64
	frame := func(i int) error {
		from, until := frames[i], -1 // until: the next frame's first entry
		if i+1 < len(frames) {
			until = frames[i+1].Entry
		}
		fn := func(e *bundle.Entry) error {
			if until >= 0 && e.Ordinal >= until {
				stops[i+1] = e.Path
				return errFrameEnd
			}
			return l.entry(e)
		}
		err := bundle.WalkFrom(in, from, l.lim, warn, fn)
		switch {
		case errors.Is(err, errFrameEnd):
			return nil
		case errors.Is(err, bundle.ErrLogFrameMismatch):
			return &frameError{input: in, entry: from.Entry, want: from.Path, notFrame: true}
		}
		return err
	}
	var failed atomic.Bool
	logPass := func() error {
		for !failed.Load() {
			i := int(next.Add(1) - 1)
			if i >= len(frames) {
				return nil
			}
			if err := frame(i); err != nil {
				failed.Store(true) // the others stop taking frames
				return err
			}
		}
		return nil
	}
	logPasses := make([]func() error, min(runtime.GOMAXPROCS(0), len(frames)))
	for i := range logPasses {
		logPasses[i] = logPass
	}
	if err := l.passes(objects, logPasses...); err != nil {
		return err
	}
	for i, lf := range frames {
		if stops[i] != lf.Path {
			return &frameError{input: in, entry: lf.Entry, want: lf.Path, got: stops[i]}
		}
	}
	return nil
}

func (l *loader) entry(e *bundle.Entry) error {
	where := sourceName(e.Input, e.Source) + ": " + e.Path
	src := l.srcs.of(e)
	if e.Type == bundle.EntryArchive {
		// A source of its own: its entries follow.
		l.srcs.get(e.Input, joinPath(e.Source, e.Path))
		return nil
	}
	l.srcs.with(src, func(s *source) {
		s.files++
		if e.Layout != "" {
			s.layouts[e.Layout] = true
		}
	})
	switch e.Type {
	case bundle.EntryManifest:
		data, err := io.ReadAll(io.LimitReader(e.Body, 16<<20))
		var m bundle.Manifest
		var mi manifestInfo
		if err == nil {
			err = jsonv2.Unmarshal(data, &m, bundle.JSONOptions)
		}
		if err == nil {
			err = jsonv2.Unmarshal(data, &mi, bundle.JSONOptions)
		}
		if err != nil {
			l.warn("%s: unreadable manifest: %v", where, err)
			l.srcs.skip(src, entryPath(e), "unreadable manifest: "+err.Error())
			return nil
		}
		l.srcs.with(src, func(s *source) {
			s.manifest = &mi
			s.layouts[bundle.LayoutGather] = true
			s.server, s.context = mi.Server, mi.Context
		})
		if !m.CreatedAt.IsZero() {
			t := m.CreatedAt.UTC()
			l.metaMu.Lock()
			l.created = &t
			l.metaMu.Unlock()
		}
	case bundle.EntryIndex:
		var ix bundle.Index
		if err := jsonv2.UnmarshalRead(io.LimitReader(e.Body, 256<<20), &ix, bundle.JSONOptions); err != nil {
			l.warn("%s: unreadable index: %v", where, err)
			l.srcs.skip(src, entryPath(e), "unreadable index: "+err.Error())
			return nil
		}
		l.srcs.with(src, func(s *source) { s.collectors = append(s.collectors, ix.Collectors...) })
		l.metaMu.Lock()
		defer l.metaMu.Unlock()
		for _, c := range ix.Collectors {
			kind := c.Kind
			if k := kinds.ByCollector(c.Name); kind == "" && k != nil {
				kind = k.Kind
			}
			if kind == "" {
				kind = c.Name // logs, proxy-admin, ...
			}
			l.noteCoverage(kind, c.Status)
			// Istio and the Gateway API both have a Gateway: the kind
			// under its group ("Gateway.gateway.networking.k8s.io") tells
			// them apart.
			if k := kinds.ByCollector(c.Name); k != nil && k.Group != "" {
				l.noteCoverage(k.Kind+"."+k.Group, c.Status)
			}
			if c.Namespace != "" {
				l.noteCoverage(kind+"@"+c.Namespace, c.Status)
			}
			if c.Status == bundle.StatusForbidden || c.Status == bundle.StatusFailed {
				msg := c.Message
				if msg == "" {
					msg = c.Status
				}
				l.warn("collector %s %s: %s", c.Name, c.Status, msg)
			}
		}
	case bundle.EntryObjects, bundle.EntryLog, bundle.EntryDumpLogs, bundle.EntryBugReportLog:
		return l.dispatch(e, where)
	case bundle.EntryProxyAdmin:
		if !strings.HasPrefix(e.Name, "clusters") {
			l.srcs.skip(src, entryPath(e), "not used by analyze: Envoy admin output other than clusters")
			return nil
		}
		cs, err := envoyadmin.ParseClusters(where, e.Body)
		if err != nil {
			l.srcs.skip(src, entryPath(e), err.Error())
			return nil
		}
		l.srcs.with(src, func(s *source) { s.admin += len(cs) })
		ref := analyzers.Ref{Kind: "Pod", Namespace: e.Namespace, Name: e.Pod}
		l.metaMu.Lock()
		l.admin[ref] = append(l.admin[ref], cs...)
		l.metaMu.Unlock()
	case bundle.EntryClusterContext:
		cc, err := bundle.ReadClusterContext(e.Body)
		if err != nil {
			l.srcs.skip(src, entryPath(e), err.Error())
			return nil
		}
		l.srcs.with(src, func(s *source) { s.server, s.context = cc.Server, cc.Context })
	case bundle.EntryCollectorErrors:
		errs, err := bundle.ReadCollectorErrors(e)
		if err != nil {
			l.srcs.skip(src, entryPath(e), err.Error())
			return nil
		}
		l.srcs.with(src, func(s *source) { s.failed = append(s.failed, errs...) })
	default:
		if l.otherEntry(e, where) {
			return nil // Docker CLI output
		}
		reason := e.Reason
		if reason == "" {
			reason = "unknown layout"
		}
		l.srcs.skip(src, entryPath(e), reason)
	}
	return nil
}

// joinPath joins a nested archive's path and an entry's below it.
func joinPath(dir, p string) string {
	if dir == "" {
		return p
	}
	return dir + "/" + p
}

func (l *loader) noteCoverage(k, status string) {
	old, ok := l.coverage[k]
	if !ok || statusRank[status] > statusRank[old] {
		l.coverage[k] = status
	}
}

// tailKeeper remembers the last few KiB written to it.
type tailKeeper struct{ buf []byte }

const tailBytes = 8 << 10

func (t *tailKeeper) Write(p []byte) (int, error) {
	if len(p) >= tailBytes {
		t.buf = append(t.buf[:0], p[len(p)-tailBytes:]...)
		return len(p), nil
	}
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*tailBytes {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailBytes:]...)
	}
	return len(p), nil
}

func (t *tailKeeper) lines(n int) []string {
	s := strings.TrimRight(string(t.buf), "\n")
	all := strings.Split(s, "\n")
	if len(all) > n {
		all = all[len(all)-n:]
	}
	out := make([]string, 0, len(all))
	for _, x := range all {
		x = strings.TrimSpace(x)
		if len(x) > 400 {
			x = x[:400] + "…"
		}
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

// The walker reads the input stream (decompression and tar run there) and
// hands objects entries to workers, so JSON decoding uses the other cores
// instead of waiting behind the stream. Logs of a bundle file are scanned on
// the walker itself (scanning is several times faster than decompressing,
// and the data is still in cache) until the objects are handed out, then
// given to a worker when one has room (see dispatch); a directory's files,
// logs included, are opened by the workers. Entries too large to buffer are streamed on the
// walker; memory stays bounded by the queue depth times maxBuffered.

// maxBuffered is the largest objects entry read into memory for the fast
// decoding path, maxBufferedLog the largest log; bigger ones are streamed,
// which keeps memory flat however large one entry is.
const (
	maxBuffered    = 32 << 20
	maxBufferedLog = 4 << 20
)

// inMemory reports whether an objects or log entry is read into memory
// for the fast paths rather than streamed.
func inMemory(e *bundle.Entry) bool {
	switch e.Type {
	case bundle.EntryObjects:
		return e.Size >= 0 && e.Size <= maxBuffered
	case bundle.EntryLog:
		return e.Size >= 0 && e.Size <= maxBufferedLog
	}
	return false
}

// job is one entry for a worker: its bytes, or (for a directory input) the
// file to open.
type job struct {
	e     bundle.Entry
	where string
	data  []byte
	path  string
	// counted: an objects entry counted in pendingObjects.
	counted bool
}

func (l *loader) startWorkers() {
	n := l.opts.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	l.jobs = make(chan job, n)
	for i := 0; i < n; i++ {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for j := range l.jobs {
				l.run(j)
			}
		}()
	}
}

func (l *loader) stopWorkers() {
	if l.jobs != nil {
		close(l.jobs)
		l.wg.Wait()
		l.jobs = nil
	}
}

// dispatch queues an objects or log entry for the workers.
func (l *loader) dispatch(e *bundle.Entry, where string) error {
	if (e.Type == bundle.EntryLog || e.Type == bundle.EntryBugReportLog) && !l.firstRead(e, e.Namespace, e.Pod, e.Container, e.Previous) {
		return nil
	}
	j := job{e: *e, where: where}
	j.e.Body = nil
	switch {
	case l.dir != "" && e.File != "":
		j.path = e.File // a plain file of the directory: a worker opens it
	case e.Type == bundle.EntryLog && inMemory(e):
		// Scanning is several times faster than decompressing: scan on
		// the walker, while the workers decode objects. Once the objects
		// pass has handed out its last entry the workers run dry while
		// gigabytes of logs remain: give them the logs then, when one has
		// room, so decompressing and scanning use both cores.
		data, err := l.bufs.read(e.Body, e.Size)
		if err != nil {
			return err
		}
		if l.objectsDone.Load() {
			j.data = data
			select {
			case l.jobs <- j:
				return nil
			default:
			}
		}
		l.scanLog(&j.e, where, data)
		l.bufs.put(data)
		return nil
	case e.Type == bundle.EntryObjects && inMemory(e):
		data, err := l.bufs.read(e.Body, e.Size)
		if err != nil {
			return err // the stream itself failed: fatal, as Walk's own errors
		}
		j.data, j.counted = data, true
		l.pendingObjects.Add(1)
	case e.Type == bundle.EntryLog:
		l.streamLog(e, where)
		return nil
	default:
		l.process(j, e.Body) // too large to buffer: stream it here
		return nil
	}
	l.jobs <- j
	return nil
}

// logChunk is the piece of a big log the walker reads at a time, and
// logChunksAhead how many read pieces may wait for a log's scanner. A
// walker does not wait for the scanner of a log to finish before it reads
// the next one, so when scanning lags, scanners pile up: chunkSlots
// bounds the chunks read and not yet scanned, all logs together, to
// (logChunksAhead+1) per core. Two chunks ahead keep a scanner fed; more
// only hold more memory.
const (
	logChunk       = 1 << 20
	logChunksAhead = 2
)

// streamLog scans a log too big to read into memory (a gateway's access
// log is hundreds of MB) from e.Body as it is read (for a bundle: as the
// walker decompresses it), chunk by chunk.
// While the objects pass runs, the walker scans each chunk itself and the
// workers decode objects. Once that pass is over the workers idle while
// the walker would alternate decompressing and scanning on one core: a
// goroutine then scans the chunks while the walker reads ahead (at most
// logChunksAhead), so both cores work. The walker goes on to the next
// entry without waiting for the scan to end; stopWorkers waits for it.
func (l *loader) streamLog(e *bundle.Entry, where string) {
	stream := l.agg.NewStream(logOrigin(e))
	var tail *tailKeeper
	if e.Previous && e.Pod != "" {
		tail = &tailKeeper{}
	}
	entry := *e
	entry.Body = nil
	scan := func(chunk []byte) {
		stream.Write(chunk)
		if tail != nil {
			tail.Write(chunk)
		}
		l.bufs.put(chunk)
		<-l.chunkSlots
	}
	var readErr error
	finish := func() {
		l.logScanned(&entry, entry.Namespace, entry.Pod, stream.Close())
		if tail != nil {
			l.keepTail(&entry, tail)
		}
		if readErr != nil {
			l.warn("%s: %v", where, readErr)
		}
	}
	var chunks chan []byte
	for {
		l.chunkSlots <- struct{}{}
		chunk := l.bufs.get(logChunk)
		n, err := io.ReadFull(e.Body, chunk)
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			readErr = err // what was read before it is still scanned
		}
		if n == 0 {
			l.bufs.put(chunk)
			<-l.chunkSlots
			break
		}
		chunk = chunk[:n]
		if chunks == nil && l.objectsDone.Load() {
			chunks = make(chan []byte, logChunksAhead)
			l.wg.Add(1)
			go func() {
				defer l.wg.Done()
				for c := range chunks {
					scan(c)
				}
				finish()
			}()
		}
		if chunks != nil {
			chunks <- chunk
		} else {
			scan(chunk)
		}
		if err != nil {
			break // the body ended (or failed) inside this chunk
		}
	}
	if chunks != nil {
		close(chunks) // after readErr is set: the scanner reads it after the close
		return
	}
	finish()
}

// entryBuffers recycles the buffers entries are read into. A big bundle
// has thousands of container logs of a few MB each and objects files of
// tens of MB: allocating each anew made those bytes most of what the
// garbage collector paced itself on, and every cycle then re-marked the
// whole object heap. Buffers are kept per power-of-two size class, so
// every buffer handed out fits, in a free list the loader owns (a
// sync.Pool is emptied by each collection, and a big bundle's load runs
// twenty of them), up to maxFreeEntryBytes; the loader drops it at the end.
type entryBuffers struct {
	mu    sync.Mutex
	free  [entryClasses][][]byte
	bytes int64
}

const (
	minEntryClass     = 16 // 64 KiB
	entryClasses      = 48
	maxFreeEntryBytes = 96 << 20
)

// entryClass is the size class whose buffers (1<<class bytes) hold size.
func entryClass(size int64) int {
	c := minEntryClass
	for int64(1)<<c < size && c < entryClasses-1 {
		c++
	}
	return c
}

// get returns a buffer of len size, recycled when one of its class is free.
func (p *entryBuffers) get(size int64) []byte {
	c := entryClass(size)
	p.mu.Lock()
	if n := len(p.free[c]); n > 0 {
		buf := p.free[c][n-1][:size]
		p.free[c] = p.free[c][:n-1]
		p.bytes -= int64(cap(buf))
		p.mu.Unlock()
		return buf
	}
	p.mu.Unlock()
	if int64(1)<<c >= size {
		return make([]byte, size, int64(1)<<c)
	}
	return make([]byte, size)
}

// read reads a body of known size into a recycled buffer; release it with
// put once nothing refers to it. As io.ReadAll, a body that ends early is
// not an error, any other read error is.
func (p *entryBuffers) read(r io.Reader, size int64) ([]byte, error) {
	buf := p.get(size)
	n, err := io.ReadFull(r, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		p.put(buf)
		return nil, err
	}
	return buf[:n], nil
}

// drop empties the free list.
func (p *entryBuffers) drop() {
	p.mu.Lock()
	p.free, p.bytes = [entryClasses][][]byte{}, 0
	p.mu.Unlock()
}

// trim drops the free buffers of the classes above maxClass.
func (p *entryBuffers) trim(maxClass int) {
	p.mu.Lock()
	for c := maxClass + 1; c < entryClasses; c++ {
		for _, b := range p.free[c] {
			p.bytes -= int64(cap(b))
		}
		p.free[c] = nil
	}
	p.mu.Unlock()
}

// put recycles b, unless the free list is full.
func (p *entryBuffers) put(b []byte) {
	c := int64(cap(b))
	if c == 0 || c&(c-1) != 0 {
		return
	}
	p.mu.Lock()
	if p.bytes+c <= maxFreeEntryBytes {
		k := entryClass(c)
		p.free[k] = append(p.free[k], b[:0])
		p.bytes += c
	}
	p.mu.Unlock()
}

func (l *loader) run(j job) {
	// The buffer goes back before the job counts as done: objectsDecoded
	// trims the free list, and a buffer put back after it (deferred
	// first, so run last) kept the last objects entries' buffers, up to
	// maxBuffered each, through the whole logs phase.
	buf := j.data // run may point j.data at a buffer it puts back itself
	defer func() {
		l.bufs.put(buf)
		if j.counted && l.pendingObjects.Add(-1) == 0 {
			l.objectsDecoded()
		}
	}()
	if j.path != "" {
		f, err := os.Open(j.path)
		if err != nil {
			l.warn("%s: %v", j.where, err)
			return
		}
		defer f.Close()
		// Read as the walker would (no further than the size it saw), into
		// memory when small enough for the fast paths below.
		if inMemory(&j.e) {
			data, err := l.bufs.read(f, j.e.Size)
			if err != nil {
				l.warn("%s: %v", j.where, err)
				return
			}
			j.data, j.path = data, ""
			l.run(j)
			return
		}
		var body io.Reader = f
		if j.e.Size >= 0 {
			body = io.LimitReader(f, j.e.Size)
		}
		l.process(j, body)
		return
	}
	if j.e.Type == bundle.EntryObjects {
		if l.dockerJSON(j.where, j.data) {
			return
		}
		fn, done := l.objectSink(&j.e, j.where)
		done(bundle.StreamObjectsBytes(j.where, j.data, l.lim, fn), j.data)
		return
	}
	if j.e.Type == bundle.EntryLog {
		l.scanLog(&j.e, j.where, j.data)
		return
	}
	l.process(j, bytes.NewReader(j.data))
}

// scanLog is the log case of process for a log in memory.
func (l *loader) scanLog(e *bundle.Entry, where string, data []byte) {
	origin := logOrigin(e)
	if origin.File != "" && l.dockerTasks(where, data) {
		return
	}
	l.logScanned(e, e.Namespace, e.Pod, l.agg.ScanBytes(origin, where, data))
	if e.Previous && e.Pod != "" {
		t := &tailKeeper{}
		t.Write(data)
		l.keepTail(e, t)
	}
}

func (l *loader) keepTail(e *bundle.Entry, t *tailKeeper) {
	l.mu.Lock()
	l.tails[e.Namespace+"/"+e.Pod+"/"+e.Container] = t.lines(5)
	l.mu.Unlock()
}

// process reads one objects or log entry from body.
func (l *loader) process(j job, body io.Reader) {
	e, where := &j.e, j.where
	switch e.Type {
	case bundle.EntryObjects:
		if l.dockerJSONStream(where, &body) {
			return
		}
		fn, done := l.objectSink(e, where)
		done(bundle.StreamObjects(where, body, l.lim, fn), nil)
	case bundle.EntryLog: // a directory's log too big to buffer
		entry := *e
		entry.Body = body
		l.streamLog(&entry, where)
	case bundle.EntryDumpLogs:
		err := bundle.SplitDumpLogs(body, l.lim, func(ns, pod, container string, b io.Reader) error {
			if !l.firstRead(e, ns, pod, container, false) {
				_, err := io.Copy(io.Discard, b)
				return err
			}
			st, err := l.agg.Scan(logscan.Origin{Namespace: ns, Pod: pod, Container: container}, where, b)
			l.logScanned(e, ns, pod, st)
			return err
		})
		if err != nil {
			l.warn("%s: %v", where, err)
		}
	case bundle.EntryBugReportLog:
		err := bundle.SplitBugReportLog(body, l.lim, func(previous bool, b io.Reader) error {
			var tail *tailKeeper
			if previous && e.Pod != "" {
				tail = &tailKeeper{}
				b = io.TeeReader(b, tail)
			}
			st, err := l.agg.Scan(logOrigin(e), where, b)
			l.logScanned(e, e.Namespace, e.Pod, st)
			if tail != nil {
				prev := *e
				prev.Previous = true
				l.keepTail(&prev, tail)
			}
			return err
		})
		if err != nil {
			l.warn("%s: %v", where, err)
		}
	}
}
