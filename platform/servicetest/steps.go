package servicetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/platform/apierr"
)

// Absorbed starts svc under each of faults and runs run against it: run makes calls that
// must get through by azcore's retries. A run whose armsim refused nothing is skipped
// (skipUnlessRefused).
func Absorbed[C any](t *testing.T, svc Service[C], run func(t *testing.T, st *Stack, c Clients[C])) {
	for _, tc := range faults {
		t.Run(tc.Name, func(t *testing.T) {
			st, c := svc.Start(t, tc.Config)
			run(t, st, c)
			st.skipUnlessRefused(t)
		})
	}
}

// Twice makes a Create twice, as a retried workflow step does, and skips the test unless
// both operations are still running, so that the second adopted the first.
func Twice(t testing.TB, create func() (*longrunningpb.Operation, error)) (first, second *longrunningpb.Operation) {
	t.Helper()
	for _, op := range []**longrunningpb.Operation{&first, &second} {
		var err error
		if *op, err = create(); err != nil {
			t.Fatal(err)
		}
	}
	if first.GetDone() || second.GetDone() {
		t.Skip("armsim finished before the second call; the adopt path was not exercised")
	}
	return first, second
}

// CheckTampered fails the test unless ops answers the operation by its name and refuses
// altered forms of the name with InvalidArgument. It takes a Create or Delete method's
// results as they come, as Wait does.
func CheckTampered(t testing.TB, ops longrunningpb.OperationsClient, op *longrunningpb.Operation, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	name := op.GetName()
	if _, err := ops.GetOperation(context.Background(), &longrunningpb.GetOperationRequest{Name: name}); err != nil {
		t.Fatalf("the genuine name works: %v", err)
	}
	b := []byte(name)
	b[len(b)-3] ^= 0x01
	for _, forged := range []string{string(b), "operations/abc", "operations/" + strings.Repeat("A", 100), name + "x"} {
		_, err := ops.GetOperation(context.Background(), &longrunningpb.GetOperationRequest{Name: forged})
		if status.Code(err) != codes.InvalidArgument {
			t.Fatalf("forged name %q: want InvalidArgument, got %v", forged, err)
		}
	}
}

// HasViolation reports whether err's BadRequest details name field.
func HasViolation(err error, field string) bool {
	return slices.ContainsFunc(Violations(err), func(v apierr.Violation) bool { return v.Field == field })
}

// Reason is the reason of err's ErrorInfo details, ARM's error code where ARM refused: ""
// when it has none.
func Reason(err error) string {
	var reason string
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			reason = info.GetReason()
		}
	}
	return reason
}

// Violations lists the field violations of err's BadRequest details.
func Violations(err error) []apierr.Violation {
	var out []apierr.Violation
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out = append(out, apierr.Violation{Field: v.GetField(), Description: v.GetDescription()})
			}
		}
	}
	return out
}

// AllPages lists every page with list, which reads the page a token names ("" the first)
// and returns its items and the next page's token, and returns the items and how many
// calls it took.
func AllPages[T any](t testing.TB, list func(token string) ([]T, string, error)) (items []T, calls int) {
	t.Helper()
	for token := ""; ; {
		page, next, err := list(token)
		if err != nil {
			t.Fatal(err)
		}
		items, token, calls = append(items, page...), next, calls+1
		if token == "" {
			return items, calls
		}
	}
}

// CheckStatus fails the test unless err has code and a message that says says.
func CheckStatus(t testing.TB, err error, code codes.Code, says string) {
	t.Helper()
	if status.Code(err) != code || !strings.Contains(status.Convert(err).Message(), says) {
		t.Fatalf("want %s saying %q, got %v", code, says, err)
	}
}

// CheckInvalid fails the test unless err is InvalidArgument with a violation of field.
func CheckInvalid(t testing.TB, err error, field string) {
	t.Helper()
	if status.Code(err) != codes.InvalidArgument || !HasViolation(err, field) {
		t.Fatalf("want InvalidArgument naming %s, got %v", field, err)
	}
}

// CheckLimits fails the test for each request of reqs with a string, repeated or map field
// that limits leave unbounded, so that a field added to the API cannot go unbounded.
func CheckLimits(t testing.TB, limits apierr.Limits, reqs ...proto.Message) {
	t.Helper()
	for _, req := range reqs {
		if missing := limits.Unbounded("", req.ProtoReflect().Descriptor()); len(missing) > 0 {
			t.Errorf("%s: fields without a limit: %v", req.ProtoReflect().Descriptor().Name(), missing)
		}
	}
}
