package docker

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// jsonOptions read Docker's JSON as leniently as Go's encoding/json,
// which wrote it: a repeated key keeps the last value, invalid UTF-8
// becomes U+FFFD.
var jsonOptions = jsonv2.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// shape is what one JSON object of a Docker file is.
type shape int

const (
	notDocker shape = iota
	shapeContainer
	shapeService
	shapeTask
	shapeCompose
	shapeTaskRow
)

// classify tells the shape of an object from its members: Docker's
// objects carry no kind, but each has keys no other has.
//
//	container inspect   Id, State {…}, Config or HostConfig
//	service inspect     ID, Spec {TaskTemplate …}, no ServiceID
//	task inspect        ID, ServiceID, Status {…}, DesiredState
//	compose ps          Project, Service (strings), no Spec
//	service ps --format json   Name, DesiredState, CurrentState (strings)
func classify(m map[string]jsontext.Value) shape {
	kind := func(k string) jsontext.Kind {
		v, ok := m[k]
		if !ok || len(v) == 0 {
			return 0
		}
		return v.Kind()
	}
	switch {
	case kind("apiVersion") != 0 || kind("kind") != 0:
		return notDocker // a Kubernetes object
	case kind("ServiceID") == '"' && kind("Status") == '{' && kind("DesiredState") == '"':
		return shapeTask
	case kind("ID") == '"' && kind("Spec") == '{':
		var spec map[string]jsontext.Value
		if jsonv2.Unmarshal(m["Spec"], &spec, jsonOptions) == nil {
			if _, ok := spec["TaskTemplate"]; ok {
				return shapeService
			}
		}
	case kind("Id") == '"' && kind("State") == '{' && (kind("Config") == '{' || kind("HostConfig") == '{'):
		return shapeContainer
	case kind("Project") == '"' && kind("Service") == '"' && kind("State") == '"':
		return shapeCompose
	case kind("Name") == '"' && kind("DesiredState") == '"' && kind("CurrentState") == '"':
		return shapeTaskRow
	}
	return notDocker
}

// Sniff reports whether data (a whole file or its first bytes) holds
// Docker JSON: its first object is a container, a service or a task as
// `docker inspect` prints them, or a container of `docker compose ps
// --format json`. A Kubernetes file is told apart by its first key
// (apiVersion, kind, items: Docker's keys are Go field names).
func Sniff(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	o := skipSpace(data, 0)
	if o < len(data) && data[o] == '[' {
		o = skipSpace(data, o+1)
	}
	if o >= len(data) || data[o] != '{' {
		return false
	}
	head := jsontext.NewDecoder(bytes.NewReader(data[o:]), jsonOptions)
	if _, err := head.ReadToken(); err != nil || head.PeekKind() != '"' {
		return false
	}
	if k, err := head.ReadToken(); err != nil || !startsUpper(k.String()) {
		return false
	}
	raw, err := jsontext.NewDecoder(bytes.NewReader(data[o:]), jsonOptions).ReadValue()
	if err != nil {
		return false // cut off by the caller's head: not worth guessing
	}
	var first map[string]jsontext.Value
	if jsonv2.Unmarshal(raw, &first, jsonOptions) != nil {
		return false
	}
	return classify(first) != notDocker
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

func startsUpper(s string) bool { return s != "" && s[0] >= 'A' && s[0] <= 'Z' }

// ItemError is a problem with one object of a Docker file; the rest of
// the file is still read.
type ItemError struct {
	File  string
	Index int
	Err   error
}

func (e *ItemError) Error() string { return fmt.Sprintf("%s: item %d: %v", e.File, e.Index, e.Err) }

// maxItemErrors caps the problems one file reports.
const maxItemErrors = 20

// Read reads a Docker JSON file (an array of objects, one object, or one
// object per line) into inv. Objects of an unknown shape are reported
// and skipped; the returned error joins those (errors.As finds each
// *ItemError). Malformed JSON ends the file with an error naming the byte
// offset.
func Read(name string, r io.Reader, inv *Inventory) error {
	dec := jsontext.NewDecoder(r, jsonOptions)
	var problems []error
	index := 0
	item := func(raw jsontext.Value) {
		if err := readObject(name, raw, inv); err != nil && len(problems) < maxItemErrors {
			problems = append(problems, &ItemError{File: name, Index: index, Err: err})
		}
		index++
	}
	for {
		switch dec.PeekKind() {
		case '[':
			if _, err := dec.ReadToken(); err != nil {
				return syntaxError(name, dec, err)
			}
			for dec.PeekKind() != ']' {
				raw, err := dec.ReadValue()
				if err != nil {
					return syntaxError(name, dec, err)
				}
				item(raw)
			}
			if _, err := dec.ReadToken(); err != nil {
				return syntaxError(name, dec, err)
			}
		case '{':
			raw, err := dec.ReadValue()
			if err != nil {
				return syntaxError(name, dec, err)
			}
			item(raw)
		default:
			if _, err := dec.ReadToken(); err != nil && !errors.Is(err, io.EOF) {
				return syntaxError(name, dec, err)
			} else if err == nil {
				return fmt.Errorf("%s: invalid Docker JSON near byte offset %d: not an object or an array of objects", name, dec.InputOffset())
			}
			return errors.Join(problems...)
		}
	}
}

func syntaxError(name string, dec *jsontext.Decoder, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s: invalid JSON: unexpected end of input after byte offset %d", name, dec.InputOffset())
	}
	return fmt.Errorf("%s: invalid JSON near byte offset %d: %v", name, dec.InputOffset(), err)
}

