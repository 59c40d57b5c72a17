// Package azsdk holds what the services' Azure SDK adapters share: converting a resource's
// model between api-version profiles, reading its provisioning state, and draining pagers.
//
// The current SDK modules and the Azure Stack Hub profile's model the same ARM resources
// and marshal to ARM's JSON, so a resource read with one profile becomes the other's model
// by a JSON round trip; properties the older api-version does not know are dropped, as ARM
// itself would. Each service thus converts API messages to and from one model per resource
// instead of one per profile.
package azsdk

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Convert returns from's ARM JSON decoded into a To.
func Convert[To any](from any) (To, error) {
	var to To
	b, err := json.Marshal(from)
	if err != nil {
		return to, fmt.Errorf("azsdk: encode %T: %w", from, err)
	}
	if err := json.Unmarshal(b, &to); err != nil {
		return to, fmt.Errorf("azsdk: decode %T into %T: %w", from, to, err)
	}
	return to, nil
}

// Collect drains a pager, converting each page's values to the model M.
func Collect[M, P, V any](ctx context.Context, p *runtime.Pager[P], values func(P) []V) ([]M, error) {
	var out []M
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		items, err := Convert[[]M](values(page))
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

// State is the provisioning state of m, an ARM resource's model, or "" when it has none:
// ARM keeps every resource type's at properties.provisioningState, so one read of m's JSON
// serves them all.
func State[M any](m *M) string {
	s, err := Convert[struct {
		Properties struct {
			ProvisioningState string `json:"provisioningState"`
		} `json:"properties"`
	}](m)
	if err != nil {
		return ""
	}
	return s.Properties.ProvisioningState
}

// Location is the location of m, an ARM resource's model, or "" when it has none: ARM
// keeps every resource type's at location.
func Location[M any](m *M) string {
	l, err := Convert[struct {
		Location string `json:"location"`
	}](m)
	if err != nil {
		return ""
	}
	return l.Location
}

// Deref returns *p, or T's zero value for nil: SDK models point at everything.
func Deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// Values returns the strings a slice of pointers points at.
func Values(ps []*string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, Deref(p))
	}
	return out
}

// TagsToAPI converts ARM's tags to the API's map; nil when there are none.
func TagsToAPI(t map[string]*string) map[string]string {
	if len(t) == 0 {
		return nil
	}
	out := make(map[string]string, len(t))
	for k, v := range t {
		out[k] = Deref(v)
	}
	return out
}

// TagsToARM converts the API's tags to ARM's; nil when there are none.
func TagsToARM(t map[string]string) map[string]*string {
	if len(t) == 0 {
		return nil
	}
	out := make(map[string]*string, len(t))
	for k, v := range t {
		out[k] = &v
	}
	return out
}

// SameTags reports whether ARM's tags are exactly the wanted ones.
func SameTags(arm map[string]*string, want map[string]string) bool {
	if len(arm) != len(want) {
		return false
	}
	for k, v := range want {
		if a, ok := arm[k]; !ok || Deref(a) != v {
			return false
		}
	}
	return true
}

// SameLocation compares ARM locations as ARM does: "West US" is "westus".
func SameLocation(a, b string) bool {
	return strings.EqualFold(strings.ReplaceAll(a, " ", ""), strings.ReplaceAll(b, " ", ""))
}

// Enum is ARM's value s as the API enum E whose values are named prefix and s in capitals,
// with '_' between words (STATUS_NOT_CONNECTED for NotConnected); a value E does not name
// is E's zero, its UNSPECIFIED.
func Enum[E interface {
	~int32
	protoreflect.Enum
}](prefix, s string) E {
	var zero E
	values := zero.Descriptor().Values()
	for i := range values.Len() {
		v := values.Get(i)
		if name, ok := strings.CutPrefix(string(v.Name()), prefix); ok && s != "" && strings.EqualFold(strings.ReplaceAll(name, "_", ""), s) {
			return E(v.Number())
		}
	}
	return zero
}

// ProvisioningState is ARM's provisioning state s as an API's ProvisioningState enum E
// (see Enum); Accepted is CREATING.
func ProvisioningState[E interface {
	~int32
	protoreflect.Enum
}](s string) E {
	if strings.EqualFold(s, "accepted") {
		s = "creating"
	}
	return Enum[E]("PROVISIONING_STATE_", s)
}
