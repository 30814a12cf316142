package main

import (
	"fmt"
	"time"
)

// The Docker cases: a folder of what the Docker CLI printed on the host
// (docker inspect, docker compose ps --format json, docker service
// inspect, docker service ps --no-trunc) and the proxies' docker logs, as
// a support engineer receives them. They live in the docker/ group of the
// corpus.

var dockerCases = []func() *Case{
	dockerCase01HealthcheckTraefik,
	dockerCase02CrashLoopNginx,
	dockerCase03SwarmScaledToZero,
	dockerCase04SwarmNoWorkload,
	dockerCase05PortMismatch,
	dockerCase06LoneContainerCrash,
	dockerCase07HealthyTraefik,
	dockerCase08SwarmHealthcheckEnvoy,
}

// curl's messages (curl 8: lib/strerror.c, src/tool_operate.c).
const (
	curl503     = "curl: (22) The requested URL returned error: 503\n"
	traefikCmd  = "traefik --providers.docker=true --providers.docker.exposedbydefault=false --entrypoints.web.address=:80 --accesslog=true"
	clientIP    = "203.0.113.24"
	traefikNote = "2025-03-10T11:58:00Z INF github.com/traefik/traefik/v3/cmd/traefik/traefik.go:106 > Traefik version 3.3.4 built on 2025-02-25T10:11:08Z version=3.3.4"
)

func probes(from time.Time, every time.Duration, n, exit int, output string) []DProbe {
	var out []DProbe
	for i := range n {
		out = append(out, DProbe{At: from.Add(time.Duration(i) * every), Exit: exit, Output: output})
	}
	return out
}

func dockerCase01HealthcheckTraefik() *Case {
	now := time.Date(2025, 3, 10, 12, 4, 0, 0, time.UTC)
	c := newCase("docker/01-compose-healthcheck-traefik", now)
	c.Description = "A Compose stack behind Traefik answers 503: the web container runs, but its HEALTHCHECK " +
		"(curl on /healthz) gets 503 since the database password changed, so Docker marks it unhealthy and " +
		"Traefik (allowEmptyServices) keeps an empty load balancer: \"no available server\"."
	c.Source = "moby api/types/container (State.Health: Status, FailingStreak, Log); Traefik " +
		"pkg/provider/docker/config.go (no server for an unhealthy container, allowEmptyServices) and " +
		"pkg/server/service/loadbalancer/wrr/wrr.go (503 no available server); Traefik's common log format, " +
		"pkg/middlewares/accesslog/logger_formatters.go; docker compose ps --format json (cmd/formatter)."
	c.Expect("readiness-probe-failing", "DockerService", "shop", "web", "")
	c.Absent = []string{"crash-loop", "port-mismatch"}
	h := newDockerHost(c)
	start := now.Add(-26 * Min)
	h.Container(&DContainer{Name: "shop-traefik-1", Image: "traefik:v3.3", Cmd: traefikCmd + " --providers.docker.allowEmptyServices=true",
		Project: "shop", Service: "traefik", Network: "shop_default", IP: "172.19.0.2", Started: start, Published: map[int]int{80: 80}})
	h.Container(&DContainer{Name: "shop-db-1", Image: "postgres:16.4", Cmd: "docker-entrypoint.sh postgres", Project: "shop", Service: "db",
		Network: "shop_default", IP: "172.19.0.3", Started: start, Exposed: []int{5432},
		HealthTest: []string{"CMD-SHELL", "pg_isready -U shop"}, Health: "healthy",
		Probes: probes(now.Add(-50*Sec), 10*Sec, 5, 0, "/var/run/postgresql:5432 - accepting connections\n")})
	h.Container(&DContainer{Name: "shop-web-1", Image: "shop/web:1.4.2", Cmd: "node server.js", Project: "shop", Service: "web",
		Network: "shop_default", IP: "172.19.0.4", Started: start, Exposed: []int{3000},
		HealthTest: []string{"CMD-SHELL", "curl -fsS http://localhost:3000/healthz || exit 1"}, Health: "unhealthy",
		Probes: probes(now.Add(-50*Sec), 10*Sec, 5, 1, curl503),
		Labels: map[string]string{"traefik.enable": "true", "traefik.http.routers.web.rule": "Host(`shop.example.com`)",
			"traefik.http.services.web.loadbalancer.server.port": "3000"}})
	h.InspectFile("docker-inspect.json")
	h.ComposePSFile("compose-ps.json")
	logs := []string{traefikNote}
	n := 100
	broke := now.Add(-3 * Min)
	for t := now.Add(-8 * Min); t.Before(now); t = t.Add(7 * Sec) {
		n++
		if t.Before(broke) {
			logs = append(logs, TraefikCLF(t, clientIP, "GET", "/products/"+fmt.Sprint(n%40), 200, 4211+n%300, n, "web@docker", "http://172.19.0.4:3000", 12+n%30))
		} else {
			logs = append(logs, TraefikCLF(t, clientIP, "GET", "/products/"+fmt.Sprint(n%40), 503, 19, n, "web@docker", "", 0))
		}
	}
	h.File("traefik.log", logs)
	h.File("web.log", []string{
		`{"level":"info","time":"2025-03-10T11:38:04.112Z","msg":"listening on :3000"}`,
		`{"level":"error","time":"2025-03-10T12:00:52.370Z","msg":"healthz: database unavailable","err":"password authentication failed for user \"shop\""}`,
		`{"level":"error","time":"2025-03-10T12:01:02.371Z","msg":"healthz: database unavailable","err":"password authentication failed for user \"shop\""}`,
	})
	h.Pasted()
	return c
}

