package browse

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nohealthy/nohealthy/bundle"
)

// logsTree writes a tree with a manifest (collected at 12:00), a pod of
// two containers, and their logs.
func logsTree(t *testing.T, manifest bool, annotations map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if manifest {
		writeJSON(t, filepath.Join(dir, bundle.ManifestPath), map[string]any{"formatVersion": 1, "createdAt": "2025-04-03T12:00:00Z"})
	}
	writeJSON(t, filepath.Join(dir, "resources", "shop", "pods.json"), map[string]any{"apiVersion": "v1", "kind": "List", "items": []any{
		map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "web", "namespace": "shop", "annotations": annotations},
			"spec": map[string]any{"containers": []any{map[string]any{"name": "app"}, map[string]any{"name": "istio-proxy"}},
				"initContainers": []any{map[string]any{"name": "istio-init"}}}},
		map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "solo", "namespace": "shop"},
			"spec": map[string]any{"containers": []any{map[string]any{"name": "only"}}}},
	}})
	write := func(rel, text string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("logs/shop/web/app.log", strings.Join([]string{
		"2025-04-03T11:50:00Z starting",
		"2025-04-03T11:56:00Z request one",
		"  continuation of one",
		"2025-04-03T11:58:30Z request two",
		`{"level":"error","ts":"2025-04-03T11:59:00Z","msg":"three"}`,
		"",
	}, "\n"))
	write("logs/shop/web/app.previous.log", "2025-04-03T11:40:00Z fatal: no DSN\n")
	write("logs/shop/web/istio-proxy.log", `[2025-04-03T11:59:30.000Z] "GET / HTTP/1.1" 503 UH no_healthy_upstream`+"\n")
	write("logs/shop/solo/only.log", "untimed a\nuntimed b\n")
	return dir
}

func logs(t *testing.T, paths []string, o LogsOptions) (string, error) {
	t.Helper()
	var out bytes.Buffer
	if o.Tail == 0 {
		o.Tail = -1
	}
	err := Logs(&out, &bytes.Buffer{}, Inputs{Paths: paths}, o)
	return out.String(), err
}

func TestLogsChooseContainer(t *testing.T) {
	dir := logsTree(t, true, nil)
	var ue *UsageError
	if _, err := logs(t, []string{dir}, LogsOptions{Namespace: "shop", Pod: "web"}); !errors.As(err, &ue) ||
		!strings.Contains(err.Error(), "app, istio-proxy, istio-init (init)") {
		t.Errorf("two containers and no -c: %v, want an error listing them", err)
	}
	if out, err := logs(t, []string{dir}, LogsOptions{Namespace: "shop", Pod: "solo"}); err != nil || out != "untimed a\nuntimed b\n" {
		t.Errorf("the only container: %q %v", out, err)
	}
	annotated := logsTree(t, true, map[string]string{defaultContainer: "istio-proxy"})
	if out, err := logs(t, []string{annotated}, LogsOptions{Namespace: "shop", Pod: "web"}); err != nil || !strings.Contains(out, "UH") {
		t.Errorf("the default-container annotation: %q %v", out, err)
	}
	if out, err := logs(t, []string{dir}, LogsOptions{Namespace: "shop", Pod: "web", Container: "app", Previous: true}); err != nil || out != "2025-04-03T11:40:00Z fatal: no DSN\n" {
		t.Errorf("--previous: %q %v", out, err)
	}
	var nf *NotFoundError
	if _, err := logs(t, []string{dir}, LogsOptions{Namespace: "shop", Pod: "web", Container: "istio-proxy", Previous: true}); !errors.As(err, &nf) {
		t.Errorf("no previous log: %v, want NotFoundError", err)
	}
	// Without the Pod object the logs found decide.
	os.RemoveAll(filepath.Join(dir, "resources"))
	if _, err := logs(t, []string{dir}, LogsOptions{Namespace: "shop", Pod: "web"}); !errors.As(err, &ue) || !strings.Contains(err.Error(), "app, istio-proxy") {
		t.Errorf("no pod, two logs: %v", err)
	}
}

