// Command gateway serves hybridlink.gateway.v1.GatewayService; see the README for its ports,
// flags and environment.
package main

import (
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/gateway/service"
)

func main() {
	serve.Main(serve.Command{Name: service.Name, Short: "gateway", GRPCPort: 9092, HTTPPort: 8092, Build: service.Service})
}
