# gather's end-to-end tests and benchmark (included by the main Makefile).
# They build kube-apiserver, kubectl, etcd and kwok from Go modules once
# (cached under $(NOHEALTHY_CACHE), default ~/.cache/nohealthy/e2e/<version>/)
# and run them on 127.0.0.1.
GO ?= go
E2E_TIMEOUT ?= 60m

.PHONY: e2e e2e-deps bench-gather

e2e-deps:
	hack/e2e/build.sh >/dev/null

e2e: e2e-deps
	$(GO) test -tags e2e -count=1 -timeout $(E2E_TIMEOUT) ./e2e/...

bench-gather: e2e-deps
	E2E_BENCH=1 $(GO) test -tags e2e -count=1 -timeout $(E2E_TIMEOUT) -run '^TestBenchGather$$' -v ./e2e/...
