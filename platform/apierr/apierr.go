// Package apierr turns what goes wrong into google.rpc.Status errors that tell the caller
// what to do: bad input as InvalidArgument with BadRequest field violations, ARM's answers
// as the matching canonical code with ErrorInfo carrying ARM's own code and message, and
// transient failures as Unavailable with RetryInfo.
package apierr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Domain is the ErrorInfo domain of errors that come from ARM.
const Domain = "management.azure.com"

// Violation is one invalid field of a request.
type Violation struct {
	// Field is the request field's path, e.g. virtual_network.subnets[1].address_prefix.
	Field string
	// Description says what is wrong and what is accepted.
	Description string
}

// Violations collects field violations while a request is validated.
type Violations []Violation

// Add records a violation.
func (v *Violations) Add(field, format string, args ...any) {
	*v = append(*v, Violation{Field: field, Description: fmt.Sprintf(format, args...)})
}

// Check records err, a check of field that failed, as its violation; a nil err records
// nothing.
func (v *Violations) Check(field string, err error) {
	if err != nil {
		v.Add(field, "%v", err)
	}
}

// Err returns InvalidArgument with a BadRequest detail listing every violation, or nil.
func (v Violations) Err() error {
	if len(v) == 0 {
		return nil
	}
	br := &errdetails.BadRequest{}
	msgs := make([]string, 0, len(v))
	for _, x := range v {
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: x.Field, Description: x.Description})
		msgs = append(msgs, x.Field+": "+x.Description)
	}
	st := status.New(codes.InvalidArgument, "invalid request: "+strings.Join(msgs, "; "))
	st, _ = st.WithDetails(br, &errdetails.ErrorInfo{Reason: "INVALID_ARGUMENT", Domain: "hybridlink"})
	return st.Err()
}

// Invalid is a single-violation InvalidArgument.
func Invalid(field, format string, args ...any) error {
	var v Violations
	v.Add(field, format, args...)
	return v.Err()
}

// FromARM converts an error from an Azure SDK call into a status error. ARM's code, HTTP
// status and message stay in ErrorInfo so operators see what Azure said; target is the API
// resource the call was about.
func FromARM(err error, target string) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return status.Error(codes.DeadlineExceeded, "deadline exceeded while calling ARM for "+target)
	}
	if errors.Is(err, context.Canceled) {
		return status.Error(codes.Canceled, "canceled while calling ARM for "+target)
	}
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		st := status.New(codes.Unavailable, fmt.Sprintf("ARM could not be reached for %s: %v; check the cloud's endpoint and network, then retry", target, err))
		st, _ = st.WithDetails(&errdetails.ErrorInfo{Reason: "ARM_UNREACHABLE", Domain: Domain, Metadata: map[string]string{"target": target}})
		return st.Err()
	}
	code := Code(re.StatusCode, re.ErrorCode)
	body := armBody(re)
	msg := body.Message
	st := status.New(code, fmt.Sprintf("ARM refused %s: %s: %s%s", target, re.ErrorCode, msg, hint(code, re.ErrorCode)))
	info := &errdetails.ErrorInfo{Reason: re.ErrorCode, Domain: Domain, Metadata: map[string]string{
		"arm_status": strconv.Itoa(re.StatusCode), "arm_message": msg, "target": target,
	}}
	if re.RawResponse != nil {
		if id := re.RawResponse.Header.Get("x-ms-request-id"); id != "" {
			info.Metadata["arm_request_id"] = id
		}
	}
	details := []protoadapt.MessageV1{info}
	if code == codes.Unavailable || code == codes.Aborted {
		details = append(details, &errdetails.RetryInfo{RetryDelay: durationpb.New(retryAfter(re))})
	}
	if code == codes.InvalidArgument {
		details = append(details, &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: body.Target, Description: msg}}})
	}
	withDetails, derr := st.WithDetails(details...)
	if derr != nil {
		return st.Err()
	}
	return withDetails.Err()
}

