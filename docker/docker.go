// Package docker reads what the Docker CLI prints about a Docker host or a
// Swarm: `docker inspect` of containers, of Swarm services and of tasks,
// `docker service ps --no-trunc` (and `docker stack ps`) tables, and
// `docker compose ps --format json` in both of Compose's shapes. Users
// paste these files; the loader recognises them by their content (Sniff,
// SniffTasks) and reads them into one Inventory, which the fact builder
// turns into Docker services and containers.
//
// The shapes are those of moby's api/types (container.InspectResponse,
// swarm.Service, swarm.Task), docker/cli's task formatter and
// docker/compose's cmd/formatter and api.ContainerSummary. Only what a
// diagnosis reads is kept.
package docker

import (
	"sort"
	"strings"
	"sync"
)

// Labels Docker, Compose and Swarm set on containers and services.
const (
	LabelComposeProject = "com.docker.compose.project"
	LabelComposeService = "com.docker.compose.service"
	LabelComposeNumber  = "com.docker.compose.container-number"
	LabelComposeOneoff  = "com.docker.compose.oneoff"
	LabelSwarmService   = "com.docker.swarm.service.name"
	LabelSwarmTaskID    = "com.docker.swarm.task.id"
	LabelSwarmTaskName  = "com.docker.swarm.task.name"
	LabelStack          = "com.docker.stack.namespace"
)

// Container is one container, from `docker inspect` or, with less in it,
// from `docker compose ps --format json`.
type Container struct {
	ID   string
	Name string // without the leading "/"
	// Image is the image the container was created from, as configured.
	Image  string
	Labels map[string]string

	// Status is State.Status: created, running, paused, restarting,
	// removing, exited or dead.
	Status            string
	OOMKilled         bool
	ExitCode          int
	Error             string
	StartedAt         string
	FinishedAt        string
	RestartCount      int
	RestartPolicy     string
	MaxRetries        int
	Health            string // "" (no healthcheck), starting, healthy, unhealthy
	FailingStreak     int
	HealthLog         []Probe
	HealthTest        []string
	ExposedPorts      []string // "8080/tcp", from Config.ExposedPorts
	Ports             []PortBinding
	Networks          []Endpoint
	FromCompose       bool // known only from `docker compose ps`
	ComposeStatusText string
	// Source is the file the container was read from.
	Source string
}

// Probe is one run of a container's HEALTHCHECK (State.Health.Log).
type Probe struct {
	Start, End string
	ExitCode   int
	Output     string
}

// PortBinding is a container port and, when published, the host port.
type PortBinding struct {
	Port     int    // the port inside the container
	Protocol string // tcp, udp, sctp
	HostIP   string
	HostPort int // 0 when not published
}

// Endpoint is the container's address on one network.
type Endpoint struct {
	Network string
	IP      string
	Aliases []string // Aliases and DNSNames: the names it answers to there
}

// Service is a Swarm service (`docker service inspect`).
type Service struct {
	ID     string
	Name   string
	Labels map[string]string
	// Mode is replicated, global, replicated-job or global-job.
	Mode string
	// Replicas is Spec.Mode.Replicated.Replicas; nil when not replicated
	// or not written.
	Replicas    *int
	Image       string
	HealthTest  []string
	Ports       []ServicePort
	VirtualIPs  []string // without the prefix length
	Running     *int     // ServiceStatus.RunningTasks, when printed
	Desired     *int     // ServiceStatus.DesiredTasks, when printed
	UpdateState string
	Source      string
}

// ServicePort is one of a service's Endpoint.Ports.
type ServicePort struct {
	Target, Published int
	Protocol, Mode    string
}

// Task is one Swarm task: a row of `docker service ps` or a task from
// `docker inspect`.
type Task struct {
	ID string
	// Service is the service's name (or, from a task inspect without the
	// table, its ID); Slot the replica number (0 for a global service).
	Service, ServiceID string
	Slot               int
	Node               string
	Image              string
	DesiredState       string // lower case: running, shutdown, ready, ...
	State              string // lower case: running, failed, rejected, ...
	Since              string // "2 minutes ago" or the timestamp
	Error              string // without the quotes
	Ports              string
	// Previous: a task the table lists under the current one of its slot.
	Previous bool
	ExitCode *int
	Source   string
}

