package cli

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/specfile"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// completeWait bounds the ListDeployments calls of one completion: a shell waits for it.
const completeWait = 3 * time.Second

// completions makes root's commands complete their arguments in a shell (cobra's
// completion command writes the scripts): a command whose argument is a deployment's NAME
// completes it with the deployments the orchestrator lists, `context use` with the config
// file's contexts, and a --file flag with YAML and JSON files.
func completions(root *cobra.Command, c *conn) {
	for _, cmd := range root.Commands() {
		if use := strings.Fields(cmd.Use); len(use) > 1 && use[1] == "NAME" {
			cmd.ValidArgsFunction = c.completeDeployments
		}
		if cmd.Flags().Lookup("file") != nil {
			_ = cmd.MarkFlagFilename("file", "yaml", "yml", "json")
		}
		for _, sub := range cmd.Commands() {
			if sub.CommandPath() == "hybridlink context use" {
				sub.ValidArgsFunction = c.completeContexts
			}
		}
	}
}

// completeDeployments lists the deployments that start with toComplete, each with its
// state: their IDs, or their full names once toComplete starts with deployments/; nothing
// when the orchestrator does not answer in time.
func (c *conn) completeDeployments(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	cl, err := c.dial()
	if err != nil {
		cobra.CompDebugln(err.Error(), false)
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(cmd.Context(), completeWait)
	defer cancel()
	var out []cobra.Completion
	req := &orchestratorv1.ListDeploymentsRequest{}
	for {
		page, err := cl.ListDeployments(ctx, req)
		if err != nil {
			cobra.CompDebugln(err.Error(), false)
			return out, cobra.ShellCompDirectiveNoFileComp
		}
		for _, d := range page.GetDeployments() {
			name := specfile.ID(d.GetName())
			if strings.HasPrefix(toComplete, "deployments/") {
				name = d.GetName()
			}
			if strings.HasPrefix(name, toComplete) {
				out = append(out, cobra.CompletionWithDesc(name, shortState(d.GetStatus().GetState().String())))
			}
		}
		if req.PageToken = page.GetNextPageToken(); req.PageToken == "" {
			return out, cobra.ShellCompDirectiveNoFileComp
		}
	}
}

// completeContexts lists the config file's contexts that start with toComplete.
func (c *conn) completeContexts(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	f, err := c.configFile()
	if err != nil || len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, x := range f.Contexts {
		if strings.HasPrefix(x.Name, toComplete) {
			out = append(out, cobra.CompletionWithDesc(x.Name, dash(x.Addr)))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
