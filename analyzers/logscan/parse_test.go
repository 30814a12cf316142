package logscan

import (
	"strings"
	"testing"
	"time"
)

// want is the subset of a Symptom a table test checks.
type want struct {
	Kind, Upstream, Host, Route, Authority, Details string
	Code                                            int
	Time                                            string // RFC3339Nano, "" = zero
}

func scanText(t *testing.T, text string) ([]Symptom, FileStats) {
	t.Helper()
	a := NewAggregator(Options{})
	st, err := a.Scan(Origin{Namespace: "ns", Pod: "pod", Container: "c"}, "test.log", strings.NewReader(text))
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return a.Symptoms(), st
}

func checkSymptoms(t *testing.T, got []Symptom, ws []want) {
	t.Helper()
	if len(got) != len(ws) {
		for _, g := range got {
			t.Logf("got %s up=%q host=%q route=%q auth=%q code=%d details=%q", g.Kind, g.Upstream, g.UpstreamHost, g.Route, g.Authority, g.Code, g.Details)
		}
		t.Fatalf("got %d symptoms, want %d", len(got), len(ws))
	}
	for i, w := range ws {
		g := got[i]
		var ts string
		if !g.First.IsZero() {
			ts = g.First.Format(time.RFC3339Nano)
		}
		if g.Kind != w.Kind || g.Upstream != w.Upstream || g.UpstreamHost != w.Host || g.Route != w.Route ||
			g.Authority != w.Authority || g.Details != w.Details || g.Code != w.Code || ts != w.Time {
			t.Errorf("symptom %d:\n got  {%q %q %q %q %q %q %d %q}\n want {%q %q %q %q %q %q %d %q}", i,
				g.Kind, g.Upstream, g.UpstreamHost, g.Route, g.Authority, g.Details, g.Code, ts,
				w.Kind, w.Upstream, w.Host, w.Route, w.Authority, w.Details, w.Code, w.Time)
		}
		if g.Count < 1 || len(g.Samples) == 0 || g.Origin.Pod != "pod" {
			t.Errorf("symptom %d: count %d samples %d origin %+v", i, g.Count, len(g.Samples), g.Origin)
		}
	}
}

type lineCase struct {
	name   string
	line   string
	format Format
	want   []want
}

func runCases(t *testing.T, cases []lineCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, st := scanText(t, c.line+"\n")
			if st.Format != c.format || st.Parsed != 1 || st.Lines != 1 {
				t.Errorf("stats %+v, want format %q and 1 parsed line", st, c.format)
			}
			checkSymptoms(t, got, c.want)
		})
	}
}

