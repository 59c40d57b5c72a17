package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/spf13/cobra"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/sites"
)

func newDestroy(c *conn, std IO) *cobra.Command {
	var (
		yes bool
		w   waitFlags
	)
	cmd := c.onDeployment(&cobra.Command{
		Use:   "destroy NAME",
		Short: "Delete what a deployment created (and nothing else) and follow the teardown",
	}, func(cmd *cobra.Command, name string, cl *client) error {
		return std.done(name, destroy(cmd.Context(), cl, name, yes, w, std))
	})
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	w.add(cmd)
	streamFlag(cmd, &std)
	return cmd
}

// destroy shows what the teardown of the deployment name deletes and what it leaves,
// confirms, starts it and follows it to its end.
func destroy(ctx context.Context, cl *client, name string, yes bool, w waitFlags, std IO) error {
	d, err := cl.deployment(ctx, name)
	if err != nil {
		return err
	}
	if std.events == nil {
		printTeardown(std.Out, d)
	}
	if err := confirm(std, fmt.Sprintf("Delete the %d resources %s created?", len(d.GetStatus().GetCreated()), name), yes); err != nil {
		return err
	}
	op, err := cl.DeleteDeployment(ctx, &orchestratorv1.DeleteDeploymentRequest{Name: name})
	if err != nil {
		return err
	}
	d, err = w.wait(ctx, cl, name, op, std)
	if err != nil || d == nil {
		return err
	}
	if err := endedIn(name, d, orchestratorv1.DeploymentStatus_STATE_DELETED); err != nil {
		return err
	}
	std.result(d, "%s is deleted: every resource it created is gone.\n", name)
	return nil
}

func newCancel(c *conn, std IO) *cobra.Command {
	return c.onDeployment(&cobra.Command{
		Use:   "cancel NAME",
		Short: "Stop a deployment's apply at a safe point: running steps finish, no further step starts",
		Long: `cancel stops the apply in progress (a create or a re-apply) at a safe point: the steps
already running finish (ARM cannot cancel them), the rest are skipped, and the deployment ends
FAILED, kept for inspection, another apply or destroy. A teardown cannot be cancelled.`,
	}, func(cmd *cobra.Command, name string, cl *client) error {
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
	})
}

// printTeardown prints what destroying d deletes, every resource it created (status.created),
// and what it leaves, every resource it adopted, under a line per site, the hub first.
func printTeardown(w io.Writer, d *orchestratorv1.Deployment) {
	created := d.GetStatus().GetCreated()
	var adopted []string
	for _, s := range d.GetStatus().GetSteps() {
		if s.GetAdopted() && s.GetResource() != "" {
			adopted = append(adopted, s.GetResource())
		}
	}
	fmt.Fprintf(w, "Destroying %s deletes the %d resources it created:\n", d.GetName(), len(created))
	bySite(w, d, "-", created)
	if len(adopted) > 0 {
		fmt.Fprintf(w, "and leaves the %d it adopted, read and never changed:\n", len(adopted))
		bySite(w, d, "=", adopted)
	}
}

// bySite prints resources marked mark, under a line per site of d, the hub first: the site
// whose cloud and resource group a resource's name has, else its cloud.
func bySite(w io.Writer, d *orchestratorv1.Deployment, mark string, resources []string) {
	groups := map[string][]string{}
	var labels []string
	site := map[string]string{}
	for _, r := range resources {
		name, label := siteOf(d, r)
		if _, ok := groups[label]; !ok {
			labels = append(labels, label)
			site[label] = name
		}
		groups[label] = append(groups[label], r)
	}
	rank := sites.Rank(d)
	slices.SortStableFunc(labels, func(a, b string) int { return rank(site[a]) - rank(site[b]) })
	for _, l := range labels {
		fmt.Fprintf(w, "  %s:\n", l)
		for _, r := range groups[l] {
			fmt.Fprintf(w, "    %s %s\n", mark, r)
		}
	}
}

// siteOf is the site of d a resource belongs to and its label, "hub (azure)", by the cloud
// and resource group its name (clouds/{cloud}/resourceGroups/{group}/...) starts with; a
// resource of no site's group is labelled by its cloud.
func siteOf(d *orchestratorv1.Deployment, resource string) (string, string) {
	parts := strings.Split(resource, "/")
	if len(parts) < 4 {
		return "", resource
	}
	for _, s := range d.GetSpec().GetSites() {
		if s.GetCloud() == parts[1] && strings.EqualFold(s.GetResourceGroup(), parts[3]) {
			return s.GetName(), s.GetName() + " (" + s.GetCloud() + ")"
		}
	}
	return "", "cloud " + parts[1]
}
