package logscan

import "sync"

// The time window of a log: the time of its first and last lines that
// carry one. Logs are written in time order, so the two ends of a file
// bound all its lines, and finding them costs a parse at each end, never
// one per line: the first timed line among the first windowTries, and the
// last complete line of each piece fed (kept, cut to maxWindowLine, for
// finish). A log whose last line carries no time (a stack trace) ends its
// window at its last failure line instead, or has none.

const (
	windowTries   = 8
	maxWindowLine = 4 << 10
)

// noteFirstTime is called for the first windowTries lines of a file.
func (s *fileScan) noteFirstTime(l []byte) {
	s.timeTries++
	if t, ok := LineTime(l); ok {
		s.stats.First = t
		s.timeTries = windowTries
	}
}

// keepLastLine keeps a copy of l, the last non-empty line of the piece
// feed just scanned (nil when it completed none), for finish to read the
// log's last time from. The line is the same however the log was cut into
// pieces, so the window is too.
func (s *fileScan) keepLastLine(l []byte) {
	if len(l) == 0 {
		return
	}
	if s.lastLine == nil {
		// One buffer per file scanned would be 150,000 small allocations
		// for a cluster-info dump's logs; closeWindow gives it back.
		s.lastLine = (*lastLines.Get().(*[]byte))[:0]
	}
	s.lastLine = append(s.lastLine[:0], l[:min(len(l), maxWindowLine)]...)
}

var lastLines = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// closeWindow sets the file's last time from its last line, else from its
// latest failure line.
func (s *fileScan) closeWindow() {
	if s.lastLine != nil {
		defer func() {
			b := s.lastLine[:0]
			s.lastLine = nil
			if cap(b) <= maxWindowLine {
				lastLines.Put(&b)
			}
		}()
	}
	if len(s.lastLine) > 0 {
		l := s.lastLine
		if content, _, ok := stripCRI(l); ok {
			if t, ok := LineTime(l); ok {
				s.stats.Last = t
				return
			}
			l = content
		}
		if t, ok := LineTime(l); ok {
			s.stats.Last = t
			return
		}
	}
	for _, g := range s.groups {
		if g.Last.After(s.stats.Last) {
			s.stats.Last = g.Last
		}
	}
	if s.stats.First.IsZero() {
		for _, g := range s.groups {
			if !g.First.IsZero() && (s.stats.First.IsZero() || g.First.Before(s.stats.First)) {
				s.stats.First = g.First
			}
		}
	}
}
