package arm

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Throttle configures ARM's request limits: a token bucket per subscription, principal (on
// a strict cloud; a lenient one cannot tell callers apart) and cloud for reads and one for
// writes. ARM's current limits are 250 reads refilling 25/s and 200
// writes refilling 10/s; armsim enforces them only when Enabled.
type Throttle struct {
	Enabled    bool    `json:"enabled"`
	ReadBurst  float64 `json:"readBurst"`
	ReadRate   float64 `json:"readRate"`
	WriteBurst float64 `json:"writeBurst"`
	WriteRate  float64 `json:"writeRate"`
}

// DefaultThrottle is ARM's published per-subscription limit.
var DefaultThrottle = Throttle{ReadBurst: 250, ReadRate: 25, WriteBurst: 200, WriteRate: 10}

type bucket struct {
	tokens float64
	at     time.Time
}

// throttle takes a token for the request and answers 429 when the bucket is empty and
// throttling is enabled. It always sets the remaining-requests header. Runs under e.mu.
func (e *Engine) throttle(cloud, sub, principal string, write bool, h http.Header) *Error {
	cfg := e.opts.Throttle
	if cfg.ReadBurst == 0 && cfg.WriteBurst == 0 {
		cfg = Throttle{Enabled: cfg.Enabled, ReadBurst: DefaultThrottle.ReadBurst, ReadRate: DefaultThrottle.ReadRate,
			WriteBurst: DefaultThrottle.WriteBurst, WriteRate: DefaultThrottle.WriteRate}
	}
	burst, rate, kind := cfg.ReadBurst, cfg.ReadRate, "reads"
	if write {
		burst, rate, kind = cfg.WriteBurst, cfg.WriteRate, "writes"
	}
	// ARM's budgets are per principal and subscription; a lenient cloud sees no principal
	k := cloud + "|" + strings.ToLower(sub) + "|" + principal + "|" + kind
	now := time.Now()
	b := e.buckets[k]
	if b == nil {
		b = &bucket{tokens: burst, at: now}
		e.buckets[k] = b
	}
	b.tokens = math.Min(burst, b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
	if b.tokens < 1 && cfg.Enabled {
		wait := time.Duration((1 - b.tokens) / rate * float64(time.Second))
		h.Set("x-ms-ratelimit-remaining-subscription-"+kind, "0")
		setRetryAfter(h, wait)
		verb := map[bool]string{true: "write", false: "read"}[write]
		actor := principal
		if actor == "" {
			actor = "armsim"
		}
		return errorf(http.StatusTooManyRequests, "SubscriptionRequestsThrottled",
			"Number of '%s' requests for subscription '%s' actor '%s' exceeded. Please try again after '%d' seconds after the additional tokens are available.",
			verb, sub, actor, int(math.Ceil(wait.Seconds())))
	}
	if b.tokens >= 1 {
		b.tokens--
	}
	h.Set("x-ms-ratelimit-remaining-subscription-"+kind, strconv.Itoa(int(b.tokens)))
	return nil
}

// Faults configures injected failures. Rates are probabilities per request, from 0 to 1.
type Faults struct {
	// Rate429 answers 429 TooManyRequests with Retry-After.
	Rate429 float64 `json:"rate429"`
	// Rate500 answers 500 InternalServerError.
	Rate500 float64 `json:"rate500"`
	// Rate503 answers 503 ServiceUnavailable with Retry-After.
	Rate503 float64 `json:"rate503"`
	// Rate409 answers writes with 409 AnotherOperationInProgress.
	Rate409 float64 `json:"rate409"`
	// RateDrop closes the connection without an answer.
	RateDrop float64 `json:"rateDrop"`
	// Delay is added before every answer.
	Delay Duration `json:"delay"`
	// FailProvisioning makes operations on matching resources end Failed.
	FailProvisioning []FailRule `json:"failProvisioning,omitempty"`
}

// FailRule forces the operations on resources of a type (lower-case type key, e.g.
// virtualnetworkgateways), optionally with a given name, to fail with Code.
type FailRule struct {
	Type    string `json:"type"`
	Name    string `json:"name,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// Duration is a time.Duration that reads and writes as a Go duration string ("250ms").
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(time.Duration(d).String())), nil
}

// UnmarshalJSON reads a duration string such as "1.5s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return fmt.Errorf("duration must be a string such as \"250ms\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// fault is the outcome of fault injection for one request.
type fault struct {
	err        *Error
	retryAfter time.Duration
	drop       bool
	delay      time.Duration
}

// injectFault rolls the configured fault rates for one request.
func (e *Engine) injectFault(write bool) fault {
	e.mu.Lock()
	defer e.mu.Unlock()
	f := e.faults
	out := fault{delay: time.Duration(f.Delay)}
	roll := func(rate float64) bool { return rate > 0 && e.rnd.Float64() < rate }
	switch {
	case roll(f.RateDrop):
		out.drop = true
	case roll(f.Rate429):
		out.err = errorf(http.StatusTooManyRequests, "TooManyRequests", "The request is being throttled (injected by armsim).")
		out.retryAfter = e.scale(time.Second)
	case roll(f.Rate500):
		out.err = errorf(http.StatusInternalServerError, "InternalServerError", "An error has occurred (injected by armsim). Please retry.")
	case roll(f.Rate503):
		out.err = errorf(http.StatusServiceUnavailable, "ServiceUnavailable", "The service is unavailable (injected by armsim). Please retry.")
		out.retryAfter = e.scale(time.Second)
	case write && roll(f.Rate409):
		out.err = errorf(http.StatusConflict, "AnotherOperationInProgress",
			"Another operation on this or dependent resource is in progress (injected by armsim). Please retry later.")
	}
	return out
}

// forcedFailure returns the error a new operation on en must end with, if a rule says so.
func (e *Engine) forcedFailure(en *entry) *Error {
	for _, r := range e.faults.FailProvisioning {
		if r.Type != en.Kind || (r.Name != "" && !strings.EqualFold(r.Name, en.Res.meta().Name)) {
			continue
		}
		code, msg := r.Code, r.Message
		if code == "" {
			code = "InternalServerError"
		}
		if msg == "" {
			msg = "The operation failed (provisioning failure injected by armsim)."
		}
		return &Error{Status: http.StatusOK, Code: code, Message: msg}
	}
	return nil
}

// SetFaults replaces the injected faults at run time.
func (e *Engine) SetFaults(f Faults) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = f
}

// GetFaults returns the injected faults in effect.
func (e *Engine) GetFaults() Faults {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.faults
}

// SetThrottle replaces the throttling configuration at run time and refills the buckets.
func (e *Engine) SetThrottle(t Throttle) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.opts.Throttle = t
	e.buckets = map[string]*bucket{}
}
