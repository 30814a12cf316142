package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/nohealthy/nohealthy/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/bundle"
	"github.com/nohealthy/nohealthy/internal/testgen/bundlepack"
	"github.com/nohealthy/nohealthy/internal/testgen/dumpconv"
	"github.com/nohealthy/nohealthy/internal/visible"
)

// The -update flag rewrites the golden files of this package's tests. It
// is registered in init, after any package-level flag of the same name
// another test file may declare, so that both can exist.
// checkGolden compares got with testdata/<name>, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), []byte(got), "go test ./cmd/analyze -update")
}

// inputForms writes a corpus case's bundle directory in the other forms
// analyze reads: a .tar.zst made by the bundle writer, a `kubectl
// cluster-info dump` tree, and loose kubectl output (every object in one
// YAML List, the logs under logs/).
func inputForms(t *testing.T, dir string) map[string]string {
	t.Helper()
	tmp := t.TempDir()
	forms := map[string]string{"dir": dir, "tar": filepath.Join(tmp, "bundle.tar.zst"), "dump": filepath.Join(tmp, "dump"), "loose": filepath.Join(tmp, "loose")}
	packBundle(t, dir, forms["tar"])
	if err := dumpconv.ToClusterInfoDump(dir, forms["dump"]); err != nil {
		t.Fatalf("dumpconv: %v", err)
	}
	looseKubectl(t, dir, forms["loose"])
	return forms
}

// packBundle writes dir as a .tar.zst with the bundle writer, as gather
// would (manifest first, index last, log frames).
func packBundle(t *testing.T, dir, out string) {
	t.Helper()
	if err := bundlepack.Pack(dir, out); err != nil {
		t.Fatal(err)
	}
}

