package bundle

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
)

// Writer writes a bundle: a zstd-compressed tar stream whose first entry is
// manifest.json and whose last entry is index.json, with a new zstd frame
// at the first log and a trailer saying where (see frames.go). It streams:
// memory use does not grow with the bundle (only the index's per-file list
// does).
//
// The archive is written to a temporary file next to the final path and
// renamed into place by Close, so a crash, a kill or an Abort never leaves a
// half-written file under the final name. A Writer made by NewStreamWriter
// writes to a stream instead (gather -o -): there is nothing to rename, and
// an aborted stream ends in the middle of a zstd frame, without index.json,
// so no reader can take it for a whole bundle.
//
// All methods are safe for concurrent use; entries are written one at a
// time in the order the calls acquire the writer.
type Writer struct {
	mu      sync.Mutex
	path    string          // final path
	tmpPath string          // temp file in the same directory (same file system: rename is atomic)
	f       *os.File        // nil for a stream writer
	stream  io.Writer       // the destination of a stream writer
	cf      *countingWriter // f or stream, counted: where the next zstd frame starts
	zw      *zstd.Encoder
	tw      *tar.Writer
	mtime   time.Time

	files      []FileInfo
	seen       map[string]bool
	entries    int        // tar headers written
	logFrames  []LogFrame // the frames started at logs (see frames.go)
	frameBytes int64      // tar bytes in the current log frame
	collectors []CollectorStatus

	// err poisons the writer: once the tar stream may be inconsistent (a
	// short WriteFrom, an I/O error), Close refuses to publish the bundle.
	err     error
	closed  bool // Close succeeded: the bundle is at path
	aborted bool
}

// Create starts a bundle that Close will publish at path. m is written as
// the first entry; a zero FormatVersion is set to FormatVersion and a zero
// CreatedAt to the current time (CreatedAt is also every entry's mtime, so
// the archive does not leak per-file collection timing and is reproducible).
func Create(path string, m Manifest) (*Writer, error) {
	if path == "" {
		return nil, errors.New("bundle: create: empty output path")
	}
	if m.FormatVersion == 0 {
		m.FormatVersion = FormatVersion
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now().UTC()
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("bundle: create %s: %w", path, err)
	}
	w, err := newWriter(path, f, m)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	w.f, w.tmpPath = f, f.Name()
	if err := w.writeManifest(m); err != nil {
		w.Abort()
		return nil, err
	}
	return w, nil
}

// NewStreamWriter starts a bundle written to out as it is produced; name
// is what messages call it (e.g. "stdout"). Close writes the index and the
// trailer and flushes, but never closes out. Abort stops writing and leaves
// the stream cut inside a zstd frame.
func NewStreamWriter(out io.Writer, name string, m Manifest) (*Writer, error) {
	if out == nil {
		return nil, errors.New("bundle: create: nil stream")
	}
	if m.FormatVersion == 0 {
		m.FormatVersion = FormatVersion
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now().UTC()
	}
	w, err := newWriter(name, out, m)
	if err != nil {
		return nil, err
	}
	w.stream = out
	if err := w.writeManifest(m); err != nil {
		w.Abort()
		return nil, err
	}
	return w, nil
}

func newWriter(name string, out io.Writer, m Manifest) (*Writer, error) {
	// Compression runs in parallel with collection; cap the encoder's
	// goroutines so gather leaves CPU for the API-server client.
	conc := min(runtime.GOMAXPROCS(0), 4)
	cf := &countingWriter{w: out}
	zw, err := zstd.NewWriter(cf, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(conc))
	if err != nil {
		return nil, fmt.Errorf("bundle: create %s: zstd: %w", name, err)
	}
	return &Writer{
		path:  name,
		cf:    cf,
		zw:    zw,
		tw:    tar.NewWriter(zw),
		mtime: m.CreatedAt,
		seen:  map[string]bool{},
	}, nil
}

func (w *Writer) writeManifest(m Manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err == nil {
		w.mu.Lock()
		err = w.writeLocked(ManifestPath, bytesReader(data), int64(len(data)))
		w.mu.Unlock()
	}
	if err != nil {
		return fmt.Errorf("bundle: create %s: manifest: %w", w.path, err)
	}
	return nil
}

// Path returns the final path the bundle is published at by Close.
func (w *Writer) Path() string { return w.path }

// WriteFile adds one file. name is slash-separated, relative and clean
// (see ValidName); each name may be written once.
func (w *Writer) WriteFile(name string, data []byte) error {
	if err := checkUserName(name); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writeLocked(name, bytesReader(data), int64(len(data)))
}

