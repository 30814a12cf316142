package kinds

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unsafe"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/go-json-experiment/json/jsontext"
)

// Projections: the big kinds (Pods, Nodes, workloads) are decoded
// straight into their k8s.io/api type, but through a twin of that type
// whose fields slimming would drop are tagged `json:"-"`, so the decoder
// skips their bytes instead of building values (env lists, volumes,
// resource quantities, the pod templates of ReplicaSets) only for slimming
// to throw them away.
//
// What must hold: a twin has exactly the memory layout of its type (same
// fields, same types or twins of them, same offsets), so that a pointer to
// the type may be converted to a pointer to the twin (Kind.DecodeInto, the
// only such conversion). index checks it at init with sameLayout and
// decodes a kind in full when its twin no longer matches;
// TestProjectionLayouts fails then, and prints the type's fields to mirror.
// TestProjectionsDecodeLikeSlim (package load) checks that decoding
// through a twin gives what decoding in full and slimming gives.
//
// Twins rather than small view structs copied into the k8s types: a view
// needs a copy function per type, which silently drops any field k8s.io/api
// adds where the layout check fails loudly, and on the bench's pods it
// allocated 16% more for the same CPU.

// fastTime is metav1.Time reading its usual JSON form, a quoted RFC 3339
// string without escapes, directly: metav1.Time's own UnmarshalJSON runs
// the standard JSON decoder on each timestamp first, and a pod has a dozen
// (conditions, container states). Anything else goes to metav1.Time's
// method, so the result (and every error) is the same.
type fastTime struct{ time.Time }

func (t *fastTime) UnmarshalJSON(b []byte) error {
	if len(b) > 2 && b[0] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		// No copy: the string lives only for the call. time.Parse keeps no
		// reference to it in the Time it returns, and its error, which
		// would quote it, is dropped for the slow path.
		if pt, err := time.Parse(time.RFC3339, unsafe.String(&b[1], len(b)-2)); err == nil {
			t.Time = pt.Local()
			return nil
		}
	}
	return (*metav1.Time)(t).UnmarshalJSON(b)
}

// metaProjection is metav1.ObjectMeta without annotations (slimmed from
// every projected kind) and managedFields (dropped from every kind).
type metaProjection struct {
	Name                       string                      `json:"name,omitempty"`
	GenerateName               string                      `json:"generateName,omitempty"`
	Namespace                  string                      `json:"namespace,omitempty"`
	SelfLink                   string                      `json:"selfLink,omitempty"`
	UID                        types.UID                   `json:"uid,omitempty"`
	ResourceVersion            string                      `json:"resourceVersion,omitempty"`
	Generation                 int64                       `json:"generation,omitempty"`
	CreationTimestamp          fastTime                    `json:"creationTimestamp,omitempty"`
	DeletionTimestamp          *fastTime                   `json:"deletionTimestamp,omitempty"`
	DeletionGracePeriodSeconds *int64                      `json:"deletionGracePeriodSeconds,omitempty"`
	Labels                     map[string]string           `json:"labels,omitempty"`
	Annotations                map[string]string           `json:"-"`
	OwnerReferences            []metav1.OwnerReference     `json:"ownerReferences,omitempty"`
	Finalizers                 []string                    `json:"finalizers,omitempty"`
	ManagedFields              []metav1.ManagedFieldsEntry `json:"-"`
}

// historyMetaProjection is metav1.ObjectMeta as kept for the workload
// controllers (Deployment, StatefulSet, DaemonSet): without annotations,
// with managedFields but not their field sets, so the timeline of changes
// can say who wrote the object and when.
type historyMetaProjection struct {
	Name                       string                         `json:"name,omitempty"`
	GenerateName               string                         `json:"generateName,omitempty"`
	Namespace                  string                         `json:"namespace,omitempty"`
	SelfLink                   string                         `json:"selfLink,omitempty"`
	UID                        types.UID                      `json:"uid,omitempty"`
	ResourceVersion            string                         `json:"resourceVersion,omitempty"`
	Generation                 int64                          `json:"generation,omitempty"`
	CreationTimestamp          fastTime                       `json:"creationTimestamp,omitempty"`
	DeletionTimestamp          *fastTime                      `json:"deletionTimestamp,omitempty"`
	DeletionGracePeriodSeconds *int64                         `json:"deletionGracePeriodSeconds,omitempty"`
	Labels                     map[string]string              `json:"labels,omitempty"`
	Annotations                map[string]string              `json:"-"`
	OwnerReferences            []metav1.OwnerReference        `json:"ownerReferences,omitempty"`
	Finalizers                 []string                       `json:"finalizers,omitempty"`
	ManagedFields              []managedFieldsEntryProjection `json:"managedFields,omitempty"`
}

