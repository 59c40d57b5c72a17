package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/rs/cors"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/hybridlink/hybridlink/platform/auth"
)

// MaxBodyBytes bounds a REST request body, as gRPC's default bounds a message (4 MiB): a
// larger body is answered 413 before it is read, a larger gRPC message RESOURCE_EXHAUSTED.
const MaxBodyBytes = 4 << 20

// identityKey carries, from the REST face into its in-process gRPC calls, the identity the
// REST face authenticated. The gRPC server believes it on in-process connections only: on
// its port the header is ignored and the caller authenticates itself.
const identityKey = "x-hybridlink-identity"

// guard authenticates and authorizes every call of a service, and audits its mutations.
type guard struct {
	auth   *auth.Authenticator
	policy auth.Policy
	log    *slog.Logger
}

type identityCtx struct{}

// identify finds who calls over gRPC: the REST face's identity on an in-process connection,
// else a bearer token, else a verified client certificate.
func (g *guard) identify(ctx context.Context) (auth.Identity, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	p, _ := peer.FromContext(ctx)
	if p != nil {
		if _, ok := p.AuthInfo.(inProcessAuth); ok {
			var id auth.Identity
			if v := md.Get(identityKey); len(v) != 1 || json.Unmarshal([]byte(v[0]), &id) != nil {
				return auth.Identity{}, auth.ErrNoCredential
			}
			return id, nil
		}
	}
	if v := md.Get("authorization"); len(v) > 0 {
		tok, ok := bearerToken(v[0])
		if !ok {
			return auth.Identity{}, fmt.Errorf("the authorization header is not \"Bearer <token>\"")
		}
		return g.auth.Token(ctx, tok)
	}
	if p != nil {
		if ti, ok := p.AuthInfo.(credentials.TLSInfo); ok && len(ti.State.VerifiedChains) > 0 {
			return g.auth.Certificate(ti.State.VerifiedChains[0][0]), nil
		}
	}
	return auth.Identity{}, auth.ErrNoCredential
}

func bearerToken(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	tok = strings.TrimSpace(tok)
	return tok, ok && strings.EqualFold(scheme, "bearer") && tok != ""
}

// check authenticates and authorizes a call, returning its identity and rule.
func (g *guard) check(ctx context.Context, method string) (auth.Identity, auth.Rule, error) {
	rule := g.policy.Rule(method)
	if rule.Open {
		return auth.Identity{}, rule, nil
	}
	id, err := g.identify(ctx)
	if err != nil {
		return id, rule, status.Errorf(codes.Unauthenticated, "%v", err)
	}
	if err := rule.Allow(id, method); err != nil {
		return id, rule, status.Errorf(codes.PermissionDenied, "%v", err)
	}
	return id, rule, nil
}

// unary authorizes unary calls and writes an audit line for each mutation tried by an
// identified caller, allowed or not.
func (g *guard) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	id, rule, err := g.check(ctx, info.FullMethod)
	if err != nil {
		if rule.Mutation && status.Code(err) == codes.PermissionDenied {
			g.audit(ctx, id, info.FullMethod, req, err)
		}
		return nil, err
	}
	resp, err := handler(context.WithValue(ctx, identityCtx{}, id), req)
	if rule.Mutation {
		g.audit(ctx, id, info.FullMethod, req, err)
	}
	return resp, err
}

func (g *guard) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if _, _, err := g.check(ss.Context(), info.FullMethod); err != nil {
		return err
	}
	return handler(srv, ss)
}

// audit logs who did what to which resource, and how it ended. Requests are not logged
// whole: only their resource names, never a field that may hold a secret.
func (g *guard) audit(ctx context.Context, id auth.Identity, method string, req any, err error) {
	attrs := []any{"who", id.String(), "roles", id.Roles, "method", method, "code", status.Code(err).String()}
	if m, ok := req.(proto.Message); ok {
		attrs = append(attrs, targets(m.ProtoReflect())...)
	}
	if err != nil {
		attrs = append(attrs, "error", status.Convert(err).Message())
	}
	g.log.InfoContext(ctx, "audit", attrs...)
}

// targets names what a request acts on: its name, parent and *_id fields, and the name of
// a resource it carries (deployment.name).
func targets(m protoreflect.Message) []any {
	var out []any
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		f := fields.Get(i)
		name := string(f.Name())
		switch {
		case f.Kind() == protoreflect.StringKind && f.Cardinality() != protoreflect.Repeated &&
			(name == "name" || name == "parent" || strings.HasSuffix(name, "_id")):
			if v := m.Get(f).String(); v != "" {
				out = append(out, name, v)
			}
		case f.Kind() == protoreflect.MessageKind && f.Cardinality() != protoreflect.Repeated && !f.IsMap() && m.Has(f):
			if n := f.Message().Fields().ByName("name"); n != nil && n.Kind() == protoreflect.StringKind {
				if v := m.Get(f).Message().Get(n).String(); v != "" {
					out = append(out, name+".name", v)
				}
			}
		}
	}
	return out
}

