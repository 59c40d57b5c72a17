package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// issuer is a test OIDC issuer: an RSA key served as a JWKS and an OIDC discovery document
// by an HTTPS server, as Entra ID and AD FS publish theirs.
type issuer struct {
	key    *rsa.PrivateKey
	server *httptest.Server
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	is := &issuer{key: key}
	mux := http.NewServeMux()
	mux.HandleFunc("/keys", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": is.server.URL, "jwks_uri": is.server.URL + "/keys",
			"authorization_endpoint": is.server.URL + "/authorize", "token_endpoint": is.server.URL + "/token"})
	})
	is.server = httptest.NewTLSServer(mux)
	t.Cleanup(is.server.Close)
	return is
}

// sign signs claims with the issuer's key (or key when given), algorithm alg.
func (is *issuer) sign(t *testing.T, claims any, alg jose.SignatureAlgorithm, key any) string {
	t.Helper()
	if key == nil {
		key = is.key
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(s).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type claims struct {
	jwt.Claims
	Groups []string `json:"groups,omitempty"`
	OID    string   `json:"oid,omitempty"`
}

func TestToken(t *testing.T) {
	is := newIssuer(t)
	ctx := oidc.ClientContext(context.Background(), is.server.Client())
	cfg := &Config{
		Issuers: []Issuer{{Issuer: is.server.URL, Audience: "api://hybridlink"}},
		Grants: []Grant{
			{Role: Operator, Subjects: []string{"alice"}},
			{Role: Viewer, Groups: []string{"network-readers"}},
			{Role: Admin, Certificates: []string{"CN=ops,O=Contoso"}},
		},
	}
	a, err := New(ctx, cfg) // discovers the key set, as for Entra ID
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	valid := func(sub string) claims {
		return claims{Claims: jwt.Claims{Issuer: is.server.URL, Subject: sub, Audience: jwt.Audience{"api://hybridlink"},
			Expiry: jwt.NewNumericDate(now.Add(time.Hour)), IssuedAt: jwt.NewNumericDate(now)}}
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	expired := valid("alice")
	expired.Expiry = jwt.NewNumericDate(now.Add(-time.Minute))
	audience := valid("alice")
	audience.Audience = jwt.Audience{"api://someone-else"}
	foreign := valid("alice")
	foreign.Issuer = "https://evil.example"
	grouped := valid("bob")
	grouped.Groups = []string{"network-readers", "staff"}
	payload, _ := json.Marshal(valid("alice"))
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + base64.RawURLEncoding.EncodeToString(payload) + "."
	// HS256 keyed with the issuer's public key: the classic algorithm-confusion forgery.
	pub, _ := x509.MarshalPKIXPublicKey(&is.key.PublicKey)
	for _, tc := range []struct {
		name  string
		token string
		roles []Role
		err   string
	}{
		{"valid", is.sign(t, valid("alice"), jose.RS256, nil), []Role{Operator}, ""},
		{"by group", is.sign(t, grouped, jose.RS256, nil), []Role{Viewer}, ""},
		{"valid, no grant", is.sign(t, valid("mallory"), jose.RS256, nil), nil, ""},
		{"expired", is.sign(t, expired, jose.RS256, nil), nil, "expired"},
		{"wrong audience", is.sign(t, audience, jose.RS256, nil), nil, "audience"},
		{"wrongly signed", is.sign(t, valid("alice"), jose.RS256, other), nil, "signature"},
		{"signed with an unknown EC key", is.sign(t, valid("alice"), jose.ES256, ec), nil, "signature"},
		{"unknown issuer", is.sign(t, foreign, jose.RS256, nil), nil, "not one this service trusts"},
		{"alg none", none, nil, "not a signed JWT"},
		{"HS256 with the public key", is.sign(t, valid("alice"), jose.HS256, pub), nil, "not a signed JWT"},
		{"garbage", "not-a-token", nil, "not a signed JWT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := a.Token(ctx, tc.token)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Token: %v, want an error about %q", err, tc.err)
				}
				if strings.Contains(err.Error(), tc.token) {
					t.Errorf("the error quotes the token: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(id.Roles, tc.roles) || id.Via != "token" {
				t.Errorf("identity %+v, want roles %v", id, tc.roles)
			}
		})
	}
	id := a.Certificate(&x509.Certificate{Subject: pkix.Name{CommonName: "ops", Organization: []string{"Contoso"}}})
	if id.Subject != "CN=ops,O=Contoso" || !id.Has(Orchestrator) {
		t.Errorf("certificate identity %+v: want admin (every role)", id)
	}
}

// TestSubjectClaim: an Entra ID application is named by its oid claim when so configured,
// and the key set is fetched from jwksUrl without discovery (as for AD FS).
func TestSubjectClaim(t *testing.T) {
	is := newIssuer(t)
	ctx := oidc.ClientContext(context.Background(), is.server.Client())
	a, err := New(ctx, &Config{Issuers: []Issuer{{Issuer: "http://adfs.contoso.com/adfs/services/trust", Audience: "hybridlink",
		JWKSURL: is.server.URL + "/keys", SubjectClaim: "oid"}}, Grants: []Grant{{Role: Admin, Subjects: []string{"0000-oid"}}}})
	if err != nil {
		t.Fatal(err)
	}
	c := claims{Claims: jwt.Claims{Issuer: "http://adfs.contoso.com/adfs/services/trust", Subject: "ignored", Audience: jwt.Audience{"hybridlink"},
		Expiry: jwt.NewNumericDate(time.Now().Add(time.Hour))}, OID: "0000-oid"}
	id, err := a.Token(ctx, is.sign(t, c, jose.RS256, nil))
	if err != nil || id.Subject != "0000-oid" || !id.Has(Admin) {
		t.Fatalf("Token: %+v %v", id, err)
	}
}

func TestCheck(t *testing.T) {
	iss := []Issuer{{Issuer: "https://login.microsoftonline.com/t/v2.0", Audience: "api://x"}}
	for _, tc := range []struct {
		name string
		c    Config
		err  string
	}{
		{"no grants", Config{Issuers: iss}, "grants: none"},
		{"bad role", Config{Issuers: iss, Grants: []Grant{{Role: "root", Subjects: []string{"a"}}}}, "grants[0].role"},
		{"nobody", Config{Issuers: iss, Grants: []Grant{{Role: Admin}}}, "grants[0]: names nobody"},
		{"subjects without issuers", Config{Grants: []Grant{{Role: Admin, Subjects: []string{"a"}}}}, "no issuers"},
		{"no audience", Config{Issuers: []Issuer{{Issuer: "https://x"}}, Grants: []Grant{{Role: Admin, Subjects: []string{"a"}}}}, "issuers[0].audience"},
		{"issuer not a URL", Config{Issuers: []Issuer{{Issuer: "contoso", Audience: "a"}}, Grants: []Grant{{Role: Admin, Subjects: []string{"a"}}}}, "issuers[0].issuer"},
		{"plain http keys", Config{Issuers: []Issuer{{Issuer: "https://x", Audience: "a", JWKSURL: "http://x/keys"}}, Grants: []Grant{{Role: Admin, Subjects: []string{"a"}}}}, "issuers[0].jwksUrl"},
		{"bad origin", Config{Grants: []Grant{{Role: Admin, Certificates: []string{"CN=a"}}}, Origins: []string{"https://x/path"}}, "origins[0]"},
		{"certificates only", Config{Grants: []Grant{{Role: Admin, Certificates: []string{"CN=a"}}}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.Check()
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("Check: %v, want %q", err, tc.err)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "access.yaml")
	if err := os.WriteFile(file, []byte("issuers:\n- issuer: https://login.microsoftonline.com/t/v2.0\n  audience: api://hybridlink\n  jwksUrl: https://login.microsoftonline.com/t/discovery/v2.0/keys\ngrants:\n- role: viewer\n  groups: [g1]\nhosts: [hybridlink.contoso.com]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(file)
	if err != nil || len(c.Issuers) != 1 || c.Grants[0].Groups[0] != "g1" || c.Hosts[0] != "hybridlink.contoso.com" {
		t.Fatalf("Load: %+v %v", c, err)
	}
	if err := os.WriteFile(file, []byte("grants:\n- role: admin\n  certificats: [CN=a]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(file); err == nil || !strings.Contains(err.Error(), "certificats") {
		t.Errorf("a misspelled field: %v", err)
	}
}

// TestDevAtOnce: processes starting at once on one state folder (replicas of a service)
// all load the issuer, with one key: each one's tokens pass the others' checks.
func TestDevAtOnce(t *testing.T) {
	ctx := context.Background()
	for range 20 {
		dir := t.TempDir()
		access := make([]Access, 16)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range access {
			wg.Go(func() {
				<-start
				a, err := DevAccess(dir)
				if err != nil {
					t.Error(err)
				}
				access[i] = a
			})
		}
		close(start)
		wg.Wait()
		if t.Failed() {
			return
		}
		authn, err := New(ctx, access[0].Config)
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range access {
			tok, err := a.Dev.Mint("dev-admin", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := authn.Token(ctx, tok); err != nil {
				t.Fatalf("replica %d's token refused by replica 0: %v", i, err)
			}
		}
	}
}

// TestDev: the development issuer's tokens identify each role; a second load of the same
// folder keeps the key (tokens stay valid), and a token of another folder's issuer is refused.
func TestDev(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := DevAccess(dir)
	if err != nil {
		t.Fatal(err)
	}
	authn, err := New(ctx, a.Config)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		b, err := os.ReadFile(a.Dev.TokenFile(r))
		if err != nil {
			t.Fatal(err)
		}
		id, err := authn.Token(ctx, strings.TrimSpace(string(b)))
		if err != nil || !slices.Equal(id.Roles, []Role{r}) {
			t.Errorf("%s token: %+v %v", r, id, err)
		}
		if fi, _ := os.Stat(a.Dev.TokenFile(r)); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s token file mode %v", r, fi.Mode())
		}
	}
	old, _ := os.ReadFile(a.Dev.TokenFile(Admin))
	again, err := DevAccess(dir)
	if err != nil {
		t.Fatal(err)
	}
	if now, _ := os.ReadFile(again.Dev.TokenFile(Admin)); string(now) != string(old) {
		t.Error("loading the folder again made a new token")
	}
	otherAccess, _ := DevAccess(t.TempDir())
	forged, _ := otherAccess.Dev.Mint("dev-admin", time.Hour)
	if _, err := authn.Token(ctx, forged); err == nil {
		t.Error("a token of another development issuer was accepted")
	}
	expired, _ := a.Dev.Mint("dev-admin", -time.Hour)
	if _, err := authn.Token(ctx, expired); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired development token: %v", err)
	}
	if !authn.Development() {
		t.Error("Development() is false for the development issuer")
	}
}

func TestPolicy(t *testing.T) {
	p := Policy{Read: []Role{Viewer, Operator}, Write: []Role{Operator}, Methods: map[string][]Role{"/x.v1.S/DeleteThing": nil}}
	viewer, operator, admin := Identity{Subject: "v", Via: "token", Roles: []Role{Viewer}}, Identity{Subject: "o", Via: "token", Roles: []Role{Operator}}, Identity{Subject: "a", Via: "token", Roles: []Role{Admin}}
	nobody := Identity{Subject: "n", Via: "token"}
	for _, tc := range []struct {
		method   string
		id       Identity
		ok       bool
		mutation bool
	}{
		{"/x.v1.S/GetThing", viewer, true, false},
		{"/x.v1.S/ListThings", nobody, false, false},
		{"/x.v1.S/CreateThing", viewer, false, true},
		{"/x.v1.S/CreateThing", operator, true, true},
		{"/x.v1.S/DeleteThing", operator, false, true},
		{"/x.v1.S/DeleteThing", admin, true, true},
		{"/grpc.health.v1.Health/Check", Identity{}, true, false},
		{"/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", nobody, false, true},
		{"/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", viewer, true, true},
		{"/x.v1.S/GetThing", Identity{Roles: []Role{Orchestrator}}, false, false},
	} {
		r := p.Rule(tc.method)
		err := r.Allow(tc.id, tc.method)
		if (err == nil) != tc.ok || (r.Mutation != tc.mutation && !strings.Contains(tc.method, "reflection")) {
			t.Errorf("%s as %v: %v (mutation %v), want ok %v", tc.method, tc.id.Roles, err, r.Mutation, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "ask an admin") {
			t.Errorf("refusal does not say what to do: %v", err)
		}
	}
	if r := Resources.Rule("/hybridlink.network.v1.NetworkService/ListVirtualNetworks"); r.Allow(Identity{Roles: []Role{Operator}}, "m") == nil {
		t.Error("the resource services admitted an operator")
	}
}

// TestComposeAccess: docker-compose.yml's access file loads and makes the development client
// certificate (what the orchestrator and you present there) admin.
func TestComposeAccess(t *testing.T) {
	c, err := Load(filepath.Join("..", "..", "deploy", "compose", "access.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	id := a.Certificate(&x509.Certificate{Subject: pkix.Name{CommonName: "hybridlink client", Organization: []string{"hybridlink development"}}})
	if !id.Has(Admin) || a.Tokens() {
		t.Errorf("compose access: %+v, tokens %v; want the client certificate admin and no token issuer", id, a.Tokens())
	}
}

// TestVerifiedTokens: a verified token is not verified again while it is kept (with its
// issuer's verifier gone, it still passes), and is never taken past its expiry.
func TestVerifiedTokens(t *testing.T) {
	is := newIssuer(t)
	ctx := oidc.ClientContext(context.Background(), is.server.Client())
	a, err := New(ctx, &Config{Issuers: []Issuer{{Issuer: is.server.URL, Audience: "api://hybridlink"}},
		Grants: []Grant{{Role: Operator, Subjects: []string{"alice"}}}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tok := is.sign(t, claims{Claims: jwt.Claims{Issuer: is.server.URL, Subject: "alice", Audience: jwt.Audience{"api://hybridlink"},
		Expiry: jwt.NewNumericDate(now.Add(time.Hour)), IssuedAt: jwt.NewNumericDate(now)}}, jose.RS256, nil)
	if id, err := a.Token(ctx, tok); err != nil || !id.Has(Operator) {
		t.Fatalf("first use: %+v, %v", id, err)
	}
	verifiers := a.verifiers
	a.verifiers = nil // nothing can verify it now: only a kept identity answers
	id, err := a.Token(ctx, tok)
	if err != nil || !id.Has(Operator) {
		t.Fatalf("second use: %+v, %v; want the identity kept from the first", id, err)
	}
	id.Roles[0] = Admin // what a caller does with its copy does not change what is kept
	if id, err := a.Token(ctx, tok); err != nil || id.Has(Admin) {
		t.Fatalf("third use: %+v, %v", id, err)
	}
	a.verifiers = verifiers
	a.now = func() time.Time { return now.Add(2 * time.Hour) }
	if _, err := a.Token(ctx, tok); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("past its expiry: %v, want it refused as expired", err)
	}
}
