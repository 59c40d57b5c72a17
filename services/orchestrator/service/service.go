// Package service defines the orchestrator as its command, its tests and the development
// stack run it: the OrchestratorService API over a Temporal client and, in the same process
// unless told otherwise, the Temporal worker that runs deployments' workflows and calls the
// resource services.
package service

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	sdkworkflow "go.temporal.io/sdk/workflow"
	"google.golang.org/grpc"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/gen/openapi"
	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/activities"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/api"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/codec"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/console"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/offer"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/polling"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// Name is the service's full name, for health checks and logs.
const Name = "hybridlink.orchestrator.v1.OrchestratorService"

// Options configure the orchestrator beyond what every service takes.
type Options struct {
	// Temporal is the Temporal frontend's host:port; Namespace and TaskQueue where
	// deployments run.
	Temporal, Namespace, TaskQueue string
	// TemporalTLS is how the frontend is dialed: TLS (mTLS with a client certificate) when
	// any file is set; TemporalServerName, when set, is the name its certificate must hold.
	TemporalTLS        serve.ClientTLSConfig
	TemporalServerName string
	// TemporalAPIKeyFile holds an API key (Temporal Cloud, or a frontend with an authorizer)
	// sent as a bearer token on every call, read at each call; it implies TLS.
	TemporalAPIKeyFile string
	// FollowInterval is how often the API reads, from Temporal's visibility, which
	// deployments at rest changed, to keep its cache of them current (a change made through
	// another replica shows within it, plus visibility's lag).
	FollowInterval time.Duration
	// OfferCache is how long the API keeps what a cloud offers (its locations, a location's
	// VM sizes, an image's versions), read to check deployments; zero or less: not kept.
	OfferCache time.Duration
	// Worker runs the Temporal worker in this process (the API always runs).
	Worker bool
	// Network, Gateway and Compute are the resource services' gRPC addresses.
	Network, Gateway, Compute string
	// ServicesTLS is how the resource services are dialed: TLS (and mTLS with a client
	// certificate) when any of its files is set, plaintext otherwise (loopback).
	ServicesTLS serve.ClientTLSConfig
	// ServicesTokenFile holds the bearer token the orchestrator calls the resource services
	// with, read at each call; with the development credentials, their orchestrator token.
	// Without a token, its client certificate (ServicesTLS) identifies it.
	ServicesTokenFile string
	// PayloadKey encrypts workflow and activity payloads (AES-256-GCM); see PayloadKeyFile.
	PayloadKey []byte
	// PayloadKeyFile holds the key when PayloadKey is not set (generated for development).
	PayloadKeyFile string
	// HeartbeatTimeout is the steps' heartbeat time-out: how soon a lost worker's steps move
	// to another (workflow.DefaultHeartbeatTimeout when zero).
	HeartbeatTimeout time.Duration
	// CheckInterval is how often a READY deployment reads its resources for drift
	// (workflow.DefaultCheckInterval when zero; negative: never, only on CheckDeployment). It
	// is not scaled by TimeScale: each check costs every resource's read.
	CheckInterval time.Duration
	// Expect is how long ARM's operations take, which is when the steps poll them.
	Expect polling.Expectations
	// TimeScale is armsim's time scale when the clouds are emulated (1 when 0): it multiplies
	// the expected times and divides the default write budgets, so a time-compressed run
	// keeps real proportions.
	TimeScale float64
	// Writes are ARM writes a second on each cloud, by id, for all deployments of the task
	// queue together, over DefaultWrites.
	Writes Writes
	// TraceURL, when set, is where the web console links a deployment's trace: a URL with
	// {trace_id} in it (console.TraceID).
	TraceURL string
}

