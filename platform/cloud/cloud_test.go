package cloud

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/hybridlink/hybridlink/armsim"
)

func TestLoadValidates(t *testing.T) {
	tests := []struct {
		name, yaml, wantErr string
	}{
		{"ok", `
clouds:
  - id: azure
    kind: azure
    endpoint: https://management.azure.com
    subscription: s
    location: eastus
    credential: {type: client-secret, tenantId: t, clientId: c, clientSecretEnv: AZ_SECRET}
  - id: stamp1
    kind: azure-stack-hub
    endpoint: https://management.local.azurestack.external
    discover: true
    subscription: s
    location: local
    credential: {type: client-certificate, tenantId: adfs, clientId: c, certificateFile: sp.pem}
`, ""},
		{"empty", `clouds: []`, "at least one cloud"},
		{"bad kind", `clouds: [{id: a, kind: gcp, endpoint: "https://x", subscription: s, location: l, credential: {type: static}}]`, "clouds[0].kind"},
		{"http endpoint", `clouds: [{id: a, kind: azure, endpoint: "http://x", subscription: s, location: l, credential: {type: static}}]`, "clouds[0].endpoint"},
		{"duplicate", `clouds: [{id: a, kind: azure, endpoint: "https://x", subscription: s, location: l, credential: {type: static}}, {id: a, kind: azure, endpoint: "https://y", subscription: s, location: l, credential: {type: static}}]`, "clouds[1].id"},
		{"bad id", `clouds: [{id: "A B", kind: azure, endpoint: "https://x", subscription: s, location: l, credential: {type: static}}]`, "clouds[0].id"},
		{"no subscription", `clouds: [{id: a, kind: azure, endpoint: "https://x", location: l, credential: {type: static}}]`, "clouds[0].subscription"},
		{"secret without env", `clouds: [{id: a, kind: azure, endpoint: "https://x", subscription: s, location: l, credential: {type: client-secret, tenantId: t, clientId: c}}]`, "clientSecretEnv"},
		{"secret from a file", `clouds: [{id: a, kind: azure, endpoint: "https://x", subscription: s, location: l, credential: {type: client-secret, tenantId: t, clientId: c, clientSecretFile: /run/secrets/azure}}]`, ""},
		{"secret from both", `clouds: [{id: a, kind: azure, endpoint: "https://x", subscription: s, location: l, credential: {type: client-secret, tenantId: t, clientId: c, clientSecretEnv: S, clientSecretFile: /run/secrets/azure}}]`, "one of clientSecretEnv and clientSecretFile"},
		{"unknown field", `clouds: [{id: a, kind: azure, endpoint: "https://x", subscription: s, location: l, credential: {type: static}, secret: oops}]`, "unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "clouds.yaml")
			if err := os.WriteFile(path, []byte(tc.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if tc.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("want error naming %q, got %v", tc.wantErr, err)
			}
		})
	}
}

// TestConnectArmsim connects the default configuration to armsim: the stamp's login
// endpoint and audience come from its metadata endpoint, and an ARM call goes through
// with the CA trusted and the static credential.
func TestConnectArmsim(t *testing.T) {
	ctx := t.Context()
	cfg := startArmsim(t, armsim.Config{})
	reg := connected(t, cfg, nil, noop.NewMeterProvider())
	stamp, err := reg.Get("azure-stack-hub")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stamp.Audience, "https://management.local.azurestack.external/") {
		t.Fatalf("audience not discovered: %q", stamp.Audience)
	}
	if err := listGroups(ctx, stamp); err != nil {
		t.Fatalf("listing resource groups: %v", err)
	}
	if _, err := reg.Get("gcp"); err == nil || !strings.Contains(err.Error(), "azure, azure-stack-hub") {
		t.Fatalf("an unknown cloud's error lists the configured ones: %v", err)
	}
}

