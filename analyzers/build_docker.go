package analyzers

import (
	"cmp"
	"fmt"
	"maps"
	"net"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/nohealthy/nohealthy/docker"
)

// The facts of a Docker host or Swarm (docker.Inventory): what stands
// behind each name a proxy sends to, and how its instances fare. The
// same causes as on Kubernetes apply (causes/catalog.yaml's Docker note):
// they name the Docker service (kind DockerService, namespace = the stack
// or Compose project) or a lone container (kind Container).

// dockerWorkload is one DockerServiceFact being built, with what it is
// built from.
type dockerWorkload struct {
	fact       *DockerServiceFact
	service    *docker.Service
	tasks      []*docker.Task
	containers []*docker.Container
	// declared are the container-side ports it declares; refused the
	// ports found without a listener, with what shows it.
	declared map[int]bool
	refused  map[int][]Evidence
	names    []string
}

// dockerIndex resolves names, addresses and log files to workloads. It
// is read-only once built, so symptom facts read it concurrently.
type dockerIndex struct {
	workloads []*dockerWorkload
	byName    map[string][]*dockerWorkload
	byAddr    map[string]*dockerWorkload
	// byLogName: what a log file of a container may be named after (its
	// name, ID, short ID, Compose service, Swarm task name).
	byLogName map[string]dockerLogOwner
}

type dockerLogOwner struct {
	w         *dockerWorkload
	container Ref // zero when the name is the service's, not a container's
}

// buildDocker derives the Docker facts from inv (nil: none).
func (b *builder) buildDocker(inv *docker.Inventory) {
	if inv == nil || inv.Empty() {
		return
	}
	ix := &dockerIndex{byName: map[string][]*dockerWorkload{}, byAddr: map[string]*dockerWorkload{}, byLogName: map[string]dockerLogOwner{}}
	byKey := map[string]*dockerWorkload{}
	get := func(key string, mk func() *DockerServiceFact) *dockerWorkload {
		if w := byKey[key]; w != nil {
			return w
		}
		w := &dockerWorkload{fact: mk(), declared: map[int]bool{}, refused: map[int][]Evidence{}}
		byKey[key] = w
		ix.workloads = append(ix.workloads, w)
		return w
	}
	swarm := func(full, stack string) func() *DockerServiceFact {
		return func() *DockerServiceFact {
			short := full
			if s, ok := strings.CutPrefix(full, stack+"_"); ok && stack != "" && s != "" {
				short = s
			}
			return &DockerServiceFact{Kind: "DockerService", Platform: "swarm", Namespace: stack, Name: short, FullName: full}
		}
	}
	serviceByID := map[string]*docker.Service{}
	for _, s := range inv.Services() {
		serviceByID[s.ID] = s
		w := get("swarm/"+s.Name, swarm(s.Name, s.Stack()))
		w.service = s
		w.fact.Mode = s.Mode
	}
	for _, t := range inv.Tasks() {
		name := t.Service
		if name == "" {
			if s := serviceByID[t.ServiceID]; s != nil {
				name = s.Name
			} else {
				name = t.ServiceID
			}
		}
		if name == "" {
			continue
		}
		w := byKey["swarm/"+name]
		if w == nil {
			w = get("swarm/"+name, swarm(name, ""))
		}
		w.tasks = append(w.tasks, t)
	}
	for _, c := range inv.Containers() {
		if strings.EqualFold(c.Labels[docker.LabelComposeOneoff], "true") {
			continue // `docker compose run`: not the service's container
		}
		var w *dockerWorkload
		switch {
		case c.SwarmService() != "":
			w = get("swarm/"+c.SwarmService(), swarm(c.SwarmService(), c.Labels[docker.LabelStack]))
		case c.ComposeService() != "":
			p, s := c.Project(), c.ComposeService()
			w = get("compose/"+p+"/"+s, func() *DockerServiceFact {
				return &DockerServiceFact{Kind: "DockerService", Platform: "compose", Namespace: p, Name: s, FullName: s}
			})
		default:
			w = get("container/"+c.Name, func() *DockerServiceFact {
				return &DockerServiceFact{Kind: "Container", Platform: "container", Name: c.Name, FullName: c.Name}
			})
		}
		w.containers = append(w.containers, c)
	}
	slices.SortFunc(ix.workloads, func(x, y *dockerWorkload) int {
		return cmp.Or(cmp.Compare(x.fact.Namespace, y.fact.Namespace), cmp.Compare(x.fact.Name, y.fact.Name), cmp.Compare(x.fact.Kind, y.fact.Kind))
	})
	for _, w := range ix.workloads {
		f := w.fact
		f.Ref = Ref{Kind: f.Kind, Namespace: f.Namespace, Name: f.Name}
		if w.service != nil || len(w.tasks) > 0 {
			w.swarmState()
		}
		if len(w.tasks) == 0 {
			w.containerState()
		}
		w.ports()
		w.probeRefusals()
		f.Completed = f.Instances > 0 && f.Running == 0 && f.CrashLoop == 0 && allExitedCleanly(w.containers) && len(w.tasks) == 0
		knownEmpty := f.Platform == "swarm" && ((f.DesiredKnown && f.Desired == 0) || f.TasksKnown)
		f.Outage = !f.Completed && !stoppedLone(w) && f.Healthy == 0 && (f.Instances > 0 || knownEmpty)
		ix.index(w)
		b.facts.DockerServices = append(b.facts.DockerServices, f)
	}
	b.docker = ix
	if b.facts.Coverage != nil {
		if len(inv.Containers()) > 0 {
			b.facts.Coverage["Container"] = "ok"
		}
		b.facts.Coverage["DockerService"] = "ok"
	}
}

