package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/config"
)

// setting is a connection flag a context can set: its variable, where the conn keeps it
// and the context's value.
type setting struct {
	flag, env string
	value     *string
	from      func(config.Context) string
}

// settings are the connection flags but the token's, which has two of each (tokenSource).
func (c *conn) settings(f *config.File) []setting {
	path := func(p func(config.Context) string) func(config.Context) string {
		return func(x config.Context) string { return f.Abs(p(x)) }
	}
	return []setting{
		{"addr", "HYBRIDLINK_ADDR", &c.addr, func(x config.Context) string { return x.Addr }},
		{"ca", "HYBRIDLINK_CA", &c.ca, path(func(x config.Context) string { return x.CA })},
		{"client-cert", "HYBRIDLINK_CLIENT_CERT", &c.cert, path(func(x config.Context) string { return x.ClientCert })},
		{"client-key", "HYBRIDLINK_CLIENT_KEY", &c.key, path(func(x config.Context) string { return x.ClientKey })},
	}
}

// given says where the flag's value came from when the command line or the environment
// set it: "--flag" or "$VARIABLE"; "" when neither did.
func (c *conn) given(flag, env string) string {
	switch {
	case c.fs.Changed(flag):
		return "--" + flag
	case os.Getenv(env) != "":
		return "$" + env
	}
	return ""
}

// useContext fills in, from the context --context ($HYBRIDLINK_CONTEXT) or else the config
// file's current one names, what neither a flag nor a variable set, and records where each
// setting came from. Without a config file or a context it leaves the defaults.
func (c *conn) useContext() error {
	if c.from != nil {
		return nil
	}
	c.from = map[string]string{}
	if _, err := config.DefaultPath(); err != nil && c.context == "" {
		return nil // no config folder, and no context asked for
	}
	f, err := c.configFile()
	if err != nil {
		return err
	}
	name := c.context
	if name == "" {
		name = f.Current
	}
	x, ok := f.Get(name)
	switch {
	case name == "":
		return nil
	case !ok:
		return invalid(fmt.Errorf("--context %q: %s has no such context (the context list command lists them)", name, f.Path))
	}
	c.active = name
	for _, s := range c.settings(f) {
		c.from[s.flag] = c.given(s.flag, s.env)
		if v := s.from(x); c.from[s.flag] == "" && v != "" {
			*s.value, c.from[s.flag] = v, "context "+name
		}
	}
	if c.given("token", "HYBRIDLINK_TOKEN") != "" || c.given("token-file", "HYBRIDLINK_TOKEN_FILE") != "" {
		return nil
	}
	switch {
	case x.TokenFile != "":
		c.tokenFile, c.from["token"] = f.Abs(x.TokenFile), "context "+name
	case x.TokenEnv != "":
		if c.token = os.Getenv(x.TokenEnv); c.token == "" {
			return invalid(fmt.Errorf("context %s: tokenEnv: $%s is not set", name, x.TokenEnv))
		}
		c.from["token"] = fmt.Sprintf("context %s ($%s)", name, x.TokenEnv)
	}
	return nil
}

func newContext(c *conn, std IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "context",
		Short: "Named orchestrators to talk to (address, TLS, token source) in the config file, like kubeconfig's contexts",
		Long: `A context names how to reach one orchestrator: its address, TLS CA and client certificate
files, and where the bearer token comes from (a file or an environment variable; the file
holds no secret). They live in $XDG_CONFIG_HOME/hybridlink/config.yaml (else
~/.config/hybridlink/config.yaml). Every command uses the current context, or the one
--context ($HYBRIDLINK_CONTEXT) names; a flag or a variable set for a setting wins over it.`,
		Args: args(0, "a subcommand: list, use, show or set"),
	}
	cmd.AddCommand(newContextList(c, std), newContextUse(c, std), newContextShow(c, std), newContextSet(c, std))
	return cmd
}

func newContextList(c *conn, std IO) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the contexts, the current one marked *",
		Args:  args(0, "no arguments"),
		RunE: c.withConfig(func(_ *cobra.Command, _ []string, f *config.File) error {
			if len(f.Contexts) == 0 {
				fmt.Fprintf(std.Out, "No contexts in %s; `%s context set NAME --addr ...` adds one.\n", f.Path, std.self())
				return nil
			}
			tw := newTable(std.Out)
			fmt.Fprintln(tw, "CURRENT\tNAME\tADDR")
			for _, x := range f.Contexts {
				mark := ""
				if x.Name == f.Current {
					mark = "*"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", mark, x.Name, dash(x.Addr))
			}
			return tw.Flush()
		}),
	}
}

