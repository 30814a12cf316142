package collect

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Progress reports what gather is doing on a writer (stderr). On a terminal
// it redraws one status line; otherwise it prints one plain line per
// phase. What went wrong is not told here but once, at the end, by the
// caller (Result.Problems). A nil *Progress is silent.
type Progress struct {
	w     io.Writer
	live  bool
	mu    sync.Mutex
	phase string
	total int
	done  int
	items int
	start time.Time
	last  time.Time
	stop  chan struct{}
	wg    sync.WaitGroup
}

// NewProgress writes to w; live selects the redrawn status line (use it
// only when w is a terminal).
func NewProgress(w io.Writer, live bool) *Progress {
	p := &Progress{w: w, live: live, start: time.Now(), stop: make(chan struct{})}
	if live {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			t := time.NewTicker(150 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-p.stop:
					return
				case <-t.C:
					p.mu.Lock()
					p.drawLocked()
					p.mu.Unlock()
				}
			}
		}()
	}
	return p
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

func (p *Progress) drawLocked() {
	el := time.Since(p.start).Truncate(100 * time.Millisecond)
	s := spinner[int(el/(100*time.Millisecond))%len(spinner)]
	fmt.Fprintf(p.w, "\r\x1b[K%s %-11s %d/%d  items %d  %s", s, p.phase, p.done, p.total, p.items, el)
}

// Phase starts a phase of total steps.
func (p *Progress) Phase(name string, total int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phase, p.total, p.done = name, total, 0
	if !p.live {
		fmt.Fprintf(p.w, "gather: %s: %d to collect\n", name, total)
	}
}

// Add counts collected items (objects, files).
func (p *Progress) Add(n int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.items += n
	p.mu.Unlock()
}

// Step counts one finished step of the phase (a collector, a pod).
func (p *Progress) Step() {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.done++
	p.mu.Unlock()
}

// Finish stops the live line.
func (p *Progress) Finish() {
	if p == nil {
		return
	}
	select {
	case <-p.stop:
		return
	default:
		close(p.stop)
	}
	p.wg.Wait()
	if p.live {
		p.mu.Lock()
		fmt.Fprint(p.w, "\r\x1b[K")
		p.mu.Unlock()
	}
}
