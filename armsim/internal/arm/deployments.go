package arm

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Deployment is a Microsoft.Resources deployment: an ARM template applied to a resource
// group, each of its resources PUT through the same engine as a direct PUT, in dependsOn
// order, each once the resources it depends on have succeeded.
type Deployment struct {
	Meta
	Properties struct {
		Mode              string         `json:"mode,omitempty"`
		ProvisioningState string         `json:"provisioningState,omitempty"`
		Timestamp         time.Time      `json:"timestamp"`
		CorrelationID     string         `json:"correlationId,omitempty"`
		TemplateHash      string         `json:"templateHash,omitempty"`
		Parameters        map[string]any `json:"parameters,omitempty"`
		Outputs           map[string]any `json:"outputs,omitempty"`
		OutputResources   []ref          `json:"outputResources,omitempty"`
		Error             *Error         `json:"error,omitempty"`
	} `json:"properties"`
	// Steps are the template's resources in the order they are applied, Outputs its outputs
	// unevaluated, Base the caller's endpoint: armsim's bookkeeping, never answered.
	Steps   []*deployStep  `json:"steps,omitempty"`
	Outputs map[string]any `json:"templateOutputs,omitempty"`
	Base    string         `json:"base,omitempty"`
	// Params, Variables and Group are the template's scope, for the expressions evaluated
	// late: reference() and the resources that use it.
	Params    map[string]any `json:"params,omitempty"`
	Variables map[string]any `json:"variables,omitempty"`
	Group     map[string]any `json:"group,omitempty"`
}

// deployStep is one resource of a deployment.
type deployStep struct {
	ID         string          `json:"id"`
	APIVersion string          `json:"apiVersion"`
	Body       json.RawMessage `json:"body"`
	DependsOn  []string        `json:"dependsOn,omitempty"`
	Applied    bool            `json:"applied,omitempty"`
	Error      *Error          `json:"error,omitempty"`
	// Raw is the resource unevaluated when it calls reference(): its body is evaluated
	// when it is applied, with the copy index it had.
	Raw       map[string]any `json:"raw,omitempty"`
	CopyIndex int            `json:"copyIndex,omitempty"`
	InCopy    bool           `json:"inCopy,omitempty"`
}

func (r *Deployment) state() *string { return &r.Properties.ProvisioningState }

func init() {
	// Deployments are served by dedicated handlers; the kind gives them persistence.
	kinds["deployments"] = &kind{name: "deployments", Namespace: "Microsoft.Resources", Type: "deployments",
		newRes: func() resource { return &Deployment{} },
		render: func(_ *Engine, en *entry, _ *request) any { return deploymentView(en.Res.(*Deployment)) }}
}

// serveDeployment answers .../resourceGroups/{rg}/providers/Microsoft.Resources/deployments
// and below: list, PUT, GET, DELETE, POST validate and whatIf, GET operations and
// operationStatuses.
func (e *Engine) serveDeployment(rq *request) (*response, *Error) {
	p := rq.path
	if err := checkAPIVersion(rq.cloud, "Microsoft.Resources", rq.apiVersion, "deployments", ""); err != nil {
		return nil, err
	}
	rg := e.get(rq.cloud.ID, p.resourceGroupID())
	if rg == nil {
		return nil, resourceGroupNotFound(p.ResourceGroup)
	}
	if len(p.Names) == 0 {
		if rq.method != http.MethodGet {
			return nil, methodNotAllowed(rq.method)
		}
		return e.page(rq, e.childrenOf(rg.key(), "deployments"))
	}
	id := p.resourceGroupID() + "/providers/Microsoft.Resources/deployments/" + p.Names[0]
	en := e.get(rq.cloud.ID, id)
	sub := ""
	if len(p.Types) > 1 {
		sub = strings.ToLower(p.Types[1])
	}
	switch {
	case sub == "" && rq.method == http.MethodPut:
		return e.putDeployment(rq, rg, en, id)
	case sub == "whatif" && rq.method == http.MethodPost:
		d, err := e.planDeployment(rq, rg, id)
		if err != nil {
			return nil, err
		}
		return reply(http.StatusOK, map[string]any{"status": "Succeeded", "properties": map[string]any{"changes": e.whatIf(rq, rg, d)}}), nil
	case sub == "validate" && rq.method == http.MethodPost:
		d, err := e.planDeployment(rq, rg, id)
		if err != nil {
			return nil, err
		}
		d.Properties.ProvisioningState = "Succeeded"
		return reply(http.StatusOK, deploymentView(d)), nil
	}
	if en == nil {
		return nil, errorf(http.StatusNotFound, "DeploymentNotFound", "Deployment '%s' could not be found.", p.Names[0])
	}
	d := en.Res.(*Deployment)
	switch {
	case sub == "" && rq.method == http.MethodGet:
		return reply(http.StatusOK, deploymentView(d)), nil
	case sub == "" && rq.method == http.MethodDelete:
		if d.Properties.ProvisioningState == "Running" {
			return nil, errorf(http.StatusConflict, "DeploymentActive", "Unable to delete deployment '%s' while it is running.", d.Name)
		}
		e.remove(en.key())
		return reply(http.StatusNoContent, nil), nil
	case sub == "operations" && len(p.Names) == 1 && rq.method == http.MethodGet:
		return reply(http.StatusOK, map[string]any{"value": e.deploymentOperations(en)}), nil
	case sub == "operationstatuses" && len(p.Names) == 2 && rq.method == http.MethodGet:
		status := map[string]any{"status": d.Properties.ProvisioningState}
		if d.Properties.Error != nil {
			status["error"] = d.Properties.Error
		}
		resp := reply(http.StatusOK, status)
		if d.Properties.ProvisioningState == "Running" {
			setRetryAfter(resp.header, max(e.scale(10*time.Second), time.Millisecond))
		}
		return resp, nil
	}
	return nil, methodNotAllowed(rq.method)
}

