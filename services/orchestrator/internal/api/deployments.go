package api

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"go.opentelemetry.io/otel/trace"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/paging"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/deployrules"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

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
	in, err := s.preflight(ctx, name, req.GetDeployment())
	if err != nil {
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

// preflight turns a validated deployment into its workflow's input (input) and reads what
// it needs of the clouds before anything is written: what they offer (offered) and what the
// sites adopt (adopt: its findings refuse the request). An update also reads which gateways
// it must replace (withReplacements); a create does not, because an apply replaces only
// gateways its deployment created, and a new deployment has created none: the read would
// cost each of a burst of creates one of ARM's reads for nothing.
func (s *Server) preflight(ctx context.Context, name string, d *orchestratorv1.Deployment) (workflow.Input, error) {
	in, err := s.input(name, d)
	if err != nil {
		return in, err
	}
	if err := s.offered(ctx, in); err != nil {
		return in, err
	}
	in, found, err := s.adopt(ctx, in)
	if err != nil {
		return in, err
	}
	return in, found.Err()
}

// input turns a validated deployment into its workflow's input: the spec completed with
// its defaults, and the IPsec policy each site's connection gets.
func (s *Server) input(name string, d *orchestratorv1.Deployment) (workflow.Input, error) {
	full, err := deployrules.Complete(d.GetSpec(), s.clouds)
	if err != nil {
		return workflow.Input{}, status.Errorf(codes.Internal, "completing the spec: %v", err)
	}
	return workflow.Input{Name: name, Spec: full, Policies: deployrules.Policies(full, s.clouds)}, nil
}

// GetDeployment answers from the cache of deployments at rest, or else from what the
// workflow published (status).
func (s *Server) GetDeployment(ctx context.Context, req *orchestratorv1.GetDeploymentRequest) (*orchestratorv1.Deployment, error) {
	if _, err := parseName(req.GetName(), "name"); err != nil {
		return nil, err
	}
	if d, ok := s.cache.get(req.GetName()); ok {
		return d, nil
	}
	v := s.cache.version()
	d, err := s.status(ctx, req.GetName())
	if err != nil {
		return nil, err
	}
	s.cache.put(d, v)
	return d, nil
}

// status returns the deployment. One DescribeWorkflowExecution gives what its workflow last
// published (workflow.StatusMemo, at its last change of state) and the attempts of its
// running steps: for a deployment at rest that is all of it, read without asking a worker,
// so every API replica answers the same and reads stay fast while the workers are busy or
// lost. A deployment at work is asked for its steps (the status query); when no worker
// answers within queryTimeout, what it published is the answer. A workflow that has
// published nothing (it has just started, or predates StatusMemo) can only be queried, which
// answers or says why it cannot; one whose workflow task has failed stuckAttempts times
// running is said to be stuck, with the failure.
func (s *Server) status(ctx context.Context, name string) (*orchestratorv1.Deployment, error) {
	desc, err := s.temporal.DescribeWorkflowExecution(ctx, workflow.ID(name), "")
	if err != nil {
		return nil, s.explain(ctx, err, name)
	}
	info := desc.GetWorkflowExecutionInfo()
	d, err := s.memo(info.GetMemo())
	if err != nil {
		return nil, status.Errorf(codes.Internal, "decoding %s's status: %v", name, err)
	}
	running := info.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
	switch {
	case d == nil:
		if d, err = s.query(ctx, name); err != nil {
			return nil, err
		}
	case running && desc.GetPendingWorkflowTask().GetAttempt() >= stuckAttempts:
		// a workflow task timed out under load is retried and goes on; one that keeps
		// failing (a bug, a limit) leaves the memo saying what it said last, for ever
		if failure := s.taskFailure(ctx, name); failure != "" {
			return nil, stuck(name, failure)
		}
	case running && !workflow.Settled(d.GetStatus().GetState()):
		qctx, cancel := context.WithTimeout(ctx, queryTimeout)
		q, err := s.query(qctx, name)
		cancel()
		switch {
		case err == nil:
			d = q
		case qctx.Err() == nil:
			return nil, err
		}
	}
	ended(d, info.GetStatus())
	attempts(d, desc.GetPendingActivities())
	return d, nil
}

// queryTimeout bounds the status query of a deployment at work, past which GetDeployment
// answers with what the workflow last published.
const queryTimeout = time.Second

// memo decodes the deployment a workflow published in its memo; nil when it has not.
func (s *Server) memo(m *commonpb.Memo) (*orchestratorv1.Deployment, error) {
	p, ok := m.GetFields()[workflow.StatusMemo]
	if !ok {
		return nil, nil
	}
	d := &orchestratorv1.Deployment{}
	if err := s.payloads.FromPayload(p, &d); err != nil {
		return nil, err
	}
	return d, nil
}

// query asks the workflow for its status.
func (s *Server) query(ctx context.Context, name string) (*orchestratorv1.Deployment, error) {
	v, err := s.temporal.QueryWorkflow(ctx, workflow.ID(name), "", workflow.QueryStatus)
	if err != nil {
		return nil, s.explain(ctx, err, name)
	}
	d := &orchestratorv1.Deployment{}
	if err := v.Get(&d); err != nil {
		return nil, status.Errorf(codes.Internal, "decoding %s's status: %v", name, err)
	}
	return d, nil
}

// attempts fills the running steps' attempt counts and last failures from the workflow's
// pending activities (each activity's id is its step's name): Temporal retries activities
// itself, so the workflow cannot see them.
func attempts(d *orchestratorv1.Deployment, pending []*workflowpb.PendingActivityInfo) {
	byStep := map[string]*workflowpb.PendingActivityInfo{}
	for _, a := range pending {
		byStep[a.GetActivityId()] = a
	}
	for _, st := range d.GetStatus().GetSteps() {
		a, ok := byStep[st.GetName()]
		if !ok || st.GetState() != orchestratorv1.Step_STATE_RUNNING {
			continue
		}
		st.Attempts = a.GetAttempt()
		if msg := a.GetLastFailure().GetMessage(); msg != "" {
			st.LastError = &orchestratorv1.StepError{Message: msg}
		}
	}
}

// ListDeployments lists the deployments of this orchestrator's task queue from Temporal's
// visibility, with the status each workflow published in its memo, optionally by state.
func (s *Server) ListDeployments(ctx context.Context, req *orchestratorv1.ListDeploymentsRequest) (*orchestratorv1.ListDeploymentsResponse, error) {
	want, err := stateFilter(req.GetFilter())
	if err != nil {
		return nil, err
	}
	query := fmt.Sprintf("WorkflowType = '%s' AND TaskQueue = '%s'", workflow.Name, s.taskQueue)
	if want != orchestratorv1.DeploymentStatus_STATE_UNSPECIFIED {
		query += fmt.Sprintf(" AND %s = '%s'", workflow.StateAttribute.GetName(), strings.TrimPrefix(want.String(), "STATE_"))
	}
	var out []*orchestratorv1.Deployment
	var token []byte
	seen := map[string]bool{}
	for {
		resp, err := s.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token})
		if err != nil {
			return nil, temporalError(err, "deployments")
		}
		for _, e := range resp.GetExecutions() {
			id := e.GetExecution().GetWorkflowId()
			if seen[id] || !s.latest(ctx, e) {
				continue
			}
			seen[id] = true
			d, err := s.memo(e.GetMemo())
			if d != nil {
				ended(d, e.GetStatus())
			} else if err == nil {
				d, err = s.status(ctx, id)
			}
			switch {
			case status.Code(err) == codes.NotFound:
				continue // gone since it was listed
			case err != nil:
				// listed all the same, its state unknown, with the reason
				d = &orchestratorv1.Deployment{Name: id, CreateTime: e.GetStartTime(),
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

// latest reports whether a listed run is its deployment's current one: visibility lists
// every run of a workflow id. A running run is (only one runs at a time); one continued as
// new is not (its successor is listed in its own right, with the memo and state it
// inherited); a closed one is unless the deployment was created again since, which one
// DescribeWorkflowExecution tells.
func (s *Server) latest(ctx context.Context, e *workflowpb.WorkflowExecutionInfo) bool {
	switch e.GetStatus() {
	case enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
		return true
	case enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
		return false
	}
	desc, err := s.temporal.DescribeWorkflowExecution(ctx, e.GetExecution().GetWorkflowId(), "")
	return err != nil || desc.GetWorkflowExecutionInfo().GetExecution().GetRunId() == e.GetExecution().GetRunId()
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
	s.cache.drop(req.GetName())
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
	in, err := s.preflight(ctx, name, req.GetDeployment())
	if err != nil {
		return nil, err
	}
	if in, err = s.withReplacements(ctx, in); err != nil {
		return nil, err
	}
	if req.GetDeployment().GetSpec().GetConnection().GetSharedKey() == "" {
		in.Spec.Connection.SharedKey = "" // the workflow keeps the deployment's key
	}
	return s.update(ctx, name, workflow.UpdateApply, in)
}
