package offer

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	networkv1 "github.com/hybridlink/hybridlink/gen/hybridlink/network/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// offers is the resource services at the unit's edge: one cloud with one location, one VM
// size and one image, counting the lists it answers. Until release is closed, lists wait.
type offers struct {
	networkv1.NetworkServiceClient
	computev1.ComputeServiceClient
	reads   atomic.Int64
	release chan struct{}
	image   bool // whether the location has the image
}

func (o *offers) wait(ctx context.Context) error {
	o.reads.Add(1)
	select {
	case <-o.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (o *offers) ListLocations(ctx context.Context, _ *networkv1.ListLocationsRequest, _ ...grpc.CallOption) (*networkv1.ListLocationsResponse, error) {
	return &networkv1.ListLocationsResponse{Locations: []*networkv1.Location{{Name: "clouds/azure/locations/westeurope"}}}, o.wait(ctx)
}

func (o *offers) ListMachineSizes(ctx context.Context, _ *computev1.ListMachineSizesRequest, _ ...grpc.CallOption) (*computev1.ListMachineSizesResponse, error) {
	return &computev1.ListMachineSizesResponse{MachineSizes: []*computev1.MachineSize{{Name: "clouds/azure/locations/westeurope/machineSizes/Standard_B1s"}}}, o.wait(ctx)
}

func (o *offers) ListImageVersions(ctx context.Context, r *computev1.ListImageVersionsRequest, _ ...grpc.CallOption) (*computev1.ListImageVersionsResponse, error) {
	if err := o.wait(ctx); err != nil {
		return nil, err
	}
	if !o.image {
		return nil, status.Error(codes.NotFound, "no such image")
	}
	return &computev1.ListImageVersionsResponse{ImageVersions: []*computev1.ImageVersion{{Name: r.GetParent() + "/versions/1.0.0"}}}, nil
}

// offerSpec is a one-site spec whose VM uses the location, size and image offers has.
func offerSpec() *orchestratorv1.DeploymentSpec {
	return &orchestratorv1.DeploymentSpec{Sites: []*orchestratorv1.Site{{Cloud: "azure", Location: "westeurope",
		VirtualMachines: []*orchestratorv1.VirtualMachineSpec{{Size: "Standard_B1s", ImagePublisher: "p", ImageOffer: "o", ImageSku: "s", ImageVersion: "1.0.0"}}}}}
}

// TestCache: with a Cache, checks at once and after make one read of each list (a
// location's, a size's and an image's: 3); a NotFound image is read again every time; a
// caller giving up does not fail the others' shared read; without a Cache, every check
// reads.
func TestCache(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cache  *Cache
		image  bool
		checks int
		reads  int64
	}{
		{"cached", NewCache(time.Hour), true, 5, 3},
		{"a missing image is read again", NewCache(time.Hour), false, 5, 2 + 5},
		{"no cache", NewCache(0), true, 5, 3 * 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &offers{release: make(chan struct{}), image: tc.image}
			c := Checker{Network: o, Compute: o, Cache: tc.cache}
			close(o.release)
			for range tc.checks {
				v, err := c.Check(context.Background(), "deployment.spec", offerSpec())
				if err != nil || (v.Err() == nil) != tc.image {
					t.Fatalf("check: %v, %v", v.Err(), err)
				}
			}
			if got := o.reads.Load(); got != tc.reads {
				t.Errorf("%d reads, want %d", got, tc.reads)
			}
		})
	}

	t.Run("at once", func(t *testing.T) {
		o := &offers{release: make(chan struct{}), image: true}
		c := Checker{Network: o, Compute: o, Cache: NewCache(time.Hour)}
		gone, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		errs := make([]error, 5)
		for i := range errs {
			ctx := context.Background()
			if i == 0 {
				ctx = gone // the first caller gives up while the read is shared
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = c.Check(ctx, "deployment.spec", offerSpec())
			}()
		}
		for o.reads.Load() == 0 { // the locations read has begun
			time.Sleep(time.Millisecond)
		}
		cancel()
		close(o.release)
		wg.Wait()
		if errs[0] == nil {
			t.Error("the caller that gave up got no error")
		}
		for i, err := range errs[1:] {
			if err != nil {
				t.Errorf("caller %d: %v", i+1, err)
			}
		}
		if got := o.reads.Load(); got != 3 {
			t.Errorf("%d reads for checks at once, want 3", got)
		}
	})
}
