package kinds

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// writersKept are the kinds whose writers gather keeps and the loader
// reads: of metadata.managedFields, who wrote the object, how and when,
// which the timeline of changes cites ("updated by helm"). These are the
// kinds people and their tools write: the workload controllers, Services,
// the traffic and mesh configuration. Not the kinds controllers rewrite
// all day (pods, nodes, endpoints, events, ReplicaSets), whose entries
// would say only that, at the size of everything else they hold.
var writersKept = map[groupKind]bool{
	{"apps", "Deployment"}: true, {"apps", "StatefulSet"}: true, {"apps", "DaemonSet"}: true,
	{"", "Service"}: true, {"networking.k8s.io", "NetworkPolicy"}: true, {"networking.k8s.io", "Ingress"}: true,
	{"networking.istio.io", "VirtualService"}: true, {"networking.istio.io", "DestinationRule"}: true,
	{"networking.istio.io", "Gateway"}: true, {"networking.istio.io", "ServiceEntry"}: true,
	{"security.istio.io", "PeerAuthentication"}: true, {"security.istio.io", "AuthorizationPolicy"}: true,
	{"gateway.networking.k8s.io", "Gateway"}: true, {"gateway.networking.k8s.io", "HTTPRoute"}: true,
	{"gateway.networking.k8s.io", "GRPCRoute"}: true, {"gateway.networking.k8s.io", "TLSRoute"}: true,
	{"gateway.networking.k8s.io", "TCPRoute"}: true, {"gateway.networking.k8s.io", "ReferenceGrant"}: true,
}

// KeepsWriters reports whether the writers of objects of kind in group are
// kept (writersKept).
func KeepsWriters(group, kind string) bool { return writersKept[groupKind{group, kind}] }

// Writers returns the entries of a kept kind's managedFields as they are
// kept: manager, operation and time, without the field set, the
// apiVersion it was written at, or the entries of subresources (the
// status writes are controllers' bookkeeping, not changes); nil when none
// is left. The slice is new; entries is not modified.
func Writers(entries []metav1.ManagedFieldsEntry) []metav1.ManagedFieldsEntry {
	var kept []metav1.ManagedFieldsEntry
	for _, e := range entries {
		if e.Subresource != "" || e.Time == nil {
			continue
		}
		kept = append(kept, metav1.ManagedFieldsEntry{Manager: e.Manager, Operation: e.Operation, Time: e.Time})
	}
	return kept
}