// Lines below are verbatim from testdata/sample_access_logs.txt, which
// cites the public source of each.
func TestEnvoyText(t *testing.T) {
	runCases(t, []lineCase{
		{"F19 UH ingress no START_TIME (eitansuez)",
			`"GET /productpage HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.42.0.1" "curl/8.7.1" "c4c58af1-2066-4c45-affb-d1345d32fc66" "localhost" "-" outbound|9080||productpage.default.svc.cluster.local - 10.42.0.7:8080 10.42.0.1:60667 - -`,
			FormatEnvoyText, []want{{Kind: "UH", Upstream: "outbound|9080||productpage.default.svc.cluster.local", Authority: "localhost", Details: "no_healthy_upstream", Code: 503}}},
		{"F19 NR route_not_found",
			`"GET /productpages HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "10.42.0.1" "curl/8.7.1" "2606aaa9-8c5c-4987-9ba7-86b89f901d34" "localhost" "-" - - 10.42.0.7:8080 10.42.0.1:13819 - -`,
			FormatEnvoyText, []want{{Kind: "NR", Authority: "localhost", Details: "route_not_found", Code: 404}}},
		{"F19 URX via_upstream",
			`"GET /status/503 HTTP/1.1" 503 URX via_upstream - "-" 0 0 120 119 "10.42.0.1" "curl/8.7.1" "dcb3b100-e296-4031-8f45-1234d20b0f20" "localhost" "10.42.0.9:8080" outbound|8000||httpbin.default.svc.cluster.local 10.42.0.7:38902 10.42.0.7:8080 10.42.0.1:51761 - -`,
			FormatEnvoyText, []want{{Kind: "URX", Upstream: "outbound|8000||httpbin.default.svc.cluster.local", Host: "10.42.0.9:8080", Authority: "localhost", Details: "via_upstream", Code: 503}}},
		{"F19 gRPC URX gateway (istio#39758)",
			`[2022-07-03T06:20:43.568Z] "POST /inferences.Inferences/CreateInferences HTTP/2" 200 URX via_upstream - "-" 5 0 93 92 "192.168.65.3" "grpc-python/1.47.0 grpc-c/25.0.0 (osx; chttp2)" "e5b64c5b-d5db-90d5-9ac7-05d94ebe910b" "kagent-default.example.com" "10.1.0.16:9000" outbound|80||grpc-kagent.default.svc.cluster.local 10.1.0.8:48500 10.1.0.8:8080 192.168.65.3:55808 - -`,
			FormatEnvoyText, []want{{Kind: "URX", Upstream: "outbound|80||grpc-kagent.default.svc.cluster.local", Host: "10.1.0.16:9000", Authority: "kagent-default.example.com", Details: "via_upstream", Code: 200, Time: "2022-07-03T06:20:43.568Z"}}},
		{"F19 UF inbound with route (istio#39758)",
			`[2022-07-03T06:20:43.573Z] "POST /inferences.Inferences/CreateInferences HTTP/2" 200 UF upstream_reset_before_response_started{connection_failure,delayed_connect_error:_111} - "-" 5 0 0 - "192.168.65.3" "grpc-python/1.47.0 grpc-c/25.0.0 (osx; chttp2)" "e5b64c5b-d5db-90d5-9ac7-05d94ebe910b" "kagent-default.example.com" "10.1.0.16:9000" inbound|9000|| - 10.1.0.16:9000 192.168.65.3:0 outbound_.80_._.grpc-kagent.default.svc.cluster.local default`,
			FormatEnvoyText, []want{{Kind: "UF", Upstream: "inbound|9000||", Host: "10.1.0.16:9000", Route: "default", Authority: "kagent-default.example.com", Details: "upstream_reset_before_response_started{connection_failure,delayed_connect_error:_111}", Code: 200, Time: "2022-07-03T06:20:43.573Z"}}},
		{"F19 UC (istio#45802)",
			`"GET /v1/status HTTP/1.1" 503 UC upstream_reset_before_response_started{connection_termination} - "-" 0 95 0 - "10.90.16.220" "Apache-HttpClient/4.5.1 (Java/1.8.0_372)" "3a7cbcc1-af72-47fb-bbac-a7672951f50f" "health.abc.com" "10.80.47.192:8181" outbound|80||health-api.production.svc.cluster.local 10.80.45.233:37132 10.80.45.233:80 10.80.46.220:59375 - -`,
			FormatEnvoyText, []want{{Kind: "UC", Upstream: "outbound|80||health-api.production.svc.cluster.local", Host: "10.80.47.192:8181", Authority: "health.abc.com", Details: "upstream_reset_before_response_started{connection_termination}", Code: 503}}},
		{"UF,URX abridged (Cray docs-csm): one group per flag",
			`[2022-05-10T16:27:29.232Z] "POST /apis/hbtd/hmi/v1/heartbeat HTTP/2" 503 UF,URX "-" "TLS error: Secret is not supplied by SDS"`,
			FormatEnvoyText, []want{
				{Kind: "UF", Details: "TLS error: Secret is not supplied by SDS", Code: 503, Time: "2022-05-10T16:27:29.232Z"},
				{Kind: "URX", Details: "TLS error: Secret is not supplied by SDS", Code: 503, Time: "2022-05-10T16:27:29.232Z"}}},
		{"URX,UF newer order",
			`[2025-01-02T03:04:05.006Z] "GET / HTTP/1.1" 503 URX,UF upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused} - "-" 0 190 3 - "-" "curl/8" "id" "web.example.com" "10.0.0.5:8080" outbound|80||web.default.svc.cluster.local; 10.0.0.9:1234 10.0.0.9:8080 10.0.0.1:5555 - default`,
			FormatEnvoyText, []want{
				{Kind: "UF", Upstream: "outbound|80||web.default.svc.cluster.local", Host: "10.0.0.5:8080", Route: "default", Authority: "web.example.com", Details: "upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused}", Code: 503, Time: "2025-01-02T03:04:05.006Z"},
				{Kind: "URX", Upstream: "outbound|80||web.default.svc.cluster.local", Host: "10.0.0.5:8080", Route: "default", Authority: "web.example.com", Details: "upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused}", Code: 503, Time: "2025-01-02T03:04:05.006Z"}}},
		{"F18 UAEX (20 fields) is not a symptom",
			`[2022-06-24T14:16:27.229Z] "POST /apis/hbtd/hmi/v1/heartbeat HTTP/2" 503 UAEX "-" 131 0 30 - "10.34.0.0" "-" "1797b0d3-56f0-4674-8cf2-a8a61f9adaea" "api-gw-service-nmn.local" "-" - - 10.40.0.29:443 10.34.0.0:15995 api-gw-service-nmn.local -`,
			FormatEnvoyText, nil},
		{"F18 UH synthetic 20 fields",
			`[2020-12-01T10:00:00.000Z] "GET /reviews HTTP/1.1" 503 UH "-" 0 19 0 - "-" "curl" "id" "reviews:9080" "-" outbound|9080|v1|reviews.default.svc.cluster.local - 10.0.0.1:9080 10.0.0.2:4444 - default`,
			FormatEnvoyText, []want{{Kind: "UH", Upstream: "outbound|9080|v1|reviews.default.svc.cluster.local", Route: "default", Authority: "reviews:9080", Code: 503, Time: "2020-12-01T10:00:00Z"}}},
		{"F13 docker prefix 500 success (istio#29109)",
			`2020-11-22T20:04:54.223002528Z [2020-11-22T20:04:32.765Z] "GET /products HTTP/1.1" 500 - "-" "-" 0 122 11939 11933 "-" "PostmanRuntime/7.26.8" "66fa4542-266e-9364-8447-e7d63047b344" "172.17.0.2:30164" "127.0.0.1:8080" inbound|8080|http-8080|scrappers-service.default.svc.cluster.local 127.0.0.1:52034 172.18.0.10:8080 172.18.0.1:37035 - default`,
			FormatEnvoyText, nil},
		{"F13 docker prefix TCP passthrough",
			`2020-11-22T20:04:54.223086877Z [2020-11-22T20:04:33.157Z] "- - -" 0 - "-" "-" 4841 9845236 16230 - "-" "-" "-" "-" "104.20.28.24:443" PassthroughCluster 172.18.0.10:49944 104.20.28.24:443 172.18.0.10:49942 - -`,
			FormatEnvoyText, nil},
		{"F13 UH synthetic with mixer status",
			`[2020-05-19T19:53:38.151Z] "GET /x HTTP/1.1" 503 UH "-" "-" 0 19 0 - "-" "curl" "id" "reviews:9080" "-" outbound|9080|v2|reviews.default.svc.cluster.local - 10.0.0.1:9080 10.0.0.2:4444 - default`,
			FormatEnvoyText, []want{{Kind: "UH", Upstream: "outbound|9080|v2|reviews.default.svc.cluster.local", Route: "default", Authority: "reviews:9080", Code: 503, Time: "2020-05-19T19:53:38.151Z"}}},
		{"F12 UF synthetic without route",
			`[2019-05-19T19:53:38.151Z] "GET /x HTTP/1.1" 503 UF "-" "-" 0 91 0 - "-" "curl" "id" "reviews:9080" "10.1.1.1:9080" outbound|9080||reviews.default.svc.cluster.local - 10.0.0.1:9080 10.0.0.2:4444 -`,
			FormatEnvoyText, []want{{Kind: "UF", Upstream: "outbound|9080||reviews.default.svc.cluster.local", Host: "10.1.1.1:9080", Authority: "reviews:9080", Code: 503, Time: "2019-05-19T19:53:38.151Z"}}},
		{"F13 TCP (engarde PR#8)",
			`[2020-05-19T19:53:38.151Z] "- - -" 0 - "-" "-" 2279 3059 63 - "-" "-" "-" "-" "1.2.3.4:443" PassthroughCluster 10.0.0.93:37018 1.2.3.4:443 10.0.0.93:39849 - -`,
			FormatEnvoyText, nil},
		{"UPE truncated line",
			`[2022-04-24T12:23:37.047Z] "GET /wrong HTTP/1.1" 502 UPE upstream_reset_before_response_started{protocol_error} - "-" 0 87 1001 - "-" "curl/7.80.0" "3987a4cb-2e0e-4de...`,
			FormatEnvoyText, []want{{Kind: "UPE", Details: "upstream_reset_before_response_started{protocol_error}", Code: 502, Time: "2022-04-24T12:23:37.047Z"}}},
		{"F19 NR filter_chain_not_found TCP",
			`[2020-10-29T03:23:33.415Z] "- - -" 0 NR filter_chain_not_found - "-" 0 0 0 - "-" "-" "-" "-" "-" - - 172.17.0.7:80 172.17.0.6:59800 - -`,
			FormatEnvoyText, []want{{Kind: "NR", Details: "filter_chain_not_found", Time: "2020-10-29T03:23:33.415Z"}}},
		{"F19 via_upstream 200", `[2020-10-29T03:22:16.126Z] "GET /headers HTTP/1.1" 200 - via_upstream - "-" 0 547 5 4 "-" "curl/7.73.0-DEV" "24e58e43-e576-9048-829b-02e3f3da16f0" "httpbin:8000" "127.0.0.1:80" inbound|8000|| 127.0.0.1:51680 172.17.0.7:80 172.17.0.6:59022 outbound_.8000_._.httpbin.foo.svc.cluster.local default`, FormatEnvoyText, nil},
		{"F19 DPE is downstream", `[2020-10-29T03:24:13.520Z] "- - HTTP/1.1" 400 DPE http1.codec_error - "-" 0 11 0 - "-" "-" "-" "-" "-" - - 172.17.0.7:80 172.17.0.6:60214 - -`, FormatEnvoyText, nil},
		{"F19 RBAC 403", `[2020-10-29T03:25:20.162Z] "GET /headers HTTP/1.1" 403 - rbac_access_denied_matched_policy[none] - "-" 0 19 0 - "-" "curl/7.73.0-DEV" "07541777-6ee2-908f-a78b-867fe257ac80" "httpbin:8000" "-" - - 172.17.0.7:80 172.17.0.6:60898 outbound_.8000_._.httpbin.foo.svc.cluster.local -`, FormatEnvoyText, nil},
		{"Envoy docs default format", `[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80"`, FormatEnvoyText, nil},
		{"Envoy docs default format UH",
			`[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 503 UH 154 19 0 - "10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "-"`,
			FormatEnvoyText, []want{{Kind: "UH", Authority: "locations", Code: 503, Time: "2016-04-15T20:17:00.31Z"}}},
		{"flag - but details no_healthy_upstream",
			`[2024-01-01T00:00:00.000Z] "GET / HTTP/1.1" 503 - no_healthy_upstream - "-" 0 19 0 - "-" "curl" "id" "web" "-" outbound|80||web.default.svc.cluster.local - 10.0.0.1:80 10.0.0.2:1 - -`,
			FormatEnvoyText, []want{{Kind: "UH", Upstream: "outbound|80||web.default.svc.cluster.local", Authority: "web", Details: "no_healthy_upstream", Code: 503, Time: "2024-01-01T00:00:00Z"}}},
		{"flag - but details cluster_not_found",
			`[2024-01-01T00:00:00.000Z] "GET / HTTP/1.1" 503 - cluster_not_found - "-" 0 0 0 - "-" "curl" "id" "web" "-" - - 10.0.0.1:80 10.0.0.2:1 - r1`,
			FormatEnvoyText, []want{{Kind: "NC", Route: "r1", Authority: "web", Details: "cluster_not_found", Code: 503, Time: "2024-01-01T00:00:00Z"}}},
		{"1.24 UPSTREAM_CLUSTER with trailing ; and NC",
			`[2024-11-01T00:00:00.000Z] "GET / HTTP/1.1" 503 NC cluster_not_found - "-" 0 0 0 - "-" "curl" "id" "web" "-" outbound|80|v9|web.default.svc.cluster.local; - 10.0.0.1:80 10.0.0.2:1 - r1`,
			FormatEnvoyText, []want{{Kind: "NC", Upstream: "outbound|80|v9|web.default.svc.cluster.local", Route: "r1", Authority: "web", Details: "cluster_not_found", Code: 503, Time: "2024-11-01T00:00:00Z"}}},
	})
}

