// Package lro serves google.longrunning.Operations for a stateless service whose operations
// are ARM's. An operation's name is a sealed handle (package handle): opening it gives the
// cloud, the resource and azcore's resume token, so any replica can resume the very same
// ARM operation, and a forged or altered name is refused, never followed.
package lro

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/handle"
)

// Verbs of operations that have no azcore poller: the service adopted an operation someone
// else started (or found nothing to do) and follows the resource itself.
const (
	// VerbWatch follows a resource until its provisioning state is terminal.
	VerbWatch = "watch"
	// VerbDeleted is a delete that found nothing to delete: done, with no further ARM call.
	VerbDeleted = "deleted"
)

// Step is the outcome of polling an operation once.
type Step struct {
	// Done says the operation has finished, with Response or Err.
	Done bool
	// Response is the operation's result when it succeeded: the resource, or Empty for a delete.
	Response proto.Message
	// Err is the failure of a finished operation, a status error.
	Err error
	// RetryAfter is ARM's hint for the next poll.
	RetryAfter time.Duration
	// Metadata describes the operation (the service's OperationMetadata).
	Metadata proto.Message
}

// Resumer polls the operation a handle describes once.
type Resumer func(ctx context.Context, h handle.Handle) (Step, error)

// Server implements google.longrunning.Operations for one service.
type Server struct {
	longrunningpb.UnimplementedOperationsServer
	Sealer *handle.Sealer
	Resume Resumer
	// Metadata builds the service's OperationMetadata for an operation on the resource
	// with ARM ID armID, whose provisioning state is state ("" when unknown).
	Metadata func(h handle.Handle, armID, state string) proto.Message
}

// Begin answers a Create or Delete that asked ARM for an operation on resource (an API name
// on cloud): a sealed handle to poll, or a done operation when a delete found nothing.
func Begin[M any](s *Server, cloud, resource, verb, armID string, op Op[M], err error) (*longrunningpb.Operation, error) {
	h := handle.Handle{Cloud: cloud, Resource: resource, Verb: verb, Created: time.Now().UTC()}
	if err != nil {
		if verb == "delete" && apierr.IsNotFound(err) {
			h.Verb = VerbDeleted
			return s.Start(h, Step{Done: true, Metadata: s.Metadata(h, armID, "")})
		}
		return nil, apierr.FromARM(err, resource)
	}
	switch {
	case op.Done() && verb == "delete":
		// ARM answered 204: there was nothing to delete
		h.Verb = VerbDeleted
		return s.Start(h, Step{Done: true, Metadata: s.Metadata(h, armID, "")})
	case op.Done():
		// ARM answered at once; following the resource gives the outcome
		h.Verb = VerbWatch
	default:
		if h.Token, err = op.ResumeToken(); err != nil {
			return nil, status.Errorf(codes.Internal, "resume token of %s: %v", resource, err)
		}
	}
	return s.Start(h, Step{Metadata: s.Metadata(h, armID, "")})
}

// Done answers a Create that found the resource as wanted: a done operation holding it,
// with no ARM write.
func (s *Server) Done(cloud, resource, armID string, resp proto.Message) (*longrunningpb.Operation, error) {
	h := handle.Handle{Cloud: cloud, Resource: resource, Verb: VerbWatch, Created: time.Now().UTC()}
	return s.Start(h, Step{Done: true, Response: resp, Metadata: s.Metadata(h, armID, "Succeeded")})
}

// Adopt answers a Create that found an operation already running on the resource: the
// caller follows that operation instead of starting a second one.
func (s *Server) Adopt(cloud, resource, armID, state string) (*longrunningpb.Operation, error) {
	h := handle.Handle{Cloud: cloud, Resource: resource, Verb: VerbWatch, Created: time.Now().UTC()}
	return s.Start(h, Step{Metadata: s.Metadata(h, armID, state)})
}

// WatchInterval is how often an adopted operation's resource is read again.
const WatchInterval = time.Second

// Busy reports whether ARM is still working on a resource in this provisioning state.
func Busy(state string) bool {
	switch strings.ToLower(state) {
	case "creating", "updating", "deleting", "accepted":
		return true
	}
	return false
}

// Watched turns the provisioning state of a followed resource into a step, rendering the
// resource once it is done.
func Watched(state, resource string, render func() (proto.Message, error)) (Step, error) {
	switch {
	case Busy(state):
		return Step{RetryAfter: WatchInterval}, nil
	case strings.EqualFold(state, "Failed"):
		return Step{Done: true, Err: status.Errorf(codes.FailedPrecondition,
			"ARM reports %s's last operation Failed; fix the cause and create it again", resource)}, nil
	}
	resp, err := render()
	if err != nil {
		return Step{}, err
	}
	return Step{Done: true, Response: resp}, nil
}

// Empty is the result of a finished delete, for StepOf.
func Empty(struct{}) (proto.Message, error) { return &emptypb.Empty{}, nil }

// Start seals a new operation's handle and answers with its first state.
func (s *Server) Start(h handle.Handle, st Step) (*longrunningpb.Operation, error) {
	name, err := s.Sealer.Seal(h)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "sealing the operation handle: %v", err)
	}
	return operation(name, st)
}

