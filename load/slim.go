package load

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/nohealthy/nohealthy/analyzers"
	"github.com/nohealthy/nohealthy/kinds"
)

// A bundle of a big cluster holds hundreds of thousands of objects; the
// rules read a small part of each. slim drops, right after decoding, the
// parts no fact is derived from (volumes, env, resources, annotations,
// template specs of old ReplicaSets, Normal events) so memory follows what
// the diagnosis needs, not what kubectl printed.

// keptNormalEvents are Normal-type event reasons a rule cites.
var keptNormalEvents = map[string]bool{
	"BackOff": true, "Killing": true, "NodeNotReady": true, "ScalingReplicaSet": true,
	"KEDAScaleTargetDeactivated": true, "SuccessfulRescale": true,
}

const maxEventMessage = 2048

// slimObject trims v in place; keep=false means drop the object entirely.
func slimObject(v any) (keep bool) {
	switch o := v.(type) {
	case *corev1.Pod:
		o.Annotations = nil
		o.Spec.Volumes = nil
		slimContainers(o.Spec.Containers)
		slimContainers(o.Spec.InitContainers)
		o.Spec.EphemeralContainers = nil
		o.Spec.Affinity = nil
		o.Spec.TopologySpreadConstraints = nil
		o.Spec.Tolerations, o.Spec.NodeSelector, o.Spec.ImagePullSecrets = nil, nil, nil
		o.Spec.SchedulingGates, o.Spec.ResourceClaims, o.Spec.Overhead, o.Spec.SecurityContext = nil, nil, nil, nil
		o.GenerateName, o.Finalizers = "", nil
		o.Status.PodIPs, o.Status.HostIPs = nil, nil
		for _, list := range [][]corev1.ContainerStatus{o.Status.ContainerStatuses, o.Status.InitContainerStatuses} {
			for i := range list {
				cs := &list[i]
				cs.VolumeMounts, cs.AllocatedResources, cs.Resources, cs.User = nil, nil, nil, nil
				cs.ImageID, cs.ContainerID = "", ""
			}
		}
	case *appsv1.ReplicaSet:
		// The revision numbers the ReplicaSet in its Deployment's
		// rollouts (the timeline of changes).
		if rev, ok := o.Annotations[kinds.RevisionAnnotation]; ok {
			o.Annotations = map[string]string{kinds.RevisionAnnotation: rev}
		} else {
			o.Annotations = nil
		}
		o.Spec.Template.Spec = corev1.PodSpec{}
	case *appsv1.Deployment:
		o.Annotations = nil
		o.Spec.Template.Spec = corev1.PodSpec{}
	case *appsv1.StatefulSet:
		o.Annotations = nil
		o.Spec.Template.Spec = corev1.PodSpec{}
		o.Spec.VolumeClaimTemplates = nil
	case *appsv1.DaemonSet:
		o.Annotations = nil
		o.Spec.Template.Spec = corev1.PodSpec{}
	case *corev1.Event:
		if !keepEvent(o.Type, o.Reason) {
			return false
		}
		o.Annotations = nil
		if len(o.Message) > maxEventMessage {
			o.Message = o.Message[:maxEventMessage] + "…"
		}
	case *corev1.ConfigMap:
		// Only proxy configurations are read (upstream names); drop the rest.
		o.Annotations = nil
		o.BinaryData = nil
		for k, d := range o.Data {
			if !analyzers.LooksLikeProxyConfig(d) {
				delete(o.Data, k)
			}
		}
	case *corev1.Node:
		o.Annotations = nil
		o.Status.Images = nil
		o.Status.VolumesAttached = nil
		o.Status.VolumesInUse = nil
	}
	return true
}

// keepWriters keeps, of an object's managedFields, the writers of a kind
// whose writers are kept (kinds.KeepsWriters: who wrote it, how and when,
// for the timeline of changes), and drops the list of every other kind.
func keepWriters(k *kinds.Kind, v any) {
	mo, ok := v.(managed)
	if !ok {
		return
	}
	if kinds.KeepsWriters(k.Group, k.Kind) {
		mo.SetManagedFields(kinds.Writers(mo.GetManagedFields()))
	} else {
		mo.SetManagedFields(nil)
	}
}

func slimContainers(cs []corev1.Container) {
	for i := range cs {
		c := &cs[i]
		c.Env, c.EnvFrom, c.VolumeMounts, c.VolumeDevices = nil, nil, nil, nil
		c.Command, c.Args = nil, nil
		c.Resources = corev1.ResourceRequirements{}
		c.LivenessProbe, c.StartupProbe, c.Lifecycle, c.SecurityContext = nil, nil, nil, nil
	}
}
