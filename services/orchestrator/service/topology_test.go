package service_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/hybridlink/hybridlink/armsim"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// withStamps is armsim's default clouds and stamps stamp1..stampN, on free ports.
func withStamps(n int) armsim.Config {
	cfg := armsim.Config{TimeScale: 0.0005, Clouds: armsim.DefaultClouds()}
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("stamp%d", i)
		cfg.Clouds = append(cfg.Clouds, armsim.CloudConfig{ID: id, Kind: armsim.KindAzureStackHub, Locations: []string{"local"},
			Domain: id + ".azurestack.external", IdentityProvider: "aad", PublicIPs: fmt.Sprintf("100.%d.0.0/16", 64+i)})
	}
	for i := range cfg.Clouds {
		cfg.Clouds[i].Addr = "127.0.0.1:0"
	}
	return cfg
}

// spoke is spoke edge{i} on stamp{i}, with 10.{10+i}.0.0/16 and no VMs.
func spoke(i int) *orchestratorv1.Site {
	return &orchestratorv1.Site{Name: fmt.Sprintf("edge%d", i), Cloud: fmt.Sprintf("stamp%d", i), ResourceGroup: "edge-rg",
		AddressPrefixes:      []string{fmt.Sprintf("10.%d.0.0/16", 10+i)},
		WorkloadSubnetPrefix: fmt.Sprintf("10.%d.1.0/24", 10+i), GatewaySubnetPrefix: fmt.Sprintf("10.%d.255.0/27", 10+i)}
}

// hubSpec is an Azure hub (hub-vnet and hub-gw in hub-rg) and spokes on the given stamps.
func hubSpec(stamps ...int) *orchestratorv1.DeploymentSpec {
	spec := &orchestratorv1.DeploymentSpec{Sites: []*orchestratorv1.Site{{Name: "hub", Cloud: "azure", ResourceGroup: "hub-rg",
		AddressPrefixes: []string{"10.1.0.0/16"}, WorkloadSubnetPrefix: "10.1.1.0/24", GatewaySubnetPrefix: "10.1.255.0/27"}}}
	for _, i := range stamps {
		spec.Sites = append(spec.Sites, spoke(i))
	}
	return spec
}

// attachSpec attaches spokes on the given stamps to hubSpec's gateway, adopted.
func attachSpec(stamps ...int) *orchestratorv1.DeploymentSpec {
	spec := &orchestratorv1.DeploymentSpec{Sites: []*orchestratorv1.Site{{Name: "core", Cloud: "azure", ResourceGroup: "hub-rg",
		Existing: &orchestratorv1.ExistingResources{VirtualNetwork: "hub-vnet", VpnGateway: "hub-gw"}}}}
	for _, i := range stamps {
		spec.Sites = append(spec.Sites, spoke(i))
	}
	return spec
}