// Explain returns a status error with code and message replaced and its details (ARM's
// ErrorInfo among them) kept: for ARM answers the suite can say more about than ARM does,
// such as the VM size a SkuNotAvailable is about.
func Explain(err error, code codes.Code, format string, args ...any) error {
	p := status.Convert(err).Proto()
	p.Code, p.Message = int32(code), fmt.Sprintf(format, args...)
	return status.FromProto(p).Err()
}

// IsNotFound reports whether an SDK error is ARM's 404.
func IsNotFound(err error) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == http.StatusNotFound
}

// ARMCode returns ARM's error code of a failed SDK call, or "".
func ARMCode(err error) string {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

// Code maps an ARM answer to a canonical gRPC code.
func Code(httpStatus int, armCode string) codes.Code {
	switch {
	case armCode == "SkuNotAvailable": // a size the location does not offer: no quota changes that
		return codes.FailedPrecondition
	case strings.HasPrefix(armCode, "InUse") || strings.HasSuffix(armCode, "InUse") ||
		strings.HasSuffix(armCode, "CannotBeDeleted") || armCode == "ReferencedResourceNotProvisioned" ||
		armCode == "OperationNotAllowed" || armCode == "PropertyChangeNotAllowed" || armCode == "ResourceGroupBeingDeleted":
		return codes.FailedPrecondition
	case armCode == "AnotherOperationInProgress" || armCode == "RetryableErrorDueToAnotherOperation":
		return codes.Aborted
	case strings.Contains(armCode, "Quota") || armCode == "SubnetIsFull":
		return codes.ResourceExhausted
	case armCode == "LinkedAuthorizationFailed" || armCode == "AuthorizationFailed" || httpStatus == http.StatusForbidden:
		return codes.PermissionDenied
	case httpStatus == http.StatusUnauthorized:
		return codes.Unauthenticated
	case httpStatus == http.StatusNotFound:
		return codes.NotFound
	case httpStatus == http.StatusConflict:
		return codes.FailedPrecondition
	case httpStatus == http.StatusTooManyRequests || httpStatus >= 500:
		return codes.Unavailable
	case httpStatus >= 400:
		return codes.InvalidArgument
	}
	return codes.Unknown
}

func hint(c codes.Code, armCode string) string {
	if armCode == "SkuNotAvailable" {
		return " (the VM size is not offered in that location: pick another size; ListMachineSizes lists the location's sizes)"
	}
	switch c {
	case codes.Unavailable:
		return " (transient: retry after the delay in RetryInfo)"
	case codes.Aborted:
		return " (another operation runs on the resource: retry when it ends)"
	case codes.FailedPrecondition:
		return " (fix the state ARM names, then retry)"
	case codes.ResourceExhausted:
		return " (pick another size or region, or raise the quota)"
	case codes.Unauthenticated, codes.PermissionDenied:
		return " (check the cloud's credential and its role assignments)"
	}
	return ""
}

// armError is the body ARM wraps its errors in.
type armError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target"`
}

// armBody reads ARM's error body from the response an SDK error carries.
func armBody(re *azcore.ResponseError) armError {
	var e struct {
		Error armError `json:"error"`
	}
	if re.RawResponse != nil {
		if b, err := runtime.Payload(re.RawResponse); err == nil {
			_ = json.Unmarshal(b, &e)
		}
	}
	if e.Error.Message == "" {
		e.Error.Message = http.StatusText(re.StatusCode)
	}
	return e.Error
}

// retryAfter is the delay ARM asked for, or a second.
func retryAfter(re *azcore.ResponseError) time.Duration {
	if re.RawResponse != nil {
		h := re.RawResponse.Header
		if ms, err := strconv.Atoi(h.Get("Retry-After-Ms")); err == nil && ms > 0 {
			return time.Duration(ms) * time.Millisecond
		}
		if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil && s > 0 {
			return time.Duration(s) * time.Second
		}
	}
	return time.Second
}
