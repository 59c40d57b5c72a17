package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/spf13/cobra"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/specfile"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/sites"
)

// pollEvery is how often progress asks for the deployment's status.
const pollEvery = 250 * time.Millisecond

func newPlan(c *conn, std IO) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "plan -f SPEC",
		Short: "Validate a deployment file and show what applying it would change; writes nothing",
		Args:  args(0, "no arguments"),
		RunE: c.with(func(cmd *cobra.Command, _ []string, cl *client) error {
			d, err := load(file)
			if err != nil {
				return err
			}
			_, err = plan(cmd.Context(), cl, d, std.Out)
			return err
		}),
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "deployment file (YAML or JSON, the API's Deployment)")
	return cmd
}

// load reads the deployment file named by -f.
func load(file string) (*orchestratorv1.Deployment, error) {
	if file == "" {
		return nil, usageError{errors.New("-f/--file: the deployment file is required")}
	}
	return specfile.Load(file)
}

// plan asks the orchestrator for the deployment's plan and prints it, like terraform plan:
// the validation findings, else each resource to create, update or leave alone. Findings
// are an invalid-spec error.
func plan(ctx context.Context, cl *client, d *orchestratorv1.Deployment, out io.Writer) (*orchestratorv1.Plan, error) {
	p, err := cl.PlanDeployment(ctx, &orchestratorv1.PlanDeploymentRequest{Deployment: d})
	if err != nil {
		return nil, err
	}
	if len(p.GetFindings()) > 0 {
		fmt.Fprintf(out, "%s is not valid; nothing was written:\n", d.GetName())
		for _, f := range p.GetFindings() {
			fmt.Fprintf(out, "  %s: %s\n", specfile.FieldPath(f.GetField()), specfile.FieldText(f.GetDescription()))
		}
		return p, invalid(fmt.Errorf("the spec has %d finding(s); fix the fields named above", len(p.GetFindings())))
	}
	printPlan(out, d, p)
	return p, nil
}

// printPlan prints a valid plan's changes, grouped by site with the hub first, and counts them.
func printPlan(out io.Writer, d *orchestratorv1.Deployment, p *orchestratorv1.Plan) {
	counts := map[orchestratorv1.PlannedChange_Action]int{}
	fmt.Fprintf(out, "Plan for %s:\n", d.GetName())
	rank := sites.Rank(d)
	changes := slices.Clone(p.GetChanges())
	slices.SortStableFunc(changes, func(a, b *orchestratorv1.PlannedChange) int {
		return rank(stepSite(a.GetStep())) - rank(stepSite(b.GetStep()))
	})
	width := nameWidth(len(changes), func(i int) string { return changes[i].GetStep() })
	for _, ch := range changes {
		a := actions[ch.GetAction()]
		counts[ch.GetAction()]++
		fmt.Fprintf(out, "  %s %-9s  %-*s %s\n", a.mark, a.word, width, dash(ch.GetStep()), ch.GetResource())
		if n := ch.GetNote(); n != "" {
			fmt.Fprintf(out, "      %s\n", n)
		}
	}
	fmt.Fprintf(out, "Plan: %d to create, %d to update, %d unchanged", counts[orchestratorv1.PlannedChange_ACTION_CREATE],
		counts[orchestratorv1.PlannedChange_ACTION_UPDATE], counts[orchestratorv1.PlannedChange_ACTION_NO_CHANGE])
	if n := counts[orchestratorv1.PlannedChange_ACTION_REPLACE]; n > 0 {
		fmt.Fprintf(out, ", %d to replace (deleted and created again: see above)", n)
	}
	if n := counts[orchestratorv1.PlannedChange_ACTION_DELETE]; n > 0 {
		fmt.Fprintf(out, ", %d to delete (created by the deployment, no longer in its spec)", n)
	}
	if n := counts[orchestratorv1.PlannedChange_ACTION_ADOPT]; n > 0 {
		fmt.Fprintf(out, ", %d adopted (read, never changed or deleted)", n)
	}
	fmt.Fprintln(out, ".")
}

// stepSite is the site a step's name starts with, "" for a step across sites (verify).
func stepSite(step string) string {
	site, _, found := strings.Cut(step, "/")
	if !found {
		return ""
	}
	return site
}