// managedFieldsEntryProjection is metav1.ManagedFieldsEntry without its
// field set (fieldsV1), which is most of its bytes: the timeline reads who
// wrote the object and when, not which fields.
type managedFieldsEntryProjection struct {
	Manager     string                            `json:"manager,omitempty"`
	Operation   metav1.ManagedFieldsOperationType `json:"operation,omitempty"`
	APIVersion  string                            `json:"apiVersion,omitempty"`
	Time        *fastTime                         `json:"time,omitempty"`
	FieldsType  string                            `json:"fieldsType,omitempty"`
	FieldsV1    *metav1.FieldsV1                  `json:"-"`
	Subresource string                            `json:"subresource,omitempty"`
}

// revisionMetaProjection is a ReplicaSet's metav1.ObjectMeta: of the
// annotations only the Deployment revision, no managedFields.
type revisionMetaProjection struct {
	Name                       string                      `json:"name,omitempty"`
	GenerateName               string                      `json:"generateName,omitempty"`
	Namespace                  string                      `json:"namespace,omitempty"`
	SelfLink                   string                      `json:"selfLink,omitempty"`
	UID                        types.UID                   `json:"uid,omitempty"`
	ResourceVersion            string                      `json:"resourceVersion,omitempty"`
	Generation                 int64                       `json:"generation,omitempty"`
	CreationTimestamp          fastTime                    `json:"creationTimestamp,omitempty"`
	DeletionTimestamp          *fastTime                   `json:"deletionTimestamp,omitempty"`
	DeletionGracePeriodSeconds *int64                      `json:"deletionGracePeriodSeconds,omitempty"`
	Labels                     map[string]string           `json:"labels,omitempty"`
	Annotations                revisionAnnotations         `json:"annotations,omitempty"`
	OwnerReferences            []metav1.OwnerReference     `json:"ownerReferences,omitempty"`
	Finalizers                 []string                    `json:"finalizers,omitempty"`
	ManagedFields              []metav1.ManagedFieldsEntry `json:"-"`
}

// RevisionAnnotation is the annotation the Deployment controller numbers
// a ReplicaSet with: its place in the Deployment's rollout history.
const RevisionAnnotation = "deployment.kubernetes.io/revision"

// revisionAnnotations reads an annotations object keeping only
// RevisionAnnotation; the others (a copy of the Deployment's, among them
// whatever tools write there) are skipped unread.
type revisionAnnotations map[string]string

func (a *revisionAnnotations) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		return nil
	case '{':
	default:
		return fmt.Errorf("annotations: want an object, got %v", tok.Kind())
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		if name.String() != RevisionAnnotation {
			if err := dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		v, err := dec.ReadToken()
		if err != nil {
			return err
		}
		if v.Kind() != '"' {
			return fmt.Errorf("annotation %s: want a string, got %v", RevisionAnnotation, v.Kind())
		}
		if *a == nil {
			*a = revisionAnnotations{}
		}
		(*a)[RevisionAnnotation] = v.String()
	}
	_, err = dec.ReadToken()
	return err
}

type podProjection struct {
	metav1.TypeMeta `json:",inline"`
	ObjectMeta      metaProjection      `json:"metadata,omitempty"`
	Spec            podSpecProjection   `json:"spec,omitempty"`
	Status          podStatusProjection `json:"status,omitempty"`
}