func allExitedCleanly(cs []*docker.Container) bool {
	for _, c := range cs {
		if (c.Status != "exited" && c.Status != "dead") || c.ExitCode != 0 || c.OOMKilled {
			return false
		}
	}
	return len(cs) > 0
}

// swarmState counts a Swarm service's tasks. `docker service ps` lists
// each slot's current task first, the tasks it replaced under it; a task
// reaches "running" only once its healthcheck passed (swarmkit waits for
// it), and a task Swarm killed for failing it says "unhealthy container".
func (w *dockerWorkload) swarmState() {
	f := w.fact
	if s := w.service; s != nil {
		switch {
		case s.Desired != nil:
			f.Desired, f.DesiredKnown = *s.Desired, true
		case s.Replicas != nil:
			f.Desired, f.DesiredKnown = *s.Replicas, true
		}
		if len(s.HealthTest) > 0 {
			f.HasHealthcheck, f.HealthTest = true, healthTest(s.HealthTest)
		}
	}
	if len(w.tasks) == 0 {
		return
	}
	f.TasksKnown = true
	failed := map[string]int{}
	for _, t := range w.tasks {
		ref := "Task " + taskName(t)
		if !t.Previous && t.DesiredState == "running" {
			f.Instances++
			switch t.State {
			case "running":
				f.Running++
				f.Healthy++
			case "starting":
				f.Running++
				f.Starting++
			}
		}
		switch {
		case strings.Contains(t.Error, "unhealthy container"):
			f.UnhealthyKills++
			f.ProbeEvidence = appendEvidence(f.ProbeEvidence, Evidence{Kind: "Task", Ref: ref, Text: taskText(t)})
		case t.ExitCode != nil && *t.ExitCode != 0:
			f.CrashLoop++
			failed[t.Error]++
			f.CrashEvidence = appendEvidence(f.CrashEvidence, Evidence{Kind: "Task", Ref: ref, Text: taskText(t)})
		}
		if t.State == "failed" || t.State == "rejected" {
			f.MaxRestarts++
		}
		f.Evidence = appendEvidence(f.Evidence, Evidence{Kind: "Task", Ref: ref, Text: taskText(t)})
	}
	if f.Mode == "global" && !f.DesiredKnown {
		f.Desired = f.Instances
	}
	if f.UnhealthyKills > 0 {
		f.ProbeMessage = fmt.Sprintf("Swarm shut down %d task(s) as \"unhealthy container\"", f.UnhealthyKills)
		if f.HealthTest != "" {
			f.ProbeMessage += "; HEALTHCHECK " + f.HealthTest
		}
	}
	if f.CrashLoop > 0 {
		var parts []string
		for _, e := range slices.Sorted(maps.Keys(failed)) {
			parts = append(parts, fmt.Sprintf("%q ×%d", e, failed[e]))
		}
		f.CrashMessage = fmt.Sprintf("%d task(s) failed: %s", f.CrashLoop, strings.Join(parts, ", "))
	}
}

