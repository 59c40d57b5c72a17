// Package arm is armsim's Azure Resource Manager: the emulated clouds' shared state, the
// ARM REST contract (routing, api-versions, long-running operations, errors, paging) and
// the rules of each resource type. The root armsim package serves it over HTTPS.
package arm

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hybridlink/hybridlink/armsim/internal/identity"
)

// CloudKind says which ARM profile a cloud follows.
type CloudKind string

// The two cloud kinds armsim emulates.
const (
	Azure         CloudKind = "azure"
	AzureStackHub CloudKind = "azure-stack-hub"
)

// Cloud describes one emulated cloud: public Azure or an Azure Stack Hub stamp.
type Cloud struct {
	ID   string    `json:"id"`
	Kind CloudKind `json:"kind"`
	// Locations are the regions the cloud accepts; ARM normalizes "West US" to "westus".
	Locations []string `json:"locations"`
	// PublicIPs is the pool public IP addresses are taken from; pools of different clouds
	// must not overlap, since all clouds share one emulated internet.
	PublicIPs netip.Prefix `json:"publicIPs"`
	// VPNFastPath enables the VpnGw1-3 gateway SKUs on an Azure Stack Hub stamp.
	VPNFastPath bool `json:"vpnFastPath,omitempty"`
	// IdentityProvider is "aad" or "adfs"; it shapes the metadata endpoint's answer.
	IdentityProvider string `json:"identityProvider,omitempty"`
	// Domain is the stamp's external FQDN (ASDK: local.azurestack.external).
	Domain string `json:"domain,omitempty"`
	// Tenant is the directory tenant id the cloud's subscriptions belong to; a stable GUID
	// derived from the cloud's id when empty.
	Tenant string `json:"tenant,omitempty"`
	// Subscriptions are the subscription ids GET /subscriptions lists besides those holding
	// resource groups; any GUID can be used.
	Subscriptions []string `json:"subscriptions,omitempty"`
	// Principals are the service principals the cloud's directory issues tokens to.
	Principals []identity.Principal `json:"-"`
	// StrictAuth makes ARM accept only tokens the cloud's directory issued, for its
	// audience and unexpired; otherwise any bearer token is accepted.
	StrictAuth bool `json:"strictAuth,omitempty"`
}

// Options configure an Engine.
type Options struct {
	Clouds []Cloud
	// Latencies override the distribution of the time an operation on a resource type takes,
	// keyed by the type's lower-case name (virtualnetworkgateways, virtualmachines, ...),
	// before scaling.
	Latencies map[string]Latency
	// Seed picks the durations drawn from the latencies: the same seed, the same durations for
	// the same operations on the same resources.
	Seed uint64
	// TimeScale multiplies every latency and polling hint; 0.001 turns 35 minutes into 2.1 s.
	TimeScale float64
	// PageSize is the number of items per list page.
	PageSize int
	// Throttle configures ARM's per-subscription token buckets, per cloud.
	Throttle Throttle
	// Faults configures injected faults; they can also be changed at run time.
	Faults Faults
	// StateFile, when set, persists resources and operations after every change.
	StateFile string
	// MaxBodyBytes bounds request bodies (ARM's limit is 4 MiB).
	MaxBodyBytes int64
	// TokenLifetime is how long the directories' access tokens are valid (default 1 h, as
	// Entra ID's are by default).
	TokenLifetime time.Duration
	// Now returns the current time; tests may replace it.
	Now func() time.Time
	// StampTunnels, when set, is how many Standard tunnels fill a stamp's gateway pool
	// instead of Microsoft's figures (armsim.Config.StampTunnels).
	StampTunnels int
}

// Engine holds the state of every emulated cloud. All methods are safe for concurrent use;
// one lock guards the whole emulated internet, which keeps cross-cloud rules consistent.
type Engine struct {
	mu       sync.Mutex
	opts     Options
	clouds   map[string]*Cloud
	entries  map[string]*entry
	children map[string]map[string]struct{}
	refs     map[string]map[string]struct{}
	ops      map[string]*operation
	// pending are the operations still in progress, so that settle, which runs on every
	// request, looks only at them; expiredAt is when finished ones were last expired.
	pending   map[string]*operation
	expiredAt time.Time
	internet  map[netip.Addr]string
	// ipCursor is where each cloud's search for a free public IP address resumes.
	ipCursor map[string]netip.Addr
	counters map[Counter]int64
	// identity holds each cloud's directory: its token endpoint and the tokens' check.
	identity map[string]*identity.Issuer
	// deploying are the keys of the deployments still running, which settle moves on.
	deploying map[string]struct{}
	buckets   map[string]*bucket
	// started counts the operations started on each resource, by key: with the seed, the
	// count picks the duration of the next one.
	started map[string]int
	faults  Faults
	dirty   bool
	rnd     *mrand.Rand
	now     func() time.Time
}

