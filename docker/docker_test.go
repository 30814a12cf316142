package docker

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

func read(t *testing.T, inv *Inventory, file string) {
	t.Helper()
	data, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	if SniffTasks(data) {
		err = ReadTasks(file, bytes.NewReader(data), inv)
	} else if Sniff(data) {
		err = Read(file, bytes.NewReader(data), inv)
	} else {
		t.Fatalf("%s: not recognised as Docker output", file)
	}
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

func TestInspectContainers(t *testing.T) {
	inv := NewInventory()
	read(t, inv, "inspect.json")
	cs := inv.Containers()
	if len(cs) != 2 {
		t.Fatalf("%d containers", len(cs))
	}
	web := cs[0]
	if web.Name != "shop-web-1" || web.Status != "running" || web.Health != "unhealthy" || web.FailingStreak != 12 ||
		len(web.HealthLog) != 2 || web.HealthLog[1].ExitCode != 1 || !strings.Contains(web.HealthLog[1].Output, "port 8080") {
		t.Errorf("web = %+v", web)
	}
	if web.Project() != "shop" || web.ComposeService() != "web" || web.Image != "shop/web:1.4" || web.RestartPolicy != "unless-stopped" {
		t.Errorf("web labels/config = %+v", web)
	}
	if len(web.Ports) != 2 || web.Ports[0] != (PortBinding{Port: 8080, Protocol: "tcp", HostIP: "0.0.0.0", HostPort: 8080}) {
		t.Errorf("web ports = %+v", web.Ports)
	}
	if len(web.Networks) != 1 || web.Networks[0].IP != "172.18.0.3" || strings.Join(web.Networks[0].Aliases, ",") != "shop-web-1,web,5f0c0d9e1a2b" {
		t.Errorf("web networks = %+v", web.Networks)
	}
	if strings.Join(web.HealthTest, " ") != "CMD-SHELL curl -fsS http://localhost:8080/health || exit 1" || strings.Join(web.ExposedPorts, ",") != "8080/tcp" {
		t.Errorf("web healthcheck/exposed = %v %v", web.HealthTest, web.ExposedPorts)
	}
	worker := cs[1]
	if worker.Status != "restarting" || !worker.OOMKilled || worker.ExitCode != 137 || worker.RestartCount != 14 || worker.Health != "" {
		t.Errorf("worker = %+v", worker)
	}
}

func TestSwarmServiceAndTasks(t *testing.T) {
	inv := NewInventory()
	read(t, inv, "service.json")
	read(t, inv, "service-ps.txt")
	svcs := inv.Services()
	if len(svcs) != 1 {
		t.Fatalf("%d services", len(svcs))
	}
	s := svcs[0]
	if s.Name != "shop_api" || s.Stack() != "shop" || s.ShortName() != "api" || s.Mode != "replicated" || s.Replicas == nil || *s.Replicas != 3 {
		t.Errorf("service = %+v", s)
	}
	if len(s.Ports) != 1 || s.Ports[0] != (ServicePort{Target: 9000, Published: 9000, Protocol: "tcp", Mode: "ingress"}) ||
		strings.Join(s.VirtualIPs, ",") != "10.0.0.7,10.0.1.2" || s.HealthTest[0] != "CMD" {
		t.Errorf("service ports/vips/health = %+v", s)
	}
	tasks := inv.Tasks()
	if len(tasks) != 4 {
		t.Fatalf("%d tasks: %+v", len(tasks), tasks)
	}
	cur, prev := tasks[0], tasks[1]
	if cur.Service != "shop_api" || cur.Slot != 1 || cur.Previous || cur.State != "starting" || cur.DesiredState != "running" || cur.Since != "3 seconds ago" || cur.Error != "" {
		t.Errorf("current task = %+v", cur)
	}
	if !prev.Previous || prev.State != "failed" || prev.DesiredState != "shutdown" || prev.ExitCode == nil {
		t.Errorf("previous task = %+v", prev)
	}
	var errs []string
	for _, tk := range tasks {
		if tk.Error != "" {
			errs = append(errs, tk.Error)
		}
	}
	if strings.Join(errs, "|") != "task: non-zero exit (1)|dockerexec: unhealthy container" && strings.Join(errs, "|") != "dockerexec: unhealthy container|task: non-zero exit (1)" {
		t.Errorf("errors = %q", errs)
	}
	if last := tasks[3]; last.Slot != 2 || last.State != "running" || last.Ports != "*:9000->9000/tcp" {
		t.Errorf("slot 2 = %+v", last)
	}
	// The same table read again adds nothing.
	read(t, inv, "service-ps.txt")
	if n := inv.Count(); n != 5 {
		t.Errorf("count after reading twice = %d, want 5", n)
	}
}

func TestComposePS(t *testing.T) {
	for _, file := range []string{"compose-ps.jsonl", "compose-ps-v2.20.json"} {
		inv := NewInventory()
		read(t, inv, file)
		var proxy *Container
		for _, c := range inv.Containers() {
			if c.Name == "shop-proxy-1" {
				proxy = c
			}
			if !c.FromCompose || c.Project() != "shop" || c.ComposeService() == "" {
				t.Errorf("%s: %+v", file, c)
			}
		}
		if proxy == nil || proxy.Status != "running" || len(proxy.Ports) != 1 || proxy.Ports[0].HostPort != 80 {
			t.Errorf("%s: proxy = %+v", file, proxy)
		}
	}
	// compose ps of a container inspect also read keeps the inspect.
	inv := NewInventory()
	read(t, inv, "inspect.json")
	read(t, inv, "compose-ps.jsonl")
	for _, c := range inv.Containers() {
		if c.Name == "shop-web-1" && (c.FromCompose || len(c.HealthLog) == 0) {
			t.Errorf("inspect lost to compose ps: %+v", c)
		}
	}
}

func TestSniff(t *testing.T) {
	for in, want := range map[string]bool{
		`{"apiVersion":"v1","kind":"List","items":[]}`:                                           false,
		`[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}]`:                             false,
		`{"items":[],"kind":"PodList"}`:                                                          false,
		`[{"Id":"a","State":{"Status":"running"},"Config":{}}]`:                                  true,
		"\ufeff  [\n {\"Id\":\"a\",\"State\":{},\"HostConfig\":{}}]":                             true,
		`{"Id":"sha256:1","RepoTags":["x"],"Config":{}}`:                                         false, // docker image inspect
		`[{"ID":"n1","Spec":{"Role":"manager"},"Status":{"State":"ready"}}]`:                     false, // docker node inspect
		`{"ID":"s1","Spec":{"Name":"a","TaskTemplate":{}}}`:                                      true,
		`{"ID":"t1","ServiceID":"s1","Status":{"State":"running"},"DesiredState":"running"}`:     true,
		`{"ExitCode":0,"ID":"c","Name":"p-a-1","Project":"p","Service":"a","State":"running"}`:   true,
		`{"CurrentState":"Running 1 second ago","DesiredState":"Running","ID":"t","Name":"s.1"}`: true,
		`[{"Id":"a","State":{}`: false,
		`plain text`:            false,
		``:                      false,
	} {
		if got := Sniff([]byte(in)); got != want {
			t.Errorf("Sniff(%s) = %v, want %v", in, got, want)
		}
	}
	if !SniffTasks([]byte("\nID   NAME   IMAGE   NODE   DESIRED STATE   CURRENT STATE   ERROR   PORTS\n")) || SniffTasks([]byte("ID,NAME\n")) {
		t.Error("SniffTasks")
	}
}

func TestReadErrors(t *testing.T) {
	inv := NewInventory()
	err := Read("mixed.json", strings.NewReader(`[{"Id":"a","Name":"/a","State":{"Status":"running"},"Config":{}}, {"foo":1}, 3]`), inv)
	var ie *ItemError
	if !errors.As(err, &ie) || ie.Index != 1 || !strings.Contains(err.Error(), "mixed.json: item 1: not a Docker container") ||
		!strings.Contains(err.Error(), "item 2: number is not an object") {
		t.Errorf("err = %v", err)
	}
	if inv.Count() != 1 {
		t.Errorf("the good item is kept: %d", inv.Count())
	}
	if err := Read("cut.json", strings.NewReader(`[{"Id":"a","State":{`), NewInventory()); err == nil || !strings.Contains(err.Error(), "cut.json: invalid JSON") {
		t.Errorf("truncated: %v", err)
	}
	if err := ReadTasks("bad.txt", strings.NewReader("ID  NAME  CURRENT STATE\nonly-an-id\n"), NewInventory()); err == nil || !strings.Contains(err.Error(), "bad.txt: line 2") {
		t.Errorf("bad row: %v", err)
	}
	if err := ReadTasks("hdr.txt", strings.NewReader("hello\n"), NewInventory()); err == nil || !strings.Contains(err.Error(), "hdr.txt: line 1: not a `docker service ps` header") {
		t.Errorf("bad header: %v", err)
	}
}

// FuzzRead: no input makes the readers panic or keep a nil.
func FuzzRead(f *testing.F) {
	for _, file := range []string{"inspect.json", "service.json", "compose-ps.jsonl", "compose-ps-v2.20.json", "service-ps.txt"} {
		data, err := os.ReadFile("testdata/" + file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv := NewInventory()
		if Sniff(data) {
			_ = Read("f", bytes.NewReader(data), inv)
		}
		if SniffTasks(data) {
			_ = ReadTasks("f", bytes.NewReader(data), inv)
		}
		for _, c := range inv.Containers() {
			if c == nil || c.Labels == nil {
				t.Fatal("nil container or labels")
			}
		}
		for _, s := range inv.Services() {
			if s == nil || s.Labels == nil {
				t.Fatal("nil service or labels")
			}
		}
		_ = inv.Tasks()
	})
}
