package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	if p, err := DefaultPath(); err != nil || p != "/xdg/hybridlink/config.yaml" {
		t.Errorf("with XDG_CONFIG_HOME: %q, %v", p, err)
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", "/home/u")
	if p, err := DefaultPath(); err != nil || p != "/home/u/.config/hybridlink/config.yaml" {
		t.Errorf("without XDG_CONFIG_HOME: %q, %v", p, err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	f, err := Load(path)
	if err != nil || len(f.Contexts) != 0 || f.Path != path {
		t.Fatalf("a missing file: %v, %v", f, err)
	}
	f.Set(Context{Name: "prod", Addr: "o.example:443", CA: "prod/ca.pem", TokenEnv: "PROD_TOKEN"})
	f.Set(Context{Name: "dev", Addr: "127.0.0.1:9090"})
	f.Set(Context{Name: "prod", Addr: "o2.example:443", CA: "/etc/ca.pem"}) // replaces
	f.Current = "prod"
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("saved as %v, %v; want mode 0600", st.Mode(), err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(back.Names(), ","); got != "prod,dev" || back.Current != "prod" {
		t.Errorf("read back %v, current %q", got, back.Current)
	}
	if x, ok := back.Get("prod"); !ok || x.Addr != "o2.example:443" || x.TokenEnv != "" || back.Abs(x.CA) != "/etc/ca.pem" {
		t.Errorf("prod read back as %+v", x)
	}
	if got := back.Abs("prod/ca.pem"); got != filepath.Join(dir, "prod/ca.pem") {
		t.Errorf("a relative path is %q, want it in the file's folder", got)
	}
	if _, ok := back.Get("staging"); ok {
		t.Error("Get found a context that is not there")
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"unknown field", "contexts:\n  - name: a\n    adress: x\n", "field adress not found"},
		{"no name", "contexts:\n  - addr: x\n", "contexts[0].name: required"},
		{"name taken", "contexts:\n  - name: a\n  - name: a\n", `contexts[1].name: "a" is taken`},
		{"two token sources", "contexts:\n  - {name: a, tokenFile: t, tokenEnv: T}\n", "tokenFile and tokenEnv: give one"},
		{"current not there", "current: b\ncontexts:\n  - name: a\n", `current: no context is named "b"`},
		{"not YAML", "contexts: [", "yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %v, want %q naming the file", err, tc.want)
			}
		})
	}
	empty := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if f, err := Load(empty); err != nil || len(f.Contexts) != 0 {
		t.Errorf("an empty file: %v, %v", f, err)
	}
}