// readObject adds one object to inv.
func readObject(name string, raw jsontext.Value, inv *Inventory) (err error) {
	defer func() {
		if r := recover(); r != nil { // the decoder on hostile bytes
			err = fmt.Errorf("malformed object: %v", r)
		}
	}()
	if raw.Kind() != '{' {
		return fmt.Errorf("%s is not an object", raw.Kind())
	}
	var m map[string]jsontext.Value
	if err := jsonv2.Unmarshal(raw, &m, jsonOptions); err != nil {
		return fmt.Errorf("malformed object: %v", err)
	}
	switch classify(m) {
	case shapeContainer:
		var w wireContainer
		if err := jsonv2.Unmarshal(raw, &w, jsonOptions); err != nil {
			return fmt.Errorf("container: %v", err)
		}
		inv.AddContainer(w.container(name))
	case shapeService:
		var w wireService
		if err := jsonv2.Unmarshal(raw, &w, jsonOptions); err != nil {
			return fmt.Errorf("service: %v", err)
		}
		inv.AddService(w.service(name))
	case shapeTask:
		var w wireTask
		if err := jsonv2.Unmarshal(raw, &w, jsonOptions); err != nil {
			return fmt.Errorf("task: %v", err)
		}
		inv.AddTask(w.task(name))
	case shapeTaskRow:
		var w struct{ ID, Name, Image, Node, DesiredState, CurrentState, Error, Ports string }
		if err := jsonv2.Unmarshal(raw, &w, jsonOptions); err != nil {
			return fmt.Errorf("task: %v", err)
		}
		t, err := taskFromCells(map[string]string{"ID": w.ID, "NAME": w.Name, "IMAGE": w.Image, "NODE": w.Node,
			"DESIRED STATE": w.DesiredState, "CURRENT STATE": w.CurrentState, "ERROR": w.Error, "PORTS": w.Ports})
		if err != nil {
			return err
		}
		t.Source = name
		inv.AddTask(t)
	case shapeCompose:
		var w wireCompose
		if err := jsonv2.Unmarshal(raw, &w, jsonOptions); err != nil {
			return fmt.Errorf("compose container: %v", err)
		}
		inv.AddContainer(w.container(name))
	default:
		return errors.New("not a Docker container, service or task (want `docker inspect` or `docker compose ps --format json` output)")
	}
	return nil
}

// ---- docker inspect <container> (container.InspectResponse) ----

type wireContainer struct {
	ID           string `json:"Id"`
	Name         string
	RestartCount int
	State        struct {
		Status     string
		OOMKilled  bool
		ExitCode   int
		Error      string
		StartedAt  string
		FinishedAt string
		Health     *struct {
			Status        string
			FailingStreak int
			Log           []Probe
		}
	}
	Config *struct {
		Image        string
		Labels       map[string]string
		ExposedPorts map[string]jsontext.Value
		Healthcheck  *struct{ Test []string }
	}
	HostConfig *struct {
		PortBindings  map[string][]wireBinding
		RestartPolicy struct {
			Name              string
			MaximumRetryCount int
		}
	}
	NetworkSettings *struct {
		Ports    map[string][]wireBinding
		Networks map[string]*struct {
			IPAddress string
			Aliases   []string
			DNSNames  []string
		}
	}
}

type wireBinding struct {
	HostIP   string `json:"HostIp"`
	HostPort string
}