func TestEnvoyJSON(t *testing.T) {
	runCases(t, []lineCase{
		{"Istio 1.4 string values UAEX (istio#19056)",
			`{"bytes_sent":"31","upstream_cluster":"-","downstream_remote_address":"100.100.0.0:54652","authority":"loki.example.com","path":"/api/prom/push","protocol":"HTTP/1.1","upstream_service_time":"-","upstream_local_address":"-","duration":"0","downstream_local_address":"100.108.0.25:443","upstream_transport_failure_reason":"-","route_name":"-","response_code":"503","user_agent":"Go-http-client/1.1","response_flags":"UAEX","start_time":"2019-11-19T03:27:35.402Z","method":"POST","request_id":"639632b6-8795-45e9-8435-fb5b07aede5e","upstream_host":"-","x_forwarded_for":"100.100.0.0","requested_server_name":"loki.example.com","bytes_received":"0","istio_policy_status":"\"UNAVAILABLE:no healthy upstream\""}`,
			FormatEnvoyJSON, nil},
		{"Istio 1.4 string values UH",
			`{"bytes_sent":"19","upstream_cluster":"outbound|3100||loki.loki.svc.cluster.local","authority":"loki.example.com","response_code":"503","response_flags":"UH","start_time":"2019-11-19T03:27:35.402Z","upstream_host":"-","route_name":"-","istio_policy_status":"-"}`,
			FormatEnvoyJSON, []want{{Kind: "UH", Upstream: "outbound|3100||loki.loki.svc.cluster.local", Authority: "loki.example.com", Code: 503, Time: "2019-11-19T03:27:35.402Z"}}},
		{"plain Envoy JSON numbers, nested object (envoy#20311)",
			`{"duration":475,"response_flags":"UF","bytes_received":0,"remote_addr":"172.19.0.9","method":"GET","path":"/service03","user_agent":"curl/7.68.0","upstream":{"duration":null,"service":"service03","host":"172.19.0.2:8000"},"protocol":"HTTP/1.1","id":"bdc55196-1c65-4054-bc5c-f7450a781b26","response_code_details":"upstream_reset_before_response_started{connection_failure}","bytes_sent":91,"response_code":503,"source":"envoy","listener":"service","start_time":"2022-03-11T09:58:37.960+0000"}`,
			FormatEnvoyJSON, []want{{Kind: "UF", Details: "upstream_reset_before_response_started{connection_failure}", Code: 503, Time: "2022-03-11T09:58:37.96Z"}}},
		{"Istio 1.24 JSON with ; and URX,UF order, typed nulls",
			`{ "start_time": "2025-02-01T10:00:00.123Z", "route_name": "default", "response_code": 503, "response_flags": "URX,UF", "response_code_details": "upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused}", "upstream_cluster": "outbound|8080||api.prod.svc.cluster.local;", "upstream_host": "10.0.3.4:8080", "authority": "api.prod:8080", "upstream_service_time": null, "x": {"a": [1, {"b": "}"}]} }`,
			FormatEnvoyJSON, []want{
				{Kind: "UF", Upstream: "outbound|8080||api.prod.svc.cluster.local", Host: "10.0.3.4:8080", Route: "default", Authority: "api.prod:8080", Details: "upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused}", Code: 503, Time: "2025-02-01T10:00:00.123Z"},
				{Kind: "URX", Upstream: "outbound|8080||api.prod.svc.cluster.local", Host: "10.0.3.4:8080", Route: "default", Authority: "api.prod:8080", Details: "upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused}", Code: 503, Time: "2025-02-01T10:00:00.123Z"}}},
		{"flags - with details no_healthy_upstream, escaped authority",
			`{"response_flags":"-","response_code_details":"no_healthy_upstream","response_code":"503","authority":"a\"b","upstream_cluster":"-"}`,
			FormatEnvoyJSON, []want{{Kind: "UH", Authority: `a"b`, Details: "no_healthy_upstream", Code: 503}}},
		{"success 200", `{"response_flags":"-","response_code":200,"upstream_cluster":"outbound|80||a.b.svc.cluster.local"}`, FormatEnvoyJSON, nil},
		// Envoy Gateway's default JSON log (internal/xds/translator/accesslog.go):
		// ":authority", typed nulls, its route and cluster names.
		{"Envoy Gateway 503 UH on a rule's cluster",
			`{":authority":"shop.example.com","bytes_received":0,"bytes_sent":19,"duration":1,"method":"GET","response_code":503,"response_code_details":"no_healthy_upstream","response_flags":"UH","route_name":"httproute/shop/web/rule/1/match/0/shop_example_com","start_time":"2025-09-02T08:00:00.500Z","upstream_cluster":"httproute/shop/web/rule/1","upstream_host":null}`,
			FormatEnvoyJSON, []want{{Kind: "UH", Upstream: "httproute/shop/web/rule/1", Route: "httproute/shop/web/rule/1/match/0/shop_example_com", Authority: "shop.example.com", Details: "no_healthy_upstream", Code: 503, Time: "2025-09-02T08:00:00.5Z"}}},
		{"Envoy Gateway 503 direct_response (no endpoints, v1.6)",
			`{":authority":"shop.example.com","response_code":503,"response_code_details":"direct_response","response_flags":"-","route_name":"httproute/shop/web/rule/0/match/-1/shop_example_com","start_time":"2025-09-02T08:00:01.000Z","upstream_cluster":null,"upstream_host":null}`,
			FormatEnvoyJSON, []want{{Kind: KindDirectResponse5xx, Route: "httproute/shop/web/rule/0/match/-1/shop_example_com", Authority: "shop.example.com", Details: "direct_response", Code: 503, Time: "2025-09-02T08:00:01Z"}}},
		{"direct_response below 500 is configuration, not a failure",
			`{":authority":"a","response_code":404,"response_code_details":"direct_response","response_flags":"-","route_name":"httproute/a/b/rule/0/match/0/a"}`,
			FormatEnvoyJSON, nil},
	})
}

