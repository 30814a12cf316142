package bundle

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"

	"github.com/nohealthy/nohealthy/internal/readerpool"
)

// kubectl cluster-info dump frames each container's log in logs.txt as
//
//	==== START logs for container C of pod NS/POD ====
//	...log lines...
//	==== END logs for container C of pod NS/POD ====
//
// (k8s.io/kubectl/pkg/cmd/clusterinfo/clusterinfo_dump.go). kubectl writes
// the log bytes verbatim, so when a log does not end with a newline the END
// marker follows its last line on the same line.
const (
	markerHead  = "==== "
	markerTail  = " ===="
	markerLogs  = " logs for container "
	markerOfPod = " of pod "
	// maxMarkerLen bounds a marker line: container and namespace names are
	// DNS labels (63), pod names DNS subdomains (253).
	maxMarkerLen = 1024
)

// SplitDumpLogs splits a kubectl cluster-info dump logs.txt into one body per
// container frame and calls fn for each, in file order. body streams just
// that container's log and is valid only during the call; the part fn does
// not read is skipped. Memory use is bounded by a small buffer whatever the
// line lengths: long lines are passed through in pieces (cutting them at
// lim.MaxLineBytes is the log reader's job, so every source is cut alike).
//
// Text outside any frame (a logs.txt that is not framed at all, or stray
// lines between frames) is passed to fn with empty namespace, pod and
// container rather than dropped. A frame cut short (no END marker, the file
// ends or the next START begins) ends there. Blank lines between frames are
// ignored.
func SplitDumpLogs(r io.Reader, lim Limits, fn func(namespace, pod, container string, body io.Reader) error) error {
	lim = lim.WithDefaults()
	size := min(max(lim.MaxLineBytes, 4*maxMarkerLen), 64<<10)
	br := readerpool.Get(r, size)
	defer readerpool.Put(br)
	s := &dumpSplitter{br: br, atStart: true}
	for {
		sec, err := s.nextSection()
		if err != nil {
			return err
		}
		if sec == nil {
			return nil
		}
		if err := fn(sec.ns, sec.pod, sec.container, sec); err != nil {
			return err
		}
		// Skip what fn left unread.
		if _, err := io.Copy(io.Discard, sec); err != nil {
			return err
		}
		sec.done = true
	}
}

type dumpSplitter struct {
	br      *bufio.Reader
	err     error  // sticky read error (io.EOF at the end)
	out     []byte // bytes of the current section not yet handed out
	carry   []byte // held-back tail of a long line (may hold an END marker)
	scratch []byte
	atStart bool // the next segment starts a line
	// pendingStart is a START marker that ended the previous section.
	pending *dumpSection
	cur     *dumpSection
}

type dumpSection struct {
	s                  *dumpSplitter
	ns, pod, container string
	framed             bool
	done               bool
}

// readSeg returns the next piece of input: a whole line (with its newline,
// or the last unterminated line) when eol, or a buffer-full piece of a
// longer line. The slice is valid until the next call.
func (s *dumpSplitter) readSeg() (seg []byte, eol bool, err error) {
	if s.err != nil {
		return nil, false, s.err
	}
	seg, err = s.br.ReadSlice('\n')
	switch {
	case err == nil:
		return seg, true, nil
	case errors.Is(err, bufio.ErrBufferFull):
		return seg, false, nil
	case err == io.EOF:
		s.err = io.EOF
		return seg, len(seg) > 0, nil
	default:
		s.err = err
		return seg, len(seg) > 0, nil
	}
}

// nextSection reads up to the start of the next section (framed or not).
// It returns nil at the end of input.
func (s *dumpSplitter) nextSection() (*dumpSection, error) {
	if s.pending != nil {
		sec := s.pending
		s.pending = nil
		s.cur = sec
		return sec, nil
	}
	for {
		seg, eol, err := s.readSeg()
		if err != nil {
			if err == io.EOF {
				return nil, nil
			}
			return nil, err
		}
		if len(seg) == 0 {
			continue
		}
		if s.atStart && eol && len(bytes.TrimSpace(seg)) == 0 {
			continue // blank line between frames
		}
		if s.atStart && eol && isMarkerLine(seg) {
			line := trimEOL(seg)
			if ns, pod, c, ok := parseDumpMarker(line, "START"); ok {
				s.cur = &dumpSection{s: s, ns: ns, pod: pod, container: c, framed: true}
				return s.cur, nil
			}
			if _, _, _, ok := parseDumpMarker(line, "END"); ok {
				continue // stray END between frames
			}
		}
		// Unframed text: it starts a section of unknown origin.
		s.cur = &dumpSection{s: s}
		s.deliver(seg, eol)
		return s.cur, nil
	}
}

