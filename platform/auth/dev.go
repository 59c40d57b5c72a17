package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/hybridlink/hybridlink/platform/keyfile"
)

// The development issuer's names. Its issuer URL is under .invalid (RFC 2606): it is never
// fetched, its keys are a file.
const (
	DevIssuer   = "https://dev.hybridlink.invalid"
	DevAudience = "hybridlink"
	// DevFolder is the development issuer's folder inside a state folder.
	DevFolder = "auth"
	// devLifetime is how long a development token lasts; it is made anew when a stack
	// starts with less than a day of it left.
	devLifetime = 30 * 24 * time.Hour
)

// devSubjects are the development identities, one per role: admin is the local user's
// (what the CLI sends), operator and viewer are there to try the roles, orchestrator is the
// orchestrator's when it calls the resource services.
var devSubjects = map[Role]string{Admin: "dev-admin", Operator: "dev-operator", Viewer: "dev-viewer", Orchestrator: "hybridlink-orchestrator"}

// Access is who may call a service: an access file's configuration or, on loopback, a state
// folder's development issuer (Dev set).
type Access struct {
	Config *Config
	Dev    *Dev
}

// Dev is the development issuer of a state folder: an ECDSA P-256 key made once (key.pem),
// its public key set (jwks.json), and a token per role it signs (admin.token, operator.token,
// viewer.token, orchestrator.token), with a Config that trusts them. It is what the dev stack
// and the service commands use when no access file is given; the files are readable by
// their owner only.
type Dev struct {
	// Dir is the issuer's folder.
	Dir    string
	Config *Config
	key    *ecdsa.PrivateKey
}

// TokenFile is the file holding the development token of role.
func (d *Dev) TokenFile(r Role) string { return filepath.Join(d.Dir, string(r)+".token") }

// DevAccess loads the development issuer of stateDir, creating its key and refreshing its
// tokens as needed.
func DevAccess(stateDir string) (Access, error) {
	d, err := loadDev(filepath.Join(stateDir, DevFolder))
	if err != nil {
		return Access{}, fmt.Errorf("development credentials in %s: %w", filepath.Join(stateDir, DevFolder), err)
	}
	return Access{Config: d.Config, Dev: d}, nil
}

// FileAccess loads an access file.
func FileAccess(path string) (Access, error) {
	c, err := Load(path)
	if err != nil {
		return Access{}, err
	}
	return Access{Config: c}, nil
}

func loadDev(dir string) (*Dev, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	key, err := loadOrCreateKey(filepath.Join(dir, "key.pem"))
	if err != nil {
		return nil, err
	}
	d := &Dev{Dir: dir, key: key}
	jwk := jose.JSONWebKey{Key: &key.PublicKey, KeyID: keyID(&key.PublicKey), Algorithm: string(jose.ES256), Use: "sig"}
	set, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{jwk}})
	if err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, "jwks.json"), set); err != nil {
		return nil, err
	}
	d.Config = &Config{Issuers: []Issuer{{Issuer: DevIssuer, Audience: DevAudience, JWKSFile: filepath.Join(dir, "jwks.json")}}}
	for _, r := range roles {
		d.Config.Grants = append(d.Config.Grants, Grant{Role: r, Subjects: []string{devSubjects[r]}})
		if err := d.refresh(r); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// refresh writes role's token anew unless the one on file is ours and lasts another day.
func (d *Dev) refresh(r Role) error {
	if b, err := os.ReadFile(d.TokenFile(r)); err == nil {
		if tok, err := jwt.ParseSigned(string(b), []jose.SignatureAlgorithm{jose.ES256}); err == nil {
			var c jwt.Claims
			if tok.Claims(&d.key.PublicKey, &c) == nil && c.Expiry != nil && time.Until(c.Expiry.Time()) > 24*time.Hour {
				return nil
			}
		}
	}
	tok, err := d.Mint(devSubjects[r], devLifetime)
	if err != nil {
		return err
	}
	return writeFile(d.TokenFile(r), []byte(tok+"\n"))
}

// Mint signs a development token for subject, valid for ttl (negative: already expired).
func (d *Dev) Mint(subject string, ttl time.Duration) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: d.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", keyID(&d.key.PublicKey)))
	if err != nil {
		return "", err
	}
	now := time.Now()
	return jwt.Signed(signer).Claims(jwt.Claims{Issuer: DevIssuer, Audience: jwt.Audience{DevAudience}, Subject: subject,
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)), Expiry: jwt.NewNumericDate(now.Add(ttl))}).Serialize()
}

// loadOrCreateKey reads the issuer's key, or makes it; processes starting on one state
// folder at once end up with the same key, and none reads it half-written: it is written
// whole to a temporary file and linked into place, which fails for all but the first.
func loadOrCreateKey(path string) (*ecdsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		k, gerr := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if gerr != nil {
			return nil, gerr
		}
		der, gerr := x509.MarshalPKCS8PrivateKey(k)
		if gerr != nil {
			return nil, gerr
		}
		b = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		wrote, ferr := keyfile.Create(path, b)
		if ferr != nil {
			return nil, ferr
		}
		if !wrote {
			return loadOrCreateKey(path) // another process made it first
		}
		err = nil
	}
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("%s holds no PEM key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s is not an ECDSA key", path)
	}
	return ec, nil
}

// keyID names a public key by a digest of its encoding.
func keyID(k *ecdsa.PublicKey) string {
	der, _ := x509.MarshalPKIXPublicKey(k)
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:8])
}

// writeFile replaces a file whole (write then rename), readable by its owner only.
func writeFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(b)
	if err := errors.Join(werr, tmp.Chmod(0o600), tmp.Close()); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
