# nohealthy — newcomers: `make demo`, then `make test`.
SHELL := /usr/bin/env bash
.DEFAULT_GOAL := build

GO      ?= go
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
FUZZTIME ?= 60s
CORPUS  ?= testdata/bundles
ARTIFACTS ?= $(CURDIR)/bin/test-artifacts
# The demo case: the first corpus case whose expected rank-1 cause is
# subset-no-pods (override with DEMO_CASE=testdata/bundles/<case>).
DEMO_CASE ?= $(shell grep -l -m1 'cause: *subset-no-pods' $(CORPUS)/*/expected.yaml 2>/dev/null | head -n1 | xargs -r dirname)

.PHONY: build bin/analyze bin/gather test demo bench fuzz lint clean

build: bin/analyze bin/gather

# Phony on purpose: the Go build cache decides what is stale, not make.
bin/analyze:
	$(GO) build -ldflags "$(LDFLAGS)" -o $@ ./cmd/analyze

bin/gather:
	$(GO) build -ldflags "$(LDFLAGS)" -o $@ ./cmd/gather

# The HTML report's browser test (render: TestHTMLInChromium) needs Debian's
# chromium, which hack/chromium.sh installs when missing; its screenshots
# are kept in $(ARTIFACTS).
test:
	$(GO) vet ./...
	hack/chromium.sh
	NOHEALTHY_ARTIFACTS=$(ARTIFACTS) $(GO) test ./...
	$(GO) run ./cmd/analyze test $(CORPUS)
	$(MAKE) e2e

# Packs a known incident into a real .tar.zst (the format gather writes)
# and analyzes it. Exit status 1 just means "a critical root cause was
# found", which is what the demo is meant to show.
demo: bin/analyze
	@test -n "$(DEMO_CASE)" || { echo "demo: no subset-no-pods case under $(CORPUS)/ (set DEMO_CASE=DIR)"; exit 2; }
	$(GO) run ./internal/testgen/packbundle $(DEMO_CASE)/bundle bin/demo.tar.zst
	@echo "+ bin/analyze bin/demo.tar.zst"
	@bin/analyze bin/demo.tar.zst; rc=$$?; \
	echo; echo "exit status $$rc (0 = nothing critical, 1 = a finding reached --fail-on critical, 2 = input error)"; \
	test $$rc -le 1

bench:
	hack/bench.sh

# Runs every fuzz target one at a time (go test -fuzz takes one target per
# package and run) for FUZZTIME each.
fuzz:
	@set -euo pipefail; \
	targets=$$($(GO) test -list '^Fuzz' ./... | awk '/^Fuzz/ {names[n++]=$$1; next} /^ok/ {for (i=0;i<n;i++) print $$2, names[i]; n=0}'); \
	if [ -z "$$targets" ]; then echo "no fuzz targets"; exit 0; fi; \
	while read -r pkg name; do \
		echo "== $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) "$$pkg"; \
	done <<< "$$targets"

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null; git ls-files -o --exclude-standard '*.go' 2>/dev/null)); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf bin

# e2e and bench-gather live with gather's tooling.
-include Makefile.gather.mk
-include Makefile.bench.mk
ifeq ($(wildcard Makefile.gather.mk),)
.PHONY: e2e
e2e:
	@echo "e2e skipped: Makefile.gather.mk missing"
endif
