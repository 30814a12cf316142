package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Rec is one proxied request, rendered by the format of the proxy that saw it.
type Rec struct {
	T                                    time.Time
	Method, Path, Proto                  string
	Code                                 int
	Flags, Details, TermDetails, TFR     string
	BytesRecv, BytesSent, Dur            int
	UST                                  string
	XFF, UA, ReqID, Authority, UpHost    string
	Cluster, UpLocal, DownLocal, DownRem string
	SNI, RouteName                       string
	Tries                                int      // nginx: upstream attempts
	UpHosts                              []string // nginx: the peers tried, in order
}

// Outcome is how a request ended.
type Outcome struct {
	Code       int
	Flags      string
	Details    string
	TFR        string
	BytesSent  int
	Dur        int
	NoUpstream bool // no host was picked: upstream host/local "-"
	NoCluster  bool // no cluster: cluster "-"
	UST        bool // has upstream service time
}

// Outcome presets, with the exact details strings of the Envoy generation
// that prints them.
var (
	UH  = Outcome{Code: 503, Flags: "UH", Details: "no_healthy_upstream", BytesSent: 19, NoUpstream: true}
	NC  = Outcome{Code: 503, Flags: "NC", Details: "cluster_not_found", NoUpstream: true, NoCluster: true}
	NR  = Outcome{Code: 404, Flags: "NR", Details: "route_not_found", NoUpstream: true, NoCluster: true}
	UO  = Outcome{Code: 503, Flags: "UO", Details: "upstream_reset_before_response_started{overflow}", BytesSent: 81, NoUpstream: true}
	UC  = Outcome{Code: 503, Flags: "UC", Details: "upstream_reset_before_response_started{connection_termination}", BytesSent: 95, Dur: 1}
	UF  = Outcome{Code: 503, Flags: "UF,URX", Details: "upstream_reset_before_response_started{remote_connection_failure,delayed_connect_error:_111}", TFR: "delayed_connect_error:_111", BytesSent: 190, Dur: 2}
	UFT = Outcome{Code: 503, Flags: "UF,URX", Details: "upstream_reset_before_response_started{remote_connection_failure,delayed_connect_error:_110}", TFR: "delayed_connect_error:_110", BytesSent: 190, Dur: 30021}
	E5  = Outcome{Code: 503, Flags: "-", Details: "via_upstream", BytesSent: 57, Dur: 4, UST: true}
	E5R = Outcome{Code: 503, Flags: "URX", Details: "via_upstream", BytesSent: 57, Dur: 41, UST: true}
	UT  = Outcome{Code: 504, Flags: "UT", Details: "response_timeout", BytesSent: 24, Dur: 15001}
)

// Flow is one kind of request a proxy sees.
type Flow struct {
	Authority string
	Paths     []string // "GET /x" or "/x"
	Cluster   string   // Envoy cluster / nginx upstream name / HAProxy backend
	Hosts     []string // upstream ip:port
	Weight    int
	// Fail decides the outcome of request i at t; nil = success.
	Fail func(t time.Time, i int) *Outcome
	// Status of successful responses (default 200).
	OKCodes []int
	// Service address for sidecar outbound lines (clusterIP:port).
	SvcAddr string
	// Route is the ROUTE_NAME of the flow's lines (default: the vantage's).
	Route string
}

// FailAfter fails every request from t0 on with o.
func FailAfter(t0 time.Time, o Outcome) func(time.Time, int) *Outcome {
	return func(t time.Time, i int) *Outcome {
		if t.Before(t0) {
			return nil
		}
		x := o
		return &x
	}
}

// Vantage is where the log is written.
type Vantage struct {
	IP       string   // proxy pod IP
	Listen   int      // gateway listener port (8080) — 0 for sidecar outbound
	Clients  []string // downstream peer IPs (gateway: node IPs; sidecar: own pod IP)
	External bool     // requests come from the internet (XFF set)
	Route    string   // ROUTE_NAME for success lines
}

var userAgents = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Safari/605.1.15",
	"okhttp/4.12.0",
	"python-requests/2.31.0",
	"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
	"Dalvik/2.1.0 (Linux; U; Android 14; Pixel 7 Build/AP1A.240405.002)",
}

