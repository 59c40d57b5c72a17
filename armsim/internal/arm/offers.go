package arm

import (
	"net/http"
	"slices"
	"strings"
)

// subscriptionsAPIVersions are the api-versions of ARM's subscription-level routes (the
// subscription and its locations), per cloud kind: Azure's published Microsoft.Resources
// subscriptions versions; Azure Stack Hub's profiles all use 2016-06-01.
var subscriptionsAPIVersions = map[CloudKind][]string{
	Azure:         {"2015-11-01", "2016-06-01", "2018-06-01", "2019-06-01", "2019-11-01", "2020-01-01", "2021-01-01", "2022-12-01"},
	AzureStackHub: {"2016-06-01"},
}

// checkSubscriptionsAPIVersion enforces the api-version of a subscription-level route. ARM
// itself answers these (no resource provider does), with InvalidApiVersionParameter.
func checkSubscriptionsAPIVersion(c *Cloud, version string) *Error {
	if version == "" {
		return errorf(http.StatusBadRequest, "MissingApiVersionParameter",
			"The api-version query parameter (?api-version=) is required for all requests.")
	}
	supported := subscriptionsAPIVersions[c.Kind]
	if slices.Contains(supported, version) {
		return nil
	}
	return errorf(http.StatusBadRequest, "InvalidApiVersionParameter",
		"The api-version '%s' is invalid. The supported versions are '%s'.", version, strings.ReplaceAll(newestFirst(supported), " ", ""))
}

// checkSubscriptionsGet checks a request to a subscription-level route, which answers GET
// only: its api-version first, as checkSubscriptionsAPIVersion does, then its method.
func checkSubscriptionsGet(rq *request) *Error {
	if err := checkSubscriptionsAPIVersion(rq.cloud, rq.apiVersion); err != nil {
		return err
	}
	if rq.method != http.MethodGet {
		return methodNotAllowed(rq.method)
	}
	return nil
}

// serveLocations answers GET /subscriptions/{s}/locations (Subscriptions_ListLocations):
// the cloud's locations, described as the api-version's shape has them (latitude and
// longitude at the top before 2019-11-01, a metadata object since).
func (e *Engine) serveLocations(rq *request) (*response, *Error) {
	if err := checkSubscriptionsGet(rq); err != nil {
		return nil, err
	}
	if len(rq.path.Names) > 0 {
		return nil, errorf(http.StatusNotFound, "InvalidRequestUri", "The request URI '%s' is not a valid Azure Resource Manager path.", rq.rawPath)
	}
	sub := rq.path.Subscription
	values := make([]any, 0, len(rq.cloud.Locations))
	for _, l := range rq.cloud.Locations {
		values = append(values, describeLocation(sub, l, rq.apiVersion))
	}
	return reply(http.StatusOK, map[string]any{"value": values}), nil
}

// describeLocation is one entry of Subscriptions_ListLocations.
func describeLocation(sub, name, version string) map[string]any {
	id := "/subscriptions/" + sub + "/locations/"
	r, known := regions[name]
	if !known {
		r = region{display: name}
	}
	out := map[string]any{"id": id + name, "name": name, "displayName": r.display}
	if version < "2019-11-01" {
		out["subscriptionId"] = sub
		if known {
			out["latitude"], out["longitude"] = r.lat, r.long
		}
		return out
	}
	out["type"] = "Region"
	if !known {
		out["regionalDisplayName"] = r.display
		out["metadata"] = map[string]any{"regionType": "Physical", "regionCategory": "Other"}
		return out
	}
	out["regionalDisplayName"] = "(" + r.group + ") " + r.display
	out["metadata"] = map[string]any{
		"regionType": "Physical", "regionCategory": "Recommended", "geography": r.geography, "geographyGroup": r.group,
		"latitude": r.lat, "longitude": r.long, "physicalLocation": r.physical,
		"pairedRegion": []any{map[string]any{"name": r.paired, "id": id + r.paired}},
	}
	return out
}

