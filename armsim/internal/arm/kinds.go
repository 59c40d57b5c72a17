package arm

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// kind describes one resource type: where it lives, how long its operations take, and
// the hooks that enforce its cloud rules.
type kind struct {
	name      string // lower-case type key, also the latency key: virtualnetworks, subnets, ...
	Namespace string // canonical provider namespace
	Type      string // canonical type below the namespace: virtualNetworks, virtualNetworks/subnets
	newRes    func() resource
	// child kinds live inside a parent resource (subnets in a virtual network).
	child bool
	// located: a child that keeps its own location and tags, as Compute's VM extensions do.
	located bool
	// creating is the provisioningState while a PUT runs: Network says Updating, Compute Creating.
	creating string
	// opVerb names the provider's operation in conflict messages (PutVirtualNetworkOperation).
	opVerb string
	// lockChildren: an operation on the resource or one of its children blocks writes to both.
	lockChildren bool
	// locationHeader: the provider sends Location besides Azure-AsyncOperation on PUT.
	locationHeader bool
	// acceptsCreate: a new resource's PUT is answered 202 Accepted, not 201 Created, as
	// Compute's DiskRP does (Disks_CreateOrUpdate answers 200 or 202).
	acceptsCreate bool
	// nameRule is the resource name rule and the message stating it.
	nameRule *nameRule
	// readOnly are the kind's computed and secret properties (dotted paths, [] for each
	// element of an array), left out of the body kept from a PUT.
	readOnly []string

	// prepare enforces the type's rules on a PUT body against the current state, fills in
	// defaults and returns the IDs the resource references. old is nil on create.
	prepare func(t *txn, en, old *entry) ([]string, *Error)
	// onSucceeded applies side effects when a PUT completes.
	onSucceeded func(e *Engine, en *entry)
	// run does, when a PUT's time has come, the work whose outcome is known only then (a
	// VM extension's script); an error ends the operation Failed with it.
	run func(e *Engine, en *entry) *Error
	// onRemove releases what the resource held when it is deleted.
	onRemove func(e *Engine, en *entry)
	// onAction completes a POST action (power state changes).
	onAction func(e *Engine, en *entry, action string)
	// render returns the view of the resource ARM answers with: computed fields filled in,
	// secrets left out. Nil marshals the stored body as is.
	render func(e *Engine, en *entry, rq *request) any
	// defaults fills in, after the kept body is merged in, what ARM answers for properties
	// armsim stores but does not model when a client left them out.
	defaults func(e *Engine, en *entry, view map[string]any)
	// inUse refuses a delete while other resources use this one.
	inUse func(e *Engine, en *entry) *Error
	// locked refuses a write to a stored resource while another resource's operation holds
	// what it shares with it (a connection's gateway: gatewaylock.go).
	locked func(e *Engine, en *entry) *Error
	// actions are sub-paths of a resource: GET instanceView, GET/PUT sharedkey, POST start.
	actions map[string]func(t *txn, en *entry) (*response, *Error)
}

// txn is one write request in progress: the engine, the request and the cloud it targets.
type txn struct {
	*Engine
	rq *request
}

func (t *txn) cloud() *Cloud { return t.rq.cloud }

// kinds holds every resource type by name; kindsByPath by lower-case "namespace/type".
var (
	kinds       = map[string]*kind{}
	kindsByPath = map[string]*kind{}
	namespaces  = map[string]string{"microsoft.resources": "Microsoft.Resources"}
)

func register(k *kind) {
	kinds[k.name] = k
	kindsByPath[strings.ToLower(k.Namespace+"/"+k.Type)] = k
	namespaces[strings.ToLower(k.Namespace)] = k.Namespace
}

// nameRule is a resource naming rule with the message ARM gives when it is broken.
type nameRule struct {
	re  *regexp.Regexp
	max int
	msg string
}

