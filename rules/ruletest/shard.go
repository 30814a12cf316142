package ruletest

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one of N parts of a corpus (`analyze test --shard K/N`), so
// that N machines, each given its own K, run the whole corpus once between
// them: a Kubernetes Indexed Job gives each of its pods K as
// JOB_COMPLETION_INDEX.
//
// A case belongs to shard K when the FNV-1a hash of its name (its path
// relative to the corpus root) is K modulo N. The split depends on the
// case alone, never on its position in a listing: adding or removing a
// case moves no other case to another shard, and every machine agrees on
// the split whatever order its file system or object store lists in.
type Shard struct {
	K, N int
}

// All is the shard of every case.
var All = Shard{K: 0, N: 1}

// ParseShard reads "K/N", with 0 <= K < N. K may also be written as an
// environment variable, $NAME, ${NAME} or $(NAME) (the form a Kubernetes
// manifest writes for JOB_COMPLETION_INDEX), which getenv resolves: a
// container started without a shell passes it unexpanded.
func ParseShard(s string, getenv func(string) string) (Shard, error) {
	ks, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Shard{}, fmt.Errorf("--shard %q: want K/N, e.g. 0/4 or $JOB_COMPLETION_INDEX/4", s)
	}
	if name, isVar := envName(ks); isVar {
		v := getenv(name)
		if v == "" {
			return Shard{}, fmt.Errorf("--shard %q: $%s is not set", s, name)
		}
		ks = v
	}
	k, errK := strconv.Atoi(strings.TrimSpace(ks))
	n, errN := strconv.Atoi(strings.TrimSpace(ns))
	switch {
	case errN != nil || n < 1:
		return Shard{}, fmt.Errorf("--shard %q: N must be a whole number of shards, at least 1", s)
	case errK != nil || k < 0 || k >= n:
		return Shard{}, fmt.Errorf("--shard %q: K must be a whole number from 0 to %d (N-1)", s, n-1)
	}
	return Shard{K: k, N: n}, nil
}

// envName recognises $NAME, ${NAME} and $(NAME).
func envName(s string) (string, bool) {
	rest, ok := strings.CutPrefix(s, "$")
	if !ok {
		return "", false
	}
	for _, br := range [][2]string{{"{", "}"}, {"(", ")"}} {
		if inner, ok := strings.CutPrefix(rest, br[0]); ok {
			if name, ok := strings.CutSuffix(inner, br[1]); ok {
				rest = name
				break
			}
			return "", false
		}
	}
	if rest == "" {
		return "", false
	}
	for i, c := range rest {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return "", false
		}
	}
	return rest, true
}

// Has reports whether the case named name belongs to the shard.
func (s Shard) Has(name string) bool {
	if s.N <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()%uint64(s.N) == uint64(s.K)
}

// Select returns the cases of the shard, in their order.
func (s Shard) Select(cases []Case) []Case {
	var out []Case
	for _, c := range cases {
		if s.Has(c.Name) {
			out = append(out, c)
		}
	}
	return out
}

func (s Shard) String() string { return strconv.Itoa(s.K) + "/" + strconv.Itoa(s.N) }
