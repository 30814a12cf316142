// Command bench writes large, realistic support bundles for benchmarking
// analyze: tens of thousands of kubectl-shaped objects and millions of Istio
// access-log lines, streamed straight into bundle.Writer (memory does not
// grow with the log volume), with three planted root causes among healthy
// objects and their expected findings in the corpus format.
//
//	go run ./internal/testgen/bench -size large -out /tmp/b/large.tar.zst [-dump-dir /tmp/b/large.dump]
//	go run ./internal/testgen/bench -size custom -pods 2000 -services 400 -vs 200 -events 5000 -log-lines 1000000 -namespaces 10 -out x.tar.zst
//	go run ./internal/testgen/bench check EXPECTED.yaml REPORT.json   # did analyze -o json rank the planted causes?
//
// Next to FILE.tar.zst it writes FILE.expected.yaml (and DIR.expected.yaml
// for -dump-dir). Output is deterministic for a given -seed.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/nohealthy/nohealthy/report"
	"github.com/nohealthy/nohealthy/rules/ruletest"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "check" {
		os.Exit(check(os.Args[2:]))
	}
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	size := fs.String("size", "small", "preset: tiny, small, medium, large or custom (custom: give the counts)")
	pods := fs.Int("pods", 0, "pods (system pods included)")
	svcs := fs.Int("services", 0, "application Services (each with an EndpointSlice)")
	vs := fs.Int("vs", 0, "VirtualServices and DestinationRules (Services routed by subset v1/v2)")
	events := fs.Int("events", 0, "events")
	lines := fs.Int64("log-lines", 0, "access-log lines (gateways + sidecars)")
	nss := fs.Int("namespaces", 0, "application namespaces")
	factor := fs.Int("log-factor", 1, "multiply the log lines only (same objects)")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "", "output bundle FILE.tar.zst (required)")
	dump := fs.String("dump-dir", "", "also write the same incident as a kubectl cluster-info dump tree here")
	workers := fs.Int("workers", 0, "generator goroutines (0 = GOMAXPROCS)")
	fs.Parse(os.Args[1:])
	if *out == "" {
		fmt.Fprintln(os.Stderr, "bench: -out is required")
		os.Exit(2)
	}
	cfg, ok := Sizes[*size]
	if !ok && *size != "custom" {
		fmt.Fprintf(os.Stderr, "bench: unknown -size %q\n", *size)
		os.Exit(2)
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "pods":
			cfg.Pods = *pods
		case "services":
			cfg.Services = *svcs
		case "vs":
			cfg.VS = *vs
		case "events":
			cfg.Events = *events
		case "log-lines":
			cfg.LogLines = *lines
		case "namespaces":
			cfg.Namespaces = *nss
		}
	})
	cfg.LogFactor, cfg.Seed = *factor, *seed
	name := *size
	if cfg.LogFactor > 1 {
		name = fmt.Sprintf("%s-x%d", name, cfg.LogFactor)
	}
	if err := run(cfg, name, *out, *dump, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func expectedPath(out string) string {
	return strings.TrimSuffix(strings.TrimSuffix(out, ".tar.zst"), "/") + ".expected.yaml"
}

func run(cfg Config, name, out, dump string, workers int) error {
	w, err := newWorld(cfg)
	if err != nil {
		return err
	}
	st, err := Generate(w, out, dump, name, workers, os.Stderr)
	if err != nil {
		return err
	}
	c := w.cfg
	desc := fmt.Sprintf("bench %s: %d namespaces, %d pods, %d Services, %d VS+DR, %d events, %d access-log lines; "+
		"planted: DestinationRule subset v1 without pods, a Deployment failing readiness, a Service selector typo.",
		name, c.Namespaces, w.allPods(), c.Services, c.VS, c.Events, st.LogLines)
	exp := w.expectedYAML(st.UH, desc)
	if err := os.WriteFile(expectedPath(out), exp, 0o644); err != nil {
		return err
	}
	if dump != "" {
		if err := os.WriteFile(expectedPath(dump), exp, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "bench: %s: %d objects, %d log files, %d lines, %.0f MB uncompressed (objects %.0f MB, logs %.0f MB); objects %.1fs, logs %.1fs, total %.1fs\n",
		out, st.Objects, st.LogFiles, st.LogLines, float64(st.ObjectBytes+st.LogB)/1e6, float64(st.ObjectBytes)/1e6, float64(st.LogB)/1e6,
		st.ObjectsT.Seconds(), st.LogsT.Seconds(), st.Tt.Seconds())
	return nil
}

// check compares an `analyze -o json` report with an expected.yaml using
// the corpus pass rule (rank 1 = first expected cause, the others at any
// rank). Prints "yes" or "no: <reason>"; exit 0 either way unless the files
// cannot be read.
func check(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: bench check EXPECTED.yaml REPORT.json")
		return 2
	}
	exp, err := ruletest.ReadExpected(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench check:", err)
		return 2
	}
	data, err := os.ReadFile(args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench check:", err)
		return 2
	}
	var r report.Report
	if err := json.Unmarshal(data, &r); err != nil {
		fmt.Println("no: report is not JSON:", err)
		return 0
	}
	pass, reason := ruletest.Check(exp, &r)
	if pass {
		fmt.Println("yes")
	} else {
		fmt.Println("no:", reason)
	}
	return 0
}