func dockerCase02CrashLoopNginx() *Case {
	now := time.Date(2025, 3, 11, 9, 15, 0, 0, time.UTC)
	c := newCase("docker/02-compose-crash-loop-nginx", now)
	c.Description = "nginx in a Compose project answers 502/503 for /v1/invoices: the api container restarts " +
		"in a loop (exit code 1, a missing setting), so nginx cannot resolve or reach it and marks its upstream down."
	c.Source = "moby api/types/container (State.Status restarting, ExitCode, RestartCount; HostConfig.RestartPolicy); " +
		"nginx error log (src/core/ngx_log.c), `could not be resolved` with Docker's embedded DNS resolver 127.0.0.11 " +
		"and `no live upstreams` (src/http/ngx_http_upstream_round_robin.c)."
	c.Expect("crash-loop", "DockerService", "billing", "api", "")
	c.Absent = []string{"readiness-probe-failing", "port-mismatch"}
	h := newDockerHost(c)
	start := now.Add(-2 * Hour)
	h.Container(&DContainer{Name: "billing-proxy-1", Image: "nginx:1.27.3", Cmd: "/docker-entrypoint.sh nginx -g daemon off;",
		Project: "billing", Service: "proxy", Network: "billing_default", IP: "172.20.0.2", Started: start, Published: map[int]int{80: 8080}})
	h.Container(&DContainer{Name: "billing-db-1", Image: "postgres:16.4", Cmd: "docker-entrypoint.sh postgres", Project: "billing", Service: "db",
		Network: "billing_default", IP: "172.20.0.4", Started: start, Exposed: []int{5432}})
	h.Container(&DContainer{Name: "billing-api-1", Image: "billing/api:5.0.1", Cmd: "/app/api serve", Project: "billing", Service: "api",
		Network: "billing_default", IP: "172.20.0.3", Status: "restarting", ExitCode: 1, Restarts: 23, RestartPolicy: "always",
		Started: now.Add(-9 * Sec), Finished: now.Add(-8 * Sec), Exposed: []int{8080}})
	h.InspectFile("docker-inspect.json")
	var logs []string
	conn := 2000
	for t := now.Add(-6 * Min); t.Before(now); t = t.Add(11 * Sec) {
		conn++
		switch conn % 4 {
		case 0:
			logs = append(logs, NginxErr(t, 29, conn, "connect() failed (111: Connection refused) while connecting to upstream",
				"client: "+clientIP, "server: billing.example.com", `request: "GET /v1/invoices HTTP/1.1"`,
				`upstream: "http://172.20.0.3:8080/v1/invoices"`, `host: "billing.example.com"`))
		case 1, 2:
			logs = append(logs, fmt.Sprintf(`%s [error] 29#29: *%d api could not be resolved (3: Host not found), client: %s, server: billing.example.com, request: "GET /v1/invoices HTTP/1.1", host: "billing.example.com"`,
				nginxErrTime(t), conn, clientIP))
		default:
			logs = append(logs, NginxErr(t, 29, conn, "no live upstreams while connecting to upstream",
				"client: "+clientIP, "server: billing.example.com", `request: "GET /v1/invoices HTTP/1.1"`,
				`upstream: "http://api/v1/invoices"`, `host: "billing.example.com"`))
		}
	}
	h.File("proxy.log", logs)
	var api []string
	for i := range 4 {
		t := now.Add(-time.Duration(4-i) * 40 * Sec)
		api = append(api, t.Format("2006/01/02 15:04:05")+" billing-api 5.0.1 starting",
			t.Add(80*time.Millisecond).Format("2006/01/02 15:04:05")+" config: required key BILLING_DB_DSN missing value")
	}
	h.File("api.log", api)
	h.Pasted()
	return c
}

