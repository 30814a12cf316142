package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/internal/bytesize"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

func streams() (genericiooptions.IOStreams, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, &out, &errOut
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-A", "--namespaces", "a"},
		{"--no-such-flag"},
		{"--concurrency", "0"},
		{"extra-arg"},
		{"--max-log-bytes", "10MB"},
		{"--max-log-bytes", "-1"},
		{"--tail"},
		{"--progress", "loud"},
		{"-o", "out.tar.gz"},
		{"-o", "bundle"},
		{"-o", "dir/"},
		{"-o", ".tar.zst"},
		{"--since", "1h", "--since-time", "2026-01-02T03:04:05Z"},
		{"--since-time", "yesterday"},
		{"--since", "-1h"},
		{"--timeout", "-1s"},
		{"-l", "app in (a"},
		{"-o", "-", "--analyze"},
	} {
		s, out, errOut := streams()
		if code := Main(context.Background(), args, s); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, errOut)
		}
		if !strings.HasPrefix(errOut.String(), "gather: ") || !strings.Contains(errOut.String(), "Run 'nohealthy-gather --help' for usage.") {
			t.Errorf("%v: stderr %q lacks the error or the --help hint", args, errOut)
		}
		if out.Len() != 0 {
			t.Errorf("%v: stdout %q, want nothing", args, out)
		}
	}
}

// --max-log-bytes takes the size forms analyze's size flags take.
func TestMaxLogBytesForms(t *testing.T) {
	for in, want := range map[string]int64{"10Mi": 10 << 20, "5000000": 5e6, "1G": 1e9, "0": 0} {
		s, _, _ := streams()
		cmd := NewCommand(s)
		if err := cmd.ParseFlags([]string{"--max-log-bytes", in}); err != nil {
			t.Errorf("--max-log-bytes %s: %v", in, err)
			continue
		}
		got, err := bytesize.Parse(cmd.Flags().Lookup("max-log-bytes").Value.String())
		if err != nil || got != want {
			t.Errorf("--max-log-bytes %s holds %d (%v), want %d", in, got, err, want)
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
	if got := cmd.Flags().Lookup("max-log-bytes").DefValue; got != "5Mi" {
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

// --redact-only rewrites a bundle without a cluster (what the rewrite does
// is collect.RedactBundle's test) and prints the path it wrote.
func TestRedactOnly(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "old.tar.zst")
	w, err := bundle.Create(in, bundle.Manifest{Tool: "nohealthy gather", ToolVersion: "old"})
	if err != nil {
		t.Fatal(err)
	}
	w.WriteFile(bundle.LogPath("a", "p", "c", false), []byte("GET / Authorization: Bearer OldBundleBearerToken-abcdef\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "new.tar.zst")
	s, stdout, errOut := streams()
	if code := Main(context.Background(), []string{"--redact-only", in, "-o", out}, s); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if stdout.String() != out+"\n" || !strings.Contains(errOut.String(), "re-redacted 1 entries of "+in) {
		t.Errorf("stdout %q, stderr %q", stdout, errOut)
	}
	if _, err := os.Stat(out); err != nil {
		t.Error(err)
	}

	// Not a bundle: exit 1 and the file named.
	s, _, errOut = streams()
	if code := Main(context.Background(), []string{"--redact-only", filepath.Join(dir, "missing.tar.zst")}, s); code != exitFailed || !strings.Contains(errOut.String(), "missing.tar.zst") {
		t.Errorf("missing input: exit %d, stderr %q", code, errOut)
	}
}

// A name that promises another format is refused with the name to use.
func TestBundleNames(t *testing.T) {
	for name, ok := range map[string]bool{
		"a.tar.zst": true, "dir/a.tzst": true, "/tmp/x/incident.tar.zst": true,
		"a.tar.gz": false, "a.zip": false, "a": false, "a.tar": false, "a.zst": false, ".tar.zst": false, "dir/.tzst": false,
	} {
		err := checkBundleName("-o", name)
		if (err == nil) != ok {
			t.Errorf("%s: %v", name, err)
		}
		if err != nil && !strings.Contains(err.Error(), ".tar.zst") {
			t.Errorf("%s: the message does not say what to name it: %v", name, err)
		}
	}
	if err := checkBundleName("-o", "shop.tar.gz"); err == nil || !strings.Contains(err.Error(), "shop.tar.zst") {
		t.Errorf("shop.tar.gz: %v", err)
	}
}

// -o - refuses to write binary to a terminal.
func TestStdoutTerminalRefused(t *testing.T) {
	s, _, errOut := streams()
	o := NewOptions(s)
	o.Output = "-"
	o.IsTerminal = func(io.Writer) bool { return true }
	if _, _, err := o.config(); err == nil || !strings.Contains(err.Error(), "terminal") {
		t.Errorf("-o - to a terminal: %v %s", err, errOut)
	}
	o.IsTerminal = func(io.Writer) bool { return false }
	if _, toStdout, err := o.config(); err != nil || !toStdout {
		t.Errorf("-o - to a pipe: %v %v", toStdout, err)
	}
}

// version and --version print the same line; -v is kubectl's verbosity,
// not the version.
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		s, out, errOut := streams()
		if code := Main(context.Background(), args, s); code != exitOK {
			t.Fatalf("%v: exit %d %s", args, code, errOut)
		}
		if want := "nohealthy-gather " + version + " ("; !strings.HasPrefix(out.String(), want) || strings.Count(out.String(), "\n") != 1 {
			t.Errorf("%v: %q, want one line starting %q", args, out, want)
		}
	}
	s, _, _ := streams()
	cmd := NewCommand(s)
	if f := cmd.Flags().ShorthandLookup("v"); f == nil || f.Name != "v" {
		t.Errorf("-v is %+v, want kubectl's log level", f)
	}
}

// Flag values complete: fixed choices, kubeconfig contexts and
// namespaces, bundle files.
func TestCompletion(t *testing.T) {
	dir := t.TempDir()
	kc := filepath.Join(dir, "kc")
	os.WriteFile(kc, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c1, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u1, user: {token: x}}]
contexts:
- {name: prod-eu, context: {cluster: c1, user: u1, namespace: shop}}
- {name: staging, context: {cluster: c1, user: u1, namespace: bookinfo}}
current-context: prod-eu
`), 0o600)
	complete := func(args ...string) string {
		s, out, errOut := streams()
		if code := Main(context.Background(), append([]string{"__complete"}, args...), s); code != exitOK {
			t.Fatalf("%v: exit %d %s", args, code, errOut)
		}
		return out.String()
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--progress", ""}, []string{"auto\n", "live\n", "plain\n", "none\n", ":4\n"}},
		{[]string{"--kubeconfig", kc, "--context", ""}, []string{"prod-eu\n", "staging\n"}},
		{[]string{"--kubeconfig", kc, "--context", "st"}, []string{"staging\n"}},
		{[]string{"--kubeconfig", kc, "-n", ""}, []string{"bookinfo\n", "shop\n"}},
		{[]string{"--kubeconfig", kc, "--namespaces", "shop,b"}, []string{"shop,bookinfo\n"}},
		{[]string{"-o", ""}, []string{"tar.zst\n", ":8\n"}},
	} {
		got := complete(c.args...)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("__complete %v: %q lacks %q", c.args, got, w)
			}
		}
	}
	s, out, _ := streams()
	if code := Main(context.Background(), []string{"completion", "bash"}, s); code != exitOK || !strings.Contains(out.String(), "nohealthy-gather") {
		t.Errorf("completion bash: exit %d, script does not complete nohealthy-gather", code)
	}
}
