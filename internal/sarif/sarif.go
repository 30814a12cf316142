// Package sarif is the part of the Static Analysis Results Interchange
// Format (SARIF) 2.1.0 that nohealthy writes: one run of one tool, its
// rules, and results at physical (a rule file and line) or logical (a
// Kubernetes object) locations. Field names and constraints follow the
// OASIS schema (sarif-schema-2.1.0.json, errata 01), which the tests of
// its writers validate against.
package sarif

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"
)

// Version is the SARIF version written.
const Version = "2.1.0"

// SchemaURI names the schema of Version, as a log's "$schema".
const SchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// Log is a SARIF log file (§3.13).
type Log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// Run is one invocation of one tool (§3.14). Results is never null: a run
// that found nothing says so with [].
type Run struct {
	Tool        Tool         `json:"tool"`
	Invocations []Invocation `json:"invocations,omitempty"`
	Results     []Result     `json:"results"`
	// Properties carry what SARIF has no field for (§3.8).
	Properties map[string]any `json:"properties,omitempty"`
}

// Invocation is how the run went (§3.20): whether it completed, and the
// warnings it met on its way (its notifications).
type Invocation struct {
	ExecutionSuccessful        bool           `json:"executionSuccessful"`
	ToolExecutionNotifications []Notification `json:"toolExecutionNotifications,omitempty"`
}

// Notification is a message from the tool about its run, not a result
// (§3.58).
type Notification struct {
	Level   string  `json:"level,omitempty"`
	Message Message `json:"message"`
}

// Tool names the analysis tool (§3.18).
type Tool struct {
	Driver ToolComponent `json:"driver"`
}

// ToolComponent is the tool's driver and its rules (§3.19).
type ToolComponent struct {
	Name           string                `json:"name"`
	Version        string                `json:"version,omitempty"`
	InformationURI string                `json:"informationUri,omitempty"`
	Rules          []ReportingDescriptor `json:"rules,omitempty"`
}

// ReportingDescriptor describes a rule (§3.49).
type ReportingDescriptor struct {
	ID                   string                  `json:"id"`
	Name                 string                  `json:"name,omitempty"`
	ShortDescription     *Message                `json:"shortDescription,omitempty"`
	FullDescription      *Message                `json:"fullDescription,omitempty"`
	Help                 *Message                `json:"help,omitempty"`
	DefaultConfiguration *ReportingConfiguration `json:"defaultConfiguration,omitempty"`
	Properties           map[string]any          `json:"properties,omitempty"`
}

// ReportingConfiguration is a rule's default level (§3.50).
type ReportingConfiguration struct {
	Level string `json:"level,omitempty"`
}

// Message is plain text and, optionally, the same in Markdown (§3.11,
// §3.12).
type Message struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

// Result is one finding (§3.27). RuleIndex points into the driver's rules;
// nil when the rule is not listed there.
type Result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           *int              `json:"ruleIndex,omitempty"`
	Kind                string            `json:"kind,omitempty"`
	Level               string            `json:"level,omitempty"`
	Message             Message           `json:"message"`
	Locations           []Location        `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

// Location is where a result is (§3.28).
type Location struct {
	PhysicalLocation *PhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []LogicalLocation `json:"logicalLocations,omitempty"`
}

// PhysicalLocation is a file and a region of it (§3.29).
type PhysicalLocation struct {
	ArtifactLocation ArtifactLocation `json:"artifactLocation"`
	Region           *Region          `json:"region,omitempty"`
}

// ArtifactLocation is a file, by URI reference (§3.4).
type ArtifactLocation struct {
	URI string `json:"uri"`
}

// Region is a part of a file; lines and columns count from 1 (§3.30).
type Region struct {
	StartLine   int `json:"startLine,omitempty"`
	StartColumn int `json:"startColumn,omitempty"`
}

// LogicalLocation is a named thing a result is about, not a file: here
// a Kubernetes object (§3.33).
type LogicalLocation struct {
	Name               string `json:"name,omitempty"`
	FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
	Kind               string `json:"kind,omitempty"`
}

// Levels of a result (§3.27.10).
const (
	LevelError   = "error"
	LevelWarning = "warning"
	LevelNote    = "note"
)

// SeverityLevel maps nohealthy's severities to SARIF levels: critical is
// an error, warning a warning, info a note.
func SeverityLevel(severity string) string {
	switch severity {
	case "critical":
		return LevelError
	case "warning":
		return LevelWarning
	}
	return LevelNote
}

// FileURI is a path as the uri of an artifactLocation: a relative path
// stays a relative reference (resolved against where the tool ran, as
// code-scanning services expect), an absolute one becomes a file: URI;
// either way with '/' separators and its special characters escaped.
func FileURI(path string) string {
	p := filepath.ToSlash(path)
	if filepath.IsAbs(path) {
		if !strings.HasPrefix(p, "/") { // a Windows drive path
			p = "/" + p
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	// A first segment with a colon would read as a scheme.
	if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ":") {
		p = "./" + p
	}
	return (&url.URL{Path: p}).String()
}

// Write writes log as indented JSON. Strings are escaped as JSON does, and
// '<', '>' and '&' stay themselves: a log line or a rule is not HTML.
func Write(w io.Writer, log *Log) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// New is a log of one run of the named tool, with no result yet.
func New(name, version string) *Log {
	return &Log{Schema: SchemaURI, Version: Version, Runs: []Run{{
		Tool:    Tool{Driver: ToolComponent{Name: name, Version: version}},
		Results: []Result{},
	}}}
}
