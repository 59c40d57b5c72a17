// Package codec encrypts Temporal payloads with AES-256-GCM, so that workflow and activity
// inputs and results (a connection's shared key, a VM's admin password) are never in
// Temporal's history in clear.
package codec

import (
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"

	"github.com/hybridlink/hybridlink/platform/aesgcm"
)

// Metadata of an encrypted payload.
const (
	// Encoding is the payload's "encoding" metadata value.
	Encoding = "binary/encrypted"
	// MetadataKeyID names the metadata entry holding the id of the key that encrypted it.
	MetadataKeyID = "encryption-key-id"
)

// KeySize is the length of a key: AES-256.
const KeySize = aesgcm.KeySize

// Codec is a converter.PayloadCodec that encrypts every payload with one key. Decode
// leaves payloads it did not encode as they are, and refuses encrypted payloads that were
// altered or sealed with another key.
type Codec struct {
	aead  cipher.AEAD
	keyID string
}

// NewCodec returns a Codec for a KeySize-byte key.
func NewCodec(key []byte) (*Codec, error) {
	aead, err := aesgcm.New(key, "payload key")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append([]byte("hybridlink payload key id\x00"), key...))
	return &Codec{aead: aead, keyID: hex.EncodeToString(sum[:8])}, nil
}

// NewDataConverter returns Temporal's default data converter with every payload encrypted
// by a Codec with key. It panics when key is not KeySize bytes: check keys with NewCodec
// where they are read.
func NewDataConverter(key []byte) converter.DataConverter {
	c, err := NewCodec(key)
	if err != nil {
		panic(err)
	}
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// KeyID identifies the codec's key in the payloads it encrypts, without revealing it.
func (c *Codec) KeyID() string { return c.keyID }

// Encode encrypts each payload, metadata included.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return payloads, err
		}
		nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(plain)+c.aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return payloads, err
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{converter.MetadataEncoding: []byte(Encoding), MetadataKeyID: []byte(c.keyID)},
			Data:     c.aead.Seal(nonce, nonce, plain, c.additionalData()),
		}
	}
	return out, nil
}

// Decode decrypts the payloads Encode encrypted and passes any other through unchanged.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != Encoding {
			out[i] = p
			continue
		}
		if id := string(p.GetMetadata()[MetadataKeyID]); id != c.keyID {
			return payloads, fmt.Errorf("payload encrypted with key %q; this worker has key %q", id, c.keyID)
		}
		n := c.aead.NonceSize()
		if len(p.GetData()) < n+c.aead.Overhead() {
			return payloads, errors.New("encrypted payload is truncated")
		}
		plain, err := c.aead.Open(nil, p.GetData()[:n], p.GetData()[n:], c.additionalData())
		if err != nil {
			return payloads, errors.New("encrypted payload does not authenticate: altered, or sealed with another key")
		}
		out[i] = &commonpb.Payload{}
		if err := proto.Unmarshal(plain, out[i]); err != nil {
			return payloads, fmt.Errorf("decrypted payload: %w", err)
		}
	}
	return out, nil
}

// additionalData binds the ciphertext to its encoding and key id.
func (c *Codec) additionalData() []byte { return []byte(Encoding + "\x00" + c.keyID) }