// WriteFrom adds one file of exactly size bytes read from r, streaming.
// If r ends early the tar stream cannot be completed correctly, so the
// writer is poisoned: Close will fail and the caller should Abort. If r holds
// more than size bytes, the entry is stored with its first size bytes and an
// error is returned (the archive stays consistent).
func (w *Writer) WriteFrom(name string, r io.Reader, size int64) error {
	if err := checkUserName(name); err != nil {
		return err
	}
	if size < 0 {
		return fmt.Errorf("bundle: %s: negative size %d", name, size)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.writeLocked(name, r, size); err != nil {
		return err
	}
	// Probe for extra bytes: a caller passing a wrong size is a bug we
	// report rather than silently truncating.
	var one [1]byte
	for {
		n, err := r.Read(one[:])
		if n > 0 {
			return fmt.Errorf("bundle: %s: reader holds more than the declared %d bytes; entry truncated", name, size)
		}
		if err != nil {
			return nil // io.EOF or a read error after all data: entry complete
		}
	}
}

// AddCollector records a collector's outcome in the closing index.
func (w *Writer) AddCollector(s CollectorStatus) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.collectors = append(w.collectors, s)
}

// Close writes index.json, finishes the tar and zstd streams, fsyncs and
// renames the temporary file to the final path. After a failed Close the
// temporary file is removed and nothing is published.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return fmt.Errorf("bundle: %s: already closed", w.path)
	}
	if w.aborted {
		return fmt.Errorf("bundle: %s: Close after Abort", w.path)
	}
	if w.err != nil {
		err := fmt.Errorf("bundle: %s: not published after an earlier error: %w", w.path, w.err)
		w.abortLocked()
		return err
	}
	err := w.finishLocked()
	if err != nil {
		w.abortLocked()
		return fmt.Errorf("bundle: close %s: %w", w.path, err)
	}
	w.closed = true
	return nil
}

func (w *Writer) finishLocked() error {
	collectors := w.collectors
	if collectors == nil {
		collectors = []CollectorStatus{}
	}
	idx := Index{
		FormatVersion: FormatVersion,
		CompletedAt:   time.Now().UTC(),
		Collectors:    collectors,
		Files:         w.files,
	}
	data, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return err
	}
	if err := w.writeLocked(IndexPath, bytesReader(data), int64(len(data))); err != nil {
		return err
	}
	if err := w.tw.Close(); err != nil {
		return err
	}
	if err := w.zw.Close(); err != nil {
		return err
	}
	if len(w.logFrames) > 0 {
		if _, err := w.cf.Write(appendTrailer(nil, w.logFrames)); err != nil {
			return err
		}
	}
	if w.f == nil { // a stream: nothing to sync or rename
		return nil
	}
	if err := w.f.Sync(); err != nil {
		return err
	}
	if err := w.f.Close(); err != nil {
		return err
	}
	w.f = nil
	if err := os.Rename(w.tmpPath, w.path); err != nil {
		return err
	}
	// Persist the rename itself; best effort (not all file systems allow
	// syncing a directory).
	if d, err := os.Open(filepath.Dir(w.path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Abort discards the bundle: the temporary file is removed and nothing is
// published. Abort after a successful Close is a no-op; Close after Abort
// fails.
func (w *Writer) Abort() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed || w.aborted {
		return nil
	}
	return w.abortLocked()
}

func (w *Writer) abortLocked() error {
	w.aborted = true
	// Nothing more reaches the destination: a stream stays cut where it
	// is, inside a zstd frame, rather than ending in a well-formed frame.
	w.cf.discard = true
	if w.zw != nil {
		// Close (not just drop) the encoder so its goroutines exit.
		w.zw.Close()
	}
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
	if w.tmpPath == "" {
		return nil
	}
	if err := os.Remove(w.tmpPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("bundle: abort %s: %w", w.path, err)
	}
	return nil
}

// writeLocked writes one tar entry of size bytes from r and records it in
// the index. Callers hold w.mu.
func (w *Writer) writeLocked(name string, r io.Reader, size int64) error {
	switch {
	case w.closed:
		return fmt.Errorf("bundle: %s: write after Close", name)
	case w.aborted:
		return fmt.Errorf("bundle: %s: write after Abort", name)
	case w.err != nil:
		return fmt.Errorf("bundle: %s: writer failed earlier: %w", name, w.err)
	case w.seen[name]:
		return fmt.Errorf("bundle: %s: already written", name)
	}
	if w.entries > 0 && (len(w.logFrames) == 0 || w.frameBytes >= LogFrameBytes) {
		if t, _, _, _, _ := Classify(name); t.IsLog() {
			if err := w.startLogFrame(name); err != nil {
				w.err = err
				return fmt.Errorf("bundle: %s: %w", name, err)
			}
		}
	}
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     name,
		Size:     size,
		Mode:     0o644,
		ModTime:  w.mtime,
		// Format left unspecified: archive/tar picks USTAR, or PAX/GNU for
		// long names and large sizes, and rounds ModTime to seconds.
	}
	if err := w.tw.WriteHeader(hdr); err != nil {
		w.err = err
		return fmt.Errorf("bundle: %s: %w", name, err)
	}
	h := sha256.New()
	n, err := io.Copy(w.tw, io.TeeReader(io.LimitReader(r, size), hashWriter{h}))
	if err == nil && n < size {
		err = fmt.Errorf("reader ended after %d of the declared %d bytes", n, size)
	}
	if err != nil {
		// The tar header promised size bytes; the stream is now unusable.
		w.err = fmt.Errorf("%s: %w", name, err)
		return fmt.Errorf("bundle: %s: %w", name, err)
	}
	w.seen[name] = true
	w.entries++
	w.frameBytes += size
	w.files = append(w.files, FileInfo{Path: name, Size: size, SHA256: hex.EncodeToString(h.Sum(nil))})
	return nil
}

