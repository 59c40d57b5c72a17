package handle

import (
	"crypto/rand"
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func key(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpenRoundTrip(t *testing.T) {
	s, err := NewSealer(key(t), "network")
	if err != nil {
		t.Fatal(err)
	}
	h := Handle{Cloud: "azure", Resource: "clouds/azure/resourceGroups/rg/virtualNetworks/v", Verb: "create",
		Token: strings.Repeat(`{"type":"AsyncOperation","pollURL":"https://x/operations/1"}`, 8), Created: time.Unix(1700000000, 0).UTC()}
	name, err := s.Seal(h)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(name, Prefix) || strings.Contains(name, "azure") {
		t.Fatalf("name %q must be opaque", name)
	}
	got, err := s.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	if got != h {
		t.Fatalf("round trip: got %+v want %+v", got, h)
	}
}

func TestOpenRefuses(t *testing.T) {
	k := key(t)
	s, _ := NewSealer(k, "network")
	other, _ := NewSealer(k, "gateway")
	otherKey, _ := NewSealer(key(t), "network")
	name, err := s.Seal(Handle{Cloud: "azure", Resource: "clouds/azure/resourceGroups/rg", Verb: "delete", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(name, Prefix))
	raw[len(raw)/2] ^= 1
	flipped := Prefix + base64.RawURLEncoding.EncodeToString(raw)
	tests := []struct {
		name   string
		sealer *Sealer
		op     string
	}{
		{"altered byte", s, flipped},
		{"truncated", s, name[:len(name)-4]},
		{"other service", other, name},
		{"other key", otherKey, name},
		{"no prefix", s, strings.TrimPrefix(name, Prefix)},
		{"not base64", s, Prefix + "!!!"},
		{"empty", s, Prefix},
		{"forged plain JSON", s, Prefix + base64.RawURLEncoding.EncodeToString([]byte(`{"c":"azure","r":"x","t":"https://evil"}`))},
		{"huge", s, Prefix + strings.Repeat("A", 20<<10)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.sealer.Open(tc.op); err != ErrInvalid {
				t.Fatalf("want ErrInvalid, got %v", err)
			}
		})
	}
}

func TestLoadOrCreateKeyPersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "operations.key")
	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(k1) != string(k2) || len(k1) != KeySize {
		t.Fatal("a generated key must be reused after a restart")
	}
	if _, err := ParseKey("dG9vIHNob3J0"); err == nil {
		t.Fatal("short keys must be refused")
	}
}

func FuzzOpen(f *testing.F) {
	s, _ := NewSealer(make([]byte, KeySize), "svc")
	good, _ := s.Seal(Handle{Cloud: "c", Resource: "r", Token: "t"})
	f.Add(good)
	f.Add(Prefix + "AAAA")
	f.Fuzz(func(t *testing.T, name string) {
		h, err := s.Open(name)
		if err == nil && (h.Cloud == "" || h.Resource == "") {
			t.Fatal("an opened handle always names its cloud and resource")
		}
	})
}