// tunnels returns armsim's verdict on every connection it holds, by ARM id.
func tunnels(t *testing.T, s stack) map[string]string {
	t.Helper()
	ctx := context.Background()
	res, err := s.sim.Admin.Resources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range res {
		if r.Type == "Microsoft.Network/connections" {
			tn, err := s.sim.Admin.Explain(ctx, r.Cloud, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			out[r.ID] = tn.Status
		}
	}
	return out
}

// allConnected fails the test unless armsim holds n connections, all Connected.
func allConnected(t *testing.T, s stack, n int, when string) {
	t.Helper()
	got := tunnels(t, s)
	for id, st := range got {
		if st != "Connected" {
			t.Errorf("%s: %s is %s", when, id, st)
		}
	}
	if len(got) != n {
		t.Errorf("%s: armsim holds %d connections, want %d", when, len(got), n)
	}
}

// TestHubAndSpokes runs what issue users have: a hub and three stamps from nothing; then a
// second deployment attaching a fourth stamp to the first one's hub gateway, adopted,
// applied while the first deployment adds a fifth stamp, both on the same gateway at the
// same moment; every tunnel Connected; tearing the second down leaves the first intact and
// Connected, and tearing the first down leaves armsim empty. Refusals about the adopted
// gateway's branches come before any write.
func TestHubAndSpokes(t *testing.T) {
	ctx := context.Background()
	s := start(t, withStamps(5), "e2e-hub")
	create := func(id string, spec *orchestratorv1.DeploymentSpec) error {
		op, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: id, Deployment: &orchestratorv1.Deployment{Spec: spec}})
		if err != nil {
			return err
		}
		if e := wait(t, s, op, nil).GetError(); e != nil {
			return fmt.Errorf("%s: %s", id, e.GetMessage())
		}
		return nil
	}
	if err := create("hub", hubSpec(1, 2, 3)); err != nil {
		t.Fatal(err)
	}
	allConnected(t, s, 6, "hub and three spokes")
	d := getDeployment(t, s, "hub")
	if conns := d.GetStatus().GetOutputs().GetSites()[0].GetConnections(); len(conns) != 3 || slices.ContainsFunc(conns, func(c *orchestratorv1.ConnectionOutputs) bool {
		return c.GetStatus() != gatewayv1.Connection_STATUS_CONNECTED
	}) {
		t.Fatalf("the hub's outputs: %v", conns)
	}

	// refused before any write: a spoke over edge1's space, a branch of the adopted gateway
	if err := s.sim.Admin.ResetCounters(ctx); err != nil {
		t.Fatal(err)
	}
	overlapping := attachSpec(4)
	overlapping.Sites[1].AddressPrefixes = []string{"10.11.128.0/17"}
	overlapping.Sites[1].WorkloadSubnetPrefix, overlapping.Sites[1].GatewaySubnetPrefix = "10.11.129.0/24", "10.11.255.0/27"
	err := create("overlap", overlapping)
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "deployment.spec.sites[1].address_prefixes[0]") || !strings.Contains(err.Error(), "hub-to-edge1") {
		t.Fatalf("a spoke over a branch of the adopted gateway: %v; want InvalidArgument naming the field and the branch", err)
	}
	if n := servicetest.Writes(t, s.sim); n != 0 {
		t.Fatalf("a refused deployment made %d writes in ARM", n)
	}

	// the second deployment attaches edge4 while the first adds edge5, on the same gateway,
	// and the tunnels up already stay up throughout
	stop := watchTunnels(t, s, "")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() { errs[0] = create("attach", attachSpec(4)) })
	wg.Go(func() {
		op, err := s.api.UpdateDeployment(ctx, &orchestratorv1.UpdateDeploymentRequest{Deployment: &orchestratorv1.Deployment{Name: "deployments/hub", Spec: hubSpec(1, 2, 3, 5)}})
		if err == nil {
			if e := wait(t, s, op, nil).GetError(); e != nil {
				err = fmt.Errorf("adding edge5: %s", e.GetMessage())
			}
		}
		errs[1] = err
	})
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	stop()
	allConnected(t, s, 10, "after attaching edge4 and adding edge5")

	op, err := s.api.DeleteDeployment(ctx, &orchestratorv1.DeleteDeploymentRequest{Name: "deployments/attach"})
	wait(t, s, op, err)
	allConnected(t, s, 8, "after tearing the attachment down")
	res, err := s.sim.Admin.Resources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if strings.Contains(r.ID, "edge4") || strings.Contains(r.ID, "core-to") || strings.Contains(r.ID, "stamp4") {
			t.Errorf("the attachment's %s is left", r.ID)
		}
	}
	if !slices.ContainsFunc(res, func(r armsim.ResourceView) bool { return strings.HasSuffix(r.ID, "/virtualNetworkGateways/hub-gw") }) {
		t.Fatal("tearing the attachment down deleted the adopted hub gateway")
	}

	// removing edge3 by re-apply deletes its resources and the hub's for it, nothing else,
	// as the plan says
	plan, err := s.api.PlanDeployment(ctx, &orchestratorv1.PlanDeploymentRequest{Deployment: &orchestratorv1.Deployment{Name: "deployments/hub", Spec: hubSpec(1, 2, 5)}})
	if err != nil {
		t.Fatal(err)
	}
	var deletes []string
	for _, c := range plan.GetChanges() {
		switch c.GetAction() {
		case orchestratorv1.PlannedChange_ACTION_DELETE:
			deletes = append(deletes, c.GetResource())
		case orchestratorv1.PlannedChange_ACTION_NO_CHANGE:
		default:
			t.Errorf("planning edge3's removal: %s %s", c.GetAction(), c.GetResource())
		}
	}
	if len(deletes) != 8 || slices.ContainsFunc(deletes, func(r string) bool { return !strings.Contains(r, "edge3") && !strings.Contains(r, "stamp3") }) {
		t.Errorf("the plan of edge3's removal deletes %v; want edge3's six resources and the hub's two for it", deletes)
	}
	stop = watchTunnels(t, s, "edge3")
	op, err = s.api.UpdateDeployment(ctx, &orchestratorv1.UpdateDeploymentRequest{Deployment: &orchestratorv1.Deployment{Name: "deployments/hub", Spec: hubSpec(1, 2, 5)}})
	if e := wait(t, s, op, err).GetError(); e != nil {
		t.Fatalf("removing edge3: %s", e.GetMessage())
	}
	stop()
	allConnected(t, s, 6, "after removing edge3")
	if res, err = s.sim.Admin.Resources(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if strings.Contains(r.ID, "edge3") || r.Cloud == "stamp3" {
			t.Errorf("removing edge3 left %s", r.ID)
		}
	}

	op, err = s.api.DeleteDeployment(ctx, &orchestratorv1.DeleteDeploymentRequest{Name: "deployments/hub"})
	wait(t, s, op, err)
	if left, err := s.sim.Admin.Resources(ctx); err != nil || len(left) != 0 {
		t.Fatalf("teardown of the hub leaves armsim empty: %v %v", left, err)
	}
}

