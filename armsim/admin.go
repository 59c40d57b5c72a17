package armsim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// AdminClient drives armsim's admin API (/_armsim/ on any cloud endpoint): request
// counters, stored resources, fault injection, throttling and tunnel explanations.
type AdminClient struct {
	base string
	http *http.Client
}

// NewAdminClient returns a client for the admin API of the armsim serving endpoint,
// trusting the CA in pool.
func NewAdminClient(endpoint string, httpClient *http.Client) *AdminClient {
	return &AdminClient{base: endpoint, http: httpClient}
}

// Counters returns the request counters by cloud, method, resource type and status.
func (a *AdminClient) Counters(ctx context.Context) ([]CounterValue, error) {
	var out struct {
		Counters []CounterValue `json:"counters"`
	}
	return out.Counters, a.do(ctx, http.MethodGet, "/counters", nil, &out)
}

// Count sums the counters matching cloud, method and type; empty strings match anything.
func (a *AdminClient) Count(ctx context.Context, cloud, method, typ string) (int64, error) {
	cs, err := a.Counters(ctx)
	var n int64
	for _, c := range cs {
		if (cloud == "" || c.Cloud == cloud) && (method == "" || c.Method == method) && (typ == "" || c.Type == typ) {
			n += c.Count
		}
	}
	return n, err
}

// Writes counts ARM's write requests (PUT, PATCH, DELETE and POST) on cloud ("" for every
// cloud), whatever their answer; logins to the cloud's directory are not ARM's and do not count.
func (a *AdminClient) Writes(ctx context.Context, cloud string) (int64, error) {
	cs, err := a.Counters(ctx)
	var n int64
	for _, c := range cs {
		switch c.Method {
		case http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodPost:
			if (cloud == "" || c.Cloud == cloud) && c.ARM() {
				n += c.Count
			}
		}
	}
	return n, err
}

// ResetCounters zeroes every counter.
func (a *AdminClient) ResetCounters(ctx context.Context) error {
	return a.do(ctx, http.MethodPost, "/counters/reset", nil, nil)
}

// Resources lists every stored resource on every cloud.
func (a *AdminClient) Resources(ctx context.Context) ([]ResourceView, error) {
	var out struct {
		Resources []ResourceView `json:"resources"`
	}
	return out.Resources, a.do(ctx, http.MethodGet, "/resources", nil, &out)
}

// SetFaults replaces the injected faults.
func (a *AdminClient) SetFaults(ctx context.Context, f Faults) error {
	return a.do(ctx, http.MethodPut, "/faults", f, nil)
}

// SetThrottle replaces the throttling configuration.
func (a *AdminClient) SetThrottle(ctx context.Context, t Throttle) error {
	return a.do(ctx, http.MethodPut, "/throttle", t, nil)
}

// Explain tells why a connection is, or is not, Connected.
func (a *AdminClient) Explain(ctx context.Context, cloud, connectionID string) (Tunnel, error) {
	var t Tunnel
	q := url.Values{"cloud": {cloud}, "id": {connectionID}}
	return t, a.do(ctx, http.MethodGet, "/explain?"+q.Encode(), nil, &t)
}

// Reach tells whether the probe of a VM (its ID on the cloud) reaches an address, and why.
func (a *AdminClient) Reach(ctx context.Context, cloud, vmID, target string) (Reach, error) {
	var r Reach
	q := url.Values{"cloud": {cloud}, "vm": {vmID}, "target": {target}}
	return r, a.do(ctx, http.MethodGet, "/reach?"+q.Encode(), nil, &r)
}

func (a *AdminClient) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+"/_armsim"+path, body)
	if err != nil {
		return err
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("armsim admin %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("armsim admin %s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(b))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}
