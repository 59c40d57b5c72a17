package aesgcm

import (
	"bytes"
	"strings"
	"testing"
)

func TestNew(t *testing.T) {
	for _, tc := range []struct {
		size int
		err  string
	}{
		{KeySize, ""},
		{16, "test key must be 32 bytes, got 16"},
		{0, "test key must be 32 bytes, got 0"},
	} {
		aead, err := New(bytes.Repeat([]byte{7}, tc.size), "test key")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%d bytes: %v, want %q", tc.size, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		nonce := make([]byte, aead.NonceSize())
		sealed := aead.Seal(nil, nonce, []byte("plain"), nil)
		if got, err := aead.Open(nil, nonce, sealed, nil); err != nil || string(got) != "plain" {
			t.Errorf("round trip: %q %v", got, err)
		}
	}
}
