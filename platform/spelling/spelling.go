// Package spelling measures how close two names are in spelling, for the "did you mean"
// of a typo: a field name in a document, a location or a VM size a cloud does not offer.
package spelling

import "strings"

// Distance is the Levenshtein distance between two strings, in bytes: the fewest single
// insertions, deletions and substitutions that turn a into b.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// Nearest returns the one of names that want is a likely misspelling of: the nearest,
// ignoring case and '_', within a third of want's length (at least 2), and the first of
// equally near ones; false when none is that near.
func Nearest(want string, names []string) (string, bool) {
	fold := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }
	w := fold(want)
	best, bestD := "", max(2, len(w)/3)+1
	for _, n := range names {
		if d := Distance(w, fold(n)); d < bestD {
			best, bestD = n, d
		}
	}
	return best, best != ""
}
