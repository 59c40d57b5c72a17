package cli

import (
	"errors"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestDescribeFields shows the fields of a bad request as a spec file spells them.
func TestDescribeFields(t *testing.T) {
	st, err := status.New(codes.InvalidArgument, "invalid request: deployment.spec.sites[1].address_prefixes[0]: overlaps; deployment.spec.sites[0].virtual_machines[0].admin_password: required unless ssh_public_keys are given").
		WithDetails(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "deployment.spec.sites[1].address_prefixes[0]", Description: "overlaps"},
			{Field: "deployment.spec.sites[0].virtual_machines[0].admin_password", Description: "required unless ssh_public_keys are given"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	got := describe(st.Err())
	want := "invalid request: spec.sites[1].addressPrefixes[0]: overlaps; spec.sites[0].virtualMachines[0].adminPassword: required unless sshPublicKeys are given (InvalidArgument)\n" +
		"  spec.sites[1].addressPrefixes[0]: overlaps\n" +
		"  spec.sites[0].virtualMachines[0].adminPassword: required unless sshPublicKeys are given"
	if got != want {
		t.Errorf("describe:\n%s\nwant\n%s", got, want)
	}
	if got := describe(errors.New("deployment.spec.sites[0] as it is")); got != "deployment.spec.sites[0] as it is" {
		t.Errorf("describe of an error that is no status: %q", got)
	}
}
