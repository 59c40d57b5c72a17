// Package cloud is the suite's access to its clouds: the configured list of Azure and Azure
// Stack Hub endpoints, and for each one the credential and azcore client options that the
// services' SDK clients are built with. It is the only place that decides which URL is
// called with which credential; callers only ever name a configured cloud id.
package cloud

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azcloud "github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/tracing/azotel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"sigs.k8s.io/yaml"
)

// Kind is the kind of cloud, which decides the SDK profile its clients use.
type Kind string

// The cloud kinds.
const (
	// Azure is public Azure: the latest armnetwork, armcompute and armresources majors.
	Azure Kind = "azure"
	// AzureStackHub is an Azure Stack Hub stamp: the profile/p20200901 (2020-09-01-hybrid) modules.
	AzureStackHub Kind = "azure-stack-hub"
)

// Display names the kind of cloud in messages: Azure, or Azure Stack Hub.
func (k Kind) Display() string {
	if k == AzureStackHub {
		return "Azure Stack Hub"
	}
	return "Azure"
}

// Credential says how to authenticate to a cloud. Secrets are never in the file: the
// file names the environment variable that holds them.
type Credential struct {
	// Type is static (armsim: any token is accepted), client-secret, client-certificate,
	// managed-identity or azure-cli.
	Type string `json:"type"`
	// TenantID is the Entra ID tenant, or "adfs" for an AD FS stamp.
	TenantID string `json:"tenantId,omitempty"`
	// ClientID is the service principal's (or user-assigned identity's) application id.
	ClientID string `json:"clientId,omitempty"`
	// ClientSecretEnv names the environment variable holding the client secret.
	ClientSecretEnv string `json:"clientSecretEnv,omitempty"`
	// ClientSecretFile is a file holding the client secret instead (a mounted secret, such as
	// Docker's or Kubernetes'); surrounding white space is ignored.
	ClientSecretFile string `json:"clientSecretFile,omitempty"`
	// CertificateFile is a PEM or PKCS#12 file with the certificate and its key.
	CertificateFile string `json:"certificateFile,omitempty"`
	// CertificatePasswordEnv names the environment variable holding the certificate's password.
	CertificatePasswordEnv string `json:"certificatePasswordEnv,omitempty"`
}

// Cloud is one configured cloud.
type Cloud struct {
	// ID is what API resource names call the cloud: clouds/{id}/...
	ID string `json:"id"`
	// Kind is azure or azure-stack-hub.
	Kind Kind `json:"kind"`
	// Endpoint is the ARM endpoint, e.g. https://management.azure.com or
	// https://management.local.azurestack.external.
	Endpoint string `json:"endpoint"`
	// Discover reads the login endpoint and token audience from <endpoint>/metadata/endpoints.
	Discover bool `json:"discover,omitempty"`
	// LoginEndpoint is the Entra ID or AD FS authority host, when not discovered.
	LoginEndpoint string `json:"loginEndpoint,omitempty"`
	// Audience is the token audience for ARM, when not discovered.
	Audience string `json:"audience,omitempty"`
	// Subscription is the subscription id resources go to.
	Subscription string `json:"subscription"`
	// Location is the default location of new resource groups.
	Location string `json:"location"`
	// Credential authenticates to the cloud.
	Credential Credential `json:"credential"`
	// CAFile is a PEM bundle to trust for the endpoint (a stamp's or armsim's CA), on top of
	// the system roots.
	CAFile string `json:"caFile,omitempty"`
}

// Config is the cloud list.
type Config struct {
	Clouds []Cloud `json:"clouds"`
}

// Armsim's default subscription, the one the default config uses on both emulated clouds.
const ArmsimSubscription = "00000000-0000-0000-0000-000000000001"

// Default is the built-in configuration: armsim's two clouds on loopback, trusting caFile.
func Default(caFile string) *Config {
	return &Config{Clouds: []Cloud{
		{ID: "azure", Kind: Azure, Endpoint: "https://127.0.0.1:8443", Subscription: ArmsimSubscription,
			Location: "eastus", Credential: Credential{Type: "static"}, CAFile: caFile,
			Audience: "https://management.core.windows.net/", LoginEndpoint: "https://login.microsoftonline.com/"},
		{ID: "azure-stack-hub", Kind: AzureStackHub, Endpoint: "https://127.0.0.1:9443", Discover: true,
			Subscription: ArmsimSubscription, Location: "local", Credential: Credential{Type: "static"}, CAFile: caFile},
	}}
}

// ArmsimLogin is how services log in to an armsim they run beside, as they would to a real
// cloud: with azidentity's client-secret credential against each cloud's own directory.
type ArmsimLogin struct {
	// ClientID is the principal's (armsim.DefaultClientID unless armsim is configured otherwise).
	ClientID string
	// SecretFile holds its secret (armsim.DefaultClientSecret).
	SecretFile string
	// Tenants maps each cloud id to its tenant (armsim.Sim.Tenants).
	Tenants map[string]string
}

