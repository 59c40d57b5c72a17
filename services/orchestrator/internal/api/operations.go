package api

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/timestamppb"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/paging"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// GetOperation reads the deployment behind a create, update or delete operation.
func (s *Server) GetOperation(ctx context.Context, req *longrunningpb.GetOperationRequest) (*longrunningpb.Operation, error) {
	o, err := parseOperation(req.GetName())
	if err != nil {
		return nil, err
	}
	op, _, err := s.poll(ctx, o, time.Second)
	return op, err
}

// WaitOperation reads the operation until it is done or the timeout passes.
func (s *Server) WaitOperation(ctx context.Context, req *longrunningpb.WaitOperationRequest) (*longrunningpb.Operation, error) {
	o, err := parseOperation(req.GetName())
	if err != nil {
		return nil, err
	}
	timeout := time.Minute
	if req.GetTimeout() != nil {
		timeout = req.GetTimeout().AsDuration()
	}
	deadline := time.Now().Add(timeout)
	for {
		// most of what is left, so that the answer is back before the caller's own deadline
		op, done, err := s.poll(ctx, o, max(time.Until(deadline)*4/5, 100*time.Millisecond))
		switch {
		case err != nil && transient(err) && time.Now().Before(deadline):
			// a worker is being replaced: its sticky queue answers no queries for a moment
		case err != nil:
			return nil, err
		case done || time.Now().After(deadline):
			return op, nil
		}
		select {
		case <-ctx.Done():
			return nil, status.FromContextError(ctx.Err()).Err()
		case <-time.After(s.WatchInterval):
		}
	}
}

// poll reads an operation once: a create or delete from the deployment's state, an update
// from the outcome of the workflow update it names, waiting up to wait for it (Temporal
// long-polls an update's outcome; a slow server takes more than a moment to answer even
// one that is done).
func (s *Server) poll(ctx context.Context, o op, wait time.Duration) (*longrunningpb.Operation, bool, error) {
	if o.verb == "update" {
		h := s.temporal.GetWorkflowUpdateHandle(client.GetWorkflowUpdateHandleOptions{WorkflowID: workflow.ID(o.deployment), UpdateID: o.update})
		short, cancel := context.WithTimeout(ctx, wait)
		var d *orchestratorv1.Deployment
		err := h.Get(short, &d)
		cancel()
		switch {
		case err == nil:
			out, err := operation(o, d, true)
			return out, true, err
		case ctx.Err() == nil && (errors.Is(err, context.DeadlineExceeded) || status.Code(err) == codes.DeadlineExceeded || errors.As(err, new(*serviceerror.DeadlineExceeded))):
			// still applying
		default:
			return nil, false, temporalError(err, o.deployment)
		}
	}
	d, err := s.status(ctx, o.deployment)
	if err != nil {
		return nil, false, err
	}
	done := o.verb != "update" && finished(o.verb, d)
	out, err := operation(o, d, done)
	return out, done, err
}

// CancelOperation stops a deployment's create at a safe point: no further step starts,
// the running ones finish (ARM cannot cancel them), and the deployment ends FAILED, kept for
// inspection, a new apply or deletion. A teardown cannot be cancelled.
func (s *Server) CancelOperation(ctx context.Context, req *longrunningpb.CancelOperationRequest) (*emptypb.Empty, error) {
	o, err := parseOperation(req.GetName())
	if err != nil {
		return nil, err
	}
	name := o.deployment
	if o.verb == "delete" {
		return nil, status.Errorf(codes.FailedPrecondition, "the teardown of %s cannot be cancelled: stopping half way would leave it neither deployed nor gone", name)
	}
	h, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflow.ID(name), UpdateName: workflow.UpdateStop,
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, nil) // a validator's refusal comes back here
	}
	if err != nil {
		if strings.Contains(err.Error(), "no apply is in progress") {
			return nil, status.Errorf(codes.FailedPrecondition, "%s has no apply in progress to cancel", name)
		}
		return nil, temporalError(err, name)
	}
	return &emptypb.Empty{}, nil
}

// op is a parsed operation name: operations/deployments/{id}/create or .../delete, or
// operations/deployments/{id}/update/{update id} for a re-apply.
type op struct {
	deployment, verb, update string
}

func (o op) String() string {
	if o.verb == "update" {
		return "operations/" + o.deployment + "/update/" + o.update
	}
	return "operations/" + o.deployment + "/" + o.verb
}

