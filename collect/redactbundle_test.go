package collect

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nohealthy/nohealthy/bundle"
)

// oldBundle writes a bundle made before the current redaction rules: a
// password in an env value and a bearer token in a log line, stored clear.
func oldBundle(t *testing.T, path string) (secrets []string) {
	t.Helper()
	w, err := bundle.Create(path, bundle.Manifest{Tool: "nohealthy gather", ToolVersion: "old"})
	if err != nil {
		t.Fatal(err)
	}
	const pw, tok = "OldBundlePw-123", "OldBundleBearerToken-abcdef"
	if err := w.WriteFile(bundle.ResourcePath("a", "pods"), []byte(`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"a"},"spec":{"containers":[{"name":"c","env":[{"name":"DB_PASSWORD","value":"`+pw+`"}]}]}}]}`)); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFile(bundle.LogPath("a", "p", "c", false), []byte("GET / Authorization: Bearer "+tok+"\nok\n")); err != nil {
		t.Fatal(err)
	}
	w.AddCollector(bundle.CollectorStatus{Name: "pods", Status: bundle.StatusOK, Count: 1})
	w.AddCollector(bundle.CollectorStatus{Name: "logs", Status: bundle.StatusForbidden, Message: "forbidden"})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return []string{pw, tok}
}

func readBundle(t *testing.T, path string) (all string, manifest, index []byte) {
	t.Helper()
	var b strings.Builder
	err := bundle.Walk(path, bundle.Limits{}, nil, func(e *bundle.Entry) error {
		data, err := io.ReadAll(e.Body)
		b.Write(data)
		switch e.Type {
		case bundle.EntryManifest:
			manifest = data
		case bundle.EntryIndex:
			index = data
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String(), manifest, index
}

func TestRedactBundle(t *testing.T) {
	for _, inPlace := range []bool{false, true} {
		dir := t.TempDir()
		in := filepath.Join(dir, "old.tar.zst")
		secrets := oldBundle(t, in)
		out := filepath.Join(dir, "new.tar.zst")
		if inPlace {
			out = in
		}
		now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
		n, err := RedactBundle(in, out, nil, now, nil)
		if err != nil {
			t.Fatalf("in place %v: %v", inPlace, err)
		}
		if n != 2 {
			t.Errorf("in place %v: %d entries rewritten, want 2", inPlace, n)
		}
		all, manifest, index := readBundle(t, out)
		for _, s := range secrets {
			if strings.Contains(all, s) {
				t.Errorf("in place %v: %s survived", inPlace, s)
			}
		}
		if !bytes.Contains(index, []byte(`"forbidden"`)) {
			t.Errorf("in place %v: collector statuses were not carried over: %s", inPlace, index)
		}
		var m bundle.Manifest
		if err := json.Unmarshal(manifest, &m); err != nil {
			t.Fatal(err)
		}
		if len(m.Redactions) == 0 || m.Options["redactedAgainAt"] != "2025-03-04T05:06:07Z" || m.ToolVersion != "old" {
			t.Errorf("in place %v: manifest lacks the rules or the time, or lost the tool version: %s", inPlace, manifest)
		}
		if !inPlace {
			if all, _, _ := readBundle(t, in); !strings.Contains(all, secrets[0]) {
				t.Errorf("the input was changed although -o named another file")
			}
		}
	}
}

// A file that is not a bundle: an error naming it, and no output left.
func TestRedactBundleNotABundle(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "notes.tar.zst")
	if err := os.WriteFile(in, []byte("not zstd"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.tar.zst")
	if _, err := RedactBundle(in, out, nil, time.Now(), nil); err == nil || !strings.Contains(err.Error(), "notes.tar.zst") {
		t.Fatalf("err = %v, want one naming the input", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("files left behind: %v", ents)
	}
}

func TestDefaultBundleName(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.FixedZone("x", 3600))
	for in, want := range map[string]string{
		"prod-eu":                        "nohealthy-prod-eu-20250304T040607Z.tar.zst",
		"arn:aws:eks:eu-west-1:1:c/prod": "nohealthy-arn-aws-eks-eu-west-1-1-c-prod-20250304T040607Z.tar.zst",
		"":                               "nohealthy-cluster-20250304T040607Z.tar.zst",
		"../../etc":                      "nohealthy-etc-20250304T040607Z.tar.zst",
	} {
		if got := DefaultBundleName(in, now); got != want {
			t.Errorf("DefaultBundleName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResultNames(t *testing.T) {
	r := Result{Collectors: []bundle.CollectorStatus{
		{Name: "pods", Status: bundle.StatusOK},
		{Name: "logs", Namespace: "shop", Status: bundle.StatusForbidden},
		{Name: "nodes", Status: bundle.StatusForbidden},
		{Name: "proxy-admin", Status: bundle.StatusFailed},
	}}
	if got := strings.Join(r.Names(bundle.StatusForbidden), ","); got != "logs(shop),nodes" {
		t.Errorf("forbidden = %s", got)
	}
	if got := strings.Join(r.Names(bundle.StatusSkipped), ","); got != "" {
		t.Errorf("skipped = %s", got)
	}
}
