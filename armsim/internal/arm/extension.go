package arm

import (
	"encoding/json"
	"net/http"
	"strings"
)

// VMExtension is a Microsoft.Compute virtual machine extension: a child of its VM that keeps
// its own location and tags. armsim runs one handler, Microsoft.Azure.Extensions
// CustomScript 2.x (Linux), and of the scripts it is given only hybridlink's probe
// (probe.go); it refuses every other handler.
type VMExtension struct {
	Meta
	Properties struct {
		Publisher               string         `json:"publisher,omitempty"`
		Type                    string         `json:"type,omitempty"`
		TypeHandlerVersion      string         `json:"typeHandlerVersion,omitempty"`
		AutoUpgradeMinorVersion *bool          `json:"autoUpgradeMinorVersion,omitempty"`
		ForceUpdateTag          string         `json:"forceUpdateTag,omitempty"`
		Settings                map[string]any `json:"settings,omitempty"`
		ProtectedSettings       map[string]any `json:"protectedSettings,omitempty"`
		ProvisioningState       string         `json:"provisioningState,omitempty"`
		InstanceView            *ExtensionView `json:"instanceView,omitempty"`
	} `json:"properties"`
	// LastRun is the configuration the script last ran with, and Outcome how that run ended
	// ("" or the failure's message): armsim's bookkeeping, kept in the state file, never
	// answered.
	LastRun string `json:"armsimLastRun,omitempty"`
	Outcome string `json:"armsimOutcome,omitempty"`
}

// ExtensionView is the instance view of a VM extension, as in the VM's instanceView
// extensions[] and the extension's GET with $expand=instanceView.
type ExtensionView struct {
	Name               string           `json:"name"`
	Type               string           `json:"type"`
	TypeHandlerVersion string           `json:"typeHandlerVersion"`
	Substatuses        []InstanceStatus `json:"substatuses,omitempty"`
	Statuses           []InstanceStatus `json:"statuses"`
}

func (r *VMExtension) state() *string { return &r.Properties.ProvisioningState }

// The one handler armsim runs.
const (
	cseType      = "CustomScript"
	csePublisher = "Microsoft.Azure.Extensions"
)

// cseHandlerVersions are the typeHandlerVersions armsim accepts and the full handler
// version the instance view reports for each: 2.0.6 as a stamp lists it (az vm extension
// image list, hashicorp/terraform-provider-azurestack#125) and an Azure instance view
// showed it (Azure/custom-script-extension-linux#137); 2.1.3, the version the handler's
// README is current for.
var cseHandlerVersions = map[string]string{"2.0": "2.0.6", "2.1": "2.1.3"}

func init() {
	register(&kind{name: "extensions", Namespace: "Microsoft.Compute", Type: "virtualMachines/extensions",
		newRes: func() resource { return &VMExtension{} }, child: true, located: true, creating: "Creating",
		locationHeader: true,
		readOnly:       []string{"properties.instanceView", "properties.protectedSettings", "armsimLastRun", "armsimOutcome"},
		prepare:        prepareExtension, run: runExtension, render: renderExtension, inUse: extensionVMNotRunning})
}

// prepareExtension enforces Compute's rules on an extension PUT: the VM runs, the handler is
// the one armsim runs at a version it has, and the script reruns only when its
// configuration changed.
func prepareExtension(t *txn, en, old *entry) ([]string, *Error) {
	x := en.Res.(*VMExtension)
	p := &x.Properties
	vm := t.entries[en.Parent]
	if err := vmMustRun(vm); err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, v string }{{"publisher", p.Publisher}, {"type", p.Type}, {"typeHandlerVersion", p.TypeHandlerVersion}} {
		if f.v == "" {
			return nil, invalidParameter(f.name, "Required parameter '%s' is missing (null).", f.name)
		}
	}
	if !strings.EqualFold(p.Publisher, csePublisher) || !strings.EqualFold(p.Type, cseType) {
		// invented: armsim runs no other handler, which Azure and a stamp may well have
		return nil, badRequest("VMExtensionHandlerNotSupported", "type",
			"armsim emulates only the %s %s extension (typeHandlerVersion 2.0 or 2.1); publisher '%s' type '%s' is not supported (see armsim/README.md).",
			csePublisher, cseType, p.Publisher, p.Type)
	}
	p.Publisher, p.Type = csePublisher, cseType
	if cseHandlerVersions[p.TypeHandlerVersion] == "" {
		// Compute's answer to a version the handler lacks, as a stamp gave it
		return nil, invalidParameter("typeHandlerVersion", "The value of parameter typeHandlerVersion is invalid.")
	}
	if d := vm.Res.(*VirtualMachine).Properties.StorageProfile.OSDisk; d != nil && d.OSType == "Windows" {
		return nil, badRequest("VMExtensionHandlerNotSupported", "type",
			"The %s %s extension runs on Linux; virtual machine %s runs Windows.", csePublisher, cseType, vm.id())
	}
	if old != nil {
		o := old.Res.(*VMExtension)
		if p.ProtectedSettings == nil {
			// protected settings are write-only: a GET-modify-PUT sends none, and keeps them
			p.ProtectedSettings = o.Properties.ProtectedSettings
		}
		x.LastRun, x.Outcome, p.InstanceView = o.LastRun, o.Outcome, o.Properties.InstanceView
	} else {
		p.InstanceView = nil
	}
	return nil, nil
}