var operationName = regexp.MustCompile(`^operations/(deployments/[^/]+)/(create|delete|update/([A-Za-z0-9-]{1,64}))$`)

// parseOperation reads an operation name of this service.
func parseOperation(name string) (op, error) {
	m := operationName.FindStringSubmatch(name)
	if m == nil {
		return op{}, apierr.Invalid("name", "%q is not an operation of this service", name)
	}
	if _, err := parseName(m[1], "name"); err != nil {
		return op{}, apierr.Invalid("name", "%q is not an operation of this service", name)
	}
	o := op{deployment: m[1], verb: m[2], update: m[3]}
	if o.update != "" {
		o.verb = "update"
	}
	return o, nil
}

// finished reports whether a create (READY or FAILED) or delete (DELETED) is over.
func finished(verb string, d *orchestratorv1.Deployment) bool {
	st := d.GetStatus().GetState()
	if verb == "delete" {
		return st == orchestratorv1.DeploymentStatus_STATE_DELETED
	}
	return st == orchestratorv1.DeploymentStatus_STATE_READY || st == orchestratorv1.DeploymentStatus_STATE_FAILED
}

// operation builds the Operation of a create, update or delete of a deployment.
func operation(o op, d *orchestratorv1.Deployment, done bool) (*longrunningpb.Operation, error) {
	name := o.deployment
	md := &orchestratorv1.OperationMetadata{Target: name, Verb: o.verb, State: d.GetStatus().GetState(),
		CreateTime: d.GetCreateTime(), StepsTotal: int32(len(d.GetStatus().GetSteps()))}
	for _, st := range d.GetStatus().GetSteps() {
		if st.GetState() == orchestratorv1.Step_STATE_SUCCEEDED {
			md.StepsDone++
		}
	}
	if md.CreateTime == nil {
		md.CreateTime = timestamppb.Now()
	}
	meta, err := anypb.New(md)
	if err != nil {
		return nil, err
	}
	out := &longrunningpb.Operation{Name: o.String(), Metadata: meta, Done: done}
	if !done {
		return out, nil
	}
	if d.GetStatus().GetState() == orchestratorv1.DeploymentStatus_STATE_FAILED {
		out.Result = &longrunningpb.Operation_Error{Error: status.New(codes.Aborted,
			fmt.Sprintf("%s failed: %s; fix the cause and create it again, or delete it", name, d.GetStatus().GetError())).Proto()}
		return out, nil
	}
	resp, err := anypb.New(d)
	if err != nil {
		return nil, err
	}
	out.Result = &longrunningpb.Operation_Response{Response: resp}
	return out, nil
}

// ListOperations lists, for every deployment, its latest create or delete operation.
func (s *Server) ListOperations(ctx context.Context, req *longrunningpb.ListOperationsRequest) (*longrunningpb.ListOperationsResponse, error) {
	if req.GetName() != "" && req.GetName() != "operations" {
		return nil, apierr.Invalid("name", "%q is not an operation collection of this service; use operations", req.GetName())
	}
	deployments, err := s.ListDeployments(ctx, &orchestratorv1.ListDeploymentsRequest{Filter: req.GetFilter(), PageSize: paging.MaxSize})
	if err != nil {
		return nil, err
	}
	ops := make([]*longrunningpb.Operation, 0, len(deployments.GetDeployments()))
	for _, d := range deployments.GetDeployments() {
		o := op{deployment: d.GetName(), verb: "create"}
		switch d.GetStatus().GetState() {
		case orchestratorv1.DeploymentStatus_STATE_DELETING, orchestratorv1.DeploymentStatus_STATE_DELETED:
			o.verb = "delete"
		}
		out, err := operation(o, d, finished(o.verb, d))
		if err != nil {
			return nil, err
		}
		ops = append(ops, out)
	}
	page, next, err := paging.Page(ops, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, apierr.Invalid("page_token", "%v", err)
	}
	return &longrunningpb.ListOperationsResponse{Operations: page, NextPageToken: next}, nil
}

// DeleteOperation is refused: operations are the deployments' workflows, which a
// deployment's deletion ends.
func (s *Server) DeleteOperation(context.Context, *longrunningpb.DeleteOperationRequest) (*emptypb.Empty, error) {
	return nil, status.Error(codes.Unimplemented, "operations are not stored apart from their deployments; delete the deployment instead")
}
