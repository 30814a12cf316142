// Package editdist measures how far apart two short names are, to suggest
// the one a user probably meant (a cause ID, a Service behind a typo).
package editdist

// Levenshtein is the edit distance of a and b in bytes: the inserts,
// deletes and substitutions that turn one into the other. Names longer
// than 64 bytes are not compared (their distance is the longer length):
// every caller compares names, and the cost is quadratic.
func Levenshtein(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
