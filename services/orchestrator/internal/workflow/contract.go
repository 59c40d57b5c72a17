// Package workflow is the hybrid connectivity dataflow as a durable Temporal workflow: one
// long-lived entity workflow per deployment that applies its graph of steps (graph.go: per
// site a resource group, virtual network, public IP, VPN gateway, NICs and VMs, then each
// site's local network gateway and connection to the other, then verify), answers status
// queries, takes re-apply and teardown requests, and continues as new to keep its history
// bounded.
package workflow

import (
	"go.temporal.io/sdk/temporal"
	"time"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
)

// Activity names. Package activities implements each as a method of the same name on
// activities.Activities (Temporal names struct methods after themselves). The workflow
// schedules each activity with its step's name as the activity ID (hub/vpn-gateway,
// hub/delete-vpn-gateway, verify), so that a running step's attempt and last failure can be
// read from the workflow's pending activities, and spans named after it. Every Ensure
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
	// ReadVirtualNetwork: *networkv1.GetVirtualNetworkRequest -> *networkv1.VirtualNetwork:
	// it reads an adopted network, and fails non-retryably when it is gone.
	ReadVirtualNetwork = "ReadVirtualNetwork"
	// ReadVirtualNetworkGateway: *gatewayv1.GetVirtualNetworkGatewayRequest ->
	// *gatewayv1.VirtualNetworkGateway: it reads an adopted gateway for its public IP and BGP
	// speaker, and fails non-retryably when it is gone or has no public IP.
	ReadVirtualNetworkGateway = "ReadVirtualNetworkGateway"
	// CheckResources: CheckRequest -> []*orchestratorv1.Drift: it reads every resource an
	// apply of the input ensures or adopts, and its connections, and describes each one
	// missing, different from what the apply sends, or not Connected. It writes nothing.
	CheckResources = "CheckResources"
	// ProbeVM: ProbeRequest -> []*orchestratorv1.ProbeResult: it runs the data-plane probe
	// (package probe) on a VM through the CustomScript extension and returns what it saw
	// of each target.
	ProbeVM = "ProbeVM"
	// SetSharedKey: *gatewayv1.SetConnectionSharedKeyRequest -> *gatewayv1.Connection: it
	// sets a connection's shared key, resuming the operation a previous attempt started.
	SetSharedKey = "SetSharedKey"
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

// ProbeRequest asks ProbeVM to probe targets from one VM.
type ProbeRequest struct {
	// Site and VM are the probing VM's site label and name; Resource its compute service
	// name, Location its location.
	Site, VM, Resource, Location string
	// Targets are the VMs it should reach.
	Targets []ProbeTarget
	// RunTag changes on every probe, so that the extension runs the script again.
	RunTag int64
	// FreshResourceGroup: the apply this probe ends created the VM's resource group, so the
	// probe's extension cannot exist yet (fresh_resource_group).
	FreshResourceGroup bool
}

// ProbeTarget is a VM a probe should reach.
type ProbeTarget struct {
	Site, VM, IP string
}

// CheckRequest asks CheckResources to check a deployment's resources.
type CheckRequest struct {
	// Input is the deployment's last applied input: what to compare against.
	Input Input
	// GatewayIPs holds, by local network gateway resource name, the public IP of the gateway
	// it stands for, as the last apply found it.
	GatewayIPs map[string]string
}

// RotateKeyInput asks UpdateRotateKey for a new shared key: Key, made by the caller with
// crypto/rand (workflow code cannot), like every payload encrypted by the payload codec.
type RotateKeyInput struct {
	Key string
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
	// Policies holds, per tunnel end (in deployrules.Peerings' order), the IPsec policy its
	// connection gets; nil leaves the cloud's defaults. For two sites the ends are the
	// sites, in order: the encoding keeps the name it had when it was per site.
	Policies []*gatewayv1.IpsecPolicy `json:"SitePolicies"`
	// Replace lists the gateways (resource service names) this apply deletes, with their
	// connections, and creates again, because their cloud cannot change their SKU in place
	// (azrules.Resizable): the API finds them by reading the gateways before the apply.
	// Only what the deployment created is deleted.
	Replace []string
	// TraceID is the deployment's trace (32 hex digits): that of the CreateDeployment call
	// that started the workflow, whose spans (and its activities', through the Temporal
	// tracing interceptor) are in it. The status shows it as the deployment's trace_id and
	// as the trace_id of the first apply's graph steps; the steps an update runs (a re-apply
	// or teardown) have none, since their spans are in the trace of the update's caller. It
	// is carried into new runs, and UpdateApply ignores it: a deployment keeps one trace.
	// Empty when the call was not traced.
	TraceID string
	// CreateTime is when the deployment was created: set by its first run, carried into
	// the next ones.
	CreateTime time.Time
	// Status is the deployment's status carried into a new run: nil on a deployment's first
	// run, which applies the spec at once; set by continue-as-new (or by a caller starting
	// a new run of a closed deployment), and then the run waits for requests. UpdateApply
	// ignores it.
	Status *orchestratorv1.DeploymentStatus
	// Created lists what the deployment has created and not deleted since, in creation
	// order, carried into a new run with Status; teardown deletes exactly these. UpdateApply
	// ignores it.
	Created []Resource
}

