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
// writes, each cloud with its own budget. armsim enforces them only when Enabled.
type Throttle struct {
	Enabled bool `json:"enabled"`
	// Scaled divides every refill rate by the time scale, so that a time-compressed run
	// keeps real proportions between the time operations take and the requests ARM allows
	// meanwhile; bursts stay as they are.
	Scaled bool `json:"scaled,omitempty"`
	// ReadBurst, ReadRate, WriteBurst and WriteRate are the budget of every cloud that has
	// none of its own in Clouds; reads or writes left zero take the cloud kind's default
	// (DefaultBudgets).
	ReadBurst  float64 `json:"readBurst,omitempty"`
	ReadRate   float64 `json:"readRate,omitempty"`
	WriteBurst float64 `json:"writeBurst,omitempty"`
	WriteRate  float64 `json:"writeRate,omitempty"`
	// Clouds are budgets of single clouds, by cloud id, over the one above.
	Clouds map[string]Budget `json:"clouds,omitempty"`
}

// Budget is a cloud's request budget: token buckets of Burst requests refilling Rate per
// second, for reads and for writes (deletes included). A pair left zero takes the next
// budget's: the throttle's common one, then the cloud kind's default.
type Budget struct {
	ReadBurst  float64 `json:"readBurst,omitempty"`
	ReadRate   float64 `json:"readRate,omitempty"`
	WriteBurst float64 `json:"writeBurst,omitempty"`
	WriteRate  float64 `json:"writeRate,omitempty"`
}

// DefaultBudgets are ARM's per-subscription and per-principal limits by cloud kind: public
// Azure's token buckets (since 2024), and on Azure Stack Hub the hourly limits ARM had
// before them, 12,000 reads and 1,200 writes an hour, as buckets the hour refills.
var DefaultBudgets = map[CloudKind]Budget{
	Azure:         {ReadBurst: 250, ReadRate: 25, WriteBurst: 200, WriteRate: 10},
	AzureStackHub: {ReadBurst: 12000, ReadRate: 12000.0 / 3600, WriteBurst: 1200, WriteRate: 1200.0 / 3600},
}

// or fills the reads or writes b leaves zero from d.
func (b Budget) or(d Budget) Budget {
	if b.ReadBurst == 0 {
		b.ReadBurst, b.ReadRate = d.ReadBurst, d.ReadRate
	}
	if b.WriteBurst == 0 {
		b.WriteBurst, b.WriteRate = d.WriteBurst, d.WriteRate
	}
	return b
}

// check reports whether the budget's bursts and rates can be enforced: none negative, and
// a burst refills.
func (b Budget) check() error {
	if b.ReadBurst < 0 || b.WriteBurst < 0 || b.ReadRate < 0 || b.WriteRate < 0 ||
		(b.ReadBurst > 0 && b.ReadRate == 0) || (b.WriteBurst > 0 && b.WriteRate == 0) {
		return fmt.Errorf("a budget needs positive bursts and rates, got reads %v/%v, writes %v/%v",
			b.ReadBurst, b.ReadRate, b.WriteBurst, b.WriteRate)
	}
	return nil
}

// checkThrottle reports whether every budget of t is valid and names a configured cloud.
func (e *Engine) checkThrottle(t Throttle) error {
	common := Budget{ReadBurst: t.ReadBurst, ReadRate: t.ReadRate, WriteBurst: t.WriteBurst, WriteRate: t.WriteRate}
	if err := common.check(); err != nil {
		return fmt.Errorf("armsim: throttle: %w", err)
	}
	for id, b := range t.Clouds {
		if e.clouds[strings.ToLower(id)] == nil {
			return fmt.Errorf("armsim: throttle: no cloud %q", id)
		}
		if err := b.check(); err != nil {
			return fmt.Errorf("armsim: throttle of cloud %q: %w", id, err)
		}
	}
	return nil
}

