package spelling

import "testing"

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"eastus", "eastus", 0},
		{"eastus", "eastus2", 1},
		{"kitten", "sitting", 3},
		{"imageSkew", "imageSku", 2},
	} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestNearest(t *testing.T) {
	fields := []string{"name", "size", "imagePublisher", "imageOffer", "imageSku", "imageVersion", "adminUsername", "adminPassword"}
	for _, tc := range []struct {
		want, got string
		ok        bool
	}{
		{"imageSkew", "imageSku", true},
		{"sizes", "size", true},
		{"admin_password", "adminPassword", true}, // case and '_' are free
		{"adminpasword", "adminPassword", true},
		{"nmae", "name", true},
		{"labels", "", false},
		{"x", "", false},
		{"cloud", "", false},
	} {
		got, ok := Nearest(tc.want, fields)
		if got != tc.got || ok != tc.ok {
			t.Errorf("Nearest(%q) = %q, %v; want %q, %v", tc.want, got, ok, tc.got, tc.ok)
		}
	}
}
