package server

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v8"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	computev1 "github.com/hybridlink/hybridlink/gen/hybridlink/compute/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azsdk"
	"github.com/hybridlink/hybridlink/platform/kind"
	"github.com/hybridlink/hybridlink/platform/lro"
	"github.com/hybridlink/hybridlink/platform/names"
	"github.com/hybridlink/hybridlink/services/compute/internal/virtualmachine"
)

// CreateVirtualMachine ensures a virtual machine. An existing one is compared on size,
// network interfaces and tags (ARM never returns the password); a request that changes its
// image, admin user name or computer name is refused, as ARM cannot change them.
func (s *Server) CreateVirtualMachine(ctx context.Context, req *computev1.CreateVirtualMachineRequest) (*longrunningpb.Operation, error) {
	return vmType.Create(ctx, s.clouds, req, req.GetVirtualMachineId(), func(ctx context.Context, c *clients, n names.Name) (*kind.Want[*virtualmachine.Model], error) {
		want, spec, err := validateVirtualMachine(req, n.Parent(), c.conn.Subscription)
		if err != nil {
			return nil, err
		}
		matches := func(cur *virtualmachine.Model) (bool, error) {
			if err := immutable(n, cur, want); err != nil {
				return false, err
			}
			return vmMatches(cur, want, spec), nil
		}
		return &kind.Want[*virtualmachine.Model]{Matches: matches, Location: want.GetLocation(), Put: func(ctx context.Context, cur **virtualmachine.Model) (lro.Op[*virtualmachine.Model], error) {
			var model virtualmachine.Model
			if cur != nil {
				model = vmUpdate(*cur, want, spec)
			} else {
				loc, err := c.conn.LocationIn(ctx, n.ResourceGroup, want.GetLocation())
				if err != nil {
					return nil, err
				}
				model = vmModel(loc, want, spec)
			}
			op, err := c.vms.CreateOrUpdate(ctx, n.ResourceGroup, n.ID(), model, "")
			switch {
			case apierr.ARMCode(err) == "SkuNotAvailable":
				return nil, sizeNotOffered(err, n, want.GetSize(), azsdk.Deref(model.Location))
			case err != nil:
				return nil, redact(apierr.FromARM(err, n.String()), want.GetAdminPassword())
			}
			return op, nil
		}}, nil
	})
}

// DeleteVirtualMachine starts deleting a virtual machine; its network interfaces stay.
func (s *Server) DeleteVirtualMachine(ctx context.Context, req *computev1.DeleteVirtualMachineRequest) (*longrunningpb.Operation, error) {
	return vmType.Delete(ctx, s.clouds, req.GetName())
}

// sizeNotOffered is ARM's SkuNotAvailable said as what it is: the location does not offer
// the size (no quota changes that), with where to find the sizes it does offer.
func sizeNotOffered(err error, n names.Name, size, location string) error {
	return apierr.Explain(apierr.FromARM(err, n.String()), codes.FailedPrecondition,
		"%s: VM size %s is not offered in location %s of cloud %s (ARM: SkuNotAvailable); pick another size: ListMachineSizes on clouds/%s/locations/%s lists the offered ones, and hybridlink plan suggests close ones",
		n, size, location, n.Cloud, n.Cloud, location)
}

