package ruletest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/report"
)

func rc(rank int, cause, kind, ns, name, detail string) report.RootCause {
	return report.RootCause{Rank: rank, Cause: cause, Object: report.Ref{Kind: kind, Namespace: ns, Name: name}, Detail: detail}
}

func TestCheck(t *testing.T) {
	dr := ExpectedCause{Cause: "subset-no-pods", Object: report.Ref{Kind: "DestinationRule", Namespace: "shop", Name: "reviews"}, Detail: "subset v1"}
	svc := ExpectedCause{Cause: "no-workload", Object: report.Ref{Kind: "Service", Namespace: "shop", Name: "ratings"}}
	good := rc(1, "subset-no-pods", "DestinationRule", "shop", "reviews", "subset v1")
	other := rc(2, "no-workload", "Service", "shop", "ratings", "")
	crash := rc(1, "crash-loop", "Deployment", "shop", "reviews-v1", "")

	for _, tc := range []struct {
		name   string
		exp    Expected
		got    report.Report
		pass   bool
		reason string
	}{
		{"healthy ok", Expected{}, report.Report{}, true, "healthy"},
		{"healthy but cause", Expected{}, report.Report{RootCauses: []report.RootCause{crash}}, false, "want healthy"},
		{"rank1 ok", Expected{RootCauses: []ExpectedCause{dr}}, report.Report{RootCauses: []report.RootCause{good}}, true, "rank 1"},
		{"rank1 wrong", Expected{RootCauses: []ExpectedCause{dr}}, report.Report{RootCauses: []report.RootCause{crash, good}}, false, "rank 1: want subset-no-pods DestinationRule shop/reviews (subset v1), got crash-loop"},
		{"detail wrong", Expected{RootCauses: []ExpectedCause{dr}}, report.Report{RootCauses: []report.RootCause{rc(1, "subset-no-pods", "DestinationRule", "shop", "reviews", "subset v2")}}, false, "rank 1"},
		{"detail optional", Expected{RootCauses: []ExpectedCause{svc}}, report.Report{RootCauses: []report.RootCause{rc(1, "no-workload", "Service", "shop", "ratings", "anything")}}, true, ""},
		{"second anywhere", Expected{RootCauses: []ExpectedCause{dr, svc}}, report.Report{RootCauses: []report.RootCause{good, crash, other}}, true, ""},
		{"second missing", Expected{RootCauses: []ExpectedCause{dr, svc}}, report.Report{RootCauses: []report.RootCause{good}}, false, "at any rank"},
		{"absent root", Expected{RootCauses: []ExpectedCause{dr}, Absent: []string{"crash-loop"}}, report.Report{RootCauses: []report.RootCause{good, crash}}, false, "crash-loop must be absent"},
		{"absent finding", Expected{Absent: []string{"crash-loop"}}, report.Report{Findings: []report.Finding{{ID: "F1", Cause: "crash-loop"}}}, false, "got finding F1"},
		{"no causes", Expected{RootCauses: []ExpectedCause{dr}}, report.Report{}, false, "got no root cause"},
		{"change cited", Expected{RootCauses: []ExpectedCause{withChange(dr, 5)}}, report.Report{RootCauses: []report.RootCause{withPA(good, 3)}}, true, "rank 1"},
		{"change too early", Expected{RootCauses: []ExpectedCause{withChange(dr, 5)}}, report.Report{RootCauses: []report.RootCause{withPA(good, 9)}}, false,
			"want the change created PeerAuthentication istio-system/default within 5 s before its first symptom, got created PeerAuthentication istio-system/default 9 s before"},
		{"change missing", Expected{RootCauses: []ExpectedCause{dr, withChange(svc, 5)}}, report.Report{RootCauses: []report.RootCause{withPA(good, 3), other}}, false, "got no change"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pass, reason := Check(tc.exp, &tc.got)
			if pass != tc.pass || !strings.Contains(reason, tc.reason) {
				t.Errorf("Check = %v %q, want %v containing %q", pass, reason, tc.pass, tc.reason)
			}
		})
	}
}

func withChange(e ExpectedCause, within int64) ExpectedCause {
	e.Changes = []ExpectedChange{{Type: "created", Object: report.Ref{Kind: "PeerAuthentication", Namespace: "istio-system", Name: "default"}, Within: within}}
	return e
}

