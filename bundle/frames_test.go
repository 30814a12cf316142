package bundle

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
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
	lf, ok := ReadLogFrame(p)
	if !ok || lf.Entry != 3 || lf.Path != names[2] {
		t.Fatalf("ReadLogFrame = %+v, %v; want entry 3 (manifest, pods, services before it) %s", lf, ok, names[2])
	}
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
	if lf, ok := ReadLogFrame(noLogs); ok {
		t.Errorf("trailer without logs: %+v", lf)
	}
	p := filepath.Join(dir, "b.tar.zst")
	writeOrdered(t, p, []string{ResourcePath("shop", "pods"), LogPath("shop", "web-1", "app", false), LogPath("shop", "web-2", "app", false)})
	good, ok := ReadLogFrame(p)
	if !ok {
		t.Fatal("no trailer")
	}
	data, _ := os.ReadFile(p)
	write := func(b []byte) string {
		q := filepath.Join(dir, "x.tar.zst")
		os.WriteFile(q, b, 0o644)
		return q
	}
	// Another log's path (same length): the frame does not start with it.
	liar := bytes.Replace(data, []byte(`"path":"logs/shop/web-1/`), []byte(`"path":"logs/shop/web-2/`), 1)
	q := write(liar)
	lf, ok := ReadLogFrame(q)
	if !ok {
		t.Fatal("well-formed trailer refused")
	}
	if err := WalkFrom(q, lf, Limits{}, nil, func(*Entry) error { t.Error("entry passed on mismatch"); return nil }); !errors.Is(err, ErrLogFrameMismatch) {
		t.Errorf("path mismatch: %v", err)
	}
	// An offset inside a frame: not a frame start.
	lf = good
	lf.Offset++
	if err := WalkFrom(p, lf, Limits{}, nil, func(*Entry) error { return nil }); !errors.Is(err, ErrLogFrameMismatch) {
		t.Errorf("offset inside a frame: %v", err)
	}
	// A trailer read back as written.
	seed := appendTrailer([]byte("\x28\xb5\x2f\xfd0123456789abcdef"), LogFrame{Offset: 4, Entry: 1, Path: "logs/a/b/c.log"})
	if lf, ok := readLogFrame(bytes.NewReader(seed), int64(len(seed))); !ok || lf != (LogFrame{Offset: 4, Entry: 1, Path: "logs/a/b/c.log"}) {
		t.Errorf("round trip: %+v %v", lf, ok)
	}
	// Trailers that are not believed at all.
	for name, b := range map[string][]byte{
		"truncated":    data[:len(data)-3],
		"not a log":    bytes.Replace(data, []byte(`"path":"logs/shop/web-1/app.log"`), []byte(`"path":"resources/shop/x.json"`), 1),
		"escape":       bytes.Replace(data, []byte(`"path":"logs/shop/web-1/`), []byte(`"path":"../shop/web-1/`), 1),
		"bad magic":    append(append([]byte{}, data[:len(data)-1]...), '2'),
		"past trailer": bytes.Replace(data, []byte(`"offset":`), []byte(`"offset":9`), 1),
	} {
		if lf, ok := readLogFrame(bytes.NewReader(b), int64(len(b))); ok {
			t.Errorf("%s: trailer accepted: %+v", name, lf)
		}
	}
}

func FuzzReadLogFrame(f *testing.F) {
	f.Add(appendTrailer([]byte("\x28\xb5\x2f\xfdxxxxxxxxxxxxxxxx"), LogFrame{Offset: 4, Entry: 1, Path: "logs/a/b/c.log"}))
	f.Add([]byte("NHFRAME1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		lf, ok := readLogFrame(bytes.NewReader(b), int64(len(b)))
		if !ok {
			return
		}
		if lf.Offset < 4 || lf.Offset >= int64(len(b)) || lf.Entry < 1 {
			t.Fatalf("accepted %+v for %d bytes", lf, len(b))
		}
		if typ, _, _, _, _ := Classify(lf.Path); typ != EntryLog && typ != EntryDumpLogs {
			t.Fatalf("accepted non-log path %q", lf.Path)
		}
	})
}
