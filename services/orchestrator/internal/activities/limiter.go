package activities

import (
	"context"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The default pace of ARM writes per cloud subscription: 90% of ARM's budget (a bucket of
// 200 writes refilled at 10 a second). The headroom absorbs the time between a token and
// its write reaching ARM, which varies: a limiter at exactly ARM's budget still draws 429s
// at the edge of a burst (TestBurstPaced showed it).
const (
	DefaultWriteRate  = 9
	DefaultWriteBurst = 180
)

// Limiter paces ARM writes per cloud subscription. One Limiter is shared by every activity
// of a worker, so all its deployments together stay under ARM's write budget and a burst of
// them is paced instead of throttled.
type Limiter struct {
	limit rate.Limit
	burst int

	mu     sync.Mutex
	clouds map[string]*rate.Limiter
}

// NewLimiter returns a Limiter allowing perSecond writes a second per cloud, in bursts of
// up to burst.
func NewLimiter(perSecond float64, burst int) *Limiter {
	return &Limiter{limit: rate.Limit(perSecond), burst: burst, clouds: map[string]*rate.Limiter{}}
}

// Wait blocks until cloud's subscription may take one more write, or ctx is done. It holds
// no place while it waits: each try takes a token that is there, or none, and between tries
// it sleeps until the next token is due (at most every, with jitter so waiters do not all
// wake at once), calling beat. So an activity waiting its turn heart-beats (beat records a
// heartbeat), and one whose attempt has ended (its context done) leaves nothing reserved: a
// token is only ever taken by a live attempt about to write. (rate.Limiter's own Wait
// reserves a future token at once and keeps it for a caller that may be long dead.)
func (l *Limiter) Wait(ctx context.Context, cloud string, beat func(), every time.Duration) error {
	l.mu.Lock()
	lim, ok := l.clouds[cloud]
	if !ok {
		lim = rate.NewLimiter(l.limit, l.burst)
		l.clouds[cloud] = lim
	}
	l.mu.Unlock()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if lim.Allow() {
			return nil
		}
		if beat != nil {
			beat()
		}
		due := time.Duration((1 - lim.Tokens()) / float64(l.limit) * float64(time.Second))
		nap := min(max(due, time.Millisecond), every)
		nap += time.Duration(rand.Int64N(int64(nap)/4 + 1))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(nap):
		}
	}
}

// cloudOf returns the cloud of a resource service name or parent: the second segment of
// clouds/{cloud}/...
func cloudOf(name string) string {
	parts := strings.SplitN(name, "/", 3)
	if len(parts) < 2 || parts[0] != "clouds" {
		return ""
	}
	return parts[1]
}
