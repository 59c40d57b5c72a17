package arm

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hybridlink/hybridlink/armsim/internal/identity"
)

// request is one ARM request as the handlers see it.
type request struct {
	cloud      *Cloud
	base       string // scheme and host the caller used, for URLs in headers and nextLinks
	method     string
	path       path
	rawPath    string
	query      url.Values
	apiVersion string
	header     http.Header
	body       []byte
}

// response is what a handler answers: a status, headers and a JSON body (nil for none).
type response struct {
	status int
	header http.Header
	body   any
}

func reply(status int, body any) *response {
	return &response{status: status, header: http.Header{}, body: body}
}

// Handler returns the http.Handler serving the ARM endpoint of one cloud.
func (e *Engine) Handler(cloudID string) http.Handler {
	c := e.clouds[strings.ToLower(cloudID)]
	if c == nil {
		panic("armsim: unknown cloud " + cloudID)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.serve(c, w, r) })
}

func (e *Engine) serve(c *Cloud, w http.ResponseWriter, r *http.Request) {
	reqID := newID()
	corr := r.Header.Get("x-ms-correlation-request-id")
	if corr == "" {
		corr = reqID
	}
	h := w.Header()
	h.Set("x-ms-request-id", reqID)
	h.Set("x-ms-correlation-request-id", corr)
	h.Set("x-ms-routing-request-id", "ARMSIM:"+time.Now().UTC().Format("20060102T150405Z")+":"+reqID)
	h.Set("Cache-Control", "no-cache")

	// ARM reads empty path segments as absent: a client joining an endpoint that ends in /
	// with /metadata/endpoints (az cloud register) is answered, and /subscriptions//x is
	// the subscription x (Azure/azure-cli#30953)
	if strings.Contains(r.URL.Path, "//") {
		r.URL.Path = repeatedSlashes.ReplaceAllString(r.URL.Path, "/")
		r.URL.RawPath = repeatedSlashes.ReplaceAllString(r.URL.RawPath, "/")
	}
	if strings.HasPrefix(r.URL.Path, "/_armsim/") {
		e.serveAdmin(w, r)
		return
	}
	if dir := e.identity[c.ID]; dir.Handles(r.URL.Path) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		dir.ServeHTTP(rec, r)
		e.count(c.ID, r.Method, IdentityType, rec.status)
		return
	}
	label := TypeLabel(r.URL.Path)
	if strings.EqualFold(strings.TrimSuffix(r.URL.Path, "/"), "/metadata/endpoints") {
		e.count(c.ID, r.Method, MetadataType, http.StatusOK)
		writeJSON(w, http.StatusOK, e.metadata(c, "https://"+r.Host, r.URL.Query().Get("api-version")))
		return
	}
	if status := e.serveARM(c, w, r, label); status >= 0 {
		e.count(c.ID, r.Method, label, status)
	}
}

