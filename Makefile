# hybridlink: every target works from a clean clone with only Go (and npm, for the
# googleapis protos) installed.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

GO        ?= go
MODULES   := $(shell $(GO) list -m -f '{{.Dir}}')
BIN       := $(CURDIR)/.cache/bin
BUF       := $(BIN)/buf

# googleapis protos our protos import, from the npm package google-proto-files.
GOOGLE_PROTO_FILES := 6.0.1
GOOGLEAPIS         := third_party/googleapis
GOOGLEAPIS_STAMP   := $(GOOGLEAPIS)/.google-proto-files-$(GOOGLE_PROTO_FILES)
GOOGLEAPIS_FILES   := api/annotations api/http api/field_behavior api/resource api/client \
                      api/launch_stage rpc/status rpc/error_details rpc/code longrunning/operations

.PHONY: test fmt-check vet unit lint gen-check generate tools temporal temporal-server googleapis bench browser-test armsim hybridlink demo demo-hub acceptance-az acceptance-terraform

## test: every check CI runs: formatting, vet, buf lint, fresh generated code, race-enabled tests.
test: fmt-check vet lint gen-check compose-check unit

## fmt-check: fail when any Go file is not gofmt-clean.
fmt-check:
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## vet: go vet every module of the workspace.
vet:
	@for m in $(MODULES); do (cd $$m && $(GO) vet ./...); done

## unit: go test -race every module of the workspace (the orchestrator's tests run a Temporal dev server).
unit: temporal
	@for m in $(MODULES); do (cd $$m && $(GO) test -race -count=1 ./...); done

## lint: buf lint (STANDARD, AIP exceptions in buf.yaml).
lint: tools googleapis
	$(BUF) lint

# OPENAPI_FIX names the path parameters protoc-gen-openapiv2 misspells (tools/openapi).
OPENAPI_FIX := $(GO) run ./tools/openapi -rename publicIPAddresse=publicIPAddress

## generate: rebuild gen/ from proto/.
generate: tools googleapis
	rm -rf gen/hybridlink gen/openapi/hybridlink
	$(BUF) generate
	$(OPENAPI_FIX) gen/openapi

## gen-check: fail when the committed gen/ differs from a fresh generation.
gen-check: tools googleapis
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	$(BUF) generate -o $$tmp; \
	$(OPENAPI_FIX) $$tmp/gen/openapi; \
	if ! diff -r -q $$tmp/gen/hybridlink gen/hybridlink || ! diff -r -q $$tmp/gen/openapi/hybridlink gen/openapi/hybridlink; then \
		echo "gen/ is stale: run make generate and commit the result"; exit 1; fi

## tools: build buf and the protoc plugins at the versions pinned in tools/go.mod.
tools: $(BUF)
$(BUF): tools/go.mod tools/go.sum
	mkdir -p $(BIN)
	cd tools && GOWORK=off $(GO) build -o $(BIN)/ $$(GOWORK=off $(GO) list tool)
	touch $(BUF)

## temporal: build the Temporal CLI (dev server) at the version pinned in tools/temporal (about 5 minutes, once).
temporal: $(BIN)/temporal
$(BIN)/temporal: tools/temporal/go.mod tools/temporal/go.sum
	mkdir -p $(BIN)
	cd tools/temporal && GOWORK=off $(GO) build -o $(BIN)/temporal github.com/temporalio/cli/cmd/temporal
	touch $@

## temporal-server: build Temporal's server and its SQL schema tool at the version pinned in
## tools/temporal-server (the one the pinned CLI embeds; a few minutes, once).
temporal-server: $(BIN)/temporal-server
$(BIN)/temporal-server: tools/temporal-server/go.mod tools/temporal-server/go.sum
	mkdir -p $(BIN)
	cd tools/temporal-server && GOWORK=off $(GO) build -o $(BIN)/temporal-sql-tool go.temporal.io/server/cmd/tools/sql
	cd tools/temporal-server && GOWORK=off $(GO) build -o $(BIN)/temporal-server go.temporal.io/server/cmd/server
	touch $@

