// Package visible makes text read from an input safe to print where a
// person reads it: a terminal, a Markdown ticket, a log.
//
// A bundle is evidence from a cluster in trouble, and sometimes from an
// attacker: a request path in a proxy log, a pod annotation or an event
// message can carry terminal control sequences (CSI to repaint the screen,
// OSC to set the title or write the clipboard, DCS, a bare ESC, BEL,
// backspace or carriage return to overwrite what was printed) or Unicode
// bidi controls that reorder the text around them (U+202E prints
// "gpj.exe" as "exe.jpg"). Printed raw, they let the input forge the
// report. Line and Text replace each such character by an escape a person
// can read and a terminal does not act on: \x1b, \r, \u009b, \u202e.
//
// What is escaped: every C0 control (U+0000–U+001F) but the line feed
// Text keeps, DEL (U+007F), every C1 control (U+0080–U+009F: 8-bit
// terminals read U+009B as CSI), the bidi controls (U+061C, U+200E,
// U+200F, U+202A–U+202E, U+2066–U+2069), the line and paragraph
// separators (U+2028, U+2029), and each byte of invalid UTF-8 (\xNN: a
// terminal may read a lone byte 0x9b as CSI). Everything else, including
// the backslash, is kept: log lines are full of backslashes, and an
// input that spells "\x1b" itself forges nothing.
package visible

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Line returns s with every character listed in the package comment made
// visible, line feeds included: for a name, a label, a log line, any text
// that must stay on its line.
func Line(s string) string { return escape(s, false) }

// Text is Line for prose that may span lines (a remediation, a message):
// it keeps line feeds and makes everything else visible. The caller lays
// out each line.
func Text(s string) string { return escape(s, true) }

// Safe reports whether s prints as itself under Line (keepLF false) or
// Text (keepLF true).
func Safe(s string, keepLF bool) bool { return firstUnsafe(s, keepLF) < 0 }

// escape returns s itself when nothing needs escaping, the common case,
// without allocating.
func escape(s string, keepLF bool) string {
	i := firstUnsafe(s, keepLF)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if unsafeASCII(c, keepLF) {
				writeByte(&b, c)
			} else {
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			writeByte(&b, c)
		case unsafeRune(r):
			b.WriteString(`\u`)
			h := strconv.FormatInt(int64(r), 16)
			b.WriteString(strings.Repeat("0", 4-len(h)))
			b.WriteString(h)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// firstUnsafe is the byte offset of the first character escape changes,
// or -1.
func firstUnsafe(s string, keepLF bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if unsafeASCII(c, keepLF) {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			return i
		}
		i += size
	}
	return -1
}

func unsafeASCII(c byte, keepLF bool) bool {
	return (c < 0x20 && !(keepLF && c == '\n')) || c == 0x7f
}

// unsafeRune reports the non-ASCII characters escaped (see the package
// comment).
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, // ALM, LRM, RLM
		r >= 0x202a && r <= 0x202e, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}

const hexDigits = "0123456789abcdef"

// writeByte writes a control or invalid byte as \t, \n, \r or \xNN.
func writeByte(b *strings.Builder, c byte) {
	switch c {
	case '\t':
		b.WriteString(`\t`)
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	default:
		b.WriteString(`\x`)
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0xf])
	}
}
