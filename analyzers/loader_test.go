package analyzers

import (
	"bytes"
	"os"
	"runtime/debug"
	"strings"
	"testing"
)

// TestEntryBuffersBySizeClass: a buffer is read to the entry's length, its
// capacity is the entry's size class, a released buffer is handed out
// again for any entry of its class, and the free list is bounded.
func TestEntryBuffersBySizeClass(t *testing.T) {
	var p entryBuffers
	body := strings.Repeat("x", 100<<10)
	b, err := p.read(strings.NewReader(body), int64(len(body)))
	if err != nil || len(b) != len(body) || cap(b) != 128<<10 || !bytes.Equal(b, []byte(body)) {
		t.Fatalf("len %d cap %d err %v", len(b), cap(b), err)
	}
	p.put(b)
	// An entry that ends early is not an error (as io.ReadAll); the same
	// buffer serves it.
	c, err := p.read(strings.NewReader("short"), 90<<10)
	if err != nil || string(c) != "short" || &c[:1][0] != &b[:1][0] {
		t.Fatalf("%q cap %d err %v (recycled: %v)", c, cap(c), err, &c[:1][0] == &b[:1][0])
	}
	p.put(c)
	for i := 0; i < 10; i++ {
		p.put(make([]byte, 0, 16<<20))
	}
	if p.bytes > maxFreeEntryBytes {
		t.Errorf("free list holds %d bytes, cap %d", p.bytes, maxFreeEntryBytes)
	}
	p.drop()
	if p.bytes != 0 || len(p.free[entryClass(16<<20)]) != 0 {
		t.Errorf("drop left %d bytes", p.bytes)
	}
	for size, class := range map[int64]int{0: 16, 1: 16, 64 << 10: 16, 64<<10 + 1: 17, 3 << 20: 22, 1 << 40: 40} {
		if got := entryClass(size); got != class {
			t.Errorf("entryClass(%d) = %d, want %d", size, got, class)
		}
	}
}

// TestTightenForFacts: with a small heap the pacing is tightened while the
// facts are built and restored after; a GOGC the user set is left alone.
func TestTightenForFacts(t *testing.T) {
	if os.Getenv("GOGC") != "" {
		t.Skip("GOGC is set in the environment")
	}
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	undo := tightenForFacts()
	if got := debug.SetGCPercent(factsGCPercent); got != factsGCPercent {
		t.Errorf("GC percent while building facts = %d, want %d", got, factsGCPercent)
	}
	undo()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent after = %d, want 100 restored", got)
	}
	t.Setenv("GOGC", "100")
	tightenForFacts()()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set by the user: percent changed to %d", got)
	}
}
