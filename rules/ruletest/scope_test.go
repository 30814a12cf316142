package ruletest

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/internal/testgen/layouts"
	"github.com/nohealthy/nohealthy/load"
	"github.com/nohealthy/nohealthy/report"
	"github.com/nohealthy/nohealthy/rules"
)

func builtinAnalyzer(t *testing.T) Analyzer {
	t.Helper()
	pack, err := rules.BuiltinPack()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := rules.NewEngine([]*rules.Pack{pack}, rules.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	return EngineAnalyzer(eng, load.Options{})
}

// TestGatherNamespaceRestricted is the gateway of issue 13: a bundle
// gathered with -n shop holds the Gateway but not the gateway pods, which
// run in another namespace. gateway-no-pods must not be concluded from
// pods that were not collected, and the report must say what it did not
// see.
func TestGatherNamespaceRestricted(t *testing.T) {
	analyze := builtinAnalyzer(t)
	full := "../../testdata/bundles/25-gateway-no-pods/bundle"
	if r, err := analyze(full); err != nil || rank1(r) != "gateway-no-pods Gateway shop/shop-gateway " {
		t.Fatalf("the whole bundle: %v %s", err, rank1(r))
	}
	dir := filepath.Join(t.TempDir(), "shop")
	if err := layouts.Restrict(full, dir, "shop"); err != nil {
		t.Fatal(err)
	}
	r, err := analyze(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, rc := range r.RootCauses {
		if rc.Cause == "gateway-no-pods" {
			t.Errorf("gateway-no-pods concluded from pods not collected: %s", rc.Summary)
		}
	}
	sc := r.Input.Scope
	if sc.AllNamespaces || strings.Join(sc.CollectedNamespaces, ",") != "shop" {
		t.Errorf("scope: all %v, collected %v", sc.AllNamespaces, sc.CollectedNamespaces)
	}
	want := []string{"namespaces: only shop were collected", "the pods of Gateway shop/shop-gateway"}
	for _, w := range want {
		if !containsPrefix(sc.NotSeen, w) {
			t.Errorf("notSeen lacks %q: %q", w, sc.NotSeen)
		}
	}
	var pod report.KindScope
	for _, k := range sc.Kinds {
		if k.Kind == "Pod" {
			pod = k
		}
	}
	if pod.Status != "partial" || strings.Join(pod.Namespaces, ",") != "shop" {
		t.Errorf("Pod scope: %+v", pod)
	}
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// absenceAcrossNamespaces are the causes concluded from something not
// found anywhere in the cluster: the pods a Gateway selects, the
// DestinationRule defining a subset, the Gateway a VirtualService names.
// A bundle of some namespaces cannot show them.
var absenceAcrossNamespaces = map[string]bool{
	"gateway-no-pods": true, "subset-undefined": true, "route-missing-virtualservice": true,
}

// TestNamespaceRestrictedNeverConcludesAbsence gathers every corpus
// incident again with -n, once per namespace it has, and checks that no
// root cause rests on a namespace that was not collected: no cause names
// an object elsewhere, none is concluded from an absence across
// namespaces, and a host unknown is one of the namespace collected.
func TestNamespaceRestrictedNeverConcludesAbsence(t *testing.T) {
	cases := gatherCases(t)
	analyze := builtinAnalyzer(t)
	for _, c := range cases {
		entries, err := os.ReadDir(filepath.Join(c.Input(), "resources"))
		if err != nil {
			t.Fatal(err)
		}
		var nss []string
		for _, e := range entries {
			if e.IsDir() && e.Name() != "_cluster" {
				nss = append(nss, e.Name())
			}
		}
		sort.Strings(nss)
		for _, ns := range nss {
			dir := filepath.Join(t.TempDir(), ns)
			if err := layouts.Restrict(c.Input(), dir, ns); err != nil {
				t.Fatal(err)
			}
			r, err := analyze(dir)
			if err != nil {
				if strings.Contains(err.Error(), "nothing usable") {
					continue // a namespace with nothing but an empty list
				}
				t.Fatalf("%s -n %s: %v", c.Name, ns, err)
			}
			for _, rc := range r.RootCauses {
				if rc.Object.Namespace != "" && rc.Object.Namespace != ns {
					t.Errorf("%s -n %s: %s names %s, outside the namespace collected", c.Name, ns, rc.Cause, rc.Object)
				}
				if absenceAcrossNamespaces[rc.Rule] {
					t.Errorf("%s -n %s: %s (rule %s) concluded from other namespaces, not collected", c.Name, ns, rc.Cause, rc.Rule)
				}
				if rc.Rule == "destination-host-unknown" && !strings.Contains(rc.Detail, "."+ns+".") && strings.Contains(rc.Detail, ".svc.") {
					t.Errorf("%s -n %s: host unknown in another namespace: %s", c.Name, ns, rc.Detail)
				}
			}
		}
	}
}
