package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeConfig writes text as the config file in dir.
func writeConfig(t *testing.T, dir, text string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// runHere runs the CLI with args alone (no --addr), as a person would.
func runHere(args ...string) (int, string) {
	var out, errs bytes.Buffer
	code := Run(context.Background(), args, IO{In: strings.NewReader(""), Out: &out, Err: &errs})
	return code, out.String() + errs.String()
}

// TestContextPrecedence checks what each setting comes from: a flag, else its variable,
// else the context (--context, $HYBRIDLINK_CONTEXT or the current one), else the default.
func TestContextPrecedence(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	for _, v := range []string{"HYBRIDLINK_ADDR", "HYBRIDLINK_CA", "HYBRIDLINK_CONTEXT", "HYBRIDLINK_TOKEN", "HYBRIDLINK_TOKEN_FILE", "B_TOKEN"} {
		t.Setenv(v, "")
	}
	writeConfig(t, filepath.Join(xdg, "hybridlink"), `current: a
contexts:
  - name: a
    addr: a.example:443
    ca: certs/a-ca.pem
    tokenFile: /tokens/a
  - name: b
    addr: b.example:443
    tokenEnv: B_TOKEN
  - name: plain
    addr: plain.example:443
`)
	aCA := filepath.Join(xdg, "hybridlink", "certs", "a-ca.pem")
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		want []string
	}{
		{"the current context", nil, nil, ExitOK, []string{"context  a ", "addr     a.example:443  context a", "ca       " + aCA, "token    file /tokens/a  context a"}},
		{"--context", map[string]string{"B_TOKEN": "t"}, []string{"--context", "b"}, ExitOK, []string{"addr     b.example:443  context b", "ca       -  default", "context b ($B_TOKEN)"}},
		{"$HYBRIDLINK_CONTEXT", map[string]string{"HYBRIDLINK_CONTEXT": "b", "B_TOKEN": "t"}, nil, ExitOK, []string{"addr     b.example:443  context b"}},
		{"a variable wins over the context", map[string]string{"HYBRIDLINK_ADDR": "env.example:1"}, nil, ExitOK, []string{"env.example:1  $HYBRIDLINK_ADDR", "ca       " + aCA}},
		{"a flag wins over the variable", map[string]string{"HYBRIDLINK_ADDR": "env.example:1"}, []string{"--addr", "flag.example:2", "--ca", ""}, ExitOK, []string{"flag.example:2  --addr", "ca       -  --ca"}},
		{"a token flag wins over the context's", nil, []string{"--token", "s3cret"}, ExitOK, []string{"token    given  --token"}},
		{"the dev stack's token", nil, []string{"--context", "plain"}, ExitOK, []string{"token    file", "admin.token  the dev stack's ($HYBRIDLINK_STATE)"}},
		{"no such context", nil, []string{"--context", "c"}, ExitInvalid, []string{`--context "c": ` + filepath.Join(xdg, "hybridlink", "config.yaml") + " has no such context"}},
		{"token variable unset", nil, []string{"--context", "b"}, ExitInvalid, []string{"context b: tokenEnv: $B_TOKEN is not set"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, out := runHere(append(tc.args, "context", "show")...)
			// tabwriter pads to the widest value; compare with runs of spaces made single
			flat := strings.Join(strings.Fields(out), " ")
			if code != tc.code {
				t.Errorf("exit %d, want %d:\n%s", code, tc.code, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
					t.Errorf("lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "s3cret") {
				t.Error("the token was printed")
			}
		})
	}
}

// TestContextCommands adds contexts with set, lists them and switches with use, and uses
// the current one to reach the test stack.
func TestContextCommands(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	t.Setenv("HYBRIDLINK_ADDR", "")
	t.Setenv("HYBRIDLINK_CONTEXT", "")
	file := filepath.Join(xdg, "hybridlink", "config.yaml")
	steps := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"context", "list"}, ExitOK, "No contexts in " + file},
		{[]string{"context", "set", "stack", "--addr", theStack.Services[0].GRPC}, ExitOK, "Context stack saved in " + file},
		{[]string{"context", "set", "remote", "--addr", "o.example:443", "--ca", "ca.pem", "--token-env", "REMOTE_TOKEN"}, ExitOK, "Context remote saved"},
		{[]string{"context", "set", "remote", "--token", "s3cret"}, ExitInvalid, "a context holds no secret"},
		{[]string{"context", "list"}, ExitOK, "*        stack   " + theStack.Services[0].GRPC},
		{[]string{"list"}, ExitOK, "NAME"}, // through the current context, the first set
		{[]string{"context", "use", "nope"}, ExitInvalid, `has no context "nope"`},
		{[]string{"context", "use", "remote"}, ExitOK, "Using context remote."},
		{[]string{"context", "list"}, ExitOK, "*        remote  o.example:443"},
		{[]string{"list"}, ExitInvalid, "context remote: tokenEnv: $REMOTE_TOKEN is not set"},
		{[]string{"--context", "stack", "list"}, ExitOK, "NAME"},
	}
	for _, s := range steps {
		if code, out := runHere(s.args...); code != s.code || !strings.Contains(out, s.want) {
			t.Errorf("%v: exit %d, want %d and %q:\n%s", s.args, code, s.code, s.want, out)
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	cwd, _ := os.Getwd()
	want := "current: remote\ncontexts:\n  - name: stack\n    addr: " + theStack.Services[0].GRPC + "\n  - name: remote\n    addr: o.example:443\n    ca: " +
		filepath.Join(cwd, "ca.pem") + "\n    tokenEnv: REMOTE_TOKEN\n"
	if string(b) != want {
		t.Errorf("config file:\n%s\nwant\n%s", b, want)
	}
}
