package service_test

import (
	"bytes"
	"context"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/proto"
)

// TestSecretsNotInHistory runs a deployment and reads its whole Temporal history with a
// client that has no key: neither the shared key nor a VM password appears in it, nor in the
// orchestrator's logs, and the workflow's input is encrypted.
func TestSecretsNotInHistory(t *testing.T) {
	s := deployed(t, "e2e-history", "secrets")
	ctx := context.Background()
	raw := dialTemporal(t, client.Options{Namespace: "default"})
	it := raw.GetWorkflowHistory(ctx, "deployments/secrets", "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	events := 0
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		events++
		b, err := proto.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"e2e-Shared-Key-7f3a", "Sup3r-Secret-Pw"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Fatalf("event %d (%s) holds a secret in clear", e.GetEventId(), e.GetEventType())
			}
		}
	}
	if events < 20 {
		t.Fatalf("read only %d events", events)
	}
	for _, logs := range []string{s.orch.Logs.String()} {
		for _, secret := range []string{"e2e-Shared-Key-7f3a", "Sup3r-Secret-Pw"} {
			if bytes.Contains([]byte(logs), []byte(secret)) {
				t.Fatal("the orchestrator logged a secret")
			}
		}
	}
	if !bytes.Contains(firstInput(t, raw), []byte("binary/encrypted")) {
		t.Fatal("the workflow's input payload is not marked encrypted")
	}
}

// firstInput returns the workflow's start event's input, as stored.
func firstInput(t *testing.T, c client.Client) []byte {
	t.Helper()
	it := c.GetWorkflowHistory(context.Background(), "deployments/secrets", "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	e, err := it.Next()
	if err != nil {
		t.Fatal(err)
	}
	b, err := proto.Marshal(e.GetWorkflowExecutionStartedEventAttributes().GetInput())
	if err != nil {
		t.Fatal(err)
	}
	return b
}