// Flags registers the options' flags, with environment variables as defaults.
func (o *Options) Flags(fs *flag.FlagSet) {
	env := func(k, d string) string {
		if v := os.Getenv(k); v != "" {
			return v
		}
		return d
	}
	// clientTLS registers the flags -<name>-tls-{ca,cert,key} of c, defaulting to
	// $HYBRIDLINK_<NAME>_TLS_{CA,CERT,KEY}: ca says what the CA verifies, peer whom the
	// client certificate is presented to.
	clientTLS := func(c *serve.ClientTLSConfig, name, envName, ca, peer string) {
		v := "HYBRIDLINK_" + envName + "_TLS_"
		fs.StringVar(&c.CAFile, name+"-tls-ca", env(v+"CA", ""), ca+" ($"+v+"CA)")
		fs.StringVar(&c.CertFile, name+"-tls-cert", env(v+"CERT", ""), "client certificate presented to "+peer+" (mTLS) ($"+v+"CERT)")
		fs.StringVar(&c.KeyFile, name+"-tls-key", env(v+"KEY", ""), "key of -"+name+"-tls-cert ($"+v+"KEY)")
	}
	fs.StringVar(&o.Temporal, "temporal", env("HYBRIDLINK_TEMPORAL_ADDRESS", "127.0.0.1:7233"), "Temporal frontend address ($HYBRIDLINK_TEMPORAL_ADDRESS)")
	fs.StringVar(&o.Namespace, "namespace", env("HYBRIDLINK_TEMPORAL_NAMESPACE", "default"), "Temporal namespace ($HYBRIDLINK_TEMPORAL_NAMESPACE)")
	clientTLS(&o.TemporalTLS, "temporal", "TEMPORAL", "CA verifying the Temporal frontend's certificate; Temporal is dialed over TLS when any -temporal-tls-* is set", "the Temporal frontend")
	fs.StringVar(&o.TemporalServerName, "temporal-tls-server-name", env("HYBRIDLINK_TEMPORAL_TLS_SERVER_NAME", ""), "name the Temporal frontend's certificate must hold, when not the -temporal host ($HYBRIDLINK_TEMPORAL_TLS_SERVER_NAME)")
	fs.StringVar(&o.TemporalAPIKeyFile, "temporal-api-key-file", env("HYBRIDLINK_TEMPORAL_API_KEY_FILE", ""), "file holding the Temporal API key, read at each call; implies TLS ($HYBRIDLINK_TEMPORAL_API_KEY_FILE)")
	fs.StringVar(&o.TaskQueue, "task-queue", env("HYBRIDLINK_TASK_QUEUE", "hybridlink-deployments"), "Temporal task queue ($HYBRIDLINK_TASK_QUEUE)")
	fs.DurationVar(&o.OfferCache, "offer-cache", 5*time.Minute, "how long the API keeps a cloud's locations, VM sizes and image versions, read to check deployments against (0: read them for every create, plan and update)")
	fs.DurationVar(&o.FollowInterval, "follow-interval", time.Second, "how often the API reads which deployments at rest changed (through other replicas), to keep its cache of them current")
	fs.BoolVar(&o.Worker, "worker", env("HYBRIDLINK_WORKER", "true") == "true", "run the Temporal worker in this process ($HYBRIDLINK_WORKER)")
	fs.StringVar(&o.Network, "network-addr", env("HYBRIDLINK_NETWORK_ADDR", "127.0.0.1:9091"), "network service gRPC address ($HYBRIDLINK_NETWORK_ADDR)")
	fs.StringVar(&o.Gateway, "gateway-addr", env("HYBRIDLINK_GATEWAY_ADDR", "127.0.0.1:9092"), "gateway service gRPC address ($HYBRIDLINK_GATEWAY_ADDR)")
	fs.StringVar(&o.Compute, "compute-addr", env("HYBRIDLINK_COMPUTE_ADDR", "127.0.0.1:9093"), "compute service gRPC address ($HYBRIDLINK_COMPUTE_ADDR)")
	clientTLS(&o.ServicesTLS, "services", "SERVICES", "CA verifying the resource services' TLS certificates; dials use TLS when any -services-tls-* is set", "the resource services")
	fs.StringVar(&o.ServicesTokenFile, "services-token-file", env("HYBRIDLINK_SERVICES_TOKEN_FILE", ""), "file holding the bearer token presented to the resource services, read at each call; the development credentials' orchestrator token when empty and no access file is given ($HYBRIDLINK_SERVICES_TOKEN_FILE)")
	fs.StringVar(&o.PayloadKeyFile, "payload-key-file", env("HYBRIDLINK_PAYLOAD_KEY_FILE", filepath.Join(".state", "payload.key")), "AES-256 key encrypting Temporal payloads, generated when missing ($HYBRIDLINK_PAYLOAD_KEY_FILE)")
	fs.DurationVar(&o.HeartbeatTimeout, "heartbeat-timeout", workflow.DefaultHeartbeatTimeout, "how long a step may go without a heartbeat before another worker takes it over (resuming its ARM operation)")
	fs.Var(&o.Expect, "expect", "how long an ARM operation takes, which is when it is polled: [cloud:]collection[/delete]=duration, e.g. virtualNetworkGateways=40m or azure-stack-hub:virtualMachines/delete=5m (repeatable; defaults: gateways 35m, deleting one 15m, VMs 2m, connections 1m, network resources seconds)")
	fs.DurationVar(&o.CheckInterval, "check-interval", workflow.DefaultCheckInterval, "how often a READY deployment reads every resource it manages or adopts, and its tunnels, for drift (negative: only when asked, CheckDeployment); not scaled by -time-scale")
	fs.Float64Var(&o.TimeScale, "time-scale", 1, "armsim's -time-scale, when the clouds are emulated: multiplies the expected operation times and divides the default write budgets")
	fs.StringVar(&o.TraceURL, "trace-url", env("HYBRIDLINK_TRACE_URL", ""), "where the web console ("+console.Path+") links a deployment's trace, with "+console.TraceID+" in it, e.g. http://jaeger:16686/trace/"+console.TraceID+" ($HYBRIDLINK_TRACE_URL)")
	fs.Var(&o.Writes, "arm-writes", "ARM writes a cloud's subscription takes from every deployment together, enforced by Temporal across workers: cloud=N a second, or cloud=N/h an hour (repeatable; defaults: 9/s on Azure, 1080/h on Azure Stack Hub, 90% of ARM's budgets, divided by -time-scale)")
}

