// Package names parses and builds the suite's resource names,
// clouds/{cloud}/resourceGroups/{resource_group}/{collection}/{id}/..., and maps them to and
// from ARM resource IDs. Every name a caller sends is parsed here before it is used.
package names

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Segment is one collection/id pair below a resource group.
type Segment struct {
	Collection, ID string
}

// Name is a parsed resource name.
type Name struct {
	Cloud         string
	ResourceGroup string
	Path          []Segment
}

// MaxName is the longest name Parse takes: clouds/{cloud}/resourceGroups/{resource_group}
// and two collections below it, each part at its longest, come to about 400 bytes.
const MaxName = 512

var (
	cloudRule = regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`)
	// ARM resource group names: 1-90 word characters, '-', '.', '(' and ')', not ending in '.'.
	groupRule = regexp.MustCompile(`^[-\w.()]{1,90}$`)
	// Network and Compute names: 1-80 characters, starting with a letter or digit, ending
	// with a letter, digit or '_', with '.', '-' and '_' between.
	resourceRule = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._-]{0,78}[A-Za-z0-9_])?$`)
)

// Parse parses a name of the given shape: collections lists the collection ids below the
// resource group ("virtualNetworks", "subnets"); none for a resource group itself. The error
// says what is wrong in words a caller can act on.
func Parse(name string, collections ...string) (Name, error) {
	want := "clouds/{cloud}/resourceGroups/{resource_group}"
	for _, c := range collections {
		want += "/" + c + "/{" + c + "}"
	}
	parts := strings.Split(name, "/")
	if len(parts) != 4+2*len(collections) || parts[0] != "clouds" || parts[2] != "resourceGroups" {
		return Name{}, fmt.Errorf("%s is not of the form %s", quote(name), want)
	}
	n := Name{Cloud: parts[1], ResourceGroup: parts[3]}
	if err := CheckCloud(n.Cloud); err != nil {
		return Name{}, err
	}
	if err := CheckResourceGroup(n.ResourceGroup); err != nil {
		return Name{}, err
	}
	for i, c := range collections {
		col, id := parts[4+2*i], parts[5+2*i]
		if col != c {
			return Name{}, fmt.Errorf("%s is not of the form %s", quote(name), want)
		}
		if err := CheckID(id); err != nil {
			return Name{}, err
		}
		n.Path = append(n.Path, Segment{Collection: col, ID: id})
	}
	return n, nil
}

// ParseCloud parses clouds/{cloud}, the parent of resource groups.
func ParseCloud(parent string) (string, error) {
	cloud, ok := strings.CutPrefix(parent, "clouds/")
	if !ok || strings.Contains(cloud, "/") {
		return "", fmt.Errorf("%s is not of the form clouds/{cloud}", quote(parent))
	}
	return cloud, CheckCloud(cloud)
}

// CheckCloud checks a cloud id's form (whether it is configured is the cloud registry's call).
func CheckCloud(id string) error {
	if !cloudRule.MatchString(id) {
		return fmt.Errorf("cloud %s must be lower-case letters, digits and '-', starting with a letter", quote(id))
	}
	return nil
}

// CheckResourceGroup checks a resource group name against ARM's rule.
func CheckResourceGroup(id string) error {
	if !groupRule.MatchString(id) || strings.HasSuffix(id, ".") {
		return fmt.Errorf("resource group %s must be 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'", quote(id))
	}
	return nil
}

// CheckID checks a Network or Compute resource name against Azure's rule.
func CheckID(id string) error {
	if !resourceRule.MatchString(id) {
		return fmt.Errorf("%s must be 1-80 letters, digits, '.', '-' or '_', starting with a letter or digit and ending with a letter, digit or '_'", quote(id))
	}
	return nil
}

// ResourceGroupName returns clouds/{cloud}/resourceGroups/{resource_group}.
func (n Name) ResourceGroupName() string {
	return "clouds/" + n.Cloud + "/resourceGroups/" + n.ResourceGroup
}

// String returns the name.
func (n Name) String() string {
	var b strings.Builder
	b.WriteString(n.ResourceGroupName())
	for _, s := range n.Path {
		b.WriteString("/" + s.Collection + "/" + s.ID)
	}
	return b.String()
}

// ID returns the last segment's id (the resource's ARM name).
func (n Name) ID() string {
	if len(n.Path) == 0 {
		return n.ResourceGroup
	}
	return n.Path[len(n.Path)-1].ID
}

// Child returns the name of a resource below n.
func (n Name) Child(collection, id string) Name {
	c := Name{Cloud: n.Cloud, ResourceGroup: n.ResourceGroup, Path: append(append([]Segment(nil), n.Path...), Segment{collection, id})}
	return c
}

// Parent returns the name of the resource n is below: its resource group's for a resource
// right below one.
func (n Name) Parent() Name {
	return Name{Cloud: n.Cloud, ResourceGroup: n.ResourceGroup, Path: n.Path[:len(n.Path)-1]}
}

// ARMID returns the ARM resource ID of the name in a subscription, under a provider
// namespace (Microsoft.Network, Microsoft.Compute).
func (n Name) ARMID(subscription, namespace string) string {
	var b strings.Builder
	b.WriteString("/subscriptions/" + subscription + "/resourceGroups/" + n.ResourceGroup)
	if len(n.Path) > 0 {
		b.WriteString("/providers/" + namespace)
	}
	for _, s := range n.Path {
		b.WriteString("/" + s.Collection + "/" + s.ID)
	}
	return b.String()
}

// FromARMID maps an ARM resource ID to the suite's name on a cloud. ARM compares paths
// case-insensitively and may answer with another case than it was sent: collections are
// given their canonical spelling from known, a map from lower-case to canonical.
func FromARMID(cloud, id string, known map[string]string) (Name, error) {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	if len(parts) < 4 || !strings.EqualFold(parts[0], "subscriptions") || !strings.EqualFold(parts[2], "resourceGroups") {
		return Name{}, fmt.Errorf("%s is not an ARM resource ID", quote(id))
	}
	n := Name{Cloud: cloud, ResourceGroup: parts[3]}
	rest := parts[4:]
	if len(rest) == 0 {
		return n, nil
	}
	if len(rest) < 4 || !strings.EqualFold(rest[0], "providers") || len(rest)%2 != 0 {
		return Name{}, fmt.Errorf("%s is not an ARM resource ID", quote(id))
	}
	for i := 2; i+1 < len(rest); i += 2 {
		col := rest[i]
		if c, ok := known[strings.ToLower(col)]; ok {
			col = c
		}
		n.Path = append(n.Path, Segment{Collection: col, ID: rest[i+1]})
	}
	return n, nil
}

// quote quotes s for an error message, or, when s is longer than any name, gives its length
// instead: an error never repeats megabytes a caller sent.
func quote(s string) string {
	if len(s) > MaxName {
		return fmt.Sprintf("a name of %d bytes", len(s))
	}
	return strconv.Quote(s)
}
