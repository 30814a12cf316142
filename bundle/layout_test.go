package bundle

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClassifyPathLayouts(t *testing.T) {
	type want struct {
		t                 EntryType
		layout            string
		ns, pod, c        string
		prev              bool
		listing           string // "res@ns", "res@*" for AnyNamespace
		reason, collector string
		compression       string
	}
	for _, tc := range []struct {
		p string
		w want
	}{
		// gather
		{"manifest.json", want{t: EntryManifest, layout: LayoutGather}},
		{"logs/ns/p/c.previous.log", want{t: EntryLog, layout: LayoutGather, ns: "ns", pod: "p", c: "c", prev: true}},
		{"logs/ns/p/c.log.1", want{t: EntryLog, layout: LayoutGather, ns: "ns", pod: "p", c: "c"}},
		{"logs/ns/p/c.log.2.gz", want{t: EntryLog, layout: LayoutGather, ns: "ns", pod: "p", c: "c", compression: "gzip"}},
		{"resources/shop/pods.json", want{t: EntryObjects, layout: LayoutGather}},
		// cluster-info dump
		{"dump/shop/pods.json", want{t: EntryObjects, layout: LayoutClusterInfoDump, listing: "pods@shop"}},
		{"dump/nodes.json", want{t: EntryObjects, layout: LayoutClusterInfoDump, listing: "nodes@"}},
		{"dump/shop/web-1/logs.txt", want{t: EntryDumpLogs, layout: LayoutClusterInfoDump, ns: "shop", pod: "web-1"}},
		// istioctl bug-report
		{"bug-report/cluster/k8s-resources", want{t: EntryObjects, layout: LayoutBugReport, listing: "pods@*"}},
		{"bug-report/cluster/crs", want{t: EntryObjects, layout: LayoutBugReport, listing: "@*"}},
		{"bug-report/cluster/cluster-context", want{t: EntryClusterContext, layout: LayoutBugReport}},
		{"bug-report/cluster/events", want{t: EntryOther, layout: LayoutBugReport, reason: "not used by analyze"}},
		{"bug-report/cluster/secrets", want{t: EntryOther, layout: LayoutBugReport, reason: "secrets are never read"}},
		{"bug-report/proxies/shop/gw-1/istio-proxy.log", want{t: EntryBugReportLog, layout: LayoutBugReport, ns: "shop", pod: "gw-1", c: "istio-proxy"}},
		{"bug-report/proxies/shop/gw-1/clusters", want{t: EntryProxyAdmin, layout: LayoutBugReport, ns: "shop", pod: "gw-1"}},
		{"bug-report/proxies/shop/gw-1/config_dump?include_eds", want{t: EntryOther, layout: LayoutBugReport, reason: "not used by analyze"}},
		{"bug-report/proxies/shop/gw-1/stats/prometheus", want{t: EntryOther, layout: LayoutBugReport, reason: "not used by analyze"}},
		{"bug-report/istio/istio-system/istiod-1/discovery.log", want{t: EntryBugReportLog, layout: LayoutBugReport, ns: "istio-system", pod: "istiod-1", c: "discovery"}},
		{"bug-report/istio/istio-system/istiod-1/debug/syncz", want{t: EntryOther, layout: LayoutBugReport, reason: "istiod debug"}},
		{"bug-report/analyze/allNamespaces/allNamespaces", want{t: EntryOther, layout: LayoutBugReport, reason: "istioctl analyze"}},
		{"bug-report/versions", want{t: EntryOther, layout: LayoutBugReport, reason: "not used"}},
		// must-gather
		{"mg/x/namespaces/shop/core/pods.yaml", want{t: EntryObjects, layout: LayoutMustGather, listing: "pods@shop"}},
		{"mg/x/namespaces/shop/apps/deployments.yaml", want{t: EntryObjects, layout: LayoutMustGather, listing: "deployments.apps@shop"}},
		{"mg/x/namespaces/shop/networking.istio.io/virtualservices/reviews.yaml", want{t: EntryObjects, layout: LayoutMustGather}},
		{"mg/x/namespaces/shop/pods/web-1/web-1.yaml", want{t: EntryObjects, layout: LayoutMustGather}},
		{"mg/x/namespaces/shop/shop.yaml", want{t: EntryObjects, layout: LayoutMustGather}},
		{"mg/x/namespaces/shop/pods/web-1/web/web/logs/current.log", want{t: EntryLog, layout: LayoutMustGather, ns: "shop", pod: "web-1", c: "web"}},
		{"mg/x/namespaces/shop/pods/web-1/web/web/logs/previous.insecure.log", want{t: EntryLog, layout: LayoutMustGather, ns: "shop", pod: "web-1", c: "web", prev: true}},
		{"mg/x/namespaces/shop/pods/web-1/web/web/logs/rotated/0.log.20240101-000000.gz", want{t: EntryLog, layout: LayoutMustGather, ns: "shop", pod: "web-1", c: "web", compression: "gzip"}},
		{"mg/x/cluster-scoped-resources/core/nodes.yaml", want{t: EntryObjects, layout: LayoutMustGather, listing: "nodes@"}},
		{"mg/x/cluster-scoped-resources/core/nodes/n1.yaml", want{t: EntryObjects, layout: LayoutMustGather}},
		{"mg/x/timestamp", want{t: EntryOther, layout: LayoutMustGather, reason: "not used"}},
		// support-bundle
		{"sb/cluster-resources/pods/shop.json", want{t: EntryObjects, layout: LayoutSupportBundle, listing: "pods@shop"}},
		{"sb/cluster-resources/deployments/shop.json", want{t: EntryObjects, layout: LayoutSupportBundle, listing: "deployments.apps@shop"}},
		{"sb/cluster-resources/nodes.json", want{t: EntryObjects, layout: LayoutSupportBundle, listing: "nodes@"}},
		{"sb/cluster-resources/pods/logs/shop/web-1/web.log", want{t: EntryLog, layout: LayoutSupportBundle, ns: "shop", pod: "web-1", c: "web"}},
		{"sb/cluster-resources/pods/logs/shop/web-1/web-previous.log", want{t: EntryLog, layout: LayoutSupportBundle, ns: "shop", pod: "web-1", c: "web", prev: true}},
		{"sb/cluster-resources/pods/logs/shop/web-1/web-logs-errors.log", want{t: EntryCollectorErrors, layout: LayoutSupportBundle, ns: "shop", pod: "web-1", c: "web", collector: "logs"}},
		{"sb/cluster-resources/endpointslices-errors.json", want{t: EntryCollectorErrors, layout: LayoutSupportBundle, collector: "endpointslices.discovery.k8s.io"}},
		{"sb/cluster-resources/custom-resources/virtualservices.networking.istio.io/shop.json", want{t: EntryObjects, layout: LayoutSupportBundle}},
		{"sb/cluster-resources/auth-cani-list/shop.json", want{t: EntryOther, layout: LayoutSupportBundle, reason: "not used"}},
		{"sb/cluster-resources/mystery/x.bin", want{t: EntryOther, layout: LayoutSupportBundle, reason: "unknown layout"}},
		// loose, archives, compression
		{"objs.yaml", want{t: EntryObjects}},
		{"gw.txt", want{t: EntryLog}},
		{"access.log-20240102", want{t: EntryLog}},
		{"objs.json.zst", want{t: EntryObjects, compression: "zstd"}},
		{"README", want{t: EntryOther, reason: "unknown layout"}},
		{"ticket/b.tar.gz", want{t: EntryArchive, compression: "gzip"}},
		{"ticket/b.TGZ", want{t: EntryArchive, compression: "gzip"}},
		{"ticket/b.zip", want{t: EntryArchive, compression: "zip"}},
		{"ticket/b.tar", want{t: EntryArchive}},
		{"ticket/b.tar.xz", want{t: EntryOther, reason: "unsupported compression: xz"}},
		{"ticket/b.7z", want{t: EntryOther, reason: "unsupported compression: 7-Zip"}},
	} {
		c := ClassifyPath(tc.p)
		listing := ""
		if c.Listing != nil {
			ns := c.Listing.Namespace
			if c.Listing.AnyNamespace {
				ns = "*"
			}
			res := ""
			if len(c.Listing.Resources) > 0 {
				res = c.Listing.Resources[0]
			}
			listing = res + "@" + ns
		}
		got := want{c.Type, c.Layout, c.Namespace, c.Pod, c.Container, c.Previous, listing, c.Reason, c.Collector, c.Compression}
		w := tc.w
		if w.reason != "" && strings.Contains(got.reason, w.reason) {
			got.reason = w.reason
		}
		if got != w {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.p, got, w)
		}
	}
}

