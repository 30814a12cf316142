package load

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDockerFiles: Docker CLI output under any name is read as Docker
// objects (never as Kubernetes objects without a kind), a service ps
// table as tasks, and a log named after a container is that container's.
func TestDockerFiles(t *testing.T) {
	dir := t.TempDir()
	copyFile := func(from, to string) {
		b, err := os.ReadFile(filepath.Join("../docker/testdata", from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("inspect.json", "containers.json")
	copyFile("service.json", "swarm-services") // no extension: read by content
	copyFile("service-ps.txt", "tasks.txt")
	copyFile("compose-ps.jsonl", "ps.json")
	proxyLog := `2025/03/10 12:00:31 [error] 29#29: *11 connect() failed (111: Connection refused) while connecting to upstream, client: 172.18.0.1, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://172.18.0.3:8080/", host: "shop.example.com"` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "shop-proxy-1.log"), []byte(proxyLog), 0o644); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	snap, err := Inputs([]string{dir}, Options{Warn: func(m string) { warnings = append(warnings, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) > 0 {
		t.Errorf("warnings: %q", warnings)
	}
	// 3 containers (web and worker from inspect, proxy from compose ps),
	// 1 service, 4 tasks.
	if snap.ObjectCount != 8 {
		t.Errorf("objects %d, want 8", snap.ObjectCount)
	}
	names := map[string]bool{}
	for _, d := range snap.Facts.DockerServices {
		names[d.Ref.Kind+" "+d.Namespace+"/"+d.Name] = true
	}
	for _, want := range []string{"DockerService shop/web", "DockerService shop/worker", "DockerService shop/proxy", "DockerService shop/api"} {
		if !names[want] {
			t.Errorf("no %s in %v", want, names)
		}
	}
	if len(snap.Facts.Symptoms) != 1 {
		t.Fatalf("symptoms %+v", snap.Facts.Symptoms)
	}
	s := snap.Facts.Symptoms[0]
	if s.Reporter.Name != "shop-proxy-1" || s.Service.Name != "web" || !strings.Contains(strings.Join(s.Keys, " "), "docker:shop/web") {
		t.Errorf("symptom %+v", s)
	}
	if snap.Facts.Coverage["DockerService"] != "ok" || snap.Facts.Coverage["Container"] != "ok" {
		t.Errorf("coverage %v", snap.Facts.Coverage)
	}
}
