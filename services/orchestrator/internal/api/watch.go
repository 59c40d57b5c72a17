package api

import (
	"fmt"
	"time"

	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// WatchDeployment streams the deployment's changes: an event for each step that changes
// and for each change of state, until it is READY, FAILED or DELETED.
func (s *Server) WatchDeployment(req *orchestratorv1.WatchDeploymentRequest, stream orchestratorv1.OrchestratorService_WatchDeploymentServer) error {
	if _, err := parseName(req.GetName(), "name"); err != nil {
		return err
	}
	ctx := stream.Context()
	seen := map[string]string{}
	var state orchestratorv1.DeploymentStatus_State
	for {
		d, err := s.status(ctx, req.GetName())
		if err != nil {
			return err
		}
		now := timestamppb.Now()
		for _, st := range d.GetStatus().GetSteps() {
			sig := fmt.Sprintf("%s/%d/%s", st.GetState(), st.GetAttempts(), st.GetLastError().GetMessage())
			if seen[st.GetName()] == sig {
				continue
			}
			seen[st.GetName()] = sig
			if err := stream.Send(&orchestratorv1.DeploymentEvent{Time: now, State: d.GetStatus().GetState(), Step: st}); err != nil {
				return err
			}
		}
		if cur := d.GetStatus().GetState(); cur != state {
			state = cur
			if err := stream.Send(&orchestratorv1.DeploymentEvent{Time: now, State: cur}); err != nil {
				return err
			}
		}
		switch state {
		case orchestratorv1.DeploymentStatus_STATE_READY, orchestratorv1.DeploymentStatus_STATE_FAILED, orchestratorv1.DeploymentStatus_STATE_DELETED:
			return nil
		}
		select {
		case <-ctx.Done():
			return status.FromContextError(ctx.Err()).Err()
		case <-time.After(s.WatchInterval):
		}
	}
}
