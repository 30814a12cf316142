package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Docker cases are the files a support engineer gets about a Docker host
// or a Swarm: what the Docker CLI prints, pasted into a folder. Their
// shapes follow moby's api/types (container.InspectResponse: Id, State
// with Health.Log, HostConfig.PortBindings, Config.Labels,
// NetworkSettings; swarm.Service; swarm.Task), docker/cli's task table
// (cli/command/task, text/tabwriter with minwidth 10, padding 3) and
// docker/compose's `ps --format json` (one object per line, the template
// context's methods, keys sorted: cmd/formatter/container.go).

// O is a JSON object whose keys keep their order, as Go's encoding/json
// writes a struct: docker inspect prints InspectResponse's fields in
// declaration order.
type O []KV

// KV is one member of an O.
type KV struct {
	K string
	V any
}

// MarshalJSON writes the members in order.
func (o O) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv.K)
		b.Write(k)
		b.WriteByte(':')
		v, err := jsonNoEscape(kv.V)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func jsonNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// DockerHost collects what a case pastes about one Docker host or Swarm.
type DockerHost struct {
	c          *Case
	r          *Rand
	containers []*DContainer
	services   []*DService
	files      map[string][]byte
}

// DContainer is one container of a host.
type DContainer struct {
	Name, Image, Cmd string
	Project, Service string // Compose labels (empty for a lone container)
	SwarmService     string // com.docker.swarm.service.name
	Stack            string // com.docker.stack.namespace
	Network, IP      string
	Status           string // running, restarting, exited
	ExitCode         int
	OOMKilled        bool
	Restarts         int
	RestartPolicy    string
	Started          time.Time
	Finished         time.Time
	HealthTest       []string
	Health           string // "", starting, healthy, unhealthy
	Probes           []DProbe
	Exposed          []int
	Published        map[int]int // container port -> host port
	Labels           map[string]string

	id string
}

// DProbe is one HEALTHCHECK run.
type DProbe struct {
	At     time.Time
	Exit   int
	Output string
}

// DService is a Swarm service.
type DService struct {
	Name, Stack, Image string
	Replicas           *int // nil: global
	HealthTest         []string
	Target, Published  int
	VIP                string
	Tasks              []DTask
	Labels             map[string]string

	id string
}

// DTask is one row of `docker service ps`.
type DTask struct {
	Slot          int
	Node          string
	Desired       string // Running, Shutdown
	State         string // Running, Starting, Failed, Shutdown, Complete, Rejected
	Ago           string // "3 minutes ago"
	Err           string
	Previous      bool
	PublishedPort bool
}

func newDockerHost(c *Case) *DockerHost {
	return &DockerHost{c: c, r: newRand(c.Name + "/docker"), files: map[string][]byte{}}
}

// Container adds a container.
func (h *DockerHost) Container(dc *DContainer) *DContainer {
	dc.id = hexid(h.c.Name+"/"+dc.Name, 64)
	if dc.RestartPolicy == "" {
		dc.RestartPolicy = "unless-stopped"
	}
	if dc.Status == "" {
		dc.Status = "running"
	}
	h.containers = append(h.containers, dc)
	return dc
}

// Service adds a Swarm service.
func (h *DockerHost) Service(s *DService) *DService {
	s.id = hexid(h.c.Name+"/svc/"+s.Name, 25)
	h.services = append(h.services, s)
	return s
}

// File stores a pasted file (a log, a table).
func (h *DockerHost) File(name string, lines []string) {
	h.files[name] = []byte(strings.Join(lines, "\n") + "\n")
}

// InspectFile writes `docker inspect` of every container (docker inspect
// $(docker ps -aq)): a JSON array indented with four spaces.
func (h *DockerHost) InspectFile(name string) {
	var objs []O
	for _, dc := range h.containers {
		objs = append(objs, h.inspect(dc))
	}
	b, err := json.MarshalIndent(objs, "", "    ")
	if err != nil {
		panic(err)
	}
	h.files[name] = append(b, '\n')
}

