package bundle

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Walk reads one input and calls fn for every entry, in archive order for
// archives and in lexical order for directories. input is any of:
//
//   - a tar stream compressed with zstd (.tar.zst/.tzst) or gzip, or a plain
//     tar, recognised by magic bytes (the extension only decides for old
//     tars without magic). It is streamed, never extracted to disk.
//   - a directory (a bundle unpacked, a kubectl cluster-info dump tree, or
//     any tree of kubectl output and logs), read with the same
//     classification as archive entries.
//   - a single file: .json/.yaml/.yml is EntryObjects, .log/.txt EntryLog of
//     unknown origin (or EntryDumpLogs when it starts with a cluster-info
//     dump "==== START logs" frame), anything else EntryOther.
//
// Problems confined to one entry (a path escaping the root, an absolute
// path, a symlink, hardlink, device, FIFO, sparse file, an objects entry
// larger than lim.MaxObjectBytes, an unreadable file in a directory) are
// reported through warn and the entry is skipped; if warn is nil the first
// such problem ends the walk with that error. Problems after which the
// stream cannot be trusted end the walk with an error: a truncated or
// corrupt zstd/gzip/tar stream, more expanded bytes than
// lim.MaxExpandedBytes, more entries than lim.MaxEntries. Every error and
// warning names the input and, where there is one, the entry.
//
// An error returned by fn ends the walk and is returned unchanged.
func Walk(input string, lim Limits, warn func(path string, err error), fn WalkFunc) error {
	lim = lim.WithDefaults()
	w := &walker{input: input, lim: lim, warnFn: warn, fn: fn}
	fi, err := os.Stat(input) // the input itself may be a symlink the user chose
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: input does not exist", input)
		}
		return fmt.Errorf("%s: cannot read input: %w", input, unwrapPathError(err))
	}
	switch {
	case fi.IsDir():
		return w.walkDir()
	case fi.Mode().IsRegular():
		return w.walkFile(fi)
	default:
		return fmt.Errorf("%s: not a regular file or directory (%s)", input, fi.Mode().Type())
	}
}

// FileError is a problem with one input or one entry of it. Its text names
// both: `bundle.tar.zst: entry "../x": path escapes the bundle root`.
type FileError struct {
	Input string
	Entry string // empty when the problem is with the input as a whole
	Err   error
}