// actions are how a plan shows each action.
var actions = map[orchestratorv1.PlannedChange_Action]struct{ mark, word string }{
	orchestratorv1.PlannedChange_ACTION_CREATE:    {"+", "create"},
	orchestratorv1.PlannedChange_ACTION_UPDATE:    {"~", "update"},
	orchestratorv1.PlannedChange_ACTION_NO_CHANGE: {"=", "no change"},
	orchestratorv1.PlannedChange_ACTION_ADOPT:     {"=", "adopt"},
	orchestratorv1.PlannedChange_ACTION_DELETE:    {"-", "delete"},
	orchestratorv1.PlannedChange_ACTION_REPLACE:   {"±", "replace"},
}

func newApply(c *conn, std IO) *cobra.Command {
	var (
		file string
		yes  bool
	)
	cmd := &cobra.Command{
		Use:   "apply -f SPEC",
		Short: "Create or re-apply a deployment and follow it until the tunnel is verified Connected",
		Long: `apply validates the deployment file, shows the plan, asks for confirmation (unless --yes),
creates the deployment or re-applies it when it exists, and follows its steps until it is
READY (exit 0) or FAILED (exit 1). An invalid spec exits 2 with the fields at fault.`,
		Args: args(0, "no arguments"),
		RunE: c.with(func(cmd *cobra.Command, _ []string, cl *client) error {
			d, err := load(file)
			if err != nil {
				return err
			}
			return apply(cmd.Context(), cl, d, yes, std)
		}),
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "deployment file (YAML or JSON, the API's Deployment)")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "apply without asking")
	return cmd
}

// apply plans, confirms, starts the create or update and follows it to its end.
func apply(ctx context.Context, cl *client, d *orchestratorv1.Deployment, yes bool, std IO) error {
	p, err := plan(ctx, cl, d, std.Out)
	if err != nil {
		return err
	}
	current, err := cl.GetDeployment(ctx, &orchestratorv1.GetDeploymentRequest{Name: d.GetName()})
	if err != nil && status.Code(err) != codes.NotFound {
		return err
	}
	// a deleted deployment's name is free again: applying it creates it anew
	exists := err == nil && current.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_DELETED
	if exists && current.GetStatus().GetState() == orchestratorv1.DeploymentStatus_STATE_READY && unchanged(p) {
		fmt.Fprintf(std.Out, "No changes: %s matches the spec and is READY.\n", d.GetName())
		return nil
	}
	if err := confirm(std, "Apply this plan?", yes); err != nil {
		return err
	}
	var op *longrunningpb.Operation
	if exists {
		op, err = cl.UpdateDeployment(ctx, &orchestratorv1.UpdateDeploymentRequest{Deployment: d})
	} else {
		op, err = cl.CreateDeployment(ctx, &orchestratorv1.CreateDeploymentRequest{DeploymentId: specfile.ID(d.GetName()), Deployment: d})
	}
	if err != nil {
		return err
	}
	final, err := follow(ctx, cl, d.GetName(), op, std)
	if err != nil {
		return err
	}
	fmt.Fprintln(std.Out)
	printDeployment(std.Out, final)
	if final.GetStatus().GetState() != orchestratorv1.DeploymentStatus_STATE_READY {
		return failed(fmt.Errorf("%s is %s: %s", d.GetName(), shortState(final.GetStatus().GetState().String()), final.GetStatus().GetError()))
	}
	return nil
}

// unchanged reports whether a plan changes nothing: every resource is as wanted or adopted.
func unchanged(p *orchestratorv1.Plan) bool {
	for _, ch := range p.GetChanges() {
		if a := ch.GetAction(); a != orchestratorv1.PlannedChange_ACTION_NO_CHANGE && a != orchestratorv1.PlannedChange_ACTION_ADOPT {
			return false
		}
	}
	return true
}