// Resource is a resource a deployment created: a step started an Ensure activity for it.
type Resource struct {
	// Site is the label of the site the resource is in.
	Site string
	// Kind is the kind of the step that created it, e.g. vpn-gateway or
	// virtual-machine/vm1.
	Kind string
	// Name is its resource service name.
	Name string
}

// ErrorVerifyTimeout is the ApplicationError type VerifyConnections fails with when its
// Timeout passes before every connection is Connected.
const ErrorVerifyTimeout = "VerifyTimeout"

// NonRetryableErrorTypes are the ApplicationError types of permanent failures, which the
// workflow's retry policy never retries. Activities return
// temporal.NewNonRetryableApplicationError(message, code, nil) for these, with the gRPC
// code's name (codes.Code.String()) or ErrorVerifyTimeout as the code, and retryable
// application errors (typed with their gRPC code's name) for anything else; the workflow
// records the type as the failed step's error code. An activity may add ARM's error code
// as the error's one detail (a string); the workflow records it as the step's ARM code.
var NonRetryableErrorTypes = []string{
	"InvalidArgument", "FailedPrecondition", "PermissionDenied", "ResourceExhausted",
	"Unauthenticated", "NotFound", ErrorVerifyTimeout,
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
	// UpdateRepair applies the deployment's last input again, secrets included (what
	// DRIFT_POLICY_REPAIR does on its own), and returns the deployment, READY or FAILED.
	UpdateRepair = "repair"
	// UpdateProbe runs the data-plane probe again and returns the deployment with the
	// outputs' probes.
	UpdateProbe = "probe"
	// UpdateCheck checks the deployment for drift now (CheckResources) and returns it with
	// the status's drift; the workflow also checks every Config.CheckInterval while READY.
	UpdateCheck = "check"
	// UpdateRotateKey sets a new shared key (RotateKeyInput) on every connection of a READY
	// deployment and verifies them Connected; its result is the deployment, READY with its
	// status's key_rotation, or FAILED with the old key back on every connection.
	UpdateRotateKey = "rotate-key"
	// UpdateStop stops the apply in progress at a safe point: no further step starts, the
	// running ones finish (ARM cannot cancel them), the deployment ends FAILED with
	// "stopped", and the workflow stays for re-apply and teardown. Its result is the
	// deployment as it stands when the stop is accepted.
	UpdateStop = "stop"
)

// WriteQueue is the task queue of the steps that write to cloud, for the deployments on
// taskQueue: one queue per cloud subscription, whose workers set Temporal's task-queue
// activity rate limit to the cloud's ARM write budget, so that the server paces the writes of
// every worker of the suite together. A step waits its turn in the queue, before its
// attempt starts: waiting costs no heartbeat and no worker slot.
func WriteQueue(taskQueue, cloud string) string { return taskQueue + "-writes-" + cloud }

// ID returns the workflow id of a deployment: its name, so one deployment is one workflow.
func ID(deploymentName string) string { return deploymentName }

// StateAttribute is the search attribute holding a deployment's state (READY, FAILED, ...,
// the DeploymentStatus state's name without STATE_), which the workflow keeps current so
// that Temporal's UI and visibility queries (DeploymentState = 'READY') show and filter
// deployments by state: the workflow of a READY deployment stays open, so Temporal itself
// would call it Running. It must be registered in the namespace (a Keyword) before any
// worker runs: a workflow task upserting an unknown attribute fails for ever.
var StateAttribute = temporal.NewSearchAttributeKeyKeyword("DeploymentState")

// UpdateTimeAttribute is the search attribute holding when the deployment's state (and
// StatusMemo) last changed, a Datetime: API replicas follow it in visibility
// (UpdateTimeAttribute >= t) to keep their caches of deployments at rest current. Like
// StateAttribute it must be registered first.
var UpdateTimeAttribute = temporal.NewSearchAttributeKeyTime("DeploymentUpdateTime")

// Settled reports whether a deployment in state st is at rest: nothing runs on it until an
// API call (an apply, a teardown) starts something.
func Settled(st orchestratorv1.DeploymentStatus_State) bool {
	switch st {
	case orchestratorv1.DeploymentStatus_STATE_READY, orchestratorv1.DeploymentStatus_STATE_FAILED, orchestratorv1.DeploymentStatus_STATE_DELETED:
		return true
	}
	return false
}

// StatusMemo is the memo field holding the deployment as GetDeployment shows it (a
// Deployment: its spec without secrets and its status), which the workflow rewrites whenever
// its state changes, so that the API answers for a deployment at rest from
// DescribeWorkflowExecution and visibility instead of querying a worker. Like every payload
// it is encrypted by the payload codec.
const StatusMemo = "deployment"
