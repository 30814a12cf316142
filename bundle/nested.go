package bundle

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// archiveMember is one file of the input, from a directory, a tar or a zip.
type archiveMember struct {
	name    string // cleaned path below the input (or the nested archive)
	size    int64  // bytes as stored
	body    io.Reader
	file    string   // its own file, when a plain file of a directory
	at      *os.File // the open file, when a plain file of a directory
	ordinal int
}

// member classifies one file and hands it to fn: an archive is read in
// turn (archive), a compressed file decompressed as its name says.
func (w *walker) member(m archiveMember) error {
	c := ClassifyPath(m.name)
	if c.Type == EntryArchive {
		return w.archive(m, c)
	}
	e := &Entry{
		Input: w.input, Source: w.source, Path: m.name, Type: c.Type, Size: m.size, File: m.file,
		Layout: c.Layout, Listing: c.Listing, Collector: c.Collector, Reason: c.Reason,
		Namespace: c.Namespace, Pod: c.Pod, Container: c.Container, Previous: c.Previous,
		Name: path.Base(m.name), Ordinal: m.ordinal,
	}
	body := m.body
	if c.Compression != "" {
		dec, done, err := decompressor(c.Compression, m.body)
		if err != nil {
			if c.Type == EntryOther {
				return w.fn(e) // skipped for its name's sake anyway
			}
			return w.warn(m.name, err)
		}
		defer done()
		db := bufio.NewReaderSize(&decompReader{r: &countingReader{r: dec, n: &w.counts.expanded, limit: w.lim.MaxExpandedBytes}, kind: c.Compression}, 32<<10)
		// bundle.gz: a compressed tar named like a compressed file.
		if head, _ := db.Peek(512); isTarHeader(head) {
			m.body, m.at = db, nil
			return w.archive(m, Class{Type: EntryArchive})
		}
		e.Size, e.File, body = -1, "", db
	}
	if skip, err := w.checkObjectSize(e); skip || err != nil {
		return err
	}
	e.Body = &entryReader{r: body, input: w.where(), entry: m.name, w: w}
	return w.fn(e)
}

// callerError carries an error of the WalkFunc out of a nested archive's
// walk, which turns its own errors into warnings of the parent.
type callerError struct{ err error }

func (e callerError) Error() string { return e.err.Error() }

// archive announces an archive inside the input to fn and reads it.
func (w *walker) archive(m archiveMember, c Class) error {
	// Its Body is empty: its bytes are read as the entries that follow.
	e := &Entry{Input: w.input, Source: w.source, Path: m.name, Type: EntryArchive, Size: m.size, File: m.file, Name: path.Base(m.name), Ordinal: m.ordinal, Body: strings.NewReader("")}
	if err := w.fn(e); err != nil {
		if errors.Is(err, ErrSkipArchive) {
			return nil
		}
		return err
	}
	return w.nested(m, c, m.body)
}

// nested reads the archive m (its bytes in body, unless it is a plain file
// of a directory) as a walker of its own that shares w's budgets. A
// problem inside it is a warning of the parent naming the archive, and
// what was read before it stays read; the caps and the WalkFunc's errors
// end the walk.
func (w *walker) nested(m archiveMember, c Class, body io.Reader) error {
	if w.depth+1 >= maxNesting {
		return w.warn(m.name, fmt.Errorf("nested archive not read: more than %d archives deep", maxNesting))
	}
	nw := &walker{
		input: w.input, source: w.rel(m.name), depth: w.depth + 1, lim: w.lim, warnFn: w.warnFn, counts: w.counts, ordinal: m.ordinal,
		fn: func(e *Entry) error {
			if err := w.fn(e); err != nil {
				return callerError{err}
			}
			return nil
		},
	}
	var err error
	switch {
	case m.at != nil:
		err = nw.walkOpenFile(m.at, m.size, m.name, "")
	case c.Compression == "zip":
		return w.warn(m.name, errors.New("nested archive not read: a zip inside another archive needs random access; extract it first"))
	default:
		err = nw.walkStream(body, "", false)
	}
	var ce callerError
	var le *LimitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce):
		return ce.err
	case errors.As(err, &le):
		return err
	}
	var fe *FileError
	if errors.As(err, &fe) {
		err = fe.Err
		if fe.Entry != "" {
			err = fmt.Errorf("entry %q: %w", fe.Entry, err)
		}
	}
	return w.warn(m.name, fmt.Errorf("nested archive read only in part: %w", err))
}

// walkStream reads an input that can be read only once, front to back
// (standard input, an S3 object, an archive inside a stream): an
// archive by its magic bytes, or, when top, one plain file named name.
func (w *walker) walkStream(r io.Reader, name string, top bool) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	switch {
	case bytes.HasPrefix(head, zipMagic) || bytes.HasPrefix(head, zipEmpty):
		return &FileError{Input: w.where(), Err: errors.New("a zip archive cannot be read as a stream (zip keeps its directory at the end): give it as a file")}
	case bytes.HasPrefix(head, zstdMagic), bytes.HasPrefix(head, gzipMagic), isBzip2(head):
		return w.walkCompressed(br, head, name, top)
	case isTarHeader(head):
		return w.walkTar(br)
	case !top:
		return &FileError{Input: w.where(), Err: errors.New("not an archive: neither tar, zip, gzip, zstd nor bzip2")}
	}
	if len(head) == 0 {
		return &FileError{Input: w.where(), Err: errors.New("empty input")}
	}
	// A plain stream counts against MaxExpandedBytes as a decompressed one
	// does: an endless standard input or object is cut, not read forever.
	return w.single(name, -1, &countingReader{r: br, n: &w.counts.expanded, limit: w.lim.MaxExpandedBytes}, head, "")
}

