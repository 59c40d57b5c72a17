// Package config is the CLI's config file, like a kubeconfig: named contexts, each how to
// reach one orchestrator (its address, TLS files, where the bearer token comes from), and
// which one is current. It lives at $XDG_CONFIG_HOME/hybridlink/config.yaml, else
// ~/.config/hybridlink/config.yaml (os.UserConfigDir):
//
//	current: prod
//	contexts:
//	  - name: prod
//	    addr: orchestrator.example.com:443
//	    ca: prod/ca.pem                  # relative paths are relative to the file's folder
//	    clientCert: prod/client.pem
//	    clientKey: prod/client-key.pem
//	    tokenFile: prod/token            # or tokenEnv: PROD_TOKEN, the variable holding it
//
// The file holds no secret: a token is named by its file or its variable, never written.
// Unknown fields are errors.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Context is how to reach one orchestrator. Empty fields leave the CLI's defaults.
type Context struct {
	Name       string `yaml:"name"`
	Addr       string `yaml:"addr,omitempty"`
	CA         string `yaml:"ca,omitempty"`
	ClientCert string `yaml:"clientCert,omitempty"`
	ClientKey  string `yaml:"clientKey,omitempty"`
	TokenFile  string `yaml:"tokenFile,omitempty"`
	TokenEnv   string `yaml:"tokenEnv,omitempty"`
}

// File is the config file at Path: its contexts and the current one's name.
type File struct {
	Current  string    `yaml:"current,omitempty"`
	Contexts []Context `yaml:"contexts"`
	Path     string    `yaml:"-"`
}

// DefaultPath is where the config file is: hybridlink/config.yaml in the user's config folder.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "hybridlink", "config.yaml"), nil
}

// Load reads the config file at path; a file that does not exist is one with no context.
func Load(path string) (*File, error) {
	f := &File{Path: path}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil && !errors.Is(err, io.EOF) { // EOF: an empty file
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// check reports the first context without a name, with a name taken, or with two token
// sources, and a current context that is not there.
func (f *File) check() error {
	seen := map[string]bool{}
	for i, c := range f.Contexts {
		switch {
		case c.Name == "":
			return fmt.Errorf("contexts[%d].name: required", i)
		case seen[c.Name]:
			return fmt.Errorf("contexts[%d].name: %q is taken by another context", i, c.Name)
		case c.TokenFile != "" && c.TokenEnv != "":
			return fmt.Errorf("contexts[%d] (%s): tokenFile and tokenEnv: give one", i, c.Name)
		}
		seen[c.Name] = true
	}
	if f.Current != "" && !seen[f.Current] {
		return fmt.Errorf("current: no context is named %q", f.Current)
	}
	return nil
}

// Get returns the context named name.
func (f *File) Get(name string) (Context, bool) {
	i := slices.IndexFunc(f.Contexts, func(c Context) bool { return c.Name == name })
	if i < 0 {
		return Context{}, false
	}
	return f.Contexts[i], true
}

// Set adds c, or replaces the context of its name.
func (f *File) Set(c Context) {
	if i := slices.IndexFunc(f.Contexts, func(x Context) bool { return x.Name == c.Name }); i >= 0 {
		f.Contexts[i] = c
		return
	}
	f.Contexts = append(f.Contexts, c)
}

// Names are the contexts' names, in the file's order.
func (f *File) Names() []string {
	names := make([]string, len(f.Contexts))
	for i, c := range f.Contexts {
		names[i] = c.Name
	}
	return names
}

// Abs is a path a context names, relative ones taken from the config file's folder; "" stays "".
func (f *File) Abs(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(f.Path), p)
}

// Save writes the file, readable by its owner only, replacing it whole (comments in it go).
func (f *File) Save() error {
	if err := f.check(); err != nil {
		return err
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return err
	}
	tmp := f.Path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, f.Path)
}
