// Package armsim is an emulator of Azure Resource Manager for Azure and Azure Stack Hub.
// It serves each emulated cloud on its own HTTPS endpoint, with its own api-version
// profile and rules, over one shared emulated internet, so that the real Azure SDK for Go
// can create virtual networks, VPN gateways, connections and VMs on both clouds and see a
// site-to-site tunnel come up between them.
//
// Tests start it in process with Start; the armsim command serves it standalone.
package armsim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/hybridlink/hybridlink/armsim/internal/arm"
	"github.com/hybridlink/hybridlink/armsim/internal/identity"
	"github.com/hybridlink/hybridlink/armsim/internal/pki"
)

// Re-exported configuration types of the engine.
type (
	// Throttle configures ARM's per-subscription token buckets and each cloud's budget.
	Throttle = arm.Throttle
	// Budget is one cloud's read and write budget.
	Budget = arm.Budget
	// Latency is the distribution of an operation's duration.
	Latency = arm.Latency
	// Faults configures injected failures.
	Faults = arm.Faults
	// FailRule forces operations on matching resources to fail.
	FailRule = arm.FailRule
	// Duration is a JSON-friendly time.Duration ("250ms").
	Duration = arm.Duration
	// CounterValue is one request counter.
	CounterValue = arm.CounterValue
	// ResourceView is one stored resource as the admin API lists it.
	ResourceView = arm.ResourceView
	// Tunnel is the emulated VPN's view of a connection.
	Tunnel = arm.Tunnel
	// Reach is the emulated data plane's answer for a VM's probe of an address.
	Reach = arm.Reach
)

// Fixed is a latency that is always d.
func Fixed(d time.Duration) Latency { return arm.Fixed(d) }

// Cloud kinds.
const (
	KindAzure         = string(arm.Azure)
	KindAzureStackHub = string(arm.AzureStackHub)
)

// CloudConfig configures one emulated cloud.
type CloudConfig struct {
	// ID names the cloud: azure, azure-stack-hub, or a stamp name.
	ID string `json:"id"`
	// Kind is azure or azure-stack-hub.
	Kind string `json:"kind"`
	// Addr is the listen address of its HTTPS endpoint; port 0 picks a free port.
	Addr string `json:"addr"`
	// Locations are the regions it accepts; the first is its default.
	Locations []string `json:"locations,omitempty"`
	// PublicIPs is the CIDR its public IP addresses come from.
	PublicIPs string `json:"publicIPs,omitempty"`
	// VPNFastPath enables VpnGw1-3 on an Azure Stack Hub stamp.
	VPNFastPath bool `json:"vpnFastPath,omitempty"`
	// IdentityProvider is aad (default) or adfs, for the metadata endpoint.
	IdentityProvider string `json:"identityProvider,omitempty"`
	// Domain is an Azure Stack Hub stamp's external FQDN.
	Domain string `json:"domain,omitempty"`
	// Tenant is the directory tenant id of the cloud's subscriptions (default: a stable
	// GUID derived from the cloud's id).
	Tenant string `json:"tenant,omitempty"`
	// Subscriptions are listed by GET /subscriptions even before they hold anything
	// (default: DefaultSubscription); any GUID works as a subscription id.
	Subscriptions []string `json:"subscriptions,omitempty"`
	// Principals are the service principals the cloud's directory issues tokens to
	// (default: DefaultClientID with DefaultClientSecret).
	Principals []Principal `json:"principals,omitempty"`
	// StrictAuth makes ARM accept only unexpired tokens the cloud's directory issued for its
	// audience (401 InvalidAuthenticationToken, InvalidAuthenticationTokenAudience,
	// ExpiredAuthenticationToken); by default any bearer token is accepted.
	StrictAuth bool `json:"strictAuth,omitempty"`
}

// Principal is a service principal of a cloud's directory: its application (client) id and
// a client secret, or a certificate (PEM, inline or in a file) whose key signs its client
// assertions, or both.
type Principal struct {
	ClientID        string `json:"clientId"`
	Secret          string `json:"secret,omitempty"`
	Certificate     string `json:"certificate,omitempty"`
	CertificateFile string `json:"certificateFile,omitempty"`
}

// The principal every cloud's directory knows unless configured otherwise.
const (
	DefaultClientID     = "00000000-0000-0000-0000-0000000000c1"
	DefaultClientSecret = "armsim-client-secret"
)

// DefaultSubscription is the subscription every cloud lists unless configured otherwise.
const DefaultSubscription = "00000000-0000-0000-0000-000000000001"

