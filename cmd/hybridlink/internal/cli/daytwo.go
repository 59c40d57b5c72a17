package cli

import (
	"context"
	"fmt"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/spf13/cobra"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/specfile"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

func newCheck(c *conn, std IO) *cobra.Command {
	return c.onDeployment(&cobra.Command{
		Use:   "check NAME",
		Short: "Check a deployment for drift now: read every resource it manages or adopts, and its tunnels",
		Long: `check reads every resource the deployment manages or adopts, and its connections, and
compares them with what the deployment applies, as its workflow also does every
-check-interval (15 minutes) while READY. It prints each finding, or that the deployment is in
sync, and exits 1 when it found drift: hybridlink repair NAME (or apply with the same spec)
converges it; plan shows what that would change.`,
	}, func(cmd *cobra.Command, name string, cl *client) error {
		op, err := cl.CheckDeployment(cmd.Context(), &orchestratorv1.CheckDeploymentRequest{Name: name})
		if err != nil {
			return err
		}
		d, err := quietly(cmd.Context(), cl, name, op, std.self())
		if err != nil {
			return err
		}
		found := d.GetStatus().GetDrift().GetFindings()
		if len(found) == 0 {
			fmt.Fprintf(std.Out, "%s is in sync: every resource is as it applies it, and every tunnel Connected.\n", name)
			return nil
		}
		tw := newTable(std.Out)
		fmt.Fprintln(tw, "STEP\tRESOURCE\tDRIFT")
		for _, f := range found {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", dash(f.GetStep()), dash(f.GetResource()), f.GetDescription())
		}
		tw.Flush()
		return failed(fmt.Errorf("%s has drifted (%d findings); %s repair %s converges it (%s plan -f SPEC shows what that changes)", name, len(found), std.self(), specfile.ID(name), std.self()))
	})
}

// quietly waits for an operation that runs no step worth showing (a check) and returns the
// deployment as it ended; self is the command as invoked, for the hint when interrupted.
func quietly(ctx context.Context, cl *client, name string, op *longrunningpb.Operation, self string) (*orchestratorv1.Deployment, error) {
	for !op.GetDone() {
		var err error
		if op, err = cl.next(ctx, op, name, self); err != nil {
			return nil, err
		}
	}
	return cl.deployment(ctx, name)
}

// ready follows the operation a day-two command started, given as its call answered (op,
// err), and returns the deployment, or an error saying its state and why when it did not
// end READY.
func ready(ctx context.Context, cl *client, name string, std IO, op *longrunningpb.Operation, err error) (*orchestratorv1.Deployment, error) {
	if err != nil {
		return nil, err
	}
	d, err := follow(ctx, cl, name, op, std)
	if err != nil {
		return nil, err
	}
	return d, endedIn(name, d, orchestratorv1.DeploymentStatus_STATE_READY)
}

// endedIn is nil when the deployment name, d, ended in the state want, else the error
// saying the state it is in and why.
func endedIn(name string, d *orchestratorv1.Deployment, want orchestratorv1.DeploymentStatus_State) error {
	if st := d.GetStatus().GetState(); st != want {
		return failed(fmt.Errorf("%s is %s: %s", name, shortState(st.String()), d.GetStatus().GetError()))
	}
	return nil
}

func newRepair(c *conn, std IO) *cobra.Command {
	return c.onDeployment(&cobra.Command{
		Use:   "repair NAME",
		Short: "Apply a deployment's spec again as it stands, secrets included, to converge what drifted",
		Long: `repair has the orchestrator apply the deployment's spec again as it stands (with the
shared key and admin passwords it keeps, which no spec file needs to hold), as its workflow
does by itself with driftPolicy DRIFT_POLICY_REPAIR: what is missing is created again, what
differs is updated, and verify and the probe run again. It follows the apply like apply does.`,
	}, func(cmd *cobra.Command, name string, cl *client) error {
		op, err := cl.RepairDeployment(cmd.Context(), &orchestratorv1.RepairDeploymentRequest{Name: name})
		if _, err := ready(cmd.Context(), cl, name, std, op, err); err != nil {
			return err
		}
		fmt.Fprintf(std.Out, "%s is repaired: READY, every resource as it applies it.\n", name)
		return nil
	})
}

func newRotateKey(c *conn, std IO) *cobra.Command {
	return c.onDeployment(&cobra.Command{
		Use:   "rotate-key NAME",
		Short: "Set a new shared key on every connection of a READY deployment and verify them Connected",
		Long: `rotate-key has the orchestrator make a new shared key (crypto/rand) and set it on both
ends of every tunnel at once, then verify every connection Connected, and prints the outage.
If an end cannot take it, the ends that took it get the old key back: no tunnel is left with two
keys. The key is never shown.`,
	}, func(cmd *cobra.Command, name string, cl *client) error {
		op, err := cl.RotateSharedKey(cmd.Context(), &orchestratorv1.RotateSharedKeyRequest{Name: name})
		d, err := ready(cmd.Context(), cl, name, std, op, err)
		if err != nil {
			return err
		}
		fmt.Fprintf(std.Out, "%s has a new shared key on every connection, all Connected again; the tunnels were down for %s.\n",
			name, d.GetStatus().GetKeyRotation().GetOutage().AsDuration().Round(1e6))
		return nil
	})
}
