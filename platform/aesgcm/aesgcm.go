// Package aesgcm is AES-256-GCM, the authenticated encryption of the suite's operation
// handles and Temporal payloads.
package aesgcm

import (
	"crypto/aes"
	"crypto/cipher"
	"fmt"
)

// KeySize is the length of a key: AES-256.
const KeySize = 32

// New returns AES-256-GCM with key; what names the key in the error of a key of another
// size.
func New(key []byte, what string) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("%s must be %d bytes, got %d", what, KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