type podSpecProjection struct {
	Volumes                       []corev1.Volume                   `json:"-"`
	InitContainers                []containerProjection             `json:"initContainers,omitempty"`
	Containers                    []containerProjection             `json:"containers"`
	EphemeralContainers           []corev1.EphemeralContainer       `json:"-"`
	RestartPolicy                 corev1.RestartPolicy              `json:"restartPolicy,omitempty"`
	TerminationGracePeriodSeconds *int64                            `json:"terminationGracePeriodSeconds,omitempty"`
	ActiveDeadlineSeconds         *int64                            `json:"activeDeadlineSeconds,omitempty"`
	DNSPolicy                     corev1.DNSPolicy                  `json:"dnsPolicy,omitempty"`
	NodeSelector                  map[string]string                 `json:"-"`
	ServiceAccountName            string                            `json:"serviceAccountName,omitempty"`
	DeprecatedServiceAccount      string                            `json:"serviceAccount,omitempty"`
	AutomountServiceAccountToken  *bool                             `json:"automountServiceAccountToken,omitempty"`
	NodeName                      string                            `json:"nodeName,omitempty"`
	HostNetwork                   bool                              `json:"hostNetwork,omitempty"`
	HostPID                       bool                              `json:"hostPID,omitempty"`
	HostIPC                       bool                              `json:"hostIPC,omitempty"`
	ShareProcessNamespace         *bool                             `json:"shareProcessNamespace,omitempty"`
	SecurityContext               *corev1.PodSecurityContext        `json:"-"`
	ImagePullSecrets              []corev1.LocalObjectReference     `json:"-"`
	Hostname                      string                            `json:"hostname,omitempty"`
	Subdomain                     string                            `json:"subdomain,omitempty"`
	Affinity                      *corev1.Affinity                  `json:"-"`
	SchedulerName                 string                            `json:"schedulerName,omitempty"`
	Tolerations                   []corev1.Toleration               `json:"-"`
	HostAliases                   []corev1.HostAlias                `json:"hostAliases,omitempty"`
	PriorityClassName             string                            `json:"priorityClassName,omitempty"`
	Priority                      *int32                            `json:"priority,omitempty"`
	DNSConfig                     *corev1.PodDNSConfig              `json:"dnsConfig,omitempty"`
	ReadinessGates                []corev1.PodReadinessGate         `json:"readinessGates,omitempty"`
	RuntimeClassName              *string                           `json:"runtimeClassName,omitempty"`
	EnableServiceLinks            *bool                             `json:"enableServiceLinks,omitempty"`
	PreemptionPolicy              *corev1.PreemptionPolicy          `json:"preemptionPolicy,omitempty"`
	Overhead                      corev1.ResourceList               `json:"-"`
	TopologySpreadConstraints     []corev1.TopologySpreadConstraint `json:"-"`
	SetHostnameAsFQDN             *bool                             `json:"setHostnameAsFQDN,omitempty"`
	OS                            *corev1.PodOS                     `json:"os,omitempty"`
	HostUsers                     *bool                             `json:"hostUsers,omitempty"`
	SchedulingGates               []corev1.PodSchedulingGate        `json:"-"`
	ResourceClaims                []corev1.PodResourceClaim         `json:"-"`
	Resources                     *corev1.ResourceRequirements      `json:"resources,omitempty"`
	HostnameOverride              *string                           `json:"hostnameOverride,omitempty"`
	SchedulingGroup               *corev1.PodSchedulingGroup        `json:"schedulingGroup,omitempty"`
	EvictionResponders            []corev1.EvictionResponder        `json:"evictionResponders,omitempty"`
}

type containerProjection struct {
	Name                     string                          `json:"name"`
	Image                    string                          `json:"image,omitempty"`
	Command                  []string                        `json:"-"`
	Args                     []string                        `json:"-"`
	WorkingDir               string                          `json:"workingDir,omitempty"`
	Ports                    []corev1.ContainerPort          `json:"ports,omitempty"`
	EnvFrom                  []corev1.EnvFromSource          `json:"-"`
	Env                      []corev1.EnvVar                 `json:"-"`
	Resources                corev1.ResourceRequirements     `json:"-"`
	ResizePolicy             []corev1.ContainerResizePolicy  `json:"resizePolicy,omitempty"`
	RestartPolicy            *corev1.ContainerRestartPolicy  `json:"restartPolicy,omitempty"`
	RestartPolicyRules       []corev1.ContainerRestartRule   `json:"restartPolicyRules,omitempty"`
	VolumeMounts             []corev1.VolumeMount            `json:"-"`
	VolumeDevices            []corev1.VolumeDevice           `json:"-"`
	LivenessProbe            *corev1.Probe                   `json:"-"`
	ReadinessProbe           *corev1.Probe                   `json:"readinessProbe,omitempty"`
	StartupProbe             *corev1.Probe                   `json:"-"`
	Lifecycle                *corev1.Lifecycle               `json:"-"`
	TerminationMessagePath   string                          `json:"terminationMessagePath,omitempty"`
	TerminationMessagePolicy corev1.TerminationMessagePolicy `json:"terminationMessagePolicy,omitempty"`
	ImagePullPolicy          corev1.PullPolicy               `json:"imagePullPolicy,omitempty"`
	SecurityContext          *corev1.SecurityContext         `json:"-"`
	Stdin                    bool                            `json:"stdin,omitempty"`
	StdinOnce                bool                            `json:"stdinOnce,omitempty"`
	TTY                      bool                            `json:"tty,omitempty"`
}

