package armsim_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	ashcompute "github.com/Azure/azure-sdk-for-go/profile/p20200901/resourcemanager/compute/armcompute"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v8"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v9"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/hybridlink/hybridlink/armsim"
)

// The VMs of the hybrid rig and their addresses: the first of each workload subnet.
const (
	hubVMIP   = "10.1.1.4"
	stackVMIP = "10.2.1.4"
	spokeVMIP = "10.3.1.4"
)

// probeScript is hybridlink's probe: the header armsim reads, then the loop a real VM runs.
func probeScript(targets ...string) string {
	return "# hybridlink-probe v1 port=22 count=3 targets=" + strings.Join(targets, ",") + "\n" +
		"for t in $(echo \"$TARGETS\" | tr , ' '); do ping -c 3 \"$t\"; done\n"
}

// probeLine is the line the probe writes for a target that answers with rtt, or "" for one that does not.
func probeLine(target, rtt string) string {
	if rtt == "" {
		return "probe target=" + target + " icmp=fail loss=100% rtt_ms=- tcp=fail"
	}
	return "probe target=" + target + " icmp=ok loss=0% rtt_ms=" + rtt + " tcp=ok"
}

// azureProbe runs a CustomScript extension on an Azure VM and returns the stdout of its
// instance view (and the poller's error).
func azureProbe(t *testing.T, sim *armsim.Sim, rg, vm string, settings, protected map[string]any) (string, error) {
	t.Helper()
	c := sdkClient(t, sim, "azure", armcompute.NewVirtualMachineExtensionsClient)
	_, perr := done(c.BeginCreateOrUpdate(ctx, rg, vm, "probe", armcompute.VirtualMachineExtension{
		Location: to("eastus"),
		Properties: &armcompute.VirtualMachineExtensionProperties{
			Publisher: to("Microsoft.Azure.Extensions"), Type: to("CustomScript"), TypeHandlerVersion: to("2.1"),
			AutoUpgradeMinorVersion: to(true), Settings: settings, ProtectedSettings: protected,
		},
	}, nil))
	got, err := c.Get(ctx, rg, vm, "probe", &armcompute.VirtualMachineExtensionsClientGetOptions{Expand: to("instanceView")})
	must(t, err)
	if got.Properties.ProtectedSettings != nil {
		t.Fatalf("ARM never returns protectedSettings: %v", got.Properties.ProtectedSettings)
	}
	iv := got.Properties.InstanceView
	if iv == nil || len(iv.Statuses) != 1 || *iv.Type != "Microsoft.Azure.Extensions.CustomScript" || *iv.TypeHandlerVersion != "2.1.3" {
		t.Fatalf("instance view: %+v", iv)
	}
	return *iv.Statuses[0].Message, perr
}

// stdoutOf cuts the stdout section out of a CustomScript status message.
func stdoutOf(msg string) string {
	_, rest, _ := strings.Cut(msg, "\n[stdout]\n")
	out, _, _ := strings.Cut(rest, "\n[stderr]\n")
	return strings.TrimSuffix(out, "\n")
}

// stackRuns numbers the stamp's probe runs: each run's timestamp is new, so the script reruns.
var stackRuns int

// stackProbe runs the probe on the stamp's VM with the hybrid profile's SDK (typeHandlerVersion 2.0).
func stackProbe(t *testing.T, sim *armsim.Sim, targets ...string) string {
	stackRuns++
	t.Helper()
	c := sdkClient(t, sim, "azure-stack-hub", ashcompute.NewVirtualMachineExtensionsClient)
	_, err := done(c.BeginCreateOrUpdate(ctx, "rg-stack", "vm-stack", "probe", ashcompute.VirtualMachineExtension{
		Location: to("local"),
		Properties: &ashcompute.VirtualMachineExtensionProperties{
			Publisher: to("Microsoft.Azure.Extensions"), Type: to("CustomScript"), TypeHandlerVersion: to("2.0"),
			Settings: map[string]any{"commandToExecute": probeScript(targets...), "timestamp": stackRuns},
		},
	}, nil))
	must(t, err)
	st, err := newStack(t, sim, "azure-stack-hub").vms.InstanceView(ctx, "rg-stack", "vm-stack", nil)
	must(t, err)
	if len(st.Extensions) != 1 || *st.Extensions[0].Name != "probe" || *st.Extensions[0].TypeHandlerVersion != "2.0.6" ||
		*st.Extensions[0].Statuses[0].Code != "ProvisioningState/succeeded" {
		t.Fatalf("the VM's instance view lists the extension: %+v", st.Extensions)
	}
	return stdoutOf(*st.Extensions[0].Statuses[0].Message)
}