var publicIPs = []string{"81.2.69.142", "93.184.216.34", "185.199.108.13", "151.101.65.69", "62.210.18.40", "78.46.92.117", "212.58.244.22", "46.101.51.208", "109.74.196.225", "5.9.144.20"}

// Traffic generates n requests between start and end over the flows.
func (c *Case) Traffic(v Vantage, start, end time.Time, n int, flows ...Flow) []Rec {
	r := newRand(c.Name + v.IP + start.String() + fmt.Sprint(n))
	total := 0
	for i := range flows {
		if flows[i].Weight == 0 {
			flows[i].Weight = 1
		}
		total += flows[i].Weight
	}
	var out []Rec
	span := end.Sub(start)
	for i := 0; i < n; i++ {
		t := start.Add(time.Duration(int64(span) / int64(n) * int64(i))).Add(time.Duration(r.N(int(span/time.Duration(n)/time.Millisecond)+1)) * time.Millisecond)
		w := r.N(total)
		var f *Flow
		for j := range flows {
			if w < flows[j].Weight {
				f = &flows[j]
				break
			}
			w -= flows[j].Weight
		}
		p := f.Paths[r.N(len(f.Paths))]
		method := "GET"
		if sp := strings.SplitN(p, " ", 2); len(sp) == 2 {
			method, p = sp[0], sp[1]
		}
		rec := Rec{T: t, Method: method, Path: p, Proto: "HTTP/1.1", Authority: f.Authority, Cluster: f.Cluster,
			ReqID: r.UUID(), UA: userAgents[r.N(len(userAgents))], SNI: "-", RouteName: or(f.Route, or(v.Route, "-")), TermDetails: "-", TFR: "-", Tries: 1}
		if r.N(4) == 0 && v.External {
			rec.Proto = "HTTP/2"
		}
		client := v.Clients[r.N(len(v.Clients))]
		if v.Listen != 0 {
			rec.DownLocal = fmt.Sprintf("%s:%d", v.IP, v.Listen)
			rec.DownRem = fmt.Sprintf("%s:%d", client, 1024+r.N(64000))
		} else {
			rec.DownLocal = or(f.SvcAddr, "-")
			rec.DownRem = fmt.Sprintf("%s:%d", client, 32768+r.N(28000))
		}
		if v.External {
			// behind a LoadBalancer Service with externalTrafficPolicy Cluster the
			// proxy sees the SNAT'd node address and puts it in XFF.
			rec.XFF = client
		} else {
			rec.XFF = "-"
			rec.UA = r.Pick("Go-http-client/1.1", "okhttp/4.12.0", "python-requests/2.31.0", "axios/1.6.8")
		}
		if method != "GET" {
			rec.BytesRecv = 60 + r.N(900)
		}
		var o *Outcome
		if f.Fail != nil {
			o = f.Fail(t, i)
		}
		if o == nil {
			rec.Code = 200
			if len(f.OKCodes) > 0 {
				rec.Code = f.OKCodes[r.N(len(f.OKCodes))]
			}
			rec.Flags, rec.Details = "-", "via_upstream"
			rec.BytesSent = 200 + r.N(9000)
			if rec.Code == 304 || rec.Code == 204 {
				rec.BytesSent = 0
			}
			rec.Dur = 2 + r.N(60)
			rec.UST = strconv.Itoa(rec.Dur - 1 - r.N(2))
			rec.UpHost = f.Hosts[r.N(len(f.Hosts))]
			rec.UpLocal = fmt.Sprintf("%s:%d", v.IP, 32768+r.N(28000))
		} else {
			rec.Code, rec.Flags, rec.Details, rec.BytesSent = o.Code, o.Flags, o.Details, o.BytesSent
			if o.TFR != "" {
				rec.TFR = o.TFR
			}
			rec.Dur = o.Dur
			if o.Dur > 100 {
				rec.Dur = o.Dur + r.N(40)
			}
			rec.UST = "-"
			if o.UST {
				rec.UST = strconv.Itoa(rec.Dur - 1)
				rec.Dur += r.N(3)
			}
			if o.NoUpstream {
				rec.UpHost, rec.UpLocal = "-", "-"
			} else {
				rec.UpHost = f.Hosts[r.N(len(f.Hosts))]
				rec.UpLocal = fmt.Sprintf("%s:%d", v.IP, 32768+r.N(28000))
			}
			if o.NoCluster {
				rec.Cluster = "-"
			}
			if o.Code >= 500 {
				rec.RouteName = or(f.Route, or(v.Route, "-"))
			}
			if strings.Contains(o.Flags, "URX") || strings.Contains(o.Flags, "UF") {
				rec.Tries = 3
			}
		}
		out = append(out, rec)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].T.Before(out[j].T) })
	return out
}

func envoyTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// IstioFormat is an Istio access-log generation.
type IstioFormat int

const (
	F13   IstioFormat = iota // 1.3–1.7: quoted mixer status after the flags, 21 fields
	F18                      // 1.8: 20 fields
	F19                      // 1.9+: details + termination details, 22 fields
	JS14                     // 1.4 JSON, string values
	JSON                     // 1.9+ JSON, typed values (numbers, null)
	JS124                    // 1.24 JSON, typed, upstream_cluster with the alt_stat_name ';'
)

// Istio renders records in an Istio access-log format.
func Istio(f IstioFormat, recs []Rec) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.istio(f))
	}
	return out
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (r Rec) istio(f IstioFormat) string {
	head := fmt.Sprintf("[%s] \"%s %s %s\" %d %s", envoyTime(r.T), r.Method, r.Path, r.Proto, r.Code, r.Flags)
	tail := fmt.Sprintf("%d %d %d %s \"%s\" \"%s\" \"%s\" \"%s\" \"%s\" %s %s %s %s %s %s",
		r.BytesRecv, r.BytesSent, r.Dur, dash(r.UST), dash(r.XFF), r.UA, r.ReqID, r.Authority, dash(r.UpHost),
		dash(r.Cluster), dash(r.UpLocal), dash(r.DownLocal), dash(r.DownRem), dash(r.SNI), dash(r.RouteName))
	switch f {
	case F13:
		return fmt.Sprintf("%s \"-\" \"%s\" %s", head, dash(r.TFR), tail)
	case F18:
		return fmt.Sprintf("%s \"%s\" %s", head, dash(r.TFR), tail)
	case F19:
		return fmt.Sprintf("%s %s %s \"%s\" %s", head, r.Details, dash(r.TermDetails), dash(r.TFR), tail)
	case JS14:
		kv := [][2]string{{"bytes_sent", fmt.Sprint(r.BytesSent)}, {"upstream_cluster", dash(r.Cluster)}, {"downstream_remote_address", r.DownRem},
			{"authority", r.Authority}, {"path", r.Path}, {"protocol", r.Proto}, {"upstream_service_time", dash(r.UST)},
			{"upstream_local_address", dash(r.UpLocal)}, {"duration", fmt.Sprint(r.Dur)}, {"downstream_local_address", r.DownLocal},
			{"upstream_transport_failure_reason", dash(r.TFR)}, {"route_name", dash(r.RouteName)}, {"response_code", fmt.Sprint(r.Code)},
			{"user_agent", r.UA}, {"response_flags", r.Flags}, {"start_time", envoyTime(r.T)}, {"method", r.Method},
			{"request_id", r.ReqID}, {"upstream_host", dash(r.UpHost)}, {"x_forwarded_for", dash(r.XFF)},
			{"requested_server_name", dash(r.SNI)}, {"bytes_received", fmt.Sprint(r.BytesRecv)}, {"istio_policy_status", "-"}}
		var b strings.Builder
		b.WriteString("{")
		for i, p := range kv {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%s:%s", strconv.Quote(p[0]), strconv.Quote(p[1]))
		}
		b.WriteString("}")
		return b.String()
	case JSON, JS124:
		str := func(s string) string {
			if s == "" || s == "-" {
				return "null"
			}
			return strconv.Quote(s)
		}
		cl := r.Cluster
		if f == JS124 && cl != "-" && cl != "" {
			cl += ";"
		}
		kv := [][2]string{{"start_time", str(envoyTime(r.T))}, {"route_name", str(r.RouteName)}, {"method", str(r.Method)},
			{"path", str(r.Path)}, {"protocol", str(r.Proto)}, {"response_code", fmt.Sprint(r.Code)}, {"response_flags", strconv.Quote(r.Flags)},
			{"response_code_details", str(r.Details)}, {"connection_termination_details", str(r.TermDetails)},
			{"bytes_received", fmt.Sprint(r.BytesRecv)}, {"bytes_sent", fmt.Sprint(r.BytesSent)}, {"duration", fmt.Sprint(r.Dur)},
			{"upstream_service_time", str(r.UST)}, {"x_forwarded_for", str(r.XFF)}, {"user_agent", str(r.UA)},
			{"request_id", str(r.ReqID)}, {"authority", str(r.Authority)}, {"upstream_host", str(r.UpHost)},
			{"upstream_cluster", str(cl)}, {"upstream_local_address", str(r.UpLocal)}, {"downstream_local_address", str(r.DownLocal)},
			{"downstream_remote_address", str(r.DownRem)}, {"requested_server_name", str(r.SNI)},
			{"upstream_transport_failure_reason", str(r.TFR)}}
		var b strings.Builder
		b.WriteString("{")
		for i, p := range kv {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%q:%s", p[0], p[1])
		}
		b.WriteString("}")
		return b.String()
	}
	return ""
}

