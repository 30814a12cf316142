package load

import (
	"errors"
	"io"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/nohealthy/nohealthy/bundle"
)

// Entries reads the inputs as Inputs reads them, one after the other, each
// in a single pass in its own order, and calls fn for every entry: the
// manifest, the objects files, the logs, the rest. It is how the browsing
// commands (get, describe, logs) read, so that every layout the analysis
// reads is browsable without code of its own; a reader added to the
// loader belongs here too. It does not decode anything and keeps nothing:
// what fn does not read is skipped as the input streams by.
//
// Errors are as bundle.Walk reports them: a problem confined to one entry
// goes to warn (nil: it ends the walk), a problem with the input as a
// whole, or an error returned by fn, ends it.
func Entries(inputs []string, lim bundle.Limits, warn func(msg string), fn bundle.WalkFunc) error {
	return EntriesOf(inputs, lim, warn, nil, fn)
}

// EntriesOf is Entries for a caller that wants only some entries, which
// want tells by their path (nil: all). fn may still see others: want lets
// a bundle written by bundle.Writer be read in part. Such a bundle
// records where its log frames start, and its index (the last entry)
// lists its files in order: the entries before the first log frame are
// read, then only the frames holding a wanted entry, each decompressed
// from its start. `get pods` on a bundle of gigabytes of logs then reads
// its objects, not its logs. When the index cannot be read, or does not
// list what the bundle holds before its first frame, the whole bundle is
// read as Entries reads it.
func EntriesOf(inputs []string, lim bundle.Limits, warn func(msg string), want func(path string) bool, fn bundle.WalkFunc) error {
	var onEntry func(string, error)
	if warn != nil {
		// bundle's errors name the input and the entry themselves.
		onEntry = func(_ string, err error) { warn(err.Error()) }
	}
	for _, in := range inputs {
		if want != nil {
			if frames, ok := bundle.ReadLogFrames(in); ok {
				if done, err := walkWanted(in, frames, lim, onEntry, want, fn); done || err != nil {
					if err != nil {
						return err
					}
					continue
				}
			}
		}
		if err := bundle.Walk(in, lim, onEntry, fn); err != nil {
			return err
		}
	}
	return nil
}

var (
	errPrefixRead = errors.New("prefix read")
	errFrameRead  = errors.New("frame read")
)

// walkWanted reads a framed bundle in part (see EntriesOf). done is false
// when nothing was read and the bundle must be walked whole.
func walkWanted(in string, frames []bundle.LogFrame, lim bundle.Limits, warn func(string, error), want func(string) bool, fn bundle.WalkFunc) (done bool, err error) {
	files, ok := frameIndex(in, frames[len(frames)-1], lim)
	if !ok {
		return false, nil
	}
	pos := make(map[string]int, len(files))
	for i, f := range files {
		if _, dup := pos[f.Path]; dup {
			return false, nil
		}
		pos[f.Path] = i
	}
	starts := make([]int, len(frames)+1)
	for k, lf := range frames {
		p, ok := pos[lf.Path]
		if !ok || (k > 0 && p <= starts[k-1]) {
			return false, nil
		}
		starts[k] = p
	}
	starts[len(frames)] = len(files)
	// The prefix: every entry before the first frame, checked against the
	// index as it goes.
	next, matches := 0, true
	err = bundle.Walk(in, lim, warn, func(e *bundle.Entry) error {
		if e.Ordinal >= frames[0].Entry {
			return errPrefixRead
		}
		if next < starts[0] && files[next].Path == e.Path {
			next++
		} else {
			matches = false
		}
		return fn(e)
	})
	if err != nil && !errors.Is(err, errPrefixRead) {
		return true, err
	}
	// Every frame, or only those that hold a wanted entry when the index
	// told the prefix right.
	for k, lf := range frames {
		if matches && next == starts[0] && !anyWanted(files[starts[k]:starts[k+1]], want) {
			continue
		}
		end := -1
		if k+1 < len(frames) {
			end = frames[k+1].Entry
		}
		err := bundle.WalkFrom(in, lf, lim, warn, func(e *bundle.Entry) error {
			if end >= 0 && e.Ordinal >= end {
				return errFrameRead
			}
			return fn(e)
		})
		if errors.Is(err, bundle.ErrLogFrameMismatch) {
			// The trailer does not match the archive (damaged or forged):
			// read what follows the prefix in one pass, trusting nothing.
			if warn != nil {
				warn("", &bundle.FileError{Input: in, Err: errors.New("the log frame index does not match the archive; read whole")})
			}
			err = bundle.Walk(in, lim, warn, func(e *bundle.Entry) error {
				if e.Ordinal < frames[0].Entry {
					return nil
				}
				return fn(e)
			})
			return true, err
		}
		if err != nil && !errors.Is(err, errFrameRead) {
			return true, err
		}
	}
	return true, nil
}

func anyWanted(files []bundle.FileInfo, want func(string) bool) bool {
	for _, f := range files {
		if want(f.Path) {
			return true
		}
	}
	return false
}

// frameIndex reads the bundle's index from its last frame.
func frameIndex(in string, last bundle.LogFrame, lim bundle.Limits) ([]bundle.FileInfo, bool) {
	var ix bundle.Index
	found := false
	err := bundle.WalkFrom(in, last, lim, func(string, error) {}, func(e *bundle.Entry) error {
		if e.Type != bundle.EntryIndex {
			return nil
		}
		if jsonv2.UnmarshalRead(io.LimitReader(e.Body, 256<<20), &ix, bundle.JSONOptions) == nil {
			found = true
		}
		return errFrameRead
	})
	if (err != nil && !errors.Is(err, errFrameRead)) || !found {
		return nil, false
	}
	return ix.Files, true
}

// NewerVersion reports whether an object at resourceVersion a replaces
// the same object at b, as the analysis merges inputs: numerically when
// both are integers (etcd's), otherwise the later one read wins.
func NewerVersion(a, b string) bool { return newer(a, b) }
