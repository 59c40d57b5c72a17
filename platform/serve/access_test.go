package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/servicetest/syncbuffer"
	"github.com/hybridlink/hybridlink/platform/telemetry"
)

// counted answers every Operations method and counts the calls that reached it.
type counted struct {
	longrunningpb.UnimplementedOperationsServer
	calls atomic.Int64
}

func (c *counted) GetOperation(_ context.Context, req *longrunningpb.GetOperationRequest) (*longrunningpb.Operation, error) {
	c.calls.Add(1)
	return &longrunningpb.Operation{Name: req.Name, Done: true}, nil
}

func (c *counted) CancelOperation(context.Context, *longrunningpb.CancelOperationRequest) (*emptypb.Empty, error) {
	c.calls.Add(1)
	return &emptypb.Empty{}, nil
}

func (c *counted) DeleteOperation(context.Context, *longrunningpb.DeleteOperationRequest) (*emptypb.Empty, error) {
	c.calls.Add(1)
	return &emptypb.Empty{}, nil
}

// guarded runs a service whose Operations count their calls, under testPolicy, with the
// development credentials, the given allowed origins and routes (none when nil).
func guarded(t *testing.T, origins []string, routes func(*grpc.ClientConn) []Route) (*Server, auth.Access, *counted, *syncbuffer.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	logs := &syncbuffer.Buffer{}
	tel, err := telemetry.Setup(ctx, "guarded", telemetry.Options{LogOutput: logs})
	if err != nil {
		t.Fatal(err)
	}
	access := devAccess(t)
	access.Config.Origins = origins
	authn, err := auth.New(ctx, access.Config)
	if err != nil {
		t.Fatal(err)
	}
	ops := &counted{}
	s, err := Start(ctx, Service{Name: "guarded", GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", Policy: testPolicy, Auth: authn,
		Register: func(g *grpc.Server) { longrunningpb.RegisterOperationsServer(g, ops) },
		Gateway:  func(context.Context, *gwruntime.ServeMux, *grpc.ClientConn) error { return nil },
		OpenAPI:  []byte(`{}`), Telemetry: tel, Routes: routes})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	return s, access, ops, logs
}