// EnvoyDefault renders Envoy's own default access-log format (no Istio).
func EnvoyDefault(recs []Rec) []string {
	var out []string
	for _, r := range recs {
		out = append(out, fmt.Sprintf("[%s] \"%s %s %s\" %d %s %d %d %d %s \"%s\" \"%s\" \"%s\" \"%s\" \"%s\"",
			envoyTime(r.T), r.Method, r.Path, r.Proto, r.Code, r.Flags, r.BytesRecv, r.BytesSent, r.Dur, dash(r.UST),
			dash(r.XFF), r.UA, r.ReqID, r.Authority, dash(r.UpHost)))
	}
	return out
}

// TLine is a log line with its time, for merging several sources into one file.
type TLine struct {
	T time.Time
	S string
}

// Merge sorts timed lines into one log.
func Merge(parts ...[]TLine) []string {
	var all []TLine
	for _, p := range parts {
		all = append(all, p...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].T.Before(all[j].T) })
	var out []string
	for _, l := range all {
		out = append(out, l.S)
	}
	return out
}

// Timed pairs records with their rendered lines.
func Timed(recs []Rec, lines []string) []TLine {
	var out []TLine
	for i := range recs {
		out = append(out, TLine{recs[i].T, lines[i]})
	}
	return out
}

// ---- nginx / ingress-nginx ----

func nginxLocal(t time.Time) string   { return t.UTC().Format("02/Jan/2006:15:04:05 -0700") }
func nginxErrTime(t time.Time) string { return t.UTC().Format("2006/01/02 15:04:05") }

// IngressNginxAccess renders ingress-nginx's default log-format-upstream.
// Records with Code 503 and no upstream host are answered by the controller itself.
func IngressNginxAccess(seed string, recs []Rec) []string {
	r := newRand(seed)
	var out []string
	for _, x := range recs {
		client := strings.Split(x.XFF, ",")[0]
		if client == "-" || client == "" {
			client = strings.Split(x.DownRem, ":")[0]
		}
		reqLen := 300 + r.N(300) + x.BytesRecv
		rt := float64(x.Dur) / 1000
		up := "[" + x.Cluster + "] []"
		var tail string
		switch {
		case x.UpHost == "-" || x.UpHost == "":
			tail = "- - - -"
		case x.Tries > 1:
			hs := make([]string, x.Tries)
			ls := make([]string, x.Tries)
			ts := make([]string, x.Tries)
			ss := make([]string, x.Tries)
			for i := range hs {
				hs[i] = x.UpHost
				if len(x.UpHosts) == x.Tries {
					hs[i] = x.UpHosts[i]
				}
				ls[i] = "0"
				ts[i] = fmt.Sprintf("%.3f", float64(r.N(2))/1000)
				ss[i] = fmt.Sprint(x.Code)
			}
			tail = strings.Join(hs, ", ") + " " + strings.Join(ls, ", ") + " " + strings.Join(ts, ", ") + " " + strings.Join(ss, ", ")
		default:
			tail = fmt.Sprintf("%s %d %.3f %d", x.UpHost, x.BytesSent, rt, x.Code)
		}
		out = append(out, fmt.Sprintf("%s - - [%s] \"%s %s %s\" %d %d \"-\" \"%s\" %d %.3f %s %s %s",
			client, nginxLocal(x.T), x.Method, x.Path, x.Proto, x.Code, x.BytesSent, x.UA, reqLen, rt, up, tail, hexid(x.ReqID, 32)))
	}
	return out
}