func rfc3339Nano(t time.Time, r *Rand) string {
	if t.IsZero() {
		return "0001-01-01T00:00:00Z"
	}
	return t.UTC().Add(time.Duration(r.N(999999999))).Format(time.RFC3339Nano)
}

func (h *DockerHost) inspect(dc *DContainer) O {
	r := h.r
	labels := map[string]string{}
	for k, v := range dc.Labels {
		labels[k] = v
	}
	if dc.Project != "" {
		labels["com.docker.compose.project"] = dc.Project
		labels["com.docker.compose.service"] = dc.Service
		labels["com.docker.compose.container-number"] = "1"
		labels["com.docker.compose.oneoff"] = "False"
		labels["com.docker.compose.version"] = "2.29.7"
		labels["com.docker.compose.project.working_dir"] = "/srv/" + dc.Project
		labels["com.docker.compose.config-hash"] = hexid(dc.Name+"/cfg", 64)
		labels["com.docker.compose.image"] = "sha256:" + hexid(dc.Image, 64)
	}
	if dc.SwarmService != "" {
		labels["com.docker.swarm.service.name"] = dc.SwarmService
		labels["com.docker.swarm.service.id"] = hexid(h.c.Name+"/svc/"+dc.SwarmService, 25)
		labels["com.docker.swarm.task.name"] = dc.Name
		if dc.Stack != "" {
			labels["com.docker.stack.namespace"] = dc.Stack
		}
	}
	running := dc.Status == "running"
	state := O{{"Status", dc.Status}, {"Running", running || dc.Status == "restarting"}, {"Paused", false},
		{"Restarting", dc.Status == "restarting"}, {"OOMKilled", dc.OOMKilled}, {"Dead", false}}
	pid := 0
	if running {
		pid = 1000 + r.N(60000)
	}
	state = append(state, KV{"Pid", pid}, KV{"ExitCode", dc.ExitCode}, KV{"Error", ""},
		KV{"StartedAt", rfc3339Nano(dc.Started, r)}, KV{"FinishedAt", rfc3339Nano(dc.Finished, r)})
	if dc.Health != "" {
		var log []O
		streak := 0
		for _, p := range dc.Probes {
			log = append(log, O{{"Start", rfc3339Nano(p.At, r)}, {"End", rfc3339Nano(p.At.Add(40*time.Millisecond), r)},
				{"ExitCode", p.Exit}, {"Output", p.Output}})
			if p.Exit != 0 {
				streak++
			} else {
				streak = 0
			}
		}
		state = append(state, KV{"Health", O{{"Status", dc.Health}, {"FailingStreak", streak}, {"Log", log}}})
	}
	netMode := dc.Network
	if netMode == "" {
		netMode = "bridge"
	}
	bindings := map[string][]O{}
	ports := map[string]any{}
	exposed := map[string]struct{}{}
	for _, p := range dc.Exposed {
		exposed[fmt.Sprintf("%d/tcp", p)] = struct{}{}
		ports[fmt.Sprintf("%d/tcp", p)] = nil
	}
	for cp, hp := range dc.Published {
		key := fmt.Sprintf("%d/tcp", cp)
		exposed[key] = struct{}{}
		bindings[key] = []O{{{"HostIp", ""}, {"HostPort", fmt.Sprint(hp)}}}
		if running {
			ports[key] = []O{{{"HostIp", "0.0.0.0"}, {"HostPort", fmt.Sprint(hp)}}, {{"HostIp", "::"}, {"HostPort", fmt.Sprint(hp)}}}
		}
	}
	short := dc.id[:12]
	aliases := []string{dc.Name}
	dns := []string{dc.Name}
	if dc.Service != "" {
		aliases = append(aliases, dc.Service)
		dns = append(dns, dc.Service)
	}
	dns = append(dns, short)
	ip, gw, prefix := "", "", 0
	if running && dc.IP != "" {
		ip, prefix = dc.IP, 16
		parts := strings.Split(dc.IP, ".")
		gw = strings.Join(append(parts[:3:3], "1"), ".")
	}
	networks := O{{netMode, O{{"IPAMConfig", nil}, {"Links", nil}, {"Aliases", aliases}, {"MacAddress", macOf(dc.id)},
		{"DriverOpts", nil}, {"GwPriority", 0}, {"NetworkID", hexid(netMode, 64)}, {"EndpointID", hexid(dc.id+"/ep", 64)},
		{"Gateway", gw}, {"IPAddress", ip}, {"IPPrefixLen", prefix}, {"IPv6Gateway", ""}, {"GlobalIPv6Address", ""},
		{"GlobalIPv6PrefixLen", 0}, {"DNSNames", dns}}}}
	cfg := O{{"Hostname", short}, {"Domainname", ""}, {"User", ""}, {"AttachStdin", false}, {"AttachStdout", true},
		{"AttachStderr", true}}
	if len(exposed) > 0 {
		cfg = append(cfg, KV{"ExposedPorts", exposed})
	}
	cfg = append(cfg, KV{"Tty", false}, KV{"OpenStdin", false}, KV{"StdinOnce", false},
		KV{"Env", []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}}, KV{"Cmd", strings.Fields(dc.Cmd)})
	if len(dc.HealthTest) > 0 {
		cfg = append(cfg, KV{"Healthcheck", O{{"Test", dc.HealthTest}, {"Interval", 10000000000}, {"Timeout", 3000000000}, {"Retries", 3}}})
	}
	cfg = append(cfg, KV{"Image", dc.Image}, KV{"Volumes", nil}, KV{"WorkingDir", "/app"}, KV{"Entrypoint", nil},
		KV{"OnBuild", nil}, KV{"Labels", labels})
	return O{
		{"Id", dc.id},
		{"Created", rfc3339Nano(dc.Started.Add(-2*time.Second), r)},
		{"Path", firstWord(dc.Cmd)},
		{"Args", restWords(dc.Cmd)},
		{"State", state},
		{"Image", "sha256:" + hexid(dc.Image, 64)},
		{"ResolvConfPath", "/var/lib/docker/containers/" + dc.id + "/resolv.conf"},
		{"HostnamePath", "/var/lib/docker/containers/" + dc.id + "/hostname"},
		{"HostsPath", "/var/lib/docker/containers/" + dc.id + "/hosts"},
		{"LogPath", "/var/lib/docker/containers/" + dc.id + "/" + dc.id + "-json.log"},
		{"Name", "/" + dc.Name},
		{"RestartCount", dc.Restarts},
		{"Driver", "overlay2"},
		{"Platform", "linux"},
		{"MountLabel", ""},
		{"ProcessLabel", ""},
		{"AppArmorProfile", "docker-default"},
		{"ExecIDs", nil},
		{"HostConfig", O{{"Binds", nil}, {"ContainerIDFile", ""}, {"LogConfig", O{{"Type", "json-file"}, {"Config", map[string]string{}}}},
			{"NetworkMode", netMode}, {"PortBindings", bindings}, {"RestartPolicy", O{{"Name", dc.RestartPolicy}, {"MaximumRetryCount", 0}}},
			{"AutoRemove", false}}},
		{"Mounts", []O{}},
		{"Config", cfg},
		{"NetworkSettings", O{{"Bridge", ""}, {"SandboxID", hexid(dc.id+"/sb", 64)}, {"SandboxKey", "/var/run/docker/netns/" + hexid(dc.id+"/ns", 12)},
			{"Ports", ports}, {"Networks", networks}}},
	}
}

