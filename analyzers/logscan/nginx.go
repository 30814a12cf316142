package logscan

import (
	"bytes"
)

// Formats of nginx and ingress-nginx.
const (
	FormatNginxError    Format = "nginx-error"              // nginx error log
	FormatIngressAccess Format = "ingress-nginx"            // ingress-nginx access log (log-format-upstream), nginx combined
	FormatIngressCtrl   Format = "ingress-nginx-controller" // klog lines of the controller ("does not have any active Endpoint")
)

// Symptom kinds of nginx and ingress-nginx lines.
const (
	KindNginxNoLiveUpstreams = "nginx-no-live-upstreams" // "no live upstreams while connecting to upstream"
	KindNginxConnectRefused  = "nginx-connect-refused"   // connect() failed (111: Connection refused)
	KindNginxConnectFailed   = "nginx-connect-failed"    // connect() failed, other errno (113 no route, ...)
	KindNginxUpstreamTimeout = "nginx-upstream-timeout"  // upstream timed out (110: ...)
	KindNginxUpstreamReset   = "nginx-upstream-reset"    // upstream prematurely closed connection / recv() failed (104: ...) from upstream
	KindNginxResolveFailed   = "nginx-resolve-failed"    // "could not be resolved"
	KindIngress503           = "ingress-503"             // ingress-nginx access line 503 with no upstream contacted
	KindIngress502           = "ingress-502"             // ingress-nginx access line 502/504 after upstream tries
	KindIngressNoEndpoints   = "ingress-no-endpoints"    // controller: Service "ns/name" does not have any active Endpoint.
)

// nginx error log:
//
//	YYYY/MM/DD HH:MM:SS [level] pid#tid: *cid message, client: ..., upstream: "...", host: "..."
//
// (src/core/ngx_log.c). The time is local time without a zone and is taken
// as UTC. Lines quoted without the time ("[error] 117#117: ...") are accepted.
func (s *fileScan) nginxError(l []byte) bool {
	i := 0
	var ts []byte
	if len(l) > 20 && isDigit(l[0]) && l[4] == '/' {
		if l[19] != ' ' {
			return false
		}
		ts, i = l[:19], 20
	}
	if i >= len(l) || l[i] != '[' {
		return false
	}
	j := bytes.IndexByte(l[i:], ']')
	if j < 0 || !nginxLevel(l[i+1:i+j]) {
		return false
	}
	i += j + 1
	if i >= len(l) || l[i] != ' ' {
		return false
	}
	i++
	// pid#tid:
	p := i
	for i < len(l) && isDigit(l[i]) {
		i++
	}
	if i == p || i >= len(l) || l[i] != '#' {
		return false
	}
	i++
	p = i
	for i < len(l) && isDigit(l[i]) {
		i++
	}
	if i == p || i+1 >= len(l) || l[i] != ':' || l[i+1] != ' ' {
		return false
	}
	i += 2
	if i < len(l) && l[i] == '*' {
		for i++; i < len(l) && isDigit(l[i]); i++ {
		}
		i = skipSpaces(l, i)
	}
	msg := l[i:]
	var kind string
	var name []byte
	switch {
	case bytes.HasPrefix(msg, []byte("no live upstreams")):
		kind = KindNginxNoLiveUpstreams
	case bytes.HasPrefix(msg, []byte("connect() failed (")):
		kind = KindNginxConnectFailed
		if bytes.HasPrefix(msg[len("connect() failed ("):], []byte("111:")) {
			kind = KindNginxConnectRefused
		}
	case bytes.HasPrefix(msg, []byte("upstream timed out (")):
		kind = KindNginxUpstreamTimeout
	case bytes.HasPrefix(msg, []byte("upstream prematurely closed connection")), upstreamReset(msg):
		kind = KindNginxUpstreamReset
	default:
		k := bytes.Index(msg, []byte(" could not be resolved"))
		if k < 0 {
			return true
		}
		kind = KindNginxResolveFailed
		st := bytes.LastIndexByte(msg[:k], ' ') + 1
		name = msg[st:k]
	}
	h := hit{kind: kind, format: FormatNginxError}
	h.upstream = quotedAfter(msg, []byte(", upstream: \""))
	if len(h.upstream) == 0 {
		h.upstream = name
	}
	h.authority = quotedAfter(msg, []byte(", host: \""))
	h.details = msg
	if c := bytes.Index(msg, []byte(", client: ")); c >= 0 {
		h.details = msg[:c]
	}
	if ts != nil {
		h.t, _ = parseNginxTime(ts)
	}
	s.record(&h)
	return true
}

// upstreamReset: the upstream reset the connection after it was
// established, "recv() failed (104: Connection reset by peer) while
// reading response header from upstream" (also readv/writev/send; 104 is
// ECONNRESET), as opposed to a client resetting its own connection.
func upstreamReset(msg []byte) bool {
	i := bytes.Index(msg, []byte(" failed (104: "))
	if i < 0 || i > 16 {
		return false
	}
	if c := bytes.Index(msg, []byte(", client: ")); c >= 0 {
		msg = msg[:c]
	}
	return bytes.HasSuffix(msg, []byte(" upstream"))
}

func nginxLevel(b []byte) bool {
	switch string(b) {
	case "emerg", "alert", "crit", "error", "warn", "notice", "info", "debug":
		return true
	}
	return false
}

