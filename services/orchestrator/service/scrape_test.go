package service_test

import (
	"os"
	"path"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/hybridlink/hybridlink/platform/devcert"
)

// TestScrapeConfig: Prometheus in docker-compose.yml scrapes every hybridlink service's REST
// port, as the compose file sets it, over https with the development PKI's CA and client
// certificate from the certs volume, mounted where the configuration reads them.
func TestScrapeConfig(t *testing.T) {
	var prom struct {
		ScrapeConfigs []struct {
			Scheme    string `json:"scheme"`
			TLSConfig struct {
				CAFile   string `json:"ca_file"`
				CertFile string `json:"cert_file"`
				KeyFile  string `json:"key_file"`
			} `json:"tls_config"`
			StaticConfigs []struct {
				Targets []string `json:"targets"`
			} `json:"static_configs"`
		} `json:"scrape_configs"`
	}
	var compose struct {
		Services map[string]struct {
			Environment map[string]string `json:"environment"`
			Volumes     []string          `json:"volumes"`
		} `json:"services"`
	}
	for file, v := range map[string]any{"../../../deploy/prometheus/prometheus.yml": &prom, "../../../docker-compose.yml": &compose} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	if len(prom.ScrapeConfigs) != 1 {
		t.Fatalf("%d scrape configs, want the one of the hybridlink services", len(prom.ScrapeConfigs))
	}
	sc := prom.ScrapeConfigs[0]
	var targets []string
	for _, s := range sc.StaticConfigs {
		targets = append(targets, s.Targets...)
	}
	var want []string
	for _, name := range []string{"orchestrator", "network", "gateway", "compute"} {
		addr := compose.Services[name].Environment["HYBRIDLINK_"+strings.ToUpper(name)+"_HTTP_ADDR"]
		_, port, _ := strings.Cut(addr, ":")
		want = append(want, name+":"+port)
	}
	slices.Sort(targets)
	slices.Sort(want)
	if !slices.Equal(targets, want) {
		t.Errorf("Prometheus scrapes %v, the compose services' REST ports are %v", targets, want)
	}
	if !slices.Contains(compose.Services["prometheus"].Volumes, "certs:/certs:ro") {
		t.Errorf("prometheus mounts %v, want the certs volume at /certs", compose.Services["prometheus"].Volumes)
	}
	for file, want := range map[string]string{sc.TLSConfig.CAFile: devcert.CAFile, sc.TLSConfig.CertFile: devcert.ClientCertFile, sc.TLSConfig.KeyFile: devcert.ClientKeyFile} {
		if path.Dir(file) != "/certs" || path.Base(file) != want {
			t.Errorf("tls_config reads %s, want /certs/%s", file, want)
		}
	}
	if sc.Scheme != "https" {
		t.Errorf("scheme %q: the services serve REST over TLS in compose", sc.Scheme)
	}
}
