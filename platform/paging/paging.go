// Package paging pages lists for the AIP-158 page_size/page_token fields. ARM's own
// nextLinks never reach callers: a caller's token must not decide a URL the service calls.
package paging

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// DefaultSize and MaxSize bound a page.
const (
	DefaultSize = 50
	MaxSize     = 1000
)

// Page returns one page of items and the token of the next, or "" on the last page.
func Page[T any](items []T, size int32, token string) ([]T, string, error) {
	if size < 0 {
		return nil, "", fmt.Errorf("page_size must not be negative, got %d", size)
	}
	n := int(size)
	if n == 0 {
		n = DefaultSize
	}
	n = min(n, MaxSize)
	start := 0
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		v, ok := strings.CutPrefix(string(raw), "offset:")
		off, err2 := strconv.Atoi(v)
		if err != nil || !ok || err2 != nil || off < 0 || off > len(items) {
			return nil, "", fmt.Errorf("page_token %q is not a token this list returned; start again without it", token)
		}
		start = off
	}
	end := min(start+n, len(items))
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
	}
	return items[start:end], next, nil
}

// SortByName orders resources by name, so that pages are stable across calls.
func SortByName[T interface{ GetName() string }](items []T) {
	sort.Slice(items, func(i, j int) bool { return items[i].GetName() < items[j].GetName() })
}