// TestArmsimLogin: with an ArmsimLogin, each cloud (Azure, whose directory is on armsim's
// endpoint, and the stamp, whose metadata names it) logs in with azidentity's client-secret
// credential, and a strict armsim accepts the token; a wrong secret is refused by the
// directory, and no token reaches ARM.
func TestArmsimLogin(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clouds := armsim.DefaultClouds()
	for i := range clouds {
		clouds[i].Addr, clouds[i].StrictAuth = "127.0.0.1:0", true
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	sim, err := armsim.Start(ctx, armsim.Config{Clouds: clouds, CAOut: caFile})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	for _, tc := range []struct {
		name, secret, wantErr string
	}{
		{"the principal's secret", armsim.DefaultClientSecret + "\n", ""},
		{"a wrong secret", "not-the-secret", "AADSTS7000215"},
		{"no login: the static token", "", "InvalidAuthenticationToken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "secret")
			if err := os.WriteFile(file, []byte(tc.secret), 0o600); err != nil {
				t.Fatal(err)
			}
			login := &ArmsimLogin{ClientID: armsim.DefaultClientID, SecretFile: file, Tenants: sim.Tenants}
			if tc.secret == "" {
				login = nil
			}
			cfg := Armsim(caFile, sim.Endpoints, login)
			reg := connected(t, cfg, nil, noop.NewMeterProvider())
			for _, id := range reg.IDs() {
				conn, err := reg.Get(id)
				if err != nil {
					t.Fatal(err)
				}
				err = listGroups(ctx, conn)
				if tc.wantErr == "" && err != nil {
					t.Fatalf("%s: listing resource groups: %v", id, err)
				}
				if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
					t.Fatalf("%s: want %s, got %v", id, tc.wantErr, err)
				}
			}
		})
	}
}

// TestTraceContext: an ARM request carries the trace context of the SDK's HTTP span, so
// that armsim's server span is in the caller's trace, below that HTTP span.
func TestTraceContext(t *testing.T) {
	ctx := t.Context()
	server := tracetest.NewSpanRecorder()
	cfg := startArmsim(t, armsim.Config{TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(server))})
	client := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(client))
	conn, err := connected(t, cfg, tp, noop.NewMeterProvider()).Get("azure")
	if err != nil {
		t.Fatal(err)
	}
	groups, err := armresources.NewResourceGroupsClient(conn.Subscription, conn.Credential, conn.Options)
	if err != nil {
		t.Fatal(err)
	}
	parent, span := tp.Tracer("test").Start(ctx, "caller")
	_, err = groups.CreateOrUpdate(parent, "rg-traced", armresources.ResourceGroup{Location: new("eastus")}, nil)
	span.End()
	if err != nil {
		t.Fatal(err)
	}
	httpSpans := map[trace.SpanID]bool{}
	for _, s := range client.Ended() {
		if s.Name() == "HTTP PUT" && s.SpanContext().TraceID() == span.SpanContext().TraceID() {
			httpSpans[s.SpanContext().SpanID()] = true
		}
	}
	for _, s := range server.Ended() {
		if s.Name() == "ARM PUT Microsoft.Resources/resourceGroups" {
			if s.SpanContext().TraceID() != span.SpanContext().TraceID() || !httpSpans[s.Parent().SpanID()] {
				t.Fatalf("armsim's span is in trace %s below %s, want the caller's trace %s below the SDK's HTTP PUT",
					s.SpanContext().TraceID(), s.Parent().SpanID(), span.SpanContext().TraceID())
			}
			return
		}
	}
	t.Fatalf("armsim recorded no span for the PUT among %d", len(server.Ended()))
}

// connected connects to cfg's clouds for the test, failing it on an error.
func connected(t *testing.T, cfg *Config, tp trace.TracerProvider, mp metric.MeterProvider) *Registry {
	t.Helper()
	reg, err := Connect(t.Context(), cfg, tp, mp)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// listGroups lists conn's resource groups through an arm.Client on its credential and
// options, as the services' SDK clients call ARM; an answer other than 200 is the error.
func listGroups(ctx context.Context, conn *Conn) error {
	client, err := arm.NewClient("cloudtest", "v0.1.0", conn.Credential, conn.Options)
	if err != nil {
		return err
	}
	req, err := runtime.NewRequest(ctx, http.MethodGet, conn.Endpoint+"/subscriptions/"+conn.Subscription+"/resourcegroups?api-version=2019-10-01")
	if err != nil {
		return err
	}
	resp, err := client.Pipeline().Do(req)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = runtime.NewResponseError(resp)
	}
	return err
}

// startArmsim starts armsim (with sim's settings) on free loopback ports for the test, and
// returns the default configuration pointed at it.
func startArmsim(t *testing.T, sim armsim.Config) *Config {
	t.Helper()
	sim.Clouds = armsim.DefaultClouds()
	for i := range sim.Clouds {
		sim.Clouds[i].Addr = "127.0.0.1:0"
	}
	sim.CAOut = filepath.Join(t.TempDir(), "ca.pem")
	s, err := armsim.Start(t.Context(), sim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cfg := Default(sim.CAOut)
	cfg.Clouds[0].Endpoint, cfg.Clouds[1].Endpoint = s.Endpoints["azure"], s.Endpoints["azure-stack-hub"]
	return cfg
}
