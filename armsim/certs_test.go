package armsim_test

import (
	"bytes"
	"crypto/tls"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/hybridlink/hybridlink/armsim"
)

// handshake connects to a cloud's endpoint as a client reaching it by serverName would,
// trusting armsim's CA.
func handshake(sim *armsim.Sim, cloudID, serverName string) error {
	u, err := url.Parse(sim.Endpoints[cloudID])
	if err != nil {
		return err
	}
	c, err := tls.DialWithDialer(&net.Dialer{}, "tcp", u.Host, &tls.Config{RootCAs: sim.CAPool, ServerName: serverName, MinVersion: tls.VersionTLS12})
	if err != nil {
		return err
	}
	return c.Close()
}

// TestHostnames: the certificates are valid for loopback and a stamp's management name,
// and for the extra host names configured (a container's service name), on every cloud.
func TestHostnames(t *testing.T) {
	plain := startSim(t, armsim.Config{})
	with := startSim(t, armsim.Config{Hostnames: []string{"armsim", " ", "10.9.8.7"}})
	for _, cloudID := range []string{"azure", "azure-stack-hub"} {
		for _, name := range []string{"localhost", "127.0.0.1"} {
			if err := handshake(plain, cloudID, name); err != nil {
				t.Errorf("%s as %s: %v", cloudID, name, err)
			}
		}
		if err := handshake(plain, cloudID, "armsim"); err == nil {
			t.Errorf("%s: the certificate is valid for armsim without -hostnames", cloudID)
		}
		for _, name := range []string{"armsim", "10.9.8.7", "localhost"} {
			if err := handshake(with, cloudID, name); err != nil {
				t.Errorf("%s with hostnames, as %s: %v", cloudID, name, err)
			}
		}
	}
	if err := handshake(plain, "azure-stack-hub", "management.local.azurestack.external"); err != nil {
		t.Errorf("stamp management name: %v", err)
	}
}

// TestCADir: a generated CA is kept in the folder and reused by the next start, so a
// client trusting it keeps working after a restart.
func TestCADir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	first := startSim(t, armsim.Config{CADir: dir})
	st, err := os.Stat(filepath.Join(dir, "ca-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("ca-key.pem mode %v, want 0600", st.Mode().Perm())
	}
	stored, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil || !bytes.Equal(stored, first.CAPEM) {
		t.Fatalf("ca.pem holds another CA than the one served (%v)", err)
	}
	first.Close()
	second := startSim(t, armsim.Config{CADir: dir})
	if !bytes.Equal(first.CAPEM, second.CAPEM) {
		t.Fatal("the restart generated a new CA")
	}
	if err := handshake(&armsim.Sim{Endpoints: second.Endpoints, CAPool: first.CAPool}, "azure", "127.0.0.1"); err != nil {
		t.Errorf("a client trusting the first start's CA: %v", err)
	}
	if other := startSim(t, armsim.Config{}); bytes.Equal(other.CAPEM, first.CAPEM) {
		t.Error("without a CA folder the CA is reused")
	}
}
