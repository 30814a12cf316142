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
//   - a tar stream compressed with zstd (.tar.zst/.tzst), gzip or bzip2,
//     or a plain tar, recognised by magic bytes (the extension only decides
//     for old tars without magic). It is streamed, never extracted to disk.
//   - a zip archive (magic "PK"), read from the file (zip keeps its
//     directory at the end), each member's size checked against the
//     limits before it is decompressed and counted as it is.
//   - a directory (a bundle unpacked, another tool's bundle, a ticket
//     folder, any tree of kubectl output and logs).
//   - a single file: .json/.yaml/.yml is EntryObjects, .log/.txt EntryLog
//     of unknown origin (or EntryDumpLogs when it starts with a
//     cluster-info dump "==== START logs" frame), a compressed one (.gz,
//     .zst, .bz2) the same once decompressed, a name that says nothing is
//     judged by its first bytes (objects when they carry apiVersion or kind,
//     else a log).
//   - "-": standard input, read once as a stream and judged the same way
//     (an archive by its magic, else objects or a log); zip cannot be
//     streamed and is refused.
//
// Entries are classified by path (ClassifyPath): every layout of
// layout.go, compressed files decompressed on the fly (Entry.Size -1).
// Archives inside the input (EntryArchive) are announced to fn and then
// read, their entries carrying Entry.Source, up to maxNesting deep; a zip
// inside a stream is skipped (it needs random access).
//
// Problems confined to one entry (a path escaping the root, an absolute
// path, a symlink, hardlink, device, FIFO, sparse file, an objects entry
// larger than lim.MaxObjectBytes, an unreadable file in a directory, a
// damaged nested archive, a compressed file whose bytes are not in the
// format its name says) are reported through warn and the entry is
// skipped; if warn is nil the first such problem ends the walk with that
// error. Problems after which the stream cannot be trusted end the walk
// with an error: a truncated or corrupt zstd/gzip/tar/zip stream of the
// input itself, more expanded bytes than lim.MaxExpandedBytes, more
// entries than lim.MaxEntries (both counted over nested archives too).
// Every error and warning names the input and, where there is one, the
// entry.
//
// An error returned by fn ends the walk and is returned unchanged.
func Walk(input string, lim Limits, warn func(path string, err error), fn WalkFunc) error {
	lim = lim.WithDefaults()
	w := &walker{input: input, lim: lim, warnFn: warn, fn: fn, counts: &walkCounts{}}
	if IsStream(input) {
		return w.walkStream(os.Stdin, streamName(input), true)
	}
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

// WalkReader is Walk over an input already open as a stream r (standard
// input a caller holds, an object in S3-compatible storage): read once,
// front to back, never stored, as Walk reads "-", with the same limits.
// input names it in messages; name is the stream's file name, which says
// what a plain file holds when its first bytes do not ("": input's base
// name).
func WalkReader(input, name string, r io.Reader, lim Limits, warn func(path string, err error), fn WalkFunc) error {
	w := &walker{input: input, lim: lim.WithDefaults(), warnFn: warn, fn: fn, counts: &walkCounts{}}
	if name == "" {
		name = streamName(input)
	}
	return w.walkStream(r, name, true)
}

// ErrIncompleteBundle is the warning for a bundle whose manifest was read
// but not its closing index: it was cut short; what it holds is read.
var ErrIncompleteBundle = errors.New("bundle has a manifest but no closing index: it is incomplete")

// ErrSkipArchive, returned by a WalkFunc for an EntryArchive, keeps the
// walk from reading that archive.
var ErrSkipArchive = errors.New("skip this archive")

// maxNesting is how deep archives inside archives are read: a ticket
// folder's zip holding a bundle's .tar.gz is two; more is a zip-of-zips
// bomb more often than a real bundle.
const maxNesting = 3

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
	input  string
	source string // the nested archive being read, below input ("" for input itself)
	depth  int    // archives opened to reach source
	lim    Limits
	warnFn func(string, error)
	fn     WalkFunc
	// counts are shared by the walkers of one input's nested archives: the
	// limits are budgets of the whole input.
	counts *walkCounts
	// For WalkFrom: the ordinal of the first header, and the name it must
	// have (set only for a walk starting in the middle of an archive).
	ordinal     int
	expectFirst string
}

type walkCounts struct {
	entries int
	// expanded counts bytes read from the input after decompression; for
	// archives it is maintained by countingReader under the tar reader, so
	// it includes skipped entry bodies and headers. The bytes of a nested
	// archive count both as its parent's member and decompressed.
	expanded int64
}

// where is the name of what w reads, for messages: the input, or the
// nested archive inside it.
func (w *walker) where() string {
	if w.source == "" {
		return w.input
	}
	return strings.TrimSuffix(w.input, "/") + "/" + w.source
}

