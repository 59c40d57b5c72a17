// Package api implements hybridlink.orchestrator.v1.OrchestratorService over Temporal: it
// validates and starts a deployment's workflow, and reads deployments back through the
// workflow's status query and Temporal's visibility, so any replica can answer. It plans
// a deployment by reading its resources from the resource services, writing nothing.
package api

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/timestamppb"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/paging"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/deployrules"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// Server implements OrchestratorService and google.longrunning.Operations for deployments.
type Server struct {
	orchestratorv1.UnimplementedOrchestratorServiceServer
	longrunningpb.UnimplementedOperationsServer
	temporal  client.Client
	taskQueue string
	clouds    []cloud.Cloud
	// digestKey keys the digests of created specs (specDigest).
	digestKey []byte
	// network, gateway and compute are the resource services, which PlanDeployment reads.
	network networkv1.NetworkServiceClient
	gateway gatewayv1.GatewayServiceClient
	compute computev1.ComputeServiceClient
	// WatchInterval is how often WatchDeployment reads the workflow's status.
	WatchInterval time.Duration
}

// New returns a Server starting workflows on taskQueue and reading resources, to plan
// deployments, from the network, gateway and compute services at the given connections;
// payloadKey is the key of c's payload codec, from which the key of spec digests is
// derived.
func New(c client.Client, taskQueue string, payloadKey []byte, clouds []cloud.Cloud, network, gateway, compute grpc.ClientConnInterface) *Server {
	return &Server{temporal: c, taskQueue: taskQueue, clouds: clouds, digestKey: digestKey(payloadKey),
		network: networkv1.NewNetworkServiceClient(network), gateway: gatewayv1.NewGatewayServiceClient(gateway),
		compute: computev1.NewComputeServiceClient(compute), WatchInterval: 250 * time.Millisecond}
}

var deploymentID = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

// parseName checks deployments/{id}.
func parseName(name, field string) (string, error) {
	id, ok := strings.CutPrefix(name, "deployments/")
	if !ok || !deploymentID.MatchString(id) {
		return "", apierr.Invalid(field, "%q is not of the form deployments/{id}, id 1-63 lower-case letters, digits and '-'", name)
	}
	return id, nil
}

// CreateDeployment validates a deployment and starts its workflow, in the trace of this
// call: the deployment's trace. The deployment_id names the deployment (AIP-133): the
// deployment's name may be left empty, and when given must be the same.
func (s *Server) CreateDeployment(ctx context.Context, req *orchestratorv1.CreateDeploymentRequest) (*longrunningpb.Operation, error) {
	name := "deployments/" + req.GetDeploymentId()
	v := deployrules.Validate(req.GetDeployment(), req.GetDeploymentId(), s.clouds)
	refused := func(field string) bool {
		return slices.ContainsFunc(v, func(x apierr.Violation) bool { return x.Field == field })
	}
	if given := req.GetDeployment().GetName(); given != "" && given != name && !refused("deployment_id") && !refused("deployment.name") {
		v.Add("deployment.name", "%q is not the deployment deployment_id names; leave it empty, or make it %s", given, name)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	in, err := s.input(name, req.GetDeployment())
	if err != nil {
		return nil, err
	}
	if err := s.offered(ctx, in); err != nil {
		return nil, err
	}
	pending := &orchestratorv1.Deployment{Name: name, Spec: workflow.Redact(in.Spec), Status: &orchestratorv1.DeploymentStatus{State: orchestratorv1.DeploymentStatus_STATE_PENDING}}
	if req.GetValidateOnly() {
		return operation(op{deployment: name, verb: "create"}, pending, true)
	}
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		in.TraceID = sc.TraceID().String()
	}
	return s.start(ctx, name, in, s.specDigest(req.GetDeployment().GetSpec(), in.Spec), pending)
}

