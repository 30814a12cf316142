package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/nohealthy/nohealthy/causes"
)

func TestCausesCommand(t *testing.T) {
	all := causes.All()
	r := run(t, hooks{}, false, "causes")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != len(all)+1 || !strings.HasPrefix(lines[0], "ID ") {
		t.Fatalf("causes: exit %d, %d lines:\n%s%s", r.code, len(lines), r.stdout, r.stderr)
	}
	for i, c := range all {
		if f := strings.Fields(lines[i+1]); len(f) < 3 || f[0] != c.ID || strings.Contains(lines[i+1], "`") {
			t.Errorf("line %d = %q, want %s, its names and meaning without code quotes", i+1, lines[i+1], c.ID)
		}
	}

	r = run(t, hooks{}, false, "causes", "-o", "json")
	var got struct{ Causes []causes.Cause }
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("causes -o json: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	if !reflect.DeepEqual(got.Causes, all) {
		t.Errorf("causes -o json differs from the catalog")
	}

	r = run(t, hooks{}, false, "causes", "subset-no-pods", "crash-loop")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "subset-no-pods\n") || !strings.Contains(r.stdout, "\ncrash-loop\n") ||
		!strings.Contains(r.stdout, "object kinds: DestinationRule\n") || !strings.Contains(r.stdout, "remediation:") {
		t.Errorf("causes IDs: exit %d\n%s", r.code, r.stdout)
	}

	for _, args := range [][]string{{"causes", "crashloop"}, {"causes", "-o", "yaml"}} {
		r = run(t, hooks{}, false, args...)
		if r.code != exitUsage || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q", args, r.code, r.stdout)
		}
	}
	if r = run(t, hooks{}, false, "causes", "crashloop"); !strings.Contains(r.stderr, "closest: crash-loop") {
		t.Errorf("unknown ID: %q, want the closest ID", r.stderr)
	}
}

var mdPathRE = regexp.MustCompile(`[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b`)

// Every Markdown file the help of any command names is in the repository,
// at the path given from its root.
func TestHelpNamesFilesThatExist(t *testing.T) {
	root := newRootCmd(IOStreams{}, hooks{})
	var walk func(c *cobra.Command)
	seen := 0
	walk = func(c *cobra.Command) {
		text := []string{c.Use, c.Short, c.Long, c.Example}
		c.Flags().VisitAll(func(f *pflag.Flag) { text = append(text, f.Usage) })
		for _, m := range mdPathRE.FindAllString(strings.Join(text, "\n"), -1) {
			seen++
			if !fileExists(filepath.Join("..", "..", m)) {
				t.Errorf("%q help names %s, which is not in the repository", c.CommandPath(), m)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if seen == 0 {
		t.Fatal("no help text names a Markdown file: the pattern is wrong")
	}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
