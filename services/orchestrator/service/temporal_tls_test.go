package service_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/hybridlink/hybridlink/armsim"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/devcert"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/orchestrator/service"
)

// frontend is a Temporal frontend behind TLS that requires client certificates, as a
// production cluster's (or Temporal Cloud's) is: a proxy terminating TLS in front of the dev
// server, which reads the HTTP/2 headers the client sends to see its credentials.
type frontend struct {
	addr string
	mu   sync.Mutex
	auth []string // authorization header values seen
}

func startFrontend(t *testing.T, certs string) *frontend {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(filepath.Join(certs, devcert.ServerCertFile), filepath.Join(certs, devcert.ServerKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := os.ReadFile(filepath.Join(certs, devcert.CAFile))
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, ClientCAs: pool,
		ClientAuth: tls.RequireAndVerifyClientCert, NextProtos: []string{"h2"}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	f := &frontend{addr: l.Addr().String()}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go f.relay(c)
		}
	}()
	return f
}

// relay forwards a connection to the dev server, reading the client's headers on the way.
func (f *frontend) relay(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", temporal.Address)
	if err != nil {
		return
	}
	defer up.Close()
	go func() { _, _ = io.Copy(c, up) }()
	pr, pw := io.Pipe()
	go f.sniff(pr)
	_, _ = io.Copy(io.MultiWriter(up, pw), c)
	pw.Close()
}

// sniff reads the client's side of an HTTP/2 connection and records its authorization headers.
func (f *frontend) sniff(r io.Reader) {
	br := bufio.NewReader(r)
	if _, err := io.ReadFull(br, make([]byte, len(http2.ClientPreface))); err != nil {
		return
	}
	fr := http2.NewFramer(io.Discard, br)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	for {
		frame, err := fr.ReadFrame()
		if err != nil {
			_, _ = io.Copy(io.Discard, br)
			return
		}
		if h, ok := frame.(*http2.MetaHeadersFrame); ok {
			if v := h.PseudoValue("path"); v != "" {
				for _, hf := range h.RegularFields() {
					if hf.Name == "authorization" {
						f.mu.Lock()
						f.auth = append(f.auth, hf.Value)
						f.mu.Unlock()
					}
				}
			}
		}
	}
}

func (f *frontend) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.auth)
}

// TestTemporalTLS: the orchestrator reaches a Temporal frontend that requires TLS and a
// client certificate, sending its API key on every call; without the certificate it does
// not start, saying why.
func TestTemporalTLS(t *testing.T) {
	certs := t.TempDir()
	if err := devcert.Generate(certs, []string{"127.0.0.1", "localhost"}); err != nil {
		t.Fatal(err)
	}
	fe := startFrontend(t, certs)
	keyFile := filepath.Join(t.TempDir(), "temporal-api-key")
	if err := os.WriteFile(keyFile, []byte("tmprl-api-key-7d1e\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tlsFiles := serve.ClientTLSConfig{CAFile: filepath.Join(certs, devcert.CAFile),
		CertFile: filepath.Join(certs, devcert.ClientCertFile), KeyFile: filepath.Join(certs, devcert.ClientKeyFile)}
	var o service.Options
	s := start(t, armsim.Config{}, "e2e-temporal-tls", func(opts *service.Options) {
		opts.Temporal, opts.TemporalTLS, opts.TemporalAPIKeyFile = fe.addr, tlsFiles, keyFile
		o = *opts
	})
	if _, err := orchestratorv1.NewOrchestratorServiceClient(s.orch.Conn).ListDeployments(context.Background(), &orchestratorv1.ListDeploymentsRequest{}); err != nil {
		t.Fatalf("ListDeployments through Temporal over mTLS: %v", err)
	}
	seen := fe.seen()
	if len(seen) == 0 || slices.ContainsFunc(seen, func(v string) bool { return v != "Bearer tmprl-api-key-7d1e" }) {
		t.Errorf("authorization headers at the frontend: %q, want the API key on every call", seen)
	}

	noCert := o
	noCert.TemporalTLS.CertFile, noCert.TemporalTLS.KeyFile = "", ""
	_, err := service.Service(s.orch.Env, noCert)
	t.Logf("without a client certificate: %v", err)
	if err == nil {
		t.Error("the orchestrator started against a frontend requiring a client certificate without one")
	}
}