// serveARM answers an authenticated ARM request and returns the status it wrote, or -1
// when it counted the request itself.
func (e *Engine) serveARM(c *Cloud, w http.ResponseWriter, r *http.Request, label string) int {
	principal, err := e.authenticate(c, r)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer authorization_uri="`+loginEndpoint(c, "https://"+r.Host)+`", error="invalid_token", error_description="`+err.Message+`"`)
		return writeError(w, err)
	}
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	f := e.injectFault(write)
	if f.drop {
		// counted first: on HTTP/2 dropConnection aborts the handler with a panic, and a
		// dropped request is still one the client made (status 0)
		e.count(c.ID, r.Method, label, 0)
		dropConnection(w)
		return -1
	}
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	if f.err != nil {
		if f.retryAfter > 0 {
			setRetryAfter(w.Header(), f.retryAfter)
		}
		return writeError(w, f.err)
	}
	rq := &request{cloud: c, base: "https://" + r.Host, method: r.Method, rawPath: r.URL.Path,
		query: r.URL.Query(), apiVersion: r.URL.Query().Get("api-version"), header: r.Header}
	if r.Body != nil && r.Method != http.MethodGet {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, e.opts.MaxBodyBytes))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return writeError(w, errorf(http.StatusRequestEntityTooLarge, "RequestContentTooLarge",
					"The request content size exceeds the maximum size of %d bytes.", e.opts.MaxBodyBytes))
			}
			return writeError(w, errorf(http.StatusBadRequest, "InvalidRequestContent", "The request content could not be read: %v.", err))
		}
		rq.body = body
	}
	if tenancyRoute(r.URL.Path) {
		e.mu.Lock()
		resp, err := e.serveTenancy(rq)
		e.mu.Unlock()
		if err != nil {
			return writeError(w, err)
		}
		writeJSON(w, resp.status, resp.body)
		return resp.status
	}
	p, ok := parsePath(r.URL.Path)
	if !ok {
		return writeError(w, errorf(http.StatusNotFound, "InvalidRequestUri", "The request URI '%s' is not a valid Azure Resource Manager path.", r.URL.Path))
	}
	rq.path = p
	if !subscriptionID.MatchString(p.Subscription) {
		return writeError(w, errorf(http.StatusBadRequest, "InvalidSubscriptionId",
			"The provided subscription identifier '%s' is malformed or invalid.", p.Subscription))
	}

	e.mu.Lock()
	if thr := e.throttle(c, p.Subscription, principal, write, w.Header()); thr != nil {
		e.mu.Unlock()
		return writeError(w, thr)
	}
	e.settle()
	resp, err := e.routeSafely(rq)
	var out []byte
	if err == nil && resp.body != nil {
		out, _ = json.Marshal(resp.body)
	}
	if err == nil {
		e.persist()
	}
	e.mu.Unlock()

	if err != nil {
		return writeError(w, err)
	}
	for k, vs := range resp.header {
		w.Header()[k] = vs
	}
	if out == nil {
		w.WriteHeader(resp.status)
		return resp.status
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(resp.status)
	_, _ = w.Write(out)
	return resp.status
}

var repeatedSlashes = regexp.MustCompile(`/{2,}`)

// subscriptionID is the form of a subscription id: a GUID.
var subscriptionID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// authenticate checks a request's bearer token: present and well formed, and on a strict
// cloud one its directory issued for its ARM audience, unexpired. It returns the caller's
// principal (object id) on a strict cloud, "" on a lenient one, which cannot tell callers apart.
func (e *Engine) authenticate(c *Cloud, r *http.Request) (string, *Error) {
	a := r.Header.Get("Authorization")
	if a == "" {
		return "", errorf(http.StatusUnauthorized, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
	}
	scheme, token, ok := strings.Cut(a, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", errorf(http.StatusUnauthorized, "AuthenticationFailedInvalidHeader", "Authentication failed. The 'Authorization' header is provided in an invalid format.")
	}
	if !c.StrictAuth {
		return "", nil
	}
	allowed := acceptedAudiences(c, "https://"+r.Host)
	principal, err := e.identity[c.ID].Verify(strings.TrimSpace(token), allowed)
	return principal, tokenError(err, allowed)
}

// tokenError is ARM's answer to a token that fails the directory's check.
func tokenError(err error, allowed []string) *Error {
	var expired *identity.ExpiredError
	var audience *identity.AudienceError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &expired):
		const armTime = "1/2/2006 3:04:05 PM"
		return errorf(http.StatusUnauthorized, "ExpiredAuthenticationToken",
			"The access token expiry UTC time '%s' is earlier than current UTC time '%s'.", expired.Expiry.Format(armTime), expired.Now.Format(armTime))
	case errors.As(err, &audience):
		return errorf(http.StatusUnauthorized, "InvalidAuthenticationTokenAudience",
			"The access token has been obtained for wrong audience or resource '%s'. It should exactly match with one of the allowed audiences '%s'.",
			audience.Audience, strings.Join(allowed, "','"))
	}
	return errorf(http.StatusUnauthorized, "InvalidAuthenticationToken", "The access token is invalid.")
}