// Service builds the orchestrator's service: the API, with its own connections to the
// resource services (to plan deployments), and the worker as a background task; the
// background task closes the connections at shutdown.
func Service(env serve.Env, o Options) (serve.Service, error) {
	if err := console.CheckTraceURL("-trace-url", o.TraceURL); err != nil {
		return serve.Service{}, err
	}
	key := o.PayloadKey
	if key == nil {
		var err error
		if key, err = handle.LoadOrCreateKey(o.PayloadKeyFile); err != nil {
			return serve.Service{}, fmt.Errorf("payload key: %w", err)
		}
	}
	if _, err := codec.NewCodec(key); err != nil {
		return serve.Service{}, fmt.Errorf("payload key: %w", err)
	}
	tracing, err := opentelemetry.NewTracingInterceptor(opentelemetry.TracerOptions{
		Tracer: env.Telemetry.Tracer.Tracer("hybridlink.orchestrator")})
	if err != nil {
		return serve.Service{}, err
	}
	conn, creds, err := o.temporalConnection()
	if err != nil {
		return serve.Service{}, err
	}
	tc, err := client.Dial(client.Options{
		HostPort: o.Temporal, Namespace: o.Namespace,
		ConnectionOptions: conn, Credentials: creds,
		DataConverter: codec.NewDataConverter(key),
		Interceptors:  []interceptor.ClientInterceptor{tracing},
		Logger:        log.NewStructuredLogger(env.Telemetry.Logger),
	})
	if err != nil {
		return serve.Service{}, fmt.Errorf("Temporal at %s: %w (start it, or check -temporal, -temporal-tls-* and -temporal-api-key-file)", o.Temporal, err)
	}
	if err := ensureSearchAttributes(context.Background(), tc, o.Namespace); err != nil {
		tc.Close()
		return serve.Service{}, err
	}
	conns, err := dialServices(env, o)
	if err != nil {
		tc.Close()
		return serve.Service{}, err
	}
	srv := api.New(tc, o.TaskQueue, key, env.Clouds.Clouds(), conns[0], conns[1], conns[2])
	srv.Offers = offer.NewCache(o.OfferCache)
	if err := srv.RegisterMetrics(env.Telemetry.Meter.Meter("hybridlink.orchestrator")); err != nil {
		tc.Close()
		closeAll(conns)
		return serve.Service{}, fmt.Errorf("the deployments' metrics: %w", err)
	}
	svc := serve.Service{
		Policy: Policy,
		Register: func(g *grpc.Server) {
			orchestratorv1.RegisterOrchestratorServiceServer(g, srv)
			longrunningpb.RegisterOperationsServer(g, srv)
		},
		Gateway: func(ctx context.Context, mux *gwruntime.ServeMux, conn *grpc.ClientConn) error {
			return orchestratorv1.RegisterOrchestratorServiceHandler(ctx, mux, conn)
		},
		OpenAPI: openapi.Orchestrator,
		Routes: func(conn *grpc.ClientConn) []serve.Route {
			return console.Routes(conn, console.Options{TraceURL: o.TraceURL})
		},
	}
	svc.Background = func(ctx context.Context) error {
		defer tc.Close()
		defer closeAll(conns)
		go srv.Follow(ctx, o.FollowInterval, env.Telemetry.Logger)
		if !o.Worker {
			<-ctx.Done()
			return nil
		}
		return runWorker(ctx, env, o, tc)
	}
	return svc, nil
}

