package logscan

import "bytes"

// Line prefixes added by the log pipeline rather than by the proxy. They are
// removed before format detection so that every parser sees the proxy's own
// line.

// tsLen returns the length of an RFC3339 timestamp token at the start of b
// ("2020-11-22T20:04:54.223002528Z"), or 0.
func tsLen(b []byte) int {
	if !looksRFC3339(b) || b[10] != 'T' {
		return 0
	}
	i := 19
	for i < len(b) && b[i] != ' ' && b[i] != '\t' {
		i++
	}
	return i
}

// stripCRI recognises the CRI log file framing written by containerd/CRI-O
// ("<RFC3339Nano> stdout|stderr F|P <content>") and returns the content and
// whether it is a partial ("P") line to be joined with the next.
func stripCRI(l []byte) (content []byte, partial, ok bool) {
	n := tsLen(l)
	if n == 0 || n+10 > len(l) || l[n] != ' ' {
		return nil, false, false
	}
	rest := l[n+1:]
	if !bytes.HasPrefix(rest, []byte("stdout ")) && !bytes.HasPrefix(rest, []byte("stderr ")) {
		return nil, false, false
	}
	rest = rest[7:]
	if len(rest) < 1 || (rest[0] != 'F' && rest[0] != 'P') || (len(rest) > 1 && rest[1] != ' ') {
		return nil, false, false
	}
	partial = rest[0] == 'P'
	if len(rest) > 1 {
		rest = rest[2:]
	} else {
		rest = rest[1:]
	}
	return rest, partial, true
}

// levelWord reports whether b starts with a log level word followed by
// whitespace: then a leading timestamp belongs to the line itself (ztunnel,
// istio-proxy) and must not be stripped.
func levelWord(b []byte) bool {
	i := 0
	for i < len(b) && i < 8 && b[i] != ' ' && b[i] != '\t' {
		i++
	}
	if i == len(b) {
		return false
	}
	switch string(b[:i]) {
	case "trace", "debug", "info", "warn", "warning", "error", "fatal",
		"TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL":
		return true
	}
	return false
}

// stripPrefix removes a `kubectl logs --prefix` tag ("[pod/name/container] ")
// and a docker / `kubectl logs --timestamps` timestamp ("<RFC3339Nano> ").
func stripPrefix(l []byte) []byte {
	if bytes.HasPrefix(l, []byte("[pod/")) {
		if i := bytes.Index(l, []byte("] ")); i > 0 {
			l = l[i+2:]
		}
	}
	if n := tsLen(l); n > 0 && n+1 < len(l) && l[n] == ' ' && l[n+1] != ' ' && l[n+1] != '\t' && !levelWord(l[n+1:]) {
		l = l[n+1:]
	}
	return l
}

// stripWordPrefix removes a prefix of one to three plain words before a
// timestamp, an Envoy "[time]" or a JSON object, as stern or
// `kubectl logs` wrappers print ("ztunnel-lcvtw istio-proxy 2025-04-16T...").
// It returns nil if there is no such prefix. Words contain no ':' or
// brackets, so syslog ("Feb 19 04:13:36 host") and klog lines never match.
func stripWordPrefix(l []byte) []byte {
	i := 0
	for w := 0; w < 3; w++ {
		start := i
		for i < len(l) && isWordByte(l[i]) {
			i++
		}
		if i == start || i >= len(l) || l[i] != ' ' {
			return nil
		}
		i++
		rest := l[i:]
		if len(rest) > 0 && (rest[0] == '{' || tsLen(rest) > 0 || (rest[0] == '[' && tsLen(rest[1:]) > 0)) {
			return rest
		}
	}
	return nil
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-' || c == '_' || c == '.' || c == '/'
}