func taskName(t *docker.Task) string {
	if t.Slot > 0 {
		return t.Service + "." + strconv.Itoa(t.Slot)
	}
	if t.Node != "" {
		return t.Service + "." + t.Node
	}
	return t.Service + " " + t.ID
}

func taskText(t *docker.Task) string {
	s := "desired " + t.DesiredState + ", " + t.State
	if t.Since != "" {
		s += " " + t.Since
	}
	if t.Node != "" {
		s += " on " + t.Node
	}
	if t.Error != "" {
		s += ": " + t.Error
	}
	return s
}

// containerState counts containers (Compose, lone, or the tasks of a
// Swarm service seen only through docker inspect).
func (w *dockerWorkload) containerState() {
	f := w.fact
	var crashes []string
	for _, c := range w.containers {
		ref := "Container " + c.Name
		f.Instances++
		f.MaxRestarts = max(f.MaxRestarts, c.RestartCount)
		if c.OOMKilled {
			f.OOMKilled++
		}
		if len(c.HealthTest) > 0 && c.HealthTest[0] != "NONE" {
			f.HasHealthcheck, f.HealthTest = true, healthTest(c.HealthTest)
		}
		switch c.Status {
		case "running", "paused":
			f.Running++
			switch c.Health {
			case "", "healthy":
				f.Healthy++
			case "unhealthy":
				f.Unhealthy++
			case "starting":
				f.Starting++
			}
		}
		if crashed(c) {
			f.CrashLoop++
			crashes = append(crashes, exitText(c))
			f.CrashEvidence = appendEvidence(f.CrashEvidence, Evidence{Kind: "ContainerStatus", Ref: ref, Text: containerText(c)})
		}
		f.Evidence = appendEvidence(f.Evidence, Evidence{Kind: "ContainerStatus", Ref: ref, Text: containerText(c)})
		if c.Health == "unhealthy" || (c.Health == "starting" && c.FailingStreak > 0) {
			f.ProbeEvidence = appendEvidence(f.ProbeEvidence, Evidence{Kind: "ContainerStatus", Ref: ref,
				Text: fmt.Sprintf("health %s, %d failed check(s) in a row; HEALTHCHECK %s", c.Health, c.FailingStreak, healthTest(c.HealthTest))})
			for _, p := range lastFailures(c.HealthLog, 2) {
				f.ProbeEvidence = append(f.ProbeEvidence, Evidence{Kind: "HealthCheck", Ref: ref, Text: probeText(p)})
				if f.ProbeMessage == "" {
					f.ProbeMessage = fmt.Sprintf("HEALTHCHECK fails (exit %d): %s", p.ExitCode, oneLine(p.Output, 240))
				}
			}
		}
	}
	if len(crashes) > 0 {
		f.CrashMessage = strings.Join(dedupe(crashes), "; ")
	}
	if f.Platform != "swarm" {
		f.Desired, f.DesiredKnown = f.Instances, true
	}
}

// crashed reports whether a container died rather than was stopped: it
// restarts, or it exited OOM-killed or with a non-zero code other than
// those of `docker stop` (143 on SIGTERM, 137 when the stop timeout
// ran out and SIGKILL followed; 130 on SIGINT). A 137 after restarts is
// a kill in a loop, not a stop.
func crashed(c *docker.Container) bool {
	switch c.Status {
	case "restarting":
		return true
	case "exited", "dead":
		switch {
		case c.OOMKilled:
			return true
		case c.ExitCode == 0, c.ExitCode == 130, c.ExitCode == 143:
			return false
		case c.ExitCode == 137:
			return c.RestartCount > 0
		}
		return true
	}
	return false
}

