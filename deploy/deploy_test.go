// Package deploy holds what ships nohealthy (the in-cluster Job and its
// RBAC, the container image, the krew manifest) and, here, the tests that
// keep them true to the code and to the release config, which cannot be
// run in CI.
package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nohealthy/nohealthy/collect"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func docs(t *testing.T, path string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, d := range regexp.MustCompile(`(?m)^---$`).Split(string(read(t, path)), -1) {
		if strings.TrimSpace(regexp.MustCompile(`(?m)^#.*$`).ReplaceAllString(d, "")) != "" {
			out = append(out, []byte(d))
		}
	}
	return out
}

type rbac struct {
	ns   corev1.Namespace
	sa   corev1.ServiceAccount
	role rbacv1.ClusterRole
	bind rbacv1.ClusterRoleBinding
}

func loadRBAC(t *testing.T) rbac {
	t.Helper()
	var r rbac
	for _, d := range docs(t, "rbac.yaml") {
		var head struct{ Kind string }
		if err := yaml.Unmarshal(d, &head); err != nil {
			t.Fatal(err)
		}
		var into any
		switch head.Kind {
		case "Namespace":
			into = &r.ns
		case "ServiceAccount":
			into = &r.sa
		case "ClusterRole":
			into = &r.role
		case "ClusterRoleBinding":
			into = &r.bind
		default:
			t.Fatalf("rbac.yaml: unexpected kind %q", head.Kind)
		}
		if err := yaml.UnmarshalStrict(d, into); err != nil {
			t.Fatalf("rbac.yaml: %s: %v", head.Kind, err)
		}
	}
	return r
}

// The ClusterRole grants exactly what gather reads: get and list on every
// resource it collects, get on pods/log, a port-forward; nothing on
// Secrets, no write.
func TestClusterRoleIsWhatGatherReads(t *testing.T) {
	r := loadRBAC(t)
	type grant struct{ group, resource string }
	granted := map[grant][]string{}
	for _, rule := range r.role.Rules {
		if len(rule.ResourceNames) > 0 || len(rule.NonResourceURLs) > 0 {
			t.Errorf("unexpected rule %+v", rule)
		}
		for _, g := range rule.APIGroups {
			for _, res := range rule.Resources {
				granted[grant{g, res}] = append(granted[grant{g, res}], rule.Verbs...)
			}
		}
	}
	want := map[grant][]string{
		{"", "pods/log"}:         {"get"},
		{"", "pods/portforward"}: {"create", "get"},
	}
	for _, w := range collect.DefaultWanted {
		want[grant{w.Group, w.Resource}] = []string{"get", "list"}
	}
	for g, verbs := range want {
		got := slices.Sorted(slices.Values(granted[g]))
		if !slices.Equal(got, verbs) {
			t.Errorf("%s in group %q: verbs %v, want %v", g.resource, g.group, got, verbs)
		}
	}
	for g := range granted {
		if _, ok := want[g]; !ok {
			t.Errorf("%s in group %q is granted but gather does not read it", g.resource, g.group)
		}
		if g.resource == "secrets" || (g.group == "" && g.resource == "*") {
			t.Errorf("the ClusterRole may read Secrets (%+v)", g)
		}
	}
	if r.bind.RoleRef.Name != r.role.Name || len(r.bind.Subjects) != 1 ||
		r.bind.Subjects[0].Name != r.sa.Name || r.bind.Subjects[0].Namespace != r.sa.Namespace || r.sa.Namespace != r.ns.Name {
		t.Errorf("the binding does not tie ServiceAccount %s/%s to ClusterRole %s: %+v", r.sa.Namespace, r.sa.Name, r.role.Name, r.bind)
	}
}