// walkCompressed reads a compressed stream (head: its first bytes): a tar
// inside is walked, anything else is one file named name without its
// compression suffix (only when top: an archive member reaches here only
// when named as an archive).
func (w *walker) walkCompressed(r io.Reader, head []byte, name string, top bool) error {
	codec := "gzip"
	switch {
	case bytes.HasPrefix(head, zstdMagic):
		codec = "zstd"
	case isBzip2(head):
		codec = "bzip2"
	}
	dec, done, err := decompressor(codec, r)
	if err != nil {
		return &FileError{Input: w.where(), Err: err}
	}
	defer done()
	db := bufio.NewReaderSize(&decompReader{r: dec, kind: codec}, 64<<10)
	inner, err := db.Peek(512)
	if err != nil && err != io.EOF {
		return w.streamError("", err, true)
	}
	if isTarHeader(inner) {
		return w.walkTar(db)
	}
	if !top {
		return &FileError{Input: w.where(), Err: fmt.Errorf("%s data, but not a tar archive", codec)}
	}
	if name == "" || name == "stdin" {
		name = "stdin"
	} else if c := ClassifyPath(name); c.Compression != "" {
		name = strings.TrimSuffix(name, path.Ext(name)) // access.log.gz → access.log
	}
	return w.single(name, -1, &countingReader{r: db, n: &w.counts.expanded, limit: w.lim.MaxExpandedBytes}, inner, "")
}

// decompressor returns a reader of r's bytes decompressed with codec, and
// the function that releases it. A stream whose first bytes are not in
// that format is an error saying so.
func decompressor(codec string, r io.Reader) (io.Reader, func(), error) {
	switch codec {
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, fmt.Errorf("not gzip data although its name says so: %v", err)
		}
		return zr, func() { zr.Close() }, nil
	case "zstd":
		br := bufio.NewReader(r)
		if head, _ := br.Peek(4); !bytes.HasPrefix(head, zstdMagic) {
			return nil, nil, errors.New("not zstd data although its name says so")
		}
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(128<<20), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, nil, fmt.Errorf("zstd: %v", err)
		}
		return zr, zr.Close, nil
	case "bzip2":
		br := bufio.NewReader(r)
		if head, _ := br.Peek(4); !isBzip2(head) {
			return nil, nil, errors.New("not bzip2 data although its name says so")
		}
		return bzip2.NewReader(br), func() {}, nil
	}
	return nil, nil, fmt.Errorf("unsupported compression %q", codec)
}

// ---- zip ----

// walkZip reads a zip archive from its file. Each member's declared size
// is checked against the expanded-bytes cap before it is opened, and what
// it expands to is counted as it is read (archive/zip itself refuses a
// member that expands past its declared size).
func (w *walker) walkZip(ra io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return &FileError{Input: w.where(), Err: fmt.Errorf("%w: not a zip archive or a damaged one: %v", ErrCorruptStream, err)}
	}
	for _, f := range zr.File {
		raw := f.Name
		if err := w.countEntry(raw); err != nil {
			return err
		}
		mode := f.Mode()
		if mode.IsDir() || strings.HasSuffix(raw, "/") {
			continue
		}
		name, perr := cleanEntryName(raw)
		switch {
		case perr != nil:
		case mode&fs.ModeSymlink != 0:
			perr = errors.New("symlink refused (links are never followed)")
		case !mode.IsRegular():
			perr = fmt.Errorf("unsupported file type %s refused", mode.Type())
		case f.Flags&0x1 != 0:
			perr = errors.New("encrypted zip member not read")
		case f.Method != zip.Store && f.Method != zip.Deflate:
			perr = fmt.Errorf("unsupported compression: zip method %d", f.Method)
		}
		if perr != nil {
			if err := w.warn(raw, perr); err != nil {
				return err
			}
			continue
		}
		if f.UncompressedSize64 > uint64(max(w.left(), 0)) {
			return w.expandedError(raw)
		}
		rc, err := f.Open()
		if err != nil {
			if err := w.warn(raw, err); err != nil {
				return err
			}
			continue
		}
		err = w.member(archiveMember{name: name, size: int64(f.UncompressedSize64), body: &countingReader{r: rc, n: &w.counts.expanded, limit: w.lim.MaxExpandedBytes}})
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// ---- streams ----

// IsStream reports whether input is read as a stream: "-", standard
// input. (Objects in S3-compatible storage are streams too, but the
// loader walks them itself: a prefix is a listing, not a stream.)
func IsStream(input string) bool { return input == "-" }

// streamName is what a stream's single file is called: "stdin", or the
// last part of the name.
func streamName(input string) string {
	if input == "-" {
		return "stdin"
	}
	return path.Base(input)
}
