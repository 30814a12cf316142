package logscan

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestFormatRegistry(t *testing.T) {
	seen := map[Format]bool{}
	for _, f := range Formats() {
		if f.Format == FormatUnknown || seen[f.Format] {
			t.Errorf("format %q: empty or listed twice", f.Format)
		}
		seen[f.Format] = true
		if f.parse == nil || strings.TrimSpace(f.Detect) == "" {
			t.Errorf("format %s: no parser or no Detect text", f.Format)
		}
		if got := f.Format.Spec(); got.Format != f.Format || got.Mesh != f.Mesh {
			t.Errorf("%s.Spec() = %+v", f.Format, got)
		}
	}
	if s := FormatUnknown.Spec(); s.Format != FormatUnknown || s.parse != nil {
		t.Errorf("FormatUnknown.Spec() = %+v, want the zero entry", s)
	}
	for _, f := range []Format{FormatEnvoyText, FormatEnvoyJSON} {
		if !f.Spec().Mesh {
			t.Errorf("%s is an Envoy access log: Mesh must be set", f)
		}
	}
}

func TestKindRegistry(t *testing.T) {
	emits := map[Format]int{}
	for _, k := range Kinds() {
		if got, ok := LookupKind(k.ID); !ok || got.ID != k.ID {
			t.Errorf("LookupKind(%q) = %+v, %v", k.ID, got, ok)
		}
		if len(k.Formats) == 0 || strings.TrimSpace(k.Meaning) == "" {
			t.Errorf("kind %s: no format or no meaning", k.ID)
		}
		if k.ConnectFailure && k.DNS {
			t.Errorf("kind %s is both a connect failure and a DNS failure", k.ID)
		}
		for _, f := range k.Formats {
			if f.Spec().Format != f {
				t.Errorf("kind %s: format %q is not in the format registry", k.ID, f)
			}
			emits[f]++
			// Envoy lines carry flags: a kind of theirs that is no flag
			// would never be emitted, unless the parser reads it from the
			// response code details.
			if f.Spec().Mesh && !slices.Contains(flagTable[:], k.ID) && envoyDetailExamples[k.ID] == nil {
				t.Errorf("kind %s of %s is not an Envoy response flag", k.ID, f)
			}
		}
	}
	if len(kindIndex) != len(kindTable) {
		t.Errorf("kindTable lists an ID twice (%d IDs, %d entries)", len(kindIndex), len(kindTable))
	}
	for _, f := range Formats() {
		if emits[f.Format] == 0 {
			t.Errorf("format %s emits no symptom kind", f.Format)
		}
	}
	if _, ok := LookupKind("UAEX"); ok {
		t.Error("UAEX (ext-authz denied) is policy, not a symptom")
	}
}

