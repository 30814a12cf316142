package bundle

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fuzzLimits keep each fuzz input cheap: small caps exercise the limit paths.
var fuzzLimits = Limits{MaxExpandedBytes: 4 << 20, MaxEntries: 200, MaxObjectBytes: 1 << 20, MaxLineBytes: 4096}

// watchdog turns a hang into a crash the fuzzer records: an input that
// takes seconds is as much a bug as a panic.
func watchdog(data []byte) (stop func()) {
	t := time.AfterFunc(5*time.Second, func() {
		panic(fmt.Sprintf("input took more than 5s: %q", data))
	})
	return func() { t.Stop() }
}

func FuzzWalkTarZst(f *testing.F) {
	good := makeTar(f, []tarEnt{
		reg("manifest.json", `{"formatVersion":1}`),
		reg("resources/ns/pods.json", `{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"a"}}]}`),
		reg("logs/ns/a/c.log", "x\n"),
		reg("ns/a/logs.txt", frame("c", "ns", "a", "y\n")),
		reg("../evil", "x"),
		reg("index.json", `{}`),
	})
	f.Add(zstdBytes(f, good))
	f.Add(good)
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd})
	f.Add(zstdBytes(f, []byte("not a tar")))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(data)()
		p := filepath.Join(dir, "in.tar.zst")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		// Consume every body the way analyze does, including the decoders.
		Walk(p, fuzzLimits, func(string, error) {}, func(e *Entry) error {
			switch e.Type {
			case EntryObjects:
				DecodeObjects(e.Path, e.Body, fuzzLimits, func(Object) error { return nil })
			case EntryDumpLogs:
				SplitDumpLogs(e.Body, fuzzLimits, func(_, _, _ string, b io.Reader) error {
					_, err := io.Copy(io.Discard, b)
					return err
				})
			}
			_, err := io.Copy(io.Discard, e.Body)
			return err
		})
	})
}

func FuzzDecodeObjects(f *testing.F) {
	for _, s := range []string{
		`{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"a","managedFields":[{}]}}]}`,
		`{"apiVersion":"v1","items":[{"kind":"Pod"}],"kind":"List"}`,
		`[{"kind":"Pod"},{"kind":"ServiceList","items":null}]`,
		`{"kind":"X","items":{"a":[1,2.5e3,"s",true,null]}}{"kind":"Y"}`,
		"kind: Pod\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: List\nitems:\n- kind: Service\n...\n",
		"- kind: Pod\n- kind: Node\n",
		"--- {kind: Pod}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(data)()
		DecodeObjects("f.json", bytes.NewReader(data), fuzzLimits, func(o Object) error {
			if o.Kind == "" {
				t.Fatalf("object without kind delivered: %s", o.Raw)
			}
			return nil
		})
	})
}

func FuzzSplitDumpLogs(f *testing.F) {
	f.Add([]byte(frame("c", "ns", "p", "line\n") + frame("d", "ns", "p", "no newline")))
	f.Add([]byte("stray\n==== START logs for container a of pod ns/p ====\nx"))
	f.Add([]byte(strings.Repeat("y", 5000) + "==== END logs for container a of pod ns/p ====\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(data)()
		var total int64
		SplitDumpLogs(bytes.NewReader(data), fuzzLimits, func(ns, pod, c string, b io.Reader) error {
			n, err := io.Copy(io.Discard, b)
			total += n
			return err
		})
		// Bodies never invent data: at most one "\n" per glued END marker.
		if total > int64(len(data))+int64(bytes.Count(data, []byte("==== END")))+1 {
			t.Fatalf("bodies hold %d bytes from %d input bytes", total, len(data))
		}
	})
}

