package armsim_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azcloud "github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/hybridlink/hybridlink/armsim"
)

// strictClouds are the default clouds with strict authentication: a token from the cloud's
// directory is required. The stamp's directory is AD FS.
func strictClouds(principals ...armsim.Principal) []armsim.CloudConfig {
	clouds := freeClouds()
	for i := range clouds {
		clouds[i].StrictAuth, clouds[i].Principals = true, principals
	}
	clouds[1].IdentityProvider = "adfs"
	return clouds
}

// directory is the azcore cloud configuration of one armsim cloud with its own directory as
// the authority, as its metadata endpoint names it.
func directory(sim *armsim.Sim, cloudID, audience string) azcore.ClientOptions {
	authority := sim.Endpoints[cloudID] + "/"
	if cloudID == "azure-stack-hub" { // strictClouds makes the stamp's directory AD FS
		authority += "adfs/"
	}
	return azcore.ClientOptions{Transport: sim.HTTPClient(), Cloud: azcloud.Configuration{
		ActiveDirectoryAuthorityHost: authority,
		Services: map[azcloud.ServiceName]azcloud.ServiceConfiguration{
			azcloud.ResourceManager: {Endpoint: sim.Endpoints[cloudID], Audience: audience},
		},
	}}
}

// tenantOf is the tenant a client names to a cloud's directory: AD FS's is adfs.
func tenantOf(sim *armsim.Sim, cloudID string) string {
	if cloudID == "azure-stack-hub" {
		return "adfs"
	}
	return sim.Tenants[cloudID]
}

// token gets an access token from a cloud's directory with azidentity's client secret
// credential, for a scope.
func token(t *testing.T, sim *armsim.Sim, cloudID, clientID, secret, scope string) (string, error) {
	t.Helper()
	cred, err := azidentity.NewClientSecretCredential(tenantOf(sim, cloudID), clientID, secret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: directory(sim, cloudID, ""), DisableInstanceDiscovery: true})
	must(t, err)
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{scope}})
	return tok.Token, err
}

const azureScope = "https://management.core.windows.net//.default"

