// Package workflow is the hybrid connectivity dataflow as a durable Temporal workflow: one
// long-lived entity workflow per deployment that applies the graph of DESIGN.md section 2,
// answers status queries, takes re-apply and teardown requests, and continues as new to keep
// its history bounded.
package workflow

import (
	"time"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// Activity names. Package activities implements each as a method of the same name on
// activities.Activities (Temporal names struct methods after themselves). Every Ensure
// activity takes a resource service's Create request and returns the resource once its
// operation is done: it starts the operation, heart-beats the operation's name while it
// polls, and on a retry resumes that operation instead of starting another.
const (
	// EnsureResourceGroup: *networkv1.CreateResourceGroupRequest -> *networkv1.ResourceGroup.
	EnsureResourceGroup = "EnsureResourceGroup"
	// EnsureVirtualNetwork: *networkv1.CreateVirtualNetworkRequest -> *networkv1.VirtualNetwork.
	EnsureVirtualNetwork = "EnsureVirtualNetwork"
	// EnsurePublicIPAddress: *gatewayv1.CreatePublicIPAddressRequest -> *gatewayv1.PublicIPAddress.
	EnsurePublicIPAddress = "EnsurePublicIPAddress"
	// EnsureVirtualNetworkGateway: *gatewayv1.CreateVirtualNetworkGatewayRequest -> *gatewayv1.VirtualNetworkGateway.
	EnsureVirtualNetworkGateway = "EnsureVirtualNetworkGateway"
	// EnsureLocalNetworkGateway: *gatewayv1.CreateLocalNetworkGatewayRequest -> *gatewayv1.LocalNetworkGateway.
	EnsureLocalNetworkGateway = "EnsureLocalNetworkGateway"
	// EnsureConnection: *gatewayv1.CreateConnectionRequest -> *gatewayv1.Connection.
	EnsureConnection = "EnsureConnection"
	// EnsureNetworkInterface: *computev1.CreateNetworkInterfaceRequest -> *computev1.NetworkInterface.
	EnsureNetworkInterface = "EnsureNetworkInterface"
	// EnsureVirtualMachine: *computev1.CreateVirtualMachineRequest -> *computev1.VirtualMachine.
	EnsureVirtualMachine = "EnsureVirtualMachine"
	// VerifyConnections: VerifyRequest -> []*gatewayv1.Connection. It polls the connections,
	// heart-beating, until all are Connected, and fails non-retryably with the connection
	// status as the reason when Timeout passes first.
	VerifyConnections = "VerifyConnections"
	// DeleteResource: DeleteRequest -> nothing. It deletes one resource by its resource
	// service name (the service is chosen by the name's collection), waits for the
	// operation, and treats NotFound as done.
	DeleteResource = "DeleteResource"
)

// VerifyRequest asks VerifyConnections to wait for connections to be Connected.
type VerifyRequest struct {
	// Connections are gateway service names of connections.
	Connections []string
	// Timeout bounds the wait.
	Timeout time.Duration
}

// DeleteRequest asks DeleteResource to delete one resource.
type DeleteRequest struct {
	// Resource is a resource service name, e.g.
	// clouds/azure/resourceGroups/rg/virtualNetworkGateways/gw.
	Resource string
}

// Input starts a deployment's workflow.
type Input struct {
	// Name is the deployment's name, deployments/{id}.
	Name string
	// Spec is validated and complete: every site has its location and gateway SKU, and the
	// connection its shared key.
	Spec *orchestratorv1.DeploymentSpec
	// SitePolicies holds, per site (same order as Spec.Sites), the IPsec policy its
	// connection gets; nil leaves the cloud's defaults.
	SitePolicies []*gatewayv1.IpsecPolicy
}

// Workflow and query, update and signal names.
const (
	// Name is the workflow type.
	Name = "Deployment"
	// QueryStatus returns the deployment (*orchestratorv1.Deployment) with its status.
	QueryStatus = "status"
	// UpdateApply re-applies the deployment with a new Input (or the same one).
	UpdateApply = "apply"
	// UpdateTeardown tears the deployment down; the workflow ends once it is DELETED.
	UpdateTeardown = "teardown"
)

// ID returns the workflow id of a deployment: its name, so one deployment is one workflow.
func ID(deploymentName string) string { return deploymentName }
