package kinds

import (
	"reflect"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
)

// TestAnnotationsProjection: the projection keeps what KeepAnnotations
// keeps of a full decode, for escaped values, odd spacing and objects
// without any Istio annotation.
func TestAnnotationsProjection(t *testing.T) {
	for _, in := range []string{
		`null`,
		`{}`,
		`{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\"}"}`,
		`{"sidecar.istio.io/status":"{\"containers\":[\"istio-proxy\"]}","prometheus.io/port":"15020"}`,
		` { "ambient.istio.io/redirection" : "enabled" , "x.istio.io/other":"y" } `,
		`{"traffic.sidecar.istio.io/excludeInboundPorts":"9090,\u0039091","sidecar.istio.io/inject":"false"}`,
	} {
		var p annotationsProjection
		if err := jsonv2.Unmarshal([]byte(in), &p); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		var full map[string]string
		if err := jsonv2.Unmarshal([]byte(in), &full); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if want := KeepAnnotations(full); !reflect.DeepEqual(map[string]string(p), want) {
			t.Errorf("%s: projected %v, want %v", in, p, want)
		}
	}
	var p annotationsProjection
	if err := jsonv2.Unmarshal([]byte(`["not","an","object"]`), &p); err == nil {
		t.Error("an array decoded as annotations")
	}
}

// FuzzAnnotationsProjection: on any input a full decode reads as
// annotations, the projection reads the same kept annotations; on any
// other it fails or keeps nothing, and never panics.
func FuzzAnnotationsProjection(f *testing.F) {
	f.Add(`{"sidecar.istio.io/status":"{}","a":"b"}`)
	f.Add(`{"ambient.istio.io/redirection":"enabled"}`)
	f.Add(`{"sidecar.istio.io/inject":"tr\"ue","istio.io/rev":"x"}`)
	f.Fuzz(func(t *testing.T, in string) {
		var p annotationsProjection
		perr := jsonv2.Unmarshal([]byte(in), &p)
		var full map[string]string
		if err := jsonv2.Unmarshal([]byte(in), &full); err != nil {
			return
		}
		if perr != nil {
			t.Fatalf("%q: full decode works, projection fails: %v", in, perr)
		}
		if want := KeepAnnotations(full); !reflect.DeepEqual(map[string]string(p), want) {
			t.Fatalf("%q: projected %v, want %v", in, p, want)
		}
	})
}

// TestEnvProjection: only istiod's literal settings are kept; a
// container without them decodes to nil.
func TestEnvProjection(t *testing.T) {
	for in, want := range map[string]string{
		`[{"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]`:                   "",
		`[{"name":"PILOT_SCOPE_GATEWAY_TO_NAMESPACE","value":"true"},{"name":"A","value":"b"}]`:          "PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true",
		`[{"name":"CLUSTER_ID","valueFrom":{"configMapKeyRef":{"name":"x","key":"y"}}}]`:                 "",
		`[{"name":"CLUSTER_ID","value":"east"},{"name":"PILOT_SCOPE_GATEWAY_TO_NAMESPACE","value":"0"}]`: "CLUSTER_ID=east,PILOT_SCOPE_GATEWAY_TO_NAMESPACE=0",
		`null`: "",
		`[{"name":"ISTIO_META_CLUSTER_ID","value":"Kubernetes"}]`: "",
	} {
		var e envProjection
		if err := jsonv2.Unmarshal([]byte(in), &e); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		var got []string
		for _, v := range e {
			got = append(got, v.Name+"="+v.Value)
		}
		if g := strings.Join(got, ","); g != want {
			t.Errorf("%s: kept %q, want %q", in, g, want)
		}
	}
}
