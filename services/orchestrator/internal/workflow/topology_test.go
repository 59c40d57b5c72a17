package workflow

import (
	"fmt"
	"slices"
	"testing"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// spokes adds n spokes without VMs to the test deployment: spoke edge{i} on stamp{i}, with
// 10.{100+i}.0.0/16.
func spokes(n int) func(*orchestratorv1.DeploymentSpec) {
	return func(s *orchestratorv1.DeploymentSpec) {
		for i := 1; i <= n; i++ {
			s.Sites = append(s.Sites, &orchestratorv1.Site{
				Name: fmt.Sprintf("edge%d", i), Cloud: fmt.Sprintf("stamp%d", i), Location: "local", ResourceGroup: "edge-rg",
				AddressPrefixes: []string{fmt.Sprintf("10.%d.0.0/16", 100+i)}, WorkloadSubnetPrefix: fmt.Sprintf("10.%d.1.0/24", 100+i),
				GatewaySubnetPrefix: fmt.Sprintf("10.%d.255.0/27", 100+i), GatewaySku: "Standard",
			})
		}
	}
}

// edge returns the resource service name of a resource of spoke edge{i}.
func edge(i int, collection, id string) string {
	return fmt.Sprintf("clouds/stamp%d/resourceGroups/edge-rg/%s/%s", i, collection, id)
}

// adoptHub makes the hub adopt its network and gateway, hub-vnet and hub-gw (as the fake
// answers: 20.50.1.10), in its existing group; it has no VMs.
func adoptHub(s *orchestratorv1.DeploymentSpec) {
	hub := s.Sites[0]
	hub.Existing = &orchestratorv1.ExistingResources{VirtualNetwork: "core-vnet", VpnGateway: "core-gw"}
	hub.ExistingResourceGroup, hub.VirtualMachines = true, nil
}

// TestHubAndSpokes checks a hub with three spokes besides the stamp site: each spoke gets
// one local network gateway and connection to the hub, the hub one of each per spoke, named
// after the spoke; the spokes run in parallel, so the deployment takes one gateway's time,
// and the hub's four connections run one after the other (ARM takes one operation at a time
// on a gateway); verify waits for every connection; the outputs list each connection.
func TestHubAndSpokes(t *testing.T) {
	f := newFake(t)
	begin := f.env.Now()
	d := f.run(t, input(spokes(3)), ready)
	if got := d.GetStatus().GetState(); got != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatalf("state %v, error %q; want READY", got, d.GetStatus().GetError())
	}
	byName := steps(d)
	for _, peer := range []string{"stack", "edge1", "edge2", "edge3"} {
		for _, kind := range []string{"local-network-gateway", "connection"} {
			if _, ok := byName["hub/"+kind+"/"+peer]; !ok {
				t.Errorf("no step hub/%s/%s; steps %v", kind, peer, keys(byName))
			}
		}
	}
	for i := 1; i <= 3; i++ {
		lgw := f.request(edge(i, "localNetworkGateways", fmt.Sprintf("edge%d-to-hub", i))).(*gatewayv1.CreateLocalNetworkGatewayRequest)
		if got := lgw.GetLocalNetworkGateway(); got.GetGatewayIpAddress() != gatewayIP(hubGateway) || !slices.Equal(got.GetAddressPrefixes(), []string{"10.1.0.0/16"}) {
			t.Errorf("edge%d's local network gateway for the hub: %v", i, got)
		}
		hubSide := f.request(fmt.Sprintf("%s/localNetworkGateways/hub-to-edge%d", hubGroup, i)).(*gatewayv1.CreateLocalNetworkGatewayRequest)
		if got := hubSide.GetLocalNetworkGateway().GetAddressPrefixes(); !slices.Equal(got, []string{fmt.Sprintf("10.%d.0.0/16", 100+i)}) {
			t.Errorf("the hub's local network gateway for edge%d lists %v", i, got)
		}
	}
	if got := len(byName["verify"].GetDependsOn()); got != 8 {
		t.Errorf("verify waits for %d connections, want 8", got)
	}
	if got := len(d.GetStatus().GetOutputs().GetSites()[0].GetConnections()); got != 4 {
		t.Errorf("the hub's outputs list %d connections, want 4", got)
	}
	// the critical path (resource group, network, gateway, local network gateway, connection,
	// verify) and the three hub connections that wait for the gateway before the last
	var hubConns []span
	for _, peer := range []string{"stack", "edge1", "edge2", "edge3"} {
		hubConns = append(hubConns, f.attempts(hubGroup+"/connections/hub-to-"+peer)...)
	}
	for i, a := range hubConns {
		for _, b := range hubConns[i+1:] {
			if a.start.Before(b.end) && b.start.Before(a.end) {
				t.Errorf("two of the hub's connections were written on its gateway at once: %v and %v", a, b)
			}
		}
	}
	last := begin
	for _, s := range d.GetStatus().GetSteps() {
		if end := s.GetEndTime().AsTime(); end.After(last) {
			last = end
		}
	}
	if got, want := last.Sub(begin), criticalPath+3*latencies[EnsureConnection]; got != want { // the hub VM probes after
		t.Errorf("the deployment took %v, want the critical path and three more connections, %v", got, want)
	}
}

