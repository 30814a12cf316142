package logscan

import (
	"strings"
	"testing"
	"time"
)

// The vantage points a log window is read from all carry a time.
func TestLineTimeOfProxyFormats(t *testing.T) {
	want := time.Date(2024, 8, 27, 8, 18, 3, 0, time.UTC)
	for _, l := range []string{
		`2024-08-27T08:18:03Z stdout F [2024-08-27T08:18:03.000Z] "GET / HTTP/1.1" 503 UH`,
		`[2024-08-27T08:18:03.000Z] "GET / HTTP/1.1" 503 UH no_healthy_upstream`,
		`{"authority":"x","start_time":"2024-08-27T08:18:03Z","response_code":503}`,
		`2024/08/27 08:18:03 [error] 31#31: *1 no live upstreams while connecting to upstream`,
		`10.0.0.1 - - [27/Aug/2024:08:18:03 +0000] "GET / HTTP/1.1" 503 0 "-" "curl"`,
		`haproxy[7]: 10.0.0.1:5000 [27/Aug/2024:08:18:03.000] fe be/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/0 0/0 "GET / HTTP/1.1"`,
		`2024-08-27T08:18:03.000000Z	info	access	connection complete`,
	} {
		got, ok := LineTime([]byte(l))
		if !ok || !got.Truncate(time.Second).Equal(want) {
			t.Errorf("%s: %v %v", l, got, ok)
		}
	}
	for _, l := range []string{"", "hello", "[not a time]", `{"kind":"Pod"}`} {
		if _, ok := LineTime([]byte(l)); ok {
			t.Errorf("%q: a time found", l)
		}
	}
}

// A file's window is its first and last timed lines, whatever its pieces,
// and falls back to its failures' times when its last line has none.
func TestFileWindow(t *testing.T) {
	log := "panic: starting\n[2024-08-27T08:18:00.000Z] \"GET / HTTP/1.1\" 200 - via_upstream\n" +
		"[2024-08-27T08:19:00.000Z] \"GET / HTTP/1.1\" 503 UH no_healthy_upstream - \"-\" 0 19 0 - \"-\" \"-\" \"-\" \"x\" \"-\" outbound|80||a.b.svc.cluster.local - - - - -\n" +
		"[2024-08-27T08:20:00.000Z] \"GET / HTTP/1.1\" 200 - via_upstream\n"
	a := NewAggregator(Options{})
	st := a.ScanBytes(Origin{Pod: "p"}, "f", []byte(log))
	if st.First.Format(time.RFC3339) != "2024-08-27T08:18:00Z" || st.Last.Format(time.RFC3339) != "2024-08-27T08:20:00Z" {
		t.Errorf("window %v – %v", st.First, st.Last)
	}
	s := a.NewStream(Origin{Pod: "p"})
	for _, piece := range strings.SplitAfter(log, "0") {
		s.Write([]byte(piece))
	}
	if sst := s.Close(); !sst.First.Equal(st.First) || !sst.Last.Equal(st.Last) {
		t.Errorf("in pieces: %v – %v", sst.First, sst.Last)
	}
	trace := strings.Replace(log, "[2024-08-27T08:20:00.000Z] \"GET / HTTP/1.1\" 200 - via_upstream\n", "\tat main.go:12\n", 1)
	st = NewAggregator(Options{}).ScanBytes(Origin{Pod: "p"}, "f", []byte(trace))
	if st.Last.Format(time.RFC3339) != "2024-08-27T08:19:00Z" {
		t.Errorf("last line without time: last %v", st.Last)
	}
}

func FuzzLineTime(f *testing.F) {
	for _, s := range []string{"[2024-08-27T08:18:03.000Z] x", `{"start_time":"2024-01-01T00:00:00+01:00"}`, "2024/01/01 00:00:00 [error]", "[01/Jan/2024:00:00:00.123]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, l []byte) {
		LineTime(l)
	})
}
