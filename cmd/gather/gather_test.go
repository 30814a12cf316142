package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nohealthy/nohealthy/bundle"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

func streams() (genericiooptions.IOStreams, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, &out, &errOut
}

func TestDefaultOutput(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.FixedZone("x", 3600))
	for in, want := range map[string]string{
		"prod-eu":                        "nohealthy-prod-eu-20250304T040607Z.tar.zst",
		"arn:aws:eks:eu-west-1:1:c/prod": "nohealthy-arn-aws-eks-eu-west-1-1-c-prod-20250304T040607Z.tar.zst",
		"":                               "nohealthy-cluster-20250304T040607Z.tar.zst",
		"../../etc":                      "nohealthy-etc-20250304T040607Z.tar.zst",
	} {
		if got := defaultOutput(in, now); got != want {
			t.Errorf("defaultOutput(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-A", "--namespaces", "a"},
		{"--no-such-flag"},
		{"--concurrency", "0"},
		{"extra-arg"},
	} {
		s, _, errOut := streams()
		if code := Main(context.Background(), args, s); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, errOut)
		}
	}
}

func TestFlagsAndDefaults(t *testing.T) {
	s, _, _ := streams()
	cmd := NewCommand(s)
	for _, f := range []string{"kubeconfig", "context", "namespace", "all-namespaces", "request-timeout", "as", "output",
		"since", "tail", "max-log-bytes", "namespaces", "exclude-namespaces", "no-logs", "no-proxy-admin", "redact-only"} {
		if cmd.Flags().Lookup(f) == nil {
			t.Errorf("flag --%s missing", f)
		}
	}
	if got := cmd.Flags().Lookup("since").DefValue; got != "24h0m0s" {
		t.Errorf("--since default %s", got)
	}
	if got := cmd.Flags().Lookup("max-log-bytes").DefValue; got != "5242880" {
		t.Errorf("--max-log-bytes default %s", got)
	}
}

// An unreachable API server: clear error, exit 1, no file at all.
func TestUnreachableServer(t *testing.T) {
	dir := t.TempDir()
	kc := filepath.Join(dir, "kc")
	os.WriteFile(kc, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: x}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`), 0o600)
	out := filepath.Join(dir, "b.tar.zst")
	s, _, errOut := streams()
	code := Main(context.Background(), []string{"--kubeconfig", kc, "--retries", "1", "-o", out}, s)
	if code != exitFailed || !strings.Contains(errOut.String(), "cannot reach the API server") {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("files left behind: %v", ents)
	}
}

func TestRedactOnly(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "old.tar.zst")
	w, err := bundle.Create(in, bundle.Manifest{Tool: "nohealthy gather", ToolVersion: "old"})
	if err != nil {
		t.Fatal(err)
	}
	const pw, tok = "OldBundlePw-123", "OldBundleBearerToken-abcdef"
	w.WriteFile(bundle.ResourcePath("a", "pods"), []byte(`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"a"},"spec":{"containers":[{"name":"c","env":[{"name":"DB_PASSWORD","value":"`+pw+`"}]}]}}]}`))
	w.WriteFile(bundle.LogPath("a", "p", "c", false), []byte("GET / Authorization: Bearer "+tok+"\nok\n"))
	w.AddCollector(bundle.CollectorStatus{Name: "pods", Status: bundle.StatusOK, Count: 1})
	w.AddCollector(bundle.CollectorStatus{Name: "logs", Status: bundle.StatusForbidden, Message: "forbidden"})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "new.tar.zst")
	s, _, errOut := streams()
	if code := Main(context.Background(), []string{"--redact-only", in, "-o", out}, s); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var all bytes.Buffer
	var sawIndex bool
	err = bundle.Walk(out, bundle.Limits{}, nil, func(e *bundle.Entry) error {
		b, _ := io.ReadAll(e.Body)
		all.Write(b)
		if e.Type == bundle.EntryIndex {
			sawIndex = strings.Contains(string(b), `"forbidden"`)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{pw, tok} {
		if strings.Contains(all.String(), s) {
			t.Errorf("%s survived --redact-only", s)
		}
	}
	if !sawIndex {
		t.Errorf("collector statuses were not carried over")
	}
	if !strings.Contains(all.String(), `"redactions"`) {
		t.Errorf("manifest lists no redactions")
	}
}