// TestTransit checks that with transit each spoke's local network gateway for the hub also
// lists the other spokes' prefixes, and the hub's for a spoke only that spoke's.
func TestTransit(t *testing.T) {
	f := newFake(t)
	d := f.run(t, input(spokes(2), func(s *orchestratorv1.DeploymentSpec) { s.Transit = true }), ready)
	if got := d.GetStatus().GetState(); got != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatalf("state %v, error %q", got, d.GetStatus().GetError())
	}
	got := f.request(edge(1, "localNetworkGateways", "edge1-to-hub")).(*gatewayv1.CreateLocalNetworkGatewayRequest).GetLocalNetworkGateway().GetAddressPrefixes()
	if want := []string{"10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.102.0.0/16"}; !slices.Equal(got, want) {
		t.Errorf("with transit edge1's local network gateway lists %v, want %v", got, want)
	}
	got = f.request(hubGroup + "/localNetworkGateways/hub-to-edge1").(*gatewayv1.CreateLocalNetworkGatewayRequest).GetLocalNetworkGateway().GetAddressPrefixes()
	if want := []string{"10.101.0.0/16"}; !slices.Equal(got, want) {
		t.Errorf("the hub's local network gateway for edge1 lists %v, want %v", got, want)
	}
}

// TestAdoptedHub checks a hub that adopts its network and gateway: they are read, never
// ensured; the spokes' local network gateways point at the adopted gateway's IP; teardown
// deletes the hub's local network gateways and connections and the spokes, and nothing
// adopted.
func TestAdoptedHub(t *testing.T) {
	const coreVnet, coreGateway = hubGroup + "/virtualNetworks/core-vnet", hubGroup + "/virtualNetworkGateways/core-gw"
	f := newFake(t)
	var teardown func() (*orchestratorv1.Deployment, error)
	var applied *orchestratorv1.Deployment
	f.env.RegisterDelayedCallback(func() {
		applied = f.query(t)
		teardown = f.update(t, UpdateTeardown)
	}, ready)
	f.env.ExecuteWorkflow(Name, input(adoptHub, spokes(1)))
	if got := applied.GetStatus().GetState(); got != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatalf("state %v, error %q", got, applied.GetStatus().GetError())
	}
	byName := steps(applied)
	for _, name := range []string{"hub/virtual-network", "hub/vpn-gateway"} {
		if !byName[name].GetAdopted() {
			t.Errorf("step %s is not marked adopted: %v", name, byName[name])
		}
	}
	for _, name := range []string{"hub/resource-group", "hub/public-ip"} {
		if _, ok := byName[name]; ok {
			t.Errorf("an adopting hub has a step %s", name)
		}
	}
	if _, ok := f.request(coreGateway).(*gatewayv1.GetVirtualNetworkGatewayRequest); !ok {
		t.Errorf("the adopted gateway was not read, but %T", f.request(coreGateway))
	}
	lgw := f.request(stackLocal).(*gatewayv1.CreateLocalNetworkGatewayRequest).GetLocalNetworkGateway()
	if lgw.GetGatewayIpAddress() != gatewayIP(coreGateway) {
		t.Errorf("the stack's local network gateway points at %q, not the adopted gateway's IP", lgw.GetGatewayIpAddress())
	}
	if conn := f.request(hubGroup + "/connections/hub-to-stack").(*gatewayv1.CreateConnectionRequest); conn.GetConnection().GetVirtualNetworkGateway() != coreGateway {
		t.Errorf("the hub's connection is on %q, not the adopted gateway", conn.GetConnection().GetVirtualNetworkGateway())
	}
	d, err := teardown()
	if err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_DELETED {
		t.Fatalf("teardown: %v, %v", d.GetStatus(), err)
	}
	deleted := f.deleted()
	for _, name := range []string{coreVnet, coreGateway, hubGroup} {
		if slices.Contains(deleted, name) {
			t.Errorf("teardown deleted the adopted %s", name)
		}
	}
	for _, name := range []string{hubGroup + "/connections/hub-to-stack", hubGroup + "/connections/hub-to-edge1", hubGroup + "/localNetworkGateways/hub-to-edge1", edge(1, "virtualNetworkGateways", "edge1-gw")} {
		if !slices.Contains(deleted, name) {
			t.Errorf("teardown did not delete %s; deleted %v", name, deleted)
		}
	}
}

