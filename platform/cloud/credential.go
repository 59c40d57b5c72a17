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
// "adfs") turn instance discovery off, as azidentity requires.
func credential(c Cloud, azc azcloud.Configuration, hc *http.Client) (azcore.TokenCredential, error) {
	cc := c.Credential
	opts := azcore.ClientOptions{Cloud: azc, Transport: hc}
	adfs := strings.EqualFold(cc.TenantID, "adfs") || strings.Contains(strings.ToLower(c.LoginEndpoint), "/adfs")
	switch cc.Type {
	case "static":
		return staticToken{}, nil
	case "client-secret":
		secret := os.Getenv(cc.ClientSecretEnv)
		if secret == "" {
			return nil, fmt.Errorf("credential: environment variable %s (clientSecretEnv) is empty", cc.ClientSecretEnv)
		}
		return azidentity.NewClientSecretCredential(cc.TenantID, cc.ClientID, secret,
			&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: adfs})
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
			&azidentity.ClientCertificateCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: adfs})
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

// staticToken is the credential for armsim, which accepts any bearer token.
type staticToken struct{}

// GetToken returns a fixed token valid for an hour.
func (staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "armsim", ExpiresOn: time.Now().Add(time.Hour)}, nil
}
