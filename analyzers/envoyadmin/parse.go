package envoyadmin

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"net"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// maxInput bounds what ParseClusters reads: /clusters of a large mesh is
// tens of MiB; anything beyond this is not admin output.
const maxInput = 512 << 20

// ParseClusters parses a saved Envoy /clusters dump. The form is detected:
//   - text: `cluster::host::stat::value` lines (GET /clusters)
//   - JSON: {"cluster_statuses": [...]} (GET /clusters?format=json, snake_case),
//     the same in protojson camelCase, or a top-level array of cluster
//     statuses (`istioctl proxy-config endpoints -o json`)
//   - the `istioctl proxy-config endpoints` table (ENDPOINT STATUS OUTLIER CHECK CLUSTER)
//
// Clusters keep the order of the input. Errors name the file and, for text,
// the line.
func ParseClusters(name string, r io.Reader) ([]Cluster, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("envoyadmin: reading %s: %w", name, err)
	}
	if len(data) > maxInput {
		return nil, fmt.Errorf("envoyadmin: %s: larger than %d MiB, not an admin dump", name, maxInput>>20)
	}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(trimmed) == 0 {
		return nil, nil // an Envoy with no clusters prints nothing
	}
	switch trimmed[0] {
	case '{', '[':
		return parseJSON(name, trimmed)
	}
	if first, _, _ := bytes.Cut(trimmed, []byte("\n")); isTableHeader(first) {
		return parseTable(name, trimmed)
	}
	return parseText(name, data)
}

// builder keeps clusters in first-seen order.
type builder struct {
	clusters []Cluster
	index    map[string]int
}

func (b *builder) cluster(name string) *Cluster {
	if b.index == nil {
		b.index = make(map[string]int)
	}
	i, ok := b.index[name]
	if !ok {
		i = len(b.clusters)
		b.index[name] = i
		b.clusters = append(b.clusters, Cluster{Name: name})
	}
	return &b.clusters[i]
}

// hostIdx remembers host positions per cluster for text input, where one
// host spans many lines.
type hostKey struct {
	cluster int
	addr    string
}

// clusterKeys are the second components of cluster-level text lines
// (clusters_handler.cc writeClustersAsText); everything else is a host.
var clusterKeys = map[string]bool{
	"observability_name": true, "outlier": true, "default_priority": true, "high_priority": true,
	"added_via_api": true, "eds_service_name": true, "version_info": true,
}

