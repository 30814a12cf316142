package logscan

import (
	"bufio"
	"bytes"
	"os"
	"reflect"
	"testing"
)

// seedLines returns the real lines of the facts files (copied to testdata/).
func seedLines(f *testing.F) []string {
	var out []string
	for _, name := range []string{"testdata/sample_access_logs.txt", "testdata/seed_lines.txt"} {
		fh, err := os.Open(name)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if l := sc.Text(); l != "" && l[0] != '#' {
				out = append(out, l)
			}
		}
		fh.Close()
	}
	return out
}

// checkScan verifies invariants of a per-file scan after arbitrary input.
func checkScan(t *testing.T, s *fileScan) {
	var total int64
	for _, g := range s.groups {
		total += g.Count
		if len(g.Samples) > MaxSamples || g.Count < 1 || g.Kind == "" {
			t.Fatalf("bad group %+v", g)
		}
		if !g.First.IsZero() && g.Last.Before(g.First) {
			t.Fatalf("last before first: %+v", g)
		}
	}
	if total != s.stats.Failures {
		t.Fatalf("group counts %d != failures %d", total, s.stats.Failures)
	}
	if s.stats.Parsed > s.stats.Lines && s.stats.Lines > 0 {
		t.Fatalf("parsed %d > lines %d", s.stats.Parsed, s.stats.Lines)
	}
}

// fuzzParser runs one parser directly on a line (as Scan would after prefix
// stripping) and checks it neither panics nor breaks the aggregate.
func fuzzParser(f *testing.F, parse func(s *fileScan, l []byte) bool) {
	for _, l := range seedLines(f) {
		f.Add([]byte(l))
	}
	f.Fuzz(func(t *testing.T, l []byte) {
		if len(l) == 0 || bytes.IndexByte(l, '\n') >= 0 {
			return // parsers see one non-empty line
		}
		s := newFileScan(Origin{Pod: "p"}, 0)
		if parse(s, l) {
			s.stats.Parsed++
		}
		s.stats.Lines++
		checkScan(t, s)
	})
}

func FuzzEnvoyText(f *testing.F) {
	fuzzParser(f, func(s *fileScan, l []byte) bool { return s.envoyText(l) })
}

func FuzzEnvoyJSON(f *testing.F) {
	fuzzParser(f, func(s *fileScan, l []byte) bool { return s.jsonLine(l, FormatEnvoyJSON) == FormatEnvoyJSON })
}

func FuzzZtunnel(f *testing.F) {
	fuzzParser(f, func(s *fileScan, l []byte) bool {
		return s.ztunnelText(l) || s.jsonLine(l, FormatZtunnel) == FormatZtunnel
	})
}

func FuzzNginxError(f *testing.F) {
	fuzzParser(f, func(s *fileScan, l []byte) bool { return s.nginxError(l) || s.klog(l) })
}

func FuzzIngressAccess(f *testing.F) {
	fuzzParser(f, func(s *fileScan, l []byte) bool { return s.ingressAccess(l) })
}

func FuzzHAProxy(f *testing.F) {
	fuzzParser(f, func(s *fileScan, l []byte) bool { return s.haproxy(l) })
}

func FuzzTraefik(f *testing.F) {
	fuzzParser(f, func(s *fileScan, l []byte) bool { return s.traefik(l) })
}

// FuzzScan feeds whole multi-line inputs (with CRI framing, prefixes and
// tiny MaxLineBytes) through Scan and DetectFormat.
func FuzzScan(f *testing.F) {
	seeds := seedLines(f)
	for i, l := range seeds {
		f.Add([]byte(l+"\n"+seeds[(i+1)%len(seeds)]+"\n"), uint16(0))
		f.Add([]byte("2024-01-01T00:00:00.000000000Z stdout P "+l[:len(l)/2]+"\n2024-01-01T00:00:00.000000000Z stdout F "+l[len(l)/2:]), uint16(len(l)/3))
	}
	f.Fuzz(func(t *testing.T, data []byte, maxLine uint16) {
		a := NewAggregator(Options{MaxLineBytes: int(maxLine)})
		s := newFileScan(Origin{Pod: "p"}, a.opts.MaxLineBytes)
		if err := s.run(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		checkScan(t, s)
		if s.stats.Bytes != int64(len(data)) {
			t.Fatalf("bytes %d != %d", s.stats.Bytes, len(data))
		}
		st := s.fileStats()
		a.merge(s)
		var n int64
		for _, sym := range a.Symptoms() {
			n += sym.Count
		}
		if n != st.Failures {
			t.Fatalf("merged %d != %d", n, st.Failures)
		}
		_ = DetectFormat(bytes.Split(data, []byte("\n")))

		// The in-memory path must see exactly what the reader path sees.
		b := NewAggregator(Options{MaxLineBytes: int(maxLine)})
		bst := b.ScanBytes(Origin{Pod: "p"}, "f", data)
		if !reflect.DeepEqual(bst, st) {
			t.Fatalf("ScanBytes stats %+v, Scan %+v", bst, st)
		}
		if got, want := b.Symptoms(), a.Symptoms(); !reflect.DeepEqual(got, want) {
			t.Fatalf("ScanBytes symptoms differ:\n%+v\n%+v", got, want)
		}

		// A Stream must see the same whatever the pieces: one byte at a
		// time, and pieces of 1 to 17 bytes cut where the data says.
		for _, pieces := range []func(rest []byte) int{
			func([]byte) int { return 1 },
			func(rest []byte) int { return int(rest[0]%17) + 1 },
		} {
			c := NewAggregator(Options{MaxLineBytes: int(maxLine)})
			stream := c.NewStream(Origin{Pod: "p"})
			for rest := data; len(rest) > 0; {
				n := min(pieces(rest), len(rest))
				stream.Write(rest[:n])
				rest = rest[n:]
			}
			if sst := stream.Close(); !reflect.DeepEqual(sst, bst) {
				t.Fatalf("Stream stats %+v, ScanBytes %+v", sst, bst)
			}
			if got, want := c.Symptoms(), a.Symptoms(); !reflect.DeepEqual(got, want) {
				t.Fatalf("Stream symptoms differ:\n%+v\n%+v", got, want)
			}
		}
	})
}
