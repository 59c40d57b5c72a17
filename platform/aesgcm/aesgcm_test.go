package aesgcm

import (
	"bytes"
	"testing"
)

// TestNew: a key of another size is refused, naming it; a KeySize key seals and opens.
func TestNew(t *testing.T) {
	if _, err := New(make([]byte, 16), "test key"); err == nil || err.Error() != "test key must be 32 bytes, got 16" {
		t.Errorf("a 16-byte key: %v", err)
	}
	aead, err := New(bytes.Repeat([]byte{7}, KeySize), "test key")
	if err != nil {
		t.Fatal(err)
	}
	nonce := make([]byte, aead.NonceSize())
	if got, err := aead.Open(nil, nonce, aead.Seal(nil, nonce, []byte("plain"), nil), nil); err != nil || string(got) != "plain" {
		t.Errorf("round trip: %q %v", got, err)
	}
}