// quotedAfter returns the quoted value following marker (which ends with the
// opening quote), or nil.
func quotedAfter(b, marker []byte) []byte {
	k := bytes.Index(b, marker)
	if k < 0 {
		return nil
	}
	v := b[k+len(marker):]
	if e := bytes.IndexByte(v, '"'); e >= 0 {
		v = v[:e]
	}
	return v
}

// ingress-nginx access log, default log-format-upstream (upstreaminfo):
//
//	$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer"
//	"$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name]
//	$upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id
//
// The upstream_* fields are ", "-separated lists when several upstreams were
// tried. Plain nginx "combined" lines (which end after the user agent) are
// accepted too: they still tell 502/503/504.
func (s *fileScan) ingressAccess(l []byte) bool {
	sp := bytes.IndexByte(l, ' ')
	if sp <= 0 || !bytes.HasPrefix(l[sp:], []byte(" - ")) {
		return false
	}
	_, i := token(l, sp+3)
	if i+2 >= len(l) || l[i+1] != '[' {
		return false
	}
	i += 2
	te := bytes.IndexByte(l[i:], ']')
	if te < 20 || l[i+2] != '/' || l[i+6] != '/' {
		return false
	}
	ts := l[i : i+te]
	i += te + 1
	if i+2 >= len(l) || l[i] != ' ' || l[i+1] != '"' {
		return false
	}
	q := closeQuote(l, i+2)
	if q+2 >= len(l) {
		return false
	}
	stTok, i := token(l, q+2)
	status, ok := atoi(stTok)
	if !ok {
		return false
	}
	if status < 502 || status > 504 {
		return true
	}
	// Failure: read the remaining fields.
	_, i = token(l, skipSpaces(l, i)) // body_bytes_sent
	var quoted int
	for quoted < 2 {
		i = skipSpaces(l, i)
		if i >= len(l) || l[i] != '"' {
			break
		}
		i = closeQuote(l, i+1) + 1
		quoted++
	}
	h := hit{format: FormatIngressAccess, code: status}
	h.t, _ = parseCLFTime(ts)
	i = skipSpaces(l, i)
	combined := quoted < 2 || i >= len(l) || l[i] == '"'
	if !combined {
		_, i = token(l, i)                // request_length
		_, i = token(l, skipSpaces(l, i)) // request_time
		name, j := bracket(l, skipSpaces(l, i))
		_, j = bracket(l, skipSpaces(l, j)) // alternative upstream
		h.upstream = dash(name)
		first, last, j := list(l, skipSpaces(l, j))
		h.host = dash(last)
		_, _, j = list(l, skipSpaces(l, j)) // upstream_response_length
		_, _, j = list(l, skipSpaces(l, j)) // upstream_response_time
		ss := skipSpaces(l, j)
		_, _, se := list(l, ss)
		if ss < se {
			h.details = dash(l[ss:se])
		}
		noUpstream := len(dash(first)) == 0
		switch {
		case status == 503 && noUpstream:
			h.kind = KindIngress503
		case status == 502 || status == 504:
			h.kind = KindIngress502
		default:
			return true // 503 answered by the upstream itself
		}
	} else if status == 503 {
		h.kind = KindIngress503
	} else {
		h.kind = KindIngress502
	}
	s.record(&h)
	return true
}

// bracket reads "[value]" at b[i:].
func bracket(b []byte, i int) ([]byte, int) {
	if i >= len(b) || b[i] != '[' {
		return nil, i
	}
	e := bytes.IndexByte(b[i:], ']')
	if e < 0 {
		return b[i+1:], len(b)
	}
	return b[i+1 : i+e], i + e + 1
}

// list reads a ", "-separated nginx variable list ("a, b, c") at b[i:] and
// returns its first and last element and the index after it.
func list(b []byte, i int) (first, last []byte, end int) {
	t, j := token(b, i)
	first = bytes.TrimSuffix(t, []byte(","))
	last = first
	for len(t) > 0 && t[len(t)-1] == ',' && j < len(b) {
		t, j = token(b, j+1)
		last = bytes.TrimSuffix(t, []byte(","))
	}
	return first, last, j
}

// klog lines of the ingress-nginx controller:
//
//	W1214 11:11:46.559640       7 controller.go:937] Service "ns/name" does not have any active Endpoint.
//
// klog carries no year, so these symptoms have no time.
func (s *fileScan) klog(l []byte) bool {
	if len(l) < 22 || (l[0] != 'I' && l[0] != 'W' && l[0] != 'E' && l[0] != 'F') || l[5] != ' ' || l[8] != ':' || l[11] != ':' {
		return false
	}
	if _, ok := d4(l[1:]); !ok {
		return false
	}
	j := bytes.Index(l, []byte("] "))
	if j < 0 {
		return false
	}
	msg := l[j+2:]
	var name []byte
	if bytes.HasPrefix(msg, []byte(`Service "`)) {
		rest := msg[len(`Service "`):]
		e := bytes.IndexByte(rest, '"')
		if e < 0 || !bytes.HasPrefix(rest[e:], []byte(`" does not have any active Endpoint`)) {
			return true
		}
		name = rest[:e]
	} else if k := bytes.Index(msg, []byte(`Error obtaining Endpoints for Service "`)); k >= 0 {
		rest := msg[k+len(`Error obtaining Endpoints for Service "`):]
		e := bytes.IndexByte(rest, '"')
		if e < 0 {
			return true
		}
		name = rest[:e]
	} else {
		return true
	}
	h := hit{kind: KindIngressNoEndpoints, format: FormatIngressCtrl, upstream: name, details: msg}
	s.record(&h)
	return true
}
