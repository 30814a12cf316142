package logscan

import "slices"

// The two vocabularies of logscan: the log formats it reads and the
// symptom kinds they emit. Adding a format is one formatTable entry, its
// kinds in kindTable, and the parser's own file (which declares the
// Format and Kind constants the entries name). Tests hold both tables to
// what the parsers really do; docs/logs.md is generated from them.

// FormatSpec is a log format logscan reads.
type FormatSpec struct {
	Format Format
	// Detect says how a line is recognised as this format.
	Detect string
	// Mesh is true for Envoy access logs: their symptoms concern the
	// mesh's data plane as a whole (facts: the key global:mesh and
	// cluster.envoySymptoms) besides their upstream.
	Mesh bool
	// parse reads one line: false means "not a line of this format";
	// true means it is one, and its failure (if any) has been recorded.
	parse func(s *fileScan, l []byte) bool
}

// formatTable lists the formats in the order they are tried on a line
// whose format is not yet known: stricter shapes first, so a line is
// claimed by the format that really wrote it.
var formatTable = [...]FormatSpec{
	{Format: FormatEnvoyText, Mesh: true, parse: (*fileScan).envoyText,
		Detect: "Envoy's default text access log, any Istio generation: an optional `[START_TIME]`, a quoted request line, the response code and a response-flag field (`UH`, `UF,URX`, `-`)"},
	{Format: FormatEnvoyJSON, Mesh: true,
		parse:  func(s *fileScan, l []byte) bool { return s.jsonLine(l, FormatEnvoyJSON) == FormatEnvoyJSON },
		Detect: "a JSON object with `response_flags` or `response_code`: the Istio/Envoy JSON access log, and Envoy Gateway's default access log (`:authority`, route names `httproute/<ns>/<name>/rule/<i>/...`)"},
	{Format: FormatZtunnel,
		parse: func(s *fileScan, l []byte) bool {
			return s.ztunnelText(l) || s.jsonLine(l, FormatZtunnel) == FormatZtunnel
		},
		Detect: "ztunnel's access and dns lines: an RFC 3339 time, a level and the target `access` or `dns`, then `key=value` fields; or a JSON object with `src.addr`/`dst.*` keys or `scope: access`"},
	{Format: FormatNginxError, parse: (*fileScan).nginxError,
		Detect: "nginx's error log: `YYYY/MM/DD HH:MM:SS [level] pid#tid: *cid message` (the time may be missing)"},
	{Format: FormatIngressCtrl, parse: (*fileScan).klog,
		Detect: "klog lines of the ingress-nginx controller: `W1214 11:11:46.559640 7 file.go:937] message`"},
	{Format: FormatTraefik, parse: (*fileScan).traefik,
		Detect: "Traefik's access log: its common log format (nginx's combined line followed by `RequestCount \"RouterName\" \"ServiceURL\" Nms`), or a JSON object with `DownstreamStatus`"},
	{Format: FormatIngressAccess, parse: (*fileScan).ingressAccess,
		Detect: "ingress-nginx's default access log (upstreaminfo): `addr - user [time_local] \"request\" status ... [upstream] [alternative] upstream_addr ...`, or nginx's combined format"},
	{Format: FormatHAProxy, parse: (*fileScan).haproxy,
		Detect: "HAProxy's httplog (`client:port [dd/Mon/yyyy:hh:mm:ss.mmm] frontend backend/server timers status ...`) and its health messages `Server b/s is DOWN`, `backend b has no server available!`"},
}

// maxFormats bounds formatTable: a fileScan counts its lines per format in
// an array, which cannot take its length from formatTable (that is a
// declaration cycle). Raise it when the table outgrows it; the build
// fails until then.
const maxFormats = 16

var _ [maxFormats - len(formatTable)]struct{}

// Formats returns the formats logscan reads, in the order they are tried.
func Formats() []FormatSpec { return slices.Clone(formatTable[:]) }

// Spec returns f's entry of the format registry (the zero FormatSpec for
// FormatUnknown or a format logscan does not read).
func (f Format) Spec() FormatSpec {
	for _, s := range formatTable {
		if s.Format == f {
			return s
		}
	}
	return FormatSpec{}
}

