// Package stack runs the whole suite in one process for development, demos and tests:
// armsim serving Azure, Azure Stack Hub and any extra stamps, a Temporal dev server, the network, gateway and
// compute services and the orchestrator with its worker, all on loopback, with their state
// (Temporal's SQLite file, armsim's resources, the keys) in one folder.
package stack

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hybridlink/hybridlink/armsim"
	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/platform/telemetry"
	"github.com/hybridlink/hybridlink/platform/temporaldev"
	compute "github.com/hybridlink/hybridlink/services/compute/service"
	gateway "github.com/hybridlink/hybridlink/services/gateway/service"
	network "github.com/hybridlink/hybridlink/services/network/service"
	orchestrator "github.com/hybridlink/hybridlink/services/orchestrator/service"
)

// Ports are the loopback ports the stack listens on; 0 picks a free port.
type Ports struct {
	Azure, AzureStackHub int
	// Stamps is the first extra stamp's port: stamp i listens on Stamps+i-1 (0: free ports).
	Stamps               int
	Temporal, TemporalUI int
	// Services' gRPC and REST ports, in the order orchestrator, network, gateway, compute.
	GRPC, REST [4]int
}

// DefaultPorts are the ports each part listens on when run on its own, so that the README's
// grpcurl and curl lines work against `hybridlink dev` unchanged.
var DefaultPorts = Ports{
	Azure: 8443, AzureStackHub: 9443, Stamps: 9444, Temporal: 7233, TemporalUI: 8233,
	GRPC: [4]int{9090, 9091, 9092, 9093}, REST: [4]int{8090, 8091, 8092, 8093},
}

// PortsFrom are consecutive ports from first: armsim's azure and azure-stack-hub, Temporal
// and its UI, the services' gRPC then REST ports, then the extra stamps'.
func PortsFrom(first int) Ports {
	p := Ports{Azure: first, AzureStackHub: first + 1, Temporal: first + 2, TemporalUI: first + 3, Stamps: first + 12}
	for i := range 4 {
		p.GRPC[i], p.REST[i] = first+4+i, first+8+i
	}
	return p
}

// Options configure Start.
type Options struct {
	// StateDir holds temporal.db, armsim.json, the CA file, the keys and stack.log.
	StateDir string
	// TimeScale multiplies armsim's latencies (0.001: a 35-minute gateway takes 2.1 s).
	TimeScale float64
	// Stamps is how many Azure Stack Hub stamps, stamp1..stampN, armsim serves beside its
	// azure and azure-stack-hub clouds; the services get each as a cloud of that id.
	Stamps int
	Ports  Ports
	// Progress receives what the stack tells while starting (building the Temporal CLI).
	Progress io.Writer
}

// Endpoint is where one service listens.
type Endpoint struct {
	Name       string
	GRPC, REST string
}

// Stack is the running suite.
type Stack struct {
	// Services are the orchestrator, network, gateway and compute services, in that order.
	Services [4]Endpoint
	// Clouds maps armsim's cloud ids to their ARM endpoints; CAFile is armsim's CA.
	Clouds map[string]string
	CAFile string
	// Temporal is the dev server's frontend address; TemporalUI its Web UI's URL.
	Temporal, TemporalUI string
	// Log is the file every part logs to.
	Log string
	// TokenFile holds the local user's bearer token (admin), made by the stack's development
	// issuer (in StateDir/auth, with a token per role); every call but health checks needs one.
	TokenFile string
	// Access is the development issuer the services trust.
	Access auth.Access `json:"-"`
	// Sim is armsim in this process (not in stack.json), for tests that inject faults.
	Sim *armsim.Sim `json:"-"`

	temporal *temporaldev.Server
	// login is how the services log in to armsim's directories.
	login   *cloud.ArmsimLogin
	servers []*serve.Server
	// telemetry flushes the services' providers.
	telemetry []func()
	log       *os.File
}

