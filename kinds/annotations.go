package kinds

import (
	"bytes"
	"fmt"

	jsonv2 "github.com/go-json-experiment/json"
	corev1 "k8s.io/api/core/v1"

	"github.com/nohealthy/nohealthy/internal/jsonskip"
)

// Annotations are slimmed from the projected kinds (pods, workloads,
// nodes): most are large (kubectl's last-applied-configuration) and no
// fact reads them. These few are kept: they say how a pod takes part in
// the mesh, which its containers and labels do not always tell.
var keptAnnotations = map[string]bool{
	// Set by the sidecar injector on every pod it injected
	// (istio.io/api annotation sidecar.istio.io/status). Only its presence
	// is read; its value, a JSON document, is dropped.
	AnnotationSidecarStatus: true,
	// The pod's own opt-in or opt-out of injection.
	"sidecar.istio.io/inject": true,
	// Set by istio-cni once ambient redirection is active for the pod
	// ("enabled"; pkg/config/analysis/analyzers/util/in_mesh.go PodInAmbientMode).
	"ambient.istio.io/redirection": true,
	// Ports the sidecar does not capture: mTLS is not enforced on them.
	AnnotationExcludeInboundPorts: true,
	AnnotationIncludeInboundPorts: true,
}

// Annotation keys the fact builders read.
const (
	AnnotationSidecarStatus       = "sidecar.istio.io/status"
	AnnotationExcludeInboundPorts = "traffic.sidecar.istio.io/excludeInboundPorts"
	AnnotationIncludeInboundPorts = "traffic.sidecar.istio.io/includeInboundPorts"
)

// KeepAnnotations returns the annotations of m that are kept (nil when
// none), with the value of sidecar.istio.io/status emptied: what slimming
// leaves of an object's annotations, and what decoding through a
// projection reads.
func KeepAnnotations(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	// Already slim (decoded through the projection): kept as it is.
	slim := true
	for k, v := range m {
		if !keptAnnotations[k] || (k == AnnotationSidecarStatus && v != "") {
			slim = false
			break
		}
	}
	if slim {
		return m
	}
	var out map[string]string
	for k, v := range m {
		if !keptAnnotations[k] {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		if k == AnnotationSidecarStatus {
			v = ""
		}
		out[k] = v
	}
	if len(out) == 1 && out[AnnotationSidecarStatus] == "" {
		if _, ok := out[AnnotationSidecarStatus]; ok {
			return sidecarStatusOnly
		}
	}
	return out
}

// annotationsProjection reads only the kept annotations of an object's
// metadata: the object is scanned in place for their keys, and nothing is
// allocated for an object that has none (most of a big cluster's pods).
type annotationsProjection map[string]string

var istioMark = []byte("istio.io/")

func (a *annotationsProjection) UnmarshalJSON(b []byte) error {
	*a = nil
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) == 0 || b[0] != '{' {
		return fmt.Errorf("annotations: want an object")
	}
	if !bytes.Contains(b, istioMark) {
		return nil
	}
	// The kept pairs are gathered first: the common result (the
	// injector's mark alone) then takes no map of its own.
	var kept [8]struct{ k, v string }
	n := 0
	i := jsonskip.SkipSpace(b, 1)
	for i < len(b) && b[i] != '}' {
		if b[i] != '"' {
			return fmt.Errorf("annotations: want a key at offset %d", i)
		}
		end := jsonskip.String(b, i+1)
		if end < 0 {
			return fmt.Errorf("annotations: unterminated key")
		}
		key := b[i+1 : end]
		i = jsonskip.SkipSpace(b, end+1)
		if i >= len(b) || b[i] != ':' {
			return fmt.Errorf("annotations: want ':' at offset %d", i)
		}
		v := jsonskip.SkipSpace(b, i+1)
		ve := jsonskip.Value(b, v)
		if ve < 0 {
			return fmt.Errorf("annotations: bad value at offset %d", v)
		}
		if canon, ok := keptAnnotationKey[string(key)]; ok && n < len(kept) {
			var s string
			if canon != AnnotationSidecarStatus {
				if err := jsonv2.Unmarshal(b[v:ve], &s); err != nil {
					return fmt.Errorf("annotations: %s: %w", key, err)
				}
			}
			kept[n].k, kept[n].v = canon, s
			n++
		}
		i = jsonskip.SkipSpace(b, ve)
		if i < len(b) && b[i] == ',' {
			i = jsonskip.SkipSpace(b, i+1)
		}
	}
	switch {
	case n == 0:
	case n == 1 && kept[0].k == AnnotationSidecarStatus:
		// Nearly every injected pod keeps just the injector's mark: they
		// all share one map (objects of the store are only read once
		// decoded).
		*a = sidecarStatusOnly
	default:
		*a = make(annotationsProjection, n)
		for _, p := range kept[:n] {
			(*a)[p.k] = p.v
		}
	}
	return nil
}

// sidecarStatusOnly is the kept annotations of a pod the injector marked
// and nothing else: shared, never written.
var sidecarStatusOnly = annotationsProjection{AnnotationSidecarStatus: ""}

// keptAnnotationKey maps each kept key to itself, so a decoded key is
// stored as the one constant string rather than a copy per object.
var keptAnnotationKey = func() map[string]string {
	m := make(map[string]string, len(keptAnnotations))
	for k := range keptAnnotations {
		m[k] = k
	}
	return m
}()

// Container environment is slimmed from pods like annotations: only the
// istiod settings that change what pilot computes are kept
// (pilot/pkg/features/pilot.go).
var keptEnv = map[string]bool{
	// A Gateway's selector matches gateway pods of its own namespace only.
	EnvScopeGatewayToNamespace: true,
	// The cluster istiod serves: the topology.istio.io/cluster label of
	// every endpoint.
	EnvClusterID: true,
}

// Environment variables the fact builders read.
const (
	EnvScopeGatewayToNamespace = "PILOT_SCOPE_GATEWAY_TO_NAMESPACE"
	EnvClusterID               = "CLUSTER_ID"
)

// KeepEnv returns the kept variables of env with a literal value (nil
// when none): what slimming leaves of a container's environment, and what
// decoding through a projection reads.
func KeepEnv(env []corev1.EnvVar) []corev1.EnvVar {
	var out []corev1.EnvVar
	for _, e := range env {
		if keptEnv[e.Name] && e.ValueFrom == nil {
			out = append(out, corev1.EnvVar{Name: e.Name, Value: e.Value})
		}
	}
	return out
}

// envProjection reads only the kept variables of a container's env: a
// container that has none (nearly all) costs a scan of its bytes and no
// allocation.
type envProjection []corev1.EnvVar

// The names as JSON strings, quotes included: a sidecar's
// ISTIO_META_CLUSTER_ID must not make every container decode its env.
var (
	quotedScopeGateway = []byte(`"` + EnvScopeGatewayToNamespace + `"`)
	quotedClusterID    = []byte(`"` + EnvClusterID + `"`)
)

func (e *envProjection) UnmarshalJSON(b []byte) error {
	*e = nil
	if !bytes.Contains(b, quotedScopeGateway) && !bytes.Contains(b, quotedClusterID) {
		if bytes.Equal(b, []byte("null")) || (len(b) > 0 && b[0] == '[') {
			return nil
		}
		return fmt.Errorf("env: want an array")
	}
	var all []corev1.EnvVar
	if err := jsonv2.Unmarshal(b, &all); err != nil {
		return err
	}
	*e = KeepEnv(all)
	return nil
}
