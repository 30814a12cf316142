// Command analyze explains why a proxy answers "503 no healthy upstream",
// offline, from bundles made by gather or from plain kubectl output.
package main

import (
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// version is set at build time: -ldflags "-X main.version=$(git describe --always --dirty)".
var version = "dev"

func main() {
	setMemoryLimit()
	outTTY := term.IsTerminal(int(os.Stdout.Fd()))
	os.Exit(Execute(os.Args[1:], IOStreams{
		Out:    os.Stdout,
		ErrOut: os.Stderr,
		OutTTY: outTTY,
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		Width:  outputWidth(os.Getenv("COLUMNS"), outTTY, func() (int, error) { w, _, err := term.GetSize(int(os.Stdout.Fd())); return w, err }),
	}))
}

// outputWidth is the number of columns the table is fitted to: COLUMNS
// when it holds a positive number (set by hand it is a request, honoured
// in a pipe too; shells keep it unexported), else the terminal's width
// when stdout is one, else 0: a pipe or a file gets every value whole.
func outputWidth(columns string, tty bool, size func() (int, error)) int {
	if n, err := strconv.Atoi(strings.TrimSpace(columns)); err == nil && n > 0 {
		return n
	}
	if !tty {
		return 0
	}
	if w, err := size(); err == nil && w > 0 {
		return w
	}
	return 0
}
