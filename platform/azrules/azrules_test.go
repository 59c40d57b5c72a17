package azrules

import (
	"strings"
	"testing"
)

func TestSharedKeyProblem(t *testing.T) {
	for _, tc := range []struct {
		name, key string
		ok        bool
	}{
		{"empty (the caller's rule)", "", true},
		{"printable ASCII", "Shared-Key_42 with inner spaces ~!", true},
		{"128 characters", strings.Repeat("k", MaxSharedKey), true},
		{"129 characters", strings.Repeat("k", MaxSharedKey+1), false},
		{"one space", " ", false},
		{"three spaces", "   ", false},
		{"leading space", " Shared-Key-42", false},
		{"trailing space", "Shared-Key-42 ", false},
		{"tab", "Shared\tKey", false},
		{"line break at the end", "Shared-Key-42\n", false},
		{"NUL", "Shared\x00Key", false},
		{"DEL", "Shared\x7fKey", false},
		{"not ASCII", "clé-partagée", false},
		{"no-break space", "\u00a0Shared-Key", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problem := SharedKeyProblem(tc.key)
			if (problem == "") != tc.ok {
				t.Fatalf("SharedKeyProblem(%q) = %q; want ok=%v", tc.key, problem, tc.ok)
			}
			if tc.key != "" && strings.TrimSpace(tc.key) != "" && strings.Contains(problem, strings.TrimSpace(tc.key)) {
				t.Errorf("the description quotes the key: %s", problem)
			}
		})
	}
}
