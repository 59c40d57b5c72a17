package servicetest

import (
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc"

	"github.com/hybridlink/hybridlink/armsim"
)

// Service is a service under test: its name and build, as Start takes them, and NewAPI,
// its generated client's constructor (computev1.NewComputeServiceClient and the like).
type Service[C any] struct {
	Name   string
	Build  Build
	NewAPI func(grpc.ClientConnInterface) C
}

// Clients are a service's gRPC clients on one connection: API, the service's own, and Ops,
// for its long-running operations.
type Clients[C any] struct {
	API C
	Ops longrunningpb.OperationsClient
}

// Start starts armsim with cfg and the service, as Start does, and returns the stack and
// the service's Clients on the stack's connection.
func (s Service[C]) Start(t testing.TB, cfg armsim.Config) (*Stack, Clients[C]) {
	t.Helper()
	st := Start(t, s.Name, cfg, s.Build)
	return st, s.Connect(st.Conn)
}

// Restart restarts the stack's service, as Stack.Restart does, and returns the Clients on
// its new connection.
func (s Service[C]) Restart(t testing.TB, st *Stack) Clients[C] {
	t.Helper()
	st.Restart(t, s.Build)
	return s.Connect(st.Conn)
}

// Connect makes the service's Clients on conn.
func (s Service[C]) Connect(conn grpc.ClientConnInterface) Clients[C] {
	return Clients[C]{API: s.NewAPI(conn), Ops: longrunningpb.NewOperationsClient(conn)}
}