// Config configures an armsim instance. The zero value serves the two default clouds on
// their default ports with realistic latencies, drawn with seed 0.
type Config struct {
	Clouds []CloudConfig `json:"clouds,omitempty"`
	// CAOut, when set, is where the CA certificate PEM is written for clients to trust.
	CAOut string `json:"caOut,omitempty"`
	// CACert and CAKey load an existing CA instead of generating one.
	CACert string `json:"caCert,omitempty"`
	CAKey  string `json:"caKey,omitempty"`
	// CADir keeps the generated CA (ca.pem and ca-key.pem) in a folder and reuses it on the
	// next start, so clients that trust it keep working across restarts.
	CADir string `json:"caDir,omitempty"`
	// Hostnames are extra names (or IP addresses) every cloud's certificate is valid for,
	// besides loopback and a stamp's management names: how clients on other hosts reach
	// armsim (the compose service name armsim).
	Hostnames []string `json:"hostnames,omitempty"`
	// TimeScale multiplies every latency (0.001: a 35-minute gateway takes 2.1 s).
	TimeScale float64 `json:"timeScale,omitempty"`
	// Latencies override the distributions of unscaled operation times per type
	// (virtualnetworkgateways: "30m..45m,5%..70m"; virtualmachines: 2m is always two
	// minutes).
	Latencies map[string]Latency `json:"latencies,omitempty"`
	// Seed picks the durations drawn from the latencies; a run with the same seed gives the
	// same operations on the same resources the same durations.
	Seed uint64 `json:"seed,omitempty"`
	// PageSize is the number of items per list page (default 100).
	PageSize int `json:"pageSize,omitempty"`
	// Throttle enables and sizes ARM throttling, per cloud.
	Throttle Throttle `json:"throttle"`
	// Faults injects failures from the start.
	Faults Faults `json:"faults"`
	// StateFile persists state across restarts.
	StateFile string `json:"stateFile,omitempty"`
	// TokenLifetime is how long the directories' access tokens are valid (default 1h).
	TokenLifetime Duration `json:"tokenLifetime,omitempty"`
	// StampTunnels, when set, is how many Standard tunnels fill every stamp's shared gateway
	// pool instead of Microsoft's 20 (50 with VPN Fast Path), other SKUs in proportion: for
	// runs of more deployments on one stamp than a real stamp holds (scale benchmarks), which
	// measure ARM's budgets, not a stamp's capacity. Each gateway's own limit still holds.
	StampTunnels int `json:"stampTunnels,omitempty"`
	// TracerProvider receives a server span per request; nil uses the global provider.
	TracerProvider trace.TracerProvider `json:"-"`
	// Now is the clock operations run on (nil: time.Now). Tests that must finish an
	// operation at a moment of their choosing move it forward instead of waiting.
	Now func() time.Time `json:"-"`
}

// DefaultClouds are the two clouds armsim serves unless told otherwise. Public IPs come
// from the benchmarking range 198.18.0.0/15 (RFC 2544), one half per cloud: like the
// documentation ranges it is never routed, and it is large enough for hundreds of gateways.
func DefaultClouds() []CloudConfig {
	return []CloudConfig{
		{ID: "azure", Kind: KindAzure, Addr: "127.0.0.1:8443", PublicIPs: "198.18.0.0/16",
			Locations: []string{"eastus", "eastus2", "westus", "westus2", "westus3", "centralus", "southcentralus",
				"northeurope", "westeurope", "uksouth", "francecentral", "germanywestcentral", "swedencentral",
				"japaneast", "australiaeast", "southeastasia", "canadacentral"}},
		{ID: "azure-stack-hub", Kind: KindAzureStackHub, Addr: "127.0.0.1:9443", PublicIPs: "198.19.0.0/16",
			Locations: []string{"local"}, Domain: "local.azurestack.external", IdentityProvider: "aad"},
	}
}

// extraStampRanges are the public IP pools of stamps configured without one: the three
// IPv4 documentation ranges (RFC 5737).
var extraStampRanges = []string{"203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24"}

// Sim is a running armsim.
type Sim struct {
	// Endpoints maps each cloud id to its ARM endpoint URL (https://127.0.0.1:port).
	Endpoints map[string]string
	// CAPEM is the CA certificate clients must trust; CAPool holds it.
	CAPEM  []byte
	CAPool *x509.CertPool
	// Admin drives the admin API.
	Admin *AdminClient
	// Tenants maps each cloud id to its tenant id (the subscriptions' tenant; AD FS
	// directories are asked as tenant "adfs").
	Tenants map[string]string

	engine  *arm.Engine
	servers []*http.Server

	// transports are those of the clients HTTPClient handed out: Close closes their idle
	// connections first, or each HTTP/2 connection would hold Shutdown for a second.
	mu         sync.Mutex
	transports []*http.Transport
}

