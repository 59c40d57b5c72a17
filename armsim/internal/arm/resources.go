package arm

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
)

// ResourceGroup is a Microsoft.Resources resource group.
type ResourceGroup struct {
	Meta
	Properties struct {
		ProvisioningState string `json:"provisioningState,omitempty"`
	} `json:"properties"`
	ManagedBy string `json:"managedBy,omitempty"`
}

func (r *ResourceGroup) state() *string { return &r.Properties.ProvisioningState }

var groupName = regexp.MustCompile(`^[-\w._()]{1,90}$`)

func init() {
	// Resource groups are served by dedicated handlers; the kind gives them a name,
	// a type and persistence.
	kinds["resourcegroups"] = &kind{name: "resourcegroups", Namespace: "Microsoft.Resources", Type: "resourceGroups",
		newRes: func() resource { return &ResourceGroup{} }}
}

// serveResourceGroup handles PUT, GET and DELETE of /subscriptions/{s}/resourceGroups/{rg}.
// Resource groups are written synchronously; their deletion is a Location-polled operation.
func (e *Engine) serveResourceGroup(rq *request) (*response, *Error) {
	if err := checkAPIVersion(rq.cloud, "Microsoft.Resources", rq.apiVersion, "resourceGroups", e.requestLocation(rq)); err != nil {
		return nil, err
	}
	p := rq.path
	if len(p.Types) > 0 {
		return nil, errorf(http.StatusNotFound, "InvalidRequestUri", "The request URI '%s' is not a valid Azure Resource Manager path.", rq.rawPath)
	}
	id := p.resourceGroupID()
	en := e.get(rq.cloud.ID, id)
	switch rq.method {
	case http.MethodGet, http.MethodHead:
		if en == nil {
			return nil, resourceGroupNotFound(p.ResourceGroup)
		}
		if rq.method == http.MethodHead {
			return reply(http.StatusNoContent, nil), nil
		}
		return reply(http.StatusOK, en.Res), nil
	case http.MethodPut:
		return e.putResourceGroup(rq, en, id)
	case http.MethodPatch:
		// ResourceGroups_Update: tags (and managedBy) change, nothing else does
		if en == nil {
			return nil, resourceGroupNotFound(p.ResourceGroup)
		}
		var patch struct {
			Tags      *map[string]string `json:"tags"`
			ManagedBy *string            `json:"managedBy"`
		}
		if err := json.Unmarshal(rq.body, &patch); err != nil {
			return nil, invalidRequestContent(err)
		}
		rg := en.Res.(*ResourceGroup)
		if patch.Tags != nil {
			rg.Tags = *patch.Tags
		}
		if patch.ManagedBy != nil {
			rg.ManagedBy = *patch.ManagedBy
		}
		e.dirty = true
		return reply(http.StatusOK, rg), nil
	case http.MethodDelete:
		if en == nil {
			return nil, resourceGroupNotFound(p.ResourceGroup)
		}
		op := e.ops[en.Op]
		if op == nil {
			*en.Res.state() = "Deleting"
			for _, c := range e.childrenOf(en.key(), "") {
				*c.Res.state() = "Deleting"
			}
			op = e.startOp(rq, en, "DeleteResourceGroupOperation", actDelete, "delete")
		}
		resp := reply(http.StatusAccepted, nil)
		resp.header.Set("Location", rq.base+"/subscriptions/"+p.Subscription+"/operationresults/"+op.ID+"?api-version="+rq.apiVersion)
		setRetryAfter(resp.header, e.pollHint(op))
		return resp, nil
	}
	return nil, methodNotAllowed(rq.method)
}

func (e *Engine) putResourceGroup(rq *request, old *entry, id string) (*response, *Error) {
	name := rq.path.ResourceGroup
	if !groupName.MatchString(name) || strings.HasSuffix(name, ".") {
		return nil, badRequest("InvalidResourceGroupName", "resourceGroupName",
			"The resource group name '%s' is invalid. It can be up to 90 characters and contain alphanumerics, underscores, parentheses, hyphens and periods, and it cannot end in a period.", name)
	}
	rg := &ResourceGroup{}
	if err := json.Unmarshal(rq.body, rg); err != nil {
		return nil, invalidRequestContent(err)
	}
	if rg.Location == "" {
		return nil, badRequest("LocationRequired", "location", "The location property is required for this definition.")
	}
	rg.Location = normalizeLocation(rg.Location)
	if !contains(rq.cloud.Locations, rg.Location) {
		return nil, badRequest("LocationNotAvailableForResourceGroup", "location",
			"The provided location '%s' is not available for resource group. List of available regions is '%s'.",
			rg.Location, strings.Join(rq.cloud.Locations, ","))
	}
	status := http.StatusCreated
	if old != nil {
		if old.Op != "" {
			return nil, errorf(http.StatusConflict, "ResourceGroupBeingDeleted",
				"The resource group '%s' is in deprovisioning state and cannot perform this operation.", name)
		}
		if old.Res.meta().Location != rg.Location {
			return nil, errorf(http.StatusConflict, "InvalidResourceGroupLocation",
				"Invalid resource group location '%s'. The Resource group already exists in location '%s'.", rg.Location, old.Res.meta().Location)
		}
		id = old.id()
		name = old.Res.meta().Name
		status = http.StatusOK
	}
	rg.ID, rg.Name, rg.Type = id, name, "Microsoft.Resources/resourceGroups"
	rg.Properties.ProvisioningState = "Succeeded"
	en := &entry{Cloud: rq.cloud.ID, Kind: "resourcegroups", Res: rg, SucceededAt: e.now(),
		Parent: key(rq.cloud.ID, "/subscriptions/"+rq.path.Subscription)}
	if old != nil {
		en.SucceededAt = old.SucceededAt
	}
	e.put(en, nil)
	return reply(status, rg), nil
}

// listResourceGroups answers GET /subscriptions/{s}/resourcegroups.
func (e *Engine) listResourceGroups(rq *request) (*response, *Error) {
	if err := checkAPIVersion(rq.cloud, "Microsoft.Resources", rq.apiVersion, "resourceGroups", ""); err != nil {
		return nil, err
	}
	if rq.method != http.MethodGet || len(rq.path.Names) > 0 {
		return nil, methodNotAllowed(rq.method)
	}
	return e.page(rq, e.childrenOf(key(rq.cloud.ID, "/subscriptions/"+rq.path.Subscription), "resourcegroups"))
}

// serveGroupDeletionResult answers the Location poll of a resource group deletion:
// 202 while it runs, 200 when done.
func (e *Engine) serveGroupDeletionResult(rq *request, id string) (*response, *Error) {
	op := e.ops[id]
	if op == nil || !strings.EqualFold(op.Cloud, rq.cloud.ID) {
		return nil, errorf(http.StatusNotFound, "OperationNotFound", "The operation '%s' could not be found.", id)
	}
	if resp, err := e.locationPending(rq, op); resp != nil || err != nil {
		return resp, err
	}
	return reply(http.StatusOK, nil), nil
}
