package logscan

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
)

var benchClusters = []string{
	"outbound|9080|v1|reviews.default.svc.cluster.local",
	"outbound|9080||productpage.default.svc.cluster.local",
	"outbound|9080||ratings.default.svc.cluster.local",
	"outbound|8000||httpbin.default.svc.cluster.local",
}

// benchLog builds a realistic mix: ~95% successful lines, ~5% failures
// (UH/UF/NR) spread over a few clusters, with varying times and ids.
func benchLog(n int, line func(i int, fail int, cluster string) string) ([]byte, int) {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		fail := -1
		if i%20 == 7 {
			fail = (i / 20) % 3
		}
		b.WriteString(line(i, fail, benchClusters[i%len(benchClusters)]))
		b.WriteByte('\n')
	}
	return b.Bytes(), n
}

func envoyTextBenchLine(i, fail int, cluster string) string {
	ts := fmt.Sprintf("2024-05-01T10:%02d:%02d.%03dZ", i/60000%60, i/1000%60, i%1000)
	id := fmt.Sprintf("%08x-2066-4c45-affb-d1345d32fc66", i)
	switch fail {
	case 0:
		return fmt.Sprintf(`[%s] "GET /productpage HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.42.0.1" "Mozilla/5.0 (X11; Linux x86_64)" "%s" "bookinfo.example.com" "-" %s - 10.42.0.7:8080 10.42.0.1:60667 - default`, ts, id, cluster)
	case 1:
		return fmt.Sprintf(`[%s] "GET /api/v1/reviews/0 HTTP/1.1" 503 UF,URX upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused} - "delayed_connect_error:_Connection_refused" 0 190 3 - "10.42.0.1" "Mozilla/5.0 (X11; Linux x86_64)" "%s" "bookinfo.example.com" "10.42.3.%d:9080" %s 10.42.0.7:38902 10.42.0.7:8080 10.42.0.1:51761 - default`, ts, id, i%7, cluster)
	case 2:
		return fmt.Sprintf(`[%s] "GET /missing HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "10.42.0.1" "curl/8.7.1" "%s" "bookinfo.example.com" "-" - - 10.42.0.7:8080 10.42.0.1:13819 - -`, ts, id)
	}
	return fmt.Sprintf(`[%s] "GET /productpage?u=%d HTTP/1.1" 200 - via_upstream - "-" 0 5293 %d %d "10.42.0.1" "Mozilla/5.0 (X11; Linux x86_64)" "%s" "bookinfo.example.com" "10.42.3.%d:9080" %s 10.42.0.7:38902 10.42.0.7:8080 10.42.0.1:51761 outbound_.9080_._.productpage.default.svc.cluster.local default`, ts, i, i%50, i%49, id, i%7, cluster)
}

func envoyJSONBenchLine(i, fail int, cluster string) string {
	ts := fmt.Sprintf("2024-05-01T10:%02d:%02d.%03dZ", i/60000%60, i/1000%60, i%1000)
	flags, code, details, host := "-", 200, "via_upstream", fmt.Sprintf("10.42.3.%d:9080", i%7)
	switch fail {
	case 0:
		flags, code, details, host = "UH", 503, "no_healthy_upstream", "-"
	case 1:
		flags, code, details = "URX,UF", 503, "upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused}"
	case 2:
		flags, code, details, host, cluster = "NR", 404, "route_not_found", "-", "-"
	}
	return fmt.Sprintf(`{"start_time":"%s","route_name":"default","method":"GET","path":"/productpage?u=%d","protocol":"HTTP/1.1","response_code":%d,"response_flags":"%s","response_code_details":"%s","connection_termination_details":null,"upstream_transport_failure_reason":null,"bytes_received":0,"bytes_sent":5293,"duration":%d,"x-envoy-upstream-service-time":"%d","x_forwarded_for":"10.42.0.1","user_agent":"Mozilla/5.0 (X11; Linux x86_64)","request_id":"%08x-2066-4c45-affb-d1345d32fc66","authority":"bookinfo.example.com","upstream_host":"%s","upstream_cluster":"%s","upstream_local_address":"10.42.0.7:38902","downstream_local_address":"10.42.0.7:8080","downstream_remote_address":"10.42.0.1:51761","requested_server_name":null}`,
		ts, i, code, flags, details, i%50, i%49, i, host, cluster)
}

func nginxBenchLine(i, fail int, cluster string) string {
	ts := fmt.Sprintf("[01/May/2024:10:%02d:%02d +0000]", i/60%60, i%60)
	up := "default-" + []string{"web", "api", "auth", "cart"}[i%4] + "-80"
	switch fail {
	case 0:
		return fmt.Sprintf(`192.168.64.1 - - %s "GET / HTTP/1.1" 503 190 "-" "Mozilla/5.0 (X11; Linux x86_64)" 357 0.000 [%s] [] - - - - %032x`, ts, up, i)
	case 1:
		return fmt.Sprintf(`2024/05/01 10:%02d:%02d [error] 37#37: *%d connect() failed (111: Connection refused) while connecting to upstream, client: 46.101.51.208, server: a.example.com, request: "GET / HTTP/1.1", upstream: "http://10.244.2.%d:8080/", host: "a.example.com"`, i/60%60, i%60, i, i%5)
	case 2:
		return fmt.Sprintf(`192.168.64.1 - - %s "GET /x HTTP/1.1" 502 157 "-" "PostmanRuntime/7.26.3" 1570 1.248 [%s] [] 10.244.2.36:80, 10.244.2.37:80 0, 0 1.244, 0.004 502, 502 %032x`, ts, up, i)
	}
	return fmt.Sprintf(`192.168.49.1 - - %s "GET /esg-search?q=%d HTTP/2.0" 200 682 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0" 24 0.016 [%s] [] 10.244.0.%d:8080 682 0.015 200 %032x`, ts, i, up, i%200, i)
}

func benchScan(b *testing.B, data []byte, lines int) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.Mallocs
	b.ResetTimer()
	for b.Loop() {
		a := NewAggregator(Options{})
		st, err := a.Scan(Origin{Pod: "gw"}, "bench", bytes.NewReader(data))
		if err != nil || st.Parsed != int64(lines) {
			b.Fatalf("%v %+v", err, st)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.Mallocs-before)/float64(b.N)/float64(lines), "allocs/line")
}

func BenchmarkScanEnvoyText(b *testing.B) {
	data, n := benchLog(20000, envoyTextBenchLine)
	benchScan(b, data, n)
}

func BenchmarkScanEnvoyJSON(b *testing.B) {
	data, n := benchLog(20000, envoyJSONBenchLine)
	benchScan(b, data, n)
}

func BenchmarkScanNginx(b *testing.B) {
	data, n := benchLog(20000, nginxBenchLine)
	benchScan(b, data, n)
}
