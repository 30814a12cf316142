// Package kubenames makes deterministic names and UIDs that look like the
// ones a real cluster hands out, for the corpus and benchmark generators:
// the same seed always gives the same bytes, so generated fixtures diff.
package kubenames

import (
	"crypto/sha1"
	"fmt"
	"strconv"
	"strings"
)

// alnum is the alphabet of Kubernetes' random name suffixes
// (k8s.io/apimachinery/pkg/util/rand: no vowels, no 0/1/3).
const alnum = "bcdfghjklmnpqrstvwxz2456789"

// UID is a version-4-shaped UUID derived from parts.
func UID(parts ...string) string {
	s := sha1.Sum([]byte(strings.Join(parts, "/")))
	s[6] = (s[6] & 0x0f) | 0x40
	s[8] = (s[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

// Suffix is an n-character random-looking name suffix derived from seed
// (pod-template-hash, pod name suffixes).
func Suffix(seed string, n int) string {
	s := sha1.Sum([]byte(seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = alnum[int(s[i%20]+byte(i/20))%len(alnum)]
	}
	return string(b)
}

// Rand is splitmix64: a small, fast generator; the same seed gives the
// same sequence, so generated fixtures diff.
type Rand struct{ s uint64 }

// NewRand returns a generator seeded with seed.
func NewRand(seed uint64) Rand { return Rand{s: seed} }

// U64 returns the next 64 random bits.
func (r *Rand) U64() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// N returns a number in [0,n) (0 when n <= 0).
func (r *Rand) N(n int) int {
	if n <= 0 {
		return 0
	}
	return int(r.U64() % uint64(n))
}

// HexID is n lowercase hex digits derived from seed (container IDs, image
// digests, machine IDs): SHA-1 of "seed#0", "seed#1", ... concatenated and
// cut to n, so the same seed always gives the same ID.
func HexID(seed string, n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%x", sha1.Sum([]byte(seed+"#"+strconv.Itoa(i))))
	}
	return b.String()[:n]
}
