package activities

import (
	"context"
	"fmt"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
)

// maxBeat is the longest an activity goes between heartbeats.
const maxBeat = 10 * time.Second

// beatEvery is how often an activity heart-beats: a third of its heartbeat time-out, at most
// maxBeat, so that a beat lost to a slow call does not time the attempt out. Every wait of an
// activity (for a write token, an operation, a connection) is cut into waits this long.
func beatEvery(ctx context.Context) time.Duration {
	if hb := activity.GetInfo(ctx).HeartbeatTimeout; hb > 0 {
		return min(hb/3, maxBeat)
	}
	return maxBeat
}

// begin starts an operation through a resource service.
type begin func(context.Context) (*longrunningpb.Operation, error)

// operate returns the operation begin starts once it is done, heart-beating its name while
// it waits. When a previous attempt of the activity heart-beat an operation's name, it
// resumes that operation instead: a retried or re-scheduled activity never starts a second
// ARM operation. Only a new start takes a write from the limiter. ops is the Operations
// client of the service that owns the operation; cloud is the cloud it writes to. The
// operation's name goes on the activity's span.
func (a *Activities) operate(ctx context.Context, ops longrunningpb.OperationsClient, cloud string, start begin) (*longrunningpb.Operation, error) {
	var name string
	if !activity.HasHeartbeatDetails(ctx) || activity.GetHeartbeatDetails(ctx, &name) != nil || name == "" {
		if err := a.Limiter.Wait(ctx, cloud, func() { activity.RecordHeartbeat(ctx) }, beatEvery(ctx)); err != nil {
			return nil, err
		}
		op, err := start(ctx)
		if err != nil || op.GetDone() {
			return op, err
		}
		name = op.GetName()
	}
	trace.SpanFromContext(ctx).SetAttributes(attribute.String(AttrOperation, name))
	for {
		activity.RecordHeartbeat(ctx, name)
		op, err := ops.WaitOperation(ctx, &longrunningpb.WaitOperationRequest{Name: name, Timeout: durationpb.New(beatEvery(ctx))})
		if err != nil || op.GetDone() {
			return op, err
		}
	}
}

// ensure is an Ensure activity: it calls create with req (or resumes the operation a
// previous attempt started) and returns the operation's response as out. secrets are input
// fields of req that no error may hold.
func ensure[Req interface{ GetParent() string }, M proto.Message](ctx context.Context, a *Activities, ops longrunningpb.OperationsClient,
	create func(context.Context, Req, ...grpc.CallOption) (*longrunningpb.Operation, error), req Req, out M, secrets ...string) (M, error) {
	var zero M
	annotate(ctx, req.GetParent())
	op, err := a.operate(ctx, ops, cloudOf(req.GetParent()), func(ctx context.Context) (*longrunningpb.Operation, error) {
		return create(ctx, req)
	})
	if err == nil && op.GetError() != nil {
		err = status.ErrorProto(op.GetError())
	}
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
