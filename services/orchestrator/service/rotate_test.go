package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/proto"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// TestRotateSharedKey rotates a READY deployment's key: both connections hold the same new
// key in ARM (read back from armsim), the tunnel is Connected again, the outage is reported,
// and the new key is nowhere in clear: not in Temporal's history, the logs or the answers.
func TestRotateSharedKey(t *testing.T) {
	ctx := context.Background()
	s := deployed(t, "e2e-rotate", "rotate")
	op, err := s.api.RotateSharedKey(ctx, &orchestratorv1.RotateSharedKeyRequest{Name: "deployments/rotate"})
	op = wait(t, s, op, err)
	if e := op.GetError(); e != nil {
		t.Fatalf("rotation failed: %s", e.GetMessage())
	}
	d := getDeployment(t, s, "rotate")
	if d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY || d.GetStatus().GetKeyRotation().GetOutage().AsDuration() <= 0 {
		t.Fatalf("after the rotation: %v", d.GetStatus())
	}
	t.Logf("outage of the rotation: %v (armsim at time scale 0.0005)", d.GetStatus().GetKeyRotation().GetOutage().AsDuration())
	hub := sharedKeyOf(t, s, "azure", "hub-rg", "hub-to-stack", "2024-05-01")
	stack := sharedKeyOf(t, s, "azure-stack-hub", "stack-rg", "stack-to-hub", "2018-11-01")
	if hub != stack || hub == "e2e-Shared-Key-7f3a" || len(hub) < 32 {
		t.Fatalf("keys in ARM after the rotation: hub %d characters, stack %d, equal %v, the old one %v", len(hub), len(stack), hub == stack, hub == "e2e-Shared-Key-7f3a")
	}
	allConnected(t, s, 2, "after the rotation")

	raw := dialTemporal(t, client.Options{Namespace: "default"})
	it := raw.GetWorkflowHistory(ctx, "deployments/rotate", "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := proto.Marshal(e); bytes.Contains(b, []byte(hub)) {
			t.Fatalf("event %d (%s) holds the new key in clear", e.GetEventId(), e.GetEventType())
		}
	}
	for what, text := range map[string]string{"the orchestrator's logs": s.orch.Logs.String(), "the gateway service's logs": s.gw.Logs.String(),
		"the operation": op.String(), "the deployment": d.String()} {
		if strings.Contains(text, hub) {
			t.Errorf("%s hold the new key", what)
		}
	}
}

// sharedKeyOf reads a connection's shared key from armsim, as ARM answers a GET of the
// connection's sharedkey child.
func sharedKeyOf(t *testing.T, s stack, cloudID, group, connection, apiVersion string) string {
	t.Helper()
	path := "/resourceGroups/" + group + "/providers/Microsoft.Network/connections/" + connection + "/sharedkey?api-version=" + apiVersion
	resp, b := arm(t, s, http.MethodGet, cloudID, path)
	var body struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(b, &body); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s in %s: %s, %v", path, cloudID, resp.Status, err)
	}
	return body.Value
}
