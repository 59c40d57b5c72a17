package activities

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/polling"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// maxBeat is the longest an activity goes between heartbeats.
const maxBeat = 10 * time.Second

// beatEvery is how often an activity heart-beats: a third of its heartbeat time-out, at most
// maxBeat, so that a beat lost to a slow call does not time the attempt out. Every wait of an
// activity (for an operation, a connection) is cut into waits this long.
func beatEvery(ctx context.Context) time.Duration {
	if hb := activity.GetInfo(ctx).HeartbeatTimeout; hb > 0 {
		return min(hb/3, maxBeat)
	}
	return maxBeat
}

// begin starts an operation through a resource service.
type begin func(context.Context) (*longrunningpb.Operation, error)

// starting is the begin that makes start, a resource service's call that starts an operation
// (a Create, a Delete), with req.
func starting[Req any](start func(context.Context, Req, ...grpc.CallOption) (*longrunningpb.Operation, error), req Req) begin {
	return func(ctx context.Context) (*longrunningpb.Operation, error) { return start(ctx, req) }
}

// operate returns the operation begin starts once it is done. It polls the operation when
// its schedule says (package polling: from how long such operations take, never sooner than
// ARM's Retry-After) and heart-beats the operation's name while it waits. When a previous
// attempt of the activity heart-beat an operation's name, it resumes that operation
// instead, looking at it at once: a retried or re-scheduled activity never starts a second
// ARM operation. ops is the Operations client of the service that owns the operation; cloud
// is the cloud it writes to. The operation's name goes on the activity's span. An operation
// that ends in error is returned as that error.
func (a *Activities) operate(ctx context.Context, ops longrunningpb.OperationsClient, cloud string, start begin) (*longrunningpb.Operation, error) {
	var (
		name string
		op   *longrunningpb.Operation
		hint time.Duration
		err  error
	)
	if !activity.HasHeartbeatDetails(ctx) || activity.GetHeartbeatDetails(ctx, &name) != nil || name == "" {
		if op, err = start(ctx); err != nil || op.GetDone() {
			return ended(op, err)
		}
		name = op.GetName()
	}
	trace.SpanFromContext(ctx).SetAttributes(attribute.String(AttrOperation, name))
	if op == nil { // resumed: the operation may have finished while no worker watched it
		if op, hint, err = poll(ctx, ops, name); err != nil || op.GetDone() {
			return ended(op, err)
		}
	}
	sched, started, watching := a.schedule(cloud, op)
	if hint == 0 {
		hint = sched.Floor
	}
	for first := true; ; first = false {
		wait := sched.Next(time.Since(started), hint)
		if watching && first {
			wait = sched.Floor // an operation ARM finished at once, or someone else's: look soon
		}
		if err := nap(ctx, name, wait); err != nil {
			return nil, err
		}
		if op, hint, err = poll(ctx, ops, name); err != nil || op.GetDone() {
			return ended(op, err)
		}
	}
}

// unfresh clears a Create request's fresh_resource_group, for a retried attempt: the first
// may have written the resource, so the service must read it before writing.
func unfresh(req proto.Message) {
	m := req.ProtoReflect()
	if f := m.Descriptor().Fields().ByName("fresh_resource_group"); f != nil {
		m.Clear(f)
	}
}

// ended is an operation as operate's callers see it: one that finished in error is that
// error.
func ended(op *longrunningpb.Operation, err error) (*longrunningpb.Operation, error) {
	if err == nil && op.GetError() != nil {
		return nil, status.ErrorProto(op.GetError())
	}
	return op, err
}

// operationMetadata is what the services' OperationMetadata messages have in common.
type operationMetadata interface {
	GetTarget() string
	GetVerb() string
	GetCreateTime() *timestamppb.Timestamp
}

// schedule returns op's polling schedule, from the resource and verb its metadata names, when
// it started, and whether the service follows the resource rather than an ARM operation
// (lro.VerbWatch).
func (a *Activities) schedule(cloud string, op *longrunningpb.Operation) (polling.Schedule, time.Time, bool) {
	started, collection, verb := time.Now(), "", ""
	if m, err := op.GetMetadata().UnmarshalNew(); err == nil {
		if md, ok := m.(operationMetadata); ok {
			verb = md.GetVerb()
			if t := md.GetCreateTime(); t != nil {
				started = t.AsTime()
			}
			if parts := strings.Split(md.GetTarget(), "/"); len(parts) >= 6 {
				collection = parts[4]
			} else {
				collection = "resourceGroups"
			}
		}
	}
	return a.Expect.For(cloud, collection, verb), started, verb == lro.VerbWatch
}

// poll reads the operation once and returns it with ARM's hint for the next poll. While the
// service answers with RetryInfo (ARM throttled the poll, or was unavailable for a while) it
// waits as asked, heart-beating, and reads again; any other error is returned.
func poll(ctx context.Context, ops longrunningpb.OperationsClient, name string) (*longrunningpb.Operation, time.Duration, error) {
	for {
		var md metadata.MD
		op, err := ops.GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: name}, grpc.Header(&md))
		if err == nil {
			var hint time.Duration
			if v := md.Get(lro.RetryAfterHeader); len(v) > 0 {
				if ms, err := strconv.ParseInt(v[0], 10, 64); err == nil {
					hint = time.Duration(ms) * time.Millisecond
				}
			}
			return op, hint, nil
		}
		delay := retryDelay(status.Convert(err))
		if delay == 0 {
			return nil, 0, err
		}
		if err := nap(ctx, name, delay); err != nil {
			return nil, 0, err
		}
	}
}

// nap waits d, heart-beating details at least every beatEvery, or until ctx is done.
func nap(ctx context.Context, details any, d time.Duration) error {
	for until := time.Now().Add(d); ; {
		activity.RecordHeartbeat(ctx, details)
		left := time.Until(until)
		if left <= 0 {
			return nil
		}
		t := time.NewTimer(min(left, beatEvery(ctx)))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// ensure is an Ensure activity: it calls create with req (or resumes the operation a
// previous attempt started) and returns the operation's response as out. secrets are input
// fields of req that no error may hold. A retried attempt that starts again does not pass
// fresh_resource_group on (unfresh).
func ensure[Req interface {
	proto.Message
	GetParent() string
}, M proto.Message](ctx context.Context, a *Activities, ops longrunningpb.OperationsClient,
	create func(context.Context, Req, ...grpc.CallOption) (*longrunningpb.Operation, error), req Req, out M, secrets ...string) (M, error) {
	var zero M
	annotate(ctx, req.GetParent())
	if activity.GetInfo(ctx).Attempt > 1 {
		unfresh(req)
	}
	op, err := a.operate(ctx, ops, workflow.CloudOf(req.GetParent()), starting(create, req))
	if err != nil {
		return zero, fail(ctx, explain(err, req), secrets...)
	}
	if err := op.GetResponse().UnmarshalTo(out); err != nil {
		return zero, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("the operation on %s answered no %s: %v", req.GetParent(), out.ProtoReflect().Descriptor().FullName(), err),
			"UnexpectedResponse", nil)
	}
	return out, nil
}
