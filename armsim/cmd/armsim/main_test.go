package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hybridlink/hybridlink/armsim"
)

// TestHealth: -health passes while armsim serves every cloud named by the flags, on a
// wildcard listen address too, and fails once it stops or when the CA is another one.
func TestHealth(t *testing.T) {
	dir := t.TempDir()
	caDir := filepath.Join(dir, "ca")
	cfg := armsim.Config{Clouds: armsim.DefaultClouds(), CAOut: filepath.Join(dir, "armsim-ca.pem"), CADir: caDir, Hostnames: []string{"armsim"}}
	for i := range cfg.Clouds {
		cfg.Clouds[i].Addr = "127.0.0.1:0"
	}
	sim, err := armsim.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	port := func(id string) string {
		u, _ := url.Parse(sim.Endpoints[id])
		return u.Port()
	}
	flags := []string{"-health", "-azure-addr", "0.0.0.0:" + port("azure"), "-stack-addr", "127.0.0.1:" + port("azure-stack-hub")}
	for name, extra := range map[string][]string{
		"-ca-out": {"-ca-out", cfg.CAOut},
		"-ca-dir": {"-ca-dir", caDir, "-ca-out", filepath.Join(dir, "unused.pem")},
	} {
		if err := run(append(append([]string{}, flags...), extra...)); err != nil {
			t.Errorf("%s: -health of a running armsim: %v", name, err)
		}
	}
	// A stamp that is not served fails the probe.
	if err := run(append(append([]string{}, flags...), "-ca-out", cfg.CAOut, "-stamp", "down=127.0.0.1:1")); err == nil {
		t.Error("-health passed with a stamp that is not served")
	}
	// A CA folder holding no CA: nothing to trust, the probe fails.
	other := t.TempDir()
	if err := run(append(append([]string{}, flags...), "-ca-dir", other)); err == nil {
		t.Error("-health passed without a CA to trust")
	}
	sim.Close()
	err = run(append(append([]string{}, flags...), "-ca-out", cfg.CAOut))
	var u unhealthy
	if !errors.As(err, &u) {
		t.Errorf("-health of a stopped armsim: %v, want an unhealthy error (exit status 1)", err)
	}
}

// TestLoginProxy: the login proxy tunnels CONNECT login.microsoftonline.com:443 to its
// target and refuses every other host and method.
func TestLoginProxy(t *testing.T) {
	target, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	go func() {
		for {
			c, err := target.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("hello from the directory"))
			c.Close()
		}
	}()
	proxy := httptest.NewServer(loginProxy(target.Addr().String()))
	defer proxy.Close()
	for _, tc := range []struct {
		name, request, want string
	}{
		{"Entra ID's host", "CONNECT login.microsoftonline.com:443 HTTP/1.1\r\nHost: login.microsoftonline.com:443\r\n\r\n", "hello from the directory"},
		{"another host", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", "403 Forbidden"},
		{"not CONNECT", "GET http://login.microsoftonline.com/ HTTP/1.1\r\nHost: login.microsoftonline.com\r\n\r\n", "405 Method Not Allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", proxy.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			if _, err := c.Write([]byte(tc.request)); err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(c)
			if !strings.Contains(string(got), tc.want) {
				t.Fatalf("want %q in %q", tc.want, got)
			}
		})
	}
}
