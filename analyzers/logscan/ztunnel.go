package logscan

import (
	"bytes"

	"github.com/nohealthy/nohealthy/internal/jsonskip"
)

// FormatZtunnel is ztunnel's access log (Istio ambient), text or JSON.
const FormatZtunnel Format = "ztunnel"

// Symptom kinds of ztunnel lines, by their error= text (ztunnel src/proxy.rs Error strings).
const (
	KindZtunnelNoHealthy    = "ztunnel-no-healthy-upstream"
	KindZtunnelReset        = "ztunnel-reset"         // connection reset by peer / io error / receive/send errors
	KindZtunnelTimeout      = "ztunnel-timeout"       // "connection timed out, maybe a NetworkPolicy is blocking HBONE port 15008"
	KindZtunnelDNS          = "ztunnel-dns"           // dns errors
	KindZtunnelPolicyDenied = "ztunnel-policy-denied" // connection closed due to policy rejection
	KindZtunnelError        = "ztunnel-error"         // any other error= text
)

// ztunnel (Istio ambient) access logs, text form:
//
//	<RFC3339>\t<level>\t<target>\t<message>\t<k=v k=v ...>
//
// The published samples also render the tabs as runs of spaces, and the
// README uses "<ts>  INFO access: <message> ..."; any whitespace run is
// accepted. Only targets "access" and "dns" are ztunnel's: pilot-agent and
// istio-proxy use the same line shape with other targets.
func (s *fileScan) ztunnelText(l []byte) bool {
	n := tsLen(l)
	if n == 0 || n >= len(l) {
		return false
	}
	i := skipSpaces(l, n)
	if i == n {
		return false
	}
	i = skipWord(l, i) // level
	j := skipSpaces(l, i)
	if j == i {
		return false
	}
	k := skipWord(l, j)
	target := bytes.TrimSuffix(l[j:k], []byte(":"))
	if !bytes.Equal(target, []byte("access")) && !bytes.Equal(target, []byte("dns")) && !bytes.HasPrefix(target, []byte("access:")) {
		return false
	}
	rest := l[k:]
	// Fast path: successful connections carry no error= field.
	e := findField(rest, []byte("error="))
	if e < 0 {
		return true
	}
	var zerr, service, hbone, dst []byte
	p := 0
	for p < len(rest) {
		p = skipSpaces(rest, p)
		ks := p
		for p < len(rest) && rest[p] != '=' && rest[p] != ' ' && rest[p] != '\t' {
			p++
		}
		if p >= len(rest) {
			break
		}
		if rest[p] != '=' {
			continue // a word of the message
		}
		key := rest[ks:p]
		p++
		var val []byte
		if p < len(rest) && rest[p] == '"' {
			q := jsonskip.String(rest, p+1)
			if q < 0 {
				val, p = rest[p+1:], len(rest)
			} else {
				val, p = rest[p+1:q], q+1
			}
		} else {
			vs := p
			for p < len(rest) && rest[p] != ' ' && rest[p] != '\t' {
				p++
			}
			val = rest[vs:p]
		}
		switch string(key) {
		case "error":
			zerr = val
		case "dst.service":
			service = val
		case "dst.hbone_addr":
			hbone = val
		case "dst.addr":
			dst = val
		}
	}
	s.ztunnelEvent(l[:n], zerr, service, hbone, dst, false)
	return true
}

func skipWord(b []byte, i int) int {
	for i < len(b) && b[i] != ' ' && b[i] != '\t' {
		i++
	}
	return i
}

// findField returns the index of key in b where it starts a field (preceded
// by whitespace), or -1.
func findField(b, key []byte) int {
	off := 0
	for {
		j := bytes.Index(b[off:], key)
		if j < 0 {
			return -1
		}
		j += off
		if j == 0 || b[j-1] == ' ' || b[j-1] == '\t' {
			return j
		}
		off = j + 1
	}
}

// ztunnelKind classifies an error= text (ztunnel src/proxy.rs Error strings).
func ztunnelKind(e []byte) string {
	switch {
	case bytes.HasPrefix(e, []byte("no healthy upstream")):
		return KindZtunnelNoHealthy
	case bytes.Contains(e, []byte("connection timed out")):
		return KindZtunnelTimeout
	case bytes.HasPrefix(e, []byte("dns")):
		return KindZtunnelDNS
	case bytes.Contains(e, []byte("policy rejection")):
		return KindZtunnelPolicyDenied
	case bytes.Contains(e, []byte("connection reset by peer")), bytes.Contains(e, []byte("Connection reset by peer")),
		bytes.HasPrefix(e, []byte("io error")), bytes.HasPrefix(e, []byte("receive:")), bytes.HasPrefix(e, []byte("send:")),
		bytes.HasPrefix(e, []byte("destination disconnected")):
		return KindZtunnelReset
	}
	return KindZtunnelError
}

// ztunnelEvent records a ztunnel failure (no-op when zerr is empty).
func (s *fileScan) ztunnelEvent(ts, zerr, service, hbone, dst []byte, json bool) {
	zerr = dash(zerr)
	if len(zerr) == 0 {
		return
	}
	h := hit{kind: ztunnelKind(zerr), format: FormatZtunnel, details: zerr, unescape: unescapeDebug}
	if json {
		h.unescape = unescapeJSON
	}
	service, hbone, dst = dash(service), dash(hbone), dash(dst)
	switch {
	case len(service) > 0:
		h.upstream = service
		h.host = hbone
		if len(h.host) == 0 {
			h.host = dst
		}
	case len(hbone) > 0:
		h.upstream, h.host = hbone, dst
	default:
		h.upstream = dst
	}
	if bytes.Equal(h.host, h.upstream) {
		h.host = nil
	}
	h.t, _ = parseRFC3339(ts)
	s.record(&h)
}