// vmModel is the ARM virtual machine a create request describes.
func vmModel(location string, want *computev1.VirtualMachine, spec vmSpec) virtualmachine.Model {
	img := want.GetImage()
	version := img.GetVersion()
	if version == "" {
		version = "latest"
	}
	profile := &armcompute.OSProfile{ComputerName: to.Ptr(spec.computerName), AdminUsername: to.Ptr(want.GetAdminUsername())}
	if want.GetAdminPassword() != "" {
		profile.AdminPassword = to.Ptr(want.GetAdminPassword())
	}
	if keys := want.GetSshPublicKeys(); len(keys) > 0 {
		ssh := &armcompute.SSHConfiguration{}
		for _, k := range keys {
			ssh.PublicKeys = append(ssh.PublicKeys, &armcompute.SSHPublicKey{
				Path: to.Ptr("/home/" + want.GetAdminUsername() + "/.ssh/authorized_keys"), KeyData: to.Ptr(k)})
		}
		profile.LinuxConfiguration = &armcompute.LinuxConfiguration{DisablePasswordAuthentication: to.Ptr(want.GetAdminPassword() == ""), SSH: ssh}
	}
	return virtualmachine.Model{
		Location: to.Ptr(location),
		Tags:     azsdk.TagsToARM(want.GetTags()),
		Properties: &armcompute.VirtualMachineProperties{
			HardwareProfile: &armcompute.HardwareProfile{VMSize: to.Ptr(armcompute.VirtualMachineSizeTypes(want.GetSize()))},
			StorageProfile: &armcompute.StorageProfile{
				ImageReference: &armcompute.ImageReference{Publisher: to.Ptr(img.GetPublisher()), Offer: to.Ptr(img.GetOffer()), SKU: to.Ptr(img.GetSku()), Version: to.Ptr(version)},
				OSDisk:         &armcompute.OSDisk{CreateOption: to.Ptr(armcompute.DiskCreateOptionTypesFromImage)},
			},
			OSProfile:      profile,
			NetworkProfile: &armcompute.NetworkProfile{NetworkInterfaces: nicRefs(spec.nicIDs)},
		},
	}
}

// vmUpdate is ARM's virtual machine with the request's size, network interfaces and tags:
// read, modify, write, so everything else (disks, credentials) stays as ARM has it.
func vmUpdate(cur *virtualmachine.Model, want *computev1.VirtualMachine, spec vmSpec) virtualmachine.Model {
	m := *cur
	p := *cur.Properties
	p.InstanceView = nil
	p.HardwareProfile = &armcompute.HardwareProfile{VMSize: to.Ptr(armcompute.VirtualMachineSizeTypes(want.GetSize()))}
	p.NetworkProfile = &armcompute.NetworkProfile{NetworkInterfaces: nicRefs(spec.nicIDs)}
	m.Properties = &p
	m.Tags = azsdk.TagsToARM(want.GetTags())
	return m
}

func nicRefs(ids []string) []*armcompute.NetworkInterfaceReference {
	refs := make([]*armcompute.NetworkInterfaceReference, 0, len(ids))
	for i, id := range ids {
		refs = append(refs, &armcompute.NetworkInterfaceReference{ID: to.Ptr(id),
			Properties: &armcompute.NetworkInterfaceReferenceProperties{Primary: to.Ptr(i == 0)}})
	}
	return refs
}

// vmMatches reports whether ARM's virtual machine already has the request's size, network
// interfaces and tags.
func vmMatches(cur *virtualmachine.Model, want *computev1.VirtualMachine, spec vmSpec) bool {
	p := cur.Properties
	if !azsdk.SameTags(cur.Tags, want.GetTags()) || p == nil || p.HardwareProfile == nil || p.HardwareProfile.VMSize == nil ||
		!strings.EqualFold(string(*p.HardwareProfile.VMSize), want.GetSize()) || p.NetworkProfile == nil ||
		len(p.NetworkProfile.NetworkInterfaces) != len(spec.nicIDs) {
		return false
	}
	for i, r := range p.NetworkProfile.NetworkInterfaces {
		if !strings.EqualFold(azsdk.Deref(r.ID), spec.nicIDs[i]) {
			return false
		}
	}
	return true
}

