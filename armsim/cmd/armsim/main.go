// Command armsim serves emulated Azure Resource Manager endpoints for Azure and Azure Stack
// Hub over HTTPS. See armsim/README.md for flags, the admin API and the rules it enforces.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"sigs.k8s.io/yaml"

	"github.com/hybridlink/hybridlink/armsim"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "armsim:", err)
		var u unhealthy
		if errors.As(err, &u) {
			os.Exit(1) // what a container health check takes for unhealthy (2 is reserved there)
		}
		os.Exit(2)
	}
}

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func run(args []string) error {
	fs := flag.NewFlagSet("armsim", flag.ContinueOnError)
	var (
		configFile = fs.String("config", "", "YAML file with the configuration (clouds, latencies, faults, ...); flags override it")
		caOut      = fs.String("ca-out", "armsim-ca.pem", "where to write the CA certificate clients must trust")
		caCert     = fs.String("ca-cert", "", "PEM CA certificate to sign with instead of a generated one (needs -ca-key)")
		caKey      = fs.String("ca-key", "", "PEM private key of -ca-cert")
		caDir      = fs.String("ca-dir", "", "keep the generated CA (ca.pem, ca-key.pem) in this folder and reuse it on the next start")
		hostnames  = fs.String("hostnames", "", "extra host names (or IPs), comma-separated, every cloud's certificate is valid for, e.g. armsim in a container network")
		health     = fs.Bool("health", false, "probe the running armsim (each cloud's endpoint, as the other flags say, trusting its CA) and exit 0 when every cloud answers: a container health check")
		azureAddr  = fs.String("azure-addr", "127.0.0.1:8443", "listen address of the azure cloud")
		stackAddr  = fs.String("stack-addr", "127.0.0.1:9443", "listen address of the azure-stack-hub cloud")
		timeScale  = fs.Float64("time-scale", 1, "multiplies every latency: 0.001 turns a 35-minute gateway into 2.1 s")
		pageSize   = fs.Int("page-size", 0, "items per list page (default 100)")
		throttle   = fs.Bool("throttle", false, "enforce ARM's per-subscription limits at their real rates (Azure: reads 250 burst +25/s, writes 200 burst +10/s; a stamp: 12,000 reads and 1,200 writes an hour)")
		thrScale   = fs.Bool("throttle-scale", false, "enforce ARM's limits with their refill rates divided by -time-scale, so a time-compressed run keeps real proportions (implies -throttle)")
		seed       = fs.Uint64("seed", 0, "seed of the operation durations drawn from the latencies: the same seed, the same durations")
		stampTuns  = fs.Int("stamp-tunnels", 0, "Standard tunnels that fill every stamp's shared gateway pool instead of Microsoft's 20 (50 with VPN Fast Path): for scale runs with more deployments on one stamp than a real one holds")
		loginAddr  = fs.String("login-proxy", "", "also serve, on this address, an HTTP CONNECT proxy that tunnels login.microsoftonline.com to the first Azure cloud's directory, for clients that ask Entra ID's global host whatever their cloud says (Debian's az)")
		strictAuth = fs.Bool("strict-auth", false, "every cloud accepts only unexpired tokens its own directory issued for its audience (default: any bearer token)")
		stateFile  = fs.String("state-file", "", "persist resources and operations here, so a restart keeps resume tokens valid")
		rate429    = fs.Float64("fault-429", 0, "fraction of requests answered 429 TooManyRequests")
		rate500    = fs.Float64("fault-500", 0, "fraction of requests answered 500 InternalServerError")
		rate503    = fs.Float64("fault-503", 0, "fraction of requests answered 503 ServiceUnavailable")
		rate409    = fs.Float64("fault-409", 0, "fraction of writes answered 409 AnotherOperationInProgress")
		rateDrop   = fs.Float64("fault-drop", 0, "fraction of requests whose connection is dropped")
		delay      = fs.Duration("fault-delay", 0, "extra delay before every answer")
		stamps     listFlag
		latencies  listFlag
		fails      listFlag
		budgets    listFlag
	)
	fs.Var(&stamps, "stamp", "add an Azure Stack Hub stamp: id=addr[,fastpath][,adfs] (repeatable)")
	fs.Var(&latencies, "latency", "override the distribution of an operation's unscaled time: type=MIN[..MAX[,TAIL%..TAILMAX]], e.g. virtualnetworkgateways=30m..45m,5%..70m, or virtualmachines=2m for always 2 minutes (repeatable)")
	fs.Var(&budgets, "throttle-budget", "set a cloud's request budget, or every cloud's without the cloud: [cloud:]reads=BURST/RATE,writes=BURST/RATE, RATE per second (250/25) or the time the burst takes to refill (12000/1h) (repeatable)")
	fs.Var(&fails, "fail", "make operations on a type (or one named resource) fail: type[/name][=code] (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := armsim.Config{}
	if *configFile != "" {
		b, err := os.ReadFile(*configFile)
		if err != nil {
			return err
		}
		if err := yaml.UnmarshalStrict(b, &cfg); err != nil {
			return fmt.Errorf("config %s: %w", *configFile, err)
		}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if len(cfg.Clouds) == 0 {
		cfg.Clouds = armsim.DefaultClouds()
		cfg.Clouds[0].Addr, cfg.Clouds[1].Addr = *azureAddr, *stackAddr
	}
	for _, s := range stamps {
		c, err := parseStamp(s)
		if err != nil {
			return err
		}
		cfg.Clouds = append(cfg.Clouds, c)
	}
	if set["ca-out"] || cfg.CAOut == "" {
		cfg.CAOut = *caOut
	}
	if set["ca-cert"] || set["ca-key"] {
		cfg.CACert, cfg.CAKey = *caCert, *caKey
	}
	if set["ca-dir"] {
		cfg.CADir = *caDir
	}
	for _, h := range strings.Split(*hostnames, ",") {
		if h = strings.TrimSpace(h); h != "" {
			cfg.Hostnames = append(cfg.Hostnames, h)
		}
	}
	if set["time-scale"] || cfg.TimeScale == 0 {
		cfg.TimeScale = *timeScale
	}
	if set["page-size"] {
		cfg.PageSize = *pageSize
	}
	if set["throttle"] {
		cfg.Throttle.Enabled = *throttle
	}
	if set["throttle-scale"] {
		cfg.Throttle.Scaled = *thrScale
		cfg.Throttle.Enabled = cfg.Throttle.Enabled || *thrScale
	}
	for _, b := range budgets {
		if err := setBudget(&cfg.Throttle, b); err != nil {
			return err
		}
	}
	if set["stamp-tunnels"] {
		cfg.StampTunnels = *stampTuns
	}
	if set["seed"] {
		cfg.Seed = *seed
	}
	if set["strict-auth"] {
		for i := range cfg.Clouds {
			cfg.Clouds[i].StrictAuth = *strictAuth
		}
	}
	if set["state-file"] {
		cfg.StateFile = *stateFile
	}
	for name, rate := range map[string]*float64{"fault-429": rate429, "fault-500": rate500, "fault-503": rate503, "fault-409": rate409, "fault-drop": rateDrop} {
		if *rate < 0 || *rate > 1 {
			return fmt.Errorf("-%s must be between 0 and 1, got %v", name, *rate)
		}
	}
	overrideRate(set, "fault-429", &cfg.Faults.Rate429, *rate429)
	overrideRate(set, "fault-500", &cfg.Faults.Rate500, *rate500)
	overrideRate(set, "fault-503", &cfg.Faults.Rate503, *rate503)
	overrideRate(set, "fault-409", &cfg.Faults.Rate409, *rate409)
	overrideRate(set, "fault-drop", &cfg.Faults.RateDrop, *rateDrop)
	if set["fault-delay"] {
		cfg.Faults.Delay = armsim.Duration(*delay)
	}
	for _, l := range latencies {
		typ, spec, ok := strings.Cut(l, "=")
		if !ok {
			return fmt.Errorf("-latency %q: want type=MIN[..MAX[,TAIL%%..TAILMAX]], e.g. virtualnetworkgateways=30m..45m,5%%..70m", l)
		}
		var lat armsim.Latency
		if err := lat.UnmarshalText([]byte(spec)); err != nil {
			return fmt.Errorf("-latency %s: %w", typ, err)
		}
		if cfg.Latencies == nil {
			cfg.Latencies = map[string]armsim.Latency{}
		}
		cfg.Latencies[strings.ToLower(typ)] = lat
	}
	for _, f := range fails {
		spec, code, _ := strings.Cut(f, "=")
		typ, name, _ := strings.Cut(spec, "/")
		cfg.Faults.FailProvisioning = append(cfg.Faults.FailProvisioning, armsim.FailRule{Type: strings.ToLower(typ), Name: name, Code: code})
	}

	if *health {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := probe(ctx, cfg); err != nil {
			return unhealthy{err}
		}
		return nil
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	shutdown, err := setupTracing(ctx)
	if err != nil {
		return err
	}
	defer shutdown()
	if *loginAddr != "" {
		cfg.Hostnames = append(cfg.Hostnames, strings.TrimSuffix(entraHost, ":443"))
	}
	sim, err := armsim.Start(ctx, cfg)
	if err != nil {
		return err
	}
	if *loginAddr != "" {
		if err := startLoginProxy(ctx, *loginAddr, cfg, sim); err != nil {
			sim.Close()
			return err
		}
	}
	ids := make([]string, 0, len(sim.Endpoints))
	for id := range sim.Endpoints {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Printf("armsim: cloud %-16s %s  tenant %s\n", id, sim.Endpoints[id], sim.Tenants[id])
	}
	fmt.Printf("armsim: CA certificate in %s; admin API at %s/_armsim/\n", cfg.CAOut, sim.Endpoints[ids[0]])
	<-ctx.Done()
	fmt.Println("armsim: stopping")
	return sim.Close()
}

func overrideRate(set map[string]bool, name string, dst *float64, v float64) {
	if set[name] {
		*dst = v
	}
}

// startLoginProxy serves the login proxy, tunnelling to the first Azure cloud, until ctx is done.
func startLoginProxy(ctx context.Context, addr string, cfg armsim.Config, sim *armsim.Sim) error {
	target := ""
	for _, c := range cfg.Clouds {
		if c.Kind == armsim.KindAzure && target == "" {
			target = strings.TrimPrefix(sim.Endpoints[strings.ToLower(c.ID)], "https://")
		}
	}
	if target == "" {
		return fmt.Errorf("-login-proxy needs an Azure cloud to send logins to")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("-login-proxy: %w", err)
	}
	srv := &http.Server{Handler: loginProxy(target), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Printf("armsim: login proxy %s tunnels %s to %s\n", ln.Addr(), entraHost, target)
	return nil
}

// setBudget reads -throttle-budget [cloud:]reads=BURST/RATE,writes=BURST/RATE into t: the
// cloud's own budget, or without a cloud the one of every cloud.
func setBudget(t *armsim.Throttle, s string) error {
	cloud, spec, own := strings.Cut(s, ":")
	b := t.Clouds[cloud]
	if !own {
		spec = s
		b = armsim.Budget{ReadBurst: t.ReadBurst, ReadRate: t.ReadRate, WriteBurst: t.WriteBurst, WriteRate: t.WriteRate}
	}
	for _, part := range strings.Split(spec, ",") {
		kind, pair, _ := strings.Cut(part, "=")
		burst, rate, err := parseBucket(pair)
		switch {
		case err != nil:
			return fmt.Errorf("-throttle-budget %q: %w", s, err)
		case kind == "reads":
			b.ReadBurst, b.ReadRate = burst, rate
		case kind == "writes":
			b.WriteBurst, b.WriteRate = burst, rate
		default:
			return fmt.Errorf("-throttle-budget %q: want [cloud:]reads=BURST/RATE,writes=BURST/RATE", s)
		}
	}
	if !own {
		t.ReadBurst, t.ReadRate, t.WriteBurst, t.WriteRate = b.ReadBurst, b.ReadRate, b.WriteBurst, b.WriteRate
		return nil
	}
	if t.Clouds == nil {
		t.Clouds = map[string]armsim.Budget{}
	}
	t.Clouds[cloud] = b
	return nil
}

// parseBucket reads BURST/RATE, RATE per second (250/25) or the time the burst takes to
// refill (12000/1h).
func parseBucket(s string) (burst, rate float64, err error) {
	b, r, ok := strings.Cut(s, "/")
	if burst, err = strconv.ParseFloat(b, 64); !ok || err != nil || burst <= 0 {
		return 0, 0, fmt.Errorf("%q: want BURST/RATE such as 250/25 or 12000/1h", s)
	}
	if rate, err = strconv.ParseFloat(r, 64); err == nil && rate > 0 {
		return burst, rate, nil
	}
	if d, err := time.ParseDuration(r); err == nil && d > 0 {
		return burst, burst / d.Seconds(), nil
	}
	return 0, 0, fmt.Errorf("%q: the rate is a number per second or a refill time such as 1h", s)
}

// parseStamp reads -stamp id=addr[,fastpath][,adfs].
func parseStamp(s string) (armsim.CloudConfig, error) {
	id, rest, ok := strings.Cut(s, "=")
	if !ok || id == "" || rest == "" {
		return armsim.CloudConfig{}, fmt.Errorf("-stamp %q: want id=addr[,fastpath][,adfs]", s)
	}
	parts := strings.Split(rest, ",")
	c := armsim.CloudConfig{ID: id, Kind: armsim.KindAzureStackHub, Addr: parts[0], Locations: []string{"local"},
		Domain: id + ".azurestack.external", IdentityProvider: "aad"}
	for _, p := range parts[1:] {
		switch p {
		case "fastpath":
			c.VPNFastPath = true
		case "adfs":
			c.IdentityProvider = "adfs"
		default:
			return c, fmt.Errorf("-stamp %q: unknown option %q (want fastpath or adfs)", s, p)
		}
	}
	return c, nil
}

// setupTracing exports server spans over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
func setupTracing(ctx context.Context) (func(), error) {
	otel.SetTextMapPropagator(propagation.TraceContext{})
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return func() {}, nil
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("OTLP exporter: %w", err)
	}
	res, err := resource.Merge(resource.Default(), resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName("armsim")))
	if err != nil && !errors.Is(err, resource.ErrSchemaURLConflict) {
		return nil, err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	return func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tp.Shutdown(c)
	}, nil
}

// unhealthy is the error of a failed -health probe.
type unhealthy struct{ error }

func (u unhealthy) Unwrap() error { return u.error }

// probe asks every configured cloud of a running armsim for its admin API's cloud list over
// HTTPS on loopback (an unspecified listen host, 0.0.0.0, is reached on 127.0.0.1),
// trusting the CA the configuration names (-ca-cert, else -ca-dir's, else -ca-out).
func probe(ctx context.Context, cfg armsim.Config) error {
	caFile := cfg.CAOut
	switch {
	case cfg.CACert != "":
		caFile = cfg.CACert
	case cfg.CADir != "":
		caFile = filepath.Join(cfg.CADir, "ca.pem")
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return fmt.Errorf("probe: CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return fmt.Errorf("probe: CA %s holds no certificate", caFile)
	}
	t := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	defer t.CloseIdleConnections()
	client := &http.Client{Transport: t}
	for _, c := range cfg.Clouds {
		host, port, err := net.SplitHostPort(c.Addr)
		if err != nil {
			return fmt.Errorf("probe: cloud %s: listen address %q: %w", c.ID, c.Addr, err)
		}
		if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
			host = "127.0.0.1"
		}
		url := "https://" + net.JoinHostPort(host, port) + "/_armsim/clouds"
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("probe: cloud %s: %w", c.ID, err)
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("probe: cloud %s: %s answered %s", c.ID, url, resp.Status)
		}
	}
	return nil
}