// New returns an Engine for the given clouds, restoring state from opts.StateFile when it exists.
func New(opts Options) (*Engine, error) {
	if len(opts.Clouds) == 0 {
		return nil, fmt.Errorf("armsim: no clouds configured")
	}
	if opts.TimeScale <= 0 {
		opts.TimeScale = 1
	}
	for typ, l := range opts.Latencies {
		if err := l.check(); err != nil {
			return nil, fmt.Errorf("armsim: %s: %w", typ, err)
		}
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 100
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 4 << 20
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = time.Hour
	}
	e := &Engine{
		opts:      opts,
		clouds:    map[string]*Cloud{},
		entries:   map[string]*entry{},
		children:  map[string]map[string]struct{}{},
		refs:      map[string]map[string]struct{}{},
		ops:       map[string]*operation{},
		pending:   map[string]*operation{},
		internet:  map[netip.Addr]string{},
		ipCursor:  map[string]netip.Addr{},
		counters:  map[Counter]int64{},
		identity:  map[string]*identity.Issuer{},
		deploying: map[string]struct{}{},
		buckets:   map[string]*bucket{},
		started:   map[string]int{},
		faults:    opts.Faults,
		rnd:       mrand.New(mrand.NewPCG(mrand.Uint64(), mrand.Uint64())),
		now:       opts.Now,
	}
	for i := range opts.Clouds {
		c := opts.Clouds[i]
		if c.ID == "" || (c.Kind != Azure && c.Kind != AzureStackHub) {
			return nil, fmt.Errorf("armsim: cloud %d: needs an id and kind azure or azure-stack-hub", i)
		}
		if _, dup := e.clouds[strings.ToLower(c.ID)]; dup {
			return nil, fmt.Errorf("armsim: cloud %q configured twice", c.ID)
		}
		for _, other := range e.clouds {
			if other.PublicIPs.Overlaps(c.PublicIPs) {
				return nil, fmt.Errorf("armsim: clouds %q and %q share public IP addresses", other.ID, c.ID)
			}
		}
		if len(c.Locations) == 0 {
			return nil, fmt.Errorf("armsim: cloud %q has no locations", c.ID)
		}
		for j, l := range c.Locations {
			c.Locations[j] = normalizeLocation(l)
		}
		c.ID = strings.ToLower(c.ID)
		if c.Tenant == "" {
			c.Tenant = stampGUID("tenant/" + c.ID)
		}
		e.identity[c.ID] = identity.New(c.Tenant, strings.EqualFold(c.IdentityProvider, "adfs"), opts.TokenLifetime, c.Principals)
		e.opts.Clouds[i].ID = c.ID
		e.clouds[c.ID] = &c
	}
	if err := e.checkThrottle(opts.Throttle); err != nil {
		return nil, err
	}
	if opts.StateFile != "" {
		if err := e.load(); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Clouds returns the configured clouds in configuration order.
func (e *Engine) Clouds() []Cloud {
	out := make([]Cloud, 0, len(e.opts.Clouds))
	for _, c := range e.opts.Clouds {
		out = append(out, *e.clouds[strings.ToLower(c.ID)])
	}
	return out
}

// latency draws the scaled duration of the next operation on en from the latency of typ.
func (e *Engine) latency(typ string, en *entry) time.Duration {
	l, ok := e.opts.Latencies[typ]
	if !ok {
		l = DefaultLatencies[typ]
	}
	k := en.key()
	n := e.started[k]
	e.started[k] = n + 1
	return e.scale(l.draw(e.opts.Seed, k+"|"+typ+"|"+strconv.Itoa(n)))
}

func (e *Engine) scale(d time.Duration) time.Duration {
	return time.Duration(float64(d) * e.opts.TimeScale)
}

// newID returns a random identifier in GUID form, as ARM's request and operation ids are.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// normalizeLocation turns "West US 2" into "westus2", as ARM does.
func normalizeLocation(l string) string {
	return strings.ToLower(strings.ReplaceAll(l, " ", ""))
}
