package server

import (
	"context"

	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/platform/paging"
	"github.com/hybridlink/hybridlink/services/network/internal/location"
)

// ListLocations lists the locations of a cloud's subscription, in one ARM read per call.
func (s *Server) ListLocations(ctx context.Context, req *networkv1.ListLocationsRequest) (*networkv1.ListLocationsResponse, error) {
	id, err := names.ParseCloud(req.GetParent())
	c, err := s.clouds.ListClients(req, id, err)
	if err != nil {
		return nil, err
	}
	locations, err := c.locations.List(ctx)
	if err != nil {
		return nil, apierr.FromARM(err, req.GetParent()+"/locations")
	}
	page, next, err := paging.Render(locations, func(l *location.Model) *networkv1.Location {
		return &networkv1.Location{
			Name:                names.Location{Cloud: id, Location: azsdk.Deref(l.Name)}.String(),
			DisplayName:         azsdk.Deref(l.DisplayName),
			RegionalDisplayName: azsdk.Deref(l.RegionalDisplayName),
		}
	}, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	return &networkv1.ListLocationsResponse{Locations: page, NextPageToken: next}, nil
}