// TestProbeAcrossTunnel runs hybridlink's probe on both sides of a tunnel while the tunnel,
// the target VM and the local network gateways change.
func TestProbeAcrossTunnel(t *testing.T) {
	r := newHybridRig(t, armsim.Config{})
	connectSites(t, r.az, r.st, r.a, r.b, documentedPolicy())
	vmStack := "/subscriptions/" + sub + "/resourceGroups/rg-stack/providers/Microsoft.Compute/virtualMachines/vm-stack"
	vmHub := "/subscriptions/" + sub + "/resourceGroups/rg-hub/providers/Microsoft.Compute/virtualMachines/vm-hub"
	for i, tc := range []struct {
		name  string
		setup func(t *testing.T)
		// want are the probe's lines from the Azure VM to the stack VM and itself, and back
		azure, stack string
		why          string // what the admin API's reason says of the failure
	}{
		{name: "Connected tunnel: both directions", setup: func(*testing.T) {},
			azure: probeLine(stackVMIP, "20.500") + "\n" + probeLine(hubVMIP, "0.500"), stack: probeLine(hubVMIP, "20.500")},
		{name: "stopped target VM", setup: func(t *testing.T) {
			_, err := done(r.st.vms.BeginPowerOff(ctx, "rg-stack", "vm-stack", nil))
			must(t, err)
		}, azure: probeLine(stackVMIP, "") + "\n" + probeLine(hubVMIP, "0.500"), why: "which is stopped, not running"},
		{name: "target VM started again", setup: func(t *testing.T) {
			_, err := done(r.st.vms.BeginStart(ctx, "rg-stack", "vm-stack", nil))
			must(t, err)
		}, azure: probeLine(stackVMIP, "20.500") + "\n" + probeLine(hubVMIP, "0.500"), stack: probeLine(hubVMIP, "20.500")},
		{name: "local network gateway not covering the target", setup: func(t *testing.T) {
			r.azureLNG(t, *r.b.pip.Properties.IPAddress, "10.2.2.0/24")
		}, azure: probeLine(stackVMIP, "") + "\n" + probeLine(hubVMIP, "0.500"), why: "no route to " + stackVMIP},
		{name: "local network gateway restored", setup: func(t *testing.T) {
			r.azureLNG(t, *r.b.pip.Properties.IPAddress, "10.2.0.0/16")
		}, azure: probeLine(stackVMIP, "20.500") + "\n" + probeLine(hubVMIP, "0.500"), stack: probeLine(hubVMIP, "20.500")},
		{name: "deleted connection", setup: func(t *testing.T) {
			_, err := done(r.az.net.NewVirtualNetworkGatewayConnectionsClient().BeginDelete(ctx, "rg-hub", "conn-to-stack", nil))
			must(t, err)
		}, azure: probeLine(stackVMIP, "") + "\n" + probeLine(hubVMIP, "0.500"), stack: probeLine(hubVMIP, ""), why: "no route to"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup(t)
			ts := map[string]any{"commandToExecute": probeScript(stackVMIP, hubVMIP), "timestamp": i}
			msg, err := azureProbe(t, r.sim, "rg-hub", "vm-hub", ts, nil)
			must(t, err)
			if got := stdoutOf(msg); got != tc.azure {
				t.Errorf("Azure VM's probe:\n got %q\nwant %q", got, tc.azure)
			}
			if tc.stack != "" {
				if got := stackProbe(t, r.sim, hubVMIP); got != tc.stack {
					t.Errorf("stack VM's probe:\n got %q\nwant %q", got, tc.stack)
				}
			}
			rc, err := r.sim.Admin.Reach(ctx, "azure", vmHub, stackVMIP)
			must(t, err)
			if rc.Reachable != (tc.why == "") || !strings.Contains(rc.Reason, tc.why) {
				t.Errorf("admin reach: %+v, want reason containing %q", rc, tc.why)
			}
		})
	}
	if rc, err := r.sim.Admin.Reach(ctx, "azure-stack-hub", vmStack, stackVMIP); err != nil || !rc.Reachable || rc.RTTms != 0.5 {
		t.Fatalf("a VM reaches itself within its network: %+v %v", rc, err)
	}
}

