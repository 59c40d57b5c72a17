package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

func newProbe(c *conn, std IO) *cobra.Command {
	return c.onDeployment(&cobra.Command{
		Use:   "probe NAME",
		Short: "Prove the data plane again: every VM probes the VMs it should reach through the tunnels",
		Long: `probe has every VM of a READY deployment probe the VMs it should reach through the
tunnels (three ICMP echoes and a TCP connect to port 22, to their private IPs), through the
CustomScript VM extension on both clouds, as every apply does after verify, and prints the
matrix: a row per probing VM, a column per probed VM, each cell ok with the round-trip time
or fail. It exits 1 when a VM did not reach one it should.`,
	}, func(cmd *cobra.Command, name string, cl *client) error {
		op, err := cl.ProbeDeployment(cmd.Context(), &orchestratorv1.ProbeDeploymentRequest{Name: name})
		d, err := ready(cmd.Context(), cl, name, std, op, err)
		if d == nil {
			return err
		}
		if note := d.GetStatus().GetOutputs().GetProbeNote(); note != "" {
			fmt.Fprintf(std.Out, "probe: %s\n", note)
		}
		printProbes(std.Out, d.GetStatus().GetOutputs())
		return err
	})
}

// printProbeSummary says in a line how the last probe went, or why there was none.
func printProbeSummary(w io.Writer, d *orchestratorv1.Deployment, self string) {
	out := d.GetStatus().GetOutputs()
	if note := out.GetProbeNote(); note != "" {
		fmt.Fprintf(w, "probe: %s\n", note)
	}
	if len(out.GetProbes()) == 0 {
		return
	}
	ok := 0
	for _, p := range out.GetProbes() {
		if p.GetIcmp() && p.GetTcp() {
			ok++
		}
	}
	fmt.Fprintf(w, "probe: %d of %d VM-to-VM probes through the tunnels reached (%s probe %s prints the matrix)\n",
		ok, len(out.GetProbes()), self, strings.TrimPrefix(d.GetName(), "deployments/"))
}

// printProbes prints the last probe's results as a matrix: a row per probing VM, a column per
// probed VM (site/vm), each cell "ok 20.5ms" or "fail", "-" where a VM does not probe another.
func printProbes(w io.Writer, out *orchestratorv1.Outputs) {
	probes := out.GetProbes()
	if len(probes) == 0 {
		return
	}
	var rows, cols []string
	cell := map[[2]string]string{}
	seen := map[string]bool{}
	for _, p := range probes {
		src, dst := p.GetSourceSite()+"/"+p.GetSourceVm(), p.GetTargetSite()+"/"+p.GetTargetVm()
		if !seen["r"+src] {
			seen["r"+src], rows = true, append(rows, src)
		}
		if !seen["c"+dst] {
			seen["c"+dst], cols = true, append(cols, dst)
		}
		v := "fail"
		if p.GetIcmp() && p.GetTcp() {
			v = fmt.Sprintf("ok %.1fms", p.GetRttMs())
		}
		cell[[2]string{src, dst}] = v
	}
	tw := newTable(w)
	fmt.Fprint(tw, "PROBE FROM \\ TO")
	for _, c := range cols {
		fmt.Fprintf(tw, "\t%s", c)
	}
	fmt.Fprintln(tw)
	for _, r := range rows {
		fmt.Fprint(tw, r)
		for _, c := range cols {
			fmt.Fprintf(tw, "\t%s", dash(cell[[2]string{r, c}]))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}
