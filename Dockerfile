# syntax=docker/dockerfile:1
#
# One image with every hybridlink binary: the network, gateway, compute and orchestrator
# services, armsim and the hybridlink CLI, each a static Go binary in /usr/local/bin on a
# distroless base (no shell, no package manager, running as nonroot, uid 65532).
# docker-compose.yml runs every hybridlink container from it, each choosing its binary as
# entrypoint. One image rather than six because the binaries share one Go workspace and
# most of their dependencies: one build compiles the shared code once, and one image is
# pulled, scanned and cached once.
#
#   docker build -t hybridlink:dev .
#   docker run --rm hybridlink:dev network -help

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Source last, modules and build results in cache mounts: a rebuild after a code change
# downloads nothing and recompiles only what changed.
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags='-s -w' -o /out/bin/ \
        ./services/network/cmd/network \
        ./services/gateway/cmd/gateway \
        ./services/compute/cmd/compute \
        ./services/orchestrator/cmd/orchestrator \
        ./armsim/cmd/armsim \
        ./cmd/hybridlink
# The folders docker-compose.yml mounts volumes on, owned by nonroot: a new named volume
# takes the ownership of the folder it is first mounted on, so nonroot can write it.
#   /certs       the development CA and certificates (hybridlink certs)
#   /armsim      armsim's state file and CA key;  /armsim-ca  its CA certificate for clients
#   /state       a service's generated keys (operation key; the orchestrator's payload key)
RUN mkdir -p /out/dirs/certs /out/dirs/armsim /out/dirs/armsim-ca /out/dirs/state

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/bin/ /usr/local/bin/
COPY --from=build --chown=65532:65532 /out/dirs/ /
WORKDIR /state
# gRPC and REST of orchestrator, network, gateway, compute; armsim's two clouds.
EXPOSE 9090 9091 9092 9093 8090 8091 8092 8093 8443 9443
ENTRYPOINT ["hybridlink"]