// stoppedLone reports whether w is a lone container that exited and that
// Docker was not asked to keep running (restart policy "no"): a one-off
// or a leftover of `docker ps -a`, an outage only if a proxy still sends
// to it.
func stoppedLone(w *dockerWorkload) bool {
	if w.fact.Platform != "container" {
		return false
	}
	for _, c := range w.containers {
		if (c.Status != "exited" && c.Status != "dead" && c.Status != "created") || (c.RestartPolicy != "" && c.RestartPolicy != "no") {
			return false
		}
	}
	return len(w.containers) > 0
}

func containerText(c *docker.Container) string {
	s := c.Status
	if c.Status == "" && c.ComposeStatusText != "" {
		s = c.ComposeStatusText
	}
	if c.Health != "" {
		s += " (" + c.Health + ")"
	}
	if c.Status != "running" && c.Status != "" || c.ExitCode != 0 {
		s += ", exit code " + strconv.Itoa(c.ExitCode)
	}
	if c.OOMKilled {
		s += ", OOMKilled"
	}
	if c.RestartCount > 0 {
		s += fmt.Sprintf(", %d restart(s)", c.RestartCount)
	}
	if c.Error != "" {
		s += ": " + c.Error
	}
	return s
}

func exitText(c *docker.Container) string {
	s := "exit code " + strconv.Itoa(c.ExitCode)
	if c.OOMKilled {
		s += " (OOMKilled)"
	}
	if c.Status == "restarting" {
		s += ", restarting"
	}
	if c.RestartCount > 0 {
		s += fmt.Sprintf(", %d restart(s)", c.RestartCount)
	}
	return s
}

func healthTest(test []string) string {
	if len(test) == 0 {
		return "(inherited)"
	}
	return strings.Join(test, " ")
}

func probeText(p docker.Probe) string {
	at := p.End
	if at == "" {
		at = p.Start
	}
	return fmt.Sprintf("exit %d at %s: %s", p.ExitCode, at, oneLine(p.Output, 300))
}

// lastFailures returns the last n failed probes, oldest first.
func lastFailures(log []docker.Probe, n int) []docker.Probe {
	var out []docker.Probe
	for i := len(log) - 1; i >= 0 && len(out) < n; i-- {
		if log[i].ExitCode != 0 {
			out = append(out, log[i])
		}
	}
	slices.Reverse(out)
	return out
}

// ports records what the workload declares: Swarm target and published
// ports, container port bindings and EXPOSEd ports.
func (w *dockerWorkload) ports() {
	f := w.fact
	target := map[string]bool{}
	published := map[string]bool{}
	if s := w.service; s != nil {
		for _, p := range s.Ports {
			w.declared[p.Target] = true
			target[fmt.Sprintf("%d/%s", p.Target, p.Protocol)] = true
			if p.Published > 0 {
				published[fmt.Sprintf("%d->%d/%s", p.Published, p.Target, p.Protocol)] = true
			}
		}
		f.Addresses = append(f.Addresses, s.VirtualIPs...)
	}
	for _, c := range w.containers {
		for _, p := range c.Ports {
			w.declared[p.Port] = true
			target[fmt.Sprintf("%d/%s", p.Port, p.Protocol)] = true
			if p.HostPort > 0 {
				published[fmt.Sprintf("%d->%d/%s", p.HostPort, p.Port, p.Protocol)] = true
			}
		}
		for _, e := range c.ExposedPorts {
			if n, err := strconv.Atoi(strings.SplitN(e, "/", 2)[0]); err == nil {
				w.declared[n] = true
				target[e] = true
			}
		}
		for _, n := range c.Networks {
			if n.IP != "" && !slices.Contains(f.Addresses, n.IP) {
				f.Addresses = append(f.Addresses, n.IP)
			}
		}
	}
	f.TargetPorts = slices.Sorted(maps.Keys(target))
	f.PublishedPorts = slices.Sorted(maps.Keys(published))
	if f.TargetPorts == nil {
		f.TargetPorts = []string{}
	}
	if f.PublishedPorts == nil {
		f.PublishedPorts = []string{}
	}
	if f.Addresses == nil {
		f.Addresses = []string{}
	}
}

