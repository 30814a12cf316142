package kinds

import (
	"bytes"
	"fmt"

	jsonv2 "github.com/go-json-experiment/json"

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
		if keptAnnotations[string(key)] {
			var s string
			if string(key) != AnnotationSidecarStatus {
				if err := jsonv2.Unmarshal(b[v:ve], &s); err != nil {
					return fmt.Errorf("annotations: %s: %w", key, err)
				}
			}
			if *a == nil {
				*a = annotationsProjection{}
			}
			(*a)[string(key)] = s
		}
		i = jsonskip.SkipSpace(b, ve)
		if i < len(b) && b[i] == ',' {
			i = jsonskip.SkipSpace(b, i+1)
		}
	}
	return nil
}
