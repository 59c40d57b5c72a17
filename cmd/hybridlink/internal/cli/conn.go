package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"google.golang.org/grpc"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/config"
	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/specfile"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/serve"
)

// defaultAddr is where the CLI finds the orchestrator by default: a dev stack's, on its usual port.
const defaultAddr = "127.0.0.1:9090"

// conn is how the CLI reaches the orchestrator: its address and, when configured, TLS (the
// server's CA, a client certificate for mTLS) and a bearer token: --token, or the file
// tokenFile names, or else the admin token of the dev stack whose state folder is state
// ($HYBRIDLINK_STATE, .state/dev by default). Each is a flag, else its variable, else the
// context's (contexts.go), else the default.
type conn struct {
	addr, ca, cert, key, token, tokenFile, state string

	context string         // --context
	fs      *pflag.FlagSet // the flags above, to tell which were given
	config  *config.File   // the config file, once read
	active  string         // the context in use, "" for none
	from    map[string]string
}

func (c *conn) flags(cmd *cobra.Command) {
	env := func(k, d string) string {
		if v := os.Getenv(k); v != "" {
			return v
		}
		return d
	}
	f := cmd.PersistentFlags()
	c.fs = f
	f.StringVar(&c.context, "context", env("HYBRIDLINK_CONTEXT", ""), "context of the config file to use instead of the current one ($HYBRIDLINK_CONTEXT; see hybridlink context)")
	f.StringVar(&c.addr, "addr", env("HYBRIDLINK_ADDR", defaultAddr), "orchestrator gRPC address ($HYBRIDLINK_ADDR)")
	f.StringVar(&c.ca, "ca", env("HYBRIDLINK_CA", ""), "CA file of the orchestrator's certificate: connect over TLS ($HYBRIDLINK_CA)")
	f.StringVar(&c.cert, "client-cert", env("HYBRIDLINK_CLIENT_CERT", ""), "client certificate for mTLS ($HYBRIDLINK_CLIENT_CERT)")
	f.StringVar(&c.key, "client-key", env("HYBRIDLINK_CLIENT_KEY", ""), "client certificate's key ($HYBRIDLINK_CLIENT_KEY)")
	f.StringVar(&c.token, "token", env("HYBRIDLINK_TOKEN", ""), "bearer token sent with every call; needs TLS unless the orchestrator is on loopback ($HYBRIDLINK_TOKEN)")
	f.StringVar(&c.tokenFile, "token-file", env("HYBRIDLINK_TOKEN_FILE", ""), "file holding the bearer token, read at each call ($HYBRIDLINK_TOKEN_FILE)")
	c.state = env("HYBRIDLINK_STATE", stateHelp)
}

// bearer is the token the CLI sends, if any: --token, --token-file, or the dev stack's.
func (c *conn) bearer() (serve.BearerToken, bool) {
	switch {
	case c.token != "":
		return serve.BearerToken{Token: c.token}, true
	case c.tokenFile != "":
		return serve.BearerToken{File: c.tokenFile}, true
	}
	dev := filepath.Join(c.state, auth.DevFolder, string(auth.Admin)+".token")
	if _, err := os.Stat(dev); err == nil {
		return serve.BearerToken{File: dev}, true
	}
	return serve.BearerToken{}, false
}

// client is a connection to the orchestrator and its operations.
type client struct {
	orchestratorv1.OrchestratorServiceClient
	ops  longrunningpb.OperationsClient
	conn *grpc.ClientConn
}

func (c *client) Close() { c.conn.Close() }

// deployment reads the deployment name (its full name, deployments/ID).
func (c *client) deployment(ctx context.Context, name string) (*orchestratorv1.Deployment, error) {
	return c.GetDeployment(ctx, &orchestratorv1.GetDeploymentRequest{Name: name})
}

// dial connects to the orchestrator. gRPC connects lazily: the first call reports an
// unreachable address (describe adds what to do).
func (c *conn) dial() (*client, error) {
	if err := c.useContext(); err != nil {
		return nil, err
	}
	tlsFiles := serve.ClientTLSConfig{CAFile: c.ca, CertFile: c.cert, KeyFile: c.key}
	creds, err := tlsFiles.Credentials()
	if err != nil {
		return nil, invalid(fmt.Errorf("--ca/--client-cert/--client-key: %w", err))
	}
	opts := []grpc.DialOption{grpc.WithTransportCredentials(creds)}
	if b, ok := c.bearer(); ok {
		b.Insecure = !tlsFiles.Enabled() && serve.LoopbackAddr(c.addr)
		if !tlsFiles.Enabled() && !b.Insecure {
			return nil, invalid(errors.New("--token needs TLS to reach an orchestrator beyond loopback: set --ca to the orchestrator's CA so the token is not sent in clear"))
		}
		opts = append(opts, grpc.WithPerRPCCredentials(b))
	}
	cc, err := grpc.NewClient(c.addr, opts...)
	if err != nil {
		return nil, invalid(fmt.Errorf("--addr %q: %w", c.addr, err))
	}
	return &client{OrchestratorServiceClient: orchestratorv1.NewOrchestratorServiceClient(cc),
		ops: longrunningpb.NewOperationsClient(cc), conn: cc}, nil
}

// with makes a command's RunE of f, which gets a connection to the orchestrator, closed
// when f returns.
func (c *conn) with(f func(cmd *cobra.Command, args []string, cl *client) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		cl, err := c.dial()
		if err != nil {
			return err
		}
		defer cl.Close()
		return f(cmd, args, cl)
	}
}

// onDeployment completes cmd as a command on one deployment, NAME (its ID or its full name,
// as a spec file's name): run gets the deployment's full name and a connection to the
// orchestrator.
func (c *conn) onDeployment(cmd *cobra.Command, run func(cmd *cobra.Command, name string, cl *client) error) *cobra.Command {
	cmd.Args = args(1, "the deployment's name")
	cmd.RunE = c.with(func(cmd *cobra.Command, a []string, cl *client) error {
		return run(cmd, specfile.Name(a[0]), cl)
	})
	return cmd
}