// The Job runs the image's gather as the ServiceAccount rbac.yaml binds,
// writes the bundle to its volume, and mounts no Secret.
func TestJob(t *testing.T) {
	r := loadRBAC(t)
	d := docs(t, "job.yaml")
	if len(d) != 1 {
		t.Fatalf("job.yaml holds %d documents", len(d))
	}
	var job batchv1.Job
	if err := yaml.UnmarshalStrict(d[0], &job); err != nil {
		t.Fatal(err)
	}
	spec := job.Spec.Template.Spec
	if job.Namespace != r.ns.Name || spec.ServiceAccountName != r.sa.Name {
		t.Errorf("Job %s/%s runs as %s, want %s/%s", job.Namespace, job.Name, spec.ServiceAccountName, r.sa.Namespace, r.sa.Name)
	}
	if len(spec.Containers) != 1 || spec.RestartPolicy != corev1.RestartPolicyNever {
		t.Fatalf("containers %d, restartPolicy %s", len(spec.Containers), spec.RestartPolicy)
	}
	c := spec.Containers[0]
	script := strings.Join(append(c.Command, c.Args...), " ")
	if !strings.Contains(script, "nohealthy-gather ") || !strings.Contains(script, "-o /bundle/") {
		t.Errorf("the Job does not run nohealthy-gather into /bundle: %s", script)
	}
	if len(c.VolumeMounts) != 1 || c.VolumeMounts[0].MountPath != "/bundle" {
		t.Errorf("volume mounts %+v", c.VolumeMounts)
	}
	for _, v := range spec.Volumes {
		if v.Secret != nil || v.Projected != nil {
			t.Errorf("volume %s mounts secrets", v.Name)
		}
	}
	if c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem {
		t.Errorf("the container's root file system is writable")
	}
	df := string(read(t, "Dockerfile"))
	for _, want := range []string{"-o /out/nohealthy-gather ./cmd/gather", "/usr/local/bin/", "USER 65532"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if spec.SecurityContext == nil || spec.SecurityContext.RunAsUser == nil || *spec.SecurityContext.RunAsUser != 65532 {
		t.Errorf("the Job does not run as the image's user 65532")
	}
}

// goreleaserConfig is the part of .goreleaser.yaml these tests read.
type goreleaserConfig struct {
	Version     int    `json:"version"`
	ProjectName string `json:"project_name"`
	Builds      []struct {
		ID      string   `json:"id"`
		Main    string   `json:"main"`
		Binary  string   `json:"binary"`
		Env     []string `json:"env"`
		Ldflags []string `json:"ldflags"`
		Goos    []string `json:"goos"`
		Goarch  []string `json:"goarch"`
	} `json:"builds"`
	Archives []struct {
		ID           string `json:"id"`
		IDs          []string
		Formats      []string `json:"formats"`
		NameTemplate string   `json:"name_template"`
		Files        []any    `json:"files"`
	} `json:"archives"`
	Checksum struct {
		NameTemplate string `json:"name_template"`
		Algorithm    string `json:"algorithm"`
	} `json:"checksum"`
	Sboms []struct {
		Artifacts string `json:"artifacts"`
	} `json:"sboms"`
}

// The release config builds the three programs for linux and darwin on
// amd64 and arm64, archives them together, and publishes checksums and
// SBOMs.
func TestGoreleaserConfig(t *testing.T) {
	var c goreleaserConfig
	if err := yaml.Unmarshal(read(t, "../.goreleaser.yaml"), &c); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	if c.Version != 2 || c.ProjectName != "nohealthy" {
		t.Errorf("version %d, project %q", c.Version, c.ProjectName)
	}
	wantBins := map[string]string{"nohealthy-gather": "./cmd/gather", "nohealthy-analyze": "./cmd/analyze", "kubectl-nohealthy": "./cmd/kubectl-nohealthy"}
	var ids []string
	for _, b := range c.Builds {
		ids = append(ids, b.ID)
		if wantBins[b.Binary] != b.Main {
			t.Errorf("build %s: binary %s from %s", b.ID, b.Binary, b.Main)
		}
		delete(wantBins, b.Binary)
		if _, err := os.Stat(filepath.Join("..", b.Main, "main.go")); err != nil {
			t.Errorf("build %s: %v", b.ID, err)
		}
		if !slices.Equal(slices.Sorted(slices.Values(b.Goos)), []string{"darwin", "linux"}) || !slices.Equal(slices.Sorted(slices.Values(b.Goarch)), []string{"amd64", "arm64"}) {
			t.Errorf("build %s: targets %v × %v, want linux/darwin × amd64/arm64", b.ID, b.Goos, b.Goarch)
		}
		if !slices.Contains(b.Env, "CGO_ENABLED=0") || !strings.Contains(strings.Join(b.Ldflags, " "), "-X main.version={{ .Version }}") {
			t.Errorf("build %s: env %v, ldflags %v", b.ID, b.Env, b.Ldflags)
		}
	}
	for bin := range wantBins {
		t.Errorf("no build of %s", bin)
	}
	if len(c.Archives) != 1 {
		t.Fatalf("%d archives, want one holding every program", len(c.Archives))
	}
	a := c.Archives[0]
	if !slices.Equal(slices.Sorted(slices.Values(a.IDs)), slices.Sorted(slices.Values(ids))) || !slices.Equal(a.Formats, []string{"tar.gz"}) {
		t.Errorf("archive ids %v formats %v", a.IDs, a.Formats)
	}
	files := fmtAny(a.Files)
	for _, f := range []string{"LICENSE", "deploy/kubectl_complete-nohealthy", "deploy/rbac.yaml"} {
		if !strings.Contains(files, f) {
			t.Errorf("archive files %s lack %s", files, f)
		}
		if _, err := os.Stat(filepath.Join("..", f)); err != nil {
			t.Errorf("archive file: %v", err)
		}
	}
	if c.Checksum.NameTemplate == "" || c.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum %+v", c.Checksum)
	}
	if len(c.Sboms) == 0 || c.Sboms[0].Artifacts != "archive" {
		t.Errorf("sboms %+v, want one per archive", c.Sboms)
	}
	if a.NameTemplate != "nohealthy_{{ .Tag }}_{{ .Os }}_{{ .Arch }}" {
		t.Errorf("archive name %q: the krew manifest's URIs assume nohealthy_{{ .Tag }}_{{ .Os }}_{{ .Arch }}", a.NameTemplate)
	}
}

