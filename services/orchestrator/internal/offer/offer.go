// Package offer checks a deployment against what its clouds really offer, before anything
// is written: each site's location among its subscription's locations, each VM's size among
// the sizes of the site's location, each VM's image (and version) among the location's
// marketplace images. It reads the resource services' list methods (ListLocations,
// ListMachineSizes, ListImageVersions), each list once per request however many sites and
// VMs use it, and the reads of one phase in parallel.
package offer

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/paging"
)

// suggestions is how many offered values a finding names.
const suggestions = 5

// Checker reads what the clouds offer through the resource services, keeping what it read
// in Cache (nil: nothing kept).
type Checker struct {
	Network networkv1.NetworkServiceClient
	Compute computev1.ComputeServiceClient
	Cache   *Cache
}

// Check returns a finding for every location, VM size, image and image version of a
// completed spec (each site's location filled in) that its cloud does not offer, each
// naming its field below field (deployment.spec). The error is a read that failed for
// another reason than the cloud lacking what was asked.
func (c Checker) Check(ctx context.Context, field string, spec *orchestratorv1.DeploymentSpec) (apierr.Violations, error) {
	sites := spec.GetSites()
	locations := map[string][]string{} // by cloud
	for _, s := range sites {
		locations[s.GetCloud()] = nil
	}
	if err := fill(ctx, locations, c.locations); err != nil {
		return nil, err
	}

	var v apierr.Violations
	sizes := map[string][]*computev1.MachineSize{} // by location name
	versions := map[string][]string{}              // by image SKU name
	missing := map[string]bool{}                   // image SKUs the location lacks
	placed := make([]bool, len(sites))             // the site's location is offered
	for i, s := range sites {
		f := fmt.Sprintf("%s.sites[%d]", field, i)
		if !slices.Contains(locations[s.GetCloud()], s.GetLocation()) {
			v.Add(f+".location", "location %q is not one of cloud %s's locations; use one of %s", s.GetLocation(), s.GetCloud(),
				strings.Join(closest(s.GetLocation(), locations[s.GetCloud()]), ", "))
			continue
		}
		placed[i] = true
		for _, vm := range s.GetVirtualMachines() {
			sizes[locationName(s)] = nil
			versions[imageName(s, vm)] = nil
		}
	}
	if err := fill(ctx, sizes, c.sizes); err != nil {
		return nil, err
	}
	var mu sync.Mutex // guards versions and missing, which the parallel reads write
	err := each(ctx, keys(versions), func(ctx context.Context, sku string) error {
		l, err := c.versions(ctx, sku)
		mu.Lock()
		defer mu.Unlock()
		if status.Code(err) == codes.NotFound {
			missing[sku] = true
			return nil
		}
		versions[sku] = l
		return err
	})
	if err != nil {
		return nil, err
	}

	for i, s := range sites {
		if !placed[i] {
			continue
		}
		for j, vm := range s.GetVirtualMachines() {
			f := fmt.Sprintf("%s.sites[%d].virtual_machines[%d]", field, i, j)
			if offered := sizes[locationName(s)]; !offersSize(offered, vm.GetSize()) {
				v.Add(f+".size", "VM size %s is not offered in location %s of cloud %s; close ones it offers: %s",
					vm.GetSize(), s.GetLocation(), s.GetCloud(), strings.Join(closeSizes(vm.GetSize(), offered), ", "))
			}
			sku := imageName(s, vm)
			switch version := vm.GetImageVersion(); {
			case missing[sku]:
				v.Add(f+".image_sku", "image %s:%s:%s is not offered in location %s of cloud %s; check image_publisher, image_offer and image_sku (on Azure Stack Hub, only images the operator downloaded exist)",
					vm.GetImagePublisher(), vm.GetImageOffer(), vm.GetImageSku(), s.GetLocation(), s.GetCloud())
			case version != "" && !strings.EqualFold(version, "latest") && !slices.Contains(versions[sku], version):
				v.Add(f+".image_version", "version %s of image %s:%s:%s is not offered in location %s of cloud %s; use latest, or one of the newest: %s",
					version, vm.GetImagePublisher(), vm.GetImageOffer(), vm.GetImageSku(), s.GetLocation(), s.GetCloud(), strings.Join(newest(versions[sku]), ", "))
			}
		}
	}
	return v, nil
}

// locations lists a cloud's location ids.
func (c Checker) locations(ctx context.Context, cloud string) ([]string, error) {
	return cached(ctx, c.Cache, "clouds/"+cloud+"/locations", func(ctx context.Context) ([]string, error) { return c.readLocations(ctx, cloud) })
}

