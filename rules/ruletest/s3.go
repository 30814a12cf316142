package ruletest

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/nohealthy/nohealthy/s3input"
)

// maxExpectedBytes bounds an expected.yaml read from object storage.
const maxExpectedBytes = 1 << 20

// discoverRemote finds the cases under an s3:// corpus root, laid out as
// a local corpus: <case>/expected.yaml beside <case>/bundle/ (objects
// under that prefix, read as a directory) or a bundle archive. As in a
// local corpus, a case's own tree holds no further cases.
func discoverRemote(root string) ([]Case, error) {
	loc, err := s3input.Parse(root)
	if err != nil {
		return nil, err
	}
	if !loc.IsPrefix() {
		loc.Key += "/" // s3://b/corpus names the prefix corpus/
	}
	ctx := context.Background()
	c, err := s3input.Default(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", root, err)
	}
	objs, err := c.List(ctx, loc)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	var dirs []string // case directories relative to the root, "" or ending in "/"
	for _, o := range objs {
		have[o.Rel] = true
		if o.Rel == ExpectedFile || strings.HasSuffix(o.Rel, "/"+ExpectedFile) {
			dirs = append(dirs, strings.TrimSuffix(o.Rel, ExpectedFile))
		}
	}
	sort.Strings(dirs)
	var found []Case
	var kept []string
	for _, dir := range dirs {
		nested := false
		for _, k := range kept {
			if strings.HasPrefix(dir, k) {
				nested = true
			}
		}
		if nested {
			continue
		}
		kept = append(kept, dir)
		exp := loc.Join(dir + ExpectedFile)
		data, err := c.ReadAll(ctx, exp, maxExpectedBytes)
		if err != nil {
			return nil, err
		}
		e, err := ParseExpected(exp.String(), data)
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(dir, "/")
		if name == "" {
			name = path.Base(strings.TrimSuffix(loc.Key, "/"))
		}
		input := ""
		for rel := range have {
			if strings.HasPrefix(rel, dir+BundleDir+"/") {
				input = loc.Join(dir + BundleDir + "/").String()
				break
			}
		}
		if input == "" {
			for _, a := range BundleArchives {
				if have[dir+a] {
					input = loc.Join(dir + a).String()
					break
				}
			}
		}
		if input == "" {
			return nil, fmt.Errorf("%s: no %s/ and no bundle archive (%s) beside %s", loc.Join(dir), BundleDir, strings.Join(BundleArchives, ", "), ExpectedFile)
		}
		found = append(found, Case{Name: name, Dir: loc.Join(dir).String(), Expected: e, input: input})
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("%s: no cases found (want <case>/%s and <case>/%s)", root, BundleDir, ExpectedFile)
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Name < found[j].Name })
	return found, nil
}
