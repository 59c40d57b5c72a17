// Package serve runs a hybridlink service: its gRPC server (health, reflection,
// OpenTelemetry, panic recovery, request logs with trace ids) and, on a second port, its
// REST gateway (grpc-gateway), OpenAPI document, Prometheus metrics, the REST face of
// google.longrunning.Operations and the service's own Routes (the orchestrator's web
// console). Every service runs through it, so they all behave alike.
package serve

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"runtime/debug"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/jsonfield"
	"github.com/hybridlink/hybridlink/platform/telemetry"
)

// OpenAPIPath is where every service serves its OpenAPI document on the REST port.
const OpenAPIPath = "/openapi.json"

// HealthPath is the REST port's health check: 200 while the gRPC server is SERVING.
const HealthPath = "/healthz"

// Service describes one service to Run.
type Service struct {
	// Name is the service's name in logs, traces and health checks (e.g. hybridlink.network.v1.NetworkService).
	Name string
	// GRPCAddr and HTTPAddr are the listen addresses; port 0 picks a free port.
	GRPCAddr, HTTPAddr string
	// Register registers the service's implementations on the gRPC server.
	Register func(*grpc.Server)
	// Gateway registers the service's REST handlers, which call the gRPC server through conn.
	Gateway func(ctx context.Context, mux *gwruntime.ServeMux, conn *grpc.ClientConn) error
	// OpenAPI is the service's OpenAPI document (gen/openapi), served at OpenAPIPath with the
	// paths serve answers itself added (operations.swagger.json).
	OpenAPI []byte
	// Telemetry are the service's providers.
	Telemetry *telemetry.Providers
	// TLS, when set, serves both ports over TLS; it is required to listen beyond loopback.
	TLS *TLSConfig
	// Policy says which roles may call which methods; Auth identifies callers (Build sets it
	// from the service's Access). Every call but health checks needs an identity.
	Policy auth.Policy
	Auth   *auth.Authenticator
	// Routes, when set, are more handlers on the REST port beside the gateway (a service's
	// web pages), given the in-process connection: calls through it with a request's
	// context are the caller's, authorized by Policy as any call.
	Routes func(conn *grpc.ClientConn) []Route
	// Background, when set, runs beside the servers (the orchestrator's Temporal worker)
	// until its context is canceled at shutdown; its error stops the service.
	Background func(ctx context.Context) error
}

// Route is a handler on a service's REST port at an http.ServeMux Pattern. An Open route
// is served to anyone the Host check lets through, without a credential and from links on
// other sites: it must hold only static files, no data. Any other route needs a credential
// with a role, as the REST calls do.
type Route struct {
	Pattern string
	Handler http.Handler
	Open    bool
}

// TLSConfig holds the files of a service's TLS and mTLS setup.
type TLSConfig struct {
	CertFile, KeyFile string
	// ClientCAFile, when set, verifies client certificates against it (mTLS), which then
	// identify their callers. The gRPC port requires one in the handshake unless bearer
	// tokens are accepted too; the REST port asks for one, since /healthz answers probes
	// without any credential.
	ClientCAFile string
}

// Server is a running service.
type Server struct {
	// GRPCAddr and HTTPAddr are the addresses actually listened on.
	GRPCAddr, HTTPAddr string
	grpc               *grpc.Server
	http               *http.Server
	conn               *grpc.ClientConn
	health             *health.Server
	log                *slog.Logger
	endpoints          []Endpoint
	// stopBackground stops the Background task; backgroundDone is closed once it has
	// returned backgroundErr. Both nil when the service has none.
	stopBackground context.CancelFunc
	backgroundDone chan struct{}
	backgroundErr  error
}

