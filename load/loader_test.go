package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/bundle"
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
	small := make([]byte, 0, 1<<20)
	p.put(small)
	p.trim(entryClass(4 << 20))
	if len(p.free[entryClass(16<<20)]) != 0 || len(p.free[entryClass(1<<20)]) != 1 || p.bytes != 128<<10+1<<20 {
		t.Errorf("trim to 4 MiB kept %d bytes: %d of 16 MiB, %d of 1 MiB", p.bytes, len(p.free[entryClass(16<<20)]), len(p.free[entryClass(1<<20)]))
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

// bigLog is a log larger than maxBufferedLog: access lines (UH failures for
// several upstreams among 200s, CRLF endings) and a line longer than both a
// chunk and the line limit, and no line ending at the end, so chunks cut
// lines everywhere.
func bigLog() []byte {
	var b bytes.Buffer
	ok := `[2024-10-15T16:20:04.329Z] "POST /packages HTTP/2" 200 - via_upstream - "-" 875 1692 45 44 "10.128.0.14" "curl/8" "d1511f30" "studio.media.example.com" "10.8.2.17:8080" outbound|8080||packager.media.svc.cluster.local 10.8.1.15:59490 10.8.1.15:8080 10.128.0.14:32596 - -`
	for i := 0; b.Len() < maxBufferedLog+3*logChunk; i++ {
		if i%7 == 3 {
			fmt.Fprintf(&b, `[2024-10-15T16:%02d:03.805Z] "GET /encode/jobs/j_%d HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.128.0.21" "curl/8" "ff23011b" "studio.media.example.com" "-" outbound|8080||encoder%d.media.svc.cluster.local - 10.8.1.15:8080 10.128.0.21:10483 - -`, i%60, i, i%5)
		} else {
			b.WriteString(ok)
		}
		if i%11 == 0 {
			b.WriteString("\r")
		}
		b.WriteString("\n")
		if i == 20000 {
			b.WriteString(strings.Repeat("x", logChunk+logscan.DefaultMaxLineBytes) + "\n")
		}
	}
	b.WriteString(`[2024-10-15T16:59:03.805Z] "GET /last HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "-" "-" "studio.media.example.com" "-" outbound|8080||last.media.svc.cluster.local - 10.8.1.15:8080 10.128.0.21:10483 - -`)
	return b.Bytes()
}

// failAfter returns the first n bytes of data, then an error.
type failAfter struct {
	r   io.Reader
	n   int64
	err error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	if int64(len(p)) > f.n {
		p = p[:f.n]
	}
	n, err := f.r.Read(p)
	f.n -= int64(n)
	return n, err
}

// TestStreamLogScansLikeInMemory: a log too big to buffer, scanned chunk
// by chunk on the walker (objects pass running) or by a scanner goroutine
// (objects pass over), gives exactly the symptoms, line counts and
// previous-container tail of scanning it whole. A read error part way
// keeps what came before it and warns naming the entry.
func TestStreamLogScansLikeInMemory(t *testing.T) {
	data := bigLog()
	want := logscan.NewAggregator(logscan.Options{})
	origin := logscan.Origin{Namespace: "istio-system", Pod: "gw-1", Container: "istio-proxy"}
	want.ScanBytes(origin, "whole", data)
	wantTail := &tailKeeper{}
	wantTail.Write(data)
	wantLines, wantBytes := want.Totals()
	if len(want.Symptoms()) < 6 {
		t.Fatalf("the test log yields only %d symptom groups", len(want.Symptoms()))
	}
	for _, objectsDone := range []bool{false, true} {
		l := newLoader(Options{}, false)
		l.objectsDone.Store(objectsDone)
		l.streamLog(&bundle.Entry{Type: bundle.EntryLog, Size: int64(len(data)), Namespace: origin.Namespace, Pod: origin.Pod,
			Container: origin.Container, Previous: true, Body: iotest.HalfReader(bytes.NewReader(data))}, "b.tar.zst: big.log")
		l.stopWorkers()
		lines, n := l.agg.Totals()
		if lines != wantLines || n != wantBytes {
			t.Errorf("objects done %v: %d lines, %d bytes; whole: %d, %d", objectsDone, lines, n, wantLines, wantBytes)
		}
		if got := l.agg.Symptoms(); !reflect.DeepEqual(got, want.Symptoms()) {
			t.Errorf("objects done %v: symptoms differ from scanning whole:\n%+v\n%+v", objectsDone, got, want.Symptoms())
		}
		if got := l.tails["istio-system/gw-1/istio-proxy"]; !reflect.DeepEqual(got, wantTail.lines(5)) || len(got) == 0 {
			t.Errorf("objects done %v: tail %q, want %q", objectsDone, got, wantTail.lines(5))
		}
		if len(l.warnings) != 0 {
			t.Errorf("warnings: %q", l.warnings)
		}
	}

	// The stream breaks 2.5 chunks in: the lines before are counted.
	cut := int64(5*logChunk/2 + 123)
	l := newLoader(Options{}, false)
	l.objectsDone.Store(true)
	l.streamLog(&bundle.Entry{Type: bundle.EntryLog, Size: int64(len(data)), Namespace: "ns", Pod: "p", Container: "c",
		Body: &failAfter{r: bytes.NewReader(data), n: cut, err: errors.New("zstd: corrupt block")}}, "b.tar.zst: big.log")
	l.stopWorkers()
	part := logscan.NewAggregator(logscan.Options{})
	part.ScanBytes(origin, "part", data[:cut])
	pl, _ := part.Totals()
	if lines, _ := l.agg.Totals(); lines != pl {
		t.Errorf("after a read error: %d lines scanned, want the %d before it", lines, pl)
	}
	if len(l.warnings) != 1 || !strings.Contains(l.warnings[0], "big.log") || !strings.Contains(l.warnings[0], "corrupt block") {
		t.Errorf("warnings %q, want one naming the entry and the error", l.warnings)
	}
}

// TestDirectoryBigLog: a directory's log too big to buffer is read by a
// worker through the same streaming scan: every line and every symptom
// group of the whole log.
func TestDirectoryBigLog(t *testing.T) {
	data := bigLog()
	dir := t.TempDir()
	p := filepath.Join(dir, "logs", "istio-system", "gw-1", "istio-proxy.log")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	want := logscan.NewAggregator(logscan.Options{})
	want.ScanBytes(logscan.Origin{Namespace: "istio-system", Pod: "gw-1", Container: "istio-proxy"}, "whole", data)
	wantLines, _ := want.Totals()
	snap, err := Inputs([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if snap.LogLines != wantLines || len(snap.Facts.Symptoms) != len(want.Symptoms()) {
		t.Errorf("directory: %d lines, %d symptoms; whole log: %d, %d", snap.LogLines, len(snap.Facts.Symptoms), wantLines, len(want.Symptoms()))
	}
}

// TestLoadFillsSymptomSamples: the symptoms' lines, kept compressed until
// the store is garbage, reach every symptom fact, and the DNS evidence
// read while the facts are built has its line too.
func TestLoadFillsSymptomSamples(t *testing.T) {
	for _, c := range []string{"33-dns-failure", "36-ztunnel-connection-reset", "21-subset-no-pods", "03-healthy-ingress-nginx"} {
		snap, err := Inputs([]string{filepath.Join("..", "testdata", "bundles", c, "bundle")}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		f := snap.Facts
		for _, s := range f.Symptoms {
			if len(s.Samples) == 0 || len(s.Samples) > logscan.MaxSamples {
				t.Errorf("%s: %s %s has %d samples", c, s.ID, s.Kind, len(s.Samples))
			}
			for _, l := range s.Samples {
				if l == "" || strings.HasPrefix(l, "[sample lost") {
					t.Errorf("%s: %s sample %q", c, s.ID, l)
				}
			}
		}
	}

}

// TestPhasesInOrder: the program hears once that the objects are decoded
// (a file read in passes), then that every input is read, then that the
// store is dropped; the samples are filled only after that, before Inputs
// returns.
func TestPhasesInOrder(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("a file is read in one pass on one core")
	}
	p := filepath.Join(t.TempDir(), "b.tar.zst")
	packObjectsFirst(t, filepath.Join("..", "testdata", "bundles", "21-subset-no-pods", "bundle"), p)
	var (
		mu  sync.Mutex
		got []string
	)
	note := func(s string) func() {
		return func() {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, s)
		}
	}
	snap, err := Inputs([]string{p}, Options{Phases: Phases{
		ObjectsDecoded: note("objects"), InputsRead: note("inputs"), StoreDropped: note("dropped"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "objects inputs dropped" {
		t.Errorf("phases %v", got)
	}
	if len(snap.Facts.Symptoms) == 0 || len(snap.Facts.Symptoms[0].Samples) == 0 {
		t.Errorf("samples not filled: %+v", snap.Facts.Symptoms)
	}
}
