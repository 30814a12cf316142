package logscan

import (
	"bytes"
	"encoding/json"
	"time"
)

// Small allocation-free helpers used on the hot path. They work on byte
// slices of the current line and never convert to string, so a successful
// line costs no allocation.

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// d2 parses two ASCII digits; ok is false if either is not a digit.
func d2(b []byte) (int, bool) {
	if len(b) < 2 || !isDigit(b[0]) || !isDigit(b[1]) {
		return 0, false
	}
	return int(b[0]-'0')*10 + int(b[1]-'0'), true
}

func d4(b []byte) (int, bool) {
	h, ok1 := d2(b)
	if !ok1 || len(b) < 4 {
		return 0, false
	}
	l, ok2 := d2(b[2:])
	return h*100 + l, ok2
}

// atoi parses a non-empty run of ASCII digits (at most 9, enough for any
// status code or errno we read).
func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// dash maps the "-" placeholder (unset value in every proxy log format) to empty.
func dash(b []byte) []byte {
	if len(b) == 1 && b[0] == '-' {
		return nil
	}
	return b
}

// looksRFC3339 is a cheap shape check for "YYYY-MM-DDTHH:MM:SS".
func looksRFC3339(b []byte) bool {
	return len(b) >= 19 && isDigit(b[0]) && isDigit(b[3]) && b[4] == '-' && b[7] == '-' &&
		(b[10] == 'T' || b[10] == ' ') && b[13] == ':' && b[16] == ':'
}

func validDate(mo, d, h, mi, s int) bool {
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60
}

// parseFrac parses ".ddd" at b[i:] and returns nanoseconds and the new index.
func parseFrac(b []byte, i int) (int, int) {
	if i >= len(b) || b[i] != '.' {
		return 0, i
	}
	i++
	ns, scale := 0, 100000000
	for i < len(b) && isDigit(b[i]) {
		ns += int(b[i]-'0') * scale
		scale /= 10
		i++
	}
	return ns, i
}

// parseZone parses "Z", "+hh:mm", "+hhmm" or "+hh" at b[i:] and returns the
// offset in seconds east of UTC.
func parseZone(b []byte, i int) (int, int, bool) {
	if i >= len(b) {
		return 0, i, true
	}
	switch b[i] {
	case 'Z', 'z':
		return 0, i + 1, true
	case '+', '-':
		sign := 1
		if b[i] == '-' {
			sign = -1
		}
		hh, ok := d2(b[i+1:])
		if !ok {
			return 0, i, false
		}
		i += 3
		mm := 0
		if i < len(b) && b[i] == ':' {
			i++
		}
		if v, ok := d2(b[i:]); ok {
			mm = v
			i += 2
		}
		return sign * (hh*3600 + mm*60), i, true
	}
	return 0, i, true
}

// parseRFC3339 parses "YYYY-MM-DDTHH:MM:SS[.frac][Z|±hh:mm|±hhmm]" (a space
// instead of T is accepted) into UTC without allocating: time.Parse would
// need a string, and a FixedZone would allocate, so the offset is applied
// arithmetically instead.
func parseRFC3339(b []byte) (time.Time, bool) {
	if !looksRFC3339(b) {
		return time.Time{}, false
	}
	y, mo, d, h, mi, s, ok := dateTime(b)
	if !ok {
		return time.Time{}, false
	}
	ns, i := parseFrac(b, 19)
	off, i, ok := parseZone(b, i)
	if !ok || i != len(b) {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, ns, time.UTC)
	if off != 0 {
		t = t.Add(-time.Duration(off) * time.Second)
	}
	return t, true
}

// dateTime reads the fields of "YYYY?MM?DD?HH?MM?SS" (any separators, the
// caller checked them) and validates them.
func dateTime(b []byte) (y, mo, d, h, mi, s int, ok bool) {
	y, ok1 := d4(b)
	mo, ok2 := d2(b[5:])
	d, ok3 := d2(b[8:])
	h, ok4 := d2(b[11:])
	mi, ok5 := d2(b[14:])
	s, ok6 := d2(b[17:])
	ok = ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && validDate(mo, d, h, mi, s)
	return y, mo, d, h, mi, s, ok
}

