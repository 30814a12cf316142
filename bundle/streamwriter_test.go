package bundle

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A stream writer's bytes are a bundle like a file writer's: manifest
// first, index last, the log frames' trailer, read back identically.
func TestStreamWriter(t *testing.T) {
	var out bytes.Buffer
	w, err := NewStreamWriter(&out, "stdout", Manifest{Tool: "nohealthy", ToolVersion: "test", CreatedAt: testTime,
		Serving: []ServingNamespace{{Namespace: "istio-system", Reasons: []string{"the Istio control plane (istiod)"}, Pods: []string{"istiod-1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFile(ResourcePath("shop", "pods"), []byte(`{"kind":"List","apiVersion":"v1","items":[]}`)); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFile(LogPath("shop", "a", "istio-proxy", false), []byte("line\n")); err != nil {
		t.Fatal(err)
	}
	w.AddCollector(CollectorStatus{Name: "pods", Status: StatusOK})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Abort() != nil {
		t.Error("Abort after Close is not a no-op")
	}
	path := filepath.Join(t.TempDir(), "s.tar.zst")
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, warns, err := collect(t, path, Limits{})
	if err != nil || len(warns) > 0 {
		t.Fatalf("reading the stream back: %v %v", err, warns)
	}
	var paths []string
	for _, e := range got {
		paths = append(paths, e.Path)
	}
	if strings.Join(paths, " ") != "manifest.json resources/shop/pods.json logs/shop/a/istio-proxy.log index.json" {
		t.Errorf("entries %v", paths)
	}
	if !strings.Contains(got[0].Body, `"servingNamespaces"`) || !strings.Contains(got[0].Body, `"istiod-1"`) {
		t.Errorf("manifest lacks the serving namespaces: %s", got[0].Body)
	}
	if !bytes.Contains(out.Bytes(), []byte(frameTrailerMagic)) {
		t.Errorf("no log frame trailer in the stream")
	}
}

// An aborted stream stops where it is: no index, and no well-formed end,
// so no reader takes it for a whole bundle.
func TestStreamWriterAbort(t *testing.T) {
	var out bytes.Buffer
	w, err := NewStreamWriter(&out, "stdout", Manifest{Tool: "nohealthy", CreatedAt: testTime})
	if err != nil {
		t.Fatal(err)
	}
	w.WriteFile(ResourcePath("shop", "pods"), bytes.Repeat([]byte("x"), 1<<20))
	before := out.Len()
	w.Abort()
	if out.Len() != before {
		t.Errorf("Abort wrote %d more bytes", out.Len()-before)
	}
	if err := w.Close(); err == nil {
		t.Error("Close after Abort succeeded")
	}
	path := filepath.Join(t.TempDir(), "cut.tar.zst")
	os.WriteFile(path, out.Bytes(), 0o644)
	got, _, err := collect(t, path, Limits{})
	for _, e := range got {
		if e.Path == IndexPath {
			t.Fatal("an aborted stream has an index")
		}
	}
	if err == nil {
		t.Error("an aborted stream reads as complete")
	}
}
