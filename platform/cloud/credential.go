package cloud

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azcloud "github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// credential builds the credential a cloud's configuration names. AD FS stamps (tenant
// "adfs"), and directories on hosts other than Microsoft's public ones, turn instance
// discovery off, as azidentity requires: discovery would ask login.microsoftonline.com
// about a host it does not know.
func credential(c Cloud, azc azcloud.Configuration, hc *http.Client) (azcore.TokenCredential, error) {
	cc := c.Credential
	opts := azcore.ClientOptions{Cloud: azc, Transport: hc}
	adfs := strings.EqualFold(cc.TenantID, "adfs") || strings.Contains(strings.ToLower(c.LoginEndpoint), "/adfs")
	private := adfs || !microsoftAuthority(c.LoginEndpoint)
	switch cc.Type {
	case "static":
		return staticToken{}, nil
	case "client-secret":
		secret, err := clientSecret(cc)
		if err != nil {
			return nil, err
		}
		return azidentity.NewClientSecretCredential(cc.TenantID, cc.ClientID, secret,
			&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: private})
	case "client-certificate":
		data, err := os.ReadFile(cc.CertificateFile)
		if err != nil {
			return nil, fmt.Errorf("credential: certificateFile: %w", err)
		}
		var password []byte
		if cc.CertificatePasswordEnv != "" {
			password = []byte(os.Getenv(cc.CertificatePasswordEnv))
		}
		certs, key, err := azidentity.ParseCertificates(data, password)
		if err != nil {
			return nil, fmt.Errorf("credential: certificateFile %s: %w", cc.CertificateFile, err)
		}
		return azidentity.NewClientCertificateCredential(cc.TenantID, cc.ClientID, certs, key,
			&azidentity.ClientCertificateCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: private})
	case "managed-identity":
		o := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: opts}
		if cc.ClientID != "" {
			o.ID = azidentity.ClientID(cc.ClientID)
		}
		return azidentity.NewManagedIdentityCredential(o)
	case "azure-cli":
		return azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: cc.TenantID})
	}
	return nil, fmt.Errorf("credential: unknown type %q", cc.Type)
}

// microsoftAuthority reports whether login is the directory of one of Microsoft's own
// clouds (public, US Government, China), which instance discovery knows.
func microsoftAuthority(login string) bool {
	for _, c := range []azcloud.Configuration{azcloud.AzurePublic, azcloud.AzureGovernment, azcloud.AzureChina} {
		if strings.EqualFold(strings.TrimSuffix(login, "/"), strings.TrimSuffix(c.ActiveDirectoryAuthorityHost, "/")) {
			return true
		}
	}
	return false
}

// clientSecret reads a client-secret credential's secret from its environment variable or
// its file.
func clientSecret(cc Credential) (string, error) {
	if cc.ClientSecretFile != "" {
		b, err := os.ReadFile(cc.ClientSecretFile)
		if err != nil {
			return "", fmt.Errorf("credential: clientSecretFile: %w", err)
		}
		if s := strings.TrimSpace(string(b)); s != "" {
			return s, nil
		}
		return "", fmt.Errorf("credential: clientSecretFile %s is empty", cc.ClientSecretFile)
	}
	if s := os.Getenv(cc.ClientSecretEnv); s != "" {
		return s, nil
	}
	return "", fmt.Errorf("credential: environment variable %s (clientSecretEnv) is empty", cc.ClientSecretEnv)
}

// staticToken is the credential for armsim, which accepts any bearer token.
type staticToken struct{}

// GetToken returns a fixed token valid for an hour.
func (staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "armsim", ExpiresOn: time.Now().Add(time.Hour)}, nil
}