// input turns a validated deployment into its workflow's input: the spec completed with
// its defaults, and the IPsec policy each site's connection gets.
func (s *Server) input(name string, d *orchestratorv1.Deployment) (workflow.Input, error) {
	full, err := deployrules.Complete(d.GetSpec(), s.clouds)
	if err != nil {
		return workflow.Input{}, status.Errorf(codes.Internal, "completing the spec: %v", err)
	}
	return workflow.Input{Name: name, Spec: full, SitePolicies: deployrules.Policies(full, s.clouds)}, nil
}

// GetDeployment answers from the workflow's status query.
func (s *Server) GetDeployment(ctx context.Context, req *orchestratorv1.GetDeploymentRequest) (*orchestratorv1.Deployment, error) {
	if _, err := parseName(req.GetName(), "name"); err != nil {
		return nil, err
	}
	return s.status(ctx, req.GetName())
}

func (s *Server) status(ctx context.Context, name string) (*orchestratorv1.Deployment, error) {
	v, err := s.temporal.QueryWorkflow(ctx, workflow.ID(name), "", workflow.QueryStatus)
	if err != nil {
		return nil, s.explain(ctx, err, name)
	}
	d := &orchestratorv1.Deployment{}
	if err := v.Get(&d); err != nil {
		return nil, status.Errorf(codes.Internal, "decoding %s's status: %v", name, err)
	}
	s.attempts(ctx, d)
	return d, nil
}

// attempts fills the running steps' attempt counts and last failures from the workflow's
// pending activities (each activity's id is its step's name): Temporal retries activities
// itself, so the workflow cannot see them. A workflow that ended without finishing
// (ended) is marked FAILED. A failure to describe leaves the status as is.
func (s *Server) attempts(ctx context.Context, d *orchestratorv1.Deployment) {
	desc, err := s.temporal.DescribeWorkflowExecution(ctx, workflow.ID(d.GetName()), "")
	if err != nil {
		return
	}
	ended(d, desc.GetWorkflowExecutionInfo().GetStatus())
	pending := map[string]int32{}
	failures := map[string]string{}
	for _, a := range desc.GetPendingActivities() {
		pending[a.GetActivityId()] = a.GetAttempt()
		failures[a.GetActivityId()] = a.GetLastFailure().GetMessage()
	}
	for _, st := range d.GetStatus().GetSteps() {
		n, ok := pending[st.GetName()]
		if !ok || st.GetState() != orchestratorv1.Step_STATE_RUNNING {
			continue
		}
		st.Attempts = n
		if msg := failures[st.GetName()]; msg != "" {
			st.LastError = &orchestratorv1.StepError{Message: msg}
		}
	}
}