// serveComputeLocation answers the Compute provider's location-level reads:
// .../providers/Microsoft.Compute/locations/{l}/vmSizes (VirtualMachineSizes_List) and the
// marketplace image lists below .../locations/{l}/publishers (VirtualMachineImages_*).
func (e *Engine) serveComputeLocation(rq *request) (*response, *Error) {
	p := rq.path
	images := strings.EqualFold(p.Types[1], "publishers")
	typ := "locations/vmSizes"
	if images {
		typ = "locations/publishers"
	}
	if !images && (!strings.EqualFold(p.Types[1], "vmSizes") || len(p.Types) != 2 || len(p.Names) != 1) {
		return nil, invalidResourceType("Microsoft.Compute", strings.Join(p.Types, "/"), rq.apiVersion)
	}
	location := normalizeLocation(p.Names[0])
	if err := checkAPIVersion(rq.cloud, "Microsoft.Compute", rq.apiVersion, typ, location); err != nil {
		return nil, err
	}
	if !contains(rq.cloud.Locations, location) {
		// ARM routes by location: one the provider is not in has no provider to answer
		return nil, noRegisteredProvider(rq.cloud, apiVersions[rq.cloud.Kind]["microsoft.compute"], rq.apiVersion, typ, location)
	}
	if rq.method != http.MethodGet {
		return nil, methodNotAllowed(rq.method)
	}
	if images {
		return e.serveImages(rq, location)
	}
	sizes := vmSizes[rq.cloud.Kind]
	values := make([]any, 0, len(sizes))
	for _, s := range sizes {
		values = append(values, map[string]any{"name": s.name, "numberOfCores": s.cores, "osDiskSizeInMB": osDiskSizeMB,
			"resourceDiskSizeInMB": s.resourceDiskMB, "memoryInMB": s.memoryMB, "maxDataDiskCount": s.disks})
	}
	return reply(http.StatusOK, map[string]any{"value": values}), nil
}

// serveImages answers the marketplace image reads of a location: publishers, a publisher's
// offers, an offer's SKUs, a SKU's versions (each a bare JSON array of {name, location, id},
// as ARM answers them), and one version. $expand, $top and $orderby are not modelled.
func (e *Engine) serveImages(rq *request, location string) (*response, *Error) {
	p := rq.path
	n := len(p.Names) // locations/{l}/publishers/{p}/artifacttypes/vmimage/offers/{o}/skus/{s}/versions/{v}
	want := []string{"locations", "publishers", "artifacttypes", "offers", "skus", "versions"}
	// the reads ARM serves, as (types, names): the four lists and one version
	served := map[[2]int]bool{{2, 1}: true, {4, 3}: true, {5, 4}: true, {6, 5}: true, {6, 6}: true}
	ok := served[[2]int{len(p.Types), n}] && (n < 3 || strings.EqualFold(p.Names[2], "vmimage"))
	for i := 0; ok && i < len(p.Types); i++ {
		ok = strings.EqualFold(p.Types[i], want[i])
	}
	if !ok {
		return nil, invalidResourceType("Microsoft.Compute", strings.Join(p.Types, "/"), rq.apiVersion)
	}
	all := images[rq.cloud.Kind]
	match := func(i int, img image) bool {
		fields := []string{img.publisher, "vmimage", img.offer, img.sku}
		return i >= n-1 || strings.EqualFold(fields[i], p.Names[i+1])
	}
	var found []image
	for _, img := range all {
		if match(0, img) && match(1, img) && match(2, img) && match(3, img) {
			found = append(found, img)
		}
	}
	if len(found) == 0 && n >= 2 {
		if !slices.ContainsFunc(all, func(img image) bool { return strings.EqualFold(img.publisher, p.Names[1]) }) {
			return nil, errorf(http.StatusNotFound, "NotFound", "Publisher: %s was not found.", p.Names[1])
		}
		return nil, errorf(http.StatusNotFound, "NotFound", "Artifact: VMImage was not found.")
	}
	base := "/Subscriptions/" + p.Subscription + "/Providers/Microsoft.Compute/Locations/" + location + "/Publishers/"
	entry := func(name, id string) map[string]any {
		return map[string]any{"name": name, "location": location, "id": id}
	}
	var out []any
	seen := map[string]bool{}
	add := func(name, id string) {
		if !seen[strings.ToLower(name)] {
			seen[strings.ToLower(name)] = true
			out = append(out, entry(name, id))
		}
	}
	for _, img := range found {
		offer := base + img.publisher + "/ArtifactTypes/VMImage/Offers/" + img.offer
		switch len(p.Types) {
		case 2:
			add(img.publisher, base+img.publisher)
		case 4:
			add(img.offer, offer)
		case 5:
			add(img.sku, offer+"/Skus/"+img.sku)
		case 6:
			for _, v := range img.versions {
				if n == 5 {
					add(v, offer+"/Skus/"+img.sku+"/Versions/"+v)
				} else if v == p.Names[5] {
					return reply(http.StatusOK, imageVersion(entry(v, offer+"/Skus/"+img.sku+"/Versions/"+v), img)), nil
				}
			}
		}
	}
	if n == 6 {
		return nil, errorf(http.StatusNotFound, "NotFound", "Artifact: VMImage was not found.")
	}
	if out == nil {
		out = []any{}
	}
	return reply(http.StatusOK, out), nil
}

// imageVersion is VirtualMachineImages_Get's answer: the version with its OS and generation.
func imageVersion(v map[string]any, img image) map[string]any {
	os, gen := "Linux", "V1"
	if img.windows {
		os = "Windows"
	}
	if img.gen2 {
		gen = "V2"
	}
	v["properties"] = map[string]any{"osDiskImage": map[string]any{"operatingSystem": os}, "hyperVGeneration": gen,
		"architecture": "x64", "dataDiskImages": []any{}}
	return v
}