// kindExamples are lines that show each kind that is not an Envoy flag
// (those are built from envoyExample). They come from parse_test.go's
// sourced lines.
var kindExamples = map[string][]string{
	KindNginxNoLiveUpstreams: {`2019/09/26 01:32:42 [error] 56#56: *63 no live upstreams while connecting to upstream, client: 113.185.40.45, server: a, request: "GET /f HTTP/1.1", upstream: "http://a/f", host: "a"`},
	KindNginxConnectRefused:  {`2020/06/17 15:42:54 [error] 37#37: *248 connect() failed (111: Connection refused) while connecting to upstream, client: 46.101.51.208, server: a, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8181/", host: "a"`},
	KindNginxConnectFailed:   {`2017/05/23 21:52:25 [error] 317#317: *288785 connect() failed (113: No route to host) while connecting to upstream, client: 127.0.0.1, server: a, request: "GET / HTTP/2.0", upstream: "http://10.2.3.30:3000/", host: "a"`},
	KindNginxUpstreamTimeout: {`[error] 117#117: *16706 upstream timed out (110: Operation timed out) while reading response header from upstream`},
	KindNginxUpstreamReset: {
		`2024/11/03 06:09:29 [error] 184#184: *94 upstream prematurely closed connection while reading response header from upstream, client: 192.168.58.11, server: opensearch-dashboard.hi.local, request: "GET / HTTP/1.1", upstream: "http://10.244.3.84:5601/", host: "opensearch-dashboard.hi.local"`,
		`2021/06/18 14:49:16 [error] 1379649#1379649: *9 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: ::ffff:41.43.9.21, server: localhost, request: "GET /robots.txt HTTP/1.1", upstream: "http://85.10.200.69:8080/robots.txt", host: "octobermageg.com"`,
	},
	KindNginxResolveFailed:  {`2024/01/02 03:04:05 [error] 7#7: *1 backend.default.svc.cluster.local could not be resolved (3: Host not found), client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", host: "x"`},
	KindIngress503:          {`192.168.64.1 - - [14/Dec/2020:11:07:02 +0000] "GET / HTTP/1.1" 503 190 "-" "Mozilla/5.0" 357 0.000 [smt-local-nginx-8080] [] - - - - c0a25f0592e036fc43cd6493b5d61878`},
	KindIngress502:          {`10.0.0.1 - - [01/Sep/2020:10:00:00 +0200] "GET /p HTTP/1.1" 502 157 "-" "P" 1570 1.248 [default-my-service-80] [] 10.244.2.36:80, 10.244.2.37:80 0, 0 1.244, 0.004 502, 502 cc30`},
	KindIngressNoEndpoints:  {`W0601 10:05:49.745387       7 controller.go:1152] Service "a/b" does not have any active Endpoint.`},
	KindHAProxyNoServer:     {`Feb 19 04:13:36 debian11 haproxy[4436]: 10.2.0.1:54090 [19/Feb/2023:04:13:36.655] web_proxy web_server02/<NOSRV> 0/-1/-1/-1/0 503 221 - - SC-- 1/1/0/0/0 0/0 "GET /app2 HTTP/1.1"`},
	KindHAProxyServerAbort:  {`192.168.176.1:37570 [01/Jul/2019:20:35:35.743] ssl_offload ssl_offload/http-in 0/0/0/-1/11003 502 273 SH-- 1/1/0/0/0 0/0 "POST / HTTP/1.1"`},
	KindHAProxyServerDown:   {`Mar  1 10:00:00 lb haproxy[123]: Server web/srv1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left.`},
	KindTraefikNoServer:     {`172.18.0.1 - - [10/Mar/2025:12:00:00 +0000] "GET / HTTP/1.1" 503 19 "-" "curl/8.5.0" 5 "web-shop@docker" "-" 0ms`},
	KindTraefikBadGateway:   {`172.18.0.1 - - [10/Mar/2025:12:00:01 +0000] "GET / HTTP/1.1" 502 11 "-" "curl/8.5.0" 6 "web-shop@docker" "http://172.18.0.3:8080" 1ms`},
	KindTraefikTimeout:      {`{"DownstreamStatus":504,"OriginStatus":0,"RequestHost":"shop.example.com","RouterName":"web-shop@docker","ServiceAddr":"172.18.0.3:8080","ServiceName":"web-shop@docker","ServiceURL":"http://172.18.0.3:8080","StartUTC":"2025-03-10T12:00:02Z"}`},
	KindTraefikNoRouter:     {`{"DownstreamStatus":404,"RequestHost":"shop.example.com","RequestMethod":"GET","RequestPath":"/","StartUTC":"2025-03-10T12:00:04Z"}`},
	KindZtunnelNoHealthy:    {"2024-07-22T07:42:09.312508Z\twarn\taccess\tconnection failed\tsrc.addr=10.100.4.18:32818 dst.addr=10.100.97.189:8200 direction=\"outbound\" error=\"no healthy upstream: 10.100.97.189:8200\""},
	KindZtunnelReset:        {`{"level":"error","time":"2024-07-26T17:18:00.953004Z","scope":"access","src.addr":"10.244.0.9:58592","dst.addr":"10.244.0.10:15008","dst.service":"echo.default.svc.cluster.local","error":"io error: Connection refused (os error 111)"}`},
	KindZtunnelTimeout:      {"2025-01-01T00:00:00Z\terror\taccess\tconnection complete\tdst.addr=10.244.0.10:15008 error=\"connection timed out, maybe a NetworkPolicy is blocking HBONE port 15008: deadline has elapsed\""},
	KindZtunnelDNS:          {"2025-01-01T00:00:00Z\twarn\taccess\tconnection failed\tdst.addr=2.2.2.2:80 error=\"dns lookup: no record\""},
	KindZtunnelPolicyDenied: {"2025-01-01T00:00:00Z\twarn\taccess\tconnection failed\tdst.addr=2.2.2.2:15008 error=\"connection closed due to policy rejection: allow policies exist, but none allowed\""},
	KindZtunnelError:        {"2025-01-01T00:00:00Z\twarn\taccess\tconnection failed\tdst.addr=2.2.2.2:80 error=\"http status: 401 Unauthorized\""},
}

