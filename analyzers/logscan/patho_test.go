package logscan

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// Pathological 1 MiB lines must scan in linear time.
func TestPathologicalLinesAreLinear(t *testing.T) {
	for name, unit := range map[string]string{
		"quotes": `"`, "brackets": `[`, "backslashes": `\`, "json": `{"a":`, "error=": ` error=`,
		"commas": `UF,`, "envoy": `[2024-01-01T00:00:00.000Z] "`, "spaces": " ", "nosrv": ` is DOWN`,
	} {
		line := strings.Repeat(unit, (1<<20)/len(unit))
		for _, l := range []string{line, "{" + line, `"GET / HTTP/1.1" 503 UH ` + line, "2024-01-01T00:00:00Z\terror\taccess\tx " + line} {
			start := time.Now()
			a := NewAggregator(Options{})
			if _, err := a.Scan(Origin{}, name, bytes.NewReader([]byte(l+"\n"+l+"\n"))); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("%s: %v for 2 MiB", name, d)
			}
		}
	}
}
