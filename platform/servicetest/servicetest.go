// Package servicetest starts a service the way its command does, on loopback ports,
// against an in-process armsim serving both clouds, for the services' tests. Nothing is
// mocked: the service calls armsim through the Azure SDK over HTTPS, and tests call the
// service over real gRPC and HTTP.
package servicetest

import (
	"context"
	"crypto/rand"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/hybridlink/hybridlink/armsim"
	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/devcert"
	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/platform/servicetest/syncbuffer"
	"github.com/hybridlink/hybridlink/platform/telemetry"
)

// Build makes the service from its environment, as the service's command does.
type Build func(serve.Env) (serve.Service, error)

// Stack is armsim plus one running service. Add starts more services against the same armsim.
type Stack struct {
	Sim *armsim.Sim
	// TimeScale is armsim's: how much faster than Azure its operations run.
	TimeScale float64
	// Conn is a gRPC client connection to the service.
	Conn *grpc.ClientConn
	// REST is the service's REST base URL, http://127.0.0.1:port (https:// with TLS).
	REST string
	// HTTP is the client to call REST with: http.DefaultClient, or with TLS one that
	// trusts the stack's CA and presents its client certificate.
	HTTP *http.Client
	// Certs is the folder of the development certificates (platform/devcert) the stack's
	// services serve with when it was started by StartTLS; empty otherwise.
	Certs string
	// Logs holds every log line the service wrote; Spans every span it ended.
	Logs  *syncbuffer.Buffer
	Spans *tracetest.SpanRecorder
	// Env is what the service was built with.
	Env serve.Env
	// Access is who may call the stack's services: the development issuer's tokens, or on a
	// StartTLS stack the development client certificate only (admin). Conn and HTTP call as
	// admin: with the admin token, or with the client certificate.
	Access auth.Access
	server *serve.Server
	key    []byte
	name   string
	caFile string
	login  *cloud.ArmsimLogin
}

// Start starts armsim (with cfg; free ports and a fast time scale unless set) and the service.
func Start(t testing.TB, name string, cfg armsim.Config, build Build) *Stack {
	t.Helper()
	return startStack(t, name, cfg, build, "")
}

// StartTLS is Start with the service, and those Add starts, serving TLS and requiring
// client certificates (mTLS), from a development certificate set for 127.0.0.1 and
// localhost in Certs, as they do when they listen beyond loopback. Conn and HTTP present
// the client certificate.
func StartTLS(t testing.TB, name string, cfg armsim.Config, build Build) *Stack {
	t.Helper()
	dir := t.TempDir()
	if err := devcert.Generate(dir, []string{"127.0.0.1", "localhost"}); err != nil {
		t.Fatal(err)
	}
	return startStack(t, name, cfg, build, dir)
}

// ServerTLS is the serving side of a StartTLS stack's certificates.
func (s *Stack) ServerTLS() *serve.TLSConfig {
	if s.Certs == "" {
		return nil
	}
	return &serve.TLSConfig{CertFile: filepath.Join(s.Certs, devcert.ServerCertFile), KeyFile: filepath.Join(s.Certs, devcert.ServerKeyFile),
		ClientCAFile: filepath.Join(s.Certs, devcert.CAFile)}
}

// ClientTLS is the calling side of a StartTLS stack's certificates (the zero value, no
// TLS, otherwise).
func (s *Stack) ClientTLS() serve.ClientTLSConfig {
	if s.Certs == "" {
		return serve.ClientTLSConfig{}
	}
	return serve.ClientTLSConfig{CAFile: filepath.Join(s.Certs, devcert.CAFile),
		CertFile: filepath.Join(s.Certs, devcert.ClientCertFile), KeyFile: filepath.Join(s.Certs, devcert.ClientKeyFile)}
}