// TestIdentityClientSecret: on a strict cloud, the SDK logs in with a service principal's
// secret against the cloud's own directory and ARM accepts its token; ARM refuses every
// token its directory did not issue for it, in ARM's words.
func TestIdentityClientSecret(t *testing.T) {
	sim := startSim(t, armsim.Config{Clouds: strictClouds(armsim.Principal{ClientID: armsim.DefaultClientID, Secret: "s3cret"})})
	cred, err := azidentity.NewClientSecretCredential(sim.Tenants["azure"], armsim.DefaultClientID, "s3cret",
		&azidentity.ClientSecretCredentialOptions{ClientOptions: directory(sim, "azure", "https://management.core.windows.net/"), DisableInstanceDiscovery: true})
	must(t, err)
	opts := clientOptions(sim, "azure")
	opts.Cloud = directory(sim, "azure", "https://management.core.windows.net/").Cloud
	groups, err := armresources.NewResourceGroupsClient(sub, cred, opts)
	must(t, err)
	if _, err := groups.CreateOrUpdate(ctx, "rg-id", armresources.ResourceGroup{Location: to("eastus")}, nil); err != nil {
		t.Fatalf("a group with a token from the directory: %v", err)
	}

	good, err := token(t, sim, "azure", armsim.DefaultClientID, "s3cret", azureScope)
	must(t, err)
	graph, err := token(t, sim, "azure", armsim.DefaultClientID, "s3cret", "https://graph.microsoft.com/.default")
	must(t, err)
	// as go-azure-sdk (Terraform's azurerm) asks: for the endpoint it calls, no trailing slash
	endpoint, err := token(t, sim, "azure", armsim.DefaultClientID, "s3cret", sim.Endpoints["azure"]+"/.default")
	must(t, err)
	// the stamp's directory signs with its own key, even for Azure's audience
	foreign, err := token(t, sim, "azure-stack-hub", armsim.DefaultClientID, "s3cret", azureScope)
	must(t, err)
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + strings.TrimRight(parts[1], "A") + "B." + parts[2]
	for _, tc := range []struct {
		name, token, code string
	}{
		{"issued", good, ""},
		{"issued for the endpoint itself", endpoint, ""},
		{"not a JWT", "x", "InvalidAuthenticationToken"},
		{"claims changed", tampered, "InvalidAuthenticationToken"},
		{"another directory's", foreign, "InvalidAuthenticationToken"},
		{"wrong audience", graph, "InvalidAuthenticationTokenAudience"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := raw(t, sim, "azure", http.MethodGet, groupPath("rg-id")+"?api-version="+resourcesAPI, nil, "Authorization", "Bearer "+tc.token)
			if tc.code == "" {
				if r.status != http.StatusOK {
					t.Fatalf("want 200, got %d %s", r.status, r.body)
				}
				return
			}
			r.wantError(t, http.StatusUnauthorized, tc.code)
			if !strings.Contains(r.header.Get("WWW-Authenticate"), sim.Endpoints["azure"]) {
				t.Errorf("the challenge names the cloud's directory: %q", r.header.Get("WWW-Authenticate"))
			}
		})
	}

	for _, tc := range []struct {
		name, tenant, client, secret, code string
		status                             int
	}{
		{"wrong secret", sim.Tenants["azure"], armsim.DefaultClientID, "nope", "invalid_client", http.StatusUnauthorized},
		{"unknown client", sim.Tenants["azure"], "00000000-0000-0000-0000-00000000dead", "s3cret", "unauthorized_client", http.StatusBadRequest},
		{"unknown tenant", "00000000-0000-0000-0000-00000000beef", armsim.DefaultClientID, "s3cret", "invalid_request", http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"grant_type": {"client_credentials"}, "client_id": {tc.client}, "client_secret": {tc.secret}, "scope": {azureScope}}
			r := raw(t, sim, "azure", http.MethodPost, "/"+tc.tenant+"/oauth2/v2.0/token", []byte(form.Encode()),
				"Content-Type", "application/x-www-form-urlencoded", "Authorization", "")
			var e struct{ Error, ErrorDescription string }
			_ = json.Unmarshal(r.body, &struct {
				Error            *string `json:"error"`
				ErrorDescription *string `json:"error_description"`
			}{&e.Error, &e.ErrorDescription})
			if r.status != tc.status || e.Error != tc.code || !strings.HasPrefix(e.ErrorDescription, "AADSTS") {
				t.Fatalf("want %d %s, got %d %s", tc.status, tc.code, r.status, r.body)
			}
		})
	}
}

// TestIdentityExpiredToken: a token used after its expiry is ExpiredAuthenticationToken.
func TestIdentityExpiredToken(t *testing.T) {
	sim := startSim(t, armsim.Config{Clouds: strictClouds(), TokenLifetime: armsim.Duration(time.Second)})
	tok, err := token(t, sim, "azure", armsim.DefaultClientID, armsim.DefaultClientSecret, azureScope)
	must(t, err)
	path := "/subscriptions/" + sub + "/resourcegroups?api-version=" + resourcesAPI
	if r := raw(t, sim, "azure", http.MethodGet, path, nil, "Authorization", "Bearer "+tok); r.status != http.StatusOK {
		t.Fatalf("a fresh token: %d %s", r.status, r.body)
	}
	time.Sleep(1100 * time.Millisecond)
	e := raw(t, sim, "azure", http.MethodGet, path, nil, "Authorization", "Bearer "+tok).wantError(t, http.StatusUnauthorized, "ExpiredAuthenticationToken")
	if !strings.Contains(e.Message, "is earlier than current UTC time") {
		t.Errorf("message: %s", e.Message)
	}
}