func (e *FileError) Error() string {
	if e.Entry == "" {
		return e.Input + ": " + e.Err.Error()
	}
	return fmt.Sprintf("%s: entry %q: %v", e.Input, e.Entry, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// LimitError reports that an input exceeded one of the Limits. Flag is the
// command-line flag that raises the limit.
type LimitError struct {
	What  string // "expanded bytes", "entries", "object bytes"
	Limit int64
	Flag  string
}

func (e *LimitError) Error() string {
	s := fmt.Sprintf("more than %d %s (the cap set by %s", e.Limit, e.What, e.Flag)
	if e.What == "expanded bytes" {
		s += "; the input may be a decompression bomb"
	}
	return s + ")"
}

// ErrCorruptStream is wrapped by errors about damaged compressed streams.
var ErrCorruptStream = errors.New("truncated or corrupt compressed stream")

type walker struct {
	input   string
	lim     Limits
	warnFn  func(string, error)
	fn      WalkFunc
	entries int
	// expanded counts bytes read from the input after decompression; for
	// archives it is maintained by countingReader under the tar reader, so
	// it includes skipped entry bodies and headers.
	expanded int64
	// For WalkFrom: the ordinal of the first header, and the name it must
	// have (set only for a walk starting in the middle of an archive).
	ordinal     int
	expectFirst string
}

func (w *walker) errf(entry string, format string, args ...any) error {
	return &FileError{Input: w.input, Entry: entry, Err: fmt.Errorf(format, args...)}
}

// warn reports a per-entry problem; a nil warn function makes it fatal.
func (w *walker) warn(entry string, err error) error {
	fe := &FileError{Input: w.input, Entry: entry, Err: err}
	if w.warnFn == nil {
		return fe
	}
	w.warnFn(entry, fe)
	return nil
}

func (w *walker) countEntry(entry string) error {
	w.entries++
	if w.entries > w.lim.MaxEntries {
		return &FileError{Input: w.input, Entry: entry, Err: &LimitError{What: "entries", Limit: int64(w.lim.MaxEntries), Flag: "--max-entries"}}
	}
	return nil
}

func (w *walker) expandedError(entry string) error {
	return &FileError{Input: w.input, Entry: entry, Err: &LimitError{What: "expanded bytes", Limit: w.lim.MaxExpandedBytes, Flag: "--max-expanded-bytes"}}
}

// checkObjectSize enforces MaxObjectBytes on objects entries before they are
// read: DecodeObjects must hold one item (and YAML one document) in memory.
func (w *walker) checkObjectSize(e *Entry) (skip bool, err error) {
	if e.Type == EntryObjects && e.Size > w.lim.MaxObjectBytes {
		return true, w.warn(e.Path, fmt.Errorf("%d bytes, %w", e.Size, &LimitError{What: "object bytes", Limit: w.lim.MaxObjectBytes, Flag: "--max-object-bytes"}))
	}
	return false, nil
}

// ---- single files ----

var (
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
	gzipMagic = []byte{0x1f, 0x8b}
)

func (w *walker) walkFile(fi os.FileInfo) error {
	f, err := os.Open(w.input)
	if err != nil {
		return fmt.Errorf("%s: cannot read input: %w", w.input, unwrapPathError(err))
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(512)
	lower := strings.ToLower(w.input)
	switch {
	case bytes.HasPrefix(head, zstdMagic):
		return w.walkZstd(br)
	case bytes.HasPrefix(head, gzipMagic):
		return w.walkGzip(br)
	case isTarHeader(head):
		return w.walkTar(br)
	case strings.HasSuffix(lower, ".tar.zst") || strings.HasSuffix(lower, ".tzst"):
		return &FileError{Input: w.input, Err: fmt.Errorf("%w: no zstd frame at the start (truncated or corrupt zstd stream)", ErrCorruptStream)}
	case strings.HasSuffix(lower, ".tar.gz") || strings.HasSuffix(lower, ".tgz"):
		return &FileError{Input: w.input, Err: fmt.Errorf("%w: no gzip header at the start (truncated or corrupt gzip stream)", ErrCorruptStream)}
	case strings.HasSuffix(lower, ".tar"):
		// A pre-POSIX tar has no magic; let archive/tar judge it.
		return w.walkTar(br)
	}

	name := filepath.Base(w.input)
	e := &Entry{Input: w.input, Path: name, Name: name, Size: fi.Size()}
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case ".json", ".yaml", ".yml":
		e.Type = EntryObjects
	case ".log", ".txt":
		// A file given directly has no path to tell its origin, but a
		// cluster-info dump logs.txt says it in its frames.
		e.Type = EntryLog
		if _, _, _, ok := parseDumpMarker(firstLine(head), "START"); ok {
			e.Type = EntryDumpLogs
		}
	default:
		e.Type = EntryOther
	}
	if err := w.countEntry(name); err != nil {
		return err
	}
	if skip, err := w.checkObjectSize(e); skip || err != nil {
		return err
	}
	if e.Size > w.lim.MaxExpandedBytes {
		return w.expandedError(name)
	}
	e.Body = &entryReader{r: io.LimitReader(br, e.Size), input: w.input, entry: name}
	return w.fn(e)
}

func firstLine(b []byte) string {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return string(bytes.TrimRight(b, "\r"))
}

// isTarHeader reports whether b starts with a POSIX ("ustar\0") or GNU
// ("ustar  ") tar header.
func isTarHeader(b []byte) bool {
	return len(b) >= 262 && bytes.Equal(b[257:262], []byte("ustar"))
}

// ---- archives ----

func (w *walker) walkZstd(r io.Reader) error {
	conc := 1
	if runtime.GOMAXPROCS(0) >= 8 {
		conc = 2
	}
	zr, err := idleDecoders.get(r, conc)
	if err != nil {
		return &FileError{Input: w.input, Err: fmt.Errorf("%w (truncated or corrupt zstd stream): %v", ErrCorruptStream, err)}
	}
	err = w.walkTar(&decompReader{r: zr, kind: "zstd"})
	idleDecoders.put(zr, conc)
	return err
}

// idleDecoders keeps a zstd decoder between walks. A decoder allocates its
// window and history (about 6 MB for gather's bundles) on first use, and
// the logs passes of a big bundle walk one zstd frame at a time, dozens of
// walks: a new decoder each time made hundreds of MB of garbage for the
// collector. A logs pass puts its decoder back and at once takes one for
// its next frame, so one idle decoder serves them all; keeping up to four
// only held their history (medium-x10 peak RSS 173-175 MiB with four,
// 164 MiB with one, for the same CPU). CloseIdleDecoders releases it.
var idleDecoders decoderPool

// CloseIdleDecoders closes the zstd decoder kept for the next walk. A
// reader done walking calls it before using that memory for something
// else; a later walk creates a decoder again.
func CloseIdleDecoders() {
	if zr, _ := idleDecoders.take(); zr != nil {
		zr.Close()
	}
}

type decoderPool struct {
	mu   sync.Mutex
	zr   *zstd.Decoder // nil when none is idle
	conc int           // its concurrency
}

// take empties the pool, returning what it held.
func (p *decoderPool) take() (*zstd.Decoder, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	zr, conc := p.zr, p.conc
	p.zr = nil
	return zr, conc
}

// get returns a decoder reading r, with the given concurrency.
func (p *decoderPool) get(r io.Reader, conc int) (*zstd.Decoder, error) {
	if zr, c := p.take(); zr != nil {
		if c == conc {
			if err := zr.Reset(r); err != nil {
				zr.Close()
				return nil, err
			}
			return zr, nil
		}
		zr.Close()
	}
	// The window cap bounds the decoder's memory against a frame header
	// claiming a huge window; 128 MiB covers every zstd level including
	// --ultra -22. The decoder runs synchronously unless cores are plenty:
	// its asynchronous mode spends about a third more CPU for the same
	// bytes (8.3 GB: 8.7 s vs 6.4 s user), CPU analyze's workers need.
	return zstd.NewReader(r,
		zstd.WithDecoderConcurrency(conc),
		zstd.WithDecoderMaxWindow(128<<20),
		zstd.WithDecoderLowmem(true),
	)
}

// put keeps zr for the next walk when none is idle, whether the walk it
// served read to the end, stopped early or failed: Reset starts it
// afresh. Otherwise it closes it (stopping its goroutines, if any).
func (p *decoderPool) put(zr *zstd.Decoder, conc int) {
	if zr.Reset(nil) == nil {
		p.mu.Lock()
		if p.zr == nil {
			p.zr, p.conc = zr, conc
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
	}
	zr.Close()
}

func (w *walker) walkGzip(r io.Reader) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return &FileError{Input: w.input, Err: fmt.Errorf("%w (truncated or corrupt gzip stream): %v", ErrCorruptStream, err)}
	}
	defer zr.Close()
	return w.walkTar(&decompReader{r: zr, kind: "gzip"})
}

// decompReader marks errors of the decompressor so that they are reported
// as a damaged stream rather than as a tar problem.
type decompReader struct {
	r    io.Reader
	kind string
}

type decompError struct {
	kind string
	err  error
}

func (e *decompError) Error() string {
	return fmt.Sprintf("truncated or corrupt %s stream: %v", e.kind, e.err)
}
func (e *decompError) Unwrap() []error { return []error{ErrCorruptStream, e.err} }

func (d *decompReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		err = &decompError{kind: d.kind, err: err}
	}
	return n, err
}

