package serve

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// ownOpenAPI documents the routes serve answers itself on every service: the
// google.longrunning.Operations REST face (operationsREST), the health check, the metrics
// and the document. Its definitions are added where the service's document lacks them.
//
//go:embed operations.swagger.json
var ownOpenAPI []byte

// Endpoint is one API operation a service's REST port answers: an HTTP method and a path
// template with each variable written {} (/v1/clouds/{}/resourceGroups/{}), which is how
// Endpoints and OpenAPI paths compare whatever their variables are named.
type Endpoint struct{ Method, Path string }

func (e Endpoint) String() string { return e.Method + " " + e.Path }

// ownEndpoints are what Start registers beside the gateway, as ownOpenAPI documents them.
var ownEndpoints = []Endpoint{
	{"GET", "/v1/operations"}, {"GET", "/v1/operations/{}"}, {"POST", "/v1/operations/{}:wait"},
	{"POST", "/v1/operations/{}:cancel"}, {"GET", HealthPath}, {"GET", "/metrics"}, {"GET", OpenAPIPath},
}

// Endpoints are the API operations of the server's REST port: the gateway's, which are the
// google.api.http rules (additional bindings too) of the gRPC services it registered (the
// gateway's handlers are generated from them), and serve's own. google.longrunning.Operations'
// rules are left out: serve answers operations itself (ownEndpoints). A service's Routes (the
// orchestrator's web console) are pages, not API operations, and are not among them.
func (s *Server) Endpoints() []Endpoint {
	return s.endpoints
}

// gatewayEndpoints are the google.api.http rules of the services registered on gs (health and
// reflection have none).
func gatewayEndpoints(gs *grpc.Server) ([]Endpoint, error) {
	var endpoints []Endpoint
	for name := range gs.GetServiceInfo() {
		if name == longrunningpb.Operations_ServiceDesc.ServiceName {
			continue
		}
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(name))
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", name, err)
		}
		sd, ok := d.(protoreflect.ServiceDescriptor)
		if !ok {
			return nil, fmt.Errorf("%s is not a service", name)
		}
		for i := range sd.Methods().Len() {
			rule, _ := proto.GetExtension(sd.Methods().Get(i).Options(), annotations.E_Http).(*annotations.HttpRule)
			for _, r := range append([]*annotations.HttpRule{rule}, rule.GetAdditionalBindings()...) {
				if e, ok := httpEndpoint(r); ok {
					endpoints = append(endpoints, e)
				}
			}
		}
	}
	return endpoints, nil
}

// httpEndpoint is a google.api.http rule as an Endpoint.
func httpEndpoint(r *annotations.HttpRule) (Endpoint, bool) {
	var method, path string
	switch p := r.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		method, path = "GET", p.Get
	case *annotations.HttpRule_Put:
		method, path = "PUT", p.Put
	case *annotations.HttpRule_Post:
		method, path = "POST", p.Post
	case *annotations.HttpRule_Delete:
		method, path = "DELETE", p.Delete
	case *annotations.HttpRule_Patch:
		method, path = "PATCH", p.Patch
	case *annotations.HttpRule_Custom:
		method, path = p.Custom.GetKind(), p.Custom.GetPath()
	default:
		return Endpoint{}, false
	}
	// {name=clouds/*/x/*} is clouds/{}/x/{}; {name} and * alone are {}.
	path = templateVar.ReplaceAllStringFunc(path, func(v string) string {
		_, pattern, ok := strings.Cut(strings.Trim(v, "{}"), "=")
		if !ok {
			return "{}"
		}
		return wildcard.ReplaceAllString(pattern, "{}")
	})
	return Endpoint{method, path}, true
}

var (
	templateVar = regexp.MustCompile(`\{[^}]*\}`)
	wildcard    = regexp.MustCompile(`\*\*|\*`)
)

// DocumentEndpoints are the operations of an OpenAPI 2.0 document as Endpoints, sorted.
func DocumentEndpoints(doc []byte) ([]Endpoint, error) {
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	var endpoints []Endpoint
	for path, item := range d.Paths {
		for method := range item {
			if method == "parameters" {
				continue
			}
			endpoints = append(endpoints, Endpoint{strings.ToUpper(method), templateVar.ReplaceAllString(path, "{}")})
		}
	}
	slices.SortFunc(endpoints, func(a, b Endpoint) int { return strings.Compare(a.String(), b.String()) })
	return endpoints, nil
}

// document is the service's OpenAPI document with serve's own paths added: paths, tags,
// parameters, and definitions the service's lacks.
func document(service []byte) ([]byte, error) {
	var d, own map[string]any
	if err := json.Unmarshal(service, &d); err != nil {
		return nil, fmt.Errorf("OpenAPI document: %w", err)
	}
	if err := json.Unmarshal(ownOpenAPI, &own); err != nil {
		return nil, err
	}
	for _, section := range []string{"paths", "parameters", "definitions"} {
		m, _ := d[section].(map[string]any)
		if m == nil {
			m = map[string]any{}
			d[section] = m
		}
		for k, v := range own[section].(map[string]any) {
			if _, ok := m[k]; ok && section != "definitions" {
				return nil, fmt.Errorf("OpenAPI document: %s %s is serve's own", section, k)
			}
			if _, ok := m[k]; !ok {
				m[k] = v
			}
		}
	}
	tags, _ := d["tags"].([]any)
	d["tags"] = append(tags, own["tags"].([]any)...)
	return json.Marshal(d)
}