func macOf(id string) string {
	return "02:42:" + id[0:2] + ":" + id[2:4] + ":" + id[4:6] + ":" + id[6:8]
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

func restWords(s string) []string {
	f := strings.Fields(s)
	if len(f) <= 1 {
		return []string{}
	}
	return f[1:]
}

// ComposePSFile writes `docker compose ps -a --format json` of the Compose
// containers: one object per line (Compose v2.21 and later), keys sorted.
func (h *DockerHost) ComposePSFile(name string) {
	var lines []string
	for _, dc := range h.containers {
		if dc.Project == "" {
			continue
		}
		var pubs []M
		var portText []string
		for _, cp := range sortedInts(dc.Published) {
			hp := dc.Published[cp]
			pubs = append(pubs, M{"URL": "0.0.0.0", "TargetPort": cp, "PublishedPort": hp, "Protocol": "tcp"},
				M{"URL": "::", "TargetPort": cp, "PublishedPort": hp, "Protocol": "tcp"})
			portText = append(portText, fmt.Sprintf("0.0.0.0:%d->%d/tcp, [::]:%d->%d/tcp", hp, cp, hp, cp))
		}
		for _, p := range dc.Exposed {
			if _, ok := dc.Published[p]; !ok {
				pubs = append(pubs, M{"URL": "", "TargetPort": p, "PublishedPort": 0, "Protocol": "tcp"})
				portText = append(portText, fmt.Sprintf("%d/tcp", p))
			}
		}
		if pubs == nil {
			pubs = []M{}
		}
		status := "Up 3 minutes"
		switch dc.Status {
		case "restarting":
			status = fmt.Sprintf("Restarting (%d) 4 seconds ago", dc.ExitCode)
		case "exited":
			status = fmt.Sprintf("Exited (%d) 2 minutes ago", dc.ExitCode)
		}
		if dc.Health != "" && dc.Status == "running" {
			status += " (" + dc.Health + ")"
		}
		labels := []string{"com.docker.compose.project=" + dc.Project, "com.docker.compose.service=" + dc.Service,
			"com.docker.compose.container-number=1", "com.docker.compose.oneoff=False"}
		for _, k := range sortedKeys(dc.Labels) {
			labels = append(labels, k+"="+dc.Labels[k])
		}
		obj := M{"Command": `"` + truncate(dc.Cmd, 20) + `"`, "CreatedAt": dc.Started.UTC().Add(-2 * time.Second).Format("2006-01-02 15:04:05 -0700 MST"),
			"ExitCode": dc.ExitCode, "Health": dc.Health, "ID": dc.id, "Image": dc.Image, "Labels": strings.Join(labels, ","),
			"LocalVolumes": "0", "Mounts": "", "Name": dc.Name, "Names": dc.Name, "Networks": dc.Network,
			"Ports": strings.Join(portText, ", "), "Project": dc.Project, "Publishers": pubs, "RunningFor": "3 minutes ago",
			"Service": dc.Service, "Size": "0B", "State": dc.Status, "Status": status}
		b, err := jsonNoEscape(obj)
		if err != nil {
			panic(err)
		}
		lines = append(lines, string(b))
	}
	h.File(name, lines)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

func sortedInts(m map[int]int) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ServiceInspectFile writes `docker service inspect` of the services.
func (h *DockerHost) ServiceInspectFile(name string) {
	var objs []O
	for _, s := range h.services {
		labels := map[string]string{}
		for k, v := range s.Labels {
			labels[k] = v
		}
		if s.Stack != "" {
			labels["com.docker.stack.namespace"] = s.Stack
			labels["com.docker.stack.image"] = s.Image
		}
		cs := O{{"Image", s.Image + "@sha256:" + hexid(s.Image, 64)}, {"Labels", map[string]string{"com.docker.stack.namespace": s.Stack}}}
		if len(s.HealthTest) > 0 {
			cs = append(cs, KV{"Healthcheck", O{{"Test", s.HealthTest}, {"Interval", 5000000000}, {"Timeout", 2000000000}, {"Retries", 3}}})
		}
		cs = append(cs, KV{"Privileges", O{{"CredentialSpec", nil}, {"SELinuxContext", nil}}}, KV{"Isolation", "default"})
		mode := O{{"Global", O{}}}
		if s.Replicas != nil {
			mode = O{{"Replicated", O{{"Replicas", *s.Replicas}}}}
		}
		var ports []O
		if s.Target > 0 {
			ports = []O{{{"Protocol", "tcp"}, {"TargetPort", s.Target}, {"PublishedPort", s.Published}, {"PublishMode", "ingress"}}}
		}
		netID := hexid(s.Stack+"_default", 25)
		spec := O{{"Name", s.Name}, {"Labels", labels},
			{"TaskTemplate", O{{"ContainerSpec", cs}, {"Resources", O{{"Limits", O{}}, {"Reservations", O{}}}},
				{"RestartPolicy", O{{"Condition", "any"}, {"Delay", 5000000000}, {"MaxAttempts", 0}}},
				{"Placement", O{{"Platforms", []O{{{"Architecture", "amd64"}, {"OS", "linux"}}}}}},
				{"Networks", []O{{{"Target", netID}, {"Aliases", []string{strings.TrimPrefix(s.Name, s.Stack+"_")}}}}},
				{"ForceUpdate", 0}, {"Runtime", "container"}}},
			{"Mode", mode},
			{"UpdateConfig", O{{"Parallelism", 1}, {"FailureAction", "pause"}, {"Monitor", 5000000000}, {"MaxFailureRatio", 0}, {"Order", "stop-first"}}},
			{"EndpointSpec", O{{"Mode", "vip"}, {"Ports", ports}}}}
		vips := []O{}
		if s.VIP != "" {
			vips = append(vips, O{{"NetworkID", netID}, {"Addr", s.VIP + "/24"}})
		}
		ep := O{{"Spec", O{{"Mode", "vip"}, {"Ports", ports}}}}
		if ports != nil {
			ep = append(ep, KV{"Ports", ports})
		}
		ep = append(ep, KV{"VirtualIPs", vips})
		created := h.c.Now.Add(-26 * time.Hour)
		objs = append(objs, O{{"ID", s.id}, {"Version", O{{"Index", 1000 + h.r.N(9000)}}},
			{"CreatedAt", rfc3339Nano(created, h.r)}, {"UpdatedAt", rfc3339Nano(h.c.Now.Add(-7*time.Minute), h.r)},
			{"Spec", spec}, {"Endpoint", ep}})
	}
	b, err := json.MarshalIndent(objs, "", "    ")
	if err != nil {
		panic(err)
	}
	h.files[name] = append(b, '\n')
}

// ServicePSFile writes `docker service ps --no-trunc` of the services as
// docker/cli prints it: text/tabwriter (minwidth 10, tabwidth 1, padding
// 3), a replaced task under the current one of its slot indented " \_ ",
// the states capitalized, the error quoted.
func (h *DockerHost) ServicePSFile(name string) {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 10, 1, 3, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tIMAGE\tNODE\tDESIRED STATE\tCURRENT STATE\tERROR\tPORTS")
	for _, s := range h.services {
		for i, t := range s.Tasks {
			id := hexid(fmt.Sprintf("%s/task/%s/%d", h.c.Name, s.Name, i), 25)
			nm := fmt.Sprintf("%s.%d", s.Name, t.Slot)
			if t.Previous {
				nm = ` \_ ` + nm
			}
			errText := ""
			if t.Err != "" {
				errText = `"` + t.Err + `"`
			}
			ports := ""
			if t.PublishedPort && s.Target > 0 {
				ports = fmt.Sprintf("*:%d->%d/tcp", s.Published, s.Target)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s %s\t%s\t%s\n", id, nm, s.Image+"@sha256:"+hexid(s.Image, 64)[:12], t.Node, t.Desired, t.State, t.Ago, errText, ports)
		}
	}
	tw.Flush()
	h.files[name] = b.Bytes()
}

// Pasted makes c a case of pasted files.
func (h *DockerHost) Pasted() { h.c.pasted = h.files }

// TraefikCLF renders one line of Traefik's common log format
// (pkg/middlewares/accesslog/logger_formatters.go): an unset router or
// service URL is "-" in quotes.
func TraefikCLF(t time.Time, client, method, path string, status, size, count int, router, serviceURL string, ms int) string {
	q := func(s string) string {
		if s == "" {
			return `"-"`
		}
		return `"` + s + `"`
	}
	return fmt.Sprintf(`%s - - [%s] "%s %s HTTP/1.1" %d %d "-" "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0" %d %s %s %dms`,
		client, t.UTC().Format("02/Jan/2006:15:04:05 -0700"), method, path, status, size, count, q(router), q(serviceURL), ms)
}