// countingReader counts the expanded bytes flowing into the tar reader and
// fails once the cap is passed, whether or not the consumer reads the
// bodies (tar skips unread bodies by reading them).
type countingReader struct {
	r     io.Reader
	n     *int64
	limit int64
}

var errExpandedCap = errors.New("expanded-bytes cap exceeded")

func (c *countingReader) Read(p []byte) (int, error) {
	if *c.n > c.limit {
		return 0, errExpandedCap
	}
	n, err := c.r.Read(p)
	*c.n += int64(n)
	if *c.n > c.limit {
		return n, errExpandedCap
	}
	return n, err
}

func (w *walker) walkTar(r io.Reader) error {
	tr := tar.NewReader(&countingReader{r: r, n: &w.expanded, limit: w.lim.MaxExpandedBytes})
	var (
		prefix       string // single top-level directory being stripped
		first        = true
		lastEntry    string
		sawManifest  bool
		sawIndex     bool
		sawAnyHeader bool
	)
	ordinal := w.ordinal - 1
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			if w.expectFirst != "" && !sawAnyHeader {
				return ErrLogFrameMismatch
			}
			break
		}
		if err != nil {
			if w.expectFirst != "" && !sawAnyHeader {
				return ErrLogFrameMismatch
			}
			return w.streamError(lastEntry, err, !sawAnyHeader)
		}
		if w.expectFirst != "" && !sawAnyHeader && (hdr.Typeflag != tar.TypeReg || hdr.Name != w.expectFirst) {
			return ErrLogFrameMismatch
		}
		sawAnyHeader = true
		ordinal++
		raw := hdr.Name
		lastEntry = raw
		if err := w.countEntry(raw); err != nil {
			return err
		}
		if hdr.Typeflag == tar.TypeDir && path.Clean(raw) == "." {
			continue // "./" from `tar -C dir .`
		}
		name, perr := cleanEntryName(raw)
		if first && perr == nil && hdr.Typeflag == tar.TypeReg {
			// Tarballs made with `tar -cf x.tar dir/` put everything under
			// one top directory. A bundle's first file is its manifest, so
			// "X/manifest.json" first means: strip "X/" so paths match the
			// unpacked layout. Other trees keep their paths; Classify
			// matches on path tails, so a nested prefix does not matter.
			first = false
			if d, b := path.Split(name); b == ManifestPath && strings.Count(d, "/") == 1 {
				prefix = d
			}
		}
		if perr != nil {
			if err := w.warn(raw, perr); err != nil {
				return err
			}
			continue
		}
		if prefix != "" {
			name = strings.TrimPrefix(name, prefix)
		}
		switch hdr.Typeflag {
		case tar.TypeReg:
		case tar.TypeDir, tar.TypeXGlobalHeader:
			continue
		case tar.TypeSymlink:
			err = w.warn(raw, fmt.Errorf("symlink to %q refused (links are never followed)", hdr.Linkname))
		case tar.TypeLink:
			err = w.warn(raw, fmt.Errorf("hardlink to %q refused (links are never followed)", hdr.Linkname))
		case tar.TypeChar, tar.TypeBlock:
			err = w.warn(raw, errors.New("device file refused"))
		case tar.TypeFifo:
			err = w.warn(raw, errors.New("FIFO refused"))
		default:
			err = w.warn(raw, fmt.Errorf("unsupported tar entry type %q", hdr.Typeflag))
		}
		if hdr.Typeflag != tar.TypeReg {
			if err != nil {
				return err
			}
			continue
		}
		if isSparse(hdr) {
			// Sparse holes expand without passing through the byte
			// counter; nothing we write or read is sparse.
			if err := w.warn(raw, errors.New("sparse file refused")); err != nil {
				return err
			}
			continue
		}
		// Refuse before decompressing when the header already says the
		// entry would pass the cap.
		if hdr.Size > w.lim.MaxExpandedBytes-w.expanded {
			return w.expandedError(raw)
		}
		e := w.newEntry(name, hdr.Size)
		e.Ordinal = ordinal
		switch e.Type {
		case EntryManifest:
			sawManifest = true
		case EntryIndex:
			sawIndex = true
		}
		if skip, err := w.checkObjectSize(e); err != nil {
			return err
		} else if skip {
			continue
		}
		e.Body = &entryReader{r: tr, input: w.input, entry: raw, w: w}
		if err := w.fn(e); err != nil {
			return err
		}
	}
	if sawManifest && !sawIndex {
		// A bundle whose index is missing was cut short (gather killed
		// before Close cannot produce one, but a copy can truncate at a
		// frame boundary). The entries read are still usable.
		if err := w.warn(IndexPath, errors.New("bundle has a manifest but no closing index: it is incomplete")); err != nil {
			return err
		}
	}
	return nil
}

