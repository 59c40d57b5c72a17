package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

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

// TestThrottleBudgetFlag: -throttle-budget sets a cloud's budget, or without a cloud the
// common one, with rates per second or as the time a burst takes to refill.
func TestThrottleBudgetFlag(t *testing.T) {
	for _, tc := range []struct {
		flags []string
		want  armsim.Throttle
		err   bool
	}{
		{flags: []string{"azure:reads=250/25,writes=200/10"},
			want: armsim.Throttle{Clouds: map[string]armsim.Budget{"azure": {ReadBurst: 250, ReadRate: 25, WriteBurst: 200, WriteRate: 10}}}},
		{flags: []string{"azure-stack-hub:reads=12000/1h", "azure-stack-hub:writes=1200/1h"},
			want: armsim.Throttle{Clouds: map[string]armsim.Budget{"azure-stack-hub": {ReadBurst: 12000, ReadRate: 12000.0 / 3600, WriteBurst: 1200, WriteRate: 1200.0 / 3600}}}},
		{flags: []string{"writes=12/6", "stamp2:reads=100/10s"},
			want: armsim.Throttle{WriteBurst: 12, WriteRate: 6, Clouds: map[string]armsim.Budget{"stamp2": {ReadBurst: 100, ReadRate: 10}}}},
		{flags: []string{"azure:reads=250"}, err: true},
		{flags: []string{"azure:deletes=200/10"}, err: true},
		{flags: []string{"reads=many/25"}, err: true},
		{flags: []string{"reads=250/0"}, err: true},
		{flags: []string{"reads=250/soon"}, err: true},
	} {
		t.Run(strings.Join(tc.flags, " "), func(t *testing.T) {
			var got armsim.Throttle
			var err error
			for _, f := range tc.flags {
				if err = setBudget(&got, f); err != nil {
					break
				}
			}
			if tc.err {
				if err == nil {
					t.Fatalf("accepted as %+v", got)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// TestConfigYAML: the YAML configuration takes latencies in -latency's form and budgets per
// cloud.
func TestConfigYAML(t *testing.T) {
	var cfg armsim.Config
	err := yaml.UnmarshalStrict([]byte(`
seed: 42
latencies:
  virtualnetworkgateways: 30m..45m,5%..70m
  virtualmachines: 2m
throttle:
  enabled: true
  scaled: true
  clouds:
    azure-stack-hub: {readBurst: 15000, readRate: 4.25}
`), &cfg)
	want := armsim.Config{Seed: 42,
		Latencies: map[string]armsim.Latency{
			"virtualnetworkgateways": {Min: 30 * time.Minute, Max: 45 * time.Minute, Tail: 0.05, TailMax: 70 * time.Minute},
			"virtualmachines":        armsim.Fixed(2 * time.Minute)},
		Throttle: armsim.Throttle{Enabled: true, Scaled: true, Clouds: map[string]armsim.Budget{"azure-stack-hub": {ReadBurst: 15000, ReadRate: 4.25}}}}
	if err != nil || !reflect.DeepEqual(cfg, want) {
		t.Fatalf("got %+v, %v; want %+v", cfg, err, want)
	}
}
