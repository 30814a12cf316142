package jsonskip

import (
	"encoding/json"
	"os"
	"testing"
)

// FuzzValue: on valid JSON, Value finds exactly the end of the document.
func FuzzValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,"x\"]",{"b":null}]}`, `"\\\\"`, `[]`, `-1.5e3`, `{"k":"\u00e9\\"}`, `[{"a":"}"},"]"]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		end := Value(data, 0)
		if end > len(data) {
			t.Fatalf("end %d past %d", end, len(data))
		}
		if len(data) == 0 || !json.Valid(data) || SkipSpace(data, 0) != 0 {
			return
		}
		if end < 0 {
			t.Fatalf("valid %q not skipped", data)
		}
		if SkipSpace(data, end) != len(data) {
			t.Fatalf("valid %q: end %d, rest %q", data, end, data[end:])
		}
	})
}

// BenchmarkComposite skips a real PodList: set JSONSKIP_BENCH=pods.json.
func BenchmarkComposite(b *testing.B) {
	path := os.Getenv("JSONSKIP_BENCH")
	if path == "" {
		b.Skip("set JSONSKIP_BENCH to a JSON file")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if Composite(data, 0) != len(data) && Composite(data, 0) < 0 {
			b.Fatal("not skipped")
		}
	}
}