// statusRecorder remembers the status a handler wrote, for the counters.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// routeSafely routes a request and turns a panic in a handler into ARM's 500, so that a
// bug answers one request with an error instead of leaving e.mu locked for every other.
func (e *Engine) routeSafely(rq *request) (resp *response, err *Error) {
	defer func() {
		if v := recover(); v != nil {
			resp, err = nil, errorf(http.StatusInternalServerError, "InternalServerError",
				"armsim failed to process the request: %v", v)
		}
	}()
	return e.route(rq)
}

// route dispatches a parsed request. It runs under e.mu.
func (e *Engine) route(rq *request) (*response, *Error) {
	p := rq.path
	switch {
	case p.ResourceGroup == "" && p.Namespace == "" && len(p.Types) == 0:
		return e.serveSubscription(rq)
	case p.Namespace == "" && len(p.Types) == 1 && len(p.Names) == 0 && strings.EqualFold(p.Types[0], "resources"):
		return e.listResources(rq)
	case p.ResourceGroup == "" && p.Namespace == "" && strings.EqualFold(p.Types[0], "providers"):
		return e.listProviders(rq)
	case p.ResourceGroup == "" && p.Namespace == "" && strings.EqualFold(p.Types[0], "resourceGroups"):
		return e.listResourceGroups(rq)
	case p.ResourceGroup == "" && p.Namespace == "" && strings.EqualFold(p.Types[0], "locations"):
		return e.serveLocations(rq)
	case p.ResourceGroup == "" && p.Namespace == "" && strings.EqualFold(p.Types[0], "operationresults") && len(p.Names) == 1:
		return e.serveGroupDeletionResult(rq, p.Names[0])
	case p.ResourceGroup != "" && p.Namespace == "":
		return e.serveResourceGroup(rq)
	case p.ResourceGroup == "" && p.Namespace != "":
		return e.serveProvider(rq)
	case p.ResourceGroup != "" && p.Namespace != "":
		return e.serveResource(rq)
	}
	return nil, errorf(http.StatusNotFound, "InvalidRequestUri", "The request URI '%s' is not a valid Azure Resource Manager path.", rq.rawPath)
}

// serveProvider answers provider-level paths: registration, operation status and
// subscription-wide lists.
func (e *Engine) serveProvider(rq *request) (*response, *Error) {
	p := rq.path
	ns, known := namespaces[strings.ToLower(p.Namespace)]
	if !known {
		return nil, errorf(http.StatusBadRequest, "InvalidResourceNamespace", "The resource namespace '%s' is invalid.", p.Namespace)
	}
	if ns == "Microsoft.Compute" && len(p.Types) >= 2 && len(p.Names) >= 1 && strings.EqualFold(p.Types[0], "locations") &&
		!strings.EqualFold(p.Types[1], "operations") && !strings.EqualFold(p.Types[1], "operationResults") {
		return e.serveComputeLocation(rq)
	}
	if ns == "Microsoft.Compute" && len(p.Types) == 1 && len(p.Names) == 0 && strings.EqualFold(p.Types[0], "skus") {
		return e.listSKUs(rq) // ResourceSkus has its own api-versions
	}
	if err := checkAPIVersion(rq.cloud, ns, rq.apiVersion, "providers", ""); err != nil && !strings.EqualFold(ns, "Microsoft.Resources") {
		if err2 := checkAPIVersion(rq.cloud, "Microsoft.Resources", rq.apiVersion, "providers", ""); err2 != nil {
			return nil, err
		}
	}
	switch {
	case len(p.Types) == 0 && rq.method == http.MethodGet,
		len(p.Types) == 1 && len(p.Names) == 0 && strings.EqualFold(p.Types[0], "register") && rq.method == http.MethodPost:
		return reply(http.StatusOK, providerView(rq.cloud, p.Subscription, ns)), nil
	case len(p.Types) == 2 && len(p.Names) == 2 && strings.EqualFold(p.Types[0], "locations") &&
		(strings.EqualFold(p.Types[1], "operations") || strings.EqualFold(p.Types[1], "operationResults")):
		return e.serveOperation(rq, p.Names[1], strings.EqualFold(p.Types[1], "operationResults"))
	case len(p.Types) == 1 && len(p.Names) == 0 && rq.method == http.MethodGet:
		k := kindsByPath[strings.ToLower(ns+"/"+p.Types[0])]
		if k == nil {
			return nil, invalidResourceType(ns, p.Types[0], rq.apiVersion)
		}
		if err := checkAPIVersion(rq.cloud, ns, rq.apiVersion, k.Type, ""); err != nil {
			return nil, err
		}
		prefix := key(rq.cloud.ID, "/subscriptions/"+p.Subscription+"/")
		var items []*entry
		for k2, en := range e.entries {
			if en.Kind == k.name && strings.HasPrefix(k2, prefix) {
				items = append(items, en)
			}
		}
		sort.Slice(items, func(i, j int) bool { return items[i].key() < items[j].key() })
		return e.page(rq, items)
	}
	return nil, errorf(http.StatusNotFound, "InvalidRequestUri", "The request URI '%s' is not a valid Azure Resource Manager path.", rq.rawPath)
}

