package arm

import "strings"

// metadata answers GET /metadata/endpoints the way Azure and Azure Stack Hub stamps do, so
// clients can discover the login endpoint and token audience of a stamp from its ARM URL.
// api-version 2015-01-01 gets the classic shape; later versions the named-cloud shape.
func (e *Engine) metadata(c *Cloud, base, version string) any {
	login, audience, tenant := "https://login.microsoftonline.com/", "https://management.core.windows.net/", "common"
	if c.Kind == AzureStackHub {
		domain := c.Domain
		if domain == "" {
			domain = "local.azurestack.external"
		}
		audience = "https://management." + domain + "/" + stampGUID(c.ID)
		if strings.EqualFold(c.IdentityProvider, "adfs") {
			login, tenant = "https://adfs."+domain+"/adfs/", "adfs"
			audience = "https://management.adfs.azurestack.local/" + stampGUID(c.ID)
		}
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
	}
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
