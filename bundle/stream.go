package bundle

import "io"

// Inputs that are not on the local file system (objects in S3-compatible
// storage) are read through the same walker as files and directories:
// WalkReader reads one object as a stream, WalkFiles a listing of objects
// as a directory.

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
	w := &walker{input: input, lim: lim.WithDefaults(), warnFn: warn, fn: fn, counts: &walkCounts{}}
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
		if f.Size > w.left() {
			return w.expandedError(rel)
		}
		body := &lazyBody{open: f.Open, size: f.Size}
		err = w.member(archiveMember{name: rel, size: f.Size, body: &countingReader{r: body, n: &w.counts.expanded, limit: w.lim.MaxExpandedBytes}})
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
