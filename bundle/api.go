// Package bundle is the on-disk format of nohealthy: it writes and
// stream-reads `.tar.zst` bundles and directories, and reads the foreign
// layouts that `analyze` accepts (kubectl cluster-info dump trees, loose
// kubectl output, loose logs). It knows no Kubernetes semantics beyond
// "this entry holds objects" and "this entry is the log of container C".
//
// Everything here treats its input as hostile: entry names are cleaned and
// confined, symlinks and devices are refused, expanded bytes are capped.
package bundle

import (
	"io"
	"time"
)

// FormatVersion is the version of the bundle layout written by Writer.
const FormatVersion = 1

// Well-known paths inside a bundle (slash-separated, relative to its root).
const (
	ManifestPath = "manifest.json" // first entry of a bundle
	IndexPath    = "index.json"    // last entry of a bundle
)

// EntryType says what an entry holds, decided from its path and name only.
type EntryType int

const (
	// EntryOther is anything the analyzer does not read.
	EntryOther EntryType = iota
	// EntryManifest is the bundle's manifest.json.
	EntryManifest
	// EntryIndex is the bundle's closing index.json.
	EntryIndex
	// EntryObjects is a .json/.yaml/.yml file holding Kubernetes objects
	// (one object, a List, a typed list such as PodList, or YAML documents).
	EntryObjects
	// EntryLog is the log of one container; Namespace/Pod/Container are set
	// when the path tells them (logs/<ns>/<pod>/<container>.log), Previous
	// for `<container>.previous.log`.
	EntryLog
	// EntryDumpLogs is a `kubectl cluster-info dump` logs.txt: several
	// containers' logs framed by "==== START logs for container C of pod NS/POD ====".
	// Use SplitDumpLogs to read it as per-container logs.
	EntryDumpLogs
	// EntryProxyAdmin is Envoy admin output under proxy/<ns>/<pod>/<name>
	// (clusters.json, clusters.txt, config_dump.json, server_info.json, ...)
	// or an istioctl bug-report's proxies/<ns>/<pod>/clusters.
	EntryProxyAdmin
	// EntryBugReportLog is a container log as istioctl bug-report writes
	// it: the previous instance's log, when there is one, appended after a
	// marker line. Use SplitBugReportLog to read it as the two logs.
	EntryBugReportLog
	// EntryClusterContext is an istioctl bug-report's cluster/cluster-context:
	// the kubeconfig context and the API server URL. Use ReadClusterContext.
	EntryClusterContext
	// EntryCollectorErrors lists what a collector of another tool could
	// not collect (a support-bundle's cluster-resources/<name>-errors.json,
	// <container>-logs-errors.log). Use ReadCollectorErrors.
	EntryCollectorErrors
	// EntryArchive is an archive inside the input (a bundle in a ticket
	// folder or in another archive). It is handed to the WalkFunc before
	// its entries, which follow with Entry.Source set to its path; a
	// WalkFunc that returns ErrSkipArchive keeps it from being read.
	EntryArchive
)

// IsLog reports whether entries of type t hold container logs.
func (t EntryType) IsLog() bool {
	return t == EntryLog || t == EntryDumpLogs || t == EntryBugReportLog
}

func (t EntryType) String() string {
	switch t {
	case EntryManifest:
		return "manifest"
	case EntryIndex:
		return "index"
	case EntryObjects:
		return "objects"
	case EntryLog:
		return "log"
	case EntryDumpLogs:
		return "dump-logs"
	case EntryProxyAdmin:
		return "proxy-admin"
	case EntryBugReportLog:
		return "bug-report-log"
	case EntryClusterContext:
		return "cluster-context"
	case EntryCollectorErrors:
		return "collector-errors"
	case EntryArchive:
		return "archive"
	}
	return "other"
}

// Entry is one file of an input, handed to a WalkFunc. Body is valid only
// during the call.
type Entry struct {
	// Input is the input as the user named it (for messages).
	Input string
	// Source is the archive inside Input the entry comes from, as a path
	// below Input ("tickets/b.tar.gz", "t.zip/b.tar.gz"); "" for an entry
	// of Input itself. Messages name Input then Source.
	Source string
	// Path is the cleaned, slash-separated path relative to the input root
	// (or to Source's root; for a single file given directly: its base
	// name; for standard input: "stdin").
	Path string
	Type EntryType
	// Size in bytes as recorded by the archive or file system; -1 if unknown
	// (a compressed file's expanded size).
	Size int64
	// File is the entry's own file when it is a plain file of a directory
	// (or the input itself), which a reader may open again to read it
	// elsewhere; "" when the bytes exist only as Body (archive members,
	// decompressed files, standard input).
	File string
	// Layout is the tool whose layout the path follows (LayoutGather, ...;
	// "" for loose kubectl output and logs).
	Layout string
	// Listing, for objects, is what the layout says the file lists (nil
	// when it does not say); see Listing.
	Listing *Listing
	// Collector, for EntryCollectorErrors, names the collector.
	Collector string
	// Reason, for EntryOther, says why the entry is not read.
	Reason string

	// Namespace, Pod, Container locate a log or proxy-admin entry when its
	// path tells them; empty otherwise.
	Namespace, Pod, Container string
	// Previous marks the log of the previous (crashed) container instance.
	Previous bool
	// Name is the base file name (for proxy admin: "clusters.json", ...).
	Name string
	// Ordinal is the entry's 0-based position among an archive's tar
	// headers (every header counts); 0 for directory and loose-file inputs,
	// the archive's own for entries of a nested archive.
	Ordinal int

	Body io.Reader
}