func BenchmarkWalkTarZst(b *testing.B) {
	// ~16 MiB of realistic log and object text.
	dir := b.TempDir()
	p := filepath.Join(dir, "bench.tar.zst")
	w, err := Create(p, Manifest{})
	if err != nil {
		b.Fatal(err)
	}
	line := `[2026-01-02T03:04:05.678Z] "GET /reviews/0 HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "curl/8" "0f1e" "reviews:9080" "-" outbound|9080|v1|reviews.bookinfo.svc.cluster.local - 10.0.0.1:9080 10.0.0.2:4000 - default` + "\n"
	logBody := []byte(strings.Repeat(line, (1<<20)/len(line)))
	var total int64
	for i := range 16 {
		name := LogPath("bookinfo", "p"+string(rune('a'+i)), "istio-proxy", false)
		if err := w.WriteFile(name, logBody); err != nil {
			b.Fatal(err)
		}
		total += int64(len(logBody))
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	b.ResetTimer()
	for b.Loop() {
		err := Walk(p, Limits{}, nil, func(e *Entry) error {
			_, err := io.Copy(io.Discard, e.Body)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// consume reads every entry the way analyze does, decoders included.
func consume(e *Entry) error {
	switch e.Type {
	case EntryObjects:
		DecodeObjects(e.Path, e.Body, fuzzLimits, func(Object) error { return nil })
	case EntryDumpLogs:
		SplitDumpLogs(e.Body, fuzzLimits, func(_, _, _ string, b io.Reader) error {
			_, err := io.Copy(io.Discard, b)
			return err
		})
	case EntryBugReportLog:
		SplitBugReportLog(e.Body, fuzzLimits, func(_ bool, b io.Reader) error {
			_, err := io.Copy(io.Discard, b)
			return err
		})
	case EntryCollectorErrors:
		ReadCollectorErrors(e)
	case EntryClusterContext:
		ReadClusterContext(e.Body)
	}
	_, err := io.Copy(io.Discard, e.Body)
	return err
}

// FuzzWalkZip: any bytes as a .zip (and a folder holding it) read without
// a panic or a hang, within the limits.
func FuzzWalkZip(f *testing.F) {
	good := makeZip(f, []zipEnt{
		{name: "b/manifest.json", body: "{}", method: 8},
		{name: "b/logs/ns/p/c.log", body: "x\n"},
		{name: "b/inner.tar.gz", body: string(gzBytes(string(makeTar(f, []tarEnt{reg("ns/p/logs.txt", frame("c", "ns", "p", "y\n"))}))))},
		{name: "b/cluster-resources/pods-errors.json", body: `{"ns":"forbidden"}`},
	})
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(data)()
		p := filepath.Join(dir, "in.zip")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		Walk(p, fuzzLimits, func(string, error) {}, consume)
		Walk(dir, fuzzLimits, func(string, error) {}, consume)
	})
}

// FuzzWalkReader: any bytes on standard input (an archive, compressed or
// not, objects, a log) read without a panic or a hang.
func FuzzWalkReader(f *testing.F) {
	tarball := makeTar(f, []tarEnt{
		reg("bug-report/cluster/k8s-resources", "apiVersion: v1\nkind: List\nitems: []\n"),
		reg("bug-report/proxies/ns/p/istio-proxy.log", bugReportPreviousPresent+"\n\nnow\n\n"+bugReportPrevious+"\n\nthen\n"),
		reg("bug-report/cluster/cluster-context", "ctx\nhttps://x\n"),
		reg("x/nested.tar.gz", string(gzBytes(string(makeTar(f, []tarEnt{reg("a.log", "a\n")}))))),
		reg("y.log.gz", string(gzBytes("g\n"))),
	})
	f.Add(tarball)
	f.Add(gzBytes(string(tarball)))
	f.Add(zstdBytes(f, tarball))
	f.Add([]byte(bzip2Pod))
	f.Add([]byte("apiVersion: v1\nkind: Pod\n"))
	f.Add([]byte(`{"start_time":"2024-01-01T00:00:00Z"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(data)()
		WalkReader("-", "", bytes.NewReader(data), fuzzLimits, func(string, error) {}, consume)
	})
}

// FuzzClassifyPath: any path classifies without a panic, into a type the
// walker knows, and a log's origin never has a pod without a container.
func FuzzClassifyPath(f *testing.F) {
	for _, p := range []string{
		"bug-report/proxies/ns/p/istio-proxy.log", "mg/namespaces/ns/pods/p/c/c/logs/rotated/0.log.1.gz",
		"sb/cluster-resources/pods/logs/ns/p/c-previous.log", "x/cluster-resources/a/b/c/d/e/f", "a.tar.gz.zip",
		"logs/ns/p/.log", "proxies/ns/p/stats/prometheus", "cluster-resources/custom-resources/x.y/ns.yaml",
	} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		c := ClassifyPath(p)
		if c.Type < EntryOther || c.Type > EntryArchive {
			t.Fatalf("%q: type %d", p, c.Type)
		}
		if c.Type.IsLog() && c.Pod != "" && c.Container == "" && c.Type != EntryDumpLogs {
			t.Fatalf("%q: log of pod %q without container", p, c.Pod)
		}
		if c.Type == EntryOther && c.Reason == "" {
			t.Fatalf("%q: skipped without a reason", p)
		}
	})
}

// FuzzSplitBugReportLog: the two logs together are the input without the
// marker lines, whatever the input.
func FuzzSplitBugReportLog(f *testing.F) {
	f.Add([]byte(bugReportPreviousPresent + "\n\nnow\n\n\n" + bugReportPrevious + "\n\nthen"))
	f.Add([]byte("plain\nlog\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(data)()
		var out bytes.Buffer
		err := SplitBugReportLog(bytes.NewReader(data), fuzzLimits, func(_ bool, b io.Reader) error {
			_, err := io.Copy(&out, b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if out.Len() > len(data) {
			t.Fatalf("%d bytes out of %d in", out.Len(), len(data))
		}
	})
}

// FuzzReadCollectorErrors: any errors file reads without a panic.
func FuzzReadCollectorErrors(f *testing.F) {
	f.Add(`{"ns":"x is forbidden"}`, "pods")
	f.Add(`["a","b"]`, "custom-resources")
	f.Add("boom", "logs")
	f.Fuzz(func(t *testing.T, body, collector string) {
		e := &Entry{Collector: collector, Name: "x-errors.json", Body: strings.NewReader(body)}
		ReadCollectorErrors(e)
		ReadClusterContext(strings.NewReader(body))
	})
}