func dockerCase03SwarmScaledToZero() *Case {
	now := time.Date(2025, 3, 12, 16, 40, 0, 0, time.UTC)
	c := newCase("docker/03-swarm-scaled-to-zero-haproxy", now)
	c.Description = "HAProxy in front of a Swarm stack answers 503 <NOSRV> for /api: the shop_api service was " +
		"scaled to 0 replicas, so tasks.api resolves to nothing and the backend has no server."
	c.Source = "moby api/types/swarm (ServiceSpec.Mode.Replicated.Replicas, Endpoint.VirtualIPs); docker/cli " +
		"cli/command/task (service ps table); HAProxy doc/configuration.txt 8.2.3 (<NOSRV>, termination state SC--) " +
		"and its `backend has no server available!` alert."
	c.Expect("scaled-to-zero", "DockerService", "shop", "api", "")
	h := newDockerHost(c)
	zero, one := 0, 1
	h.Service(&DService{Name: "shop_haproxy", Stack: "shop", Image: "haproxy:3.0", Replicas: &one, Target: 80, Published: 80, VIP: "10.0.1.3",
		Tasks: []DTask{{Slot: 1, Node: "swarm-1", Desired: "Running", State: "Running", Ago: "2 days ago", PublishedPort: false}}})
	h.Service(&DService{Name: "shop_api", Stack: "shop", Image: "shop/api:3.1", Replicas: &zero, Target: 9000, VIP: "10.0.1.5",
		Tasks: []DTask{
			{Slot: 1, Node: "swarm-2", Desired: "Shutdown", State: "Shutdown", Ago: "7 minutes ago"},
			{Slot: 2, Node: "swarm-3", Desired: "Shutdown", State: "Shutdown", Ago: "7 minutes ago"},
		}})
	h.ServiceInspectFile("service-inspect.json")
	h.ServicePSFile("service-ps.txt")
	var recs []Rec
	for t := now.Add(-6 * Min); t.Before(now); t = t.Add(9 * Sec) {
		recs = append(recs, Rec{T: t, Method: "GET", Path: "/api/orders", Code: 503, Cluster: "api", UpHost: "-", XFF: "10.0.0.2", DownRem: "10.0.0.2:40000"})
	}
	logs := []string{
		"[WARNING]  (8) : Server api/api-1 is going DOWN for maintenance (DNS NX status). 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.",
		"[WARNING]  (8) : Server api/api-2 is going DOWN for maintenance (DNS NX status). 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.",
		"[ALERT]    (8) : backend 'api' has no server available!",
	}
	logs = append(logs, HAProxyHTTP(c.Name, "fe_http", recs)...)
	h.File("haproxy.log", logs)
	h.Pasted()
	return c
}

