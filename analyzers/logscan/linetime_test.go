package logscan

import (
	"testing"
	"time"
)

// TestLineTime: the times of the lines containers print, in the formats
// of docs/logs.md and the usual application logs.
func TestLineTime(t *testing.T) {
	at := time.Date(2025, 4, 3, 11, 12, 0, 43_000_000, time.UTC)
	sec := time.Date(2025, 4, 3, 11, 12, 0, 0, time.UTC)
	for _, tc := range []struct {
		line string
		want time.Time
	}{
		{"2025-04-03T11:12:00.043Z stdout F hello", at},                                               // CRI framing
		{"2025-04-03T11:12:00.043000000Z info\tads\tdone", at},                                        // kubelet --timestamps, istio
		{"2025-04-03T13:12:00.043+02:00 some app", at},                                                // an offset
		{`[2025-04-03T11:12:00.043Z] "GET /v1 HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 91 0`, at}, // Envoy text
		{`2025/04/03 11:12:00 [error] 31#31: *1 no live upstreams while connecting to upstream`, sec}, // nginx error log
		{`{"start_time":"2025-04-03T11:12:00.043Z","response_code":503}`, at},                         // Envoy JSON
		{`{"level":"fatal","ts":"2025-04-03T11:12:00.043Z","msg":"x"}`, at},                           // zap, RFC 3339
		{`{"level":"info","ts":1743678720.043,"msg":"x"}`, at},                                        // zap, epoch seconds
		{`{"msg":"x","time":"2025-04-03T11:12:00.043Z"}`, at},                                         // time member
		{`10.0.0.1 - - [03/Apr/2025:11:12:00 +0000] "GET / HTTP/1.1" 503 190`, sec},                   // ingress-nginx
		{`<134>Apr  3 11:12:00 haproxy[7]: 10.0.0.1:5 [03/Apr/2025:11:12:00.043] fe be/<NOSRV>`, at},  // HAProxy accept date
	} {
		got, ok := LineTime([]byte(tc.line))
		if !ok || !got.Equal(tc.want) {
			t.Errorf("LineTime(%q) = %v, %v; want %v", tc.line, got, ok, tc.want)
		}
	}
	for _, line := range []string{"", "no time here", "I0403 11:12:00.043 klog has no year", "Apr  3 11:12:00 syslog neither", `{"ts":"soon"}`, "[not a time]"} {
		if got, ok := LineTime([]byte(line)); ok {
			t.Errorf("LineTime(%q) = %v, want no time", line, got)
		}
	}
}

func TestLineTimeAllocates(t *testing.T) {
	lines := [][]byte{[]byte(`[2025-04-03T11:12:00.043Z] "GET /v1 HTTP/1.1" 503 UH`), []byte(`{"level":"info","ts":"2025-04-03T11:12:00Z"}`)}
	if n := testing.AllocsPerRun(100, func() {
		for _, l := range lines {
			LineTime(l)
		}
	}); n != 0 {
		t.Errorf("LineTime allocates %v times per call", n)
	}
}
