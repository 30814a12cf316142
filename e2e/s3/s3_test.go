//go:build s3e2e

// Package s3 runs analyze against a real S3-compatible server: versitygw
// (POSIX backend), built from its Go module by hack/s3/build.sh and
// started on a free port of 127.0.0.1 with a temporary directory, killed
// by PID when the tests end. `make test` runs it (`make s3e2e`). Where the
// server cannot be built or started the tests are skipped, except under
// CI=true, where that is a failure.
package s3

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/nohealthy/nohealthy/internal/testgen/bundlepack"
)

const (
	accessKey = "NHTESTACCESSKEY"
	secretKey = "nh-test-secret-key-not-a-real-one"
	bucket    = "incidents"
)

var (
	// endpoint is the running server's URL; unavailable says why there
	// is none.
	endpoint    string
	unavailable error
	analyzeBin  string
	repo        = repoRoot()
)

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

func TestMain(m *testing.M) {
	os.Exit(func() int {
		tmp, err := os.MkdirTemp("", "nohealthy-s3e2e-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(tmp)
		analyzeBin = filepath.Join(tmp, "analyze")
		build := exec.Command("go", "build", "-o", analyzeBin, "./cmd/analyze")
		build.Dir, build.Stderr = repo, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "s3e2e: building analyze: %v\n", err)
			return 1
		}
		stop, err := startServer(tmp)
		if err != nil {
			unavailable = err
			fmt.Fprintf(os.Stderr, "s3e2e: no S3-compatible server: %v\n", err)
		} else {
			defer stop()
		}
		return m.Run()
	}())
}

// startServer builds versitygw (cached) and starts it on a free port with
// a data directory and a metadata sidecar under dir.
func startServer(dir string) (stop func(), err error) {
	t0 := time.Now()
	build := exec.Command(filepath.Join(repo, "hack/s3/build.sh"))
	build.Stderr = os.Stderr // the build's progress and its time
	out, err := build.Output()
	if err != nil {
		return nil, fmt.Errorf("hack/s3/build.sh: %w", err)
	}
	bin := strings.TrimSpace(string(out))
	fmt.Fprintf(os.Stderr, "s3e2e: versitygw ready in %s: %s\n", time.Since(t0).Round(time.Millisecond), bin)
	data, meta := filepath.Join(dir, "data"), filepath.Join(dir, "meta")
	for _, d := range []string{data, meta} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	logf, err := os.Create(filepath.Join(dir, "versitygw.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--access", accessKey, "--secret", secretKey, "--port", addr, "posix", "--sidecar", meta, data)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop = func() {
		cmd.Process.Kill()
		cmd.Wait()
		logf.Close()
	}
	endpoint = "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(endpoint + "/")
		if err == nil {
			resp.Body.Close()
			break // any answer (403 without a signature) means it serves
		}
		if time.Now().After(deadline) {
			stop()
			log, _ := os.ReadFile(logf.Name())
			return nil, fmt.Errorf("versitygw did not answer on %s within 30s: %v\n%s", addr, err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return stop, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// needServer skips the test without a server, or fails it under CI.
func needServer(t *testing.T) {
	t.Helper()
	if unavailable == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and no S3-compatible server: %v", unavailable)
	}
	t.Skipf("no S3-compatible server (the test fails under CI=true): %v", unavailable)
}

func client(t *testing.T) *awss3.Client {
	t.Helper()
	return awss3.New(awss3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
	})
}

// upload stores data at key, creating the bucket on first use.
func upload(t *testing.T, key string, data []byte) {
	t.Helper()
	ctx := context.Background()
	c := client(t)
	if _, err := c.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
		if _, err := c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
			t.Fatalf("create bucket: %v", err)
		}
	}
	if _, err := c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(data)}); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

