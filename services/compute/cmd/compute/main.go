// Command compute serves hybridlink.compute.v1.ComputeService; see the README for its ports,
// flags and environment.
package main

import (
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/compute/service"
)

func main() {
	serve.Main(serve.Command{Name: service.Name, Short: "compute", GRPCPort: 9093, HTTPPort: 8093, Build: service.Service})
}
