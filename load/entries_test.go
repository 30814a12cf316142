package load

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/bundle"
)

// TestEntriesOfReadsOnlyWantedFrames: a bundle with objects first, logs
// in many frames and an objects file among them: wanting objects reads
// the objects before the first frame and the one frame holding the
// events, not the others; wanting everything reads every entry.
func TestEntriesOfReadsOnlyWantedFrames(t *testing.T) {
	defer func(n int64) { bundle.LogFrameBytes = n }(bundle.LogFrameBytes)
	bundle.LogFrameBytes = 20 << 10
	p := filepath.Join(t.TempDir(), "b.tar.zst")
	w, err := bundle.Create(p, bundle.Manifest{FormatVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, data string) {
		if err := w.WriteFile(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	write(bundle.ResourcePath("shop", "pods"), `{"apiVersion":"v1","kind":"List","items":[]}`)
	line := strings.Repeat("x", 26) + "\n"
	for i := range 12 {
		write(bundle.LogPath("shop", fmt.Sprintf("web-%d", i), "app", false), strings.Repeat(line, 1000))
		if i == 5 {
			write(bundle.ResourcePath("shop", "events"), `{"apiVersion":"v1","kind":"List","items":[]}`)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if frames, ok := bundle.ReadLogFrames(p); !ok || len(frames) < 4 {
		t.Fatalf("want several log frames, got %d", len(frames))
	}
	read := func(want func(string) bool) (objects []string, logs int) {
		err := EntriesOf([]string{p}, bundle.Limits{}, func(msg string) { t.Error(msg) }, want, func(e *bundle.Entry) error {
			switch {
			case e.Type == bundle.EntryObjects:
				objects = append(objects, e.Path)
			case e.Type.IsLog():
				logs++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return objects, logs
	}
	all, allLogs := read(nil)
	objectsOnly := func(path string) bool { t, _, _, _, _ := bundle.Classify(path); return t == bundle.EntryObjects }
	some, someLogs := read(objectsOnly)
	if !slices.Equal(all, some) || len(all) != 2 {
		t.Errorf("objects read: %v in part, %v in full", some, all)
	}
	if allLogs != 12 || someLogs == 0 || someLogs >= 6 {
		t.Errorf("logs read: %d in full (want 12), %d for the objects (want those of the events' frame only)", allLogs, someLogs)
	}
}
