package logscan

import "bytes"

// DetectFormat returns the format that most of the given lines are in, after
// removing pipeline prefixes (CRI framing, docker/kubectl timestamps,
// `kubectl logs --prefix`). Lines that match no format (pilot-agent or Envoy
// startup messages, application output) are skipped, so a file that starts
// with startup noise is still detected from its first access lines. Ties go
// to the format seen first.
func DetectFormat(lines [][]byte) Format {
	s := newFileScan(Origin{}, DefaultMaxLineBytes)
	s.noSide = true
	for _, l := range lines {
		l = bytes.TrimRight(l, "\r\n")
		if len(l) > s.maxLine {
			l = l[:s.maxLine]
		}
		s.handle(l)
	}
	return s.fileStats().Format
}
