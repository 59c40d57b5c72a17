package serve

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/hybridlink/hybridlink/platform/buildinfo"
)

// versionHeader is the response header every call answers with: the server's build
// (buildinfo.Header: buildinfo.Read().String()), so a client can say which server it talks
// to from any call, a health check included, with no method of its own.
var versionHeader = metadata.Pairs(buildinfo.Header, buildinfo.Read().String())

// versionUnary sets versionHeader on every unary call.
func versionUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	_ = grpc.SetHeader(ctx, versionHeader) // fails only once headers went out, which they have not
	return handler(ctx, req)
}

// versionStream sets versionHeader on every stream.
func versionStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	_ = ss.SetHeader(versionHeader)
	return handler(srv, ss)
}