// templateProjection is a workload's pod template without its spec: only
// the template's labels are read (which pods a workload makes).
type templateProjection struct {
	ObjectMeta metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec       corev1.PodSpec    `json:"-"`
}

type replicaSetProjection struct {
	metav1.TypeMeta `json:",inline"`
	ObjectMeta      revisionMetaProjection   `json:"metadata,omitempty"`
	Spec            replicaSetSpecProjection `json:"spec,omitempty"`
	Status          appsv1.ReplicaSetStatus  `json:"status,omitempty"`
}

type replicaSetSpecProjection struct {
	Replicas        *int32                `json:"replicas,omitempty"`
	MinReadySeconds int32                 `json:"minReadySeconds,omitempty"`
	Selector        *metav1.LabelSelector `json:"selector"`
	Template        templateProjection    `json:"template,omitempty"`
}

type deploymentProjection struct {
	metav1.TypeMeta `json:",inline"`
	ObjectMeta      historyMetaProjection    `json:"metadata,omitempty"`
	Spec            deploymentSpecProjection `json:"spec,omitempty"`
	Status          appsv1.DeploymentStatus  `json:"status,omitempty"`
}

type deploymentSpecProjection struct {
	Replicas                *int32                    `json:"replicas,omitempty"`
	Selector                *metav1.LabelSelector     `json:"selector"`
	Template                templateProjection        `json:"template"`
	Strategy                appsv1.DeploymentStrategy `json:"strategy,omitempty"`
	MinReadySeconds         int32                     `json:"minReadySeconds,omitempty"`
	RevisionHistoryLimit    *int32                    `json:"revisionHistoryLimit,omitempty"`
	Paused                  bool                      `json:"paused,omitempty"`
	ProgressDeadlineSeconds *int32                    `json:"progressDeadlineSeconds,omitempty"`
}

type statefulSetProjection struct {
	metav1.TypeMeta `json:",inline"`
	ObjectMeta      historyMetaProjection     `json:"metadata,omitempty"`
	Spec            statefulSetSpecProjection `json:"spec,omitempty"`
	Status          appsv1.StatefulSetStatus  `json:"status,omitempty"`
}

type statefulSetSpecProjection struct {
	Replicas                             *int32                                                  `json:"replicas,omitempty"`
	Selector                             *metav1.LabelSelector                                   `json:"selector"`
	Template                             templateProjection                                      `json:"template"`
	VolumeClaimTemplates                 []corev1.PersistentVolumeClaim                          `json:"-"`
	ServiceName                          string                                                  `json:"serviceName"`
	PodManagementPolicy                  appsv1.PodManagementPolicyType                          `json:"podManagementPolicy,omitempty"`
	UpdateStrategy                       appsv1.StatefulSetUpdateStrategy                        `json:"updateStrategy,omitempty"`
	RevisionHistoryLimit                 *int32                                                  `json:"revisionHistoryLimit,omitempty"`
	MinReadySeconds                      int32                                                   `json:"minReadySeconds,omitempty"`
	PersistentVolumeClaimRetentionPolicy *appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy `json:"persistentVolumeClaimRetentionPolicy,omitempty"`
	Ordinals                             *appsv1.StatefulSetOrdinals                             `json:"ordinals,omitempty"`
}

type daemonSetProjection struct {
	metav1.TypeMeta `json:",inline"`
	ObjectMeta      historyMetaProjection   `json:"metadata,omitempty"`
	Spec            daemonSetSpecProjection `json:"spec,omitempty"`
	Status          appsv1.DaemonSetStatus  `json:"status,omitempty"`
}