// putDeployment validates a template, stores the deployment Running and starts applying it.
func (e *Engine) putDeployment(rq *request, rg, old *entry, id string) (*response, *Error) {
	if old != nil && old.Res.(*Deployment).Properties.ProvisioningState == "Running" {
		return nil, errorf(http.StatusConflict, "DeploymentActive", "The deployment '%s' is already running.", old.Res.meta().Name)
	}
	d, err := e.planDeployment(rq, rg, id)
	if err != nil {
		return nil, err
	}
	d.Properties.ProvisioningState, d.Base = "Running", rq.base
	en := &entry{Cloud: rq.cloud.ID, Kind: "deployments", Res: d, Parent: rg.key()}
	e.put(en, nil)
	e.deploying[en.key()] = struct{}{}
	e.advance(en)
	view := deploymentView(d)
	view["properties"].(map[string]any)["provisioningState"] = "Accepted"
	status := http.StatusCreated
	if old != nil {
		status = http.StatusOK
	}
	resp := reply(status, view)
	resp.header.Set("Azure-AsyncOperation", rq.base+id+"/operationStatuses/"+d.Properties.CorrelationID+"?api-version="+rq.apiVersion)
	setRetryAfter(resp.header, max(e.scale(10*time.Second), time.Millisecond))
	return resp, nil
}

