package load

import (
	"context"
	"fmt"
	"io"
	"path"
	"runtime"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/s3input"
)

// walkRemote reads an s3:// input: one object (a bundle, a file) streamed
// from its first byte, or the objects under a prefix read as a directory.
// An object is read in the two passes of walk (one decoding the objects
// at its head, one reading the rest), each its own GET; a bundle's log
// frame index is not used, as it would need reads from the object's end.
func (l *loader) walkRemote(in string) error {
	loc, err := s3input.Parse(in)
	if err != nil {
		return err
	}
	ctx := context.Background()
	c, err := s3input.Default(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	warn := func(p string, err error) { l.warn("%s: %s: %v", in, p, err) }
	l.dir = ""
	if loc.IsPrefix() {
		objs, err := c.List(ctx, loc)
		if err != nil {
			return err
		}
		if len(objs) == 0 {
			return fmt.Errorf("%s: no objects under this prefix", in)
		}
		files := make([]bundle.RemoteFile, len(objs))
		for i, o := range objs {
			files[i] = bundle.RemoteFile{Path: o.Rel, Size: o.Size, Open: func() (io.ReadCloser, error) {
				body, _, err := c.Open(ctx, loc.Join(o.Rel))
				return body, err
			}}
		}
		return bundle.WalkFiles(in, files, l.lim, warn, l.entry)
	}
	walk := func(warn func(string, error), fn bundle.WalkFunc) error {
		body, _, err := c.Open(ctx, loc)
		if err != nil {
			return err
		}
		defer body.Close()
		return bundle.WalkReader(in, path.Base(loc.Key), body, l.lim, warn, fn)
	}
	if runtime.GOMAXPROCS(0) < 2 {
		return walk(warn, l.entry)
	}
	return l.twoPasses(walk, warn)
}
