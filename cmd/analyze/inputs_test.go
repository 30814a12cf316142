package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nohealthy/nohealthy/internal/testgen/layouts"
	"github.com/nohealthy/nohealthy/report"
)

// The inputs a support desk receives, read with the real loader and rules
// (hooks{}): every one either gives a report that names what it skipped,
// or exits 2 naming the input and why. None yields a clean report, exit 0,
// on input that was never read.

const corpus = "../../testdata/bundles/"

func writeFile(t *testing.T, p string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// tarGz makes a .tar.gz of named files.
func tarGz(t *testing.T, out string, files map[string][]byte) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	for _, name := range sortedNames(files) {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(files[name])), Typeflag: tar.TypeReg})
		tw.Write(files[name])
	}
	tw.Close()
	zw.Close()
	return writeFile(t, out, b.Bytes())
}

func sortedNames(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func gz(data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}

func jsonReport(t *testing.T, r result) report.Report {
	t.Helper()
	var rep report.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("exit %d: not a JSON report: %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	return rep
}

// TestNegativeInputsExit2 are the inputs of issue 13 from which nothing
// usable is read: each exits 2 and its message names the input and why.
func TestNegativeInputsExit2(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	junk := filepath.Join(dir, "junk")
	writeFile(t, filepath.Join(junk, "screenshot.png"), []byte("\x89PNG\r\n\x1a\n\x00\x00"))
	writeFile(t, filepath.Join(junk, "notes.txt"), []byte("customer says it broke after the upgrade\n"))
	writeFile(t, filepath.Join(junk, "data.xz"), []byte("\xfd7zXZ\x00"))
	nested := tarGz(t, filepath.Join(dir, "nested.tar.gz"), map[string][]byte{"inner/bundle.zip": []byte("PK\x03\x04rest")})
	// A zip of junk only.
	zipDir := filepath.Join(dir, "zipped")
	writeFile(t, filepath.Join(zipDir, "readme.md"), []byte("# nothing here\n"))
	zipped := filepath.Join(dir, "ticket.zip")
	if err := layouts.Zip(zipDir, zipped, time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	// A bundle cut in the middle.
	whole := filepath.Join(dir, "whole.tar.zst")
	packBundle(t, corpus+"21-subset-no-pods/bundle", whole)
	data, _ := os.ReadFile(whole)
	truncated := writeFile(t, filepath.Join(dir, "cut.tar.zst"), data[:len(data)/3])

	for _, tc := range []struct {
		name, input string
		want        []string
	}{
		{"empty dir", empty, []string{empty, "the directory holds no file"}},
		{"junk folder", junk, []string{junk, "nothing usable", "notes.txt", "no line in a known proxy log format", "unsupported compression: xz", "screenshot.png", "unknown layout"}},
		{"nested archive", nested, []string{nested, "nothing usable", "inner/bundle.zip", "needs random access"}},
		{"zip of junk", zipped, []string{zipped, "nothing usable", "readme.md"}},
		{"truncated archive", truncated, []string{truncated, "truncated"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, hooks{}, false, "-o", "json", tc.input)
			if r.code != exitUsage {
				t.Fatalf("exit %d, want 2\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}

// TestTicketFolder: a folder holding a gather bundle, the same incident as
// a must-gather zip, a folder of junk and a gzipped gateway log. Everything
// usable is read once, every archive is named as a source, every skipped
// file is named with its reason, and the table counts them.
func TestTicketFolder(t *testing.T) {
	ticket := filepath.Join(t.TempDir(), "ticket-4711")
	os.Mkdir(ticket, 0o755)
	packBundle(t, corpus+"21-subset-no-pods/bundle", filepath.Join(ticket, "incident.tar.zst"))
	mg := filepath.Join(t.TempDir(), "mg")
	if err := layouts.MustGather(corpus+"21-subset-no-pods/bundle", mg); err != nil {
		t.Fatal(err)
	}
	if err := layouts.Zip(filepath.Join(mg, layouts.MustGatherRoot), filepath.Join(ticket, "must-gather.zip"), time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(ticket, "junk", "screenshot.png"), []byte("\x89PNG\r\n\x1a\n"))
	writeFile(t, filepath.Join(ticket, "junk", "call-notes.docx"), []byte("PK\x03\x04 not really"))
	gw := `[2024-08-27T08:18:00.000Z] "GET / HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.244.9.9" "curl/8.5.0" "6d1c7f3e" "reviews.shop:9080" "-" outbound|9080|v1|reviews.shop.svc.cluster.local - 10.244.0.5:8080 10.244.9.9:51234 - -` + "\n"
	writeFile(t, filepath.Join(ticket, "gateway.log.gz"), gz([]byte(gw)))

	r := run(t, hooks{}, false, "-o", "json", ticket)
	rep := jsonReport(t, r)
	if r.code != exitFailing || len(rep.RootCauses) == 0 || rep.RootCauses[0].Cause != "subset-no-pods" {
		t.Fatalf("exit %d, root causes %+v\n%s", r.code, rep.RootCauses, r.stderr)
	}
	srcs := strings.Join(rep.Input.Sources, "\n")
	for _, w := range []string{ticket + "/incident.tar.zst", ticket + "/must-gather.zip"} {
		if !strings.Contains(srcs, w) {
			t.Errorf("input.sources lack %s: %v", w, rep.Input.Sources)
		}
	}
	skipped := map[string]string{}
	for _, s := range rep.Input.Skipped {
		skipped[strings.TrimPrefix(s.Path, ticket+"/")] = s.Reason
	}
	for p, reason := range map[string]string{
		"junk/screenshot.png":  "unknown layout",
		"junk/call-notes.docx": "unknown layout",
	} {
		if !strings.Contains(skipped[p], reason) {
			t.Errorf("skipped %s: %q, want %q (all: %v)", p, skipped[p], reason, skipped)
		}
	}
	var layoutsSeen []string
	for _, s := range rep.Input.Scope.Sources {
		layoutsSeen = append(layoutsSeen, s.Path+"="+strings.Join(s.Layouts, "+"))
	}
	if !strings.Contains(strings.Join(layoutsSeen, " "), "must-gather.zip=must-gather") {
		t.Errorf("scope sources: %v", layoutsSeen)
	}
	repeat := false
	for _, w := range rep.Input.Warnings {
		repeat = repeat || strings.Contains(w, "repeats") && strings.Contains(w, "counted once")
	}
	if !repeat {
		t.Errorf("the must-gather repeats the bundle's objects and logs: no warning says so: %v", rep.Input.Warnings)
	}
	// The gzipped log of unknown origin reports as itself.
	found := false
	for _, s := range rep.Symptoms {
		found = found || s.Where.Kind == "Log" && s.Where.Name == "gateway.log.gz"
	}
	if !found {
		t.Errorf("no symptom from gateway.log.gz: %+v", rep.Symptoms)
	}
	table := run(t, hooks{}, false, ticket)
	if !strings.Contains(table.stdout, "files skipped (") || !strings.Contains(table.stdout, "Scope: read "+ticket) {
		t.Errorf("table does not count the skipped files:\n%s", table.stdout)
	}
	md := run(t, hooks{}, false, "-o", "markdown", ticket)
	if !strings.Contains(md.stdout, "files skipped (") {
		t.Errorf("markdown does not count the skipped files:\n%s", md.stdout)
	}
}

// TestStdin: `kubectl get -o yaml | analyze -` reads the objects; a log
// piped in reads as a log; a bundle piped in reads as the bundle.
func TestStdin(t *testing.T) {
	objs := `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: ratings, namespace: shop}
  spec:
    selector: {app: ratings}
    ports: [{port: 9080}]
- apiVersion: v1
  kind: Pod
  metadata: {name: web-1, namespace: shop, labels: {app: web}}
  spec: {containers: [{name: web, image: web}]}
  status: {phase: Running}
`
	r := run(t, hooks{stdin: strings.NewReader(objs)}, false, "-o", "json", "-")
	rep := jsonReport(t, r)
	if rep.Input.Objects != 2 || len(rep.RootCauses) == 0 || rep.RootCauses[0].Cause != "no-workload" {
		t.Fatalf("objects on stdin: exit %d, %d objects, %+v\n%s", r.code, rep.Input.Objects, rep.RootCauses, r.stderr)
	}
	line := `[2024-08-27T08:18:00.000Z] "GET / HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.244.9.9" "curl/8.5.0" "6d1c7f3e" "reviews.shop:9080" "-" outbound|9080|v1|reviews.shop.svc.cluster.local - 10.244.0.5:8080 10.244.9.9:51234 - -` + "\n"
	r = run(t, hooks{stdin: strings.NewReader(line)}, false, "-o", "json", "-")
	rep = jsonReport(t, r)
	if len(rep.Symptoms) != 1 || rep.Symptoms[0].Where.Name != "stdin" || rep.Symptoms[0].Kind != "UH" {
		t.Fatalf("log on stdin: %+v\n%s", rep.Symptoms, r.stderr)
	}
	packed := filepath.Join(t.TempDir(), "b.tar.zst")
	packBundle(t, corpus+"21-subset-no-pods/bundle", packed)
	data, _ := os.ReadFile(packed)
	r = run(t, hooks{stdin: bytes.NewReader(data)}, false, "-o", "json", "-")
	rep = jsonReport(t, r)
	if len(rep.RootCauses) == 0 || rep.RootCauses[0].Cause != "subset-no-pods" {
		t.Fatalf("bundle on stdin: %+v\n%s", rep.RootCauses, r.stderr)
	}
	if r := run(t, hooks{stdin: strings.NewReader("")}, false, "-", "-"); r.code != exitUsage || !strings.Contains(r.stderr, "given twice") {
		t.Errorf("- twice: exit %d %s", r.code, r.stderr)
	}
	if r := run(t, hooks{stdin: strings.NewReader("")}, false, "-"); r.code != exitUsage || !strings.Contains(r.stderr, "empty input") {
		t.Errorf("empty stdin: exit %d %s", r.code, r.stderr)
	}
}

// TestMerging: the same bundle twice counts once, with a warning; inputs
// of two clusters are refused without --merge-clusters, and their logs'
// time windows are said to differ with it; two logs of unknown origin are
// two symptoms.
func TestMerging(t *testing.T) {
	b := corpus + "21-subset-no-pods/bundle"
	once := jsonReport(t, run(t, hooks{}, false, "-o", "json", b))
	packed := filepath.Join(t.TempDir(), "b.tar.zst")
	packBundle(t, b, packed)
	r := run(t, hooks{}, false, "-o", "json", b, packed)
	twice := jsonReport(t, r)
	if twice.Input.Objects != once.Input.Objects || twice.Input.LogLines != once.Input.LogLines*2 && len(twice.Symptoms) != len(once.Symptoms) {
		t.Errorf("twice: %d objects, %d symptoms; once: %d, %d", twice.Input.Objects, len(twice.Symptoms), once.Input.Objects, len(once.Symptoms))
	}
	for i := range once.Symptoms {
		if twice.Symptoms[i].Count != once.Symptoms[i].Count {
			t.Errorf("symptom %s counted %d times, once %d", once.Symptoms[i].ID, twice.Symptoms[i].Count, once.Symptoms[i].Count)
		}
	}
	if !strings.Contains(strings.Join(twice.Input.Warnings, "\n"), packed+" repeats") {
		t.Errorf("no repeat warning: %v", twice.Input.Warnings)
	}

	other := corpus + "04-no-workload/bundle"
	r = run(t, hooks{}, false, b, other)
	if r.code != exitUsage || !strings.Contains(r.stderr, "different clusters") || !strings.Contains(r.stderr, "--merge-clusters") {
		t.Fatalf("two clusters: exit %d\n%s", r.code, r.stderr)
	}
	rep := jsonReport(t, run(t, hooks{}, false, "-o", "json", "--merge-clusters", b, other))
	w := strings.Join(rep.Input.Warnings, "\n")
	if !strings.Contains(w, "different clusters") || !strings.Contains(w, "do not overlap in time") || len(rep.Input.Scope.Clusters) != 2 {
		t.Errorf("--merge-clusters: warnings %q, clusters %+v", rep.Input.Warnings, rep.Input.Scope.Clusters)
	}

	dir := t.TempDir()
	line := func(cluster string) string {
		return `[2024-08-27T08:18:00.000Z] "GET / HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "10.244.9.9" "curl/8.5.0" "6d1c7f3e" "x" "-" ` + cluster + ` - 10.244.0.5:8080 10.244.9.9:51234 - -` + "\n"
	}
	a := writeFile(t, filepath.Join(dir, "a.log"), []byte(line("outbound|80||web.shop.svc.cluster.local")))
	c := writeFile(t, filepath.Join(dir, "c.log"), []byte(line("outbound|80||web.shop.svc.cluster.local")))
	rep = jsonReport(t, run(t, hooks{}, false, "-o", "json", "--log", a, "--log", c))
	if len(rep.Symptoms) != 2 || rep.Symptoms[0].Where.Name == rep.Symptoms[1].Where.Name || rep.Symptoms[0].Where.Kind != "Log" {
		t.Errorf("two logs of unknown origin: %+v", rep.Symptoms)
	}
	junk := writeFile(t, filepath.Join(dir, "app.log"), []byte("hello\nworld\n"))
	if r := run(t, hooks{}, false, "--log", junk); r.code != exitUsage || !strings.Contains(r.stderr, "no line in a known proxy log format") {
		t.Errorf("--log of no known format: exit %d %s", r.code, r.stderr)
	}
}
