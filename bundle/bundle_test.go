package bundle

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

var testTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

type gotEntry struct {
	Path, Type, NS, Pod, Container, Name string
	Previous                             bool
	Body                                 string
}

func collect(t testing.TB, input string, lim Limits) ([]gotEntry, []string, error) {
	t.Helper()
	var got []gotEntry
	var warns []string
	err := Walk(input, lim, func(p string, err error) { warns = append(warns, err.Error()) }, func(e *Entry) error {
		b, err := io.ReadAll(e.Body)
		if err != nil {
			return err
		}
		got = append(got, gotEntry{e.Path, e.Type.String(), e.Namespace, e.Pod, e.Container, e.Name, e.Previous, string(b)})
		return nil
	})
	return got, warns, err
}

// writeSample writes a small but complete bundle and returns its files.
func writeSample(t *testing.T, path string) map[string]string {
	t.Helper()
	w, err := Create(path, Manifest{Tool: "nohealthy", ToolVersion: "test", CreatedAt: testTime})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		ResourcePath("bookinfo", "pods"):                                `{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"a","namespace":"bookinfo"}}]}`,
		ResourcePath("", "nodes"):                                       `{"kind":"NodeList","apiVersion":"v1","items":[]}`,
		ResourcePath("bookinfo", "virtualservices.networking.istio.io"): `{"kind":"List","apiVersion":"v1","items":[]}`,
		LogPath("bookinfo", "a", "istio-proxy", false):                  "line1\nline2\n",
		LogPath("bookinfo", "a", "istio-proxy", true):                   "old\n",
		ProxyPath("bookinfo", "a", "clusters.json"):                     `{}`,
		"resources/" + strings.Repeat("long-namespace/", 10) + "x.json": `{}`, // > 100 chars: PAX name
	}
	var wg sync.WaitGroup
	for name, body := range files {
		wg.Add(1)
		go func() { // concurrent writers share the mutex
			defer wg.Done()
			if strings.HasSuffix(name, ".log") {
				if err := w.WriteFrom(name, strings.NewReader(body), int64(len(body))); err != nil {
					t.Error(err)
				}
				return
			}
			if err := w.WriteFile(name, []byte(body)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	w.AddCollector(CollectorStatus{Name: "pods", Kind: "Pod", Status: StatusOK, Count: 1})
	w.AddCollector(CollectorStatus{Name: "secrets", Status: StatusForbidden, Message: "RBAC"})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return files
}

func TestRoundTripTarZstAndDirectory(t *testing.T) {
	dir := t.TempDir()
	bpath := filepath.Join(dir, "b.tar.zst")
	files := writeSample(t, bpath)

	fromTar, warns, err := collect(t, bpath, Limits{})
	if err != nil || len(warns) > 0 {
		t.Fatalf("walk: %v %v", err, warns)
	}
	if fromTar[0].Path != ManifestPath || fromTar[len(fromTar)-1].Path != IndexPath {
		t.Fatalf("manifest must be first and index last: %v", fromTar)
	}
	if len(fromTar) != len(files)+2 {
		t.Fatalf("got %d entries, want %d", len(fromTar), len(files)+2)
	}

	// Unpack to a directory and read again: identical except for order
	// (a directory is read in lexical order).
	unpacked := filepath.Join(dir, "unpacked")
	for _, e := range fromTar {
		p := filepath.Join(unpacked, filepath.FromSlash(e.Path))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(e.Body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fromDir, warns, err := collect(t, unpacked, Limits{})
	if err != nil || len(warns) > 0 {
		t.Fatalf("walk dir: %v %v", err, warns)
	}
	byPath := func(es []gotEntry) map[string]gotEntry {
		m := map[string]gotEntry{}
		for _, e := range es {
			m[e.Path] = e
		}
		return m
	}
	if !reflect.DeepEqual(byPath(fromTar), byPath(fromDir)) {
		t.Fatalf("tar and directory differ:\n%v\n%v", fromTar, fromDir)
	}
	for i := 1; i < len(fromDir); i++ {
		if fromDir[i-1].Path > fromDir[i].Path {
			t.Fatalf("directory not in lexical order: %q before %q", fromDir[i-1].Path, fromDir[i].Path)
		}
	}

	m := byPath(fromTar)
	if e := m["logs/bookinfo/a/istio-proxy.previous.log"]; e.Type != "log" || e.NS != "bookinfo" || e.Pod != "a" || e.Container != "istio-proxy" || !e.Previous || e.Body != "old\n" {
		t.Errorf("previous log: %+v", e)
	}
	if e := m["proxy/bookinfo/a/clusters.json"]; e.Type != "proxy-admin" || e.Name != "clusters.json" || e.Pod != "a" {
		t.Errorf("proxy: %+v", e)
	}
	if e := m["resources/_cluster/nodes.json"]; e.Type != "objects" {
		t.Errorf("nodes: %+v", e)
	}

	// Index: every file but itself, with correct size and sha256.
	var idx Index
	if err := json.Unmarshal([]byte(m[IndexPath].Body), &idx); err != nil {
		t.Fatal(err)
	}
	if len(idx.Files) != len(files)+1 || len(idx.Collectors) != 2 || idx.Collectors[1].Status != StatusForbidden {
		t.Fatalf("index: %+v", idx)
	}
	for _, f := range idx.Files {
		body := m[f.Path].Body
		sum := sha256.Sum256([]byte(body))
		if f.Size != int64(len(body)) || f.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("index entry %s: size %d sha %s, file has %d bytes sha %x", f.Path, f.Size, f.SHA256, len(body), sum)
		}
	}
	var man Manifest
	json.Unmarshal([]byte(m[ManifestPath].Body), &man)
	if man.FormatVersion != FormatVersion || !man.CreatedAt.Equal(testTime) {
		t.Errorf("manifest: %+v", man)
	}

	// No temp file left behind.
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temp file left: %s", e.Name())
		}
	}
}

func TestWriterAbortAndKill(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.tar.zst")
	w, err := Create(p, Manifest{})
	if err != nil {
		t.Fatal(err)
	}
	w.WriteFile("a.json", []byte("{}"))
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err == nil {
		t.Error("Close after Abort must fail")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("Abort left files: %v", ents)
	}

	// A writer that is never closed (the process killed mid-way) leaves
	// nothing at the final path.
	w2, err := Create(p, Manifest{})
	if err != nil {
		t.Fatal(err)
	}
	w2.WriteFile("a.json", bytes.Repeat([]byte("x"), 1<<20))
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("final path exists before Close: %v", err)
	}
	w2.Abort()

	// Abort after Close is a no-op and keeps the bundle.
	w3, _ := Create(p, Manifest{})
	if err := w3.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w3.Abort(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Errorf("Abort after Close removed the bundle: %v", err)
	}
}