func TestLogsSinceAndTail(t *testing.T) {
	dir := logsTree(t, true, nil)
	base := LogsOptions{Namespace: "shop", Pod: "web", Container: "app"}
	for _, tc := range []struct {
		since time.Duration
		tail  int
		want  []string
	}{
		// Collected at 12:00:00.
		{0, -1, []string{"starting", "request one", "continuation", "request two", "three"}},
		{10 * time.Minute, -1, []string{"starting", "request one", "continuation", "request two", "three"}}, // 11:50:00 is in
		{5 * time.Minute, -1, []string{"request one", "continuation", "request two", "three"}},              // the undated line goes with 11:56
		{2 * time.Minute, -1, []string{"request two", "three"}},                                             // ... and out with it
		{30 * time.Second, -1, nil},              // nothing after 11:59:30
		{0, 2, []string{"request two", "three"}}, // the last two lines
		{5 * time.Minute, 1, []string{"three"}},  // --since, then --tail
		{time.Hour, 0, nil},                      // --tail 0
	} {
		o := base
		o.Since, o.Tail = tc.since, tc.tail
		var out bytes.Buffer
		err := Logs(&out, &bytes.Buffer{}, Inputs{Paths: []string{dir}}, o)
		if err != nil {
			t.Fatal(err)
		}
		got := out.String()
		lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
		if got == "" {
			lines = nil
		}
		ok := len(lines) == len(tc.want)
		for i := 0; ok && i < len(lines); i++ {
			ok = strings.Contains(lines[i], tc.want[i])
		}
		if !ok {
			t.Errorf("--since %s --tail %d:\n%s\nwant lines with %q", tc.since, tc.tail, got, tc.want)
		}
	}
}

// TestLogsSinceWithoutManifest: no collection time in the inputs, so the
// log's own newest line stands for it, read in a second pass.
func TestLogsSinceWithoutManifest(t *testing.T) {
	dir := logsTree(t, false, nil)
	out, err := logs(t, []string{dir}, LogsOptions{Namespace: "shop", Pod: "web", Container: "app", Since: 90 * time.Second})
	if err != nil || !strings.Contains(out, "request two") || strings.Contains(out, "request one") {
		t.Errorf("--since without a manifest: %q %v", out, err)
	}
	// An undated log: --since cannot choose, every line is printed.
	out, err = logs(t, []string{dir}, LogsOptions{Namespace: "shop", Pod: "solo", Since: time.Minute})
	if err != nil || out != "untimed a\nuntimed b\n" {
		t.Errorf("undated log with --since: %q %v", out, err)
	}
}

// TestLogsDumpAndLongLines: a cluster-info dump's framed logs.txt, and a
// line over the limit cut, not held.
func TestLogsDumpAndLongLines(t *testing.T) {
	dir := t.TempDir()
	dump := "==== START logs for container app of pod shop/web ====\nline a\n" + strings.Repeat("x", 5000) + "\nline b\n==== END logs for container app of pod shop/web ====\n" +
		"==== START logs for container side of pod shop/web ====\nside line\n==== END logs for container side of pod shop/web ====\n"
	os.MkdirAll(filepath.Join(dir, "shop", "web"), 0o755)
	os.WriteFile(filepath.Join(dir, "shop", "web", "logs.txt"), []byte(dump), 0o644)
	var out bytes.Buffer
	err := Logs(&out, &bytes.Buffer{}, Inputs{Paths: []string{dir}, Limits: bundle.Limits{MaxLineBytes: 1000}},
		LogsOptions{Namespace: "shop", Pod: "web", Container: "app", Tail: -1})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if len(lines) != 4 || lines[0] != "line a" || len(lines[1]) != 1000 || lines[2] != "line b" {
		t.Errorf("dump log with a long line: %d lines, %q", len(lines), out.String()[:min(out.Len(), 80)])
	}
	var ue *UsageError
	if _, err := logs(t, []string{dir}, LogsOptions{Namespace: "shop", Pod: "web"}); !errors.As(err, &ue) || !strings.Contains(err.Error(), "app, side") {
		t.Errorf("dump with two containers, no -c: %v", err)
	}
}