func (w *wireContainer) container(source string) *Container {
	c := &Container{
		ID: w.ID, Name: strings.TrimPrefix(w.Name, "/"), RestartCount: w.RestartCount,
		Status: w.State.Status, OOMKilled: w.State.OOMKilled, ExitCode: w.State.ExitCode,
		Error: w.State.Error, StartedAt: w.State.StartedAt, FinishedAt: w.State.FinishedAt,
		Source: source,
	}
	if h := w.State.Health; h != nil {
		c.Health, c.FailingStreak, c.HealthLog = h.Status, h.FailingStreak, h.Log
		if c.Health == "none" {
			c.Health = ""
		}
	}
	if cfg := w.Config; cfg != nil {
		c.Image, c.Labels = cfg.Image, cfg.Labels
		for p := range cfg.ExposedPorts {
			c.ExposedPorts = append(c.ExposedPorts, p)
		}
		sort.Strings(c.ExposedPorts)
		if hc := cfg.Healthcheck; hc != nil {
			c.HealthTest = hc.Test
		}
	}
	if c.Labels == nil {
		c.Labels = map[string]string{}
	}
	bindings := map[string][]wireBinding{}
	if hc := w.HostConfig; hc != nil {
		c.RestartPolicy, c.MaxRetries = hc.RestartPolicy.Name, hc.RestartPolicy.MaximumRetryCount
		maps.Copy(bindings, hc.PortBindings)
	}
	if ns := w.NetworkSettings; ns != nil {
		// What the running container has bound wins over what was asked.
		for p, b := range ns.Ports {
			if len(b) > 0 || bindings[p] == nil {
				bindings[p] = b
			}
		}
		for _, name := range slices.Sorted(maps.Keys(ns.Networks)) {
			n := ns.Networks[name]
			if n == nil {
				continue
			}
			ep := Endpoint{Network: name, IP: n.IPAddress}
			for _, a := range append(append([]string{}, n.Aliases...), n.DNSNames...) {
				if a != "" && !contains(ep.Aliases, a) {
					ep.Aliases = append(ep.Aliases, a)
				}
			}
			c.Networks = append(c.Networks, ep)
		}
	}
	c.Ports = portBindings(bindings)
	return c
}

// portBindings turns a PortMap ("80/tcp": [{HostIp, HostPort}]) into
// bindings, one per host port, and one unpublished for a port with none.
func portBindings(m map[string][]wireBinding) []PortBinding {
	var out []PortBinding
	for _, key := range slices.Sorted(maps.Keys(m)) {
		port, proto := parsePort(key)
		if port == 0 {
			continue
		}
		if len(m[key]) == 0 {
			out = append(out, PortBinding{Port: port, Protocol: proto})
			continue
		}
		for _, b := range m[key] {
			hp, _ := strconv.Atoi(b.HostPort)
			out = append(out, PortBinding{Port: port, Protocol: proto, HostIP: b.HostIP, HostPort: hp})
		}
	}
	return out
}

// parsePort reads "80/tcp" (the protocol defaults to tcp, as
// network.ParsePort says).
func parsePort(s string) (int, string) {
	num, proto, _ := strings.Cut(s, "/")
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 || n > 65535 {
		return 0, ""
	}
	if proto == "" {
		proto = "tcp"
	}
	return n, strings.ToLower(proto)
}

// ---- docker service inspect (swarm.Service) ----

type wireService struct {
	ID   string
	Spec struct {
		Name         string
		Labels       map[string]string
		TaskTemplate struct {
			ContainerSpec *struct {
				Image       string
				Healthcheck *struct{ Test []string }
			}
		}
		Mode struct {
			Replicated    *struct{ Replicas *int }
			Global        *struct{}
			ReplicatedJob *struct{}
			GlobalJob     *struct{}
		}
		EndpointSpec *struct{ Ports []wirePortConfig }
	}
	Endpoint struct {
		Ports      []wirePortConfig
		VirtualIPs []struct{ Addr string }
	}
	ServiceStatus *struct{ RunningTasks, DesiredTasks int }
	UpdateStatus  *struct{ State string }
}

type wirePortConfig struct {
	Protocol      string
	TargetPort    int
	PublishedPort int
	PublishMode   string
}