// looseKubectl writes every object of dir into one `kubectl get -o yaml`
// List (objects.yaml), and copies the logs/ tree beside it.
func looseKubectl(t *testing.T, dir, out string) {
	t.Helper()
	var items []json.RawMessage
	err := bundle.Walk(dir, bundle.Limits{}, nil, func(e *bundle.Entry) error {
		switch e.Type {
		case bundle.EntryObjects:
			return bundle.DecodeObjects(e.Path, e.Body, bundle.Limits{}, func(o bundle.Object) error {
				items = append(items, append(json.RawMessage(nil), o.Raw...))
				return nil
			})
		case bundle.EntryLog:
			dst := filepath.Join(out, filepath.FromSlash(e.Path))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			data, err := readAll(e)
			if err != nil {
				return err
			}
			return os.WriteFile(dst, data, 0o644)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	list, err := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "List", "items": items})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	// JSON is YAML: a .yaml name makes the reader take the YAML path.
	if err := os.WriteFile(filepath.Join(out, "objects.yaml"), list, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readAll(e *bundle.Entry) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(e.Body)
	return b.Bytes(), err
}

// browseCase is a corpus case and the commands run on it.
type browseCase struct {
	name     string
	commands [][]string
}

var browseCases = []browseCase{
	{"10-crash-loop", [][]string{
		{"get", "pods", "-A"},
		{"get", "all", "-n", "payments", "-o", "wide"},
		{"get", "ev", "-n", "payments"},
		{"get", "deploy/ledger", "-n", "payments", "-o", "yaml"},
		{"get", "pods", "-n", "payments", "-l", "app=ledger", "-o", "name"},
		{"describe", "pod/ledger-lzmfkwvchl-c5pzw", "-n", "payments"},
		{"describe", "deploy", "ledger", "-n", "payments"},
		{"describe", "rs/ledger-lzmfkwvchl", "-n", "payments"},
		{"logs", "payments/ledger-lzmfkwvchl-c5pzw", "--previous"},
		{"logs", "istio-system/istio-ingressgateway-tt7pcclhk8-9xmg2", "--since", "2m", "--tail", "3"},
	}},
	{"21-subset-no-pods", [][]string{
		{"get", "vs,dr,gateway", "-A"},
		{"get", "svc,ep,endpointslices", "-n", "shop", "-o", "wide"},
		{"get", "dr/reviews", "-n", "shop", "-o", "json"},
		{"get", "nodes", "-o", "wide", "--show-labels"},
		{"describe", "svc/reviews", "-n", "shop"},
		{"describe", "dr/reviews", "-n", "shop"},
		{"describe", "node/worker-1"},
	}},
	{"23-destination-host-unknown", [][]string{
		{"get", "se,vs", "-n", "media"},
		{"describe", "se", "-n", "media", "--", "", ""},
	}},
	{"03-healthy-ingress-nginx", [][]string{
		{"get", "ing,ingressclass", "-A"},
		{"describe", "ing/payments-api", "-n", "payments"},
	}},
	{"08-scaled-to-zero-keda-haproxy", [][]string{
		{"get", "scaledobjects,deploy", "-n", "media"},
		{"describe", "scaledobject/transcoder", "-n", "media"},
	}},
	{"31-network-policy-sidecar", [][]string{
		{"get", "netpol", "-A", "-o", "wide"},
		{"describe", "networkpolicy/billing-ingress", "-n", "billing"},
	}},
	{"26-mtls-mismatch", [][]string{
		{"get", "pa,dr", "-A"},
		{"get", "peerauthentications.security.istio.io", "-n", "payments", "-o", "yaml"},
		{"describe", "endpointslices", "-n", "payments", "--", "", ""},
		{"logs", "payments/ledger-8mhnzsl7gr-n9zwv", "-c", "istio-proxy", "--tail", "2"},
	}},
}

// transcript runs the commands on one input and writes what a terminal
// would show: each command line, its stdout, its stderr and exit status.
func transcript(t *testing.T, input string, commands [][]string) string {
	t.Helper()
	var b strings.Builder
	for _, args := range commands {
		args = resolveArgs(t, input, args)
		full := append(cloneArgs(args), input)
		r := run(t, hooks{}, false, full...)
		fmt.Fprintf(&b, "$ analyze %s INPUT\n%s", strings.Join(args, " "), r.stdout)
		if r.stderr != "" {
			fmt.Fprintf(&b, "[stderr] %s", r.stderr)
		}
		fmt.Fprintf(&b, "[exit %d]\n\n", r.code)
	}
	return b.String()
}

func cloneArgs(s []string) []string { return append([]string(nil), s...) }

// resolveArgs fills the "--", "", "" placeholder of a describe command
// with the first object `get -o name` lists, so a case can describe an
// object whose name it does not spell.
func resolveArgs(t *testing.T, input string, args []string) []string {
	i := indexOf(args, "--")
	if i < 0 {
		return args
	}
	get := append([]string{"get", args[1], "-o", "name"}, args[2:i]...)
	r := run(t, hooks{}, false, append(get, input)...)
	first, _, _ := strings.Cut(r.stdout, "\n")
	if first == "" {
		t.Fatalf("%v: nothing to describe: %s", get, r.stderr)
	}
	out := append([]string{args[0], first}, args[2:i]...)
	return out
}

func indexOf(s []string, x string) int {
	for i, v := range s {
		if v == x {
			return i
		}
	}
	return -1
}

// TestBrowseCorpusInEveryForm runs get, describe and logs over corpus
// cases in each input form. The directory's transcript is the golden
// file; the .tar.zst, read by the bundle writer's layout, must say the
// same, byte for byte. The cluster-info dump and loose kubectl forms have
// no manifest, so their times count from the newest event: their own
// golden files; what they list (-o name, yaml) must not differ.
func TestBrowseCorpusInEveryForm(t *testing.T) {
	for _, bc := range browseCases {
		t.Run(bc.name, func(t *testing.T) {
			dir := filepath.Join("..", "..", "testdata", "bundles", bc.name, "bundle")
			forms := inputForms(t, dir)
			got := map[string]string{}
			for _, form := range []string{"dir", "tar", "dump", "loose"} {
				got[form] = strings.ReplaceAll(transcript(t, forms[form], bc.commands), forms[form], "INPUT")
			}
			checkGolden(t, filepath.Join("browse", bc.name+".golden"), got["dir"])
			if got["tar"] != got["dir"] {
				t.Errorf(".tar.zst and directory differ:\n%s", golden.FirstDiff(got["dir"], got["tar"]))
			}
			checkGolden(t, filepath.Join("browse", bc.name+".dump.golden"), got["dump"])
			checkGolden(t, filepath.Join("browse", bc.name+".loose.golden"), got["loose"])
			for _, form := range []string{"dump", "loose"} {
				for _, args := range bc.commands {
					if !(indexOf(args, "name") > 0 || indexOf(args, "yaml") > 0 || indexOf(args, "json") > 0) {
						continue
					}
					want := run(t, hooks{}, false, append(cloneArgs(args), forms["dir"])...).stdout
					if out := run(t, hooks{}, false, append(cloneArgs(args), forms[form])...).stdout; out != want {
						t.Errorf("%s: %v differs from the directory's:\n%s", form, args, golden.FirstDiff(want, out))
					}
				}
			}
		})
	}
}

// TestBrowseExitStatus: kubectl's habits for what is not there, usage
// errors, and the help of each command.
func TestBrowseExitStatus(t *testing.T) {
	in := filepath.Join("..", "..", "testdata", "bundles", "10-crash-loop", "bundle")
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"get", "pods", "-n", "nowhere", in}, exitOK, "No resources found in nowhere namespace."},
		{[]string{"get", "pod/nope", "-n", "payments", in}, exitFailing, `pods "nope" not found in namespace "payments"`},
		{[]string{"get", "pdos", in}, exitUsage, `no resource type "pdos"`},
		{[]string{"get", "pods", "-l", "a in (", in}, exitUsage, "-l"},
		{[]string{"get", "pods", "-o", "table", in}, exitUsage, `invalid -o "table"`},
		{[]string{"get", "pods"}, exitUsage, "no INPUT given"},
		{[]string{"get", "pods", "missing.tar.zst"}, exitUsage, "missing.tar.zst: no such file or directory"},
		{[]string{"get", "pods", "web", in}, exitUsage, `"web" is no input: to name an object write pods/web`},
		{[]string{"describe", "pods", in}, exitUsage, "describe needs a name"},
		{[]string{"describe", "svc/nope", "-n", "payments", in}, exitFailing, `services "nope" not found`},
		{[]string{"logs", "payments/ledger-lzmfkwvchl-c5pzw", in}, exitFailing, "no log of container ledger"},
		{[]string{"logs", "payments/payments-api-gt6txgjnv4-2qz7m", "-c", "nope", in}, exitFailing, "no log of container nope"},
		{[]string{"logs", "payments/nope", in}, exitFailing, "no log of that pod"},
		{[]string{"logs", "payments/x", "--tail", "-2", in}, exitUsage, "--tail -2"},
		{[]string{"logs", "payments/x", "--since", "bogus", in}, exitUsage, "invalid argument"},
	} {
		r := run(t, hooks{}, false, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, r.code, r.stderr, tc.code, tc.stderr)
		}
	}
	for _, c := range []string{"get", "describe", "logs", "diff"} {
		r := run(t, hooks{}, false, c, "--help")
		if r.code != exitOK || !strings.Contains(r.stdout, "Examples:") || !strings.Contains(r.stdout, "Exit status:") {
			t.Errorf("%s --help: exit %d, no examples or exit status:\n%s", c, r.code, r.stdout)
		}
	}
}

