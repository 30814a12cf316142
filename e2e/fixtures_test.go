//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"
)

// There is no controller manager: fixtures create what controllers would
// (ReplicaSets, Pods, EndpointSlices, Events) directly, and kwok plays the
// kubelet for pods bound to its nodes.

var bg = context.Background()

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

func (c *Cluster) namespace(t testing.TB, ns string) {
	t.Helper()
	_, err := c.Client.CoreV1().Namespaces().Create(bg, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	must(t, err)
}

func (c *Cluster) node(t testing.TB, name string, taints ...corev1.Taint) {
	t.Helper()
	_, err := c.Client.CoreV1().Nodes().Create(bg, &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"type": "kwok", "kubernetes.io/hostname": name}},
		Spec:       corev1.NodeSpec{Taints: taints},
	}, metav1.CreateOptions{})
	must(t, err)
}

// workload describes a Deployment and the pods it would have.
type workload struct {
	ns, name string
	labels   map[string]string
	replicas int
	node     string // "" = unscheduled
	probe    *corev1.Probe
	sidecar  bool
	env      []corev1.EnvVar
	annots   map[string]string
}

type created struct {
	deploy *appsv1.Deployment
	pods   []*corev1.Pod
}

func (c *Cluster) workload(t testing.TB, w workload) created {
	t.Helper()
	one := int32(w.replicas)
	containers := []corev1.Container{{
		Name: w.name, Image: "example.com/" + w.name + ":1.0", Env: w.env,
		Ports:          []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
		ReadinessProbe: w.probe,
	}}
	if w.sidecar {
		containers = append(containers, corev1.Container{Name: "istio-proxy", Image: "docker.io/istio/proxyv2:1.28.0",
			Args: []string{"proxy", "sidecar"}, Ports: []corev1.ContainerPort{{Name: "http-envoy-prom", ContainerPort: 15090}}})
	}
	tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: w.labels, Annotations: w.annots}, Spec: corev1.PodSpec{Containers: containers}}
	d, err := c.Client.AppsV1().Deployments(w.ns).Create(bg, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: w.name, Labels: w.labels},
		Spec:       appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: w.labels}, Template: tmpl},
	}, metav1.CreateOptions{})
	must(t, err)
	hash := fmt.Sprintf("%x", len(w.name)*7919+len(w.ns)*104729)[:5] + "c9f"
	rsLabels := merge(w.labels, map[string]string{"pod-template-hash": hash})
	rs, err := c.Client.AppsV1().ReplicaSets(w.ns).Create(bg, &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: w.name + "-" + hash, Labels: rsLabels,
			OwnerReferences: []metav1.OwnerReference{ownerRef("apps/v1", "Deployment", d.Name, d.UID)}},
		Spec: appsv1.ReplicaSetSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: rsLabels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: rsLabels, Annotations: w.annots}, Spec: tmpl.Spec}},
	}, metav1.CreateOptions{})
	must(t, err)
	out := created{deploy: d}
	for i := 0; i < w.replicas; i++ {
		spec := *tmpl.Spec.DeepCopy()
		spec.NodeName = w.node
		p, err := c.Client.CoreV1().Pods(w.ns).Create(bg, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%s-%cxq7z", w.name, hash, 'a'+i),
				Labels: rsLabels, Annotations: w.annots,
				OwnerReferences: []metav1.OwnerReference{ownerRef("apps/v1", "ReplicaSet", rs.Name, rs.UID)}},
			Spec: spec,
		}, metav1.CreateOptions{})
		must(t, err)
		out.pods = append(out.pods, p)
	}
	return out
}

