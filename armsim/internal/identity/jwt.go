package identity

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

var b64 = base64.RawURLEncoding

// signJWT returns a compact RS256 JWT of the claims, its header naming the signing key.
func signJWT(key *rsa.PrivateKey, kid string, claims map[string]any) (string, error) {
	h, _ := json.Marshal(map[string]string{"typ": "JWT", "alg": "RS256", "kid": kid, "x5t": kid})
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signed := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return signed + "." + b64.EncodeToString(sig), nil
}

// jwt is a parsed, not yet verified, compact JWT.
type jwt struct {
	header map[string]any
	claims map[string]any
	signed string
	sig    []byte
}

var errMalformed = errors.New("the token is not a JWT")

func parseJWT(token string) (*jwt, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errMalformed
	}
	t := &jwt{signed: parts[0] + "." + parts[1]}
	for i, dst := range []*map[string]any{&t.header, &t.claims} {
		raw, err := b64.DecodeString(parts[i])
		if err != nil || json.Unmarshal(raw, dst) != nil {
			return nil, errMalformed
		}
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, errMalformed
	}
	t.sig = sig
	return t, nil
}

// verify checks the token's RS256 (or PS256) signature with a public key.
func (t *jwt) verify(pub *rsa.PublicKey) bool {
	sum := sha256.Sum256([]byte(t.signed))
	switch t.header["alg"] {
	case "RS256":
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], t.sig) == nil
	case "PS256":
		return rsa.VerifyPSS(pub, crypto.SHA256, sum[:], t.sig, nil) == nil
	}
	return false
}

// str returns a string claim.
func (t *jwt) str(name string) string {
	s, _ := t.claims[name].(string)
	return s
}

// unix returns a numeric date claim (exp, nbf), 0 when absent.
func (t *jwt) unix(name string) int64 {
	f, _ := t.claims[name].(float64)
	return int64(f)
}