// SymptomKind is a kind of failure a log line shows: a Symptom's Kind,
// what rules name in explains: and the report in symptoms[].kind.
type SymptomKind struct {
	// ID is the kind: an Envoy response flag verbatim ("UH") or a name
	// of logscan's ("nginx-no-live-upstreams").
	ID string
	// Formats are the formats whose lines can show it.
	Formats []Format
	Meaning string
	// ConnectFailure: a connection to a known backend failed (refused,
	// reset, timed out), as opposed to no backend being known. Facts
	// count these per Service (svc.connectFailures).
	ConnectFailure bool
	// DNS: a name did not resolve. Facts count these cluster-wide
	// (cluster.dnsSymptoms) under the key global:dns.
	DNS bool
}

var envoyFormats = []Format{FormatEnvoyText, FormatEnvoyJSON}

// kindTable lists every symptom kind. An Envoy response flag is a
// symptom exactly when it is listed here (flags.go derives its mask from
// this table); the other flags describe the client, local policy or are
// informational.
var kindTable = [...]SymptomKind{
	{ID: "UH", Formats: envoyFormats, Meaning: "no healthy upstream host in the upstream cluster (503); also `response_code_details` `no_healthy_upstream`"},
	{ID: "UF", Formats: envoyFormats, ConnectFailure: true, Meaning: "upstream connection failure (503)"},
	{ID: "UO", Formats: envoyFormats, Meaning: "upstream overflow: a circuit breaker tripped (503)"},
	{ID: "NR", Formats: envoyFormats, Meaning: "no route configured for the request (404), or no filter chain for a connection; also `route_not_found`"},
	{ID: "URX", Formats: envoyFormats, ConnectFailure: true, Meaning: "the upstream retry limit (HTTP) or the maximum connect attempts (TCP) was reached"},
	{ID: "NC", Formats: envoyFormats, Meaning: "the upstream cluster was not found; also `cluster_not_found`"},
	{ID: "LH", Formats: envoyFormats, Meaning: "the local service failed its health check (503): an inbound sidecar's own app"},
	{ID: "UT", Formats: envoyFormats, ConnectFailure: true, Meaning: "upstream request timeout (504)"},
	{ID: "LR", Formats: envoyFormats, ConnectFailure: true, Meaning: "connection local reset (503)"},
	{ID: "UR", Formats: envoyFormats, ConnectFailure: true, Meaning: "upstream remote reset (503)"},
	{ID: "UC", Formats: envoyFormats, ConnectFailure: true, Meaning: "upstream connection termination (503)"},
	{ID: "UPE", Formats: envoyFormats, Meaning: "the upstream response had an HTTP protocol error (502)"},
	{ID: "DF", Formats: envoyFormats, DNS: true, Meaning: "DNS resolution of the upstream failed"},
	{ID: "DO", Formats: envoyFormats, Meaning: "dropped by drop_overloads (503)"},
	{ID: "UDO", Formats: envoyFormats, Meaning: "dropped unconditionally: drop_overloads at 100% (503)"},
	{ID: KindDirectResponse5xx, Formats: envoyFormats, Meaning: "a 5xx the proxy answered itself from a `direct_response` route, no flag set: Envoy Gateway's answer for a rule with no valid backend (500) or, from v1.6, no ready endpoint (503)"},

	{ID: KindNginxNoLiveUpstreams, Formats: []Format{FormatNginxError}, Meaning: "`no live upstreams while connecting to upstream`: every server of the upstream group is marked down"},
	{ID: KindNginxConnectRefused, Formats: []Format{FormatNginxError}, ConnectFailure: true, Meaning: "`connect() failed (111: Connection refused) while connecting to upstream`"},
	{ID: KindNginxConnectFailed, Formats: []Format{FormatNginxError}, ConnectFailure: true, Meaning: "`connect() failed` with another error (113: No route to host, ...)"},
	{ID: KindNginxUpstreamTimeout, Formats: []Format{FormatNginxError}, ConnectFailure: true, Meaning: "`upstream timed out (110: ...)`"},
	{ID: KindNginxUpstreamReset, Formats: []Format{FormatNginxError}, ConnectFailure: true, Meaning: "the upstream closed or reset the connection before its response: `upstream prematurely closed connection`, `recv() failed (104: Connection reset by peer) ... from upstream` (a plaintext client of a server that requires mTLS or TLS sees this)"},
	{ID: KindNginxResolveFailed, Formats: []Format{FormatNginxError}, DNS: true, Meaning: "`... could not be resolved`: an upstream name did not resolve"},
	{ID: KindIngress503, Formats: []Format{FormatIngressAccess}, Meaning: "a 503 with no upstream contacted: the ingress had no endpoint to send to"},
	{ID: KindIngress502, Formats: []Format{FormatIngressAccess}, ConnectFailure: true, Meaning: "a 502 or 504 after the upstreams were tried"},
	{ID: KindIngressNoEndpoints, Formats: []Format{FormatIngressCtrl}, Meaning: "the controller says `Service \"ns/name\" does not have any active Endpoint`"},
	{ID: KindHAProxyNoServer, Formats: []Format{FormatHAProxy}, Meaning: "`<NOSRV>` with status 503 and a termination state starting `SC`: no server of the backend was available"},
	{ID: KindHAProxyServerAbort, Formats: []Format{FormatHAProxy}, ConnectFailure: true, Meaning: "a 5xx with a termination state starting `SH` or `SD`: the server closed or reset the connection before or while answering"},
	{ID: KindHAProxyServerDown, Formats: []Format{FormatHAProxy}, Meaning: "a health message: `Server b/s is DOWN` or `backend b has no server available!`"},
	{ID: KindTraefikNoServer, Formats: []Format{FormatTraefik}, Meaning: "a 503 Traefik answered itself, no server picked (`ServiceURL` unset): its load balancer has `no available server` (every server down or failing Traefik's health check)"},
	{ID: KindTraefikBadGateway, Formats: []Format{FormatTraefik}, ConnectFailure: true, Meaning: "a 502 after a server was picked: the connection to it failed (refused, reset, closed)"},
	{ID: KindTraefikTimeout, Formats: []Format{FormatTraefik}, ConnectFailure: true, Meaning: "a 504 after a server was picked: it did not answer in time"},
	{ID: KindTraefikNoRouter, Formats: []Format{FormatTraefik}, Meaning: "a 404 Traefik answered itself (`RouterName` unset): no router matched the request; the Docker provider drops the routers of stopped and unhealthy containers"},
	{ID: KindZtunnelNoHealthy, Formats: []Format{FormatZtunnel}, Meaning: "`error=\"no healthy upstream...\"`"},
	{ID: KindZtunnelReset, Formats: []Format{FormatZtunnel}, ConnectFailure: true, Meaning: "the connection was reset or broke: `connection reset by peer`, `io error`, `receive:`/`send:` errors, `destination disconnected`"},
	{ID: KindZtunnelTimeout, Formats: []Format{FormatZtunnel}, ConnectFailure: true, Meaning: "`connection timed out` (maybe a NetworkPolicy blocking HBONE port 15008)"},
	{ID: KindZtunnelDNS, Formats: []Format{FormatZtunnel}, DNS: true, Meaning: "an error starting `dns`"},
	{ID: KindZtunnelPolicyDenied, Formats: []Format{FormatZtunnel}, Meaning: "the connection was closed by a policy rejection"},
	{ID: KindZtunnelError, Formats: []Format{FormatZtunnel}, Meaning: "any other `error=` of a ztunnel access line"},
}

var kindIndex = func() map[string]int {
	m := make(map[string]int, len(kindTable))
	for i, k := range kindTable {
		m[k.ID] = i
	}
	return m
}()

// Kinds returns every symptom kind, Envoy flags first.
func Kinds() []SymptomKind { return slices.Clone(kindTable[:]) }

// LookupKind returns the symptom kind with id.
func LookupKind(id string) (SymptomKind, bool) {
	i, ok := kindIndex[id]
	if !ok {
		return SymptomKind{}, false
	}
	return kindTable[i], true
}
