package logscan

import (
	"bytes"

	"github.com/nohealthy/nohealthy/internal/jsonskip"
)

// FormatEnvoyJSON is Istio/Envoy's JSON access log.
const FormatEnvoyJSON Format = "envoy-json"

// A minimal, allocation-free scanner over the top-level members of one JSON
// object. Access logs need only a handful of keys, so decoding every line
// with encoding/json would cost allocations and time for nothing. Nested
// objects and arrays are skipped; string values are returned raw (still
// escaped) and unescaped only when a new symptom group keeps them.

type jsonIter struct {
	b     []byte
	i     int
	key   []byte
	val   []byte
	str   bool // val is the content of a JSON string
	err   bool // malformed (or truncated) input stopped the scan
	begun bool
}

func jsonSpace(c byte) bool { return jsonskip.Space(c) }

func (it *jsonIter) ws() {
	for it.i < len(it.b) && jsonSpace(it.b[it.i]) {
		it.i++
	}
}

// next advances to the next top-level member; false at the end or on error.
func (it *jsonIter) next() bool {
	b := it.b
	it.ws()
	if !it.begun {
		if it.i >= len(b) || b[it.i] != '{' {
			it.err = true
			return false
		}
		it.begun = true
		it.i++
		it.ws()
	} else if it.i < len(b) && b[it.i] == ',' {
		it.i++
		it.ws()
	}
	if it.i >= len(b) {
		it.err = true
		return false
	}
	if b[it.i] == '}' {
		return false
	}
	if b[it.i] != '"' {
		it.err = true
		return false
	}
	e := jsonskip.String(b, it.i+1)
	if e < 0 {
		it.err = true
		return false
	}
	it.key = b[it.i+1 : e]
	it.i = e + 1
	it.ws()
	if it.i >= len(b) || b[it.i] != ':' {
		it.err = true
		return false
	}
	it.i++
	it.ws()
	if it.i >= len(b) {
		it.err = true
		return false
	}
	it.str = false
	switch c := b[it.i]; c {
	case '"':
		e := jsonskip.String(b, it.i+1)
		if e < 0 {
			it.err = true
			return false
		}
		it.val, it.str, it.i = b[it.i+1:e], true, e+1
	case '{', '[':
		e := jsonskip.Composite(b, it.i)
		if e < 0 {
			it.err = true
			return false
		}
		it.val, it.i = b[it.i:e], e
	default:
		s := it.i
		for it.i < len(b) && b[it.i] != ',' && b[it.i] != '}' && !jsonSpace(b[it.i]) {
			it.i++
		}
		it.val = b[s:it.i]
		if len(it.val) == 4 && string(it.val) == "null" {
			it.val = nil
		}
	}
	it.ws()
	if it.i < len(b) && b[it.i] != ',' && b[it.i] != '}' {
		it.err = true
		return false
	}
	return true
}

// jsonFields are the values a JSON access line may carry, for both Envoy and
// ztunnel. Spans point into the line.
type jsonFields struct {
	flags, code, details, cluster, host, authority, route, start, utfr []byte
	haveFlags, haveCode                                                bool
	scope, zerr, srcAddr, dstAddr, hbone, service, ztime               []byte
	zt                                                                 bool
}

// jsonLine parses a JSON access line and records it if it is of format
// want. It returns the format the line is in (FormatUnknown if neither).
func (s *fileScan) jsonLine(l []byte, want Format) Format {
	if l[0] != '{' {
		return FormatUnknown
	}
	var f jsonFields
	it := jsonIter{b: l}
	for it.next() {
		v := it.val
		if it.str {
			v = dash(v)
		}
		switch string(it.key) {
		case "response_flags":
			f.flags, f.haveFlags = v, true
		case "response_code":
			f.code, f.haveCode = v, true
		case "response_code_details":
			f.details = v
		case "upstream_cluster":
			f.cluster = v
		case "upstream_host":
			f.host = v
		case "authority", ":authority": // Istio's key, Envoy Gateway's
			f.authority = v
		case "route_name":
			f.route = v
		case "start_time":
			f.start = v
		case "upstream_transport_failure_reason":
			f.utfr = v
		case "scope", "target":
			f.scope = v
		case "error":
			f.zerr = v
		case "src.addr":
			f.srcAddr, f.zt = v, true
		case "dst.addr":
			f.dstAddr, f.zt = v, true
		case "dst.hbone_addr":
			f.hbone, f.zt = v, true
		case "dst.service":
			f.service, f.zt = v, true
		case "time", "timestamp":
			f.ztime = v
		}
	}
	switch {
	case f.haveFlags || f.haveCode:
		if want == FormatEnvoyJSON {
			s.envoyJSON(&f)
		}
		return FormatEnvoyJSON
	case f.zt || string(f.scope) == "access":
		if want == FormatZtunnel {
			s.ztunnelEvent(f.ztime, f.zerr, f.service, f.hbone, f.dstAddr, true)
		}
		return FormatZtunnel
	}
	return FormatUnknown
}

func (s *fileScan) envoyJSON(f *jsonFields) {
	mask, ok := parseFlags(f.flags)
	if !ok && len(f.flags) == 0 {
		mask, ok = 0, true
	}
	if !ok {
		return
	}
	kind := ""
	if mask == 0 {
		b := detailsFlag(f.details)
		switch {
		case b >= 0:
			mask = 1 << b
		case string(f.details) == directResponseDetails:
			kind = KindDirectResponse5xx // a 5xx only: checked below
		default:
			return
		}
	}
	code, _ := atoi(f.code)
	if kind != "" && !directResponse5xx(code, f.details) {
		return
	}
	h := hit{
		format:    FormatEnvoyJSON,
		code:      code,
		upstream:  bytes.TrimSuffix(f.cluster, []byte(";")), // Istio 1.24 alt_stat_name (istio/istio#54219)
		host:      bytes.TrimPrefix(f.host, []byte("tcp://")),
		authority: f.authority,
		route:     f.route,
		details:   f.details,
		unescape:  unescapeJSON,
	}
	if len(h.details) == 0 {
		h.details = f.utfr
	}
	if len(f.start) > 0 {
		h.t, _ = parseRFC3339(f.start)
	}
	if kind != "" {
		h.kind = kind
		s.record(&h)
		return
	}
	s.emitFlags(&h, mask)
}
