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
		if err := l.Wait(ctx, "azure", nil, time.Second); err != nil {
			t.Fatal(err)
		}
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	short, cancelShort := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancelShort()
	for name, c := range map[string]context.Context{"canceled": canceled, "deadline before the refill": short} {
		if err := l.Wait(c, "azure", nil, time.Second); err == nil {
			t.Fatalf("%s: a write past the burst must wait for the refill", name)
		}
	}
	if err := l.Wait(ctx, "azure-stack-hub", nil, time.Second); err != nil {
		t.Fatalf("another cloud's bucket is full: %v", err)
	}
	d := activities.NewLimiter(activities.DefaultWriteRate, activities.DefaultWriteBurst)
	for range activities.DefaultWriteBurst {
		if err := d.Wait(ctx, "azure", nil, time.Second); err != nil {
			t.Fatal(err)
		}
	}
}

// TestLimiterBeats: a write waiting its turn calls beat between tries (the activity
// heart-beats, so a long queue never times its attempt out), and stops when its context ends.
func TestLimiterBeats(t *testing.T) {
	slow := activities.NewLimiter(0.001, 1)
	if err := slow.Wait(ctx, "azure", nil, time.Second); err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithCancel(ctx)
	defer cancel()
	beats := 0
	err := slow.Wait(c, "azure", func() {
		if beats++; beats == 3 {
			cancel()
		}
	}, time.Millisecond)
	if err == nil || beats != 3 {
		t.Fatalf("Wait: %v after %d beats, want the context's error after 3", err, beats)
	}
}
