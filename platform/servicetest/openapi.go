package servicetest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"

	"github.com/hybridlink/hybridlink/platform/serve"
)

// CheckOpenAPI reads the document the service serves at serve.OpenAPIPath and fails the test
// unless: it is a valid OpenAPI 2.0 document (kin-openapi decodes it, converts it to 3.0 and
// validates that); its operations are exactly the API endpoints the server registers
// (serve.Server.Endpoints: the gateway's and serve's own); and the REST port routes each one,
// called with x for every path variable (a call that reaches no handler gets grpc-gateway's
// or the operations handler's routing answer).
func (s *Stack) CheckOpenAPI(t testing.TB) {
	t.Helper()
	resp, err := s.HTTP.Get(s.REST + serve.OpenAPIPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s %v", serve.OpenAPIPath, resp.Status, err)
	}
	var v2 openapi2.T
	if err := json.Unmarshal(doc, &v2); err != nil {
		t.Fatalf("OpenAPI 2.0 document: %v", err)
	}
	v3, err := openapi2conv.ToV3(&v2)
	if err != nil {
		t.Fatalf("OpenAPI 2.0 document to 3.0: %v", err)
	}
	if err := v3.Validate(context.Background()); err != nil {
		t.Fatalf("OpenAPI document invalid: %v", err)
	}

	documented, err := serve.DocumentEndpoints(doc)
	if err != nil {
		t.Fatal(err)
	}
	registered := slices.Clone(s.server.Endpoints())
	for _, r := range registered {
		if !slices.Contains(documented, r) {
			t.Errorf("%s is served but not in the OpenAPI document", r)
		}
	}
	for _, r := range documented {
		if !slices.Contains(registered, r) {
			t.Errorf("%s is in the OpenAPI document but not registered", r)
		}
		if unrouted(t, s.HTTP, s.REST, r) {
			t.Errorf("%s is in the OpenAPI document but the REST port routes it to no handler", r)
		}
	}
}

// unrouted calls route r and reports whether the answer is a routing failure: grpc-gateway's
// 404 Not Found or 405 Method Not Allowed, or the operations handler's 404.
func unrouted(t testing.TB, c *http.Client, base string, r serve.Endpoint) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var body io.Reader
	if r.Method != http.MethodGet && r.Method != http.MethodDelete {
		body = strings.NewReader("{}")
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, base+strings.ReplaceAll(r.Path, "{}", "x"), body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", r, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
		return false
	}
	var st struct{ Message string }
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	_ = json.Unmarshal(b, &st)
	switch st.Message {
	case http.StatusText(http.StatusNotFound), http.StatusText(http.StatusMethodNotAllowed), "no such operations method":
		return true
	}
	return false
}