// rel is an entry's path as the caller reports it: below the input, the
// nested archive's path first.
func (w *walker) rel(entry string) string {
	if w.source == "" {
		return entry
	}
	return w.source + "/" + entry
}

// warn reports a per-entry problem; a nil warn function makes it fatal.
func (w *walker) warn(entry string, err error) error {
	fe := &FileError{Input: w.where(), Entry: entry, Err: err}
	if w.warnFn == nil {
		return fe
	}
	w.warnFn(w.rel(entry), fe)
	return nil
}

func (w *walker) countEntry(entry string) error {
	w.counts.entries++
	if w.counts.entries > w.lim.MaxEntries {
		return &FileError{Input: w.where(), Entry: entry, Err: &LimitError{What: "entries", Limit: int64(w.lim.MaxEntries), Flag: "--max-entries"}}
	}
	return nil
}

func (w *walker) expandedError(entry string) error {
	return &FileError{Input: w.where(), Entry: entry, Err: &LimitError{What: "expanded bytes", Limit: w.lim.MaxExpandedBytes, Flag: "--max-expanded-bytes"}}
}

// left is how many more bytes the expanded-bytes cap allows.
func (w *walker) left() int64 { return w.lim.MaxExpandedBytes - w.counts.expanded }

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
	zstdMagic  = []byte{0x28, 0xb5, 0x2f, 0xfd}
	gzipMagic  = []byte{0x1f, 0x8b}
	zipMagic   = []byte("PK\x03\x04")
	zipEmpty   = []byte("PK\x05\x06") // an empty zip: its end record only
	bzip2Magic = []byte("BZh")
)

func (w *walker) walkFile(fi os.FileInfo) error {
	f, err := os.Open(w.input)
	if err != nil {
		return fmt.Errorf("%s: cannot read input: %w", w.input, unwrapPathError(err))
	}
	defer f.Close()
	return w.walkOpenFile(f, fi.Size(), filepath.Base(w.input), w.input)
}

// walkOpenFile reads a file: an archive by its magic bytes (or, for old
// tars without magic, its name), a compressed file, or one plain file.
// file is its path when it is the input itself (a reader may open it
// again), "" for an archive inside a directory input.
func (w *walker) walkOpenFile(f *os.File, size int64, name, file string) error {
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(512)
	lower := strings.ToLower(name)
	tarName := strings.HasSuffix(lower, ".tar.zst") || strings.HasSuffix(lower, ".tzst") ||
		strings.HasSuffix(lower, ".tar.gz") || strings.HasSuffix(lower, ".tgz")
	switch {
	case bytes.HasPrefix(head, zipMagic) || bytes.HasPrefix(head, zipEmpty):
		return w.walkZip(f, size)
	case bytes.HasPrefix(head, zstdMagic) && tarName:
		return w.walkZstd(br)
	case bytes.HasPrefix(head, gzipMagic) && tarName:
		return w.walkGzip(br)
	case bytes.HasPrefix(head, zstdMagic), bytes.HasPrefix(head, gzipMagic), isBzip2(head):
		return w.walkCompressed(br, head, name, w.source == "")
	case isTarHeader(head):
		return w.walkTar(br)
	case strings.HasSuffix(lower, ".tar.zst") || strings.HasSuffix(lower, ".tzst"):
		return &FileError{Input: w.where(), Err: fmt.Errorf("%w: no zstd frame at the start (truncated or corrupt zstd stream)", ErrCorruptStream)}
	case strings.HasSuffix(lower, ".tar.gz") || strings.HasSuffix(lower, ".tgz"):
		return &FileError{Input: w.where(), Err: fmt.Errorf("%w: no gzip header at the start (truncated or corrupt gzip stream)", ErrCorruptStream)}
	case strings.HasSuffix(lower, ".tar"):
		// A pre-POSIX tar has no magic; let archive/tar judge it.
		return w.walkTar(br)
	case strings.HasSuffix(lower, ".zip"):
		return &FileError{Input: w.where(), Err: fmt.Errorf("%w: no zip header at the start (truncated or corrupt zip archive)", ErrCorruptStream)}
	case w.source != "":
		return &FileError{Input: w.where(), Err: errors.New("not an archive: neither tar, zip, gzip, zstd nor bzip2")}
	}
	if size > w.lim.MaxExpandedBytes {
		return w.expandedError(name)
	}
	return w.single(name, size, io.LimitReader(br, size), head, file)
}

