package logscan

import "bytes"

// FormatTraefik is Traefik's access log, in its common log format or JSON.
const FormatTraefik Format = "traefik"

// Symptom kinds of Traefik access lines.
const (
	KindTraefikNoServer   = "traefik-no-available-server" // 503, no server picked: "no available server"
	KindTraefikBadGateway = "traefik-bad-gateway"         // 502 from the server picked: refused, reset, EOF
	KindTraefikTimeout    = "traefik-gateway-timeout"     // 504: the server picked did not answer in time
	KindTraefikNoRouter   = "traefik-no-router"           // 404 answered by Traefik: no router matched
)

// Traefik's access log (pkg/middlewares/accesslog: logger_formatters.go,
// logdata.go). The common log format, CommonLogFormatter:
//
//	ClientHost - ClientUsername [StartUTC] "Method Path Protocol" DownstreamStatus
//	DownstreamContentSize "Referer" "User-Agent" RequestCount "RouterName" "ServiceURL" Nms
//
// an unset field printed "-" (quoted where quoted). The JSON format is one
// object per line with the keys of logdata.go: DownstreamStatus,
// OriginStatus, RouterName, ServiceName, ServiceURL, ServiceAddr,
// RequestHost, StartUTC, ...
//
// Which lines are failures (pkg/server/service/loadbalancer, pkg/proxy/
// httputil.ComputeStatusCode): a load balancer with no server to pick
// answers 503 "no available server" before any ServiceURL is set; a
// connection that fails after a server was picked is 502 (refused, reset,
// EOF) or 504 (a timeout); a request no router matches is Traefik's own
// 404, logged without RouterName. A 503 with a ServiceURL is the server's
// own answer, not Traefik's.
func (s *fileScan) traefik(l []byte) bool {
	if l[0] == '{' {
		return s.traefikJSON(l)
	}
	return s.traefikCLF(l)
}

// traefikCLF reads a common-log-format line; false when l is not one.
func (s *fileScan) traefikCLF(l []byte) bool {
	sp := bytes.IndexByte(l, ' ')
	if sp <= 0 || !bytes.HasPrefix(l[sp:], []byte(" - ")) {
		return false
	}
	_, i := token(l, sp+3) // ClientUsername
	if i+2 >= len(l) || l[i+1] != '[' {
		return false
	}
	i += 2
	te := bytes.IndexByte(l[i:], ']')
	if te < 0 {
		return false
	}
	ts := l[i : i+te]
	i += te + 1
	if i+2 >= len(l) || l[i] != ' ' || l[i+1] != '"' {
		return false
	}
	q := escapedQuoteEnd(l, i+2) // the request's closing quote
	if q >= len(l) {
		return false
	}
	stTok, i := token(l, skipSpaces(l, q+1))
	status, ok := atoi(stTok)
	if !ok && string(stTok) != "-" {
		return false
	}
	_, i = token(l, skipSpaces(l, i)) // DownstreamContentSize
	var f [5][]byte                   // Referer, User-Agent, RequestCount, RouterName, ServiceURL
	for k := range f {
		if f[k], i = field(l, skipSpaces(l, i)); f[k] == nil {
			return false
		}
	}
	dur, i := token(l, skipSpaces(l, i))
	if i != len(l) || !millis(dur) {
		return false // the duration "Nms" ends every line; nginx's combined lines have none
	}
	if _, ok := atoi(f[2]); !ok && string(f[2]) != "-" {
		return false
	}
	h := hit{format: FormatTraefik, code: status, upstream: unquote(f[3]), host: unquote(f[4])}
	if !h.traefikKind(len(h.host) > 0, len(h.upstream) > 0) {
		return true
	}
	h.t, _ = parseCLFTime(ts)
	h.host = stripScheme(h.host)
	s.record(&h)
	return true
}

// traefikJSON reads a JSON line; false when it has no DownstreamStatus.
func (s *fileScan) traefikJSON(l []byte) bool {
	var status, origin, router, service, url, addr, host, start []byte
	seen := false
	it := jsonIter{b: l}
	for it.next() {
		switch string(it.key) {
		case "DownstreamStatus":
			status, seen = it.val, true
		case "OriginStatus":
			origin = it.val
		case "RouterName":
			router = it.val
		case "ServiceName":
			service = it.val
		case "ServiceURL":
			url = it.val
		case "ServiceAddr":
			addr = it.val
		case "RequestHost":
			host = it.val
		case "StartUTC":
			start = it.val
		}
	}
	if !seen {
		return false
	}
	code, ok := atoi(status)
	if !ok {
		return true
	}
	h := hit{format: FormatTraefik, code: code, upstream: service, authority: host, unescape: unescapeJSON}
	if len(h.upstream) == 0 {
		h.upstream = router
	}
	h.host = addr
	if len(h.host) == 0 {
		h.host = stripScheme(url)
	}
	picked := len(url) > 0 || len(addr) > 0
	if o, ok := atoi(origin); ok && o != 0 {
		picked = true // the server answered
	}
	if !h.traefikKind(picked, len(router) > 0) {
		return true
	}
	if len(start) > 0 {
		h.t, _ = parseRFC3339(start)
	}
	s.record(&h)
	return true
}

// traefikKind sets h.kind from the status, whether a server was picked
// (a ServiceURL, ServiceAddr or OriginStatus is logged) and whether a
// router matched; false when the line is no failure.
func (h *hit) traefikKind(picked, routed bool) bool {
	switch {
	case h.code == 503 && !picked:
		h.kind = KindTraefikNoServer
	case h.code == 502 && picked:
		h.kind = KindTraefikBadGateway
	case h.code == 504 && picked:
		h.kind = KindTraefikTimeout
	case h.code == 404 && !routed && !picked:
		h.kind = KindTraefikNoRouter
	default:
		return false
	}
	return true
}

// field reads a quoted field (its quotes kept) or a token at b[i:]; nil
// at the end of the line.
func field(b []byte, i int) ([]byte, int) {
	if i >= len(b) {
		return nil, i
	}
	if b[i] == '"' {
		q := escapedQuoteEnd(b, i+1)
		if q >= len(b) {
			return nil, len(b)
		}
		return b[i : q+1], q + 1
	}
	return token(b, i)
}

// escapedQuoteEnd is closeQuote for Traefik, which writes a quote inside
// a field as \" (toLogEntry): the closing quote is the first one not
// escaped and followed by a space or the end of the line.
func escapedQuoteEnd(b []byte, i int) int {
	for i < len(b) {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return len(b)
		}
		i += j
		if b[i-1] != '\\' && (i+1 == len(b) || b[i+1] == ' ') {
			return i
		}
		i++
	}
	return len(b)
}

// unquote drops a field's quotes and maps "-" to empty.
func unquote(b []byte) []byte {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		b = b[1 : len(b)-1]
	}
	return dash(b)
}

// millis reports whether b is a whole number of milliseconds: "12ms".
func millis(b []byte) bool {
	n, ok := bytes.CutSuffix(b, []byte("ms"))
	_, isNum := atoi(n)
	return ok && isNum
}

// stripScheme turns "http://10.0.0.3:8080/x" into "10.0.0.3:8080".
func stripScheme(u []byte) []byte {
	if k := bytes.Index(u, []byte("://")); k >= 0 {
		u = u[k+3:]
	}
	if k := bytes.IndexByte(u, '/'); k >= 0 {
		u = u[:k]
	}
	return u
}