func TestZtunnel(t *testing.T) {
	runCases(t, []lineCase{
		{"no healthy upstream, spaces (istio#53306)",
			`2024-09-26T08:18:58.905945Z     warn    access  connection failed       src.addr=192.168.158.154:40174 dst.addr=10.43.0.1:443 direction="outbound" error="no healthy upstream: 10.43.0.1:443"`,
			FormatZtunnel, []want{{Kind: KindZtunnelNoHealthy, Upstream: "10.43.0.1:443", Details: "no healthy upstream: 10.43.0.1:443", Time: "2024-09-26T08:18:58.905945Z"}}},
		{"no healthy upstream, tabs (istio#52216)",
			"2024-07-22T07:42:09.312508Z\twarn\taccess\tconnection failed\tsrc.addr=10.100.4.18:32818 dst.addr=10.100.97.189:8200 direction=\"outbound\" error=\"no healthy upstream: 10.100.97.189:8200\"",
			FormatZtunnel, []want{{Kind: KindZtunnelNoHealthy, Upstream: "10.100.97.189:8200", Details: "no healthy upstream: 10.100.97.189:8200", Time: "2024-07-22T07:42:09.312508Z"}}},
		{"timeout NetworkPolicy (ztunnel PR#1229)",
			`2024-07-26T17:18:00.953004Z     error   access  connection complete     src.addr=10.244.0.9:58592 src.workload="shell-56bd5dbdbf-gz6cq" src.namespace="default" src.identity="spiffe://cluster.local/ns/default/sa/default" dst.addr=10.244.0.10:15008 dst.hbone_addr=10.244.0.10:80 dst.service="echo.default.svc.cluster.local" dst.workload="echo-66d88ff694-pnk6h" dst.namespace="default" dst.identity="spiffe://cluster.local/ns/default/sa/default" direction="outbound" bytes_sent=0 bytes_recv=0 duration="10002ms" error="connection timed out, maybe a NetworkPolicy is blocking HBONE port 15008: deadline has elapsed"`,
			FormatZtunnel, []want{{Kind: KindZtunnelTimeout, Upstream: "echo.default.svc.cluster.local", Host: "10.244.0.10:80", Details: "connection timed out, maybe a NetworkPolicy is blocking HBONE port 15008: deadline has elapsed", Time: "2024-07-26T17:18:00.953004Z"}}},
		{"success with kubectl prefix words (istio#55937)",
			"ztunnel-lcvtw istio-proxy 2025-04-16T13:12:37.018724Z\tinfo\taccess\tconnection complete\tsrc.addr=172.29.0.170:52880 src.workload=\"ns-istio-test04-gw-597fb9d557-f5678\" dst.addr=172.29.1.188:15008 dst.hbone_addr=172.29.1.188:9898 dst.service=\"podinfo.ns-istio-test04.svc.cluster.local\" direction=\"inbound\" bytes_sent=514 bytes_recv=1506 duration=\"60003ms\"",
			FormatZtunnel, nil},
		{"reset with prefix words",
			"ztunnel-lcvtw istio-proxy 2025-04-16T13:12:37.018724Z\terror\taccess\tconnection complete\tsrc.addr=172.29.0.170:52880 dst.addr=172.29.1.188:15008 dst.hbone_addr=172.29.1.188:9898 direction=\"inbound\" error=\"io error: Connection reset by peer (os error 104)\"",
			FormatZtunnel, []want{{Kind: KindZtunnelReset, Upstream: "172.29.1.188:9898", Host: "172.29.1.188:15008", Details: "io error: Connection reset by peer (os error 104)", Time: "2025-04-16T13:12:37.018724Z"}}},
		{"early format PR#874 debug", `2024-04-11T00:26:42.295630Z DEBUG access: connection opened src.addr=shell-6d8bcd654d-t88gp:59690 src.workload="shell" src.namespace="default" src.identity="spiffe://cluster.local/ns/default/sa/default" dst.addr=namespace-istio-waypoint-9ccc6c96-hthtk:15008 dst.hbone_addr="echo:80" direction="outbound"`, FormatZtunnel, nil},
		{"dns target", "2025-04-08T05:43:56.082658Z\tdebug\tdns\tsrc.workload=\"sleep-64d59dd8d9-nh48s\" src.namespace=\"default\" query=\"AAAA\" domain=\"baidu.com.cluster.local.\" result=\"forwarding failed\" endpoints=0", FormatZtunnel, nil},
		{"README style INFO access:", `2024-04-11T15:38:42.182974Z  INFO access: connection complete src.addr=10.244.0.24:46238 dst.addr=10.244.0.42:15008 dst.hbone_addr=10.96.108.116:80 dst.service="echo.default.svc.cluster.local" direction="outbound" error="receive: client disconnected before all data was written"`,
			FormatZtunnel, []want{{Kind: KindZtunnelReset, Upstream: "echo.default.svc.cluster.local", Host: "10.96.108.116:80", Details: "receive: client disconnected before all data was written", Time: "2024-04-11T15:38:42.182974Z"}}},
		{"policy rejection", "2025-01-01T00:00:00Z\twarn\taccess\tconnection failed\tsrc.addr=1.1.1.1:1 dst.addr=2.2.2.2:15008 dst.service=\"a.b.svc.cluster.local\" error=\"connection closed due to policy rejection: allow policies exist, but none allowed\"",
			FormatZtunnel, []want{{Kind: KindZtunnelPolicyDenied, Upstream: "a.b.svc.cluster.local", Host: "2.2.2.2:15008", Details: "connection closed due to policy rejection: allow policies exist, but none allowed", Time: "2025-01-01T00:00:00Z"}}},
		{"dns error", "2025-01-01T00:00:00Z\twarn\taccess\tconnection failed\tdst.addr=2.2.2.2:80 error=\"dns lookup: no record\"",
			FormatZtunnel, []want{{Kind: KindZtunnelDNS, Upstream: "2.2.2.2:80", Details: "dns lookup: no record", Time: "2025-01-01T00:00:00Z"}}},
		{"other error", "2025-01-01T00:00:00Z\twarn\taccess\tconnection failed\tdst.addr=2.2.2.2:80 error=\"http status: 401 Unauthorized\"",
			FormatZtunnel, []want{{Kind: KindZtunnelError, Upstream: "2.2.2.2:80", Details: "http status: 401 Unauthorized", Time: "2025-01-01T00:00:00Z"}}},
		{"JSON", `{"level":"error","time":"2024-07-26T17:18:00.953004Z","scope":"access","message":"connection complete","src.addr":"10.244.0.9:58592","dst.addr":"10.244.0.10:15008","dst.hbone_addr":"10.244.0.10:80","dst.service":"echo.default.svc.cluster.local","direction":"outbound","bytes_sent":0,"bytes_recv":0,"duration":"10002ms","error":"io error: Connection refused (os error 111)"}`,
			FormatZtunnel, []want{{Kind: KindZtunnelReset, Upstream: "echo.default.svc.cluster.local", Host: "10.244.0.10:80", Details: "io error: Connection refused (os error 111)", Time: "2024-07-26T17:18:00.953004Z"}}},
		{"JSON success", `{"level":"info","time":"2024-07-26T17:18:00.953004Z","scope":"access","message":"connection complete","src.addr":"10.244.0.9:58592","dst.addr":"10.244.0.10:15008","bytes_sent":5}`, FormatZtunnel, nil},
	})
}