func dockerCase04SwarmNoWorkload() *Case {
	now := time.Date(2025, 3, 13, 8, 5, 0, 0, time.UTC)
	c := newCase("docker/04-swarm-no-workload-nginx", now)
	c.Description = "nginx in a Swarm stack gets connection refused from the transcoder service's virtual IP: its " +
		"tasks exited 0 under restart condition on-failure, so Swarm shut them down and runs none."
	c.Source = "moby/swarmkit manager/orchestrator/restart/restart.go (a task that completes under on-failure is " +
		"shut down and not replaced); moby api/types/swarm (Endpoint.VirtualIPs); docker/cli cli/command/task; " +
		"nginx `connect() failed (111: Connection refused)` (src/event/ngx_event_connect.c)."
	c.Expect("no-workload", "DockerService", "media", "transcoder", "")
	c.Absent = []string{"crash-loop", "scaled-to-zero"}
	h := newDockerHost(c)
	one, two := 1, 2
	h.Service(&DService{Name: "media_nginx", Stack: "media", Image: "nginx:1.27.3", Replicas: &one, Target: 80, Published: 80, VIP: "10.0.2.3",
		Tasks: []DTask{{Slot: 1, Node: "worker-1", Desired: "Running", State: "Running", Ago: "3 hours ago"}}})
	h.Service(&DService{Name: "media_transcoder", Stack: "media", Image: "media/transcoder:7.2", Replicas: &two, Target: 8080, VIP: "10.0.2.9",
		Tasks: []DTask{
			{Slot: 1, Node: "worker-2", Desired: "Shutdown", State: "Complete", Ago: "4 minutes ago"},
			{Slot: 2, Node: "worker-1", Desired: "Shutdown", State: "Complete", Ago: "4 minutes ago"},
		}})
	h.ServiceInspectFile("service-inspect.json")
	h.ServicePSFile("service-ps.txt")
	var logs []string
	conn := 500
	for t := now.Add(-4 * Min); t.Before(now); t = t.Add(13 * Sec) {
		conn++
		logs = append(logs, NginxErr(t, 1, conn, "connect() failed (111: Connection refused) while connecting to upstream",
			"client: 10.0.0.2", "server: media.example.com", `request: "POST /transcode HTTP/1.1"`,
			`upstream: "http://10.0.2.9:8080/transcode"`, `host: "media.example.com"`))
	}
	h.File("nginx.log", logs)
	h.Pasted()
	return c
}

func dockerCase05PortMismatch() *Case {
	now := time.Date(2025, 3, 14, 14, 20, 0, 0, time.UTC)
	c := newCase("docker/05-compose-port-mismatch-nginx", now)
	c.Description = "nginx in a Compose project gets connection refused from the blog's web container on port 8080, " +
		"the port its image EXPOSEs and nginx sends to, while the new release listens on 2368."
	c.Source = "moby api/types/container (Config.ExposedPorts, NetworkSettings.Networks IPAddress); nginx " +
		"`connect() failed (111: Connection refused) while connecting to upstream` (src/event/ngx_event_connect.c) " +
		"and `no live upstreams`."
	c.Expect("port-mismatch", "DockerService", "blog", "web", "")
	c.Absent = []string{"crash-loop", "readiness-probe-failing"}
	h := newDockerHost(c)
	start := now.Add(-35 * Min)
	h.Container(&DContainer{Name: "blog-proxy-1", Image: "nginx:1.27.3", Cmd: "/docker-entrypoint.sh nginx -g daemon off;",
		Project: "blog", Service: "proxy", Network: "blog_default", IP: "172.21.0.2", Started: start, Published: map[int]int{80: 80, 443: 443}})
	h.Container(&DContainer{Name: "blog-web-1", Image: "blog/web:6.1", Cmd: "node current/index.js", Project: "blog", Service: "web",
		Network: "blog_default", IP: "172.21.0.3", Started: start, Exposed: []int{8080}})
	h.InspectFile("docker-inspect.json")
	h.ComposePSFile("compose-ps.json")
	var logs []string
	conn := 40
	for t := now.Add(-20 * Min); t.Before(now); t = t.Add(17 * Sec) {
		conn++
		msg := "connect() failed (111: Connection refused) while connecting to upstream"
		up := `upstream: "http://172.21.0.3:8080/"`
		if conn%5 == 0 {
			msg, up = "no live upstreams while connecting to upstream", `upstream: "http://web/"`
		}
		logs = append(logs, NginxErr(t, 31, conn, msg, "client: "+clientIP, "server: blog.example.com",
			`request: "GET / HTTP/1.1"`, up, `host: "blog.example.com"`))
	}
	h.File("proxy.log", logs)
	h.File("web.log", []string{
		"[2025-03-14 13:45:11] INFO Ghost is running in production...",
		"[2025-03-14 13:45:11] INFO Your site is now available on https://blog.example.com/",
		"[2025-03-14 13:45:11] INFO Listening on 0.0.0.0:2368",
	})
	h.Pasted()
	return c
}

