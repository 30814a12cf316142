package rules

import (
	"fmt"
	"testing"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/analyzers/logscan"
	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/kinds"
	"github.com/nohealthy/nohealthy/load"
)

// benchStore builds a cluster of n Services, each backed by a Deployment
// of 3 pods (every 100th Service broken: pods not ready), through the same
// decoding path as a bundle.
func benchStore(b testing.TB, n int) *kinds.Store {
	s := load.NewObjects()
	add := func(apiVersion, kind, ns, name, raw string) {
		if _, err := s.Add(bundle.Object{APIVersion: apiVersion, Kind: kind, Namespace: ns, Name: name, Raw: []byte(raw)}); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < n; i++ {
		ns := fmt.Sprintf("ns-%d", i%40)
		app := fmt.Sprintf("app-%d", i)
		add("v1", "Service", ns, app, fmt.Sprintf(`{"metadata":{"name":%q,"namespace":%q},"spec":{"selector":{"app":%q},"ports":[{"name":"http","port":80,"targetPort":8080}],"clusterIP":"10.96.%d.%d"}}`, app, ns, app, i/250, i%250))
		add("apps/v1", "Deployment", ns, app, fmt.Sprintf(`{"metadata":{"name":%q,"namespace":%q},"spec":{"replicas":3,"template":{"metadata":{"labels":{"app":%q}}}}}`, app, ns, app))
		ready := "True"
		if i%100 == 0 {
			ready = "False"
		}
		var addrs string
		for j := 0; j < 3; j++ {
			pod := fmt.Sprintf("%s-5d9c7b8f4-%05d", app, j)
			ip := fmt.Sprintf("10.%d.%d.%d", j, i/250, i%250)
			add("v1", "Pod", ns, pod, fmt.Sprintf(`{"metadata":{"name":%q,"namespace":%q,"labels":{"app":%q,"pod-template-hash":"5d9c7b8f4"},"ownerReferences":[{"kind":"ReplicaSet","name":"%s-5d9c7b8f4","controller":true}]},"spec":{"nodeName":"node-%d","containers":[{"name":"app","ports":[{"containerPort":8080}],"readinessProbe":{"httpGet":{"path":"/ready","port":8080}}}]},"status":{"phase":"Running","podIP":%q,"conditions":[{"type":"Ready","status":%q}],"containerStatuses":[{"name":"app","ready":%t,"state":{"running":{}}}]}}`, pod, ns, app, app, j, ip, ready, ready == "True"))
			if j > 0 {
				addrs += ","
			}
			addrs += fmt.Sprintf(`{"addresses":[%q],"conditions":{"ready":%t}}`, ip, ready == "True")
		}
		add("discovery.k8s.io/v1", "EndpointSlice", ns, app+"-abcde", fmt.Sprintf(`{"metadata":{"name":"%s-abcde","namespace":%q,"labels":{"kubernetes.io/service-name":%q}},"endpoints":[%s],"ports":[{"port":8080}]}`, app, ns, app, addrs))
	}
	return s.Store()
}

func benchSymptoms(n int) []*logscan.Symptom {
	var out []*logscan.Symptom
	for i := 0; i < n; i += 100 {
		out = append(out, &logscan.Symptom{Kind: "UH", Count: 100, Format: logscan.FormatEnvoyText,
			Origin:   logscan.Origin{Namespace: "istio-system", Pod: "istio-ingressgateway-7c9d8f6b5-abcde", Container: "istio-proxy"},
			Upstream: fmt.Sprintf("outbound|80||app-%d.ns-%d.svc.cluster.local", i, i%40)})
	}
	return out
}

// BenchmarkEvaluate10kServices measures the built-in pack over the facts of
// 10,000 Services and 30,000 pods (facts built once, outside the loop).
func BenchmarkEvaluate10kServices(b *testing.B) {
	s := benchStore(b, 10000)
	facts := analyzers.BuildFacts(s, analyzers.BuildInput{Symptoms: benchSymptoms(10000),
		Coverage: map[string]string{"Pod": "ok", "Service": "ok", "EndpointSlice": "ok"}})
	p, _ := BuiltinPack()
	e, err := NewEngine([]*Pack{p}, Selection{})
	if err != nil {
		b.Fatal(err)
	}
	snap := &analyzers.Snapshot{Facts: facts}
	b.ReportAllocs()
	b.ResetTimer()
	var r int
	for i := 0; i < b.N; i++ {
		r = len(e.Analyze(snap).RootCauses)
	}
	if r != 100 {
		b.Fatalf("want 100 root causes (one per broken service), got %d", r)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/10000, "µs/service")
}

// BenchmarkBuildFacts10kServices measures deriving the facts themselves.
func BenchmarkBuildFacts10kServices(b *testing.B) {
	s := benchStore(b, 10000)
	syms := benchSymptoms(10000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		analyzers.BuildFacts(s, analyzers.BuildInput{Symptoms: syms, Coverage: map[string]string{"Pod": "ok", "EndpointSlice": "ok"}})
	}
}