func ownerRef(apiVersion, kind, name string, uid types.UID) metav1.OwnerReference {
	yes := true
	return metav1.OwnerReference{APIVersion: apiVersion, Kind: kind, Name: name, UID: uid, Controller: &yes, BlockOwnerDeletion: &yes}
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// waitRunning waits until kwok reports each pod Running (and returns them).
func (c *Cluster) waitRunning(t testing.TB, pods []*corev1.Pod) []*corev1.Pod {
	t.Helper()
	var out []*corev1.Pod
	for _, p := range pods {
		deadline := time.Now().Add(60 * time.Second)
		for {
			got, err := c.Client.CoreV1().Pods(p.Namespace).Get(bg, p.Name, metav1.GetOptions{})
			must(t, err)
			if got.Status.Phase == corev1.PodRunning && got.Status.PodIP != "" {
				out = append(out, got)
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("pod %s/%s never ran: %+v", p.Namespace, p.Name, got.Status)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	return out
}

// setNotReady makes Running pods fail readiness (as a kubelet would).
func (c *Cluster) setNotReady(t testing.TB, pods []*corev1.Pod, container string) {
	t.Helper()
	for _, p := range pods {
		for i := range p.Status.Conditions {
			if p.Status.Conditions[i].Type == corev1.PodReady || p.Status.Conditions[i].Type == corev1.ContainersReady {
				p.Status.Conditions[i].Status = corev1.ConditionFalse
				p.Status.Conditions[i].Reason = "ContainersNotReady"
				p.Status.Conditions[i].Message = "containers with unready status: [" + container + "]"
			}
		}
		for i := range p.Status.ContainerStatuses {
			if p.Status.ContainerStatuses[i].Name == container {
				p.Status.ContainerStatuses[i].Ready = false
			}
		}
		_, err := c.Client.CoreV1().Pods(p.Namespace).UpdateStatus(bg, p, metav1.UpdateOptions{})
		must(t, err)
	}
}

// setUnschedulable records the scheduler's verdict on pending pods.
func (c *Cluster) setUnschedulable(t testing.TB, pods []*corev1.Pod, msg string) {
	t.Helper()
	for _, p := range pods {
		p.Status = corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{{
			Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: "Unschedulable", Message: msg,
			LastTransitionTime: metav1.Now(),
		}}}
		_, err := c.Client.CoreV1().Pods(p.Namespace).UpdateStatus(bg, p, metav1.UpdateOptions{})
		must(t, err)
	}
}

func (c *Cluster) deploymentStatus(t testing.TB, d *appsv1.Deployment, replicas, ready int32) {
	t.Helper()
	d, err := c.Client.AppsV1().Deployments(d.Namespace).Get(bg, d.Name, metav1.GetOptions{})
	must(t, err)
	d.Status = appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: replicas, UpdatedReplicas: replicas,
		ReadyReplicas: ready, AvailableReplicas: ready, UnavailableReplicas: replicas - ready}
	_, err = c.Client.AppsV1().Deployments(d.Namespace).UpdateStatus(bg, d, metav1.UpdateOptions{})
	must(t, err)
}

func (c *Cluster) service(t testing.TB, ns, name string, selector map[string]string, port int32) {
	t.Helper()
	_, err := c.Client.CoreV1().Services(ns).Create(bg, &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": name}},
		Spec:       corev1.ServiceSpec{Selector: selector, Ports: []corev1.ServicePort{{Name: "http", Port: port, TargetPort: intstr.FromString("http")}}},
	}, metav1.CreateOptions{})
	must(t, err)
}

// endpointSlice lists pods as the EndpointSlice controller would.
func (c *Cluster) endpointSlice(t testing.TB, ns, svc string, pods []*corev1.Pod, ready bool) {
	t.Helper()
	var eps []discoveryv1.Endpoint
	for _, p := range pods {
		if p.Status.PodIP == "" {
			continue
		}
		r, s, term := ready, ready, false
		node := p.Spec.NodeName
		eps = append(eps, discoveryv1.Endpoint{Addresses: []string{p.Status.PodIP},
			Conditions: discoveryv1.EndpointConditions{Ready: &r, Serving: &s, Terminating: &term}, NodeName: &node,
			TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: p.Name, UID: p.UID}})
	}
	name, proto, port := "http", corev1.ProtocolTCP, int32(8080)
	_, err := c.Client.DiscoveryV1().EndpointSlices(ns).Create(bg, &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: svc + "-abc12", Labels: map[string]string{discoveryv1.LabelServiceName: svc, discoveryv1.LabelManagedBy: "endpointslice-controller.k8s.io"}},
		AddressType: discoveryv1.AddressTypeIPv4, Endpoints: eps,
		Ports: []discoveryv1.EndpointPort{{Name: &name, Protocol: &proto, Port: &port}},
	}, metav1.CreateOptions{})
	must(t, err)
}

func (c *Cluster) event(t testing.TB, obj *corev1.Pod, typ, reason, msg, component string, count int32) {
	t.Helper()
	now := metav1.Now()
	_, err := c.Client.CoreV1().Events(obj.Namespace).Create(bg, &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: fmt.Sprintf("%s.%x", obj.Name, time.Now().UnixNano())},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", APIVersion: "v1", Namespace: obj.Namespace, Name: obj.Name, UID: obj.UID},
		Type:           typ, Reason: reason, Message: msg, Count: count, FirstTimestamp: now, LastTimestamp: now,
		Source: corev1.EventSource{Component: component}, ReportingController: component,
	}, metav1.CreateOptions{})
	must(t, err)
}

// logs makes kwok serve lines as the log of container in pod (CRI format).
func (c *Cluster) logs(t testing.TB, p *corev1.Pod, container string, lines ...string) {
	t.Helper()
	dir := filepath.Join(c.Dir, "podlogs", p.Namespace, p.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	ts := time.Now().UTC().Add(-time.Duration(len(lines)) * time.Second)
	for i, l := range lines {
		fmt.Fprintf(&b, "%s stdout F %s\n", ts.Add(time.Duration(i)*time.Second).Format(time.RFC3339Nano), l)
	}
	file := filepath.Join(dir, container+".log")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	c.apply(t, fmt.Sprintf(`apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata: {name: %s-%s-%s}
spec:
  selector: {matchNamespaces: [%s], matchNames: [%s]}
  logs:
  - containers: [%s]
    logsFile: %s
    follow: false
`, p.Namespace, p.Name, container, p.Namespace, p.Name, container, file))
}

// apply creates each YAML document with the dynamic client, the resource
// found by discovery (read again when a kind is new, e.g. a CRD just
// created).
func (c *Cluster) apply(t testing.TB, docs string) {
	t.Helper()
	for _, doc := range strings.Split(docs, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var u unstructured.Unstructured
		if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
			t.Fatalf("yaml: %v\n%s", err, doc)
		}
		gvk := u.GroupVersionKind()
		m, err := c.mapper().RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			c.mapper().Reset()
			m, err = c.mapper().RESTMapping(gvk.GroupKind(), gvk.Version)
		}
		if err != nil {
			t.Fatalf("no resource for %s: %v", gvk, err)
		}
		ri := c.Dynamic.Resource(m.Resource)
		if u.GetNamespace() != "" {
			_, err = ri.Namespace(u.GetNamespace()).Create(bg, &u, metav1.CreateOptions{})
		} else {
			_, err = ri.Create(bg, &u, metav1.CreateOptions{})
		}
		if err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatalf("create %s %s/%s: %v", gvk.Kind, u.GetNamespace(), u.GetName(), err)
		}
	}
}

func (c *Cluster) mapper() *restmapper.DeferredDiscoveryRESTMapper {
	c.mapperOnce.Do(func() {
		c.restMapper = restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(c.Client.Discovery()))
	})
	return c.restMapper
}
