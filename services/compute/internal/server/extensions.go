package server

import (
	"context"
	"fmt"
	"regexp"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v8"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/services/compute/internal/vmextension"
)

// handlerVersion is an extension handler's version as ARM takes it: major.minor.
var handlerVersion = regexp.MustCompile(`^[0-9]{1,4}\.[0-9]{1,4}$`)

// CreateVirtualMachineExtension ensures a VM extension. The command goes in the handler's
// settings (commandToExecute) with run_tag as its timestamp, which CustomScript runs again
// when it changes; an extension with the same handler, command and tag is left as it is.
func (s *Server) CreateVirtualMachineExtension(ctx context.Context, req *computev1.CreateVirtualMachineExtensionRequest) (*longrunningpb.Operation, error) {
	return extType.Create(ctx, s.clouds, req, req.GetVirtualMachineExtensionId(), func(ctx context.Context, c *clients, n names.Name) (*kind.Want[*vmextension.Model], error) {
		want, err := validateExtension(req)
		if err != nil {
			return nil, err
		}
		vm := n.Parent()
		matches := func(cur *vmextension.Model) (bool, error) {
			got := extToAPI(c.conn.ID, cur)
			return got.GetPublisher() == want.GetPublisher() && got.GetType() == want.GetType() &&
				got.GetTypeHandlerVersion() == want.GetTypeHandlerVersion() && got.GetCommand() == want.GetCommand() &&
				got.GetRunTag() == want.GetRunTag() && got.GetProvisioningState() == computev1.ProvisioningState_PROVISIONING_STATE_SUCCEEDED, nil
		}
		return &kind.Want[*vmextension.Model]{Matches: matches, Location: want.GetLocation(), Put: func(ctx context.Context, cur **vmextension.Model) (lro.Op[*vmextension.Model], error) {
			loc, err := location(ctx, c, n, cur, want.GetLocation())
			if err != nil {
				return nil, err
			}
			return c.exts.CreateOrUpdate(ctx, kind.Child(vm), n.ID(), extModel(loc, want), "")
		}}, nil
	})
}

// DeleteVirtualMachineExtension starts deleting a VM extension.
func (s *Server) DeleteVirtualMachineExtension(ctx context.Context, req *computev1.DeleteVirtualMachineExtensionRequest) (*longrunningpb.Operation, error) {
	return extType.Delete(ctx, s.clouds, req.GetName())
}

// GetVirtualMachineExtension reads a VM extension with its last run's status.
func (s *Server) GetVirtualMachineExtension(ctx context.Context, req *computev1.GetVirtualMachineExtensionRequest) (*computev1.VirtualMachineExtension, error) {
	return extType.Get(ctx, s.clouds, req.GetName())
}

// validateExtension checks a CreateVirtualMachineExtension request before any ARM call,
// naming every bad field.
func validateExtension(req *computev1.CreateVirtualMachineExtensionRequest) (*computev1.VirtualMachineExtension, error) {
	var v apierr.Violations
	want := req.GetVirtualMachineExtension()
	if !kind.CheckResource(&v, "virtual_machine_extension", req.GetVirtualMachineExtensionId(), want) {
		return nil, v.Err()
	}
	for field, value := range map[string]string{"publisher": want.GetPublisher(), "type": want.GetType(), "command": want.GetCommand()} {
		if value == "" {
			v.Add("virtual_machine_extension."+field, "required")
		}
	}
	if !handlerVersion.MatchString(want.GetTypeHandlerVersion()) {
		v.Add("virtual_machine_extension.type_handler_version", "%q is not a handler version: major.minor, e.g. 2.1", want.GetTypeHandlerVersion())
	}
	return want, v.Err()
}

// extModel is the ARM extension a request describes: the command and run tag in the
// handler's settings, minor versions upgraded automatically.
func extModel(location string, want *computev1.VirtualMachineExtension) vmextension.Model {
	return vmextension.Model{
		Location: to.Ptr(location),
		Properties: &armcompute.VirtualMachineExtensionProperties{
			Publisher:               to.Ptr(want.GetPublisher()),
			Type:                    to.Ptr(want.GetType()),
			TypeHandlerVersion:      to.Ptr(want.GetTypeHandlerVersion()),
			AutoUpgradeMinorVersion: to.Ptr(true),
			Settings:                map[string]any{"commandToExecute": want.GetCommand(), "timestamp": want.GetRunTag()},
		},
	}
}

// extToAPI is the API's view of an ARM extension: the command and run tag from its
// settings, and its instance view's first status message, the last run's output.
func extToAPI(cloud string, m *vmextension.Model) *computev1.VirtualMachineExtension {
	out := &computev1.VirtualMachineExtension{
		Name:              apiName(cloud, azsdk.Deref(m.ID)),
		Location:          azsdk.Deref(m.Location),
		ProvisioningState: azsdk.ProvisioningState[computev1.ProvisioningState](azsdk.State(m)),
		ArmId:             azsdk.Deref(m.ID),
	}
	p := m.Properties
	if p == nil {
		return out
	}
	out.Publisher, out.Type, out.TypeHandlerVersion = azsdk.Deref(p.Publisher), azsdk.Deref(p.Type), azsdk.Deref(p.TypeHandlerVersion)
	if settings, ok := p.Settings.(map[string]any); ok {
		out.Command, _ = settings["commandToExecute"].(string)
		switch tag := settings["timestamp"].(type) {
		case float64:
			out.RunTag = int64(tag)
		case string:
			fmt.Sscan(tag, &out.RunTag)
		}
	}
	if iv := p.InstanceView; iv != nil && len(iv.Statuses) > 0 {
		out.StatusMessage = azsdk.Deref(iv.Statuses[0].Message)
	}
	return out
}
