package arm

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// providerTypes are the resource types a provider serves besides the kinds armsim stores:
// Compute's offer reads and its resource SKU list.
var providerTypes = map[string][]string{"Microsoft.Compute": {"locations/vmSizes", "locations/publishers", "skus"}}

// providerView is a resource provider as Providers_Get answers it: registered, with the
// resource types it serves on this cloud, each with the cloud's locations (display names)
// and the api-versions it accepts, newest first.
func providerView(c *Cloud, sub, ns string) map[string]any {
	var names []string
	for _, k := range kinds {
		if k.Namespace == ns && k.name != "resourcegroups" {
			names = append(names, k.Type)
		}
	}
	names = append(names, providerTypes[ns]...)
	sort.Strings(names)
	types := make([]any, 0, len(names))
	for _, n := range names {
		vs := strings.Split(newestFirst(versionsOf(c.Kind, ns, n)), ", ")
		types = append(types, map[string]any{"resourceType": n, "locations": displayNames(c), "apiVersions": vs})
	}
	return map[string]any{
		"id": "/subscriptions/" + sub + "/providers/" + ns, "namespace": ns,
		"registrationState": "Registered", "registrationPolicy": "RegistrationRequired", "resourceTypes": types,
	}
}

// displayNames are a cloud's locations as providers name them ("East US").
func displayNames(c *Cloud) []string {
	out := make([]string, 0, len(c.Locations))
	for _, l := range c.Locations {
		if r, ok := regions[l]; ok {
			out = append(out, r.display)
		} else {
			out = append(out, l)
		}
	}
	return out
}

// listProviders answers GET /subscriptions/{s}/providers (Providers_List): every provider
// armsim emulates on the cloud.
func (e *Engine) listProviders(rq *request) (*response, *Error) {
	if err := checkAPIVersion(rq.cloud, "Microsoft.Resources", rq.apiVersion, "providers", ""); err != nil {
		return nil, err
	}
	if rq.method != http.MethodGet || len(rq.path.Names) > 0 {
		return nil, methodNotAllowed(rq.method)
	}
	var nss []string
	for k, ns := range namespaces {
		if k != "microsoft.resources" {
			nss = append(nss, ns)
		}
	}
	sort.Strings(nss)
	values := make([]any, 0, len(nss))
	for _, ns := range nss {
		values = append(values, providerView(rq.cloud, rq.path.Subscription, ns))
	}
	return reply(http.StatusOK, map[string]any{"value": values}), nil
}

// listSKUs answers GET .../providers/Microsoft.Compute/skus (ResourceSkus_List): each VM
// size of the cloud's catalogue, once per location, with its capabilities and no
// restrictions; $filter=location eq '...' narrows it to one location.
func (e *Engine) listSKUs(rq *request) (*response, *Error) {
	c := rq.cloud
	if err := checkAPIVersion(c, "Microsoft.Compute", rq.apiVersion, "skus", ""); err != nil {
		return nil, err
	}
	if rq.method != http.MethodGet {
		return nil, methodNotAllowed(rq.method)
	}
	locations := c.Locations
	if f := rq.query.Get("$filter"); f != "" {
		terms, err := parseFilter(f, "location")
		if err != nil {
			return nil, err
		}
		locations = []string{normalizeLocation(terms["location"])}
	}
	values := []any{}
	for _, l := range locations {
		if !contains(c.Locations, l) {
			continue
		}
		for _, s := range vmSizes[c.Kind] {
			values = append(values, map[string]any{
				"resourceType": "virtualMachines", "name": s.name, "tier": "Standard",
				"size": strings.TrimPrefix(s.name, "Standard_"), "locations": []string{l},
				"locationInfo": []any{map[string]any{"location": l, "zones": []any{}, "zoneDetails": []any{}}},
				"capabilities": []any{
					capability("vCPUs", strconv.Itoa(s.cores)),
					capability("MemoryGB", strconv.FormatFloat(float64(s.memoryMB)/1024, 'f', -1, 64)),
					capability("MaxDataDiskCount", strconv.Itoa(s.disks)), capability("OSVhdSizeMB", strconv.Itoa(osDiskSizeMB)),
					capability("MaxResourceVolumeMB", strconv.Itoa(s.resourceDiskMB)),
				},
				"restrictions": []any{},
			})
		}
	}
	return reply(http.StatusOK, map[string]any{"value": values}), nil
}

func capability(name, v string) map[string]string {
	return map[string]string{"name": name, "value": v}
}
