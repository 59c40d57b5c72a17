package lro

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/hybridlink/hybridlink/platform/handle"
)

// fakeARM is a Resumer whose operation is done after a number of polls: the unit's edge.
// Polls listed in refuse are answered with that error; retryAfter is its polling hint
// (a millisecond when zero).
type fakeARM struct {
	polls, doneAfter int
	retryAfter       time.Duration
	refuse           map[int]error
}

func (f *fakeARM) resume(context.Context, handle.Handle) (Step, error) {
	f.polls++
	if err := f.refuse[f.polls]; err != nil {
		return Step{}, err
	}
	if f.polls >= f.doneAfter {
		return Step{Done: true, Response: &emptypb.Empty{}}, nil
	}
	return Step{RetryAfter: max(f.retryAfter, time.Millisecond)}, nil
}

// throttled is what a service answers for a poll ARM throttled: UNAVAILABLE with RetryInfo.
func throttled(t *testing.T) error {
	st, err := status.New(codes.Unavailable, "ARM refused: SubscriptionRequestsThrottled").WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	return st.Err()
}

func server(t *testing.T, f *fakeARM) (*Server, string) {
	t.Helper()
	key := make([]byte, handle.KeySize)
	_, _ = rand.Read(key)
	sealer, err := handle.NewSealer(key, "test")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Sealer: sealer, Resume: f.resume}
	op, err := s.Start(handle.Handle{Cloud: "azure", Resource: "clouds/azure/resourceGroups/rg", Verb: "delete", Token: "t"}, Step{})
	if err != nil {
		t.Fatal(err)
	}
	return s, op.GetName()
}

// TestWaitOperation: a wait ends when the operation is done or at its timeout, with the
// state ARM last answered (no extra poll); throttled polls wait as ARM asks and poll again,
// and only another error ends the wait with it.
func TestWaitOperation(t *testing.T) {
	tests := []struct {
		name      string
		arm       fakeARM
		timeout   time.Duration
		wantDone  bool
		wantPolls int // 0: any
		wantCode  codes.Code
	}{
		{"done after polls", fakeARM{doneAfter: 3}, time.Minute, true, 3, codes.OK},
		{"timeout first", fakeARM{doneAfter: 1 << 30}, 20 * time.Millisecond, false, 0, codes.OK},
		{"timeout answers the last state without polling", fakeARM{doneAfter: 1 << 30, retryAfter: time.Second}, 20 * time.Millisecond, false, 1, codes.OK},
		{"throttled polls are polled again", fakeARM{doneAfter: 4, refuse: map[int]error{1: throttled(t), 2: throttled(t)}}, time.Minute, true, 4, codes.OK},
		{"another error ends the wait", fakeARM{doneAfter: 4, refuse: map[int]error{2: status.Error(codes.PermissionDenied, "no")}}, time.Minute, false, 2, codes.PermissionDenied},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.arm
			s, name := server(t, &f)
			op, err := s.WaitOperation(context.Background(), &longrunningpb.WaitOperationRequest{Name: name, Timeout: durationpb.New(tc.timeout)})
			if status.Code(err) != tc.wantCode {
				t.Fatalf("error %v, want %s", err, tc.wantCode)
			}
			if err == nil && (op.GetDone() != tc.wantDone || op.GetName() != name) {
				t.Fatalf("done %v (want %v), name kept %v", op.GetDone(), tc.wantDone, op.GetName() == name)
			}
			if tc.wantPolls != 0 && f.polls != tc.wantPolls {
				t.Fatalf("%d polls, want %d", f.polls, tc.wantPolls)
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	s, name := server(t, &fakeARM{doneAfter: 1})
	if _, err := s.GetOperation(context.Background(), &longrunningpb.GetOperationRequest{Name: name + "x"}); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("a forged name: %v", err)
	}
	if _, err := s.CancelOperation(context.Background(), &longrunningpb.CancelOperationRequest{Name: name}); status.Code(err) != codes.Unimplemented {
		t.Fatalf("cancel: %v", err)
	}
	if _, err := s.ListOperations(context.Background(), &longrunningpb.ListOperationsRequest{}); status.Code(err) != codes.Unimplemented {
		t.Fatalf("list: %v", err)
	}
}
