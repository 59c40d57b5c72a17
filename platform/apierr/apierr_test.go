package apierr

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func armResponse(status int, code, msg string, header http.Header) error {
	body := `{"error":{"code":"` + code + `","message":"` + msg + `","target":"properties.x"}}`
	if header == nil {
		header = http.Header{}
	}
	header.Set("x-ms-request-id", "req-1")
	req, _ := http.NewRequest(http.MethodPut, "https://management.azure.com/subscriptions/s/x", nil)
	return runtime.NewResponseError(&http.Response{StatusCode: status, Header: header, Request: req,
		Body: io.NopCloser(bytes.NewBufferString(body))})
}

// TestSkuNotAvailableIsNotQuota: ARM's SkuNotAvailable is a size the location does not
// offer, which no quota request changes; the advice says to pick another size.
func TestSkuNotAvailableIsNotQuota(t *testing.T) {
	msg := status.Convert(FromARM(armResponse(409, "SkuNotAvailable", "The requested size is currently not available in location 'local'.", nil),
		"clouds/azure-stack-hub/resourceGroups/rg/virtualMachines/vm")).Message()
	if strings.Contains(msg, "quota") || !strings.Contains(msg, "pick another size") || !strings.Contains(msg, "ListMachineSizes") {
		t.Fatalf("message: %s", msg)
	}
}

func TestExplain(t *testing.T) {
	err := Explain(FromARM(armResponse(409, "SkuNotAvailable", "not available", nil), "vm"), codes.FailedPrecondition, "size %s is not offered", "Standard_E64_v5")
	st := status.Convert(err)
	if st.Code() != codes.FailedPrecondition || st.Message() != "size Standard_E64_v5 is not offered" {
		t.Fatalf("%v", st)
	}
	if len(st.Details()) == 0 || st.Details()[0].(*errdetails.ErrorInfo).GetReason() != "SkuNotAvailable" {
		t.Fatalf("ARM's ErrorInfo must stay: %v", st.Details())
	}
}

func TestFromARM(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		code      codes.Code
		retryInfo bool
	}{
		{"not found", armResponse(404, "ResourceNotFound", "The Resource was not found.", nil), codes.NotFound, false},
		{"group not found", armResponse(404, "ResourceGroupNotFound", "Resource group 'x' could not be found.", nil), codes.NotFound, false},
		{"another operation", armResponse(409, "AnotherOperationInProgress", "Another operation is in progress.", nil), codes.Aborted, true},
		{"in use", armResponse(400, "InUseSubnetCannotBeDeleted", "Subnet is in use by nic.", nil), codes.FailedPrecondition, false},
		{"nic in use", armResponse(400, "NicInUse", "Network Interface is used by existing VM.", nil), codes.FailedPrecondition, false},
		{"not provisioned", armResponse(400, "ReferencedResourceNotProvisioned", "not in Succeeded state", nil), codes.FailedPrecondition, false},
		{"validation", armResponse(400, "InvalidGatewaySize", "The specified gateway size is not valid.", nil), codes.InvalidArgument, false},
		{"quota", armResponse(409, "QuotaExceeded", "Operation results in exceeding quota limits.", nil), codes.ResourceExhausted, false},
		{"sku", armResponse(409, "SkuNotAvailable", "The requested VM size is not available.", nil), codes.FailedPrecondition, false},
		{"throttled", armResponse(429, "SubscriptionRequestsThrottled", "Number of write requests exceeded.", http.Header{"Retry-After": {"7"}}), codes.Unavailable, true},
		{"server error", armResponse(500, "InternalServerError", "An error has occurred.", nil), codes.Unavailable, true},
		{"forbidden", armResponse(403, "AuthorizationFailed", "The client does not have authorization.", nil), codes.PermissionDenied, false},
		{"unauthenticated", armResponse(401, "AuthenticationFailed", "Authentication failed.", nil), codes.Unauthenticated, false},
		{"unreachable", errors.New("dial tcp 127.0.0.1:1: connection refused"), codes.Unavailable, false},
		{"deadline", context.DeadlineExceeded, codes.DeadlineExceeded, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := status.Convert(FromARM(tc.err, "clouds/azure/resourceGroups/rg"))
			if st.Code() != tc.code {
				t.Fatalf("code %s, want %s: %s", st.Code(), tc.code, st.Message())
			}
			var info *errdetails.ErrorInfo
			var retry bool
			for _, d := range st.Details() {
				switch d := d.(type) {
				case *errdetails.ErrorInfo:
					info = d
				case *errdetails.RetryInfo:
					retry = true
				}
			}
			if retry != tc.retryInfo {
				t.Fatalf("RetryInfo present = %v, want %v", retry, tc.retryInfo)
			}
			var re interface{ Error() string }
			if errors.As(tc.err, &re) && strings.Contains(tc.err.Error(), "RESPONSE") {
				if info == nil || info.Domain != Domain || info.Metadata["arm_request_id"] != "req-1" {
					t.Fatalf("ErrorInfo must carry ARM's code and request id: %+v", info)
				}
				if !strings.Contains(st.Message(), info.Reason) {
					t.Fatalf("the message names ARM's code: %s", st.Message())
				}
			}
		})
	}
}

func TestViolations(t *testing.T) {
	var v Violations
	if v.Err() != nil {
		t.Fatal("no violations, no error")
	}
	v.Add("virtual_network.address_prefixes[0]", "%q is not an IPv4 CIDR prefix", "10.0.0.0/33")
	v.Check("subnet_id", nil) // a check that passed adds nothing
	v.Check("virtual_network_id", errors.New("must be 2 to 64 characters"))
	st := status.Convert(v.Err())
	if st.Code() != codes.InvalidArgument {
		t.Fatal(st.Code())
	}
	var br *errdetails.BadRequest
	for _, d := range st.Details() {
		if b, ok := d.(*errdetails.BadRequest); ok {
			br = b
		}
	}
	if br == nil || len(br.FieldViolations) != 2 || br.FieldViolations[0].Field != "virtual_network.address_prefixes[0]" ||
		br.FieldViolations[1].Field != "virtual_network_id" || br.FieldViolations[1].Description != "must be 2 to 64 characters" {
		t.Fatalf("BadRequest must list each field: %+v", br)
	}
}
