package collect

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestCleanKeepsWriters: a bundle keeps who wrote a Deployment, how and
// when (the timeline of changes cites it), without the field sets or the
// status writers, and keeps no managedFields of a Pod.
func TestCleanKeepsWriters(t *testing.T) {
	r := &run{red: DefaultRedactor()}
	managed := []any{
		map[string]any{"manager": "helm", "operation": "Update", "apiVersion": "apps/v1", "time": "2025-06-02T14:21:20Z",
			"fieldsType": "FieldsV1", "fieldsV1": map[string]any{"f:spec": map[string]any{}}},
		map[string]any{"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "apps/v1", "time": "2025-06-02T14:21:53Z",
			"fieldsType": "FieldsV1", "fieldsV1": map[string]any{"f:status": map[string]any{}}, "subresource": "status"},
	}
	obj := func() *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": "x", "namespace": "n", "managedFields": managed}}}
	}
	dep := r.clean(Target{GVR: schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, Kind: "Deployment"}, obj())
	got, _, _ := unstructured.NestedSlice(dep, "metadata", "managedFields")
	if len(got) != 1 {
		t.Fatalf("Deployment managedFields %v, want helm's entry only", got)
	}
	if e := got[0].(map[string]any); e["manager"] != "helm" || e["operation"] != "Update" || e["time"] != "2025-06-02T14:21:20Z" || e["fieldsV1"] != nil || e["apiVersion"] != nil {
		t.Errorf("kept entry %v", e)
	}
	pod := r.clean(Target{GVR: schema.GroupVersionResource{Version: "v1", Resource: "pods"}, Kind: "Pod"}, obj())
	if _, found, _ := unstructured.NestedFieldNoCopy(pod, "metadata", "managedFields"); found {
		t.Error("a Pod's managedFields kept")
	}
}
