package readerpool

import (
	"io"
	"strings"
	"testing"
)

func TestReadersAreRecycledPerSize(t *testing.T) {
	a := Get(strings.NewReader("first"), 4096)
	if b, _ := io.ReadAll(a); string(b) != "first" {
		t.Fatalf("read %q", b)
	}
	Put(a)
	b := Get(strings.NewReader("second"), 8192)
	if b.Size() != 8192 {
		t.Fatalf("size %d, want 8192: a pooled reader of another size was handed out", b.Size())
	}
	Put(b)
	c := Get(strings.NewReader("third"), 4096)
	if got, _ := io.ReadAll(c); c.Size() != 4096 || string(got) != "third" {
		t.Fatalf("size %d read %q", c.Size(), got)
	}
}
