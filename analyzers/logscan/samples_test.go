package logscan

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestSamplesAcrossBlocks: the kept lines come back exactly, first seen
// first, when they span many compressed blocks and files merge
// concurrently, including files of the same origin that merge into one
// group and must keep the earliest samples.
func TestSamplesAcrossBlocks(t *testing.T) {
	const groups, perGroup = 600, 5
	logOf := func(file int) string { return sampleTestLog(file, groups, perGroup) }
	line := sampleTestLine
	a := NewAggregator(Options{})
	var wg sync.WaitGroup
	// Files 0-2 are one pod's logs (same origin): the group keeps file 0's
	// lines, the earliest. File 3 is another pod.
	for file := 3; file >= 0; file-- {
		origin := Origin{Namespace: "shop", Pod: "gw", Container: "istio-proxy"}
		if file == 3 {
			origin.Pod = "gw2"
		}
		data := logOf(file)
		if len(data) < 4*sampleBlockBytes {
			t.Fatalf("test log is only %d bytes", len(data))
		}
		wg.Go(func() {
			if file%2 == 0 {
				a.ScanBytes(origin, "f", []byte(data))
				return
			}
			st := a.NewStream(origin)
			for len(data) > 0 {
				n := min(len(data), 777)
				st.Write([]byte(data[:n]))
				data = data[n:]
			}
			st.Close()
		})
	}
	wg.Wait()
	check := func(how string, syms []Symptom) {
		t.Helper()
		if len(syms) != 2*groups {
			t.Fatalf("%s: %d groups, want %d", how, len(syms), 2*groups)
		}
		bad := 0
		for _, s := range syms {
			var g int
			fmt.Sscanf(strings.TrimPrefix(s.Upstream, "outbound|9080||svc"), "%d", &g)
			file := 0
			if s.Origin.Pod == "gw2" {
				file = 3
			}
			want := []string{line(file, g, 0), line(file, g, 1), line(file, g, 2)}
			if fmt.Sprint(s.Samples) != fmt.Sprint(want) {
				if bad++; bad <= 3 {
					t.Errorf("%s: %s %s: samples\n%q\nwant\n%q", how, s.Origin.Pod, s.Upstream, s.Samples, want)
				}
			}
		}
	}
	check("Symptoms", a.Symptoms())
	check("Symptoms again", a.Symptoms())
	check("TakeGroups", takeAll(t, a))
}

// sampleTestLine is line k of group g in file: a distinct upstream per
// group, a time that orders files and lines, and padding that differs per
// line so blocks do not compress to nothing.
func sampleTestLine(file, g, k int) string {
	return fmt.Sprintf(`[2024-05-01T%02d:%02d:%02dZ] "GET /p%d HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.42.0.1" "curl/8.7.1" "%s" "a.example.com" "-" outbound|9080||svc%d.shop.svc.cluster.local - 10.42.0.7:8080 10.42.0.1:60667 - -`,
		10+file/6, (file%6)*10+k/60, k%60, k, strings.Repeat(fmt.Sprintf("%x", g*31+k*7+file), 12), g)
}

// sampleTestLog is file's log: perGroup lines of each of groups groups.
func sampleTestLog(file, groups, perGroup int) string {
	var b strings.Builder
	for k := range perGroup {
		for g := range groups {
			b.WriteString(sampleTestLine(file, g, k) + "\n")
		}
	}
	return b.String()
}

// TestSampleStoreStaysBounded: files of one container merge into the same
// groups, each bringing lines the groups then drop (the earliest are
// kept). The store is compacted, so it does not grow with the number of
// files; the lines kept are still the earliest.
func TestSampleStoreStaysBounded(t *testing.T) {
	defer func(n int64) { minSampleWaste = n }(minSampleWaste)
	const files, groups = 40, 300
	held := func(a *Aggregator) (n int) {
		for _, b := range a.samples.blocks {
			n += len(b)
		}
		return n
	}
	run := func(minWaste int64) (*Aggregator, int) {
		minSampleWaste = minWaste
		a := NewAggregator(Options{})
		origin := Origin{Namespace: "shop", Pod: "gw", Container: "istio-proxy"}
		most := 0
		for file := files - 1; file >= 0; file-- { // latest first: every merge replaces the lines
			a.ScanBytes(origin, "f", []byte(sampleTestLog(file, groups, 3)))
			most = max(most, held(a))
		}
		return a, most
	}
	a, most := run(64 << 10)
	never, unbounded := run(1 << 62)
	one := NewAggregator(Options{})
	one.ScanBytes(Origin{}, "f", []byte(sampleTestLog(0, groups, 3)))
	if unbounded < files/2*held(one) {
		t.Fatalf("without compaction the store holds %d bytes, one file %d: the test does not drop lines", unbounded, held(one))
	}
	if most > 3*held(one)+(64<<10) {
		t.Errorf("the store grew to %d bytes; one file's lines take %d (%d without compaction)", most, held(one), unbounded)
	}
	for _, syms := range [][]Symptom{a.Symptoms(), never.Symptoms()} {
		for _, s := range syms {
			var g int
			fmt.Sscanf(strings.TrimPrefix(s.Upstream, "outbound|9080||svc"), "%d", &g)
			if want := []string{sampleTestLine(0, g, 0), sampleTestLine(0, g, 1), sampleTestLine(0, g, 2)}; fmt.Sprint(s.Samples) != fmt.Sprint(want) {
				t.Fatalf("%s: samples %q, want file 0's %q", s.Upstream, s.Samples, want)
			}
		}
	}
}

// takeAll is TakeGroups with every group's lines filled in, as Symptoms
// returns them. Each group's own Lines must give the same lines.
func takeAll(t *testing.T, a *Aggregator) []Symptom {
	t.Helper()
	groups, set := a.TakeGroups()
	refs := make([]SampleRefs, len(groups))
	for i, g := range groups {
		if g.Samples != nil {
			t.Fatalf("TakeGroups: group %d has its Samples already", i)
		}
		refs[i] = g.SampleRefs()
	}
	lines := set.Fill(refs)
	out := make([]Symptom, len(groups))
	for i, g := range groups {
		if one := set.Lines(refs[i]); fmt.Sprint(one) != fmt.Sprint(lines[i]) {
			t.Errorf("group %d: Lines %q, Fill %q", i, one, lines[i])
		}
		out[i] = *g
		out[i].Samples, out[i].kept = lines[i], SampleRefs{}
	}
	return out
}

// TestSampleStoreKeepsLinesCompressed: what the store holds for many
// similar access lines is a fraction of their size.
func TestSampleStoreKeepsLinesCompressed(t *testing.T) {
	var st sampleStore
	raw := 0
	for i := range 3000 {
		l := fmt.Sprintf(uhLine, i%10)
		l = strings.Replace(l, "c4c58af1", fmt.Sprintf("%08x", i*2654435761), 1)
		st.add([]byte(l))
		raw += len(l)
	}
	var into sampleStore
	into.takeBlocks(&st)
	held := 0
	for _, b := range into.blocks {
		held += len(b)
	}
	if held*2 > raw {
		t.Errorf("the store holds %d bytes for %d bytes of lines", held, raw)
	}
}