type daemonSetSpecProjection struct {
	Selector             *metav1.LabelSelector          `json:"selector"`
	Template             templateProjection             `json:"template"`
	UpdateStrategy       appsv1.DaemonSetUpdateStrategy `json:"updateStrategy,omitempty"`
	MinReadySeconds      int32                          `json:"minReadySeconds,omitempty"`
	RevisionHistoryLimit *int32                         `json:"revisionHistoryLimit,omitempty"`
}

type nodeProjection struct {
	metav1.TypeMeta `json:",inline"`
	ObjectMeta      metaProjection       `json:"metadata,omitempty"`
	Spec            corev1.NodeSpec      `json:"spec,omitempty"`
	Status          nodeStatusProjection `json:"status,omitempty"`
}

// nodeStatusProjection skips the image list, which on a real node is
// dozens of images with all their tags.
type nodeStatusProjection struct {
	Capacity         corev1.ResourceList         `json:"capacity,omitempty"`
	Allocatable      corev1.ResourceList         `json:"allocatable,omitempty"`
	Phase            corev1.NodePhase            `json:"phase,omitempty"`
	Conditions       []corev1.NodeCondition      `json:"conditions,omitempty"`
	Addresses        []corev1.NodeAddress        `json:"addresses,omitempty"`
	DaemonEndpoints  corev1.NodeDaemonEndpoints  `json:"daemonEndpoints,omitempty"`
	NodeInfo         corev1.NodeSystemInfo       `json:"nodeInfo,omitempty"`
	Images           []corev1.ContainerImage     `json:"-"`
	VolumesInUse     []corev1.UniqueVolumeName   `json:"-"`
	VolumesAttached  []corev1.AttachedVolume     `json:"-"`
	Config           *corev1.NodeConfigStatus    `json:"config,omitempty"`
	RuntimeHandlers  []corev1.NodeRuntimeHandler `json:"runtimeHandlers,omitempty"`
	Features         *corev1.NodeFeatures        `json:"features,omitempty"`
	DeclaredFeatures []string                    `json:"declaredFeatures,omitempty"`
}

