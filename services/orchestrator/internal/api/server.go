// Package api implements hybridlink.orchestrator.v1.OrchestratorService over Temporal: it
// validates and starts a deployment's workflow, and reads deployments back through the
// workflow's status query and Temporal's visibility, so any replica can answer. It plans
// a deployment by reading its resources from the resource services, writing nothing.
//
// The files follow the API's concerns: deployments.go the deployment methods (create.go
// what makes a create idempotent, plan.go, offers.go and adopt.go PlanDeployment and the
// reads before a create or update), updates.go the day-two methods that are workflow
// updates (CheckDeployment, RotateSharedKey), operations.go
// google.longrunning.Operations over the deployments' workflows, watch.go
// WatchDeployment, errors.go how Temporal's errors become status codes, health.go how a
// stuck or ended workflow is reported.
package api

import (
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/grpc"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/codec"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/offer"
)

// Server implements OrchestratorService and google.longrunning.Operations for deployments.
type Server struct {
	orchestratorv1.UnimplementedOrchestratorServiceServer
	longrunningpb.UnimplementedOperationsServer
	temporal  client.Client
	taskQueue string
	clouds    []cloud.Cloud
	// payloads decodes what the workflows publish (their memo), with the client's codec.
	payloads converter.DataConverter
	// digestKey keys the digests of created specs (specDigest).
	digestKey []byte
	// network, gateway and compute are the resource services, which PlanDeployment reads.
	network networkv1.NetworkServiceClient
	gateway gatewayv1.GatewayServiceClient
	compute computev1.ComputeServiceClient
	// cache holds the deployments at rest (Follow keeps it current).
	cache atRest
	// WatchInterval is how often WatchDeployment reads the workflow's status.
	WatchInterval time.Duration
	// Offers keeps what the clouds offer for a while (nil: read it for every request).
	Offers *offer.Cache
}

// New returns a Server starting workflows on taskQueue and reading resources, to plan
// deployments, from the network, gateway and compute services at the given connections;
// payloadKey is the key of c's payload codec, from which the key of spec digests is
// derived.
func New(c client.Client, taskQueue string, payloadKey []byte, clouds []cloud.Cloud, network, gateway, compute grpc.ClientConnInterface) *Server {
	return &Server{temporal: c, taskQueue: taskQueue, clouds: clouds, digestKey: digestKey(payloadKey), payloads: codec.NewDataConverter(payloadKey),
		network: networkv1.NewNetworkServiceClient(network), gateway: gatewayv1.NewGatewayServiceClient(gateway),
		compute: computev1.NewComputeServiceClient(compute), WatchInterval: 250 * time.Millisecond,
		cache: atRest{byName: map[string]*orchestratorv1.Deployment{}, dropped: map[string]bool{}}}
}