// RetryAfterHeader is the response header in which GetOperation passes on ARM's polling hint
// for an operation not yet done, in milliseconds: a poller never asks again sooner.
const RetryAfterHeader = "retry-after-ms"

// GetOperation polls the operation once and returns its state, with ARM's hint for the next
// poll in RetryAfterHeader.
func (s *Server) GetOperation(ctx context.Context, req *longrunningpb.GetOperationRequest) (*longrunningpb.Operation, error) {
	h, err := s.open(req.GetName())
	if err != nil {
		return nil, err
	}
	st, err := s.resume(ctx, h)
	if err != nil {
		return nil, err
	}
	if !st.Done && st.RetryAfter > 0 {
		_ = grpc.SetHeader(ctx, metadata.Pairs(RetryAfterHeader, strconv.FormatInt(st.RetryAfter.Milliseconds(), 10)))
	}
	return operation(req.GetName(), st)
}

// resume polls once, answering deletes that were done from the start without ARM.
func (s *Server) resume(ctx context.Context, h handle.Handle) (Step, error) {
	if h.Verb == VerbDeleted {
		return Step{Done: true, Response: &emptypb.Empty{}}, nil
	}
	return s.Resume(ctx, h)
}

// WaitOperation polls, as ARM's Retry-After says, until the operation is done or the
// timeout (or the call's deadline) passes, and returns its latest state: at the timeout the
// state ARM last answered, without another poll. A poll ARM refuses for a while (throttled,
// busy, unavailable: the status carries RetryInfo) waits as ARM asked and polls again;
// only another error ends the wait with it.
func (s *Server) WaitOperation(ctx context.Context, req *longrunningpb.WaitOperationRequest) (*longrunningpb.Operation, error) {
	h, err := s.open(req.GetName())
	if err != nil {
		return nil, err
	}
	timeout := time.Minute
	if req.GetTimeout() != nil {
		timeout = req.GetTimeout().AsDuration()
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last *Step
	for {
		st, err := s.resume(ctx, h)
		wait := st.RetryAfter
		switch delay, transient := retryDelay(err); {
		case err == nil && st.Done:
			return operation(req.GetName(), st)
		case err == nil:
			last = &st
		case ctx.Err() != nil && last != nil:
			return operation(req.GetName(), *last) // the timeout passed during the poll
		case ctx.Err() != nil:
			// no answer within the timeout: one poll now, to answer with a state
			if st, err = s.resume(context.WithoutCancel(ctx), h); err != nil {
				return nil, err
			}
			return operation(req.GetName(), st)
		case transient:
			wait = delay
		default:
			return nil, err
		}
		if !sleep(ctx, wait) {
			if last == nil {
				return nil, err
			}
			return operation(req.GetName(), *last)
		}
	}
}

// retryDelay reports whether a poll's error says to try again, and after how long: the
// status's RetryInfo (the services put ARM's Retry-After there for throttled, busy and
// unavailable answers).
func retryDelay(err error) (time.Duration, bool) {
	if err == nil {
		return 0, false
	}
	for _, d := range status.Convert(err).Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			return ri.GetRetryDelay().AsDuration(), true
		}
	}
	return 0, false
}

// sleep waits for ARM's polling hint (a second when it gave none) or until ctx is done,
// and reports whether to poll again.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 || d > 30*time.Second {
		d = time.Second
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// CancelOperation is refused: ARM offers no cancel for these operations.
func (s *Server) CancelOperation(ctx context.Context, req *longrunningpb.CancelOperationRequest) (*emptypb.Empty, error) {
	if _, err := s.open(req.GetName()); err != nil {
		return nil, err
	}
	return nil, status.Error(codes.Unimplemented, "ARM cannot cancel this operation; wait for it to finish, then delete the resource if it is not wanted")
}

// ListOperations is refused: the service is stateless and keeps no list of operations.
func (s *Server) ListOperations(context.Context, *longrunningpb.ListOperationsRequest) (*longrunningpb.ListOperationsResponse, error) {
	return nil, status.Error(codes.Unimplemented, "operations are not stored (the service is stateless); keep the operation names that Create and Delete return")
}

// DeleteOperation is refused: there is no stored operation to delete.
func (s *Server) DeleteOperation(context.Context, *longrunningpb.DeleteOperationRequest) (*emptypb.Empty, error) {
	return nil, status.Error(codes.Unimplemented, "operations are not stored (the service is stateless)")
}

func (s *Server) open(name string) (handle.Handle, error) {
	h, err := s.Sealer.Open(name)
	if err != nil {
		return h, apierr.Invalid("name", "%s; pass the name exactly as Create or Delete returned it", err)
	}
	return h, nil
}

// operation builds the google.longrunning.Operation for a step.
func operation(name string, st Step) (*longrunningpb.Operation, error) {
	op := &longrunningpb.Operation{Name: name, Done: st.Done}
	if st.Metadata != nil {
		md, err := anypb.New(st.Metadata)
		if err != nil {
			return nil, err
		}
		op.Metadata = md
	}
	if !st.Done {
		return op, nil
	}
	if st.Err != nil {
		op.Result = &longrunningpb.Operation_Error{Error: status.Convert(st.Err).Proto()}
		return op, nil
	}
	resp := st.Response
	if resp == nil {
		resp = &emptypb.Empty{}
	}
	a, err := anypb.New(resp)
	if err != nil {
		return nil, err
	}
	op.Result = &longrunningpb.Operation_Response{Response: a}
	return op, nil
}

