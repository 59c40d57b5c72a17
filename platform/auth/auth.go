// Package auth decides who calls a hybridlink service and what the caller may do. A caller
// is identified by an OAuth2/OIDC bearer token, validated locally against its issuer's keys
// (issuer, audience, signature, expiry), or by a TLS client certificate verified against the
// service's client CA; its roles come from the grants of the access file, matched against the
// token's subject and groups or the certificate's subject. A Policy says which roles each
// method needs.
package auth

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
	"github.com/hashicorp/golang-lru/v2/expirable"
	"sigs.k8s.io/yaml"
)

// Role is what a caller may do.
type Role string

// The roles. Viewer reads deployments; Operator also applies and cancels them; Admin may do
// everything, destroying deployments and calling the resource services included. Orchestrator
// is the orchestrator's own identity: the resource services accept it (and admins) only.
const (
	Viewer       Role = "viewer"
	Operator     Role = "operator"
	Admin        Role = "admin"
	Orchestrator Role = "orchestrator"
)

var roles = []Role{Viewer, Operator, Admin, Orchestrator}

// Config is the access file: the token issuers a service trusts, who gets which role, and
// what the REST face accepts from browsers.
type Config struct {
	// Issuers are the OIDC issuers whose bearer tokens are accepted.
	Issuers []Issuer `json:"issuers"`
	// Grants give roles to identities.
	Grants []Grant `json:"grants"`
	// Hosts are the names the REST port answers to (Host header), besides localhost,
	// 127.0.0.1 and [::1]; anything else is refused, against DNS rebinding.
	Hosts []string `json:"hosts,omitempty"`
	// Origins are the browser origins (scheme://host[:port]) allowed to call the REST port
	// cross-origin (CORS); every other cross-origin browser request is refused.
	Origins []string `json:"origins,omitempty"`
}

// Issuer is one OIDC token issuer.
type Issuer struct {
	// Issuer is the tokens' iss claim, e.g. https://login.microsoftonline.com/{tenant}/v2.0
	// (Entra ID) or http://adfs.contoso.com/adfs/services/trust (AD FS access tokens).
	Issuer string `json:"issuer"`
	// Audience is the aud claim tokens must carry: this suite's application id or URI.
	Audience string `json:"audience"`
	// Discovery is the OIDC discovery base URL (its /.well-known/openid-configuration names
	// the keys); defaults to Issuer. Ignored when JWKSURL or JWKSFile is set.
	Discovery string `json:"discovery,omitempty"`
	// JWKSURL is the issuer's key set, fetched when needed and on unknown key ids, e.g.
	// https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys or
	// https://adfs.contoso.com/adfs/discovery/keys.
	JWKSURL string `json:"jwksUrl,omitempty"`
	// JWKSFile is a key set read once from a file (the development issuer).
	JWKSFile string `json:"jwksFile,omitempty"`
	// SubjectClaim names the claim identifying the caller; "sub" by default (Entra ID
	// applications are better named by "oid" or "appid").
	SubjectClaim string `json:"subjectClaim,omitempty"`
	// GroupsClaim names the claim listing the caller's groups or app roles; "groups" by
	// default ("roles" for Entra ID app roles).
	GroupsClaim string `json:"groupsClaim,omitempty"`
}

// Grant gives a role to the identities it names.
type Grant struct {
	Role Role `json:"role"`
	// Subjects are token subjects (the SubjectClaim's value).
	Subjects []string `json:"subjects,omitempty"`
	// Groups are values of a token's GroupsClaim.
	Groups []string `json:"groups,omitempty"`
	// Certificates are client certificate subjects, as Go prints them: "CN=ops,O=Contoso".
	Certificates []string `json:"certificates,omitempty"`
}

// Identity is an authenticated caller.
type Identity struct {
	// Subject names the caller: a token's subject or a certificate's subject.
	Subject string `json:"sub"`
	// Via is how it was authenticated: "token" or "certificate".
	Via string `json:"via"`
	// Roles are the roles its grants give it.
	Roles []Role `json:"roles,omitempty"`
}