// startLogFrame ends the current zstd frame at the entry boundary before
// a log and starts a new one there (see frames.go).
func (w *Writer) startLogFrame(name string) error {
	if err := w.tw.Flush(); err != nil {
		return err
	}
	if err := w.zw.Close(); err != nil {
		return err
	}
	w.logFrames = append(w.logFrames, LogFrame{Offset: w.cf.n, Entry: w.entries, Path: name})
	w.frameBytes = 0
	w.zw.Reset(w.cf)
	return nil
}

type hashWriter struct{ h hash.Hash }

func (h hashWriter) Write(p []byte) (int, error) { return h.h.Write(p) }

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// ValidName reports whether name is acceptable as a bundle entry name:
// non-empty, slash-separated, relative, clean (path.Clean(name) == name), no
// "." or ".." component, no backslash or NUL. The reader applies the same
// confinement to what it reads.
func ValidName(name string) error {
	switch {
	case name == "":
		return errors.New("empty name")
	case strings.ContainsRune(name, 0):
		return errors.New("name contains NUL")
	case strings.Contains(name, `\`):
		return errors.New("name contains a backslash")
	case strings.HasPrefix(name, "/"):
		return errors.New("absolute path")
	case path.Clean(name) != name || name == ".":
		return errors.New("path is not clean")
	}
	for _, c := range strings.Split(name, "/") {
		if c == ".." {
			return errors.New("path escapes the bundle root")
		}
	}
	return nil
}

func checkUserName(name string) error {
	if err := ValidName(name); err != nil {
		return fmt.Errorf("bundle: entry %q: %w", name, err)
	}
	if name == ManifestPath || name == IndexPath {
		return fmt.Errorf("bundle: entry %q: reserved name (written by the Writer itself)", name)
	}
	return nil
}

// ClusterScope is the namespace directory used for cluster-scoped resources.
const ClusterScope = "_cluster"

// ResourcePath is where the List of one resource in one namespace is stored:
// "resources/<ns>/<resource>.json", or "resources/_cluster/<resource>.json"
// for cluster-scoped resources (namespace ""). resource is plural[.group],
// e.g. "pods", "virtualservices.networking.istio.io". ("_cluster" cannot
// clash with a namespace: namespace names are DNS labels.)
func ResourcePath(namespace, resource string) string {
	if namespace == "" {
		namespace = ClusterScope
	}
	return "resources/" + namespace + "/" + resource + ".json"
}

// LogPath is where one container's log is stored:
// "logs/<ns>/<pod>/<container>.log", or "<container>.previous.log" for the
// previous instance.
func LogPath(namespace, pod, container string, previous bool) string {
	if previous {
		return "logs/" + namespace + "/" + pod + "/" + container + ".previous.log"
	}
	return "logs/" + namespace + "/" + pod + "/" + container + ".log"
}

// ProxyPath is where one piece of Envoy admin output of a pod is stored:
// "proxy/<ns>/<pod>/<name>" (name e.g. "clusters.json", "config_dump.json").
func ProxyPath(namespace, pod, name string) string {
	return "proxy/" + namespace + "/" + pod + "/" + name
}
