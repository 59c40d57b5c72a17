package api

import (
	"context"

	"github.com/hybridlink/hybridlink/services/orchestrator/internal/offer"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/workflow"
)

// offered checks a deployment's completed spec against what its clouds offer (package
// offer) before anything is written: each finding is a field violation of InvalidArgument,
// as validation's are. A read that fails otherwise is returned as the service answered it.
func (s *Server) offered(ctx context.Context, in workflow.Input) error {
	v, err := s.offers().Check(ctx, "deployment.spec", in.Spec)
	if err != nil {
		return err
	}
	return v.Err()
}

// offers reads what the clouds offer through the resource services, or from s.Offers.
func (s *Server) offers() offer.Checker {
	return offer.Checker{Network: s.network, Compute: s.compute, Cache: s.Offers}
}
