package collect

import (
	"encoding/json"
	"testing"
)

const benchPodJSON = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"svc-0001-7d9f8b6c5-00003","namespace":"bench-01","uid":"0b7c1f0e-5b0e-4c7a-9a53-6f1d1f7f2b11","resourceVersion":"123456","creationTimestamp":"2025-01-01T00:00:00Z","labels":{"app":"svc-0001","version":"v1","pod-template-hash":"7d9f8b6c5"},"annotations":{"prometheus.io/scrape":"true","prometheus.io/port":"9090"}},"spec":{"nodeName":"bench-node-01","containers":[{"name":"svc-0001","image":"example.com/svc-0001:1.4.2","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"},{"name":"metrics","containerPort":9090,"protocol":"TCP"}],"env":[{"name":"LOG_LEVEL","value":"info"},{"name":"PORT","value":"8080"},{"name":"POD_NAME","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}}],"readinessProbe":{"httpGet":{"path":"/ready","port":"http","scheme":"HTTP"},"periodSeconds":10,"timeoutSeconds":1,"successThreshold":1,"failureThreshold":3},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","schedulerName":"default-scheduler","enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"},"status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True","lastTransitionTime":"2025-01-01T00:00:00Z"},{"type":"Ready","status":"True","lastTransitionTime":"2025-01-01T00:00:00Z"}],"hostIP":"127.0.0.1","podIP":"10.244.1.3","startTime":"2025-01-01T00:00:00Z","containerStatuses":[{"name":"svc-0001","ready":true,"restartCount":0,"image":"example.com/svc-0001:1.4.2","imageID":"","started":true,"state":{"running":{"startedAt":"2025-01-01T00:00:00Z"}}}]}}`

func BenchmarkRedactPod(b *testing.B) {
	r := DefaultRedactor()
	b.ReportAllocs()
	for b.Loop() {
		var v map[string]any
		json.Unmarshal([]byte(benchPodJSON), &v)
		r.Object(v)
	}
}

func BenchmarkDecodeOnlyPod(b *testing.B) {
	for b.Loop() {
		var v map[string]any
		json.Unmarshal([]byte(benchPodJSON), &v)
	}
}
