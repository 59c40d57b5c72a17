// Package azsdk holds what the services' Azure SDK adapters share: converting a resource's
// model between api-version profiles, and draining pagers.
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

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
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
