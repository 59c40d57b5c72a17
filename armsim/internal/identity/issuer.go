// Package identity is armsim's directory: per cloud, an Entra ID (or AD FS) OAuth2 token
// endpoint and OpenID metadata that issue signed access tokens to the configured service
// principals (client secret or client certificate), and the check ARM makes of a bearer
// token in strict mode.
package identity

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"
)

// Principal is a service principal that may get tokens: its application (client) id and its
// client secret or the certificate whose key signs its client assertions.
type Principal struct {
	ClientID    string
	Secret      string
	Certificate *x509.Certificate
}

// Issuer is one cloud's directory tenant.
type Issuer struct {
	// Tenant is the tenant id tokens carry (tid); AD FS stamps use "adfs".
	Tenant string
	// ADFS serves AD FS's paths (/adfs/...) instead of Entra ID's (/{tenant}/...).
	ADFS bool
	// Lifetime is how long an access token is valid.
	Lifetime time.Duration
	// Now returns the current time.
	Now func() time.Time

	principals map[string]Principal
	once       sync.Once
	key        *rsa.PrivateKey
	kid        string
}

// New returns the issuer of a tenant for the principals.
func New(tenant string, adfs bool, lifetime time.Duration, principals []Principal) *Issuer {
	i := &Issuer{Tenant: tenant, ADFS: adfs, Lifetime: lifetime, Now: time.Now, principals: map[string]Principal{}}
	if adfs {
		i.Tenant = "adfs"
	}
	for _, p := range principals {
		i.principals[strings.ToLower(p.ClientID)] = p
	}
	return i
}

// signingKey returns the tenant's token signing key, made on first use: most armsim
// instances never issue a token.
func (i *Issuer) signingKey() (*rsa.PrivateKey, string) {
	i.once.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
		sum := sha256.Sum256(der)
		i.key, i.kid = k, base64.RawURLEncoding.EncodeToString(sum[:20])
	})
	return i.key, i.kid
}

// issue signs an access token for a principal and an audience.
func (i *Issuer) issue(issuer, clientID, audience string) (string, time.Time, error) {
	key, kid := i.signingKey()
	now := i.Now().UTC()
	exp := now.Add(i.Lifetime)
	oid := objectID(clientID)
	tok, err := signJWT(key, kid, map[string]any{
		"aud": audience, "iss": issuer, "iat": now.Unix(), "nbf": now.Unix(), "exp": exp.Unix(),
		"appid": clientID, "appidacr": "1", "idtyp": "app", "oid": oid, "sub": oid, "tid": i.Tenant, "ver": "1.0",
	})
	return tok, exp, err
}

// objectID is a principal's stable object id.
func objectID(clientID string) string {
	sum := sha256.Sum256([]byte("oid/" + strings.ToLower(clientID)))
	h := fmt.Sprintf("%x", sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// Token check failures, for ARM to answer in its words.
var (
	// ErrInvalid: not a token this cloud issued (malformed, or a signature that does not verify).
	ErrInvalid = errors.New("invalid token")
)

// ExpiredError is a token used after its expiry.
type ExpiredError struct{ Expiry, Now time.Time }

func (e *ExpiredError) Error() string { return "token expired at " + e.Expiry.String() }

// AudienceError is a token issued for another resource.
type AudienceError struct{ Audience string }

func (e *AudienceError) Error() string { return "token for audience " + e.Audience }

// Verify checks a bearer token as ARM does: signed by this tenant, for one of the
// audiences (a trailing slash aside), not expired. It returns the principal's object id.
func (i *Issuer) Verify(token string, audiences []string) (string, error) {
	t, err := parseJWT(token)
	if err != nil {
		return "", ErrInvalid
	}
	key, _ := i.signingKey()
	if !t.verify(&key.PublicKey) {
		return "", ErrInvalid
	}
	aud := t.str("aud")
	ok := false
	for _, a := range audiences {
		ok = ok || strings.TrimSuffix(a, "/") == strings.TrimSuffix(aud, "/")
	}
	if !ok {
		return "", &AudienceError{Audience: aud}
	}
	if now := i.Now(); !now.Before(time.Unix(t.unix("exp"), 0)) {
		return "", &ExpiredError{Expiry: time.Unix(t.unix("exp"), 0).UTC(), Now: now.UTC()}
	}
	return t.str("oid"), nil
}

// jwks is the tenant's signing key as a JSON Web Key Set.
func (i *Issuer) jwks() map[string]any {
	key, kid := i.signingKey()
	e := big.NewInt(int64(key.PublicKey.E)).Bytes()
	return map[string]any{"keys": []any{map[string]any{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "x5t": kid,
		"n": base64.RawURLEncoding.EncodeToString(key.PublicKey.N.Bytes()), "e": base64.RawURLEncoding.EncodeToString(e),
	}}}
}
