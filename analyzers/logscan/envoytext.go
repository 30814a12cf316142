package logscan

import (
	"bytes"
	"math/bits"
)

// FormatEnvoyText is Istio/Envoy's default text access log (every Istio generation).
const FormatEnvoyText Format = "envoy-text"

// Envoy / Istio text access log.
//
// Layouts after `[START_TIME] "REQUEST" CODE FLAGS` (Istio's
// EnvoyTextLogFormat, in pilot/pkg/model/telemetry_logging.go now and in
// older releases' listener.go; Envoy's default format in its
// access_log/usage.rst), indices counted from the field after FLAGS:
//
//	1.9+   details term_details "UTFR" bytes_rx ...           (bytes_rx at 3)
//	1.8    "UTFR" bytes_rx ...                                (bytes_rx at 1)
//	1.2-7  "mixer status" "UTFR" bytes_rx ...                 (bytes_rx at 2)
//	Envoy  bytes_rx bytes_tx duration ust "XFF" ...           (bytes_rx at 0)
//
// From bytes_rx (= base) on every generation agrees: base+7 "AUTHORITY",
// base+8 "UPSTREAM_HOST", base+9 UPSTREAM_CLUSTER, base+14 ROUTE_NAME (absent
// in 1.2 and in the Envoy default). The layout is recognised by where the
// first quoted field after FLAGS is, so no per-version configuration is needed.

const maxFields = 32

type span struct {
	s, e   int32
	quoted bool
}

// envoyText parses one line; false means "not an Envoy text access line".
// Successful requests return after reading the first four fields.
func (s *fileScan) envoyText(l []byte) bool {
	i := 0
	var ts []byte
	if l[0] == '[' {
		j := bytes.IndexByte(l, ']')
		if j < 20 || !looksRFC3339(l[1:j]) || l[11] != 'T' {
			return false
		}
		ts = l[1:j]
		i = j + 1
		if i >= len(l) || l[i] != ' ' {
			return false
		}
		i++
	}
	if i >= len(l) || l[i] != '"' {
		return false
	}
	q := closeQuote(l, i+1)
	if q+2 >= len(l) || l[q+1] != ' ' {
		return false
	}
	i = q + 2
	codeTok, i := token(l, i)
	code, ok := atoi(codeTok)
	if !ok || code > 999 || i >= len(l) {
		return false
	}
	flagTok, i := token(l, i+1)
	mask, ok := parseFlags(flagTok)
	if !ok {
		return false
	}
	if mask == 0 {
		// "-" flags: 1.9+ lines still say no_healthy_upstream/... in the
		// details field right after.
		if len(flagTok) != 1 || i+1 >= len(l) || l[i+1] == '"' {
			return true
		}
		d, _ := token(l, i+1)
		b := detailsFlag(d)
		switch {
		case b >= 0:
			mask = 1 << b
		case directResponse5xx(code, d):
			s.envoyTextFailure(l, ts, code, 0, KindDirectResponse5xx, i+1)
			return true
		default:
			return true
		}
	}
	if i < len(l) {
		i++
	}
	s.envoyTextFailure(l, ts, code, mask, "", i)
	return true
}

// envoyTextFailure tokenizes the rest of a failure line and records one hit
// per symptom flag in mask, or one of kind when kind is set.
func (s *fileScan) envoyTextFailure(l, ts []byte, code int, mask uint32, kind string, i int) {
	var f [maxFields]span
	n := 0
	for n < maxFields {
		i = skipSpaces(l, i)
		if i >= len(l) {
			break
		}
		if l[i] == '"' {
			e := closeQuote(l, i+1)
			f[n] = span{int32(i + 1), int32(e), true}
			i = e + 1
		} else {
			_, e := token(l, i)
			f[n] = span{int32(i), int32(e), false}
			i = e
		}
		n++
	}
	get := func(k int) []byte {
		if k < 0 || k >= n {
			return nil
		}
		return dash(l[f[k].s:f[k].e])
	}
	firstQ := -1
	for k := 0; k < n; k++ {
		if f[k].quoted {
			firstQ = k
			break
		}
	}
	var details, utfr []byte
	base := -1
	switch firstQ {
	case 0: // 1.2-1.8: mixer status and/or UTFR quoted
		if n > 1 && f[1].quoted {
			base, utfr = 2, get(1)
		} else {
			base, utfr = 1, get(0)
		}
	case 2: // 1.9+
		base, details, utfr = 3, get(0), get(2)
	case 4: // Envoy default format, no UTFR
		base = 0
	}
	h := hit{format: FormatEnvoyText, code: code, details: details}
	if len(h.details) == 0 {
		// Pre-1.9 lines have no details; the transport failure reason
		// ("TLS error: ...") is the best explanation they carry.
		h.details = utfr
	}
	if base >= 0 {
		h.authority = get(base + 7)
		h.host = bytes.TrimPrefix(get(base+8), []byte("tcp://"))
		h.upstream = bytes.TrimSuffix(get(base+9), []byte(";"))
		if n > base+14 {
			h.route = get(base + 14)
		}
	}
	if ts != nil {
		h.t, _ = parseRFC3339(ts)
	}
	if kind != "" {
		h.kind = kind
		s.record(&h)
		return
	}
	s.emitFlags(&h, mask)
}

// emitFlags records h once per symptom flag in mask.
func (s *fileScan) emitFlags(h *hit, mask uint32) {
	for mask != 0 {
		b := bits.TrailingZeros32(mask)
		mask &^= 1 << b
		h.kind = flagTable[b]
		s.record(h)
	}
}