type zipEnt struct {
	name   string
	body   string
	mode   os.FileMode
	method uint16
	flags  uint16
}

func makeZip(t testing.TB, ents []zipEnt) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range ents {
		h := &zip.FileHeader{Name: e.name, Method: e.method, Flags: e.flags}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestWalkZip(t *testing.T) {
	data := makeZip(t, []zipEnt{
		{name: "incident/manifest.json", body: "{}", method: zip.Deflate},
		{name: "incident/resources/shop/pods.json", body: `{"kind":"PodList","apiVersion":"v1","items":[]}`, method: zip.Deflate},
		{name: "incident/logs/shop/web/web.log", body: "hello\n", method: zip.Store},
		{name: "incident/link", body: "/etc/passwd", mode: os.ModeSymlink | 0o777},
		{name: "incident/secret.txt", body: "x", flags: 0x1},
		{name: "../evil.json", body: "{}"},
	})
	got, warns, err := collect(t, writeTemp(t, "t.zip", data), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[1].Type != "objects" || got[2].Container != "web" || got[2].Body != "hello\n" {
		t.Fatalf("entries %+v", got)
	}
	joined := strings.Join(warns, "\n")
	for _, w := range []string{`"incident/link": symlink refused`, `"incident/secret.txt": encrypted zip member not read`, `"../evil.json": path escapes`} {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings lack %q:\n%s", w, joined)
		}
	}
	// A member whose declared size passes the cap is refused before it is
	// opened; one that expands past its declared size fails as it is read.
	big := makeZip(t, []zipEnt{{name: "a.log", body: strings.Repeat("a", 5000), method: zip.Deflate}})
	_, _, err = collect(t, writeTemp(t, "big.zip", big), Limits{MaxExpandedBytes: 1000})
	var le *LimitError
	if !errors.As(err, &le) || le.What != "expanded bytes" {
		t.Errorf("cap: %v", err)
	}
	// Not a zip although named so.
	_, _, err = collect(t, writeTemp(t, "bad.zip", []byte("not a zip at all")), Limits{})
	if err == nil || !strings.Contains(err.Error(), "no zip header") {
		t.Errorf("bad zip: %v", err)
	}
	// Damaged central directory.
	cut := data[:len(data)-10]
	_, _, err = collect(t, writeTemp(t, "cut.zip", cut), Limits{})
	if err == nil || !strings.Contains(err.Error(), "not a zip archive or a damaged one") {
		t.Errorf("cut zip: %v", err)
	}
}

// bzip2Pod is `bzip2` of one Pod as JSON (Go has no bzip2 writer).
const bzip2Pod = "\x42\x5a\x68\x39\x31\x41\x59\x26\x53\x59\x76\x61\x0e\x45\x00\x00\x23\x5b\x80\x00\x10\x10\x04\x20\x10\x41\x00\x2e\x2b\xdd\x0a\x20\x00\x48\x69\xa9\x3d\x21\xb4\xd4\x1a\x66\x50\xa6\x26\x80\xd0\x34\x34\x95\x6c\x17\x1e\xbb\x4d\xc1\x34\x4d\x3a\x49\x09\x89\x72\xc1\x5e\xf0\xb4\xcc\x68\x8b\x47\x4d\xc0\x36\x2e\x40\xf0\x89\x9a\xa3\x09\x01\xb2\xb1\x7c\x5d\xc9\x14\xe1\x42\x41\xd9\x84\x39\x14"

func gzBytes(data string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(data))
	zw.Close()
	return b.Bytes()
}

func TestCompressedFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(rel string, data []byte) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, data, 0o644)
	}
	write("logs/shop/web/web.log.1.gz", gzBytes("older\n"))
	write("objs.json.zst", zstdBytes(t, []byte(`{"apiVersion":"v1","kind":"Pod"}`)))
	write("pod.json.bz2", []byte(bzip2Pod))
	write("fake.log.gz", []byte("not gzip"))
	write("bundle.gz", gzBytes(string(makeTar(t, []tarEnt{reg("logs/ns/p/c.log", "in a tar\n")}))))
	got, warns, err := collect(t, dir, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]gotEntry{}
	for _, e := range got {
		byPath[e.Path] = e
	}
	if e := byPath["logs/shop/web/web.log.1.gz"]; e.Container != "web" || e.Body != "older\n" {
		t.Errorf("rotated gzip log: %+v", e)
	}
	if e := byPath["objs.json.zst"]; e.Type != "objects" || !strings.Contains(e.Body, `"Pod"`) {
		t.Errorf("zstd objects: %+v", e)
	}
	if e := byPath["pod.json.bz2"]; e.Type != "objects" || !strings.Contains(e.Body, `"Pod"`) {
		t.Errorf("bzip2 objects: %+v", e)
	}
	if e := byPath["logs/ns/p/c.log"]; e.Body != "in a tar\n" {
		t.Errorf("a tar named .gz: %+v (all %+v)", e, got)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], `"fake.log.gz": not gzip data although its name says so`) {
		t.Errorf("warnings %v", warns)
	}
}

