package serve

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/annotations"

	"github.com/hybridlink/hybridlink/platform/auth"
)

// TestOperationsREST calls the REST face of Operations: no redirect for the collection, and
// bad query parameters refused naming them.
func TestOperationsREST(t *testing.T) {
	s, access := startAccess(t, nil, nil, devAccess(t), io.Discard)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/v1/operations/op1", http.StatusOK, `"name":"operations/op1"`},
		// The stub keeps no list, as the resource services: ListOperations answers, not a redirect.
		{"GET", "/v1/operations", http.StatusNotImplemented, `"code":12`},
		{"GET", "/v1/operations?pageSize=ten", http.StatusBadRequest, "pageSize"},
		{"POST", "/v1/operations/op1:wait?timeout=soon", http.StatusBadRequest, "timeout"},
		{"POST", "/v1/operations/op1:delete", http.StatusNotFound, "no such operations method"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, "http://"+s.HTTPAddr+tt.path, nil)
			req.Header.Set("Authorization", "Bearer "+tokenOf(t, access, auth.Operator))
			resp, b := do(t, c, req)
			if resp.StatusCode != tt.status || !strings.Contains(b, tt.body) {
				t.Errorf("%d %s, want %d with %s", resp.StatusCode, b, tt.status, tt.body)
			}
		})
	}
	// No gateway: the server's endpoints are serve's own, and its document lists just those.
	_, doc := do(t, c, authorized(t, s, access, OpenAPIPath))
	documented, err := DocumentEndpoints([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	endpoints := slices.Clone(s.Endpoints())
	slices.SortFunc(endpoints, func(a, b Endpoint) int { return strings.Compare(a.String(), b.String()) })
	if !slices.Equal(endpoints, documented) {
		t.Errorf("endpoints %v, document %v", endpoints, documented)
	}
}

// authorized is a GET of path with the viewer token.
func authorized(t *testing.T, s *Server, access auth.Access, path string) *http.Request {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+s.HTTPAddr+path, nil)
	req.Header.Set("Authorization", "Bearer "+tokenOf(t, access, auth.Viewer))
	return req
}

func TestHTTPEndpoint(t *testing.T) {
	tests := []struct {
		rule *annotations.HttpRule
		want Endpoint
	}{
		{&annotations.HttpRule{Pattern: &annotations.HttpRule_Get{Get: "/v1/{name=clouds/*/resourceGroups/*/publicIPAddresses/*}"}},
			Endpoint{"GET", "/v1/clouds/{}/resourceGroups/{}/publicIPAddresses/{}"}},
		{&annotations.HttpRule{Pattern: &annotations.HttpRule_Post{Post: "/v1/{name=deployments/*}:check"}}, Endpoint{"POST", "/v1/deployments/{}:check"}},
		{&annotations.HttpRule{Pattern: &annotations.HttpRule_Patch{Patch: "/v1/{deployment.name=deployments/*}"}}, Endpoint{"PATCH", "/v1/deployments/{}"}},
		{&annotations.HttpRule{Pattern: &annotations.HttpRule_Delete{Delete: "/v1/{name=operations/**}"}}, Endpoint{"DELETE", "/v1/operations/{}"}},
		{&annotations.HttpRule{Pattern: &annotations.HttpRule_Get{Get: "/v1/things/{thing}"}}, Endpoint{"GET", "/v1/things/{}"}},
	}
	for _, tt := range tests {
		if got, ok := httpEndpoint(tt.rule); !ok || got != tt.want {
			t.Errorf("httpEndpoint(%v) = %v, %v; want %v", tt.rule, got, ok, tt.want)
		}
	}
}