// Start listens on both ports and serves in the background.
func Start(ctx context.Context, svc Service) (*Server, error) {
	if svc.Auth == nil {
		return nil, fmt.Errorf("%s: no access configured: every call needs an identity (serve.Build sets it)", svc.Name)
	}
	if err := checkExposure(svc); err != nil {
		return nil, err
	}
	log := svc.Telemetry.Logger
	g := &guard{auth: svc.Auth, policy: svc.Policy, log: log}
	creds := inProcessOr{insecure.NewCredentials()}
	var tlsCfg *tls.Config
	if svc.TLS != nil {
		var err error
		if tlsCfg, err = svc.TLS.load(); err != nil {
			return nil, err
		}
		if tlsCfg.ClientAuth == tls.RequireAndVerifyClientCert && svc.Auth.Tokens() {
			tlsCfg.ClientAuth = tls.VerifyClientCertIfGiven // a token identifies callers without a certificate
		}
		creds = inProcessOr{credentials.NewTLS(tlsCfg)}
	}
	opts := []grpc.ServerOption{
		grpc.Creds(creds),
		grpc.StatsHandler(otelgrpc.NewServerHandler(otelgrpc.WithTracerProvider(svc.Telemetry.Tracer), otelgrpc.WithMeterProvider(svc.Telemetry.Meter))),
		grpc.ChainUnaryInterceptor(recoverUnary(log), versionUnary, g.unary, logUnary(log)),
		grpc.ChainStreamInterceptor(recoverStream(log), versionStream, g.stream),
	}
	gs := grpc.NewServer(opts...)
	svc.Register(gs)
	hs := health.NewServer()
	healthpb.RegisterHealthServer(gs, hs)
	reflection.Register(gs)

	gl, err := (&net.ListenConfig{}).Listen(ctx, "tcp", svc.GRPCAddr)
	if err != nil {
		return nil, fmt.Errorf("%s: gRPC listen: %w", svc.Name, err)
	}
	hl, err := (&net.ListenConfig{}).Listen(ctx, "tcp", svc.HTTPAddr)
	if err != nil {
		gl.Close()
		return nil, fmt.Errorf("%s: REST listen: %w", svc.Name, err)
	}
	s := &Server{GRPCAddr: gl.Addr().String(), HTTPAddr: hl.Addr().String(), grpc: gs, health: hs, log: log}

	// The REST gateway calls the gRPC server in process, never through the port: with
	// mTLS on the port it would need a client certificate of its own.
	ip := newInProcess()
	s.conn, err = grpc.NewClient("passthrough:///in-process", grpc.WithContextDialer(ip.dial),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithUnaryInterceptor(forwardUnary), grpc.WithStreamInterceptor(forwardStream),
		grpc.WithStatsHandler(otelgrpc.NewClientHandler(otelgrpc.WithTracerProvider(svc.Telemetry.Tracer))))
	if err != nil {
		gl.Close()
		hl.Close()
		return nil, err
	}
	// JSON as protojson writes it by default: unset fields (an input-only secret among them)
	// are left out rather than sent empty; unknown fields are refused, so typos surface.
	mux := gwruntime.NewServeMux(gwruntime.WithMarshalerOption(gwruntime.MIMEWildcard, &gwruntime.HTTPBodyMarshaler{
		Marshaler: fieldJSON{&gwruntime.JSONPb{}},
	}))
	if err := svc.Gateway(ctx, mux, s.conn); err != nil {
		return nil, fmt.Errorf("%s: REST gateway: %w", svc.Name, err)
	}
	if s.endpoints, err = gatewayEndpoints(gs); err != nil {
		return nil, fmt.Errorf("%s: REST endpoints: %w", svc.Name, err)
	}
	s.endpoints = append(s.endpoints, ownEndpoints...)
	doc, err := document(svc.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", svc.Name, err)
	}
	ops := longrunningpb.NewOperationsClient(s.conn)
	root := http.NewServeMux()
	root.Handle("/", mux)
	root.Handle("GET /v1/operations", listOperationsREST(ops))
	root.Handle("/v1/operations/", operationsREST(ops))
	root.HandleFunc("GET "+OpenAPIPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	})
	root.Handle("GET /metrics", svc.Telemetry.MetricsHandler())
	root.HandleFunc("GET "+HealthPath, func(w http.ResponseWriter, r *http.Request) {
		resp, err := hs.Check(r.Context(), &healthpb.HealthCheckRequest{})
		if err != nil || resp.Status != healthpb.HealthCheckResponse_SERVING {
			http.Error(w, "not serving", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	var open []string
	if svc.Routes != nil {
		for _, r := range svc.Routes(s.conn) {
			root.Handle(r.Pattern, r.Handler)
			if r.Open {
				open = append(open, r.Pattern)
			}
		}
	}
	listenHost, _, _ := net.SplitHostPort(s.HTTPAddr)
	httpTLS := tlsCfg
	if tlsCfg != nil && tlsCfg.ClientAuth == tls.RequireAndVerifyClientCert {
		httpTLS = tlsCfg.Clone()
		httpTLS.ClientAuth = tls.VerifyClientCertIfGiven
	}
	s.http = &http.Server{Handler: g.rest(listenHost, root, open), ReadHeaderTimeout: 10 * time.Second, TLSConfig: httpTLS}

	for _, l := range []net.Listener{gl, ip} {
		go func() {
			if err := gs.Serve(l); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
				log.Error("gRPC server stopped", "err", err)
			}
		}()
	}
	go func() {
		var err error
		if tlsCfg != nil {
			err = s.http.ServeTLS(hl, "", "")
		} else {
			err = s.http.Serve(hl)
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("REST server stopped", "err", err)
		}
	}()
	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	hs.SetServingStatus(svc.Name, healthpb.HealthCheckResponse_SERVING)
	scheme := "http://"
	if tlsCfg != nil {
		scheme = "https://"
	}
	log.Info("serving", "grpc", s.GRPCAddr, "rest", s.HTTPAddr, "openapi", scheme+s.HTTPAddr+OpenAPIPath, "tls", tlsCfg != nil,
		"client_certificates", tlsCfg != nil && tlsCfg.ClientCAs != nil, "bearer_tokens", svc.Auth.Tokens(), "development_credentials", svc.Auth.Development())
	if svc.Background != nil {
		bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		s.stopBackground, s.backgroundDone = cancel, make(chan struct{})
		go func() {
			defer close(s.backgroundDone)
			s.backgroundErr = svc.Background(bctx)
		}()
	}
	return s, nil
}

// BackgroundDone is closed when the service's Background task has returned before Stop
// asked it to (it failed); never, when the service has none.
func (s *Server) BackgroundDone() <-chan struct{} { return s.backgroundDone }

// Run serves until ctx is done (SIGTERM in the commands) or Background fails, then shuts
// down gracefully.
func Run(ctx context.Context, svc Service) error {
	s, err := Start(ctx, svc)
	if err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case <-s.BackgroundDone():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return s.Stop(sctx)
}

// Stop stops the Background task and waits for it, then reports NOT_SERVING, lets
// requests in flight finish (until ctx is done) and closes both ports. It returns the
// task's error with any of its own.
func (s *Server) Stop(ctx context.Context) error {
	var bgErr error
	if s.stopBackground != nil {
		s.stopBackground()
		<-s.backgroundDone
		bgErr = s.backgroundErr
	}
	s.health.Shutdown()
	err := s.http.Shutdown(ctx)
	done := make(chan struct{})
	go func() { s.grpc.GracefulStop(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		s.grpc.Stop()
	}
	return errors.Join(bgErr, err, s.conn.Close())
}

// fieldJSON is grpc-gateway's JSON marshaler with decode errors that name the field at
// fault (jsonfield), where protojson names only a position in the body.
type fieldJSON struct{ *gwruntime.JSONPb }

// NewDecoder decodes a whole body; an empty one is io.EOF, which grpc-gateway reads as none.
func (m fieldJSON) NewDecoder(r io.Reader) gwruntime.Decoder {
	return gwruntime.DecoderFunc(func(v any) error {
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		if len(bytes.TrimSpace(b)) == 0 {
			return io.EOF
		}
		err = m.JSONPb.Unmarshal(b, v)
		if md, ok := descriptorOf(v); ok && err != nil {
			return fmt.Errorf("request body: %w", jsonfield.Describe(b, md, err))
		}
		return err
	})
}

// descriptorOf is the message descriptor of a decode target: a message, or as the generated
// handlers pass a request's body field, a pointer to a message pointer.
func descriptorOf(v any) (protoreflect.MessageDescriptor, bool) {
	if m, ok := v.(proto.Message); ok {
		return m.ProtoReflect().Descriptor(), true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && rv.Elem().Kind() == reflect.Pointer {
		if m, ok := reflect.New(rv.Elem().Type().Elem()).Interface().(proto.Message); ok {
			return m.ProtoReflect().Descriptor(), true
		}
	}
	return nil, false
}

// checkExposure refuses to listen beyond loopback without TLS, without a way to identify
// callers (client certificates or token issuers), or with the development credentials.
func checkExposure(svc Service) error {
	for _, addr := range []string{svc.GRPCAddr, svc.HTTPAddr} {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("%s: listen address %q: %w", svc.Name, addr, err)
		}
		switch {
		case isLoopback(host):
		case svc.TLS == nil || (svc.TLS.ClientCAFile == "" && !svc.Auth.Tokens()):
			return fmt.Errorf("%s: refusing to listen on %s without TLS and a way to identify callers: set the TLS certificate and key, and a client CA or token issuers in the access file; or listen on 127.0.0.1", svc.Name, addr)
		case svc.Auth.Development():
			return fmt.Errorf("%s: refusing to listen on %s with the development credentials: give an access file (-access) naming your token issuers or client certificates", svc.Name, addr)
		}
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (c *TLSConfig) load() (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if c.ClientCAFile != "" {
		pool, err := loadPool(c.ClientCAFile, "TLS client CA")
		if err != nil {
			return nil, err
		}
		cfg.ClientCAs, cfg.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// logUnary logs each call's method, code and duration with its trace id. Requests and
// responses are never logged: they may hold secrets.
func logUnary(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		start := time.Now()
		resp, err := handler(ctx, req)
		code := status.Code(err)
		level := slog.LevelInfo
		if code != codes.OK && code != codes.NotFound && code != codes.InvalidArgument && code != codes.AlreadyExists {
			level = slog.LevelWarn
		}
		attrs := []any{"method", info.FullMethod, "code", code.String(), "duration_ms", time.Since(start).Milliseconds()}
		if err != nil {
			attrs = append(attrs, "error", status.Convert(err).Message())
		}
		log.Log(ctx, level, "rpc", attrs...)
		return resp, err
	}
}

// recoverUnary turns a panic into Internal, logging the stack with the trace id.
func recoverUnary(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = panicked(ctx, log, info.FullMethod, r)
			}
		}()
		return handler(ctx, req)
	}
}

func recoverStream(log *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = panicked(ss.Context(), log, info.FullMethod, r)
			}
		}()
		return handler(srv, ss)
	}
}

func panicked(ctx context.Context, log *slog.Logger, method string, r any) error {
	log.ErrorContext(ctx, "panic", "method", method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	id := trace.SpanContextFromContext(ctx).TraceID()
	return status.Errorf(codes.Internal, "internal error in %s; the service log has the details under trace id %s", method, id)
}
