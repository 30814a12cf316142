package bundle

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	jsonv2 "github.com/go-json-experiment/json"
)

// A bundle holds its objects first and gigabytes of logs after them, and
// a reader wants both at once: decoding objects is slow per byte, scanning
// logs fast, and the logs are where the bytes are. So the Writer starts a
// new zstd frame at the first log entry, and again at the next log entry
// each time a frame holds LogFrameBytes of tar, and appends, after the
// data, a zstd skippable frame recording where those frames start
// (LogFrame). A reader can then decompress the logs from there while
// another decodes the objects from the start, and split the logs among
// several decompressors, instead of decompressing 10 GB on one core.
//
// Layout of the trailer (the last bytes of the file):
//
//	skippable frame magic 0x184D2A5E (LE u32) | frame size (LE u32) |
//	JSON {"logFrames":[{"offset":…,"entry":…,"path":"…"},…]} | JSON length (LE u32) | "NHFRAME1"
//
// Decoders skip skippable frames, so `zstd -d`, `tar -I zstd` and older
// readers see the same tar stream as before. The trailer is a hint: a
// reader checks that each frame it starts at begins with the entry the
// trailer names, and falls back to reading from the start when it does
// not. Bundles of the first version of this format wrote one frame as
// {"logFrame":{…}}; it is read too.

// LogFrame locates a zstd frame that starts at a log entry.
type LogFrame struct {
	// Offset is the frame's byte offset in the compressed file.
	Offset int64 `json:"offset"`
	// Entry is the 0-based number of the tar entry the frame starts with
	// (every tar header counts), Path that entry's name.
	Entry int    `json:"entry"`
	Path  string `json:"path"`
}

// LogFrameBytes is how much tar a log frame holds before the Writer starts
// another at the next log: enough that ending frames costs no measurable
// compression, small enough that a 1 GB log section splits evenly among a
// few readers. A variable so tests can cut frames small.
var LogFrameBytes int64 = 128 << 20

const (
	frameTrailerMagic = "NHFRAME1"
	skippableMagic    = 0x184D2A5E
	maxTrailerJSON    = 1 << 20
	maxLogFrames      = 10000
)

type frameTrailer struct {
	LogFrame  *LogFrame  `json:"logFrame,omitempty"`
	LogFrames []LogFrame `json:"logFrames,omitempty"`
}

// appendTrailer appends the skippable frame recording frames to b.
func appendTrailer(b []byte, frames []LogFrame) []byte {
	js, _ := json.Marshal(frameTrailer{LogFrames: frames})
	b = binary.LittleEndian.AppendUint32(b, skippableMagic)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(js)+12))
	b = append(b, js...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(js)))
	return append(b, frameTrailerMagic...)
}

// ReadLogFrames returns the log frames a bundle file's trailer records, in
// file order; ok is false when the file has no valid trailer (any other
// file, an older bundle, or a damaged or hostile one: the trailer is then
// ignored).
func ReadLogFrames(input string) (frames []LogFrame, ok bool) {
	f, err := os.Open(input)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil, false
	}
	return readLogFrames(f, fi.Size())
}

func readLogFrames(r io.ReaderAt, size int64) ([]LogFrame, bool) {
	var tail [12]byte
	if size < 4+12+8 {
		return nil, false
	}
	if _, err := r.ReadAt(tail[:], size-12); err != nil || string(tail[4:]) != frameTrailerMagic {
		return nil, false
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	start := size - 12 - n - 8 // the skippable frame's header
	if n == 0 || n > maxTrailerJSON || start < 4 {
		return nil, false
	}
	buf := make([]byte, 8+n)
	if _, err := r.ReadAt(buf, start); err != nil {
		return nil, false
	}
	if binary.LittleEndian.Uint32(buf[:4]) != skippableMagic || int64(binary.LittleEndian.Uint32(buf[4:8])) != n+12 {
		return nil, false
	}
	var t frameTrailer
	if jsonv2.Unmarshal(buf[8:], &t, JSONOptions, jsonv2.RejectUnknownMembers(true)) != nil {
		return nil, false
	}
	frames := t.LogFrames
	switch {
	case t.LogFrame != nil && len(frames) == 0:
		frames = []LogFrame{*t.LogFrame}
	case t.LogFrame != nil || len(frames) == 0 || len(frames) > maxLogFrames:
		return nil, false
	}
	for i, lf := range frames {
		if lf.Offset < 4 || lf.Offset >= start || lf.Entry < 1 {
			return nil, false
		}
		if i > 0 && (lf.Offset <= frames[i-1].Offset || lf.Entry <= frames[i-1].Entry) {
			return nil, false
		}
		if name, err := cleanEntryName(lf.Path); err != nil || name != lf.Path {
			return nil, false
		}
		if t, _, _, _, _ := Classify(lf.Path); !t.IsLog() {
			return nil, false
		}
	}
	return frames, true
}

// ErrLogFrameMismatch is returned by WalkFrom when the frame does not
// start with the entry the trailer names; nothing was passed to fn then.
var ErrLogFrameMismatch = errors.New("bundle log frame index does not match the archive")

// WalkFrom is Walk over the part of a bundle file from the log frame lf
// on: entries are numbered (Entry.Ordinal) from lf.Entry. To read only up
// to the next frame, fn stops at that frame's entry number. The limits
// count what this walk reads.
func WalkFrom(input string, lf LogFrame, lim Limits, warn func(path string, err error), fn WalkFunc) error {
	if lf.Path == "" {
		return ErrLogFrameMismatch
	}
	lim = lim.WithDefaults()
	f, err := os.Open(input)
	if err != nil {
		return fmt.Errorf("%s: cannot read input: %w", input, unwrapPathError(err))
	}
	defer f.Close()
	if _, err := f.Seek(lf.Offset, io.SeekStart); err != nil {
		return fmt.Errorf("%s: cannot read input: %w", input, err)
	}
	br := bufio.NewReaderSize(f, 64<<10)
	if head, _ := br.Peek(4); !bytes.HasPrefix(head, zstdMagic) {
		return ErrLogFrameMismatch
	}
	w := &walker{input: input, lim: lim, warnFn: warn, fn: fn, counts: &walkCounts{}, ordinal: lf.Entry, expectFirst: lf.Path}
	return w.walkZstd(br)
}

// countingWriter counts the bytes written through it; once discard is set
// it drops them (an aborted stream writes nothing more).
type countingWriter struct {
	w       io.Writer
	n       int64
	discard bool
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.discard {
		return len(p), nil
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
