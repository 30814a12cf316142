package envoyadmin

import (
	"reflect"
	"strings"
	"testing"
)

// Expected text of Envoy's test/server/admin/clusters_handler_test.cc
// (ClustersJsonAndText), see testdata/envoy_admin_clusters_and_istioctl.md.
const envoyUnitText = `fake_cluster::observability_name::observability_name
fake_cluster::outlier::success_rate_average::0
fake_cluster::outlier::success_rate_ejection_threshold::6
fake_cluster::outlier::local_origin_success_rate_average::0
fake_cluster::outlier::local_origin_success_rate_ejection_threshold::9
fake_cluster::default_priority::max_connections::1
fake_cluster::default_priority::max_pending_requests::1024
fake_cluster::default_priority::max_requests::1024
fake_cluster::default_priority::max_retries::1
fake_cluster::high_priority::max_connections::1
fake_cluster::high_priority::max_pending_requests::1024
fake_cluster::high_priority::max_requests::1024
fake_cluster::high_priority::max_retries::1
fake_cluster::added_via_api::true
fake_cluster::eds_service_name::potato_launcher
fake_cluster::1.2.3.4:80::arest_counter::5
fake_cluster::1.2.3.4:80::atest_gauge::10
fake_cluster::1.2.3.4:80::rest_counter::10
fake_cluster::1.2.3.4:80::test_counter::10
fake_cluster::1.2.3.4:80::test_gauge::11
fake_cluster::1.2.3.4:80::hostname::foo.com
fake_cluster::1.2.3.4:80::health_flags::/failed_active_hc/failed_outlier_check/degraded_active_hc/degraded_eds_health/pending_dynamic_removal/eds_status_draining
fake_cluster::1.2.3.4:80::weight::5
fake_cluster::1.2.3.4:80::region::test_region
fake_cluster::1.2.3.4:80::zone::test_zone
fake_cluster::1.2.3.4:80::sub_zone::test_sub_zone
fake_cluster::1.2.3.4:80::canary::false
fake_cluster::1.2.3.4:80::priority::6
fake_cluster::1.2.3.4:80::success_rate::43.2
fake_cluster::1.2.3.4:80::local_origin_success_rate::93.2
`

const envoyUnitJSON = `{"cluster_statuses":[{"name":"fake_cluster","observability_name":"observability_name","eds_service_name":"potato_launcher",
  "success_rate_ejection_threshold":{"value":6},"local_origin_success_rate_ejection_threshold":{"value":9},
  "added_via_api":true,
  "circuit_breakers":{"thresholds":[{"max_connections":1,"max_pending_requests":1024,"max_requests":1024,"max_retries":1},
                                    {"priority":"HIGH","max_connections":1,"max_pending_requests":1024,"max_requests":1024,"max_retries":1}]},
  "host_statuses":[{"address":{"socket_address":{"protocol":"TCP","address":"1.2.3.4","port_value":80}},
     "stats":[{"name":"arest_counter","value":"5","type":"COUNTER"},{"name":"atest_gauge","value":"10","type":"GAUGE"}],
     "health_status":{"eds_health_status":"DRAINING","failed_active_health_check":true,"failed_outlier_check":true,
                      "failed_active_degraded_check":true,"pending_dynamic_removal":true},
     "success_rate":{"value":43.2},"weight":5,"hostname":"foo.com","priority":6,
     "local_origin_success_rate":{"value":93.2},
     "locality":{"region":"test_region","zone":"test_zone","sub_zone":"test_sub_zone"}}]}]}`