// NginxErr renders one nginx error-log line.
func NginxErr(t time.Time, pid, conn int, msg string, ctx ...string) string {
	s := fmt.Sprintf("%s [error] %d#%d: *%d %s", nginxErrTime(t), pid, pid, conn, msg)
	if len(ctx) > 0 {
		s += ", " + strings.Join(ctx, ", ")
	}
	return s
}

// Klog renders a klog line (ingress-nginx controller, kube components).
func Klog(t time.Time, level byte, pid int, file string, msg string) string {
	t = t.UTC()
	return fmt.Sprintf("%c%s %s %7d %s] %s", level, t.Format("0102"), t.Format("15:04:05.000000"), pid, file, msg)
}

// ---- HAProxy ----

// HAProxyHTTP renders `option httplog` lines as `log stdout format raw` prints them.
func HAProxyHTTP(seed, frontend string, recs []Rec) []string {
	r := newRand(seed)
	var out []string
	act := 3
	for _, x := range recs {
		client := strings.Split(x.XFF, ",")[0]
		if client == "-" {
			client = strings.Split(x.DownRem, ":")[0]
		}
		date := x.T.UTC().Format("02/Jan/2006:15:04:05.000")
		var srv, timers, state string
		bytes := x.BytesSent
		switch {
		case x.UpHost == "-":
			srv = "<NOSRV>"
			timers = fmt.Sprintf("%d/-1/-1/-1/%d", r.N(2), r.N(2))
			state = "SC--"
			bytes = 217
		case x.Flags == "SH":
			// the server closed the connection before its response headers
			srv = x.UpHost
			tc := r.N(2)
			timers = fmt.Sprintf("0/0/%d/-1/%d", tc, x.Dur+tc)
			state = "SH--"
			bytes = 209
		default:
			srv = x.UpHost
			tc := r.N(2)
			timers = fmt.Sprintf("0/0/%d/%d/%d", tc, x.Dur-1, x.Dur+tc)
			state = "----"
		}
		act = 1 + r.N(6)
		out = append(out, fmt.Sprintf("%s:%d [%s] %s %s/%s %s %d %d - - %s %d/%d/%d/%d/0 0/0 \"%s %s %s\"",
			client, 1024+r.N(64000), date, frontend, x.Cluster, srv, timers, x.Code, bytes, state, act, act, act-1+r.N(2), r.N(2), x.Method, x.Path, "HTTP/1.1"))
	}
	return out
}

// ---- ztunnel ----

// ZEvent is one ztunnel access record.
type ZEvent struct {
	T                                      time.Time
	Level, Msg                             string
	SrcAddr, SrcWorkload, SrcNS, SrcSA     string
	DstAddr, DstHbone, DstSvc, DstWorkload string
	DstNS, DstSA, Direction                string
	Sent, Recv, DurMS                      int
	Err                                    string
}

