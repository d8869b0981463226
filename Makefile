# orgrail build targets. `make test` is the test command README names.
GO      ?= go
VERSION ?= $(shell git describe --tags --always 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --verify -q HEAD 2>/dev/null || echo unknown)
LDFLAGS := -s -w -X github.com/orgrail/orgrail/internal/cli.Version=$(VERSION) -X github.com/orgrail/orgrail/internal/cli.Commit=$(COMMIT)
PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64

.PHONY: build test race bench lint release lambda conformance clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/orgrail ./cmd/orgrail

test:
	$(GO) test -count=1 -timeout 40m ./...

# race runs the race detector over the packages that share state
# between goroutines (store, notify, collect, trail, authz), with -short:
# notify's multi-worker Lambda scenario and moto_server test run in
# `make test` only.
RACE_PKGS ?= ./internal/store/... ./internal/notify/... ./internal/collect/... ./internal/trail/... ./internal/authz/...
race:
	$(GO) test -race -short -count=1 -timeout 20m $(RACE_PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "not gofmt-ed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

release: lambda
	@for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; \
		echo "building $$os/$$arch"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/orgrail_$${os}_$${arch}/orgrail ./cmd/orgrail || exit 1; \
	done

# bootstrap.zip is the Lambda custom-runtime package (provided.al2023, arm64).
lambda:
	mkdir -p dist/lambda
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -trimpath -tags lambda.norpc -ldflags '$(LDFLAGS)' -o dist/lambda/bootstrap ./cmd/orgrail
	$(GO) run ./tools/mkzip dist/lambda/bootstrap.zip dist/lambda/bootstrap

conformance:
	bash bench/conformance.sh

clean:
	rm -rf bin dist
