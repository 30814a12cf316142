package report

// Scope is what a report could see (input.scope): the clusters, the
// sources read, the namespaces and kinds collected, the logs' time window,
// the collectors that did not collect, and what it could not see that
// matters for a 503. A rule never concludes "absent" from "not
// collected"; the scope tells a reader what "no root cause" stands on.
type Scope struct {
	Clusters []Cluster `json:"clusters"`
	Sources  []Source  `json:"sources"`
	// AllNamespaces: every namespace was collected, so a namespace with
	// nothing in it holds nothing. Otherwise CollectedNamespaces, when
	// known, lists those collected; Namespaces always lists those read
	// from (an object or a log of it).
	AllNamespaces       bool     `json:"allNamespaces"`
	CollectedNamespaces []string `json:"collectedNamespaces"`
	Namespaces          []string `json:"namespaces"`
	// CameAlong are namespaces gather collected beyond those asked for,
	// because they serve them (the gateway, the control plane, DNS).
	CameAlong []NamespaceReason `json:"cameAlong"`
	Kinds     []KindScope       `json:"kinds"`
	Logs      LogScope          `json:"logs"`
	// Collectors lists the collectors that failed, were forbidden or were
	// skipped, as the input records them.
	Collectors []CollectorScope `json:"collectors"`
	// Inferred: no source recorded what it collected (no gather index):
	// what was collected is inferred from what is there and from the
	// layouts of the tools that wrote it.
	Inferred bool `json:"inferred"`
	// NotSeen says what the input could not show that matters for a 503:
	// no proxy logs, EndpointSlices not collected, the gateway's
	// namespace left out.
	NotSeen []string `json:"notSeen"`
}

// Cluster is one cluster the input comes from, as far as it says.
type Cluster struct {
	// ID is the UID of its kube-system Namespace, the usual identity of a
	// cluster; empty when unknown.
	ID      string   `json:"id"`
	Server  string   `json:"server"`
	Context string   `json:"context"`
	Sources []string `json:"sources"`
}

// Source is one input, or one archive found inside an input.
type Source struct {
	Path string `json:"path"`
	// In is the input an archive was found in; empty for an input.
	In       string   `json:"in"`
	Layouts  []string `json:"layouts"`
	Objects  int64    `json:"objects"`
	LogFiles int      `json:"logFiles"`
	LogLines int64    `json:"logLines"`
	Skipped  int      `json:"skipped"`
	First    *string  `json:"first"` // RFC3339 of its logs' first timed line, or null
	Last     *string  `json:"last"`
}

// NamespaceReason is a namespace and why it was collected.
type NamespaceReason struct {
	Namespace string   `json:"namespace"`
	Reasons   []string `json:"reasons"`
}

// KindScope is one object kind: how many objects were read, and whether
// it was collected everywhere ("ok"), only in some namespaces ("partial":
// Namespaces lists them), inferred from what is there ("inferred"), or
// not collected ("forbidden", "failed", "skipped").
type KindScope struct {
	Kind       string   `json:"kind"`
	Objects    int      `json:"objects"`
	Status     string   `json:"status"`
	Namespaces []string `json:"namespaces"`
}

// LogScope is the logs read: files, lines, those in a known proxy log
// format, and the time of the first and last timed lines.
type LogScope struct {
	Files  int     `json:"files"`
	Lines  int64   `json:"lines"`
	Parsed int64   `json:"parsed"`
	First  *string `json:"first"`
	Last   *string `json:"last"`
}

// CollectorScope is a collector that did not collect (all) it should.
type CollectorScope struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Status    string `json:"status"`
	Message   string `json:"message"`
	Source    string `json:"source"`
}

// Skipped is a file of the input that was not read, and why.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}
