package armsim_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	ashcompute "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/compute/armcompute"
	ashnetwork "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/network/armnetwork"
	ashresources "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v8"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/hybridlink/hybridlink/armsim"
)

const sub = "00000000-0000-0000-0000-0000000000aa"

// fast is a latency profile that keeps tests quick: a 35-minute gateway takes 35 ms.
const fast = 0.00002

// freeClouds returns armsim's default clouds followed by extra, each on a free port.
func freeClouds(extra ...armsim.CloudConfig) []armsim.CloudConfig {
	clouds := append(armsim.DefaultClouds(), extra...)
	for i := range clouds {
		clouds[i].Addr = "127.0.0.1:0"
	}
	return clouds
}

// startSim starts armsim on free ports with cfg's defaults filled in for tests.
func startSim(t testing.TB, cfg armsim.Config) *armsim.Sim {
	t.Helper()
	if len(cfg.Clouds) == 0 {
		cfg.Clouds = freeClouds()
	}
	if cfg.TimeScale == 0 {
		cfg.TimeScale = fast
	}
	ctx, cancel := context.WithCancel(context.Background())
	sim, err := armsim.Start(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); sim.Close() })
	return sim
}

// clientOptions points an SDK client at one armsim cloud, trusting its CA, with short retries.
func clientOptions(sim *armsim.Sim, cloudID string) *arm.ClientOptions {
	return &arm.ClientOptions{ClientOptions: policy.ClientOptions{
		Cloud: cloud.Configuration{
			ActiveDirectoryAuthorityHost: "https://login.microsoftonline.com/",
			Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
				cloud.ResourceManager: {Endpoint: sim.Endpoints[cloudID], Audience: "https://management.core.windows.net/"},
			},
		},
		Transport: sim.HTTPClient(),
		Retry:     policy.RetryOptions{MaxRetries: 5, RetryDelay: 5 * time.Millisecond, MaxRetryDelay: 50 * time.Millisecond},
	}}
}

var cred azcore.TokenCredential = &fake.TokenCredential{}

// sdkClient makes an SDK client of subscription sub on one armsim cloud, as
// newClient(sub, cred, clientOptions) does, for any SDK module's New...Client.
func sdkClient[C any](t testing.TB, sim *armsim.Sim, cloudID string, newClient func(string, azcore.TokenCredential, *arm.ClientOptions) (C, error)) C {
	t.Helper()
	c, err := newClient(sub, cred, clientOptions(sim, cloudID))
	must(t, err)
	return c
}

// tenantClient is sdkClient for the clients above any subscription (subscriptions, tenants).
func tenantClient[C any](t testing.TB, sim *armsim.Sim, cloudID string, newClient func(azcore.TokenCredential, *arm.ClientOptions) (C, error)) C {
	t.Helper()
	c, err := newClient(cred, clientOptions(sim, cloudID))
	must(t, err)
	return c
}

// azureClients are the current SDK modules, pointed at the azure cloud.
type azureClients struct {
	groups *armresources.ResourceGroupsClient
	net    *armnetwork.ClientFactory
	vms    *armcompute.VirtualMachinesClient
}

func newAzure(t testing.TB, sim *armsim.Sim, cloudID string) azureClients {
	t.Helper()
	return azureClientsWith(t, clientOptions(sim, cloudID))
}

// azureClientsWith is newAzure with the client options given.
func azureClientsWith(t testing.TB, opts *arm.ClientOptions) azureClients {
	t.Helper()
	groups, err := armresources.NewResourceGroupsClient(sub, cred, opts)
	must(t, err)
	netf, err := armnetwork.NewClientFactory(sub, cred, opts)
	must(t, err)
	vms, err := armcompute.NewVirtualMachinesClient(sub, cred, opts)
	must(t, err)
	return azureClients{groups: groups, net: netf, vms: vms}
}

// stackClients are the Azure Stack Hub profile (2020-09-01-hybrid) modules.
type stackClients struct {
	groups *ashresources.ResourceGroupsClient
	net    *ashnetwork.ClientFactory
	vms    *ashcompute.VirtualMachinesClient
}

func newStack(t testing.TB, sim *armsim.Sim, cloudID string) stackClients {
	t.Helper()
	return newStackIn(t, sim, cloudID, sub)
}

// newStackIn is newStack in another subscription.
func newStackIn(t testing.TB, sim *armsim.Sim, cloudID, subscription string) stackClients {
	t.Helper()
	opts := clientOptions(sim, cloudID)
	groups, err := ashresources.NewResourceGroupsClient(subscription, cred, opts)
	must(t, err)
	netf, err := ashnetwork.NewClientFactory(subscription, cred, opts)
	must(t, err)
	vms, err := ashcompute.NewVirtualMachinesClient(subscription, cred, opts)
	must(t, err)
	return stackClients{groups: groups, net: netf, vms: vms}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// done waits for a poller to finish, polling as the server's Retry-After says; it takes
// a Begin method's results as they come.
func done[T any](p *runtime.Poller[T], err error) (T, error) {
	if err != nil {
		var zero T
		return zero, err
	}
	return p.PollUntilDone(context.Background(), &runtime.PollUntilDoneOptions{Frequency: time.Second})
}

// armCode returns the ARM error code and HTTP status of an SDK error.
func armCode(err error) (string, int) {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return re.ErrorCode, re.StatusCode
	}
	return "", 0
}

// wantCode fails unless err is an ARM error with the code (and status when not zero).
func wantCode(t testing.TB, err error, code string, status int) {
	t.Helper()
	got, st := armCode(err)
	if got != code || (status != 0 && st != status) {
		t.Fatalf("want ARM error %s (%d), got %q (%d): %v", code, status, got, st, err)
	}
}

var ctx = context.Background()

func to[T any](v T) *T { return &v }

// traceparentPolicy sets a fixed W3C traceparent header on every request, as an
// instrumented caller would.
type traceparentPolicy string

func (p traceparentPolicy) Do(req *policy.Request) (*http.Response, error) {
	req.Raw().Header.Set("traceparent", string(p))
	return req.Next()
}
