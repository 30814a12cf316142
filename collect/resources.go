package collect

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"

	"github.com/nohealthy/nohealthy/kinds"
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

// DefaultWanted is what gather collects, as the kinds table says: the
// kinds it lists by name, in the table's order, then every resource of
// the table's groups.
var DefaultWanted = wantedKinds()

func wantedKinds() []Wanted {
	var out []Wanted
	for _, k := range kinds.All() {
		if k.Gather == kinds.Required || k.Gather == kinds.Optional {
			out = append(out, Wanted{Group: k.Group, Resource: k.Resource, Filter: k.GatherOnly, Required: k.Gather == kinds.Required})
		}
	}
	for _, g := range kinds.Groups {
		out = append(out, Wanted{Group: g.Group, Resource: "*", Required: g.Required})
	}
	return out
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