func fmtAny(v any) string {
	b, _ := yaml.Marshal(v)
	return string(b)
}

// krewPlugin is a krew plugin manifest (krew.googlecontainertools.github.com/v1alpha2).
type krewPlugin struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Version          string `json:"version"`
		Homepage         string `json:"homepage"`
		ShortDescription string `json:"shortDescription"`
		Description      string `json:"description"`
		Caveats          string `json:"caveats"`
		Platforms        []struct {
			Selector struct {
				MatchLabels map[string]string `json:"matchLabels"`
			} `json:"selector"`
			URI    string `json:"uri"`
			Sha256 string `json:"sha256"`
			Files  []struct {
				From string `json:"from"`
				To   string `json:"to"`
			} `json:"files"`
			Bin string `json:"bin"`
		} `json:"platforms"`
	} `json:"spec"`
}

// The krew manifest, rendered as the release bot renders it, installs the
// plugin with both programs beside it, from each release archive.
func TestKrewManifest(t *testing.T) {
	const tag = "v1.2.3"
	tmpl := string(read(t, "krew/nohealthy.yaml"))
	addURI := regexp.MustCompile(`\{\{ addURIAndSha "([^"]+)" \.TagName \}\}`)
	out := addURI.ReplaceAllStringFunc(tmpl, func(m string) string {
		uri := strings.ReplaceAll(addURI.FindStringSubmatch(m)[1], "{{ .TagName }}", tag)
		return "uri: " + uri + "\n    sha256: " + strings.Repeat("0", 64)
	})
	out = strings.ReplaceAll(out, "{{ .TagName }}", tag)
	if strings.Contains(out, "{{") {
		t.Fatalf("unrendered template left:\n%s", out)
	}
	var p krewPlugin
	if err := yaml.UnmarshalStrict([]byte(out), &p); err != nil {
		t.Fatalf("rendered manifest: %v\n%s", err, out)
	}
	if p.APIVersion != "krew.googlecontainertools.github.com/v1alpha2" || p.Kind != "Plugin" || p.Metadata.Name != "nohealthy" || p.Spec.Version != tag {
		t.Errorf("header %s %s %s %s", p.APIVersion, p.Kind, p.Metadata.Name, p.Spec.Version)
	}
	if p.Spec.ShortDescription == "" || p.Spec.Description == "" || p.Spec.Homepage == "" {
		t.Errorf("descriptions or homepage missing")
	}
	seen := map[string]bool{}
	for _, pl := range p.Spec.Platforms {
		os, arch := pl.Selector.MatchLabels["os"], pl.Selector.MatchLabels["arch"]
		seen[os+"/"+arch] = true
		if want := "/download/" + tag + "/nohealthy_" + tag + "_" + os + "_" + arch + ".tar.gz"; !strings.HasSuffix(pl.URI, want) {
			t.Errorf("%s/%s: uri %s, want …%s (goreleaser's archive name)", os, arch, pl.URI, want)
		}
		if pl.Bin != "kubectl-nohealthy" {
			t.Errorf("%s/%s: bin %s", os, arch, pl.Bin)
		}
		var from []string
		for _, f := range pl.Files {
			from = append(from, f.From)
		}
		for _, want := range []string{"kubectl-nohealthy", "nohealthy-gather", "nohealthy-analyze", "LICENSE"} {
			if !slices.Contains(from, want) {
				t.Errorf("%s/%s: files %v lack %s (the plugin runs the programs beside it)", os, arch, from, want)
			}
		}
	}
	for _, want := range []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64"} {
		if !seen[want] {
			t.Errorf("no platform %s", want)
		}
	}
}