// Has reports whether the identity has any of want, an admin having every role.
func (id Identity) Has(want ...Role) bool {
	for _, r := range id.Roles {
		if r == Admin || slices.Contains(want, r) {
			return true
		}
	}
	return false
}

// String names the identity in logs and messages.
func (id Identity) String() string { return id.Via + ":" + id.Subject }

// Load reads an access file (YAML or JSON) and checks it.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("access file: %w", err)
	}
	var c Config
	if err := yaml.UnmarshalStrict(b, &c); err != nil {
		return nil, fmt.Errorf("access file %s: %w", path, err)
	}
	if err := c.Check(); err != nil {
		return nil, fmt.Errorf("access file %s: %w", path, err)
	}
	return &c, nil
}

// Check reports the first mistake in c, naming its field.
func (c *Config) Check() error {
	if len(c.Grants) == 0 {
		return errors.New("grants: none; give at least one identity a role, or nobody can call the service")
	}
	for i, is := range c.Issuers {
		f := fmt.Sprintf("issuers[%d]", i)
		if u, err := url.Parse(is.Issuer); is.Issuer == "" || err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("%s.issuer: %q is not an issuer URL such as https://login.microsoftonline.com/{tenant}/v2.0", f, is.Issuer)
		}
		if is.Audience == "" {
			return fmt.Errorf("%s.audience: required: the aud claim this suite's tokens carry (its application id or URI)", f)
		}
		for _, u := range []struct{ field, v string }{{"discovery", is.Discovery}, {"jwksUrl", is.JWKSURL}} {
			if u.v != "" && !strings.HasPrefix(u.v, "https://") {
				return fmt.Errorf("%s.%s: %q must be an https URL", f, u.field, u.v)
			}
		}
	}
	for i, g := range c.Grants {
		f := fmt.Sprintf("grants[%d]", i)
		if !slices.Contains(roles, g.Role) {
			return fmt.Errorf("%s.role: %q is not a role; use viewer, operator, admin or orchestrator", f, g.Role)
		}
		if len(g.Subjects)+len(g.Groups)+len(g.Certificates) == 0 {
			return fmt.Errorf("%s: names nobody; list subjects, groups or certificates", f)
		}
		if len(g.Subjects)+len(g.Groups) > 0 && len(c.Issuers) == 0 {
			return fmt.Errorf("%s: grants to token subjects or groups, but no issuers are configured", f)
		}
	}
	for i, o := range c.Origins {
		if u, err := url.Parse(o); err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
			return fmt.Errorf("origins[%d]: %q is not an origin such as https://console.example.com", i, o)
		}
	}
	return nil
}

// Authenticator identifies callers as a Config says.
type Authenticator struct {
	config    *Config
	verifiers []verifier
	// verified holds, by the token's SHA-256, the identities of the tokens verified in the
	// last verifiedFor, each with its token's expiry.
	verified *expirable.LRU[[sha256.Size]byte, verifiedToken]
	// now is the clock tokens are checked against.
	now func() time.Time
}

// verifiedToken is a verified token's identity and when the token expires.
type verifiedToken struct {
	id     Identity
	expiry time.Time
}

// verifiedFor is how long an Authenticator keeps a verified token's identity (never past
// the token's expiry), and verifiedTokens how many: a caller sends its token with every
// call, and checking its signature was most of what one GetDeployment of a cached
// deployment cost. A key its issuer withdraws stops signing in within verifiedFor.
const (
	verifiedFor    = time.Minute
	verifiedTokens = 10000
)

type verifier struct {
	issuer Issuer
	oidc   *oidc.IDTokenVerifier
}

// signingAlgs are the signature algorithms accepted: asymmetric only, so neither "none" nor
// an HMAC keyed with a public key can pass.
var signingAlgs = []string{oidc.RS256, oidc.RS384, oidc.RS512, oidc.PS256, oidc.PS384, oidc.PS512, oidc.ES256, oidc.ES384, oidc.ES512}

