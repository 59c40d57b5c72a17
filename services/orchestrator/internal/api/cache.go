package api

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/proto"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// cacheLimit bounds how many deployments at rest one API replica keeps in memory (each a few
// kilobytes); past it, the others are read from Temporal on every call.
const cacheLimit = 20000

// followLag is how far back each visibility poll of the cache reaches before the latest
// update it has seen: visibility is eventually consistent, and an update time is the
// workflow task's, not the moment visibility shows it.
const followLag = 10 * time.Second

// atRest caches the deployments at rest (READY, FAILED, DELETED: workflow.Settled), which is
// what most reads of a large estate ask for: nothing changes them until an API call does.
// A replica drops a deployment from its cache when it takes a call that changes it, and
// every replica follows Temporal's visibility (workflow.UpdateTimeAttribute) for changes
// made through the others, so a replica answers another's change within its follow
// interval and visibility's lag; so does a workflow ended outside the API (terminated in
// Temporal, say), by its close time. Deployments at work are never cached.
type atRest struct {
	mu     sync.RWMutex
	byName map[string]*orchestratorv1.Deployment
	// drops counts drop calls: what was read from Temporal before a drop may predate the
	// change the drop is for, so put refuses it.
	drops uint64
	// dropped are the deployments dropped since GetDeployment last read them from the
	// workflow: visibility, which lags, may still show them as they were before the change,
	// so only such a read caches them again.
	dropped map[string]bool
}

// get returns the cached deployment, which its caller must not modify: the cache never
// modifies what it holds (store puts a copy in, drop takes it out), so an answer can be the
// message itself, marshalled by any number of calls at once, without a copy per call.
func (c *atRest) get(name string) (*orchestratorv1.Deployment, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	d, ok := c.byName[name]
	return d, ok
}

// version is what put needs to know that no drop came between a read and its put.
func (c *atRest) version() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.drops
}

// put caches d, read from the workflow (DescribeWorkflowExecution) when the cache was at
// version v, when it is at rest, and forgets it otherwise. A deployment dropped since v is not
// cached: the read may be from before the change.
func (c *atRest) put(d *orchestratorv1.Deployment, v uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.drops != v {
		return
	}
	delete(c.dropped, d.GetName())
	c.store(d)
}

// seen is put for what visibility lists: it leaves alone a deployment this replica changed
// since the workflow was last read, which visibility may not show yet.
func (c *atRest) seen(d *orchestratorv1.Deployment, v uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.drops != v || c.dropped[d.GetName()] {
		return
	}
	c.store(d)
}

// store caches d when it is at rest, and forgets it otherwise; the caller holds mu.
func (c *atRest) store(d *orchestratorv1.Deployment) {
	if !workflow.Settled(d.GetStatus().GetState()) {
		delete(c.byName, d.GetName())
		return
	}
	if _, ok := c.byName[d.GetName()]; ok || len(c.byName) < cacheLimit {
		c.byName[d.GetName()] = proto.Clone(d).(*orchestratorv1.Deployment)
	}
}

// drop forgets a deployment a call is changing.
func (c *atRest) drop(name string) {
	c.mu.Lock()
	delete(c.byName, name)
	c.dropped[name] = true
	c.drops++
	c.mu.Unlock()
}

// Follow keeps the cache of deployments at rest current until ctx is done: every interval it
// lists, from visibility, the deployments whose published status changed since shortly
// before the latest change it saw, and caches or forgets each as its memo says. The first
// list fills the cache. A list reaches back no further than twice followLag before the
// previous one began, by this replica's clock: a change older than that was visible to the
// previous list (visibility's lag and the clocks' skew are each under followLag), so an
// estate at rest lists nothing, where reaching back from its last change alone would list
// the deployments changed in the ten seconds before it, every interval, for ever. An interval of zero is a second. When a poll fails it says so in
// log, once until one succeeds again: meanwhile, changes made through other replicas show
// late.
func (s *Server) Follow(ctx context.Context, interval time.Duration, log *slog.Logger) {
	if interval <= 0 {
		interval = time.Second
	}
	var latest, polled time.Time
	seen := map[string]listed{}
	failing := false
	for {
		from := time.Time{}
		if !latest.IsZero() {
			from = latest.Add(-followLag)
			if quiet := polled.Add(-2 * followLag); quiet.After(from) {
				from = quiet
			}
		}
		at := time.Now()
		t, err := s.follow(ctx, from, seen)
		switch {
		case err != nil && !failing && ctx.Err() == nil:
			log.Warn("following Temporal's visibility for changes to deployments at rest failed; changes made through other API replicas show late until it works", "error", err)
			failing = true
		case err == nil:
			failing = false
			polled = at
			if t.After(latest) {
				latest = t
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// listed is what follow last applied of one workflow run: its memo's encoded bytes, digested,
// and the run's status.
type listed struct {
	memo   [sha256.Size]byte
	status enumspb.WorkflowExecutionStatus
}

// follow applies one visibility poll of the deployments updated or closed since to the cache
// and returns the latest time it saw (zero when it saw none). Of the runs of one deployment it lists (visibility lists
// every run: one torn down and created again has two), the one updated last counts, and a
// run continued as new never does: its successor carries its status on. seen holds, by run,
// what the previous poll listed: a run listed again with the same memo and status is not
// decoded again (polls overlap by followLag). follow leaves in seen the runs this poll listed,
// or nothing when a drop came while it ran (the cache refused the poll).
func (s *Server) follow(ctx context.Context, since time.Time, seen map[string]listed) (time.Time, error) {
	at := since.UTC().Format(time.RFC3339Nano)
	query := fmt.Sprintf("WorkflowType = '%s' AND TaskQueue = '%s' AND (%s >= '%s' OR CloseTime >= '%s')",
		workflow.Name, s.taskQueue, workflow.UpdateTimeAttribute.GetName(), at, at)
	type run struct {
		d *orchestratorv1.Deployment
		t time.Time
	}
	last := map[string]run{}
	now := map[string]listed{}
	var latest time.Time
	v := s.cache.version()
	var token []byte
	for {
		resp, err := s.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token})
		if err != nil {
			return time.Time{}, err
		}
		for _, e := range resp.GetExecutions() {
			var t time.Time
			p, ok := e.GetSearchAttributes().GetIndexedFields()[workflow.UpdateTimeAttribute.GetName()]
			if !ok || s.payloads.FromPayload(p, &t) != nil || e.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW {
				continue
			}
			if c := e.GetCloseTime(); c != nil && c.AsTime().After(t) {
				t = c.AsTime() // terminated, say: ended sets its state
			}
			if t.After(latest) {
				latest = t
			}
			id := e.GetExecution().GetRunId()
			l := listed{memo: sha256.Sum256(e.GetMemo().GetFields()[workflow.StatusMemo].GetData()), status: e.GetStatus()}
			now[id] = l
			var d *orchestratorv1.Deployment // nil: as the previous poll applied it
			if seen[id] != l {
				if d, err = s.memo(e.GetMemo()); err != nil || d == nil {
					continue
				}
				ended(d, e.GetStatus())
			}
			if r, ok := last[e.GetExecution().GetWorkflowId()]; !ok || t.After(r.t) {
				last[e.GetExecution().GetWorkflowId()] = run{d, t}
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	for _, r := range last {
		if r.d != nil {
			s.cache.seen(r.d, v)
		}
	}
	clear(seen)
	if s.cache.version() == v { // else a drop refused what this poll listed: the next decodes it all again
		maps.Copy(seen, now)
	}
	return latest, nil
}
