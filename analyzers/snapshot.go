package analyzers

import (
	"time"

	"github.com/nohealthy/nohealthy/report"
)

// Snapshot is everything analyze knows about one incident: the objects of
// all inputs merged, the symptoms aggregated from logs, Envoy admin data,
// and which collectors were missing. Facts are derived from it once.
type Snapshot struct {
	// Sources are the inputs as named by the user.
	Sources []string
	// Warnings are non-fatal problems met while reading.
	Warnings []string
	// CollectedAt is the bundle's creation time when known.
	CollectedAt *time.Time
	// ObjectCount is the number of distinct objects read.
	ObjectCount int
	// LogLines is the number of log lines scanned.
	LogLines int64
	// Scope is what the inputs let analyze see.
	Scope report.Scope
	// Skipped are the files not read, with the reason (capped; SkippedCount
	// counts them all).
	Skipped      []report.Skipped
	SkippedCount int

	// Facts is the derived, rule-facing view (see facts.go).
	Facts *Facts
}