// immutable refuses a request that changes what ARM cannot change on an existing virtual
// machine: its image, admin user name or computer name.
func immutable(n names.Name, cur *virtualmachine.Model, want *computev1.VirtualMachine) error {
	have := vmToAPI(n.Cloud, cur)
	var changed []string
	img, old := want.GetImage(), have.GetImage()
	version := img.GetVersion()
	if version == "" {
		version = "latest"
	}
	if !strings.EqualFold(img.GetPublisher(), old.GetPublisher()) || !strings.EqualFold(img.GetOffer(), old.GetOffer()) ||
		!strings.EqualFold(img.GetSku(), old.GetSku()) || !strings.EqualFold(version, old.GetVersion()) {
		changed = append(changed, fmt.Sprintf("image (it is %s:%s:%s:%s)", old.GetPublisher(), old.GetOffer(), old.GetSku(), old.GetVersion()))
	}
	if want.GetAdminUsername() != have.GetAdminUsername() {
		changed = append(changed, fmt.Sprintf("admin_username (it is %q)", have.GetAdminUsername()))
	}
	if cn := want.GetComputerName(); cn != "" && !strings.EqualFold(cn, have.GetComputerName()) {
		changed = append(changed, fmt.Sprintf("computer_name (it is %q)", have.GetComputerName()))
	}
	if len(changed) == 0 {
		return nil
	}
	return status.Errorf(codes.FailedPrecondition, "virtual machine %s exists and ARM cannot change its %s; delete it and create it again to change them",
		n, strings.Join(changed, ", "))
}

// redact keeps a secret out of an error: when the status, details included, holds it, the
// error becomes one of the same code with the secret masked in its message and no details.
func redact(err error, secret string) error {
	if err == nil || secret == "" {
		return err
	}
	st := status.Convert(err)
	b, _ := proto.Marshal(st.Proto())
	if !bytes.Contains(b, []byte(secret)) {
		return err
	}
	return status.Error(st.Code(), strings.ReplaceAll(st.Message(), secret, "[redacted]"))
}

// powerActions maps the API's action verbs to ARM's power actions.
var powerActions = map[string]virtualmachine.Action{
	"start":      virtualmachine.Start,
	"stop":       virtualmachine.PowerOff,
	"deallocate": virtualmachine.Deallocate,
	"restart":    virtualmachine.Restart,
}

// StartVirtualMachine starts a stopped or deallocated virtual machine.
func (s *Server) StartVirtualMachine(ctx context.Context, req *computev1.StartVirtualMachineRequest) (*longrunningpb.Operation, error) {
	return s.power(ctx, req.GetName(), "start")
}

// StopVirtualMachine powers a virtual machine off; it stays allocated.
func (s *Server) StopVirtualMachine(ctx context.Context, req *computev1.StopVirtualMachineRequest) (*longrunningpb.Operation, error) {
	return s.power(ctx, req.GetName(), "stop")
}

// DeallocateVirtualMachine stops a virtual machine and releases its compute resources.
func (s *Server) DeallocateVirtualMachine(ctx context.Context, req *computev1.DeallocateVirtualMachineRequest) (*longrunningpb.Operation, error) {
	return s.power(ctx, req.GetName(), "deallocate")
}

// RestartVirtualMachine restarts a running virtual machine.
func (s *Server) RestartVirtualMachine(ctx context.Context, req *computev1.RestartVirtualMachineRequest) (*longrunningpb.Operation, error) {
	return s.power(ctx, req.GetName(), "restart")
}

// power starts a power action; its operation ends with the virtual machine.
func (s *Server) power(ctx context.Context, name, verb string) (*longrunningpb.Operation, error) {
	n, c, err := s.clouds.Parse(name, "name", "virtualMachines")
	if err != nil {
		return nil, err
	}
	op, err := c.vms.Power(ctx, n.ResourceGroup, n.ID(), powerActions[verb], "")
	return lro.Begin(s.clouds.Operations, n.Cloud, n.String(), verb, n.ARMID(c.conn.Subscription, providerCompute), op, err)
}

// GetVirtualMachine reads a virtual machine with its power state.
func (s *Server) GetVirtualMachine(ctx context.Context, req *computev1.GetVirtualMachineRequest) (*computev1.VirtualMachine, error) {
	return vmType.Get(ctx, s.clouds, req.GetName())
}

// ListVirtualMachines lists a resource group's virtual machines. ARM lists no instance
// views, so power_state is only set by GetVirtualMachine and operations.
func (s *Server) ListVirtualMachines(ctx context.Context, req *computev1.ListVirtualMachinesRequest) (*computev1.ListVirtualMachinesResponse, error) {
	page, next, err := vmType.List(ctx, s.clouds, req)
	return &computev1.ListVirtualMachinesResponse{VirtualMachines: page, NextPageToken: next}, err
}
