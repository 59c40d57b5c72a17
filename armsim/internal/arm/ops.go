package arm

import (
	"net/http"
	"sort"
	"time"
)

// Operation actions: what completing an operation does to its target.
const (
	actPut     = "put"
	actDelete  = "delete"
	actPowerOn = "power:running"
	actPowerOf = "power:stopped"
	actDealloc = "power:deallocated"
	actRestart = "power:restart"
)

// operation is an ARM asynchronous operation: the resource behind Azure-AsyncOperation
// and Location URLs. It completes lazily: settle() finishes every operation whose time
// has come before any request reads state, so no goroutine or timer is involved.
type operation struct {
	ID           string    `json:"id"`
	Cloud        string    `json:"cloud"`
	Namespace    string    `json:"namespace"`
	Location     string    `json:"location"`
	Subscription string    `json:"subscription"`
	APIVersion   string    `json:"apiVersion"`
	Target       string    `json:"target"`
	Name         string    `json:"name"`
	Action       string    `json:"action"`
	Start        time.Time `json:"start"`
	DoneAt       time.Time `json:"doneAt"`
	Status       string    `json:"status"`
	Error        *Error    `json:"error,omitempty"`
	// Fail is the failure decided when the operation started (forced by fault injection).
	Fail *Error `json:"fail,omitempty"`
}

// Operation statuses, as ARM's operation status resource spells them.
const (
	statusInProgress = "InProgress"
	statusSucceeded  = "Succeeded"
	statusFailed     = "Failed"
)

// startOp registers an operation on en that completes after a duration drawn from the
// latency of typ. The operation's completion time, fixed here, is all it keeps of it.
func (e *Engine) startOp(rq *request, en *entry, name, action, typ string) *operation {
	now := e.now()
	d := e.latency(typ, en)
	op := &operation{
		ID: newID(), Cloud: en.Cloud, Namespace: kinds[en.Kind].Namespace, Location: en.Res.meta().Location,
		Subscription: rq.path.Subscription, APIVersion: rq.apiVersion,
		Target: en.key(), Name: name, Action: action, Start: now, DoneAt: now.Add(d), Status: statusInProgress,
	}
	if op.Location == "" {
		op.Location = e.clouds[en.Cloud].Locations[0]
	}
	op.Fail = e.forcedFailure(en)
	e.ops[op.ID] = op
	e.pending[op.ID] = op
	e.dirty = true
	en.Op = op.ID
	return op
}

// settle completes, in time order, every operation whose time has come.
func (e *Engine) settle() {
	now := e.now()
	var due []*operation
	for _, op := range e.pending {
		if op.Status == statusInProgress && !op.DoneAt.After(now) {
			due = append(due, op)
		}
	}
	sort.Slice(due, func(i, j int) bool { return due[i].DoneAt.Before(due[j].DoneAt) })
	for _, op := range due {
		e.complete(op)
	}
	if len(due) > 0 {
		e.advanceDeployments()
	}
	e.expireOps(now)
}

// complete applies a finished operation to its target.
func (e *Engine) complete(op *operation) {
	e.dirty = true
	delete(e.pending, op.ID)
	en := e.entries[op.Target]
	if en != nil && en.Op == op.ID {
		en.Op = ""
	}
	if en != nil && op.Fail == nil && op.Action == actPut {
		if k := kinds[en.Kind]; k.run != nil {
			op.Fail = k.run(e, en)
		}
	}
	if op.Fail != nil {
		op.Status, op.Error = statusFailed, op.Fail
		if en != nil {
			*en.Res.state() = "Failed"
		}
		return
	}
	op.Status = statusSucceeded
	if en == nil {
		return
	}
	switch op.Action {
	case actDelete:
		e.remove(op.Target)
	case actPut:
		e.succeed(en)
		for _, c := range e.childrenOf(en.key(), "") {
			if c.Op == "" && c.provisioningState() != "Succeeded" && c.provisioningState() != "Failed" {
				e.succeed(c)
			}
		}
	default:
		if k := kinds[en.Kind]; k.onAction != nil {
			k.onAction(e, en, op.Action)
		}
		*en.Res.state() = "Succeeded"
	}
}

func (e *Engine) succeed(en *entry) {
	*en.Res.state() = "Succeeded"
	en.SucceededAt = e.now()
	if k := kinds[en.Kind]; k.onSucceeded != nil {
		k.onSucceeded(e, en)
	}
}

// expireOps forgets finished operations after a day, as ARM does with its operation records.
// It looks at them at most once a minute: settle calls it on every request.
func (e *Engine) expireOps(now time.Time) {
	if now.Sub(e.expiredAt) < time.Minute {
		return
	}
	e.expiredAt = now
	for id, op := range e.ops {
		if op.Status != statusInProgress && now.Sub(op.DoneAt) > 24*time.Hour {
			delete(e.ops, id)
		}
	}
}

// pollHint is the Retry-After a poller of op gets: ARM's 10 s, scaled, and never past completion.
func (e *Engine) pollHint(op *operation) time.Duration {
	d := e.scale(10 * time.Second)
	if rem := op.DoneAt.Sub(e.now()); rem < d {
		d = rem
	}
	if d < time.Millisecond {
		d = time.Millisecond
	}
	return d
}

// asyncHeaders adds the polling headers of op to a response, the way the resource's
// provider does: Azure-AsyncOperation always, Location on deletes and for Compute.
func (e *Engine) asyncHeaders(h http.Header, base string, op *operation, withLocation bool) {
	sub := op.Subscription
	h.Set("Azure-AsyncOperation", base+"/subscriptions/"+sub+"/providers/"+op.Namespace+"/locations/"+op.Location+"/operations/"+op.ID+"?api-version="+op.APIVersion)
	if withLocation {
		h.Set("Location", base+"/subscriptions/"+sub+"/providers/"+op.Namespace+"/locations/"+op.Location+"/operationResults/"+op.ID+"?api-version="+op.APIVersion)
	}
	setRetryAfter(h, e.pollHint(op))
}

// setRetryAfter writes Retry-After in whole seconds (at least 1) and, when the delay is under
// a second, Retry-After-Ms, which azcore prefers; without them azcore waits 30 s between polls.
func setRetryAfter(h http.Header, d time.Duration) {
	secs := int((d + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	h.Set("Retry-After", itoa(secs))
	if d < time.Second {
		ms := int(d / time.Millisecond)
		if ms < 1 {
			ms = 1
		}
		h.Set("Retry-After-Ms", itoa(ms))
	}
}

// opStatusBody is ARM's operation status resource.
func (op *operation) statusBody() map[string]any {
	b := map[string]any{"name": op.ID, "status": op.Status, "startTime": op.Start.UTC().Format(time.RFC3339Nano)}
	if op.Status != statusInProgress {
		b["endTime"] = op.DoneAt.UTC().Format(time.RFC3339Nano)
	}
	if op.Error != nil {
		b["error"] = op.Error
	}
	return b
}
