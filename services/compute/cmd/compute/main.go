// Command compute serves hybridlink.compute.v1.ComputeService; see the README for its ports,
// flags and environment.
package main

import (
	"github.com/hybridlink/hybridlink/platform/serve"
	"github.com/hybridlink/hybridlink/services/compute/internal/server"
)

func main() {
	serve.Main(server.ServiceName, "compute", 9093, 8093, server.Service)
}
