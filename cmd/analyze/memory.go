package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"

	"github.com/nohealthy/nohealthy/load"
)

// How analyze paces memory is decided here, in main, and nowhere else: the
// soft memory limit, the collector's pacing and the explicit collections
// are process-wide, and a library setting them would surprise whoever
// links it. The loader says when most of its heap has just died
// (load.Phases); this file decides what to do then.

// defaultMemoryLimit is the soft heap target analyze runs under unless
// GOMEMLIMIT says otherwise (1350 MiB: the 50,000-pod bench bundle lives in
// about 1.1 GiB of heap): a support laptop should not see a 20-GiB-log
// bundle take several GiB because the collector let garbage pile up. It is
// soft: above it the GC works harder, it never fails an allocation.
const defaultMemoryLimit = 1350 << 20

// setMemoryLimit applies defaultMemoryLimit unless the user set GOMEMLIMIT.
func setMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}

// loadPacing paces the collector through one load; restore undoes what it
// changed. Use a new one per load.
type loadPacing struct {
	mu        sync.Mutex
	tightened bool
	percent   int // the GC percent to restore
}

// phases are the collections and pacing changes at the load's phases:
//   - objects decoded: decoding's garbage is dead, and a log pass of
//     minutes would otherwise carry it (and pace the collector on it) until
//     the heap next doubles. One collection, on the core the decoding just
//     freed, starts the logs from the objects' real footprint.
//   - inputs read: the facts come next (see tighten).
//   - store dropped: the objects and the log groups, most of the heap, are
//     garbage, and the collector would let the rules and the report grow
//     the heap to twice their size before noticing. Collect then, and wait
//     for it: only the facts are live, so it is short (tens of ms for
//     50,000 pods), and the rules and the report reuse the freed pages. A
//     collection left running beside them would have them take fresh pages
//     while it marks, and peak RSS would grow with the number of symptoms.
func (p *loadPacing) phases() load.Phases {
	return load.Phases{
		ObjectsDecoded: func() {
			runtime.GC()
			p.tighten(false)
		},
		InputsRead:   func() { p.tighten(true) },
		StoreDropped: runtime.GC,
	}
}

// tighten bounds the heap of the rest of a load whose live heap is small.
// Under the default pacing the heap may grow by its whole live size before
// the next collection: the logs passes, which allocate little but for
// minutes, and the facts, which allocate much that dies young, would then
// set the peak, not the objects, and ten times the log lines would cost
// tens of MB more. When the live heap is under
// factsCollectBelow a collection costs tens of milliseconds: pace at
// factsGCPercent until the load is over (and, with collect, collect
// first). A big heap is bounded by the soft memory limit already, and
// collecting 800 MB would cost a second, so it is left alone; so is a
// GOGC the user chose.
func (p *loadPacing) tighten(collect bool) {
	if os.Getenv("GOGC") != "" {
		return
	}
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	if live[0].Value.Kind() != metrics.KindUint64 || live[0].Value.Uint64() > factsCollectBelow {
		return
	}
	if collect {
		runtime.GC()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.tightened {
		p.percent, p.tightened = debug.SetGCPercent(factsGCPercent), true
	}
}

// restore sets back the pacing tighten changed.
func (p *loadPacing) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tightened {
		debug.SetGCPercent(p.percent)
		p.tightened = false
	}
}

const (
	factsCollectBelow = 256 << 20
	factsGCPercent    = 25
)
