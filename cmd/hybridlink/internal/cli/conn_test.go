package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/devcert"
)

// tokenChecker is an orchestrator at the CLI's edge that answers ListDeployments only to
// the bearer token it expects.
type tokenChecker struct {
	orchestratorv1.UnimplementedOrchestratorServiceServer
	token string
}

func (s tokenChecker) ListDeployments(ctx context.Context, _ *orchestratorv1.ListDeploymentsRequest) (*orchestratorv1.ListDeploymentsResponse, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	if got := md.Get("authorization"); len(got) != 1 || got[0] != "Bearer "+s.token {
		return nil, status.Error(codes.Unauthenticated, "no or wrong bearer token")
	}
	return &orchestratorv1.ListDeploymentsResponse{Deployments: []*orchestratorv1.Deployment{{Name: "deployments/over-mtls"}}}, nil
}

// TestConnTLS calls an mTLS server with the CLI's connection flags: the CA, the client
// certificate and the token; each left out is refused.
func TestConnTLS(t *testing.T) {
	dir := t.TempDir()
	if err := devcert.Generate(dir, []string{"127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	file := func(name string) string { return filepath.Join(dir, name) }
	cert, err := tls.LoadX509KeyPair(file(devcert.ServerCertFile), file(devcert.ServerKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	ca, err := os.ReadFile(file(devcert.CAFile))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert},
		ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12})))
	orchestratorv1.RegisterOrchestratorServiceServer(srv, tokenChecker{token: "s3cret"})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)

	tlsFlags := []string{"--addr", l.Addr().String(), "--ca", file(devcert.CAFile),
		"--client-cert", file(devcert.ClientCertFile), "--client-key", file(devcert.ClientKeyFile)}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"mTLS and token", append(tlsFlags, "--token", "s3cret", "list"), ExitOK, "over-mtls"},
		{"token from the environment", append(tlsFlags, "list"), ExitOK, "over-mtls"},
		{"wrong token", append(tlsFlags, "--token", "guess", "list"), ExitFailed, "Unauthenticated"},
		{"no client certificate", []string{"--addr", l.Addr().String(), "--ca", file(devcert.CAFile), "--token", "s3cret", "list"}, ExitFailed, "Unavailable"},
		{"plaintext", []string{"--addr", l.Addr().String(), "list"}, ExitFailed, "Unavailable"},
		{"client key missing", []string{"--addr", l.Addr().String(), "--ca", file(devcert.CAFile), "--client-cert", file(devcert.ClientCertFile), "list"}, ExitInvalid, "--client-cert/--client-key"},
		{"CA not PEM", []string{"--addr", l.Addr().String(), "--ca", file(devcert.ServerKeyFile) + ".missing", "list"}, ExitInvalid, "--ca"},
		{"all from a context", []string{"list"}, ExitOK, "over-mtls"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			switch tc.name {
			case "token from the environment":
				t.Setenv("HYBRIDLINK_TOKEN", "s3cret")
			case "all from a context": // paths relative to the config file's folder
				t.Setenv("XDG_CONFIG_HOME", filepath.Dir(dir))
				t.Setenv("MTLS_TOKEN", "s3cret")
				writeConfig(t, filepath.Join(filepath.Dir(dir), "hybridlink"), "current: mtls\ncontexts:\n  - {name: mtls, addr: "+l.Addr().String()+
					", ca: ../"+filepath.Base(dir)+"/"+devcert.CAFile+", clientCert: ../"+filepath.Base(dir)+"/"+devcert.ClientCertFile+
					", clientKey: ../"+filepath.Base(dir)+"/"+devcert.ClientKeyFile+", tokenEnv: MTLS_TOKEN}\n")
			}
			var out, errs bytes.Buffer
			code := Run(context.Background(), tc.args, IO{In: strings.NewReader(""), Out: &out, Err: &errs})
			if code != tc.code || !strings.Contains(out.String()+errs.String(), tc.want) {
				t.Errorf("exit %d, want %d and %q:\n%s%s", code, tc.code, tc.want, out.String(), errs.String())
			}
			if strings.Contains(out.String()+errs.String(), "s3cret") {
				t.Error("the token was printed")
			}
		})
	}
}
