package identity

import (
	"crypto/rsa"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// endpoint names what a directory path asks for.
type endpoint int

const (
	none endpoint = iota
	openIDv1
	openIDv2
	tokenV1
	tokenV2
	keys
	instanceDiscovery
)

// route maps a request path to the tenant it names and the endpoint: Entra ID's
// /{tenant}/v2.0/.well-known/openid-configuration, /{tenant}/oauth2/v2.0/token,
// /{tenant}/discovery/v2.0/keys and their v1 forms, /common/discovery/instance; AD FS's
// /adfs/.well-known/openid-configuration, /adfs/oauth2/token, /adfs/discovery/keys.
func (i *Issuer) route(path string) (string, endpoint) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) < 2 {
		return "", none
	}
	tenant, rest := segs[0], strings.ToLower(strings.Join(segs[1:], "/"))
	if i.ADFS != strings.EqualFold(tenant, "adfs") {
		return "", none
	}
	switch rest {
	case "v2.0/.well-known/openid-configuration":
		return tenant, openIDv2
	case ".well-known/openid-configuration":
		return tenant, openIDv1
	case "oauth2/v2.0/token":
		return tenant, tokenV2
	case "oauth2/token":
		return tenant, tokenV1
	case "discovery/v2.0/keys", "discovery/keys":
		return tenant, keys
	case "discovery/instance":
		if strings.EqualFold(tenant, "common") {
			return tenant, instanceDiscovery
		}
	}
	return "", none
}

// Handles reports whether a request path is one of the directory's.
func (i *Issuer) Handles(path string) bool {
	_, ep := i.route(path)
	return ep != none
}

// ServeHTTP answers the directory's endpoints, with base URLs on the host the caller used.
func (i *Issuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tenant, ep := i.route(r.URL.Path)
	base := "https://" + r.Host
	if !i.ADFS && !strings.EqualFold(tenant, i.Tenant) && !strings.EqualFold(tenant, "common") && !strings.EqualFold(tenant, "organizations") {
		oauthError(w, http.StatusBadRequest, "invalid_request", 90002,
			"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant)
		return
	}
	authority := base + "/" + i.Tenant
	if i.ADFS {
		authority = base + "/adfs"
	}
	switch ep {
	case openIDv2:
		writeJSON(w, http.StatusOK, openIDConfiguration(authority+"/v2.0", authority+"/oauth2/v2.0", authority+"/discovery/v2.0/keys", r.Host))
	case openIDv1:
		iss := authority + "/"
		if i.ADFS {
			iss = authority
		}
		writeJSON(w, http.StatusOK, openIDConfiguration(iss, authority+"/oauth2", authority+"/discovery/keys", r.Host))
	case keys:
		writeJSON(w, http.StatusOK, i.jwks())
	case instanceDiscovery:
		// the tenant MSAL asks about, in its authorization_endpoint: discovering it here
		// fails for another directory's tenant, rather than lead to this directory's tokens
		asked := i.Tenant
		if u, err := url.Parse(r.URL.Query().Get("authorization_endpoint")); err == nil {
			if segs := strings.Split(strings.Trim(u.Path, "/"), "/"); segs[0] != "" {
				asked = segs[0]
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"tenant_discovery_endpoint": base + "/" + asked + "/v2.0/.well-known/openid-configuration", "api-version": "1.1",
			"metadata": []any{map[string]any{"preferred_network": r.Host, "preferred_cache": r.Host, "aliases": []string{r.Host}}},
		})
	case tokenV1, tokenV2:
		iss := authority + "/"
		if i.ADFS {
			iss = authority
		}
		i.token(w, r, iss, ep == tokenV2)
	}
}

// openIDConfiguration is a tenant's OpenID Connect discovery document.
func openIDConfiguration(issuer, oauth, jwks, host string) map[string]any {
	return map[string]any{
		"issuer": issuer, "token_endpoint": oauth + "/token", "authorization_endpoint": oauth + "/authorize",
		"jwks_uri": jwks, "token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"response_types_supported": []string{"code", "id_token", "code id_token", "id_token token"},
		"subject_types_supported":  []string{"pairwise"}, "id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported": []string{"openid", "profile", "email", "offline_access"}, "cloud_instance_name": host,
	}
}

// token answers the client credentials grant: a principal authenticated by its secret or by
// a client assertion signed with its certificate's key gets an access token for the
// resource the scope (v2) or resource (v1, AD FS) names.
func (i *Issuer) token(w http.ResponseWriter, r *http.Request, issuer string, v2 bool) {
	if r.Method != http.MethodPost {
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", 900561, "The endpoint only accepts POST requests.")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body is not a form.")
		return
	}
	f := r.PostForm
	if g := f.Get("grant_type"); g != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '%s'.", g)
		return
	}
	clientID, secret := f.Get("client_id"), f.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		clientID, secret = u, p
	}
	p, known := i.principals[strings.ToLower(clientID)]
	if !known {
		oauthError(w, http.StatusBadRequest, "unauthorized_client", 700016,
			"Application with identifier '%s' was not found in the directory '%s'.", clientID, i.Tenant)
		return
	}
	switch {
	case f.Get("client_assertion") != "":
		if msg := i.checkAssertion(p, f.Get("client_assertion"), "https://"+r.Host+r.URL.Path); msg != "" {
			oauthError(w, http.StatusUnauthorized, "invalid_client", 700027, "%s", msg)
			return
		}
	case secret != "":
		if p.Secret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(p.Secret)) != 1 {
			oauthError(w, http.StatusUnauthorized, "invalid_client", 7000215,
				"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", clientID)
			return
		}
	default:
		oauthError(w, http.StatusBadRequest, "invalid_client", 7000216,
			"'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.")
		return
	}
	// v2 asks by scope ("{resource}/.default", among openid and the like); v1 by
	// resource, though AD FS also takes a scope
	audience := ""
	for _, sc := range strings.Fields(f.Get("scope")) {
		if r, ok := strings.CutSuffix(sc, "/.default"); ok {
			audience = r
		}
	}
	if !v2 && f.Get("resource") != "" {
		audience = f.Get("resource")
	}
	if audience == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", 900144,
			"The request body must contain the following parameter: '%s'.", map[bool]string{true: "scope", false: "resource"}[v2])
		return
	}
	tok, exp, err := i.issue(issuer, p.ClientID, audience)
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", 0, "%v", err)
		return
	}
	secs := int64(time.Until(exp).Round(time.Second) / time.Second)
	body := map[string]any{"token_type": "Bearer", "expires_in": secs, "ext_expires_in": secs, "access_token": tok}
	if !v2 {
		body["expires_on"], body["not_before"], body["resource"] = fmt.Sprint(exp.Unix()), fmt.Sprint(i.Now().Unix()), audience
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, body)
}

