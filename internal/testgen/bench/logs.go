package main

import (
	"bufio"
	"io"
	"strconv"
	"time"

	"github.com/nohealthy/nohealthy/internal/testgen/kubenames"
)

// Access-log lines in Istio's 1.9+ TEXT format (22 fields: Istio's
// EnvoyTextLogFormat, pilot/pkg/model/telemetry_logging.go):
//
//	[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS%
//	%RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED%
//	%BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
//	"%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS%
//	%DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%

var userAgents = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Mobile/15E148 Safari/604.1",
	"okhttp/4.12.0", "curl/8.5.0", "Go-http-client/1.1", "python-requests/2.32.3", "grpc-java-netty/1.68.1",
	"Apache-HttpClient/4.5.14 (Java/17.0.13)", "axios/1.7.9", "kube-probe/1.31",
}

var paths = []string{"/api/v1/items", "/api/v1/items/", "/api/v2/search?q=", "/healthz", "/api/v1/orders/", "/graphql",
	"/static/app.js", "/api/v1/users/", "/api/v1/cart", "/api/v1/recommendations?user="}

var methods = []string{"GET", "GET", "GET", "GET", "POST", "GET", "PUT", "GET", "DELETE", "GET"}

// lineGen writes the access log of one proxy.
type lineGen struct {
	w      *world
	r      kubenames.Rand
	buf    []byte
	secPfx []byte
	sec    int64
	// self
	gateway bool
	self    *pod
	ns      string
	// traffic targets
	targets []*service
	flaky   []*service
	planted [4]*service
	selfSvc *service
	uh      [4]int64 // planted UH lines written, per cause
}

func (w *world) newLineGen(p *pod) *lineGen {
	g := &lineGen{w: w, self: p, gateway: p.dep == w.gw, ns: p.dep.ns, buf: make([]byte, 0, 1<<16)}
	g.r = kubenames.NewRand(hashN("log", p.dep.ns, p.name, strconv.FormatUint(w.cfg.Seed, 10)))
	g.targets, g.flaky = w.targets, w.flaky
	g.planted = w.planted
	return g
}

func (g *lineGen) appendTime(b []byte, ms int64) []byte {
	sec := ms / 1000
	if sec != g.sec || g.secPfx == nil {
		g.sec = sec
		g.secPfx = time.Unix(sec, 0).UTC().AppendFormat(g.secPfx[:0], "2006-01-02T15:04:05.")
	}
	b = append(b, '[')
	b = append(b, g.secPfx...)
	m := ms % 1000
	b = append(b, byte('0'+m/100), byte('0'+m/10%10), byte('0'+m%10), 'Z', ']', ' ')
	return b
}

const hexdig = "0123456789abcdef"

func (g *lineGen) appendUUID(b []byte) []byte {
	a, c := g.r.U64(), g.r.U64()
	var u [32]byte
	for i := 0; i < 16; i++ {
		u[i] = hexdig[(a>>(4*i))&15]
		u[16+i] = hexdig[(c>>(4*i))&15]
	}
	u[12] = '4'
	u[16] = "89ab"[c&3]
	b = append(b, u[0:8]...)
	b = append(b, '-')
	b = append(b, u[8:12]...)
	b = append(b, '-')
	b = append(b, u[12:16]...)
	b = append(b, '-')
	b = append(b, u[16:20]...)
	b = append(b, '-')
	return append(b, u[20:32]...)
}

func appendIPPort(b []byte, ip string, port int) []byte {
	b = append(b, ip...)
	b = append(b, ':')
	return strconv.AppendInt(b, int64(port), 10)
}

func appendCluster(b []byte, s *service, subset string) []byte {
	b = append(b, "outbound|"...)
	b = strconv.AppendInt(b, int64(s.port), 10)
	b = append(b, '|')
	b = append(b, subset...)
	b = append(b, '|')
	b = append(b, s.name...)
	b = append(b, '.')
	b = append(b, s.ns...)
	return append(b, ".svc.cluster.local"...)
}

// outcome of one request
type outcome struct {
	code          int
	flags, detail string
	tfr           string // upstream transport failure reason
	sent          int
	noUpstream    bool // "-" upstream host and local address
	plant         int
}