func withPA(r report.RootCause, secs int64) report.RootCause {
	r.Changes = []report.Change{{Type: "created", Object: report.Ref{Kind: "PeerAuthentication", Namespace: "istio-system", Name: "default"}, SecondsBefore: secs}}
	return r
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDiscoverAndRun(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "b-subset/expected.yaml"), `
description: v1 not deployed
rootCauses:
  - cause: subset-no-pods
    object: {kind: DestinationRule, namespace: shop, name: reviews}
    detail: subset v1
absent: [crash-loop]
`)
	write(t, filepath.Join(root, "b-subset/bundle/x.yaml"), "")
	write(t, filepath.Join(root, "group/a-healthy/expected.yaml"), "rootCauses: []\n")
	write(t, filepath.Join(root, "group/a-healthy/bundle/x.yaml"), "")
	write(t, filepath.Join(root, "README.md"), "not a case")

	cases, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 2 || cases[0].Name != "b-subset" || cases[1].Name != "group/a-healthy" {
		t.Fatalf("cases = %+v", cases)
	}
	// A single case dir is accepted as well.
	one, err := Discover(filepath.Join(root, "b-subset"))
	if err != nil || len(one) != 1 || one[0].Name != "b-subset" {
		t.Fatalf("single case: %+v %v", one, err)
	}

	results := Run(cases, func(input string) (*report.Report, error) {
		switch {
		case strings.Contains(input, "b-subset"):
			return &report.Report{RootCauses: []report.RootCause{rc(1, "subset-no-pods", "DestinationRule", "shop", "reviews", "subset v1")}}, nil
		default:
			panic("engine bug")
		}
	})
	if p, f := Summary(results); p != 1 || f != 1 {
		t.Fatalf("summary %d/%d: %+v", p, f, results)
	}
	if results[1].Pass || !strings.Contains(results[1].Reason, "panic: engine bug") {
		t.Errorf("panic not turned into failure: %+v", results[1])
	}
	if len(results[0].Got) != 1 || results[0].Description != "v1 not deployed" {
		t.Errorf("result 0 = %+v", results[0])
	}

	errRes := Run(cases[:1], func(string) (*report.Report, error) { return nil, errors.New("boom") })
	if errRes[0].Pass || errRes[0].Error != "boom" {
		t.Errorf("error result = %+v", errRes[0])
	}
}

func TestDiscoverErrors(t *testing.T) {
	root := t.TempDir()
	if _, err := Discover(root); err == nil || !strings.Contains(err.Error(), "no cases found") {
		t.Errorf("empty corpus: %v", err)
	}
	write(t, filepath.Join(root, "c/bundle/x.yaml"), "")
	if _, err := Discover(root); err == nil || !strings.Contains(err.Error(), "no expected.yaml") {
		t.Errorf("missing expected: %v", err)
	}
	write(t, filepath.Join(root, "c/expected.yaml"), "rootCause: []\n")
	if _, err := Discover(root); err == nil || !strings.Contains(err.Error(), "unknown field") {
		t.Errorf("typo must be strict: %v", err)
	}
	write(t, filepath.Join(root, "c/expected.yaml"), "rootCauses: [{cause: x}]\n")
	if _, err := Discover(root); err == nil || !strings.Contains(err.Error(), "required") {
		t.Errorf("incomplete cause: %v", err)
	}
	for body, want := range map[string]string{
		"rootCauses: [{cause: crashloop, object: {kind: Deployment, namespace: a, name: b}}]\n": `cause "crashloop" is not an ID of docs/causes.md (closest: crash-loop;`,
		"rootCauses: [{cause: crash-loop, object: {kind: Service, namespace: a, name: b}}]\n":   "rootCauses[0]: cause crash-loop names a Deployment or",
		"rootCauses: []\nabsent: [crash-loop, no-workloads]\n":                                  `absent[1]: cause "no-workloads"`,
	} {
		write(t, filepath.Join(root, "c/expected.yaml"), body)
		if _, err := Discover(root); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "expected.yaml") {
			t.Errorf("%s: got %v, want the file and %q", body, err, want)
		}
	}
	if _, err := Discover(filepath.Join(root, "nope")); err == nil {
		t.Error("missing path must fail")
	}
}
