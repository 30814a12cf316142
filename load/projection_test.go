package load

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/kinds"
)

// A pod with every field a projection skips set, so the test below sees
// those bytes skipped and everything else read as before.
const fullPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","generateName":"web-","namespace":"shop","uid":"u1","resourceVersion":"5",
 "labels":{"app":"web"},"annotations":{"sidecar.istio.io/status":"{\"containers\":[\"istio-proxy\"]}"},"finalizers":["x"],
 "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-abc","uid":"r1","controller":true}],
 "managedFields":[{"manager":"kubelet","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:status":{}}}]},
 "spec":{"volumes":[{"name":"v","emptyDir":{}}],"nodeName":"n1","nodeSelector":{"disk":"ssd"},"tolerations":[{"key":"k","operator":"Exists"}],
  "affinity":{"nodeAffinity":{}},"securityContext":{"runAsUser":1},"imagePullSecrets":[{"name":"p"}],"overhead":{"cpu":"1"},
  "topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"zone","whenUnsatisfiable":"DoNotSchedule"}],"priority":5,
  "initContainers":[{"name":"istio-init","image":"proxyv2","args":["istio-iptables"],"env":[{"name":"A","value":"1"}]}],
  "containers":[{"name":"app","image":"web:1","command":["/web"],"args":["--port=8080"],"ports":[{"containerPort":8080,"name":"http"}],
    "env":[{"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],"envFrom":[{"configMapRef":{"name":"c"}}],
    "resources":{"limits":{"memory":"512Mi"},"requests":{"cpu":"100m"}},"volumeMounts":[{"name":"v","mountPath":"/v"}],
    "readinessProbe":{"httpGet":{"path":"/ready","port":8080},"periodSeconds":10},"livenessProbe":{"tcpSocket":{"port":8080}},
    "startupProbe":{"exec":{"command":["true"]}},"lifecycle":{"preStop":{"exec":{"command":["sleep","5"]}}},"securityContext":{"privileged":false}}]},
 "status":{"phase":"Running","podIP":"10.0.0.1","podIPs":[{"ip":"10.0.0.1"}],"hostIPs":[{"ip":"10.1.0.1"}],
  "conditions":[{"type":"Ready","status":"False","reason":"ContainersNotReady"}],
  "containerStatuses":[{"name":"app","ready":false,"restartCount":3,"imageID":"sha","containerID":"c://1","state":{"waiting":{"reason":"CrashLoopBackOff"}},
    "lastState":{"terminated":{"exitCode":1,"reason":"Error"}}}]}}`

const fullReplicaSet = `{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-abc","namespace":"shop",
 "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"kind\":\"Deployment\"}","deployment.kubernetes.io/revision":"3","team":"web"},
 "managedFields":[{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"apps/v1","time":"2025-03-01T09:58:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}},
  {"manager":"kube-controller-manager","operation":"Update","apiVersion":"apps/v1","time":"2025-03-01T09:59:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:status":{}},"subresource":"status"}],
 "ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"d1","controller":true}]},
 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web","version":"v1"}},
  "spec":{"containers":[{"name":"app","image":"web:1","env":[{"name":"A","value":"1"}]}],"volumes":[{"name":"v","emptyDir":{}}]}}},
 "status":{"replicas":2,"readyReplicas":1,"availableReplicas":1}}`

const fullNode = `{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","labels":{"zone":"a"},"annotations":{"a":"b"}},
 "spec":{"taints":[{"key":"node.kubernetes.io/unreachable","effect":"NoSchedule"}]},
 "status":{"conditions":[{"type":"Ready","status":"Unknown"}],"images":[{"names":["a:1","a@sha256:x"],"sizeBytes":5}],
  "volumesInUse":["v"],"volumesAttached":[{"name":"v","devicePath":"/d"}],"capacity":{"cpu":"4"},"addresses":[{"type":"InternalIP","address":"10.1.0.1"}]}}`

// bothWays decodes o in full (then slims it) and as the loader does,
// through its kind's projection.
func bothWays(k *kinds.Kind, o bundle.Object) (full, proj any, err error) {
	full = k.New()
	err1 := unmarshal(o.Raw, full)
	if err1 == nil {
		keepWriters(k, full)
		slimObject(full)
	}
	proj, _, err2 := decode(k, o)
	if err1 != nil || err2 != nil {
		return nil, nil, fmt.Errorf("full: %v, projected: %v", err1, err2)
	}
	return full, proj, nil
}

// TestProjectionsDecodeLikeSlim: for every Pod, Node and workload of the
// corpus, and for objects with every skipped field set, decoding through
// the projection gives exactly what decoding in full and slimming gives.
func TestProjectionsDecodeLikeSlim(t *testing.T) {
	objs := []bundle.Object{
		{APIVersion: "v1", Kind: "Pod", Raw: []byte(fullPod)},
		{APIVersion: "apps/v1", Kind: "ReplicaSet", Raw: []byte(fullReplicaSet)},
		{APIVersion: "apps/v1", Kind: "Deployment", Raw: []byte(strings.Replace(fullReplicaSet, `"ReplicaSet"`, `"Deployment"`, 1))},
		{APIVersion: "apps/v1", Kind: "StatefulSet", Raw: []byte(strings.Replace(fullReplicaSet, `"ReplicaSet"`, `"StatefulSet"`, 1))},
		{APIVersion: "apps/v1", Kind: "DaemonSet", Raw: []byte(strings.Replace(fullReplicaSet, `"ReplicaSet"`, `"DaemonSet"`, 1))},
		{APIVersion: "v1", Kind: "Node", Raw: []byte(fullNode)},
	}
	cases, _ := filepath.Glob(filepath.Join("..", "testdata", "bundles", "*", "bundle"))
	if len(cases) == 0 {
		t.Fatal("no corpus cases found")
	}
	projected := map[string]*kinds.Kind{}
	for _, k := range kinds.All() {
		if k.Decode == kinds.Projected {
			projected[k.Kind] = k
		}
	}
	for _, c := range cases {
		err := bundle.Walk(c, bundle.Limits{}, func(string, error) {}, func(e *bundle.Entry) error {
			if e.Type != bundle.EntryObjects {
				return nil
			}
			return bundle.DecodeObjects(e.Path, e.Body, bundle.Limits{}, func(o bundle.Object) error {
				if projected[o.Kind] != nil {
					o.Raw = append([]byte(nil), o.Raw...)
					objs = append(objs, o)
				}
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	seen, diffs := map[string]int{}, 0
	for _, o := range objs {
		seen[o.Kind]++
		full, proj, err := bothWays(projected[o.Kind], o)
		if err != nil {
			t.Fatalf("%s %s: %v", o.Kind, o.Name, err)
		}
		if !reflect.DeepEqual(full, proj) {
			if diffs++; diffs == 1 {
				t.Errorf("%s %s/%s: projected decode differs from full decode + slim:\nfull %+v\nproj %+v", o.Kind, o.Namespace, o.Name, full, proj)
			} else if diffs <= 5 {
				t.Errorf("%s %s/%s: projected decode differs too", o.Kind, o.Namespace, o.Name)
			}
		}
	}
	for k := range projected {
		if seen[k] == 0 {
			t.Errorf("no %s checked", k)
		}
	}
	t.Logf("checked %v", seen)
	// A ReplicaSet keeps its revision, and only it; a Deployment who wrote
	// it and when, without the field sets or the status writers.
	rsObj, _, _ := decode(kinds.Lookup("apps", "ReplicaSet"), objs[1])
	if rs := rsObj.(*appsv1.ReplicaSet); len(rs.Annotations) != 1 || rs.Annotations[kinds.RevisionAnnotation] != "3" || rs.ManagedFields != nil {
		t.Errorf("ReplicaSet annotations %v, managedFields %v", rs.Annotations, rs.ManagedFields)
	}
	dObj, _, _ := decode(kinds.Lookup("apps", "Deployment"), objs[2])
	if mf := dObj.(*appsv1.Deployment).ManagedFields; len(mf) != 1 || mf[0].Manager != "kubectl-client-side-apply" ||
		mf[0].Time == nil || mf[0].FieldsV1 != nil || dObj.(*appsv1.Deployment).Annotations != nil {
		t.Errorf("Deployment managedFields %+v", mf)
	}
	// The skipped fields really are skipped: the pod's env is never built.
	p, _, _ := decode(kinds.Lookup("", "Pod"), objs[0])
	pod := p.(*corev1.Pod)
	if pod.Spec.Containers[0].Env != nil || pod.Annotations != nil || pod.Spec.Containers[0].ReadinessProbe == nil || pod.Status.ContainerStatuses[0].RestartCount != 3 {
		t.Errorf("projected pod: %+v", pod)
	}
}