func (w *wireService) service(source string) *Service {
	s := &Service{ID: w.ID, Name: w.Spec.Name, Labels: w.Spec.Labels, Source: source}
	if s.Labels == nil {
		s.Labels = map[string]string{}
	}
	switch m := w.Spec.Mode; {
	case m.Replicated != nil:
		s.Mode, s.Replicas = "replicated", m.Replicated.Replicas
	case m.Global != nil:
		s.Mode = "global"
	case m.ReplicatedJob != nil:
		s.Mode = "replicated-job"
	case m.GlobalJob != nil:
		s.Mode = "global-job"
	default:
		s.Mode = "replicated" // the API's default mode
	}
	if cs := w.Spec.TaskTemplate.ContainerSpec; cs != nil {
		s.Image = cs.Image
		if cs.Healthcheck != nil {
			s.HealthTest = cs.Healthcheck.Test
		}
	}
	// Endpoint.Ports is what Swarm allocated; the spec what was asked.
	ports := w.Endpoint.Ports
	if len(ports) == 0 && w.Spec.EndpointSpec != nil {
		ports = w.Spec.EndpointSpec.Ports
	}
	for _, p := range ports {
		proto := strings.ToLower(p.Protocol)
		if proto == "" {
			proto = "tcp"
		}
		s.Ports = append(s.Ports, ServicePort{Target: p.TargetPort, Published: p.PublishedPort, Protocol: proto, Mode: p.PublishMode})
	}
	for _, v := range w.Endpoint.VirtualIPs {
		if pfx, err := netip.ParsePrefix(v.Addr); err == nil {
			s.VirtualIPs = append(s.VirtualIPs, pfx.Addr().String())
		} else if a, err := netip.ParseAddr(v.Addr); err == nil {
			s.VirtualIPs = append(s.VirtualIPs, a.String())
		}
	}
	if st := w.ServiceStatus; st != nil {
		s.Running, s.Desired = &st.RunningTasks, &st.DesiredTasks
	}
	if u := w.UpdateStatus; u != nil {
		s.UpdateState = u.State
	}
	return s
}

// ---- docker inspect <task> (swarm.Task) ----

type wireTask struct {
	ID           string
	ServiceID    string
	Slot         int
	NodeID       string
	DesiredState string
	Labels       map[string]string
	Spec         struct {
		ContainerSpec *struct{ Image string }
	}
	Status struct {
		Timestamp       string
		State           string
		Message         string
		Err             string
		ContainerStatus *struct{ ExitCode int }
	}
}

func (w *wireTask) task(source string) *Task {
	t := &Task{
		ID: w.ID, ServiceID: w.ServiceID, Slot: w.Slot, Node: w.NodeID,
		DesiredState: strings.ToLower(w.DesiredState), State: strings.ToLower(w.Status.State),
		Since: w.Status.Timestamp, Error: w.Status.Err, Source: source,
	}
	if cs := w.Spec.ContainerSpec; cs != nil {
		t.Image = cs.Image
	}
	if cs := w.Status.ContainerStatus; cs != nil {
		code := cs.ExitCode
		t.ExitCode = &code
	}
	return t
}

// ---- docker compose ps --format json (api.ContainerSummary) ----

// Compose printed a JSON array of api.ContainerSummary up to v2.20 and
// one object per line since, each object the template context's methods
// (cmd/formatter.ContainerContext): Labels and Networks are then strings
// ("k=v,k=v", "a,b") rather than a map and a list, and Ports a string
// beside Publishers.
type wireCompose struct {
	ID         string
	Name       string
	Image      string
	Project    string
	Service    string
	State      string
	Status     string
	Health     string
	ExitCode   int
	Publishers []struct {
		URL           string
		TargetPort    int
		PublishedPort int
		Protocol      string
	}
	Labels jsontext.Value
}

func (w *wireCompose) container(source string) *Container {
	c := &Container{
		ID: w.ID, Name: strings.TrimPrefix(w.Name, "/"), Image: w.Image, Status: strings.ToLower(w.State),
		Health: strings.ToLower(w.Health), ExitCode: w.ExitCode, FromCompose: true, ComposeStatusText: w.Status,
		Source: source, Labels: map[string]string{},
	}
	if c.Health == "none" {
		c.Health = ""
	}
	switch w.Labels.Kind() {
	case '{':
		_ = jsonv2.Unmarshal(w.Labels, &c.Labels, jsonOptions)
	case '"':
		var s string
		if jsonv2.Unmarshal(w.Labels, &s, jsonOptions) == nil {
			for _, kv := range strings.Split(s, ",") {
				if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
					c.Labels[k] = v
				}
			}
		}
	}
	// The summary's own Project and Service are what the labels say.
	c.Labels[LabelComposeProject], c.Labels[LabelComposeService] = w.Project, w.Service
	seen := map[PortBinding]bool{}
	for _, p := range w.Publishers {
		proto := strings.ToLower(p.Protocol)
		if proto == "" {
			proto = "tcp"
		}
		b := PortBinding{Port: p.TargetPort, Protocol: proto, HostIP: p.URL, HostPort: p.PublishedPort}
		if b.Port > 0 && !seen[b] {
			seen[b] = true
			c.Ports = append(c.Ports, b)
		}
	}
	return c
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
