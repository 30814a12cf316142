package analyzers

// DockerServiceFact is what stands behind a name on a Docker host: a Swarm
// service with its tasks, a Compose service with its containers, or a
// lone container. It plays both Kubernetes roles at once: the Service a
// proxy sends to (its name, ports, addresses) and the workload whose
// instances run, restart or fail their HEALTHCHECK.
//
// Keys: docker:<namespace>/<name>, container:<name> for each container,
// authority:<host> for each Host() of its Traefik router labels. A proxy
// symptom whose upstream resolves to the service (its name, a container's
// name, alias or address, a virtual IP, Traefik's service name) gets the
// docker: key, so rules over this domain explain it.
type DockerServiceFact struct {
	// Ref is the object a cause names: kind DockerService (namespace =
	// stack or Compose project) or, for a lone container, Container.
	Ref       Ref    `cel:"ref"`
	Kind      string `cel:"kind"`
	Namespace string `cel:"namespace"`
	Name      string `cel:"name"`
	// Platform is "swarm", "compose" or "container".
	Platform string `cel:"platform"`
	// FullName is the name the Docker CLI takes: the Swarm service's
	// full name ("shop_api"), the Compose service, the container's name.
	FullName string `cel:"fullName"`
	// Mode is a Swarm service's mode (replicated, global, ...), else "".
	Mode string `cel:"mode"`

	// Desired is the replica count a Swarm service asks for (Spec.Mode
	// .Replicated.Replicas, or its ServiceStatus); DesiredKnown says it
	// was read. Compose and lone containers: the containers read.
	Desired      int  `cel:"desired"`
	DesiredKnown bool `cel:"desiredKnown"`
	// TasksKnown: `docker service ps` (or task inspects) listed the
	// service's tasks, so Running counts every node, not only those
	// whose containers were inspected.
	TasksKnown bool `cel:"tasksKnown"`
	// Instances are its current containers (or current Swarm tasks).
	Instances int `cel:"instances"`
	Running   int `cel:"running"`
	// Healthy: running and passing their HEALTHCHECK (or without one);
	// a Swarm task reaches "running" only once its check passed.
	Healthy   int `cel:"healthy"`
	Unhealthy int `cel:"unhealthy"`
	Starting  int `cel:"starting"`
	// UnhealthyKills: tasks Swarm shut down as "unhealthy container".
	UnhealthyKills int `cel:"unhealthyKills"`
	// CrashLoop counts instances that keep dying: restarting, exited
	// with a non-zero code or OOM-killed, Swarm tasks failed with
	// "non-zero exit".
	CrashLoop   int `cel:"crashLoop"`
	OOMKilled   int `cel:"oomKilled"`
	MaxRestarts int `cel:"maxRestarts"`
	// Completed: every instance exited with code 0 (a finished job).
	Completed bool `cel:"completed"`
	// Outage: nothing healthy stands behind the name, and it is not a
	// finished job.
	Outage         bool `cel:"outage"`
	HasHealthcheck bool `cel:"hasHealthcheck"`
	// HealthTest is the HEALTHCHECK command ("CMD-SHELL curl -f ...").
	HealthTest string `cel:"healthTest"`

	// TargetPorts are the ports inside the containers it declares
	// ("8080/tcp": Swarm target ports, container ports, EXPOSE);
	// PublishedPorts how they are published ("80->8080/tcp").
	TargetPorts    []string `cel:"targetPorts"`
	PublishedPorts []string `cel:"publishedPorts"`
	// RefusedPorts are ports of its containers nothing listens on while
	// they run: its HEALTHCHECK or a proxy got "connection refused" there.
	RefusedPorts []string `cel:"refusedPorts"`
	// Addresses are its containers' IPs and its virtual IPs.
	Addresses []string `cel:"addresses"`

	// SymptomCount is the failure lines of proxies sending to it;
	// ConnectFailures those that are connect failures.
	SymptomCount    int64 `cel:"symptomCount"`
	ConnectFailures int64 `cel:"connectFailures"`

	ProbeMessage  string     `cel:"probeMessage"`
	CrashMessage  string     `cel:"crashMessage"`
	PortMessage   string     `cel:"portMessage"`
	ProbeEvidence []Evidence `cel:"probeEvidence"`
	CrashEvidence []Evidence `cel:"crashEvidence"`
	PortEvidence  []Evidence `cel:"portEvidence"`
	// Evidence is the state of each instance.
	Evidence []Evidence `cel:"evidence"`
	Keys     []string   `cel:"keys"`
}
