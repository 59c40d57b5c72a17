package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/specfile"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

func newWatch(c *conn, std IO) *cobra.Command {
	cmd := c.onDeployment(&cobra.Command{
		Use:   "watch NAME",
		Short: "Follow a deployment's steps until it is READY, FAILED or DELETED",
	}, func(cmd *cobra.Command, name string, cl *client) error {
		stream, err := cl.WatchDeployment(cmd.Context(), &orchestratorv1.WatchDeploymentRequest{Name: name})
		if err != nil {
			return std.done(name, err)
		}
		var state orchestratorv1.DeploymentStatus_State
		for {
			ev, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return std.done(name, interrupted(cmd.Context(), std.self(), name, err))
			}
			at := ev.GetTime().AsTime()
			if s := ev.GetStep(); s != nil {
				if std.events != nil {
					std.events.step(name, s, at)
					continue
				}
				line := stepLine(s, at, true)
				if line == "" {
					line = "pending"
				}
				fmt.Fprintf(std.Out, "%s  %-34s %s\n", at.Local().Format("15:04:05.000"), s.GetName(), line)
				continue
			}
			state = ev.GetState()
			if std.events != nil {
				std.events.setState(name, state, at)
				continue
			}
			fmt.Fprintf(std.Out, "%s  %-34s %s\n", at.Local().Format("15:04:05.000"), name, shortState(state.String()))
		}
		if state == orchestratorv1.DeploymentStatus_STATE_FAILED {
			return std.done(name, failed(fmt.Errorf("%s FAILED; `%s get %s` says why", name, std.self(), specfile.ID(name))))
		}
		return nil
	})
	streamFlag(cmd, &std)
	return cmd
}
