//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/nohealthy/nohealthy/bundle"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// tokenKubeconfig makes a service account with the given cluster rules and
// returns a kubeconfig that authenticates as it.
func (c *Cluster) tokenKubeconfig(t *testing.T, ns, name string, rules []rbacv1.PolicyRule) string {
	t.Helper()
	c.namespace(t, ns)
	_, err := c.Client.CoreV1().ServiceAccounts(ns).Create(bg, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	must(t, err)
	if rules != nil {
		_, err = c.Client.RbacV1().ClusterRoles().Create(bg, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "e2e-" + name}, Rules: rules}, metav1.CreateOptions{})
		must(t, err)
		_, err = c.Client.RbacV1().ClusterRoleBindings().Create(bg, &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "e2e-" + name},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "e2e-" + name},
			Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: ns, Name: name}},
		}, metav1.CreateOptions{})
		must(t, err)
	}
	exp := int64(3600)
	tok, err := c.Client.CoreV1().ServiceAccounts(ns).CreateToken(bg, name, &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &exp}}, metav1.CreateOptions{})
	must(t, err)
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: %s, certificate-authority: %s}
users:
- name: %s
  user: {token: %s}
contexts:
- name: e2e
  context: {cluster: e2e, user: %s}
current-context: e2e
`, c.Env["API_SERVER"], filepath.Join(c.Env["PKI"], "ca.crt"), name, tok.Status.Token, name)
	path := filepath.Join(t.TempDir(), name+".kubeconfig")
	if err := os.WriteFile(path, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRBACPartialBundle: a service account that may not list some kinds
// nor read logs still yields a bundle, with each denial recorded.
func TestRBACPartialBundle(t *testing.T) {
	c := shared
	c.node(t, "worker-1")
	ns := "rbac-app"
	c.namespace(t, ns)
	w := c.workload(t, workload{ns: ns, name: "web", labels: map[string]string{"app": "web"}, replicas: 1, node: "worker-1"})
	pods := c.waitRunning(t, w.pods)
	c.setNotReady(t, pods, "web") // so gather wants its log
	c.logs(t, pods[0], "web", "starting", "not ready yet")

	read := []string{"get", "list"}
	kc := c.tokenKubeconfig(t, "rbac-test", "limited", []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"nodes", "namespaces", "services", "endpoints", "pods", "events", "configmaps"}, Verbs: read},
		{APIGroups: []string{"apps", "autoscaling", "policy"}, Resources: []string{"*"}, Verbs: read},
		{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"networkpolicies", "ingresses"}, Verbs: read},
		{APIGroups: []string{"networking.istio.io"}, Resources: []string{"destinationrules", "gateways"}, Verbs: read},
		// Not granted: endpointslices, virtualservices and the other Istio
		// kinds, ingressclasses, pods/log, pods/portforward.
	})
	out := filepath.Join(t.TempDir(), "partial.tar.zst")
	r := runGather(t, "--kubeconfig", kc, "--progress", "plain", "-A", "-o", out)
	if r.code != 0 {
		t.Fatalf("gather exit %d, want 0 for a partial bundle\n%s", r.code, r.stderr)
	}
	files := unpack(t, out)
	status := map[string]bundle.CollectorStatus{}
	for _, s := range index(t, files).Collectors {
		if s.Namespace == "" {
			status[s.Name] = s
		}
	}
	for name, want := range map[string]string{
		"pods":                                  bundle.StatusOK,
		"services":                              bundle.StatusOK,
		"deployments.apps":                      bundle.StatusOK,
		"destinationrules.networking.istio.io":  bundle.StatusOK,
		"endpointslices.discovery.k8s.io":       bundle.StatusForbidden,
		"virtualservices.networking.istio.io":   bundle.StatusForbidden,
		"peerauthentications.security.istio.io": bundle.StatusForbidden,
		"ingressclasses.networking.k8s.io":      bundle.StatusForbidden,
		"logs":                                  bundle.StatusForbidden,
	} {
		got, ok := status[name]
		if !ok {
			t.Errorf("collector %s not recorded", name)
			continue
		}
		if got.Status != want {
			t.Errorf("collector %s: status %q (%s), want %q", name, got.Status, got.Message, want)
		}
		if want == bundle.StatusForbidden && !strings.Contains(got.Message, "forbidden") {
			t.Errorf("collector %s: message %q does not say why", name, got.Message)
		}
	}
	if files[bundle.ResourcePath(ns, "pods")] == nil {
		t.Errorf("pods of %s missing from the partial bundle", ns)
	}
	if !strings.Contains(r.stderr, "forbidden") {
		t.Errorf("stderr does not mention the denials:\n%s", r.stderr)
	}

	// A service account that may read nothing: exit non-zero, clear message, no bundle.
	none := c.tokenKubeconfig(t, "rbac-test", "nobody", nil)
	out2 := filepath.Join(t.TempDir(), "none.tar.zst")
	r = runGather(t, "--kubeconfig", none, "--progress", "none", "-o", out2)
	if r.code == 0 || !strings.Contains(r.stderr, "nothing could be collected") {
		t.Fatalf("gather with no permissions: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(out2); err == nil {
		t.Fatalf("a bundle was written although nothing was collected")
	}
	assertNoTemp(t, filepath.Dir(out2))
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// Planted credentials: none may appear anywhere in the bundle.
var planted = map[string]string{
	"env-password":  "PlantedEnvPw-5f3a9c",
	"env-url":       "PlantedUrlPw-77aa",
	"secret-data":   "PlantedSecretData-0c0c",
	"cm-password":   "PlantedCmPw-31b4",
	"cm-pem":        "MIIEplantedPEMbodyQWERTY0123456789abcdef",
	"annot-token":   "PlantedAnnotTok-9d8e7f6a5b",
	"log-bearer":    "PlantedBearerTok-a1b2c3d4e5f6",
	"log-jwt-sig":   "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkLXVzZXIifQ.PlantedJwtSig",
	"log-aws":       "AKIAPLANTEDKEY123456",
	"log-kv":        "PlantedLogPw-4242",
	"log-url":       "PlantedLogUrlPw-1717",
	"log-pem":       "MIIBplantedLogKeyZXCV987654321",
	"secret-string": "PlantedStringData-beef",
}

// TestSecretsNeverLeak plants credentials in a Secret, env values, a mesh
// ConfigMap, an annotation and log lines, gathers everything, and greps
// the unpacked bytes of the bundle for each of them.
func TestSecretsNeverLeak(t *testing.T) {
	c := shared
	c.node(t, "worker-1")
	c.namespace(t, "leaky")
	c.namespace(t, "istio-system")
	c.kubectl(t, fmt.Sprintf(`apiVersion: v1
