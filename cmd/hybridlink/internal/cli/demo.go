package cli

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/specfile"
	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/stack"
	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/timeline"
)

func newDemo(std IO) *cobra.Command {
	var (
		f    devFlags
		file string
		keep bool
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Show the whole job: start the stack, apply the example, verify the tunnel, show the timeline",
		Long: `demo starts the stack (as dev does) on a fresh state folder, applies the example deployment
with armsim's latencies scaled down, follows it until every connection is Connected, prints
the step timeline and the deployment's outputs, stops the stack and exits 0. With --keep the
stack runs on in the background (state in .state/dev) for exploring with the CLI, grpcurl,
curl and the Temporal UI; "hybridlink dev stop" stops it.`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			ctx := cmd.Context()
			if err := f.check(); err != nil {
				return err
			}
			d, err := load(file)
			if err != nil {
				return err
			}
			start := time.Now()
			var s *stack.Stack
			if keep {
				if s, err = runningStack(f.state, f.self); err == nil {
					if n := len(extraStamps(s)); n < f.stamps {
						return fmt.Errorf("the stack running on %s has %d extra stamps, not %d: `%s dev stop --state %s` stops it, and the demo then starts one", f.state, n, f.stamps, f.self, f.state)
					}
					fmt.Fprintf(std.Out, "Using the stack already running on %s.\n", f.state)
				} else if s, err = detachStack(ctx, f, std.Out); err != nil {
					return err
				}
			} else {
				if f.state, err = os.MkdirTemp("", "hybridlink-demo-"); err != nil {
					return err
				}
				defer func() { // kept when the demo fails, for its log
					if err == nil {
						_ = os.RemoveAll(f.state)
					} else {
						fmt.Fprintf(std.Err, "the stack's state and log (stack.log) are kept in %s\n", f.state)
					}
				}()
				fmt.Fprintf(std.Out, "Starting armsim (%s), Temporal, the network, gateway and compute services and the orchestrator...\n", f.clouds())
				if s, err = stack.Start(ctx, f.options(std.Out)); err != nil {
					return err
				}
				defer s.Stop()
			}
			printStack(std.Out, s)
			fmt.Fprintf(std.Out, "up in %s\n\n", clock(time.Since(start)))

			cl, err := (&conn{addr: s.Services[0].GRPC, tokenFile: s.TokenFile}).dial()
			if err != nil {
				return err
			}
			defer cl.Close()
			if err := apply(ctx, cl, d, true, waitFlags{}, std); err != nil {
				return err
			}
			final, err := cl.deployment(ctx, d.GetName())
			if err != nil {
				return err
			}
			n, err := connected(final, f.self)
			if err != nil {
				return failed(err)
			}
			fmt.Fprintln(std.Out)
			if err := timeline.Text(std.Out, final, 100, time.Now()); err != nil {
				return err
			}
			fmt.Fprintln(std.Out)
			printProbes(std.Out, final.GetStatus().GetOutputs())
			fmt.Fprintf(std.Out, "\n%s The demo took %s.\n", allConnected(n), clock(time.Since(start)))
			if keep {
				id := specfile.ID(d.GetName())
				cli, stop := f.self, f.self+" dev stop"
				if f.state != stateHelp {
					cli, stop = "HYBRIDLINK_STATE="+f.state+" "+cli, stop+" --state "+f.state
				}
				if s.Services[0].GRPC != defaultAddr {
					cli += " --addr " + s.Services[0].GRPC
				}
				fmt.Fprintf(std.Out, "The stack runs on. Try:\n  %s get %s\n  %s timeline %s --svg timeline.svg\n"+
					"  grpcurl -plaintext -H \"authorization: Bearer $(cat %s)\" %s list\n"+
					"  curl -H \"authorization: Bearer $(cat %s)\" %s/v1/deployments/%s\n  %s\nStop it with: %s\n",
					cli, id, cli, id, s.TokenFile, s.Services[0].GRPC, s.TokenFile, s.Services[0].REST, id, openHint(s.TemporalUI), stop)
			}
			return nil
		},
	}
	f.add(cmd, stateHelp, std)
	cmd.Flags().StringVarP(&file, "file", "f", "examples/hybrid-connectivity.yaml", "deployment file to apply")
	cmd.Flags().BoolVar(&keep, "keep", false, "leave the stack running in the background afterwards")
	return cmd
}

// connected checks that every connection of every site is verified Connected and returns
// how many there are: two for a hub and one spoke, two per spoke for more; self is the
// command as invoked, for the hint.
func connected(d *orchestratorv1.Deployment, self string) (int, error) {
	var bad []string
	n := 0
	for _, s := range d.GetStatus().GetOutputs().GetSites() {
		for _, c := range s.GetConnections() {
			n++
			if c.GetStatus() != gatewayv1.Connection_STATUS_CONNECTED {
				bad = append(bad, fmt.Sprintf("%s to %s is %s", s.GetSite(), c.GetPeer(), connectionStatus(c.GetStatus())))
			}
		}
	}
	if n == 0 || len(bad) > 0 {
		return n, fmt.Errorf("%s is READY but not every connection is Connected: %s; `%s get %s` shows them",
			d.GetName(), dash(strings.Join(bad, ", ")), self, specfile.ID(d.GetName()))
	}
	return n, nil
}

// allConnected words n verified connections.
func allConnected(n int) string {
	if n == 2 {
		return "Both connections are Connected."
	}
	return fmt.Sprintf("All %d connections are Connected.", n)
}

// openHint is the line that opens url in a browser: with open (macOS) or xdg-open (Linux
// desktops) where one is installed, else the URL alone, to paste.
func openHint(url string) string {
	for _, opener := range []string{"open", "xdg-open"} {
		if _, err := exec.LookPath(opener); err == nil {
			return opener + " " + url
		}
	}
	return "the Temporal UI: " + url
}
