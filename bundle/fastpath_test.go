package bundle

import (
	"bytes"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// FuzzStreamObjectsBytes: the in-memory fast path never panics and, when
// both paths accept an input, yields the same objects as the streaming one.
func FuzzStreamObjectsBytes(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"v1","items":[{"metadata":{"name":"a","namespace":"n"}}],"kind":"PodList"}`))
	f.Add([]byte(`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"}}]}`))
	f.Add([]byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}`))
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fast, slow []string
		errFast := StreamObjectsBytes("f.json", data, Limits{}, func(o Object) error {
			fast = append(fast, o.Kind+"/"+o.Namespace+"/"+o.Name)
			return nil
		})
		errSlow := StreamObjects("f.json", bytes.NewReader(data), Limits{}, func(o Object) error {
			slow = append(slow, o.Kind+"/"+o.Namespace+"/"+o.Name)
			return nil
		})
		if errFast == nil && errSlow == nil && len(fast) != len(slow) {
			t.Fatalf("fast path read %v, streaming read %v", fast, slow)
		}
	})
}

func TestStreamObjectsBytesMatchesStreaming(t *testing.T) {
	data := []byte(`{"apiVersion": "v1", "items": [{"metadata": {"name": "a", "namespace": "n", "managedFields": [{}]}}, {"metadata": {"name": "b", "namespace": "n"}}], "kind": "PodList", "metadata": {}}`)
	var got []Object
	if err := StreamObjectsBytes("pods.json", data, Limits{}, func(o Object) error { got = append(got, o); return nil }); err != nil {
		t.Fatal(err)
	}
	// Items of a typed list are handed over unread: the kind is the list's.
	if len(got) != 2 || got[0].Kind != "Pod" || got[0].APIVersion != "v1" || !got[1].Unread || got[1].KindMustMatch {
		t.Fatalf("got %+v", got)
	}
	if err := StreamObjectsBytes("big.json", data, Limits{MaxObjectBytes: 10}, func(Object) error { return nil }); err == nil {
		t.Fatal("want the object-size limit enforced")
	}
}

func TestStreamObjectsBytesListHint(t *testing.T) {
	data := []byte(`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"}},{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"}}]}`)
	var got []Object
	if err := StreamObjectsBytes("all.json", data, Limits{}, func(o Object) error { got = append(got, o); return nil }); err != nil {
		t.Fatal(err)
	}
	// The first item's kind is a hint the reader of Raw must check.
	if len(got) != 2 || got[1].Kind != "Service" || !got[1].KindMustMatch {
		t.Fatalf("got %+v", got)
	}
}

// FuzzSplitList: on valid JSON, the in-place splitter agrees with the
// decoder on apiVersion, kind and every item; on anything else it may only
// decline (the streaming decoder then reports the error).
func FuzzSplitList(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"v1","items":[{"metadata":{"name":"a"}} , {"b":"}]\""}],"kind":"PodList"}`))
	f.Add([]byte(` {"Kind":"List","ITEMS":[],"kind":"X","items":null,"items":[1,"x",[2]]} `))
	f.Add([]byte(`{"kind":"A\u004cist","items":[{}],}`))
	f.Add([]byte(`{"kind":"PodList","items":[{}]} {}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, ok := splitList(data)
		for _, it := range l.Items { // StreamObjectsBytes reads it[0] unchecked
			if ok && (len(it) == 0 || len(bytes.TrimSpace(it)) != len(it)) {
				t.Fatalf("item %q empty or padded", it)
			}
		}
		if !jsontext.Value(data).IsValid(JSONOptions) {
			if ok {
				t.Fatalf("splitList accepted invalid JSON %q", data)
			}
			return
		}
		var want struct {
			APIVersion string           `json:"apiVersion"`
			Kind       string           `json:"kind"`
			Items      []jsontext.Value `json:"items"`
		}
		if err := unmarshal(data, &want); err != nil {
			if ok {
				t.Fatalf("splitList accepted what the decoder rejects: %v", err)
			}
			return
		}
		if !ok {
			if want.Items != nil {
				t.Fatalf("splitList declined a list the decoder reads: %q", data)
			}
			return
		}
		if l.Kind != want.Kind || l.APIVersion != want.APIVersion || len(l.Items) != len(want.Items) {
			t.Fatalf("split %q %q %d items, decoder %q %q %d", l.Kind, l.APIVersion, len(l.Items), want.Kind, want.APIVersion, len(want.Items))
		}
		for i := range l.Items {
			if !bytes.Equal(l.Items[i], want.Items[i]) {
				t.Fatalf("item %d: %q vs %q", i, l.Items[i], want.Items[i])
			}
		}
	})
}
