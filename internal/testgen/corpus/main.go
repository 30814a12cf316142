// Command corpus writes the incident corpus: one unpacked support bundle
// per case under testdata/bundles/<NN-name>/bundle plus expected.yaml, the
// regression suite rule authors run analyze against.
//
//	go run ./internal/testgen/corpus -out testdata/bundles
//
// Output is deterministic: names, UIDs, IPs and timestamps derive from the
// case name, so re-running produces identical bytes.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	out := flag.String("out", "testdata/bundles", "directory to write the cases into")
	only := flag.String("case", "", "write only this case")
	flag.Parse()
	if err := generate(*out, *only); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
}

func generate(out, only string) error {
	seen := map[string]bool{}
	for _, f := range append(append([]func() *Case{}, cases...), dockerCases...) {
		c := f()
		if seen[c.Name] {
			return fmt.Errorf("duplicate case %s", c.Name)
		}
		seen[c.Name] = true
		if only != "" && c.Name != only {
			continue
		}
		if err := c.Write(out); err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
	}
	return nil
}