func TestNestedArchives(t *testing.T) {
	inner := makeTar(t, []tarEnt{reg("b/manifest.json", "{}"), reg("b/logs/ns/p/c.log", "deep\n")})
	zipInTar := makeZip(t, []zipEnt{{name: "x.log", body: "z\n"}})
	outer := makeTar(t, []tarEnt{
		reg("ticket/inner.tar.gz", string(gzBytes(string(inner)))),
		reg("ticket/packed.zip", string(zipInTar)),
		reg("ticket/broken.tar.gz", string(gzBytes(string(inner))[:40])),
		reg("ticket/notes.txt", "n\n"),
	})
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ticket.tar"), outer, 0o644)
	os.WriteFile(filepath.Join(dir, "side.zip"), makeZip(t, []zipEnt{{name: "in/gw.log", body: "g\n"}, {name: "in/deeper.tar.gz", body: string(gzBytes(string(inner)))}}), 0o644)

	var archives, entries []string
	var warns []string
	err := Walk(dir, Limits{}, func(p string, err error) { warns = append(warns, p+": "+err.Error()) }, func(e *Entry) error {
		if e.Type == EntryArchive {
			archives = append(archives, joinSrc(e.Source, e.Path))
			return nil
		}
		b, _ := io.ReadAll(e.Body)
		entries = append(entries, joinSrc(e.Source, e.Path)+"="+strings.TrimSpace(string(b)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantArchives := "side.zip side.zip/in/deeper.tar.gz ticket.tar ticket.tar/ticket/broken.tar.gz ticket.tar/ticket/inner.tar.gz ticket.tar/ticket/packed.zip"
	if got := strings.Join(sortStrings(archives), " "); got != wantArchives {
		t.Errorf("archives:\n got %s\nwant %s", got, wantArchives)
	}
	joined := strings.Join(entries, " ")
	for _, w := range []string{"side.zip/in/gw.log=g", "side.zip/in/deeper.tar.gz/logs/ns/p/c.log=deep", "ticket.tar/ticket/inner.tar.gz/logs/ns/p/c.log=deep", "ticket.tar/ticket/notes.txt=n"} {
		if !strings.Contains(joined, w) {
			t.Errorf("entries lack %s: %s", w, joined)
		}
	}
	jw := strings.Join(warns, "\n")
	for _, w := range []string{"ticket.tar/ticket/packed.zip: ", "needs random access", "ticket.tar/ticket/broken.tar.gz: ", "nested archive read only in part"} {
		if !strings.Contains(jw, w) {
			t.Errorf("warnings lack %q:\n%s", w, jw)
		}
	}
	// The WalkFunc's error comes out of a nested archive unchanged.
	stop := errors.New("stop")
	err = Walk(dir, Limits{}, nil, func(e *Entry) error {
		if e.Source != "" && e.Type != EntryArchive {
			return stop
		}
		return nil
	})
	if err != stop {
		t.Errorf("fn error through nesting: %v", err)
	}
	// ErrSkipArchive leaves an archive unread.
	n := 0
	Walk(dir, Limits{}, func(string, error) {}, func(e *Entry) error {
		if e.Type == EntryArchive {
			return ErrSkipArchive
		}
		n++
		return nil
	})
	if n != 0 {
		t.Errorf("%d entries read from skipped archives", n)
	}
	// Archives in archives in archives stop at maxNesting.
	deep := makeTar(t, []tarEnt{reg("x.log", "x\n")})
	for i := 0; i < maxNesting+1; i++ {
		deep = makeTar(t, []tarEnt{reg("l.tar", string(deep))})
	}
	var deepWarns []string
	Walk(writeTemp(t, "deep.tar", deep), Limits{}, func(p string, err error) { deepWarns = append(deepWarns, err.Error()) }, func(e *Entry) error { return nil })
	if len(deepWarns) != 1 || !strings.Contains(deepWarns[0], "archives deep") {
		t.Errorf("depth: %v", deepWarns)
	}
	// The expanded-bytes cap counts nested archives' bytes too.
	_, _, err = collect(t, dir, Limits{MaxExpandedBytes: 3000})
	var le *LimitError
	if !errors.As(err, &le) {
		t.Errorf("cap through nesting: %v", err)
	}
}

func joinSrc(src, p string) string {
	if src == "" {
		return p
	}
	return src + "/" + p
}

func sortStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestWalkReaderSniffs(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"yaml objects", "# kubectl get -o yaml\napiVersion: v1\nkind: List\nitems: []\n", "objects"},
		{"json objects", `{"apiVersion": "v1", "kind": "List", "items": []}`, "objects"},
		{"envoy json log", `{"start_time":"2024-01-01T00:00:00Z","response_code":503}` + "\n", "log"},
		{"text log", "[2024-01-01T00:00:00.000Z] \"GET / HTTP/1.1\" 503 UH\n", "log"},
		{"dump logs", "==== START logs for container c of pod ns/p ====\nx\n==== END logs for container c of pod ns/p ====\n", "dump-logs"},
		{"gzipped log", string(gzBytes("GET /\n")), "log"},
		{"tar", string(makeTar(t, []tarEnt{reg("logs/ns/p/c.log", "x\n")})), "log"},
	} {
		var got []string
		err := WalkReader("-", "", strings.NewReader(tc.data), Limits{}, nil, func(e *Entry) error {
			got = append(got, e.Type.String())
			return nil
		})
		if err != nil || len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s: %v %v", tc.name, err, got)
		}
	}
	zipData := makeZip(t, []zipEnt{{name: "a.log", body: "x"}})
	if err := WalkReader("-", "", bytes.NewReader(zipData), Limits{}, nil, func(*Entry) error { return nil }); err == nil || !strings.Contains(err.Error(), "cannot be read as a stream") {
		t.Errorf("zip on stdin: %v", err)
	}
	if err := WalkReader("-", "", strings.NewReader(""), Limits{}, nil, func(*Entry) error { return nil }); err == nil || !strings.Contains(err.Error(), "empty input") {
		t.Errorf("empty stdin: %v", err)
	}
}

func TestSplitBugReportLog(t *testing.T) {
	read := func(in string) (cur, prev string) {
		err := SplitBugReportLog(strings.NewReader(in), Limits{}, func(previous bool, b io.Reader) error {
			data, _ := io.ReadAll(b)
			if previous {
				prev = string(data)
			} else {
				cur = string(data)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return cur, prev
	}
	if cur, prev := read("a\nb\n"); cur != "a\nb\n" || prev != "" {
		t.Errorf("plain: %q %q", cur, prev)
	}
	in := bugReportPreviousPresent + "\n\nnow 1\nnow 2\n\n\n" + bugReportPrevious + "\n\nthen 1\nthen 2"
	cur, prev := read(in)
	if strings.TrimSpace(cur) != "now 1\nnow 2" || strings.TrimSpace(prev) != "then 1\nthen 2" {
		t.Errorf("split: %q | %q", cur, prev)
	}
	stop := errors.New("stop")
	err := SplitBugReportLog(strings.NewReader(in), Limits{}, func(previous bool, b io.Reader) error {
		io.Copy(io.Discard, b)
		if previous {
			return stop
		}
		return nil
	})
	if err != stop {
		t.Errorf("fn error: %v", err)
	}
}

func TestReadCollectorErrors(t *testing.T) {
	for _, tc := range []struct {
		e    Entry
		body string
		want string
	}{
		{Entry{Collector: "pods", Name: "pods-errors.json"}, `{"shop": "pods is forbidden: User \"x\" cannot list", "web": "timeout"}`, "pods shop forbidden|pods web failed"},
		{Entry{Collector: "custom-resources", Name: "custom-resources-errors.json"}, `{"virtualservices.networking.istio.io/shop": "boom"}`, "virtualservices.networking.istio.io shop failed"},
		{Entry{Collector: "nodes", Name: "nodes-errors.json"}, `["nodes is forbidden"]`, "nodes  forbidden"},
		{Entry{Collector: "logs", Name: "web-logs-errors.log", Namespace: "shop", Pod: "p", Container: "web"}, "container not found\n", "logs shop failed"},
	} {
		e := tc.e
		e.Body = strings.NewReader(tc.body)
		errs, err := ReadCollectorErrors(&e)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ce := range errs {
			got = append(got, ce.Collector+" "+ce.Namespace+" "+ce.Status)
		}
		if strings.Join(got, "|") != tc.want {
			t.Errorf("%s: %v", tc.e.Name, got)
		}
	}
	e := &Entry{Collector: "pods", Name: "pods-errors.json", Body: strings.NewReader("oops")}
	if _, err := ReadCollectorErrors(e); err == nil {
		t.Error("malformed errors file read without error")
	}
}

func TestReadClusterContext(t *testing.T) {
	cc, err := ReadClusterContext(strings.NewReader("prod-eu\nhttps://10.0.0.1:6443\n"))
	if err != nil || cc.Context != "prod-eu" || cc.Server != "https://10.0.0.1:6443" {
		t.Errorf("%+v %v", cc, err)
	}
	if _, err := ReadClusterContext(strings.NewReader("\n\n")); err == nil {
		t.Error("empty cluster-context read without error")
	}
}

func TestSyntaxErrorLine(t *testing.T) {
	data := []byte("{\"kind\":\"List\",\n\"items\":[\n{\"kind\": oops}]}")
	err := StreamObjectsBytes("x.json", data, Limits{}, func(Object) error { return nil })
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("%T %v", err, err)
	}
	se.LineAt(data)
	if se.Line != 3 {
		t.Errorf("line %d (%v)", se.Line, se)
	}
}
