package cli

import (
	"context"
	"strings"
	"testing"
)

// TestHubExamples applies examples/hub-and-spokes.yaml, then attach-to-existing-hub.yaml
// on its hub's adopted network and gateway, as their comments say, and destroys the
// attachment, which leaves the hub's gateway, then the hub.
func TestHubExamples(t *testing.T) {
	const dir = "../../../../examples/"
	code, out, errs := run(t, "apply", "--yes", "-f", dir+"hub-and-spokes.yaml")
	t.Cleanup(func() { run(t, "destroy", "hub-and-spokes", "--yes") })
	if code != ExitOK {
		t.Fatalf("apply hub-and-spokes.yaml: exit %d\n%s\n%s", code, out, errs)
	}
	t.Log(out)
	contains(t, "apply hub-and-spokes.yaml", out, "+ create     hub/connection/edge3", "hub    hub    azure", "edge3  spoke  stamp3")
	if n := strings.Count(out, "CONNECTED"); n != 6 {
		t.Errorf("the hub and its three spokes show %d connections CONNECTED, want 6:\n%s", n, out)
	}

	code, out, errs = run(t, "apply", "--yes", "-f", dir+"attach-to-existing-hub.yaml")
	t.Cleanup(func() { run(t, "destroy", "attach-edge4", "--yes") })
	if code != ExitOK {
		t.Fatalf("apply attach-to-existing-hub.yaml: exit %d\n%s\n%s", code, out, errs)
	}
	t.Log(out)
	contains(t, "apply attach-to-existing-hub.yaml", out, "= adopt      core/vpn-gateway", "2 adopted", "core/vpn-gateway                   adopted, read in",
		"(adopted)", "adopted, read and never changed or deleted: core/virtual-network, core/vpn-gateway")
	if code, out, _ := run(t, "apply", "--yes", "-f", dir+"attach-to-existing-hub.yaml"); code != ExitOK || !strings.Contains(out, "No changes") {
		t.Errorf("re-apply of the attachment: exit %d, want no changes:\n%s", code, out)
	}
	if code, out, errs := run(t, "destroy", "attach-edge4", "--yes"); code != ExitOK {
		t.Fatalf("destroy attach-edge4: exit %d\n%s\n%s", code, out, errs)
	}
	rs, err := theStack.Sim.Admin.Resources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var gateway bool
	for _, r := range rs {
		if strings.Contains(r.ID, "edge4") {
			t.Errorf("destroying the attachment left %s", r.ID)
		}
		gateway = gateway || strings.HasSuffix(r.ID, "/virtualNetworkGateways/hub-gw")
	}
	if !gateway {
		t.Error("destroying the attachment deleted the adopted hub gateway")
	}
	if code, out, _ := run(t, "get", "hub-and-spokes"); code != ExitOK || strings.Count(out, "CONNECTED") != 6 {
		t.Errorf("the hub after the attachment is gone: exit %d\n%s", code, out)
	}
}
