// Package paging pages lists for the AIP-158 page_size/page_token fields. ARM's own
// nextLinks never reach callers: a caller's token must not decide a URL the service calls.
package paging

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hybridlink/hybridlink/platform/apierr"
)

// DefaultSize and MaxSize bound a page.
const (
	DefaultSize = 50
	MaxSize     = 1000
)

// Request checks a list request's page_size and page_token before anything is read, and
// returns the violations naming each field; the token's offset is checked again by Page.
func Request(size int32, token string) apierr.Violations {
	var v apierr.Violations
	if size < 0 {
		v.Add("page_size", "must not be negative, got %d", size)
	}
	if _, err := offset(token); err != nil {
		v.Add("page_token", "%v", err)
	}
	return v
}

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
	start, err := offset(token)
	if err == nil && start > len(items) {
		err = badToken(token)
	}
	if err != nil {
		return nil, "", err
	}
	end := min(start+n, len(items))
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
	}
	return items[start:end], next, nil
}

// offset decodes a page token: 0 for none.
func offset(token string) (int, error) {
	if token == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	v, ok := strings.CutPrefix(string(raw), "offset:")
	off, err2 := strconv.Atoi(v)
	if err != nil || !ok || err2 != nil || off < 0 {
		return 0, badToken(token)
	}
	return off, nil
}

func badToken(token string) error {
	return fmt.Errorf("page_token %q is not a token this list returned; start again without it", token)
}

// Render converts a full ARM list to API messages sorted by name and returns the page a
// request asks for, as every List method does after reading ARM; a bad page token is
// InvalidArgument on page_token.
func Render[M any, A interface{ GetName() string }](items []M, render func(M) A, size int32, token string) ([]A, string, error) {
	out := make([]A, 0, len(items))
	for _, m := range items {
		out = append(out, render(m))
	}
	SortByName(out)
	page, next, err := Page(out, size, token)
	if err != nil {
		return nil, "", apierr.Invalid("page_token", "%v", err)
	}
	return page, next, nil
}

// SortByName orders resources by name, so that pages are stable across calls.
func SortByName[T interface{ GetName() string }](items []T) {
	sort.Slice(items, func(i, j int) bool { return items[i].GetName() < items[j].GetName() })
}