func TestWriterRejects(t *testing.T) {
	w, err := Create(filepath.Join(t.TempDir(), "x.tar.zst"), Manifest{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for _, name := range []string{"", "../x", "/etc/x", "a/../b", "a//b", "./a", "a/", ManifestPath, IndexPath, `a\b`} {
		if err := w.WriteFile(name, nil); err == nil {
			t.Errorf("WriteFile(%q) accepted", name)
		}
	}
	if err := w.WriteFile("a.json", nil); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFile("a.json", nil); err == nil {
		t.Error("duplicate accepted")
	}
	if err := w.WriteFrom("long.log", strings.NewReader("abcdef"), 3); err == nil || !strings.Contains(err.Error(), "more than the declared 3 bytes") {
		t.Errorf("longer reader: %v", err)
	}
	if err := w.WriteFrom("short.log", strings.NewReader("ab"), 3); err == nil {
		t.Error("short reader accepted")
	}
	if err := w.Close(); err == nil {
		t.Error("Close after a short WriteFrom must fail (the tar stream is broken)")
	}
}

// ---- hostile archives ----

type tarEnt struct {
	hdr  tar.Header
	body string
}

func reg(name, body string) tarEnt {
	return tarEnt{tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(body)), Mode: 0o644}, body}
}

func makeTar(t testing.TB, ents []tarEnt) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		h := e.hdr
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, e.body)
	}
	tw.Close()
	return buf.Bytes()
}

func zstdBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	enc, _ := zstd.NewWriter(nil)
	defer enc.Close()
	return enc.EncodeAll(b, nil)
}

