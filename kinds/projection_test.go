package kinds

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestProjectionLayouts: every twin in projection.go has its type's exact
// layout. When k8s.io/api gains or moves a field this fails; the fix is to
// mirror the field list printed below in the twin.
func TestProjectionLayouts(t *testing.T) {
	n := 0
	for _, k := range All() {
		if k.Decode != Projected {
			continue
		}
		n++
		if err := projectionError(k); err != nil {
			var le *layoutError
			if !errors.As(err, &le) {
				t.Fatal(err)
			}
			var fields []string
			for i := range le.of.NumField() {
				f := le.of.Field(i)
				fields = append(fields, f.Name+" "+f.Type.String()+" `"+string(f.Tag)+"`")
			}
			t.Errorf("%v\n%s fields now:\n\t%s", err, le.of, strings.Join(fields, "\n\t"))
		}
		if k.through == nil {
			t.Errorf("%s: decoded in full, not through its projection", k.Kind)
		}
	}
	if n < 6 {
		t.Errorf("only %d projected kinds", n)
	}
	// The check must notice a twin that differs.
	type short struct{ Name string }
	if sameLayout(reflect.TypeOf(short{}), reflect.TypeOf(containerProjection{}), nil) == nil {
		t.Error("sameLayout accepted a different struct")
	}
}

// fastTime decodes every input exactly as metav1.Time does, errors too.
func FuzzFastTime(f *testing.F) {
	for _, s := range []string{`"2026-03-02T09:00:00Z"`, `"2026-03-02T09:00:00.123456+02:00"`, `null`, `""`, `"2026-03-02T09:00:00\u005a"`,
		`"yesterday"`, `"2026-13-02T09:00:00Z"`, `12`, `"`, `"2026-03-02T09:00:00Z`, "\"2026-03-02T09:00:00Z\xff\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want metav1.Time
		var got fastTime
		werr := want.UnmarshalJSON(b)
		gerr := got.UnmarshalJSON(b)
		if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) || !got.Time.Equal(want.Time) || got.Location() != want.Location() {
			t.Fatalf("%q: fastTime %v %v, metav1.Time %v %v", b, got.Time, gerr, want.Time, werr)
		}
	})
}