// networkNames is the Network provider's naming rule, with its message.
var networkNames = &nameRule{
	re:  regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?$`),
	max: 80,
	msg: "Resource name %s is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.",
}

// serveResource handles PUT, GET, DELETE and lists of resources in a resource group.
func (e *Engine) serveResource(rq *request) (*response, *Error) {
	p := rq.path
	ns := namespaces[strings.ToLower(p.Namespace)]
	if ns == "" {
		return nil, errorf(http.StatusBadRequest, "InvalidResourceNamespace", "The resource namespace '%s' is invalid.", p.Namespace)
	}
	if ns == "Microsoft.Resources" && len(p.Types) >= 1 && strings.EqualFold(p.Types[0], "deployments") {
		return e.serveDeployment(rq)
	}
	typePath := strings.ToLower(ns + "/" + strings.Join(p.Types, "/"))
	k := kindsByPath[typePath]
	action := ""
	if k == nil && len(p.Types) > 1 && p.isCollection() {
		// a sub-path of a resource: .../virtualMachines/vm/instanceView
		k = kindsByPath[strings.ToLower(ns+"/"+strings.Join(p.Types[:len(p.Types)-1], "/"))]
		action = strings.ToLower(p.Types[len(p.Types)-1])
		if k != nil && k.actions[action] == nil {
			k = nil
		}
	}
	if k == nil {
		return nil, invalidResourceType(ns, strings.Join(p.Types, "/"), rq.apiVersion)
	}
	if err := checkAPIVersion(rq.cloud, ns, rq.apiVersion, k.Type, e.requestLocation(rq)); err != nil {
		return nil, err
	}
	rg := e.get(rq.cloud.ID, p.resourceGroupID())
	if rg == nil {
		return nil, resourceGroupNotFound(p.ResourceGroup)
	}
	if rg.Op != "" && rq.method != http.MethodGet && rq.method != http.MethodHead {
		// ARM refuses every write into a resource group while it is being deleted
		return nil, errorf(http.StatusConflict, "ResourceGroupBeingDeleted",
			"The resource group '%s' is in deprovisioning state and cannot perform this operation.", rg.Res.meta().Name)
	}
	t := &txn{Engine: e, rq: rq}
	if action != "" {
		en := e.get(rq.cloud.ID, resourceIDOf(p, len(p.Names)))
		if en == nil {
			return nil, notFound(resourceIDOf(p, len(p.Names)), k.Namespace+"/"+k.Type)
		}
		return k.actions[action](t, en)
	}
	if p.isCollection() {
		if rq.method != http.MethodGet {
			return nil, methodNotAllowed(rq.method)
		}
		parent := p.resourceGroupID()
		if k.child {
			parent = resourceIDOf(p, len(p.Names))
			if e.get(rq.cloud.ID, parent) == nil {
				return nil, notFound(parent, k.Namespace+"/"+strings.Split(k.Type, "/")[0])
			}
		}
		return e.page(rq, e.childrenOf(key(rq.cloud.ID, parent), k.name))
	}
	id := resourceIDOf(p, len(p.Names))
	switch rq.method {
	case http.MethodGet:
		en := e.get(rq.cloud.ID, id)
		if en == nil {
			return nil, notFound(id, k.Namespace+"/"+k.Type)
		}
		return reply(http.StatusOK, e.render(en, rq)), nil
	case http.MethodPut:
		return t.put(k, id)
	case http.MethodDelete:
		return t.delete(k, id)
	case http.MethodPatch:
		return t.patch(k, id)
	}
	return nil, methodNotAllowed(rq.method)
}

// requestLocation is the location a request concerns, for ARM's NoRegisteredProviderFound message.
func (e *Engine) requestLocation(rq *request) string {
	var b struct {
		Location string `json:"location"`
	}
	if len(rq.body) > 0 && json.Unmarshal(rq.body, &b) == nil && b.Location != "" {
		return normalizeLocation(b.Location)
	}
	return rq.cloud.Locations[0]
}

// resourceIDOf rebuilds the canonical ID of the first n resources named in a path.
func resourceIDOf(p path, n int) string {
	var b strings.Builder
	b.WriteString(p.resourceGroupID())
	b.WriteString("/providers/")
	b.WriteString(namespaces[strings.ToLower(p.Namespace)])
	for i := 0; i < n; i++ {
		b.WriteString("/")
		b.WriteString(canonicalType(p.Namespace, p.Types[:i+1]))
		b.WriteString("/")
		b.WriteString(p.Names[i])
	}
	return b.String()
}

// canonicalType returns the ARM spelling of the last type segment of a type path.
func canonicalType(ns string, types []string) string {
	if k := kindsByPath[strings.ToLower(namespaces[strings.ToLower(ns)]+"/"+strings.Join(types, "/"))]; k != nil {
		parts := strings.Split(k.Type, "/")
		return parts[len(parts)-1]
	}
	return types[len(types)-1]
}

// put creates or updates a resource: 201 on create, 200 on update, with the operation's
// polling headers and provisioningState showing the operation under way.
func (t *txn) put(k *kind, id string) (*response, *Error) {
	name := lastSegment(id)
	if r := k.nameRule; r != nil && (len(name) > r.max || !r.re.MatchString(name)) {
		return nil, badRequest("InvalidResourceName", "name", r.msg, name)
	}
	old := t.get(t.cloud().ID, id)
	if err := t.preconditions(old); err != nil {
		return nil, err
	}
	if old != nil {
		if op := t.busy(old); op != nil {
			return nil, anotherOperationInProgress(old.id(), op.Name, op.ID)
		}
		if err := t.lockedOut(k, old); err != nil {
			return nil, err
		}
		// an existing resource keeps the spelling it was created with, in its ID and name
		id = old.id()
		name = lastSegment(id)
	}
	res := k.newRes()
	if len(t.rq.body) == 0 {
		return nil, invalidRequestContent(errString("the request body is empty"))
	}
	if err := json.Unmarshal(t.rq.body, res); err != nil {
		return nil, invalidRequestContent(err)
	}
	m := res.meta()
	m.ID, m.Name, m.Type = id, name, k.Namespace+"/"+k.Type
	en := &entry{Cloud: t.cloud().ID, Kind: k.name, Res: res, Body: keptBody(k, t.rq.body)}
	if k.child {
		parent := t.get(t.cloud().ID, parentID(id))
		if parent == nil {
			// ARM itself refuses a write below a missing parent, before the provider sees it
			return nil, errorf(http.StatusNotFound, "ParentResourceNotFound",
				"Failed to perform 'write' on resource(s) of type '%s', because the parent resource '%s' could not be found.",
				k.Type, parentID(id))
		}
		if op := t.busy(parent); op != nil {
			return nil, anotherOperationInProgress(parent.id(), op.Name, op.ID)
		}
		en.Parent = parent.key()
		if !k.located {
			m.Location, m.Tags = "", nil
			delete(en.Body, "location")
			delete(en.Body, "tags")
		}
	} else {
		en.Parent = key(t.cloud().ID, t.rq.path.resourceGroupID())
	}
	if !k.child || k.located {
		if m.Location == "" {
			return nil, badRequest("LocationRequired", "location", "The location property is required for this definition.")
		}
		m.Location = normalizeLocation(m.Location)
		if !contains(t.cloud().Locations, m.Location) {
			return nil, badRequest("LocationNotAvailableForResourceType", "location",
				"The provided location '%s' is not available for resource type '%s'. List of available regions for the resource type is '%s'.",
				m.Location, m.Type, strings.Join(t.cloud().Locations, ","))
		}
		if old != nil && old.Res.meta().Location != m.Location {
			return nil, badRequest("InvalidResourceLocation", "location",
				"The resource '%s' already exists in location '%s' in resource group '%s'. A resource with the same name cannot be created in location '%s'. Please select a new resource name.",
				name, old.Res.meta().Location, t.rq.path.ResourceGroup, m.Location)
		}
	}
	m.Etag = `W/"` + newID() + `"`
	refs, err := k.prepare(t, en, old)
	if err != nil {
		return nil, err
	}
	if old != nil {
		en.SucceededAt = old.SucceededAt
	}
	creating := k.creating
	if old != nil {
		creating = "Updating"
	}
	*res.state() = creating
	t.Engine.put(en, refs)
	op := t.startOp(t.rq, en, "Put"+opName(k)+"Operation", actPut, k.name)
	status := http.StatusCreated
	if k.acceptsCreate {
		status = http.StatusAccepted
	}
	if old != nil {
		status = http.StatusOK
	}
	resp := reply(status, t.render(en, t.rq))
	t.asyncHeaders(resp.header, t.rq.base, op, k.locationHeader)
	return resp, nil
}

// patch answers PATCH. A virtual machine or VM extension takes Compute's update: the body
// is a JSON merge patch of the resource, applied like a PUT. Network's resources take
// UpdateTags: the tags are replaced and the resource answered at once. Subnets have no PATCH.
func (t *txn) patch(k *kind, id string) (*response, *Error) {
	en := t.get(t.cloud().ID, id)
	if en == nil {
		return nil, notFound(id, k.Namespace+"/"+k.Type)
	}
	if k.child && !k.located {
		return nil, methodNotAllowed(t.rq.method)
	}
	if err := t.preconditions(en); err != nil {
		return nil, err
	}
	if op := t.busy(en); op != nil {
		return nil, anotherOperationInProgress(en.id(), op.Name, op.ID)
	}
	if err := t.lockedOut(k, en); err != nil {
		return nil, err
	}
	var patch map[string]any
	if err := json.Unmarshal(t.rq.body, &patch); err != nil {
		return nil, invalidRequestContent(err)
	}
	if k.Namespace == "Microsoft.Compute" {
		body, err := json.Marshal(mergePatch(t.render(en, nil), patch))
		if err != nil {
			return nil, invalidRequestContent(err)
		}
		t.rq.body = body
		return t.put(k, id)
	}
	var tags struct {
		Tags map[string]string `json:"tags"`
	}
	if err := json.Unmarshal(t.rq.body, &tags); err != nil {
		return nil, invalidRequestContent(err)
	}
	m := en.Res.meta()
	m.Tags, m.Etag = tags.Tags, `W/"`+newID()+`"`
	if en.Body != nil {
		delete(en.Body, "tags")
	}
	t.dirty = true
	return reply(http.StatusOK, t.render(en, t.rq)), nil
}

// delete starts deleting a resource: 202 with polling headers, or 204 when it is absent.
func (t *txn) delete(k *kind, id string) (*response, *Error) {
	en := t.get(t.cloud().ID, id)
	if err := t.preconditions(en); err != nil {
		return nil, err
	}
	if en == nil {
		return reply(http.StatusNoContent, nil), nil
	}
	if op := t.busy(en); op != nil && op.Action != actDelete {
		return nil, anotherOperationInProgress(en.id(), op.Name, op.ID)
	}
	if en.Op != "" { // already being deleted: answer with the same operation
		resp := reply(http.StatusAccepted, nil)
		t.asyncHeaders(resp.header, t.rq.base, t.ops[en.Op], true)
		return resp, nil
	}
	if err := t.lockedOut(k, en); err != nil {
		return nil, err
	}
	if k.inUse != nil {
		if err := k.inUse(t.Engine, en); err != nil {
			return nil, err
		}
	}
	*en.Res.state() = "Deleting"
	op := t.startOp(t.rq, en, "Delete"+opName(k)+"Operation", actDelete, "delete")
	resp := reply(http.StatusAccepted, nil)
	t.asyncHeaders(resp.header, t.rq.base, op, true)
	return resp, nil
}

// render returns the view of an entry ARM answers with: the kind's computed view over the
// body kept from its PUT, then ARM's defaults for what neither sets.
func (e *Engine) render(en *entry, rq *request) any {
	k := kinds[en.Kind]
	var v any = en.Res
	if k.render != nil {
		v = k.render(e, en, rq)
	}
	if en.Body == nil && k.defaults == nil {
		return v
	}
	view, ok := v.(map[string]any)
	if !ok {
		view = toView(v)
	}
	view = merge(en.Body, view).(map[string]any)
	if k.defaults != nil {
		k.defaults(e, en, view)
	}
	return view
}

// lockedOut is the kind's lock on a write to a stored resource, nil when it has none.
func (t *txn) lockedOut(k *kind, en *entry) *Error {
	if k.locked == nil {
		return nil
	}
	return k.locked(t.Engine, en)
}

func opName(k *kind) string {
	parts := strings.Split(k.Type, "/")
	n := parts[len(parts)-1]
	n = strings.TrimSuffix(n, "s")
	return strings.ToUpper(n[:1]) + n[1:]
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// sortedKeys returns the keys of a set in order.
func sortedKeys(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type errString string

func (e errString) Error() string { return string(e) }