// WalkFunc receives each entry in input order. Returning an error stops the walk.
type WalkFunc func(e *Entry) error

// Limits guard readers against hostile input. Zero fields take the defaults.
type Limits struct {
	// MaxExpandedBytes caps the total bytes decompressed or read from one
	// input (decompression-bomb guard). Default DefaultMaxExpandedBytes.
	MaxExpandedBytes int64
	// MaxEntries caps the number of entries in one input. Default 1,000,000.
	MaxEntries int
	// MaxObjectBytes caps the size of one .json/.yaml entry. Default 2 GiB.
	MaxObjectBytes int64
	// MaxLineBytes caps one log line; longer lines are cut and counted, not
	// loaded whole. Default 1 MiB.
	MaxLineBytes int
}

// Default limits.
const (
	DefaultMaxExpandedBytes = 64 << 30
	DefaultMaxEntries       = 1_000_000
	DefaultMaxObjectBytes   = 2 << 30
	DefaultMaxLineBytes     = 1 << 20
)

// WithDefaults returns l with zero fields set to the defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxExpandedBytes <= 0 {
		l.MaxExpandedBytes = DefaultMaxExpandedBytes
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxObjectBytes <= 0 {
		l.MaxObjectBytes = DefaultMaxObjectBytes
	}
	if l.MaxLineBytes <= 0 {
		l.MaxLineBytes = DefaultMaxLineBytes
	}
	return l
}

// Manifest is the first entry of a bundle.
type Manifest struct {
	FormatVersion  int       `json:"formatVersion"`
	Tool           string    `json:"tool"`
	ToolVersion    string    `json:"toolVersion"`
	CreatedAt      time.Time `json:"createdAt"`
	ClusterVersion string    `json:"clusterVersion,omitempty"`
	Context        string    `json:"context,omitempty"`
	Namespaces     []string  `json:"namespaces,omitempty"` // empty = all
	// Serving lists the namespaces collected beyond Namespaces because
	// they serve them: gateways whose routes lead into them, the mesh
	// control plane, DNS. Each says why it came along. Empty when
	// Namespaces is (every namespace was collected anyway).
	Serving []ServingNamespace `json:"servingNamespaces,omitempty"`
	// Redactions lists the patterns applied to what was stored.
	Redactions []Redaction `json:"redactions,omitempty"`
	// Options records how gather ran (since, tail, max log bytes, ...).
	Options map[string]string `json:"options,omitempty"`
	// Server is the API server's URL, which tells two bundles of one
	// cluster from bundles of two (the kube-system Namespace's UID tells
	// it too, when the bundle holds it).
	Server string `json:"server,omitempty"`
}

// ServingNamespace is a namespace gather collected because it serves the
// namespaces asked for. Its objects were collected like theirs; its logs
// and proxy admin data only for Pods, the pods that serve (see FORMAT.md).
type ServingNamespace struct {
	Namespace string   `json:"namespace"`
	Reasons   []string `json:"reasons"`
	// Pods are the serving pods found there ("name"), whose logs and
	// admin data were collected.
	Pods []string `json:"pods,omitempty"`
}

// Redaction is one declarative redaction pattern applied by gather.
type Redaction struct {
	Name    string `json:"name"`
	Pattern string `json:"pattern"`
}

// Collector statuses.
const (
	StatusOK        = "ok"
	StatusForbidden = "forbidden"
	StatusFailed    = "failed"
	StatusSkipped   = "skipped"
)

// CollectorStatus records what one collector did. Resource collectors are
// named by resource and group ("pods", "endpointslices.discovery.k8s.io",
// "virtualservices.networking.istio.io"); the others are "logs",
// "proxy-admin", "istiod-debug" and "serving-namespaces". Namespace is
// empty for cluster-wide runs.
type CollectorStatus struct {
	Name      string `json:"name"`
	Kind      string `json:"kind,omitempty"` // object kind, e.g. "EndpointSlice"
	Namespace string `json:"namespace,omitempty"`
	Status    string `json:"status"`
	Message   string `json:"message,omitempty"`
	Count     int    `json:"count,omitempty"` // objects or files collected
}

// FileInfo describes one file of a bundle in the closing index.
type FileInfo struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Index is the last entry of a bundle.
type Index struct {
	FormatVersion int               `json:"formatVersion"`
	CompletedAt   time.Time         `json:"completedAt"`
	Collectors    []CollectorStatus `json:"collectors"`
	Files         []FileInfo        `json:"files"`
}

// Object is one Kubernetes object read from an objects entry. Kind and
// APIVersion come from the object itself or, for items of a typed list such
// as PodList (whose items carry no kind), from the list.
type Object struct {
	APIVersion      string
	Kind            string
	Namespace       string
	Name            string
	UID             string
	ResourceVersion string
	// Raw is the JSON of this one object (YAML is converted to JSON).
	Raw []byte
	// Unread (set only by StreamObjectsBytes) means the object's own bytes
	// were not parsed: Namespace, Name, UID and ResourceVersion are empty,
	// and Kind/APIVersion come from the list (a typed list's element kind,
	// or for a `kind: List` the first item's kind, then with KindMustMatch:
	// the item itself must carry that kind). A caller that decodes Raw into
	// a typed struct reads them from there and saves a JSON pass per item.
	Unread, KindMustMatch bool
}
