package serve

import (
	"context"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/hybridlink/hybridlink/platform/buildinfo"
)

// TestVersionHeader checks that every call, a health check and one refused for want of a
// credential alike, answers with the server's build in buildinfo.Header.
func TestVersionHeader(t *testing.T) {
	s := start(t, nil, nil)
	conn, err := grpc.NewClient(s.GRPCAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	want := buildinfo.Read().String()
	for _, tc := range []struct {
		name string
		call func(ctx context.Context, h *metadata.MD) error
		code codes.Code
	}{
		{"health check", func(ctx context.Context, h *metadata.MD) error {
			_, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.Header(h))
			return err
		}, codes.OK},
		{"refused call", func(ctx context.Context, h *metadata.MD) error {
			_, err := longrunningpb.NewOperationsClient(conn).GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: "operations/x"}, grpc.Header(h))
			return err
		}, codes.Unauthenticated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h metadata.MD
			err := tc.call(context.Background(), &h)
			if status.Code(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
			if got := h.Get(buildinfo.Header); len(got) != 1 || got[0] != want {
				t.Errorf("%s header %q, want %q", buildinfo.Header, got, want)
			}
		})
	}
}