// ListDeployments lists the deployments of this orchestrator's task queue from Temporal's
// visibility, optionally by state.
func (s *Server) ListDeployments(ctx context.Context, req *orchestratorv1.ListDeploymentsRequest) (*orchestratorv1.ListDeploymentsResponse, error) {
	want, err := stateFilter(req.GetFilter())
	if err != nil {
		return nil, err
	}
	var out []*orchestratorv1.Deployment
	var token []byte
	seen := map[string]bool{} // each run of a workflow is listed: a deployment continued as new, or deleted and created again
	for {
		resp, err := s.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowType = '%s' AND TaskQueue = '%s'", workflow.Name, s.taskQueue), NextPageToken: token})
		if err != nil {
			return nil, temporalError(err, "deployments")
		}
		for _, e := range resp.GetExecutions() {
			if seen[e.GetExecution().GetWorkflowId()] {
				continue
			}
			seen[e.GetExecution().GetWorkflowId()] = true
			d, err := s.status(ctx, e.GetExecution().GetWorkflowId())
			switch {
			case status.Code(err) == codes.NotFound:
				continue // gone since it was listed
			case err != nil:
				// listed all the same, its state unknown, with the reason
				d = &orchestratorv1.Deployment{Name: e.GetExecution().GetWorkflowId(), CreateTime: e.GetStartTime(),
					Status: &orchestratorv1.DeploymentStatus{Error: status.Convert(err).Message()}}
			}
			if want == orchestratorv1.DeploymentStatus_STATE_UNSPECIFIED || d.GetStatus().GetState() == want {
				out = append(out, d)
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	page, next, err := paging.Page(out, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, apierr.Invalid("page_token", "%v", err)
	}
	return &orchestratorv1.ListDeploymentsResponse{Deployments: page, NextPageToken: next}, nil
}

// stateFilter reads "state=READY" (or "" for all).
func stateFilter(f string) (orchestratorv1.DeploymentStatus_State, error) {
	if strings.TrimSpace(f) == "" {
		return orchestratorv1.DeploymentStatus_STATE_UNSPECIFIED, nil
	}
	k, v, ok := strings.Cut(strings.ReplaceAll(f, " ", ""), "=")
	st, known := orchestratorv1.DeploymentStatus_State_value["STATE_"+strings.ToUpper(v)]
	if !ok || k != "state" || !known {
		return 0, apierr.Invalid("filter", "%q is not a filter; use state=READY (or PENDING, APPLYING, VERIFYING, FAILED, DELETING, DELETED)", f)
	}
	return orchestratorv1.DeploymentStatus_State(st), nil
}

// DeleteDeployment asks the workflow to tear the deployment down.
func (s *Server) DeleteDeployment(ctx context.Context, req *orchestratorv1.DeleteDeploymentRequest) (*longrunningpb.Operation, error) {
	if _, err := parseName(req.GetName(), "name"); err != nil {
		return nil, err
	}
	_, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflow.ID(req.GetName()), UpdateName: workflow.UpdateTeardown,
		WaitForStage: client.WorkflowUpdateStageAccepted,
	})
	if err != nil {
		return nil, s.explain(ctx, err, req.GetName())
	}
	d, err := s.status(ctx, req.GetName())
	if err != nil {
		return nil, err
	}
	return operation(op{deployment: req.GetName(), verb: "delete"}, d, false)
}

// GetOperation reads the deployment behind a create, update or delete operation.
func (s *Server) GetOperation(ctx context.Context, req *longrunningpb.GetOperationRequest) (*longrunningpb.Operation, error) {
	o, err := parseOperation(req.GetName())
	if err != nil {
		return nil, err
	}
	op, _, err := s.poll(ctx, o)
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
		op, done, err := s.poll(ctx, o)
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
// from the outcome of the workflow update it names.
func (s *Server) poll(ctx context.Context, o op) (*longrunningpb.Operation, bool, error) {
	if o.verb == "update" {
		h := s.temporal.GetWorkflowUpdateHandle(client.GetWorkflowUpdateHandleOptions{WorkflowID: workflow.ID(o.deployment), UpdateID: o.update})
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		var d *orchestratorv1.Deployment
		err := h.Get(short, &d)
		cancel()
		switch {
		case err == nil:
			out, err := operation(o, d, true)
			return out, true, err
		case ctx.Err() == nil && (errors.Is(err, context.DeadlineExceeded) || status.Code(err) == codes.DeadlineExceeded):
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

// transient reports whether a status read may succeed when tried again.
func transient(err error) bool {
	c := status.Code(err)
	return c == codes.Unavailable || c == codes.DeadlineExceeded
}

// temporalError maps a Temporal client error about a deployment to a status error: a
// workflow that is not there is NotFound, one stuck on a failing workflow task (Temporal's
// WorkflowNotReady) FailedPrecondition (explain says why), a request the workflow refused
// FailedPrecondition with its reason, Temporal's own errors keep their code, and only what
// did not reach Temporal is Unavailable.
func temporalError(err error, name string) error {
	var (
		nf       *serviceerror.NotFound
		deadline *serviceerror.DeadlineExceeded
		notReady *serviceerror.WorkflowNotReady
		refused  *temporal.ApplicationError
	)
	switch {
	case errors.As(err, &nf):
		return status.Errorf(codes.NotFound, "%s does not exist", name)
	case errors.As(err, &notReady):
		return status.Errorf(codes.FailedPrecondition, "%s's workflow is stuck: Temporal cannot complete its workflow task, so it neither answers nor takes requests until a worker can; see the orchestrator worker's log", name)
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &deadline):
		return status.Errorf(codes.DeadlineExceeded, "Temporal did not answer about %s in time", name)
	case errors.As(err, &refused):
		return status.Errorf(codes.FailedPrecondition, "%s refused the request: %s", name, refused.Message())
	}
	switch st := serviceerror.ToStatus(err); st.Code() {
	case codes.Unavailable:
		return status.Errorf(codes.Unavailable, "Temporal could not be reached about %s: %s; check the orchestrator's -temporal address", name, st.Message())
	case codes.Unknown:
		return status.Errorf(codes.Unknown, "asking Temporal about %s: %s", name, st.Message())
	default:
		return status.Errorf(st.Code(), "Temporal refused a request about %s: %s", name, st.Message())
	}
}

// WatchDeployment streams the deployment's changes: an event for each step that changes
// and for each change of state, until it is READY, FAILED or DELETED.
func (s *Server) WatchDeployment(req *orchestratorv1.WatchDeploymentRequest, stream orchestratorv1.OrchestratorService_WatchDeploymentServer) error {
	if _, err := parseName(req.GetName(), "name"); err != nil {
		return err
	}
	ctx := stream.Context()
	seen := map[string]string{}
	var state orchestratorv1.DeploymentStatus_State
	for {
		d, err := s.status(ctx, req.GetName())
		if err != nil {
			return err
		}
		now := timestamppb.Now()
		for _, st := range d.GetStatus().GetSteps() {
			sig := fmt.Sprintf("%s/%d/%s", st.GetState(), st.GetAttempts(), st.GetLastError().GetMessage())
			if seen[st.GetName()] == sig {
				continue
			}
			seen[st.GetName()] = sig
			if err := stream.Send(&orchestratorv1.DeploymentEvent{Time: now, State: d.GetStatus().GetState(), Step: st}); err != nil {
				return err
			}
		}
		if cur := d.GetStatus().GetState(); cur != state {
			state = cur
			if err := stream.Send(&orchestratorv1.DeploymentEvent{Time: now, State: cur}); err != nil {
				return err
			}
		}
		switch state {
		case orchestratorv1.DeploymentStatus_STATE_READY, orchestratorv1.DeploymentStatus_STATE_FAILED, orchestratorv1.DeploymentStatus_STATE_DELETED:
			return nil
		}
		select {
		case <-ctx.Done():
			return status.FromContextError(ctx.Err()).Err()
		case <-time.After(s.WatchInterval):
		}
	}
}

// UpdateDeployment re-applies a deployment with a new spec. A spec without a shared key
// keeps the deployment's key, so re-applying an unchanged spec writes nothing in ARM.
func (s *Server) UpdateDeployment(ctx context.Context, req *orchestratorv1.UpdateDeploymentRequest) (*longrunningpb.Operation, error) {
	name := req.GetDeployment().GetName()
	id, err := parseName(name, "deployment.name")
	if err != nil {
		return nil, err
	}
	if err := deployrules.Validate(req.GetDeployment(), id, s.clouds).Err(); err != nil {
		return nil, err
	}
	in, err := s.input(name, req.GetDeployment())
	if err != nil {
		return nil, err
	}
	if err := s.offered(ctx, in); err != nil {
		return nil, err
	}
	if req.GetDeployment().GetSpec().GetConnection().GetSharedKey() == "" {
		in.Spec.Connection.SharedKey = "" // the workflow keeps the deployment's key
	}
	h, err := s.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflow.ID(name), UpdateName: workflow.UpdateApply,
		Args:         []any{in},
		WaitForStage: client.WorkflowUpdateStageAccepted,
	})
	if err != nil {
		return nil, temporalError(err, name)
	}
	d, err := s.status(ctx, name)
	if err != nil {
		return nil, err
	}
	return operation(op{deployment: name, verb: "update", update: h.UpdateID()}, d, false)
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
