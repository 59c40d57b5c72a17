package main

import (
	"context"
	"fmt"
	"io"
	"time"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// compareSteps prints, for the lone deployment and the slowest of the n, when each step
// started (after the deployment was created) and how long it took, so that a slow run shows
// where its time went.
func compareSteps(ctx context.Context, w io.Writer, api orchestratorv1.OrchestratorServiceClient, n int) error {
	get := func(id string) (*orchestratorv1.Deployment, error) {
		return api.GetDeployment(ctx, &orchestratorv1.GetDeploymentRequest{Name: "deployments/" + id})
	}
	took := func(d *orchestratorv1.Deployment) time.Duration {
		var end time.Time
		for _, st := range d.GetStatus().GetSteps() {
			if t := st.GetEndTime().AsTime(); t.After(end) {
				end = t
			}
		}
		return end.Sub(d.GetCreateTime().AsTime())
	}
	alone, err := get("alone")
	if err != nil {
		return err
	}
	var slowest *orchestratorv1.Deployment
	for i := range n {
		d, err := get(fmt.Sprintf("scale-%d", i))
		if err != nil {
			return err
		}
		if slowest == nil || took(d) > took(slowest) {
			slowest = d
		}
	}
	fmt.Fprintf(w, "steps: started after create + took, alone (%s) and %s (%s):\n", took(alone).Round(time.Millisecond),
		slowest.GetName(), took(slowest).Round(time.Millisecond))
	slow := map[string]*orchestratorv1.Step{}
	for _, st := range slowest.GetStatus().GetSteps() {
		slow[st.GetName()] = st
	}
	span := func(d *orchestratorv1.Deployment, st *orchestratorv1.Step) string {
		start := st.GetStartTime().AsTime()
		return fmt.Sprintf("%7.2fs +%6.2fs", start.Sub(d.GetCreateTime().AsTime()).Seconds(), st.GetEndTime().AsTime().Sub(start).Seconds())
	}
	for _, st := range alone.GetStatus().GetSteps() {
		fmt.Fprintf(w, "  %-36s %s   %s\n", st.GetName(), span(alone, st), span(slowest, slow[st.GetName()]))
	}
	return nil
}