var (
	ok200  = outcome{code: 200, flags: "-", detail: "via_upstream"}
	ok404  = outcome{code: 404, flags: "-", detail: "via_upstream", sent: 153}
	err500 = outcome{code: 500, flags: "-", detail: "via_upstream", sent: 72}
	errUF  = outcome{code: 503, flags: "UF", detail: "upstream_reset_before_response_started{connection_failure}", sent: 91}
	errURX = outcome{code: 503, flags: "URX", detail: "via_upstream", sent: 0}
	errUC  = outcome{code: 503, flags: "UC", detail: "upstream_reset_before_response_started{connection_termination}", sent: 95}
	errUT  = outcome{code: 504, flags: "UT", detail: "response_timeout", sent: 24}
	errDC  = outcome{code: 0, flags: "DC", detail: "downstream_remote_disconnect", sent: 0}
	errUH  = outcome{code: 503, flags: "UH", detail: "no_healthy_upstream", sent: 19, noUpstream: true}
)

// pick decides one request: target Service, subset and outcome.
func (g *lineGen) pick() (*service, string, outcome) {
	r := g.r.U64()
	x := int(r % 100000) // per 100,000
	if float64(x) < plantedUHShare*100000 {
		f := float64((r>>20)%1000) / 1000
		p := plantSubset
		if f >= plantWeights[1] {
			p = plantReadiness
			if f >= plantWeights[1]+plantWeights[2] {
				p = plantSelector
			}
		}
		s := g.planted[p]
		o := errUH
		o.plant = p
		g.uh[p]++
		if p == plantSubset {
			return s, "v1", o
		}
		return s, "", o
	}
	x -= int(plantedUHShare * 100000)
	var o outcome
	switch {
	case x < 96600:
		o = ok200
	case x < 97200:
		o = ok404
	case x < 97500:
		o = err500
	case x < 97800:
		o = errUF
	case x < 98000:
		o = errURX
	case x < 98150:
		o = errUC
	case x < 98250:
		o = errUT
	default:
		o = errDC
	}
	var s *service
	if o.code != 200 && o.code != 404 && (r>>40)%20 != 0 {
		s = g.flaky[int((r>>24)%uint64(len(g.flaky)))]
	} else {
		s = g.targets[int((r>>24)%uint64(len(g.targets)))]
	}
	subset := ""
	if s.routed {
		subset = "v1"
		if (r>>50)%10 == 0 && len(s.deps) > 1 {
			subset = "v2"
		}
	}
	return s, subset, o
}

func (g *lineGen) backend(s *service, subset string) *pod {
	d := s.deps[0]
	if subset == "v2" && len(s.deps) > 1 {
		d = s.deps[1]
	} else if subset == "" && len(s.deps) > 1 && g.r.N(2) == 1 {
		d = s.deps[1]
	}
	return d.pods[g.r.N(len(d.pods))]
}

