package lro

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/hybridlink/hybridlink/platform/handle"
)

// fakeARM is a Resumer whose operation is done after a number of polls: the unit's edge.
type fakeARM struct{ polls, doneAfter int }

func (f *fakeARM) resume(context.Context, handle.Handle) (Step, error) {
	f.polls++
	if f.polls >= f.doneAfter {
		return Step{Done: true, Response: &emptypb.Empty{}}, nil
	}
	return Step{RetryAfter: time.Millisecond}, nil
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

func TestWaitOperation(t *testing.T) {
	tests := []struct {
		name      string
		doneAfter int
		timeout   time.Duration
		wantDone  bool
	}{
		{"done after polls", 3, time.Minute, true},
		{"timeout first", 1 << 30, 20 * time.Millisecond, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeARM{doneAfter: tc.doneAfter}
			s, name := server(t, f)
			op, err := s.WaitOperation(context.Background(), &longrunningpb.WaitOperationRequest{Name: name, Timeout: durationpb.New(tc.timeout)})
			if err != nil {
				t.Fatal(err)
			}
			if op.GetDone() != tc.wantDone || op.GetName() != name {
				t.Fatalf("done %v (want %v), name kept %v", op.GetDone(), tc.wantDone, op.GetName() == name)
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
