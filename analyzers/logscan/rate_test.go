package logscan

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func sum(counts []uint32) (n int64) {
	for _, c := range counts {
		n += int64(c)
	}
	return n
}

func TestRateWidensWithTheSpan(t *testing.T) {
	const t0 = 1_740_823_200 // 2025-03-01T10:00:00Z
	for _, tc := range []struct {
		name  string
		times []int64
		step  int64
	}{
		{"half a minute", []int64{t0, t0 + 1, t0 + 29}, 1},
		{"a minute and a half", []int64{t0, t0 + 90}, 5},
		{"two hours", []int64{t0 + 7199, t0, t0 + 3600}, 300},
		{"back in time", []int64{t0, t0 - 600, t0 + 600}, 30},
		{"a week", []int64{t0, t0 + 7*86400}, 21600},
	} {
		var r Rate
		for _, x := range tc.times {
			r.add(x, 1)
		}
		start, counts := r.Span()
		if r.Step() != tc.step || r.Start%r.Step() != 0 || sum(counts) != int64(len(tc.times)) {
			t.Errorf("%s: step %d (want %d), start %d, counts %v", tc.name, r.Step(), tc.step, r.Start, counts)
		}
		if first := slices.Min(tc.times); start > first || first >= start+r.Step() {
			t.Errorf("%s: the span starts at %d, the first line is at %d", tc.name, start, first)
		}
	}
	var empty *Rate
	if _, c := empty.Span(); c != nil {
		t.Error("a nil Rate has counts")
	}
}

// TestRateMergeIsCounting: lines counted in pieces and merged in any
// order give the buckets counting them all in one gives.
func TestRateMergeIsCounting(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		base := int64(1_700_000_000 + rng.IntN(1_000_000))
		spread := []int64{20, 400, 5000, 90000, 2_000_000}[round%5]
		var all Rate
		parts := make([]Rate, 1+rng.IntN(5))
		n := 1 + rng.IntN(300)
		for range n {
			x := base + rng.Int64N(spread)
			all.add(x, 1)
			parts[rng.IntN(len(parts))].add(x, 1)
		}
		var merged Rate
		for _, i := range rng.Perm(len(parts)) {
			merged.merge(&parts[i])
		}
		ws, wc := all.Span()
		gs, gc := merged.Span()
		if ws != gs || !slices.Equal(wc, gc) || all.Step() != merged.Step() || sum(gc) != int64(n) {
			t.Fatalf("round %d: merged %d/%d %v, counted %d/%d %v", round, gs, merged.Step(), gc, ws, all.Step(), wc)
		}
	}
}

// TestScanCountsRates: the scanner gives each symptom the rate of its
// timed lines, and merging files keeps every line.
func TestScanCountsRates(t *testing.T) {
	agg := NewAggregator(Options{})
	for _, f := range []string{
		`[2025-03-01T10:00:01.000Z] "GET / HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "curl" "a" "r:9080" "-" outbound|9080||r.s.svc.cluster.local - 10.0.0.1:9080 10.0.0.2:1 - -
[2025-03-01T10:00:31.000Z] "GET / HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "curl" "b" "r:9080" "-" outbound|9080||r.s.svc.cluster.local - 10.0.0.1:9080 10.0.0.2:1 - -
`,
		`[2025-03-01T10:02:01.000Z] "GET / HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "curl" "c" "r:9080" "-" outbound|9080||r.s.svc.cluster.local - 10.0.0.1:9080 10.0.0.2:1 - -
`} {
		if _, err := agg.Scan(Origin{Namespace: "istio-system", Pod: "gw", Container: "istio-proxy"}, "gw.log", strings.NewReader(f)); err != nil {
			t.Fatal(err)
		}
	}
	groups, _ := agg.TakeGroups()
	if len(groups) != 1 {
		t.Fatalf("%d groups", len(groups))
	}
	start, counts := groups[0].Rate.Span()
	if sum(counts) != 3 || start > 1_740_823_201 || groups[0].Rate.Step() != 5 {
		t.Errorf("rate start %d step %d counts %v", start, groups[0].Rate.Step(), counts)
	}
}

// BenchmarkRateAdd is the cost a timed failure line adds to the scan.
func BenchmarkRateAdd(b *testing.B) {
	var r Rate
	t := int64(1_740_823_200)
	for i := 0; b.Loop(); i++ {
		r.add(t+int64(i>>10), 1)
	}
}