// TestBrowseTerminalSafe: names, labels, annotations, event messages and
// log lines that carry escape sequences reach the output made visible, in
// every command and format.
func TestBrowseTerminalSafe(t *testing.T) {
	dir := t.TempDir()
	const evil = "\x1b]0;pwned\x07\x1b[2J\r\u009b31m\u202e"
	pod := map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{
		"name": "web", "namespace": "shop", "labels": map[string]string{"app": "x" + evil},
		"annotations": map[string]string{"note": evil}, "creationTimestamp": "2025-01-01T00:00:00Z"},
		"spec":   map[string]any{"nodeName": "n" + evil, "containers": []any{map[string]any{"name": "web", "image": "img" + evil}}},
		"status": map[string]any{"phase": "Running", "reason": evil}}
	event := map[string]any{"apiVersion": "v1", "kind": "Event", "metadata": map[string]any{"name": "web.1", "namespace": "shop"},
		"involvedObject": map[string]any{"kind": "Pod", "name": "web", "namespace": "shop"}, "reason": "Bad" + evil,
		"message": "msg" + evil, "type": "Warning", "lastTimestamp": "2025-01-01T00:01:00Z", "firstTimestamp": "2025-01-01T00:01:00Z", "count": 2}
	secret := map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "creds", "namespace": "shop",
		"annotations": map[string]string{"kubectl.kubernetes.io/last-applied-configuration": `{"data":{"password":"c2VjcmV0"}}`}},
		"type": "Opaque", "data": map[string]string{"password": "c2VjcmV0LXZhbHVl"}, "stringData": map[string]string{"token": "plain-secret-value"}}
	list, _ := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "List", "items": []any{pod, event, secret}})
	if err := os.WriteFile(filepath.Join(dir, "objects.json"), list, 0o644); err != nil {
		t.Fatal(err)
	}
	logDir := filepath.Join(dir, "logs", "shop", "web")
	os.MkdirAll(logDir, 0o755)
	os.WriteFile(filepath.Join(logDir, "web.log"), []byte("2025-01-01T00:00:30Z GET /"+evil+" 503\n\x1b[31mred\x1b[0m\n"), 0o644)
	for _, args := range [][]string{
		{"get", "pods", "-n", "shop", "-o", "wide", "--show-labels"},
		{"get", "pods", "-A", "-o", "yaml"},
		{"get", "pods", "-A", "-o", "json"},
		{"get", "ev", "-A", "-o", "wide"},
		{"get", "pods", "-A", "-o", "name"},
		{"describe", "pod/web", "-n", "shop"},
		{"logs", "shop/web"},
		{"get", "secrets", "-n", "shop", "-o", "yaml"},
		{"get", "secrets", "-n", "shop", "-o", "json"},
		{"describe", "secret/creds", "-n", "shop"},
	} {
		r := run(t, hooks{}, false, append(args, dir)...)
		if r.code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
		for _, out := range []string{r.stdout, r.stderr} {
			for _, line := range strings.Split(out, "\n") {
				if !visible.Safe(line, false) {
					t.Errorf("%v: output line carries a control character: %q", args, line)
				}
			}
			for _, secretText := range []string{"c2VjcmV0LXZhbHVl", "secret-value", "plain-secret-value", "c2VjcmV0"} {
				if strings.Contains(out, secretText) {
					t.Errorf("%v: a Secret's value is shown: %q in\n%s", args, secretText, out)
				}
			}
		}
	}
}
