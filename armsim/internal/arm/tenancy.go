package arm

import (
	"net/http"
	"slices"
	"strings"
)

// ARM's tenancy routes, served before any subscription is known: GET /subscriptions
// (Subscriptions_List) and GET /tenants (Tenants_List), the first calls of az login and of
// Terraform's provider.

// tenancyRoute reports whether a path is one of the tenancy routes.
func tenancyRoute(path string) bool {
	p := strings.Trim(path, "/")
	return strings.EqualFold(p, "subscriptions") || strings.EqualFold(p, "tenants")
}

// serveTenancy answers the tenancy routes at the subscriptions api-versions. Runs under e.mu.
func (e *Engine) serveTenancy(rq *request) (*response, *Error) {
	if err := checkSubscriptionsGet(rq); err != nil {
		return nil, err
	}
	c := rq.cloud
	if strings.EqualFold(strings.Trim(rq.rawPath, "/"), "tenants") {
		t := map[string]any{"id": "/tenants/" + c.Tenant, "tenantId": c.Tenant}
		if rq.apiVersion >= "2020-01-01" {
			t["tenantCategory"], t["displayName"] = "Home", "armsim "+c.ID
			t["domains"], t["defaultDomain"] = []string{c.ID + ".armsim"}, c.ID+".armsim"
		}
		return reply(http.StatusOK, map[string]any{"value": []any{t}}), nil
	}
	values := []any{}
	for _, s := range e.subscriptions(c) {
		values = append(values, subscriptionView(c, s, rq.apiVersion))
	}
	return reply(http.StatusOK, map[string]any{"value": values}), nil
}

// subscriptions lists a cloud's subscriptions: the configured ones and every one holding a
// resource group, in order.
func (e *Engine) subscriptions(c *Cloud) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			out = append(out, s)
		}
	}
	for _, s := range c.Subscriptions {
		add(s)
	}
	var used []string
	for _, en := range e.entries {
		if en.Cloud == c.ID && en.Kind == "resourcegroups" {
			used = append(used, subscriptionOf(en.id()))
		}
	}
	slices.Sort(used)
	for _, s := range used {
		add(s)
	}
	return out
}

// subscriptionView is a subscription as Subscriptions_Get answers it at an api-version:
// tenantId from 2019-06-01, managedByTenants from 2020-01-01.
func subscriptionView(c *Cloud, sub, version string) map[string]any {
	v := map[string]any{
		"id": "/subscriptions/" + sub, "subscriptionId": sub, "displayName": "armsim " + c.ID, "state": "Enabled",
		"authorizationSource":  "RoleBased",
		"subscriptionPolicies": map[string]any{"locationPlacementId": "Public_2014-09-01", "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"},
	}
	if version >= "2019-06-01" {
		v["tenantId"] = c.Tenant
	}
	if version >= "2020-01-01" {
		v["managedByTenants"] = []any{}
	}
	return v
}
