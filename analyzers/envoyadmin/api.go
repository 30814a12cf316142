// Package envoyadmin parses Envoy admin output saved in a bundle: the
// `/clusters` endpoint in its text and `?format=json` forms (and istioctl's
// `proxy-config endpoints -o json`, which is the same data in protojson
// camelCase), giving per-host health flags.
package envoyadmin

// Cluster is one upstream cluster as Envoy's /clusters lists it.
type Cluster struct {
	Name  string // raw Istio cluster name, e.g. outbound|9080|v1|reviews.default.svc.cluster.local
	Hosts []Host
	// Circuit-breaker thresholds of the default priority (0 = not shown).
	MaxConnections, MaxPendingRequests, MaxRequests, MaxRetries int64
	OutlierDetection                                            bool // an outlier detector is installed (text: outlier:: lines; JSON: ejection thresholds)
	EDSServiceName                                              string
}

// Host is one upstream host of a cluster with its health flags.
type Host struct {
	Address            string // ip:port
	Hostname           string
	FailedActiveHC     bool
	FailedOutlierCheck bool
	FailedEDSHealth    bool // EDS said UNHEALTHY
	DegradedActiveHC   bool
	DegradedEDSHealth  bool
	PendingRemoval     bool
	PendingActiveHC    bool
	ActiveHCTimeout    bool
	EDSDraining        bool
	// ExcludedViaImmediateHCFail: taken out of rotation by a protocol signal
	// (/excluded_via_immediate_hc_fail).
	ExcludedViaImmediateHCFail bool
	// HealthFlags is the raw text health_flags value ("healthy",
	// "/failed_outlier_check", ...); empty for JSON input.
	HealthFlags string
	// EDSHealthStatus is the JSON eds_health_status / istioctl STATUS
	// ("HEALTHY", "UNHEALTHY", "DRAINING", "DEGRADED", ...); empty for text.
	EDSHealthStatus string
	// Selected stats (0 when absent).
	RqError, RqTotal, CxConnectFail int64
}

// Healthy reports whether Envoy would route to the host.
func (h Host) Healthy() bool {
	return !(h.FailedActiveHC || h.FailedOutlierCheck || h.FailedEDSHealth || h.PendingActiveHC || h.ActiveHCTimeout || h.EDSDraining)
}
