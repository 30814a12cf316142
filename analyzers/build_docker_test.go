package analyzers

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/docker"
	"github.com/nohealthy/nohealthy/kinds"
)

func dockerInventory(t *testing.T, files ...string) *docker.Inventory {
	t.Helper()
	inv := docker.NewInventory()
	for _, f := range files {
		r, err := os.Open("../docker/testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, ".txt") {
			err = docker.ReadTasks(f, r, inv)
		} else {
			err = docker.Read(f, r, inv)
		}
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return inv
}

func dockerFact(t *testing.T, f *Facts, ns, name string) *DockerServiceFact {
	t.Helper()
	for _, d := range f.DockerServices {
		if d.Namespace == ns && d.Name == name {
			return d
		}
	}
	t.Fatalf("no Docker service %s/%s", ns, name)
	return nil
}

// TestDockerFacts: a Compose service whose HEALTHCHECK finds nothing on
// its target port, a crash-looping one, a Swarm service with failed tasks;
// proxy symptoms join them by address, name and log file.
func TestDockerFacts(t *testing.T) {
	inv := dockerInventory(t, "inspect.json", "compose-ps.jsonl", "service.json", "service-ps.txt")
	syms := []*logscan.Symptom{
		{Kind: "nginx-connect-refused", Format: logscan.FormatNginxError, Count: 7, Upstream: "http://172.18.0.3:8080/",
			Origin: logscan.Origin{File: "logs/shop-proxy-1.log"}},
		{Kind: "haproxy-nosrv", Format: logscan.FormatHAProxy, Count: 3, Upstream: "api", Origin: logscan.Origin{File: "haproxy.log"}},
		{Kind: "traefik-no-available-server", Format: logscan.FormatTraefik, Count: 2, Upstream: "worker@docker"},
		{Kind: "traefik-no-router", Format: logscan.FormatTraefik, Count: 4, Authority: "shop.example.com"},
	}
	cov := map[string]string{}
	f := BuildFacts(kinds.NewStore(), BuildInput{Symptoms: syms, Coverage: cov, Docker: inv})

	web := dockerFact(t, f, "shop", "web")
	if web.Kind != "DockerService" || web.Platform != "compose" || web.Instances != 1 || web.Running != 1 || web.Healthy != 0 ||
		web.Unhealthy != 1 || !web.Outage || !web.HasHealthcheck || web.CrashLoop != 0 {
		t.Errorf("web = %+v", web)
	}
	if !slices.Equal(web.RefusedPorts, []string{"8080"}) || !strings.Contains(web.PortMessage, "port 8080") || len(web.PortEvidence) != 2 {
		t.Errorf("web ports: refused %v, %q, evidence %v", web.RefusedPorts, web.PortMessage, web.PortEvidence)
	}
	if web.SymptomCount != 7 || web.ConnectFailures != 7 || !slices.Contains(web.Keys, "authority:shop.example.com") || !slices.Contains(web.Keys, "docker:shop/web") {
		t.Errorf("web symptoms %d/%d keys %v", web.SymptomCount, web.ConnectFailures, web.Keys)
	}
	worker := dockerFact(t, f, "shop", "worker")
	if worker.CrashLoop != 1 || worker.OOMKilled != 1 || worker.MaxRestarts != 14 || !worker.Outage || !strings.Contains(worker.CrashMessage, "OOMKilled") {
		t.Errorf("worker = %+v", worker)
	}
	api := dockerFact(t, f, "shop", "api")
	if api.Platform != "swarm" || api.FullName != "shop_api" || !api.DesiredKnown || api.Desired != 3 || !api.TasksKnown ||
		api.Instances != 2 || api.Running != 2 || api.Healthy != 1 || api.Starting != 1 || api.UnhealthyKills != 1 || api.CrashLoop != 1 {
		t.Errorf("api = %+v", api)
	}
	if !slices.Equal(api.TargetPorts, []string{"9000/tcp"}) || !slices.Equal(api.PublishedPorts, []string{"9000->9000/tcp"}) || !slices.Contains(api.Addresses, "10.0.1.2") {
		t.Errorf("api ports %v %v %v", api.TargetPorts, api.PublishedPorts, api.Addresses)
	}
	proxy := dockerFact(t, f, "shop", "proxy")
	if proxy.Outage || proxy.Healthy != 1 {
		t.Errorf("proxy = %+v", proxy)
	}

	byKind := map[string]*SymptomFact{}
	for _, s := range f.Symptoms {
		byKind[s.Kind] = s
	}
	refused := byKind["nginx-connect-refused"]
	if refused.Reporter != (Ref{Kind: "Container", Namespace: "shop", Name: "shop-proxy-1"}) ||
		refused.ReporterWorkload != (Ref{Kind: "DockerService", Namespace: "shop", Name: "proxy"}) ||
		refused.Service != web.Ref || !refused.ServiceFound || refused.ServiceReady || !slices.Contains(refused.Keys, "docker:shop/web") {
		t.Errorf("refused symptom = %+v", refused)
	}
	if s := byKind["haproxy-nosrv"]; s.Service != api.Ref || !s.ServiceReady || s.Reporter != (Ref{Kind: "Log", Name: "haproxy.log"}) || s.ReporterWorkload.Name != "" {
		t.Errorf("haproxy symptom = %+v (a log named after no container is reported by its file, with no workload)", s)
	}
	if s := byKind["traefik-no-available-server"]; s.Service != worker.Ref {
		t.Errorf("traefik symptom = %+v", s)
	}
	if s := byKind["traefik-no-router"]; s.ServiceFound || !slices.Contains(s.Keys, "authority:shop.example.com") {
		t.Errorf("no-router symptom = %+v", s)
	}
	if cov["Container"] != "ok" || cov["DockerService"] != "ok" {
		t.Errorf("coverage %v", cov)
	}
}

func TestSplitUpstream(t *testing.T) {
	for in, want := range map[string]struct {
		host string
		port int
	}{
		"http://172.18.0.3:8080/": {"172.18.0.3", 8080}, "app:8080": {"app", 8080}, "app": {"app", 0},
		"web-shop@docker": {"web-shop", 0}, "http://[fd00::3]:80/x": {"fd00::3", 80}, "-": {"", 0},
		"outbound|80||a.b.svc.cluster.local": {"", 0},
	} {
		h, p := splitUpstream(in)
		if h != want.host || p != want.port {
			t.Errorf("splitUpstream(%q) = %q %d, want %q %d", in, h, p, want.host, want.port)
		}
	}
	if got := traefikName("web_my.project"); got != "web-my-project" {
		t.Errorf("traefikName = %q", got)
	}
}

// TestDockerStoppedIsNoCrash: docker stop's exit codes are no crash, and
// a lone container left exited is an outage only if a proxy sends to it.
func TestDockerStoppedIsNoCrash(t *testing.T) {
	for _, tc := range []struct {
		c     docker.Container
		crash bool
	}{
		{docker.Container{Status: "exited", ExitCode: 143}, false},
		{docker.Container{Status: "exited", ExitCode: 137}, false},
		{docker.Container{Status: "exited", ExitCode: 137, RestartCount: 4}, true},
		{docker.Container{Status: "exited", ExitCode: 137, OOMKilled: true}, true},
		{docker.Container{Status: "exited", ExitCode: 1}, true},
		{docker.Container{Status: "exited", ExitCode: 0}, false},
		{docker.Container{Status: "restarting", ExitCode: 2}, true},
		{docker.Container{Status: "running"}, false},
	} {
		if got := crashed(&tc.c); got != tc.crash {
			t.Errorf("%+v: crashed %v, want %v", tc.c, got, tc.crash)
		}
	}
	mk := func(name string) *docker.Container {
		return &docker.Container{ID: name + "0123456789abcdef", Name: name, Status: "exited", ExitCode: 1, RestartPolicy: "no",
			Labels: map[string]string{}, Source: "x"}
	}
	inv := docker.NewInventory()
	inv.AddContainer(mk("leftover"))
	inv.AddContainer(mk("api"))
	f := BuildFacts(kinds.NewStore(), BuildInput{Docker: inv, Coverage: map[string]string{},
		Symptoms: []*logscan.Symptom{{Kind: "haproxy-nosrv", Format: logscan.FormatHAProxy, Count: 5, Upstream: "api"}}})
	if d := dockerFact(t, f, "", "leftover"); d.Outage || d.CrashLoop != 1 {
		t.Errorf("leftover: %+v", d)
	}
	if d := dockerFact(t, f, "", "api"); !d.Outage || d.SymptomCount != 5 {
		t.Errorf("api (a proxy sends to it): %+v", d)
	}
}
