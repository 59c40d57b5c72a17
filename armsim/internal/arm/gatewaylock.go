package arm

import (
	"fmt"
	"net/http"
	"time"
)

// The Network provider serialises the operations on a virtual network gateway: while a
// connection that names the gateway in properties.virtualNetworkGateway1 is being created,
// updated or deleted, or while the gateway's own update runs, every other write that would
// touch the gateway waits its turn. A PUT or DELETE of another connection on the gateway,
// a PUT, PATCH or DELETE of the gateway, and a connection's shared key PUT are refused
// meanwhile with 429 RetryableError, detail RetryableErrorDueToAnotherOperation, and a
// Retry-After: Microsoft's "Understand how Azure Resource Manager throttles requests" says
// the network provider "returns 429 with the RetryableErrorDueToAnotherOperation error code
// when the target resource is locked by another operation", and clients have logged the
// shape (kubernetes-sigs/cluster-api-provider-azure#4385: code RetryableError, "A retryable
// error occurred.", detail "Operation PutSubnetOperation (...) is updating resource
// /subscriptions/.... The call can be retried in 11 seconds."). A write to the resource
// whose own operation runs keeps its 409 AnotherOperationInProgress (busy, kinds.go).

// gatewayLock returns the operation that keeps a gateway busy for a write by the resource
// whose key is self: the gateway's own update or delete (its create is left to the
// reference rule, ReferencedResourceNotProvisioned), else the operation of any connection
// on the gateway other than self. Nil when the gateway is free.
func (e *Engine) gatewayLock(gw *entry, self string) *operation {
	if op := e.ops[gw.Op]; gw.Op != "" && op != nil && gw.key() != self && !gw.SucceededAt.IsZero() {
		return op
	}
	for _, u := range e.users(gw.key()) {
		if u.Kind != "connections" || u.key() == self || u.Op == "" {
			continue
		}
		if op := e.ops[u.Op]; op != nil {
			return op
		}
	}
	return nil
}

// connectionGatewayLock is the connections kind's lock: the operation that keeps the
// gateway a stored connection names busy, for a write to the connection.
func connectionGatewayLock(e *Engine, en *entry) *Error {
	gw := e.lookup(en.Cloud, en.Res.(*Connection).Properties.VirtualNetworkGateway1)
	if gw == nil {
		return nil
	}
	if op := e.gatewayLock(gw, en.key()); op != nil {
		return e.retryableDueToAnotherOperation(op, gw.id())
	}
	return nil
}

// gatewayConnectionLock is the gateway kind's lock: a write to the gateway waits for the
// operations of its connections.
func gatewayConnectionLock(e *Engine, en *entry) *Error {
	if op := e.gatewayLock(en, en.key()); op != nil {
		return e.retryableDueToAnotherOperation(op, en.id())
	}
	return nil
}

// retryableDueToAnotherOperation is the Network provider's 429 for a write to a resource
// that op holds: RetryableError with the detail RetryableErrorDueToAnotherOperation, and a
// Retry-After of ARM's polling interval (10 s, scaled) or the time op has left, whichever
// is shorter, the same hint a poller of op gets.
func (e *Engine) retryableDueToAnotherOperation(op *operation, id string) *Error {
	wait := e.pollHint(op)
	secs := max(1, int((wait+time.Second-1)/time.Second)) // as Retry-After says it
	return &Error{Status: http.StatusTooManyRequests, Code: "RetryableError", Message: "A retryable error occurred.",
		Details: []*Error{{Code: "RetryableErrorDueToAnotherOperation",
			Message: fmt.Sprintf("Operation %s (%s) is updating resource %s. The call can be retried in %d seconds.", op.Name, op.ID, id, secs)}},
		retryAfter: wait}
}

// isRetryable reports whether an error asks the caller to try again later, as ARM's
// deployment engine does for a resource it applies.
func isRetryable(err *Error) bool {
	return err != nil && err.Status == http.StatusTooManyRequests && err.Code == "RetryableError"
}
