package analyzers

// The coverage map (Facts.Coverage, `coverage` in rules) says what was
// collected, so that "none found" is read as "none exist" only where the
// input could have shown one. Its keys:
//
//	Kind          the kind's collector status across every namespace
//	              ("ok", "forbidden", "failed", "skipped"), or "partial"
//	              when it was collected only in some namespaces
//	Kind@ns       its status in namespace ns
//	Kind@*        "partial" (gather -n: collected only in the namespaces
//	              with a Kind@ns entry) or "inferred" (no collector
//	              recorded it: read from loose files or a layout, known
//	              only where a Kind@ns entry says)
//
// Kind is the kind's name ("Pod"), and for kinds of an API group also
// "Kind.group" where two groups share a name. Absent means unknown.

// Coverage values beyond the collector statuses.
const (
	CoveragePartial  = "partial"
	CoverageInferred = "inferred"
)

// CoverageStatus is the status of kind in namespace ns ("" for a
// cluster-scoped kind, or every namespace): "ok" when collected there,
// a collector status when not, "unknown" when nothing says.
func CoverageStatus(m map[string]string, kind, ns string) string {
	if ns != "" {
		if st, ok := m[kind+"@"+ns]; ok {
			return st
		}
		if m[kind+"@*"] != "" {
			return "unknown"
		}
	} else if m[kind+"@*"] == CoveragePartial {
		return CoveragePartial
	}
	if st, ok := m[kind]; ok {
		return st
	}
	return "unknown"
}

// CoverageHas reports whether kind was collected in namespace ns, so that
// finding none of it there means there is none. ns "" asks about every
// namespace (or a cluster-scoped kind): a kind collected only in some
// namespaces (gather -n) does not answer for the others. A kind read from
// loose kubectl output answers for every namespace, as it always has:
// such output says nothing of its scope, and the report says so (its
// scope is "inferred").
func CoverageHas(m map[string]string, kind, ns string) bool {
	return CoverageStatus(m, kind, ns) == "ok"
}
