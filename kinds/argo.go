package kinds

// Argo Rollouts' Rollout is read into this small struct instead of
// importing its module: the facts need the pod template's labels, the
// replica count and the Deployment a Rollout may take its template from
// (argoproj/argo-rollouts pkg/apis/rollouts/v1alpha1/types.go, RolloutSpec).

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Rollout is argoproj.io/v1alpha1 Rollout.
type Rollout struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Replicas *int32                `json:"replicas"`
		Selector *metav1.LabelSelector `json:"selector"`
		// Template is read for its metadata only: the pod spec is
		// skipped by the decoder, as for the other workloads.
		Template struct {
			ObjectMeta metav1.ObjectMeta `json:"metadata"`
		} `json:"template"`
		// WorkloadRef names a Deployment whose template the Rollout uses
		// instead of its own.
		WorkloadRef *struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Name       string `json:"name"`
		} `json:"workloadRef"`
	} `json:"spec"`
	Status struct {
		Replicas          int32 `json:"replicas"`
		ReadyReplicas     int32 `json:"readyReplicas"`
		AvailableReplicas int32 `json:"availableReplicas"`
	} `json:"status"`
}