// Policy is who may call the orchestrator: viewers read deployments and plan them, operators
// also create, re-apply and cancel them, and only admins delete them.
var Policy = auth.Policy{Read: []auth.Role{auth.Viewer, auth.Operator}, Write: []auth.Role{auth.Operator},
	Methods: map[string][]auth.Role{
		orchestratorv1.OrchestratorService_DeleteDeployment_FullMethodName: nil,
		longrunningpb.Operations_DeleteOperation_FullMethodName:            nil,
	}}

// searchAttributes are the search attributes the workflow keeps current, by type.
var searchAttributes = map[string]enumspb.IndexedValueType{
	workflow.StateAttribute.GetName():      enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	workflow.UpdateTimeAttribute.GetName(): enumspb.INDEXED_VALUE_TYPE_DATETIME,
}

// ensureSearchAttributes registers searchAttributes in the namespace unless they are there
// already, before any worker runs: a workflow task upserting an unregistered attribute fails
// for ever. Where the orchestrator may not register them (Temporal Cloud, a locked-down
// cluster), it refuses to start and says how an admin does it.
func ensureSearchAttributes(ctx context.Context, tc client.Client, namespace string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	have, err := tc.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err == nil {
		missing := map[string]enumspb.IndexedValueType{}
		for name, want := range searchAttributes {
			switch t, ok := have.GetCustomAttributes()[name]; {
			case !ok:
				missing[name] = want
			case t != want:
				return fmt.Errorf("the search attribute %s of namespace %s is a %s; the orchestrator needs it a %s", name, namespace, t, want)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		_, err = tc.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: missing})
		var exists *serviceerror.AlreadyExists
		if err == nil || errors.As(err, &exists) {
			return nil
		}
	}
	var how []string
	for _, name := range slices.Sorted(maps.Keys(searchAttributes)) {
		typ := map[enumspb.IndexedValueType]string{enumspb.INDEXED_VALUE_TYPE_KEYWORD: "Keyword", enumspb.INDEXED_VALUE_TYPE_DATETIME: "Datetime"}[searchAttributes[name]]
		how = append(how, fmt.Sprintf("temporal operator search-attribute create --namespace %s --name %s --type %s", namespace, name, typ))
	}
	return fmt.Errorf("registering the search attributes in Temporal namespace %s: %w; an admin registers them with: %s",
		namespace, err, strings.Join(how, " and "))
}

