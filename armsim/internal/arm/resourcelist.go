package arm

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// listResources answers GET /subscriptions/{s}/resources and
// /subscriptions/{s}/resourceGroups/{rg}/resources (Resources_List, Resources_ListByResourceGroup):
// every top-level resource and VM extension (child resources such as subnets are not listed,
// resource groups and deployments neither) as a generic resource, filtered by $filter and
// paged like every list.
func (e *Engine) listResources(rq *request) (*response, *Error) {
	if err := checkAPIVersion(rq.cloud, "Microsoft.Resources", rq.apiVersion, "resources", ""); err != nil {
		return nil, err
	}
	if rq.method != http.MethodGet {
		return nil, methodNotAllowed(rq.method)
	}
	p := rq.path
	prefix := key(rq.cloud.ID, "/subscriptions/"+p.Subscription+"/resourceGroups/")
	if p.ResourceGroup != "" {
		if e.get(rq.cloud.ID, p.resourceGroupID()) == nil {
			return nil, resourceGroupNotFound(p.ResourceGroup)
		}
		prefix = key(rq.cloud.ID, p.resourceGroupID()+"/")
	}
	terms := map[string]string{}
	if f := rq.query.Get("$filter"); f != "" {
		var err *Error
		if terms, err = parseFilter(f, "resourceType", "name", "location", "resourceGroup", "tagName", "tagValue"); err != nil {
			return nil, err
		}
	}
	var items []*entry
	for k, en := range e.entries {
		if strings.HasPrefix(k, prefix) && (!kinds[en.Kind].child || kinds[en.Kind].located) && en.Kind != "resourcegroups" && en.Kind != "deployments" && matchesFilter(en, terms) {
			items = append(items, en)
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].key() < items[j].key() })
	expand := strings.ToLower(rq.query.Get("$expand"))
	return e.pageWith(rq, items, func(en *entry) any { return genericResource(en, expand) })
}

// genericResource is a resource as the generic lists show it: its envelope, its SKU when
// it has one, and provisioningState with $expand=provisioningState.
func genericResource(en *entry, expand string) map[string]any {
	m := en.Res.meta()
	out := map[string]any{"id": m.ID, "name": genericName(en), "type": m.Type, "location": m.Location}
	if len(m.Tags) > 0 {
		out["tags"] = m.Tags
	}
	if pip, ok := en.Res.(*PublicIPAddress); ok && pip.SKU != nil {
		out["sku"] = pip.SKU
	}
	if strings.Contains(expand, "provisioningstate") {
		out["provisioningState"] = en.provisioningState()
	}
	return out
}

var filterTerm = regexp.MustCompile(`^(?i)\s*(\w+)\s+eq\s+'([^']*)'\s*$`)

// parseFilter reads an OData $filter of `field eq 'value'` terms joined by `and`, on the
// fields allowed. Anything else (or, ne, functions) is ARM's InvalidFilterInQueryString.
func parseFilter(f string, allowed ...string) (map[string]string, *Error) {
	bad := errorf(http.StatusBadRequest, "InvalidFilterInQueryString", "Invalid $filter '%s' specified in the query string.", f)
	out := map[string]string{}
	for _, term := range regexp.MustCompile(`(?i)\s+and\s+`).Split(f, -1) {
		m := filterTerm.FindStringSubmatch(term)
		if m == nil {
			return nil, bad
		}
		field := ""
		for _, a := range allowed {
			if strings.EqualFold(a, m[1]) {
				field = a
			}
		}
		if field == "" {
			return nil, bad
		}
		out[field] = m[2]
	}
	return out, nil
}

// matchesFilter reports whether a resource passes every term of a parsed $filter; tagName
// and tagValue together name one tag.
func matchesFilter(en *entry, terms map[string]string) bool {
	m := en.Res.meta()
	for field, v := range terms {
		ok := true
		switch field {
		case "resourceType":
			ok = strings.EqualFold(m.Type, v)
		case "name":
			ok = strings.EqualFold(genericName(en), v)
		case "location":
			ok = m.Location == normalizeLocation(v)
		case "resourceGroup":
			ok = strings.EqualFold(resourceGroupOf(m.ID), v)
		case "tagName":
			tv, has := m.Tags[v]
			ok = has && (terms["tagValue"] == "" || tv == terms["tagValue"])
		case "tagValue":
			if _, named := terms["tagName"]; !named {
				ok = false
				for _, tv := range m.Tags {
					ok = ok || tv == v
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// genericName is a resource's name as the generic lists give it: a child's is its parent's
// and its own, vm1/CustomScript.
func genericName(en *entry) string {
	m := en.Res.meta()
	if kinds[en.Kind].child {
		return lastSegment(parentID(m.ID)) + "/" + m.Name
	}
	return m.Name
}
