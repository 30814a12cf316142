package ruletest

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nohealthy/nohealthy/report"
)

func TestParseShard(t *testing.T) {
	env := map[string]string{"JOB_COMPLETION_INDEX": "3", "EMPTY": ""}
	getenv := func(k string) string { return env[k] }
	for in, want := range map[string]Shard{
		"0/1": {0, 1}, "2/4": {2, 4}, " 3 / 8 ": {3, 8},
		"$JOB_COMPLETION_INDEX/4": {3, 4}, "${JOB_COMPLETION_INDEX}/5": {3, 5}, "$(JOB_COMPLETION_INDEX)/6": {3, 6},
	} {
		got, err := ParseShard(in, getenv)
		if err != nil || got != want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"3":             "want K/N",
		"4/4":           "from 0 to 3",
		"-1/4":          "from 0 to 3",
		"1/0":           "at least 1",
		"a/2":           "whole number from 0 to 1",
		"$EMPTY/2":      "$EMPTY is not set",
		"$UNSET/2":      "$UNSET is not set",
		"$(JOB/2":       "whole number",
		"$JOB_COMP-X/2": "whole number",
		"${JOB)/2":      "whole number",
	} {
		if _, err := ParseShard(in, getenv); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseShard(%q) error %v, want it to say %q", in, err, want)
		}
	}
}

// TestShardSplit: every case lands in exactly one shard, the split is
// roughly even, and a case's shard does not depend on the other cases.
func TestShardSplit(t *testing.T) {
	var cases []Case
	for i := range 1000 {
		cases = append(cases, Case{Name: fmt.Sprintf("group-%d/case-%03d", i%7, i)})
	}
	const n = 4
	seen := map[string]int{}
	for k := range n {
		part := Shard{K: k, N: n}.Select(cases)
		if len(part) < 200 || len(part) > 300 {
			t.Errorf("shard %d/%d has %d of 1000 cases", k, n, len(part))
		}
		for _, c := range part {
			seen[c.Name]++
		}
		// The same case alone, or in another listing order, is in the same shard.
		rev := slices.Clone(cases)
		slices.Reverse(rev)
		again := Shard{K: k, N: n}.Select(rev)
		slices.Reverse(again)
		if !slices.EqualFunc(part, again, func(a, b Case) bool { return a.Name == b.Name }) {
			t.Errorf("shard %d depends on the listing order", k)
		}
	}
	if len(seen) != len(cases) {
		t.Errorf("%d cases in some shard, want %d", len(seen), len(cases))
	}
	for name, c := range seen {
		if c != 1 {
			t.Errorf("%s in %d shards", name, c)
		}
	}
	if got := All.Select(cases); len(got) != len(cases) {
		t.Errorf("All selects %d", len(got))
	}
}

// TestRunParallel: cases run at once, up to Workers, and the results come
// back in the cases' order whatever order they finish in.
func TestRunParallel(t *testing.T) {
	var cases []Case
	for i := range 12 {
		cases = append(cases, Case{Name: fmt.Sprintf("c%02d", i), Dir: fmt.Sprintf("/corpus/c%02d", i)})
	}
	var running, peak atomic.Int64
	analyze := func(input string) (*report.Report, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		// Later cases finish first.
		var i int
		fmt.Sscanf(input[len("/corpus/c"):], "%02d", &i)
		time.Sleep(time.Duration(12-i) * 3 * time.Millisecond)
		return &report.Report{}, nil
	}
	var calls []int
	res := Run(cases, analyze, RunOptions{Workers: 4, Done: func(done, total int, r Result) {
		if total != 12 {
			t.Errorf("total %d", total)
		}
		calls = append(calls, done)
	}})
	for i, r := range res {
		if r.Case != cases[i].Name || !r.Pass {
			t.Errorf("result %d = %+v, want case %s passing", i, r, cases[i].Name)
		}
	}
	if p := peak.Load(); p < 2 || p > 4 {
		t.Errorf("peak concurrency %d, want 2..4", p)
	}
	if !slices.Equal(calls, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}) {
		t.Errorf("Done counts %v", calls)
	}
}
