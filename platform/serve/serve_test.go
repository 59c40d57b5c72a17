package serve

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/devcert"
	"github.com/hybridlink/hybridlink/platform/telemetry"
)

// operations answers GetOperation with a done operation of the name asked for.
type operations struct {
	longrunningpb.UnimplementedOperationsServer
}

func (operations) GetOperation(_ context.Context, req *longrunningpb.GetOperationRequest) (*longrunningpb.Operation, error) {
	return &longrunningpb.Operation{Name: req.Name, Done: true}, nil
}

// testPolicy lets viewers read operations, operators cancel them; deleting them is admin's.
var testPolicy = auth.Policy{Read: []auth.Role{auth.Viewer, auth.Operator}, Write: []auth.Role{auth.Operator},
	Methods: map[string][]auth.Role{longrunningpb.Operations_DeleteOperation_FullMethodName: nil}}

// devAccess is a development issuer in a temporary folder, which also grants admin to the
// development client certificate.
func devAccess(t *testing.T) auth.Access {
	t.Helper()
	a, err := auth.DevAccess(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a.Config.Grants = append(a.Config.Grants, auth.Grant{Role: auth.Admin, Certificates: []string{"CN=" + devcert.ClientName + ",O=hybridlink development"}})
	return a
}

// tokenOf reads a development token.
func tokenOf(t *testing.T, a auth.Access, r auth.Role) string {
	t.Helper()
	b, err := os.ReadFile(a.Dev.TokenFile(r))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// start runs a service with the Operations stub on free loopback ports, with development
// credentials.
func start(t *testing.T, tlsConf *TLSConfig, background func(context.Context) error) *Server {
	t.Helper()
	s, _ := startAccess(t, tlsConf, background, devAccess(t), io.Discard)
	return s
}

// startAccess is start with the given access, logging to log.
func startAccess(t *testing.T, tlsConf *TLSConfig, background func(context.Context) error, access auth.Access, log io.Writer) (*Server, auth.Access) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	tel, err := telemetry.Setup(ctx, "servetest", telemetry.Options{LogOutput: log})
	if err != nil {
		t.Fatal(err)
	}
	authn, err := auth.New(ctx, access.Config)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Start(ctx, Service{
		Policy: testPolicy, Auth: authn,
		Name: "servetest", GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0",
		Register:   func(g *grpc.Server) { longrunningpb.RegisterOperationsServer(g, operations{}) },
		Gateway:    func(context.Context, *gwruntime.ServeMux, *grpc.ClientConn) error { return nil },
		OpenAPI:    []byte(`{}`),
		Telemetry:  tel,
		TLS:        tlsConf,
		Background: background,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	return s, access
}

// certs issues a development set for loopback.
func certs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := devcert.Generate(dir, []string{"localhost", "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func serverTLS(dir string) *TLSConfig {
	return &TLSConfig{CertFile: filepath.Join(dir, devcert.ServerCertFile), KeyFile: filepath.Join(dir, devcert.ServerKeyFile),
		ClientCAFile: filepath.Join(dir, devcert.CAFile)}
}

func clientTLS(dir string) ClientTLSConfig {
	return ClientTLSConfig{CAFile: filepath.Join(dir, devcert.CAFile), CertFile: filepath.Join(dir, devcert.ClientCertFile),
		KeyFile: filepath.Join(dir, devcert.ClientKeyFile)}
}

// httpClient trusts dir's CA and presents its client certificate when withCert.
func httpClient(t *testing.T, dir string, withCert bool) *http.Client {
	t.Helper()
	c := clientTLS(dir)
	if !withCert {
		c.CertFile, c.KeyFile = "", ""
	}
	cfg, err := c.Config()
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{TLSClientConfig: cfg}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := do(t, c, req)
	return resp.StatusCode, body
}

// do sends req with c and returns the response, its body read and closed, and the body.
func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func healthCheck(ctx context.Context, addr string, c ClientTLSConfig) error {
	creds, err := c.Credentials()
	if err != nil {
		return err
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err = healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	return err
}

func TestPlaintextOnLoopback(t *testing.T) {
	s, access := startAccess(t, nil, nil, devAccess(t), io.Discard)
	req, _ := http.NewRequest(http.MethodGet, "http://"+s.HTTPAddr+"/v1/operations/op1", nil)
	req.Header.Set("Authorization", "Bearer "+tokenOf(t, access, auth.Viewer))
	resp, body := do(t, http.DefaultClient, req)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"name":"operations/op1"`) {
		t.Errorf("REST through the in-process hop: %d %s", resp.StatusCode, body)
	}
	if err := healthCheck(context.Background(), s.GRPCAddr, ClientTLSConfig{}); err != nil {
		t.Errorf("gRPC health: %v", err)
	}
	if err := Probe(context.Background(), s.HTTPAddr, nil); err != nil {
		t.Errorf("Probe: %v", err)
	}
}

// certOnly grants admin to the development client certificate, and accepts no tokens.
func certOnly(t *testing.T) auth.Access {
	return auth.Access{Config: &auth.Config{Grants: []auth.Grant{{Role: auth.Admin, Certificates: []string{"CN=" + devcert.ClientName + ",O=hybridlink development"}}}}}
}

func TestMutualTLS(t *testing.T) {
	dir := certs(t)
	s, _ := startAccess(t, serverTLS(dir), nil, certOnly(t), io.Discard)
	ctx := context.Background()

	// gRPC: a client certificate is required in the handshake.
	if err := healthCheck(ctx, s.GRPCAddr, clientTLS(dir)); err != nil {
		t.Errorf("gRPC with a client certificate: %v", err)
	}
	if err := healthCheck(ctx, s.GRPCAddr, ClientTLSConfig{CAFile: filepath.Join(dir, devcert.CAFile)}); err == nil {
		t.Error("gRPC without a client certificate was served")
	}
	if err := healthCheck(ctx, s.GRPCAddr, ClientTLSConfig{}); err == nil {
		t.Error("gRPC without TLS was served")
	}
	other := certs(t)
	if err := healthCheck(ctx, s.GRPCAddr, ClientTLSConfig{CAFile: filepath.Join(dir, devcert.CAFile),
		CertFile: filepath.Join(other, devcert.ClientCertFile), KeyFile: filepath.Join(other, devcert.ClientKeyFile)}); err == nil {
		t.Error("gRPC with a client certificate of another CA was served")
	}

	// REST: the API needs a client certificate; the gateway reaches gRPC in process.
	base := "https://" + s.HTTPAddr
	with, without := httpClient(t, dir, true), httpClient(t, dir, false)
	if status, body := get(t, with, base+"/v1/operations/op1"); status != http.StatusOK || !strings.Contains(body, `"name":"operations/op1"`) {
		t.Errorf("REST with a client certificate: %d %s", status, body)
	}
	for _, path := range []string{"/v1/operations/op1", "/metrics", OpenAPIPath} {
		status, body := get(t, without, base+path)
		var st struct{ Code int }
		if status != http.StatusUnauthorized || json.Unmarshal([]byte(body), &st) != nil || st.Code != 16 {
			t.Errorf("%s without a client certificate: %d %s, want 401 UNAUTHENTICATED", path, status, body)
		}
	}
	// /healthz answers without one, for probes.
	if status, _ := get(t, without, base+HealthPath); status != http.StatusOK {
		t.Errorf("%s without a client certificate: %d", HealthPath, status)
	}
	// A certificate of another CA is refused in the handshake.
	if _, err := httpClient(t, other, true).Get(base + HealthPath); err == nil {
		t.Error("REST accepted a client certificate of another CA")
	}

	// The probe pins the service's own certificate, on a wildcard listen address too.
	_, port, _ := net.SplitHostPort(s.HTTPAddr)
	for _, addr := range []string{s.HTTPAddr, "0.0.0.0:" + port, "[::]:" + port, ":" + port} {
		if err := Probe(ctx, addr, serverTLS(dir)); err != nil {
			t.Errorf("Probe(%s): %v", addr, err)
		}
	}
	if err := Probe(ctx, s.HTTPAddr, serverTLS(other)); err == nil || !strings.Contains(err.Error(), "does not present") {
		t.Errorf("Probe pinning another certificate: %v", err)
	}
	if err := Probe(ctx, s.HTTPAddr, nil); err == nil {
		t.Error("a plaintext probe of a TLS port passed")
	}
	if err := s.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := Probe(ctx, s.HTTPAddr, serverTLS(dir)); err == nil {
		t.Error("Probe of a stopped service passed")
	}
}

func TestCheckExposure(t *testing.T) {
	tlsOnly := &TLSConfig{CertFile: "c", KeyFile: "k"}
	mtls := &TLSConfig{CertFile: "c", KeyFile: "k", ClientCAFile: "ca"}
	ctx := context.Background()
	certs, _ := auth.New(ctx, certOnly(t).Config)
	dev, _ := auth.New(ctx, devAccess(t).Config)
	tokens, err := auth.New(ctx, &auth.Config{Issuers: []auth.Issuer{{Issuer: "https://login.example/tenant/v2.0", Audience: "api://hybridlink", JWKSURL: "https://login.example/keys"}},
		Grants: []auth.Grant{{Role: auth.Viewer, Subjects: []string{"alice"}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		grpc, http string
		tls        *TLSConfig
		auth       *auth.Authenticator
		ok         bool
	}{
		{"127.0.0.1:9091", "127.0.0.1:8091", nil, dev, true},
		{"localhost:9091", "[::1]:8091", nil, dev, true},
		{"0.0.0.0:9091", "127.0.0.1:8091", nil, certs, false},
		{"127.0.0.1:9091", ":8091", nil, certs, false},
		{"0.0.0.0:9091", "0.0.0.0:8091", tlsOnly, certs, false},
		{"0.0.0.0:9091", "0.0.0.0:8091", mtls, certs, true},
		{"network:9091", "network:8091", mtls, certs, true},
		{"0.0.0.0:9091", "0.0.0.0:8091", tlsOnly, tokens, true},
		{"0.0.0.0:9091", "0.0.0.0:8091", mtls, dev, false},
	} {
		err := checkExposure(Service{Name: "x", GRPCAddr: tc.grpc, HTTPAddr: tc.http, TLS: tc.tls, Auth: tc.auth})
		if (err == nil) != tc.ok {
			t.Errorf("checkExposure(%s, %s, %+v) = %v, want ok %v", tc.grpc, tc.http, tc.tls, err, tc.ok)
		}
	}
}

func TestClientTLSConfig(t *testing.T) {
	dir := certs(t)
	if creds, err := (ClientTLSConfig{}).Credentials(); err != nil || creds.Info().SecurityProtocol != "insecure" {
		t.Errorf("zero value: %v %v, want insecure", creds, err)
	}
	if _, err := (ClientTLSConfig{CertFile: filepath.Join(dir, devcert.ClientCertFile)}).Credentials(); err == nil {
		t.Error("a certificate without its key was accepted")
	}
	if _, err := (ClientTLSConfig{CAFile: filepath.Join(dir, devcert.ClientKeyFile)}).Credentials(); err == nil {
		t.Error("a CA file without a certificate was accepted")
	}
	if creds, err := clientTLS(dir).Credentials(); err != nil || creds.Info().SecurityProtocol != "tls" {
		t.Errorf("complete: %v %v, want tls", creds, err)
	}
}

// TestHealthFlag: `<service> -health` probes the service its flags (or environment)
// describe, and fails once it is gone, as a container health check runs it.
func TestHealthFlag(t *testing.T) {
	dir := certs(t)
	tlsConf := serverTLS(dir)
	s := start(t, tlsConf, nil)
	cmd := Command{Name: "servetest", Short: "servetest", GRPCPort: 1, HTTPPort: 2,
		Build: func(Env) (Service, error) { t.Fatal("-health built the service"); return Service{}, nil }}
	args := []string{"-health", "-http-addr", s.HTTPAddr, "-tls-cert", tlsConf.CertFile, "-tls-key", tlsConf.KeyFile, "-tls-client-ca", tlsConf.ClientCAFile}
	if err := main(cmd, args); err != nil {
		t.Errorf("-health: %v", err)
	}
	_, port, _ := net.SplitHostPort(s.HTTPAddr)
	t.Setenv("HYBRIDLINK_SERVETEST_HTTP_ADDR", "0.0.0.0:"+port)
	t.Setenv("HYBRIDLINK_TLS_CERT", tlsConf.CertFile)
	t.Setenv("HYBRIDLINK_TLS_KEY", tlsConf.KeyFile)
	if err := main(cmd, []string{"-health"}); err != nil {
		t.Errorf("-health from the environment: %v", err)
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := main(cmd, args); err == nil {
		t.Error("-health of a stopped service passed")
	}
}

// TestBackground checks that a service's Background task lives as long as the server:
// Stop cancels it, waits for it and returns its error, and a task that fails on its own
// closes BackgroundDone (which Run stops on).
func TestBackground(t *testing.T) {
	failure := errors.New("worker lost its Temporal connection")
	for _, tc := range []struct {
		name       string
		background func(context.Context) error
		doneAlone  bool
		want       error
	}{
		{"runs until Stop", func(ctx context.Context) error { <-ctx.Done(); return nil }, false, nil},
		{"fails on its own", func(context.Context) error { return failure }, true, failure},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, nil, tc.background)
			if tc.doneAlone {
				<-s.BackgroundDone()
			} else {
				select {
				case <-s.BackgroundDone():
					t.Fatal("the task ended before Stop")
				default:
				}
			}
			if err := s.Stop(context.Background()); !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("Stop: %v, want %v", err, tc.want)
			}
		})
	}
}
