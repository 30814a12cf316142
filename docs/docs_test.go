package docs

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// root is the repository root, seen from this package's directory.
const root = ".."

// repoFiles returns the repository's files (slash paths from root) whose
// names end in one of suffixes, skipping hidden directories.
func repoFiles(t *testing.T, suffixes ...string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		for _, s := range suffixes {
			if !d.IsDir() && strings.HasSuffix(p, s) {
				rel, _ := filepath.Rel(root, p)
				out = append(out, filepath.ToSlash(rel))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func exists(rel string) bool {
	st, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel)))
	return err == nil && !st.IsDir()
}

var (
	fenceRE    = regexp.MustCompile("(?ms)^```.*?^```")
	codeSpanRE = regexp.MustCompile("`[^`\n]*`")
	linkRE     = regexp.MustCompile(`\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)
	headingRE  = regexp.MustCompile(`(?m)^#{1,6}\s+(.+?)\s*$`)
)

// anchors are the heading anchors of a Markdown page, as GitHub makes
// them: lower case, punctuation dropped, spaces turned into '-'.
func anchors(md string) map[string]bool {
	out := map[string]bool{}
	for _, m := range headingRE.FindAllStringSubmatch(fenceRE.ReplaceAllString(md, ""), -1) {
		var b strings.Builder
		for _, r := range strings.ToLower(m[1]) {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
				b.WriteRune(r)
			case r == ' ':
				b.WriteRune('-')
			}
		}
		out[b.String()] = true
	}
	return out
}

// TestMarkdownLinksResolve: every relative link of every Markdown file
// names a file of the repository, and an anchor a heading of it.
func TestMarkdownLinksResolve(t *testing.T) {
	files := repoFiles(t, ".md")
	if len(files) < 5 {
		t.Fatalf("found only %v: not run from the docs package?", files)
	}
	links := 0
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		text := codeSpanRE.ReplaceAllString(fenceRE.ReplaceAllString(string(data), ""), "")
		for _, m := range linkRE.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			links++
			file, anchor, _ := strings.Cut(target, "#")
			dest := f
			if file != "" {
				dest = path.Join(path.Dir(f), file)
				if !exists(dest) {
					t.Errorf("%s: link %s: %s does not exist", f, target, dest)
					continue
				}
			}
			if anchor != "" && strings.HasSuffix(dest, ".md") {
				b, _ := os.ReadFile(filepath.Join(root, dest))
				if !anchors(string(b))[anchor] {
					t.Errorf("%s: link %s: %s has no heading #%s", f, target, dest, anchor)
				}
			}
		}
	}
	if links == 0 {
		t.Fatal("no relative link found: the pattern is wrong")
	}
}

var mdPathRE = regexp.MustCompile(`[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b`)

// TestNamedMarkdownFilesExist: every *.md path that a Markdown page or a
// Go source (help texts, error and lint messages, comments) names is a
// file of the repository, from the naming file's directory or from the
// root. Test files may name files outside (the shared taxonomy they
// compare with); testdata holds third-party text citing its own sources;
// URLs name other sites.
func TestNamedMarkdownFilesExist(t *testing.T) {
	named := 0
	for _, f := range repoFiles(t, ".md", ".go") {
		if strings.HasSuffix(f, "_test.go") || strings.Contains("/"+f, "/testdata/") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		for _, loc := range mdPathRE.FindAllStringIndex(text, -1) {
			word := text[strings.LastIndexAny(text[:loc[0]], " \t\n")+1 : loc[1]]
			if strings.Contains(word, "://") {
				continue
			}
			m := text[loc[0]:loc[1]]
			named++
			if !exists(path.Join(path.Dir(f), m)) && !exists(path.Clean(m)) {
				t.Errorf("%s names %s, which is not in the repository", f, m)
			}
		}
	}
	if named == 0 {
		t.Fatal("no Markdown file named anywhere: the pattern is wrong")
	}
}

// TestContractMatchesShared compares docs/contract.md with the shared
// contract it mirrors, when that file is at hand ($NOHEALTHY_SHARED or
// /work/shared): equal but for links made relative to this repository.
func TestContractMatchesShared(t *testing.T) {
	var shared []byte
	for _, d := range []string{os.Getenv("NOHEALTHY_SHARED"), "/work/shared"} {
		if d == "" {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(d, "CONTRACT.md")); err == nil {
			shared = b
			break
		}
	}
	if shared == nil {
		t.Skip("no shared CONTRACT.md ($NOHEALTHY_SHARED unset, /work/shared absent)")
	}
	ours, err := os.ReadFile("contract.md")
	if err != nil {
		t.Fatal(err)
	}
	adapted := strings.ReplaceAll(string(shared), "`CAUSES.md`", "[causes.md](causes.md)")
	if string(ours) != adapted {
		t.Error("docs/contract.md differs from the shared CONTRACT.md (links aside): copy the change over")
	}
}