// checkAssertion verifies a client assertion (RFC 7523) against a principal's certificate:
// signed by its key, for this token endpoint, issued by and about the principal, in time.
// It returns what is wrong, or "".
func (i *Issuer) checkAssertion(p Principal, assertion, endpoint string) string {
	if p.Certificate == nil {
		return "The application has no certificate to verify client assertions with."
	}
	t, err := parseJWT(assertion)
	if err != nil {
		return "Client assertion failed signature validation: the assertion is not a JWT."
	}
	if pub, ok := p.Certificate.PublicKey.(*rsa.PublicKey); !ok || !t.verify(pub) {
		return "Client assertion contains an invalid signature."
	}
	if !strings.EqualFold(t.str("iss"), p.ClientID) || !strings.EqualFold(t.str("sub"), p.ClientID) {
		return "Client assertion's issuer and subject must be the application's client id."
	}
	if !strings.EqualFold(strings.TrimSuffix(t.str("aud"), "/"), strings.TrimSuffix(endpoint, "/")) {
		return fmt.Sprintf("Client assertion audience claim does not match: it must be %s.", endpoint)
	}
	if now := i.Now().Unix(); t.unix("exp") <= now || t.unix("nbf") > now+300 {
		return "Client assertion is not within its valid time range."
	}
	return ""
}

// oauthError answers in Entra ID's error shape, with its AADSTS code.
func oauthError(w http.ResponseWriter, status int, code string, aadsts int, format string, args ...any) {
	desc := fmt.Sprintf(format, args...)
	if aadsts != 0 {
		desc = fmt.Sprintf("AADSTS%d: %s", aadsts, desc)
	}
	writeJSON(w, status, map[string]any{"error": code, "error_description": desc, "error_codes": []int{aadsts},
		"timestamp": time.Now().UTC().Format("2006-01-02 15:04:05Z")})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