func retryAfter(resp *http.Response) time.Duration {
	if resp == nil {
		return 0
	}
	if ms, err := strconv.Atoi(resp.Header.Get("Retry-After-Ms")); err == nil && ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 0
}

// Op is an ARM operation in progress, as the services' resource clients return it: an
// azcore poller whose result is already converted to the service's model M.
type Op[M any] interface {
	// Done reports whether the operation has finished, without a call to ARM.
	Done() bool
	// Poll advances the operation once; it reports whether it is done and ARM's hint
	// for the next poll.
	Poll(ctx context.Context) (done bool, retryAfter time.Duration, err error)
	// Result returns the outcome of a done operation: the model, or ARM's failure.
	Result(ctx context.Context) (M, error)
	// ResumeToken is what a handle keeps to resume the operation elsewhere.
	ResumeToken() (string, error)
}

// Wrap adapts an azcore poller whose result converts to M.
func Wrap[T, M any](p *runtime.Poller[T], convert func(T) (M, error)) Op[M] {
	return &pollerOp[T, M]{p: p, convert: convert}
}

type pollerOp[T, M any] struct {
	p       *runtime.Poller[T]
	convert func(T) (M, error)
}

func (o *pollerOp[T, M]) Done() bool { return o.p.Done() }

func (o *pollerOp[T, M]) Poll(ctx context.Context) (bool, time.Duration, error) {
	if o.p.Done() {
		return true, 0, nil
	}
	resp, err := o.p.Poll(ctx)
	if o.p.Done() {
		return true, 0, nil
	}
	return false, retryAfter(resp), err
}

func (o *pollerOp[T, M]) Result(ctx context.Context) (M, error) {
	r, err := o.p.Result(ctx)
	if err != nil {
		var zero M
		return zero, err
	}
	return o.convert(r)
}

func (o *pollerOp[T, M]) ResumeToken() (string, error) { return o.p.ResumeToken() }

// StepOf polls op once and, when it is done, converts its result to the API message.
// A failed ARM operation becomes a done step with a status error about target.
func StepOf[M any](ctx context.Context, op Op[M], target string, toAPI func(M) (proto.Message, error)) (Step, error) {
	done, wait, err := op.Poll(ctx)
	if err != nil {
		return Step{}, apierr.FromARM(err, target)
	}
	if !done {
		return Step{RetryAfter: wait}, nil
	}
	m, err := op.Result(ctx)
	if err != nil {
		return Step{Done: true, Err: apierr.FromARM(err, target)}, nil
	}
	msg, err := toAPI(m)
	if err != nil {
		return Step{}, err
	}
	return Step{Done: true, Response: msg}, nil
}

// Ensurer is what Ensure needs of one resource: M is ARM's model of it.
type Ensurer[M any] struct {
	// Get reads the resource; a 404 means it does not exist.
	Get func(ctx context.Context) (M, error)
	// State is the resource's provisioning state.
	State func(M) string
	// Matches reports whether the resource already is what the request wants; its error
	// refuses the request (an immutable field changed, say).
	Matches func(M) (bool, error)
	// Render converts the resource to the API message a done operation holds.
	Render func(M) (proto.Message, error)
	// Put writes the resource: cur is what exists, or nil on create.
	Put func(ctx context.Context, cur *M) (Op[M], error)
	// Fresh says that nothing can exist yet (the caller created the resource group and
	// writes there for the first time): Ensure creates without reading first.
	Fresh bool
}

// Ensure is every resource service's Create: read the resource; adopt an operation already
// running on it (the returned operation follows the resource instead of starting a second
// PUT); answer a done operation, writing nothing, when it is already what the request
// wants; otherwise create or update it. Calling it twice with the same request never makes
// a second resource, which is what lets a retried workflow step call Create again. A
// Fresh ensure creates without the read.
func Ensure[M any](ctx context.Context, s *Server, cloud, resource, armID string, e Ensurer[M]) (*longrunningpb.Operation, error) {
	verb := "create"
	var existing *M
	if !e.Fresh {
		cur, err := e.Get(ctx)
		switch {
		case err == nil:
			if state := e.State(cur); Busy(state) {
				return s.Adopt(cloud, resource, armID, state)
			}
			ok, err := e.Matches(cur)
			if err != nil {
				return nil, apierr.FromARM(err, resource)
			}
			if ok {
				msg, err := e.Render(cur)
				if err != nil {
					return nil, err
				}
				return s.Done(cloud, resource, armID, msg)
			}
			verb, existing = "update", &cur
		case !apierr.IsNotFound(err):
			return nil, apierr.FromARM(err, resource)
		}
	}
	op, err := e.Put(ctx, existing)
	return Begin(s, cloud, resource, verb, armID, op, err)
}
