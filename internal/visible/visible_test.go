package visible

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain ascii: GET /a?b=1&c=<2> \\ok", "plain ascii: GET /a?b=1&c=<2> \\ok"},
		{"ünïcødé ✓ 日本", "ünïcødé ✓ 日本"},
		{"\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},                      // CSI: clear screen, home
		{"\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},                // OSC title, BEL-terminated
		{"\x1b]52;c;Y3VybA==\x1b\\", `\x1b]52;c;Y3VybA==\x1b\`}, // OSC 52 clipboard, ST
		{"\x1bP+q\x1b\\", `\x1bP+q\x1b\`},                       // DCS
		{"ok\rFORGED", `ok\rFORGED`},                            // carriage return
		{"abc\b\b\bxyz", `abc\x08\x08\x08xyz`},                  // backspace
		{"a\tb\nc\x00d\x7f", `a\tb\nc\x00d\x7f`},                // tab, LF, NUL, DEL
		{"\u009b31m C1 CSI \u0085", `\u009b31m C1 CSI \u0085`},  // C1 as UTF-8
		{"invoice\u202Efdp.exe", `invoice\u202efdp.exe`},        // RLO
		{"\u2066x\u2069 \u200e\u200f\u061c", `\u2066x\u2069 \u200e\u200f\u061c`},
		{"a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"bad \x9b utf8 \xff\xfe", `bad \x9b utf8 \xff\xfe`}, // lone bytes
		{"\u00a0nbsp\u00a9 kept", "\u00a0nbsp\u00a9 kept"},   // U+00A0 is past C1
	} {
		if got := Line(tc.in); got != tc.want {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTextKeepsLineFeeds(t *testing.T) {
	if got, want := Text("step 1\nstep 2\r\n\x1b[31m"), "step 1\nstep 2\\r\n\\x1b[31m"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	if !Safe("a\nb", true) || Safe("a\nb", false) {
		t.Error("Safe disagrees on a line feed")
	}
}

// TestCleanStringsAreNotCopied: the common case costs no allocation.
func TestCleanStringsAreNotCopied(t *testing.T) {
	s := strings.Repeat(`[2025-03-01T10:00:01.000Z] "GET /reviews/0 HTTP/1.1" 503 UH ünï `, 20)
	if n := testing.AllocsPerRun(100, func() { _ = Line(s) }); n != 0 {
		t.Errorf("Line on clean text allocates %.0f times", n)
	}
}

// FuzzLine: whatever the input, the output is valid UTF-8 with no
// character Line escapes, and clean input comes back unchanged.
func FuzzLine(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[31mred\x1b[0m", "\u202e", "\xff", "\u009b", "a\nb\rc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, keepLF := range []bool{false, true} {
			out := escape(s, keepLF)
			if !utf8.ValidString(out) {
				t.Fatalf("escape(%q, %v) = %q: invalid UTF-8", s, keepLF, out)
			}
			if !Safe(out, keepLF) {
				t.Fatalf("escape(%q, %v) = %q: still unsafe", s, keepLF, out)
			}
			if Safe(s, keepLF) != (out == s) {
				t.Fatalf("escape(%q, %v) = %q: Safe and escape disagree", s, keepLF, out)
			}
		}
	})
}