// serveOperation answers a poll of an operation's Azure-AsyncOperation or Location URL.
func (e *Engine) serveOperation(rq *request, id string, location bool) (*response, *Error) {
	op := e.ops[id]
	if op == nil || !strings.EqualFold(op.Cloud, rq.cloud.ID) || !strings.EqualFold(op.Subscription, rq.path.Subscription) {
		return nil, errorf(http.StatusNotFound, "OperationNotFound", "The operation '%s' could not be found.", id)
	}
	if !location {
		resp := reply(http.StatusOK, op.statusBody())
		if op.Status == statusInProgress {
			setRetryAfter(resp.header, e.pollHint(op))
		}
		return resp, nil
	}
	if resp, err := e.locationPending(rq, op); resp != nil || err != nil {
		return resp, err
	}
	if op.Action == actDelete || strings.HasPrefix(op.Action, "power:") {
		return reply(http.StatusNoContent, nil), nil
	}
	en := e.entries[op.Target]
	if en == nil {
		return reply(http.StatusNoContent, nil), nil
	}
	return reply(http.StatusOK, e.render(en, rq)), nil
}

// locationPending answers a poll of an operation's Location URL while the operation is not
// done: 202 with the same URL and Retry-After while it runs, its error (as a 500) once it
// failed; nil and nil when it succeeded.
func (e *Engine) locationPending(rq *request, op *operation) (*response, *Error) {
	switch op.Status {
	case statusInProgress:
		resp := reply(http.StatusAccepted, nil)
		resp.header.Set("Location", rq.base+rq.rawPath+"?"+rq.query.Encode())
		setRetryAfter(resp.header, e.pollHint(op))
		return resp, nil
	case statusFailed:
		err := *op.Error
		err.Status = http.StatusInternalServerError
		return nil, &err
	}
	return nil, nil
}

// page answers a list with ARM's paging: {"value": [...], "nextLink": "..."}.
func (e *Engine) page(rq *request, items []*entry) (*response, *Error) {
	return e.pageWith(rq, items, func(en *entry) any { return e.render(en, rq) })
}

// pageWith answers a list with ARM's paging, each item shown by view.
func (e *Engine) pageWith(rq *request, items []*entry, view func(*entry) any) (*response, *Error) {
	start := 0
	if tok := rq.query.Get("$skiptoken"); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 || n > len(items) {
			return nil, badRequest("InvalidSkipToken", "$skiptoken", "The skip token '%s' is invalid.", tok)
		}
		start = n
	}
	end := min(start+e.opts.PageSize, len(items))
	values := make([]any, 0, end-start)
	for _, en := range items[start:end] {
		values = append(values, view(en))
	}
	body := map[string]any{"value": values}
	if end < len(items) {
		q := url.Values{}
		for k, v := range rq.query {
			q[k] = v
		}
		q.Set("$skiptoken", strconv.Itoa(end))
		body["nextLink"] = rq.base + rq.rawPath + "?" + q.Encode()
	}
	return reply(http.StatusOK, body), nil
}

