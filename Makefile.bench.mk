# Large-bundle benchmark inputs (included by Makefile). `make bench` runs
# hack/bench.sh, which builds what is missing and prints the table.
#   make bench-data                      small, medium, large (+ x10 logs, + dump tree) into $(BENCH_DIR)
#   make bench-large                     the table for large only (+ its x10 and dump rows)
#   BENCH_SIZES="small medium" make bench   quick run without large
BENCH_DIR ?= /tmp/nohealthy-bench

.PHONY: bench-data bench-large

bench-data:
	BENCH_DIR=$(BENCH_DIR) hack/bench-data.sh

bench-large:
	BENCH_DIR=$(BENCH_DIR) BENCH_SIZES=large hack/bench.sh
