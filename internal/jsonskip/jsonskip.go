// Package jsonskip finds the ends of JSON values without decoding them.
//
// The log scanner (logscan) uses it on its per-line hot path to find a
// few keys of a JSON access-log line in place; everything else reads JSON
// with the encoding/json v2 decoder and its jsontext tokenizer. It stays a
// second JSON reader because the per-line cost decides how fast a bundle
// of JSON access logs is read: walking the members of an Istio JSON log
// line with it runs at about 2.2x the speed of jsontext.Decoder's
// ReadValue walk, both allocation-free (go test -bench on logscan's
// sample line, 2 cores). It checks structure only
// (balanced brackets, terminated strings): whoever decodes a slice it
// returns still validates that slice.
package jsonskip

import "bytes"

// String returns the index of the quote closing a string whose content
// starts at b[i], or -1.
func String(b []byte, i int) int {
	for i < len(b) {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return -1
		}
		e := i + j
		k := e - 1
		for k >= i && b[k] == '\\' {
			k--
		}
		if (e-1-k)%2 == 0 { // even number of backslashes: not escaped
			return e
		}
		i = e + 1
	}
	return -1
}

// Composite skips a balanced object or array starting at b[i] and returns
// the index after it, or -1.
func Composite(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			e := String(b, i+1)
			if e < 0 {
				return -1
			}
			i = e
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
		i++
	}
	return -1
}

// Value skips the value starting at b[i] (string, object, array, number or
// literal) and returns the index after it, or -1.
func Value(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		e := String(b, i+1)
		if e < 0 {
			return -1
		}
		return e + 1
	case '{', '[':
		return Composite(b, i)
	case ',', '}', ']', ':':
		return -1
	}
	j := i
	for j < len(b) && !Space(b[j]) && b[j] != ',' && b[j] != '}' && b[j] != ']' {
		j++
	}
	return j
}

// Space reports whether c is JSON whitespace.
func Space(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// SkipSpace returns the index of the first non-space byte at or after i.
func SkipSpace(b []byte, i int) int {
	for i < len(b) && Space(b[i]) {
		i++
	}
	return i
}