// refusedRE recognises a probe (curl, wget, busybox wget, nc, node, Go)
// that found nothing listening; portRE the port it names.
var (
	refusedRE = regexp.MustCompile(`(?i)connection refused|couldn't connect to server|can't connect to remote host|econnrefused|failed to connect to`)
	portRE    = regexp.MustCompile(`(?i)\bport (\d{1,5})\b|(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|::1|[a-z0-9.-]+):(\d{1,5})\b`)
)

// probeRefusals finds the declared ports a running container's
// HEALTHCHECK found nothing listening on.
func (w *dockerWorkload) probeRefusals() {
	for _, c := range w.containers {
		if c.Status != "running" {
			continue
		}
		p, ok := lastRefusal(c.HealthLog)
		if !ok {
			continue
		}
		port := probePort(p.Output)
		if port == 0 {
			port = probePort(strings.Join(c.HealthTest, " "))
		}
		if port == 0 || !w.declared[port] {
			continue
		}
		w.refuse(port, Evidence{Kind: "HealthCheck", Ref: "Container " + c.Name,
			Text: fmt.Sprintf("nothing listens on port %d: %s", port, probeText(p))})
	}
}

func lastRefusal(log []docker.Probe) (docker.Probe, bool) {
	for i := len(log) - 1; i >= 0; i-- {
		if log[i].ExitCode != 0 && refusedRE.MatchString(log[i].Output) {
			return log[i], true
		}
	}
	return docker.Probe{}, false
}

func probePort(s string) int {
	for _, m := range portRE.FindAllStringSubmatch(s, -1) {
		for _, g := range m[1:] {
			if n, err := strconv.Atoi(g); err == nil && n > 0 && n <= 65535 {
				return n
			}
		}
	}
	return 0
}

// refuse records that nothing listens on port, with what shows it.
func (w *dockerWorkload) refuse(port int, e Evidence) {
	f := w.fact
	if _, seen := w.refused[port]; !seen {
		f.RefusedPorts = append(f.RefusedPorts, strconv.Itoa(port))
		slices.SortFunc(f.RefusedPorts, func(a, b string) int {
			x, _ := strconv.Atoi(a)
			y, _ := strconv.Atoi(b)
			return cmp.Compare(x, y)
		})
	}
	w.refused[port] = append(w.refused[port], e)
	f.PortEvidence = appendEvidence(f.PortEvidence, e)
	f.PortMessage = fmt.Sprintf("nothing listens on port %s of its running containers (declared: %s)",
		strings.Join(f.RefusedPorts, ", "), strings.Join(f.TargetPorts, ", "))
}

// index records the names, addresses and log names of w, and its keys.
func (ix *dockerIndex) index(w *dockerWorkload) {
	f := w.fact
	keys := []string{"docker:" + f.Namespace + "/" + f.Name}
	names := []string{f.Name, f.FullName}
	logNames := map[string]Ref{f.FullName: {}, f.Name: {}}
	switch f.Platform {
	case "swarm":
		// Swarm's DNS: the service name (and, in a stack's networks, the
		// short name), tasks.<service> for the task addresses; Traefik's
		// Swarm provider names the service after it, normalized.
		names = append(names, "tasks."+f.FullName, "tasks."+f.Name, traefikName(f.FullName))
	case "compose":
		// Traefik's Docker provider: <service>_<project>, normalized.
		names = append(names, traefikName(f.Name+"_"+f.Namespace))
	case "container":
		names = append(names, traefikName(f.Name))
	}
	for _, c := range w.containers {
		cref := Ref{Kind: "Container", Namespace: c.Project(), Name: c.Name}
		names = append(names, c.Name)
		logNames[c.Name] = cref
		if c.ID != "" {
			logNames[c.ID] = cref
			if len(c.ID) > 12 {
				logNames[c.ID[:12]] = cref
				names = append(names, c.ID[:12])
			}
		}
		if tn := c.Labels[docker.LabelSwarmTaskName]; tn != "" {
			logNames[tn] = cref
		}
		for _, n := range c.Networks {
			names = append(names, n.Aliases...)
			if n.IP != "" {
				ix.byAddr[n.IP] = w
			}
		}
		keys = append(keys, "container:"+c.Name)
		for k, v := range c.Labels {
			names = append(names, traefikLabelNames(k, v)...)
			for _, h := range traefikHosts(k, v) {
				keys = append(keys, "authority:"+h)
			}
		}
	}
	if s := w.service; s != nil {
		for k, v := range s.Labels {
			names = append(names, traefikLabelNames(k, v)...)
			for _, h := range traefikHosts(k, v) {
				keys = append(keys, "authority:"+h)
			}
		}
		for _, a := range s.VirtualIPs {
			ix.byAddr[a] = w
		}
	}
	for _, n := range dedupe(names) {
		if n == "" {
			continue
		}
		n = strings.ToLower(n)
		if !slices.Contains(ix.byName[n], w) {
			ix.byName[n] = append(ix.byName[n], w)
		}
	}
	for n, ref := range logNames {
		if n == "" {
			continue
		}
		if _, taken := ix.byLogName[strings.ToLower(n)]; !taken || ref.Name != "" {
			ix.byLogName[strings.ToLower(n)] = dockerLogOwner{w: w, container: ref}
		}
	}
	slices.Sort(keys)
	f.Keys = slices.Compact(keys)
}

