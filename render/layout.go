package render

import (
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// minWrapWidth is the narrowest width text is wrapped to: below it a
// terminal is better left to wrap lines itself than to be given one word
// a line.
const minWrapWidth = 40

// textWidth is the number of terminal columns s takes: wide East Asian
// characters count two, the renderer's own colour sequences none (s has
// passed through visibleReport, so every escape in it is one of ours).
func textWidth(s string) int {
	if strings.IndexByte(s, 0x1b) >= 0 {
		s = stripColor(s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return runewidth.StringWidth(s)
		}
	}
	return len(s)
}

// stripColor removes SGR sequences (ESC [ ... m).
func stripColor(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i+2:]
		if j := strings.IndexByte(s, 'm'); j >= 0 {
			s = s[j+1:]
		} else {
			s = ""
		}
	}
}

// wrap breaks s into lines of at most width columns: at spaces, and a
// word longer than a line where breakWord says, starting on the line
// before it when a few columns are left there. A width of 0 or less keeps
// s on one line. Only the spaces at the breaks are dropped; every other
// character is kept, in order.
func wrap(s string, width int) []string {
	if width <= 0 || textWidth(s) <= width {
		return []string{s}
	}
	var lines []string
	var cur strings.Builder
	curW, started := 0, false
	for _, w := range strings.Split(s, " ") {
		ww := textWidth(w)
		if started {
			room := width - curW - 1
			switch {
			case ww <= room:
				cur.WriteByte(' ')
				cur.WriteString(w)
				curW += 1 + ww
				continue
			case ww > width && room >= 6:
				// The word is broken anyway: fill this line first.
				head, tail := breakWord(w, room)
				cur.WriteByte(' ')
				cur.WriteString(head)
				w, ww = tail, textWidth(tail)
			}
			lines = append(lines, cur.String())
			cur.Reset()
		}
		for ww > width {
			head, tail := breakWord(w, width)
			lines = append(lines, head)
			w, ww = tail, textWidth(tail)
		}
		cur.WriteString(w)
		curW, started = ww, true
	}
	return append(lines, cur.String())
}

// wordBreaks are the characters a long word is broken after: the
// separators of paths, object names, upstream clusters and URLs.
const wordBreaks = "/|.,:;-_=&?~"

// breakWord splits a word wider than width into a head that fits and the
// rest: before the 'T' of an RFC 3339 time when it fits (a date over a
// time), else after the last separator of wordBreaks that fits, else at
// the width.
func breakWord(w string, width int) (head, tail string) {
	col, sep, dateTime, hard := 0, 0, 0, 0
	var prev rune
	for i, r := range w {
		if r == 'T' && prev >= '0' && prev <= '9' {
			dateTime = i
		}
		rw := runewidth.RuneWidth(r)
		if col+rw > width {
			break
		}
		col += rw
		hard = i + utf8.RuneLen(r)
		if strings.ContainsRune(wordBreaks, r) {
			sep = hard
		}
		prev = r
	}
	if hard == 0 { // a single character wider than the line
		_, hard = utf8.DecodeRuneInString(w)
	}
	switch {
	case dateTime > 0:
		return w[:dateTime], w[dateTime:]
	case sep > 0 && sep < len(w):
		return w[:sep], w[sep:]
	}
	return w[:hard], w[hard:]
}

// lineWriter writes the table format's text: every line wrapped to the
// width with a hanging indent, painted after wrapping so colour codes
// never count as columns.
type lineWriter struct {
	ew    *errWriter
	p     painter
	width int // 0: no wrapping
}

// text writes prefix (plain, taking its own width) then text, wrapped so
// that continuation lines start at column indent; paint colours the text.
// Each line feed of text starts a new line at indent.
func (lw *lineWriter) text(prefix string, indent int, text string, paint func(string) string) {
	if paint == nil {
		paint = func(s string) string { return s }
	}
	pad := strings.Repeat(" ", indent)
	first := true
	for _, para := range strings.Split(text, "\n") {
		avail := 0
		if lw.width > 0 {
			avail = max(lw.width, minWrapWidth) - indent
			if first {
				avail = max(lw.width, minWrapWidth) - textWidth(prefix)
			}
		}
		lines := wrapFirst(para, avail, max(lw.width, minWrapWidth)-indent, lw.width > 0)
		for _, l := range lines {
			if first {
				lw.ew.printf("%s%s\n", prefix, paint(l))
				first = false
				continue
			}
			lw.ew.printf("%s%s\n", pad, paint(l))
		}
	}
}

// wrapFirst wraps s with its first line firstWidth wide and the others
// restWidth; wrapping off keeps it whole.
func wrapFirst(s string, firstWidth, restWidth int, on bool) []string {
	if !on {
		return []string{s}
	}
	firstWidth = max(firstWidth, 1)
	lines := wrap(s, firstWidth)
	if len(lines) == 1 || firstWidth == restWidth {
		return lines
	}
	// Rewrap what follows the first line at the continuation width.
	rest := strings.TrimPrefix(s, lines[0])
	rest = strings.TrimPrefix(rest, " ")
	return append(lines[:1], wrap(rest, restWidth)...)
}