// line appends one access-log line for time ms.
func (g *lineGen) line(b []byte, ms int64) []byte {
	s, subset, o := g.pick()
	inbound := !g.gateway && o.plant == 0 && g.r.N(2) == 0
	b = g.appendTime(b, ms)
	m := g.r.N(len(methods))
	b = append(b, '"')
	b = append(b, methods[m]...)
	b = append(b, ' ')
	target := s
	if inbound {
		target = nil
	}
	if g.gateway {
		b = append(b, '/')
		b = append(b, s.name...)
	}
	b = append(b, paths[m]...)
	if paths[m][len(paths[m])-1] == '/' || paths[m][len(paths[m])-1] == '=' {
		b = strconv.AppendInt(b, int64(g.r.N(100000)), 10)
	}
	if g.gateway || g.r.N(3) > 0 {
		b = append(b, " HTTP/1.1\" "...)
	} else {
		b = append(b, " HTTP/2\" "...)
	}
	b = strconv.AppendInt(b, int64(o.code), 10)
	b = append(b, ' ')
	b = append(b, o.flags...)
	b = append(b, ' ')
	b = append(b, o.detail...)
	b = append(b, " - \"-\" "...)
	recv := 0
	if methods[m] == "POST" || methods[m] == "PUT" {
		recv = 100 + g.r.N(3000)
	}
	b = strconv.AppendInt(b, int64(recv), 10)
	b = append(b, ' ')
	sent := o.sent
	if o.code == 200 {
		sent = 200 + g.r.N(20000)
	}
	b = strconv.AppendInt(b, int64(sent), 10)
	b = append(b, ' ')
	dur := 0
	switch {
	case o.flags == "UT":
		dur = 15000 + g.r.N(5)
	case o.flags == "DC":
		dur = 100 + g.r.N(5000)
	case o.flags == "URX":
		dur = 50 + g.r.N(200)
	case o.code == 200 || o.code == 404 || o.code == 500:
		dur = 1 + g.r.N(60)
	case o.flags == "UF" || o.flags == "UC":
		dur = g.r.N(5)
	}
	b = strconv.AppendInt(b, int64(dur), 10)
	b = append(b, ' ')
	if o.code == 200 || o.code == 404 || o.code == 500 || o.flags == "URX" {
		b = strconv.AppendInt(b, int64(max(0, dur-1)), 10)
	} else {
		b = append(b, '-')
	}
	// X-FORWARDED-FOR, USER-AGENT, REQUEST-ID, AUTHORITY
	var client string
	if g.gateway {
		client = "203.0.113." + strconv.Itoa(1+g.r.N(250))
	} else {
		client = "-"
	}
	b = append(b, " \""...)
	b = append(b, client...)
	b = append(b, "\" \""...)
	b = append(b, userAgents[g.r.N(len(userAgents))]...)
	b = append(b, "\" \""...)
	b = g.appendUUID(b)
	b = append(b, "\" \""...)
	if g.gateway {
		b = append(b, s.ns...)
		b = append(b, ".example.com"...)
	} else if inbound {
		b = append(b, g.selfService().name...)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(g.selfService().port), 10)
	} else {
		b = append(b, s.name...)
		if s.ns != g.ns {
			b = append(b, '.')
			b = append(b, s.ns...)
		}
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(s.port), 10)
	}
	b = append(b, "\" \""...)
	switch {
	case inbound:
		self := g.selfService()
		b = appendIPPort(b, g.self.ip, self.tport)
		b = append(b, "\" inbound|"...)
		b = strconv.AppendInt(b, int64(self.tport), 10)
		b = append(b, "|| 127.0.0.6:"...)
		b = strconv.AppendInt(b, int64(32768+g.r.N(28000)), 10)
		b = append(b, ' ')
		b = appendIPPort(b, g.self.ip, self.tport)
		b = append(b, ' ')
		caller := g.targets[g.r.N(len(g.targets))]
		cp := caller.deps[0].pods[0]
		b = appendIPPort(b, cp.ip, 32768+g.r.N(28000))
		b = append(b, " outbound_."...)
		b = strconv.AppendInt(b, int64(self.port), 10)
		b = append(b, "_._."...)
		b = append(b, self.name...)
		b = append(b, '.')
		b = append(b, self.ns...)
		b = append(b, ".svc.cluster.local default\n"...)
		return b
	case o.noUpstream:
		b = append(b, "-\" "...)
		b = appendCluster(b, target, subset)
		b = append(b, " - "...)
	default:
		bp := g.backend(target, subset)
		b = appendIPPort(b, bp.ip, target.tport)
		b = append(b, "\" "...)
		b = appendCluster(b, target, subset)
		b = append(b, ' ')
		if o.flags == "UF" {
			b = append(b, '-')
		} else {
			b = appendIPPort(b, g.self.ip, 32768+g.r.N(28000))
		}
		b = append(b, ' ')
	}
	// downstream local, downstream remote, SNI, route
	if g.gateway {
		b = appendIPPort(b, g.self.ip, 8080)
		b = append(b, ' ')
		b = appendIPPort(b, g.w.nodes[g.r.N(len(g.w.nodes))].ip, 1024+g.r.N(60000))
		b = append(b, " - -\n"...)
	} else {
		b = appendIPPort(b, target.ip, target.port)
		b = append(b, ' ')
		b = appendIPPort(b, g.self.ip, 32768+g.r.N(28000))
		b = append(b, " - default\n"...)
	}
	return b
}

func (g *lineGen) selfService() *service {
	if g.selfSvc != nil {
		return g.selfSvc
	}
	d := g.self.dep
	for _, s := range g.w.byName[d.ns].svcs {
		if s.selector["app"] == d.labels["app"] {
			return s
		}
	}
	return g.targets[0]
}

// writeLog writes n lines spread over the hour before now, streaming
// through a 64 KiB buffer. It returns the bytes written.
func (w *world) writeLog(out io.Writer, p *pod) (int64, [4]int64, error) {
	g := w.newLineGen(p)
	if !g.gateway {
		g.selfSvc = g.selfService() // cache the sidecar's own Service
	}
	bw := bufio.NewWriterSize(out, 1<<20)
	n := p.logLines
	start := w.cfg.Now.Add(-time.Hour).UnixMilli()
	span := float64(time.Hour / time.Millisecond)
	var total int64
	b := g.buf
	for i := int64(0); i < n; i++ {
		ms := start + int64(float64(i)*span/float64(n))
		b = g.line(b[:0], ms)
		total += int64(len(b))
		if _, err := bw.Write(b); err != nil {
			return total, g.uh, err
		}
	}
	return total, g.uh, bw.Flush()
}