// confirm asks a person to type yes, unless yes is set; without a terminal to ask on it
// refuses, as bad usage.
func confirm(std IO, question string, yes bool) error {
	if yes {
		return nil
	}
	if !std.Interactive {
		return invalid(errors.New("not asking for confirmation without a terminal: pass --yes"))
	}
	fmt.Fprintf(std.Out, "%s Only 'yes' goes on: ", question)
	answer, _ := bufio.NewReader(std.In).ReadString('\n')
	if strings.TrimSpace(answer) != "yes" {
		return failed(errors.New("not confirmed; nothing was changed"))
	}
	return nil
}

// follow shows a deployment's progress until its operation is done and returns the
// deployment as it ended. Interrupted, it says how to pick the deployment up again: the
// work goes on in the orchestrator.
func follow(ctx context.Context, cl *client, name string, op *longrunningpb.Operation, std IO) (*orchestratorv1.Deployment, error) {
	pr := newProgress(std, time.Now())
	for {
		d, err := cl.GetDeployment(ctx, &orchestratorv1.GetDeploymentRequest{Name: name})
		if err != nil && !(op.GetDone() && status.Code(err) == codes.NotFound) {
			return nil, interrupted(ctx, name, err)
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
		if op, err = cl.ops.WaitOperation(ctx, &longrunningpb.WaitOperationRequest{Name: op.GetName(), Timeout: durationpb.New(pollEvery)}); err != nil {
			return nil, interrupted(ctx, name, err)
		}
	}
}

// interrupted words an error while following: an interrupt leaves the deployment going.
func interrupted(ctx context.Context, name string, err error) error {
	if c := status.Code(err); ctx.Err() != nil || c == codes.Canceled || c == codes.DeadlineExceeded {
		return failed(fmt.Errorf("stopped following %s; it goes on in the orchestrator: `hybridlink watch %s` follows it again", name, strings.TrimPrefix(name, "deployments/")))
	}
	return err
}

func newDestroy(c *conn, std IO) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "destroy NAME",
		Short: "Delete what a deployment created (and nothing else) and follow the teardown",
		Args:  args(1, "the deployment's name"),
		RunE: c.with(func(cmd *cobra.Command, a []string, cl *client) error {
			name := deploymentName(a[0])
			if err := confirm(std, fmt.Sprintf("Delete every resource %s created?", name), yes); err != nil {
				return err
			}
			op, err := cl.DeleteDeployment(cmd.Context(), &orchestratorv1.DeleteDeploymentRequest{Name: name})
			if err != nil {
				return err
			}
			d, err := follow(cmd.Context(), cl, name, op, std)
			if err != nil {
				return err
			}
			if st := d.GetStatus().GetState(); st != orchestratorv1.DeploymentStatus_STATE_DELETED {
				return failed(fmt.Errorf("%s is %s: %s", name, shortState(st.String()), d.GetStatus().GetError()))
			}
			fmt.Fprintf(std.Out, "%s is deleted: every resource it created is gone.\n", name)
			return nil
		}),
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	return cmd
}

func newCancel(c *conn, std IO) *cobra.Command {
	return &cobra.Command{
		Use:   "cancel NAME",
		Short: "Stop a deployment's apply at a safe point: running steps finish, no further step starts",
		Long: `cancel stops the apply in progress (a create or a re-apply) at a safe point: the steps
already running finish (ARM cannot cancel them), the rest are skipped, and the deployment ends
FAILED, kept for inspection, another apply or destroy. A teardown cannot be cancelled.`,
		Args: args(1, "the deployment's name"),
		RunE: c.with(func(cmd *cobra.Command, a []string, cl *client) error {
			name := deploymentName(a[0])
			op := &longrunningpb.Operation{Name: "operations/" + name + "/create"}
			if _, err := cl.ops.CancelOperation(cmd.Context(), &longrunningpb.CancelOperationRequest{Name: op.GetName()}); err != nil {
				return err
			}
			fmt.Fprintf(std.Out, "%s stops at a safe point: the running steps finish, no further step starts.\n", name)
			d, err := follow(cmd.Context(), cl, name, op, std)
			if err != nil {
				return err
			}
			fmt.Fprintf(std.Out, "%s is %s: %s\n", name, shortState(d.GetStatus().GetState().String()), d.GetStatus().GetError())
			return nil
		}),
	}
}

// deploymentName accepts a deployment's ID or its full name, as a spec file's name does.
func deploymentName(arg string) string { return specfile.Name(arg) }
