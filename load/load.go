// Package load is analyze's input pipeline: it reads bundles, directories,
// cluster-info dumps, loose kubectl output and log files (bundle), decodes
// the objects into the kinds tables as the kinds registry says (JSON,
// projections, slimming), scans the logs into symptoms on every core
// (logscan), and hands the objects and symptoms to analyzers.BuildFacts.
// Its result is an analyzers.Snapshot whose facts are complete.
//
// It sets no process-wide state: the program decides how to pace memory,
// through Options.Phases.
package load

import (
	"fmt"
	"io"
	"strings"

	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/kinds"
)

// Options tune Inputs.
type Options struct {
	Limits bundle.Limits
	// Logs are extra log files given with --log.
	Logs []LogFile
	// Warn receives non-fatal problems (one bad file in a tree, an object
	// without kind, ...). May be nil.
	Warn func(msg string)
	// Workers bounds log-parsing parallelism (0 = GOMAXPROCS).
	Workers int
	// Phases are told when most of the heap has just become garbage.
	Phases Phases
	// Objects, when set, is shown the merged objects and the coverage once
	// every input is read, before the facts are derived from them (analyze
	// diff derives facts of the objects alone). It must not change them,
	// nor keep the store: it is garbage once Inputs returns.
	Objects func(s *kinds.Store, coverage map[string]string)
	// Stdin is what the input "-" reads (nil: the process's standard
	// input).
	Stdin io.Reader
	// MergeClusters reads inputs from different clusters (another
	// kube-system UID or API server) as one view; without it they are an
	// error.
	MergeClusters bool
}

// Phases are called as a load passes the points where most of what it
// allocated dies, so that the program can collect or pace the garbage
// collector there; the loader itself never does. Each may be nil, and
// none may keep the load waiting long.
type Phases struct {
	// ObjectsDecoded: the objects of a file input are decoded and their
	// garbage is dead, while its logs are still being read (for minutes
	// on a big bundle). It runs on a goroutine of its own, beside the
	// logs passes; Inputs returns only after it has.
	ObjectsDecoded func()
	// InputsRead: every input is read; the facts are built next, which
	// allocate much that dies young.
	InputsRead func()
	// StoreDropped: the facts are built, and the objects and log groups,
	// most of the heap, are garbage; the samples are filled next, and the
	// rules and the report run after Inputs returns.
	StoreDropped func()
}

// LogFile is a log file named on the command line, with the origin the
// user gave it (all fields empty when unknown).
type LogFile struct {
	Path   string
	Origin logscan.Origin
}

// ParseLogFlag parses a --log value: "FILE" or "NS/POD/CONTAINER=FILE".
func ParseLogFlag(s string) (LogFile, error) {
	if s == "" {
		return LogFile{}, fmt.Errorf("--log: empty value")
	}
	eq := strings.IndexByte(s, '=')
	if eq < 0 {
		return LogFile{Path: s}, nil
	}
	who, path := s[:eq], s[eq+1:]
	parts := strings.Split(who, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" || path == "" {
		return LogFile{}, fmt.Errorf("--log %q: want FILE or NAMESPACE/POD/CONTAINER=FILE", s)
	}
	return LogFile{Path: path, Origin: logscan.Origin{Namespace: parts[0], Pod: parts[1], Container: parts[2]}}, nil
}