func newContextUse(c *conn, std IO) *cobra.Command {
	return &cobra.Command{
		Use:   "use NAME",
		Short: "Make a context the current one",
		Args:  args(1, "the context's name"),
		RunE: c.withConfig(func(_ *cobra.Command, a []string, f *config.File) error {
			if _, ok := f.Get(a[0]); !ok {
				return invalid(fmt.Errorf("%s has no context %q (%s context list)", f.Path, a[0], std.self()))
			}
			f.Current = a[0]
			if err := f.Save(); err != nil {
				return err
			}
			fmt.Fprintf(std.Out, "Using context %s.\n", a[0])
			return nil
		}),
	}
}

func newContextShow(c *conn, std IO) *cobra.Command {
	return &cobra.Command{
		Use:   "show",
		Short: "Show how the next command reaches the orchestrator, and where each setting comes from",
		Args:  args(0, "no arguments"),
		RunE: func(*cobra.Command, []string) error {
			if err := c.useContext(); err != nil {
				return err
			}
			tw := newTable(std.Out)
			if c.active != "" {
				fmt.Fprintf(tw, "context\t%s\t%s\n", c.active, c.config.Path)
			} else {
				fmt.Fprintf(tw, "context\t-\tnone current\n")
			}
			for _, s := range c.settings(c.config) {
				from := c.from[s.flag]
				if from == "" {
					from = "default"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", s.flag, dash(*s.value), from)
			}
			what, from := c.tokenSource()
			fmt.Fprintf(tw, "token\t%s\t%s\n", what, from)
			return tw.Flush()
		},
	}
}

// tokenSource says which bearer token the CLI sends, never what it is, and where that
// choice came from.
func (c *conn) tokenSource() (what, from string) {
	b, ok := c.bearer()
	what = "given"
	switch {
	case !ok:
		return "none", "-"
	case b.File != "":
		what = "file " + b.File
	}
	if from = c.from["token"]; from != "" {
		return what, from
	}
	if from = c.given("token", "HYBRIDLINK_TOKEN"); from == "" {
		from = c.given("token-file", "HYBRIDLINK_TOKEN_FILE")
	}
	if from == "" {
		from = "the dev stack's ($HYBRIDLINK_STATE)"
	}
	return what, from
}

func newContextSet(c *conn, std IO) *cobra.Command {
	var tokenEnv string
	cmd := &cobra.Command{
		Use:   "set NAME [--addr A] [--ca F] [--client-cert F --client-key F] [--token-file F | --token-env VAR]",
		Short: "Add a context, or change the settings given of one; the first becomes current",
		Args:  args(1, "the context's name"),
		RunE: c.withConfig(func(cmd *cobra.Command, a []string, f *config.File) error {
			if c.fs.Changed("token") {
				return invalid(errors.New("--token: a context holds no secret; give --token-file or --token-env"))
			}
			x, _ := f.Get(a[0])
			x.Name = a[0]
			abs := func(p string) string { // a path given here is the working folder's
				if v, err := filepath.Abs(p); err == nil && p != "" {
					return v
				}
				return p
			}
			for _, s := range []struct {
				flag  string
				field *string
				value string
			}{
				{"addr", &x.Addr, c.addr}, {"ca", &x.CA, abs(c.ca)}, {"client-cert", &x.ClientCert, abs(c.cert)},
				{"client-key", &x.ClientKey, abs(c.key)}, {"token-file", &x.TokenFile, abs(c.tokenFile)},
			} {
				if c.fs.Changed(s.flag) {
					*s.field = s.value
				}
			}
			switch {
			case c.fs.Changed("token-file"):
				x.TokenEnv = ""
			case cmd.Flags().Changed("token-env"):
				x.TokenEnv, x.TokenFile = tokenEnv, ""
			}
			f.Set(x)
			if f.Current == "" {
				f.Current = x.Name
			}
			if err := f.Save(); err != nil {
				return invalid(err)
			}
			fmt.Fprintf(std.Out, "Context %s saved in %s.\n", x.Name, f.Path)
			return nil
		}),
	}
	cmd.Flags().StringVar(&tokenEnv, "token-env", "", "the environment variable holding the bearer token")
	return cmd
}

// withConfig makes a command's RunE of f, which gets the config file.
func (c *conn) withConfig(f func(cmd *cobra.Command, args []string, file *config.File) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		file, err := c.configFile()
		if err != nil {
			return err
		}
		return f(cmd, args, file)
	}
}

// configFile is the config file, read once.
func (c *conn) configFile() (*config.File, error) {
	if c.config != nil {
		return c.config, nil
	}
	path, err := config.DefaultPath()
	if err != nil {
		return nil, invalid(err)
	}
	if c.config, err = config.Load(path); err != nil {
		return nil, invalid(err)
	}
	return c.config, nil
}