// vmMustRun is Compute's refusal of an extension write on a VM that is not running.
func vmMustRun(vm *entry) *Error {
	if vm.Power != powerRunning {
		return errorf(http.StatusConflict, "OperationNotAllowed", "Cannot modify extensions in the VM when the VM is not running.")
	}
	return nil
}

// extensionVMNotRunning refuses an extension's delete while its VM is not running, as
// Compute does (hashicorp/terraform-provider-azurerm#477).
func extensionVMNotRunning(e *Engine, en *entry) *Error {
	return vmMustRun(e.entries[en.Parent])
}

// runConfig is what decides whether the script runs again: the handler version, the
// settings, the protected settings and forceUpdateTag. A re-PUT with the same ones does
// not rerun it; the documented way to rerun is to change settings.timestamp.
func runConfig(x *VMExtension) string {
	b, _ := json.Marshal([]any{x.Properties.TypeHandlerVersion, x.Properties.Settings, x.Properties.ProtectedSettings, x.Properties.ForceUpdateTag})
	return string(b)
}

// runExtension runs the script when its configuration changed, once the operation's time
// has come: it reads the probe's header and answers it from the network model. It returns
// the operation's failure, Compute's VMExtensionProvisioningError, when the script fails.
func runExtension(e *Engine, en *entry) *Error {
	x := en.Res.(*VMExtension)
	cfg := runConfig(x)
	if cfg != x.LastRun || x.Properties.InstanceView == nil {
		x.LastRun = cfg
		vm := e.entries[en.Parent]
		stdout, stderr, failure := e.runScript(vm, x)
		stdout, stderr = tail(stdout), tail(stderr)
		x.Outcome = ""
		// the handler's status message: the outcome, then the tails of stdout and stderr
		// (Azure/custom-script-extension-linux main/cmds.go, enable)
		output := "\n[stdout]\n" + stdout + "\n[stderr]\n" + stderr
		msg := "Enable succeeded: " + output
		status := InstanceStatus{Code: "ProvisioningState/succeeded", Level: "Info", DisplayStatus: "Provisioning succeeded"}
		if failure != "" {
			msg = "Enable failed: " + failure
			if stdout != "" || stderr != "" {
				msg += output
			}
			status = InstanceStatus{Code: "ProvisioningState/failed/1", Level: "Error", DisplayStatus: "Provisioning failed"}
			x.Outcome = msg
		}
		at := e.now().UTC()
		status.Message, status.Time = msg, &at
		x.Properties.InstanceView = &ExtensionView{Name: x.Name, Type: csePublisher + "." + cseType,
			TypeHandlerVersion: cseHandlerVersions[x.Properties.TypeHandlerVersion], Statuses: []InstanceStatus{status}}
	}
	if x.Outcome == "" {
		return nil
	}
	// the format Compute reports a handler's failure in (Azure/custom-script-extension-linux#107,
	// kubernetes-sigs/cluster-api-provider-azure#5367)
	return &Error{Status: http.StatusOK, Code: "VMExtensionProvisioningError",
		Message: "VM has reported a failure when processing extension '" + x.Name + "' (publisher '" + csePublisher + "' and type '" + cseType +
			"'). Error message: '" + x.Outcome + "'. More information on troubleshooting is available at https://aka.ms/vmextensionlinuxtroubleshoot. "}
}

// maxTail is how much of the end of stdout and of stderr the handler puts in its status:
// 4 KiB (maxTailLen, Azure/custom-script-extension-linux main/cmds.go), cut anywhere.
const maxTail = 4 << 10

// tail returns the last maxTail bytes of a stream, as the handler's tailFile reads them.
func tail(s string) string {
	if len(s) > maxTail {
		return s[len(s)-maxTail:]
	}
	return s
}

// extensionView is an extension's instance view now: the last run's, or while the first
// run is under way the handler's transitioning status.
func extensionView(en *entry) *ExtensionView {
	x := en.Res.(*VMExtension)
	if v := x.Properties.InstanceView; v != nil {
		cp := *v
		cp.Name = x.Name
		return &cp
	}
	st := x.Properties.ProvisioningState
	status := InstanceStatus{Code: "ProvisioningState/transitioning", Level: "Info", DisplayStatus: "Transitioning", Message: "Enable in progress"}
	if st == "Failed" {
		status = InstanceStatus{Code: "ProvisioningState/failed", Level: "Error", DisplayStatus: "Provisioning failed"}
	}
	return &ExtensionView{Name: x.Name, Type: csePublisher + "." + cseType,
		TypeHandlerVersion: cseHandlerVersions[x.Properties.TypeHandlerVersion], Statuses: []InstanceStatus{status}}
}

// renderExtension leaves out the protected settings, which ARM never returns, and armsim's
// bookkeeping; the instance view only on $expand=instanceView.
func renderExtension(_ *Engine, en *entry, rq *request) any {
	x := *en.Res.(*VMExtension)
	x.Properties.ProtectedSettings = nil
	x.LastRun, x.Outcome = "", ""
	x.Properties.InstanceView = nil
	if rq != nil && strings.EqualFold(rq.query.Get("$expand"), "instanceView") {
		x.Properties.InstanceView = extensionView(en)
	}
	return &x
}

// vmExtensionViews are the instance views of a VM's extensions, for its instanceView.
func (e *Engine) vmExtensionViews(vm *entry) []ExtensionView {
	var out []ExtensionView
	for _, x := range e.childrenOf(vm.key(), "extensions") {
		out = append(out, *extensionView(x))
	}
	return out
}