// readLocations reads a cloud's location ids.
func (c Checker) readLocations(ctx context.Context, cloud string) ([]string, error) {
	var out []string
	err := pages(func(token string) (string, error) {
		r, err := c.Network.ListLocations(ctx, &networkv1.ListLocationsRequest{Parent: "clouds/" + cloud, PageSize: paging.MaxSize, PageToken: token})
		for _, l := range r.GetLocations() {
			out = append(out, path.Base(l.GetName()))
		}
		return r.GetNextPageToken(), err
	})
	return out, reading(err, "clouds/"+cloud+"/locations")
}

// sizes lists the VM sizes of a location, clouds/{cloud}/locations/{location}.
func (c Checker) sizes(ctx context.Context, location string) ([]*computev1.MachineSize, error) {
	return cached(ctx, c.Cache, location+"/machineSizes", func(ctx context.Context) ([]*computev1.MachineSize, error) { return c.readSizes(ctx, location) })
}

// readSizes reads the VM sizes of a location.
func (c Checker) readSizes(ctx context.Context, location string) ([]*computev1.MachineSize, error) {
	var out []*computev1.MachineSize
	err := pages(func(token string) (string, error) {
		r, err := c.Compute.ListMachineSizes(ctx, &computev1.ListMachineSizesRequest{Parent: location, PageSize: paging.MaxSize, PageToken: token})
		out = append(out, r.GetMachineSizes()...)
		return r.GetNextPageToken(), err
	})
	return out, reading(err, location+"/machineSizes")
}

// versions lists an image SKU's versions; NotFound when the location lacks the image.
func (c Checker) versions(ctx context.Context, sku string) ([]string, error) {
	return cached(ctx, c.Cache, sku+"/versions", func(ctx context.Context) ([]string, error) { return c.readVersions(ctx, sku) })
}

// readVersions reads an image SKU's versions; NotFound when the location lacks the image.
func (c Checker) readVersions(ctx context.Context, sku string) ([]string, error) {
	var out []string
	err := pages(func(token string) (string, error) {
		r, err := c.Compute.ListImageVersions(ctx, &computev1.ListImageVersionsRequest{Parent: sku, PageSize: paging.MaxSize, PageToken: token})
		for _, v := range r.GetImageVersions() {
			out = append(out, path.Base(v.GetName()))
		}
		return r.GetNextPageToken(), err
	})
	if status.Code(err) == codes.NotFound {
		return nil, err
	}
	return out, reading(err, sku+"/versions")
}

// pages calls list with each page's token until the last page or an error.
func pages(list func(token string) (string, error)) error {
	token := ""
	for {
		next, err := list(token)
		if err != nil || next == "" {
			return err
		}
		token = next
	}
}

// reading prefixes a failed read's message with what was read, keeping its code and details.
func reading(err error, what string) error {
	if err == nil {
		return nil
	}
	st := status.Convert(err).Proto()
	st.Message = "reading " + what + " to check the deployment against it: " + st.GetMessage()
	return status.FromProto(st).Err()
}

// each runs read for every key in parallel and returns the first error that is not a
// cancellation caused by another's failure.
func each(ctx context.Context, keys []string, read func(context.Context, string) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = read(ctx, k); errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && status.Code(err) != codes.Canceled {
			return err
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// fill reads the value of every key of m with read, in parallel, into m.
func fill[V any](ctx context.Context, m map[string]V, read func(context.Context, string) (V, error)) error {
	var mu sync.Mutex // guards m, which the parallel reads write
	return each(ctx, keys(m), func(ctx context.Context, k string) error {
		v, err := read(ctx, k)
		mu.Lock()
		defer mu.Unlock()
		m[k] = v
		return err
	})
}

// keys returns a map's keys in order.
func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// locationName is a site's location, clouds/{cloud}/locations/{location}.
func locationName(s *orchestratorv1.Site) string {
	return "clouds/" + s.GetCloud() + "/locations/" + s.GetLocation()
}

// imageName is a VM's image SKU in its site's location.
func imageName(s *orchestratorv1.Site, vm *orchestratorv1.VirtualMachineSpec) string {
	return locationName(s) + "/publishers/" + vm.GetImagePublisher() + "/offers/" + vm.GetImageOffer() + "/skus/" + vm.GetImageSku()
}

// offersSize reports whether size is among offered; ARM compares size names case-insensitively.
func offersSize(offered []*computev1.MachineSize, size string) bool {
	return slices.ContainsFunc(offered, func(m *computev1.MachineSize) bool { return strings.EqualFold(path.Base(m.GetName()), size) })
}

// newest returns the last versions of a list ordered oldest first, newest first.
func newest(versions []string) []string {
	out := slices.Clone(versions[max(0, len(versions)-suggestions):])
	slices.Reverse(out)
	return out
}