// parseNginxTime parses "YYYY/MM/DD HH:MM:SS" (nginx error log, local time
// without zone; taken as UTC).
func parseNginxTime(b []byte) (time.Time, bool) {
	if len(b) < 19 || b[4] != '/' || b[7] != '/' || b[10] != ' ' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	y, mo, d, h, mi, s, ok := dateTime(b)
	if !ok {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC), true
}

func monthOf(b []byte) int {
	if len(b) < 3 {
		return 0
	}
	switch string(b[:3]) { // no allocation: switch on converted slice
	case "Jan":
		return 1
	case "Feb":
		return 2
	case "Mar":
		return 3
	case "Apr":
		return 4
	case "May":
		return 5
	case "Jun":
		return 6
	case "Jul":
		return 7
	case "Aug":
		return 8
	case "Sep":
		return 9
	case "Oct":
		return 10
	case "Nov":
		return 11
	case "Dec":
		return 12
	}
	return 0
}

// parseCLFTime parses "dd/Mon/yyyy:hh:mm:ss[.mmm][ ±zzzz]" (nginx $time_local,
// HAProxy %tr). Without a zone the time is taken as UTC.
func parseCLFTime(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' || b[17] != ':' {
		return time.Time{}, false
	}
	d, ok1 := d2(b)
	mo := monthOf(b[3:])
	y, ok2 := d4(b[7:])
	h, ok3 := d2(b[12:])
	mi, ok4 := d2(b[15:])
	s, ok5 := d2(b[18:])
	if !(ok1 && ok2 && ok3 && ok4 && ok5) || !validDate(mo, d, h, mi, s) {
		return time.Time{}, false
	}
	ns, i := parseFrac(b, 20)
	off := 0
	if i < len(b) && b[i] == ' ' {
		o, j, ok := parseZone(b, i+1)
		if !ok {
			return time.Time{}, false
		}
		off, i = o, j
	}
	if i != len(b) {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, ns, time.UTC)
	if off != 0 {
		t = t.Add(-time.Duration(off) * time.Second)
	}
	return t, true
}

// closeQuote returns the index of the quote that closes a quoted field whose
// content starts at b[i]: the first '"' followed by a space or the end of
// line. Envoy and nginx do not escape quotes consistently, so "quote then
// separator" is the most robust end marker. An unterminated field (truncated
// line) ends at len(b).
func closeQuote(b []byte, i int) int {
	for i < len(b) {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return len(b)
		}
		i += j
		if i+1 == len(b) || b[i+1] == ' ' || b[i+1] == '\t' {
			return i
		}
		i++
	}
	return len(b)
}

// token returns the run of non-space bytes at b[i:] and the index after it.
func token(b []byte, i int) ([]byte, int) {
	j := bytes.IndexByte(b[i:], ' ')
	if j < 0 {
		return b[i:], len(b)
	}
	return b[i : i+j], i + j
}

func skipSpaces(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}

// unescapeJSON turns the raw content of a JSON string into its value. It is
// only called when a new symptom group is created, so the allocation is fine.
func unescapeJSON(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw)
	}
	var s string
	q := make([]byte, 0, len(raw)+2)
	q = append(append(append(q, '"'), raw...), '"')
	if err := json.Unmarshal(q, &s); err != nil {
		return string(raw)
	}
	return s
}

// unescapeDebug undoes Rust Debug string escaping (ztunnel field values).
func unescapeDebug(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw)
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if raw[i] == '\\' && i+1 < len(raw) {
			i++
			switch raw[i] {
			case 'n':
				out = append(out, '\n')
			case 't':
				out = append(out, '\t')
			default:
				out = append(out, raw[i])
			}
			continue
		}
		out = append(out, raw[i])
	}
	return string(out)
}
