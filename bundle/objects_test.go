package bundle

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

func decodeAll(t testing.TB, name, in string) ([]Object, error) {
	t.Helper()
	var out []Object
	err := DecodeObjects(name, strings.NewReader(in), Limits{}, func(o Object) error {
		out = append(out, o)
		return nil
	})
	return out, err
}

func rawField(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("Raw is not JSON: %v: %s", err, raw)
	}
	return m
}

func TestDecodeTypedList(t *testing.T) {
	// As kubectl cluster-info dump prints it: items carry no kind.
	in := `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":[
	  {"metadata":{"name":"a","namespace":"ns","uid":"u1","resourceVersion":"5",
	     "managedFields":[{"manager":"kubectl"}]},"spec":{}},
	  {"metadata":{"name":"b","namespace":"ns"}}]}`
	objs, err := decodeAll(t, "pods.json", in)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 {
		t.Fatalf("%d objects", len(objs))
	}
	o := objs[0]
	if o.Kind != "Pod" || o.APIVersion != "v1" || o.Name != "a" || o.Namespace != "ns" || o.UID != "u1" || o.ResourceVersion != "5" {
		t.Errorf("%+v", o)
	}
	m := rawField(t, o.Raw)
	if m["kind"] != "Pod" || m["apiVersion"] != "v1" {
		t.Errorf("kind/apiVersion not written into Raw: %s", o.Raw)
	}
	if _, ok := m["metadata"].(map[string]any)["managedFields"]; ok {
		t.Errorf("managedFields kept: %s", o.Raw)
	}
}

func TestDecodeListItemsBeforeKind(t *testing.T) {
	// kubectl get -o json prints keys sorted: items before kind.
	in := `{"apiVersion":"v1","items":[
	  {"apiVersion":"networking.istio.io/v1beta1","kind":"VirtualService","metadata":{"name":"r","namespace":"b"}},
	  {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"e","namespace":"b"}}
	],"kind":"List","metadata":{"resourceVersion":""}}`
	objs, err := decodeAll(t, "x.json", in)
	if err != nil || len(objs) != 2 || objs[0].Kind != "VirtualService" || objs[1].APIVersion != "discovery.k8s.io/v1" {
		t.Fatalf("%v %+v", err, objs)
	}
	// A typed list with sorted keys: kind comes after the kind-less items.
	in = `{"apiVersion":"v1","items":[{"metadata":{"name":"n1"}}],"kind":"NodeList","metadata":{}}`
	objs, err = decodeAll(t, "nodes.json", in)
	if err != nil || len(objs) != 1 || objs[0].Kind != "Node" || objs[0].Name != "n1" {
		t.Fatalf("%v %+v", err, objs)
	}
	// Empty typed list as Go prints a nil slice.
	objs, err = decodeAll(t, "rc.json", `{"kind":"ReplicationControllerList","apiVersion":"v1","metadata":{},"items":null}`)
	if err != nil || len(objs) != 0 {
		t.Fatalf("%v %+v", err, objs)
	}
}

func TestDecodeSingleConcatArray(t *testing.T) {
	objs, err := decodeAll(t, "a.json", `{"kind":"Service","apiVersion":"v1","metadata":{"name":"s"},"spec":{"ports":[{"port":9080}]}}
{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p"}}`)
	if err != nil || len(objs) != 2 || objs[0].Kind != "Service" || objs[1].Name != "p" {
		t.Fatalf("%v %+v", err, objs)
	}
	if m := rawField(t, objs[0].Raw); m["spec"].(map[string]any)["ports"].([]any)[0].(map[string]any)["port"] != 9080.0 {
		t.Errorf("raw not preserved: %s", objs[0].Raw)
	}
	objs, err = decodeAll(t, "b.json", `[{"kind":"Pod","metadata":{"name":"x"}},{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"y"}}]}]`)
	if err != nil || len(objs) != 2 || objs[1].Kind != "Pod" || objs[1].Name != "y" {
		t.Fatalf("%v %+v", err, objs)
	}
	// A plain object with an "items" field that is not an array stays whole.
	objs, err = decodeAll(t, "c.json", `{"kind":"Widget","items":{"a":[1,{"b":null}],"c":true},"metadata":{"name":"w"}}`)
	if err != nil || len(objs) != 1 || objs[0].Kind != "Widget" {
		t.Fatalf("%v %+v", err, objs)
	}
	if m := rawField(t, objs[0].Raw); m["items"].(map[string]any)["c"] != true {
		t.Errorf("items lost: %s", objs[0].Raw)
	}
}

