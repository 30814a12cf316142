package analyzers

import (
	"fmt"
	"strings"

	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/bundle"
)

// LoadOptions tune Load.
type LoadOptions struct {
	Limits bundle.Limits
	// Logs are extra log files given with --log.
	Logs []LogInput
	// Warn receives non-fatal problems (one bad file in a tree, an object
	// without kind, ...). May be nil.
	Warn func(msg string)
	// Workers bounds log-parsing parallelism (0 = GOMAXPROCS).
	Workers int
}

// LogInput is a log file named on the command line, with the origin the
// user gave it (all fields empty when unknown).
type LogInput struct {
	Path   string
	Origin logscan.Origin
}

// ParseLogFlag parses a --log value: "FILE" or "NS/POD/CONTAINER=FILE".
func ParseLogFlag(s string) (LogInput, error) {
	if s == "" {
		return LogInput{}, fmt.Errorf("--log: empty value")
	}
	eq := strings.IndexByte(s, '=')
	if eq < 0 {
		return LogInput{Path: s}, nil
	}
	who, path := s[:eq], s[eq+1:]
	parts := strings.Split(who, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" || path == "" {
		return LogInput{}, fmt.Errorf("--log %q: want FILE or NAMESPACE/POD/CONTAINER=FILE", s)
	}
	return LogInput{Path: path, Origin: logscan.Origin{Namespace: parts[0], Pod: parts[1], Container: parts[2]}}, nil
}