// Armsim is Default with each cloud's endpoint where an armsim started in process listens
// (armsim.Sim.Endpoints, by cloud id), for the services it runs beside; every other
// endpoint is an Azure Stack Hub stamp (armsim's -stamp, and its Config's extra clouds),
// in the order of its id, with its one region local. With a login, every cloud
// authenticates through its directory (its metadata names it; Azure's is on armsim's
// endpoint too), so armsim's strict mode can check the tokens; without one, the static
// token a lenient armsim accepts.
func Armsim(caFile string, endpoints map[string]string, login *ArmsimLogin) *Config {
	c := Default(caFile)
	known := map[string]bool{}
	for i := range c.Clouds {
		c.Clouds[i].Endpoint = endpoints[c.Clouds[i].ID]
		known[c.Clouds[i].ID] = true
	}
	var stamps []string
	for id := range endpoints {
		if !known[id] {
			stamps = append(stamps, id)
		}
	}
	sort.Strings(stamps)
	for _, id := range stamps {
		c.Clouds = append(c.Clouds, Cloud{ID: id, Kind: AzureStackHub, Endpoint: endpoints[id], Discover: true,
			Subscription: ArmsimSubscription, Location: "local", Credential: Credential{Type: "static"}, CAFile: caFile})
	}
	if login != nil {
		for i := range c.Clouds {
			cl := &c.Clouds[i]
			cl.Credential = Credential{Type: "client-secret", TenantID: login.Tenants[cl.ID], ClientID: login.ClientID, ClientSecretFile: login.SecretFile}
			if cl.Kind == Azure {
				cl.LoginEndpoint = strings.TrimSuffix(cl.Endpoint, "/") + "/"
			}
		}
	}
	return c
}

// Load reads a YAML cloud list. Unknown fields are errors, so typos do not go unnoticed.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Config
	if err := yaml.UnmarshalStrict(b, &c); err != nil {
		return nil, fmt.Errorf("cloud config %s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("cloud config %s: %w", path, err)
	}
	return &c, nil
}

var cloudID = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)

// Validate checks the list and says which entry and field is wrong.
func (c *Config) Validate() error {
	if len(c.Clouds) == 0 {
		return fmt.Errorf("clouds: at least one cloud is needed")
	}
	seen := map[string]bool{}
	for i, cl := range c.Clouds {
		at := fmt.Sprintf("clouds[%d]", i)
		switch {
		case !cloudID.MatchString(cl.ID):
			return fmt.Errorf("%s.id: %q must be lower-case letters, digits and '-', starting with a letter", at, cl.ID)
		case seen[cl.ID]:
			return fmt.Errorf("%s.id: %q is configured twice", at, cl.ID)
		case cl.Kind != Azure && cl.Kind != AzureStackHub:
			return fmt.Errorf("%s.kind: %q must be azure or azure-stack-hub", at, cl.Kind)
		case !strings.HasPrefix(cl.Endpoint, "https://"):
			return fmt.Errorf("%s.endpoint: %q must be an https:// ARM endpoint", at, cl.Endpoint)
		case cl.Subscription == "":
			return fmt.Errorf("%s.subscription: required", at)
		case cl.Location == "":
			return fmt.Errorf("%s.location: required (the default location of new resource groups)", at)
		}
		if err := cl.Credential.validate(at + ".credential"); err != nil {
			return err
		}
		seen[cl.ID] = true
	}
	return nil
}

func (c Credential) validate(at string) error {
	switch c.Type {
	case "static", "azure-cli":
	case "managed-identity":
	case "client-secret":
		if c.TenantID == "" || c.ClientID == "" || (c.ClientSecretEnv == "") == (c.ClientSecretFile == "") {
			return fmt.Errorf("%s: client-secret needs tenantId, clientId and one of clientSecretEnv and clientSecretFile", at)
		}
	case "client-certificate":
		if c.TenantID == "" || c.ClientID == "" || c.CertificateFile == "" {
			return fmt.Errorf("%s: client-certificate needs tenantId, clientId and certificateFile", at)
		}
	default:
		return fmt.Errorf("%s.type: %q must be static, client-secret, client-certificate, managed-identity or azure-cli", at, c.Type)
	}
	return nil
}

// Conn is a cloud ready for SDK clients: build them with Subscription, Credential and Options.
type Conn struct {
	Cloud
	Credential azcore.TokenCredential
	Options    *arm.ClientOptions
	groups     groupReader
}

// Registry holds the connected clouds by id.
type Registry struct {
	conns map[string]*Conn
}

// Connect prepares every cloud of cfg: trust, discovery, credential and client options with
// azcore's retry, the azotel tracing provider and the ARM metrics (metrics.go) recorded
// through mp.
func Connect(ctx context.Context, cfg *Config, tp trace.TracerProvider, mp metric.MeterProvider) (*Registry, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	metrics, err := newARMMetrics(mp)
	if err != nil {
		return nil, err
	}
	r := &Registry{conns: map[string]*Conn{}}
	for _, c := range cfg.Clouds {
		conn, err := connect(ctx, c, tp, metrics)
		if err != nil {
			return nil, fmt.Errorf("cloud %s: %w", c.ID, err)
		}
		r.conns[c.ID] = conn
	}
	return r, nil
}

