package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoutes(t *testing.T) {
	dir := t.TempDir()
	for _, b := range []string{"nohealthy-gather", "nohealthy-analyze"} {
		os.WriteFile(filepath.Join(dir, b), []byte("#!/bin/sh\n"), 0o755)
	}
	t.Setenv("PATH", dir)
	var got struct {
		path string
		argv []string
		env  []string
	}
	start := func(path string, argv, env []string) error {
		got.path, got.argv, got.env = path, argv, env
		return errors.New("not really")
	}
	for _, c := range []struct {
		args     []string
		binary   string
		argv     string
		display  string
		code     int
		stdoutIn string
	}{
		{args: []string{"gather", "-n", "shop"}, binary: "nohealthy-gather", argv: "nohealthy-gather -n shop", display: "kubectl nohealthy gather", code: 1},
		{args: []string{"analyze", "b.tar.zst", "-o", "json"}, binary: "nohealthy-analyze", argv: "nohealthy-analyze b.tar.zst -o json", display: "kubectl nohealthy analyze", code: 1},
		{args: []string{"__complete", "gather", "-n", ""}, binary: "nohealthy-gather", argv: "nohealthy-gather __complete -n ", code: 1},
		{args: []string{"__complete", "ga"}, code: 0, stdoutIn: "gather\t"},
		{args: []string{"__completeNoDesc", ""}, code: 0, stdoutIn: "gather\nanalyze\nversion\n:4\n"},
		{args: []string{"version"}, code: 0, stdoutIn: "kubectl-nohealthy " + version},
		{args: []string{"--help"}, code: 0, stdoutIn: "kubectl nohealthy gather"},
		{args: []string{"frobnicate"}, code: exitUsage},
	} {
		got.path, got.argv, got.env = "", nil, nil
		var out, errOut bytes.Buffer
		code := run(c.args, &out, &errOut, start)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, code, c.code, errOut.String())
		}
		if c.binary != "" && (filepath.Base(got.path) != c.binary || strings.Join(got.argv, " ") != c.argv) {
			t.Errorf("%v: started %s %q, want %s %q", c.args, got.path, got.argv, c.binary, c.argv)
		}
		if c.display != "" && !contains(got.env, "NOHEALTHY_DISPLAY_NAME="+c.display) {
			t.Errorf("%v: display name not passed", c.args)
		}
		if c.stdoutIn != "" && !strings.Contains(out.String(), c.stdoutIn) {
			t.Errorf("%v: stdout %q lacks %q", c.args, out.String(), c.stdoutIn)
		}
	}
	// Not installed: the message says what to install.
	t.Setenv("PATH", t.TempDir())
	var errOut bytes.Buffer
	if code := run([]string{"analyze"}, &bytes.Buffer{}, &errOut, start); code != 1 || !strings.Contains(errOut.String(), "install the whole release archive") {
		t.Errorf("missing program: exit %d, %q", code, errOut.String())
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// Installed as krew does (the plugin reached through a symlink on the
// PATH, the programs beside its target), the program replaces the plugin:
// its output and exit status are the plugin's.
func TestExecThroughSymlink(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugin")
	}
	store, pathDir := t.TempDir(), t.TempDir()
	plugin := filepath.Join(store, "kubectl-nohealthy")
	if out, err := exec.Command("go", "build", "-o", plugin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	os.WriteFile(filepath.Join(store, "nohealthy-analyze"), []byte("#!/bin/sh\necho \"$0 $* [$NOHEALTHY_DISPLAY_NAME]\"\nexit 3\n"), 0o755)
	link := filepath.Join(pathDir, "kubectl-nohealthy")
	if err := os.Symlink(plugin, link); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(link, "analyze", "x.tar.zst")
	cmd.Env = append(os.Environ(), "PATH="+pathDir)
	out, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("exit %v, want the program's 3", err)
	}
	if want := "x.tar.zst [kubectl nohealthy analyze]"; !strings.Contains(string(out), want) {
		t.Errorf("output %q lacks %q", out, want)
	}
}