// streamError turns an error from the tar/decompression stack into one that
// names the input and the last entry read.
func (w *walker) streamError(entry string, err error, atStart bool) error {
	var de *decompError
	switch {
	case errors.Is(err, errExpandedCap):
		return w.expandedError(entry)
	case errors.As(err, &de):
		return &FileError{Input: w.input, Entry: entry, Err: de}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &FileError{Input: w.input, Entry: entry, Err: errors.New("truncated tar archive")}
	case atStart:
		return &FileError{Input: w.input, Err: fmt.Errorf("not a tar archive: %v", err)}
	}
	return &FileError{Input: w.input, Entry: entry, Err: fmt.Errorf("corrupt tar archive: %v", err)}
}

func isSparse(h *tar.Header) bool {
	if h.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

// cleanEntryName confines an archive entry name to the bundle root. A
// leading "./" (tar -C dir .) and trailing "/" (directories) are tolerated;
// absolute paths, ".." components, backslashes and NULs are not.
func cleanEntryName(raw string) (string, error) {
	switch {
	case raw == "":
		return "", errors.New("empty entry name")
	case strings.ContainsRune(raw, 0):
		return "", errors.New("entry name contains NUL")
	case strings.HasPrefix(raw, "/"):
		return "", errors.New("absolute path refused")
	case strings.Contains(raw, `\`):
		return "", errors.New("backslash in entry name refused")
	}
	for _, c := range strings.Split(raw, "/") {
		if c == ".." {
			return "", errors.New("path escapes the bundle root")
		}
	}
	name := path.Clean(raw)
	if name == "." {
		return "", errors.New("entry names the bundle root itself")
	}
	return name, nil
}

// ---- directories ----

func (w *walker) walkDir() error {
	root := w.input
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		rel := "."
		if r, rerr := filepath.Rel(root, p); rerr == nil {
			rel = filepath.ToSlash(r)
		}
		if err != nil {
			if p == root {
				return fmt.Errorf("%s: cannot read input: %w", w.input, unwrapPathError(err))
			}
			// Unreadable subtree or file: report it, read the rest.
			if werr := w.warn(rel, unwrapPathError(err)); werr != nil {
				return werr
			}
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p == root {
			return nil
		}
		if err := w.countEntry(rel); err != nil {
			return err
		}
		t := d.Type()
		switch {
		case t&fs.ModeSymlink != 0:
			return w.warn(rel, errors.New("symlink not followed (links could leave the input tree)"))
		case d.IsDir():
			return nil
		case t&fs.ModeDevice != 0:
			return w.warn(rel, errors.New("device file refused"))
		case t&fs.ModeNamedPipe != 0:
			return w.warn(rel, errors.New("FIFO refused"))
		case !t.IsRegular():
			return w.warn(rel, fmt.Errorf("unsupported file type %s refused", t))
		}
		return w.dirFile(p, rel, d)
	})
}

func (w *walker) dirFile(p, rel string, d fs.DirEntry) error {
	info, err := d.Info()
	if err != nil {
		return w.warn(rel, unwrapPathError(err))
	}
	e := w.newEntry(rel, info.Size())
	if skip, err := w.checkObjectSize(e); skip || err != nil {
		return err
	}
	if info.Size() > w.lim.MaxExpandedBytes-w.expanded {
		return w.expandedError(rel)
	}
	f, err := os.Open(p)
	if err != nil {
		return w.warn(rel, unwrapPathError(err))
	}
	defer f.Close()
	// The file may have been swapped for a symlink since WalkDir saw it.
	if fi, err := f.Stat(); err != nil || !os.SameFile(fi, info) {
		return w.warn(rel, errors.New("file changed while reading the tree; skipped"))
	}
	w.expanded += info.Size()
	// Read what stat saw: a log still growing does not move the goalposts.
	e.Body = &entryReader{r: io.LimitReader(f, info.Size()), input: w.input, entry: rel}
	return w.fn(e)
}

func (w *walker) newEntry(name string, size int64) *Entry {
	t, ns, pod, c, prev := Classify(name)
	return &Entry{
		Input: w.input, Path: name, Type: t, Size: size,
		Namespace: ns, Pod: pod, Container: c, Previous: prev,
		Name: path.Base(name),
	}
}

// entryReader is an entry's Body: it names the input and entry in errors.
type entryReader struct {
	r     io.Reader
	input string
	entry string
	w     *walker // for the expanded-bytes error of archives
}

func (e *entryReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == nil || err == io.EOF {
		return n, err
	}
	var fe *FileError
	if errors.As(err, &fe) {
		return n, err
	}
	if errors.Is(err, errExpandedCap) && e.w != nil {
		return n, e.w.expandedError(e.entry)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return n, &FileError{Input: e.input, Entry: e.entry, Err: errors.New("truncated archive")}
	}
	return n, &FileError{Input: e.input, Entry: e.entry, Err: unwrapPathError(err)}
}

// unwrapPathError drops the *fs.PathError wrapper whose path we already
// print, so messages do not repeat it.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ---- classification ----

// Classify decides what an entry holds from its slash-separated relative
// path alone. Patterns are matched on the path's tail so that a tree nested
// under extra directories (x/logs/ns/pod/c.log) reads the same:
//
//	manifest.json, index.json (at the root or under one top directory)
//	proxy/<ns>/<pod>/<name>                 EntryProxyAdmin
//	logs/<ns>/<pod>/<container>.log         EntryLog (.previous.log: Previous)
//	<ns>/<pod>/logs.txt                     EntryDumpLogs (kubectl cluster-info dump)
//	*.json, *.yaml, *.yml                   EntryObjects
//	*.log, *.txt                            EntryLog of unknown origin
//	anything else                           EntryOther
func Classify(p string) (t EntryType, namespace, pod, container string, previous bool) {
	parts := strings.Split(p, "/")
	n := len(parts)
	base := parts[n-1]
	lbase := strings.ToLower(base)
	if n <= 2 {
		switch base {
		case ManifestPath:
			return EntryManifest, "", "", "", false
		case IndexPath:
			return EntryIndex, "", "", "", false
		}
	}
	if n >= 4 && parts[n-4] == "proxy" && nonEmpty(parts[n-3], parts[n-2], base) {
		return EntryProxyAdmin, parts[n-3], parts[n-2], "", false
	}
	if n >= 4 && parts[n-4] == "logs" && strings.HasSuffix(base, ".log") && nonEmpty(parts[n-3], parts[n-2]) {
		c, prev := strings.TrimSuffix(base, ".log"), false
		if strings.HasSuffix(c, ".previous") {
			c, prev = strings.TrimSuffix(c, ".previous"), true
		}
		if c != "" {
			return EntryLog, parts[n-3], parts[n-2], c, prev
		}
	}
	if base == "logs.txt" && n >= 3 && nonEmpty(parts[n-3], parts[n-2]) {
		return EntryDumpLogs, parts[n-3], parts[n-2], "", false
	}
	switch path.Ext(lbase) {
	case ".json", ".yaml", ".yml":
		return EntryObjects, "", "", "", false
	case ".log", ".txt":
		return EntryLog, "", "", "", false
	}
	return EntryOther, "", "", "", false
}

func nonEmpty(ss ...string) bool {
	for _, s := range ss {
		if s == "" {
			return false
		}
	}
	return true
}
