package logscan

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	uhLine = `[2024-05-01T10:00:0%dZ] "GET /productpage HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.42.0.1" "curl/8.7.1" "c4c58af1" "bookinfo.example.com" "-" outbound|9080|v1|productpage.default.svc.cluster.local - 10.42.0.7:8080 10.42.0.1:60667 - r1`
	okLine = `[2024-05-01T10:00:00.000Z] "GET /productpage HTTP/1.1" 200 - via_upstream - "-" 0 5000 12 11 "10.42.0.1" "curl/8.7.1" "c4c58af1" "bookinfo.example.com" "10.42.0.9:9080" outbound|9080|v1|productpage.default.svc.cluster.local 10.42.0.7:38902 10.42.0.7:8080 10.42.0.1:51761 - r1`
)

func TestDetectFormat(t *testing.T) {
	lines := func(s ...string) [][]byte {
		var out [][]byte
		for _, l := range s {
			out = append(out, []byte(l))
		}
		return out
	}
	startup := []string{
		"2024-05-01T09:59:58.000000Z\tinfo\tFLAG: --concurrency=\"2\"",
		"2024-05-01T09:59:58.100000Z\tinfo\tVersion 1.22.0-abc",
		"2024-05-01T09:59:58.200000Z\tinfo\tsds\tStarting SDS grpc server",
		"[2024-05-01 09:59:58.300][15][info][main] [external/envoy/source/server/server.cc:430] initializing epoch 0",
		"2024-05-01T09:59:59.000000Z\tinfo\tEnvoy proxy is ready",
		"",
	}
	cases := []struct {
		name string
		in   [][]byte
		want Format
	}{
		{"envoy after startup noise", lines(append(startup, fmt.Sprintf(uhLine, 1), okLine)...), FormatEnvoyText},
		{"only noise", lines(startup...), FormatUnknown},
		{"json", lines(`{"response_code":200,"response_flags":"-"}`), FormatEnvoyJSON},
		{"ztunnel", lines("2024-07-22T07:42:09.312508Z\twarn\taccess\tconnection failed\tsrc.addr=10.100.4.18:32818 dst.addr=10.100.97.189:8200 error=\"no healthy upstream: 10.100.97.189:8200\""), FormatZtunnel},
		{"nginx error", lines(`2019/09/26 01:32:42 [error] 56#56: *63 no live upstreams while connecting to upstream, client: 1.2.3.4`), FormatNginxError},
		{"ingress majority", lines(
			`W1214 11:11:46.559640       7 controller.go:937] Service "smt-local/nginx" does not have any active Endpoint.`,
			`192.168.64.1 - - [14/Dec/2020:11:07:02 +0000] "GET / HTTP/1.1" 503 190 "-" "x" 357 0.000 [smt-local-nginx-8080] [] - - - - c0a2`,
			`192.168.64.1 - - [14/Dec/2020:11:07:03 +0000] "GET / HTTP/1.1" 200 190 "-" "x" 357 0.000 [smt-local-nginx-8080] [] 10.0.0.1:80 1 0.1 200 c0a2`), FormatIngressAccess},
		{"haproxy", lines(`haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"`), FormatHAProxy},
		{"CRI framed envoy", lines("2024-01-01T00:00:00.000000000Z stdout F " + okLine), FormatEnvoyText},
	}
	for _, c := range cases {
		if got := DetectFormat(c.in); got != c.want {
			t.Errorf("%s: DetectFormat = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestPrefixes(t *testing.T) {
	ts := "2024-01-01T00:00:00.123456789Z"
	l := fmt.Sprintf(uhLine, 1)
	half := len(l) / 2
	input := strings.Join([]string{
		ts + " " + l,                               // docker / kubectl --timestamps
		"[pod/gw-abc/istio-proxy] " + l,            // kubectl logs --prefix
		"[pod/gw-abc/istio-proxy] " + ts + " " + l, // both
		ts + " stdout F " + l,                      // CRI full line
		ts + " stdout P " + l[:half],               // CRI partial...
		ts + " stdout F " + l[half:],               // ...joined
		ts + " stderr F " + okLine,                 // CRI success
		"gateway-7d9 istio-proxy " + l,             // stern-style words
		"2024-05-01T10:00:02.000000Z\tinfo\tready", // istio app line, not stripped and not matched
	}, "\n")
	got, st := scanText(t, input)
	if st.Lines != 8 || st.Parsed != 7 || st.Failures != 6 || st.Format != FormatEnvoyText {
		t.Fatalf("stats %+v", st)
	}
	if len(got) != 1 || got[0].Count != 6 || got[0].Kind != "UH" || got[0].Upstream != "outbound|9080|v1|productpage.default.svc.cluster.local" {
		t.Fatalf("symptoms %+v", got)
	}
	// A kept CRI-joined sample is the whole logical line.
	if got[0].Samples[0] != ts+" "+l {
		t.Errorf("sample 0 = %q", got[0].Samples[0])
	}
}

func TestAggregation(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 10; i++ {
		b.WriteString(okLine + "\n")
		fmt.Fprintf(&b, uhLine+"\n", 9-i%10) // times 9..0 out of order
	}
	// Same upstream, other route -> other group; NR without upstream groups by authority.
	b.WriteString(strings.Replace(fmt.Sprintf(uhLine, 5), " r1", " r2", 1) + "\n")
	b.WriteString(`"GET /x HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "-" "curl" "id" "a.example.com" "-" - - 10.42.0.7:8080 10.42.0.1:1 - -` + "\n")
	b.WriteString(`"GET /x HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "-" "curl" "id" "b.example.com" "-" - - 10.42.0.7:8080 10.42.0.1:1 - -` + "\n")
	got, st := scanText(t, b.String())
	if st.Lines != 23 || st.Parsed != 23 || st.Failures != 13 {
		t.Fatalf("stats %+v", st)
	}
	if len(got) != 4 {
		t.Fatalf("%d groups: %+v", len(got), got)
	}
	// Order: kind, origin, upstream, route.
	if got[0].Kind != "NR" || got[0].Authority != "a.example.com" || got[1].Authority != "b.example.com" {
		t.Errorf("NR groups %+v %+v", got[0], got[1])
	}
	uh := got[2]
	if uh.Kind != "UH" || uh.Route != "r1" || uh.Count != 10 || len(uh.Samples) != MaxSamples {
		t.Fatalf("UH group %+v", uh)
	}
	if want := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC); !uh.First.Equal(want) {
		t.Errorf("First %v", uh.First)
	}
	if want := time.Date(2024, 5, 1, 10, 0, 9, 0, time.UTC); !uh.Last.Equal(want) {
		t.Errorf("Last %v", uh.Last)
	}
	if uh.Samples[0] != fmt.Sprintf(uhLine, 9) {
		t.Errorf("first sample %q", uh.Samples[0])
	}
	if got[3].Route != "r2" || got[3].Count != 1 {
		t.Errorf("r2 group %+v", got[3])
	}
}

func TestMergeAcrossFilesConcurrent(t *testing.T) {
	a := NewAggregator(Options{})
	// 16 files of two pods, scanned on 4 goroutines.
	next := make(chan int)
	var scans sync.WaitGroup
	for range 4 {
		scans.Go(func() {
			for i := range next {
				text := strings.Repeat(fmt.Sprintf(uhLine, i%10)+"\n"+okLine+"\n", 50)
				pod := fmt.Sprintf("gw-%d", i%2)
				st, err := a.Scan(Origin{Namespace: "istio-system", Pod: pod}, pod, strings.NewReader(text))
				if err != nil || st.Lines != 100 {
					t.Errorf("file %d: %v %+v", i, err, st)
				}
			}
		})
	}
	for i := range 16 {
		next <- i
	}
	close(next)
	scans.Wait()
	got := a.Symptoms()
	if len(got) != 2 || got[0].Origin.Pod != "gw-0" || got[0].Count != 400 || got[1].Count != 400 || len(got[0].Samples) != MaxSamples {
		t.Fatalf("%+v", got)
	}
	if got[0].First.Second() != 0 || got[0].Last.Second() != 8 || got[1].Last.Second() != 9 {
		t.Errorf("first/last %v %v %v", got[0].First, got[0].Last, got[1].Last)
	}
	lines, _ := a.Totals()
	if lines != 16*100 {
		t.Errorf("Totals lines %d", lines)
	}
	// Concurrent Scan calls directly.
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Go(func() {
			if _, err := a.Scan(Origin{Pod: "x"}, "x", strings.NewReader(fmt.Sprintf(uhLine, 3))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	s := a.Symptoms()
	if len(s) != 3 || s[0].Count != 8 || s[0].Origin.Pod != "x" {
		t.Errorf("after concurrent scans: %+v", s)
	}
	// TakeGroups hands over the same groups and leaves none behind.
	if taken := takeAll(t, a); !reflect.DeepEqual(taken, s) {
		t.Errorf("TakeGroups differs from Symptoms:\n%+v\n%+v", taken, s)
	}
	if left := a.Symptoms(); len(left) != 0 {
		t.Errorf("groups left after TakeGroups: %+v", left)
	}
}

func TestLongLinesAndGroupCap(t *testing.T) {
	a := NewAggregator(Options{MaxLineBytes: 300})
	long := fmt.Sprintf(uhLine, 1) + strings.Repeat("x", 5000)
	huge := strings.Repeat("y", 600<<10) // longer than the read buffer
	st, err := a.Scan(Origin{}, "long", strings.NewReader(long+"\n"+huge+"\n"+okLine[:200]+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Lines != 3 || st.LongLines != 2 || st.Failures != 1 || st.Bytes != int64(len(long)+len(huge)+203) {
		t.Fatalf("stats %+v", st)
	}
	// Group cap: more distinct upstreams than MaxGroupsPerFile.
	var b bytes.Buffer
	for i := 0; i < MaxGroupsPerFile+50; i++ {
		fmt.Fprintf(&b, `"GET / HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "c" "i" "a" "-" outbound|80||svc%d.ns.svc.cluster.local - 1.1.1.1:80 2.2.2.2:1 - -`+"\n", i)
	}
	a = NewAggregator(Options{})
	if _, err := a.Scan(Origin{}, "many", &b); err != nil {
		t.Fatal(err)
	}
	got := a.Symptoms()
	if len(got) != MaxGroupsPerFile+1 {
		t.Fatalf("%d groups", len(got))
	}
	var over *Symptom
	for i := range got {
		if got[i].Upstream == OverflowUpstream {
			over = &got[i]
		}
	}
	if over == nil || over.Count != 50 {
		t.Fatalf("overflow %+v", over)
	}
}

type errReader struct{ r io.Reader }

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		return n, fmt.Errorf("disk on fire")
	}
	return n, err
}

func TestReadErrorNamesFile(t *testing.T) {
	a := NewAggregator(Options{})
	st, err := a.Scan(Origin{}, "gw.log", &errReader{strings.NewReader(fmt.Sprintf(uhLine, 1) + "\n")})
	if err == nil || !strings.Contains(err.Error(), "gw.log") || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
	if st.Failures != 1 || len(a.Symptoms()) != 1 {
		t.Errorf("partial results lost: %+v", st)
	}
}

// The flag table must agree with the facts file it was written from.
func TestFlagTableMatchesFacts(t *testing.T) {
	f, err := os.Open("testdata/envoy_response_flags.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	seen := 0
	for sc.Scan() {
		l := sc.Text()
		if l == "" || l[0] == '#' || strings.HasPrefix(l, "short_code") {
			continue
		}
		code := strings.SplitN(l, "\t", 2)[0]
		b := flagBit([]byte(code))
		if b < 0 || flagTable[b] != code {
			t.Errorf("flag %s from the TSV is not in flagTable", code)
		}
		seen++
	}
	if seen != len(flagTable) {
		t.Errorf("TSV has %d flags, table %d", seen, len(flagTable))
	}
	for _, c := range []string{"UH", "UF", "UO", "NR", "NC", "URX", "UC", "UT", "UR", "LR", "DF"} {
		if symptomMask&(1<<flagBit([]byte(c))) == 0 {
			t.Errorf("%s must be a symptom", c)
		}
	}
	for _, c := range []string{"DC", "DPE", "DR", "UAEX", "RL", "FI"} {
		if symptomMask&(1<<flagBit([]byte(c))) != 0 {
			t.Errorf("%s is the client's or policy's doing, not a symptom", c)
		}
	}
}

// The hot path must not allocate: success lines only count, and failure
// lines of an existing group only do a map lookup.
func TestHotPathZeroAlloc(t *testing.T) {
	lines := map[string]string{
		"envoy ok":    okLine,
		"envoy UH":    fmt.Sprintf(uhLine, 1),
		"json ok":     `{"start_time":"2024-05-01T10:00:00.000Z","response_code":200,"response_flags":"-","upstream_cluster":"outbound|80||a.b.svc.cluster.local","authority":"a","x":{"y":[1,2]}}`,
		"json UH":     `{"start_time":"2024-05-01T10:00:00.000Z","response_code":"503","response_flags":"UH,URX","upstream_cluster":"outbound|80||a.b.svc.cluster.local;","authority":"a","route_name":"default"}`,
		"ztunnel ok":  "2025-04-16T13:12:37.018724Z\tinfo\taccess\tconnection complete\tsrc.addr=172.29.0.170:52880 dst.addr=172.29.1.188:15008 dst.service=\"podinfo\" bytes_sent=514",
		"ztunnel err": "2024-07-22T07:42:09.312508Z\twarn\taccess\tconnection failed\tsrc.addr=10.100.4.18:32818 dst.addr=10.100.97.189:8200 direction=\"outbound\" error=\"no healthy upstream: 10.100.97.189:8200\"",
		"nginx err":   `2020/06/17 15:42:54 [error] 37#37: *248 connect() failed (111: Connection refused) while connecting to upstream, client: 46.101.51.208, server: a, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8181/", host: "a"`,
		"ingress 502": `10.0.0.1 - - [01/Sep/2020:10:00:00 +0200] "GET /p HTTP/1.1" 502 157 "-" "P" 1570 1.248 [default-my-service-80] [] 10.244.2.36:80, 10.244.2.36:80 0, 0 1.244, 0.004 502, 502 cc30`,
		"ingress ok":  `10.0.0.1 - - [01/Sep/2020:10:00:00 +0200] "GET /p HTTP/1.1" 200 157 "-" "P" 1570 1.248 [default-my-service-80] [] 10.244.2.36:80 0 1.244 200 cc30`,
		"haproxy":     `Feb 19 04:13:36 debian11 haproxy[4436]: 10.2.0.1:54090 [19/Feb/2023:04:13:36.655] web_proxy web_server02/<NOSRV> 0/-1/-1/-1/0 503 221 - - SC-- 1/1/0/0/0 0/0 "GET /app2 HTTP/1.1"`,
		"cri":         "2024-01-01T00:00:00.000000000Z stdout F " + fmt.Sprintf(uhLine, 1),
	}
	for name, l := range lines {
		s := newFileScan(Origin{Pod: "p"}, 0)
		b := []byte(l)
		s.handle(b)
		s.handle(b) // groups and samples now exist
		s.handle(b)
		s.handle(b)
		if s.stats.Parsed != 4 {
			t.Errorf("%s: not parsed: %+v", name, s.stats)
		}
		if n := testing.AllocsPerRun(200, func() { s.handle(b) }); n != 0 {
			t.Errorf("%s: %v allocs per line", name, n)
		}
	}
}
