package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestLoadPacing: with a small heap the pacing is tightened while the rest
// of the load runs, and restored after, however often it is tightened; a
// GOGC the user set is left alone.
func TestLoadPacing(t *testing.T) {
	if os.Getenv("GOGC") != "" {
		t.Skip("GOGC is set in the environment")
	}
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	p := &loadPacing{}
	p.phases().ObjectsDecoded()
	p.phases().InputsRead()
	if got := debug.SetGCPercent(factsGCPercent); got != factsGCPercent {
		t.Errorf("GC percent while loading = %d, want %d", got, factsGCPercent)
	}
	p.restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent after = %d, want 100 restored", got)
	}
	t.Setenv("GOGC", "100")
	p = &loadPacing{}
	p.tighten(true)
	p.restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set by the user: percent changed to %d", got)
	}
}
