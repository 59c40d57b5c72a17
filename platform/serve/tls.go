package serve

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"

	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"
)

// ClientTLSConfig holds the files a client needs to call a service that serves TLS: the
// CA to verify it with, and the certificate and key to present when it requires client
// certificates (mTLS). The zero value dials without TLS (loopback development).
type ClientTLSConfig struct {
	// CAFile verifies the service's certificate; the system roots when empty.
	CAFile string
	// CertFile and KeyFile are the client certificate and its key.
	CertFile, KeyFile string
}

// Enabled reports whether any file is set, that is whether dials use TLS.
func (c ClientTLSConfig) Enabled() bool {
	return c.CAFile != "" || c.CertFile != "" || c.KeyFile != ""
}

// Credentials returns the gRPC transport credentials for c: insecure when no file is set,
// otherwise TLS as Config describes (the name checked is the host of the address dialed).
func (c ClientTLSConfig) Credentials() (credentials.TransportCredentials, error) {
	if !c.Enabled() {
		return insecure.NewCredentials(), nil
	}
	cfg, err := c.Config()
	if err != nil {
		return nil, err
	}
	return credentials.NewTLS(cfg), nil
}

// Config returns the TLS client configuration of c: verifying the server against CAFile
// (the system roots when empty) and presenting the client certificate when set.
func (c ClientTLSConfig) Config() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.CAFile != "" {
		pool, err := loadPool(c.CAFile, "TLS CA")
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		return nil, fmt.Errorf("TLS client certificate: give both the certificate and its key, or neither")
	}
	if c.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("TLS client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// loadPool reads a PEM bundle of CA certificates; what names it in errors.
func loadPool(file, what string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s %s holds no certificate", what, file)
	}
	return pool, nil
}

// inProcess is the REST gateway's way into its own gRPC server: an in-memory listener
// that the gRPC server serves besides its TCP port. Its connections skip TLS: they never
// leave the process, so a service that requires client certificates on its port does not
// need one for itself (it has none of its own to present).
type inProcess struct {
	*bufconn.Listener
}

// inProcessConn marks a connection accepted from the in-memory listener.
type inProcessConn struct{ net.Conn }

func newInProcess() inProcess { return inProcess{bufconn.Listen(1 << 20)} }

// Accept marks every accepted connection as in-process.
func (l inProcess) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return inProcessConn{c}, nil
}

// dial connects to the in-memory listener (grpc.WithContextDialer).
func (l inProcess) dial(ctx context.Context, _ string) (net.Conn, error) {
	return l.DialContext(ctx)
}

// inProcessOr are the gRPC server's credentials: its port's (TLS, or none on loopback
// development), and on in-process connections none, marked inProcessAuth so that the server
// believes the identity the REST face passes with them.
type inProcessOr struct {
	credentials.TransportCredentials
}

// inProcessAuth is the AuthInfo of an in-process connection.
type inProcessAuth struct{}

func (inProcessAuth) AuthType() string { return "in-process" }

func (c inProcessOr) ServerHandshake(conn net.Conn) (net.Conn, credentials.AuthInfo, error) {
	if _, ok := conn.(inProcessConn); ok {
		return conn, inProcessAuth{}, nil
	}
	return c.TransportCredentials.ServerHandshake(conn)
}

func (c inProcessOr) Clone() credentials.TransportCredentials {
	return inProcessOr{c.TransportCredentials.Clone()}
}

// Probe asks a running service for its health over its REST port, the way a container
// health check does: GET /healthz at httpAddr (an unspecified listen host, 0.0.0.0 or
// [::], is reached on 127.0.0.1), over TLS when t is set. The service must present the
// very certificate t names: the probe pins it rather than trusting a CA, so it needs no
// CA file and accepts no other server. It needs no client certificate: /healthz answers
// without one.
func Probe(ctx context.Context, httpAddr string, t *TLSConfig) error {
	host, port, err := net.SplitHostPort(httpAddr)
	if err != nil {
		return fmt.Errorf("probe: listen address %q: %w", httpAddr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil
	scheme := "http"
	if t != nil {
		scheme = "https"
		pair, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return fmt.Errorf("probe: TLS: %w", err)
		}
		want := pair.Certificate[0]
		transport.TLSClientConfig = &tls.Config{
			MinVersion: tls.VersionTLS12,
			// Verification is the pin below: the service's own certificate, whatever its names.
			InsecureSkipVerify: true, //nolint:gosec // replaced by VerifyPeerCertificate
			VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
				if len(raw) == 0 || !bytes.Equal(raw[0], want) {
					return fmt.Errorf("the server at %s does not present the certificate in %s", httpAddr, t.CertFile)
				}
				return nil
			},
		}
	}
	defer transport.CloseIdleConnections()
	url := scheme + "://" + net.JoinHostPort(host, port) + HealthPath
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := (&http.Client{Transport: transport}).Do(req)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("probe: %s answered %s", url, resp.Status)
	}
	return nil
}

// BearerToken is gRPC per-call credentials sending a bearer token: Token, or the content of
// File read at each call, so that a token the file's owner rotates (a projected workload
// token, the development issuer's) is picked up without a restart. It requires TLS unless
// Insecure, which callers set only for loopback addresses.
type BearerToken struct {
	Token, File string
	Insecure    bool
}

// GetRequestMetadata returns the authorization header.
func (b BearerToken) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	tok := b.Token
	if b.File != "" {
		raw, err := os.ReadFile(b.File)
		if err != nil {
			return nil, fmt.Errorf("bearer token: %w", err)
		}
		tok = strings.TrimSpace(string(raw))
	}
	return map[string]string{"authorization": "Bearer " + tok}, nil
}

// RequireTransportSecurity is true unless Insecure.
func (b BearerToken) RequireTransportSecurity() bool { return !b.Insecure }

// LoopbackAddr reports whether host:port names a loopback address.
func LoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && isLoopback(host)
}