kind: Secret
metadata: {name: db, namespace: leaky}
stringData: {password: %s}
data: {blob: %s}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    defaultConfig:
      discoveryAddress: istiod.istio-system.svc:15012
    extensionProviders:
    - name: otel
      envoyOtelAls: {service: "otel.observability.svc", port: 4317}
    # tracing backend credentials (should never be here, but are)
    password: %s
  key.pem: |
    -----BEGIN PRIVATE KEY-----
    %s
    -----END PRIVATE KEY-----
`, planted["secret-string"], b64(planted["secret-data"]), planted["cm-password"], planted["cm-pem"]), "apply", "-f", "-")
	// kubectl apply also stores the whole object, env included, in the
	// last-applied-configuration annotation.
	c.kubectl(t, fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: leaky
  labels: {app: api}
  annotations: {example.com/api-token: %s}
spec:
  nodeName: worker-1
  containers:
  - name: api
    image: example.com/api:1
    env:
    - {name: DB_PASSWORD, value: %s}
    - {name: DATABASE_URL, value: "postgres://api:%s@db.leaky:5432/api"}
    - {name: FROM_SECRET, valueFrom: {secretKeyRef: {name: db, key: password}}}
`, planted["annot-token"], planted["env-password"], planted["env-url"]), "apply", "-f", "-")
	pod, err := c.Client.CoreV1().Pods("leaky").Get(bg, "api", metav1.GetOptions{})
	must(t, err)
	pods := c.waitRunning(t, []*corev1.Pod{pod})
	c.setNotReady(t, pods, "api")
	c.logs(t, pods[0], "api",
		"GET /v1/orders Authorization: Bearer "+planted["log-bearer"],
		"validated token "+planted["log-jwt-sig"]+" for user",
		"s3 client using "+planted["log-aws"],
		"db login user=api password="+planted["log-kv"]+" failed",
		"connecting to redis://default:"+planted["log-url"]+"@redis:6379/0",
		"-----BEGIN RSA PRIVATE KEY-----", planted["log-pem"], "-----END RSA PRIVATE KEY-----",
		"readiness: dependency db not reachable")

	out := filepath.Join(t.TempDir(), "all.tar.zst")
	r := c.gather(t, "-A", "-o", out)
	if r.code != 0 {
		t.Fatalf("gather exit %d\n%s", r.code, r.stderr)
	}
	files := unpack(t, out)
	if files[bundle.LogPath("leaky", "api", "api", false)] == nil {
		t.Fatalf("the planted log was not collected: %v", slices.Sorted(maps.Keys(files)))
	}
	if files[bundle.ResourcePath("istio-system", "configmaps")] == nil {
		t.Fatalf("the mesh ConfigMap was not collected")
	}
	// The whole decompressed stream too (headers, names, everything).
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	dec, _ := zstd.NewReader(nil)
	stream, err := dec.DecodeAll(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	leaks := 0
	for what, s := range planted {
		for _, hay := range [][]byte{stream, raw} {
			if bytes.Contains(hay, []byte(s)) || bytes.Contains(hay, []byte(b64(s))) {
				leaks++
				for name, b := range files {
					if bytes.Contains(b, []byte(s)) {
						t.Errorf("LEAK %s (%q) in %s", what, s, name)
					}
				}
				break
			}
		}
	}
	t.Logf("planted %d credentials, %d leaks", len(planted), leaks)
	if leaks > 0 {
		t.Fatalf("%d planted credentials leaked", leaks)
	}
	for name := range files {
		if strings.Contains(name, "secrets") {
			t.Errorf("bundle holds %s: Secrets must never be read", name)
		}
	}
	// The redaction patterns are listed in the manifest.
	if !bytes.Contains(files["manifest.json"], []byte(`"redactions"`)) {
		t.Errorf("manifest lists no redactions")
	}

	// --redact-only rewrites an existing bundle (idempotent here).
	r = runGather(t, "--redact-only", out)
	if r.code != 0 {
		t.Fatalf("--redact-only exit %d\n%s", r.code, r.stderr)
	}
	if len(unpack(t, out)) != len(files) {
		t.Errorf("--redact-only changed the number of entries")
	}
}

