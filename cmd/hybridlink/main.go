// Command hybridlink drives hybridlink from a terminal: plan, apply, get, list, watch,
// timeline and destroy deployments through the orchestrator, and run the whole suite
// locally against armsim with dev and demo. Run hybridlink --help.
package main

import (
	"context"
	"os"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/cli"
)

func main() {
	ctx, stop := cli.NotifyContext(context.Background())
	code := cli.Run(ctx, os.Args[1:], cli.StdIO())
	stop()
	os.Exit(code)
}