// TestRESTGuard replays what a web page the operator visits, or a local process without a
// credential, can send to the REST port, and checks each is refused before it reaches the
// service (nothing is called), with the status and message a client can act on.
func TestRESTGuard(t *testing.T) {
	s, access, ops, _ := guarded(t, []string{"https://console.contoso.com"}, nil)
	base := "http://" + s.HTTPAddr
	viewer, operator := "Bearer "+tokenOf(t, access, auth.Viewer), "Bearer "+tokenOf(t, access, auth.Operator)
	expired, _ := access.Dev.Mint("dev-admin", -time.Minute)
	for _, tc := range []struct {
		name, method, path string
		header             map[string]string
		body               string
		status             int
		message            string
		reaches            bool
	}{
		{"cross-origin simple POST (CSRF)", http.MethodPost, "/v1/operations/op1:cancel",
			map[string]string{"Content-Type": "text/plain", "Origin": "https://evil.example", "Authorization": operator}, "{}", http.StatusForbidden, "cross-origin", false},
		{"cross-site navigation", http.MethodGet, "/v1/operations/op1", map[string]string{"Sec-Fetch-Site": "cross-site", "Authorization": viewer}, "", http.StatusForbidden, "cross-origin", false},
		{"foreign Host (DNS rebinding)", http.MethodGet, "/v1/operations/op1", map[string]string{"Host": "evil.example:8090", "Authorization": viewer}, "", http.StatusMisdirectedRequest, "does not answer to the host", false},
		{"text/plain body", http.MethodPost, "/v1/operations/op1:cancel", map[string]string{"Content-Type": "text/plain", "Authorization": operator}, "{}", http.StatusUnsupportedMediaType, "must be JSON", false},
		{"form body", http.MethodPost, "/v1/operations/op1:cancel", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": operator}, "a=b", http.StatusUnsupportedMediaType, "must be JSON", false},
		{"6 MB body", http.MethodPost, "/v1/operations/op1:cancel", map[string]string{"Content-Type": "application/json", "Authorization": operator}, `{"x":"` + strings.Repeat("a", 6<<20) + `"}`, http.StatusRequestEntityTooLarge, "larger than", false},
		{"no credential", http.MethodGet, "/v1/operations/op1", nil, "", http.StatusUnauthorized, "no credential", false},
		{"not a bearer token", http.MethodGet, "/v1/operations/op1", map[string]string{"Authorization": "Basic YTpi"}, "", http.StatusUnauthorized, "Bearer", false},
		{"expired token", http.MethodGet, "/v1/operations/op1", map[string]string{"Authorization": "Bearer " + expired}, "", http.StatusUnauthorized, "expired", false},
		{"viewer cancels", http.MethodPost, "/v1/operations/op1:cancel", map[string]string{"Content-Type": "application/json", "Authorization": viewer}, "", http.StatusForbidden, "CancelOperation needs operator", false},
		{"metrics without a credential", http.MethodGet, "/metrics", nil, "", http.StatusUnauthorized, "no credential", false},
		{"viewer reads", http.MethodGet, "/v1/operations/op1", map[string]string{"Authorization": viewer}, "", http.StatusOK, "op1", true},
		{"operator cancels, JSON with charset", http.MethodPost, "/v1/operations/op1:cancel", map[string]string{"Content-Type": "application/json; charset=utf-8", "Authorization": operator}, "{}", http.StatusOK, "{}", true},
		{"operator cancels, no body", http.MethodPost, "/v1/operations/op1:cancel", map[string]string{"Authorization": operator}, "", http.StatusOK, "{}", true},
		{"allowed origin", http.MethodGet, "/v1/operations/op1", map[string]string{"Origin": "https://console.contoso.com", "Authorization": viewer}, "", http.StatusOK, "op1", true},
		{"health without anything", http.MethodGet, HealthPath, map[string]string{"Host": "evil.example", "Sec-Fetch-Site": "cross-site"}, "", http.StatusOK, "ok", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := ops.calls.Load()
			req, err := http.NewRequest(tc.method, base+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.body == "" {
				req.Body, req.ContentLength = http.NoBody, 0
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			if h := tc.header["Host"]; h != "" {
				req.Host = h
			}
			resp, b := do(t, http.DefaultClient, req)
			if resp.StatusCode != tc.status || !strings.Contains(b, tc.message) {
				t.Errorf("%d %s, want %d with %q", resp.StatusCode, b, tc.status, tc.message)
			}
			if reached := ops.calls.Load() > before; reached != tc.reaches {
				t.Errorf("the service was called: %v, want %v", reached, tc.reaches)
			}
			if tc.status >= 400 && tc.status != http.StatusOK {
				var st struct {
					Code    int
					Message string
				}
				if json.Unmarshal([]byte(b), &st) != nil || st.Code == 0 || st.Message == "" {
					t.Errorf("refusal body %s is not a google.rpc.Status", b)
				}
			}
			if tc.header["Origin"] == "https://console.contoso.com" && resp.Header.Get("Access-Control-Allow-Origin") != "https://console.contoso.com" {
				t.Errorf("allowed origin: no CORS header in %v", resp.Header)
			}
		})
	}
	// The allowed origin's preflight is answered; another origin's is refused.
	for origin, want := range map[string]int{"https://console.contoso.com": http.StatusNoContent, "https://evil.example": http.StatusForbidden} {
		req, _ := http.NewRequest(http.MethodOptions, base+"/v1/operations/op1:cancel", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
		if resp, _ := do(t, http.DefaultClient, req); resp.StatusCode != want {
			t.Errorf("preflight from %s: %d, want %d", origin, resp.StatusCode, want)
		}
	}
}

// TestGRPCGuard: over gRPC, every call but health needs a valid token or certificate and
// the role its method needs; an identity header forged on the port is not believed; each
// mutation is audited with who, what and the outcome, and no log line holds a token.
func TestGRPCGuard(t *testing.T) {
	s, access, ops, logs := guarded(t, nil, nil)
	ctx := context.Background()
	conn, err := grpc.NewClient(s.GRPCAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := longrunningpb.NewOperationsClient(conn)
	other, _ := auth.DevAccess(t.TempDir())
	foreign, _ := other.Dev.Mint("dev-admin", time.Hour)
	expired, _ := access.Dev.Mint("dev-admin", -time.Minute)
	forged, _ := json.Marshal(auth.Identity{Subject: "dev-admin", Via: "token", Roles: []auth.Role{auth.Admin}})
	as := func(md ...string) context.Context { return metadata.AppendToOutgoingContext(ctx, md...) }
	bearer := func(r auth.Role) context.Context { return as("authorization", "Bearer "+tokenOf(t, access, r)) }
	get := func(ctx context.Context) error {
		_, err := c.GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: "operations/x"})
		return err
	}
	del := func(ctx context.Context) error {
		_, err := c.DeleteOperation(ctx, &longrunningpb.DeleteOperationRequest{Name: "operations/x"})
		return err
	}
	cancelOp := func(ctx context.Context) error {
		_, err := c.CancelOperation(ctx, &longrunningpb.CancelOperationRequest{Name: "operations/x"})
		return err
	}
	for _, tc := range []struct {
		name    string
		call    func(context.Context) error
		ctx     context.Context
		code    codes.Code
		message string
	}{
		{"no credential", get, ctx, codes.Unauthenticated, "no credential"},
		{"expired token", get, as("authorization", "Bearer "+expired), codes.Unauthenticated, "expired"},
		{"another issuer's key", get, as("authorization", "Bearer "+foreign), codes.Unauthenticated, "not valid"},
		{"forged identity header", get, as(identityKey, string(forged)), codes.Unauthenticated, "no credential"},
		{"viewer reads", get, bearer(auth.Viewer), codes.OK, ""},
		{"viewer cancels", cancelOp, bearer(auth.Viewer), codes.PermissionDenied, "dev-viewer has the role viewer; CancelOperation needs operator (or admin)"},
		{"operator cancels", cancelOp, bearer(auth.Operator), codes.OK, ""},
		{"operator deletes", del, bearer(auth.Operator), codes.PermissionDenied, "DeleteOperation needs admin"},
		{"orchestrator reads", get, bearer(auth.Orchestrator), codes.PermissionDenied, "needs viewer or operator"},
		{"admin deletes", del, bearer(auth.Admin), codes.OK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := ops.calls.Load()
			err := tc.call(tc.ctx)
			if status.Code(err) != tc.code || !strings.Contains(status.Convert(err).Message(), tc.message) {
				t.Errorf("%v, want %s with %q", err, tc.code, tc.message)
			}
			if reached := ops.calls.Load() > before; reached != (tc.code == codes.OK) {
				t.Errorf("the service was called: %v", reached)
			}
		})
	}
	if err := healthCheck(ctx, s.GRPCAddr, ClientTLSConfig{}); err != nil {
		t.Errorf("health needs no credential: %v", err)
	}
	// A message over gRPC's 4 MiB is RESOURCE_EXHAUSTED, whoever sends it.
	_, err = c.GetOperation(bearer(auth.Admin), &longrunningpb.GetOperationRequest{Name: strings.Repeat("a", 6<<20)}, grpc.MaxCallSendMsgSize(8<<20))
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("a 6 MB message: %v, want RESOURCE_EXHAUSTED", err)
	}
	var audits []map[string]any
	for _, line := range strings.Split(logs.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "audit" {
			audits = append(audits, m)
		}
	}
	want := []string{"token:dev-viewer CancelOperation PermissionDenied", "token:dev-operator CancelOperation OK",
		"token:dev-operator DeleteOperation PermissionDenied", "token:dev-admin DeleteOperation OK"}
	if len(audits) != len(want) {
		t.Fatalf("audit lines %v, want %d", audits, len(want))
	}
	for i, a := range audits {
		got := a["who"].(string) + " " + a["method"].(string)[strings.LastIndex(a["method"].(string), "/")+1:] + " " + a["code"].(string)
		if got != want[i] || a["name"] != "operations/x" {
			t.Errorf("audit %d: %s (%v), want %s on operations/x", i, got, a, want[i])
		}
	}
	if strings.Contains(logs.String(), tokenOf(t, access, auth.Admin)) {
		t.Error("a token is in the logs")
	}
}

// FuzzDecode: the REST face's body decoder never panics, and refuses what protojson refuses
// with a message that says where.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"name":"a"}`, `{"name":5}`, `{"messageType":[{"field":[{"number":"x"}]}]}`, `{"nme":1}`, `[`, "\x00"} {
		f.Add([]byte(s))
	}
	m := fieldJSON{&gwruntime.JSONPb{}}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v *descriptorpb.FileDescriptorProto // as the generated handlers decode a body field
		err := m.NewDecoder(bytes.NewReader(body)).Decode(&v)
		if err != nil && err != io.EOF && !strings.HasPrefix(err.Error(), "request body: ") {
			t.Fatalf("decode error %q does not say it is the body's", err)
		}
	})
}
