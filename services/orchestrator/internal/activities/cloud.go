package activities

import "strings"

// cloudOf returns the cloud of a resource service name or parent: the second segment of
// clouds/{cloud}/...
func cloudOf(name string) string {
	parts := strings.SplitN(name, "/", 3)
	if len(parts) < 2 || parts[0] != "clouds" {
		return ""
	}
	return parts[1]
}