## googleapis: copy the googleapis protos we import from google-proto-files.
googleapis: $(GOOGLEAPIS_STAMP)
$(GOOGLEAPIS_STAMP):
	rm -rf $(GOOGLEAPIS) .cache/npm && mkdir -p .cache/npm
	cd .cache/npm && npm pack --silent google-proto-files@$(GOOGLE_PROTO_FILES) >/dev/null && tar xzf google-proto-files-$(GOOGLE_PROTO_FILES).tgz
	for f in $(GOOGLEAPIS_FILES); do mkdir -p $(GOOGLEAPIS)/google/$$(dirname $$f); cp .cache/npm/package/google/$$f.proto $(GOOGLEAPIS)/google/$$f.proto; done
	touch $@

## browser-test: the web console in headless Chromium (Debian's chromium package) against
## armsim, Temporal and the services: a deployment followed live from APPLYING to READY
## (about 30 s). SCREENSHOT=docs/console.png saves the READY page. Not part of test, which
## skips it: .ci/run runs it after test.
browser-test: temporal
	@command -v chromium >/dev/null || { echo "browser-test needs Chromium: apt-get install chromium"; exit 1; }
	cd services/orchestrator && HYBRIDLINK_BROWSER_TEST=1 $(if $(SCREENSHOT),HYBRIDLINK_CONSOLE_SCREENSHOT=$(abspath $(SCREENSHOT))) \
		$(GO) test -race -count=1 -run '^TestConsole' -v ./service

## bench: run the Go benchmarks (not part of test).
bench:
	@for m in $(MODULES); do (cd $$m && $(GO) test -run '^$$' -bench . -benchmem ./...); done

## acceptance-az: Debian's az CLI (azure-cli 2.45.0-1) logs in to armsim and builds, lists and
## deletes the Azure site, then logs in to an AD FS stamp (armsim/acceptance/az.sh; about 45 seconds).
acceptance-az:
	armsim/acceptance/az.sh

# Terraform and its azurerm provider, at pinned versions, for acceptance-terraform.
TERRAFORM_VERSION := v1.5.7
AZURERM_VERSION   := v1.44.1-0.20260824201233-fae580791926
TF                := $(CURDIR)/.cache/tf

## acceptance-terraform: Terraform with the azurerm provider applies the Azure site against a
## strict armsim, plans again (must be empty) and destroys it (armsim/acceptance/terraform.sh).
## Builds both into .cache/tf once (about 15 minutes and 4 GB of memory on 2 cores).
acceptance-terraform: $(TF)/.terraform-$(TERRAFORM_VERSION) $(TF)/.azurerm-$(AZURERM_VERSION)
	armsim/acceptance/terraform.sh $(TF)/terraform $(TF)
$(TF)/.terraform-$(TERRAFORM_VERSION):
	mkdir -p $(TF) && cd $(TF) && GOWORK=off GOBIN=$(TF) $(GO) install github.com/hashicorp/terraform@$(TERRAFORM_VERSION)
	touch $@
$(TF)/.azurerm-$(AZURERM_VERSION):
	mkdir -p $(TF) && cd $(TF) && GOWORK=off GOBIN=$(TF) $(GO) install github.com/hashicorp/terraform-provider-azurerm@$(AZURERM_VERSION)
	touch $@

## armsim: build the emulator into bin/.
armsim:
	$(GO) build -o bin/armsim ./armsim/cmd/armsim

# The commit the CLI is built from, for hybridlink version: set with -ldflags, since the Go
# toolchain stamps none in a git worktree or with -buildvcs=false.
BUILDINFO := github.com/hybridlink/hybridlink/platform/buildinfo
LDFLAGS   := -X $(BUILDINFO).commit=$(shell git rev-parse HEAD 2>/dev/null) \
             -X $(BUILDINFO).modified=$(shell git diff --quiet HEAD 2>/dev/null || echo true)