// single hands one plain file, given directly or on a stream, to fn. Its
// name decides when it says what the file holds; otherwise its first
// bytes do (head: up to 512 of them), so that `kubectl get -o yaml |
// analyze -` and a log piped in both read.
func (w *walker) single(name string, size int64, body io.Reader, head []byte, file string) error {
	c := ClassifyPath(name)
	e := &Entry{Input: w.input, Source: w.source, Path: name, Name: name, Size: size, File: file, Type: c.Type}
	switch {
	case c.Type == EntryLog || c.Type == EntryOther:
		// A file given directly has no path to tell its origin, but a
		// cluster-info dump logs.txt says it in its frames.
		e.Type = EntryLog
		if _, _, _, ok := parseDumpMarker(firstLine(head), "START"); ok {
			e.Type = EntryDumpLogs
		} else if c.Type == EntryOther && looksLikeObjects(head) {
			e.Type = EntryObjects
		}
	case c.Type != EntryObjects && c.Type != EntryDumpLogs:
		e.Type = c.Type // a name only a layout gives (clusters, ...): as classified
		e.Namespace, e.Pod, e.Container, e.Previous = c.Namespace, c.Pod, c.Container, c.Previous
	}
	if err := w.countEntry(name); err != nil {
		return err
	}
	if skip, err := w.checkObjectSize(e); skip || err != nil {
		return err
	}
	e.Body = &entryReader{r: body, input: w.where(), entry: name, w: w}
	return w.fn(e)
}

// looksLikeObjects reports whether the first bytes of a file read as
// Kubernetes objects: JSON naming an apiVersion or kind, or YAML with an
// apiVersion: or kind: key at the top level of its first lines. A JSON
// access log (Envoy's) has neither key.
func looksLikeObjects(head []byte) bool {
	t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	if len(t) == 0 {
		return false
	}
	if t[0] == '{' || t[0] == '[' {
		return bytes.Contains(t, []byte(`"apiVersion"`)) || bytes.Contains(t, []byte(`"kind"`))
	}
	lines := 0
	for len(t) > 0 && lines < 12 {
		line := t
		if i := bytes.IndexByte(t, '\n'); i >= 0 {
			line, t = t[:i], t[i+1:]
		} else {
			t = nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 || line[0] == '#' || bytes.Equal(line, []byte("---")) {
			continue
		}
		lines++
		if bytes.HasPrefix(line, []byte("apiVersion:")) || bytes.HasPrefix(line, []byte("kind:")) {
			return true
		}
	}
	return false
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

// isBzip2 reports whether b starts with a bzip2 stream header: "BZh" and
// the block size digit 1-9.
func isBzip2(b []byte) bool {
	return len(b) >= 4 && bytes.HasPrefix(b, bzip2Magic) && b[3] >= '1' && b[3] <= '9'
}

// ---- archives ----

func (w *walker) walkZstd(r io.Reader) error {
	conc := 1
	if runtime.GOMAXPROCS(0) >= 8 {
		conc = 2
	}
	zr, err := idleDecoders.get(r, conc)
	if err != nil {
		return &FileError{Input: w.where(), Err: fmt.Errorf("%w (truncated or corrupt zstd stream): %v", ErrCorruptStream, err)}
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
		return &FileError{Input: w.where(), Err: fmt.Errorf("%w (truncated or corrupt gzip stream): %v", ErrCorruptStream, err)}
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
	tr := tar.NewReader(&countingReader{r: r, n: &w.counts.expanded, limit: w.lim.MaxExpandedBytes})
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
		if hdr.Size > w.left() {
			return w.expandedError(raw)
		}
		if d, b := path.Split(name); strings.Count(d, "/") <= 1 {
			sawManifest = sawManifest || b == ManifestPath
			sawIndex = sawIndex || b == IndexPath
		}
		if err := w.member(archiveMember{name: name, size: hdr.Size, body: tr, ordinal: ordinal}); err != nil {
			return err
		}
	}
	if sawManifest && !sawIndex {
		// A bundle whose index is missing was cut short (gather killed
		// before Close cannot produce one, but a copy can truncate at a
		// frame boundary). The entries read are still usable.
		if err := w.warn(IndexPath, ErrIncompleteBundle); err != nil {
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
		return &FileError{Input: w.where(), Entry: entry, Err: de}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &FileError{Input: w.where(), Entry: entry, Err: errors.New("truncated tar archive")}
	case atStart:
		return &FileError{Input: w.where(), Err: fmt.Errorf("not a tar archive: %v", err)}
	}
	return &FileError{Input: w.where(), Entry: entry, Err: fmt.Errorf("corrupt tar archive: %v", err)}
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
	if info.Size() > w.left() {
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
	w.counts.expanded += info.Size()
	// Read what stat saw: a log still growing does not move the goalposts.
	return w.member(archiveMember{name: rel, size: info.Size(), body: io.LimitReader(f, info.Size()), file: p, at: f})
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