func b64(s string) string {
	const tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var b strings.Builder
	in := []byte(s)
	for i := 0; i < len(in); i += 3 {
		var n uint32
		k := 0
		for j := 0; j < 3; j++ {
			n <<= 8
			if i+j < len(in) {
				n |= uint32(in[i+j])
				k++
			}
		}
		for j := 0; j < 4; j++ {
			if j <= k {
				b.WriteByte(tbl[(n>>(18-6*uint(j)))&63])
			} else {
				b.WriteByte('=')
			}
		}
	}
	return b.String()
}

// TestAPIServerKilledMidRun kills kube-apiserver while gather pages
// through a large list: gather must fail with a clear message and leave no
// bundle (and no temporary file) behind.
func TestAPIServerKilledMidRun(t *testing.T) {
	c := newCluster(t)
	c.namespace(t, "many")
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i := 0; i < 1500; i++ {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			_, err := c.Client.CoreV1().ConfigMaps("many").Create(bg, &corev1.ConfigMap{
				ObjectMeta: metav1.ObjectMeta{Name: "cm-" + strconv.Itoa(i)}, Data: map[string]string{"k": "v"}}, metav1.CreateOptions{})
			must(t, err)
		})
	}
	wg.Wait()

	dir := t.TempDir()
	out := filepath.Join(dir, "killed.tar.zst")
	cmd := exec.Command(gatherBin(), "--kubeconfig", c.Kubeconfig, "--progress", "plain",
		"--page-size", "1", "--concurrency", "2", "--retries", "3", "-o", out)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	var log strings.Builder
	sc := bufio.NewScanner(stderr)
	killed := false
	pid, _ := strconv.Atoi(c.Env["APISERVER_PID"])
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if !killed && strings.Contains(sc.Text(), "to collect") {
			time.Sleep(300 * time.Millisecond) // well inside the 1500 one-object pages
			if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
				t.Fatalf("kill kube-apiserver %d: %v", pid, err)
			}
			killed = true
		}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(3 * time.Minute):
		t.Fatalf("gather did not stop after the API server died\n%s", log.String())
	}
	if !killed {
		t.Fatalf("gather ended before the API server could be killed\n%s", log.String())
	}
	noKlog(t, log.String())
	if err == nil {
		t.Fatalf("gather exited 0 after losing the API server\n%s", log.String())
	}
	if !strings.Contains(log.String(), "lost the connection to the API server") || !strings.Contains(log.String(), "no bundle written") {
		t.Errorf("unclear error message:\n%s", log.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a bundle exists under the final name after the API server was killed")
	}
	assertNoTemp(t, dir)
	t.Logf("gather stopped with: %s", lastLine(log.String()))
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