func TestEnvoyUnitText(t *testing.T) {
	got, err := ParseClusters("clusters.txt", strings.NewReader(envoyUnitText))
	if err != nil {
		t.Fatal(err)
	}
	want := []Cluster{{
		Name: "fake_cluster", MaxConnections: 1, MaxPendingRequests: 1024, MaxRequests: 1024, MaxRetries: 1,
		OutlierDetection: true, EDSServiceName: "potato_launcher",
		Hosts: []Host{{Address: "1.2.3.4:80", Hostname: "foo.com", FailedActiveHC: true, FailedOutlierCheck: true,
			DegradedActiveHC: true, DegradedEDSHealth: true, PendingRemoval: true, EDSDraining: true,
			HealthFlags: "/failed_active_hc/failed_outlier_check/degraded_active_hc/degraded_eds_health/pending_dynamic_removal/eds_status_draining"}},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if got[0].Hosts[0].Healthy() {
		t.Error("host must be unhealthy")
	}
}

func TestEnvoyUnitJSON(t *testing.T) {
	got, err := ParseClusters("clusters.json", strings.NewReader(envoyUnitJSON))
	if err != nil {
		t.Fatal(err)
	}
	want := []Cluster{{
		Name: "fake_cluster", MaxConnections: 1, MaxPendingRequests: 1024, MaxRequests: 1024, MaxRetries: 1,
		OutlierDetection: true, EDSServiceName: "potato_launcher",
		Hosts: []Host{{Address: "1.2.3.4:80", Hostname: "foo.com", FailedActiveHC: true, FailedOutlierCheck: true,
			DegradedActiveHC: true, PendingRemoval: true, EDSDraining: true, EDSHealthStatus: "DRAINING"}},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestRealTextLines(t *testing.T) {
	in := `outbound|8000||httpbin.default.svc.cluster.local::observability_name::outbound|8000||httpbin.default.svc.cluster.local
outbound|8000||httpbin.default.svc.cluster.local::default_priority::max_connections::4294967295
outbound|8000||httpbin.default.svc.cluster.local::10.244.1.37:80::cx_connect_fail::3
outbound|8000||httpbin.default.svc.cluster.local::10.244.1.37:80::rq_error::12
outbound|8000||httpbin.default.svc.cluster.local::10.244.1.37:80::rq_total::40
outbound|8000||httpbin.default.svc.cluster.local::10.244.1.37:80::hostname::
outbound|8000||httpbin.default.svc.cluster.local::10.244.1.37:80::health_flags::/failed_outlier_check
outbound|8000||httpbin.default.svc.cluster.local::10.244.1.37:80::zone::
outbound|8000||httpbin.default.svc.cluster.local::10.244.2.19:80::health_flags::healthy
cds_egress_howto-k8s-mtls-sds-based_green_howto-k8s-mtls-sds-based_http_8080::10.100.91.203:8080::health_flags::/failed_active_hc
outbound|9080|v1|reviews.default.svc.cluster.local::[fd00::1]:9080::health_flags::/failed_active_hc/active_hc_timeout
outbound|9080|v1|reviews.default.svc.cluster.local::[fd00::1]:9080::hostname::reviews-v1
inbound|8080||::127.0.0.1:8080::health_flags::/failed_eds_health/pending_active_hc/excluded_via_immediate_hc_fail/some_future_flag
`
	got, err := ParseClusters("gw/clusters", strings.NewReader(strings.ReplaceAll(in, "\n", "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d clusters: %+v", len(got), got)
	}
	hb := got[0]
	if hb.Name != "outbound|8000||httpbin.default.svc.cluster.local" || hb.MaxConnections != 4294967295 || len(hb.Hosts) != 2 {
		t.Fatalf("%+v", hb)
	}
	if h := hb.Hosts[0]; h.Address != "10.244.1.37:80" || !h.FailedOutlierCheck || h.Healthy() || h.RqError != 12 || h.RqTotal != 40 || h.CxConnectFail != 3 {
		t.Errorf("%+v", h)
	}
	if h := hb.Hosts[1]; !h.Healthy() || h.HealthFlags != "healthy" {
		t.Errorf("%+v", h)
	}
	if h := got[1].Hosts[0]; !h.FailedActiveHC || h.Address != "10.100.91.203:8080" {
		t.Errorf("%+v", h)
	}
	if h := got[2].Hosts[0]; h.Address != "[fd00::1]:9080" || !h.FailedActiveHC || !h.ActiveHCTimeout || h.Hostname != "reviews-v1" {
		t.Errorf("%+v", h)
	}
	if c := got[3]; c.Name != "inbound|8080||" || !c.Hosts[0].FailedEDSHealth || !c.Hosts[0].PendingActiveHC || !c.Hosts[0].ExcludedViaImmediateHCFail {
		t.Errorf("%+v", c)
	}
}

// istioctl proxy-config endpoints -o json: protojson camelCase, top-level array.
func TestIstioctlJSON(t *testing.T) {
	in := `[
  {
    "name": "outbound|80||mydb.com",
    "addedViaApi": true,
    "circuitBreakers": {"thresholds": [{"maxConnections": 4294967295, "maxPendingRequests": 4294967295, "maxRequests": 4294967295, "maxRetries": 4294967295}, {"priority": "HIGH", "maxConnections": 1024}]},
    "hostStatuses": [
      {"address": {"socketAddress": {"address": "52.119.226.80", "portValue": 81}},
       "stats": [{"name": "cx_connect_fail", "value": "7"}, {"name": "rq_total"}, {"name": "rq_error", "value": "2"}],
       "healthStatus": {"failedOutlierCheck": true, "edsHealthStatus": "HEALTHY"}, "weight": 1},
      {"address": {"socketAddress": {"address": "52.94.12.144", "portValue": 80}},
       "healthStatus": {"edsHealthStatus": "UNHEALTHY"}},
      {"address": {"envoyInternalAddress": {"serverListenerName": "connect_originate", "endpointId": "10.0.0.1:80"}},
       "healthStatus": {"edsHealthStatus": "HEALTHY"}},
      {"address": {"pipe": {"path": "/var/run/sock"}}, "healthStatus": {"edsHealthStatus": 5}}
    ],
    "successRateEjectionThreshold": {"value": 1.5}
  },
  {"name": "outbound|9080|v1|reviews.default.svc.cluster.local", "edsServiceName": "outbound|9080|v1|reviews.default.svc.cluster.local"}
]`
	got, err := ParseClusters("ep.json", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[1].Hosts) != 0 || got[1].EDSServiceName == "" {
		t.Fatalf("%+v", got)
	}
	c := got[0]
	if c.MaxConnections != 4294967295 || !c.OutlierDetection || len(c.Hosts) != 4 {
		t.Fatalf("%+v", c)
	}
	if h := c.Hosts[0]; h.Address != "52.119.226.80:81" || !h.FailedOutlierCheck || h.EDSHealthStatus != "HEALTHY" || h.CxConnectFail != 7 || h.RqError != 2 || h.Healthy() {
		t.Errorf("%+v", h)
	}
	if h := c.Hosts[1]; !h.FailedEDSHealth || h.Healthy() {
		t.Errorf("%+v", h)
	}
	if h := c.Hosts[2]; h.Address != "envoy://connect_originate/10.0.0.1:80" || !h.Healthy() {
		t.Errorf("%+v", h)
	}
	if h := c.Hosts[3]; h.Address != "unix:///var/run/sock" || !h.DegradedEDSHealth || h.EDSHealthStatus != "DEGRADED" {
		t.Errorf("%+v", h)
	}
}

func TestIstioctlTable(t *testing.T) {
	in := `ENDPOINT                         STATUS      OUTLIER CHECK     CLUSTER
52.119.226.80:81                 HEALTHY     FAILED            outbound|80||mydb.com
52.94.12.144:80                  HEALTHY     OK                outbound|80||mydb.com
10.244.0.9:9080                  UNHEALTHY   OK                outbound|9080||details.default.svc.cluster.local
`
	got, err := ParseClusters("ep.txt", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[0].Hosts) != 2 || !got[0].Hosts[0].FailedOutlierCheck || got[0].Hosts[1].FailedOutlierCheck || !got[1].Hosts[0].FailedEDSHealth {
		t.Fatalf("%+v", got)
	}
	// The UH case: only the header.
	got, err = ParseClusters("ep.txt", strings.NewReader("ENDPOINT     STATUS     OUTLIER CHECK     CLUSTER\n"))
	if err != nil || len(got) != 0 {
		t.Fatalf("%v %+v", err, got)
	}
}

func TestEmptyAndErrors(t *testing.T) {
	for _, in := range []string{"", "  \n\n", "{}", `{"cluster_statuses":[]}`, "[]"} {
		got, err := ParseClusters("x", strings.NewReader(in))
		if err != nil || len(got) != 0 {
			t.Errorf("%q: %v %+v", in, err, got)
		}
	}
	bad := map[string]string{
		"garbage text":       "hello world\n",
		"no stat":            "c::1.2.3.4:80\n",
		"bad health flags":   "c::1.2.3.4:80::health_flags::sick\n",
		"bad counter":        "c::1.2.3.4:80::rq_error::many\n",
		"bad ipv6":           "c::[::1::health_flags::healthy\n",
		"bad json":           `{"cluster_statuses": [`,
		"json wrong type":    `{"cluster_statuses": 3}`,
		"json no name":       `[{"host_statuses": []}]`,
		"json not object":    `[1]`,
		"json other object":  `{"configs": []}`,
		"json trailing":      `[] []`,
		"host no address":    `[{"name":"c","host_statuses":[{"hostname":"x"}]}]`,
		"table short row":    "ENDPOINT STATUS OUTLIER CHECK CLUSTER\n1.2.3.4:80\n",
		"bad priority value": "c::default_priority::max_connections::lots\n",
	}
	for what, in := range bad {
		_, err := ParseClusters("gw-abc/clusters", strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), "gw-abc/clusters") {
			t.Errorf("%s: err = %v, want an error naming the file", what, err)
		}
	}
}
