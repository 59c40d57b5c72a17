package codec_test

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"

	gatewayv1 "github.com/hybridlink/hybridlink/gen/hybridlink/gateway/v1"
	"github.com/hybridlink/hybridlink/services/orchestrator/internal/codec"
)

const sharedKey = "Codec-Shared-Key-4d91c2"

func key(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, codec.KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func connectionRequest() *gatewayv1.CreateConnectionRequest {
	return &gatewayv1.CreateConnectionRequest{Parent: "clouds/azure/resourceGroups/rg", ConnectionId: "tunnel",
		Connection: &gatewayv1.Connection{SharedKey: sharedKey}}
}

// encrypt encodes a connection request holding the shared key with a codec for k.
func encrypt(t *testing.T, k []byte) *commonpb.Payload {
	t.Helper()
	p, err := codec.NewDataConverter(k).ToPayload(connectionRequest())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRoundTrip: a proto message holding a shared key comes back equal, and its encrypted
// payload holds neither the key nor the message's encoding.
func TestRoundTrip(t *testing.T) {
	k := key(t)
	p := encrypt(t, k)
	raw, err := proto.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(sharedKey)) || bytes.Contains(raw, []byte("json/protobuf")) {
		t.Fatalf("the encrypted payload holds the shared key or the inner encoding: %q", raw)
	}
	if got := string(p.GetMetadata()[converter.MetadataEncoding]); got != codec.Encoding {
		t.Fatalf("encoding %q, want %q", got, codec.Encoding)
	}
	c, _ := codec.NewCodec(k)
	if got := string(p.GetMetadata()[codec.MetadataKeyID]); got != c.KeyID() || got == "" {
		t.Fatalf("key id %q, want %q", got, c.KeyID())
	}
	var back gatewayv1.CreateConnectionRequest
	if err := codec.NewDataConverter(k).FromPayload(p, &back); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(&back, connectionRequest()) {
		t.Fatalf("round trip: got %v", &back)
	}
}

// TestDecodeRefuses: an altered payload, or one sealed with another key, does not decode.
func TestDecodeRefuses(t *testing.T) {
	k := key(t)
	tests := []struct {
		name   string
		alter  func(p *commonpb.Payload)
		key    []byte
		reason string
	}{
		{"flipped ciphertext bit", func(p *commonpb.Payload) { p.Data[len(p.Data)-20] ^= 1 }, k, "does not authenticate"},
		{"flipped nonce bit", func(p *commonpb.Payload) { p.Data[0] ^= 1 }, k, "does not authenticate"},
		{"truncated", func(p *commonpb.Payload) { p.Data = p.Data[:10] }, k, "truncated"},
		{"wrong key", func(*commonpb.Payload) {}, key(t), "key"},
		{"key id swapped", func(p *commonpb.Payload) {
			other, _ := codec.NewCodec(key(t))
			p.Metadata[codec.MetadataKeyID] = []byte(other.KeyID())
		}, k, "key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := encrypt(t, k)
			tc.alter(p)
			c, err := codec.NewCodec(tc.key)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Decode([]*commonpb.Payload{p})
			if err == nil || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("want an error about %q, got %v", tc.reason, err)
			}
			if strings.Contains(err.Error(), sharedKey) {
				t.Fatal("the error holds the shared key")
			}
		})
	}
}

// TestPassthrough: payloads the codec did not encode decode as they are.
func TestPassthrough(t *testing.T) {
	plain, err := converter.GetDefaultDataConverter().ToPayloads("hello", 42, connectionRequest())
	if err != nil {
		t.Fatal(err)
	}
	c, err := codec.NewCodec(key(t))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Decode(plain.GetPayloads())
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range got {
		if !proto.Equal(p, plain.GetPayloads()[i]) {
			t.Fatalf("payload %d changed: %v", i, p)
		}
	}
}

// TestKeySize: only AES-256 keys are accepted.
func TestKeySize(t *testing.T) {
	for _, n := range []int{0, 16, 24, 31, 33} {
		if _, err := codec.NewCodec(make([]byte, n)); err == nil {
			t.Fatalf("a %d-byte key was accepted", n)
		}
	}
}
