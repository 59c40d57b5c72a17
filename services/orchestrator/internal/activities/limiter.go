package activities

import (
	"context"
	"strings"
	"sync"

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

// DefaultLimiter returns a Limiter sized to ARM's write budget.
func DefaultLimiter() *Limiter { return NewLimiter(DefaultWriteRate, DefaultWriteBurst) }

// Wait blocks until cloud's subscription may take one more write, or ctx is done.
func (l *Limiter) Wait(ctx context.Context, cloud string) error {
	l.mu.Lock()
	lim, ok := l.clouds[cloud]
	if !ok {
		lim = rate.NewLimiter(l.limit, l.burst)
		l.clouds[cloud] = lim
	}
	l.mu.Unlock()
	return lim.Wait(ctx)
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
