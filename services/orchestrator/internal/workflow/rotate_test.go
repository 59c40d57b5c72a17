package workflow

import (
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/types/known/durationpb"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// newKey is the key the rotation tests set.
const newKey = "Rotated-Key-0b7c41d9"

// TestRotateKey rotates the key of a hub with the stack and one spoke: every end gets the
// new key, verify runs after, the outage is recorded, and a re-apply keeps the new key.
func TestRotateKey(t *testing.T) {
	f := newFake(t)
	var rotate, reapply func() (*orchestratorv1.Deployment, error)
	f.env.RegisterDelayedCallback(func() { rotate = f.update(t, UpdateRotateKey, RotateKeyInput{Key: newKey}) }, ready)
	f.env.RegisterDelayedCallback(func() {
		reapply = f.update(t, UpdateApply, input(spokes(1), func(s *orchestratorv1.DeploymentSpec) { s.Connection.SharedKey = "" }))
	}, 2*ready)
	f.run(t, input(spokes(1)), 3*ready)
	d, err := rotate()
	if err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Fatalf("rotation: %v, %v", d.GetStatus(), err)
	}
	ends := []string{hubGroup + "/connections/hub-to-stack", hubGroup + "/connections/hub-to-edge1", stackConn, edge(1, "connections", "edge1-to-hub")}
	for _, c := range ends {
		if r, _ := f.request(keyOf(c)).(*gatewayv1.SetConnectionSharedKeyRequest); r.GetSharedKey() != newKey {
			t.Errorf("%s got key %q", c, r.GetSharedKey())
		}
	}
	kr := d.GetStatus().GetKeyRotation()
	if kr.GetOutage().AsDuration() != latencies[SetSharedKey]*2+latencies[VerifyConnections] {
		// the hub's two ends one after the other, then verify
		t.Errorf("outage %v", kr.GetOutage().AsDuration())
	}
	if strings.Contains(d.String(), newKey) {
		t.Error("the rotation's result shows the key")
	}
	if _, err := reapply(); err != nil {
		t.Fatal(err)
	}
	if got := f.request(stackConn).(*gatewayv1.CreateConnectionRequest).GetConnection().GetSharedKey(); got != newKey {
		t.Errorf("a re-apply after the rotation sent key %q, want the new one", got)
	}
}

// TestRotateKeyFailure fails one end for good: the ends that took the new key get the old
// one back, and the deployment is FAILED saying so; a deployment not READY refuses.
func TestRotateKeyFailure(t *testing.T) {
	f := newFake(t)
	f.fail(keyOf(stackConn), temporal.NewNonRetryableApplicationError("gone", "NotFound", nil))
	var rotate, refused func() (*orchestratorv1.Deployment, error)
	f.env.RegisterDelayedCallback(func() { rotate = f.update(t, UpdateRotateKey, RotateKeyInput{Key: newKey}) }, ready)
	f.env.RegisterDelayedCallback(func() { refused = f.update(t, UpdateRotateKey, RotateKeyInput{Key: newKey}) }, 2*ready)
	f.run(t, input(), 3*ready)
	d, err := rotate()
	if err != nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_FAILED || !strings.Contains(d.GetStatus().GetError(), "every connection has the old key again") {
		t.Fatalf("rotation with a failing end: %v, %v", d.GetStatus(), err)
	}
	if r := f.request(keyOf(hubConn)).(*gatewayv1.SetConnectionSharedKeyRequest); r.GetSharedKey() != sharedKey || len(f.attempts(keyOf(hubConn))) != 2 {
		t.Errorf("the hub's end: last key %q after %d settings; want the old key put back", r.GetSharedKey(), len(f.attempts(keyOf(hubConn))))
	}
	if n := len(f.attempts(keyOf(stackConn))); n != 1 {
		t.Errorf("the failed end was set %d times; want once, and not restored", n)
	}
	if _, err := refused(); err == nil || !strings.Contains(err.Error(), "READY") {
		t.Errorf("a rotation of a FAILED deployment: %v; want refused", err)
	}
}

// TestScheduledRotation: with connection.rotate_every a READY deployment rotates its key
// that often, with a new one.
func TestScheduledRotation(t *testing.T) {
	f := newFake(t)
	d := f.run(t, input(func(s *orchestratorv1.DeploymentSpec) {
		s.Connection.RotateEvery = durationpb.New(2 * time.Hour)
	}), 7*time.Hour)
	if n := len(f.attempts(keyOf(stackConn))); n < 2 || n > 3 {
		t.Errorf("the key was set %d times in 7 hours with rotate_every 2h, want 2 or 3", n)
	}
	last := f.request(keyOf(stackConn)).(*gatewayv1.SetConnectionSharedKeyRequest).GetSharedKey()
	if last == sharedKey || last == "" || d.GetStatus().GetKeyRotation() == nil || d.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		t.Errorf("after scheduled rotations: %v", d.GetStatus())
	}
}
