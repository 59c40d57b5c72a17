package arm

import (
	"fmt"
	"hash/fnv"
	mrand "math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Latency is the distribution of an operation's unscaled duration: uniform from Min to Max,
// except that a Tail fraction of operations take from Max to TailMax instead, as the odd VPN
// gateway takes over an hour. Max equal to Min is a fixed duration.
type Latency struct {
	Min     time.Duration
	Max     time.Duration
	Tail    float64
	TailMax time.Duration
}

// Fixed is a latency that is always d.
func Fixed(d time.Duration) Latency { return Latency{Min: d, Max: d} }

// DefaultLatencies are the unscaled times operations take, from what Azure users report: a
// VPN gateway 30 to 45 minutes and one in twenty up to 70, a VM about two minutes, network
// resources seconds.
var DefaultLatencies = map[string]Latency{
	"resourcegroups":         Fixed(0),
	"virtualnetworks":        {Min: 3 * time.Second, Max: 6 * time.Second},
	"subnets":                {Min: 2 * time.Second, Max: 5 * time.Second},
	"publicipaddresses":      {Min: 2 * time.Second, Max: 5 * time.Second},
	"virtualnetworkgateways": {Min: 30 * time.Minute, Max: 45 * time.Minute, Tail: 0.05, TailMax: 70 * time.Minute},
	"localnetworkgateways":   {Min: 5 * time.Second, Max: 15 * time.Second},
	"connections":            {Min: 45 * time.Second, Max: 90 * time.Second},
	"networkinterfaces":      {Min: 2 * time.Second, Max: 5 * time.Second},
	"virtualmachines":        {Min: 90 * time.Second, Max: 150 * time.Second},
	"delete":                 {Min: 5 * time.Second, Max: 15 * time.Second},
	"vmpower":                {Min: 20 * time.Second, Max: 45 * time.Second},
	// a CustomScript extension's run, the script included: about half a minute
	"extensions": {Min: 25 * time.Second, Max: 35 * time.Second},
}

// check reports whether the latency is a distribution armsim can draw from.
func (l Latency) check() error {
	switch {
	case l.Min < 0 || l.Max < l.Min:
		return fmt.Errorf("latency %s: want 0 <= min <= max", l)
	case l.Tail < 0 || l.Tail >= 1:
		return fmt.Errorf("latency %s: the tail is a fraction below 100%%", l)
	case l.Tail > 0 && l.TailMax <= l.Max:
		return fmt.Errorf("latency %s: the tail must end after max", l)
	}
	return nil
}

// draw returns the duration of one operation: a value of the distribution that depends only
// on the seed and the operation's key, so that a run takes the same times whatever order its
// concurrent operations start in.
func (l Latency) draw(seed uint64, key string) time.Duration {
	h := fnv.New64a()
	h.Write([]byte(key))
	r := mrand.New(mrand.NewPCG(seed, h.Sum64()))
	lo, hi := l.Min, l.Max
	if r.Float64() < l.Tail {
		lo, hi = l.Max, l.TailMax
	}
	return lo + time.Duration(r.Float64()*float64(hi-lo))
}

// String writes the latency as UnmarshalText reads it.
func (l Latency) String() string {
	s := l.Min.String()
	if l.Max != l.Min {
		s += ".." + l.Max.String()
	}
	if l.Tail > 0 {
		s += "," + strconv.FormatFloat(l.Tail*100, 'g', -1, 64) + "%.." + l.TailMax.String()
	}
	return s
}

// MarshalText writes the latency as a string such as "30m..45m,5%..70m".
func (l Latency) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads MIN[..MAX[,TAIL%..TAILMAX]]: "2m" is always two minutes, "30m..45m"
// uniform between them, "30m..45m,5%..70m" the same except that 5% take 45 to 70 minutes.
func (l *Latency) UnmarshalText(b []byte) error {
	body, tail, hasTail := strings.Cut(string(b), ",")
	lo, hi, spread := strings.Cut(body, "..")
	var out Latency
	var err error
	if out.Min, err = time.ParseDuration(lo); err != nil {
		return fmt.Errorf("latency %q: want MIN[..MAX[,TAIL%%..TAILMAX]], e.g. 30m..45m,5%%..70m", b)
	}
	out.Max = out.Min
	if spread {
		if out.Max, err = time.ParseDuration(hi); err != nil {
			return fmt.Errorf("latency %q: max: %w", b, err)
		}
	}
	if hasTail {
		pct, end, ok := strings.Cut(tail, "%..")
		if !ok {
			return fmt.Errorf("latency %q: want a tail such as 5%%..70m", b)
		}
		if out.Tail, err = strconv.ParseFloat(pct, 64); err != nil {
			return fmt.Errorf("latency %q: tail: %w", b, err)
		}
		out.Tail /= 100
		if out.TailMax, err = time.ParseDuration(end); err != nil {
			return fmt.Errorf("latency %q: tail: %w", b, err)
		}
	}
	if err := out.check(); err != nil {
		return err
	}
	*l = out
	return nil
}
