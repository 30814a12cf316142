package collect

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// Plain progress tells the phases and nothing else: what failed is told
// once, at the end, by the caller.
func TestProgressPlain(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, false)
	p.Phase("resources", 2)
	p.Step()
	p.Add(3)
	p.Step()
	p.Finish()
	if got, want := b.String(), "gather: resources: 2 to collect\n"; got != want {
		t.Errorf("plain progress %q, want %q", got, want)
	}
}

func TestProgressLive(t *testing.T) {
	var b syncBuffer
	p := NewProgress(&b, true)
	p.Phase("logs", 4)
	p.Add(5)
	p.Step()
	time.Sleep(400 * time.Millisecond) // at least one redraw
	p.Finish()
	p.Finish() // idempotent
	out := b.String()
	if !strings.Contains(out, "\r\x1b[K") || !strings.Contains(out, "logs") || !strings.Contains(out, "1/4") || !strings.Contains(out, "items 5") {
		t.Errorf("live output: %q", out)
	}
	if !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("the live line is not cleared at the end: %q", out)
	}
	var nilP *Progress
	nilP.Phase("x", 1)
	nilP.Step()
	nilP.Add(1)
	nilP.Finish()
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
