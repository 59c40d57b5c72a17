package activities

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// failedOperationAttempts is how many times a step tries an ARM operation that ends Failed
// with a code the suite cannot classify (gRPC Unknown): ARM's advice for a Failed resource
// is to PUT it again, which the retry does, but a failure that repeats is the cloud's
// answer, and retrying it forever would keep the deployment APPLYING with no end.
const failedOperationAttempts = 3

// redacted replaces a secret wherever an error message would hold it.
const redacted = "[redacted]"

// fail turns what a resource service answered into the error a workflow acts on: bad input,
// a failed precondition, quota, policy, permission and missing resources are
// non-retryable (the contract's NonRetryableErrorTypes); an ARM operation that ended Failed
// with an unclassified code is retried until failedOperationAttempts; anything else
// (unavailable, aborted, deadlines, internal) is retried with back-off. The error's type is the gRPC
// code's name (InvalidArgument, Unavailable, ...); ARM's code, when ARM answered, is kept
// in the message and as the error's one detail. Secrets are cut from the message. A done
// ctx is returned as it is, so that Temporal sees the activity canceled or timed out.
func fail(ctx context.Context, err error, secrets ...string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	st := status.Convert(err)
	msg := st.Message()
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, redacted)
		}
	}
	var details []any
	if reason := armReason(st); reason != "" {
		details = append(details, reason)
		if !strings.Contains(msg, reason) {
			msg += " (ARM: " + reason + ")"
		}
	}
	code := st.Code().String()
	if st.Code() == codes.Unknown && activity.IsActivity(ctx) {
		if n := activity.GetInfo(ctx).Attempt; n >= failedOperationAttempts {
			msg += fmt.Sprintf("; failed %d times, so this is the cloud's answer: fix what ARM names, then apply again", n)
			return temporal.NewNonRetryableApplicationError(msg, code, nil, details...)
		}
	}
	if slices.Contains(workflow.NonRetryableErrorTypes, code) {
		return temporal.NewNonRetryableApplicationError(msg, code, nil, details...)
	}
	// A transient refusal that says when to come back (ARM's Retry-After, as the services'
	// RetryInfo) is retried then, not after the retry policy's blind back-off.
	return temporal.NewApplicationErrorWithOptions(msg, code, temporal.ApplicationErrorOptions{Details: details, NextRetryDelay: retryDelay(st)})
}

// retryDelay is the delay a status's RetryInfo asks for; zero (the retry policy's own
// back-off) without one.
func retryDelay(st *status.Status) time.Duration {
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok && ri.GetRetryDelay().AsDuration() > 0 {
			return ri.GetRetryDelay().AsDuration()
		}
	}
	return 0
}

// explain says what a resource service's answer means when the request tells more than
// ARM's message does: SkuNotAvailable on a virtual machine, whether ARM refused the PUT or
// the operation failed, is its size not offered in its location, which neither a retry nor
// a quota changes (FailedPrecondition, not the service's ResourceExhausted-style advice).
func explain(err error, req any) error {
	vm, ok := req.(*computev1.CreateVirtualMachineRequest)
	if !ok || armReason(status.Convert(err)) != "SkuNotAvailable" {
		return err
	}
	cloud, loc := workflow.CloudOf(vm.GetParent()), vm.GetVirtualMachine().GetLocation()
	return apierr.Explain(err, codes.FailedPrecondition,
		"VM size %s of %s/virtualMachines/%s is not offered in location %s of cloud %s (ARM: SkuNotAvailable); pick another size the location offers: hybridlink plan names close ones, and ComputeService.ListMachineSizes on clouds/%s/locations/%s lists them all",
		vm.GetVirtualMachine().GetSize(), vm.GetParent(), vm.GetVirtualMachineId(), loc, cloud, cloud, loc)
}

// armReason returns ARM's error code from a status's ErrorInfo, if ARM answered.
func armReason(st *status.Status) string {
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok && info.GetDomain() == apierr.Domain {
			return info.GetReason()
		}
	}
	return ""
}
