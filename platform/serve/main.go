package serve

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/telemetry"
)

// Env is what Main gives a service to build itself with.
type Env struct {
	Clouds    *cloud.Registry
	Sealer    *handle.Sealer
	Telemetry *telemetry.Providers
	// Access is who may call the service; with the development issuer (Access.Dev), the
	// orchestrator also takes its own identity from it.
	Access auth.Access
}

// Command describes a service's command.
type Command struct {
	// Name is the service's full name; Short its short name (network), which names its
	// environment variables (HYBRIDLINK_NETWORK_GRPC_ADDR).
	Name, Short string
	// GRPCPort and HTTPPort are the default loopback ports.
	GRPCPort, HTTPPort int
	// Flags, when set, adds the service's own flags.
	Flags func(*flag.FlagSet)
	// Build makes the service once flags are parsed.
	Build func(Env) (Service, error)
}

// Main is a service command's whole main: flags and environment, telemetry, the cloud list,
// the operation key, then Run until SIGINT or SIGTERM.
func Main(c Command) {
	if err := main(c, os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", c.Short, err)
		os.Exit(1)
	}
}

func main(c Command, args []string) error {
	name, short, grpcPort, httpPort, build := c.Name, c.Short, c.GRPCPort, c.HTTPPort, c.Build
	env := func(key, def string) string {
		if v := os.Getenv(key); v != "" {
			return v
		}
		return def
	}
	prefix := "HYBRIDLINK_" + strings.ToUpper(short) + "_"
	fs := flag.NewFlagSet(short, flag.ContinueOnError)
	grpcAddr := fs.String("grpc-addr", env(prefix+"GRPC_ADDR", fmt.Sprintf("127.0.0.1:%d", grpcPort)), "gRPC listen address ($"+prefix+"GRPC_ADDR)")
	httpAddr := fs.String("http-addr", env(prefix+"HTTP_ADDR", fmt.Sprintf("127.0.0.1:%d", httpPort)), "REST listen address ($"+prefix+"HTTP_ADDR)")
	clouds := fs.String("clouds", env("HYBRIDLINK_CLOUDS", ""), "YAML cloud list; armsim's two clouds when empty ($HYBRIDLINK_CLOUDS)")
	armsimCA := fs.String("armsim-ca", env("HYBRIDLINK_ARMSIM_CA", "armsim-ca.pem"), "CA file of armsim, for the built-in cloud list ($HYBRIDLINK_ARMSIM_CA)")
	stateDir := fs.String("state-dir", env("HYBRIDLINK_STATE_DIR", ".state"), "folder for the generated development operation key and credentials ($HYBRIDLINK_STATE_DIR)")
	accessFile := fs.String("access", env("HYBRIDLINK_ACCESS", ""), "access file: token issuers, role grants, REST hosts and origins; without it, development credentials in the state folder, on loopback only ($HYBRIDLINK_ACCESS)")
	tlsCert := fs.String("tls-cert", env("HYBRIDLINK_TLS_CERT", ""), "TLS certificate ($HYBRIDLINK_TLS_CERT)")
	tlsKey := fs.String("tls-key", env("HYBRIDLINK_TLS_KEY", ""), "TLS key ($HYBRIDLINK_TLS_KEY)")
	clientCA := fs.String("tls-client-ca", env("HYBRIDLINK_TLS_CLIENT_CA", ""), "CA of accepted client certificates (mTLS) ($HYBRIDLINK_TLS_CLIENT_CA)")
	health := fs.Bool("health", false, "probe the running service's REST "+HealthPath+" (at -http-addr, with the -tls-* files) and exit 0 when it is serving: a container health check")
	if c.Flags != nil {
		c.Flags(fs)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	var tlsConf *TLSConfig
	if *tlsCert != "" || *tlsKey != "" {
		tlsConf = &TLSConfig{CertFile: *tlsCert, KeyFile: *tlsKey, ClientCAFile: *clientCA}
	}
	if *health {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return Probe(ctx, *httpAddr, tlsConf)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	tel, err := telemetry.Setup(ctx, short, telemetry.Options{})
	if err != nil {
		return err
	}
	defer tel.Shutdown(context.Background())

	cfg := cloud.Default(*armsimCA)
	if *clouds != "" {
		if cfg, err = cloud.Load(*clouds); err != nil {
			return err
		}
	}
	key, err := operationKey(*stateDir)
	if err != nil {
		return err
	}
	access, err := loadAccess(*accessFile, *stateDir)
	if err != nil {
		return err
	}
	if access.Dev != nil {
		tel.Logger.Info("no access file: development credentials", "admin_token", access.Dev.TokenFile(auth.Admin))
	}
	svc, _, err := Build(ctx, name, cfg, key, tel, access, build)
	if err != nil {
		return err
	}
	svc.GRPCAddr, svc.HTTPAddr, svc.TLS = *grpcAddr, *httpAddr, tlsConf
	return Run(ctx, svc)
}

// Build makes a service as its command does: its environment (the clouds of cfg connected,
// operation handles sealed with key under the service's name, the providers tel, who may
// call it), then build, with the Service's Name, Telemetry and Auth set. It returns the
// environment too.
func Build(ctx context.Context, name string, cfg *cloud.Config, key []byte, tel *telemetry.Providers, access auth.Access, build func(Env) (Service, error)) (Service, Env, error) {
	authn, err := auth.New(ctx, access.Config)
	if err != nil {
		return Service{}, Env{}, fmt.Errorf("%s: access: %w", name, err)
	}
	reg, err := cloud.Connect(ctx, cfg, tel.Tracer, tel.Meter)
	if err != nil {
		return Service{}, Env{}, fmt.Errorf("%s: %w", name, err)
	}
	sealer, err := handle.NewSealer(key, name)
	if err != nil {
		return Service{}, Env{}, err
	}
	env := Env{Clouds: reg, Sealer: sealer, Telemetry: tel, Access: access}
	svc, err := build(env)
	if err != nil {
		return Service{}, Env{}, fmt.Errorf("%s: %w", name, err)
	}
	svc.Name, svc.Telemetry, svc.Auth = name, tel, authn
	return svc, env, nil
}

// loadAccess reads the access file, or without one the development credentials of stateDir.
func loadAccess(file, stateDir string) (auth.Access, error) {
	if file != "" {
		return auth.FileAccess(file)
	}
	return auth.DevAccess(stateDir)
}

// operationKey is HYBRIDLINK_OPERATION_KEY (base64, 32 bytes), or for development a key
// generated once into the state folder.
func operationKey(stateDir string) ([]byte, error) {
	if k := os.Getenv("HYBRIDLINK_OPERATION_KEY"); k != "" {
		return handle.ParseKey(k)
	}
	return handle.LoadOrCreateKey(filepath.Join(stateDir, "operations.key"))
}
