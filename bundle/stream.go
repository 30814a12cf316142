package bundle

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Inputs that are not on the local file system (objects in S3-compatible
// storage) are read through the same walker as files and directories:
// WalkReader reads one object as a stream, WalkFiles a listing of objects
// as a directory.

// WalkReader is Walk over one input read as a stream from its first byte:
// the same detection as for a file (zstd, gzip or tar by their magic
// bytes, then name's extension for an old tar or a single file), the same
// limits, the same errors naming input. size is the stream's length, -1
// when unknown. The stream is read once, front to back, and never stored.
func WalkReader(input, name string, r io.Reader, size int64, lim Limits, warn func(path string, err error), fn WalkFunc) error {
	w := &walker{input: input, lim: lim.WithDefaults(), warnFn: warn, fn: fn}
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(512)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return &FileError{Input: input, Err: fmt.Errorf("cannot read input: %w", err)}
	}
	lower := strings.ToLower(name)
	switch {
	case bytes.HasPrefix(head, zstdMagic):
		return w.walkZstd(br)
	case bytes.HasPrefix(head, gzipMagic):
		return w.walkGzip(br)
	case isTarHeader(head):
		return w.walkTar(br)
	case strings.HasSuffix(lower, ".tar.zst") || strings.HasSuffix(lower, ".tzst"):
		return &FileError{Input: input, Err: fmt.Errorf("%w: no zstd frame at the start (truncated or corrupt zstd stream)", ErrCorruptStream)}
	case strings.HasSuffix(lower, ".tar.gz") || strings.HasSuffix(lower, ".tgz"):
		return &FileError{Input: input, Err: fmt.Errorf("%w: no gzip header at the start (truncated or corrupt gzip stream)", ErrCorruptStream)}
	case strings.HasSuffix(lower, ".tar"):
		return w.walkTar(br)
	}
	// One file, which has no path to tell its origin: as walkFile.
	base := path.Base(name)
	e := &Entry{Input: input, Path: base, Name: base, Size: size, Type: EntryOther}
	switch strings.ToLower(path.Ext(base)) {
	case ".json", ".yaml", ".yml":
		e.Type = EntryObjects
	case ".log", ".txt":
		e.Type = EntryLog
		if _, _, _, ok := parseDumpMarker(firstLine(head), "START"); ok {
			e.Type = EntryDumpLogs
		}
	}
	if err := w.countEntry(base); err != nil {
		return err
	}
	if skip, err := w.checkObjectSize(e); skip || err != nil {
		return err
	}
	if size > w.lim.MaxExpandedBytes {
		return w.expandedError(base)
	}
	var body io.Reader = br
	if size >= 0 {
		body = io.LimitReader(br, size)
	}
	e.Body = &entryReader{r: &countingReader{r: body, n: &w.expanded, limit: w.lim.MaxExpandedBytes}, input: input, entry: base, w: w}
	return w.fn(e)
}

// RemoteFile is one file of a listing WalkFiles reads as a directory.
type RemoteFile struct {
	// Path is slash-separated, relative to the listing's root.
	Path string
	// Size is the file's length (-1 when unknown).
	Size int64
	// Open starts reading it; WalkFiles calls it only when the entry's
	// body is read, and closes what it returns.
	Open func() (io.ReadCloser, error)
}

// WalkFiles is Walk over a listing of files that are not on the local
// file system (the objects under an S3 prefix), read as a directory: each
// classified by its path, in the order given, with the directory walk's
// limits and its refusal of paths escaping the root. A file that cannot be
// opened is reported through warn and skipped. Archives among the files
// are entries of no known type, as in a directory.
func WalkFiles(input string, files []RemoteFile, lim Limits, warn func(path string, err error), fn WalkFunc) error {
	w := &walker{input: input, lim: lim.WithDefaults(), warnFn: warn, fn: fn}
	for _, f := range files {
		if err := w.countEntry(f.Path); err != nil {
			return err
		}
		rel, err := cleanEntryName(f.Path)
		if err != nil {
			if err := w.warn(f.Path, err); err != nil {
				return err
			}
			continue
		}
		e := w.newEntry(rel, f.Size)
		if skip, err := w.checkObjectSize(e); err != nil {
			return err
		} else if skip {
			continue
		}
		if f.Size > w.lim.MaxExpandedBytes-w.expanded {
			return w.expandedError(rel)
		}
		body := &lazyBody{open: f.Open, size: f.Size}
		e.Body = &entryReader{r: &countingReader{r: body, n: &w.expanded, limit: w.lim.MaxExpandedBytes}, input: input, entry: rel, w: w}
		err = w.fn(e)
		body.close()
		if err != nil {
			return err
		}
		if body.err != nil {
			if err := w.warn(rel, body.err); err != nil {
				return err
			}
		}
	}
	return nil
}

// lazyBody opens a remote file on its first Read, so that entries the
// reader skips cost no request.
type lazyBody struct {
	open func() (io.ReadCloser, error)
	size int64
	rc   io.ReadCloser
	r    io.Reader
	err  error // the open error, reported after the entry
}

func (b *lazyBody) Read(p []byte) (int, error) {
	if b.r == nil {
		if b.err != nil {
			return 0, b.err
		}
		rc, err := b.open()
		if err != nil {
			b.err = err
			return 0, err
		}
		b.rc, b.r = rc, rc
		if b.size >= 0 {
			b.r = io.LimitReader(rc, b.size) // what the listing saw
		}
	}
	return b.r.Read(p)
}

func (b *lazyBody) close() {
	if b.rc != nil {
		b.rc.Close()
	}
}