## hybridlink: build the CLI into bin/ (hybridlink version says its commit).
hybridlink:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/hybridlink ./cmd/hybridlink

## demo: the whole job on the emulated clouds: start the stack, apply examples/hybrid-connectivity.yaml,
## verify both connections Connected, print the timeline and outputs, stop. KEEP=1 leaves the stack running.
## DEMO_FLAGS go to `hybridlink demo`, e.g. DEMO_FLAGS=--ports-from=19100 beside another stack.
demo: temporal hybridlink
	bin/hybridlink demo $(if $(KEEP),--keep) $(DEMO_FLAGS)

## demo-hub: demo for a hub and three spokes: armsim with stamps stamp1-4, apply examples/hub-and-spokes.yaml,
## verify all six connections Connected. With KEEP=1, examples/attach-to-existing-hub.yaml can attach stamp4 after.
demo-hub: temporal hybridlink
	bin/hybridlink demo --stamps 4 -f examples/hub-and-spokes.yaml $(if $(KEEP),--keep) $(DEMO_FLAGS)

## ---- docker compose: docker-compose.yml checked by a pinned compose CLI (no Docker engine needed) ----
COMPOSE         := $(BIN)/docker-compose
COMPOSE_VERSION := $(shell awk '$$1 == "github.com/docker/compose/v5" {print $$2}' tools/compose/go.mod)

.PHONY: compose compose-check

## compose: build the docker compose CLI at the version pinned in tools/compose (about 75 s from a cold cache, once).
compose: $(COMPOSE)
$(COMPOSE): tools/compose/go.mod tools/compose/go.sum
	mkdir -p $(BIN)
	cd tools/compose && GOWORK=off $(GO) build -trimpath -ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=$(COMPOSE_VERSION)" \
		-o $(COMPOSE) github.com/docker/compose/v5/cmd
	touch $@

## compose-check: fail when docker-compose.yml is invalid or docker compose config warns about it.
compose-check: $(COMPOSE)
	@out=$$($(COMPOSE) -f docker-compose.yml config -q 2>&1) || { echo "$$out"; echo "docker-compose.yml is invalid"; exit 1; }; \
	if [ -n "$$out" ]; then echo "$$out"; echo "docker-compose.yml: docker compose config warns (see above)"; exit 1; fi; \
	echo "docker-compose.yml: valid ($$($(COMPOSE) version --short) config, no warnings)"

## ---- scale: N concurrent deployments through the API, every part its own process (bench/scale) ----
N ?= 50

.PHONY: scale

## scale: apply N deployments at once against armsim (time-compressed, budgets scaled) and print one line of figures.
scale: temporal
	$(GO) run ./bench/scale -n $(N) $(SCALE_FLAGS)

## ---- cluster: a real Temporal server on PostgreSQL, two workers, two API replicas (bench/cluster) ----
PG_BIN ?= /usr/lib/postgresql/15/bin

.PHONY: cluster-test

## cluster-test: temporal-server on Debian's PostgreSQL 15 (deploy/temporal), two orchestrator
## workers, two API replicas and the resource services as processes; SIGKILL of a worker
## during N (default 20) deployments; all READY with exactly one PUT per resource. Installs
## postgresql with apt-get when missing. Not part of test.
cluster-test: N = 20
cluster-test: temporal-server
	@if [ ! -x $(PG_BIN)/postgres ]; then echo "installing postgresql from Debian's packages"; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq postgresql; fi; fi
	$(GO) run ./bench/cluster -n $(N) -pg-bin $(PG_BIN) -temporal-server $(BIN)/temporal-server -sql-tool $(BIN)/temporal-sql-tool \
		-schema "$$(cd tools/temporal-server && GOWORK=off $(GO) list -m -f '{{.Dir}}' go.temporal.io/server)/schema/postgresql/v12" $(CLUSTER_FLAGS)