func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHostileEntriesAreWarnedAndSkipped(t *testing.T) {
	ents := []tarEnt{
		reg("manifest.json", "{}"),
		reg("../../etc/passwd", "root"),
		reg("/etc/x", "abs"),
		{tar.Header{Typeflag: tar.TypeSymlink, Name: "link.json", Linkname: "/etc/shadow"}, ""},
		{tar.Header{Typeflag: tar.TypeLink, Name: "hard.json", Linkname: "manifest.json"}, ""},
		{tar.Header{Typeflag: tar.TypeChar, Name: "dev", Devmajor: 1, Devminor: 3}, ""},
		{tar.Header{Typeflag: tar.TypeFifo, Name: "fifo"}, ""},
		reg("ok.json", `{"kind":"Pod"}`),
		reg("big.json", strings.Repeat(" ", 200)),
		reg("index.json", "{}"),
	}
	p := writeTemp(t, "bundle.tar.zst", zstdBytes(t, makeTar(t, ents)))
	got, warns, err := collect(t, p, Limits{MaxObjectBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range got {
		paths = append(paths, e.Path)
	}
	if want := []string{"manifest.json", "ok.json", "index.json"}; !reflect.DeepEqual(paths, want) {
		t.Errorf("read %v, want %v", paths, want)
	}
	wantWarn := []string{
		`bundle.tar.zst: entry "../../etc/passwd": path escapes the bundle root`,
		`bundle.tar.zst: entry "/etc/x": absolute path refused`,
		`bundle.tar.zst: entry "link.json": symlink to "/etc/shadow" refused`,
		`bundle.tar.zst: entry "hard.json": hardlink to "manifest.json" refused`,
		`bundle.tar.zst: entry "dev": device file refused`,
		`bundle.tar.zst: entry "fifo": FIFO refused`,
		`bundle.tar.zst: entry "big.json": 200 bytes, more than 100 object bytes (the cap set by --max-object-bytes)`,
	}
	if len(warns) != len(wantWarn) {
		t.Fatalf("warnings:\n%s", strings.Join(warns, "\n"))
	}
	for i, w := range wantWarn {
		if !strings.Contains(warns[i], w) {
			t.Errorf("warning %d = %q, want it to contain %q", i, warns[i], w)
		}
	}

	// Without a warn function the first problem is fatal.
	err = Walk(p, Limits{}, nil, func(*Entry) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "path escapes the bundle root") {
		t.Errorf("nil warn: %v", err)
	}
}

func TestHostileFatal(t *testing.T) {
	good := makeTar(t, []tarEnt{reg("manifest.json", "{}"), reg("a.log", strings.Repeat("0123456789", 10000)), reg("index.json", "{}")})
	z := zstdBytes(t, good)

	cases := []struct {
		name, file string
		data       []byte
		lim        Limits
		want       string
	}{
		{"truncated zstd", "b.tar.zst", z[:len(z)/2], Limits{}, "truncated or corrupt zstd stream"},
		{"corrupt zstd", "b.tar.zst", append(append([]byte{}, z[:20]...), bytes.Repeat([]byte{0xff}, 200)...), Limits{}, "truncated or corrupt zstd stream"},
		{"not zstd", "b.tar.zst", []byte("hello"), Limits{}, "b.tar.zst: truncated or corrupt compressed stream: no zstd frame"},
		{"bomb", "b.tar.zst", z, Limits{MaxExpandedBytes: 50_000}, `b.tar.zst: entry "a.log": more than 50000 expanded bytes (the cap set by --max-expanded-bytes; the input may be a decompression bomb)`},
		{"entries", "b.tar.zst", z, Limits{MaxEntries: 2}, `b.tar.zst: entry "index.json": more than 2 entries (the cap set by --max-entries)`},
		{"truncated tar", "b.tar", good[:1024+512], Limits{}, `b.tar: entry "a.log": truncated`},
		{"plain tar ok", "b.tar", good, Limits{}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeTemp(t, c.file, c.data)
			_, _, err := collect(t, p, c.lim)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

// A bomb that the consumer never reads must still be caught: tar skips
// unread bodies by decompressing them.
func TestBombUnreadBody(t *testing.T) {
	// The header claims a small size of each entry but there are many.
	var ents []tarEnt
	for i := range 100 {
		ents = append(ents, reg(fmt.Sprintf("f%03d.bin", i), strings.Repeat("z", 10_000)))
	}
	p := writeTemp(t, "bomb.tar.zst", zstdBytes(t, makeTar(t, ents)))
	err := Walk(p, Limits{MaxExpandedBytes: 200_000}, nil, func(*Entry) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "--max-expanded-bytes") {
		t.Fatalf("err = %v", err)
	}
}

func TestMissingInput(t *testing.T) {
	err := Walk("/nonexistent/b.tar.zst", Limits{}, nil, func(*Entry) error { return nil })
	if err == nil || err.Error() != "/nonexistent/b.tar.zst: input does not exist" {
		t.Fatalf("err = %v", err)
	}
}

func TestDirectorySymlinkSkipped(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "logs", "ns", "pod"), 0o755)
	os.WriteFile(filepath.Join(dir, "logs", "ns", "pod", "c.log"), []byte("x\n"), 0o644)
	if err := os.Symlink("/etc", filepath.Join(dir, "etc")); err != nil {
		t.Skip(err)
	}
	os.Symlink("/etc/hostname", filepath.Join(dir, "host.json"))
	got, warns, err := collect(t, dir, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Container != "c" || len(warns) != 2 || !strings.Contains(warns[0], `entry "etc": symlink not followed`) {
		t.Fatalf("got %v warns %v", got, warns)
	}
}

func TestNestedTopDirectory(t *testing.T) {
	tb := makeTar(t, []tarEnt{
		{tar.Header{Typeflag: tar.TypeDir, Name: "bundle-x/", Mode: 0o755}, ""},
		reg("bundle-x/manifest.json", "{}"),
		reg("bundle-x/logs/ns/p/c.log", "l\n"),
		reg("bundle-x/index.json", "{}"),
	})
	got, warns, err := collect(t, writeTemp(t, "x.tar", tb), Limits{})
	if err != nil || len(warns) > 0 {
		t.Fatal(err, warns)
	}
	if got[0].Path != "manifest.json" || got[0].Type != "manifest" || got[1].Path != "logs/ns/p/c.log" || got[1].Container != "c" || got[2].Type != "index" {
		t.Fatalf("%+v", got)
	}
	// A dump tree nested under a directory keeps its paths but classifies
	// by tail.
	tb = makeTar(t, []tarEnt{
		{tar.Header{Typeflag: tar.TypeDir, Name: "./", Mode: 0o755}, ""},
		reg("./dump/nodes.json", "{}"),
		reg("./dump/kube-system/coredns-1/logs.txt", ""),
	})
	got, warns, err = collect(t, writeTemp(t, "y.tar", tb), Limits{})
	if err != nil || len(warns) > 0 {
		t.Fatal(err, warns)
	}
	if got[1].Type != "dump-logs" || got[1].NS != "kube-system" || got[1].Pod != "coredns-1" || got[0].Path != "dump/nodes.json" {
		t.Fatalf("%+v", got)
	}
}

func TestSingleFiles(t *testing.T) {
	dump := "==== START logs for container c of pod ns/p ====\nhello\n==== END logs for container c of pod ns/p ====\n"
	for _, c := range []struct{ name, body, want string }{
		{"x.yaml", "kind: Pod\n", "objects"},
		{"access.log", "GET /\n", "log"},
		{"logs.txt", dump, "dump-logs"},
		{"notes.md", "#", "log"}, // a name that says nothing: judged by its bytes
	} {
		got, _, err := collect(t, writeTemp(t, c.name, []byte(c.body)), Limits{})
		if err != nil || len(got) != 1 || got[0].Type != c.want || got[0].Body != c.body || got[0].Path != c.name {
			t.Errorf("%s: %v %+v", c.name, err, got)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		p          string
		t          EntryType
		ns, pod, c string
		prev       bool
	}{
		{"manifest.json", EntryManifest, "", "", "", false},
		{"b/index.json", EntryIndex, "", "", "", false},
		{"a/b/manifest.json", EntryObjects, "", "", "", false},
		{"logs/ns/p/c.log", EntryLog, "ns", "p", "c", false},
		{"x/y/logs/ns/p/c.previous.log", EntryLog, "ns", "p", "c", true},
		{"ns/p/logs.txt", EntryDumpLogs, "ns", "p", "", false},
		{"dump/ns/p/logs.txt", EntryDumpLogs, "ns", "p", "", false},
		{"p/logs.txt", EntryLog, "", "", "", false},
		{"proxy/ns/p/config_dump.json", EntryProxyAdmin, "ns", "p", "", false},
		{"ns/services.json", EntryObjects, "", "", "", false},
		{"extra/vs.YAML", EntryObjects, "", "", "", false},
		{"gw.txt", EntryLog, "", "", "", false},
		{"README", EntryOther, "", "", "", false},
	} {
		typ, ns, pod, ctr, prev := Classify(c.p)
		if typ != c.t || ns != c.ns || pod != c.pod || ctr != c.c || prev != c.prev {
			t.Errorf("Classify(%q) = %v %q %q %q %v", c.p, typ, ns, pod, ctr, prev)
		}
	}
}
