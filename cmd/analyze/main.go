// Command analyze explains why a proxy answers "503 no healthy upstream",
// offline, from bundles made by gather or from plain kubectl output.
package main

import (
	"os"
	"runtime/debug"

	"golang.org/x/term"
)

// version is set at build time: -ldflags "-X main.version=$(git describe --always --dirty)".
var version = "dev"

// defaultMemoryLimit is the soft heap target analyze runs under unless
// GOMEMLIMIT says otherwise (1350 MiB: the 50,000-pod bench bundle lives in
// about 1.1 GiB of heap): a support laptop should not see a 20-GiB-log
// bundle take several GiB because the collector let garbage pile up. It is
// soft: above it the GC works harder, it never fails an allocation.
const defaultMemoryLimit = 1350 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	os.Exit(Execute(os.Args[1:], IOStreams{
		Out:    os.Stdout,
		ErrOut: os.Stderr,
		OutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}))
}