func dockerCase06LoneContainerCrash() *Case {
	now := time.Date(2025, 3, 15, 3, 30, 0, 0, time.UTC)
	c := newCase("docker/06-container-crash-loop-haproxy", now)
	c.Description = "HAProxy on the host answers 503 <NOSRV> for the api backend: the api container, started " +
		"with docker run, is OOM-killed and restarted over and over (exit code 137)."
	c.Source = "moby api/types/container (State.OOMKilled, ExitCode, Restarting, RestartCount); HAProxy " +
		"doc/configuration.txt 8.2.3 (httplog, <NOSRV>, SC--) and its health-check messages (src/server.c)."
	c.Expect("crash-loop", "Container", "", "api", "")
	c.Absent = []string{"port-mismatch", "readiness-probe-failing"}
	h := newDockerHost(c)
	h.Container(&DContainer{Name: "redis", Image: "redis:7.4", Cmd: "docker-entrypoint.sh redis-server", Network: "bridge", IP: "172.17.0.2",
		Started: now.Add(-40 * Day), Exposed: []int{6379}, Published: map[int]int{6379: 6379}, RestartPolicy: "always"})
	h.Container(&DContainer{Name: "api", Image: "acme/api:2.7.0", Cmd: "java -Xmx2g -jar /app/api.jar", Network: "bridge", IP: "172.17.0.3",
		Status: "restarting", ExitCode: 137, OOMKilled: true, Restarts: 9, RestartPolicy: "always",
		Started: now.Add(-50 * Sec), Finished: now.Add(-6 * Sec), Published: map[int]int{9000: 9000}})
	h.InspectFile("docker-inspect.json")
	var recs []Rec
	for t := now.Add(-5 * Min); t.Before(now); t = t.Add(8 * Sec) {
		recs = append(recs, Rec{T: t, Method: "POST", Path: "/v2/orders", Code: 503, Cluster: "api", UpHost: "-", XFF: "198.51.100.7", DownRem: "198.51.100.7:50000"})
	}
	var logs []string
	syslog := func(t time.Time, msg string) string {
		return t.UTC().Format("Jan _2 15:04:05") + " lb1 haproxy[1187]: " + msg
	}
	logs = append(logs, syslog(now.Add(-5*Min-3*Sec), `Server api/api1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.`))
	logs = append(logs, syslog(now.Add(-5*Min-3*Sec), "backend api has no server available!"))
	for i, l := range HAProxyHTTP(c.Name, "fe_https", recs) {
		logs = append(logs, syslog(recs[i].T, l))
	}
	h.File("haproxy.log", logs)
	h.Pasted()
	return c
}

func dockerCase07HealthyTraefik() *Case {
	now := time.Date(2025, 3, 16, 10, 0, 0, 0, time.UTC)
	c := newCase("docker/07-compose-healthy-traefik", now)
	c.Description = "A healthy Compose stack behind Traefik: every container runs and passes its HEALTHCHECK; " +
		"the access log has 200s, and 404s the application itself answered."
	c.Source = "Traefik's common log format (pkg/middlewares/accesslog/logger_formatters.go): a 404 logged with a " +
		"router and a server URL is the application's; moby api/types/container State.Health."
	h := newDockerHost(c)
	start := now.Add(-3 * Day)
	h.Container(&DContainer{Name: "shop-traefik-1", Image: "traefik:v3.3", Cmd: traefikCmd, Project: "shop", Service: "traefik",
		Network: "shop_default", IP: "172.19.0.2", Started: start, Published: map[int]int{80: 80}})
	h.Container(&DContainer{Name: "shop-web-1", Image: "shop/web:1.5.0", Cmd: "node server.js", Project: "shop", Service: "web",
		Network: "shop_default", IP: "172.19.0.4", Started: start, Exposed: []int{3000},
		HealthTest: []string{"CMD-SHELL", "curl -fsS http://localhost:3000/healthz || exit 1"}, Health: "healthy",
		Probes: probes(now.Add(-50*Sec), 10*Sec, 5, 0, "ok"),
		Labels: map[string]string{"traefik.enable": "true", "traefik.http.routers.web.rule": "Host(`shop.example.com`)"}})
	h.InspectFile("docker-inspect.json")
	h.ComposePSFile("compose-ps.json")
	logs := []string{traefikNote}
	n := 9000
	for t := now.Add(-10 * Min); t.Before(now); t = t.Add(5 * Sec) {
		n++
		code, size, path := 200, 3900+n%500, "/products/"+fmt.Sprint(n%60)
		if n%9 == 0 {
			code, size, path = 404, 9, "/products/retired-"+fmt.Sprint(n%7)
		}
		logs = append(logs, TraefikCLF(t, clientIP, "GET", path, code, size, n, "web@docker", "http://172.19.0.4:3000", 8+n%25))
	}
	h.File("traefik.log", logs)
	h.Pasted()
	return c
}

