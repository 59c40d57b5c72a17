package workflow

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/deployrules"
)

// Temporal's limits on one workflow, the server's defaults (go.temporal.io/server
// v1.29.1, common/dynamicconfig/constants.go), which any deployment within deployrules.Limits
// must stay under.
const (
	// pendingActivitiesLimit is limit.numPendingActivities.error: past it the workflow
	// task that schedules one more activity fails, for ever.
	pendingActivitiesLimit = 2000
	// blobSizeWarn and blobSizeLimit are limit.blobSize.warn and .error, per payload.
	blobSizeWarn, blobSizeLimit = 512 << 10, 2 << 20
)

// largest returns the largest deployment deployrules.Limits lets through: a hub and
// deployrules.MaxSites-1 spokes, two sites of deployrules.MaxVirtualMachines VMs (the most a
// deployment has), each VM with an SSH key as long as keeps the spec within
// deployrules.MaxSpecBytes.
func largest(t *testing.T) Input {
	t.Helper()
	in := input(func(s *orchestratorv1.DeploymentSpec) {
		for i := len(s.Sites); i < deployrules.MaxSites; i++ {
			spoke := proto.Clone(s.Sites[1]).(*orchestratorv1.Site)
			spoke.Name, spoke.Cloud, spoke.VirtualMachines = fmt.Sprintf("spoke%02d", i), fmt.Sprintf("stamp%02d", i), nil
			spoke.AddressPrefixes = []string{fmt.Sprintf("10.%d.0.0/16", 10+i)}
			s.Sites = append(s.Sites, spoke)
		}
		for _, site := range s.Sites[:2] {
			vm := site.VirtualMachines[0]
			site.VirtualMachines = nil
			for i := range deployrules.MaxVirtualMachines {
				c := proto.Clone(vm).(*orchestratorv1.VirtualMachineSpec)
				c.Name = fmt.Sprintf("%s-vm-%03d", site.GetName(), i)
				site.VirtualMachines = append(site.VirtualMachines, c)
			}
		}
	})
	keyLen := (deployrules.MaxSpecBytes - proto.Size(in.Spec)) / (2 * deployrules.MaxVirtualMachines) * 98 / 100
	for _, site := range in.Spec.Sites[:2] {
		for _, vm := range site.VirtualMachines {
			vm.SshPublicKeys = []string{"ssh-rsa " + strings.Repeat("A", keyLen)}
		}
	}
	if size := proto.Size(in.Spec); size > deployrules.MaxSpecBytes || size < deployrules.MaxSpecBytes*95/100 {
		t.Fatalf("the largest spec is %d bytes; want close to, and within, %d", size, deployrules.MaxSpecBytes)
	}
	return in
}

// TestLargestDeploymentFits runs the largest deployment deployrules.Limits lets through: every
// step runs, no more activities are pending at once than Temporal takes, and the payloads
// the workflow writes (the input it continues as new with, its status, the result of an
// update) stay below Temporal's payload warning.
func TestLargestDeploymentFits(t *testing.T) {
	f, can, next := continued(t, largest(t))
	if got, want := len(next.Status.GetSteps()), 4*deployrules.MaxSites+2*2*(deployrules.MaxSites-1)+2*deployrules.MaxDeploymentVirtualMachines+1; got != want || next.Status.GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatalf("%s with %d steps; want READY with %d (%s)", next.Status.GetState(), got, want, next.Status.GetError())
	}

	// the most activities running at once: a sweep over every attempt's start and end
	type edge struct {
		at    time.Time
		delta int
	}
	var edges []edge
	for _, spans := range f.runs {
		for _, s := range spans {
			edges = append(edges, edge{s.start, 1}, edge{s.end, -1})
		}
	}
	slices.SortFunc(edges, func(a, b edge) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.delta - b.delta // an activity ending as another starts frees its place first
	})
	most, now := 0, 0
	for _, e := range edges {
		now += e.delta
		most = max(most, now)
	}
	if most > pendingActivitiesLimit/4 {
		t.Errorf("%d activities pending at once; want at most a quarter of Temporal's %d", most, pendingActivitiesLimit)
	}

	view, err := converter.GetDefaultDataConverter().ToPayload((&deployment{in: next, status: next.Status}).view())
	if err != nil {
		t.Fatal(err)
	}
	for what, size := range map[string]int{"the continue-as-new input": proto.Size(can.Input), "the status (an update's result)": proto.Size(view)} {
		if size > blobSizeWarn {
			t.Errorf("%s is %d bytes; Temporal warns past %d and fails past %d", what, size, blobSizeWarn, blobSizeLimit)
		}
		t.Logf("%s: %d bytes, %d pending activities at most", what, size, most)
	}
}

// TestPriorities: a gateway's PUT leaves a write queue first, every other step after it.
func TestPriorities(t *testing.T) {
	for kind, want := range map[string]int{
		kindGateway: 1, kindResourceGroup: 2, kindVirtualNetwork: 2, kindPublicIP: 2,
		kindLocalGateway: 2, kindConnection + "/spoke-1": 2, kindProbe + "/vm1": 2,
		kindNetworkInterface + "/vm1": 2, kindVirtualMachine + "/vm1": 2,
	} {
		if got := priorityOf(kind); got != want {
			t.Errorf("%s: priority %d, want %d", kind, got, want)
		}
	}
}
