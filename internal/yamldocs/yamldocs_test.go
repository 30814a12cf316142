package yamldocs

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"
)

func split(t *testing.T, in string) []string {
	t.Helper()
	var out []string
	err := Split(strings.NewReader(in), func(d Doc) error {
		out = append(out, fmt.Sprintf("%d@%d:%s", d.Index, d.Line, d.Data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"a: 1\n", []string{"0@1:a: 1\n"}},
		{"---\na: 1\n---\nb: 2", []string{"1@2:a: 1\n", "2@4:b: 2"}},
		// Blank documents count but are not handed out; a comment after a
		// separator is not content, anything else is.
		{"# c\n---   # empty\n---\n\n--- {kind: Pod}\n...\nc: 3\n", []string{"0@1:# c\n", "3@5:{kind: Pod}\n", "4@7:c: 3\n"}},
		// Not separators: "----", "---x", an indented "---".
		{"a: |\n  ---\n----\n---x\n", []string{"0@1:a: |\n  ---\n----\n---x\n"}},
		{"a: 1\r\n---\r\nb: 2\r\n", []string{"0@1:a: 1\r\n", "1@3:b: 2\r\n"}},
		{"", nil},
	} {
		if got := split(t, c.in); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%q:\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// A line longer than the read buffer stays whole, and is never a marker.
func TestSplitLongLine(t *testing.T) {
	long := "x: " + strings.Repeat("-", 200<<10) + "\n"
	got := split(t, long+"---\ny: 1\n")
	if len(got) != 2 || got[0] != "0@1:"+long || got[1] != "1@3:y: 1\n" {
		t.Errorf("got %d documents", len(got))
	}
}

func TestSplitErrors(t *testing.T) {
	stop := errors.New("stop")
	if err := Split(strings.NewReader("a: 1\n---\nb: 2\n"), func(Doc) error { return stop }); err != stop {
		t.Errorf("fn's error: %v", err)
	}
	bad := errors.New("disk")
	if err := Split(iotest.ErrReader(bad), func(Doc) error { return nil }); err != bad {
		t.Errorf("read error: %v", err)
	}
}
