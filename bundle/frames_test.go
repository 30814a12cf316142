package bundle

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

type ordEntry struct {
	Ordinal int
	Path    string
	Body    string
}

func walkOrdinals(t *testing.T, walk func(WalkFunc) error) []ordEntry {
	t.Helper()
	var got []ordEntry
	err := walk(func(e *Entry) error {
		b, err := io.ReadAll(e.Body)
		if err != nil {
			return err
		}
		got = append(got, ordEntry{e.Ordinal, e.Path, string(b)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// writeOrdered writes entries in the given order (objects, logs, objects
// again) so the test knows which one is the first log.
func writeOrdered(t *testing.T, path string, names []string) {
	t.Helper()
	w, err := Create(path, Manifest{Tool: "nohealthy", CreatedAt: testTime})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		body := strings.Repeat(n+"\n", 1000)
		if err := w.WriteFile(n, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestLogFrame: the Writer starts a zstd frame at the first log and says
// where in a trailer; WalkFrom reads from there exactly the entries a full
// walk reads from there, numbered alike; a full walk and a plain zstd
// decoder still read the whole archive.
func TestLogFrame(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "b.tar.zst")
	names := []string{
		ResourcePath("shop", "pods"), ResourcePath("shop", "services"),
		LogPath("shop", "web-1", "app", false), ProxyPath("shop", "web-1", "clusters.json"),
		LogPath("shop", "web-2", "app", false), ResourcePath("shop", "events"),
	}
	writeOrdered(t, p, names)
	frames, ok := ReadLogFrames(p)
	if !ok || len(frames) != 1 || frames[0].Entry != 3 || frames[0].Path != names[2] {
		t.Fatalf("ReadLogFrames = %+v, %v; want one at entry 3 (manifest, pods, services before it) %s", frames, ok, names[2])
	}
	lf := frames[0]
	all := walkOrdinals(t, func(fn WalkFunc) error { return Walk(p, Limits{}, nil, fn) })
	if len(all) != len(names)+2 || all[0].Path != ManifestPath || all[len(all)-1].Path != IndexPath {
		t.Fatalf("full walk: %d entries", len(all))
	}
	for i, e := range all {
		if e.Ordinal != i {
			t.Fatalf("entry %d (%s) has ordinal %d", i, e.Path, e.Ordinal)
		}
	}
	from := walkOrdinals(t, func(fn WalkFunc) error { return WalkFrom(p, lf, Limits{}, nil, fn) })
	if len(from) != len(all)-lf.Entry {
		t.Fatalf("WalkFrom read %d entries, want %d", len(from), len(all)-lf.Entry)
	}
	for i, e := range from {
		if want := all[lf.Entry+i]; e != want {
			t.Fatalf("WalkFrom entry %d = %+v, want %+v", i, e.Path, want.Path)
		}
	}
	// The frame really starts there: a fresh decoder reads a tar header.
	f, _ := os.Open(p)
	defer f.Close()
	f.Seek(lf.Offset, io.SeekStart)
	zr, err := zstd.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	head := make([]byte, 512)
	if _, err := io.ReadFull(zr, head); err != nil || !isTarHeader(head) || !bytes.HasPrefix(head, []byte(names[2])) {
		t.Fatalf("frame at %d does not start with %s: %v", lf.Offset, names[2], err)
	}
	// The whole file, skippable frame included, is one valid zstd stream.
	f.Seek(0, io.SeekStart)
	zr.Reset(f)
	if n, err := io.Copy(io.Discard, zr); err != nil || n == 0 {
		t.Fatalf("plain decode: %d bytes, %v", n, err)
	}
}

// TestLogFrameAbsentOrRefused: no trailer without logs (or with a log
// first), and a trailer that lies is refused or caught, never followed.
func TestLogFrameAbsentOrRefused(t *testing.T) {
	dir := t.TempDir()
	noLogs := filepath.Join(dir, "nologs.tar.zst")
	writeOrdered(t, noLogs, []string{ResourcePath("shop", "pods")})
	if frames, ok := ReadLogFrames(noLogs); ok {
		t.Errorf("trailer without logs: %+v", frames)
	}
	p := filepath.Join(dir, "b.tar.zst")
	writeOrdered(t, p, []string{ResourcePath("shop", "pods"), LogPath("shop", "web-1", "app", false), LogPath("shop", "web-2", "app", false)})
	goods, ok := ReadLogFrames(p)
	if !ok || len(goods) != 1 {
		t.Fatalf("trailer: %+v %v", goods, ok)
	}
	good := goods[0]
	data, _ := os.ReadFile(p)
	write := func(b []byte) string {
		q := filepath.Join(dir, "x.tar.zst")
		os.WriteFile(q, b, 0o644)
		return q
	}
	// Another log's path (same length): the frame does not start with it.
	liar := bytes.Replace(data, []byte(`"path":"logs/shop/web-1/`), []byte(`"path":"logs/shop/web-2/`), 1)
	q := write(liar)
	lfs, ok := ReadLogFrames(q)
	if !ok {
		t.Fatal("well-formed trailer refused")
	}
	lf := lfs[0]
	if err := WalkFrom(q, lf, Limits{}, nil, func(*Entry) error { t.Error("entry passed on mismatch"); return nil }); !errors.Is(err, ErrLogFrameMismatch) {
		t.Errorf("path mismatch: %v", err)
	}
	// An offset inside a frame: not a frame start.
	lf = good
	lf.Offset++
	if err := WalkFrom(p, lf, Limits{}, nil, func(*Entry) error { return nil }); !errors.Is(err, ErrLogFrameMismatch) {
		t.Errorf("offset inside a frame: %v", err)
	}
	// Trailers read back as written, and the first version's single frame.
	two := []LogFrame{{Offset: 4, Entry: 1, Path: "logs/a/b/c.log"}, {Offset: 9, Entry: 3, Path: "logs/a/d/c.log"}}
	seed := appendTrailer([]byte("\x28\xb5\x2f\xfd0123456789abcdef"), two)
	if got, ok := readLogFrames(bytes.NewReader(seed), int64(len(seed))); !ok || !reflect.DeepEqual(got, two) {
		t.Errorf("round trip: %+v %v", got, ok)
	}
	v1js := []byte(`{"logFrame":{"offset":4,"entry":1,"path":"logs/a/b/c.log"}}`)
	v1 := []byte("\x28\xb5\x2f\xfd0123456789abcdef")
	v1 = binary.LittleEndian.AppendUint32(v1, skippableMagic)
	v1 = binary.LittleEndian.AppendUint32(v1, uint32(len(v1js)+12))
	v1 = binary.LittleEndian.AppendUint32(append(v1, v1js...), uint32(len(v1js)))
	v1 = append(v1, frameTrailerMagic...)
	if got, ok := readLogFrames(bytes.NewReader(v1), int64(len(v1))); !ok || !reflect.DeepEqual(got, two[:1]) {
		t.Errorf("first version's trailer: %+v %v", got, ok)
	}
	for name, frames := range map[string][]LogFrame{
		"out of order": {two[1], two[0]},
		"same entry":   {two[0], {Offset: 9, Entry: 1, Path: "logs/a/d/c.log"}},
		"none":         {},
	} {
		b := appendTrailer([]byte("\x28\xb5\x2f\xfd0123456789abcdef"), frames)
		if got, ok := readLogFrames(bytes.NewReader(b), int64(len(b))); ok {
			t.Errorf("%s: trailer accepted: %+v", name, got)
		}
	}
	// Trailers that are not believed at all.
	for name, b := range map[string][]byte{
		"truncated":    data[:len(data)-3],
		"not a log":    bytes.Replace(data, []byte(`"path":"logs/shop/web-1/app.log"`), []byte(`"path":"resources/shop/x.json"`), 1),
		"escape":       bytes.Replace(data, []byte(`"path":"logs/shop/web-1/`), []byte(`"path":"../shop/web-1/`), 1),
		"bad magic":    append(append([]byte{}, data[:len(data)-1]...), '2'),
		"past trailer": bytes.Replace(data, []byte(`"offset":`), []byte(`"offset":9`), 1),
	} {
		if frames, ok := readLogFrames(bytes.NewReader(b), int64(len(b))); ok {
			t.Errorf("%s: trailer accepted: %+v", name, frames)
		}
	}
}

func FuzzReadLogFrame(f *testing.F) {
	f.Add(appendTrailer([]byte("\x28\xb5\x2f\xfdxxxxxxxxxxxxxxxx"), []LogFrame{{Offset: 4, Entry: 1, Path: "logs/a/b/c.log"}, {Offset: 9, Entry: 2, Path: "logs/a/b/d.log"}}))
	f.Add([]byte("NHFRAME1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		frames, ok := readLogFrames(bytes.NewReader(b), int64(len(b)))
		if !ok {
			return
		}
		for i, lf := range frames {
			if lf.Offset < 4 || lf.Offset >= int64(len(b)) || lf.Entry < 1 {
				t.Fatalf("accepted %+v for %d bytes", lf, len(b))
			}
			if i > 0 && (lf.Offset <= frames[i-1].Offset || lf.Entry <= frames[i-1].Entry) {
				t.Fatalf("accepted frames out of order: %+v", frames)
			}
			if typ, _, _, _, _ := Classify(lf.Path); typ != EntryLog && typ != EntryDumpLogs {
				t.Fatalf("accepted non-log path %q", lf.Path)
			}
		}
	})
}

// TestLogFramesEvery: past LogFrameBytes of tar the Writer starts a new
// frame at the next log (not at an object); each frame starts where the
// trailer says, and walking each frame up to the next one's entry reads,
// between them, exactly what one walk from the first frame reads.
func TestLogFramesEvery(t *testing.T) {
	defer func(n int64) { LogFrameBytes = n }(LogFrameBytes)
	LogFrameBytes = 20 << 10
	dir := t.TempDir()
	p := filepath.Join(dir, "b.tar.zst")
	var names []string
	names = append(names, ResourcePath("shop", "pods"))
	for i := range 12 {
		names = append(names, LogPath("shop", fmt.Sprintf("web-%d", i), "app", false)) // 1000 lines of ~27 bytes each
		if i == 5 {
			names = append(names, ResourcePath("shop", "events"))
		}
	}
	writeOrdered(t, p, names)
	frames, ok := ReadLogFrames(p)
	if !ok || len(frames) < 4 {
		t.Fatalf("frames %+v, %v: want one every ~20 KiB of logs", frames, ok)
	}
	for _, lf := range frames {
		if typ, _, _, _, _ := Classify(lf.Path); !typ.IsLog() {
			t.Errorf("a frame starts at %s", lf.Path)
		}
	}
	first := walkOrdinals(t, func(fn WalkFunc) error { return WalkFrom(p, frames[0], Limits{}, nil, fn) })
	var pieces []ordEntry
	for i, lf := range frames {
		stop := math.MaxInt
		if i+1 < len(frames) {
			stop = frames[i+1].Entry
		}
		got := walkOrdinals(t, func(fn WalkFunc) error {
			err := WalkFrom(p, lf, Limits{}, nil, func(e *Entry) error {
				if e.Ordinal >= stop {
					if e.Path != frames[i+1].Path {
						t.Errorf("frame %d ends at %s, the next frame starts at %s", i, e.Path, frames[i+1].Path)
					}
					return errStop
				}
				return fn(e)
			})
			if errors.Is(err, errStop) {
				return nil
			}
			return err
		})
		if len(got) == 0 || got[0].Path != lf.Path {
			t.Fatalf("frame %d (%+v) read %+v", i, lf, got)
		}
		pieces = append(pieces, got...)
	}
	if !reflect.DeepEqual(pieces, first) {
		t.Errorf("frame by frame: %d entries, from the first frame: %d", len(pieces), len(first))
	}
}

var errStop = errors.New("stop")

// TestCloseIdleDecoders: a walk leaves its decoder for the next walk, and
// CloseIdleDecoders lets go of it; a walk after it still works.
func TestCloseIdleDecoders(t *testing.T) {
	p := filepath.Join(t.TempDir(), "b.tar.zst")
	writeOrdered(t, p, []string{ResourcePath("shop", "pods"), LogPath("shop", "web-1", "app", false)})
	walk := func() int {
		return len(walkOrdinals(t, func(fn WalkFunc) error { return Walk(p, Limits{}, nil, fn) }))
	}
	idle := func() bool {
		idleDecoders.mu.Lock()
		defer idleDecoders.mu.Unlock()
		return idleDecoders.zr != nil
	}
	n := walk()
	if !idle() {
		t.Fatal("no decoder kept after a walk")
	}
	CloseIdleDecoders()
	if idle() {
		t.Fatal("a decoder is still idle")
	}
	if m := walk(); m != n || n == 0 {
		t.Fatalf("walk after closing: %d entries, before: %d", m, n)
	}
}
