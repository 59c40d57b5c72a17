package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/hybridlink/hybridlink/services/orchestrator/internal/activities"
)

// TestLimiter: a cloud gets its burst at once, then waits for the refill, which a done or
// too short context does not wait for; each cloud has its own bucket.
func TestLimiter(t *testing.T) {
	l := activities.NewLimiter(0.001, 2) // one write refilled every 1000 s
	for range 2 {
		if err := l.Wait(ctx, "azure"); err != nil {
			t.Fatal(err)
		}
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	short, cancelShort := context.WithTimeout(ctx, time.Minute)
	defer cancelShort()
	for name, c := range map[string]context.Context{"canceled": canceled, "deadline before the refill": short} {
		if err := l.Wait(c, "azure"); err == nil {
			t.Fatalf("%s: a write past the burst must wait for the refill", name)
		}
	}
	if err := l.Wait(ctx, "azure-stack-hub"); err != nil {
		t.Fatalf("another cloud's bucket is full: %v", err)
	}
	d := activities.DefaultLimiter()
	for range activities.DefaultWriteBurst {
		if err := d.Wait(ctx, "azure"); err != nil {
			t.Fatal(err)
		}
	}
}
