package bytesize

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]int64{
		"10G": 10e9, "512Mi": 512 << 20, "64Gi": 64 << 30, "1048576": 1 << 20, "3k": 3000,
		"1.5Ki": 1536, "1e3": 1000, " 5Mi ": 5 << 20, "0": 0, "7Ei": 7 << 60,
	} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, why := range map[string]string{
		"":       "want a byte count",
		"G":      "want a byte count",
		"Mi":     "want a byte count",
		"2KB":    "want a byte count",
		"1X":     "want a byte count",
		"NaN":    "want a byte count",
		"-1G":    "negative",
		"0.5":    "not a whole number",
		"100m":   "not a whole number",
		"1e30":   "larger than",
		"1e30Pi": "want a byte count",
	} {
		_, err := Parse(in)
		if err == nil || !strings.Contains(err.Error(), why) || !strings.Contains(err.Error(), `"`+in+`"`) {
			t.Errorf("Parse(%q) = %v; want an error naming the value and saying %q", in, err, why)
		}
	}
}

func TestFormatRoundTrips(t *testing.T) {
	for n, want := range map[int64]string{64 << 30: "64Gi", 5 << 20: "5Mi", 1 << 20: "1Mi", 1500: "1500", 0: "0"} {
		s := Format(n)
		if s != want {
			t.Errorf("Format(%d) = %q, want %q", n, s, want)
		}
		if back, err := Parse(s); err != nil || back != n {
			t.Errorf("Parse(Format(%d)) = %d, %v", n, back, err)
		}
	}
	if back, err := Parse(Format(10e9)); err != nil || back != 10e9 {
		t.Errorf("Parse(Format(10e9)) = %d, %v", back, err)
	}
}

func TestFlagValues(t *testing.T) {
	var s Size
	if err := s.Set("0"); err == nil {
		t.Error("Size accepted 0")
	}
	if err := s.Set("512Mi"); err != nil || s != 512<<20 || s.String() != "512Mi" {
		t.Errorf("Size.Set(512Mi) = %v, %d %s", err, s, s.String())
	}
	var l Limit
	if err := l.Set("0"); err != nil || l != 0 {
		t.Errorf("Limit.Set(0) = %v, %d", err, l)
	}
	if err := l.Set("10Mi"); err != nil || l != 10<<20 {
		t.Errorf("Limit.Set(10Mi) = %v, %d", err, l)
	}
	if err := l.Set("-1"); err == nil {
		t.Error("Limit accepted -1")
	}
}
