package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDestroyLists destroys a deployment that adopted another's hub network and gateway, on
// a terminal: it lists what it deletes and what it leaves, by site, before asking; no
// keeps everything, Y goes on, and the adopted hub is still there afterwards.
func TestDestroyLists(t *testing.T) {
	if code, out, errs := run(t, "apply", "--yes", "-f", spec(t, "hubx", nil)); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errs)
	}
	t.Cleanup(func() { run(t, "destroy", "--yes", "hubx") })
	attach := filepath.Join(t.TempDir(), "attach.yaml")
	if err := os.WriteFile(attach, []byte(`name: deployments/attach
spec:
  hub: core
  sites:
    - name: core
      cloud: azure
      resourceGroup: hubx-hub-rg
      existing: {virtualNetwork: hub-vnet, vpnGateway: hub-gw}
    - name: edge
      cloud: stamp4
      resourceGroup: attach-edge-rg
      addressPrefixes: [10.14.0.0/16]
      workloadSubnetPrefix: 10.14.1.0/24
      gatewaySubnetPrefix: 10.14.255.0/27
`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := run(t, "apply", "--yes", "-f", attach); code != ExitOK {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errs)
	}
	listing := []string{
		"Destroying deployments/attach deletes the 8 resources it created:\n  core (azure):\n    - clouds/azure/resourceGroups/hubx-hub-rg/localNetworkGateways/core-to-edge\n",
		"  edge (stamp4):\n    - clouds/stamp4/resourceGroups/attach-edge-rg\n",
		"and leaves the 2 it adopted, read and never changed:\n  core (azure):\n    = clouds/azure/resourceGroups/hubx-hub-rg/virtualNetworks/hub-vnet\n    = clouds/azure/resourceGroups/hubx-hub-rg/virtualNetworkGateways/hub-gw\n" +
			"Delete the 8 resources deployments/attach created? Only 'y' or 'yes' goes on: ",
	}
	code, out, errs := runIO(t, IO{In: strings.NewReader("n\n"), Interactive: true}, "destroy", "attach")
	for _, w := range listing {
		if code != ExitFailed || !strings.Contains(out, w) || !strings.Contains(errs, "not confirmed; nothing was changed") {
			t.Errorf("destroy answered n: exit %d, want 1 and %q\n%s%s", code, w, out, errs)
		}
	}
	if code, out, errs := runIO(t, IO{In: strings.NewReader("Y\n"), Interactive: true}, "destroy", "attach"); code != ExitOK || !strings.Contains(out, "deployments/attach is deleted") {
		t.Fatalf("destroy answered Y: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run(t, "check", "hubx"); code != ExitOK {
		t.Errorf("the adopted hub did not stay as it was: check exit %d\n%s%s", code, out, errs)
	}
}
