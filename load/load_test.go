package load

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/kinds"
)

// Loose kubectl output for one namespace says nothing of the others: a
// Service elsewhere must not be judged "endpoints missing".
func TestLooseFilesCoverageIsPerNamespace(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("all.json", `{"apiVersion":"v1","kind":"List","items":[
 {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"a"},"spec":{"selector":{"app":"web"},"ports":[{"port":80}]}},
 {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"a","labels":{"app":"web"}},"status":{"phase":"Running","podIP":"10.0.0.1","conditions":[{"type":"Ready","status":"True"}]}},
 {"apiVersion":"v1","kind":"Service","metadata":{"name":"api","namespace":"b"},"spec":{"selector":{"app":"api"},"ports":[{"port":80}]}},
 {"apiVersion":"v1","kind":"Pod","metadata":{"name":"api-1","namespace":"b","labels":{"app":"api"}},"status":{"phase":"Running","podIP":"10.0.0.2","conditions":[{"type":"Ready","status":"True"}]}}]}`)
	write("slices-b.yaml", `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: api-x, namespace: b, labels: {kubernetes.io/service-name: api}}
endpoints: [{addresses: [10.0.0.2], conditions: {ready: true}}]
ports: [{port: 80}]
`)
	snap, err := Inputs([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range snap.Facts.Services {
		switch s.Name {
		case "web":
			if s.EndpointsKnown || s.NoReadyBackends {
				t.Errorf("web (no slices read for namespace a): known=%v noReady=%v", s.EndpointsKnown, s.NoReadyBackends)
			}
		case "api":
			if !s.EndpointsKnown || s.ReadyEndpoints != 1 {
				t.Errorf("api: known=%v ready=%d", s.EndpointsKnown, s.ReadyEndpoints)
			}
		}
	}
}

func TestLoadErrorsNameTheInput(t *testing.T) {
	_, err := Inputs([]string{"/no/such/bundle.tar.zst"}, Options{})
	if err == nil || !strings.Contains(err.Error(), "/no/such/bundle.tar.zst") {
		t.Fatalf("got %v", err)
	}
	bad := filepath.Join(t.TempDir(), "x.tar.zst")
	os.WriteFile(bad, []byte{0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3}, 0o644)
	if _, err := Inputs([]string{bad}, Options{}); err == nil || !strings.Contains(err.Error(), "x.tar.zst") {
		t.Fatalf("corrupt: got %v", err)
	}
}

// FuzzStoreAdd: hostile object bytes never panic the typed decoding.
func FuzzStoreAdd(f *testing.F) {
	f.Add("Pod", []byte(`{"metadata":{"name":"a","namespace":"b"},"spec":{"containers":[{"name":"c","ports":[{"containerPort":80}]}]},"status":{"phase":"Running"}}`))
	f.Add("Service", []byte(`{"spec":{"ports":[{"port":80,"targetPort":"http"}],"selector":{"app":"x"}}}`))
	f.Add("Event", []byte(`{"involvedObject":{"kind":"Pod"},"count":3,"lastTimestamp":"2024-01-01T00:00:00Z"}`))
	f.Fuzz(func(t *testing.T, kind string, raw []byte) {
		s := NewObjects()
		apiVersion := "v1"
		if kind == "Deployment" {
			apiVersion = "apps/v1"
		}
		_, _ = s.Add(bundleObject(apiVersion, kind, raw))
		o := bundleObject(apiVersion, kind, raw)
		o.Unread, o.KindMustMatch = true, len(raw)%2 == 0
		_, _ = s.Add(o)
	})
}

func bundleObject(apiVersion, kind string, raw []byte) bundle.Object {
	return bundle.Object{APIVersion: apiVersion, Kind: kind, Namespace: "ns", Name: "n", Raw: raw}
}

// Items handed over unread get their metadata from the typed decode, and a
// `kind: List` item of another kind than the hint is stored under its own.
func TestStoreAddUnread(t *testing.T) {
	s := NewObjects()
	add := func(kind string, must bool, raw string) {
		t.Helper()
		if _, err := s.Add(bundle.Object{APIVersion: "v1", Kind: kind, Raw: []byte(raw), Unread: true, KindMustMatch: must}); err != nil {
			t.Fatal(err)
		}
	}
	add("Pod", false, `{"metadata":{"name":"p","namespace":"n","resourceVersion":"5"}}`)
	add("Service", true, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"n"}}`)
	add("Node", false, `{"metadata":{"name":"node-1"}}`)
	add("PodDisruptionBudget", false, `{"metadata":{"name":"pdb","namespace":"n"}}`)
	if kinds.Pods.In(s.kept)["n/p"] == nil || kinds.Deployments.In(s.kept)["n/d"] == nil || kinds.Nodes.In(s.kept)["node-1"] == nil || len(kinds.Services.In(s.kept)) != 0 {
		t.Fatalf("pods %v deployments %v nodes %v services %v", kinds.Pods.In(s.kept), kinds.Deployments.In(s.kept), kinds.Nodes.In(s.kept), kinds.Services.In(s.kept))
	}
	if s.kept.Count() != 4 {
		t.Fatalf("count %d", s.kept.Count())
	}
	if _, err := s.Add(bundle.Object{APIVersion: "v1", Kind: "Service", Raw: []byte(`{"metadata":{"name":"x"}}`), Unread: true, KindMustMatch: true}); err == nil {
		t.Fatal("a List item without kind must be an error")
	}
	// The newest resourceVersion wins, whichever order the copies come in.
	add("Pod", false, `{"metadata":{"name":"p","namespace":"n","resourceVersion":"3","labels":{"v":"old"}}}`)
	if kinds.Pods.In(s.kept)["n/p"].Labels["v"] == "old" {
		t.Fatal("an older copy replaced a newer one")
	}
	add("Pod", false, `{"metadata":{"name":"p","namespace":"n","resourceVersion":"7","labels":{"v":"new"}}}`)
	if kinds.Pods.In(s.kept)["n/p"].Labels["v"] != "new" || s.kept.Count() != 4 {
		t.Fatalf("newer copy not kept: %v, count %d", kinds.Pods.In(s.kept)["n/p"].Labels, s.kept.Count())
	}
}