// planDeployment checks a deployment body and evaluates its template into ordered steps;
// a fault of the template is ARM's 400 InvalidTemplate.
func (e *Engine) planDeployment(rq *request, rg *entry, id string) (*Deployment, *Error) {
	var body struct {
		Properties struct {
			Template     map[string]any `json:"template"`
			TemplateLink any            `json:"templateLink"`
			Parameters   map[string]any `json:"parameters"`
			Mode         string         `json:"mode"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(fromJSONC(rq.body), &body); err != nil {
		return nil, invalidRequestContent(err)
	}
	bp := body.Properties
	switch {
	case bp.TemplateLink != nil:
		return nil, badRequest("InvalidTemplate", "properties.templateLink", "armsim has no internet to fetch a templateLink from: send the template inline.")
	case bp.Template == nil:
		return nil, badRequest("InvalidRequestContent", "properties.template", "The request content was invalid: properties.template is required.")
	case bp.Mode != "" && !strings.EqualFold(bp.Mode, "Incremental"):
		return nil, badRequest("InvalidDeploymentMode", "properties.mode", "armsim applies templates in Incremental mode only; Complete mode would delete the group's other resources.")
	}
	d := &Deployment{Meta: Meta{ID: id, Name: lastSegment(id), Type: "Microsoft.Resources/deployments"}}
	d.Properties.Mode, d.Properties.Timestamp, d.Properties.CorrelationID = "Incremental", e.now().UTC(), newID()
	raw, _ := json.Marshal(bp.Template)
	sum := sha256.Sum256(raw)
	d.Properties.TemplateHash = hex.EncodeToString(sum[:8])
	s := &scope{variables: mapOf(bp.Template["variables"]), evaluated: map[string]any{}, sub: rq.path.Subscription,
		tenant: rq.cloud.Tenant, group: map[string]any{"id": rg.id(), "name": rg.Res.meta().Name, "type": "Microsoft.Resources/resourceGroups",
			"location": rg.Res.meta().Location, "properties": map[string]any{"provisioningState": "Succeeded"}}}
	params, shown, err := deploymentParameters(s, mapOf(bp.Template["parameters"]), bp.Parameters)
	if err != nil {
		return nil, templateFault(err)
	}
	s.params, d.Properties.Parameters = params, shown
	d.Params, d.Variables, d.Group = params, s.variables, s.group
	steps, names, err := e.planSteps(s, rq, bp.Template["resources"])
	if err != nil {
		return nil, templateFault(err)
	}
	if err := orderSteps(steps, names); err != nil {
		return nil, templateFault(err)
	}
	d.Steps, d.Outputs = steps, mapOf(bp.Template["outputs"])
	return d, nil
}

// templateFault is ARM's answer to a template that does not validate.
func templateFault(err error) *Error {
	if te, ok := err.(*templateError); ok {
		return badRequest("InvalidTemplate", "", "Deployment template validation failed: '%s'.", te.msg)
	}
	if ae, ok := err.(*Error); ok {
		return ae
	}
	return badRequest("InvalidTemplate", "", "Deployment template validation failed: '%v'.", err)
}

// deploymentParameters binds the template's parameters to the values given (or their
// defaults); the answer shows each with its type, secure values left out.
func deploymentParameters(s *scope, defs, given map[string]any) (map[string]any, map[string]any, error) {
	params, shown := map[string]any{}, map[string]any{}
	s.params = params
	for name := range given {
		if _, ok := lookupFold(defs, name); !ok {
			return nil, nil, invalidTemplate("The template parameters '%s' in the parameters file are not valid; they are not present in the original template and can therefore not be provided at deployment time.", name)
		}
	}
	keys := make([]string, 0, len(defs))
	for k := range defs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, name := range keys {
		def := mapOf(defs[name])
		typ := str(def["type"])
		var v any
		if g, ok := lookupFold(given, name); ok {
			gm := mapOf(g)
			if _, kv := gm["reference"]; kv {
				return nil, nil, invalidTemplate("The template parameter '%s' refers to a Key Vault secret; armsim has no Key Vault.", name)
			}
			v = gm["value"]
		} else if dv, ok := def["defaultValue"]; ok {
			ev, err := s.evalValue(dv)
			if err != nil {
				return nil, nil, err
			}
			v = ev
		} else {
			return nil, nil, invalidTemplate("The value for the template parameter '%s' is not provided. Please see https://aka.ms/arm-create-parameter-file for usage details.", name)
		}
		params[name] = v
		if strings.HasPrefix(strings.ToLower(typ), "secure") {
			shown[name] = map[string]any{"type": typ}
		} else {
			shown[name] = map[string]any{"type": typ, "value": v}
		}
	}
	return params, shown, nil
}

// planSteps evaluates the template's resources (copy loops expanded, false conditions
// skipped) into steps, and returns the names dependsOn may use for each step's id.
func (e *Engine) planSteps(s *scope, rq *request, resources any) ([]*deployStep, map[string][]string, error) {
	list, _ := resources.([]any)
	var steps []*deployStep
	names := map[string][]string{} // lower-case name, type/name, copy name or id -> step ids
	rgID := rq.path.resourceGroupID()
	for i, r := range list {
		res := mapOf(r)
		count, loop := 1, ""
		if c := mapOf(res["copy"]); c != nil {
			loop = str(c["name"])
			n, err := s.evalValue(c["count"])
			if err != nil {
				return nil, nil, err
			}
			f, _ := n.(float64)
			if jn, ok := n.(json.Number); ok {
				fv, _ := jn.Float64()
				f = fv
			}
			count = int(f)
		}
		for ci := 0; ci < count; ci++ {
			s.copyIndex, s.inCopy = ci, loop != ""
			// reference() is evaluated when the resource is applied: here it only records
			// the implicit dependency, as ARM's does
			var refs []string
			s.reference = func(id string) (any, error) {
				refs = append(refs, id)
				return map[string]any{}, nil
			}
			s.resolveID = func(nameOrID string) string { return nameOrID }
			if cond, ok := res["condition"]; ok {
				v, err := s.evalValue(cond)
				if err != nil {
					return nil, nil, err
				}
				if b, _ := v.(bool); !b {
					continue
				}
			}
			ev, err := s.evalValue(res)
			if err != nil {
				return nil, nil, err
			}
			m := ev.(map[string]any)
			typ, name, version := str(m["type"]), str(m["name"]), str(m["apiVersion"])
			if typ == "" || name == "" || version == "" {
				return nil, nil, invalidTemplate("The template resource at index %d needs a type, a name and an apiVersion.", i)
			}
			ns, types, _ := strings.Cut(typ, "/")
			typeSegs, nameSegs := strings.Split(types, "/"), strings.Split(name, "/")
			if strings.EqualFold(typ, "Microsoft.Resources/deployments") {
				return nil, nil, invalidTemplate("The template resource '%s' is a nested deployment, which armsim does not run.", name)
			}
			if len(typeSegs) != len(nameSegs) || types == "" {
				return nil, nil, invalidTemplate("The template resource '%s' for type '%s' has incorrect segment lengths. A nested resource type must have identical number of segments as its resource name.", name, typ)
			}
			id := rgID + "/providers/" + ns
			for j := range typeSegs {
				id += "/" + typeSegs[j] + "/" + nameSegs[j]
			}
			deps := refs
			for _, dv := range asList(m["dependsOn"]) {
				deps = append(deps, str(dv))
			}
			body := map[string]any{}
			for k, v := range m {
				switch strings.ToLower(k) {
				case "type", "name", "apiversion", "dependson", "copy", "condition", "comments":
				default:
					body[k] = v
				}
			}
			b, _ := json.Marshal(body)
			st := &deployStep{ID: id, APIVersion: version, Body: b, DependsOn: deps}
			if len(refs) > 0 {
				st.Raw, st.CopyIndex, st.InCopy = res, ci, loop != ""
			}
			steps = append(steps, st)
			for _, alias := range []string{name, typ + "/" + name, id, loop} {
				if alias != "" {
					names[strings.ToLower(alias)] = append(names[strings.ToLower(alias)], id)
				}
			}
		}
	}
	s.inCopy, s.reference = false, nil
	return steps, names, nil
}

// orderSteps resolves each step's dependsOn to step ids and sorts the steps so that every
// step comes after those it depends on; a cycle or an unknown dependency is a template fault.
func orderSteps(steps []*deployStep, names map[string][]string) error {
	byID := map[string]*deployStep{}
	for _, st := range steps {
		byID[strings.ToLower(st.ID)] = st
	}
	for _, st := range steps {
		var ids []string
		for _, d := range st.DependsOn {
			resolved, ok := names[strings.ToLower(d)]
			if !ok {
				return invalidTemplate("The resource '%s' is not defined in the template.", d)
			}
			ids = append(ids, resolved...)
		}
		st.DependsOn = ids
	}
	const (
		unvisited = iota
		visiting
		done
	)
	mark := map[*deployStep]int{}
	var ordered []*deployStep
	var visit func(st *deployStep) error
	visit = func(st *deployStep) error {
		switch mark[st] {
		case visiting:
			return invalidTemplate("Circular dependency detected on resource: '%s'.", st.ID)
		case done:
			return nil
		}
		mark[st] = visiting
		for _, d := range st.DependsOn {
			if err := visit(byID[strings.ToLower(d)]); err != nil {
				return err
			}
		}
		mark[st] = done
		ordered = append(ordered, st)
		return nil
	}
	for _, st := range steps {
		if err := visit(st); err != nil {
			return err
		}
	}
	copy(steps, ordered)
	return nil
}

// advanceDeployments moves every running deployment on: it runs after settle completes
// operations, so a resource is PUT once the resources it depends on have succeeded.
func (e *Engine) advanceDeployments() {
	keys := make([]string, 0, len(e.deploying))
	for k := range e.deploying {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if en := e.entries[k]; en != nil {
			e.advance(en)
		} else {
			delete(e.deploying, k)
		}
	}
}

// advance PUTs each of a deployment's steps whose dependencies have succeeded, and ends the
// deployment Succeeded (outputs evaluated) or Failed when its resources have.
func (e *Engine) advance(en *entry) {
	d := en.Res.(*Deployment)
	if d.Properties.ProvisioningState != "Running" {
		delete(e.deploying, en.key())
		return
	}
	state := func(id string) string {
		if r := e.get(en.Cloud, id); r != nil {
			return r.provisioningState()
		}
		return ""
	}
	allDone := true
	for _, st := range d.Steps {
		if st.Applied {
			switch state(st.ID) {
			case "Succeeded":
			case "Failed", "":
				st.Error = errorf(http.StatusConflict, "ResourceDeploymentFailure",
					"The resource write operation failed to complete successfully, because it reached terminal provisioning state 'Failed'.")
				e.failDeployment(en, st.Error)
				return
			default:
				allDone = false
			}
			continue
		}
		allDone = false
		ready := true
		for _, dep := range st.DependsOn {
			ready = ready && state(dep) == "Succeeded"
		}
		if !ready {
			continue
		}
		st.Applied = true
		e.dirty = true
		if st.Raw != nil {
			s := e.lateScope(en)
			s.copyIndex, s.inCopy = st.CopyIndex, st.InCopy
			ev, err := s.evalValue(st.Raw)
			if err != nil {
				st.Error = templateFault(err)
				e.failDeployment(en, st.Error)
				return
			}
			body := map[string]any{}
			for k, v := range ev.(map[string]any) {
				switch strings.ToLower(k) {
				case "type", "name", "apiversion", "dependson", "copy", "condition", "comments":
				default:
					body[k] = v
				}
			}
			st.Body, _ = json.Marshal(body)
		}
		p, _ := parsePath(st.ID)
		rq := &request{cloud: e.clouds[en.Cloud], base: d.Base, method: http.MethodPut, path: p, rawPath: st.ID,
			query: url.Values{"api-version": {st.APIVersion}}, apiVersion: st.APIVersion, header: http.Header{}, body: st.Body}
		if _, err := e.route(rq); isRetryable(err) {
			// ARM's deployment engine retries what the provider asks it to retry: the step
			// is applied again when an operation completes and deployments move on
			st.Applied = false
			continue
		} else if err != nil {
			st.Error = err
			e.failDeployment(en, err)
			return
		}
	}
	if !allDone {
		return
	}
	s := e.lateScope(en)
	outputs := map[string]any{}
	for name, o := range d.Outputs {
		om := mapOf(o)
		v, err := s.evalValue(om["value"])
		if err != nil {
			e.failDeployment(en, templateFault(err))
			return
		}
		outputs[name] = map[string]any{"type": om["type"], "value": v}
	}
	d.Properties.Outputs, d.Properties.OutputResources = outputs, nil
	for _, st := range d.Steps {
		d.Properties.OutputResources = append(d.Properties.OutputResources, ref{ID: st.ID})
	}
	d.Properties.ProvisioningState = "Succeeded"
	e.dirty = true
	delete(e.deploying, en.key())
}

// lateScope is a deployment's scope when it applies a resource or ends: reference() reads
// the resource's current properties.
func (e *Engine) lateScope(en *entry) *scope {
	d := en.Res.(*Deployment)
	sub := subscriptionOf(d.ID)
	return &scope{params: d.Params, variables: d.Variables, evaluated: map[string]any{}, group: d.Group, sub: sub,
		tenant: e.clouds[en.Cloud].Tenant,
		reference: func(id string) (any, error) {
			r := e.get(en.Cloud, id)
			if r == nil {
				return nil, invalidTemplate("The Resource '%s' was not found.", id)
			}
			return mapOf(toView(e.render(r, nil))["properties"]), nil
		},
		resolveID: func(nameOrID string) string {
			for _, st := range d.Steps {
				if strings.EqualFold(st.ID, nameOrID) || strings.EqualFold(lastSegment(st.ID), nameOrID) {
					return st.ID
				}
			}
			return nameOrID
		}}
}

// failDeployment ends a deployment Failed with ARM's DeploymentFailed and the resource's error.
func (e *Engine) failDeployment(en *entry, cause *Error) {
	d := en.Res.(*Deployment)
	d.Properties.ProvisioningState = "Failed"
	d.Properties.Error = &Error{Code: "DeploymentFailed",
		Message: "At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.",
		Details: []*Error{{Code: cause.Code, Message: cause.Message, Target: cause.Target}}}
	e.dirty = true
	delete(e.deploying, en.key())
}

// whatIf predicts a deployment's changes (Deployments_WhatIf): Create for a resource that
// does not exist, NoChange or Modify (with the delta of each property the template sets) for
// one that does, Unsupported for a resource whose body needs reference() (known only when it
// is deployed), Ignore for the group's resources the template leaves alone (Incremental mode).
func (e *Engine) whatIf(rq *request, rg *entry, d *Deployment) []any {
	changes := []any{}
	inTemplate := map[string]bool{}
	for _, st := range d.Steps {
		inTemplate[strings.ToLower(st.ID)] = true
		var after map[string]any
		_ = json.Unmarshal(st.Body, &after)
		change := map[string]any{"resourceId": st.ID}
		cur := e.get(rq.cloud.ID, st.ID)
		switch {
		case st.Raw != nil:
			change["changeType"], change["unsupportedReason"] = "Unsupported", "The resource's properties use reference(), known only when it is deployed."
		case cur == nil:
			change["changeType"], change["after"] = "Create", after
		default:
			before := toView(e.render(cur, nil))
			delta := propertyDelta("", before, after)
			change["before"], change["after"] = before, merge(before, after)
			change["changeType"] = "NoChange"
			if len(delta) > 0 {
				change["changeType"], change["delta"] = "Modify", delta
			}
		}
		changes = append(changes, change)
	}
	for _, en := range e.childrenOf(rg.key(), "") {
		if en.Kind != "deployments" && !inTemplate[strings.ToLower(en.id())] {
			changes = append(changes, map[string]any{"resourceId": en.id(), "changeType": "Ignore"})
		}
	}
	return changes
}

// propertyDelta lists, for each property a template sets, how it would change the current view.
func propertyDelta(path string, before, after any) []any {
	am, ok := after.(map[string]any)
	if !ok {
		b, _ := json.Marshal(before)
		a, _ := json.Marshal(after)
		if string(a) == string(b) {
			return nil
		}
		kind := "Modify"
		if before == nil {
			kind = "Create"
		}
		return []any{map[string]any{"path": path, "propertyChangeType": kind, "before": before, "after": after}}
	}
	bm, _ := before.(map[string]any)
	keys := make([]string, 0, len(am))
	for k := range am {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []any
	for _, k := range keys {
		p := k
		if path != "" {
			p = path + "." + k
		}
		out = append(out, propertyDelta(p, bm[k], am[k])...)
	}
	return out
}

// deploymentOperations lists a deployment's operations, one per resource applied.
func (e *Engine) deploymentOperations(en *entry) []any {
	d := en.Res.(*Deployment)
	out := []any{}
	for _, st := range d.Steps {
		if !st.Applied {
			continue
		}
		state, code := "Failed", "BadRequest"
		if st.Error == nil {
			if r := e.get(en.Cloud, st.ID); r != nil {
				state, code = r.provisioningState(), "Created"
			}
		}
		sum := sha256.Sum256([]byte(st.ID))
		opID := strings.ToUpper(hex.EncodeToString(sum[:8]))
		props := map[string]any{"provisioningOperation": "Create", "provisioningState": state, "timestamp": d.Properties.Timestamp,
			"statusCode": code, "targetResource": map[string]any{"id": st.ID, "resourceType": typeOfID(st.ID), "resourceName": lastSegment(st.ID)}}
		if st.Error != nil {
			props["statusMessage"] = map[string]any{"error": st.Error}
		}
		out = append(out, map[string]any{"id": d.ID + "/operations/" + opID, "operationId": opID, "properties": props})
	}
	return out
}

// deploymentView is a deployment as ARM answers it, without armsim's bookkeeping.
func deploymentView(d *Deployment) map[string]any {
	v := toView(struct {
		Meta
		Properties any `json:"properties"`
	}{d.Meta, d.Properties})
	return v
}

func typeOfID(id string) string {
	p, _ := parsePath(id)
	return p.Namespace + "/" + strings.Join(p.Types, "/")
}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
