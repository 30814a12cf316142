package s3input

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]Location{
		"s3://incidents/2025/03/inc-1.tar.zst": {"incidents", "2025/03/inc-1.tar.zst"},
		"s3://incidents/corpus/":               {"incidents", "corpus/"},
		"s3://incidents":                       {"incidents", ""},
		"s3://incidents/":                      {"incidents", ""},
		"s3://b/a b/x.json":                    {"b", "a b/x.json"},
	} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for in, why := range map[string]string{
		"s3:///key":      "no bucket",
		"https://b/k":    "not an s3:// location",
		"s3://b//k":      "not a bucket and key",
		"s3://b?x=1/key": "not a bucket and key",
	} {
		if _, err := Parse(in); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("Parse(%q) error %v, want %q", in, err, why)
		}
	}
	l, _ := Parse("s3://b/corpus/")
	if !l.IsPrefix() || l.Join("case/expected.yaml").String() != "s3://b/corpus/case/expected.yaml" {
		t.Errorf("prefix %+v", l)
	}
	if o, _ := Parse("s3://b/x.tar.zst"); o.IsPrefix() {
		t.Error("an object is no prefix")
	}
	if !IsURL("s3://b/k") || IsURL("./s3:/b") {
		t.Error("IsURL")
	}
}
