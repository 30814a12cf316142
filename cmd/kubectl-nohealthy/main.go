// Command kubectl-nohealthy is nohealthy as a kubectl plugin:
//
//	kubectl nohealthy gather [flags]    runs nohealthy-gather
//	kubectl nohealthy analyze [flags]   runs nohealthy-analyze
//
// It links neither. It finds the program next to itself (a release
// archive, and krew installing it, put the three side by side; krew links
// only this one onto the PATH, so the link is resolved first) or else on
// the PATH, and executes it in its own place: flags, exit status, signals
// and the terminal are the program's own. This keeps nohealthy-analyze
// free of any cluster client, as it must be for air-gapped machines,
// while the plugin stays a few megabytes; one binary linking both would
// carry the cluster client into every analyze.
//
// Shell completion goes the same way: kubectl asks a kubectl_complete-
// nohealthy executable, which runs `kubectl nohealthy __complete ARGS`;
// the subcommand names are completed here, the rest by the program.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
)

var version = "dev"

// programs are the subcommands and what runs them.
var programs = []struct{ name, binary, short string }{
	{"gather", "nohealthy-gather", "Snapshot a live cluster into a bundle (.tar.zst)"},
	{"analyze", "nohealthy-analyze", `Explain "503 no healthy upstream" from a bundle, offline`},
}

const usage = `kubectl nohealthy explains why a proxy answers "503 no healthy upstream".

Usage:
  kubectl nohealthy gather [flags]           snapshot the cluster (see: kubectl nohealthy gather --help)
  kubectl nohealthy analyze [flags] INPUT... read a bundle offline (see: kubectl nohealthy analyze --help)
  kubectl nohealthy version                  this plugin's version

Typical use:
  kubectl nohealthy gather -n shop --analyze
`

// exit codes as the programs use them.
const exitUsage = 2

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, execProgram))
}

// run does what args ask; programs are started through start, which
// replaces the process and returns only on failure.
func run(args []string, out, errOut io.Writer, start func(path string, argv []string, env []string) error) int {
	if len(args) == 0 {
		fmt.Fprint(out, usage)
		return 0
	}
	switch a := args[0]; a {
	case "-h", "--help", "help":
		fmt.Fprint(out, usage)
		return 0
	case "version", "--version":
		fmt.Fprintf(out, "kubectl-nohealthy %s (%s)\n", version, runtime.Version())
		return 0
	case "__complete", "__completeNoDesc":
		if len(args) >= 2 {
			if p, ok := program(args[1]); ok {
				return launch(p.name, p.binary, append([]string{a}, args[2:]...), errOut, start)
			}
		}
		completeSubcommand(out, args[1:], a == "__complete")
		return 0
	}
	p, ok := program(args[0])
	if !ok {
		fmt.Fprintf(errOut, "kubectl nohealthy: unknown command %q: want gather or analyze\nRun 'kubectl nohealthy --help' for usage.\n", args[0])
		return exitUsage
	}
	return launch(p.name, p.binary, args[1:], errOut, start)
}

func program(name string) (struct{ name, binary, short string }, bool) {
	i := slices.IndexFunc(programs, func(p struct{ name, binary, short string }) bool { return p.name == name })
	if i < 0 {
		return programs[0], false
	}
	return programs[i], true
}

// launch runs binary with args, telling it how kubectl users call it.
func launch(name, binary string, args []string, errOut io.Writer, start func(string, []string, []string) error) int {
	path, err := find(binary)
	if err != nil {
		fmt.Fprintf(errOut, "kubectl nohealthy %s: %v\n", name, err)
		return 1
	}
	env := append(os.Environ(), "NOHEALTHY_DISPLAY_NAME=kubectl nohealthy "+name)
	err = start(path, append([]string{binary}, args...), env)
	fmt.Fprintf(errOut, "kubectl nohealthy %s: cannot run %s: %v\n", name, path, err)
	return 1
}

// find looks for binary next to this executable (through a symlink, as
// krew installs it), then on the PATH.
func find(binary string) (string, error) {
	var tried []string
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		p := filepath.Join(filepath.Dir(exe), binary)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
		tried = append(tried, filepath.Dir(exe))
	}
	p, err := exec.LookPath(binary)
	if err == nil {
		return p, nil
	}
	tried = append(tried, "the PATH")
	return "", fmt.Errorf("%s not found in %s: install the whole release archive (it holds kubectl-nohealthy, nohealthy-gather and nohealthy-analyze)", binary, strings.Join(tried, " or "))
}

// completeSubcommand answers cobra's __complete protocol for the first
// word: the matching subcommands, then the directive "no file
// completion".
func completeSubcommand(out io.Writer, args []string, desc bool) {
	prefix := ""
	if len(args) > 0 {
		prefix = args[len(args)-1]
	}
	if len(args) <= 1 {
		for _, p := range append(slices.Clone(programs), struct{ name, binary, short string }{"version", "", "Print the plugin's version"}) {
			if !strings.HasPrefix(p.name, prefix) {
				continue
			}
			if desc {
				fmt.Fprintf(out, "%s\t%s\n", p.name, p.short)
			} else {
				fmt.Fprintln(out, p.name)
			}
		}
	}
	fmt.Fprintln(out, ":4")
}

// execProgram replaces this process with path.
func execProgram(path string, argv, env []string) error {
	err := syscall.Exec(path, argv, env)
	if err == nil {
		err = errors.New("exec returned")
	}
	return err
}