// joseAlgs are signingAlgs as go-jose names them.
func joseAlgs() []jose.SignatureAlgorithm {
	out := make([]jose.SignatureAlgorithm, len(signingAlgs))
	for i, a := range signingAlgs {
		out[i] = jose.SignatureAlgorithm(a)
	}
	return out
}

// New builds an Authenticator; issuers without a key set given are discovered now.
func New(ctx context.Context, c *Config) (*Authenticator, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	a := &Authenticator{config: c, verified: expirable.NewLRU[[sha256.Size]byte, verifiedToken](verifiedTokens, nil, verifiedFor), now: time.Now}
	for i, is := range c.Issuers {
		var keys oidc.KeySet
		switch {
		case is.JWKSFile != "":
			set, err := readKeySet(is.JWKSFile)
			if err != nil {
				return nil, fmt.Errorf("issuers[%d].jwksFile: %w", i, err)
			}
			keys = set
		case is.JWKSURL != "":
			keys = oidc.NewRemoteKeySet(context.WithoutCancel(ctx), is.JWKSURL)
		default:
			d := is.Discovery
			if d == "" {
				d = is.Issuer
			}
			discovered, err := discover(ctx, d)
			if err != nil {
				return nil, fmt.Errorf("issuers[%d]: discovering %s: %w; set jwksUrl to name the key set instead", i, d, err)
			}
			keys = oidc.NewRemoteKeySet(context.WithoutCancel(ctx), discovered)
		}
		a.verifiers = append(a.verifiers, verifier{issuer: is, oidc: oidc.NewVerifier(is.Issuer, keys,
			&oidc.Config{ClientID: is.Audience, SupportedSigningAlgs: signingAlgs, Now: func() time.Time { return a.now() }})})
	}
	return a, nil
}

// discover reads the jwks_uri of an OIDC discovery document.
func discover(ctx context.Context, base string) (string, error) {
	p, err := oidc.NewProvider(oidc.InsecureIssuerURLContext(ctx, base), base)
	if err != nil {
		return "", err
	}
	var doc struct {
		JWKS string `json:"jwks_uri"`
	}
	if err := p.Claims(&doc); err != nil || doc.JWKS == "" {
		return "", fmt.Errorf("no jwks_uri in its discovery document")
	}
	return doc.JWKS, nil
}

// readKeySet reads a JSON Web Key Set of public keys.
func readKeySet(path string) (*oidc.StaticKeySet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := &oidc.StaticKeySet{}
	for _, k := range set.Keys {
		if !k.IsPublic() {
			return nil, fmt.Errorf("%s holds a private key; a key set lists public keys only", path)
		}
		out.PublicKeys = append(out.PublicKeys, k.Key)
	}
	if len(out.PublicKeys) == 0 {
		return nil, fmt.Errorf("%s holds no key", path)
	}
	return out, nil
}

// unverifiedIssuer reads a token's iss claim, to pick the verifier that then checks it all.
func unverifiedIssuer(raw string) (string, error) {
	jws, err := jose.ParseSignedCompact(raw, joseAlgs())
	if err != nil {
		return "", fmt.Errorf("the bearer token is not a signed JWT (asymmetric algorithms only): %w", err)
	}
	var claims struct {
		Issuer string `json:"iss"`
	}
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims); err != nil || claims.Issuer == "" {
		return "", errors.New("the bearer token has no issuer (iss) claim")
	}
	return claims.Issuer, nil
}

// ErrNoCredential is returned when a call carries neither a token nor a client certificate.
var ErrNoCredential = errors.New("no credential: send a bearer token (authorization: Bearer ...) or a client certificate")