func (e *Engine) serveSubscription(rq *request) (*response, *Error) {
	if err := checkSubscriptionsGet(rq); err != nil {
		return nil, err
	}
	return reply(http.StatusOK, subscriptionView(rq.cloud, rq.path.Subscription, rq.apiVersion)), nil
}

func methodNotAllowed(m string) *Error {
	return errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The HTTP method '%s' is not supported for this resource.", m)
}

func invalidResourceType(ns, typ, version string) *Error {
	return errorf(http.StatusBadRequest, "InvalidResourceType",
		"The resource type '%s' could not be found in the namespace '%s' for api version '%s'.", typ, ns, version)
}

// TypeLabel names the resource type of a request path for the counters:
// Microsoft.Network/virtualNetworkGateways, Microsoft.Resources/resourceGroups,
// Microsoft.Compute/locations/vmSizes, operations.
func TypeLabel(rawPath string) string {
	p, ok := parsePath(rawPath)
	switch {
	case tenancyRoute(rawPath):
		return "Microsoft.Resources/" + strings.ToLower(strings.Trim(rawPath, "/"))
	case !ok:
		return "unknown"
	case p.Namespace == "" && p.ResourceGroup == "" && len(p.Types) == 1 && strings.EqualFold(p.Types[0], "locations"):
		return "Microsoft.Resources/locations"
	case len(p.Types) >= 2 && strings.EqualFold(p.Types[0], "locations") && strings.EqualFold(p.Namespace, "Microsoft.Compute") &&
		(strings.EqualFold(p.Types[1], "vmSizes") || strings.EqualFold(p.Types[1], "publishers")):
		return "Microsoft.Compute/locations/" + map[bool]string{true: "vmSizes", false: "publishers"}[strings.EqualFold(p.Types[1], "vmSizes")]
	case p.Namespace == "" && p.ResourceGroup == "" && len(p.Types) == 1 && strings.EqualFold(p.Types[0], "operationresults"):
		return "operations"
	case strings.EqualFold(p.Namespace, "Microsoft.Resources") && len(p.Types) >= 1 && strings.EqualFold(p.Types[0], "deployments"):
		return "Microsoft.Resources/deployments"
	case p.Namespace == "" && len(p.Types) == 1 && (strings.EqualFold(p.Types[0], "providers") || strings.EqualFold(p.Types[0], "resources")):
		return "Microsoft.Resources/" + strings.ToLower(p.Types[0])
	case p.Namespace == "" && (p.ResourceGroup != "" || len(p.Types) == 1):
		return "Microsoft.Resources/resourceGroups"
	case p.Namespace == "":
		return "Microsoft.Resources/subscriptions"
	case len(p.Types) >= 1 && strings.EqualFold(p.Types[0], "locations"):
		return "operations"
	case len(p.Types) == 0:
		return p.Namespace
	}
	ns := namespaces[strings.ToLower(p.Namespace)]
	if ns == "" {
		return "unknown"
	}
	types := p.Types
	if k := kindsByPath[strings.ToLower(ns+"/"+strings.Join(types, "/"))]; k != nil {
		return ns + "/" + k.Type
	}
	if len(types) > 1 {
		if k := kindsByPath[strings.ToLower(ns+"/"+strings.Join(types[:len(types)-1], "/"))]; k != nil {
			return ns + "/" + k.Type + "/" + strings.ToLower(types[len(types)-1])
		}
	}
	return "unknown"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, err *Error) int {
	w.Header().Set("x-ms-failure-cause", "gateway")
	if err.retryAfter > 0 {
		setRetryAfter(w.Header(), err.retryAfter)
	}
	writeJSON(w, err.Status, err.body())
	return err.Status
}

// dropConnection closes the client's connection without an answer, as a network fault would.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok { // HTTP/2: aborting the handler resets the stream
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

func itoa(n int) string { return strconv.Itoa(n) }
