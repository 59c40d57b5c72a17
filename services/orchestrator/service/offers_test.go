package service_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestOffers plans, creates (also validate_only) and re-applies specs asking for what the
// clouds do not offer: a VM size the stamp lacks, a location Azure lacks, an image or an
// image version the location lacks. Each is refused naming the field, with offered values
// to pick from, and armsim sees no write across all of them; a fresh plan's ARM reads are
// counted by type.
func TestOffers(t *testing.T) {
	s := start(t, scaled, "e2e-offers")
	ctx := context.Background()
	tests := []struct {
		name   string
		change func(*orchestratorv1.DeploymentSpec)
		field  string
		says   []string
	}{
		{"size the stamp lacks", func(d *orchestratorv1.DeploymentSpec) { d.Sites[1].VirtualMachines[0].Size = "Standard_E64_v5" },
			"deployment.spec.sites[1].virtual_machines[0].size",
			[]string{"VM size Standard_E64_v5 is not offered in location local of cloud azure-stack-hub", "Standard_E16_v3"}},
		{"location Azure lacks", func(d *orchestratorv1.DeploymentSpec) { d.Sites[0].Location = "mars" },
			"deployment.spec.sites[0].location",
			[]string{`location "mars" is not one of cloud azure's locations; use one of`, "eastus"}},
		{"image Azure lacks", func(d *orchestratorv1.DeploymentSpec) { d.Sites[0].VirtualMachines[0].ImageOffer = "no-such-offer" },
			"deployment.spec.sites[0].virtual_machines[0].image_sku",
			[]string{"image Canonical:no-such-offer:22_04-lts is not offered in location eastus of cloud azure"}},
		{"generation 2 image on the stamp", func(d *orchestratorv1.DeploymentSpec) { d.Sites[1].VirtualMachines[0].ImageSku = "22_04-lts-gen2" },
			"deployment.spec.sites[1].virtual_machines[0].image_sku",
			[]string{"image Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2 is not offered in location local"}},
		{"image version the stamp lacks", func(d *orchestratorv1.DeploymentSpec) { d.Sites[1].VirtualMachines[0].ImageVersion = "22.04.202001010" },
			"deployment.spec.sites[1].virtual_machines[0].image_version",
			[]string{"version 22.04.202001010 of image", "22.04.202404230"}},
	}
	type call struct {
		name string
		// findings calls the method and returns its findings (field and description)
		findings func(t *testing.T, d *orchestratorv1.DeploymentSpec) []apierr.Violation
	}
	refused := func(t *testing.T, err error) []apierr.Violation {
		t.Helper()
		if status.Code(err) != codes.InvalidArgument {
			t.Fatalf("want InvalidArgument, got %v", err)
		}
		return servicetest.Violations(err)
	}
	calls := []call{
		{"PlanDeployment", func(t *testing.T, d *orchestratorv1.DeploymentSpec) []apierr.Violation {
			p, err := s.api.PlanDeployment(ctx, &orchestratorv1.PlanDeploymentRequest{Deployment: &orchestratorv1.Deployment{Spec: d}})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.GetChanges()) != 0 {
				t.Errorf("a plan with findings lists changes: %v", p.GetChanges())
			}
			var out []apierr.Violation
			for _, f := range p.GetFindings() {
				out = append(out, apierr.Violation{Field: f.GetField(), Description: f.GetDescription()})
			}
			return out
		}},
		{"CreateDeployment", func(t *testing.T, d *orchestratorv1.DeploymentSpec) []apierr.Violation {
			_, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: "offers", Deployment: &orchestratorv1.Deployment{Spec: d}})
			return refused(t, err)
		}},
		{"CreateDeployment validate_only", func(t *testing.T, d *orchestratorv1.DeploymentSpec) []apierr.Violation {
			_, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: "offers", ValidateOnly: true,
				Deployment: &orchestratorv1.Deployment{Spec: d}})
			return refused(t, err)
		}},
		{"UpdateDeployment", func(t *testing.T, d *orchestratorv1.DeploymentSpec) []apierr.Violation {
			_, err := s.api.UpdateDeployment(ctx, &orchestratorv1.UpdateDeploymentRequest{Deployment: &orchestratorv1.Deployment{Name: "deployments/offers", Spec: d}})
			return refused(t, err)
		}},
	}
	if err := s.sim.Admin.ResetCounters(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range calls {
		for _, tc := range tests {
			t.Run(c.name+"/"+tc.name, func(t *testing.T) {
				d := hybridSpec()
				tc.change(d)
				found := c.findings(t, d)
				if len(found) != 1 || found[0].Field != tc.field {
					t.Fatalf("want one finding on %s, got %+v", tc.field, found)
				}
				for _, want := range tc.says {
					if !strings.Contains(found[0].Description, want) {
						t.Errorf("the finding should say %q: %s", want, found[0].Description)
					}
				}
			})
		}
	}
	if n := servicetest.Writes(t, s.sim); n != 0 {
		t.Fatalf("refused deployments made %d writes in ARM, want 0", n)
	}
	if _, err := s.api.GetDeployment(ctx, &orchestratorv1.GetDeploymentRequest{Name: "deployments/offers"}); status.Code(err) != codes.NotFound {
		t.Fatalf("a refused create started the deployment: %v", err)
	}

	// what a fresh plan reads from ARM, by type: one list of locations per cloud, of sizes
	// per (cloud, location) and of versions per image, then one GET per planned resource
	if err := s.sim.Admin.ResetCounters(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.api.PlanDeployment(ctx, &orchestratorv1.PlanDeploymentRequest{Deployment: &orchestratorv1.Deployment{Spec: hybridSpec()}}); err != nil {
		t.Fatal(err)
	}
	counts, err := s.sim.Admin.Counters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byType, total := map[string]int64{}, int64(0)
	for _, c := range counts {
		if !c.ARM() {
			continue // the services' first logins
		}
		byType[c.Type] += c.Count
		total += c.Count
		if c.Method != http.MethodGet {
			t.Errorf("planning sent %s %s", c.Method, c.Type)
		}
	}
	for typ, want := range map[string]int64{"Microsoft.Resources/locations": 2, "Microsoft.Compute/locations/vmSizes": 2, "Microsoft.Compute/locations/publishers": 2} {
		if byType[typ] != want {
			t.Errorf("a plan read %s %d times, want %d", typ, byType[typ], want)
		}
	}
	t.Logf("a fresh plan made %d ARM requests: %v", total, byType)

	// a create reads what the clouds offer (this stack caches none) and no resource: a new
	// deployment has created no gateway it could replace, and a burst of creates must not
	// spend ARM's read budget on asking
	if err := s.sim.Admin.ResetCounters(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.api.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: "offers", ValidateOnly: true,
		Deployment: &orchestratorv1.Deployment{Spec: hybridSpec()}}); err != nil {
		t.Fatal(err)
	}
	if counts, err = s.sim.Admin.Counters(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		if c.ARM() && !strings.Contains(c.Type, "/locations") {
			t.Errorf("a create (validate_only) sent %d %s %s to %s", c.Count, c.Method, c.Type, c.Cloud)
		}
	}
}