// Read streams the section's bytes, pulling lines from the splitter.
func (d *dumpSection) Read(p []byte) (int, error) {
	s := d.s
	for len(s.out) == 0 {
		if d.done || s.cur != d {
			return 0, io.EOF
		}
		if err := s.step(d); err != nil {
			return 0, err
		}
	}
	n := copy(p, s.out)
	s.out = s.out[n:]
	return n, nil
}

// step reads one segment for section d and either queues bytes in s.out or
// ends the section.
func (s *dumpSplitter) step(d *dumpSection) error {
	seg, eol, err := s.readSeg()
	if err != nil {
		d.done = true
		if len(s.carry) > 0 {
			s.out = append(s.scratch[:0], s.carry...)
			s.carry = nil
		}
		if err == io.EOF {
			return nil // a frame cut short by the end of the file ends there
		}
		return err
	}
	if s.atStart && eol && isMarkerLine(seg) {
		line := trimEOL(seg)
		if ns, pod, c, ok := parseDumpMarker(line, "START"); ok {
			// The END marker is missing; the next frame begins here.
			d.done = true
			s.pending = &dumpSection{s: s, ns: ns, pod: pod, container: c, framed: true}
			return nil
		}
		if d.framed {
			if _, _, _, ok := parseDumpMarker(line, "END"); ok {
				d.done = true
				return nil
			}
		}
	}
	s.deliver(seg, eol)
	if d.framed && eol {
		// The END marker glued to a last line without newline.
		if i := bytes.LastIndex(s.out, []byte(markerHead+"END"+markerLogs)); i >= 0 {
			if _, _, _, ok := parseDumpMarker(trimEOL(s.out[i:]), "END"); ok {
				s.out = append(s.out[:i:i], '\n')
				d.done = true
			}
		}
	}
	return nil
}

// deliver queues seg for the current section. The last maxMarkerLen bytes
// of a long line's pieces are held back, because an END marker glued to the
// end of that line may straddle two pieces.
func (s *dumpSplitter) deliver(seg []byte, eol bool) {
	buf := append(s.scratch[:0], s.carry...)
	buf = append(buf, seg...)
	s.carry = s.carry[:0]
	if !eol && len(buf) > maxMarkerLen {
		keep := len(buf) - maxMarkerLen
		s.carry = append(s.carry, buf[keep:]...)
		buf = buf[:keep]
	} else if !eol {
		s.carry = append(s.carry, buf...)
		buf = buf[:0]
	}
	s.scratch = buf
	s.out = buf
	s.atStart = eol
}

// isMarkerLine is a cheap test, without allocating, for a line that may be
// a frame marker; parseDumpMarker decides.
func isMarkerLine(b []byte) bool {
	return len(b) <= maxMarkerLen+2 && bytes.HasPrefix(b, []byte(markerHead))
}

func trimEOL(b []byte) string {
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	return string(b)
}

// parseDumpMarker parses "==== <what> logs for container C of pod NS/POD ====".
func parseDumpMarker(line, what string) (ns, pod, container string, ok bool) {
	if len(line) > maxMarkerLen {
		return "", "", "", false
	}
	rest, ok1 := strings.CutPrefix(line, markerHead+what+markerLogs)
	rest, ok2 := strings.CutSuffix(rest, markerTail)
	if !ok1 || !ok2 {
		return "", "", "", false
	}
	container, nspod, ok3 := strings.Cut(rest, markerOfPod)
	ns, pod, ok4 := strings.Cut(nspod, "/")
	if !ok3 || !ok4 || container == "" || ns == "" || pod == "" ||
		strings.ContainsAny(container+ns+pod, " /") {
		return "", "", "", false
	}
	return ns, pod, container, true
}
