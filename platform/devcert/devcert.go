// Package devcert issues a development PKI for running the suite beyond loopback (in
// containers, on a lab network): a CA, one server certificate every service serves with,
// and one client certificate callers (the orchestrator, grpcurl, curl, the CLI) present for
// mTLS. It is for development and demos; production brings its own PKI through the same
// -tls-* and -services-tls-* flags.
//
// The CA's private key is never written: once the certificates are signed it is dropped,
// so nothing can mint more certificates from the folder. When anything needs reissuing,
// the whole set is issued again under a new CA.
package devcert

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The files Generate writes into its folder.
const (
	CAFile         = "ca.pem"
	ServerCertFile = "server.pem"
	ServerKeyFile  = "server-key.pem"
	ClientCertFile = "client.pem"
	ClientKeyFile  = "client-key.pem"
)

// ClientName is the client certificate's common name.
const ClientName = "hybridlink client"

const (
	validity = 365 * 24 * time.Hour
	// renewBefore is how long before expiry Generate reissues the set.
	renewBefore = 30 * 24 * time.Hour
)

// Generate makes sure dir holds a CA, a server certificate valid for hosts (DNS names and
// IP addresses), and a client certificate, all ECDSA P-256, with the keys readable by
// their owner only (0600). It is idempotent: a set that is complete, chains to its CA,
// covers every host, and is valid for at least 30 more days is kept as it is; otherwise
// the whole set is issued again. Files are replaced atomically.
func Generate(dir string, hosts []string) error {
	hosts, err := cleanHosts(hosts)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if Check(dir, hosts, time.Now().Add(renewBefore)) == nil {
		return nil
	}
	caKey, caCert, caDER, err := newCA()
	if err != nil {
		return err
	}
	serverTmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: hosts[0], Organization: []string{"hybridlink development"}},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			serverTmpl.IPAddresses = append(serverTmpl.IPAddresses, ip)
		} else {
			serverTmpl.DNSNames = append(serverTmpl.DNSNames, h)
		}
	}
	serverCert, serverKey, err := issue(serverTmpl, caCert, caKey)
	if err != nil {
		return err
	}
	clientTmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: ClientName, Organization: []string{"hybridlink development"}},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	clientCert, clientKey, err := issue(clientTmpl, caCert, caKey)
	if err != nil {
		return err
	}
	// Keys first, the CA last: a reader that finds the new CA finds the new leaves too.
	files := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{ServerKeyFile, serverKey, 0o600},
		{ServerCertFile, serverCert, 0o644},
		{ClientKeyFile, clientKey, 0o600},
		{ClientCertFile, clientCert, 0o644},
		{CAFile, pemBlock("CERTIFICATE", caDER), 0o644},
	}
	for _, f := range files {
		if err := writeAtomic(filepath.Join(dir, f.name), f.data, f.mode); err != nil {
			return err
		}
	}
	return nil
}

// Check reports why the set in dir is unusable at time at (nil when it is usable): a
// file missing or unreadable, a key that does not match its certificate, a certificate
// not signed by the CA, not valid at at, lacking the right extended key usage, or a server
// certificate not covering one of hosts.
func Check(dir string, hosts []string, at time.Time) error {
	caPEM, err := os.ReadFile(filepath.Join(dir, CAFile))
	if err != nil {
		return err
	}
	ca, err := parseCert(caPEM)
	if err != nil {
		return fmt.Errorf("%s: %w", CAFile, err)
	}
	if !ca.IsCA || at.After(ca.NotAfter) {
		return fmt.Errorf("%s: not a CA certificate valid at %s", CAFile, at.Format(time.RFC3339))
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	check := func(certFile, keyFile string, usage x509.ExtKeyUsage) (*x509.Certificate, error) {
		pair, err := tls.LoadX509KeyPair(filepath.Join(dir, certFile), filepath.Join(dir, keyFile))
		if err != nil {
			return nil, err
		}
		leaf, err := x509.ParseCertificate(pair.Certificate[0])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", certFile, err)
		}
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{usage}}); err != nil {
			return nil, fmt.Errorf("%s: %w", certFile, err)
		}
		return leaf, nil
	}
	server, err := check(ServerCertFile, ServerKeyFile, x509.ExtKeyUsageServerAuth)
	if err != nil {
		return err
	}
	for _, h := range hosts {
		if err := server.VerifyHostname(h); err != nil {
			return fmt.Errorf("%s: %w", ServerCertFile, err)
		}
	}
	_, err = check(ClientCertFile, ClientKeyFile, x509.ExtKeyUsageClientAuth)
	return err
}

// cleanHosts trims, drops empty entries and duplicates, and refuses an empty list.
func cleanHosts(in []string) ([]string, error) {
	var out []string
	for _, h := range in {
		h = strings.TrimSpace(h)
		if h != "" && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("devcert: at least one host name or IP address is needed for the server certificate")
	}
	return out, nil
}

func newCA() (crypto.Signer, *x509.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "hybridlink development CA", Organization: []string{"hybridlink development"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, nil, err
	}
	return key, cert, der, nil
}

// issue signs tmpl with the CA and returns the certificate and its new key in PEM.
func issue(tmpl, ca *x509.Certificate, caKey crypto.Signer) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl.SerialNumber = serial()
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = ca.NotAfter
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pemBlock("CERTIFICATE", der), pemBlock("PRIVATE KEY", keyDER), nil
}

func parseCert(b []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(block.Bytes)
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return n
}

// writeAtomic writes data to a temporary file beside path with mode, then renames it.
func writeAtomic(path string, data []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
