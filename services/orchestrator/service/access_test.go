package service_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/auth"
	"github.com/hybridlink/hybridlink/platform/servicetest"
)

// TestAccess runs the whole stack and checks who may do what: a viewer plans but cannot
// apply, an operator applies and cancels but cannot destroy, only the orchestrator and admins
// reach the resource services, and a web page's cross-origin or rebinding request reaches
// nothing. Every refusal is PERMISSION_DENIED or UNAUTHENTICATED (403/401 over REST) saying
// what is missing, and armsim sees no write across them all.
func TestAccess(t *testing.T) {
	s := start(t, scaled, "e2e-access")
	ctx := context.Background()
	as := func(r auth.Role) orchestratorv1.OrchestratorServiceClient {
		return orchestratorv1.NewOrchestratorServiceClient(s.orch.DialAs(t, r))
	}
	create := &orchestratorv1.CreateDeploymentRequest{DeploymentId: "access", Deployment: &orchestratorv1.Deployment{Spec: hybridSpec()}}
	plan := &orchestratorv1.PlanDeploymentRequest{Deployment: &orchestratorv1.Deployment{Name: "deployments/access", Spec: hybridSpec()}}
	del := &orchestratorv1.DeleteDeploymentRequest{Name: "deployments/access"}
	listRG := &networkv1.ListResourceGroupsRequest{Parent: "clouds/azure"}
	for _, tc := range []struct {
		name    string
		call    func() error
		code    codes.Code
		message string
	}{
		{"no credential", func() error {
			_, err := as("").ListDeployments(ctx, &orchestratorv1.ListDeploymentsRequest{})
			return err
		}, codes.Unauthenticated, "no credential"},
		{"viewer lists", func() error {
			_, err := as(auth.Viewer).ListDeployments(ctx, &orchestratorv1.ListDeploymentsRequest{})
			return err
		}, codes.OK, ""},
		{"viewer plans", func() error { _, err := as(auth.Viewer).PlanDeployment(ctx, plan); return err }, codes.OK, ""},
		{"viewer applies", func() error { _, err := as(auth.Viewer).CreateDeployment(ctx, create); return err }, codes.PermissionDenied, "dev-viewer has the role viewer; CreateDeployment needs operator (or admin)"},
		{"orchestrator identity calls the orchestrator", func() error { _, err := as(auth.Orchestrator).CreateDeployment(ctx, create); return err }, codes.PermissionDenied, "needs operator"},
		{"operator destroys", func() error { _, err := as(auth.Operator).DeleteDeployment(ctx, del); return err }, codes.PermissionDenied, "DeleteDeployment needs admin"},
		{"operator calls a resource service", func() error {
			_, err := networkv1.NewNetworkServiceClient(s.net.DialAs(t, auth.Operator)).ListResourceGroups(ctx, listRG)
			return err
		}, codes.PermissionDenied, "needs orchestrator (or admin)"},
		{"viewer calls a resource service", func() error {
			_, err := networkv1.NewNetworkServiceClient(s.net.DialAs(t, auth.Viewer)).ListResourceGroups(ctx, listRG)
			return err
		}, codes.PermissionDenied, "needs orchestrator (or admin)"},
		{"orchestrator calls a resource service", func() error {
			_, err := networkv1.NewNetworkServiceClient(s.net.DialAs(t, auth.Orchestrator)).ListResourceGroups(ctx, listRG)
			return err
		}, codes.OK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if status.Code(err) != tc.code || !strings.Contains(status.Convert(err).Message(), tc.message) {
				t.Errorf("%v, want %s with %q", err, tc.code, tc.message)
			}
		})
	}

	// A web page the operator visits posts a deployment cross-origin as text/plain (no
	// preflight), or through a rebinding name: refused, with the operator's token even.
	body, _ := protojson.Marshal(&orchestratorv1.Deployment{Spec: hybridSpec()})
	operator := "Bearer " + s.orch.Token(t, auth.Operator)
	for _, tc := range []struct {
		name   string
		header map[string]string
		host   string
		status int
	}{
		{"cross-origin text/plain", map[string]string{"Content-Type": "text/plain", "Origin": "https://evil.example"}, "", http.StatusForbidden},
		{"cross-origin text/plain with a token", map[string]string{"Content-Type": "text/plain", "Origin": "https://evil.example", "Authorization": operator}, "", http.StatusForbidden},
		{"foreign Host", map[string]string{"Content-Type": "application/json", "Authorization": operator}, "rebind.evil.example:8090", http.StatusMisdirectedRequest},
		{"same origin text/plain", map[string]string{"Content-Type": "text/plain", "Authorization": operator}, "", http.StatusUnsupportedMediaType},
		{"no credential", map[string]string{"Content-Type": "application/json"}, "", http.StatusUnauthorized},
		{"viewer", map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + s.orch.Token(t, auth.Viewer)}, "", http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := request(t, http.MethodPost, s.orch.REST+"/v1/deployments?deploymentId=csrf", bytes.NewReader(body), tc.header)
			if tc.host != "" {
				req.Host = tc.host
			}
			resp, b := do(t, http.DefaultClient, req)
			if resp.StatusCode != tc.status {
				t.Errorf("%d %s, want %d", resp.StatusCode, b, tc.status)
			}
		})
	}
	if _, err := s.api.GetDeployment(ctx, &orchestratorv1.GetDeploymentRequest{Name: "deployments/csrf"}); status.Code(err) != codes.NotFound {
		t.Errorf("a refused REST create left a deployment: %v", err)
	}
	if _, err := s.api.GetDeployment(ctx, &orchestratorv1.GetDeploymentRequest{Name: "deployments/access"}); status.Code(err) != codes.NotFound {
		t.Errorf("a refused create left a deployment: %v", err)
	}
	if n := servicetest.Writes(t, s.sim); n != 0 {
		t.Errorf("armsim saw %d writes across the refusals", n)
	}
	// A REST stream carries the caller's identity into the gRPC stream too.
	for role, want := range map[auth.Role]int{auth.Viewer: http.StatusNotFound, "": http.StatusUnauthorized} {
		req := request(t, http.MethodGet, s.orch.REST+"/v1/deployments/missing:watch", nil, nil)
		if role != "" {
			req.Header.Set("Authorization", "Bearer "+s.orch.Token(t, role))
		}
		resp, b := do(t, http.DefaultClient, req)
		if resp.StatusCode != want && !(want == http.StatusNotFound && strings.Contains(string(b), "does not exist")) {
			t.Errorf("watch as %q: %d %s, want %d", role, resp.StatusCode, b, want)
		}
	}
	// The REST face's own errors name the field.
	resp, b := do(t, http.DefaultClient, request(t, http.MethodPost, s.orch.REST+"/v1/deployments?deploymentId=typed",
		strings.NewReader(`{"spec":{"sites":[{"name":5}]}}`), map[string]string{"Content-Type": "application/json", "Authorization": operator}))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "spec.sites[0].name: want a string") {
		t.Errorf("a wrong type: %d %s, want 400 naming spec.sites[0].name", resp.StatusCode, b)
	}
}
