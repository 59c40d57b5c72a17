package arm

import (
	"net/url"
	"strings"
)

// path is a parsed ARM request path. ARM compares every segment case-insensitively; the
// segments keep the caller's spelling for resources being created.
type path struct {
	Subscription  string
	ResourceGroup string // empty for subscription-level paths
	Namespace     string // provider namespace, e.g. Microsoft.Network
	// Types and Names alternate below the provider: virtualNetworks/{vnet}/subnets/{subnet}.
	// len(Names) == len(Types) for a resource, len(Types)-1 for a collection.
	Types []string
	Names []string
	// Action is a trailing segment after a resource (instanceView, sharedkey, start, ...).
	Action string
}

// parsePath splits /subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}/...
// It returns ok=false for paths that are not ARM resource paths.
func parsePath(p string) (path, bool) {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i, s := range segs {
		u, err := url.PathUnescape(s)
		if err != nil || u == "" {
			return path{}, false
		}
		segs[i] = u
	}
	var out path
	if len(segs) < 2 || !strings.EqualFold(segs[0], "subscriptions") {
		return path{}, false
	}
	out.Subscription = segs[1]
	rest := segs[2:]
	if len(rest) >= 1 && strings.EqualFold(rest[0], "resourceGroups") {
		if len(rest) == 1 {
			out.Types = []string{"resourceGroups"}
			return out, true
		}
		out.ResourceGroup = rest[1]
		rest = rest[2:]
		if len(rest) == 0 {
			return out, true
		}
	}
	if len(rest) == 0 {
		return out, true
	}
	if len(rest) == 1 && (strings.EqualFold(rest[0], "providers") || strings.EqualFold(rest[0], "resources")) {
		// the subscription's or group's provider list and generic resource list
		out.Types = []string{rest[0]}
		return out, true
	}
	if !strings.EqualFold(rest[0], "providers") {
		// subscription-level operationresults and similar: keep as types.
		if out.ResourceGroup == "" && len(rest) <= 2 {
			out.Types = []string{rest[0]}
			if len(rest) == 2 {
				out.Names = []string{rest[1]}
			}
			return out, true
		}
		return path{}, false
	}
	if len(rest) < 2 {
		return path{}, false
	}
	out.Namespace = rest[1]
	rest = rest[2:]
	for i := 0; i < len(rest); i += 2 {
		out.Types = append(out.Types, rest[i])
		if i+1 < len(rest) {
			out.Names = append(out.Names, rest[i+1])
		}
	}
	return out, true
}

// isCollection reports whether the path names a collection rather than one resource.
func (p path) isCollection() bool { return len(p.Names) < len(p.Types) }

// resourceGroupID returns the canonical resource group ID of the path.
func (p path) resourceGroupID() string {
	return "/subscriptions/" + p.Subscription + "/resourceGroups/" + p.ResourceGroup
}

// key returns the case-folded lookup key of a resource ID on one cloud.
func key(cloud, id string) string { return cloud + "|" + strings.ToLower(id) }

// lastSegment returns the last path segment of an ID.
func lastSegment(id string) string {
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		return id[i+1:]
	}
	return id
}

// resourceGroupOf returns the resource group name inside an ID, or "".
func resourceGroupOf(id string) string {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		if strings.EqualFold(segs[i], "resourceGroups") {
			return segs[i+1]
		}
	}
	return ""
}

// subscriptionOf returns the subscription id inside an ID, or "".
func subscriptionOf(id string) string {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	if len(segs) >= 2 && strings.EqualFold(segs[0], "subscriptions") {
		return segs[1]
	}
	return ""
}

// parentID returns the ID without its last type/name pair.
func parentID(id string) string {
	id = strings.TrimRight(id, "/")
	for n := 0; n < 2; n++ {
		i := strings.LastIndexByte(id, '/')
		if i < 0 {
			return ""
		}
		id = id[:i]
	}
	return id
}
