package paging

import (
	"slices"
	"testing"
)

func TestPage(t *testing.T) {
	items := []int{1, 2, 3, 4, 5}
	var got []int
	token := ""
	for pages := 0; ; pages++ {
		page, next, err := Page(items, 2, token)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
		if next == "" {
			if pages != 2 {
				t.Fatalf("5 items in pages of 2 take 3 pages, took %d", pages+1)
			}
			break
		}
		token = next
	}
	if len(got) != 5 {
		t.Fatalf("got %v", got)
	}
	for _, bad := range []string{"x", "b2Zmc2V0Ojk5", "!!"} {
		if _, _, err := Page(items, 2, bad); err == nil {
			t.Fatalf("token %q must be refused", bad)
		}
	}
	if _, _, err := Page(items, -1, ""); err == nil {
		t.Fatal("negative page_size must be refused")
	}
}

func TestRequest(t *testing.T) {
	tests := []struct {
		size   int32
		token  string
		fields []string
	}{
		{0, "", nil},
		{10, "b2Zmc2V0OjI", nil}, // offset:2
		{-1, "", []string{"page_size"}},
		{5, "!!", []string{"page_token"}},
		{-3, "eA", []string{"page_size", "page_token"}},
	}
	for _, tc := range tests {
		var got []string
		for _, v := range Request(tc.size, tc.token) {
			got = append(got, v.Field)
		}
		if !slices.Equal(got, tc.fields) {
			t.Errorf("Request(%d, %q) names %v, want %v", tc.size, tc.token, got, tc.fields)
		}
	}
}
