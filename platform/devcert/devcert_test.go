package devcert_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hybridlink/hybridlink/platform/devcert"
)

var hosts = []string{"network", "gateway", "compute", "orchestrator", "localhost", "127.0.0.1"}

func TestGenerateIssuesAWorkingSet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "certs") // created by Generate
	if err := devcert.Generate(dir, hosts); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]os.FileMode{
		devcert.CAFile: 0o644, devcert.ServerCertFile: 0o644, devcert.ClientCertFile: 0o644,
		devcert.ServerKeyFile: 0o600, devcert.ClientKeyFile: 0o600,
	} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", name, got, want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 5 {
		t.Errorf("the folder holds %d entries, want the 5 files (no CA key, no temporary files)", len(entries))
	}

	// A real mTLS handshake, for every host name, with the files as a service and a
	// client would load them.
	roots := x509.NewCertPool()
	caPEM, _ := os.ReadFile(filepath.Join(dir, devcert.CAFile))
	roots.AppendCertsFromPEM(caPEM)
	server, err := tls.LoadX509KeyPair(filepath.Join(dir, devcert.ServerCertFile), filepath.Join(dir, devcert.ServerKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	client, err := tls.LoadX509KeyPair(filepath.Join(dir, devcert.ClientCertFile), filepath.Join(dir, devcert.ClientKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		if err := handshake(
			&tls.Config{Certificates: []tls.Certificate{server}, ClientCAs: roots, ClientAuth: tls.RequireAndVerifyClientCert},
			&tls.Config{Certificates: []tls.Certificate{client}, RootCAs: roots, ServerName: h}); err != nil {
			t.Errorf("handshake as %s: %v", h, err)
		}
	}
	if err := handshake(
		&tls.Config{Certificates: []tls.Certificate{server}, ClientCAs: roots, ClientAuth: tls.RequireAndVerifyClientCert},
		&tls.Config{Certificates: []tls.Certificate{client}, RootCAs: roots, ServerName: "elsewhere"}); err == nil {
		t.Error("the server certificate is accepted for a host it was not issued for")
	}
	// The server certificate is no client certificate, and the other way round.
	if err := handshake(
		&tls.Config{Certificates: []tls.Certificate{server}, ClientCAs: roots, ClientAuth: tls.RequireAndVerifyClientCert},
		&tls.Config{Certificates: []tls.Certificate{server}, RootCAs: roots, ServerName: "network"}); err == nil {
		t.Error("the server certificate is accepted as a client certificate")
	}
}

func TestGenerateKeepsAValidSet(t *testing.T) {
	dir := t.TempDir()
	if err := devcert.Generate(dir, hosts); err != nil {
		t.Fatal(err)
	}
	before := read(t, dir)
	// Same hosts in another order, with blanks and duplicates: nothing changes.
	if err := devcert.Generate(dir, []string{"127.0.0.1", " network", "", "gateway", "compute", "orchestrator", "localhost", "network"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before[devcert.CAFile], read(t, dir)[devcert.CAFile]) || !bytes.Equal(before[devcert.ServerKeyFile], read(t, dir)[devcert.ServerKeyFile]) {
		t.Error("a valid set was reissued")
	}
	// A subset of the hosts is covered too.
	if err := devcert.Generate(dir, []string{"network"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before[devcert.CAFile], read(t, dir)[devcert.CAFile]) {
		t.Error("a set covering the hosts was reissued")
	}
}

func TestGenerateReissues(t *testing.T) {
	// fromAnother spoils a set with file taken from another set, written with perm.
	fromAnother := func(file string, perm os.FileMode) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			other := t.TempDir()
			if err := devcert.Generate(other, hosts); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(filepath.Join(other, file))
			if err := os.WriteFile(filepath.Join(dir, file), b, perm); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, spoil := range map[string]func(t *testing.T, dir string){
		"a host is added": func(*testing.T, string) {},
		"a file is missing": func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, devcert.ClientKeyFile)); err != nil {
				t.Fatal(err)
			}
		},
		"a key does not match":  fromAnother(devcert.ServerKeyFile, 0o600),
		"the CA is another one": fromAnother(devcert.CAFile, 0o644),
		"a file is garbage": func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, devcert.CAFile), []byte("not a certificate"), 0o644); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := devcert.Generate(dir, hosts); err != nil {
				t.Fatal(err)
			}
			before := read(t, dir)
			spoil(t, dir)
			want := hosts
			if name == "a host is added" {
				want = append(append([]string{}, hosts...), "armsim")
			}
			if err := devcert.Generate(dir, want); err != nil {
				t.Fatal(err)
			}
			if err := devcert.Check(dir, want, time.Now()); err != nil {
				t.Fatalf("after reissuing: %v", err)
			}
			if bytes.Equal(before[devcert.CAFile], read(t, dir)[devcert.CAFile]) {
				t.Error("the set was not reissued under a new CA")
			}
		})
	}
}

func TestCheckRenewsBeforeExpiry(t *testing.T) {
	dir := t.TempDir()
	if err := devcert.Generate(dir, hosts); err != nil {
		t.Fatal(err)
	}
	if err := devcert.Check(dir, hosts, time.Now().Add(300*24*time.Hour)); err != nil {
		t.Errorf("in 300 days: %v", err)
	}
	if err := devcert.Check(dir, hosts, time.Now().Add(400*24*time.Hour)); err == nil {
		t.Error("in 400 days the set still passes")
	}
}

func TestGenerateNeedsAHost(t *testing.T) {
	if err := devcert.Generate(t.TempDir(), []string{" ", ""}); err == nil {
		t.Error("no error without hosts")
	}
}

func read(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, f := range []string{devcert.CAFile, devcert.ServerCertFile, devcert.ServerKeyFile, devcert.ClientCertFile, devcert.ClientKeyFile} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		out[f] = b
	}
	return out
}

// handshake runs a TLS handshake between the two configurations over an in-memory pipe.
func handshake(server, client *tls.Config) error {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	errc := make(chan error, 1)
	go func() {
		s := tls.Server(a, server)
		err := s.Handshake()
		if err == nil {
			// TLS 1.3: the server learns of a rejected client certificate, the client only
			// on its first read.
			_, err = s.Write([]byte{1})
		}
		if err != nil {
			a.Close()
		}
		errc <- err
	}()
	c := tls.Client(b, client)
	err := c.Handshake()
	if err == nil {
		_, err = c.Read(make([]byte, 1))
	}
	b.Close() // unblocks the server when the client gave up
	if serr := <-errc; err == nil {
		err = serr
	}
	return err
}