func TestNginx(t *testing.T) {
	runCases(t, []lineCase{
		{"no live upstreams (dockerize-vps#3)",
			`2019/09/26 01:32:42 [error] 56#56: *63 no live upstreams while connecting to upstream, client: 113.185.40.45, server: mywilldomain.tk, request: "GET /favicon.ico HTTP/1.1", upstream: "http://mywilldomain.tk/favicon.ico", host: "mywilldomain.tk", referrer: "http://mywilldomain.tk/wp-admin/setup-config.php"`,
			FormatNginxError, []want{{Kind: KindNginxNoLiveUpstreams, Upstream: "http://mywilldomain.tk/favicon.ico", Authority: "mywilldomain.tk", Details: "no live upstreams while connecting to upstream", Time: "2019-09-26T01:32:42Z"}}},
		{"connect 113 (ingress-nginx#759)",
			`2017/05/23 21:52:25 [error] 317#317: *288785 connect() failed (113: No route to host) while connecting to upstream, client: 127.0.0.1, server: aaa.bbb.com, request: "GET /favicon.ico HTTP/2.0", upstream: "http://10.2.3.30:3000/favicon.ico", host: "aaa.bbb.com", referrer: "https://aaa.bbb.com/“`,
			FormatNginxError, []want{{Kind: KindNginxConnectFailed, Upstream: "http://10.2.3.30:3000/favicon.ico", Authority: "aaa.bbb.com", Details: "connect() failed (113: No route to host) while connecting to upstream", Time: "2017-05-23T21:52:25Z"}}},
		{"connect 111 (ingress-nginx#5734)",
			`2020/06/17 15:42:54 [error] 37#37: *248 connect() failed (111: Connection refused) while connecting to upstream, client: 46.101.51.208, server: aqua.yasreeb.online, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8181/", host: "aqua.yasreeb.online"`,
			FormatNginxError, []want{{Kind: KindNginxConnectRefused, Upstream: "http://127.0.0.1:8181/", Authority: "aqua.yasreeb.online", Details: "connect() failed (111: Connection refused) while connecting to upstream", Time: "2020-06-17T15:42:54Z"}}},
		{"stream connect 111 (ingress-nginx#6919)",
			`2021/03/02 05:32:30 [error] 37#37: *271101 connect() failed (111: Connection refused) while connecting to upstream, client: 172.26.148.242, server: 0.0.0.0:9009, upstream: "172.26.144.225:9009", bytes from/to client:0/0, bytes from/to upstream:0/0`,
			FormatNginxError, []want{{Kind: KindNginxConnectRefused, Upstream: "172.26.144.225:9009", Details: "connect() failed (111: Connection refused) while connecting to upstream", Time: "2021-03-02T05:32:30Z"}}},
		{"timed out without time (ingress-nginx#9063)",
			`[error] 117#117: *16706 upstream timed out (110: Operation timed out) while reading response header from upstream`,
			FormatNginxError, []want{{Kind: KindNginxUpstreamTimeout, Details: "upstream timed out (110: Operation timed out) while reading response header from upstream"}}},
		{"upstream prematurely closed (ingress-nginx#12285)",
			`2024/11/03 06:09:29 [error] 184#184: *94 upstream prematurely closed connection while reading response header from upstream, client: 192.168.58.11, server: opensearch-dashboard.hi.local, request: "GET / HTTP/1.1", upstream: "http://10.244.3.84:5601/", host: "opensearch-dashboard.hi.local"`,
			FormatNginxError, []want{{Kind: KindNginxUpstreamReset, Upstream: "http://10.244.3.84:5601/", Authority: "opensearch-dashboard.hi.local", Details: "upstream prematurely closed connection while reading response header from upstream", Time: "2024-11-03T06:09:29Z"}}},
		{"upstream reset by peer (engintron#1333)",
			`2021/06/18 14:49:16 [error] 1379649#1379649: *9 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: ::ffff:41.43.9.21, server: localhost, request: "GET /robots.txt HTTP/1.1", upstream: "http://85.10.200.69:8080/robots.txt", host: "octobermageg.com"`,
			FormatNginxError, []want{{Kind: KindNginxUpstreamReset, Upstream: "http://85.10.200.69:8080/robots.txt", Authority: "octobermageg.com", Details: "recv() failed (104: Connection reset by peer) while reading response header from upstream", Time: "2021-06-18T14:49:16Z"}}},
		{"client reset is not the upstream's",
			`2021/06/18 14:49:16 [info] 11#11: *9 recv() failed (104: Connection reset by peer) while reading client request line, client: 10.0.0.1, server: 0.0.0.0:80`,
			FormatNginxError, nil},
		{"resolver",
			`2024/01/02 03:04:05 [error] 7#7: *1 backend.default.svc.cluster.local could not be resolved (3: Host not found), client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", host: "x"`,
			FormatNginxError, []want{{Kind: KindNginxResolveFailed, Upstream: "backend.default.svc.cluster.local", Authority: "x", Details: "backend.default.svc.cluster.local could not be resolved (3: Host not found)", Time: "2024-01-02T03:04:05Z"}}},
		{"notice", `2024/01/02 03:04:05 [notice] 7#7: signal process started`, FormatNginxError, nil},
	})
}

