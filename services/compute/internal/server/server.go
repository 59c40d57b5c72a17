// Package server implements hybridlink.compute.v1.ComputeService: network interfaces and
// virtual machines, with their power actions, on every configured cloud, with ensure
// semantics and long-running operations whose names are sealed handles.
package server

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/services/compute/internal/networkinterface"
	"github.com/hybridlink/hybridlink/services/compute/internal/virtualmachine"
)

// ServiceName is the service's full name, for health checks and logs.
const ServiceName = "hybridlink.compute.v1.ComputeService"

// clients are one cloud's resource clients.
type clients struct {
	conn *cloud.Conn
	nics networkinterface.Client
	vms  virtualmachine.Client
}

// Server implements ComputeService; Operations serves its long-running operations.
type Server struct {
	computev1.UnimplementedComputeServiceServer
	Operations *lro.Server
	clouds     *cloud.PerCloud[*clients]
}

// New builds the clients of every configured cloud.
func New(reg *cloud.Registry, sealer *handle.Sealer) (*Server, error) {
	clouds, err := cloud.Build(reg, func(conn *cloud.Conn) (*clients, error) {
		c := &clients{conn: conn}
		var err error
		if c.nics, err = networkinterface.New(conn); err != nil {
			return nil, err
		}
		if c.vms, err = virtualmachine.New(conn); err != nil {
			return nil, err
		}
		return c, nil
	})
	if err != nil {
		return nil, err
	}
	s := &Server{clouds: clouds}
	s.Operations = &lro.Server{Sealer: sealer, Resume: s.resume, Metadata: metadata}
	return s, nil
}

// location is where a new resource goes: the requested location, or its resource group's.
func location(ctx context.Context, c *clients, n names.Name, requested string) (string, error) {
	if requested != "" {
		return requested, nil
	}
	return c.conn.GroupLocation(ctx, n.ResourceGroup)
}

// moved refuses a request that would move an existing resource to another location.
func moved(n names.Name, have, want string) error {
	if want == "" || sameLocation(have, want) {
		return nil
	}
	return status.Errorf(codes.FailedPrecondition, "%s already exists in location %s, not %s; a location cannot change: delete it first or pick another name", n, have, want)
}

// start answers a Create, Delete or action that asked ARM for an operation: a sealed handle
// to poll, or a done operation when a delete found nothing to delete.
func start[M any](s *Server, n names.Name, verb, armID string, op lro.Op[M], err error) (*longrunningpb.Operation, error) {
	h := handle.Handle{Cloud: n.Cloud, Resource: n.String(), Verb: verb, Created: time.Now().UTC()}
	if err != nil {
		if verb == "delete" && apierr.IsNotFound(err) {
			return s.Operations.Start(h, lro.Step{Done: true, Metadata: metadata(h, armID, "")})
		}
		return nil, apierr.FromARM(err, n.String())
	}
	switch {
	case op.Done() && verb == "delete":
		// ARM answered 204: there was nothing to delete
		return s.Operations.Start(h, lro.Step{Done: true, Metadata: metadata(h, armID, "")})
	case op.Done():
		// ARM answered at once; following the resource gives the outcome
		h.Verb = lro.VerbWatch
	default:
		if h.Token, err = op.ResumeToken(); err != nil {
			return nil, status.Errorf(codes.Internal, "resume token of %s: %v", n, err)
		}
	}
	return s.Operations.Start(h, lro.Step{Metadata: metadata(h, armID, "")})
}

// metadata builds the service's OperationMetadata.
func metadata(h handle.Handle, armID, state string) proto.Message {
	return &computev1.OperationMetadata{Target: h.Resource, Verb: h.Verb, ArmId: armID,
		CreateTime: timestamppb.New(h.Created), ProvisioningState: stateToAPI(state)}
}

// armCode is ARM's error code of a failed call, or "".
func armCode(err error) string {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

func sortByName[T interface{ GetName() string }](items []T) {
	sort.Slice(items, func(i, j int) bool { return items[i].GetName() < items[j].GetName() })
}

func sameLocation(a, b string) bool {
	return strings.EqualFold(strings.ReplaceAll(a, " ", ""), strings.ReplaceAll(b, " ", ""))
}
