package logscan

import "bytes"

// FormatHAProxy is HAProxy's httplog and its health-check messages.
const FormatHAProxy Format = "haproxy"

// Symptom kinds of HAProxy lines.
const (
	KindHAProxyNoServer    = "haproxy-nosrv"        // <NOSRV> 503 SC--
	KindHAProxyServerDown  = "haproxy-server-down"  // "Server b/s is DOWN" / "backend b has no server available!"
	KindHAProxyServerAbort = "haproxy-server-abort" // 5xx with termination state SH or SD: the server closed the connection
)

// HAProxy httplog (doc/configuration.txt §8.2.3):
//
//	[syslog prefix] client:port [dd/Mon/yyyy:hh:mm:ss.mmm] frontend backend/server TR/Tw/Tc/Tr/Ta
//	status bytes req_cookie res_cookie termination_state ...
//
// "No server available" renders as server <NOSRV>, status 503 and a
// termination state starting with "SC" (src/http_ana.c). A server that
// closes or resets the connection before its response headers (SH) or
// during its body (SD) leaves a 5xx with that state (doc/configuration.txt
// §8.5, "Session state at disconnection"). Health-check
// messages "Server b/s is DOWN" and "backend b has no server available!"
// are recognised anywhere in a line.
func (s *fileScan) haproxy(l []byte) bool {
	if d := haproxyDate(l); d >= 0 {
		return s.haproxyHTTP(l, d)
	}
	if k := bytes.Index(l, []byte(" has no server available!")); k >= 0 {
		b := bytes.LastIndex(l[:k], []byte("backend "))
		if b < 0 {
			return false
		}
		name := bytes.Trim(l[b+len("backend "):k], "'\"")
		h := hit{kind: KindHAProxyServerDown, format: FormatHAProxy, upstream: name, details: l[b:]}
		s.record(&h)
		return true
	}
	if k := bytes.Index(l, []byte(" is DOWN")); k >= 0 {
		b := bytes.LastIndex(l[:k], []byte("Server "))
		if b < 0 {
			return false
		}
		name := bytes.Trim(l[b+len("Server "):k], "'\"")
		h := hit{kind: KindHAProxyServerDown, format: FormatHAProxy, upstream: name, details: l[b:]}
		if sl := bytes.IndexByte(name, '/'); sl >= 0 {
			h.upstream, h.host = name[:sl], name[sl+1:]
		}
		s.record(&h)
		return true
	}
	return false
}

// haproxyDate returns the index of "[dd/Mon/yyyy:hh:mm:ss.mmm]" in l, or -1.
// The milliseconds tell it apart from nginx's $time_local.
func haproxyDate(l []byte) int {
	off := 0
	for tries := 0; tries < 8; tries++ {
		j := bytes.IndexByte(l[off:], '[')
		if j < 0 {
			return -1
		}
		j += off
		b := l[j+1:]
		if len(b) >= 25 && b[2] == '/' && b[6] == '/' && b[11] == ':' && b[20] == '.' && b[24] == ']' {
			return j
		}
		off = j + 1
	}
	return -1
}

func (s *fileScan) haproxyHTTP(l []byte, d int) bool {
	ts := l[d+1 : d+25]
	i := d + 27
	if i >= len(l) {
		return false
	}
	_, i = token(l, i) // frontend
	bs, i := token(l, skipSpaces(l, i))
	sl := bytes.IndexByte(bs, '/')
	if sl < 0 {
		return false
	}
	timers, i := token(l, skipSpaces(l, i))
	if bytes.IndexByte(timers, '/') < 0 {
		return false
	}
	stTok, i := token(l, skipSpaces(l, i))
	status, ok := atoi(stTok)
	if !ok {
		return false
	}
	server := bs[sl+1:]
	if status < 500 || status > 504 {
		return true
	}
	_, i = token(l, skipSpaces(l, i)) // bytes
	// The captured cookies ("- -") come before the state in httplog;
	// some custom formats leave them out.
	var term []byte
	for k := 0; k < 3 && term == nil; k++ {
		var t []byte
		t, i = token(l, skipSpaces(l, i))
		if isTerminationState(t) {
			term = t
		}
	}
	h := hit{format: FormatHAProxy, upstream: bs[:sl], code: status, details: term}
	switch {
	case status == 503 && string(server) == "<NOSRV>" && bytes.HasPrefix(term, []byte("SC")):
		h.kind = KindHAProxyNoServer
	case string(server) != "<NOSRV>" && (bytes.HasPrefix(term, []byte("SH")) || bytes.HasPrefix(term, []byte("SD"))):
		h.kind = KindHAProxyServerAbort
		h.host = server
	default:
		return true
	}
	h.t, _ = parseCLFTime(ts)
	s.record(&h)
	return true
}

// isTerminationState: a four-character session state such as "SC--",
// "SH--" or "----" (doc/configuration.txt §8.5).
func isTerminationState(t []byte) bool {
	if len(t) != 4 {
		return false
	}
	for _, c := range t {
		if !(c == '-' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
			return false
		}
	}
	return true
}
