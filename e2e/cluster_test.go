//go:build e2e

// Package e2e runs gather against a real kube-apiserver + etcd, with kwok as
// the kubelet of fake nodes, all started by hack/e2e/cluster.sh on
// 127.0.0.1 and killed by PID when the tests end.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
)

// repoRoot is the main module's root.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// Cluster is one running control plane.
type Cluster struct {
	Dir        string
	Env        map[string]string
	Kubeconfig string
	Config     *rest.Config
	Client     kubernetes.Interface
	Dynamic    dynamic.Interface

	mapperOnce sync.Once
	restMapper *restmapper.DeferredDiscoveryRESTMapper
}

// shared is the cluster most tests use (started once in TestMain).
var (
	shared   *Cluster
	binDir   string // built gather and analyze
	toolsBin string // kube-apiserver, kubectl, etcd, kwok
)

func TestMain(m *testing.M) {
	// The tests' own clients keep reloading the client certificate of a
	// private cluster after its directory is gone; that is not gather's
	// output, and not worth a screen of E-lines.
	klog.SetLogger(logr.Discard())
	code := func() int {
		t0 := time.Now()
		out, err := exec.Command(filepath.Join(repoRoot(), "hack/e2e/build.sh")).Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "e2e: building the cluster binaries: %v\n", err)
			return 1
		}
		toolsBin = strings.TrimSpace(string(out))
		fmt.Fprintf(os.Stderr, "e2e: cluster binaries ready in %s\n", time.Since(t0).Round(time.Second))

		tmp, err := os.MkdirTemp("", "nohealthy-e2e-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(tmp)
		binDir = filepath.Join(tmp, "bin")
		for bin, c := range map[string]string{"nohealthy-gather": "gather", "nohealthy-analyze": "analyze", "kubectl-nohealthy": "kubectl-nohealthy"} {
			if _, err := os.Stat(filepath.Join(repoRoot(), "cmd", c)); err != nil {
				continue
			}
			b := exec.Command("go", "build", "-o", filepath.Join(binDir, bin), "./cmd/"+c)
			b.Dir = repoRoot()
			if out, err := b.CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "e2e: go build ./cmd/%s: %v\n%s", c, err, out)
				return 1
			}
		}
		t1 := time.Now()
		c, err := startCluster(filepath.Join(tmp, "cluster"))
		if err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
			return 1
		}
		defer c.Stop()
		fmt.Fprintf(os.Stderr, "e2e: cluster up in %s\n", time.Since(t1).Round(time.Second))
		shared = c
		return m.Run()
	}()
	os.Exit(code)
}

// newCluster starts a private cluster for one test, stopped by t.Cleanup.
func newCluster(t *testing.T) *Cluster {
	t.Helper()
	c, err := startCluster(filepath.Join(t.TempDir(), "cluster"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c
}

func startCluster(dir string) (*Cluster, error) {
	cmd := exec.Command(filepath.Join(repoRoot(), "hack/e2e/cluster.sh"), "up", dir)
	cmd.Env = append(os.Environ(), "E2E_BIN="+toolsBin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("cluster.sh up: %v\n%s", err, stderr.String())
	}
	c := &Cluster{Dir: dir, Env: map[string]string{}}
	envFile := strings.TrimSpace(string(out))
	f, err := os.Open(envFile)
	if err != nil {
		exec.Command(filepath.Join(repoRoot(), "hack/e2e/cluster.sh"), "down", dir).Run()
		return nil, err
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			c.Env[k] = v
		}
	}
	f.Close()
	c.Kubeconfig = c.Env["KUBECONFIG"]
	if c.Config, err = clientcmd.BuildConfigFromFlags("", c.Kubeconfig); err != nil {
		c.Stop()
		return nil, err
	}
	c.Config.QPS, c.Config.Burst = 500, 1000
	c.Config.WarningHandler = rest.NoWarnings{}
	c.Client = kubernetes.NewForConfigOrDie(c.Config)
	c.Dynamic = dynamic.NewForConfigOrDie(c.Config)
	return c, nil
}

// Stop kills the cluster's processes by PID.
func (c *Cluster) Stop() {
	exec.Command(filepath.Join(repoRoot(), "hack/e2e/cluster.sh"), "down", c.Dir).Run()
}

// result of one command run.
type result struct {
	code           int
	stdout, stderr string
	elapsed        time.Duration
}

// run runs a binary with a timeout; env adds to the environment.
func run(t testing.TB, timeout time.Duration, env []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(append(os.Environ(), "PATH="+toolsBin+":"+os.Getenv("PATH")), env...)
	cmd.Dir = repoRoot()
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	t0 := time.Now()
	err := cmd.Run()
	r := result{stdout: so.String(), stderr: se.String(), elapsed: time.Since(t0)}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("%s %v: timed out after %s\n%s", name, args, timeout, se.String())
	}
	return r
}

func (c *Cluster) gather(t testing.TB, args ...string) result {
	t.Helper()
	return runGather(t, append([]string{"--kubeconfig", c.Kubeconfig, "--progress", "plain"}, args...)...)
}

// gatherBin is the built nohealthy-gather.
func gatherBin() string { return filepath.Join(binDir, "nohealthy-gather") }

// runGather runs nohealthy-gather with args and fails the test if any
// line of its stderr is a klog line ("E1203 07:28:24.592196   28134
// portforward.go:549] ..."): gather reports every failure itself.
func runGather(t testing.TB, args ...string) result {
	t.Helper()
	r := run(t, 10*time.Minute, nil, gatherBin(), args...)
	noKlog(t, r.stderr)
	return r
}

var klogLine = regexp.MustCompile(`(?m)^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6}\s+\d+ [^ ]+:\d+\] `)

func noKlog(t testing.TB, stderr string) {
	t.Helper()
	if m := klogLine.FindAllString(stderr, 3); len(m) > 0 {
		t.Errorf("klog lines on gather's stderr (%d+), first: %q\n%s", len(m), m[0], stderr)
	}
}

func (c *Cluster) kubectl(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(toolsBin, "kubectl"), append([]string{"--kubeconfig", c.Kubeconfig}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl %v: %v\n%s", args, err, out)
	}
	return string(out)
}
