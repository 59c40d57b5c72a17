package arm

import "strings"

// metadata answers GET /metadata/endpoints the way Azure and Azure Stack Hub stamps do, so
// clients can discover the login endpoint and token audience of a stamp from its ARM URL.
// api-version 2015-01-01 gets the classic shape; later versions the named-cloud shape.
//
// The login endpoint is the cloud's own directory, served by armsim on the cloud's address
// (Entra ID's paths below it, or AD FS's /adfs/), so a client that discovers it logs in
// against armsim.
func (e *Engine) metadata(c *Cloud, base, version string) any {
	login, audience, tenant := loginEndpoint(c, base), audiences(c)[0], "common"
	if strings.EqualFold(c.IdentityProvider, "adfs") {
		tenant = "adfs"
	}
	if version == "" || version == "2015-01-01" {
		return map[string]any{
			"galleryEndpoint": base + "/",
			"graphEndpoint":   "https://graph.windows.net/",
			"portalEndpoint":  base + "/",
			"authentication":  map[string]any{"loginEndpoint": login, "audiences": []string{audience}},
		}
	}
	return map[string]any{
		"name":            c.ID,
		"resourceManager": base + "/",
		"portal":          base + "/",
		"authentication": map[string]any{
			"loginEndpoint": login, "audiences": []string{audience}, "tenant": tenant,
			"identityProvider": map[bool]string{true: "ADFS", false: "AAD"}[tenant == "adfs"],
		},
		"suffixes": map[string]any{"keyVaultDns": "vault." + c.ID + ".armsim", "storage": c.ID + ".armsim"},
		// clients such as Terraform's azurerm need Graph's resource id, though armsim has no Graph
		"graph": "https://graph.windows.net/", "microsoftGraphResourceId": "https://graph.microsoft.com/",
	}
}

// loginEndpoint is where a cloud's directory answers: armsim itself, at the host the caller
// used; AD FS stamps at /adfs, without a trailing slash as stamps write it (az reads
// ".../adfs/" as an Entra ID authority whose tenant is adfs).
func loginEndpoint(c *Cloud, base string) string {
	if strings.EqualFold(c.IdentityProvider, "adfs") {
		return base + "/adfs"
	}
	return base + "/"
}

// audiences are the token audiences ARM accepts on a cloud, its metadata's first: Azure's
// classic and current management audiences; a stamp's management audience, per identity
// provider, with the stamp's GUID.
func audiences(c *Cloud) []string {
	if c.Kind == Azure {
		return []string{"https://management.core.windows.net/", "https://management.azure.com/"}
	}
	domain := c.Domain
	if domain == "" {
		domain = "local.azurestack.external"
	}
	if strings.EqualFold(c.IdentityProvider, "adfs") {
		return []string{"https://management.adfs.azurestack.local/" + stampGUID(c.ID)}
	}
	return []string{"https://management." + domain + "/" + stampGUID(c.ID)}
}

// acceptedAudiences are the token audiences ARM on a cloud accepts, each with and without its
// trailing slash, as ARM lists them in InvalidAuthenticationTokenAudience (e.g.
// 'https://management.core.usgovcloudapi.net/','https://management.core.usgovcloudapi.net',
// 'https://management.usgovcloudapi.net/','https://management.usgovcloudapi.net', as US
// Government's ARM answered an azure-mgmt-securityinsight user). On Azure, whose own ARM
// endpoint https://management.azure.com/ is an audience, armsim's Azure endpoint (base, the
// host the caller used) stands for it: clients that ask a token for the endpoint they call
// (Terraform's azurerm, through go-azure-sdk) get one ARM accepts, as on Azure.
func acceptedAudiences(c *Cloud, base string) []string {
	own := audiences(c)
	if c.Kind == Azure {
		own = append(own, base+"/")
	}
	var out []string
	for _, a := range own {
		out = append(out, a, strings.TrimSuffix(a, "/"))
	}
	return out
}

// stampGUID derives a stable GUID-shaped suffix for a stamp's audience from its id.
func stampGUID(id string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	const hex = "0123456789abcdef"
	b := make([]byte, 0, 36)
	for i := 0; i < 32; i++ {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			b = append(b, '-')
		}
		b = append(b, hex[(h>>(uint(i%16)*4))&0xf])
		if i == 15 {
			h = h*31 + 7
		}
	}
	return string(b)
}
