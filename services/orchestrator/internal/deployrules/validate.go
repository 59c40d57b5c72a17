// Package deployrules holds the rules of a hybrid connectivity deployment, checked and
// applied before anything is written: Validate names every problem of a deployment across
// both sites and clouds, Complete fills the defaults the workflow relies on, and Policies
// picks the IPsec/IKE policy each site's connection gets.
package deployrules

import (
	"fmt"
	"regexp"
	"strings"

	orchestratorv1 "github.com/hybridlink/hybridlink/gen/hybridlink/orchestrator/v1"
	"github.com/hybridlink/hybridlink/platform/apierr"
	"github.com/hybridlink/hybridlink/platform/azrules"
	"github.com/hybridlink/hybridlink/platform/cloud"
	"github.com/hybridlink/hybridlink/platform/names"
)

var (
	deploymentIDRule = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)
	siteNameRule     = regexp.MustCompile(`^[a-z0-9-]{1,16}$`)
	// ARM location short names, e.g. eastus, westeurope, or a stamp's region such as local.
	locationRule = regexp.MustCompile(`^[a-z][a-z0-9]{0,39}$`)
)

// Validate checks a deployment to be created with id deploymentID against the configured
// clouds, before any write: first its fields against Limits, and only when they are within
// them every other rule. Every finding names its field by its request path, e.g.
// deployment.spec.sites[1].gateway_subnet_prefix; no finding quotes a password or the
// shared key.
func Validate(d *orchestratorv1.Deployment, deploymentID string, clouds []cloud.Cloud) apierr.Violations {
	var v apierr.Violations
	switch {
	case len(deploymentID) > 63:
		v.Add("deployment_id", "%d bytes long; it must be 1-63 lower-case letters, digits and '-', starting with a letter", len(deploymentID))
	case !deploymentIDRule.MatchString(deploymentID):
		v.Add("deployment_id", "%q must be 1-63 lower-case letters, digits and '-', starting with a letter", deploymentID)
	}
	switch {
	case d == nil:
		v.Add("deployment", "required")
	case d.GetSpec() == nil:
		v.Add("deployment.spec", "required: two sites and their connection")
	default:
		if over := CheckLimits(d); len(over) > 0 {
			return append(v, over...)
		}
		checkSpec(&v, "deployment.spec", d.GetSpec(), clouds)
	}
	return v
}

// checkSpec checks a deployment spec: each site, the sites together, and the connection.
func checkSpec(v *apierr.Violations, field string, s *orchestratorv1.DeploymentSpec, clouds []cloud.Cloud) {
	sites := s.GetSites()
	if len(sites) < 2 {
		v.Add(field+".sites", "at least two sites are required: a hub and one or more spokes, each spoke with a tunnel to the hub; got %d", len(sites))
	}
	kinds := make([]cloud.Kind, len(sites))
	vms := 0
	for i, site := range sites {
		kinds[i] = checkSite(v, fmt.Sprintf("%s.sites[%d]", field, i), site, clouds)
		vms += len(site.GetVirtualMachines())
	}
	if vms > MaxDeploymentVirtualMachines {
		v.Add(field+".sites", "the sites have %d virtual machines, more than the %d one deployment's workflow runs within Temporal's limits; put some in another deployment", vms, MaxDeploymentVirtualMachines)
	}
	if len(sites) >= 2 {
		checkTopology(v, field, s, kinds)
	}
	checkConnection(v, field+".connection", s.GetConnection(), kinds)
	checkPolicySKUs(v, field, s, clouds)
	if _, ok := orchestratorv1.DeploymentSpec_DriftPolicy_name[int32(s.GetDriftPolicy())]; !ok {
		v.Add(field+".drift_policy", "%d is not a drift policy; use DRIFT_POLICY_REPORT or DRIFT_POLICY_REPAIR", s.GetDriftPolicy())
	}
	if _, ok := orchestratorv1.DeploymentSpec_FailurePolicy_name[int32(s.GetFailurePolicy())]; !ok {
		v.Add(field+".failure_policy", "%d is not a failure policy; use FAILURE_POLICY_KEEP or FAILURE_POLICY_ROLLBACK", s.GetFailurePolicy())
	}
}