func parseText(name string, data []byte) ([]Cluster, error) {
	var b builder
	hosts := make(map[hostKey]int)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		cname, rest, ok := strings.Cut(line, "::")
		if !ok || cname == "" {
			return nil, fmt.Errorf("envoyadmin: %s: line %d: not a /clusters line (want cluster::...): %q", name, n, clip(line))
		}
		key, val, _ := strings.Cut(rest, "::")
		if clusterKeys[key] {
			c := b.cluster(cname)
			if err := clusterLine(c, key, val); err != nil {
				return nil, fmt.Errorf("envoyadmin: %s: line %d: %v", name, n, err)
			}
			continue
		}
		addr, stat, value, err := splitHostLine(rest)
		if err != nil {
			return nil, fmt.Errorf("envoyadmin: %s: line %d: %v: %q", name, n, err, clip(line))
		}
		c := b.cluster(cname)
		ci := b.index[cname]
		hi, ok := hosts[hostKey{ci, addr}]
		if !ok {
			hi = len(c.Hosts)
			hosts[hostKey{ci, addr}] = hi
			c.Hosts = append(c.Hosts, Host{Address: addr})
		}
		if err := hostStat(&c.Hosts[hi], stat, value); err != nil {
			return nil, fmt.Errorf("envoyadmin: %s: line %d: %v", name, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("envoyadmin: %s: line %d: %w", name, n+1, err)
	}
	return b.clusters, nil
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// splitHostLine splits "host::stat::value". The host may be an IPv6
// address ("[::1]:80") that itself contains "::", so it is taken by its
// brackets; the value is everything after the stat and may be empty.
func splitHostLine(rest string) (addr, stat, value string, err error) {
	var after string
	if strings.HasPrefix(rest, "[") {
		end := strings.Index(rest, "]")
		if end < 0 {
			return "", "", "", fmt.Errorf("unterminated IPv6 host")
		}
		k := strings.Index(rest[end:], "::")
		if k < 0 {
			return "", "", "", fmt.Errorf("host without stat")
		}
		addr, after = rest[:end+k], rest[end+k+2:]
	} else {
		var ok bool
		addr, after, ok = strings.Cut(rest, "::")
		if !ok {
			return "", "", "", fmt.Errorf("host without stat")
		}
	}
	stat, value, ok := strings.Cut(after, "::")
	if !ok || addr == "" || stat == "" {
		return "", "", "", fmt.Errorf("want cluster::host::stat::value")
	}
	return addr, stat, value, nil
}

func clusterLine(c *Cluster, key, val string) error {
	switch key {
	case "outlier":
		c.OutlierDetection = true
	case "eds_service_name":
		c.EDSServiceName = val
	case "default_priority":
		k, v, ok := strings.Cut(val, "::")
		if !ok {
			return fmt.Errorf("default_priority without value")
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("default_priority::%s: %q is not a number", k, v)
		}
		switch k {
		case "max_connections":
			c.MaxConnections = n
		case "max_pending_requests":
			c.MaxPendingRequests = n
		case "max_requests":
			c.MaxRequests = n
		case "max_retries":
			c.MaxRetries = n
		}
	}
	return nil
}

func hostStat(h *Host, stat, value string) error {
	switch stat {
	case "health_flags":
		h.HealthFlags = value
		return applyHealthFlags(h, value)
	case "hostname":
		h.Hostname = value
	case "rq_error", "rq_total", "cx_connect_fail":
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return fmt.Errorf("%s: %q is not a number", stat, value)
		}
		switch stat {
		case "rq_error":
			h.RqError = n
		case "rq_total":
			h.RqTotal = n
		default:
			h.CxConnectFail = n
		}
	}
	return nil
}

// applyHealthFlags reads HostUtility::healthFlagsToString output: "healthy"
// or a concatenation of "/flag" tokens. Unknown tokens (newer Envoy) are
// ignored but kept in HealthFlags.
func applyHealthFlags(h *Host, v string) error {
	if v == "healthy" {
		return nil
	}
	if !strings.HasPrefix(v, "/") {
		return fmt.Errorf("health_flags %q: want \"healthy\" or /flag tokens", clip(v))
	}
	for _, tok := range strings.Split(v[1:], "/") {
		switch tok {
		case "failed_active_hc":
			h.FailedActiveHC = true
		case "failed_outlier_check":
			h.FailedOutlierCheck = true
		case "failed_eds_health":
			h.FailedEDSHealth = true
		case "degraded_active_hc":
			h.DegradedActiveHC = true
		case "degraded_eds_health":
			h.DegradedEDSHealth = true
		case "pending_dynamic_removal":
			h.PendingRemoval = true
		case "pending_active_hc":
			h.PendingActiveHC = true
		case "excluded_via_immediate_hc_fail":
			h.ExcludedViaImmediateHCFail = true
		case "active_hc_timeout":
			h.ActiveHCTimeout = true
		case "eds_status_draining":
			h.EDSDraining = true
		}
	}
	return nil
}

// applyEDSStatus maps config.core.v3.HealthStatus (name or number).
func applyEDSStatus(h *Host, s string) {
	switch s {
	case "1":
		s = "HEALTHY"
	case "2":
		s = "UNHEALTHY"
	case "3":
		s = "DRAINING"
	case "4":
		s = "TIMEOUT"
	case "5":
		s = "DEGRADED"
	case "0":
		s = "UNKNOWN"
	}
	h.EDSHealthStatus = s
	switch s {
	case "UNHEALTHY", "TIMEOUT":
		h.FailedEDSHealth = true
	case "DEGRADED":
		h.DegradedEDSHealth = true
	case "DRAINING":
		h.EDSDraining = true
	}
}

// ---- istioctl proxy-config endpoints table ----

func isTableHeader(line []byte) bool {
	f := strings.Fields(string(line))
	return len(f) >= 3 && (f[0] == "ENDPOINT" || f[0] == "NAME") && f[1] == "STATUS" && f[len(f)-1] == "CLUSTER"
}

func parseTable(name string, data []byte) ([]Cluster, error) {
	var b builder
	lines := strings.Split(string(data), "\n")
	header := strings.Fields(lines[0])
	outlierCol := len(header) == 5 && header[2] == "OUTLIER" // ENDPOINT STATUS OUTLIER CHECK CLUSTER
	for i, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 3 {
			return nil, fmt.Errorf("envoyadmin: %s: line %d: want ENDPOINT STATUS ... CLUSTER columns: %q", name, i+2, clip(line))
		}
		h := Host{Address: f[0]}
		applyEDSStatus(&h, f[1])
		if outlierCol && len(f) >= 4 && f[2] == "FAILED" {
			h.FailedOutlierCheck = true
		}
		c := b.cluster(f[len(f)-1])
		c.Hosts = append(c.Hosts, h)
	}
	return b.clusters, nil
}

