// Package report is the analysis result in the shape of the JSON contract
// (docs/contract.md, schemaVersion 1): the types the rule engine fills and the
// renderers of package render write. It renders nothing and imports nothing
// of the project, so every other package can depend on it.
package report

import "slices"

// SchemaVersion of the JSON report.
const SchemaVersion = 1

// ToolName is the producer named in every report.
const ToolName = "nohealthy"

// Report is the whole result of one analyze run. Field names and JSON keys
// are the contract; change them only with a new SchemaVersion. Adding a
// field is allowed without one (the contract names input.scope,
// input.skipped and a root cause's changes): the JSON renderer writes it as
// tagged, and a list field must encode as [] when empty, never null, which
// a test in package render enforces for every slice of these types.
type Report struct {
	SchemaVersion int         `json:"schemaVersion"`
	Tool          Tool        `json:"tool"`
	Input         Input       `json:"input"`
	Symptoms      []Symptom   `json:"symptoms"`
	RootCauses    []RootCause `json:"rootCauses"`
	Findings      []Finding   `json:"findings"`
}

// Tool names the producer.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Input summarises what was read.
type Input struct {
	Sources     []string `json:"sources"`
	Objects     int      `json:"objects"`
	LogLines    int64    `json:"logLines"`
	CollectedAt *string  `json:"collectedAt"` // RFC3339 or null
	Warnings    []string `json:"warnings"`
	// Scope is what the input let analyze see (scope.go).
	Scope Scope `json:"scope"`
	// Skipped lists the files not read, with the reason (at most 10,000;
	// SkippedCount counts them all).
	Skipped      []Skipped `json:"skipped"`
	SkippedCount int       `json:"skippedCount"`
}

// Ref names a Kubernetes (or proxy) object. Facts carry this same type
// (analyzers.Ref is an alias) and rules read it through the cel tags, so
// the object a rule names reaches the report without a conversion.
type Ref struct {
	Kind      string `json:"kind" cel:"kind"`
	Namespace string `json:"namespace" cel:"namespace"`
	Name      string `json:"name" cel:"name"`
}

// String renders the reference as "Kind ns/name", or "Kind name" for a
// cluster-scoped object.
func (r Ref) String() string {
	if r.Namespace == "" {
		return r.Kind + " " + r.Name
	}
	return r.Kind + " " + r.Namespace + "/" + r.Name
}

// Symptom is what a proxy or client saw.
type Symptom struct {
	ID       string   `json:"id"`
	Kind     string   `json:"kind"`
	Count    int64    `json:"count"`
	Where    Ref      `json:"where"`
	Upstream string   `json:"upstream"`
	First    *string  `json:"first"`
	Last     *string  `json:"last"`
	Samples  []string `json:"samples"`
	// Rate is how the lines spread over time; nil when they carry no
	// time. The HTML timeline draws it; the JSON report leaves it out: an
	// outage seen by thousands of proxies has tens of thousands of
	// symptoms, and their buckets, one number a line once indented, made
	// the bench's report a third larger (7.3 to 10.0 MB on medium).
	Rate *Rate `json:"-"`
}

// Rate is a symptom's lines over time: Counts[i] lines were logged in
// [Start + i*StepSeconds, Start + (i+1)*StepSeconds). Start is aligned to
// a multiple of the step; the first and last counts are not zero.
type Rate struct {
	Start       string  `json:"start"` // RFC3339
	StepSeconds int64   `json:"stepSeconds"`
	Counts      []int64 `json:"counts"`
}

// Evidence is one fact shown to support a finding; like Ref, the type
// facts carry (analyzers.Evidence) and rules build.
type Evidence struct {
	Kind string `json:"kind" cel:"kind"` // Event | Object | LogLine | Condition | ContainerStatus | ProxyAdmin | Coverage
	Ref  string `json:"ref" cel:"ref"`
	Text string `json:"text" cel:"text"`
}

// RootCause is a finding whose rule carries a cause ID, ranked.
type RootCause struct {
	ID          string     `json:"id"`
	Rank        int        `json:"rank"`
	Cause       string     `json:"cause"`
	Severity    string     `json:"severity"`
	Object      Ref        `json:"object"`
	Detail      string     `json:"detail"`
	Rule        string     `json:"rule"`
	Summary     string     `json:"summary"`
	Explains    []string   `json:"explains"`
	Chain       []string   `json:"chain"`
	Evidence    []Evidence `json:"evidence"`
	Remediation string     `json:"remediation"`
	// Changes are the changes of objects related to the cause closest
	// before its first symptom, closest first (additive in the contract).
	Changes []Change `json:"changes"`
}

// Change is one recorded change of an object: its creation, an update by
// a field manager, a rollout or scaling step, a readiness transition, a
// container restart, a node condition transition or an event.
type Change struct {
	Time string `json:"time"` // RFC3339
	// Type is the sort of change; its values are listed by
	// analyzers.ChangeTypes.
	Type   string `json:"type"`
	Object Ref    `json:"object"`
	What   string `json:"what"`
	// SecondsBefore is how long before the root cause's first symptom
	// the change happened (0 = the same second).
	SecondsBefore int64 `json:"secondsBefore"`
}

// Finding is every rule hit, root cause or intermediate fact.
type Finding struct {
	ID          string     `json:"id"`
	Rule        string     `json:"rule"`
	Cause       string     `json:"cause"`
	Severity    string     `json:"severity"`
	Object      Ref        `json:"object"`
	Detail      string     `json:"detail,omitempty"`
	Summary     string     `json:"summary"`
	ExplainedBy []string   `json:"explainedBy"`
	Evidence    []Evidence `json:"evidence"`
	// Explains lists the symptom and finding IDs this finding explains
	// (not in the contract's example; extra keys are allowed).
	Explains    []string `json:"explains,omitempty"`
	Remediation string   `json:"remediation,omitempty"`
}

// Severities, lowest first.
var Severities = []string{"info", "warning", "critical"}

// SeverityLevel orders severities: info 0, warning 1, critical 2, unknown -1.
func SeverityLevel(s string) int {
	return slices.Index(Severities, s)
}