// TestProbeHubAndSpokes: spoke-to-spoke traffic transits the Azure hub's route-based
// gateway only when each spoke's local network gateway for the hub lists the other
// spoke's prefix.
func TestProbeHubAndSpokes(t *testing.T) {
	r := newHybridRig(t, armsim.Config{})
	connectSites(t, r.az, r.st, r.a, r.b, documentedPolicy()) // hub (Azure) <-> spoke 1 (the stamp)
	// spoke 2: another Azure virtual network with its own gateway and VM
	const rg = "rg-spoke2"
	azGroup(t, r.az, rg)
	v := azVnet(t, r.az, rg, "vnet-spoke2", "10.3.0.0/16", map[string]string{"workload": "10.3.1.0/24", "GatewaySubnet": "10.3.255.0/27"})
	pip := azPIP(t, r.az, rg, "pip-spoke2", armnetwork.PublicIPAddressSKUNameStandard, armnetwork.IPAllocationMethodStatic)
	gw, err := done(r.az.net.NewVirtualNetworkGatewaysClient().BeginCreateOrUpdate(ctx, rg, "gw-spoke2",
		azGatewayBody(armnetwork.VirtualNetworkGatewaySKUNameVPNGw1, subnetID(v.Properties.Subnets, "GatewaySubnet"), pip.ID), nil))
	must(t, err)
	nic, err := done(r.az.net.NewInterfacesClient().BeginCreateOrUpdate(ctx, rg, "vm-spoke2-nic", azNICBody(subnetID(v.Properties.Subnets, "workload")), nil))
	must(t, err)
	_, err = done(r.az.vms.BeginCreateOrUpdate(ctx, rg, "vm-spoke2", azVMBody(nic.ID, "Passw0rd!2026"), nil))
	must(t, err)
	lngs := r.az.net.NewLocalNetworkGatewaysClient()
	conns := r.az.net.NewVirtualNetworkGatewayConnectionsClient()
	hubLNG, err := done(lngs.BeginCreateOrUpdate(ctx, "rg-hub", "lng-to-spoke2", azLNGBody(*pip.Properties.IPAddress, "10.3.0.0/16"), nil))
	must(t, err)
	_, err = done(conns.BeginCreateOrUpdate(ctx, "rg-hub", "conn-to-spoke2", azConnBody(r.a.gateway.ID, hubLNG.ID, sharedKey, nil), nil))
	must(t, err)
	spokeLNG := func(t *testing.T, prefixes ...string) {
		l, err := done(lngs.BeginCreateOrUpdate(ctx, rg, "lng-to-hub", azLNGBody(*r.a.pip.Properties.IPAddress, prefixes...), nil))
		must(t, err)
		_, err = done(conns.BeginCreateOrUpdate(ctx, rg, "conn-to-hub", azConnBody(gw.ID, l.ID, sharedKey, nil), nil))
		must(t, err)
	}
	stackLNG := func(t *testing.T, prefixes ...string) {
		_, err := done(r.st.net.NewLocalNetworkGatewaysClient().BeginCreateOrUpdate(ctx, "rg-stack", "lng-to-azure",
			ashLNGBody(*r.a.pip.Properties.IPAddress, prefixes...), nil))
		must(t, err)
	}
	for i, tc := range []struct {
		name           string
		spoke, stack   []string // the prefixes of each spoke's local network gateway for the hub
		spoke2, stack2 string   // the probe's line from spoke 2 to the stamp's VM, and back
	}{
		{"without transit prefixes", []string{"10.1.0.0/16"}, []string{"10.1.0.0/16"},
			probeLine(stackVMIP, ""), probeLine(spokeVMIP, "")},
		{"only one spoke routes the other through the hub", []string{"10.1.0.0/16", "10.2.0.0/16"}, []string{"10.1.0.0/16"},
			probeLine(stackVMIP, ""), probeLine(spokeVMIP, "")},
		{"with transit prefixes on both spokes", []string{"10.1.0.0/16", "10.2.0.0/16"}, []string{"10.1.0.0/16", "10.3.0.0/16"},
			probeLine(stackVMIP, "40.500"), probeLine(spokeVMIP, "40.500")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spokeLNG(t, tc.spoke...)
			stackLNG(t, tc.stack...)
			msg, err := azureProbe(t, r.sim, rg, "vm-spoke2", map[string]any{"commandToExecute": probeScript(stackVMIP, hubVMIP), "timestamp": i}, nil)
			must(t, err)
			if got, want := stdoutOf(msg), tc.spoke2+"\n"+probeLine(hubVMIP, "20.500"); got != want {
				t.Errorf("spoke 2's probe:\n got %q\nwant %q", got, want)
			}
			if got := stackProbe(t, r.sim, spokeVMIP); got != tc.stack2 {
				t.Errorf("the stamp's probe:\n got %q\nwant %q", got, tc.stack2)
			}
		})
	}
}

