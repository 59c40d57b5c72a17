package workflow

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// Step error codes the workflow sets itself; activities' errors keep their own type.
const (
	// codeCanceled marks a step stopped because the deployment was canceled.
	codeCanceled = "Canceled"
	// codeDeadlineExceeded marks a step whose activity timed out for good.
	codeDeadlineExceeded = "DeadlineExceeded"
	// codeUnknown marks an error that is not an activity's application error.
	codeUnknown = "Unknown"
)

// start marks the step running from now on. Each start counts as an attempt: Temporal's
// own retries of the activity are not visible to workflow code (they show, with the last
// failure, among the workflow's pending activities, whose IDs are the step names).
func (s *step) start(now time.Time) {
	s.status.State = orchestratorv1.Step_STATE_RUNNING
	s.status.Attempts++
	s.status.StartTime = timestamppb.New(now)
	s.status.EndTime = nil
	s.status.LastError = nil
}

// end marks the step succeeded, or failed with err, at now, and makes done ready.
func (s *step) end(now time.Time, err error) {
	s.status.EndTime = timestamppb.New(now)
	if err != nil {
		s.status.State = orchestratorv1.Step_STATE_FAILED
		s.status.LastError = stepError(err)
	} else {
		s.status.State = orchestratorv1.Step_STATE_SUCCEEDED
	}
	s.settle.Set(nil, nil)
}

// skip marks the step skipped, because a step it depends on failed or the deployment was
// canceled, and makes done ready.
func (s *step) skip() {
	s.status.State = orchestratorv1.Step_STATE_SKIPPED
	s.settle.Set(nil, nil)
}

// stepError describes an activity's error: an application error's type is its code, its
// message the message, and its string detail, when it has one, ARM's code.
func stepError(err error) *orchestratorv1.StepError {
	var app *temporal.ApplicationError
	var timeout *temporal.TimeoutError
	switch {
	case errors.As(err, &app):
		e := &orchestratorv1.StepError{Code: app.Type(), Message: app.Message()}
		var armCode string
		if app.HasDetails() && app.Details(&armCode) == nil {
			e.ArmCode = armCode
		}
		return e
	case temporal.IsCanceledError(err):
		return &orchestratorv1.StepError{Code: codeCanceled, Message: "stopped: the deployment was canceled"}
	case errors.As(err, &timeout):
		return &orchestratorv1.StepError{Code: codeDeadlineExceeded, Message: timeout.Error()}
	default:
		return &orchestratorv1.StepError{Code: codeUnknown, Message: err.Error()}
	}
}

// failure describes a failed step for the deployment's error: its name, code and message.
func failure(s *step) string {
	e := s.status.GetLastError()
	return s.status.GetName() + ": " + e.GetCode() + ": " + e.GetMessage()
}

// newOutputs returns empty outputs for the sites of spec, in its order.
func newOutputs(spec *orchestratorv1.DeploymentSpec) *orchestratorv1.Outputs {
	out := &orchestratorv1.Outputs{}
	for _, site := range spec.GetSites() {
		out.Sites = append(out.Sites, &orchestratorv1.SiteOutputs{Site: site.GetName(), VmPrivateIps: map[string]string{}})
	}
	return out
}

// view returns the deployment as queries show it: its name, its spec without secrets (the
// shared key and the VMs' admin passwords), and a copy of its status.
func (d *deployment) view() *orchestratorv1.Deployment {
	spec := Redact(d.in.Spec)
	st := proto.Clone(d.status).(*orchestratorv1.DeploymentStatus)
	st.Created = nil
	for _, r := range d.created {
		st.Created = append(st.Created, r.Name)
	}
	return &orchestratorv1.Deployment{
		Name:       d.in.Name,
		Spec:       spec,
		Status:     st,
		CreateTime: timestamppb.New(d.in.CreateTime),
		UpdateTime: timestamppb.New(d.updated),
		Etag:       etag(spec),
	}
}

// etag identifies a spec (its secrets cleared): a hash of its deterministic encoding.
func etag(spec *orchestratorv1.DeploymentSpec) string {
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(spec)
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// Redact returns a copy of a spec without its secrets: the shared key and the VMs' admin
// passwords.
func Redact(s *orchestratorv1.DeploymentSpec) *orchestratorv1.DeploymentSpec {
	c := proto.Clone(s).(*orchestratorv1.DeploymentSpec)
	if c.GetConnection() != nil {
		c.Connection.SharedKey = ""
	}
	for _, site := range c.GetSites() {
		for _, vm := range site.GetVirtualMachines() {
			vm.AdminPassword = ""
		}
	}
	return c
}
