package activities_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hybridlink/hybridlink/armsim"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// TestVerifyFails: a connection whose other side does not exist is never Connected, so
// VerifyConnections fails non-retryably with VerifyTimeout, naming it and its status; a
// retry keeps the deadline its first attempt heart-beat; a missing connection is NotFound.
func TestVerifyFails(t *testing.T) {
	h := start(t, armsim.Config{})
	h.network(t, "azure", "1")
	env, _ := h.env()
	must(t, env, h.acts.EnsureVirtualNetworkGateway, gatewayRequest("azure", "VpnGw1"), &gatewayv1.VirtualNetworkGateway{})
	must(t, env, h.acts.EnsureLocalNetworkGateway, localRequest("azure", "198.19.0.250", space("2")), &gatewayv1.LocalNetworkGateway{})
	var conn gatewayv1.Connection
	must(t, env, h.acts.EnsureConnection, connectionRequest("azure"), &conn)

	tests := []struct {
		name     string
		req      workflow.VerifyRequest
		deadline time.Time // heart-beat by an earlier attempt
		typ      string
		message  string
	}{
		{"timeout", workflow.VerifyRequest{Connections: []string{conn.GetName()}, Timeout: 50 * time.Millisecond}, time.Time{},
			workflow.ErrorVerifyTimeout, conn.GetName() + ": NOT_CONNECTED"},
		{"retry past its deadline", workflow.VerifyRequest{Connections: []string{conn.GetName()}, Timeout: time.Hour}, time.Now().Add(-time.Second),
			workflow.ErrorVerifyTimeout, conn.GetName() + ": NOT_CONNECTED"},
		{"missing connection", workflow.VerifyRequest{Connections: []string{rg("azure") + "/connections/nope"}, Timeout: time.Hour}, time.Time{},
			"NotFound", "nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env, _ := h.env()
			if !tc.deadline.IsZero() {
				env.SetHeartbeatDetails(tc.deadline)
			}
			ae := appError(t, execute(t, env, h.acts.VerifyConnections, tc.req, nil))
			if ae.Type() != tc.typ || !ae.NonRetryable() || !strings.Contains(ae.Error(), tc.message) {
				t.Fatalf("want non-retryable %s about %q, got %s (non-retryable %v): %v", tc.typ, tc.message, ae.Type(), ae.NonRetryable(), ae)
			}
		})
	}
}
