package rules

// Rule is one declarative rule as written in a pack's YAML. A file holds
// one rule, or several under a top-level `rules:` list.
//
//	id: readiness-probe-failing
//	title: Pods run but fail their readiness probe
//	cause: readiness-probe-failing        # an ID of docs/causes.md; empty for an intermediate fact
//	severity: critical                    # info | warning | critical
//	priority: 60                          # tie-break between causes explaining the same symptoms
//	for: workloads                        # the domain iterated; binds the variable `wl`
//	when: wl.probeFailingPods > 0 && wl.readyPods == 0 && wl.backsUnreadyService
//	object: wl.ref                        # optional CEL returning a Ref; default: the item's own
//	detail: "'subset ' + subset.name"     # optional CEL string
//	summary: "{{wl.kind}} {{wl.namespace}}/{{wl.name}}: ..."   # template; {{ }} hold CEL
//	remediation: "..."                    # template
//	evidence: [wl.probeEvidence, wl.podEvidence]               # CEL lists of Evidence (or strings)
//	explains: [service-no-ready-backends, UH, UF]              # symptom kinds and rule ids
//	keys: "wl.keys"                       # optional CEL list<string>; default: the item's keys
type Rule struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Cause       string   `json:"cause,omitempty"`
	Severity    string   `json:"severity"`
	Priority    int      `json:"priority,omitempty"`
	For         string   `json:"for"`
	When        string   `json:"when"`
	Object      string   `json:"object,omitempty"`
	Detail      string   `json:"detail,omitempty"`
	Summary     string   `json:"summary"`
	Remediation string   `json:"remediation,omitempty"`
	Evidence    []string `json:"evidence,omitempty"`
	Explains    []string `json:"explains,omitempty"`
	Keys        string   `json:"keys,omitempty"`

	// File is where the rule was read from, Line the line of its `id:`
	// in it (set by the loader; Line 0 when unknown).
	File string `json:"-"`
	Line int    `json:"-"`
	// pos holds the lines of its keys, for lint problems.
	pos *rulePos
}

// fileDoc is the shape of a rule file: a single rule, or a `rules:` list.
type fileDoc struct {
	Rules []Rule `json:"rules"`
}

// Pack is a named, loaded set of rules.
type Pack struct {
	Name  string
	Rules []*Rule
}
