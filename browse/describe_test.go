package browse

import "testing"

// TestSmartLabel: the labels kubectl describe gives field names of custom
// resources (its smartLabelFor over github.com/fatih/camelcase).
func TestSmartLabel(t *testing.T) {
	for in, want := range map[string]string{
		"apiVersion":         "API Version",
		"kind":               "Kind",
		"creationTimestamp":  "Creation Timestamp",
		"uid":                "UID",
		"resourceVersion":    "Resource Version",
		"exportTo":           "Export To",
		"http2MaxRequests":   "http2MaxRequests", // a digit: kept
		"app.kubernetes.io":  "app.kubernetes.io",
		"tls":                "Tls",
		"TLS":                "TLS",
		"consecutive5xx":     "consecutive5xx",
		"mtls":               "Mtls",
		"IPFamilies":         "IPFamilies", // an acronym run merged with the next word, as kubectl does
		"maxEjectionPercent": "Max Ejection Percent",
	} {
		if got := smartLabel(in); got != want {
			t.Errorf("smartLabel(%q) = %q, want %q", in, got, want)
		}
	}
}