func TestIngressAccess(t *testing.T) {
	runCases(t, []lineCase{
		{"503 no endpoints",
			`192.168.64.1 - - [14/Dec/2020:11:07:02 +0000] "GET / HTTP/1.1" 503 190 "-" "Mozilla/5.0 (...) Safari/605.1.15" 357 0.000 [smt-local-nginx-8080] [] - - - - c0a25f0592e036fc43cd6493b5d61878`,
			FormatIngressAccess, []want{{Kind: KindIngress503, Upstream: "smt-local-nginx-8080", Code: 503, Time: "2020-12-14T11:07:02Z"}}},
		{"502 after three tries (ingress-nginx#6135, client prefix added)",
			`10.0.0.1 - - [01/Sep/2020:10:00:00 +0200] "GET some/end/point HTTP/1.1" 502 157 "-" "PostmanRuntime/7.26.3" 1570 1.248 [default-my-service-80] [] 10.244.2.36:80, 10.244.2.36:80, 10.244.2.37:80 0, 0, 0 1.244, 0.004, 0.000 502, 502, 502 cc30e5d47f23e3a117181ff94479bc6f`,
			FormatIngressAccess, []want{{Kind: KindIngress502, Upstream: "default-my-service-80", Host: "10.244.2.37:80", Details: "502, 502, 502", Code: 502, Time: "2020-09-01T08:00:00Z"}}},
		{"404 default backend (ingress-nginx#12196)",
			`192.168.49.1 - - [15/Oct/2024:13:09:09 +0000] "GET /search HTTP/2.0" 404 146 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0" 21 0.000 [upstream-default-backend] [] 127.0.0.1:8181 146 0.001 404 5dff821788ba8c35ea6667ad6f869807`,
			FormatIngressAccess, nil},
		{"combined 502 (ingress-nginx#5734)",
			`46.101.51.208 - - [17/Jun/2020:15:42:54 +0000] "GET / HTTP/1.1" 502 559 "-" "Mozilla/5.0 ..." "-"`,
			FormatIngressAccess, []want{{Kind: KindIngress502, Code: 502, Time: "2020-06-17T15:42:54Z"}}},
		{"503 from the upstream itself is not a proxy symptom",
			`10.0.0.1 - - [15/Oct/2024:13:09:02 +0000] "GET / HTTP/2.0" 503 682 "-" "curl" 24 0.016 [default-web-80] [] 10.244.0.227:8080 682 0.015 503 0e443239dcc3e725ee285b338ed1fb45`,
			FormatIngressAccess, nil},
		{"controller klog no endpoints (ingress-nginx#9932)",
			`W0601 10:05:49.745387       7 controller.go:1152] Service "bmdev-ne-linker/bmdev-ne-linker-service" does not have any active Endpoint.`,
			FormatIngressCtrl, []want{{Kind: KindIngressNoEndpoints, Upstream: "bmdev-ne-linker/bmdev-ne-linker-service", Details: `Service "bmdev-ne-linker/bmdev-ne-linker-service" does not have any active Endpoint.`}}},
		{"controller klog error obtaining endpoints (ingress-nginx#8882)",
			`E0601 10:05:49.745387       7 controller.go:1000] Error obtaining Endpoints for Service "scalability/serve-ca-cert": no object matching key "scalability/serve-ca-cert" in local store`,
			FormatIngressCtrl, []want{{Kind: KindIngressNoEndpoints, Upstream: "scalability/serve-ca-cert", Details: `Error obtaining Endpoints for Service "scalability/serve-ca-cert": no object matching key "scalability/serve-ca-cert" in local store`}}},
	})
}

