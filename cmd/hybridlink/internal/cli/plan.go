package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/specfile"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/sites"
)

func newPlan(c *conn, std IO) *cobra.Command {
	var (
		file, out string
		detailed  bool
	)
	cmd := &cobra.Command{
		Use:   "plan -f SPEC [--out FILE]",
		Short: "Validate a deployment file and show what applying it would change; writes nothing",
		Long: `plan validates the deployment file and shows, like terraform plan, what applying it would do
to each resource; it writes nothing to the clouds. With --out FILE it saves the plan, which
"apply FILE" applies exactly, refusing if the deployment or the clouds changed since. With
--detailed-exitcode it exits 0 when the plan changes nothing, 2 when it has changes and 1 on
any error, an invalid spec included.`,
		Args: args(0, "no arguments"),
		RunE: c.with(func(cmd *cobra.Command, _ []string, cl *client) error {
			d, err := load(file)
			if err != nil {
				return detailedExit(detailed, nil, std.done("", err))
			}
			p, err := plan(cmd.Context(), cl, d, std)
			if err == nil && out != "" {
				if err = writePlan(cmd.Context(), cl, out, d, p); err == nil && std.events == nil {
					fmt.Fprintf(std.Out, "Saved the plan to %s: `%s apply %s` applies exactly it (the file holds the spec's secrets).\n", out, std.self(), out)
				}
			}
			return detailedExit(detailed, p, std.done(d.GetName(), err))
		}),
	}
	specFlag(cmd, &file)
	cmd.Flags().StringVar(&out, "out", "", "save the plan to this file, for apply FILE (readable by you only: it holds the spec's secrets)")
	cmd.Flags().BoolVar(&detailed, "detailed-exitcode", false, "exit 0 when nothing would change, 2 when something would, 1 on error")
	streamFlag(cmd, &std)
	return cmd
}

// errChanges is --detailed-exitcode's exit 2.
var errChanges = errors.New("the plan has changes (--detailed-exitcode)")

// detailedExit is plan's error under --detailed-exitcode: any error exits 1 (an invalid
// spec too), a plan with changes 2; without it, err.
func detailedExit(detailed bool, p *orchestratorv1.Plan, err error) error {
	switch {
	case !detailed:
		return err
	case err != nil:
		return &exitError{code: ExitFailed, err: err}
	case !unchanged(p):
		return &exitError{code: ExitInvalid, err: errChanges}
	}
	return nil
}

// specFlag is the -f flag of plan, apply and validate: the deployment file load reads.
func specFlag(cmd *cobra.Command, file *string) {
	cmd.Flags().StringVarP(file, "file", "f", "", "deployment file (YAML or JSON, the API's Deployment)")
}

// load reads the deployment file named by -f.
func load(file string) (*orchestratorv1.Deployment, error) {
	if file == "" {
		return nil, usageError{errors.New("-f/--file: the deployment file is required")}
	}
	return specfile.Load(file)
}

// plan asks the orchestrator for the deployment's plan and prints it, like terraform plan:
// the validation findings, else each resource to create, update or leave alone (with -o
// json, a plan event). Findings are an invalid-spec error.
func plan(ctx context.Context, cl *client, d *orchestratorv1.Deployment, std IO) (*orchestratorv1.Plan, error) {
	p, err := cl.PlanDeployment(ctx, &orchestratorv1.PlanDeploymentRequest{Deployment: d})
	if err != nil {
		return nil, err
	}
	if std.events != nil {
		std.events.plan(d.GetName(), p)
		if n := len(p.GetFindings()); n > 0 {
			return p, invalid(fmt.Errorf("the spec has %d finding(s); the plan event names their fields", n))
		}
		return p, nil
	}
	if len(p.GetFindings()) > 0 {
		return p, printFindings(std.Out, d.GetName()+" is not valid; nothing was written:", p.GetFindings())
	}
	printPlan(std.Out, d, p)
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

// unchanged reports whether a plan changes nothing: every resource is as wanted or adopted.
func unchanged(p *orchestratorv1.Plan) bool {
	for _, ch := range p.GetChanges() {
		if a := ch.GetAction(); a != orchestratorv1.PlannedChange_ACTION_NO_CHANGE && a != orchestratorv1.PlannedChange_ACTION_ADOPT {
			return false
		}
	}
	return true
}