// budget returns the budget a cloud's requests are held to, its rates scaled in scaled mode.
// Runs under e.mu.
func (e *Engine) budget(c *Cloud) Budget {
	t := e.opts.Throttle
	var own Budget
	for id, b := range t.Clouds {
		if strings.EqualFold(id, c.ID) {
			own = b
		}
	}
	b := own.or(Budget{ReadBurst: t.ReadBurst, ReadRate: t.ReadRate, WriteBurst: t.WriteBurst, WriteRate: t.WriteRate}).
		or(DefaultBudgets[c.Kind])
	if t.Scaled {
		b.ReadRate /= e.opts.TimeScale
		b.WriteRate /= e.opts.TimeScale
	}
	return b
}

type bucket struct {
	tokens float64
	at     time.Time
}

// throttle takes a token for the request and answers 429 when the bucket is empty and
// throttling is enabled. It always sets the remaining-requests header. Runs under e.mu.
func (e *Engine) throttle(c *Cloud, sub, principal string, write bool, h http.Header) *Error {
	b := e.budget(c)
	burst, rate, kind := b.ReadBurst, b.ReadRate, "reads"
	if write {
		burst, rate, kind = b.WriteBurst, b.WriteRate, "writes"
	}
	// ARM's budgets are per principal and subscription; a lenient cloud sees no principal
	k := c.ID + "|" + strings.ToLower(sub) + "|" + principal + "|" + kind
	now := e.now()
	bk := e.buckets[k]
	if bk == nil {
		bk = &bucket{tokens: burst, at: now}
		e.buckets[k] = bk
	}
	bk.tokens = math.Min(burst, bk.tokens+now.Sub(bk.at).Seconds()*rate)
	bk.at = now
	if bk.tokens < 1 && e.opts.Throttle.Enabled {
		wait := time.Duration((1 - bk.tokens) / rate * float64(time.Second))
		h.Set("x-ms-ratelimit-remaining-subscription-"+kind, "0")
		setRetryAfter(h, wait)
		return throttled(c, sub, principal, write, burst, rate, wait)
	}
	if bk.tokens >= 1 {
		bk.tokens--
	}
	h.Set("x-ms-ratelimit-remaining-subscription-"+kind, strconv.Itoa(int(bk.tokens)))
	return nil
}

// throttled is ARM's 429 for a spent budget. Public Azure's token buckets name the actor; a
// stamp's ARM, with its hourly limits, names the limit and its interval, as one answered
// "Number of read requests for subscription ... exceeded the limit of '15000' for time
// interval '01:00:00'." (cryingcloud.com, "ARM Limits on Azure Stack Hub", 2020).
func throttled(c *Cloud, sub, principal string, write bool, burst, rate float64, wait time.Duration) *Error {
	verb := map[bool]string{true: "write", false: "read"}[write]
	secs := int(math.Ceil(wait.Seconds()))
	if c.Kind == AzureStackHub {
		interval := time.Duration(burst / rate * float64(time.Second)).Round(time.Second)
		return errorf(http.StatusTooManyRequests, "SubscriptionRequestsThrottled",
			"Number of %s requests for subscription '%s' exceeded the limit of '%d' for time interval '%02d:%02d:%02d'. Please try again after '%d' seconds.",
			verb, sub, int(burst), int(interval.Hours()), int(interval.Minutes())%60, int(interval.Seconds())%60, secs)
	}
	actor := principal
	if actor == "" {
		actor = "armsim"
	}
	return errorf(http.StatusTooManyRequests, "SubscriptionRequestsThrottled",
		"Number of '%s' requests for subscription '%s' actor '%s' exceeded. Please try again after '%d' seconds after the additional tokens are available.",
		verb, sub, actor, secs)
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
func (e *Engine) SetThrottle(t Throttle) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.checkThrottle(t); err != nil {
		return err
	}
	e.opts.Throttle = t
	e.buckets = map[string]*bucket{}
	return nil
}

// GetThrottle returns the throttling configuration in effect.
func (e *Engine) GetThrottle() Throttle {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.opts.Throttle
}