// uploadTree stores the files under dir at prefix + their relative path.
func uploadTree(t *testing.T, dir, prefix string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		upload(t, prefix+filepath.ToSlash(rel), data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// pack writes a corpus case's bundle directory as gather would: a
// .tar.zst made by the bundle writer.
func pack(t *testing.T, dir string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "b.tar.zst")
	if err := bundlepack.Pack(dir, out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type result struct {
	code           int
	stdout, stderr string
}

// run runs analyze with only the environment given (plus PATH), a HOME
// and a TMPDIR of its own; the TMPDIR must stay empty: an object is
// streamed, never copied to disk.
func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	home, tmp := t.TempDir(), t.TempDir()
	cmd := exec.Command(analyzeBin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TMPDIR=" + tmp}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("analyze %v left %d file(s) in TMPDIR", args, len(left))
	}
	return result{code, out.String(), errOut.String()}
}

// keyEnv is the environment of static keys and the S3 endpoint.
func keyEnv() map[string]string {
	return map[string]string{"AWS_ACCESS_KEY_ID": accessKey, "AWS_SECRET_ACCESS_KEY": secretKey, "AWS_ENDPOINT_URL_S3": endpoint}
}

type report struct {
	RootCauses []struct {
		Cause  string
		Object struct{ Kind, Namespace, Name string }
	}
	Input struct{ Objects int }
}

func rank1(t *testing.T, r result) string {
	t.Helper()
	var rep report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("exit %d, not a JSON report: %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	if len(rep.RootCauses) == 0 {
		return "healthy"
	}
	rc := rep.RootCauses[0]
	return fmt.Sprintf("%s %s %s/%s", rc.Cause, rc.Object.Kind, rc.Object.Namespace, rc.Object.Name)
}

var corpus = filepath.Join(repo, "testdata/bundles")

// TestBundleObject: a bundle object is streamed and gives the answer the
// same bundle gives on disk.
func TestBundleObject(t *testing.T) {
	needServer(t)
	dir := filepath.Join(corpus, "21-subset-no-pods", "bundle")
	upload(t, "archive/2025/inc-21.tar.zst", pack(t, dir))
	local := run(t, nil, dir, "-o", "json")
	remote := run(t, keyEnv(), "s3://"+bucket+"/archive/2025/inc-21.tar.zst", "-o", "json")
	if remote.code != local.code || rank1(t, remote) != rank1(t, local) || rank1(t, remote) != "subset-no-pods DestinationRule shop/reviews" {
		t.Errorf("s3: exit %d %s; local: exit %d %s\n%s", remote.code, rank1(t, remote), local.code, rank1(t, local), remote.stderr)
	}
}

// TestPrefixAsDirectory: the objects under a prefix are read as a
// directory (here a Docker host's pasted files).
func TestPrefixAsDirectory(t *testing.T) {
	needServer(t)
	uploadTree(t, filepath.Join(corpus, "docker/05-compose-port-mismatch-nginx/bundle"), "pasted/blog/")
	r := run(t, keyEnv(), "s3://"+bucket+"/pasted/blog/", "-o", "json")
	if got := rank1(t, r); got != "port-mismatch DockerService blog/web" {
		t.Errorf("rank 1 %s, exit %d\n%s", got, r.code, r.stderr)
	}
}

// TestCorpus: analyze test over an S3 corpus (cases as trees and as
// archived bundles), whole and in shards that split it.
func TestCorpus(t *testing.T) {
	needServer(t)
	cases := []string{"04-no-workload", "10-crash-loop", "17-port-mismatch-named", "docker/01-compose-healthcheck-traefik", "docker/06-container-crash-loop-haproxy"}
	for _, c := range cases {
		uploadTree(t, filepath.Join(corpus, c), "corpus/"+c+"/")
	}
	// An incident archived as gather wrote it: bundle.tar.zst beside expected.yaml.
	exp, err := os.ReadFile(filepath.Join(corpus, "21-subset-no-pods/expected.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	upload(t, "corpus/archived/21-subset-no-pods/expected.yaml", exp)
	upload(t, "corpus/archived/21-subset-no-pods/bundle.tar.zst", pack(t, filepath.Join(corpus, "21-subset-no-pods/bundle")))
	all := append(slices.Clone(cases), "archived/21-subset-no-pods")
	sort.Strings(all)

	r := run(t, keyEnv(), "test", "--json", "s3://"+bucket+"/corpus/")
	var out struct {
		Passed, Failed int
		Results        []struct {
			Case   string
			Pass   bool
			Reason string
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != 0 || out.Failed != 0 || out.Passed != len(all) {
		t.Fatalf("exit %d, %d passed, %d failed (%v)\n%s\n%s", r.code, out.Passed, out.Failed, err, r.stdout, r.stderr)
	}
	var names []string
	for _, res := range out.Results {
		names = append(names, res.Case)
	}
	if !slices.Equal(names, all) {
		t.Errorf("cases %v, want %v", names, all)
	}

	seen := map[string]int{}
	for _, shard := range []string{"0/2", "$(JOB_COMPLETION_INDEX)/2"} {
		env := keyEnv()
		env["JOB_COMPLETION_INDEX"] = "1"
		r := run(t, env, "test", "--shard", shard, "s3://"+bucket+"/corpus")
		if r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("of %d cases)", len(all))) {
			t.Errorf("--shard %s: exit %d\n%s%s", shard, r.code, r.stdout, r.stderr)
		}
		for _, l := range strings.Split(r.stdout, "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "PASS" {
				seen[f[1]]++
			}
		}
	}
	for _, c := range all {
		if seen[c] != 1 {
			t.Errorf("%s ran in %d shards, want 1", c, seen[c])
		}
	}
}

// TestCredentialChain: a profile of the shared config and credentials
// files, with the endpoint in the profile, reaches the server; AWS_ENDPOINT_URL
// (all services) does too.
func TestCredentialChain(t *testing.T) {
	needServer(t)
	dir := filepath.Join(corpus, "docker/06-container-crash-loop-haproxy/bundle")
	uploadTree(t, dir, "profiles/api/")
	cfgDir := t.TempDir()
	credFile, cfgFile := filepath.Join(cfgDir, "credentials"), filepath.Join(cfgDir, "config")
	if err := os.WriteFile(credFile, []byte("[support]\naws_access_key_id = "+accessKey+"\naws_secret_access_key = "+secretKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgFile, []byte("[profile support]\nregion = us-east-1\nendpoint_url = "+endpoint+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, map[string]string{"AWS_PROFILE": "support", "AWS_SHARED_CREDENTIALS_FILE": credFile, "AWS_CONFIG_FILE": cfgFile},
		"s3://"+bucket+"/profiles/api/", "-o", "json")
	if got := rank1(t, r); got != "crash-loop Container /api" {
		t.Errorf("profile: rank 1 %s, exit %d\n%s", got, r.code, r.stderr)
	}
	env := keyEnv()
	delete(env, "AWS_ENDPOINT_URL_S3")
	env["AWS_ENDPOINT_URL"] = endpoint
	if got := rank1(t, run(t, env, "s3://"+bucket+"/profiles/api/", "-o", "json")); got != "crash-loop Container /api" {
		t.Errorf("AWS_ENDPOINT_URL: rank 1 %s", got)
	}
}

// TestErrors: what cannot be read is an input error naming the location.
func TestErrors(t *testing.T) {
	needServer(t)
	upload(t, "errors/present.json", []byte(`{"apiVersion":"v1","kind":"List","items":[]}`))
	wrong := keyEnv()
	wrong["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"missing object", keyEnv(), []string{"s3://" + bucket + "/errors/absent.tar.zst"}, "s3://" + bucket + "/errors/absent.tar.zst: no such object"},
		{"missing bucket", keyEnv(), []string{"s3://no-such-bucket-here/x.tar.zst"}, "s3://no-such-bucket-here/x.tar.zst: no such bucket"},
		{"empty prefix", keyEnv(), []string{"s3://" + bucket + "/errors/nothing/"}, "no objects under this prefix"},
		{"wrong secret", wrong, []string{"s3://" + bucket + "/errors/present.json"}, "s3://" + bucket + "/errors/present.json"},
		{"no corpus", keyEnv(), []string{"test", "s3://" + bucket + "/errors/"}, "no cases found"},
	} {
		r := run(t, tc.env, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", tc.name, r.code, r.stderr, tc.want)
		}
	}
}
