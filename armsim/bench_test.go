package armsim_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/hybridlink/hybridlink/armsim"
)

const benchAPIVersion = "2025-05-01"

// benchSim starts armsim with a resource group and a virtual network in it, and returns
// the group's URL on the azure endpoint and a keep-alive HTTPS client trusting armsim.
func benchSim(b *testing.B, cfg armsim.Config) (*armsim.Sim, string, *http.Client) {
	b.Helper()
	sim := startSim(b, cfg)
	az := newAzure(b, sim, "azure")
	azGroup(b, az, "rg-bench")
	azVnet(b, az, "rg-bench", "vnet", "10.1.0.0/16", map[string]string{"a": "10.1.1.0/24", "b": "10.1.2.0/24"})
	hc := sim.HTTPClient()
	hc.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	return sim, sim.Endpoints["azure"] + "/subscriptions/" + sub + "/resourceGroups/rg-bench", hc
}

// benchDo sends one request and drains the answer so the connection is reused.
func benchDo(hc *http.Client, method, url string, body []byte, want int) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer armsim-bench")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: want %d, got %d", method, url, want, resp.StatusCode)
	}
	return nil
}

// BenchmarkGet measures GETs of a virtual network (two subnets) over HTTPS with keep-alive.
func BenchmarkGet(b *testing.B) {
	_, rg, hc := benchSim(b, armsim.Config{})
	url := rg + "/providers/Microsoft.Network/virtualNetworks/vnet?api-version=" + benchAPIVersion
	must(b, benchDo(hc, http.MethodGet, url, nil, http.StatusOK))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := benchDo(hc, http.MethodGet, url, nil, http.StatusOK); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "gets/s")
}

// BenchmarkPut measures creating public IPs (each a new resource and a new operation).
func BenchmarkPut(b *testing.B) {
	_, rg, hc := benchSim(b, armsim.Config{})
	body := []byte(`{"location":"eastus","sku":{"name":"Standard"},"properties":{"publicIPAllocationMethod":"Static"}}`)
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			url := fmt.Sprintf("%s/providers/Microsoft.Network/publicIPAddresses/pip-%d?api-version=%s", rg, n.Add(1), benchAPIVersion)
			if err := benchDo(hc, http.MethodPut, url, body, http.StatusCreated); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
}
