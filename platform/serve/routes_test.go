package serve

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/hybridlink/hybridlink/platform/auth"
)

// TestRoutes serves an open page and a page that calls the service, and checks who reaches
// which: the open one anyone the Host check lets through, from links on other sites too; the
// other a caller with a credential, whose calls through the connection are its own, so that
// the policy decides them as any call.
func TestRoutes(t *testing.T) {
	s, access, ops, _ := guarded(t, nil, func(conn *grpc.ClientConn) []Route {
		client := longrunningpb.NewOperationsClient(conn)
		return []Route{
			{Pattern: "GET /page/", Open: true, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "static") })},
			{Pattern: "GET /page/op/{verb}", Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var err error
				if r.PathValue("verb") == "delete" {
					_, err = client.DeleteOperation(r.Context(), &longrunningpb.DeleteOperationRequest{Name: "operations/x"})
				} else {
					_, err = client.GetOperation(r.Context(), &longrunningpb.GetOperationRequest{Name: "operations/x"})
				}
				_, _ = io.WriteString(w, status.Code(err).String())
			})},
		}
	})
	viewer := "Bearer " + tokenOf(t, access, auth.Viewer)
	for _, tc := range []struct {
		name, path string
		header     map[string]string
		status     int
		body       string // what the body holds
	}{
		{"open page, no credential", "/page/index.html", nil, http.StatusOK, "static"},
		{"open page from a link on another site", "/page/", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusOK, "static"},
		{"open page under a host not answered (DNS rebinding)", "/page/", map[string]string{"Host": "evil.example"}, http.StatusMisdirectedRequest, "does not answer to the host"},
		{"calling page, no credential", "/page/op/get", nil, http.StatusUnauthorized, "credential"},
		{"calling page, cross-site", "/page/op/get", map[string]string{"Authorization": viewer, "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden, "cross-origin"},
		{"calling page, a viewer reads", "/page/op/get", map[string]string{"Authorization": viewer}, http.StatusOK, "OK"},
		{"calling page, a viewer may not delete", "/page/op/delete", map[string]string{"Authorization": viewer}, http.StatusOK, "PermissionDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, "http://"+s.HTTPAddr+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.header {
				if k == "Host" {
					req.Host = v
				}
				req.Header.Set(k, v)
			}
			resp, b := do(t, http.DefaultClient, req)
			if resp.StatusCode != tc.status || !strings.Contains(b, tc.body) {
				t.Fatalf("%s: %d %s, want %d with %q", tc.path, resp.StatusCode, b, tc.status, tc.body)
			}
		})
	}
	if n := ops.calls.Load(); n != 1 {
		t.Fatalf("the service was called %d times, want once (the viewer's read)", n)
	}
}
