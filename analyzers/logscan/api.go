// Package logscan detects the format of a proxy log, parses it line by line
// and aggregates the failure lines into symptoms: counts per symptom kind,
// upstream, route and reporting pod, with first/last time and a few sample
// lines. Memory does not grow with log volume; successful lines are only
// counted.
package logscan

import "time"

// Format is a detected log format, e.g. "envoy-text".
type Format string

// FormatUnknown is the format of a log no parser recognised. The formats
// logscan reads are in the registry (registry.go); each is declared in
// its parser's file.
const FormatUnknown Format = ""

// Origin says where a log came from. Any field may be empty (a loose log).
type Origin struct {
	Namespace string
	Pod       string
	Container string
	// File names a log whose path tells no pod: two such files are two
	// reporters, never merged into one group, and the facts pair one with
	// a container outside Kubernetes by its name (docker logs web > web.log).
	File string
}

// Symptom is one aggregated group of failure lines.
// Lines are grouped by (Kind, Origin, Upstream, Route, Authority-if-no-upstream).
type Symptom struct {
	Kind   string
	Format Format
	Origin Origin
	// Upstream is the Envoy upstream cluster ("outbound|9080|v1|reviews.bookinfo.svc.cluster.local",
	// trailing ';' removed), the nginx upstream ("default-web-80" or "http://10.0.0.1:80"),
	// the HAProxy backend name, or the ztunnel destination ("10.43.0.1:443" / dst.service).
	Upstream string
	// UpstreamHost is the concrete upstream host:port when one was logged.
	UpstreamHost string
	Route        string // Envoy ROUTE_NAME
	Authority    string // request :authority / Host
	Code         int    // most recent HTTP status seen in the group (0 for TCP)
	Details      string // Envoy response code details or ztunnel error text (first seen)
	Count        int64
	First, Last  time.Time // zero when the lines carry no time
	// Rate is how the timed lines spread over time; nil when none is.
	Rate    *Rate
	Samples []string // at most MaxSamples raw lines, first seen first

	// kept are the samples while the Aggregator holds the group, in its
	// compressed sampleStore; Samples is set from them when the groups
	// are handed out.
	kept SampleRefs
}

// MaxSamples is how many raw lines a symptom keeps.
const MaxSamples = 3

// FileStats tells what Scan saw in one file.
type FileStats struct {
	Format    Format
	Lines     int64 // total lines
	Parsed    int64 // lines understood in Format
	Failures  int64 // lines that became symptoms
	LongLines int64 // lines over the cap (truncated, still counted)
	Bytes     int64
	// First and Last are the times of the file's first and last lines
	// that carry one (window.go); zero when none does.
	First, Last time.Time
}