// traefikName is Traefik's provider.Normalize: every run of characters
// that are not letters or digits becomes one "-".
func traefikName(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }), "-")
}

// traefikLabelNames are the router and service names Traefik labels
// declare: traefik.http.routers.<r>.*, traefik.http.services.<s>.*, and
// a router's .service=<s>.
func traefikLabelNames(k, v string) []string {
	rest, ok := strings.CutPrefix(k, "traefik.http.")
	if !ok {
		return nil
	}
	kind, rest, _ := strings.Cut(rest, ".")
	name, attr, _ := strings.Cut(rest, ".")
	if (kind != "routers" && kind != "services") || name == "" {
		return nil
	}
	out := []string{name}
	if kind == "routers" && attr == "service" && v != "" {
		out = append(out, v)
	}
	return out
}

// hostRE reads the hosts of a Traefik rule: Host(`a`) or Host(`a`, `b`).
var hostRE = regexp.MustCompile("Host\\(([^)]*)\\)")

func traefikHosts(k, v string) []string {
	if !strings.HasPrefix(k, "traefik.http.routers.") || !strings.HasSuffix(k, ".rule") {
		return nil
	}
	var out []string
	for _, m := range hostRE.FindAllStringSubmatch(v, -1) {
		for _, h := range strings.Split(m[1], ",") {
			h = strings.Trim(strings.TrimSpace(h), "`\"'")
			if h != "" {
				out = append(out, strings.ToLower(h))
			}
		}
	}
	return out
}