// temporalConnection is how the Temporal frontend is dialed: TLS and an API key as the
// options say, plaintext otherwise (the dev server on loopback).
func (o Options) temporalConnection() (client.ConnectionOptions, client.Credentials, error) {
	var conn client.ConnectionOptions
	if o.TemporalTLS.Enabled() || o.TemporalServerName != "" {
		cfg, err := o.TemporalTLS.Config()
		if err != nil {
			return conn, nil, fmt.Errorf("Temporal TLS: %w", err)
		}
		cfg.ServerName = o.TemporalServerName
		conn.TLS = cfg
	}
	if o.TemporalAPIKeyFile == "" {
		return conn, nil, nil
	}
	if _, err := os.Stat(o.TemporalAPIKeyFile); err != nil {
		return conn, nil, fmt.Errorf("Temporal API key: %w", err)
	}
	return conn, client.NewAPIKeyDynamicCredentials(func(context.Context) (string, error) {
		b, err := os.ReadFile(o.TemporalAPIKeyFile)
		if err != nil {
			return "", fmt.Errorf("Temporal API key: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}), nil
}

// dialServices returns traced connections to the network, gateway and compute services,
// in that order, over TLS when o.ServicesTLS says so, identified by the orchestrator's token
// or client certificate.
func dialServices(env serve.Env, o Options) ([]*grpc.ClientConn, error) {
	creds, err := o.ServicesTLS.Credentials()
	if err != nil {
		return nil, fmt.Errorf("resource services: %w", err)
	}
	token := o.ServicesTokenFile
	if token == "" && env.Access.Dev != nil {
		token = env.Access.Dev.TokenFile(auth.Orchestrator)
	}
	conns := make([]*grpc.ClientConn, 0, 3)
	for _, addr := range []string{o.Network, o.Gateway, o.Compute} {
		opts := []grpc.DialOption{grpc.WithTransportCredentials(creds),
			grpc.WithStatsHandler(otelgrpc.NewClientHandler(otelgrpc.WithTracerProvider(env.Telemetry.Tracer)))}
		if token != "" {
			opts = append(opts, grpc.WithPerRPCCredentials(serve.BearerToken{File: token, Insecure: !o.ServicesTLS.Enabled() && serve.LoopbackAddr(addr)}))
		}
		c, err := grpc.NewClient(addr, opts...)
		if err != nil {
			closeAll(conns)
			return nil, fmt.Errorf("resource service at %s: %w", addr, err)
		}
		conns = append(conns, c)
	}
	return conns, nil
}

// closeAll closes connections.
func closeAll(conns []*grpc.ClientConn) {
	for _, c := range conns {
		c.Close()
	}
}

// pollers is how the workers poll their task queues: as many pollers as the queue's backlog
// calls for, up to 20 (two fixed pollers delayed tasks under a burst of deployments; the
// SDK's own maximum, 100 per queue, held memory for nothing).
var pollers = worker.NewPollerBehaviorAutoscaling(worker.PollerBehaviorAutoscalingOptions{MaximumNumberOfPollers: 20})

// runWorker runs the Temporal worker, on its own connections to the resource services,
// until ctx is done.
func runWorker(ctx context.Context, env serve.Env, o Options, tc client.Client) error {
	conns, err := dialServices(env, o)
	if err != nil {
		return err
	}
	defer closeAll(conns)
	acts := activities.New(conns[0], conns[1], conns[2])
	acts.Expect = o.Expect
	acts.Expect.Scale = o.TimeScale
	steps, err := activities.Metrics(env.Telemetry.Meter.Meter("hybridlink.orchestrator"))
	if err != nil {
		return fmt.Errorf("the steps' metrics: %w", err)
	}
	metrics := []interceptor.WorkerInterceptor{steps}
	w := worker.New(tc, o.TaskQueue, worker.Options{WorkflowTaskPollerBehavior: pollers, ActivityTaskPollerBehavior: pollers, Interceptors: metrics})
	w.RegisterWorkflowWithOptions(workflow.Config{HeartbeatTimeout: o.HeartbeatTimeout, CheckInterval: o.CheckInterval}.Deployment, sdkworkflow.RegisterOptions{Name: workflow.Name})
	w.RegisterActivity(acts)
	workers := []worker.Worker{w}
	for _, c := range env.Clouds.Clouds() {
		// Temporal's server paces the activity tasks of a queue for all its workers together,
		// at the rate the workers last asked for.
		cw := worker.New(tc, workflow.WriteQueue(o.TaskQueue, c.ID), worker.Options{TaskQueueActivitiesPerSecond: o.Writes.On(c, o.TimeScale),
			ActivityTaskPollerBehavior: pollers, Interceptors: metrics})
		cw.RegisterActivity(acts)
		workers = append(workers, cw)
	}
	for i, w := range workers {
		if err := w.Start(); err != nil {
			for _, started := range workers[:i] {
				started.Stop()
			}
			return fmt.Errorf("Temporal worker: %w", err)
		}
	}
	<-ctx.Done()
	for _, w := range workers {
		w.Stop()
	}
	return nil
}