// Token identifies the caller of a bearer token. An invalid token is refused with the reason
// (expired, wrong audience, unknown issuer, bad signature), never with the token. A token
// verified in the last verifiedFor is not verified again until it expires.
func (a *Authenticator) Token(ctx context.Context, raw string) (Identity, error) {
	key := sha256.Sum256([]byte(raw))
	if v, ok := a.verified.Get(key); ok && a.now().Before(v.expiry) {
		v.id.Roles = slices.Clone(v.id.Roles)
		return v.id, nil
	}
	id, expiry, err := a.verify(ctx, raw)
	if err != nil {
		return Identity{}, err
	}
	a.verified.Add(key, verifiedToken{id: Identity{Subject: id.Subject, Via: id.Via, Roles: slices.Clone(id.Roles)}, expiry: expiry})
	return id, nil
}

// verify checks a bearer token's issuer, signature, audience and expiry, and returns its
// caller and when it expires.
func (a *Authenticator) verify(ctx context.Context, raw string) (Identity, time.Time, error) {
	iss, err := unverifiedIssuer(raw)
	if err != nil {
		return Identity{}, time.Time{}, err
	}
	for _, v := range a.verifiers {
		if v.issuer.Issuer != iss {
			continue
		}
		tok, err := v.oidc.Verify(ctx, raw)
		if err != nil {
			var expired *oidc.TokenExpiredError
			if errors.As(err, &expired) {
				return Identity{}, time.Time{}, fmt.Errorf("the bearer token expired at %s; get a new one", expired.Expiry.UTC().Format("2006-01-02T15:04:05Z"))
			}
			return Identity{}, time.Time{}, fmt.Errorf("the bearer token is not valid for this service: %w", err)
		}
		var claims map[string]any
		if err := tok.Claims(&claims); err != nil {
			return Identity{}, time.Time{}, fmt.Errorf("the bearer token's claims: %w", err)
		}
		sub := claimString(claims, v.issuer.SubjectClaim, "sub")
		if sub == "" {
			return Identity{}, time.Time{}, fmt.Errorf("the bearer token has no subject claim %q", orDefault(v.issuer.SubjectClaim, "sub"))
		}
		groups := claimStrings(claims, orDefault(v.issuer.GroupsClaim, "groups"))
		return Identity{Subject: sub, Via: "token", Roles: a.grant(func(g Grant) bool {
			return slices.Contains(g.Subjects, sub) || slices.ContainsFunc(g.Groups, func(s string) bool { return slices.Contains(groups, s) })
		})}, tok.Expiry, nil
	}
	return Identity{}, time.Time{}, fmt.Errorf("the bearer token's issuer %q is not one this service trusts", iss)
}

// Certificate identifies the caller of a verified client certificate by its subject.
func (a *Authenticator) Certificate(cert *x509.Certificate) Identity {
	sub := cert.Subject.String()
	return Identity{Subject: sub, Via: "certificate", Roles: a.grant(func(g Grant) bool { return slices.Contains(g.Certificates, sub) })}
}

// grant lists the roles of the grants that match.
func (a *Authenticator) grant(match func(Grant) bool) []Role {
	var out []Role
	for _, g := range a.config.Grants {
		if match(g) && !slices.Contains(out, g.Role) {
			out = append(out, g.Role)
		}
	}
	return out
}

// Hosts and Origins are the REST face's allowed Host names and browser origins.
func (a *Authenticator) Hosts() []string   { return a.config.Hosts }
func (a *Authenticator) Origins() []string { return a.config.Origins }

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func claimString(claims map[string]any, name, def string) string {
	s, _ := claims[orDefault(name, def)].(string)
	return s
}

func claimStrings(claims map[string]any, name string) []string {
	switch v := claims[name].(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Tokens reports whether bearer tokens are accepted (an issuer is configured).
func (a *Authenticator) Tokens() bool { return len(a.verifiers) > 0 }

// Development reports whether the Authenticator trusts the development issuer.
func (a *Authenticator) Development() bool {
	return slices.ContainsFunc(a.config.Issuers, func(is Issuer) bool { return is.Issuer == DevIssuer })
}