func dockerCase08SwarmHealthcheckEnvoy() *Case {
	now := time.Date(2025, 3, 17, 19, 45, 0, 0, time.UTC)
	c := newCase("docker/08-swarm-healthcheck-envoy", now)
	c.Description = "An Envoy front proxy in a Swarm stack answers 503 UH for pay.example.com: the payments " +
		"service's tasks fail their HEALTHCHECK, Swarm kills them as unhealthy and starts new ones, so no task " +
		"stays running and tasks.payments resolves to nothing healthy."
	c.Source = "moby daemon/cluster/executor/container/errors.go (ErrContainerUnhealthy: \"dockerexec: unhealthy " +
		"container\") and controller.go; docker/cli cli/command/task (service ps --no-trunc); Envoy's JSON access " +
		"log with upstream_cluster, response flag UH (no_healthy_upstream)."
	c.Expect("readiness-probe-failing", "DockerService", "shop", "payments", "")
	c.Absent = []string{"crash-loop"}
	h := newDockerHost(c)
	one, two := 1, 2
	h.Service(&DService{Name: "shop_envoy", Stack: "shop", Image: "envoyproxy/envoy:v1.33.0", Replicas: &one, Target: 10000, Published: 443, VIP: "10.0.3.2",
		Tasks: []DTask{{Slot: 1, Node: "node-a", Desired: "Running", State: "Running", Ago: "5 hours ago", PublishedPort: false}}})
	h.Service(&DService{Name: "shop_payments", Stack: "shop", Image: "shop/payments:8.0", Replicas: &two, Target: 8080, VIP: "10.0.3.7",
		HealthTest: []string{"CMD", "curl", "-fsS", "http://localhost:8080/health"},
		Tasks: []DTask{
			{Slot: 1, Node: "node-b", Desired: "Running", State: "Starting", Ago: "12 seconds ago"},
			{Slot: 1, Node: "node-b", Desired: "Shutdown", State: "Failed", Ago: "40 seconds ago", Err: "dockerexec: unhealthy container", Previous: true},
			{Slot: 1, Node: "node-c", Desired: "Shutdown", State: "Failed", Ago: "2 minutes ago", Err: "dockerexec: unhealthy container", Previous: true},
			{Slot: 2, Node: "node-c", Desired: "Running", State: "Starting", Ago: "5 seconds ago"},
			{Slot: 2, Node: "node-a", Desired: "Shutdown", State: "Failed", Ago: "1 minute ago", Err: "dockerexec: unhealthy container", Previous: true},
		}})
	h.ServiceInspectFile("service-inspect.json")
	h.ServicePSFile("service-ps.txt")
	r := newRand(c.Name + "/envoy")
	var logs []string
	for t := now.Add(-3 * Min); t.Before(now); t = t.Add(4 * Sec) {
		logs = append(logs, fmt.Sprintf(`{"start_time":"%s","method":"POST","path":"/v1/charges","protocol":"HTTP/1.1","response_code":503,"response_flags":"UH","response_code_details":"no_healthy_upstream","bytes_received":212,"bytes_sent":19,"duration":0,"upstream_cluster":"payments","upstream_host":null,"x_forwarded_for":"192.0.2.55","request_id":"%s","authority":"pay.example.com"}`,
			envoyTime(t), r.UUID()))
	}
	h.File("envoy.log", logs)
	h.Pasted()
	return c
}