// Start serves every configured cloud until ctx is done or Close is called.
func Start(ctx context.Context, cfg Config) (*Sim, error) {
	clouds := cfg.Clouds
	if len(clouds) == 0 {
		clouds = DefaultClouds()
	}
	opts := arm.Options{TimeScale: cfg.TimeScale, PageSize: cfg.PageSize, Throttle: cfg.Throttle,
		Faults: cfg.Faults, StateFile: cfg.StateFile, Latencies: map[string]arm.Latency{}, Seed: cfg.Seed,
		TokenLifetime: time.Duration(cfg.TokenLifetime), Now: cfg.Now, StampTunnels: cfg.StampTunnels}
	for k, v := range cfg.Latencies {
		opts.Latencies[strings.ToLower(k)] = v
	}
	extra := 0
	for i, c := range clouds {
		ac := arm.Cloud{ID: c.ID, Kind: arm.CloudKind(c.Kind), Locations: c.Locations, VPNFastPath: c.VPNFastPath,
			IdentityProvider: c.IdentityProvider, Domain: c.Domain, Tenant: c.Tenant, Subscriptions: c.Subscriptions}
		if len(ac.Subscriptions) == 0 {
			ac.Subscriptions = []string{DefaultSubscription}
		}
		principals, err := identityPrincipals(c)
		if err != nil {
			return nil, err
		}
		ac.Principals, ac.StrictAuth = principals, c.StrictAuth
		if len(ac.Locations) == 0 {
			ac.Locations = []string{"local"}
		}
		pool := c.PublicIPs
		if pool == "" {
			if extra >= len(extraStampRanges) {
				return nil, fmt.Errorf("armsim: cloud %q needs publicIPs: the default ranges are used up", c.ID)
			}
			pool = extraStampRanges[extra]
			extra++
		}
		p, err := netip.ParsePrefix(pool)
		if err != nil || !p.Addr().Is4() {
			return nil, fmt.Errorf("armsim: cloud %q: publicIPs %q is not an IPv4 CIDR", c.ID, pool)
		}
		ac.PublicIPs = p.Masked()
		if c.Addr == "" {
			return nil, fmt.Errorf("armsim: cloud %d (%q) needs a listen address", i, c.ID)
		}
		opts.Clouds = append(opts.Clouds, ac)
	}
	engine, err := arm.New(opts)
	if err != nil {
		return nil, err
	}
	ca, err := loadOrCreateCA(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.CAOut != "" {
		if err := os.WriteFile(cfg.CAOut, ca.CertPEM, 0o644); err != nil {
			return nil, fmt.Errorf("armsim: write CA: %w", err)
		}
	}
	sim := &Sim{Endpoints: map[string]string{}, CAPEM: ca.CertPEM, CAPool: ca.Pool(), engine: engine, Tenants: map[string]string{}}
	for _, c := range engine.Clouds() {
		sim.Tenants[c.ID] = c.Tenant
	}
	for _, c := range clouds {
		if err := sim.serve(ctx, engine, ca, c, cfg.Hostnames, cfg.TracerProvider); err != nil {
			sim.Close()
			return nil, err
		}
	}
	sim.Admin = &AdminClient{base: sim.Endpoints[strings.ToLower(clouds[0].ID)], http: sim.HTTPClient()}
	go func() {
		<-ctx.Done()
		sim.Close()
	}()
	return sim, nil
}

// identityPrincipals turns a cloud's configured principals into its directory's, reading
// their certificates.
func identityPrincipals(c CloudConfig) ([]identity.Principal, error) {
	ps := c.Principals
	if len(ps) == 0 {
		ps = []Principal{{ClientID: DefaultClientID, Secret: DefaultClientSecret}}
	}
	out := make([]identity.Principal, 0, len(ps))
	for _, p := range ps {
		ip := identity.Principal{ClientID: p.ClientID, Secret: p.Secret}
		pemText := []byte(p.Certificate)
		if p.CertificateFile != "" {
			b, err := os.ReadFile(p.CertificateFile)
			if err != nil {
				return nil, fmt.Errorf("armsim: cloud %q principal %s: %w", c.ID, p.ClientID, err)
			}
			pemText = b
		}
		if len(pemText) > 0 {
			block, _ := pem.Decode(pemText)
			if block == nil || block.Type != "CERTIFICATE" {
				return nil, fmt.Errorf("armsim: cloud %q principal %s: the certificate is not a PEM CERTIFICATE", c.ID, p.ClientID)
			}
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("armsim: cloud %q principal %s: %w", c.ID, p.ClientID, err)
			}
			ip.Certificate = cert
		}
		if ip.ClientID == "" || (ip.Secret == "" && ip.Certificate == nil) {
			return nil, fmt.Errorf("armsim: cloud %q: a principal needs a clientId and a secret or a certificate", c.ID)
		}
		out = append(out, ip)
	}
	return out, nil
}