func TestDecodeYAMLMultiDoc(t *testing.T) {
	in := `# leading comment
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: bookinfo
spec:
  subsets:
  - name: v1
    labels: {version: v1}
---
---   # empty document
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: reviews, namespace: bookinfo}
- apiVersion: v1
  kind: Pod
  metadata: {name: p, namespace: bookinfo, managedFields: [{manager: x}]}
...
`
	objs, err := decodeAll(t, "x.yaml", in)
	if err != nil || len(objs) != 3 {
		t.Fatalf("%v %+v", err, objs)
	}
	if objs[0].Kind != "DestinationRule" || objs[0].APIVersion != "networking.istio.io/v1" || objs[2].Kind != "Pod" {
		t.Errorf("%+v", objs)
	}
	if strings.Contains(string(objs[2].Raw), "managedFields") {
		t.Errorf("managedFields kept: %s", objs[2].Raw)
	}
}

func TestDecodeObjectWithoutKind(t *testing.T) {
	in := `{"apiVersion":"v1","kind":"List","items":[{"kind":"Pod","metadata":{"name":"a"}},{"metadata":{"name":"nokind"}},{"kind":"Pod","metadata":{"name":"c"}}]}`
	objs, err := decodeAll(t, "list.json", in)
	if len(objs) != 2 {
		t.Fatalf("the good objects must still be read: %+v", objs)
	}
	var oe *ObjectError
	if !errors.As(err, &oe) || oe.Index != 1 || oe.File != "list.json" {
		t.Fatalf("err = %v", err)
	}
	if err.Error() != "list.json: item 1: object has no kind" {
		t.Errorf("text: %q", err)
	}
}

func TestDecodeMalformed(t *testing.T) {
	_, err := decodeAll(t, "bad.json", `{"kind":"Pod","metadata":{"name":"a"}`)
	if err == nil || !strings.Contains(err.Error(), "bad.json: invalid JSON") {
		t.Errorf("truncated JSON: %v", err)
	}
	_, err = decodeAll(t, "bad2.json", `{"kind":"Pod", x}`)
	if err == nil || !strings.Contains(err.Error(), "bad2.json: invalid JSON at byte offset") {
		t.Errorf("syntax: %v", err)
	}
	_, err = decodeAll(t, "bad.yaml", "kind: Pod\n---\nkind: [unclosed\n")
	if err == nil || !strings.Contains(err.Error(), "bad.yaml: invalid YAML in document 1 (starting at line 3)") {
		t.Errorf("yaml: %v", err)
	}
	// fn's error comes back unchanged.
	stop := errors.New("stop")
	err = DecodeObjects("x.json", strings.NewReader(`{"kind":"Pod"}`), Limits{}, func(Object) error { return stop })
	if err != stop {
		t.Errorf("fn error: %v", err)
	}
	// Object byte cap.
	err = DecodeObjects("big.json", strings.NewReader(`{"kind":"Pod","x":"`+strings.Repeat("a", 1000)+`"}`), Limits{MaxObjectBytes: 100}, func(Object) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "--max-object-bytes") {
		t.Errorf("cap: %v", err)
	}
}

// A large list is decoded item by item: fn sees the first item before the
// reader has delivered the end of the list.
func TestDecodeStreamsItems(t *testing.T) {
	pr, pw := io.Pipe()
	go func() {
		io.WriteString(pw, `{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"first"}},`)
		// fn must be called for "first" before we write the rest; the
		// pipe blocks until it is read, so we only reach here if the
		// decoder keeps reading. Write the rest.
		io.WriteString(pw, strings.Repeat(`{"metadata":{"name":"x"}},`, 1000)+`{"metadata":{"name":"last"}}]}`)
		pw.Close()
	}()
	n := 0
	err := DecodeObjects("pods.json", pr, Limits{}, func(o Object) error { n++; return nil })
	if err != nil || n != 1002 {
		t.Fatalf("%v %d", err, n)
	}
}