// sameLayout reports whether a value of twin can be read as one of of:
// identical types, or structs whose fields have the same names, offsets
// and (recursively) layouts; slices, pointers, arrays and maps of such.
func sameLayout(twin, of reflect.Type, path []string) error {
	if twin == of {
		return nil
	}
	where := of.String()
	if len(path) > 0 {
		where = strings.Join(path, ".")
	}
	differ := func(format string, args ...any) error {
		return &layoutError{msg: fmt.Sprintf("projection %s: ", where) + fmt.Sprintf(format, args...), of: of}
	}
	if twin.Kind() != of.Kind() || twin.Size() != of.Size() || twin.Align() != of.Align() {
		return differ("%s does not match %s", twin, of)
	}
	switch of.Kind() {
	case reflect.Struct:
		if twin.NumField() != of.NumField() {
			return differ("%s has %d fields, %s has %d", twin, twin.NumField(), of, of.NumField())
		}
		for i := range of.NumField() {
			tf, f := twin.Field(i), of.Field(i)
			if tf.Name != f.Name || tf.Offset != f.Offset {
				return differ("field %d is %s at %d, want %s at %d", i, tf.Name, tf.Offset, f.Name, f.Offset)
			}
			if err := sameLayout(tf.Type, f.Type, append(path[:len(path):len(path)], f.Name)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice, reflect.Pointer, reflect.Array:
		if of.Kind() == reflect.Array && twin.Len() != of.Len() {
			return differ("array lengths differ")
		}
		return sameLayout(twin.Elem(), of.Elem(), path)
	case reflect.Map:
		if err := sameLayout(twin.Key(), of.Key(), path); err != nil {
			return err
		}
		return sameLayout(twin.Elem(), of.Elem(), path)
	}
	return differ("%s is not %s", twin, of)
}

// layoutError is how a twin differs from of, the type it mirrors at the
// point where they part.
type layoutError struct {
	msg string
	of  reflect.Type
}

func (e *layoutError) Error() string { return e.msg }

// podStatusProjection reads timestamps with fastTime and skips what
// slimming clears (pod and host IP lists, container status details).
type podStatusProjection struct {
	ObservedGeneration                   int64                                       `json:"observedGeneration,omitempty"`
	Phase                                corev1.PodPhase                             `json:"phase,omitempty"`
	Conditions                           []podConditionProjection                    `json:"conditions,omitempty"`
	Message                              string                                      `json:"message,omitempty"`
	Reason                               string                                      `json:"reason,omitempty"`
	NominatedNodeName                    string                                      `json:"nominatedNodeName,omitempty"`
	HostIP                               string                                      `json:"hostIP,omitempty"`
	HostIPs                              []corev1.HostIP                             `json:"-"`
	PodIP                                string                                      `json:"podIP,omitempty"`
	PodIPs                               []corev1.PodIP                              `json:"-"`
	StartTime                            *fastTime                                   `json:"startTime,omitempty"`
	InitContainerStatuses                []containerStatusProjection                 `json:"initContainerStatuses,omitempty"`
	ContainerStatuses                    []containerStatusProjection                 `json:"containerStatuses,omitempty"`
	QOSClass                             corev1.PodQOSClass                          `json:"qosClass,omitempty"`
	EphemeralContainerStatuses           []containerStatusProjection                 `json:"ephemeralContainerStatuses,omitempty"`
	Resize                               corev1.PodResizeStatus                      `json:"resize,omitempty"`
	ResourceClaimStatuses                []corev1.PodResourceClaimStatus             `json:"resourceClaimStatuses,omitempty"`
	ExtendedResourceClaimStatus          *corev1.PodExtendedResourceClaimStatus      `json:"extendedResourceClaimStatus,omitempty"`
	AllocatedResources                   corev1.ResourceList                         `json:"allocatedResources,omitempty"`
	Resources                            *corev1.ResourceRequirements                `json:"resources,omitempty"`
	NodeAllocatableResourceClaimStatuses []corev1.NodeAllocatableResourceClaimStatus `json:"nodeAllocatableResourceClaimStatuses,omitempty"`
	VolumeHealth                         []corev1.PodVolumeHealth                    `json:"volumeHealth,omitempty"`
}

type podConditionProjection struct {
	Type               corev1.PodConditionType `json:"type"`
	ObservedGeneration int64                   `json:"observedGeneration,omitempty"`
	Status             corev1.ConditionStatus  `json:"status"`
	LastProbeTime      fastTime                `json:"lastProbeTime,omitempty"`
	LastTransitionTime fastTime                `json:"lastTransitionTime,omitempty"`
	Reason             string                  `json:"reason,omitempty"`
	Message            string                  `json:"message,omitempty"`
}

type containerStatusProjection struct {
	Name                     string                       `json:"name"`
	State                    containerStateProjection     `json:"state,omitempty"`
	LastTerminationState     containerStateProjection     `json:"lastState,omitempty"`
	Ready                    bool                         `json:"ready"`
	RestartCount             int32                        `json:"restartCount"`
	Image                    string                       `json:"image"`
	ImageID                  string                       `json:"-"`
	ContainerID              string                       `json:"-"`
	Started                  *bool                        `json:"started,omitempty"`
	AllocatedResources       corev1.ResourceList          `json:"-"`
	Resources                *corev1.ResourceRequirements `json:"-"`
	VolumeMounts             []corev1.VolumeMountStatus   `json:"-"`
	User                     *corev1.ContainerUser        `json:"-"`
	AllocatedResourcesStatus []corev1.ResourceStatus      `json:"allocatedResourcesStatus,omitempty"`
	StopSignal               *corev1.Signal               `json:"stopSignal,omitempty"`
}

type containerStateProjection struct {
	Waiting    *corev1.ContainerStateWaiting `json:"waiting,omitempty"`
	Running    *runningProjection            `json:"running,omitempty"`
	Terminated *terminatedProjection         `json:"terminated,omitempty"`
}

type runningProjection struct {
	StartedAt fastTime `json:"startedAt,omitempty"`
}

type terminatedProjection struct {
	ExitCode    int32    `json:"exitCode"`
	Signal      int32    `json:"signal,omitempty"`
	Reason      string   `json:"reason,omitempty"`
	Message     string   `json:"message,omitempty"`
	StartedAt   fastTime `json:"startedAt,omitempty"`
	FinishedAt  fastTime `json:"finishedAt,omitempty"`
	ContainerID string   `json:"containerID,omitempty"`
}
