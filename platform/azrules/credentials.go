package azrules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hybridlink/hybridlink/platform/apierr"
)

// usernameRule is the characters of an admin user name.
var usernameRule = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]*$`)

// Account is a VM's admin account as a request gives it.
type Account interface {
	GetAdminUsername() string
	GetAdminPassword() string
	GetSshPublicKeys() []string
}

// CheckCredentials checks the admin account a of a VM whose fields are below field: a user
// name Azure accepts, and a password or SSH keys. Descriptions never quote the password.
func CheckCredentials(v *apierr.Violations, field string, a Account, windows bool) {
	user := a.GetAdminUsername()
	maxUser := 64
	if windows {
		maxUser = 20
	}
	switch {
	case user == "":
		v.Add(field+".admin_username", "required")
	case ReservedUsernames[strings.ToLower(user)]:
		v.Add(field+".admin_username", "%q is a name Azure reserves (such as admin, administrator, root, guest, test or user); pick another", user)
	case len(user) > maxUser || !usernameRule.MatchString(user) || strings.HasSuffix(user, "."):
		v.Add(field+".admin_username", "%q must be 1-%d letters, digits, '.', '-' and '_', not starting with '.' or '-' and not ending with '.'", user, maxUser)
	}
	password, keys := a.GetAdminPassword(), a.GetSshPublicKeys()
	switch {
	case windows && len(keys) > 0:
		v.Add(field+".ssh_public_keys", "SSH keys are for Linux images; a Windows image needs admin_password")
	case password == "" && len(keys) == 0 && windows:
		v.Add(field+".admin_password", "required for a Windows image")
	case password == "" && len(keys) == 0:
		v.Add(field+".admin_password", "required unless ssh_public_keys are given")
	}
	if password != "" {
		lo, hi, family := 6, 72, "Linux"
		if windows {
			lo, hi, family = 8, 123, "Windows"
		}
		if len(password) < lo || len(password) > hi || PasswordClasses(password) < 3 {
			v.Add(field+".admin_password", "the password must be %d-%d characters (%s image) with at least 3 of: an upper-case letter, a lower-case letter, a digit, a special character; control characters are not allowed", lo, hi, family)
		}
	}
	if windows {
		return
	}
	for i, k := range keys {
		if !strings.HasPrefix(k, "ssh-") && !strings.HasPrefix(k, "ecdsa-") {
			v.Add(fmt.Sprintf("%s.ssh_public_keys[%d]", field, i), "not an OpenSSH public key: it must start with ssh- (ssh-rsa, ssh-ed25519) or ecdsa-")
		}
	}
}
