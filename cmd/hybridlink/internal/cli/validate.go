package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hybridlink/hybridlink/cmd/hybridlink/internal/specfile"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/services/orchestrator/rules"
)

func newValidate(std IO) *cobra.Command {
	var (
		file, clouds string
		stamps       int
	)
	cmd := &cobra.Command{
		Use:   "validate -f SPEC",
		Short: "Check a deployment file offline, with the orchestrator's own rules; needs no stack",
		Long: `validate reads the deployment file and checks it with the rules the orchestrator checks
first on every create, re-apply and plan (services/orchestrator/rules), against the clouds the
orchestrator is configured with: the cloud list of --clouds (its -clouds file, $HYBRIDLINK_CLOUDS),
else its built-in list, armsim's azure and azure-stack-hub, with --stamps N the stamps stamp1..stampN
that "hybridlink dev --stamps N" adds. It exits 0 when the file is valid and 2 with every finding,
each naming its field, when it is not. It reads no cloud: what each cloud offers (locations, VM
sizes, images) and what a site adopts, plan checks.`,
		Args: args(0, "no arguments"),
		RunE: func(_ *cobra.Command, _ []string) error {
			d, err := load(file)
			if err != nil {
				return err
			}
			cfg, err := validateClouds(clouds, stamps)
			if err != nil {
				return err
			}
			var found []*orchestratorv1.Finding
			for _, v := range rules.Validate(d, cfg.Clouds) {
				found = append(found, &orchestratorv1.Finding{Field: v.Field, Description: v.Description})
			}
			if len(found) > 0 {
				return printFindings(std.Out, d.GetName()+" is not valid:", found)
			}
			ids := make([]string, len(cfg.Clouds))
			for i, c := range cfg.Clouds {
				ids[i] = c.ID
			}
			fmt.Fprintf(std.Out, "%s is valid for the clouds %s (plan also checks what each cloud offers and what the sites adopt).\n",
				d.GetName(), strings.Join(ids, ", "))
			return nil
		},
	}
	specFlag(cmd, &file)
	cmd.Flags().StringVar(&clouds, "clouds", os.Getenv("HYBRIDLINK_CLOUDS"), "the orchestrator's cloud list (YAML, its -clouds file); armsim's two clouds when empty ($HYBRIDLINK_CLOUDS)")
	cmd.Flags().IntVar(&stamps, "stamps", 0, "with the built-in cloud list, the extra stamps stamp1..stampN of `dev --stamps N`")
	return cmd
}

// validateClouds is the cloud list validate checks against: the file's, or the built-in
// one with stamps extra stamps, as the dev stack configures them (cloud.Armsim).
func validateClouds(file string, stamps int) (*cloud.Config, error) {
	switch {
	case stamps < 0 || stamps > maxStamps:
		return nil, usageError{fmt.Errorf("--stamps %d: want 0 to %d extra stamps", stamps, maxStamps)}
	case file != "" && stamps > 0:
		return nil, usageError{fmt.Errorf("--stamps adds to the built-in cloud list, not to --clouds %s", file)}
	case file != "":
		cfg, err := cloud.Load(file)
		if err != nil {
			return nil, invalid(fmt.Errorf("--clouds: %w", err))
		}
		return cfg, nil
	}
	// validate reads no endpoint: the dev stack's usual ones stand in
	endpoints := map[string]string{"azure": "https://127.0.0.1:8443", "azure-stack-hub": "https://127.0.0.1:9443"}
	for i := 1; i <= stamps; i++ {
		endpoints[fmt.Sprintf("stamp%d", i)] = fmt.Sprintf("https://127.0.0.1:%d", 9443+i)
	}
	return cloud.Armsim("", endpoints, nil), nil
}

// printFindings prints a spec's findings under heading, each with its field, and returns the
// invalid-spec error that says how many.
func printFindings(out io.Writer, heading string, found []*orchestratorv1.Finding) error {
	fmt.Fprintln(out, heading)
	for _, f := range found {
		fmt.Fprintf(out, "  %s: %s\n", specfile.FieldPath(f.GetField()), specfile.FieldText(f.GetDescription()))
	}
	return invalid(fmt.Errorf("the spec has %d finding(s); fix the fields named above", len(found)))
}