// ---- JSON ----

type obj = map[string]any

// camel converts a snake_case proto field name to protojson lowerCamelCase.
func camel(s string) string {
	var sb strings.Builder
	up := false
	for _, r := range s {
		if r == '_' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		sb.WriteRune(r)
	}
	return sb.String()
}

// get looks a proto field up under its snake_case and camelCase names.
func get(m obj, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	v, ok := m[camel(key)]
	return v, ok
}

func getObj(m obj, key string) obj {
	v, _ := get(m, key)
	o, _ := v.(obj)
	return o
}

func getList(m obj, key string) []any {
	v, _ := get(m, key)
	l, _ := v.([]any)
	return l
}

func getString(m obj, key string) string {
	v, _ := get(m, key)
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	}
	return ""
}

func getBool(m obj, key string) bool {
	v, _ := get(m, key)
	b, _ := v.(bool)
	return b
}

// getInt reads an integer that protojson renders as a number (uint32) or a
// string (uint64).
func getInt(m obj, key string) int64 {
	switch t, _ := get(m, key); v := t.(type) {
	case float64: // exact: protojson writes 64-bit integers as strings
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return 0
		}
		return int64(v)
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	case obj: // wrapper written as {"value": n}
		return getInt(v, "value")
	}
	return 0
}

func parseJSON(name string, data []byte) ([]Cluster, error) {
	// As leniently as everything else in an input is read (bundle.JSONOptions).
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	var top any
	if err := jsonv2.UnmarshalDecode(dec, &top); err != nil {
		return nil, fmt.Errorf("envoyadmin: %s: invalid JSON: %w", name, err)
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, fmt.Errorf("envoyadmin: %s: trailing data after the JSON value", name)
	}
	var statuses []any
	switch t := top.(type) {
	case []any:
		statuses = t
	case obj:
		if l, ok := get(t, "cluster_statuses"); ok {
			if statuses, ok = l.([]any); !ok && l != nil {
				return nil, fmt.Errorf("envoyadmin: %s: cluster_statuses is not an array", name)
			}
		} else if _, ok := t["name"]; ok {
			statuses = []any{t} // a single ClusterStatus
		} else if len(t) != 0 {
			return nil, fmt.Errorf("envoyadmin: %s: JSON object without cluster_statuses", name)
		}
	}
	var b builder
	for i, s := range statuses {
		cs, ok := s.(obj)
		if !ok {
			return nil, fmt.Errorf("envoyadmin: %s: cluster status %d is not an object", name, i)
		}
		cname := getString(cs, "name")
		if cname == "" {
			return nil, fmt.Errorf("envoyadmin: %s: cluster status %d has no name", name, i)
		}
		c := b.cluster(cname)
		if c.EDSServiceName == "" {
			c.EDSServiceName = getString(cs, "eds_service_name")
		}
		if _, ok := get(cs, "success_rate_ejection_threshold"); ok {
			c.OutlierDetection = true
		}
		if _, ok := get(cs, "local_origin_success_rate_ejection_threshold"); ok {
			c.OutlierDetection = true
		}
		for _, t := range getList(getObj(cs, "circuit_breakers"), "thresholds") {
			th, ok := t.(obj)
			if !ok {
				continue
			}
			if p := getString(th, "priority"); p != "" && p != "DEFAULT" && p != "0" {
				continue
			}
			c.MaxConnections = getInt(th, "max_connections")
			c.MaxPendingRequests = getInt(th, "max_pending_requests")
			c.MaxRequests = getInt(th, "max_requests")
			c.MaxRetries = getInt(th, "max_retries")
		}
		for j, hv := range getList(cs, "host_statuses") {
			hs, ok := hv.(obj)
			if !ok {
				return nil, fmt.Errorf("envoyadmin: %s: cluster %s: host status %d is not an object", name, cname, j)
			}
			h, err := jsonHost(hs)
			if err != nil {
				return nil, fmt.Errorf("envoyadmin: %s: cluster %s: host status %d: %v", name, cname, j, err)
			}
			c.Hosts = append(c.Hosts, h)
		}
	}
	return b.clusters, nil
}

