// Command packbundle packs a bundle directory (as found in
// testdata/bundles/<case>/bundle) into a .tar.zst with the real bundle
// writer (internal/testgen/bundlepack).
//
//	go run ./internal/testgen/packbundle DIR OUT.tar.zst
package main

import (
	"fmt"
	"os"

	"github.com/nohealthy/nohealthy/internal/testgen/bundlepack"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: packbundle DIR OUT.tar.zst")
		os.Exit(2)
	}
	if err := bundlepack.Pack(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintf(os.Stderr, "packbundle: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "packed %s into %s\n", os.Args[1], os.Args[2])
}