// TestCustomScriptExtension checks the extension's contract: what it refuses, a script
// that is not the probe, reruns, protected settings, the stopped VM.
func TestCustomScriptExtension(t *testing.T) {
	r := newHybridRig(t, armsim.Config{})
	c := sdkClient(t, r.sim, "azure", armcompute.NewVirtualMachineExtensionsClient)
	body := func(publisher, typ, version string) armcompute.VirtualMachineExtension {
		return armcompute.VirtualMachineExtension{Location: to("eastus"), Properties: &armcompute.VirtualMachineExtensionProperties{
			Publisher: to(publisher), Type: to(typ), TypeHandlerVersion: to(version),
			Settings: map[string]any{"commandToExecute": probeScript(hubVMIP)}}}
	}
	t.Run("refused", func(t *testing.T) {
		for _, tc := range []struct {
			body armcompute.VirtualMachineExtension
			code string
		}{
			{body("Microsoft.Compute", "CustomScriptExtension", "1.10"), "VMExtensionHandlerNotSupported"},
			{body("Microsoft.Azure.Monitor", "AzureMonitorLinuxAgent", "1.0"), "VMExtensionHandlerNotSupported"},
			{body("Microsoft.Azure.Extensions", "CustomScript", "1.5"), "InvalidParameter"},
		} {
			_, err := c.BeginCreateOrUpdate(ctx, "rg-hub", "vm-hub", "other", tc.body, nil)
			wantCode(t, err, tc.code, 400)
		}
	})
	t.Run("not the probe", func(t *testing.T) {
		msg, err := azureProbe(t, r.sim, "rg-hub", "vm-hub", map[string]any{"commandToExecute": "echo hello"}, nil)
		wantCode(t, err, "VMExtensionProvisioningError", 0)
		if !strings.Contains(err.Error(), "VM has reported a failure when processing extension 'probe'") ||
			!strings.Contains(msg, "runs only hybridlink's probe script") || !strings.HasPrefix(msg, "Enable failed: ") {
			t.Fatalf("error %v, status %q", err, msg)
		}
		got, err := c.Get(ctx, "rg-hub", "vm-hub", "probe", nil)
		must(t, err)
		if *got.Properties.ProvisioningState != "Failed" || got.Properties.InstanceView != nil {
			t.Fatalf("a failed script leaves the extension Failed, its instance view only on $expand: %+v", got.Properties)
		}
	})
	t.Run("reruns only on a settings change", func(t *testing.T) {
		run := func(ts int) string {
			msg, err := azureProbe(t, r.sim, "rg-hub", "vm-hub", map[string]any{"commandToExecute": probeScript(stackVMIP), "timestamp": ts}, nil)
			must(t, err)
			return stdoutOf(msg)
		}
		if got := run(1); got != probeLine(stackVMIP, "") {
			t.Fatalf("no tunnel yet: %q", got)
		}
		connectSites(t, r.az, r.st, r.a, r.b, documentedPolicy())
		if got := run(1); got != probeLine(stackVMIP, "") {
			t.Fatalf("an identical re-PUT does not rerun the script: %q", got)
		}
		if got := run(2); got != probeLine(stackVMIP, "20.500") {
			t.Fatalf("a new timestamp reruns it: %q", got)
		}
		// VirtualMachineExtensions_Update: a PATCH of the settings reruns the script too
		_, err := done(r.st.vms.BeginPowerOff(ctx, "rg-stack", "vm-stack", nil))
		must(t, err)
		_, err = done(c.BeginUpdate(ctx, "rg-hub", "vm-hub", "probe", armcompute.VirtualMachineExtensionUpdate{
			Properties: &armcompute.VirtualMachineExtensionUpdateProperties{
				Settings: map[string]any{"commandToExecute": probeScript(stackVMIP), "timestamp": 3}}}, nil))
		must(t, err)
		iv, err := r.az.vms.InstanceView(ctx, "rg-hub", "vm-hub", nil)
		must(t, err)
		if got := stdoutOf(*iv.Extensions[0].Statuses[0].Message); got != probeLine(stackVMIP, "") {
			t.Fatalf("a PATCH with a new timestamp reruns the script (the target is stopped now): %q", got)
		}
		_, err = done(r.st.vms.BeginStart(ctx, "rg-stack", "vm-stack", nil))
		must(t, err)
	})
	t.Run("stdout tail", func(t *testing.T) {
		// the handler reports the last 4 KiB of stdout: 80 targets write more
		var targets []string
		for i := 0; i < 80; i++ {
			targets = append(targets, "10.9.0."+strconv.Itoa(i+1))
		}
		msg, err := azureProbe(t, r.sim, "rg-hub", "vm-hub", map[string]any{"commandToExecute": probeScript(targets...)}, nil)
		must(t, err)
		out := stdoutOf(msg) + "\n"
		if len(out) != 4096 || !strings.HasSuffix(out, probeLine("10.9.0.80", "")+"\n") {
			t.Fatalf("stdout is its last 4096 bytes: %d bytes, ending %q", len(out), out[len(out)-80:])
		}
	})
	t.Run("protected settings", func(t *testing.T) {
		msg, err := azureProbe(t, r.sim, "rg-hub", "vm-hub", nil, map[string]any{"commandToExecute": probeScript(stackVMIP)})
		must(t, err)
		if stdoutOf(msg) != probeLine(stackVMIP, "20.500") {
			t.Fatalf("the protected command runs: %q", msg)
		}
		list, err := c.List(ctx, "rg-hub", "vm-hub", nil)
		must(t, err)
		if len(list.Value) != 1 || list.Value[0].Properties.ProtectedSettings != nil {
			t.Fatalf("a list returns the extension without protectedSettings: %+v", list.Value)
		}
		// the generic resource list has VM extensions, named vm/extension, as ARM's has
		res := sdkClient(t, r.sim, "azure", armresources.NewClient)
		page, err := res.NewListByResourceGroupPager("rg-hub", &armresources.ClientListByResourceGroupOptions{
			Filter: to("resourceType eq 'Microsoft.Compute/virtualMachines/extensions'")}).NextPage(ctx)
		must(t, err)
		if len(page.Value) != 1 || *page.Value[0].Name != "vm-hub/probe" || *page.Value[0].Location != "eastus" {
			t.Fatalf("generic list of extensions: %+v", page.Value)
		}
	})
	t.Run("stopped VM", func(t *testing.T) {
		_, err := done(r.az.vms.BeginDeallocate(ctx, "rg-hub", "vm-hub", nil))
		must(t, err)
		_, err = c.BeginCreateOrUpdate(ctx, "rg-hub", "vm-hub", "probe", body("Microsoft.Azure.Extensions", "CustomScript", "2.1"), nil)
		wantCode(t, err, "OperationNotAllowed", 409)
		_, err = c.BeginDelete(ctx, "rg-hub", "vm-hub", "probe", nil)
		wantCode(t, err, "OperationNotAllowed", 409)
		_, err = done(r.az.vms.BeginStart(ctx, "rg-hub", "vm-hub", nil))
		must(t, err)
		_, err = done(c.BeginDelete(ctx, "rg-hub", "vm-hub", "probe", nil))
		must(t, err)
		iv, err := r.az.vms.InstanceView(ctx, "rg-hub", "vm-hub", nil)
		must(t, err)
		if len(iv.Extensions) != 0 {
			t.Fatalf("a deleted extension leaves the instance view: %+v", iv.Extensions)
		}
	})
}