// TestIdentityClientCertificate: a principal with a certificate logs in with a client
// assertion signed by its key, on Entra ID's and on AD FS's endpoints; an assertion
// signed by another key is refused.
func TestIdentityClientCertificate(t *testing.T) {
	cert, key := selfSigned(t)
	otherCert, otherKey := selfSigned(t)
	certPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
	sim := startSim(t, armsim.Config{Clouds: strictClouds(armsim.Principal{ClientID: armsim.DefaultClientID, Certificate: certPEM})})
	stampAudience := "https://management.adfs.azurestack.local/"
	md := raw(t, sim, "azure-stack-hub", http.MethodGet, "/metadata/endpoints?api-version=2015-01-01", nil, "Authorization", "")
	var meta struct {
		Authentication struct {
			LoginEndpoint string
			Audiences     []string
		}
	}
	must(t, json.Unmarshal(md.body, &meta))
	if meta.Authentication.LoginEndpoint != sim.Endpoints["azure-stack-hub"]+"/adfs" || !strings.HasPrefix(meta.Authentication.Audiences[0], stampAudience) {
		t.Fatalf("the AD FS stamp's metadata: %s", md.body)
	}
	for _, tc := range []struct {
		name, cloud, audience string
		cert                  *x509.Certificate
		key                   *rsa.PrivateKey
		ok                    bool
	}{
		{"Entra ID", "azure", "https://management.core.windows.net/", cert, key, true},
		{"AD FS", "azure-stack-hub", meta.Authentication.Audiences[0], cert, key, true},
		{"another certificate", "azure", "https://management.core.windows.net/", otherCert, otherKey, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := azidentity.NewClientCertificateCredential(tenantOf(sim, tc.cloud), armsim.DefaultClientID, []*x509.Certificate{tc.cert}, tc.key,
				&azidentity.ClientCertificateCredentialOptions{ClientOptions: directory(sim, tc.cloud, tc.audience), DisableInstanceDiscovery: true})
			must(t, err)
			tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{tc.audience + "/.default"}})
			if !tc.ok {
				var auth *azidentity.AuthenticationFailedError
				if !errors.As(err, &auth) || !strings.Contains(err.Error(), "AADSTS700027") {
					t.Fatalf("an assertion signed by another key: %v", err)
				}
				return
			}
			must(t, err)
			r := raw(t, sim, tc.cloud, http.MethodGet, "/subscriptions/"+sub+"/resourcegroups?api-version=2019-10-01", nil, "Authorization", "Bearer "+tok.Token)
			if r.status != http.StatusOK {
				t.Fatalf("a certificate principal's token: %d %s", r.status, r.body)
			}
		})
	}
}

// selfSigned makes a service principal's certificate and key.
func selfSigned(t *testing.T) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "armsim-sp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(t, err)
	cert, err := x509.ParseCertificate(der)
	must(t, err)
	return cert, key
}

// TestThrottlingPerPrincipal: on a strict cloud each principal has its own request budget
// in a subscription, as ARM's are scoped; one principal's 429 leaves another's untouched.
func TestThrottlingPerPrincipal(t *testing.T) {
	const other = "00000000-0000-0000-0000-0000000000c2"
	sim := startSim(t, armsim.Config{Clouds: strictClouds(armsim.Principal{ClientID: armsim.DefaultClientID, Secret: "a"}, armsim.Principal{ClientID: other, Secret: "b"}),
		Throttle: armsim.Throttle{Enabled: true, ReadBurst: 3, ReadRate: 0.01, WriteBurst: 3, WriteRate: 0.01}})
	first, err := token(t, sim, "azure", armsim.DefaultClientID, "a", azureScope)
	must(t, err)
	second, err := token(t, sim, "azure", other, "b", azureScope)
	must(t, err)
	path := "/subscriptions/" + sub + "/resourcegroups?api-version=" + resourcesAPI
	for i := 0; i < 3; i++ {
		if r := raw(t, sim, "azure", http.MethodGet, path, nil, "Authorization", "Bearer "+first); r.status != http.StatusOK {
			t.Fatalf("read %d within the budget: %d %s", i, r.status, r.body)
		}
	}
	e := raw(t, sim, "azure", http.MethodGet, path, nil, "Authorization", "Bearer "+first).wantError(t, http.StatusTooManyRequests, "SubscriptionRequestsThrottled")
	if strings.Contains(e.Message, "actor 'armsim'") {
		t.Errorf("the message names the principal: %s", e.Message)
	}
	if r := raw(t, sim, "azure", http.MethodGet, path, nil, "Authorization", "Bearer "+second); r.status != http.StatusOK {
		t.Fatalf("another principal's budget is its own: %d %s", r.status, r.body)
	}
}
