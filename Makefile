# hybridlink: every target works from a clean clone with only Go installed.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

GO      ?= go
MODULES := $(shell $(GO) list -m -f '{{.Dir}}')

.PHONY: test check fmt-check vet unit bench armsim

## test: every check CI runs: formatting, vet and the race-enabled tests of every module.
test: fmt-check vet unit

## fmt-check: fail when any Go file is not gofmt-clean.
fmt-check:
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## vet: go vet every module of the workspace.
vet:
	@for m in $(MODULES); do (cd $$m && $(GO) vet ./...); done

## unit: go test -race every module of the workspace.
unit:
	@for m in $(MODULES); do (cd $$m && $(GO) test -race -count=1 ./...); done

## bench: run the Go benchmarks (not part of test).
bench:
	@for m in $(MODULES); do (cd $$m && $(GO) test -run '^$$' -bench . -benchmem ./...); done

## armsim: build the emulator into bin/.
armsim:
	$(GO) build -o bin/armsim ./armsim/cmd/armsim
