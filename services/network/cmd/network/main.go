// Command network serves hybridlink.network.v1.NetworkService; see the README for its ports,
// flags and environment.
package main

import (
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/network/internal/server"
)

func main() {
	serve.Main(server.ServiceName, "network", 9091, 8091, server.Service)
}
