package logscan

import "testing"

// The lines are shaped as Traefik writes them: the common log format of
// pkg/middlewares/accesslog/logger_formatters.go (the first cases are the
// expected lines of its logger_formatters_test.go and parser_test.go), the
// JSON of logdata.go's keys, the statuses of its load balancers and of
// pkg/proxy/httputil.ComputeStatusCode.
func TestTraefik(t *testing.T) {
	runCases(t, []lineCase{
		{"CLF 200 with an escaped quote in the user agent (logger_formatters_test)",
			`10.0.0.1 - - [10/Nov/2009:23:00:00 +0000] "GET / HTTP/1.1" 200 0 "-" "foo \" bar" 1 "test@file" "http://127.0.0.1:8080" 1ms`,
			FormatTraefik, nil},
		{"CLF without status (logger_formatters_test)",
			`10.0.0.1 - Client [10/Nov/2009:23:00:00 +0000] "GET /foo http" - - "-" "-" 0 "-" "-" 123000ms`,
			FormatTraefik, nil},
		{"CLF unquoted ServiceURL dash (parser_test)",
			`127.0.0.1 - - [09/Mar/2018:10:51:32 +0000] "GET / HTTP/1.1" 401 17 "-" "Go-http-client/1.1" 1 "testRouter with space" - 0ms`,
			FormatTraefik, nil},
		{"CLF 503 no available server",
			`172.18.0.1 - - [10/Mar/2025:12:00:00 +0000] "GET / HTTP/1.1" 503 19 "-" "curl/8.5.0" 5 "web-shop@docker" "-" 0ms`,
			FormatTraefik, []want{{Kind: KindTraefikNoServer, Upstream: "web-shop@docker", Code: 503, Time: "2025-03-10T12:00:00Z"}}},
		{"CLF 503 from the server itself is no symptom",
			`172.18.0.1 - - [10/Mar/2025:12:00:00 +0000] "GET / HTTP/1.1" 503 19 "-" "curl/8.5.0" 5 "web-shop@docker" "http://172.18.0.3:8080" 3ms`,
			FormatTraefik, nil},
		{"CLF 502 connection refused",
			`172.18.0.1 - - [10/Mar/2025:12:00:01 +0200] "GET /cart HTTP/1.1" 502 11 "-" "curl/8.5.0" 6 "web-shop@docker" "http://172.18.0.3:8080" 1ms`,
			FormatTraefik, []want{{Kind: KindTraefikBadGateway, Upstream: "web-shop@docker", Host: "172.18.0.3:8080", Code: 502, Time: "2025-03-10T10:00:01Z"}}},
		{"JSON 504 timeout",
			`{"ClientHost":"172.18.0.1","DownstreamStatus":504,"Duration":30001000000,"OriginStatus":0,"RequestHost":"shop.example.com","RequestMethod":"GET","RequestPath":"/","RouterName":"web-shop@docker","ServiceAddr":"172.18.0.3:8080","ServiceName":"web-shop@docker","ServiceURL":"http://172.18.0.3:8080","StartUTC":"2025-03-10T12:00:02.5Z","level":"info","msg":"","time":"2025-03-10T12:00:32Z"}`,
			FormatTraefik, []want{{Kind: KindTraefikTimeout, Upstream: "web-shop@docker", Host: "172.18.0.3:8080", Authority: "shop.example.com", Code: 504, Time: "2025-03-10T12:00:02.5Z"}}},
		{"JSON 503 no server picked",
			`{"DownstreamStatus":503,"RequestHost":"shop.example.com","RouterName":"web-shop@docker","ServiceName":"web-shop@docker","StartUTC":"2025-03-10T12:00:03Z"}`,
			FormatTraefik, []want{{Kind: KindTraefikNoServer, Upstream: "web-shop@docker", Authority: "shop.example.com", Code: 503, Time: "2025-03-10T12:00:03Z"}}},
		{"JSON 404 no router",
			`{"ClientHost":"172.18.0.1","DownstreamStatus":404,"RequestHost":"shop.example.com","RequestMethod":"GET","RequestPath":"/","StartUTC":"2025-03-10T12:00:04Z","level":"info","time":"2025-03-10T12:00:04Z"}`,
			FormatTraefik, []want{{Kind: KindTraefikNoRouter, Authority: "shop.example.com", Code: 404, Time: "2025-03-10T12:00:04Z"}}},
		{"JSON 404 of the application is no symptom",
			`{"DownstreamStatus":404,"OriginStatus":404,"RequestHost":"shop.example.com","RouterName":"web-shop@docker","ServiceURL":"http://172.18.0.3:8080"}`,
			FormatTraefik, nil},
	})
}

// TestTraefikIsNotNginx: Traefik's lines begin as nginx's combined lines;
// each stays with its own format.
func TestTraefikIsNotNginx(t *testing.T) {
	for line, f := range map[string]Format{
		`172.18.0.1 - - [10/Mar/2025:12:00:01 +0000] "GET / HTTP/1.1" 502 11 "-" "curl/8.5.0" 6 "web@docker" "http://172.18.0.3:8080" 1ms`:                                      FormatTraefik,
		`10.0.0.1 - - [01/Sep/2020:10:00:00 +0200] "GET /p HTTP/1.1" 502 157 "-" "P"`:                                                                                           FormatIngressAccess,
		`192.168.64.1 - - [14/Dec/2020:11:07:02 +0000] "GET / HTTP/1.1" 503 190 "-" "Mozilla/5.0" 357 0.000 [smt-local-nginx-8080] [] - - - - c0a25f0592e036fc43cd6493b5d61878`: FormatIngressAccess,
	} {
		if got := DetectFormat([][]byte{[]byte(line)}); got != f {
			t.Errorf("%s: detected %q, want %q", line, got, f)
		}
	}
}
