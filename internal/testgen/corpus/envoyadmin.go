package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// EHost is one upstream host in Envoy's /clusters output.
type EHost struct {
	IP          string
	Port        int
	Outlier     bool // failed_outlier_check
	ActiveHC    bool // failed_active_health_check
	RqTotal     int
	RqError     int
	CxTotal     int
	CxFail      int
	Zone        string
	Hostname    string
	SuccessRate float64 // -1 = unknown
}

// ECluster is one cluster in /clusters.
type ECluster struct {
	Name, EDS     string
	Hosts         []EHost
	Outlier       bool // outlier detector installed
	MaxConn       int
	MaxPending    int
	AddedViaAPI   bool
	Observability string
}

const u32max = 4294967295

type ordered []kv
type kv struct {
	K string
	V any
}

func (o ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(p.K)
		v, err := json.Marshal(p.V)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func thr(e ECluster) (int, int) {
	mc, mp := e.MaxConn, e.MaxPending
	if mc == 0 {
		mc = u32max
	}
	if mp == 0 {
		mp = u32max
	}
	return mc, mp
}

// ClustersJSON renders GET /clusters?format=json (proto field order, pretty printed).
func ClustersJSON(cs []ECluster) []byte {
	var statuses []any
	for _, e := range cs {
		mc, mp := thr(e)
		o := ordered{{"name", e.Name}}
		if e.AddedViaAPI {
			o = append(o, kv{"added_via_api", true})
		}
		if e.Outlier {
			o = append(o, kv{"success_rate_ejection_threshold", ordered{{"value", 1.9}}})
		}
		var hs []any
		for _, h := range e.Hosts {
			stats := []any{
				ordered{{"name", "cx_active"}, {"type", "GAUGE"}},
			}
			add := func(name string, v int) {
				if v == 0 {
					stats = append(stats, ordered{{"name", name}})
				} else {
					stats = append(stats, ordered{{"name", name}, {"value", fmt.Sprint(v)}})
				}
			}
			add("cx_connect_fail", h.CxFail)
			add("cx_total", h.CxTotal)
			stats = append(stats, ordered{{"name", "rq_active"}, {"type", "GAUGE"}})
			add("rq_error", h.RqError)
			add("rq_success", h.RqTotal-h.RqError)
			add("rq_timeout", 0)
			add("rq_total", h.RqTotal)
			hsm := ordered{}
			if h.ActiveHC {
				hsm = append(hsm, kv{"failed_active_health_check", true})
			}
			if h.Outlier {
				hsm = append(hsm, kv{"failed_outlier_check", true})
			}
			hsm = append(hsm, kv{"eds_health_status", "HEALTHY"})
			ho := ordered{
				{"address", ordered{{"socket_address", ordered{{"address", h.IP}, {"port_value", h.Port}}}}},
				{"stats", stats},
				{"health_status", hsm},
			}
			if h.SuccessRate >= 0 {
				ho = append(ho, kv{"success_rate", ordered{{"value", h.SuccessRate}}})
			}
			ho = append(ho, kv{"weight", 1})
			if h.Hostname != "" {
				ho = append(ho, kv{"hostname", h.Hostname})
			}
			if h.Zone != "" {
				ho = append(ho, kv{"locality", ordered{{"region", strings.TrimRight(h.Zone, "abc-123")}, {"zone", h.Zone}}})
			}
			hs = append(hs, ho)
		}
		if len(hs) > 0 {
			o = append(o, kv{"host_statuses", hs})
		}
		if e.Outlier {
			o = append(o, kv{"local_origin_success_rate_ejection_threshold", ordered{{"value", 1.9}}})
		}
		o = append(o, kv{"circuit_breakers", ordered{{"thresholds", []any{
			ordered{{"max_connections", mc}, {"max_pending_requests", mp}, {"max_requests", u32max}, {"max_retries", u32max}},
			ordered{{"priority", "HIGH"}, {"max_connections", 1024}, {"max_pending_requests", 1024}, {"max_requests", 1024}, {"max_retries", 3}},
		}}}})
		o = append(o, kv{"observability_name", or(e.Observability, e.Name)})
		if e.EDS != "" {
			o = append(o, kv{"eds_service_name", e.EDS})
		}
		statuses = append(statuses, o)
	}
	b, err := json.MarshalIndent(ordered{{"cluster_statuses", statuses}}, "", " ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

// ClustersText renders GET /clusters (text).
func ClustersText(cs []ECluster) []byte {
	var b strings.Builder
	for _, e := range cs {
		mc, mp := thr(e)
		n := e.Name
		fmt.Fprintf(&b, "%s::observability_name::%s\n", n, or(e.Observability, n))
		if e.Outlier {
			fmt.Fprintf(&b, "%s::outlier::success_rate_average::-1\n%s::outlier::success_rate_ejection_threshold::-1\n", n, n)
			fmt.Fprintf(&b, "%s::outlier::local_origin_success_rate_average::-1\n%s::outlier::local_origin_success_rate_ejection_threshold::-1\n", n, n)
		}
		fmt.Fprintf(&b, "%s::default_priority::max_connections::%d\n%s::default_priority::max_pending_requests::%d\n", n, mc, n, mp)
		fmt.Fprintf(&b, "%s::default_priority::max_requests::%d\n%s::default_priority::max_retries::%d\n", n, u32max, n, u32max)
		fmt.Fprintf(&b, "%s::high_priority::max_connections::1024\n%s::high_priority::max_pending_requests::1024\n", n, n)
		fmt.Fprintf(&b, "%s::high_priority::max_requests::1024\n%s::high_priority::max_retries::3\n", n, n)
		fmt.Fprintf(&b, "%s::added_via_api::%v\n", n, e.AddedViaAPI)
		if e.EDS != "" {
			fmt.Fprintf(&b, "%s::eds_service_name::%s\n", n, e.EDS)
		}
		for _, h := range e.Hosts {
			a := fmt.Sprintf("%s::%s:%d::", n, h.IP, h.Port)
			for _, s := range []struct {
				k string
				v int
			}{{"cx_active", 0}, {"cx_connect_fail", h.CxFail}, {"cx_total", h.CxTotal}, {"rq_active", 0}, {"rq_error", h.RqError},
				{"rq_success", h.RqTotal - h.RqError}, {"rq_timeout", 0}, {"rq_total", h.RqTotal}} {
				fmt.Fprintf(&b, "%s%s::%d\n", a, s.k, s.v)
			}
			fmt.Fprintf(&b, "%shostname::%s\n", a, h.Hostname)
			flags := ""
			if h.ActiveHC {
				flags += "/failed_active_hc"
			}
			if h.Outlier {
				flags += "/failed_outlier_check"
			}
			if flags == "" {
				flags = "healthy"
			}
			fmt.Fprintf(&b, "%shealth_flags::%s\n%sweight::1\n%sregion::\n%szone::%s\n%ssub_zone::\n%scanary::false\n%spriority::0\n", a, flags, a, a, a, h.Zone, a, a, a)
			fmt.Fprintf(&b, "%ssuccess_rate::%g\n%slocal_origin_success_rate::-1\n", a, h.SuccessRate, a)
		}
	}
	return []byte(b.String())
}
