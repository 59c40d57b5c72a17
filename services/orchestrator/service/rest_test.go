package service_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/hybridlink/hybridlink/platform/cloud"
)

// request returns a request of method to url with body and header, failing the test when
// it cannot be made.
func request(t testing.TB, method, url string, body io.Reader, header map[string]string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return req
}

// do sends req with c and returns the response with its whole body, read and closed.
func do(t testing.TB, c *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// get gets url with c.
func get(t testing.TB, c *http.Client, url string) (*http.Response, []byte) {
	t.Helper()
	return do(t, c, request(t, http.MethodGet, url, nil, nil))
}

// postJSON posts body, JSON, to url with c.
func postJSON(t testing.TB, c *http.Client, url string, body []byte) (*http.Response, []byte) {
	t.Helper()
	return do(t, c, request(t, http.MethodPost, url, bytes.NewReader(body), map[string]string{"Content-Type": "application/json"}))
}

// arm sends method to path, below armsim's subscription in cloudID, with the network
// service's ARM token for that cloud.
func arm(t testing.TB, s stack, method, cloudID, path string) (*http.Response, []byte) {
	t.Helper()
	url := s.sim.Endpoints[cloudID] + "/subscriptions/" + cloud.ArmsimSubscription + path
	return do(t, s.sim.HTTPClient(), request(t, method, url, nil, map[string]string{"Authorization": "Bearer " + s.net.ARMToken(t, cloudID)}))
}
