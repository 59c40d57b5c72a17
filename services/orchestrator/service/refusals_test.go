package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestRefusals sends hostile deployments over gRPC (create, plan, update) and REST
// (create): each is refused naming its field, without quoting a secret or echoing what it
// was sent, and nothing reaches ARM or starts a workflow.
func TestRefusals(t *testing.T) {
	ctx := context.Background()
	s := start(t, scaled, "e2e-refusals")
	if err := s.sim.Admin.ResetCounters(ctx); err != nil {
		t.Fatal(err)
	}
	huge := strings.Repeat("h", 1<<20)
	vms := func(n int) func(d *orchestratorv1.Deployment) {
		return func(d *orchestratorv1.Deployment) {
			site := d.Spec.Sites[0]
			site.WorkloadSubnetPrefix = "10.1.0.0/20"
			vm := site.VirtualMachines[0]
			site.VirtualMachines = nil
			for i := range n {
				c := proto.Clone(vm).(*orchestratorv1.VirtualMachineSpec)
				c.Name = fmt.Sprintf("vm%d", i)
				site.VirtualMachines = append(site.VirtualMachines, c)
			}
		}
	}
	for _, tc := range []struct {
		name   string
		id     string // the deployment_id; "refused" when empty
		mutate func(d *orchestratorv1.Deployment)
		field  string
		// secret is what no refusal may quote.
		secret string
		// createOnly rows are about CreateDeployment's own fields.
		createOnly bool
	}{
		{name: "a name other than the deployment_id's", mutate: func(d *orchestratorv1.Deployment) { d.Name = "deployments/other" },
			field: "deployment.name", createOnly: true},
		{name: "a name of a megabyte", mutate: func(d *orchestratorv1.Deployment) { d.Name = huge }, field: "deployment.name", createOnly: true},
		{name: "a deployment_id of a megabyte", id: huge, mutate: func(*orchestratorv1.Deployment) {}, field: "deployment_id", createOnly: true},
		{name: "a shared key of three spaces", mutate: func(d *orchestratorv1.Deployment) { d.Spec.Connection.SharedKey = "   " },
			field: "deployment.spec.connection.shared_key", secret: "   "},
		{name: "a shared key with a leading space", mutate: func(d *orchestratorv1.Deployment) { d.Spec.Connection.SharedKey = " Lead-Space-Key-1" },
			field: "deployment.spec.connection.shared_key", secret: "Lead-Space-Key-1"},
		{name: "a shared key with a line break", mutate: func(d *orchestratorv1.Deployment) { d.Spec.Connection.SharedKey = "Line-Break-Key-2\n" },
			field: "deployment.spec.connection.shared_key", secret: "Line-Break-Key-2"},
		{name: "a site of 2000 VMs", mutate: vms(2000), field: "deployment.spec.sites[0].virtual_machines"},
		{name: "a site of 101 VMs", mutate: vms(101), field: "deployment.spec.sites[0].virtual_machines"},
		{name: "an image offer of a megabyte", mutate: func(d *orchestratorv1.Deployment) { d.Spec.Sites[1].VirtualMachines[0].ImageOffer = huge },
			field: "deployment.spec.sites[1].virtual_machines[0].image_offer"},
		{name: "a password of a megabyte", mutate: func(d *orchestratorv1.Deployment) { d.Spec.Sites[0].VirtualMachines[0].AdminPassword = "Pw-1" + huge },
			field: "deployment.spec.sites[0].virtual_machines[0].admin_password", secret: "Pw-1hhhh"},
		{name: "two spokes on one stamp", mutate: func(d *orchestratorv1.Deployment) {
			third := proto.Clone(d.Spec.Sites[1]).(*orchestratorv1.Site)
			third.Name, third.ResourceGroup, third.AddressPrefixes = "stack2", "stack2-rg", []string{"10.9.0.0/16"}
			third.WorkloadSubnetPrefix, third.GatewaySubnetPrefix = "10.9.1.0/24", "10.9.255.0/27"
			d.Spec.Sites = append(d.Spec.Sites, third)
		}, field: "deployment.spec.sites[2].cloud"},
		{name: "601 address prefixes", mutate: func(d *orchestratorv1.Deployment) {
			for i := range 600 {
				d.Spec.Sites[1].AddressPrefixes = append(d.Spec.Sites[1].AddressPrefixes, fmt.Sprintf("172.16.%d.%d/32", i/256, i%256))
			}
		}, field: "deployment.spec.sites[1].address_prefixes"},
		{name: "a spec of 320 KiB", mutate: func(d *orchestratorv1.Deployment) {
			vm := d.Spec.Sites[0].VirtualMachines[0]
			vm.AdminPassword, vm.SshPublicKeys = "", nil
			for range 10 {
				vm.SshPublicKeys = append(vm.SshPublicKeys, "ssh-rsa "+strings.Repeat("A", 8000))
			}
			vms(4)(d)
		}, field: "deployment.spec"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &orchestratorv1.Deployment{Spec: hybridSpec()}
			tc.mutate(d)
			id := tc.id
			if id == "" {
				id = "refused"
			}
			check := func(how string, err error) {
				t.Helper()
				if status.Code(err) != codes.InvalidArgument || !servicetest.HasViolation(err, tc.field) {
					t.Fatalf("%s: want InvalidArgument naming %s, got %.300v", how, tc.field, err)
				}
				quoted(t, how, []byte(status.Convert(err).Message()), tc.secret)
			}
			_, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: id, Deployment: d})
			check("gRPC create", err)

			body, err := protojson.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			if len(id) < 1024 { // a megabyte is no URL
				resp, got := postJSON(t, s.orch.HTTP, s.orch.REST+"/v1/deployments?deploymentId="+url.QueryEscape(id), body)
				var e struct {
					Details []struct {
						FieldViolations []struct{ Field string } `json:"fieldViolations"`
					} `json:"details"`
				}
				_ = json.Unmarshal(got, &e)
				var fields []string
				for _, d := range e.Details {
					for _, f := range d.FieldViolations {
						fields = append(fields, f.Field)
					}
				}
				if resp.StatusCode != http.StatusBadRequest || !slices.Contains(fields, tc.field) {
					t.Fatalf("REST create: %s naming %v; want 400 naming %s", resp.Status, fields, tc.field)
				}
				quoted(t, "REST create", got, tc.secret)
			}
			if tc.createOnly {
				return
			}
			plan, err := s.api.PlanDeployment(ctx, &orchestratorv1.PlanDeploymentRequest{Deployment: d})
			if err != nil || len(plan.GetChanges()) != 0 || !slices.ContainsFunc(plan.GetFindings(), func(f *orchestratorv1.Finding) bool { return f.GetField() == tc.field }) {
				t.Fatalf("plan: %.300v %v; want a finding on %s and no change", plan, err, tc.field)
			}
			b, _ := proto.Marshal(plan)
			quoted(t, "plan", b, tc.secret)
			d.Name = "deployments/refused"
			_, err = s.api.UpdateDeployment(ctx, &orchestratorv1.UpdateDeploymentRequest{Deployment: d})
			check("gRPC update", err)
		})
	}
	if n := armWrites(t, s); n != 0 {
		t.Fatalf("refused deployments wrote %d times to ARM", n)
	}
	if l, err := s.api.ListDeployments(ctx, &orchestratorv1.ListDeploymentsRequest{}); err != nil || len(l.GetDeployments()) != 0 {
		t.Fatalf("refused deployments were started: %v %v", l, err)
	}
}

// quoted fails the test when a refusal quotes secret or echoes kilobytes of what it was
// sent.
func quoted(t *testing.T, how string, refusal []byte, secret string) {
	t.Helper()
	if secret != "" && bytes.Contains(refusal, []byte(secret)) {
		t.Fatalf("%s: the refusal quotes the secret", how)
	}
	if bytes.Contains(refusal, []byte(strings.Repeat("h", 64))) || len(refusal) > 16<<10 {
		t.Fatalf("%s: the refusal echoes what it was sent (%d bytes)", how, len(refusal))
	}
}
