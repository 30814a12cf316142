package bundle

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

type section struct{ ns, pod, c, body string }

func split(t testing.TB, in string, readAll bool) ([]section, error) {
	t.Helper()
	var out []section
	err := SplitDumpLogs(strings.NewReader(in), Limits{}, func(ns, pod, c string, body io.Reader) error {
		s := section{ns: ns, pod: pod, c: c}
		if readAll {
			b, err := io.ReadAll(body)
			if err != nil {
				return err
			}
			s.body = string(b)
		} else {
			b := make([]byte, 3)
			n, _ := io.ReadFull(body, b)
			s.body = string(b[:n])
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

func frame(c, ns, pod, body string) string {
	return fmt.Sprintf("==== START logs for container %s of pod %s/%s ====\n%s==== END logs for container %s of pod %s/%s ====\n", c, ns, pod, body, c, ns, pod)
}

func TestSplitDumpLogs(t *testing.T) {
	in := frame("istio-init", "bookinfo", "r-1", "init done\n") +
		frame("istio-proxy", "bookinfo", "r-1", "[2024] \"GET / HTTP/1.1\" 503 UH no_healthy_upstream\nline2\n") +
		// A log without a final newline: END is glued to its last line.
		frame("app", "bookinfo", "r-1", "no newline at end") +
		frame("empty", "bookinfo", "r-1", "")
	got, err := split(t, in, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []section{
		{"bookinfo", "r-1", "istio-init", "init done\n"},
		{"bookinfo", "r-1", "istio-proxy", "[2024] \"GET / HTTP/1.1\" 503 UH no_healthy_upstream\nline2\n"},
		{"bookinfo", "r-1", "app", "no newline at end\n"},
		{"bookinfo", "r-1", "empty", ""},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	// Bodies not read to the end are skipped correctly.
	got, err = split(t, in, false)
	if err != nil || len(got) != 4 || got[1].c != "istio-proxy" || got[1].body != "[20" {
		t.Fatalf("%v %q", err, got)
	}
}

func TestSplitDumpLogsOddShapes(t *testing.T) {
	// Missing END (kubectl interrupted), unframed text, text with "===="
	// that is not a marker, CRLF line ends.
	in := "stray text\n" +
		"==== START logs for container a of pod ns/p ====\nx ==== END logs\n" +
		"==== START logs for container b of pod ns/p ====\r\ny\r\n==== END logs for container b of pod ns/p ====\r\n\n" +
		"==== START logs for container c of pod ns/p ====\ntruncated"
	got, err := split(t, in, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []section{
		{"", "", "", "stray text\n"},
		{"ns", "p", "a", "x ==== END logs\n"},
		{"ns", "p", "b", "y\r\n"},
		{"ns", "p", "c", "truncated"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestSplitDumpLogsHugeLine(t *testing.T) {
	// A 5 MiB line with the END marker glued to it: streamed in pieces,
	// the marker still found even when it straddles a buffer boundary.
	for _, n := range []int{5 << 20, 64<<10 - 10, 64 << 10} {
		long := strings.Repeat("x", n)
		in := frame("c", "ns", "p", long) + frame("d", "ns", "p", "ok\n")
		var sizes []int
		var names []string
		err := SplitDumpLogs(strings.NewReader(in), Limits{MaxLineBytes: 1024}, func(ns, pod, c string, body io.Reader) error {
			k, err := io.Copy(io.Discard, body)
			sizes = append(sizes, int(k))
			names = append(names, c)
			return err
		})
		if err != nil || len(sizes) != 2 || sizes[0] != n+1 || names[1] != "d" || sizes[1] != 3 {
			t.Fatalf("n=%d: %v %v %v", n, err, sizes, names)
		}
	}
}

func TestSplitDumpLogsFnError(t *testing.T) {
	stop := errors.New("stop")
	err := SplitDumpLogs(strings.NewReader(frame("c", "n", "p", "x\n")), Limits{}, func(string, string, string, io.Reader) error { return stop })
	if err != stop {
		t.Fatal(err)
	}
}