func TestHAProxy(t *testing.T) {
	runCases(t, []lineCase{
		{"NOSRV 503 SC-- syslog",
			`Feb 19 04:13:36 debian11 haproxy[4436]: 10.2.0.1:54090 [19/Feb/2023:04:13:36.655] web_proxy web_server02/<NOSRV> 0/-1/-1/-1/0 503 221 - - SC-- 1/1/0/0/0 0/0 "GET /app2 HTTP/1.1"`,
			FormatHAProxy, []want{{Kind: KindHAProxyNoServer, Upstream: "web_server02", Details: "SC--", Code: 503, Time: "2023-02-19T04:13:36.655Z"}}},
		{"NOSRV 503 with syslog PRI and captures",
			`<134>Feb 11 09:34:24 [HAPROXY][1940]: 127.0.0.1:53136 [11/Feb/2015:09:34:24.895] 80port varnish/<NOSRV> 0/-1/-1/-1/0 503 212 vicanso=110ec58a-a0f2-4ac4-8393-c866d813b8d1 - SC-- 0/0/0/0/0 0/0 {localhost||Mozilla/5.0 (...)} "GET / HTTP/1.1"`,
			FormatHAProxy, []want{{Kind: KindHAProxyNoServer, Upstream: "varnish", Details: "SC--", Code: 503, Time: "2015-02-11T09:34:24.895Z"}}},
		{"NOSRV LR 204 is local (haproxy#2250)",
			`Aug 11 17:06:08 XXX haproxy[3342655]: xx:xxx:xxx:xxx:xx [11/Aug/2023:17:06:08.909] https-in~ https-in/<NOSRV> 0/-1/-1/-1/0 204 166 - - LR-- 4/4/0/0/0 0/0 "OPTIONS /r0/login HTTP/1.1"`,
			FormatHAProxy, nil},
		{"server closed before headers, no cookie fields (haproxy 2.0 Expect repro)",
			`192.168.176.1:37570 [01/Jul/2019:20:35:35.743] ssl_offload ssl_offload/http-in 0/0/0/-1/11003 502 273 SH-- 1/1/0/0/0 0/0 "POST / HTTP/1.1"`,
			FormatHAProxy, []want{{Kind: KindHAProxyServerAbort, Upstream: "ssl_offload", Host: "http-in", Details: "SH--", Code: 502, Time: "2019-07-01T20:35:35.743Z"}}},
		{"server closed before headers, httplog",
			`Mar  4 10:00:01 lb haproxy[88]: 10.0.0.5:40112 [04/Mar/2025:10:00:01.204] fe_http be_api/api1 0/0/1/-1/2 502 209 - - SH-- 3/3/0/0/0 0/0 "GET /v1/items HTTP/1.1"`,
			FormatHAProxy, []want{{Kind: KindHAProxyServerAbort, Upstream: "be_api", Host: "api1", Details: "SH--", Code: 502, Time: "2025-03-04T10:00:01.204Z"}}},
		{"client abort is not the server's (CD)",
			`Mar  4 10:00:01 lb haproxy[88]: 10.0.0.5:40112 [04/Mar/2025:10:00:01.204] fe_http be_api/api1 0/0/1/-1/2 502 209 - - CD-- 3/3/0/0/0 0/0 "GET /v1/items HTTP/1.1"`,
			FormatHAProxy, nil},
		{"doc example 200", `haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"`, FormatHAProxy, nil},
		{"server DOWN",
			`Mar  1 10:00:00 lb haproxy[123]: Server web/srv1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left.`,
			FormatHAProxy, []want{{Kind: KindHAProxyServerDown, Upstream: "web", Host: "srv1", Details: `Server web/srv1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left.`}}},
		{"backend no server available",
			`[ALERT]    (8) : backend 'web' has no server available!`,
			FormatHAProxy, []want{{Kind: KindHAProxyServerDown, Upstream: "web", Details: `backend 'web' has no server available!`}}},
	})
}
