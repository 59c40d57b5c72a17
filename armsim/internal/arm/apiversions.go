package arm

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// apiVersions lists, per cloud kind and lower-case provider namespace, the api-versions the
// cloud's resource providers accept.
//
// Azure Stack Hub accepts only the versions of its profiles (2020-09-01-hybrid: network
// 2018-11-01, compute 2020-06-01, resources 2019-10-01; earlier hybrid profiles: network
// 2017-10-01, compute 2017-12-01, resources 2018-05-01, and the dated versions between).
// Azure accepts the published versions, down to old ones still served (resources from
// 2016-09-01, network's first, 2015-06-15, which az's vpn-connection template still
// names, as azure-rest-api-specs publishes them and older clients such as Debian's az
// CLI send them), up to what the current SDK modules send (armnetwork v9: 2025-05-01, armcompute v8: 2026-04-01,
// armresources v3: 2025-04-01).
var apiVersions = map[CloudKind]map[string][]string{
	AzureStackHub: {
		"microsoft.network":   {"2017-10-01", "2017-11-01", "2018-01-01", "2018-02-01", "2018-04-01", "2018-06-01", "2018-07-01", "2018-08-01", "2018-10-01", "2018-11-01"},
		"microsoft.compute":   {"2017-03-30", "2017-12-01", "2018-04-01", "2018-06-01", "2018-10-01", "2019-03-01", "2019-07-01", "2019-12-01", "2020-06-01"},
		"microsoft.resources": {"2016-06-01", "2016-09-01", "2018-02-01", "2018-05-01", "2019-05-01", "2019-10-01"},
	},
	Azure: {
		"microsoft.network": {"2015-06-15", "2018-11-01", "2019-11-01", "2020-11-01", "2021-08-01", "2022-07-01", "2022-09-01",
			"2023-02-01", "2023-04-01", "2023-05-01", "2023-06-01", "2023-09-01", "2023-11-01", "2024-01-01",
			"2024-03-01", "2024-05-01", "2024-07-01", "2024-10-01", "2025-01-01", "2025-03-01", "2025-05-01"},
		"microsoft.compute": {"2020-06-01", "2021-03-01", "2021-07-01", "2021-11-01", "2022-03-01", "2022-08-01",
			"2022-11-01", "2023-03-01", "2023-07-01", "2023-09-01", "2024-03-01", "2024-07-01", "2024-11-01",
			"2025-04-01", "2025-11-01", "2026-03-02", "2026-03-03", "2026-04-01"},
		"microsoft.resources": {"2016-09-01", "2017-05-10", "2018-02-01", "2018-05-01", "2019-05-01", "2019-10-01",
			"2020-06-01", "2020-10-01", "2021-01-01", "2021-04-01", "2022-09-01", "2023-07-01", "2024-03-01",
			"2024-07-01", "2024-11-01", "2025-03-01", "2025-04-01"},
	},
}

// typeAPIVersions are the api-versions of the resource types whose provider versions them
// apart from the rest of its namespace (lower-case "namespace/type"): Compute's disks (its
// DiskRP, azure-rest-api-specs' Microsoft.Compute/DiskRP/stable; the stamp's are those of
// its hybrid profiles, 2020-09-01-hybrid's 2019-07-01 the newest) and its ResourceSkus_List
// (the stamp's, those of its compute profiles that publish it).
var typeAPIVersions = map[CloudKind]map[string][]string{
	AzureStackHub: {
		"microsoft.compute/disks": {"2017-03-30", "2018-06-01", "2019-07-01"},
		"microsoft.compute/skus":  {"2017-09-01", "2019-04-01"},
	},
	Azure: {
		"microsoft.compute/disks": {"2019-07-01", "2020-06-30", "2020-12-01", "2021-04-01", "2021-08-01", "2021-12-01",
			"2022-03-02", "2022-07-02", "2023-01-02", "2023-04-02", "2023-10-02", "2024-03-02", "2025-01-02", "2026-03-02"},
		"microsoft.compute/skus": {"2017-09-01", "2019-04-01", "2021-07-01"},
	},
}

// versionsOf are the api-versions a cloud accepts for a resource type of a namespace.
func versionsOf(k CloudKind, namespace, typ string) []string {
	if vs, ok := typeAPIVersions[k][strings.ToLower(namespace+"/"+typ)]; ok {
		return vs
	}
	return apiVersions[k][strings.ToLower(namespace)]
}

var apiVersionForm = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(-preview)?$`)

// checkAPIVersion enforces the api-version of a request to a resource type of a provider
// namespace on a cloud; location only shapes the error message, as ARM's does.
func checkAPIVersion(c *Cloud, namespace, version, typ, location string) *Error {
	if version == "" {
		return errorf(http.StatusBadRequest, "MissingApiVersionParameter",
			"The api-version query parameter (?api-version=) is required for all requests.")
	}
	supported := versionsOf(c.Kind, namespace, typ)
	if !apiVersionForm.MatchString(version) {
		return errorf(http.StatusBadRequest, "InvalidApiVersionParameter",
			"The api-version '%s' is invalid. The supported versions are '%s'.", version, newestFirst(supported))
	}
	for _, v := range supported {
		if v == version {
			return nil
		}
	}
	return noRegisteredProvider(c, supported, version, typ, location)
}

// noRegisteredProvider is ARM's answer when no provider serves a type at a location and
// api-version: the version is not supported, or the location is not the cloud's.
func noRegisteredProvider(c *Cloud, supported []string, version, typ, location string) *Error {
	if location == "" {
		location = c.Locations[0]
	}
	return errorf(http.StatusBadRequest, "NoRegisteredProviderFound",
		"No registered resource provider found for location '%s' and API version '%s' for type '%s'. The supported api-versions are '%s'. The supported locations are '%s'.",
		location, version, typ, newestFirst(supported), strings.Join(c.Locations, ", "))
}

func newestFirst(vs []string) string {
	out := append([]string(nil), vs...)
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return strings.Join(out, ", ")
}