func jsonHost(hs obj) (Host, error) {
	var h Host
	addr := getObj(hs, "address")
	switch {
	case getObj(addr, "socket_address") != nil:
		sa := getObj(addr, "socket_address")
		ip := getString(sa, "address")
		if port := getInt(sa, "port_value"); port != 0 {
			h.Address = net.JoinHostPort(ip, strconv.FormatInt(port, 10))
		} else {
			h.Address = ip
		}
	case getObj(addr, "pipe") != nil:
		h.Address = "unix://" + getString(getObj(addr, "pipe"), "path")
	case getObj(addr, "envoy_internal_address") != nil:
		ia := getObj(addr, "envoy_internal_address")
		h.Address = "envoy://" + getString(ia, "server_listener_name") + "/" + getString(ia, "endpoint_id")
	default:
		return h, fmt.Errorf("no address")
	}
	h.Hostname = getString(hs, "hostname")
	hsd := getObj(hs, "health_status")
	h.FailedActiveHC = getBool(hsd, "failed_active_health_check")
	h.FailedOutlierCheck = getBool(hsd, "failed_outlier_check")
	h.DegradedActiveHC = getBool(hsd, "failed_active_degraded_check")
	h.PendingRemoval = getBool(hsd, "pending_dynamic_removal")
	h.PendingActiveHC = getBool(hsd, "pending_active_hc")
	h.ExcludedViaImmediateHCFail = getBool(hsd, "excluded_via_immediate_hc_fail")
	h.ActiveHCTimeout = getBool(hsd, "active_hc_timeout")
	if s := getString(hsd, "eds_health_status"); s != "" {
		applyEDSStatus(&h, s)
	}
	for _, sv := range getList(hs, "stats") {
		st, ok := sv.(obj)
		if !ok {
			continue
		}
		switch getString(st, "name") {
		case "rq_error":
			h.RqError = getInt(st, "value")
		case "rq_total":
			h.RqTotal = getInt(st, "value")
		case "cx_connect_fail":
			h.CxConnectFail = getInt(st, "value")
		}
	}
	return h, nil
}
