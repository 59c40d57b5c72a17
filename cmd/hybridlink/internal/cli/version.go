package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	"github.com/hybridlink/hybridlink/platform/buildinfo"
)

// versionTimeout bounds how long version waits for the orchestrator's answer.
const versionTimeout = 5 * time.Second

func newVersion(c *conn, std IO) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Show the CLI's version and commit, and the orchestrator's when it answers",
		Long: `version prints the CLI's build (its version, the commit it was built from, whether the work
tree had changes, and the Go toolchain) and the build of the orchestrator at --addr, which
every hybridlink server reports in the hybridlink-version header of each answer, here a
health check's (no credential needed). An orchestrator that does not answer is said so; the
exit code is 0 either way.`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(std.Out, "client  %s\n", buildinfo.Read())
			cl, err := c.dial()
			if err != nil {
				return err
			}
			defer cl.Close()
			fmt.Fprintf(std.Out, "server  %s\n", serverVersion(cmd.Context(), cl, c.addr, std.self()))
			return nil
		},
	}
}

// serverVersion is the build the orchestrator at addr reports, or why there is none; self
// is the command as invoked.
func serverVersion(ctx context.Context, cl *client, addr, self string) string {
	ctx, cancel := context.WithTimeout(ctx, versionTimeout)
	defer cancel()
	var h metadata.MD
	if _, err := healthpb.NewHealthClient(cl.conn).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.Header(&h)); err != nil {
		return fmt.Sprintf("not reachable at %s: %s", addr, strings.ReplaceAll(describe(err, self), "\n  ", "; "))
	}
	v := h.Get(buildinfo.Header)
	if len(v) == 0 {
		return fmt.Sprintf("at %s answers without a %s header (a build older than the CLI's)", addr, buildinfo.Header)
	}
	return fmt.Sprintf("%s at %s", v[0], addr)
}