// TestAddAndRemoveSpoke checks re-applies that add a spoke and then remove another: adding
// creates only the new spoke and the hub's local network gateway and connection for it, and
// deletes nothing; removing deletes exactly the removed spoke's resources and the hub's
// local network gateway and connection for it, connections first.
func TestAddAndRemoveSpoke(t *testing.T) {
	f := newFake(t)
	var added, removed func() (*orchestratorv1.Deployment, error)
	var deletedAfterAdd []string
	var edge2Gateway int
	f.env.RegisterDelayedCallback(func() { added = f.update(t, UpdateApply, input(spokes(2))) }, ready)
	f.env.RegisterDelayedCallback(func() {
		deletedAfterAdd, edge2Gateway = f.deleted(), len(f.attempts(edge(2, "virtualNetworkGateways", "edge2-gw")))
		removed = f.update(t, UpdateApply, input(spokes(2), func(s *orchestratorv1.DeploymentSpec) {
			s.Sites = slices.Delete(s.Sites, 2, 3) // edge1
		}))
	}, 2*ready)
	f.run(t, input(spokes(1)), 3*ready)
	d, err := added()
	if err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatalf("adding edge2: %v, %v", d.GetStatus(), err)
	}
	if len(deletedAfterAdd) != 0 {
		t.Errorf("adding a spoke deleted %v", deletedAfterAdd)
	}
	if edge2Gateway != 1 {
		t.Errorf("edge2's gateway was ensured %d times, want once", edge2Gateway)
	}
	d, err = removed()
	if err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatalf("removing edge1: %v, %v", d.GetStatus(), err)
	}
	want := []string{
		hubGroup + "/connections/hub-to-edge1", edge(1, "connections", "edge1-to-hub"),
		hubGroup + "/localNetworkGateways/hub-to-edge1", edge(1, "localNetworkGateways", "edge1-to-hub"),
		edge(1, "virtualNetworkGateways", "edge1-gw"), edge(1, "publicIPAddresses", "edge1-gw-ip"),
		edge(1, "virtualNetworks", "edge1-vnet"), "clouds/stamp1/resourceGroups/edge-rg",
	}
	got := f.deleted()
	sortTier := func(list []string) []string { // a tier's deletions start together, in any order
		out := slices.Clone(list)
		for i := 0; i+1 < len(out); i += 2 {
			slices.Sort(out[i : i+2])
		}
		return out
	}
	if len(got) != len(want) || !slices.Equal(sortTier(got[:4]), sortTier(want[:4])) || !slices.Equal(got[4:], want[4:]) {
		t.Errorf("removing edge1 deleted\n%v\nwant\n%v", got, want)
	}
	if _, ok := steps(d)["edge1/delete-connection"]; !ok {
		t.Errorf("the re-apply's status does not show edge1's deletion: %v", keys(steps(d)))
	}
}

// TestReplaceGateway re-applies with the stack's gateway to be replaced (a SKU its cloud
// cannot resize): its connection and then the gateway are deleted, and the graph creates
// both again and re-ensures the hub's local network gateway, which takes the new IP.
func TestReplaceGateway(t *testing.T) {
	f := newFake(t)
	var replaced func() (*orchestratorv1.Deployment, error)
	f.env.RegisterDelayedCallback(func() {
		in := input(func(s *orchestratorv1.DeploymentSpec) { s.Sites[1].GatewaySku = "HighPerformance" })
		in.Replace = []string{stackGateway}
		replaced = f.update(t, UpdateApply, in)
	}, ready)
	f.run(t, input(), 2*ready)
	d, err := replaced()
	if err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatalf("replacing the stack's gateway: %v, %v", d.GetStatus(), err)
	}
	if got, want := f.deleted(), []string{stackConn, stackGateway}; !slices.Equal(got, want) {
		t.Errorf("deleted %v, want %v", got, want)
	}
	if n := len(f.attempts(stackGateway)); n != 2 {
		t.Errorf("the stack's gateway was ensured %d times, want twice", n)
	}
	if got := f.request(stackGateway).(*gatewayv1.CreateVirtualNetworkGatewayRequest).GetVirtualNetworkGateway().GetSku(); got != "HighPerformance" {
		t.Errorf("the new gateway's SKU: %s", got)
	}
	if _, ok := steps(d)["stack/delete-vpn-gateway"]; !ok {
		t.Errorf("the status does not show the deletion: %v", keys(steps(d)))
	}
}
