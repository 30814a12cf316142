package logscan

import (
	"bytes"
	"math"
	"strconv"
	"time"
)

// LineTime returns the time a log line says it was written, for any line
// a container may print, not only the formats this package parses:
//
//   - a leading RFC 3339 timestamp (kubelet's --timestamps prefix, the CRI
//     log framing, ztunnel and istio-proxy's own lines);
//   - one in square brackets at the start (Envoy's default access log);
//   - a leading "YYYY/MM/DD HH:MM:SS" (nginx's error log);
//   - in a JSON line, the first of the members start_time, time,
//     timestamp, @timestamp, ts: an RFC 3339 string, or a number of
//     seconds since the epoch (zap's "ts");
//   - a "[dd/Mon/yyyy:hh:mm:ss ±zzzz]" field (ingress-nginx's access log,
//     HAProxy's accept date).
//
// ok is false when the line carries none of these. Lines without a year
// (syslog, klog) are not dated. It does not allocate.
func LineTime(line []byte) (t time.Time, ok bool) {
	line = bytes.TrimLeft(line, " \t")
	if n := tsLen(line); n > 0 {
		if t, ok := parseRFC3339(line[:n]); ok {
			return t, true
		}
	}
	if len(line) > 0 && line[0] == '[' {
		if end := bytes.IndexByte(line, ']'); end > 0 {
			if t, ok := parseRFC3339(line[1:end]); ok {
				return t, true
			}
		}
	}
	if t, ok := parseNginxTime(line); ok {
		return t, true
	}
	if len(line) > 0 && line[0] == '{' {
		if t, ok := jsonLineTime(line); ok {
			return t, true
		}
	}
	for i := 0; i < len(line); {
		j := bytes.IndexByte(line[i:], '[')
		if j < 0 {
			break
		}
		i += j + 1
		end := bytes.IndexByte(line[i:], ']')
		if end < 0 {
			break
		}
		if t, ok := parseCLFTime(line[i : i+end]); ok {
			return t, true
		}
	}
	return time.Time{}, false
}

// jsonLineTime reads the time members of a JSON log line.
func jsonLineTime(line []byte) (time.Time, bool) {
	it := jsonIter{b: line}
	for it.next() {
		switch string(it.key) {
		case "start_time", "time", "timestamp", "@timestamp", "ts":
		default:
			continue
		}
		if it.str {
			if t, ok := parseRFC3339(it.val); ok {
				return t, true
			}
			continue
		}
		if f, err := strconv.ParseFloat(string(it.val), 64); err == nil && f > 0 && f < 1e11 {
			// A float64 holds such a time to the microsecond, no finer.
			sec, frac := math.Modf(f)
			return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1000).UTC(), true
		}
	}
	return time.Time{}, false
}
