// Package activities implements the workflow's activities (see package workflow's contract):
// each resource step goes through a resource service over gRPC, starts one ARM operation
// (the workflow paces the steps that write through Temporal: see workflow.WriteQueue),
// polls it when it may be done, heart-beats the operation's name while it waits, and on a
// retry resumes that operation instead of starting another.
package activities

import (
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/polling"
)

// Activities holds the clients of the three resource services. Register a pointer to it
// with a Temporal worker: every exported method is an activity named after itself.
// Operations are per service (their names are sealed for the service that started them),
// so each service has its own Operations client.
type Activities struct {
	Network           networkv1.NetworkServiceClient
	NetworkOperations longrunningpb.OperationsClient
	Gateway           gatewayv1.GatewayServiceClient
	GatewayOperations longrunningpb.OperationsClient
	Compute           computev1.ComputeServiceClient
	ComputeOperations longrunningpb.OperationsClient
	// Expect is how long operations take, which is when they are polled.
	Expect polling.Expectations
	// VerifyInterval is VerifyConnections' first wait between reads, doubled after each
	// read up to verifyMaxInterval; a second when 0.
	VerifyInterval time.Duration
}

// New returns the activities over connections to the network, gateway and compute services.
func New(network, gateway, compute grpc.ClientConnInterface) *Activities {
	return &Activities{
		Network:           networkv1.NewNetworkServiceClient(network),
		NetworkOperations: longrunningpb.NewOperationsClient(network),
		Gateway:           gatewayv1.NewGatewayServiceClient(gateway),
		GatewayOperations: longrunningpb.NewOperationsClient(gateway),
		Compute:           computev1.NewComputeServiceClient(compute),
		ComputeOperations: longrunningpb.NewOperationsClient(compute),
	}
}
