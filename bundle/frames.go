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
)

// A bundle holds its objects first and gigabytes of logs after them, and
// a reader wants both at once: decoding objects is slow per byte, scanning
// logs fast, and the logs are where the bytes are. So the Writer starts a
// new zstd frame at the first log entry and appends, after the data, a
// zstd skippable frame recording where that frame starts (LogFrame). A
// reader can then decompress the logs from there while another decodes
// the objects from the start, instead of decompressing the objects twice.
//
// Layout of the trailer (the last bytes of the file):
//
//	skippable frame magic 0x184D2A5E (LE u32) | frame size (LE u32) |
//	JSON {"logFrame":{"offset":…,"entry":…,"path":"…"}} | JSON length (LE u32) | "NHFRAME1"
//
// Decoders skip skippable frames, so `zstd -d`, `tar -I zstd` and older
// readers see the same tar stream as before. The trailer is a hint: a
// reader checks that the frame it points at starts with that entry, and
// falls back to reading from the start when it does not.

// LogFrame locates the zstd frame that starts at a bundle's first log.
type LogFrame struct {
	// Offset is the frame's byte offset in the compressed file.
	Offset int64 `json:"offset"`
	// Entry is the 0-based number of the tar entry the frame starts with
	// (every tar header counts), Path that entry's name.
	Entry int    `json:"entry"`
	Path  string `json:"path"`
}

const (
	frameTrailerMagic = "NHFRAME1"
	skippableMagic    = 0x184D2A5E
	maxTrailerJSON    = 64 << 10
)

type frameTrailer struct {
	LogFrame *LogFrame `json:"logFrame"`
}

// appendTrailer appends the skippable frame recording lf to b.
func appendTrailer(b []byte, lf LogFrame) []byte {
	js, _ := json.Marshal(frameTrailer{LogFrame: &lf})
	b = binary.LittleEndian.AppendUint32(b, skippableMagic)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(js)+12))
	b = append(b, js...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(js)))
	return append(b, frameTrailerMagic...)
}

// ReadLogFrame returns the log frame a bundle file's trailer records; ok
// is false when the file has no valid trailer (any other file, an older
// bundle, or a damaged or hostile one: the trailer is then ignored).
func ReadLogFrame(input string) (lf LogFrame, ok bool) {
	f, err := os.Open(input)
	if err != nil {
		return LogFrame{}, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return LogFrame{}, false
	}
	return readLogFrame(f, fi.Size())
}

func readLogFrame(r io.ReaderAt, size int64) (LogFrame, bool) {
	var tail [12]byte
	if size < 4+12+8 {
		return LogFrame{}, false
	}
	if _, err := r.ReadAt(tail[:], size-12); err != nil || string(tail[4:]) != frameTrailerMagic {
		return LogFrame{}, false
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	start := size - 12 - n - 8 // the skippable frame's header
	if n == 0 || n > maxTrailerJSON || start < 4 {
		return LogFrame{}, false
	}
	buf := make([]byte, 8+n)
	if _, err := r.ReadAt(buf, start); err != nil {
		return LogFrame{}, false
	}
	if binary.LittleEndian.Uint32(buf[:4]) != skippableMagic || int64(binary.LittleEndian.Uint32(buf[4:8])) != n+12 {
		return LogFrame{}, false
	}
	var t frameTrailer
	dec := json.NewDecoder(bytes.NewReader(buf[8:]))
	dec.DisallowUnknownFields()
	if dec.Decode(&t) != nil || t.LogFrame == nil {
		return LogFrame{}, false
	}
	lf := *t.LogFrame
	if lf.Offset < 4 || lf.Offset >= start || lf.Entry < 1 {
		return LogFrame{}, false
	}
	if name, err := cleanEntryName(lf.Path); err != nil || name != lf.Path {
		return LogFrame{}, false
	}
	if t, _, _, _, _ := Classify(lf.Path); !t.IsLog() {
		return LogFrame{}, false
	}
	return lf, true
}

// ErrLogFrameMismatch is returned by WalkFrom when the frame does not
// start with the entry the trailer names; nothing was passed to fn then.
var ErrLogFrameMismatch = errors.New("bundle log frame index does not match the archive")

// WalkFrom is Walk over the part of a bundle file from the log frame lf
// on: entries are numbered (Entry.Ordinal) from lf.Entry. The limits
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
	w := &walker{input: input, lim: lim, warnFn: warn, fn: fn, ordinal: lf.Entry, expectFirst: lf.Path}
	return w.walkZstd(br)
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
