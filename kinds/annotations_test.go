package kinds

import (
	"reflect"
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
