// Package report holds the analysis result in the shape of the JSON
// contract (docs/contract.md, schemaVersion 1) and renders it as a
// table for a terminal, as JSON, and as Markdown for a ticket.
package report

// SchemaVersion of the JSON report.
const SchemaVersion = 1

// Report is the whole result of one analyze run. Field names and JSON keys
// are the contract; change them only with a new SchemaVersion.
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
}

// ObjectRef names a Kubernetes (or proxy) object.
type ObjectRef struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// Symptom is what a proxy or client saw.
type Symptom struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Count    int64     `json:"count"`
	Where    ObjectRef `json:"where"`
	Upstream string    `json:"upstream"`
	First    *string   `json:"first"`
	Last     *string   `json:"last"`
	Samples  []string  `json:"samples"`
}

// Evidence is one fact shown to support a finding.
type Evidence struct {
	Kind string `json:"kind"` // Event | Object | LogLine | Condition | ContainerStatus | ProxyAdmin | Coverage
	Ref  string `json:"ref"`
	Text string `json:"text"`
}

// RootCause is a finding whose rule carries a cause ID, ranked.
type RootCause struct {
	ID          string     `json:"id"`
	Rank        int        `json:"rank"`
	Cause       string     `json:"cause"`
	Severity    string     `json:"severity"`
	Object      ObjectRef  `json:"object"`
	Detail      string     `json:"detail"`
	Rule        string     `json:"rule"`
	Summary     string     `json:"summary"`
	Explains    []string   `json:"explains"`
	Chain       []string   `json:"chain"`
	Evidence    []Evidence `json:"evidence"`
	Remediation string     `json:"remediation"`
}

// Finding is every rule hit, root cause or intermediate fact.
type Finding struct {
	ID          string     `json:"id"`
	Rule        string     `json:"rule"`
	Cause       string     `json:"cause"`
	Severity    string     `json:"severity"`
	Object      ObjectRef  `json:"object"`
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
	for i, v := range Severities {
		if v == s {
			return i
		}
	}
	return -1
}
