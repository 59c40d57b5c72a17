package activities

import (
	"context"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
)

// answers is an Operations client at the unit's edge: GetOperation gives its errors in turn,
// then a done operation.
type answers struct {
	longrunningpb.OperationsClient
	errs  []error
	calls int
}

func (a *answers) GetOperation(context.Context, *longrunningpb.GetOperationRequest, ...grpc.CallOption) (*longrunningpb.Operation, error) {
	a.calls++
	if len(a.errs) > 0 {
		err := a.errs[0]
		a.errs = a.errs[1:]
		return nil, err
	}
	return &longrunningpb.Operation{Name: "operations/x", Done: true}, nil
}

// throttled is what a service answers when ARM throttled a poll: Unavailable with ARM's
// Retry-After as RetryInfo.
func throttled(after time.Duration) error {
	st, _ := status.New(codes.Unavailable, "ARM throttled the request").WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(after)})
	return st.Err()
}

// TestPollWaitsWhenThrottled: a poll the service answers with RetryInfo (ARM throttled it,
// or was unavailable for a while) waits as asked and polls again, so the step goes on; any
// other error ends the poll with it.
func TestPollWaitsWhenThrottled(t *testing.T) {
	for _, tc := range []struct {
		name      string
		errs      []error
		wantCode  codes.Code
		wantCalls int
	}{
		{"answered at once", nil, codes.OK, 1},
		{"throttled twice", []error{throttled(time.Millisecond), throttled(2 * time.Millisecond)}, codes.OK, 3},
		{"refused", []error{status.Error(codes.PermissionDenied, "no role")}, codes.PermissionDenied, 1},
		{"throttled, then refused", []error{throttled(time.Millisecond), status.Error(codes.NotFound, "gone")}, codes.NotFound, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ops := &answers{errs: tc.errs}
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestActivityEnvironment()
			env.RegisterActivityWithOptions(func(ctx context.Context) (string, error) {
				op, _, err := poll(ctx, ops, "operations/x")
				if err == nil && !op.GetDone() {
					return "not done", nil
				}
				return status.Code(err).String(), nil
			}, activity.RegisterOptions{Name: "poll"})
			v, err := env.ExecuteActivity("poll")
			var got string
			if err == nil {
				err = v.Get(&got)
			}
			if err != nil || got != tc.wantCode.String() || ops.calls != tc.wantCalls {
				t.Fatalf("%s after %d polls (%v); want %s after %d", got, ops.calls, err, tc.wantCode, tc.wantCalls)
			}
		})
	}
}