// dockerReporter pairs a log file with the container (or service) it is
// the log of, by its base name without extensions: web.log,
// shop-web-1.log, <container ID>-json.log (the json-file driver's name).
func (ix *dockerIndex) dockerReporter(file string) (reporter, workload Ref, ok bool) {
	if ix == nil || file == "" {
		return Ref{}, Ref{}, false
	}
	base := strings.ToLower(path.Base(strings.ReplaceAll(file, `\`, "/")))
	for _, ext := range []string{".gz", ".zst", ".log", ".txt", ".out"} {
		base = strings.TrimSuffix(base, ext)
	}
	base = strings.TrimSuffix(base, "-json")
	owner, found := ix.byLogName[base]
	if !found {
		return Ref{}, Ref{}, false
	}
	reporter = owner.container
	if reporter.Name == "" && len(owner.w.containers) == 1 {
		c := owner.w.containers[0] // a service of one container: that one
		reporter = Ref{Kind: "Container", Namespace: c.Project(), Name: c.Name}
	}
	if reporter.Name == "" {
		reporter = owner.w.fact.Ref
	}
	return reporter, owner.w.fact.Ref, true
}

// resolve finds the workload a proxy sent to, from the symptom's
// upstream and upstream host: an address (IP, optionally with a port) or
// a name (a service, container or alias; Traefik's "<name>@<provider>").
// A name several projects use resolves to the one of prefer's namespace.
func (ix *dockerIndex) resolve(upstream, host, prefer string) (*dockerWorkload, int) {
	for _, cand := range []string{host, upstream} {
		h, port := splitUpstream(cand)
		if h == "" {
			continue
		}
		if net.ParseIP(h) != nil {
			if w := ix.byAddr[h]; w != nil {
				return w, port
			}
			continue
		}
		ws := ix.byName[strings.ToLower(h)]
		if len(ws) == 0 {
			continue
		}
		for _, w := range ws {
			if w.fact.Namespace == prefer {
				return w, port
			}
		}
		return ws[0], port
	}
	return nil, 0
}

// splitUpstream reads "http://10.0.0.3:8080/x", "app:8080", "app",
// "web-shop@docker" into a host and a port (0 when none).
func splitUpstream(s string) (string, int) {
	s = strings.TrimSpace(strings.TrimSuffix(s, ";"))
	if s == "" || s == "-" || strings.HasPrefix(s, "outbound|") || strings.HasPrefix(s, "inbound|") {
		return "", 0
	}
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i > 0 {
		s = s[:i] // Traefik: <service>@<provider>
	}
	if h, p, err := net.SplitHostPort(s); err == nil {
		n, _ := strconv.Atoi(p)
		return strings.Trim(h, "[]"), n
	}
	return strings.Trim(s, "[]"), 0
}

// refusal reports whether a symptom says a connection was refused (or,
// for Traefik's 502, failed after a server was picked).
func refusal(sf *SymptomFact) bool {
	d := strings.ToLower(sf.Details)
	switch sf.Kind {
	case "nginx-connect-refused", "traefik-bad-gateway":
		return true
	case "UF", "URX", "haproxy-server-down":
		return strings.Contains(d, "refused") || strings.Contains(d, "connect_error:_111") || strings.Contains(d, "connection_failure")
	}
	return false
}

// linkDockerSymptoms links the proxies' symptoms to the Docker services
// they sent to: the symptom gets the service's docker: key (so rules
// over dockerServices explain it) and the service as its Service; the
// service counts them, and a refused connection to a port of its
// running containers is evidence that nothing listens there.
func (b *builder) linkDockerSymptoms() {
	ix := b.docker
	if ix == nil {
		return
	}
	defer func() {
		// A stopped lone container a proxy still sends to is an outage.
		for _, w := range ix.workloads {
			if f := w.fact; stoppedLone(w) && f.SymptomCount > 0 && f.Healthy == 0 {
				f.Outage = true
			}
		}
	}()
	for _, sf := range b.facts.Symptoms {
		if sf.ServiceFound {
			continue // a Kubernetes Service already
		}
		w, port := ix.resolve(sf.Upstream, sf.UpstreamHost, sf.Reporter.Namespace)
		if w == nil {
			continue
		}
		f := w.fact
		sf.Service, sf.ServiceFound, sf.ServiceReady = f.Ref, true, f.Healthy > 0
		sf.Keys = append(sf.Keys, "docker:"+f.Namespace+"/"+f.Name)
		slices.Sort(sf.Keys)
		sf.Keys = slices.Compact(sf.Keys)
		f.SymptomCount += sf.Count
		if connectFailureKinds[sf.Kind] {
			f.ConnectFailures += sf.Count
		}
		if port > 0 && refusal(sf) && f.Running > 0 && f.CrashLoop == 0 {
			where := "a proxy"
			if sf.Reporter.Name != "" {
				where = refText(sf.Reporter)
			}
			w.refuse(port, Evidence{Kind: "LogLine", Ref: where,
				Text: fmt.Sprintf("%s ×%d to port %d (%s)", sf.Kind, sf.Count, port, cmp.Or(sf.UpstreamHost, sf.Upstream))})
		}
	}
}

func refText(r Ref) string {
	if r.Namespace == "" {
		return r.Kind + " " + r.Name
	}
	return r.Kind + " " + r.Namespace + "/" + r.Name
}

// appendEvidence caps a fact's evidence: a service with hundreds of
// failed tasks must not make a report of hundreds of lines.
func appendEvidence(list []Evidence, e Evidence) []Evidence {
	if len(list) >= 6 {
		return list
	}
	return append(list, e)
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