// Inventory is everything read about a host or a Swarm. Add* may be
// called from several goroutines.
type Inventory struct {
	mu         sync.Mutex
	containers map[string]*Container // by ID, or by name when the ID is unknown
	services   map[string]*Service   // by ID, or by name
	tasks      map[string]*Task      // by ID, or by the row
	// Files are the files Docker objects were read from.
	files map[string]bool
}

// NewInventory returns an empty inventory.
func NewInventory() *Inventory {
	return &Inventory{containers: map[string]*Container{}, services: map[string]*Service{}, tasks: map[string]*Task{}, files: map[string]bool{}}
}

// AddContainer keeps c; a container seen twice (the same ID) keeps what
// `docker inspect` said over what `docker compose ps` said.
func (inv *Inventory) AddContainer(c *Container) {
	key := c.ID
	if key == "" {
		key = "name:" + c.Name
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.files[c.Source] = true
	// compose ps gives the full ID; an inspect of the same container too.
	if old, ok := inv.containers[key]; ok && !old.FromCompose && c.FromCompose {
		return
	}
	inv.containers[key] = c
}

// AddService keeps s.
func (inv *Inventory) AddService(s *Service) {
	key := s.ID
	if key == "" {
		key = "name:" + s.Name
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.files[s.Source] = true
	inv.services[key] = s
}

// AddTask keeps t; the same task read twice counts once.
func (inv *Inventory) AddTask(t *Task) {
	key := t.ID
	if key == "" {
		key = "row:" + t.Service + "/" + t.Node + "/" + t.State + "/" + t.Since + "/" + t.Error
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.files[t.Source] = true
	if old, ok := inv.tasks[key]; ok && old.Service != "" && t.Service == "" {
		return // the table named the service; a task inspect only its ID
	}
	inv.tasks[key] = t
}

// Count is the number of distinct Docker objects read.
func (inv *Inventory) Count() int {
	if inv == nil {
		return 0
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return len(inv.containers) + len(inv.services) + len(inv.tasks)
}

// Empty reports whether nothing was read.
func (inv *Inventory) Empty() bool { return inv.Count() == 0 }

// Containers returns the containers by name.
func (inv *Inventory) Containers() []*Container {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	out := make([]*Container, 0, len(inv.containers))
	for _, c := range inv.containers {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Services returns the Swarm services by name.
func (inv *Inventory) Services() []*Service {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	out := make([]*Service, 0, len(inv.services))
	for _, s := range inv.services {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Tasks returns the tasks by service, slot, then current before previous.
func (inv *Inventory) Tasks() []*Task {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	out := make([]*Task, 0, len(inv.tasks))
	for _, t := range inv.tasks {
		out = append(out, t)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Service != b.Service:
			return a.Service < b.Service
		case a.Slot != b.Slot:
			return a.Slot < b.Slot
		case a.Previous != b.Previous:
			return !a.Previous
		case a.Node != b.Node:
			return a.Node < b.Node
		}
		return a.ID < b.ID
	})
	return out
}

// Files returns the files Docker objects were read from, sorted.
func (inv *Inventory) Files() []string {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	out := make([]string, 0, len(inv.files))
	for f := range inv.files {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// Project is the Compose project or Swarm stack a container belongs to
// ("" when none).
func (c *Container) Project() string {
	if p := c.Labels[LabelComposeProject]; p != "" {
		return p
	}
	return c.Labels[LabelStack]
}

// SwarmService is the Swarm service a container is a task of ("" when none).
func (c *Container) SwarmService() string { return c.Labels[LabelSwarmService] }

// ComposeService is the Compose service a container belongs to.
func (c *Container) ComposeService() string { return c.Labels[LabelComposeService] }

// Stack is the stack a Swarm service belongs to: its
// com.docker.stack.namespace label ("" when none).
func (s *Service) Stack() string { return s.Labels[LabelStack] }

// ShortName is the service's name without its stack prefix: `docker
// stack deploy` names the services of stack S "S_<name>", and the
// stack's networks resolve the short name too.
func (s *Service) ShortName() string {
	if st := s.Stack(); st != "" {
		if short, ok := strings.CutPrefix(s.Name, st+"_"); ok && short != "" {
			return short
		}
	}
	return s.Name
}
