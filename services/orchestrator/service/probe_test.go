package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestProbe: a deployment is READY with its probe matrix (each VM reaches the other site's
// through the tunnel, as armsim's network model answers hybridlink's probe script run by the
// CustomScript extension); a VM stopped behind hybridlink's back makes ProbeDeployment fail
// the deployment, saying which VM cannot be reached.
func TestProbe(t *testing.T) {
	ctx := context.Background()
	s := deployed(t, "e2e-probe", "probe")
	d := getDeployment(t, s, "probe")
	probes := d.GetStatus().GetOutputs().GetProbes()
	if len(probes) != 2 {
		t.Fatalf("probes %v; want hub-vm to stack-vm and back", probes)
	}
	for _, p := range probes {
		if !p.GetIcmp() || !p.GetTcp() || p.GetRttMs() <= 0 {
			t.Errorf("probe %v", p)
		}
	}

	for deadline := time.Now().Add(30 * time.Second); !metricIs(metricsOf(t, s.orch), "hybridlink_probe_reached", `deployment="probe"`, `source="hub/hub-vm"`, `target="stack/stack-vm"`, "1"); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the orchestrator's metrics do not show the probe")
		}
		if _, err := s.api.GetDeployment(ctx, &orchestratorv1.GetDeploymentRequest{Name: "deployments/probe"}); err != nil {
			t.Fatal(err)
		}
	}

	compute := computev1.NewComputeServiceClient(s.cmp.Conn)
	stop, err := compute.StopVirtualMachine(ctx, &computev1.StopVirtualMachineRequest{Name: "clouds/azure-stack-hub/resourceGroups/stack-rg/virtualMachines/stack-vm"})
	servicetest.Wait(t, longrunningpb.NewOperationsClient(s.cmp.Conn), stop, err)
	op, err := s.api.ProbeDeployment(ctx, &orchestratorv1.ProbeDeploymentRequest{Name: "deployments/probe"})
	wait(t, s, op, err)
	after := getDeployment(t, s, "probe")
	if after.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED || !strings.Contains(after.GetStatus().GetError(), "cannot reach stack/stack-vm") {
		t.Fatalf("after stopping stack-vm the probe says %v: %s", after.GetStatus().GetState(), after.GetStatus().GetError())
	}
}