// Ztunnel renders ztunnel's tab-separated IstioFormat.
func Ztunnel(evs []ZEvent) []string {
	var out []string
	for _, e := range evs {
		var f []string
		f = append(f, "src.addr="+e.SrcAddr)
		if e.Msg == "connection failed" {
			f = append(f, "dst.addr="+e.DstAddr, fmt.Sprintf("direction=%q", e.Direction), fmt.Sprintf("error=%q", e.Err))
		} else {
			if e.SrcWorkload != "" {
				f = append(f, fmt.Sprintf("src.workload=%q", e.SrcWorkload), fmt.Sprintf("src.namespace=%q", e.SrcNS),
					fmt.Sprintf("src.identity=%q", "spiffe://cluster.local/ns/"+e.SrcNS+"/sa/"+e.SrcSA))
			}
			f = append(f, "dst.addr="+e.DstAddr)
			if e.DstHbone != "" {
				f = append(f, "dst.hbone_addr="+e.DstHbone)
			}
			if e.DstSvc != "" {
				f = append(f, fmt.Sprintf("dst.service=%q", e.DstSvc))
			}
			if e.DstWorkload != "" {
				f = append(f, fmt.Sprintf("dst.workload=%q", e.DstWorkload), fmt.Sprintf("dst.namespace=%q", e.DstNS),
					fmt.Sprintf("dst.identity=%q", "spiffe://cluster.local/ns/"+e.DstNS+"/sa/"+e.DstSA))
			}
			f = append(f, fmt.Sprintf("direction=%q", e.Direction), fmt.Sprintf("bytes_sent=%d", e.Sent), fmt.Sprintf("bytes_recv=%d", e.Recv),
				fmt.Sprintf("duration=\"%dms\"", e.DurMS))
			if e.Err != "" {
				f = append(f, fmt.Sprintf("error=%q", e.Err))
			}
		}
		t := e.T.Add(time.Duration(hashN(e.SrcAddr)%1000) * time.Microsecond)
		out = append(out, fmt.Sprintf("%s\t%s\taccess\t%s\t%s", t.UTC().Format("2006-01-02T15:04:05.000000Z"), e.Level, e.Msg, strings.Join(f, " ")))
	}
	return out
}

// IstioLog renders an istio (pilot-agent/istiod) component log line.
func IstioLog(t time.Time, level, scope, msg string) string {
	if msg == "" {
		return fmt.Sprintf("%s\t%s\t%s", t.UTC().Format("2006-01-02T15:04:05.000000Z"), level, scope)
	}
	return fmt.Sprintf("%s\t%s\t%s\t%s", t.UTC().Format("2006-01-02T15:04:05.000000Z"), level, scope, msg)
}

// AgentStartup is the usual pilot-agent/envoy startup of a proxy.
func AgentStartup(t time.Time, version, podIP string, gateway bool) []string {
	kind := "sidecar"
	if gateway {
		kind = "router"
	}
	return []string{
		IstioLog(t, "info", "FLAG", "--concurrency=\"2\""),
		IstioLog(t.Add(2*time.Millisecond), "info", "Version", fmt.Sprintf("%s-%s-Clean", version, hexid("istio"+version, 40))),
		IstioLog(t.Add(5*time.Millisecond), "info", "Proxy role", fmt.Sprintf("ips=[%s] type=%s", podIP, kind)),
		IstioLog(t.Add(180*time.Millisecond), "info", "xdsproxy", "Initializing with upstream address \"istiod.istio-system.svc:15012\" and cluster \"Kubernetes\""),
		IstioLog(t.Add(310*time.Millisecond), "info", "sds", "Starting SDS grpc server"),
		IstioLog(t.Add(420*time.Millisecond), "info", "starting Http service at 127.0.0.1:15004", ""),
		IstioLog(t.Add(900*time.Millisecond), "info", "xdsproxy", "connected to delta upstream XDS server: istiod.istio-system.svc:15012"),
		IstioLog(t.Add(1150*time.Millisecond), "info", "ads", "ADS: new connection for node:1"),
		IstioLog(t.Add(1300*time.Millisecond), "info", "cache", "generated new workload certificate"),
		IstioLog(t.Add(2100*time.Millisecond), "info", "Readiness succeeded in 2.1s", ""),
		IstioLog(t.Add(2101*time.Millisecond), "info", "Envoy proxy is ready", ""),
	}
}
