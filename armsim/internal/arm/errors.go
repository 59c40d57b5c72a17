package arm

import (
	"fmt"
	"net/http"
	"time"
)

// Error is an ARM error: the HTTP status and the body ARM sends,
// {"error": {"code", "message", "target", "details"}}.
type Error struct {
	Status  int      `json:"-"`
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Target  string   `json:"target,omitempty"`
	Details []*Error `json:"details,omitempty"`
	// retryAfter, when set, is sent as Retry-After with the error (429s that are not
	// throttling, such as a gateway busy with another operation).
	retryAfter time.Duration
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// errorf builds an Error with a formatted message.
func errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// badRequest is the common 400 with a target property path.
func badRequest(code, target, format string, args ...any) *Error {
	e := errorf(http.StatusBadRequest, code, format, args...)
	e.Target = target
	return e
}

// body is the JSON envelope ARM wraps errors in.
func (e *Error) body() map[string]*Error { return map[string]*Error{"error": e} }

func notFound(id, typ string) *Error {
	return errorf(http.StatusNotFound, "ResourceNotFound",
		"The Resource '%s' under resource group '%s' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
		typ+"/"+lastSegment(id), resourceGroupOf(id))
}

func resourceGroupNotFound(rg string) *Error {
	return errorf(http.StatusNotFound, "ResourceGroupNotFound", "Resource group '%s' could not be found.", rg)
}

func anotherOperationInProgress(id, opName, opID string) *Error {
	return errorf(http.StatusConflict, "AnotherOperationInProgress",
		"Another operation on this or dependent resource is in progress. To retry later, please refer to https://aka.ms/network-another-operation-in-progress. Resource %s is in Updating state and the last operation that updated/is updating the resource is %s (operation id %s).",
		id, opName, opID)
}

func invalidRequestContent(err error) *Error {
	return errorf(http.StatusBadRequest, "InvalidRequestContent",
		"The request content was invalid and could not be deserialized: '%s'.", err.Error())
}