func loadOrCreateCA(cfg Config) (*pki.Authority, error) {
	if cfg.CACert != "" || cfg.CAKey != "" {
		if cfg.CACert == "" || cfg.CAKey == "" {
			return nil, errors.New("armsim: give both the CA certificate and its key, or neither")
		}
		return pki.LoadAuthority(cfg.CACert, cfg.CAKey)
	}
	if cfg.CADir == "" {
		return pki.NewAuthority()
	}
	certFile, keyFile := filepath.Join(cfg.CADir, "ca.pem"), filepath.Join(cfg.CADir, "ca-key.pem")
	if _, err := os.Stat(keyFile); err == nil {
		return pki.LoadAuthority(certFile, keyFile)
	}
	ca, err := pki.NewAuthority()
	if err != nil {
		return nil, err
	}
	keyPEM, err := ca.KeyPEM()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.CADir, 0o755); err != nil {
		return nil, fmt.Errorf("armsim: CA folder: %w", err)
	}
	// The certificate first: a folder with a key always has its certificate.
	if err := os.WriteFile(certFile, ca.CertPEM, 0o644); err != nil {
		return nil, fmt.Errorf("armsim: write CA: %w", err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		return nil, fmt.Errorf("armsim: write CA key: %w", err)
	}
	return ca, nil
}

func (s *Sim) serve(ctx context.Context, engine *arm.Engine, ca *pki.Authority, c CloudConfig, hostnames []string, tp trace.TracerProvider) error {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("armsim: cloud %q: listen address %q: %w", c.ID, c.Addr, err)
	}
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if ip := net.ParseIP(host); host != "" && host != "localhost" && host != "127.0.0.1" && (ip == nil || !ip.IsUnspecified()) {
		hosts = append(hosts, host)
	}
	for _, h := range hostnames {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	if c.Domain != "" {
		hosts = append(hosts, "management."+c.Domain, "adminmanagement."+c.Domain)
	}
	cert, err := ca.ServerCert(hosts...)
	if err != nil {
		return err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("armsim: cloud %q: %w", c.ID, err)
	}
	var h http.Handler = engine.Handler(c.ID)
	h = otelhttp.NewHandler(h, "armsim",
		otelhttp.WithTracerProvider(tracerOrGlobal(tp)),
		otelhttp.WithPropagators(propagation.TraceContext{}),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			return "ARM " + r.Method + " " + arm.TypeLabel(r.URL.Path)
		}),
		otelhttp.WithFilter(func(r *http.Request) bool { return !strings.HasPrefix(r.URL.Path, "/_armsim/") }))
	srv := &http.Server{
		Handler:           h,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          nil,
	}
	s.servers = append(s.servers, srv)
	s.Endpoints[strings.ToLower(c.ID)] = "https://" + ln.Addr().String()
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	return nil
}

// HTTPClient returns an HTTP client that trusts armsim's CA.
func (s *Sim) HTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: s.CAPool, MinVersion: tls.VersionTLS12}
	s.mu.Lock()
	s.transports = append(s.transports, t)
	s.mu.Unlock()
	return &http.Client{Transport: t}
}

// Close stops serving. Operations in flight stay in the state file, when there is one.
func (s *Sim) Close() error {
	s.mu.Lock()
	for _, t := range s.transports {
		t.CloseIdleConnections()
	}
	s.mu.Unlock()
	errs := make([]error, len(s.servers))
	var wg sync.WaitGroup
	for i, srv := range s.servers {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if err := srv.Shutdown(ctx); err != nil {
				errs[i] = srv.Close()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func tracerOrGlobal(tp trace.TracerProvider) trace.TracerProvider {
	if tp == nil {
		return otel.GetTracerProvider()
	}
	return tp
}
