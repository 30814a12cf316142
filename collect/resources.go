package collect

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
)

// Wanted names one resource (or every resource of a group) that gather
// collects. Versions are never fixed here: discovery picks them.
type Wanted struct {
	Group    string // "" = core
	Resource string // plural; "*" = every listable resource of the group
	// Filter keeps only some objects (e.g. the mesh ConfigMaps).
	Filter func(ns, name string) bool
	// Required resources are reported as "skipped" when the server lacks
	// them; optional groups (Istio, Gateway API) are silently absent.
	Required bool
}

// meshConfigMaps are the ConfigMaps gather reads: the Istio mesh and
// injector configuration, CoreDNS's Corefile and ingress-nginx's settings.
// No other ConfigMap is stored; no Secret is ever read.
var meshConfigMaps = []string{
	"istio", "istio-sidecar-injector", "istio-gateway-status-leader", "istio-namespace-controller-election",
	"coredns", "ingress-nginx-controller", "nginx-configuration",
}

func keepConfigMap(_, name string) bool {
	if slices.Contains(meshConfigMaps, name) {
		return true
	}
	// Revisioned installs: istio-<rev>, istio-sidecar-injector-<rev>.
	return strings.HasPrefix(name, "istio-") && !strings.HasSuffix(name, "-ca-root-cert") && !strings.Contains(name, "leader")
}

// DefaultWanted is what gather collects.
var DefaultWanted = []Wanted{
	{Resource: "nodes", Required: true},
	{Resource: "namespaces", Required: true},
	{Resource: "services", Required: true},
	{Resource: "endpoints", Required: true},
	{Resource: "pods", Required: true},
	{Resource: "events", Required: true},
	{Resource: "configmaps", Required: true, Filter: keepConfigMap},
	{Group: "discovery.k8s.io", Resource: "endpointslices", Required: true},
	{Group: "apps", Resource: "deployments", Required: true},
	{Group: "apps", Resource: "replicasets", Required: true},
	{Group: "apps", Resource: "statefulsets", Required: true},
	{Group: "apps", Resource: "daemonsets", Required: true},
	{Group: "autoscaling", Resource: "horizontalpodautoscalers", Required: true},
	{Group: "policy", Resource: "poddisruptionbudgets", Required: true},
	{Group: "networking.k8s.io", Resource: "networkpolicies", Required: true},
	{Group: "networking.k8s.io", Resource: "ingresses", Required: true},
	{Group: "networking.k8s.io", Resource: "ingressclasses"},
	{Group: "networking.istio.io", Resource: "*"},
	{Group: "security.istio.io", Resource: "*"},
	{Group: "telemetry.istio.io", Resource: "*"},
	{Group: "extensions.istio.io", Resource: "*"},
	{Group: "gateway.networking.k8s.io", Resource: "*"},
	{Group: "gateway.networking.x-k8s.io", Resource: "*"},
}

// Target is one resource resolved against discovery.
type Target struct {
	GVR        schema.GroupVersionResource
	Kind       string
	Namespaced bool
	Filter     func(ns, name string) bool
}

// Name is the collector and file name: plural[.group].
func (t Target) Name() string {
	if t.GVR.Group == "" {
		return t.GVR.Resource
	}
	return t.GVR.Resource + "." + t.GVR.Group
}

// Resolve picks, for each wanted resource, the version to list: the
// group's preferred version when it serves the resource, otherwise the
// first version (in the server's priority order) that does. Several Istio
// kinds are served only at v1alpha3/v1beta1, so no version is assumed.
// Missing required resources come back in skipped.
func Resolve(dc discovery.DiscoveryInterface, wanted []Wanted) (targets []Target, skipped []Target, err error) {
	groups, resources, derr := dc.ServerGroupsAndResources()
	if derr != nil && !discovery.IsGroupDiscoveryFailedError(derr) {
		return nil, nil, fmt.Errorf("discovery: %w", derr)
	}
	// A failing aggregated API (metrics-server down) must not stop gather:
	// use what was discovered.
	type served struct {
		kind       string
		namespaced bool
		list       bool
	}
	byGV := map[schema.GroupVersion]map[string]served{}
	for _, rl := range resources {
		gv, err := schema.ParseGroupVersion(rl.GroupVersion)
		if err != nil {
			continue
		}
		m := map[string]served{}
		for _, r := range rl.APIResources {
			if strings.Contains(r.Name, "/") {
				continue // subresource
			}
			m[r.Name] = served{kind: r.Kind, namespaced: r.Namespaced, list: slices.Contains(r.Verbs, "list")}
		}
		byGV[gv] = m
	}
	versions := map[string][]string{} // group -> preferred first
	for _, g := range groups {
		var vs []string
		if g.PreferredVersion.Version != "" {
			vs = append(vs, g.PreferredVersion.Version)
		}
		for _, v := range g.Versions {
			if !slices.Contains(vs, v.Version) {
				vs = append(vs, v.Version)
			}
		}
		versions[g.Name] = vs
	}
	pick := func(group, resource string) (Target, bool) {
		for _, v := range versions[group] {
			gv := schema.GroupVersion{Group: group, Version: v}
			if s, ok := byGV[gv][resource]; ok && s.list {
				return Target{GVR: gv.WithResource(resource), Kind: s.kind, Namespaced: s.namespaced}, true
			}
		}
		return Target{}, false
	}
	seen := map[string]bool{}
	for _, w := range wanted {
		names := []string{w.Resource}
		if w.Resource == "*" {
			names = nil
			for _, v := range versions[w.Group] {
				for r, s := range byGV[schema.GroupVersion{Group: w.Group, Version: v}] {
					if s.list && !slices.Contains(names, r) {
						names = append(names, r)
					}
				}
			}
			slices.Sort(names)
		}
		for _, r := range names {
			t, ok := pick(w.Group, r)
			if !ok {
				if w.Required {
					skipped = append(skipped, Target{GVR: schema.GroupVersionResource{Group: w.Group, Resource: r}})
				}
				continue
			}
			if seen[t.Name()] {
				continue
			}
			seen[t.Name()] = true
			t.Filter = w.Filter
			targets = append(targets, t)
		}
	}
	if len(targets) == 0 && derr != nil {
		return nil, skipped, errors.Join(errors.New("discovery found no collectable resource"), derr)
	}
	return targets, skipped, nil
}