// envoyDetailExamples are, per Envoy kind that is no flag, a line of
// each Envoy format that shows it: Envoy Gateway's default JSON access
// log (internal/xds/translator/accesslog.go EnvoyJSONLogFields) and
// Envoy's default text format, for a request its route answered with a
// 500 direct_response.
var envoyDetailExamples = map[string]map[Format]string{
	KindDirectResponse5xx: {
		FormatEnvoyJSON: `{":authority":"www.example.com","bytes_received":0,"bytes_sent":0,"connection_termination_details":null,"downstream_local_address":"10.244.0.12:10080","downstream_remote_address":"172.18.0.1:51234","duration":0,"method":"GET","protocol":"HTTP/1.1","requested_server_name":null,"response_code":500,"response_code_details":"direct_response","response_flags":"-","route_name":"httproute/default/backend/rule/0/match/0/www_example_com","start_time":"2024-05-01T10:00:00.000Z","upstream_cluster":null,"upstream_host":null,"upstream_local_address":null,"upstream_transport_failure_reason":null,"user-agent":"curl/8.7.1","x-envoy-origin-path":"/","x-envoy-upstream-service-time":null,"x-forwarded-for":"172.18.0.1","x-request-id":"5f0c1c9e-7a34-4a7e-9a3c-0a3f8f6c2b11"}`,
		FormatEnvoyText: `[2024-05-01T10:00:00.000Z] "GET / HTTP/1.1" 500 - direct_response - "-" 0 0 0 - "172.18.0.1" "curl/8.7.1" "5f0c" "www.example.com" "-" - - 10.244.0.12:10080 172.18.0.1:51234 - default.backend.0`,
	},
}

// envoyExample is a failure line of format f whose only flag is flag.
func envoyExample(f Format, flag string) string {
	if f == FormatEnvoyJSON {
		return fmt.Sprintf(`{"start_time":"2024-05-01T10:00:00.000Z","response_code":503,"response_flags":%q,"upstream_cluster":"outbound|80||a.b.svc.cluster.local","authority":"a"}`, flag)
	}
	return fmt.Sprintf(`[2024-05-01T10:00:00.000Z] "GET / HTTP/1.1" 503 %s - - "-" 0 19 0 - "10.42.0.1" "curl/8.7.1" "c4c5" "a" "-" outbound|80||a.b.svc.cluster.local - 10.42.0.7:8080 10.42.0.1:60667 - r1`, flag)
}

// symptomsOf scans text as one log.
func symptomsOf(text string) []Symptom {
	a := NewAggregator(Options{})
	a.ScanBytes(Origin{Pod: "p"}, "example", []byte(text))
	return a.Symptoms()
}

// TestRegistryMatchesParsers holds the kind registry to the parsers: each
// kind's example lines, in each of its formats, yield that kind in that
// format and nothing else.
func TestRegistryMatchesParsers(t *testing.T) {
	for _, k := range Kinds() {
		for _, f := range k.Formats {
			lines := kindExamples[k.ID]
			switch {
			case envoyDetailExamples[k.ID] != nil:
				lines = []string{envoyDetailExamples[k.ID][f]}
			case f.Spec().Mesh:
				lines = []string{envoyExample(f, k.ID)}
			}
			if len(lines) == 0 {
				t.Errorf("kind %s (%s): no example line in kindExamples", k.ID, f)
			}
			for _, l := range lines {
				got := symptomsOf(l + "\n")
				if len(got) != 1 || got[0].Kind != k.ID || got[0].Format != f {
					t.Errorf("kind %s (%s): line %q gave %v", k.ID, f, l, kindsOf(got))
				}
			}
		}
	}
	for id := range kindExamples {
		if _, ok := LookupKind(id); !ok {
			t.Errorf("kindExamples has %s, which is not a registered kind", id)
		}
	}
	// A flag outside the registry is no symptom even on a 503.
	for _, f := range []Format{FormatEnvoyText, FormatEnvoyJSON} {
		if got := symptomsOf(envoyExample(f, "DC") + "\n"); len(got) != 0 {
			t.Errorf("%s DC line gave %v", f, kindsOf(got))
		}
	}
}

func kindsOf(ss []Symptom) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Kind+"/"+string(s.Format))
	}
	return out
}

// TestEmittedKindsAreRegistered scans every log at hand (this package's
// samples and the rule corpus) and checks that each symptom's kind is
// registered for the format it came in.
func TestEmittedKindsAreRegistered(t *testing.T) {
	var files []string
	for _, root := range []string{"testdata", "../../testdata/bundles"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".log") || strings.HasSuffix(p, ".txt")) {
				files = append(files, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	a := NewAggregator(Options{})
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		a.ScanBytes(Origin{Pod: p}, p, b)
	}
	seen := map[string]bool{}
	for _, s := range a.Symptoms() {
		k, ok := LookupKind(s.Kind)
		if !ok || !slices.Contains(k.Formats, s.Format) {
			t.Errorf("%s: kind %s in format %s is not registered for it", s.Origin.Pod, s.Kind, s.Format)
		}
		seen[s.Kind] = true
	}
	if len(files) < 20 || len(seen) < 10 {
		t.Fatalf("scanned %d files, saw %d kinds: the corpus is missing", len(files), len(seen))
	}
}
