package server

import (
	"context"

	"github.com/hybridlink/hybridlink/platform/handle"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
)

// resumable is how the service's operations resume, by shape of resource name.
var resumable = []lro.Kind[*clients]{
	{Resume: resumeGroup},
	vnetType.Resumable(),
	subnetType.Resumable(),
}

// resumeGroup polls a resource group's deletion, its only long-running operation.
func resumeGroup(ctx context.Context, c *clients, n names.Name, h handle.Handle) (lro.Step, error) {
	op, err := c.groups.Delete(ctx, n.ResourceGroup, h.Token)
	return kind.Resumed(ctx, op, err, h.Resource, lro.Empty)
}