// checkSite checks one site and returns its cloud's kind, or "" when the cloud is unknown.
func checkSite(v *apierr.Violations, field string, site *orchestratorv1.Site, clouds []cloud.Cloud) cloud.Kind {
	if !siteNameRule.MatchString(site.GetName()) {
		v.Add(field+".name", "%q must be 1-16 lower-case letters, digits and '-', e.g. hub or stack", site.GetName())
	}
	c, known := find(clouds, site.GetCloud())
	switch {
	case site.GetCloud() == "":
		v.Add(field+".cloud", "required; configured clouds: %s", ids(clouds))
	case !known:
		v.Add(field+".cloud", "cloud %q is not configured; configured clouds: %s", site.GetCloud(), ids(clouds))
	}
	checkLocation(v, field+".location", site.GetLocation(), c, known)
	v.Check(field+".resource_group", names.CheckResourceGroup(site.GetResourceGroup()))
	switch {
	case site.GetExisting().GetVpnGateway() != "" && site.GetExisting().GetVirtualNetwork() == "":
		v.Add(field+".existing.virtual_network", "required with existing.vpn_gateway: name the virtual network the gateway is in")
	case site.GetExisting().GetVirtualNetwork() != "":
		checkExisting(v, field, site)
	default:
		checkNetwork(v, field, site)
	}
	if known {
		checkGatewaySKU(v, field, site, c.Kind)
	}
	checkVirtualMachines(v, field+".virtual_machines", site.GetVirtualMachines())
	checkCapacity(v, field, site)
	return c.Kind
}

// checkLocation checks a site's location, when given: an ARM short name, and on an Azure
// Stack Hub stamp its one region.
func checkLocation(v *apierr.Violations, field, location string, c cloud.Cloud, known bool) {
	switch {
	case location == "":
	case !locationRule.MatchString(location):
		v.Add(field, "%q is not an ARM location name: use the short name, lower-case letters and digits such as eastus or westeurope, or leave it empty for the cloud's default", location)
	case known && c.Kind == cloud.AzureStackHub && c.Location != "" && !strings.EqualFold(location, c.Location):
		v.Add(field, "an Azure Stack Hub stamp has one region: cloud %s is %q, not %q; leave it empty for the default", c.ID, c.Location, location)
	}
}

// checkGatewaySKU checks a site's gateway SKU, when given, against its cloud's offer, and
// BGP against the SKU.
func checkGatewaySKU(v *apierr.Violations, field string, site *orchestratorv1.Site, k cloud.Kind) {
	skus := azrules.GatewaySKUs[k]
	if site.GetGatewaySku() != "" {
		if _, ok := canonical(skus, site.GetGatewaySku()); !ok {
			v.Add(field+".gateway_sku", "%q is not a VPN gateway SKU on %s; use one of %s, or leave it empty for %s",
				site.GetGatewaySku(), k.Display(), strings.Join(skus, ", "), defaultSKUs[k])
		}
	}
	if site.GetEnableBgp() && strings.EqualFold(site.GetGatewaySku(), "Basic") {
		v.Add(field+".enable_bgp", "the Basic gateway SKU does not support BGP; pick another SKU or turn BGP off")
	}
}

// find returns the configured cloud with id.
func find(clouds []cloud.Cloud, id string) (cloud.Cloud, bool) {
	for _, c := range clouds {
		if c.ID == id {
			return c, true
		}
	}
	return cloud.Cloud{}, false
}

// ids lists the configured clouds' ids for messages.
func ids(clouds []cloud.Cloud) string {
	if len(clouds) == 0 {
		return "none"
	}
	out := make([]string, len(clouds))
	for i, c := range clouds {
		out[i] = c.ID
	}
	return strings.Join(out, ", ")
}

// canonical returns the spelling in list of s, compared case-insensitively.
func canonical(list []string, s string) (string, bool) {
	for _, c := range list {
		if strings.EqualFold(c, s) {
			return c, true
		}
	}
	return "", false
}
