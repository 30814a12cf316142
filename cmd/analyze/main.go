// Command analyze explains why a proxy answers "503 no healthy upstream",
// offline, from bundles made by gather or from plain kubectl output.
package main

import (
	"os"

	"golang.org/x/term"
)

// version is set at build time: -ldflags "-X main.version=$(git describe --always --dirty)".
var version = "dev"

func main() {
	setMemoryLimit()
	os.Exit(Execute(os.Args[1:], IOStreams{
		Out:    os.Stdout,
		ErrOut: os.Stderr,
		OutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}))
}
