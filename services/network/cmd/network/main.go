// Command network serves hybridlink.network.v1.NetworkService; see the README for its ports,
// flags and environment.
package main

import (
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/network/service"
)

func main() {
	serve.Main(serve.Command{Name: service.Name, Short: "network", GRPCPort: 9091, HTTPPort: 8091, Build: service.Service})
}