func connect(ctx context.Context, c Cloud, tp trace.TracerProvider, metrics *armMetrics) (*Conn, error) {
	httpClient, err := transport(c.CAFile)
	if err != nil {
		return nil, err
	}
	if c.Discover {
		login, audience, err := discover(ctx, httpClient, c.Endpoint)
		if err != nil {
			return nil, err
		}
		if c.LoginEndpoint == "" {
			c.LoginEndpoint = login
		}
		if c.Audience == "" {
			c.Audience = audience
		}
	}
	if c.Audience == "" {
		c.Audience = azcloud.AzurePublic.Services[azcloud.ResourceManager].Audience
	}
	if c.LoginEndpoint == "" {
		c.LoginEndpoint = azcloud.AzurePublic.ActiveDirectoryAuthorityHost
	}
	azc := azcloud.Configuration{
		ActiveDirectoryAuthorityHost: c.LoginEndpoint,
		Services: map[azcloud.ServiceName]azcloud.ServiceConfiguration{
			azcloud.ResourceManager: {Endpoint: c.Endpoint, Audience: c.Audience},
		},
	}
	perCall, perRetry := metrics.policies(c.ID)
	opts := &arm.ClientOptions{ClientOptions: policy.ClientOptions{Cloud: azc, Transport: httpClient,
		PerCallPolicies: []policy.Policy{perCall}, PerRetryPolicies: []policy.Policy{perRetry}}}
	if tp != nil {
		opts.TracingProvider = azotel.NewTracingProvider(tp, nil)
	}
	cred, err := credential(c, azc, httpClient)
	if err != nil {
		return nil, err
	}
	groups, err := newGroupReader(c, cred, opts)
	if err != nil {
		return nil, err
	}
	return &Conn{Cloud: c, Credential: cred, Options: opts, groups: groups}, nil
}

// transport returns an HTTP client trusting the system roots plus caFile, which sends the
// trace context of each request's context along (azcore's own tracing does not), so that
// ARM's side of a request joins the caller's trace.
func transport(caFile string) (*http.Client, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("caFile: %w (start armsim first, or fix the path)", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("caFile %s holds no PEM certificate", caFile)
		}
		t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: traceContext{t}, Timeout: 2 * time.Minute}, nil
}

// traceContext sets the W3C traceparent header of the span in each request's context: the
// SDK's HTTP span, when the azotel tracing provider is set.
type traceContext struct{ next http.RoundTripper }

func (tc traceContext) RoundTrip(req *http.Request) (*http.Response, error) {
	if !trace.SpanContextFromContext(req.Context()).IsValid() {
		return tc.next.RoundTrip(req)
	}
	req = req.Clone(req.Context()) // a RoundTripper must not modify the request
	propagation.TraceContext{}.Inject(req.Context(), propagation.HeaderCarrier(req.Header))
	return tc.next.RoundTrip(req)
}

// discover reads a stamp's login endpoint and ARM audience from its metadata endpoint.
func discover(ctx context.Context, hc *http.Client, endpoint string) (login, audience string, err error) {
	url := strings.TrimSuffix(endpoint, "/") + "/metadata/endpoints?api-version=2015-01-01"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", "", err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", "", fmt.Errorf("metadata discovery: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("metadata discovery: %s answered %s", url, resp.Status)
	}
	var md struct {
		Authentication struct {
			LoginEndpoint string   `json:"loginEndpoint"`
			Audiences     []string `json:"audiences"`
		} `json:"authentication"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&md); err != nil {
		return "", "", fmt.Errorf("metadata discovery: %s: %w", url, err)
	}
	if md.Authentication.LoginEndpoint == "" || len(md.Authentication.Audiences) == 0 {
		return "", "", fmt.Errorf("metadata discovery: %s has no loginEndpoint or audiences", url)
	}
	return md.Authentication.LoginEndpoint, md.Authentication.Audiences[0], nil
}

// Get returns a configured cloud, or an error naming the ones that exist.
func (r *Registry) Get(id string) (*Conn, error) {
	if c, ok := r.conns[id]; ok {
		return c, nil
	}
	return nil, fmt.Errorf("cloud %q is not configured; configured clouds: %s", id, strings.Join(r.IDs(), ", "))
}

// IDs lists the configured cloud ids in order.
func (r *Registry) IDs() []string {
	ids := make([]string, 0, len(r.conns))
	for id := range r.conns {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Clouds returns the configured clouds, in id order.
func (r *Registry) Clouds() []Cloud {
	out := make([]Cloud, 0, len(r.conns))
	for _, id := range r.IDs() {
		out = append(out, r.conns[id].Cloud)
	}
	return out
}
