package dumpconv

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/bundle"
)

func write(t *testing.T, root, rel, body string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// objectsOf reads every object of a tree as "Kind ns/name".
func objectsOf(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := bundle.Walk(dir, bundle.Limits{}, nil, func(e *bundle.Entry) error {
		if e.Type != bundle.EntryObjects {
			return nil
		}
		return bundle.DecodeObjects(e.Path, e.Body, bundle.Limits{}, func(o bundle.Object) error {
			out = append(out, o.APIVersion+" "+o.Kind+" "+o.Namespace+"/"+o.Name)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestToClusterInfoDump(t *testing.T) {
	in := t.TempDir()
	write(t, in, "manifest.json", `{"formatVersion":1}`)
	write(t, in, bundle.ResourcePath("", "nodes"), `{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"}}]}`)
	write(t, in, bundle.ResourcePath("bookinfo", "pods"), `{"apiVersion":"v1","kind":"List","items":[
	  {"apiVersion":"v1","kind":"Pod","metadata":{"name":"reviews-1","namespace":"bookinfo"},
	   "spec":{"initContainers":[{"name":"istio-init"}],"containers":[{"name":"reviews"},{"name":"istio-proxy"}]}}]}`)
	write(t, in, bundle.ResourcePath("bookinfo", "endpointslices.discovery.k8s.io"), `{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"reviews-abc","namespace":"bookinfo"}}]}`)
	write(t, in, bundle.ResourcePath("bookinfo", "destinationrules.networking.istio.io"), `{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"networking.istio.io/v1","kind":"DestinationRule","metadata":{"name":"reviews","namespace":"bookinfo"}}]}`)
	write(t, in, bundle.ResourcePath("", "namespaces"), `{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bookinfo"}}]}`)
	write(t, in, bundle.LogPath("bookinfo", "reviews-1", "istio-proxy", false), "503 UH\n")
	write(t, in, bundle.LogPath("bookinfo", "reviews-1", "istio-init", false), "iptables done") // no final newline
	write(t, in, bundle.LogPath("bookinfo", "reviews-1", "istio-proxy", true), "crashed\n")
	write(t, in, bundle.ProxyPath("bookinfo", "reviews-1", "clusters.json"), `{"cluster_statuses":[]}`)
	write(t, in, "index.json", `{}`)

	out := t.TempDir()
	if err := ToClusterInfoDump(in, out); err != nil {
		t.Fatal(err)
	}

	// Layout.
	for _, f := range []string{"nodes.json", "bookinfo/events.json", "bookinfo/services.json", "bookinfo/pods.json",
		"bookinfo/deployments.json", "bookinfo/replicasets.json", "bookinfo/daemonsets.json",
		"bookinfo/replication-controllers.json", "bookinfo/reviews-1/logs.txt",
		"bookinfo/extra-endpointslices.json", "bookinfo/extra-destinationrules.json", "extra-namespaces.json",
		"logs/bookinfo/reviews-1/istio-proxy.previous.log", "proxy/bookinfo/reviews-1/clusters.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}

	// Typed lists as kubectl prints them: items carry no kind.
	var pl struct {
		Kind, APIVersion string
		Items            []map[string]any
	}
	b, _ := os.ReadFile(filepath.Join(out, "bookinfo/pods.json"))
	json.Unmarshal(b, &pl)
	if pl.Kind != "PodList" || pl.APIVersion != "v1" || len(pl.Items) != 1 || pl.Items[0]["kind"] != nil || pl.Items[0]["apiVersion"] != nil {
		t.Errorf("pods.json: %s", b)
	}
	if !strings.Contains(string(b), "\n    \"apiVersion\"") {
		t.Errorf("not kubectl's 4-space indentation: %s", b[:40])
	}
	b, _ = os.ReadFile(filepath.Join(out, "bookinfo/replication-controllers.json"))
	json.Unmarshal(b, &pl)
	if pl.Kind != "ReplicationControllerList" || len(pl.Items) != 0 {
		t.Errorf("rc: %s", b)
	}

	// Logs framed in spec order, init first; a log without newline glued.
	b, _ = os.ReadFile(filepath.Join(out, "bookinfo/reviews-1/logs.txt"))
	want := "==== START logs for container istio-init of pod bookinfo/reviews-1 ====\n" +
		"iptables done==== END logs for container istio-init of pod bookinfo/reviews-1 ====\n" +
		"==== START logs for container reviews of pod bookinfo/reviews-1 ====\n" +
		"==== END logs for container reviews of pod bookinfo/reviews-1 ====\n" +
		"==== START logs for container istio-proxy of pod bookinfo/reviews-1 ====\n" +
		"503 UH\n" +
		"==== END logs for container istio-proxy of pod bookinfo/reviews-1 ====\n"
	if string(b) != want {
		t.Errorf("logs.txt:\n%s\nwant:\n%s", b, want)
	}

	// The converted tree reads back to the same objects, and the frames to
	// the same logs.
	if a, c := objectsOf(t, in), objectsOf(t, out); strings.Join(a, "\n") != strings.Join(c, "\n") {
		t.Errorf("objects differ:\nbundle: %v\ndump:   %v", a, c)
	}
	logs := map[string]string{}
	err := bundle.Walk(out, bundle.Limits{}, nil, func(e *bundle.Entry) error {
		if e.Type != bundle.EntryDumpLogs {
			return nil
		}
		return bundle.SplitDumpLogs(e.Body, bundle.Limits{}, func(ns, pod, c string, body io.Reader) error {
			b, err := io.ReadAll(body)
			logs[ns+"/"+pod+"/"+c] = string(b)
			return err
		})
	})
	if err != nil || logs["bookinfo/reviews-1/istio-proxy"] != "503 UH\n" || logs["bookinfo/reviews-1/istio-init"] != "iptables done\n" {
		t.Errorf("%v %q", err, logs)
	}
}
