package server

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/grpc/codes"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/platform/paging"
	"github.com/hybridlink/hybridlink/services/compute/internal/machinesize"
)

// ListMachineSizes lists the VM sizes a location offers, in one ARM read per call.
func (s *Server) ListMachineSizes(ctx context.Context, req *computev1.ListMachineSizesRequest) (*computev1.ListMachineSizesResponse, error) {
	l, err := names.ParseLocation(req.GetParent())
	c, err := s.clouds.ListClients(req, l.Cloud, err)
	if err != nil {
		return nil, err
	}
	sizes, err := c.sizes.List(ctx, l.Location)
	if err != nil {
		return nil, offerError(err, l, req.GetParent())
	}
	page, next, err := paging.Render(sizes, func(m *machinesize.Model) *computev1.MachineSize {
		return &computev1.MachineSize{
			Name: req.GetParent() + "/machineSizes/" + azsdk.Deref(m.Name), Cores: azsdk.Deref(m.NumberOfCores),
			MemoryMb: azsdk.Deref(m.MemoryInMB), MaxDataDisks: azsdk.Deref(m.MaxDataDiskCount),
			OsDiskSizeMb: azsdk.Deref(m.OSDiskSizeInMB), ResourceDiskSizeMb: azsdk.Deref(m.ResourceDiskSizeInMB),
		}
	}, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	return &computev1.ListMachineSizesResponse{MachineSizes: page, NextPageToken: next}, nil
}

// ListImageVersions lists a marketplace image SKU's versions in a location, oldest first,
// in one ARM read per call. A publisher, offer or SKU the location lacks is NotFound.
func (s *Server) ListImageVersions(ctx context.Context, req *computev1.ListImageVersionsRequest) (*computev1.ListImageVersionsResponse, error) {
	sku, err := names.ParseImageSKU(req.GetParent())
	c, err := s.clouds.ListClients(req, sku.Cloud, err)
	if err != nil {
		return nil, err
	}
	versions, err := c.images.Versions(ctx, sku.Location.Location, sku.Publisher, sku.Offer, sku.SKU)
	switch {
	case apierr.IsNotFound(err):
		return nil, apierr.Explain(apierr.FromARM(err, req.GetParent()), codes.NotFound,
			"image %s:%s:%s is not offered in location %s of cloud %s (ARM: %s); check the publisher, offer and sku (on Azure Stack Hub, only images the operator downloaded to the marketplace exist)",
			sku.Publisher, sku.Offer, sku.SKU, sku.Location.Location, sku.Cloud, apierr.ARMCode(err))
	case err != nil:
		return nil, offerError(err, sku.Location, req.GetParent())
	}
	out := make([]*computev1.ImageVersion, 0, len(versions))
	for _, m := range versions {
		out = append(out, &computev1.ImageVersion{Name: req.GetParent() + "/versions/" + azsdk.Deref(m.Name)})
	}
	slices.SortStableFunc(out, func(a, b *computev1.ImageVersion) int { return compareVersions(versionOf(a), versionOf(b)) })
	page, next, err := paging.Page(out, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, apierr.Invalid("page_token", "%v", err)
	}
	return &computev1.ListImageVersionsResponse{ImageVersions: page, NextPageToken: next}, nil
}

// offerError is a failed read of what a location offers. ARM's NoRegisteredProviderFound
// there means the cloud has no such location: InvalidArgument on parent.
func offerError(err error, l names.Location, parent string) error {
	if apierr.ARMCode(err) == "NoRegisteredProviderFound" {
		return apierr.Invalid("parent", "cloud %s offers nothing in location %q (ARM: NoRegisteredProviderFound); NetworkService.ListLocations lists the cloud's locations", l.Cloud, l.Location)
	}
	return apierr.FromARM(err, parent)
}

// versionOf is the version an image version's name ends in.
func versionOf(v *computev1.ImageVersion) string {
	return v.GetName()[strings.LastIndexByte(v.GetName(), '/')+1:]
}

// compareVersions orders Major.Minor.Build versions by their numbers (17763.999 before
// 17763.1000), and anything else as text.
func compareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, errA := strconv.Atoi(pa[i])
		nb, errB := strconv.Atoi(pb[i])
		switch {
		case errA != nil || errB != nil:
			return strings.Compare(a, b)
		case na != nb:
			return na - nb
		}
	}
	return len(pa) - len(pb)
}
