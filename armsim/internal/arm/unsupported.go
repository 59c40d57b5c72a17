package arm

// unsupportedProperty is a property armsim stores that a kind of cloud refuses when set.
type unsupportedProperty struct {
	path, code, message string
}

// unsupported lists, per kind of cloud and resource kind, the properties the cloud does not
// support. Azure Stack Hub: service endpoints and service endpoint policies are "not yet
// supported" (Azure Stack Hub networking differences); the code is invented, no public
// record of a stamp's answer was found.
var unsupported = map[CloudKind]map[string][]unsupportedProperty{
	AzureStackHub: {
		"subnets": {
			{"properties.serviceEndpoints", "ServiceEndpointsNotSupported", "Azure Stack Hub does not support virtual network service endpoints."},
			{"properties.serviceEndpointPolicies", "ServiceEndpointPoliciesNotSupported", "Azure Stack Hub does not support service endpoint policies."},
		},
	},
}

// refuseUnsupported refuses a kept body that sets a property the cloud does not support;
// prefix is the body's place in the request ("properties.subnets[0]." or "").
func (t *txn) refuseUnsupported(kind string, body map[string]any, prefix string) *Error {
	for _, u := range unsupported[t.cloud().Kind][kind] {
		if nonEmpty(lookupPath(body, u.path)) {
			return badRequest(u.code, prefix+u.path, "%s", u.message)
		}
	}
	return nil
}

// keptElement returns element i of an array of objects in a kept body, or nil.
func keptElement(body map[string]any, path string, i int) map[string]any {
	list, _ := lookupPath(body, path).([]any)
	if i >= len(list) {
		return nil
	}
	m, _ := list[i].(map[string]any)
	return m
}