// forwardIdentity is the in-process connection's interceptor: it hands the identity the REST
// face authenticated to the gRPC server.
func forwardIdentity(ctx context.Context) context.Context {
	id, ok := ctx.Value(identityCtx{}).(auth.Identity)
	if !ok {
		return ctx
	}
	b, _ := json.Marshal(id)
	return metadata.AppendToOutgoingContext(ctx, identityKey, string(b))
}

func forwardUnary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	return invoker(forwardIdentity(ctx), method, req, reply, cc, opts...)
}

func forwardStream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	return streamer(forwardIdentity(ctx), desc, cc, method, opts...)
}

// rest guards the REST port. Health probes pass. Then, in order: a Host the service does not
// answer to (DNS rebinding) is refused, as is a cross-origin browser request from an origin
// not allowed (CSRF), a body that is not JSON (415) or is larger than MaxBodyBytes (413), and
// a call without a valid bearer token or client certificate (401). The identity goes on to
// the gRPC server, which authorizes the method; the OpenAPI document, metrics and routes
// not open need any role. The open routes (patterns of next) pass after the Host check.
func (g *guard) rest(listenHost string, next *http.ServeMux, open []string) http.Handler {
	hosts := append([]string{"localhost", "127.0.0.1", "::1"}, g.auth.Hosts()...)
	if h := strings.Trim(listenHost, "[]"); h != "" && net.ParseIP(h) != nil && !net.ParseIP(h).IsUnspecified() {
		hosts = append(hosts, h)
	}
	origins := g.auth.Origins()
	var corsHandler *cors.Cors
	if len(origins) > 0 {
		corsHandler = cors.New(cors.Options{AllowedOrigins: origins, AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete},
			AllowedHeaders: []string{"Authorization", "Content-Type"}})
	}
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBodyBytes {
			refuse(w, http.StatusRequestEntityTooLarge, codes.InvalidArgument, fmt.Sprintf("the request body is larger than %d bytes", MaxBodyBytes))
			return
		}
		if hasBody(r) {
			if ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || ct != "application/json" {
				refuse(w, http.StatusUnsupportedMediaType, codes.InvalidArgument, fmt.Sprintf("the request body must be JSON: send Content-Type: application/json, not %q", r.Header.Get("Content-Type")))
				return
			}
			body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
			if err != nil {
				refuse(w, http.StatusBadRequest, codes.InvalidArgument, "reading the request body: "+err.Error())
				return
			}
			if len(body) > MaxBodyBytes {
				refuse(w, http.StatusRequestEntityTooLarge, codes.InvalidArgument, fmt.Sprintf("the request body is larger than %d bytes", MaxBodyBytes))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		id, err := g.identifyHTTP(r)
		if err != nil {
			refuse(w, http.StatusUnauthorized, codes.Unauthenticated, err.Error())
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/v1/") && len(id.Roles) == 0 {
			refuse(w, http.StatusForbidden, codes.PermissionDenied, id.String()+" has no role; ask an admin to grant one in the access file's grants")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), identityCtx{}, id)))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == HealthPath {
			next.ServeHTTP(w, r)
			return
		}
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if !slices.ContainsFunc(hosts, func(h string) bool { return strings.EqualFold(h, strings.Trim(host, "[]")) }) {
			refuse(w, http.StatusMisdirectedRequest, codes.PermissionDenied, fmt.Sprintf("this service does not answer to the host %q; add it to the access file's hosts if it is one of its names", r.Host))
			return
		}
		if _, pattern := next.Handler(r); slices.Contains(open, pattern) {
			next.ServeHTTP(w, r)
			return
		}
		origin := r.Header.Get("Origin")
		switch {
		case origin != "" && slices.Contains(origins, origin):
			corsHandler.Handler(inner).ServeHTTP(w, r)
		case origin != "" || crossSite(r):
			refuse(w, http.StatusForbidden, codes.PermissionDenied, fmt.Sprintf("cross-origin requests from %q are refused; add the origin to the access file's origins to allow a browser application", origin))
		default:
			inner.ServeHTTP(w, r)
		}
	})
}

// crossSite reports a browser request from another site that carries no Origin (a
// navigation or a no-cors fetch), by its Fetch Metadata.
func crossSite(r *http.Request) bool {
	s := r.Header.Get("Sec-Fetch-Site")
	return s == "cross-site" || s == "same-site"
}

// hasBody reports a request that has a body, or says it has one.
func hasBody(r *http.Request) bool {
	return r.ContentLength != 0 || r.Header.Get("Content-Type") != ""
}

// identifyHTTP authenticates a REST call: a bearer token, else a verified client certificate.
func (g *guard) identifyHTTP(r *http.Request) (auth.Identity, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := bearerToken(h)
		if !ok {
			return auth.Identity{}, fmt.Errorf("the Authorization header is not \"Bearer <token>\"")
		}
		return g.auth.Token(r.Context(), tok)
	}
	if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 {
		return g.auth.Certificate(r.TLS.VerifiedChains[0][0]), nil
	}
	return auth.Identity{}, auth.ErrNoCredential
}

// refuse answers a REST request with an error in google.rpc.Status JSON, as grpc-gateway does.
func refuse(w http.ResponseWriter, httpStatus int, code codes.Code, msg string) {
	b, _ := protojson.Marshal(status.New(code, msg).Proto())
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(httpStatus)
	_, _ = w.Write(append(b, '\n'))
}
