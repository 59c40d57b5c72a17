package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"sigs.k8s.io/yaml"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/sites"
	"github.com/hybridlink/hybridlink/services/orchestrator/timeline"
)

// output is the -o flag: table for people, json and yaml (protojson field names, the same
// shape a deployment file has) for programs.
type output string

func (o *output) flag(cmd *cobra.Command) {
	cmd.Flags().StringVarP((*string)(o), "output", "o", "table", "output format: table, json or yaml")
}

// write prints m as json or yaml; table formats are the caller's.
func (o output) write(w io.Writer, m proto.Message) error {
	js, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(m)
	if err != nil {
		return err
	}
	if o == "yaml" {
		if js, err = yaml.JSONToYAML(js); err != nil {
			return err
		}
	}
	_, err = w.Write(append(js, '\n'))
	return err
}

func (o output) check() error {
	switch o {
	case "table", "json", "yaml":
		return nil
	}
	return usageError{fmt.Errorf("-o %q: want table, json or yaml", string(o))}
}

func newGet(c *conn, std IO) *cobra.Command {
	var o output
	cmd := c.onDeployment(&cobra.Command{
		Use:   "get NAME",
		Short: "Show a deployment: its state, outputs (gateway IPs, VM IPs, tunnel status) and steps",
	}, func(cmd *cobra.Command, name string, cl *client) error {
		if err := o.check(); err != nil {
			return err
		}
		d, err := cl.deployment(cmd.Context(), name)
		if err != nil {
			return err
		}
		switch o {
		case "yaml":
			return writeSpec(std, d)
		case "json":
			return o.write(std.Out, d)
		}
		printDeployment(std.Out, d, std.self())
		return nil
	})
	o.flag(cmd)
	return cmd
}

// printDeployment prints a deployment for people: state, trace, each site's outputs and
// connections (printSites), the steps by state, when it failed why, and what it adopted;
// self is the command as invoked, for hints.
func printDeployment(w io.Writer, d *orchestratorv1.Deployment, self string) {
	st := d.GetStatus()
	fmt.Fprintf(w, "%s  %s", d.GetName(), shortState(st.GetState().String()))
	if st.GetTraceId() != "" {
		fmt.Fprintf(w, "  trace %s", st.GetTraceId())
	}
	fmt.Fprintln(w)
	if st.GetError() != "" {
		fmt.Fprintf(w, "error: %s\n", st.GetError())
	}
	printSites(w, d)
	counts := map[orchestratorv1.Step_State]int{}
	for _, s := range st.GetSteps() {
		counts[s.GetState()]++
	}
	var parts []string
	for _, s := range []orchestratorv1.Step_State{orchestratorv1.Step_STATE_SUCCEEDED, orchestratorv1.Step_STATE_RUNNING,
		orchestratorv1.Step_STATE_PENDING, orchestratorv1.Step_STATE_FAILED, orchestratorv1.Step_STATE_SKIPPED} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], strings.ToLower(shortState(s.String()))))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "\nsteps: %s", strings.Join(parts, ", "))
		if d.GetCreateTime() != nil {
			fmt.Fprintf(w, "; created %s", d.GetCreateTime().AsTime().Local().Format(time.DateTime))
		}
		fmt.Fprintln(w)
	}
	var adopted []string
	for _, s := range sites.Steps(d) {
		if s.GetState() == orchestratorv1.Step_STATE_FAILED {
			fmt.Fprintf(w, "  %s failed: %s\n", s.GetName(), errorText(s.GetLastError()))
		}
		if s.GetAdopted() {
			adopted = append(adopted, s.GetName())
		}
	}
	if len(adopted) > 0 {
		fmt.Fprintf(w, "adopted, read and never changed or deleted: %s\n", strings.Join(adopted, ", "))
	}
	printProbeSummary(w, d, self)
}

// newTable is how the CLI prints a table to w: columns two spaces apart; Flush prints it.
func newTable(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// byteCount is a byte count as people read it: 0 B, 950 B, 12.3 kB, 4.0 MB.
func byteCount(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, i := float64(n), 0
	for f >= unit && i < 4 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %cB", f, "kMGT"[i-1])
}

func newList(c *conn, std IO) *cobra.Command {
	var (
		o      output
		filter string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List deployments",
		Args:  args(0, "no arguments"),
		RunE: c.with(func(cmd *cobra.Command, _ []string, cl *client) error {
			if err := o.check(); err != nil {
				return err
			}
			all := &orchestratorv1.ListDeploymentsResponse{}
			req := &orchestratorv1.ListDeploymentsRequest{Filter: filter}
			for {
				page, err := cl.ListDeployments(cmd.Context(), req)
				if err != nil {
					return err
				}
				all.Deployments = append(all.Deployments, page.GetDeployments()...)
				if req.PageToken = page.GetNextPageToken(); req.PageToken == "" {
					break
				}
			}
			if o != "table" {
				return o.write(std.Out, all)
			}
			tw := newTable(std.Out)
			fmt.Fprintln(tw, "NAME\tSTATE\tSTEPS\tSITES\tCREATED")
			for _, d := range all.GetDeployments() {
				done := 0
				for _, s := range d.GetStatus().GetSteps() {
					if s.GetState() == orchestratorv1.Step_STATE_SUCCEEDED {
						done++
					}
				}
				var sites []string
				for _, s := range d.GetSpec().GetSites() {
					sites = append(sites, s.GetName()+" ("+s.GetCloud()+")")
				}
				created := "-"
				if d.GetCreateTime() != nil {
					created = d.GetCreateTime().AsTime().Local().Format(time.DateTime)
				}
				fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s\t%s\n", strings.TrimPrefix(d.GetName(), "deployments/"),
					shortState(d.GetStatus().GetState().String()), done, len(d.GetStatus().GetSteps()), strings.Join(sites, ", "), created)
			}
			return tw.Flush()
		}),
	}
	o.flag(cmd)
	cmd.Flags().StringVar(&filter, "filter", "", "only deployments in a state, e.g. state=READY")
	return cmd
}

func newTimeline(c *conn, std IO) *cobra.Command {
	var (
		svg   string
		width int
	)
	cmd := c.onDeployment(&cobra.Command{
		Use:   "timeline NAME",
		Short: "Show where a deployment's time went: a Gantt chart of its steps with the critical path",
	}, func(cmd *cobra.Command, name string, cl *client) error {
		d, err := cl.deployment(cmd.Context(), name)
		if err != nil {
			return err
		}
		now := time.Now()
		if err := timeline.Text(std.Out, d, width, now); err != nil {
			return err
		}
		if svg == "" {
			return nil
		}
		f, err := os.Create(svg)
		if err != nil {
			return err
		}
		if err := timeline.SVG(f, d, now); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(std.Out, "wrote %s\n", svg)
		return nil
	})
	cmd.Flags().StringVar(&svg, "svg", "", "also write the chart as an SVG file")
	cmd.Flags().IntVar(&width, "width", 100, "chart width in columns")
	return cmd
}