// TestProbeAcrossRestart: an extension's last run, and what decides whether it reruns, are
// kept in the state file.
func TestProbeAcrossRestart(t *testing.T) {
	cfg := armsim.Config{StateFile: filepath.Join(t.TempDir(), "state.json")}
	r := newHybridRig(t, cfg)
	connectSites(t, r.az, r.st, r.a, r.b, documentedPolicy())
	settings := map[string]any{"commandToExecute": probeScript(stackVMIP), "timestamp": 1}
	msg, err := azureProbe(t, r.sim, "rg-hub", "vm-hub", settings, nil)
	must(t, err)
	if stdoutOf(msg) != probeLine(stackVMIP, "20.500") {
		t.Fatalf("before the restart: %q", msg)
	}
	must(t, r.sim.Close())
	cfg.Clouds = sameAddresses(r.sim)
	second := startSim(t, cfg)
	_, err = done(newStack(t, second, "azure-stack-hub").vms.BeginPowerOff(ctx, "rg-stack", "vm-stack", nil))
	must(t, err)
	if msg, err := azureProbe(t, second, "rg-hub", "vm-hub", settings, nil); err != nil || stdoutOf(msg) != probeLine(stackVMIP, "20.500") {
		t.Fatalf("after a restart an identical re-PUT still does not rerun the script: %q %v", msg, err)
	}
	settings["timestamp"] = 2
	if msg, err := azureProbe(t, second, "rg-hub", "vm-hub", settings, nil); err != nil || stdoutOf(msg) != probeLine(stackVMIP, "") {
		t.Fatalf("a new timestamp reruns it against the stopped target: %q %v", msg, err)
	}
}
