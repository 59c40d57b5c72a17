package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/specfile"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// pollEvery is how often progress asks for the deployment's status.
const pollEvery = 250 * time.Millisecond

func newApply(c *conn, std IO) *cobra.Command {
	var (
		file string
		yes  bool
		w    waitFlags
	)
	cmd := &cobra.Command{
		Use:   "apply -f SPEC | apply PLANFILE",
		Short: "Create or re-apply a deployment and follow it until the tunnel is verified Connected",
		Long: `apply validates the deployment file, shows the plan, asks for confirmation (unless --yes),
creates the deployment or re-applies it when it exists, and follows its steps until it is
READY (exit 0) or FAILED (exit 1). An invalid spec exits 2 with the fields at fault.

apply PLANFILE applies a plan saved by "plan --out PLANFILE" exactly, without asking: it is
refused (exit 1, nothing changed) when the deployment changed since the plan (created, deleted,
or another spec: its etag) or planning it again would change other resources or otherwise.`,
		Args: func(_ *cobra.Command, a []string) error {
			if len(a) > 1 || (len(a) == 1) == (file != "") {
				return usageError{errors.New("want -f SPEC or a saved plan's file, one of them")}
			}
			return nil
		},
		RunE: c.with(func(cmd *cobra.Command, a []string, cl *client) error {
			if len(a) == 1 {
				return applySaved(cmd.Context(), cl, a[0], w, std)
			}
			d, err := load(file)
			if err != nil {
				return std.done("", err)
			}
			return std.done(d.GetName(), apply(cmd.Context(), cl, d, yes, w, std))
		}),
	}
	specFlag(cmd, &file)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "apply without asking")
	w.add(cmd)
	streamFlag(cmd, &std)
	return cmd
}

// apply plans, confirms, starts the create or update and follows it to its end.
func apply(ctx context.Context, cl *client, d *orchestratorv1.Deployment, yes bool, w waitFlags, std IO) error {
	p, err := plan(ctx, cl, d, std)
	if err != nil {
		return err
	}
	current, exists, err := standing(ctx, cl, d.GetName())
	if err != nil {
		return err
	}
	if exists && current.GetStatus().GetState() == orchestratorv1.DeploymentStatus_STATE_READY && unchanged(p) {
		std.result(current, "No changes: %s matches the spec and is READY.\n", d.GetName())
		return nil
	}
	if err := confirm(std, "Apply this plan?", yes); err != nil {
		return err
	}
	return execute(ctx, cl, d, exists, w, std)
}

// applySaved applies the plan saved in file, once stale finds it still holds.
func applySaved(ctx context.Context, cl *client, file string, w waitFlags, std IO) error {
	d, p, s, err := readPlan(file)
	if err != nil {
		return std.done("", err)
	}
	exists, err := stale(ctx, cl, file, d, p, s)
	if err != nil {
		return std.done(d.GetName(), err)
	}
	if std.events != nil {
		std.events.plan(d.GetName(), p)
	} else {
		printPlan(std.Out, d, p)
	}
	return std.done(d.GetName(), execute(ctx, cl, d, exists, w, std))
}

// execute creates the deployment d, or re-applies it when it exists, and follows it to its end.
func execute(ctx context.Context, cl *client, d *orchestratorv1.Deployment, exists bool, w waitFlags, std IO) error {
	var (
		op  *longrunningpb.Operation
		err error
	)
	if exists {
		op, err = cl.UpdateDeployment(ctx, &orchestratorv1.UpdateDeploymentRequest{Deployment: d})
	} else {
		op, err = cl.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: specfile.ID(d.GetName()), Deployment: d})
	}
	if err != nil {
		return err
	}
	final, err := w.wait(ctx, cl, d.GetName(), op, std)
	if err != nil || final == nil {
		return err
	}
	if std.events != nil {
		std.events.result(final)
	} else {
		fmt.Fprintln(std.Out)
		printDeployment(std.Out, final, std.self())
	}
	return endedIn(d.GetName(), final, orchestratorv1.DeploymentStatus_STATE_READY)
}

// confirm asks a person to type y or yes (in any case), unless yes is set; without a terminal to ask on it
// refuses, as bad usage.
func confirm(std IO, question string, yes bool) error {
	switch {
	case yes:
		return nil
	case std.events != nil:
		return invalid(errors.New("not asking for confirmation with -o json: pass --yes"))
	}
	if !std.Interactive {
		return invalid(errors.New("not asking for confirmation without a terminal: pass --yes"))
	}
	fmt.Fprintf(std.Out, "%s Only 'y' or 'yes' goes on: ", question)
	answer, _ := bufio.NewReader(std.In).ReadString('\n')
	if a := strings.TrimSpace(answer); !strings.EqualFold(a, "y") && !strings.EqualFold(a, "yes") {
		return failed(errors.New("not confirmed; nothing was changed"))
	}
	return nil
}

// follow shows a deployment's progress until its operation is done and returns the
// deployment as it ended. Interrupted, it says how to pick the deployment up again: the
// work goes on in the orchestrator.
func follow(ctx context.Context, cl *client, name string, op *longrunningpb.Operation, std IO) (*orchestratorv1.Deployment, error) {
	var pr interface {
		update(d *orchestratorv1.Deployment, now time.Time)
	} = newProgress(std, time.Now())
	if std.events != nil {
		pr = std.events
	}
	for {
		d, err := cl.deployment(ctx, name)
		if err != nil && !(op.GetDone() && status.Code(err) == codes.NotFound) {
			return nil, interrupted(ctx, std.self(), name, err)
		}
		if d != nil {
			pr.update(d, time.Now())
		}
		if op.GetDone() {
			if e := op.GetError(); e != nil && d == nil {
				return nil, failed(status.ErrorProto(e))
			}
			return d, nil
		}
		if op, err = cl.next(ctx, op, name, std.self()); err != nil {
			return nil, err
		}
	}
}
