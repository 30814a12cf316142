package bundle

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// walkAll records what fn sees of every entry.
func walkAll(t *testing.T, walk func(warn func(string, error), fn WalkFunc) error) ([]gotEntry, []string, error) {
	t.Helper()
	var got []gotEntry
	var warns []string
	err := walk(func(p string, err error) { warns = append(warns, err.Error()) }, func(e *Entry) error {
		b, err := io.ReadAll(e.Body)
		if err != nil {
			return err
		}
		got = append(got, gotEntry{e.Path, e.Type.String(), e.Namespace, e.Pod, e.Container, e.Name, e.Previous, string(b)})
		return nil
	})
	return got, warns, err
}

// TestWalkReaderMatchesWalk: a bundle read as a stream gives what the
// same bundle read as a file gives.
func TestWalkReaderMatchesWalk(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "b.tar.zst")
	w, err := Create(p, Manifest{Tool: "t", CreatedAt: testTime})
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"resources/shop/pods.json":         `{"apiVersion":"v1","kind":"PodList","items":[]}`,
		"logs/shop/web-1/istio-proxy.log":  "line\n",
		"proxy/shop/web-1/clusters.json":   `{}`,
		"logs/shop/web-1/app.previous.log": "crash\n",
		"resources/_cluster/nodes.json":    `{"apiVersion":"v1","kind":"NodeList","items":[]}`,
	} {
		if err := w.WriteFile(name, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want, _, err := walkAll(t, func(warn func(string, error), fn WalkFunc) error { return Walk(p, Limits{}, warn, fn) })
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int64{int64(len(data)), -1} {
		got, warns, err := walkAll(t, func(warn func(string, error), fn WalkFunc) error {
			return WalkReader("s3://b/k/b.tar.zst", "b.tar.zst", bytes.NewReader(data), Limits{}, warn, fn)
		})
		if err != nil || len(warns) > 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("size %d: err %v warns %v\n got %v\nwant %v", size, err, warns, got, want)
		}
	}
	// Cut short: the same damaged-stream error a file gives, naming the input.
	err = WalkReader("s3://b/cut.tar.zst", "cut.tar.zst", bytes.NewReader(data[:len(data)/2]), Limits{}, nil, func(e *Entry) error {
		_, err := io.Copy(io.Discard, e.Body)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "s3://b/cut.tar.zst") {
		t.Errorf("truncated: %v", err)
	}
}

func TestWalkReaderSingleFiles(t *testing.T) {
	for name, want := range map[string]string{
		"objs.yaml": "objects", "ingress.log": "log", "dump.txt": "dump-logs",
		"notes": "log", // a name that says nothing: judged by its first bytes, not objects
	} {
		body := "x: 1\n"
		if name == "dump.txt" {
			body = "==== START logs for container c of pod ns/p ====\nhello\n"
		}
		got, _, err := walkAll(t, func(warn func(string, error), fn WalkFunc) error {
			return WalkReader("s3://b/"+name, name, strings.NewReader(body), Limits{}, warn, fn)
		})
		if err != nil || len(got) != 1 || got[0].Type != want || got[0].Body != body || got[0].Path != name {
			t.Errorf("%s: %+v %v, want one %s entry", name, got, err, want)
		}
	}
	// More than the cap, size unknown: stopped while reading.
	err := WalkReader("s3://b/big.log", "big.log", strings.NewReader(strings.Repeat("x", 4096)), Limits{MaxExpandedBytes: 1000}, nil, func(e *Entry) error {
		_, err := io.Copy(io.Discard, e.Body)
		return err
	})
	var le *LimitError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "s3://b/big.log") {
		t.Errorf("cap: %v", err)
	}
}

// TestWalkFiles: a listing read as a directory, opened only when read;
// an unsafe path and a file that cannot be opened are warnings.
func TestWalkFiles(t *testing.T) {
	opened := map[string]int{}
	file := func(p, body string, openErr error) RemoteFile {
		return RemoteFile{Path: p, Size: int64(len(body)), Open: func() (io.ReadCloser, error) {
			opened[p]++
			if openErr != nil {
				return nil, openErr
			}
			return io.NopCloser(strings.NewReader(body + "beyond the size the listing saw")), nil
		}}
	}
	files := []RemoteFile{
		file("docker-inspect.json", `[{"Id":"a"}]`, nil),
		file("logs/shop/web-1/istio-proxy.log", "line\n", nil),
		file("../escape.log", "x", nil),
		file("gone.log", "x", errors.New("no such object")),
		file("skipped.bin", "binary", nil),
	}
	var got []string
	var warns []string
	err := WalkFiles("s3://b/case/", files, Limits{}, func(p string, err error) { warns = append(warns, err.Error()) }, func(e *Entry) error {
		if e.Type == EntryOther {
			return nil // not read: never opened
		}
		b, err := io.ReadAll(e.Body)
		if err != nil {
			return nil // the walker reports the open error itself
		}
		got = append(got, e.Type.String()+" "+e.Path+" "+e.Namespace+"/"+e.Pod+"/"+e.Container+" "+string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`objects docker-inspect.json // [{"Id":"a"}]`, "log logs/shop/web-1/istio-proxy.log shop/web-1/istio-proxy line\n"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries:\n got %q\nwant %q", got, want)
	}
	if len(warns) != 2 || !strings.Contains(warns[0], "escapes") || !strings.Contains(warns[1], `s3://b/case/: entry "gone.log": no such object`) {
		t.Errorf("warnings %q", warns)
	}
	if opened["skipped.bin"] != 0 || opened["../escape.log"] != 0 || opened["docker-inspect.json"] != 1 {
		t.Errorf("opened %v", opened)
	}
}
