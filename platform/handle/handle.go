// Package handle seals long-running operation handles: an operation's name carries, under
// authenticated encryption, everything a stateless replica needs to resume polling ARM
// (the cloud, the resource and azcore's resume token), and nothing a caller can forge,
// alter or carry to another service.
package handle

import (
	"bytes"
	"compress/flate"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/hybridlink/hybridlink/platform/aesgcm"
	"github.com/hybridlink/hybridlink/platform/keyfile"
)

// Prefix starts every operation name: operations/{sealed handle}.
const Prefix = "operations/"

// KeySize is the length of a sealing key: AES-256.
const KeySize = aesgcm.KeySize

// Handle is what an operation name holds.
type Handle struct {
	// Cloud is the configured cloud id.
	Cloud string `json:"c"`
	// Resource is the API resource name the operation works on.
	Resource string `json:"r"`
	// Verb is create, update, delete or an action (start, stop, setSharedKey, ...).
	Verb string `json:"v"`
	// Token is azcore's resume token; empty for an operation that was done when it started.
	Token string `json:"t,omitempty"`
	// Created is when the operation started.
	Created time.Time `json:"at"`
}

// ErrInvalid is returned for any handle that does not open: forged, altered, truncated,
// sealed by another service or with another key.
var ErrInvalid = errors.New("not an operation of this service")

// Sealer seals and opens handles for one service with one key.
type Sealer struct {
	aead    cipher.AEAD
	service string
}

// NewSealer returns a Sealer for the named service. The service name is bound into every
// handle, so one service's handles are refused by another sharing the key.
func NewSealer(key []byte, service string) (*Sealer, error) {
	aead, err := aesgcm.New(key, "operation key")
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, service: service}, nil
}

// Seal returns the operation name for h.
func (s *Sealer) Seal(h Handle) (string, error) {
	plain, err := json.Marshal(h)
	if err != nil {
		return "", err
	}
	var z bytes.Buffer
	w, _ := flate.NewWriter(&z, flate.BestCompression)
	if _, err := w.Write(plain); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	sealed := s.aead.Seal(nonce, nonce, z.Bytes(), []byte(s.service))
	return Prefix + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Open returns the handle inside an operation name, or ErrInvalid.
func (s *Sealer) Open(name string) (Handle, error) {
	enc, ok := strings.CutPrefix(name, Prefix)
	if !ok || len(enc) > 16<<10 {
		return Handle{}, ErrInvalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil || len(raw) < s.aead.NonceSize()+s.aead.Overhead() {
		return Handle{}, ErrInvalid
	}
	n := s.aead.NonceSize()
	z, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(s.service))
	if err != nil {
		return Handle{}, ErrInvalid
	}
	plain, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(z)), 64<<10))
	if err != nil {
		return Handle{}, ErrInvalid
	}
	var h Handle
	if err := json.Unmarshal(plain, &h); err != nil || h.Cloud == "" || h.Resource == "" {
		return Handle{}, ErrInvalid
	}
	return h, nil
}

// ParseKey decodes a base64 (standard or URL, padded or not) sealing key.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil && len(k) == KeySize {
			return k, nil
		}
	}
	return nil, fmt.Errorf("operation key must be %d bytes in base64", KeySize)
}

// LoadOrCreateKey reads a base64 key from path, or, for development, generates one and
// writes it there (mode 0600) so restarts keep accepting the handles already given out.
// Processes starting at once on one state folder (replicas, or services sharing it) all end
// up with the same key: the key is written whole to a temporary file and linked into place,
// which fails for all but the first, and the others read the first's.
func LoadOrCreateKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return ParseKey(string(b))
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	switch wrote, err := keyfile.Create(path, []byte(base64.StdEncoding.EncodeToString(k)+"\n")); {
	case err != nil:
		return nil, err
	case !wrote:
		return LoadOrCreateKey(path) // another process made it first
	}
	return k, nil
}
