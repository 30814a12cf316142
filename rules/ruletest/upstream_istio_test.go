package ruletest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/nohealthy/nohealthy/load"
	"github.com/nohealthy/nohealthy/report"
	"github.com/nohealthy/nohealthy/rules"
)

const upstreamIstioDir = "../../testdata/upstream/istio"

// istioUpstreamCase is one entry of testdata/upstream/istio/expectations.yaml.
type istioUpstreamCase struct {
	Name     string          `json:"name"`
	Inputs   []string        `json:"inputs"`
	Upstream string          `json:"upstream"`
	Must     []ExpectedCause `json:"must"`
	Allowed  []ExpectedCause `json:"allowed"`
	Pending  []struct {
		ExpectedCause `json:",inline"`
		Why           string `json:"why"`
	} `json:"pending"`
	Why string `json:"why"`
}

// TestUpstreamIstio runs analyze on istio/istio's analyzer fixtures and
// its Bookinfo sample, each read as loose manifests, and holds the report
// to expectations.yaml: every cause under must is named, and every root
// cause named is under must or allowed, so a configuration upstream calls
// valid gets none. A pending cause must still be missing: once named, it
// belongs under must.
func TestUpstreamIstio(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(upstreamIstioDir, "expectations.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var table struct {
		Cases []istioUpstreamCase `json:"cases"`
	}
	if err := yaml.UnmarshalStrict(data, &table); err != nil {
		t.Fatalf("expectations.yaml: %v", err)
	}
	if len(table.Cases) == 0 {
		t.Fatal("expectations.yaml: no case")
	}
	pack, err := rules.BuiltinPack()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := rules.NewEngine([]*rules.Pack{pack}, rules.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	matched := 0
	for _, c := range table.Cases {
		var inputs []string
		for _, in := range c.Inputs {
			listed[in] = true
			inputs = append(inputs, filepath.Join(upstreamIstioDir, in))
		}
		snap, err := load.Inputs(inputs, load.Options{})
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		if problems := judgeUpstream(c, eng.Analyze(snap)); len(problems) > 0 {
			t.Errorf("%s (%s):\n\t%s", c.Name, c.Upstream, strings.Join(problems, "\n\t"))
			continue
		}
		matched++
	}
	t.Logf("%d of %d upstream Istio cases match", matched, len(table.Cases))
	// Every fixture copied in is judged by some case.
	for _, sub := range []string{"analyzers", "bookinfo"} {
		files, _ := filepath.Glob(filepath.Join(upstreamIstioDir, sub, "*.yaml"))
		for _, f := range files {
			if rel := sub + "/" + filepath.Base(f); !listed[rel] {
				t.Errorf("%s is in no case of expectations.yaml", rel)
			}
		}
	}
}

// judgeUpstream lists how report r departs from case c.
func judgeUpstream(c istioUpstreamCase, r *report.Report) []string {
	var problems []string
	named := func(e ExpectedCause) bool {
		for _, rc := range r.RootCauses {
			if e.Matches(rc) {
				return true
			}
		}
		return false
	}
	for _, e := range c.Must {
		if !named(e) {
			problems = append(problems, "missing "+e.String())
		}
	}
	for _, p := range c.Pending {
		if named(p.ExpectedCause) {
			problems = append(problems, "pending cause now named, move it to must: "+p.String())
		}
	}
	var extra []string
	for _, rc := range r.RootCauses {
		ok := false
		for _, e := range append(append([]ExpectedCause{}, c.Must...), c.Allowed...) {
			ok = ok || e.Matches(rc)
		}
		if !ok {
			extra = append(extra, fmt.Sprintf("unexpected root cause %s", causeString(rc.Cause, rc.Object, rc.Detail)))
		}
	}
	sort.Strings(extra)
	return append(problems, extra...)
}