func startStack(t testing.TB, name string, cfg armsim.Config, build Build, certs string) *Stack {
	t.Helper()
	if len(cfg.Clouds) == 0 {
		cfg.Clouds = armsim.DefaultClouds()
		for i := range cfg.Clouds {
			cfg.Clouds[i].Addr = "127.0.0.1:0"
		}
	}
	// ARM checks every token, as a real cloud does: the services log in through each
	// cloud's directory with azidentity's client-secret credential.
	for i := range cfg.Clouds {
		cfg.Clouds[i].StrictAuth = true
	}
	if cfg.TimeScale == 0 {
		cfg.TimeScale = 0.0001
	}
	cfg.CAOut = filepath.Join(t.TempDir(), "armsim-ca.pem")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sim, err := armsim.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	// As docker-compose.yml runs them: with TLS, client certificates identify callers;
	// without, the development credentials' tokens.
	access := auth.Access{Config: &auth.Config{Grants: []auth.Grant{{Role: auth.Admin, Certificates: []string{ClientCertificateSubject}}}}}
	if certs == "" {
		var err error
		if access, err = auth.DevAccess(t.TempDir()); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(t.TempDir(), "armsim-client-secret")
	if err := os.WriteFile(secret, []byte(armsim.DefaultClientSecret), 0o600); err != nil {
		t.Fatal(err)
	}
	login := &cloud.ArmsimLogin{ClientID: armsim.DefaultClientID, SecretFile: secret, Tenants: sim.Tenants}
	s := &Stack{Sim: sim, TimeScale: cfg.TimeScale, key: newKey(), name: name, caFile: cfg.CAOut, login: login, Certs: certs, Access: access}
	s.start(t, cfg.CAOut, build)
	return s
}

// Add starts another service, with its own operation key, against the stack's armsim, and
// returns its stack: the same Sim, the new service's Conn, REST, Logs, Spans and Env.
func (s *Stack) Add(t testing.TB, name string, build Build) *Stack {
	t.Helper()
	o := &Stack{Sim: s.Sim, TimeScale: s.TimeScale, key: newKey(), name: name, caFile: s.caFile, login: s.login, Certs: s.Certs, Access: s.Access}
	o.start(t, o.caFile, build)
	return o
}

func newKey() []byte {
	key := make([]byte, handle.KeySize)
	_, _ = rand.Read(key)
	return key
}

// Restart stops the service and starts a fresh instance of it (same key, same armsim), as a
// new replica would be: anything it knows comes from ARM and the operation names.
func (s *Stack) Restart(t testing.TB, build Build) {
	t.Helper()
	s.stop(t)
	s.start(t, s.caFile, build)
}

func (s *Stack) start(t testing.TB, caFile string, build Build) {
	t.Helper()
	ctx := context.Background()
	s.Logs, s.Spans = &syncbuffer.Buffer{}, tracetest.NewSpanRecorder()
	tel, err := telemetry.Setup(ctx, s.name, telemetry.Options{SpanProcessors: []sdktrace.SpanProcessor{s.Spans}, LogOutput: s.Logs})
	if err != nil {
		t.Fatal(err)
	}
	var svc serve.Service
	svc, s.Env, err = serve.Build(ctx, s.name, cloud.Armsim(caFile, s.Sim.Endpoints, s.login), s.key, tel, s.Access, build)
	if err != nil {
		t.Fatal(err)
	}
	svc.GRPCAddr, svc.HTTPAddr, svc.TLS = "127.0.0.1:0", "127.0.0.1:0", s.ServerTLS()
	s.server, err = serve.Start(ctx, svc)
	if err != nil {
		t.Fatal(err)
	}
	if s.Certs != "" {
		s.Conn = s.dial(t, "")
		s.REST, s.HTTP = "https://"+s.server.HTTPAddr, httpsClient(t, s.ClientTLS())
	} else {
		s.Conn = s.dial(t, auth.Admin)
		s.REST, s.HTTP = "http://"+s.server.HTTPAddr, s.HTTPAs(t, auth.Admin)
	}
	t.Cleanup(func() { s.stop(t) })
}

// ARMToken is a bearer token for ARM on cloudID, from its directory as the services get
// theirs, for a test that calls armsim's ARM API itself (a strict armsim refuses any other).
func (s *Stack) ARMToken(t testing.TB, cloudID string) string {
	t.Helper()
	ctx := context.Background()
	reg, err := cloud.Connect(ctx, cloud.Armsim(s.caFile, s.Sim.Endpoints, s.login), nil, noop.NewMeterProvider())
	if err != nil {
		t.Fatal(err)
	}
	conn, err := reg.Get(cloudID)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := conn.Credential.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{strings.TrimSuffix(conn.Audience, "/") + "/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	return tok.Token
}

// ClientCertificateSubject is the subject of the development client certificate.
const ClientCertificateSubject = "CN=" + devcert.ClientName + ",O=hybridlink development"

// Token is the stack's development token of role.
func (s *Stack) Token(t testing.TB, r auth.Role) string {
	t.Helper()
	if s.Access.Dev == nil {
		t.Fatal("a StartTLS stack identifies callers by client certificate; it has no tokens")
	}
	b, err := os.ReadFile(s.Access.Dev.TokenFile(r))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// DialAs connects to the service with role's development token (no credential when role is
// empty) and opts, closed at the test's end.
func (s *Stack) DialAs(t testing.TB, r auth.Role, opts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	c := s.dial(t, r, opts...)
	t.Cleanup(func() { c.Close() })
	return c
}

func (s *Stack) dial(t testing.TB, r auth.Role, extra ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	creds, err := s.ClientTLS().Credentials()
	if err != nil {
		t.Fatal(err)
	}
	opts := append([]grpc.DialOption{grpc.WithTransportCredentials(creds)}, extra...)
	if r != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(serve.BearerToken{File: s.Access.Dev.TokenFile(r), Insecure: s.Certs == ""}))
	}
	c, err := grpc.NewClient(s.server.GRPCAddr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// HTTPAs is an HTTP client sending role's development token (and, on a StartTLS stack,
// trusting its CA without presenting the client certificate).
func (s *Stack) HTTPAs(t testing.TB, r auth.Role) *http.Client {
	t.Helper()
	base := http.DefaultTransport
	if s.Certs != "" {
		c := s.ClientTLS()
		c.CertFile, c.KeyFile = "", ""
		base = httpsClient(t, c).Transport
	}
	return &http.Client{Transport: bearer{token: s.Token(t, r), base: base}}
}

// bearer adds an Authorization header to each request.
type bearer struct {
	token string
	base  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}

func (s *Stack) stop(t testing.TB) {
	if s.server == nil {
		return
	}
	s.Conn.Close()
	if err := s.server.Stop(context.Background()); err != nil {
		t.Errorf("%s: stopping (its background task among others): %v", s.name, err)
	}
	_ = s.Env.Telemetry.Shutdown(context.Background())
	s.server = nil
}

// httpsClient trusts c's CA and presents its client certificate.
func httpsClient(t testing.TB, c serve.ClientTLSConfig) *http.Client {
	t.Helper()
	cfg, err := c.Config()
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{TLSClientConfig: cfg}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// Wait waits for an operation through WaitOperation and fails the test if the call or the
// operation failed. It takes a Create or Delete method's results as they come.
func Wait(t testing.TB, ops longrunningpb.OperationsClient, op *longrunningpb.Operation, err error) *longrunningpb.Operation {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	for !op.GetDone() {
		if op, err = ops.WaitOperation(context.Background(), &longrunningpb.WaitOperationRequest{Name: op.GetName(), Timeout: durationpb.New(10 * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	if e := op.GetError(); e != nil {
		t.Fatalf("operation %s failed: %s", op.GetName(), e.GetMessage())
	}
	return op
}

// Result unmarshals a done operation's response into m.
func Result[M proto.Message](t testing.TB, op *longrunningpb.Operation, m M) M {
	t.Helper()
	if err := op.GetResponse().UnmarshalTo(m); err != nil {
		t.Fatal(err)
	}
	return m
}