// Start starts the stack; on error it stops whatever it started.
func Start(ctx context.Context, o Options) (_ *Stack, err error) {
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	if err := os.MkdirAll(o.StateDir, 0o700); err != nil {
		return nil, err
	}
	s := &Stack{CAFile: filepath.Join(o.StateDir, "armsim-ca.pem"), Log: filepath.Join(o.StateDir, "stack.log")}
	if s.log, err = os.OpenFile(s.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			s.Stop()
		}
	}()
	bin, err := temporaldev.Ensure(ctx, o.Progress)
	if err != nil {
		return nil, err
	}
	if s.temporal, err = temporaldev.Start(ctx, temporaldev.Options{Binary: bin, DBFile: filepath.Join(o.StateDir, "temporal.db"),
		Port: o.Ports.Temporal, UIPort: o.Ports.TemporalUI, Log: s.log}); err != nil {
		return nil, err
	}
	s.Temporal, s.TemporalUI = s.temporal.Address, s.temporal.UI

	clouds := armsim.DefaultClouds()
	clouds[0].Addr, clouds[1].Addr = loopback(o.Ports.Azure), loopback(o.Ports.AzureStackHub)
	clouds = append(clouds, stamps(o.Stamps, o.Ports.Stamps)...)
	for i := range clouds {
		clouds[i].StrictAuth = true // the services log in through each cloud's directory, as on a real cloud
	}
	if s.Sim, err = armsim.Start(ctx, armsim.Config{Clouds: clouds, CAOut: s.CAFile, TimeScale: o.TimeScale,
		StateFile: filepath.Join(o.StateDir, "armsim.json")}); err != nil {
		return nil, fmt.Errorf("armsim: %w", err)
	}
	s.Clouds = s.Sim.Endpoints
	secret := filepath.Join(o.StateDir, "armsim-client-secret")
	if err := os.WriteFile(secret, []byte(armsim.DefaultClientSecret), 0o600); err != nil {
		return nil, err
	}
	s.login = &cloud.ArmsimLogin{ClientID: armsim.DefaultClientID, SecretFile: secret, Tenants: s.Sim.Tenants}

	key, err := handle.LoadOrCreateKey(filepath.Join(o.StateDir, "operations.key"))
	if err != nil {
		return nil, err
	}
	if s.Access, err = auth.DevAccess(o.StateDir); err != nil {
		return nil, err
	}
	s.TokenFile = s.Access.Dev.TokenFile(auth.Admin)
	// The resource services first: the orchestrator dials them.
	builds := []func(serve.Env) (serve.Service, error){network.Service, gateway.Service, compute.Service}
	names := []string{network.Name, gateway.Name, compute.Name}
	for i, build := range builds {
		if s.Services[i+1], err = s.serve(ctx, o, i+1, names[i], key, build); err != nil {
			return nil, err
		}
	}
	opts := orchestrator.Options{
		Temporal: s.Temporal, Namespace: "default", TaskQueue: "hybridlink-deployments", Worker: true,
		Network: s.Services[1].GRPC, Gateway: s.Services[2].GRPC, Compute: s.Services[3].GRPC,
		PayloadKeyFile: filepath.Join(o.StateDir, "payload.key"),
	}
	opts.TimeScale = o.TimeScale
	build := func(env serve.Env) (serve.Service, error) { return orchestrator.Service(env, opts) }
	if s.Services[0], err = s.serve(ctx, o, 0, orchestrator.Name, key, build); err != nil {
		return nil, err
	}
	return s, nil
}

// serve starts one service as its command would, logging to the stack's log.
func (s *Stack) serve(ctx context.Context, o Options, i int, name string, key []byte, build func(serve.Env) (serve.Service, error)) (Endpoint, error) {
	tel, err := telemetry.Setup(ctx, name, telemetry.Options{LogOutput: s.log})
	if err != nil {
		return Endpoint{}, err
	}
	s.telemetry = append(s.telemetry, func() { _ = tel.Shutdown(context.Background()) })
	svc, _, err := serve.Build(ctx, name, cloud.Armsim(s.CAFile, s.Sim.Endpoints, s.login), key, tel, s.Access, build)
	if err != nil {
		return Endpoint{}, err
	}
	svc.GRPCAddr, svc.HTTPAddr = loopback(o.Ports.GRPC[i]), loopback(o.Ports.REST[i])
	srv, err := serve.Start(ctx, svc)
	if err != nil {
		return Endpoint{}, fmt.Errorf("%s: %w", name, err)
	}
	s.servers = append(s.servers, srv)
	return Endpoint{Name: name, GRPC: srv.GRPCAddr, REST: "http://" + srv.HTTPAddr}, nil
}

// Stop stops every part, the orchestrator (its worker first) first and Temporal last, and
// waits for them.
func (s *Stack) Stop() {
	for i := len(s.servers) - 1; i >= 0; i-- {
		if err := s.servers[i].Stop(context.Background()); err != nil {
			fmt.Fprintf(s.log, "stopping: %v\n", err)
		}
	}
	for _, flush := range s.telemetry {
		flush()
	}
	s.servers, s.telemetry = nil, nil
	if s.Sim != nil {
		_ = s.Sim.Close()
		s.Sim = nil
	}
	if s.temporal != nil {
		s.temporal.Stop()
		s.temporal = nil
	}
	if s.log != nil {
		_ = s.log.Close()
		s.log = nil
	}
}

// stamps are armsim's Azure Stack Hub stamps stamp1..stampN, stamp i on port first+i-1
// (every one on a free port when first is 0), each with its own public IP range.
func stamps(n, first int) []armsim.CloudConfig {
	out := make([]armsim.CloudConfig, 0, n)
	for i := 1; i <= n; i++ {
		id, port := fmt.Sprintf("stamp%d", i), 0
		if first != 0 {
			port = first + i - 1
		}
		out = append(out, armsim.CloudConfig{ID: id, Kind: armsim.KindAzureStackHub, Addr: loopback(port), Locations: []string{"local"},
			Domain: id + ".azurestack.external", IdentityProvider: "aad", PublicIPs: fmt.Sprintf("100.%d.0.0/16", 64+i)})
	}
	return out
}

func loopback(port int) string { return fmt.Sprintf("127.0.0.1:%d", port) }
