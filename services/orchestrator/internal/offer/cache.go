package offer

import (
	"context"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"golang.org/x/sync/singleflight"
)

// cacheSize bounds how many lists a Cache holds: a cloud's locations, a location's VM sizes,
// an image SKU's versions. An estate uses a few dozen.
const cacheSize = 4096

// readTimeout bounds a read that a Cache makes for all who wait on it, since it does not
// end with the first caller's context.
const readTimeout = 30 * time.Second

// Cache keeps the lists a Checker reads for a while, so that a burst of deployments reads
// each list once, not once per deployment: ARM's read budget is the subscription's, and
// what a cloud offers changes over days (an operator downloading an image, a new VM size).
// Only lists are kept, never a NotFound, so an image just downloaded to a stamp is found at
// once; a version just added may be refused for up to the cache's time to live, with
// "latest" offered in the finding. Concurrent reads of one list make one read. A nil Cache
// keeps nothing.
type Cache struct {
	lists  *expirable.LRU[string, any]
	flight singleflight.Group
}

// NewCache returns a Cache keeping each list for ttl, at least a second; none for ttl <= 0.
func NewCache(ttl time.Duration) *Cache {
	if ttl <= 0 {
		return nil
	}
	return &Cache{lists: expirable.NewLRU[string, any](cacheSize, nil, max(ttl, time.Second))}
}

// cached returns the list under key, read with read when the cache has none. Callers that
// ask for one list at once share one read, which runs apart from any caller's context (one
// giving up does not fail the others) and waits each caller only as long as its context.
func cached[V any](ctx context.Context, c *Cache, key string, read func(context.Context) (V, error)) (V, error) {
	if c == nil {
		return read(ctx)
	}
	if v, ok := c.lists.Get(key); ok {
		return v.(V), nil
	}
	done := c.flight.DoChan(key, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readTimeout)
		defer cancel()
		v, err := read(ctx)
		if err == nil {
			c.lists.Add(key, v)
		}
		return v, err
	})
	var zero V
	select {
	case <-ctx.Done():
		return zero, ctx.Err()
	case r := <-done:
		if r.Err != nil {
			return zero, r.Err
		}
		return r.Val.(V), nil
	}
}
