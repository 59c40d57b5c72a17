package cloud_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridlink/hybridlink/platform/cloud"
)

// TestComposeCloudList: docker-compose.yml's cloud list loads (strictly, as the services
// load it) and is the built-in default but for where armsim is: the compose service name,
// and the CA armsim writes into its volume.
func TestComposeCloudList(t *testing.T) {
	got, err := cloud.Load(filepath.Join("..", "..", "deploy", "compose", "clouds.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := cloud.Default("/armsim-ca/ca.pem")
	for i := range want.Clouds {
		want.Clouds[i].Endpoint = strings.Replace(want.Clouds[i].Endpoint, "127.0.0.1", "armsim", 1)
	}
	if len(got.Clouds) != len(want.Clouds) {
		t.Fatalf("%d clouds, want %d", len(got.Clouds), len(want.Clouds))
	}
	for i := range want.Clouds {
		if got.Clouds[i] != want.Clouds[i] {
			t.Errorf("cloud %d:\n got %+v\nwant %+v", i, got.Clouds[i], want.Clouds[i])
		}
	}
}
