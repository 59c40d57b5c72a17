package servicetest

import (
	"net/http"
	"strings"
	"testing"
)

// PostJSON posts body to the stack's REST path and returns the JSON answer, failing the
// test unless it is 200 OK.
func (s *Stack) PostJSON(t testing.TB, path, body string) map[string]any {
	t.Helper()
	resp, err := s.HTTP.Post(s.REST+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return DecodeJSON(t, resp)
}

// GetJSON gets the stack's REST path and returns the JSON answer, failing the test unless
// it is 200 OK.
func (s *Stack) GetJSON(t testing.TB, path string) map[string]any {
	t.Helper()
	resp, err := s.HTTP.Get(s.REST + path)
	if err != nil {
		t.Fatal(err)
	}
	return DecodeJSON(t, resp)
}

// WaitJSON waits over REST for the operation op, as a REST answer, and returns it done.
func (s *Stack) WaitJSON(t testing.TB, op map[string]any) map[string]any {
	t.Helper()
	name, _ := op["name"].(string)
	for done, _ := op["done"].(bool); !done; done, _ = op["done"].(bool) {
		op = s.PostJSON(t, "/v1/"+name+":wait", "")
	}
	return op
}

// CheckNotFound fails the test unless the stack's REST path answers 404 Not Found.
func (s *Stack) CheckNotFound(t testing.TB, path string) {
	t.Helper()
	resp, err := s.HTTP.Get(s.REST + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("REST answers NotFound with 404, got %s", resp.Status)
	}
}