// watchTunnels samples armsim's verdict on the connections it holds now, but those whose id
// has leaving in it (when it is not ""), until the returned function is called, and then
// fails the test if one of them was ever seen other than Connected.
func watchTunnels(t *testing.T, s stack, leaving string) func() {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var ids []string
	res, err := s.sim.Admin.Resources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	clouds := map[string]string{}
	for _, r := range res {
		if r.Type == "Microsoft.Network/connections" && (leaving == "" || !strings.Contains(r.ID, leaving)) {
			ids = append(ids, r.ID)
			clouds[r.ID] = r.Cloud
		}
	}
	var mu sync.Mutex
	var seen []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			for _, id := range ids {
				tn, err := s.sim.Admin.Explain(ctx, clouds[id], id)
				if err == nil && tn.Status != "Connected" {
					mu.Lock()
					seen = append(seen, id+" "+tn.Status)
					mu.Unlock()
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	return func() {
		cancel()
		<-done
		if len(seen) > 0 {
			t.Errorf("tunnels up before went down meanwhile: %v", seen)
		}
	}
}

// TestAdoptedGatewayFull fills a Basic hub gateway with its ten tunnels (a hub and ten
// Azure spokes, from nothing), then attaches one more spoke to it, adopted: refused before
// any write, naming the adopted gateway, for its capacity and, with a stamp spoke, for the
// IPsec policy a Basic gateway cannot take; and ARM (armsim) refuses an eleventh connection
// made directly, as the plan said.
func TestAdoptedGatewayFull(t *testing.T) {
	ctx := context.Background()
	s := start(t, withStamps(1), "e2e-full")
	full := hubSpec()
	full.Sites[0].GatewaySku = "Basic"
	for i := 1; i <= 10; i++ {
		sp := spoke(i)
		sp.Cloud, sp.ResourceGroup = "azure", fmt.Sprintf("edge%d-rg", i)
		full.Sites = append(full.Sites, sp)
	}
	deploy(t, s, "basic", full)
	if err := s.sim.Admin.ResetCounters(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		cloud string
		want  []string
	}{
		{"an Azure spoke", "azure", []string{"has 10 site-to-site connections already and holds at most 10"}},
		{"a stamp spoke", "stamp1", []string{"has 10 site-to-site connections already", "takes no custom IPsec/IKE policy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attach := attachSpec(1)
			attach.Sites[1].Name, attach.Sites[1].Cloud = "extra", tc.cloud
			attach.Sites[1].AddressPrefixes = []string{"10.40.0.0/16"}
			attach.Sites[1].WorkloadSubnetPrefix, attach.Sites[1].GatewaySubnetPrefix = "10.40.1.0/24", "10.40.255.0/27"
			plan, err := s.api.PlanDeployment(ctx, &orchestratorv1.PlanDeploymentRequest{Deployment: &orchestratorv1.Deployment{Spec: attach}})
			if err != nil {
				t.Fatal(err)
			}
			var said []string
			for _, f := range plan.GetFindings() {
				if f.GetField() != "deployment.spec.sites[0].existing.vpn_gateway" {
					t.Errorf("finding on %s: %s", f.GetField(), f.GetDescription())
				}
				said = append(said, f.GetDescription())
			}
			for _, w := range tc.want {
				if !slices.ContainsFunc(said, func(d string) bool { return strings.Contains(d, w) }) {
					t.Errorf("the plan does not say %q: %q", w, said)
				}
			}
			_, err = s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: "extra", Deployment: &orchestratorv1.Deployment{Spec: attach}})
			if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "existing.vpn_gateway") {
				t.Fatalf("creating it: %v; want InvalidArgument naming existing.vpn_gateway", err)
			}
		})
	}
	if n := servicetest.Writes(t, s.sim); n != 0 {
		t.Fatalf("refused attachments made %d writes in ARM", n)
	}

	// ARM agrees: an eleventh connection on the gateway, made directly, is refused
	gw := gatewayv1.NewGatewayServiceClient(s.gw.Conn)
	gwOps := longrunningpb.NewOperationsClient(s.gw.Conn)
	const group = "clouds/azure/resourceGroups/hub-rg"
	lop, err := gw.CreateLocalNetworkGateway(ctx, &gatewayv1.CreateLocalNetworkGatewayRequest{Parent: group, LocalNetworkGatewayId: "eleventh",
		LocalNetworkGateway: &gatewayv1.LocalNetworkGateway{GatewayIpAddress: "203.0.113.11", AddressPrefixes: []string{"10.41.0.0/16"}}})
	servicetest.Wait(t, gwOps, lop, err)
	cop, err := gw.CreateConnection(ctx, &gatewayv1.CreateConnectionRequest{Parent: group, ConnectionId: "eleventh", Connection: &gatewayv1.Connection{
		VirtualNetworkGateway: group + "/virtualNetworkGateways/hub-gw", LocalNetworkGateway: group + "/localNetworkGateways/eleventh",
		SharedKey: "Eleventh-Key-1", Protocol: gatewayv1.Connection_PROTOCOL_IKEV2}})
	for err == nil && !cop.GetDone() {
		cop, err = gwOps.WaitOperation(ctx, &longrunningpb.WaitOperationRequest{Name: cop.GetName(), Timeout: durationpb.New(10 * time.Second)})
	}
	refusal := err
	if refusal == nil && cop.GetError() != nil {
		refusal = status.ErrorProto(cop.GetError())
	}
	if refusal == nil || !strings.Contains(refusal.Error(), "VirtualNetworkGatewayConnectionLimitReached") {
		t.Fatalf("an eleventh connection on the Basic gateway: %v; want ARM's VirtualNetworkGatewayConnectionLimitReached", refusal)
	}
}
